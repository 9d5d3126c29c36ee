//! The history scenario: on a store the tool fills (by default 1,000,000 messages across
//! 10,000 conversations), the latency of reading a conversation's last 50 messages and a page
//! from its middle, with a check that every page holds exactly the expected `seq`s.

pub mod fill;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{Result, bail};
use futures_util::StreamExt;

use crate::api::{Api, Window};
use crate::cli::HistoryArgs;
use crate::hist::Latency;
use crate::report::{Report, thousands};
use crate::server::Server;
use crate::sio::Target;
use crate::usage::Usage;
use fill::{Filled, Sender};

const PAGE: u32 = 50;

#[derive(Default)]
struct Reads {
    latency: Latency,
    wrong: usize,
    errors: usize,
    first_problem: Option<String>,
}

pub async fn run(args: &HistoryArgs, server: &Server) -> Result<Report> {
    if args.fill_conversations == 0
        || args.fill_senders == 0
        || args.fill_orgs == 0
        || args.fill_window == 0
    {
        bail!(
            "--fill-conversations, --fill-senders, --fill-orgs and --fill-window must be positive"
        );
    }
    if args.fill_messages / args.fill_conversations < 2 * PAGE as usize {
        bail!(
            "--fill-messages must give each conversation at least {} messages",
            2 * PAGE
        );
    }
    let api = Api::new(&server.base);
    let cpu_before = server.cpu_seconds();
    let fill_usage = Usage::start(server.pid);
    let filled = fill::fill(
        &api,
        Target {
            server: server.addr,
            local: None,
        },
        args,
    )
    .await?;
    let fill_cpu = cpu_before.zip(server.cpu_seconds()).map(|(b, a)| a - b);
    let fill_used = fill_usage.finish();
    let read_usage = Usage::start(server.pid);
    let per = filled.per_conversation as i64;
    let latest = read(
        &api,
        &filled.senders,
        args,
        Window::Latest,
        per - PAGE as i64 + 1,
    )
    .await;
    let middle_end = per / 2 + PAGE as i64 / 2;
    let started = Instant::now();
    let middle = read(
        &api,
        &filled.senders,
        args,
        Window::Before(middle_end + 1),
        middle_end - PAGE as i64 + 1,
    )
    .await;
    let middle_seconds = started.elapsed().as_secs_f64();
    let read_used = read_usage.finish();
    let mut r = Report::default();
    fill_rows(&mut r, &filled, fill_cpu, server.data_bytes());
    r.row("during set-up and fill", fill_used.line());
    r.set("cores_during_fill", fill_used);
    read_rows(&mut r, "last 50 messages", &latest, args);
    read_rows(&mut r, "50 from the middle", &middle, args);
    r.row(
        "read rate (middle pages)",
        format!(
            "{:.0}/s with {} at once",
            args.requests as f64 / middle_seconds,
            args.concurrency
        ),
    );
    r.row("during the reads", read_used.line());
    r.set("cores_during_reads", read_used);
    Ok(r)
}

/// `requests` reads of the same window in conversations picked evenly, `concurrency` at once;
/// each page must hold `seq`s `first .. first + 50`.
async fn read(
    api: &Api,
    senders: &[Sender],
    args: &HistoryArgs,
    window: Window,
    first: i64,
) -> Reads {
    let total_conversations: usize = senders.iter().map(|s| s.sessions.len()).sum();
    let reads = Arc::new(Mutex::new(Reads::default()));
    futures_util::stream::iter((0..args.requests).map(|i| {
        let c = (i * 7919) % total_conversations;
        let sender = &senders[c % senders.len()];
        let session = &sender.sessions[(c / senders.len()) % sender.sessions.len()];
        let reads = reads.clone();
        async move {
            let started = Instant::now();
            let page = api.history(&sender.token, session, window, PAGE).await;
            let mut r = reads.lock().unwrap();
            r.latency.record(started.elapsed());
            let problem = match page {
                Ok(p)
                    if p.messages
                        .iter()
                        .map(|m| m.seq)
                        .eq(first..first + PAGE as i64)
                        && p.has_more == (first > 1) =>
                {
                    None
                }
                Ok(p) => Some((
                    false,
                    format!(
                        "expected seqs {first}.. got {:?}",
                        p.messages.iter().map(|m| m.seq).take(3).collect::<Vec<_>>()
                    ),
                )),
                Err(e) => Some((true, format!("{e:#}"))),
            };
            if let Some((error, text)) = problem {
                if error {
                    r.errors += 1
                } else {
                    r.wrong += 1
                }
                r.first_problem.get_or_insert(text);
            }
        }
    }))
    .buffer_unordered(args.concurrency.max(1))
    .collect::<Vec<()>>()
    .await;
    std::mem::take(&mut *reads.lock().unwrap())
}

fn fill_rows(r: &mut Report, f: &Filled, cpu: Option<f64>, bytes: Option<u64>) {
    let conversations: usize = f.senders.iter().map(|s| s.sessions.len()).sum();
    let rate = f.acked as f64 / f.fill_seconds;
    r.row(
        "store",
        format!(
            "{} messages in {} conversations ({} each), from {} sockets",
            thousands(f.acked),
            thousands(conversations as u64),
            f.per_conversation,
            f.senders.len()
        ),
    );
    r.row(
        "fill",
        format!(
            "{:.1} s ({rate:.0} messages/s), after {:.1} s opening the conversations",
            f.fill_seconds, f.setup_seconds
        ),
    );
    if let Some(cpu) = cpu {
        r.row("server CPU during set-up and fill", format!("{cpu:.1} s"));
    }
    if let Some(b) = bytes {
        r.row(
            "store size on disk",
            format!("{:.0} MiB", b as f64 / 1024.0 / 1024.0),
        );
    }
    r.check(
        "fill acknowledged",
        f.refused == 0 && f.first_error.is_none(),
        f.first_error
            .clone()
            .unwrap_or_else(|| format!("{} refused", f.refused)),
    );
    r.set("stored_messages", f.acked);
    r.set("conversations", conversations);
    r.set("fill_seconds", f.fill_seconds);
    r.set("fill_rate", rate);
    r.set("open_conversations_seconds", f.setup_seconds);
    r.set("fill_server_cpu_seconds", cpu);
    r.set("store_bytes", bytes);
}

fn read_rows(r: &mut Report, what: &str, reads: &Reads, args: &HistoryArgs) {
    r.row(what, reads.latency.summary().line());
    let key = what.replace(' ', "_");
    r.set(&format!("{key}_latency"), reads.latency.summary());
    r.check(
        &format!("{what}: right seqs"),
        reads.wrong == 0 && reads.errors == 0,
        format!(
            "{} of {} wrong, {} errors {}",
            reads.wrong,
            args.requests,
            reads.errors,
            reads.first_problem.clone().unwrap_or_default()
        ),
    );
}
