//! The startup scenario: the server started again and again on a fresh data directory; the
//! time from starting the process to its first successful `/ready`, its memory then, and its
//! memory after it has sat idle.

use std::path::Path;
use std::time::Duration;

use anyhow::{Result, bail};

use crate::cli::{ServerOpts, StartupArgs};
use crate::hist::Latency;
use crate::report::{self, Report, mib};
use crate::server::Server;

struct Run {
    ready_after: Duration,
    rss_ready_kib: u64,
    rss_idle_kib: u64,
    /// The idle RSS without the program's pages mapped from its file.
    anon_idle_kib: u64,
    errors: usize,
}

pub async fn run(opts: &ServerOpts, out: Option<&Path>, args: &StartupArgs) -> Result<bool> {
    if opts.url.is_some() {
        bail!("startup starts the server itself; it cannot use --url");
    }
    if args.runs == 0 {
        bail!("--runs must be positive");
    }
    let machine = crate::procfs::machine();
    let mut runs = Vec::with_capacity(args.runs);
    let mut last = None;
    for _ in 0..args.runs {
        let mut server = Server::start(opts).await?;
        let ready_after = server.ready_after.unwrap_or_default();
        let rss_ready_kib = server.rss_kib().unwrap_or(0);
        tokio::time::sleep(Duration::from_secs_f64(args.idle)).await;
        let rss_idle_kib = server.rss_kib().unwrap_or(0);
        let anon_idle_kib = server.anon_rss_kib().unwrap_or(0);
        let log = server.stop().await;
        runs.push(Run {
            ready_after,
            rss_ready_kib,
            rss_idle_kib,
            anon_idle_kib,
            errors: log.errors,
        });
        last = Some((server.info.clone(), log));
    }
    let r = summarise(args, &runs);
    r.print("startup");
    let (info, log) = last.expect("at least one run");
    let ctx = report::Context {
        scenario: "startup",
        params: serde_json::to_value(args)?,
        server: &info,
        server_log: &log,
        machine: &machine,
    };
    let path = report::write(out, "startup", &report::document(&ctx, &r))?;
    println!("  report: {}", path.display());
    Ok(r.passed())
}

fn summarise(args: &StartupArgs, runs: &[Run]) -> Report {
    let mut r = Report::default();
    let mut latency = Latency::default();
    runs.iter().for_each(|run| latency.record(run.ready_after));
    // The lowest and highest of one memory figure over the runs.
    let range = |f: fn(&Run) -> u64| {
        let min = runs.iter().map(f).min().unwrap_or(0);
        let max = runs.iter().map(f).max().unwrap_or(0);
        format!("{} to {}", mib(min), mib(max))
    };
    r.row(
        "runs",
        format!("{} starts on a fresh data directory each", runs.len()),
    );
    r.row("start to ready", latency.summary().line());
    r.row("server RSS when ready", range(|x| x.rss_ready_kib));
    r.row(
        &format!("server RSS idle {} s later", args.idle),
        range(|x| x.rss_idle_kib),
    );
    r.row(
        "  of which anonymous",
        format!(
            "{} (the rest: the program and its libraries mapped from their files)",
            range(|x| x.anon_idle_kib)
        ),
    );
    let errors: usize = runs.iter().map(|x| x.errors).sum();
    r.check(
        "no server logged an error",
        errors == 0,
        format!("{errors} errors"),
    );
    r.set("start_to_ready", latency.summary());
    r.set(
        "rss_ready_kib",
        runs.iter().map(|x| x.rss_ready_kib).collect::<Vec<_>>(),
    );
    r.set(
        "rss_idle_kib",
        runs.iter().map(|x| x.rss_idle_kib).collect::<Vec<_>>(),
    );
    r.set(
        "anon_idle_kib",
        runs.iter().map(|x| x.anon_idle_kib).collect::<Vec<_>>(),
    );
    r
}
