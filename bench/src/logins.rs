//! The logins scenario: a burst of customer logins at once; latency from the start of the
//! burst, logins per second, and the server's memory before, at its peak during the burst and
//! after it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use futures_util::StreamExt;
use reqwest::Method;
use serde_json::json;

use crate::api::{Api, PASSWORD, each};
use crate::cli::LoginsArgs;
use crate::hist::Latency;
use crate::report::{Report, mib, thousands};
use crate::server::Server;
use crate::usage::RssWatch;

struct Burst {
    latency: Latency,
    ok: usize,
    failures: BTreeMap<String, usize>,
    seconds: f64,
}

pub async fn run(args: &LoginsArgs, server: &Server) -> Result<Report> {
    if args.count == 0 || args.accounts == 0 {
        bail!("--count and --accounts must be positive");
    }
    let api = Api::new(&server.base);
    let tag = crate::messages::run_tag();
    let names: Vec<String> = (0..args.accounts).map(|i| format!("l{tag}_{i}")).collect();
    each(names.clone(), 4, |n| {
        let api = &api;
        async move { api.register(&n).await }
    })
    .await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = server.rss_kib();
    let watch = RssWatch::start(server.pid);
    let usage = crate::usage::Usage::start(server.pid);
    let burst = burst(
        &api,
        &names,
        args.concurrency.unwrap_or(args.count),
        args.count,
    )
    .await;
    let peak = watch.finish();
    let used = usage.finish();
    let after_watch = RssWatch::start(server.pid);
    tokio::time::sleep(Duration::from_secs_f64(args.after)).await;
    let after_peak = after_watch.finish();
    let after = server.rss_kib();
    let anon_after = server.anon_rss_kib();
    let mut r = summarise(args, &burst, before, peak, after, after_peak);
    if let Some(anon) = anon_after {
        r.row(
            "  of which anonymous",
            format!(
                "{} (the rest: the program and its libraries mapped from their files)",
                mib(anon)
            ),
        );
    }
    r.set("anon_rss_after_kib", anon_after);
    r.row("during the burst", used.line());
    r.set("cores_during_burst", used);
    Ok(r)
}

/// `count` logins spread over the accounts, `concurrency` at a time, timed from the start.
async fn burst(api: &Api, names: &[String], concurrency: usize, count: usize) -> Burst {
    let started = Instant::now();
    let results = Arc::new(Mutex::new((
        Latency::default(),
        0usize,
        BTreeMap::<String, usize>::new(),
    )));
    futures_util::stream::iter((0..count).map(|i| {
        let (api, results) = (api.clone(), results.clone());
        let email = format!("{}@bench.example", names[i % names.len()]);
        async move {
            let body = json!({ "email": email, "password": PASSWORD });
            let res = api
                .send(Method::POST, "/api/clients/login", None, Some(&body))
                .await;
            let mut r = results.lock().unwrap();
            r.0.record(started.elapsed());
            match res {
                Ok((200, v)) if v["token"].is_string() => r.1 += 1,
                Ok((status, v)) => {
                    *r.2.entry(format!("{status} {}", v["error"].as_str().unwrap_or("")))
                        .or_default() += 1
                }
                Err(e) => *r.2.entry(format!("{e:#}")).or_default() += 1,
            }
        }
    }))
    .buffer_unordered(concurrency.max(1))
    .collect::<Vec<()>>()
    .await;
    let seconds = started.elapsed().as_secs_f64();
    let (latency, ok, failures) = std::mem::take(&mut *results.lock().unwrap());
    Burst {
        latency,
        ok,
        failures,
        seconds,
    }
}

fn summarise(
    args: &LoginsArgs,
    b: &Burst,
    before: Option<u64>,
    peak: u64,
    after: Option<u64>,
    after_peak: u64,
) -> Report {
    let mut r = Report::default();
    r.row(
        "burst",
        format!(
            "{} customer logins over {} accounts, {} at once",
            thousands(args.count as u64),
            args.accounts,
            args.concurrency.unwrap_or(args.count)
        ),
    );
    r.row(
        "succeeded",
        format!(
            "{} in {:.2} s = {:.0} logins/s",
            thousands(b.ok as u64),
            b.seconds,
            b.ok as f64 / b.seconds
        ),
    );
    r.row("latency from the burst start", b.latency.summary().line());
    if let Some(before) = before {
        r.row("server RSS before", mib(before));
        r.row("server RSS peak during the burst", mib(peak));
        r.row(
            &format!("server RSS {} s after", args.after),
            format!(
                "{} (peak in that time {})",
                mib(after.unwrap_or(0)),
                mib(after_peak)
            ),
        );
    } else {
        r.row("server RSS", "unknown (give --server-pid with --url)");
    }
    for (what, n) in &b.failures {
        r.row("  error", format!("{n} × {what}"));
    }
    r.check(
        "every login succeeded",
        b.ok == args.count,
        format!("{} of {}", b.ok, args.count),
    );
    r.set("succeeded", b.ok);
    r.set("failures", &b.failures);
    r.set("seconds", b.seconds);
    r.set("logins_per_second", b.ok as f64 / b.seconds);
    r.set("latency", b.latency.summary());
    r.set("rss_before_kib", before);
    r.set("rss_peak_during_kib", peak);
    r.set("rss_after_kib", after);
    r.set("rss_peak_after_kib", after_peak);
    r.set("after_seconds", args.after);
    r
}
