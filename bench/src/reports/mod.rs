//! The reports scenario: one organization seeded through the server with many conversations
//! (by default 100,000), then reports timed (`GET /api/reports`): over the days seeded, for one
//! agent, for one team, over the longest range (366 days) and one table as CSV
//! (`GET /api/reports/csv`). Reports latency and the server's CPU per report; checks that every
//! report counts exactly the conversations seeded (opened, answered, closed), in total, per
//! agent, per team, per day and per hour.

mod seed;

use std::sync::Mutex;
use std::time::Instant;

use anyhow::{Result, bail};
use futures_util::StreamExt;
use serde_json::Value;

use crate::api::Api;
use crate::cli::ReportsArgs;
use crate::hist::{Latency, fmt_ms};
use crate::report::{Report, thousands};
use crate::server::Server;
use crate::usage::{Usage, Used};
use seed::{Counts, Expected, Seeded};

/// The longest range the server reports on, in days.
const MAX_DAYS: i64 = 366;
/// The latency a report over the seeded conversations should stay under.
const AIM_MS: f64 = 1000.0;

/// Refuses arguments the scenario cannot run with, before any server starts.
pub fn validate(args: &ReportsArgs) -> Result<()> {
    if args.conversations == 0
        || args.agents == 0
        || args.teams == 0
        || args.seed_concurrency == 0
        || args.requests == 0
        || args.concurrency == 0
    {
        bail!(
            "--conversations, --agents, --teams, --seed-concurrency, --requests and \
             --concurrency must be positive"
        );
    }
    if args.agents < args.teams {
        bail!("every team needs an agent: --agents must be at least --teams");
    }
    if args.answered_percent > 100 {
        bail!("--answered-percent must be at most 100");
    }
    Ok(())
}

pub async fn run(args: &ReportsArgs, server: &Server) -> Result<Report> {
    validate(args)?;
    let api = Api::new(&server.base);
    let want = seed::Plan::new(args).expected();
    let cpu_before = server.cpu_seconds();
    let seeded = seed::seed(&api, args).await?;
    let seed_cpu = cpu_before.zip(server.cpu_seconds()).map(|(b, a)| a - b);
    let mut r = Report::default();
    seed_rows(&mut r, args, &seeded, &want, seed_cpu, server.data_bytes());
    if seeded.done == 0 {
        return Ok(r);
    }
    let year_from = minus_days(&seeded.last_day, MAX_DAYS - 1).unwrap_or_default();
    let kinds = [
        Kind::Whole,
        Kind::Agent,
        Kind::Team,
        Kind::Year(year_from),
        Kind::Csv,
    ];
    let mut all = serde_json::Map::new();
    let mut problems = 0;
    let mut first_problem = None;
    for kind in &kinds {
        let timed = Timer {
            api: &api,
            seeded: &seeded,
            want: &want,
            args,
        }
        .run(kind, server.pid)
        .await;
        timed_rows(&mut r, kind, &timed, args);
        problems += timed.problems;
        if first_problem.is_none() {
            first_problem = timed.first_problem.clone();
        }
        all.insert(
            kind.key().into(),
            serde_json::json!({
                "first_ms": timed.first_ms,
                "latency": timed.latency.summary(),
                "server_cpu_ms_per_report": timed.cpu_ms_per_report(),
                "cores": timed.used,
            }),
        );
    }
    r.check(
        "every report counts what was seeded",
        problems == 0,
        first_problem.unwrap_or_else(|| {
            format!(
                "{} reports of {} kinds",
                (args.requests + 1) * kinds.len(),
                kinds.len()
            )
        }),
    );
    r.set("requests", all);
    Ok(r)
}

/// A kind of report request.
enum Kind {
    /// Every conversation, over the days seeded.
    Whole,
    /// One agent's, the agents in turn.
    Agent,
    /// One team's, the teams in turn.
    Team,
    /// Every conversation, over the longest range ending on the last day seeded.
    Year(String),
    /// The per-agent table as CSV, over the days seeded.
    Csv,
}

impl Kind {
    fn name(&self) -> &'static str {
        match self {
            Kind::Whole => "whole range",
            Kind::Agent => "one agent",
            Kind::Team => "one team",
            Kind::Year(_) => "366 days",
            Kind::Csv => "CSV by agent",
        }
    }

    fn key(&self) -> &'static str {
        match self {
            Kind::Whole => "whole_range",
            Kind::Agent => "one_agent",
            Kind::Team => "one_team",
            Kind::Year(_) => "days_366",
            Kind::Csv => "csv_by_agent",
        }
    }
}

