//! The search scenario: one organization seeded through the server with many messages of
//! generated text (by default 1,000,000 in 10,000 conversations), then searches
//! (`GET /api/search`) at a steady rate, open loop, from several agents: rare words, common
//! words, two words and prefixes in turn. Reports the latency of each kind and for each role,
//! errors, the server's CPU per search and its memory; checks that every search returns exactly
//! the messages the seed says it must (up to the server's 20), newest first, each marked.

mod queries;
mod seed;
pub mod text;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use reqwest::Method;
use serde_json::{Value, json};

use crate::api::Api;
use crate::cli::SearchArgs;
use crate::hist::Latency;
use crate::report::{Report, mib, thousands};
use crate::server::Server;
use crate::sio::Target;
use crate::usage::{RssWatch, Usage, Used};
use queries::{Kind, Queries, Query};
use seed::Manifest;
use text::Corpus;

/// Searches one agent may run per second in the long run (120 a minute).
const PER_SEARCHER_PER_SECOND: f64 = 2.0;
/// Searches under way above which the generator stops adding more (counted as skipped).
const MAX_IN_FLIGHT: usize = 1000;

/// Refuses arguments the scenario cannot run with, before any server starts.
pub fn validate(args: &SearchArgs) -> Result<()> {
    if args.messages == 0
        || args.conversations == 0
        || args.searchers == 0
        || args.senders == 0
        || args.window == 0
    {
        bail!("--messages, --conversations, --searchers, --senders and --window must be positive");
    }
    if args.rate <= 0.0 || args.duration <= 0.0 || args.warmup < 0.0 {
        bail!("--rate and --duration must be positive");
    }
    let per = args.rate / args.searchers as f64;
    if per > PER_SEARCHER_PER_SECOND {
        bail!(
            "{per:.2} searches per second per searcher: the server allows each agent 120 a \
             minute; give at least {} --searchers for --rate {}",
            (args.rate / PER_SEARCHER_PER_SECOND).ceil(),
            args.rate
        );
    }
    Ok(())
}

/// The seed directory's state before the server starts on it.
pub fn check_seed_dir(args: &SearchArgs, store: &str) -> Result<()> {
    if let Some(dir) = &args.seed_dir {
        seed::existing(dir, args, store)?;
    }
    Ok(())
}

pub async fn run(args: &SearchArgs, server: &Server) -> Result<Report> {
    validate(args)?;
    let api = Api::new(&server.base);
    let store = server.info.store_key();
    let corpus = Corpus::new(args.text_seed);
    let mut r = Report::default();
    let reused = match &args.seed_dir {
        Some(dir) => seed::read(dir, args, &store)?,
        None => None,
    };
    let seeded_now = reused.is_none();
    let (manifest, tokens) = match reused {
        Some(m) => {
            let tokens = seed::log_in(&api, &m).await?;
            (m, tokens)
        }
        None => {
            let target = Target {
                server: server.addr,
                local: None,
            };
            let (m, tokens) = seed::seed(&api, target, args, &corpus, &store).await?;
            if let (Some(dir), true) = (&args.seed_dir, m.complete()) {
                seed::save(dir, &m)?;
            }
            (m, tokens)
        }
    };
    seed_rows(
        &mut r,
        &manifest,
        args.seed_dir.as_deref(),
        seeded_now,
        server,
    );
    if !manifest.complete() {
        return Ok(r);
    }
    let started = Instant::now();
    let queries = queries::choose(&corpus, &manifest.layout(), args.text_seed);
    if queries.is_empty() {
        bail!("the seed is too small to choose queries from");
    }
    query_rows(&mut r, &queries, started.elapsed().as_secs_f64());
    let runner = Runner {
        api: &api,
        tokens: &tokens,
        queries: &queries,
        rate: args.rate,
    };
    let warm = (args.rate * args.warmup).round() as u64;
    let measured = ((args.rate * args.duration).round() as u64).max(1);
    let warmup = runner.phase(0, warm).await;
    let rss_before = server.rss_kib();
    let usage = Usage::start(server.pid);
    let watch = RssWatch::start(server.pid);
    let tally = runner.phase(warm, measured).await;
    let used = usage.finish();
    let rss_peak = watch.finish();
    let rss_after = server.rss_kib();
    search_rows(&mut r, args, &tally, &warmup, &used);
    memory_rows(&mut r, rss_before, rss_peak, rss_after);
    Ok(r)
}

