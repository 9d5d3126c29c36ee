//! The connections scenario: N authenticated idle sockets opened in steps from several local
//! addresses and processes; server memory per connection from the slope of its RSS, connect
//! rate, errors, and whether every socket is still open after a hold.

pub mod plan;
pub mod worker;

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use serde::Serialize;
use serde_json::json;

use crate::api::{Api, each};
use crate::cli::ConnectionsArgs;
use crate::hist::Latency;
use crate::report::{Report, thousands};
use crate::server::Server;
use crate::workers::Workers;
use plan::{Checked, Command, Plan, StepDone};

/// Sockets one generator process holds at most (the open-file limit here is 20,000).
const PER_PROCESS: usize = 15_000;

/// The server's memory after a number of sockets were open.
#[derive(Clone, Copy, Debug, Serialize)]
struct Point {
    sockets: usize,
    rss_kib: u64,
    step_seconds: f64,
}

pub async fn run(args: &ConnectionsArgs, server: &Server) -> Result<Report> {
    if args.sockets == 0 || args.steps == 0 || args.per_account == 0 {
        bail!("--sockets, --steps and --per-account must be positive");
    }
    let tokens = accounts(&Api::new(&server.base), args).await?;
    let locals = (1..=args.local_addresses.max(1))
        .map(|i| IpAddr::V4(Ipv4Addr::new(127, 0, 0, i)))
        .collect();
    let plan = Plan {
        server: server.addr,
        tokens,
        steps: args.steps,
        concurrency: args.concurrency,
        locals,
    };
    let processes = args.processes.max(args.sockets.div_ceil(PER_PROCESS));
    let mut workers = Workers::spawn(&crate::Job::Connections(plan), processes).await?;
    let _: Vec<StepDone> = workers.hear_all(Duration::from_secs(60)).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut points = vec![Point {
        sockets: 0,
        rss_kib: server.rss_kib().unwrap_or(0),
        step_seconds: 0.0,
    }];
    let (mut connected, mut failed, mut errors) = (0, 0, vec![]);
    for k in 1..=args.steps {
        let started = Instant::now();
        workers.tell_all(&Command::Step(k)).await?;
        let done: Vec<StepDone> = workers.hear_all(Duration::from_secs(600)).await?;
        let step_seconds = started.elapsed().as_secs_f64();
        for d in done {
            connected += d.connected;
            failed += d.failed;
            errors.extend(d.errors);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        points.push(Point {
            sockets: connected,
            rss_kib: server.rss_kib().unwrap_or(0),
            step_seconds,
        });
    }
    tokio::time::sleep(Duration::from_secs_f64(args.hold)).await;
    let held_rss = server.rss_kib();
    workers.tell_all(&Command::Check).await?;
    let checked: Vec<Checked> = workers.hear_all(Duration::from_secs(60)).await?;
    workers.finish().await?;
    let tally = Tally {
        connected,
        failed,
        errors,
        held_rss,
        processes,
    };
    Ok(summarise(
        args,
        &points,
        &checked,
        &tally,
        server.pid.is_some(),
    ))
}

/// One visitor per `per_account` sockets; returns a token per socket.
async fn accounts(api: &Api, args: &ConnectionsArgs) -> Result<Vec<String>> {
    let tag = crate::messages::run_tag();
    let org = api
        .signup(
            "Bench connections",
            &format!("conn-{tag}.bench.example"),
            json!({}),
        )
        .await?;
    let count = args.sockets.div_ceil(args.per_account);
    let org = &org;
    let visitors = each((0..count).collect(), 16, |i| async move {
        api.visitor(&org.id, &format!("Idle {i}")).await
    })
    .await?;
    Ok((0..args.sockets)
        .map(|i| visitors[i / args.per_account].clone())
        .collect())
}

struct Tally {
    connected: usize,
    failed: usize,
    errors: Vec<String>,
    held_rss: Option<u64>,
    processes: usize,
}

/// Least-squares slope of RSS over open sockets, in KiB per socket.
fn slope(points: &[Point]) -> Option<f64> {
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.sockets as f64).sum::<f64>() / n;
    let my = points.iter().map(|p| p.rss_kib as f64).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.sockets as f64 - mx).powi(2)).sum();
    let sxy: f64 = points
        .iter()
        .map(|p| (p.sockets as f64 - mx) * (p.rss_kib as f64 - my))
        .sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

fn summarise(
    args: &ConnectionsArgs,
    points: &[Point],
    checked: &[Checked],
    t: &Tally,
    has_pid: bool,
) -> Report {
    let mut r = Report::default();
    let mut latency = Latency::default();
    let open: usize = checked.iter().map(|c| c.open).sum();
    for c in checked {
        latency.add(&Latency::from_counts(&c.connect_latency));
    }
    let connect_time: f64 = points.iter().map(|p| p.step_seconds).sum();
    let rate = t.connected as f64 / connect_time.max(1e-9);
    r.row("sockets", format!("{} requested, {} connected, {} failed ({} per account, from 127.0.0.1–127.0.0.{}, {} processes)", thousands(args.sockets as u64), thousands(t.connected as u64), t.failed, args.per_account, args.local_addresses, t.processes));
    r.row(
        "connect rate",
        format!("{rate:.0}/s ({} at once per process)", args.concurrency),
    );
    r.row("connect latency", latency.summary().line());
    if has_pid {
        let per = slope(points);
        let first = points.first().map_or(0, |p| p.rss_kib);
        let last = points.last().map_or(0, |p| p.rss_kib);
        r.row(
            "server RSS",
            format!(
                "{:.1} MiB with no socket, {:.1} MiB with {} sockets",
                first as f64 / 1024.0,
                last as f64 / 1024.0,
                thousands(t.connected as u64)
            ),
        );
        if let Some(per) = per {
            r.row(
                "server RSS per connection",
                format!("{per:.1} KiB (slope over {} readings)", points.len()),
            );
        }
        if let Some(h) = t.held_rss {
            r.row(
                "server RSS after the hold",
                format!("{:.1} MiB", h as f64 / 1024.0),
            );
        }
        r.set("rss_per_connection_kib", per);
        r.set("rss_readings", points);
        r.set("rss_after_hold_kib", t.held_rss);
    } else {
        r.row("server RSS", "unknown (give --server-pid with --url)");
    }
    r.row(
        "still open after the hold",
        format!(
            "{} of {} ({} s)",
            thousands(open as u64),
            thousands(t.connected as u64),
            args.hold
        ),
    );
    for e in t.errors.iter().take(5) {
        r.row("  error", e.clone());
    }
    r.check(
        "every socket connected",
        t.failed == 0 && t.connected == args.sockets,
        format!("{} of {} connected", t.connected, args.sockets),
    );
    r.check(
        "every socket still open",
        open == t.connected,
        format!("{open} of {} open after {} s", t.connected, args.hold),
    );
    r.set("connected", t.connected);
    r.set("failed", t.failed);
    r.set("errors", &t.errors);
    r.set("connect_rate", rate);
    r.set("connect_latency", latency.summary());
    r.set("open_after_hold", open);
    r.set("processes", t.processes);
    r
}