/// What one kind's requests measured.
#[derive(Default)]
struct Timed {
    latency: Latency,
    /// The first request of the kind (not in the histogram).
    first_ms: f64,
    used: Used,
    problems: u64,
    first_problem: Option<String>,
}

impl Timed {
    fn cpu_ms_per_report(&self) -> Option<f64> {
        let n = self.latency.len().max(1) as f64;
        self.used
            .server_cores
            .map(|c| c * self.used.seconds * 1000.0 / n)
    }

    fn problem(&mut self, text: String) {
        self.problems += 1;
        self.first_problem.get_or_insert(text);
    }
}

struct Timer<'a> {
    api: &'a Api,
    seeded: &'a Seeded,
    want: &'a Expected,
    args: &'a ReportsArgs,
}

impl Timer<'_> {
    /// One request first (its latency apart), then `--requests`, `--concurrency` at once.
    async fn run(&self, kind: &Kind, server_pid: Option<u32>) -> Timed {
        let timed = Mutex::new(Timed::default());
        let started = Instant::now();
        self.one(kind, 0, &timed, false).await;
        timed.lock().unwrap().first_ms = started.elapsed().as_secs_f64() * 1000.0;
        let usage = Usage::start(server_pid);
        futures_util::stream::iter(
            (1..=self.args.requests).map(|n| self.one(kind, n, &timed, true)),
        )
        .buffer_unordered(self.args.concurrency)
        .collect::<Vec<()>>()
        .await;
        let mut t = timed.into_inner().unwrap();
        t.used = usage.finish();
        t
    }

    /// Request `n` of the kind, checked against the seed.
    async fn one(&self, kind: &Kind, n: usize, timed: &Mutex<Timed>, record: bool) {
        let s = self.seeded;
        let range = format!("from={}&to={}", s.first_day, s.last_day);
        let (path, want): (String, Counts) = match kind {
            Kind::Whole => (format!("/api/reports?{range}"), self.want.all),
            Kind::Agent => {
                let a = n % s.agents.len();
                (
                    format!("/api/reports?{range}&agent_id={}", s.agents[a].id),
                    self.want.by_agent[a],
                )
            }
            Kind::Team => {
                let t = n % s.teams.len();
                (
                    format!("/api/reports?{range}&team_id={}", s.teams[t]),
                    self.want.by_team[t],
                )
            }
            Kind::Year(from) => (
                format!("/api/reports?from={from}&to={}", s.last_day),
                self.want.all,
            ),
            Kind::Csv => (
                format!("/api/reports/csv?{range}&table=by_agent"),
                self.want.all,
            ),
        };
        let started = Instant::now();
        let res = self
            .api
            .http
            .get(format!("{}{path}", self.api.base))
            .bearer_auth(&s.org.admin_token)
            .send()
            .await;
        let res = match res {
            Ok(res) => {
                let status = res.status().as_u16();
                res.bytes().await.map(|b| (status, b)).map_err(Into::into)
            }
            Err(e) => Err(anyhow::Error::from(e)),
        };
        let took = started.elapsed();
        let problem = match res {
            Ok((200, body)) => match kind {
                Kind::Csv => csv_problem(&String::from_utf8_lossy(&body), &self.want.by_agent),
                Kind::Whole | Kind::Year(_) => serde_json::from_slice::<Value>(&body)
                    .map_err(|e| e.to_string())
                    .and_then(|v| {
                        totals_problem(&v, &want)
                            .or_else(|| breakdown_problem(&v, s, self.want))
                            .map_or(Ok(()), Err)
                    })
                    .err(),
                Kind::Agent | Kind::Team => serde_json::from_slice::<Value>(&body)
                    .map_err(|e| e.to_string())
                    .and_then(|v| totals_problem(&v, &want).map_or(Ok(()), Err))
                    .err(),
            },
            Ok((status, body)) => Some(format!(
                "{status} {}",
                String::from_utf8_lossy(&body[..body.len().min(200)])
            )),
            Err(e) => Some(format!("{e:#}")),
        };
        let mut t = timed.lock().unwrap();
        if record {
            t.latency.record(took);
        }
        if let Some(p) = problem {
            t.problem(format!("{} ({path}): {p}", kind.name()));
        }
    }
}

/// What is wrong with a report's totals, if anything: conversations opened and closed, and
/// answered (first responses, and agents taking them: each answer took one).
fn totals_problem(v: &Value, want: &Counts) -> Option<String> {
    let t = &v["totals"];
    let got = [
        ("opened", t["opened"].as_u64()),
        ("closed", t["closed"].as_u64()),
        ("first responses", t["first_response"]["count"].as_u64()),
        ("queue waits", t["queue_wait"]["count"].as_u64()),
    ];
    let expected = [want.opened, want.closed, want.answered, want.answered];
    got.iter()
        .zip(expected)
        .find(|((_, g), e)| *g != Some(*e))
        .map(|((what, g), e)| format!("{what}: {g:?}, expected {e}"))
}