fn seed_rows(r: &mut Report, m: &Manifest, dir: Option<&Path>, seeded_now: bool, server: &Server) {
    r.row(
        "seed",
        format!(
            "{} messages in {} conversations of one organization ({} each), {} searchers \
             ({} supervisors, {} agents)",
            thousands(m.acked),
            thousands(m.conversations as u64),
            m.messages / m.conversations,
            m.searchers,
            m.searchers - queries::plain_agents(m.searchers),
            queries::plain_agents(m.searchers)
        ),
    );
    let rate = m.acked as f64 / m.fill_seconds.max(1e-9);
    let made = format!(
        "{:.1} s ({rate:.0} messages/s) from {} customer sockets, after {:.1} s creating the \
         organization and conversations",
        m.fill_seconds, m.senders, m.setup_seconds
    );
    match (dir, seeded_now) {
        (Some(d), false) => r.row(
            "seeding",
            format!("reused from {} (it took {made})", d.display()),
        ),
        _ => r.row("seeding", made),
    }
    if let Some(b) = server.data_bytes().filter(|b| *b > 0) {
        r.row(
            "store size on disk",
            format!("{:.0} MiB", b as f64 / 1024.0 / 1024.0),
        );
        r.set("store_bytes", b);
    }
    r.check(
        "seed acknowledged",
        m.complete(),
        m.first_error.clone().unwrap_or_else(|| {
            format!(
                "{} of {} acknowledged, {} refused",
                m.acked, m.messages, m.refused
            )
        }),
    );
    r.set("seed", m);
    r.set("seed_reused", !seeded_now);
    r.set("fill_rate", rate);
}

fn query_rows(r: &mut Report, queries: &Queries, seconds: f64) {
    r.row(
        "queries",
        format!("chosen from the generated text in {seconds:.1} s; the kinds take turns"),
    );
    let mut sets = serde_json::Map::new();
    for kind in Kind::ALL {
        let list = queries.of(kind);
        let (lo, hi) = list
            .iter()
            .map(|q| q.matches)
            .fold((u64::MAX, 0), |(lo, hi), m| (lo.min(m), hi.max(m)));
        let examples: Vec<&str> = list.iter().take(3).map(|q| q.text.as_str()).collect();
        r.row(
            &format!("  {} queries", kind.name()),
            match list.is_empty() {
                true => "none".into(),
                false => format!(
                    "{} (e.g. {}), each in {}–{} messages",
                    list.len(),
                    examples.join(", "),
                    thousands(lo),
                    thousands(hi)
                ),
            },
        );
        let each: Vec<Value> = list
            .iter()
            .map(|q| json!({ "q": q.text, "matches": q.matches }))
            .collect();
        sets.insert(kind.key().into(), json!(each));
    }
    r.set("queries", sets);
}

/// What the searches of one phase found.
#[derive(Default)]
struct Tally {
    all: Latency,
    by_kind: [Latency; 4],
    /// Supervisors, plain agents.
    by_role: [Latency; 2],
    ok: u64,
    errors: BTreeMap<String, u64>,
    skipped: u64,
    /// Searches whose message results were not the expected number.
    wrong_count: u64,
    first_wrong: Option<String>,
    /// Message results without a marked word.
    unmarked: u64,
    /// Searches whose message results were not newest first.
    out_of_order: u64,
    results: u64,
}

struct Runner<'a> {
    api: &'a Api,
    tokens: &'a [String],
    queries: &'a Queries,
    rate: f64,
}

impl Runner<'_> {
    /// Searches `first .. first + count` at the rate, open loop: latency counts from each
    /// search's scheduled time.
    async fn phase(&self, first: u64, count: u64) -> Tally {
        let tally = Arc::new(Mutex::new(Tally::default()));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        let t0 = Instant::now() + Duration::from_millis(20);
        for n in 0..count {
            let due = t0 + Duration::from_secs_f64(n as f64 / self.rate);
            tokio::time::sleep_until(due.into()).await;
            if in_flight.load(Relaxed) >= MAX_IN_FLIGHT {
                tally.lock().unwrap().skipped += 1;
                continue;
            }
            let (searcher, query) = self.queries.pick(first + n, self.tokens.len());
            in_flight.fetch_add(1, Relaxed);
            tasks.spawn(search(
                self.api.clone(),
                self.tokens[searcher].clone(),
                searcher,
                query.clone(),
                due,
                tally.clone(),
                in_flight.clone(),
            ));
        }
        while tasks.join_next().await.is_some() {}
        std::mem::take(&mut *tally.lock().unwrap())
    }
}

