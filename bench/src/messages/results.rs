//! Merges the workers' reports into the scenario's figures, checks and notes.

use std::collections::BTreeMap;

use super::ServerWindow;
use super::stats::WorkerReport;
use super::verify::Verified;
use crate::cli::MessagesArgs;
use crate::hist::Latency;
use crate::report::{Report, percent, thousands};

/// A generator process above this share of one core may be the limit.
const BUSY_CORE: f64 = 0.85;

#[derive(Default)]
struct Totals {
    ack: Latency,
    send_lag: Latency,
    delivery_agent: Latency,
    delivery_all: Latency,
    scheduled: u64,
    late: u64,
    sent: u64,
    acked: u64,
    acked_in_window: u64,
    refused: u64,
    unanswered: i64,
    deliveries: u64,
    deliveries_to_assigned: u64,
    out_of_order: u64,
    disconnects: u64,
    errors: BTreeMap<String, u64>,
    verified: Verified,
}

fn merge(reports: &[WorkerReport]) -> Totals {
    let mut t = Totals::default();
    for r in reports {
        t.ack.add(&Latency::from_counts(&r.ack));
        t.send_lag.add(&Latency::from_counts(&r.send_lag));
        t.delivery_agent
            .add(&Latency::from_counts(&r.delivery_agent));
        t.delivery_all.add(&Latency::from_counts(&r.delivery_all));
        t.scheduled += r.scheduled;
        t.late += r.late;
        t.sent += r.sent;
        t.acked += r.acked;
        t.acked_in_window += r.acked_in_window;
        t.refused += r.refused;
        t.unanswered += r.unanswered;
        t.deliveries += r.deliveries;
        t.deliveries_to_assigned += r.deliveries_to_assigned;
        t.out_of_order += r.out_of_order;
        t.disconnects += r.disconnects;
        for (k, v) in &r.errors {
            *t.errors.entry(k.clone()).or_default() += v;
        }
        t.verified.add(&r.verified);
    }
    t
}

pub fn summarise(args: &MessagesArgs, reports: &[WorkerReport], server: &ServerWindow) -> Report {
    let t = merge(reports);
    let mut r = Report::default();
    let fanout = 1 + args.agents_per_org as u64;
    let achieved = t.acked_in_window as f64 / args.duration;
    setup_rows(&mut r, args, reports.len());
    latency_rows(&mut r, args, &t, achieved);
    server_rows(&mut r, server, t.acked_in_window, args.duration);
    generator_rows(&mut r, reports, &t);
    machine_row(&mut r, server, reports, args.duration);
    error_rows(&mut r, &t);
    outcome_rows(&mut r, &t, fanout);
    checks(&mut r, &t, fanout);
    figures(&mut r, args, &t, achieved);
    r
}

fn setup_rows(r: &mut Report, args: &MessagesArgs, processes: usize) {
    r.row(
        "set-up",
        format!(
            "{} organizations, {} agents (1 socket each), {} conversations (1 customer socket each), {}-byte messages",
            args.orgs,
            args.orgs * args.agents_per_org,
            args.conversations,
            args.size
        ),
    );
    r.row(
        "fan-out",
        format!(
            "{} sockets per message: the customer's + the {} agents of the organization (the assigned one among them)",
            1 + args.agents_per_org,
            args.agents_per_org
        ),
    );
    r.row("generator processes", processes.to_string());
}

fn latency_rows(r: &mut Report, args: &MessagesArgs, t: &Totals, achieved: f64) {
    let scheduled = thousands(t.scheduled);
    r.row(
        "offered rate",
        format!(
            "{:.0}/s ({scheduled} sends scheduled in {} s)",
            args.rate, args.duration
        ),
    );
    r.row(
        "achieved rate",
        format!("{achieved:.0}/s (acknowledgements received in the window)"),
    );
    r.row("ack latency", t.ack.summary().line());
    r.row(
        "delivery latency, assigned agent",
        t.delivery_agent.summary().line(),
    );
    r.row(
        "delivery latency, all sockets",
        t.delivery_all.summary().line(),
    );
    r.row("send lag behind schedule", t.send_lag.summary().line());
    let late = percent(t.late as f64, t.scheduled as f64);
    r.row(
        "late sends (> 5 ms)",
        format!("{} ({late})", thousands(t.late)),
    );
}

fn outcome_rows(r: &mut Report, t: &Totals, fanout: u64) {
    r.row(
        "deliveries",
        format!(
            "{} of {} expected ({fanout} × {} acknowledged)",
            thousands(t.deliveries),
            thousands(fanout * t.acked),
            thousands(t.acked)
        ),
    );
    let v = &t.verified;
    r.row(
        "stored",
        format!(
            "{} conversations read back: {} of our messages stored, {} missing, {} duplicated, {} at a wrong seq, {} seq gaps, {} stored without ack",
            v.conversations, thousands(v.stored), v.missing, v.duplicates, v.wrong_seq, v.seq_gaps, v.unacked_stored
        ),
    );
}