/// What is wrong with the days, hours and agents of a report of everything.
fn breakdown_problem(v: &Value, s: &Seeded, want: &Expected) -> Option<String> {
    let sum = |rows: &Value, f: &dyn Fn(&Value) -> u64| -> u64 {
        rows.as_array().map_or(0, |a| a.iter().map(f).sum())
    };
    let days = sum(&v["by_day"], &|d| d["opened"].as_u64().unwrap_or(0));
    if days != want.all.opened {
        return Some(format!(
            "by_day adds up to {days} opened, expected {}",
            want.all.opened
        ));
    }
    let hours = sum(&v["busiest_hours"], &|d| {
        d.as_array()
            .map_or(0, |h| h.iter().filter_map(Value::as_u64).sum())
    });
    if hours != want.all.opened {
        return Some(format!(
            "busiest_hours add up to {hours}, expected {}",
            want.all.opened
        ));
    }
    let rows = v["by_agent"].as_array().cloned().unwrap_or_default();
    for (a, seat) in s.agents.iter().enumerate() {
        let row = rows
            .iter()
            .find(|r| r["agent_id"].as_str() == Some(&seat.id));
        let want = &want.by_agent[a];
        match row {
            None if want.opened == 0 => {}
            None => return Some(format!("agent {a} missing from by_agent")),
            Some(r) => {
                if let Some(p) = totals_problem(&serde_json::json!({ "totals": r }), want) {
                    return Some(format!("by_agent, agent {a}: {p}"));
                }
            }
        }
    }
    None
}

/// What is wrong with the per-agent CSV table, if anything: each agent's (`Agent 03`) opened
/// and closed conversations.
fn csv_problem(text: &str, want: &[Counts]) -> Option<String> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next()?.split(',').collect();
    if header.get(..3) != Some(&["agent", "opened", "closed"][..]) {
        return Some(format!("unexpected header {header:?}"));
    }
    let mut seen = vec![false; want.len()];
    for line in lines {
        let cols: Vec<&str> = line.split(',').collect();
        let agent = cols[0]
            .strip_prefix("Agent ")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|a| *a < want.len());
        let Some(a) = agent else {
            return Some(format!("a row of an unknown agent: {line}"));
        };
        let got = (cols.get(1)?.parse().ok(), cols.get(2)?.parse().ok());
        if got != (Some(want[a].opened), Some(want[a].closed)) {
            return Some(format!(
                "agent {a}: {line}, expected {} opened, {} closed",
                want[a].opened, want[a].closed
            ));
        }
        seen[a] = true;
    }
    let missing = (0..want.len()).find(|a| !seen[*a] && want[*a].opened > 0);
    missing.map(|a| format!("agent {a} has no row"))
}

