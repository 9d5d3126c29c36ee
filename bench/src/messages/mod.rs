//! The messages scenario: customers send at a fixed total rate (open loop) into conversations
//! answered by agents; each message reaches the customer's socket and every agent socket of
//! its organization. Reports ack and delivery latency, achieved rate, server CPU per 1,000
//! messages, errors, and checks the stored histories.

mod agent;
mod content;
mod customer;
pub mod plan;
mod receive;
mod results;
mod setup;
mod stats;
mod verify;
pub mod worker;

use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use crate::api::Api;
use crate::cli::MessagesArgs;
use crate::procfs;
use crate::report::Report;
use crate::server::Server;
use crate::workers::Workers;
use plan::{Go, Plan, Ready};
pub use setup::run_tag;
use stats::{Clock, WorkerReport};

/// Server-side readings over the measured window.
pub struct ServerWindow {
    pub cpu_seconds: Option<f64>,
    pub rss_kib: Option<u64>,
    /// CPU seconds the whole machine was busy during the window.
    pub machine_busy: Option<f64>,
    /// The server's busiest threads over the window: name and CPU seconds.
    pub threads: Vec<(String, f64)>,
    pub commits: Option<crate::metrics::Commits>,
}

pub async fn run(args: &MessagesArgs, server: &Server) -> Result<Report> {
    if args.rate <= 0.0
        || args.duration <= 0.0
        || args.conversations == 0
        || args.orgs == 0
        || args.agents_per_org == 0
    {
        bail!("--rate, --duration, --conversations, --orgs and --agents-per-org must be positive");
    }
    let api = Api::new(&server.base);
    let started = Instant::now();
    let setup = setup::setup(&api, args).await?;
    let setup_seconds = started.elapsed().as_secs_f64();
    let mut nodes = vec![server.addr];
    for url in &args.nodes {
        nodes.push(crate::server::resolve(url.trim_end_matches('/'))?);
    }
    let plan = Plan {
        nodes,
        base: server.base.clone(),
        rate: args.rate,
        warmup: args.warmup,
        duration: args.duration,
        drain: args.drain,
        size: args.size,
        agents: setup.agents,
        customers: setup.customers,
    };
    let mut workers = Workers::spawn(&crate::Job::Messages(plan), args.processes.max(1)).await?;
    let ready: Vec<Ready> = workers.hear_all(Duration::from_secs(300)).await?;
    let errors: Vec<&String> = ready.iter().flat_map(|r| &r.errors).collect();
    if !errors.is_empty() {
        bail!(
            "{} sockets did not connect, e.g. {}",
            errors.len(),
            errors[0]
        );
    }
    let window = measure(args, server, &mut workers).await?;
    let wait = Duration::from_secs_f64(args.drain + 600.0);
    let reports: Vec<WorkerReport> = workers.hear_all(wait).await?;
    workers.finish().await?;
    let mut report = results::summarise(args, &reports, &window);
    report.set("setup_seconds", setup_seconds);
    Ok(report)
}

/// Starts every worker at the same moment and reads the server over the measured window.
async fn measure(
    args: &MessagesArgs,
    server: &Server,
    workers: &mut Workers,
) -> Result<ServerWindow> {
    let lead = Duration::from_millis(500);
    let start_unix_ns = Clock::unix_now_ns() + lead.as_nanos() as u64;
    let t0 = Instant::now() + lead;
    workers.tell_all(&Go { start_unix_ns }).await?;
    tokio::time::sleep_until((t0 + Duration::from_secs_f64(args.warmup)).into()).await;
    let (before, busy_before) = (server.cpu_seconds(), procfs::machine_busy_seconds());
    let threads_before = server.threads();
    let api = Api::new(&server.base);
    let metrics_before = crate::metrics::snapshot(&api).await;
    let end = t0 + Duration::from_secs_f64(args.warmup + args.duration);
    tokio::time::sleep_until(end.into()).await;
    let (after, busy_after) = (server.cpu_seconds(), procfs::machine_busy_seconds());
    let threads = procfs::busiest_threads(&threads_before, &server.threads(), 5);
    let metrics_after = crate::metrics::snapshot(&api).await;
    Ok(ServerWindow {
        cpu_seconds: before.zip(after).map(|(b, a)| a - b),
        rss_kib: server.rss_kib(),
        machine_busy: busy_before.zip(busy_after).map(|(b, a)| a - b),
        threads,
        commits: metrics_before
            .zip(metrics_after)
            .map(|(b, a)| crate::metrics::between(&b, &a)),
    })
}