async fn search(
    api: Api,
    token: String,
    searcher: usize,
    query: Query,
    due: Instant,
    tally: Arc<Mutex<Tally>>,
    in_flight: Arc<AtomicUsize>,
) {
    let path = format!("/api/search?q={}", query.text.replace(' ', "%20"));
    let res = api.send(Method::GET, &path, Some(&token), None).await;
    let latency = due.elapsed();
    in_flight.fetch_sub(1, Relaxed);
    let mut t = tally.lock().unwrap();
    t.all.record(latency);
    t.by_kind[query.kind as usize].record(latency);
    t.by_role[usize::from(!queries::is_supervisor(searcher))].record(latency);
    match res {
        Ok((200, body)) => {
            t.ok += 1;
            let found = Found::of(&body);
            let expected = Queries::expected(&query, searcher);
            t.results += found.messages;
            t.unmarked += found.unmarked;
            t.out_of_order += u64::from(!found.newest_first);
            if found.messages != expected || found.other != 0 {
                t.wrong_count += 1;
                t.first_wrong.get_or_insert_with(|| {
                    format!(
                        "searcher {searcher} q={:?}: {} message and {} other results, expected {expected} messages",
                        query.text, found.messages, found.other
                    )
                });
            }
        }
        Ok((status, v)) => {
            *t.errors
                .entry(format!("{status} {}", v["error"].as_str().unwrap_or("")))
                .or_default() += 1
        }
        Err(e) => *t.errors.entry(format!("{e:#}")).or_default() += 1,
    }
}

/// What one search answered.
#[derive(Debug, PartialEq)]
struct Found {
    messages: u64,
    /// Customer or label results (the seed has none to find).
    other: u64,
    unmarked: u64,
    newest_first: bool,
}

impl Found {
    fn of(body: &Value) -> Found {
        let empty = vec![];
        let results = body["results"].as_array().unwrap_or(&empty);
        let messages: Vec<&Value> = results
            .iter()
            .filter(|r| r["matched"] == "message")
            .collect();
        let at: Vec<Option<(String, u32)>> =
            messages.iter().map(|m| instant(m["at"].as_str())).collect();
        Found {
            messages: messages.len() as u64,
            other: (results.len() - messages.len()) as u64,
            unmarked: messages
                .iter()
                .filter(|m| {
                    m["snippet"]["highlights"]
                        .as_array()
                        .is_none_or(|h| h.is_empty())
                })
                .count() as u64,
            newest_first: at.iter().all(Option::is_some) && at.windows(2).all(|w| w[0] >= w[1]),
        }
    }
}

/// An RFC 3339 time in UTC (`2025-01-02T03:04:05.123456Z`) as its seconds and nanoseconds,
/// which order as the times do whatever the number of decimals.
fn instant(text: Option<&str>) -> Option<(String, u32)> {
    let text = text?;
    let (seconds, rest) = (text.get(..19)?, text.get(19..)?);
    let digits: String = rest
        .strip_prefix('.')
        .unwrap_or("")
        .chars()
        .take_while(char::is_ascii_digit)
        .take(9)
        .collect();
    let nanos = format!("{digits:0<9}").parse().ok()?;
    Some((seconds.to_string(), nanos))
}