/// `day` (`YYYY-MM-DD`) minus `n` days.
fn minus_days(day: &str, n: i64) -> Option<String> {
    let mut parts = day.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let (y, m, d) = civil_from_days(days_from_civil(y, m, d) - n);
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn seed_rows(
    r: &mut Report,
    args: &ReportsArgs,
    s: &Seeded,
    want: &Expected,
    cpu: Option<f64>,
    bytes: Option<u64>,
) {
    let calls = want.all.opened * 2 + want.all.answered + want.all.closed;
    r.row(
        "seed",
        format!(
            "{} conversations in one organization ({} answered, {} closed, the unanswered {}), \
             {} agents in {} teams",
            thousands(want.all.opened),
            thousands(want.all.answered),
            thousands(want.all.closed),
            match args.keep_waiting {
                true => "left waiting",
                false => "closed by their customers",
            },
            args.agents,
            args.teams
        ),
    );
    r.row(
        "seeding",
        format!(
            "{:.1} s ({:.0} conversations/s, {:.0} REST calls/s, {} at once), after {:.1} s \
             creating the organization, agents and teams; days {} to {}",
            s.seed_seconds,
            s.done as f64 / s.seed_seconds,
            calls as f64 / s.seed_seconds,
            args.seed_concurrency,
            s.setup_seconds,
            s.first_day,
            s.last_day
        ),
    );
    if let Some(cpu) = cpu {
        r.row("server CPU during seeding", format!("{cpu:.1} s"));
    }
    if let Some(b) = bytes.filter(|b| *b > 0) {
        r.row(
            "store size on disk",
            format!("{:.0} MiB", b as f64 / 1024.0 / 1024.0),
        );
    }
    for st in &s.steps {
        r.row(
            &format!("  {}", st.step),
            format!(
                "first tenth p50 {} p99 {}; last tenth p50 {} p99 {}",
                fmt_ms(st.first_tenth.p50_ms),
                fmt_ms(st.first_tenth.p99_ms),
                fmt_ms(st.last_tenth.p50_ms),
                fmt_ms(st.last_tenth.p99_ms)
            ),
        );
    }
    for (step, n) in &s.failures {
        r.row("  seeding error", format!("{n} × {step}"));
    }
    r.check(
        "every conversation seeded",
        s.done == args.conversations as u64,
        s.first_failure.clone().unwrap_or_else(|| {
            format!(
                "{} of {} conversations",
                thousands(s.done),
                thousands(args.conversations as u64)
            )
        }),
    );
    r.set("expected", want);
    r.set("seed_seconds", s.seed_seconds);
    r.set(
        "seed_conversations_per_second",
        s.done as f64 / s.seed_seconds,
    );
    r.set("seed_calls", calls);
    r.set("setup_seconds", s.setup_seconds);
    r.set("seed_server_cpu_seconds", cpu);
    r.set("seed_failures", &s.failures);
    r.set("seed_steps", &s.steps);
    r.set("store_bytes", bytes);
    r.set("first_day", &s.first_day);
    r.set("last_day", &s.last_day);
}

fn timed_rows(r: &mut Report, kind: &Kind, t: &Timed, args: &ReportsArgs) {
    let s = t.latency.summary();
    let cpu = t.cpu_ms_per_report().map_or(String::new(), |ms| {
        format!("  server CPU {} per report", fmt_ms(ms))
    });
    r.row(
        kind.name(),
        format!("{}{cpu}  (first {})", s.line_p95(), fmt_ms(t.first_ms)),
    );
    if matches!(kind, Kind::Whole) {
        let met = match s.p99_ms < AIM_MS {
            true => "met",
            false => "not met",
        };
        r.row(
            "  aim: under 1 s",
            format!(
                "{met} (p99 {} over {} conversations, {} at once)",
                fmt_ms(s.p99_ms),
                thousands(args.conversations as u64),
                args.concurrency
            ),
        );
    }
    r.row(&format!("  during {}", kind.name()), t.used.line());
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dates_step_back_across_months_years_and_leap_days() {
        assert_eq!(minus_days("2026-12-07", 365).as_deref(), Some("2025-12-07"));
        assert_eq!(minus_days("2024-03-01", 1).as_deref(), Some("2024-02-29"));
        assert_eq!(minus_days("2025-01-01", 1).as_deref(), Some("2024-12-31"));
        assert_eq!(minus_days("1970-01-01", 0).as_deref(), Some("1970-01-01"));
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(minus_days("not a date", 1), None);
    }

    #[test]
    fn totals_are_checked_against_the_seed() {
        let want = Counts {
            opened: 10,
            answered: 9,
            closed: 8,
        };
        let v = json!({ "totals": {
            "opened": 10, "closed": 8,
            "first_response": { "count": 9 }, "queue_wait": { "count": 9 },
        }});
        assert_eq!(totals_problem(&v, &want), None);
        let short = json!({ "totals": {
            "opened": 10, "closed": 7,
            "first_response": { "count": 9 }, "queue_wait": { "count": 9 },
        }});
        assert_eq!(
            totals_problem(&short, &want).as_deref(),
            Some("closed: Some(7), expected 8")
        );
        assert!(totals_problem(&json!({}), &want).is_some());
    }

    #[test]
    fn the_csv_table_is_checked_per_agent() {
        let want = [
            Counts {
                opened: 3,
                answered: 3,
                closed: 2,
            },
            Counts {
                opened: 4,
                answered: 4,
                closed: 4,
            },
        ];
        let head = "agent,opened,closed,first_response_median_secs\n";
        let good = format!("{head}Agent 00,3,2,1\nAgent 01,4,4,\n");
        assert_eq!(csv_problem(&good, &want), None);
        let wrong = format!("{head}Agent 00,3,1,1\nAgent 01,4,4,\n");
        assert!(csv_problem(&wrong, &want).unwrap().starts_with("agent 0:"));
        let missing = format!("{head}Agent 00,3,2,1\n");
        assert_eq!(
            csv_problem(&missing, &want).as_deref(),
            Some("agent 1 has no row")
        );
        assert!(csv_problem("date,opened\n", &want).is_some());
    }
}