fn server_rows(r: &mut Report, server: &ServerWindow, acked: u64, duration: f64) {
    match server.cpu_seconds {
        Some(cpu) => {
            let per_k = if acked > 0 {
                cpu / acked as f64 * 1000.0
            } else {
                0.0
            };
            r.row(
                "server CPU",
                format!(
                    "{per_k:.3} s per 1,000 messages ({:.0}% of one core over the window)",
                    100.0 * cpu / duration
                ),
            );
            r.set("server_cpu_seconds", cpu);
            r.set("server_cpu_seconds_per_1000", per_k);
        }
        None => r.row("server CPU", "unknown (give --server-pid with --url)"),
    }
    if !server.threads.is_empty() {
        let busiest: Vec<String> = server
            .threads
            .iter()
            .map(|(name, cpu)| format!("{name} {:.0}%", 100.0 * cpu / duration))
            .collect();
        r.row("server's busiest threads (% of a core)", busiest.join(", "));
        r.set("server_busiest_threads", &server.threads);
    }
    if let Some(c) = server.commits {
        r.row(
            "server commits (its /metrics)",
            format!(
                "{} in the window, {:.1} messages per commit, {:.1} ms per commit on average",
                c.commits, c.messages_per_commit, c.mean_commit_ms
            ),
        );
        r.set("server_commits", c);
    }
    if let Some(kib) = server.rss_kib {
        r.row(
            "server RSS at the end of the window",
            format!("{:.1} MiB", kib as f64 / 1024.0),
        );
        r.set("server_rss_kib", kib);
    }
}

fn generator_rows(r: &mut Report, reports: &[WorkerReport], t: &Totals) {
    let shares: Vec<f64> = reports
        .iter()
        .map(|w| w.cpu_seconds / w.window_seconds.max(1e-9))
        .collect();
    let text: Vec<String> = shares
        .iter()
        .map(|s| format!("{:.0}%", s * 100.0))
        .collect();
    r.row(
        "generator CPU per process",
        format!("{} of one core", text.join(", ")),
    );
    r.set("generator_cpu_share_per_process", &shares);
    if shares.iter().any(|s| *s > BUSY_CORE) {
        r.note(format!("a generator process used more than {:.0}% of a core: the generator may be the limit; add --processes", BUSY_CORE * 100.0));
    }
    let late = t.late as f64 / (t.scheduled.max(1)) as f64;
    if late > 0.01 {
        r.note(format!("{} of the sends left more than 5 ms behind schedule: the generator (or the machine) was the limit", percent(t.late as f64, t.scheduled as f64)));
    }
}

/// How busy the machine was, and with what: what the server and the generator did not use
/// went to other processes, which a shared machine has.
fn machine_row(r: &mut Report, server: &ServerWindow, reports: &[WorkerReport], duration: f64) {
    let Some(busy) = server.machine_busy else {
        return;
    };
    let generator: f64 = reports.iter().map(|w| w.cpu_seconds).sum();
    let server_cpu = server.cpu_seconds.unwrap_or(0.0);
    let others = (busy - generator - server_cpu).max(0.0);
    let cores = |s: f64| format!("{:.2}", s / duration);
    r.row(
        "machine CPU in the window",
        format!(
            "{} cores busy of {}: server {}, generator {}, other processes {}",
            cores(busy),
            crate::procfs::machine().cores,
            cores(server_cpu),
            cores(generator),
            cores(others)
        ),
    );
    if others / duration > 0.25 {
        r.note(format!(
            "other processes kept {} cores busy during the window: the latencies include waiting for a CPU",
            cores(others)
        ));
    }
    r.set("machine_busy_cores", busy / duration);
    r.set("other_processes_cores", others / duration);
}

fn error_rows(r: &mut Report, t: &Totals) {
    r.row(
        "errors",
        format!(
            "{} refused, {} unanswered, {} sockets lost, {} out-of-order deliveries",
            t.refused,
            t.unanswered.max(0),
            t.disconnects,
            t.out_of_order
        ),
    );
    for (what, n) in &t.errors {
        r.row("  error", format!("{n} × {what}"));
    }
}

fn checks(r: &mut Report, t: &Totals, fanout: u64) {
    let v = &t.verified;
    r.check(
        "stored exactly once, gapless seq",
        v.ok() && v.acked == t.acked,
        format!(
            "{} acknowledged, {} missing, {} duplicated, {} wrong seq, {} gaps, {} read errors{}",
            v.acked,
            v.missing,
            v.duplicates,
            v.wrong_seq,
            v.seq_gaps,
            v.read_errors.len(),
            v.read_errors
                .first()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default()
        ),
    );
    r.check(
        "every message delivered to every socket",
        t.deliveries == fanout * t.acked,
        format!(
            "{} deliveries for {} acknowledged messages × {fanout}",
            t.deliveries, t.acked
        ),
    );
    r.check(
        "deliveries in seq order",
        t.out_of_order == 0,
        format!("{} out of order, repeated or skipped", t.out_of_order),
    );
    r.check(
        "no errors",
        t.refused == 0 && t.unanswered <= 0 && t.disconnects == 0 && t.errors.is_empty(),
        format!(
            "{} refused, {} unanswered, {} sockets lost",
            t.refused,
            t.unanswered.max(0),
            t.disconnects
        ),
    );
}

fn figures(r: &mut Report, args: &MessagesArgs, t: &Totals, achieved: f64) {
    r.set("offered_rate", args.rate);
    r.set("achieved_rate", achieved);
    r.set("ack_latency", t.ack.summary());
    r.set(
        "delivery_latency_assigned_agent",
        t.delivery_agent.summary(),
    );
    r.set("delivery_latency_all_sockets", t.delivery_all.summary());
    r.set("send_lag", t.send_lag.summary());
    r.set("scheduled", t.scheduled);
    r.set("late_sends", t.late);
    r.set("sent_total", t.sent);
    r.set("acknowledged_total", t.acked);
    r.set("acknowledged_in_window", t.acked_in_window);
    r.set("refused", t.refused);
    r.set("unanswered", t.unanswered.max(0));
    r.set("sockets_lost", t.disconnects);
    r.set("deliveries", t.deliveries);
    r.set("deliveries_to_assigned_agent", t.deliveries_to_assigned);
    r.set("out_of_order_deliveries", t.out_of_order);
    r.set("errors", &t.errors);
    r.set("verified", &t.verified);
}