fn search_rows(r: &mut Report, args: &SearchArgs, t: &Tally, warm: &Tally, used: &Used) {
    let searchers = args.searchers;
    r.row(
        "offered",
        format!(
            "{}/s for {} s (after {} s warm-up) by {searchers} searchers ({:.2}/s each)",
            args.rate,
            args.duration,
            args.warmup,
            args.rate / searchers as f64
        ),
    );
    r.row("all searches", t.all.summary().line_p95());
    for kind in Kind::ALL {
        r.row(
            &format!("  {}", kind.name()),
            t.by_kind[kind as usize].summary().line_p95(),
        );
    }
    r.row("  by supervisors", t.by_role[0].summary().line_p95());
    r.row("  by plain agents", t.by_role[1].summary().line_p95());
    let count = t.all.len();
    let per = used
        .server_cores
        .map(|c| c * used.seconds * 1000.0 / count.max(1) as f64);
    r.row(
        "server CPU per search",
        per.map_or("?".into(), |ms| format!("{ms:.2} ms")),
    );
    r.row("during the searches", used.line());
    let errors: u64 = t.errors.values().sum::<u64>() + warm.errors.values().sum::<u64>();
    r.row(
        "errors",
        format!(
            "{errors} ({} skipped: over {MAX_IN_FLIGHT} under way)",
            t.skipped + warm.skipped
        ),
    );
    for (what, n) in t.errors.iter().chain(&warm.errors) {
        r.row("  error", format!("{n} × {what}"));
    }
    r.row(
        "message results",
        format!("{:.1} per search", t.results as f64 / t.ok.max(1) as f64),
    );
    r.check(
        "every search answered",
        errors == 0 && t.skipped + warm.skipped == 0,
        format!(
            "{} of {} measured searches answered, {errors} errors",
            t.ok, count
        ),
    );
    let wrong = t.wrong_count + warm.wrong_count;
    r.check(
        "every search found what the seed holds",
        wrong == 0,
        t.first_wrong
            .clone()
            .or(warm.first_wrong.clone())
            .unwrap_or_else(|| format!("{} searches", t.ok + warm.ok)),
    );
    let unmarked = t.unmarked + warm.unmarked;
    r.check(
        "every message result marks a matching word",
        unmarked == 0,
        format!("{unmarked} unmarked"),
    );
    let out_of_order = t.out_of_order + warm.out_of_order;
    if out_of_order > 0 {
        r.note(format!(
            "{out_of_order} searches returned message results not newest first"
        ));
    }
    if used.generator_cores > 0.85 {
        r.note("the generator used more than 85% of a core: it may be the limit");
    }
    r.set("latency", t.all.summary());
    let mut by_kind = serde_json::Map::new();
    for kind in Kind::ALL {
        by_kind.insert(
            kind.key().into(),
            serde_json::to_value(t.by_kind[kind as usize].summary()).unwrap_or_default(),
        );
    }
    r.set("latency_by_kind", by_kind);
    r.set(
        "latency_by_role",
        json!({ "supervisor": t.by_role[0].summary(), "agent": t.by_role[1].summary() }),
    );
    r.set("searches", count);
    r.set("errors", &t.errors);
    r.set("warmup_errors", &warm.errors);
    r.set("skipped", t.skipped + warm.skipped);
    r.set("wrong_result_counts", wrong);
    r.set("out_of_order", out_of_order);
    r.set("server_cpu_ms_per_search", per);
    r.set("cores_during_searches", used);
}

fn memory_rows(r: &mut Report, before: Option<u64>, peak: u64, after: Option<u64>) {
    match (before, after) {
        (Some(b), Some(a)) => r.row(
            "server RSS",
            format!(
                "{} before the searches, {} at the peak, {} after",
                mib(b),
                mib(peak.max(b)),
                mib(a)
            ),
        ),
        _ => r.row("server RSS", "unknown (give --server-pid with --url)"),
    }
    r.set("rss_before_kib", before);
    r.set("rss_peak_kib", peak);
    r.set("rss_after_kib", after);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_order_whatever_their_decimals() {
        let a = instant(Some("2025-01-02T03:04:05.5Z")).unwrap();
        let b = instant(Some("2025-01-02T03:04:05.123456Z")).unwrap();
        let c = instant(Some("2025-01-02T03:04:05Z")).unwrap();
        assert!(a > b && b > c);
        assert_eq!(a.1, 500_000_000);
        assert_eq!(instant(Some("nonsense")), None);
    }

    #[test]
    fn results_are_counted_and_checked() {
        let body = json!({ "results": [
            { "matched": "customer", "at": "2025-01-02T03:04:09Z", "snippet": null },
            { "matched": "message", "at": "2025-01-02T03:04:08.5Z",
              "snippet": { "text": "my order", "highlights": [[3, 8]] } },
            { "matched": "message", "at": "2025-01-02T03:04:08.25Z",
              "snippet": { "text": "an order", "highlights": [] } },
        ]});
        assert_eq!(
            Found::of(&body),
            Found {
                messages: 2,
                other: 1,
                unmarked: 1,
                newest_first: true
            }
        );
        let reversed = json!({ "results": [
            { "matched": "message", "at": "2025-01-02T03:04:08Z", "snippet": { "highlights": [[0, 1]] } },
            { "matched": "message", "at": "2025-01-02T03:04:08.1Z", "snippet": { "highlights": [[0, 1]] } },
        ]});
        assert!(!Found::of(&reversed).newest_first);
    }

    #[test]
    fn the_rate_must_fit_the_searchers_allowance() {
        let args = SearchArgs {
            messages: 1000,
            conversations: 10,
            searchers: 10,
            senders: 2,
            window: 4,
            text_seed: 1,
            seed_dir: None,
            rate: 20.0,
            duration: 1.0,
            warmup: 0.0,
        };
        assert!(validate(&args).is_ok());
        let err = validate(&SearchArgs { rate: 21.0, ..args }).unwrap_err();
        assert!(err.to_string().contains("at least 11 --searchers"), "{err}");
    }
}
