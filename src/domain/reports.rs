//! Reports: how conversations started over a range of days went, from the times recorded as
//! things happen (the customer's first message, the first answer, assignments, the close, the
//! rating), never from reading messages: counts, first response, resolution and queue times
//! (median and 90th percentile), ratings, messages per conversation, each day, each agent,
//! and the busiest hours of the week in the organization's time zone.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate, TimeZone, Timelike};
use chrono_tz::Tz;
use serde::Serialize;
use utoipa::ToSchema;

use super::ids::{AgentId, TeamId};
use super::input::Parsed;
use super::model::Timestamp;

/// The longest range a report covers, in days.
pub const MAX_DAYS: i64 = 366;
/// Most conversations one report reads.
pub const MAX_ROWS: i64 = 500_000;

/// A conversation as reports read it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    pub created_at: Timestamp,
    pub queued_at: Option<Timestamp>,
    pub assigned_at: Option<Timestamp>,
    pub first_response_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    pub agent_id: Option<AgentId>,
    pub team_id: Option<TeamId>,
    pub messages: i64,
    pub score: Option<u8>,
}

/// The days a report covers, in a time zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub zone: Tz,
}

impl Range {
    /// `from` and `to` (`YYYY-MM-DD`, both included) in `zone` (IANA, default UTC).
    pub fn parse(from: &str, to: &str, zone: Option<&str>) -> Parsed<Range> {
        let day = |s: &str| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| format!("{s:?} is not a date (YYYY-MM-DD)"))
        };
        let (from, to) = (day(from)?, day(to)?);
        let zone: Tz = zone
            .unwrap_or("UTC")
            .parse()
            .map_err(|_| "time_zone: not an IANA time zone".to_string())?;
        if to < from {
            return Err("to: must not be before from".into());
        }
        if (to - from).num_days() >= MAX_DAYS {
            return Err(format!("a report covers at most {MAX_DAYS} days"));
        }
        Ok(Range { from, to, zone })
    }

    /// The instants the range starts and ends (exclusive).
    pub fn bounds(&self) -> (Timestamp, Timestamp) {
        let start = |d: NaiveDate| {
            self.zone
                .from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight"))
                .earliest()
                .map(|t| t.with_timezone(&chrono::Utc))
                .unwrap_or_else(|| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
        };
        (start(self.from), start(self.to + chrono::Duration::days(1)))
    }
}

/// A duration's median and 90th percentile over the conversations that have it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Spread {
    pub count: usize,
    #[schema(required = true)]
    pub median_secs: Option<i64>,
    #[schema(required = true)]
    pub p90_secs: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Ratings {
    pub count: usize,
    #[schema(required = true)]
    pub average: Option<f64>,
    /// How many gave 1, 2, 3, 4 and 5.
    pub by_score: [usize; 5],
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Figures {
    /// Conversations a customer wrote in.
    pub opened: usize,
    /// Of those, closed.
    pub closed: usize,
    /// From the customer's first message to the first answer.
    pub first_response: Spread,
    /// From the customer's first message to the close.
    pub resolution: Spread,
    /// From the customer's first message to an agent taking it.
    pub queue_wait: Spread,
    pub ratings: Ratings,
    #[schema(required = true)]
    pub messages_per_conversation: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DayFigures {
    /// `YYYY-MM-DD` in the report's time zone.
    pub date: String,
    pub opened: usize,
    pub closed: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AgentFigures {
    pub agent_id: AgentId,
    pub name: String,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Report {
    pub from: String,
    pub to: String,
    pub time_zone: String,
    pub totals: Figures,
    pub by_day: Vec<DayFigures>,
    pub by_agent: Vec<AgentFigures>,
    /// Conversations started (the customer's first message) by weekday (Monday first) and
    /// hour, in the report's time zone: 7 rows of 24.
    pub busiest_hours: Vec<Vec<usize>>,
}

/// The value at `p` (0–100) of sorted values, nearest rank.
fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    Some(sorted[rank - 1])
}

/// A duration in whole seconds, rounded (never below zero).
fn rounded_secs(d: chrono::Duration) -> i64 {
    ((d.num_milliseconds() + 500) / 1000).max(0)
}

fn spread(mut secs: Vec<i64>) -> Spread {
    secs.sort_unstable();
    Spread {
        count: secs.len(),
        median_secs: percentile(&secs, 50),
        p90_secs: percentile(&secs, 90),
    }
}

/// The figures of some conversations.
pub fn figures(rows: &[&ReportRow]) -> Figures {
    let opened: Vec<&&ReportRow> = rows.iter().filter(|r| r.queued_at.is_some()).collect();
    let since_first = |at: fn(&ReportRow) -> Option<Timestamp>| -> Spread {
        spread(
            opened
                .iter()
                .filter_map(|r| Some(rounded_secs(at(r)? - r.queued_at?)))
                .collect(),
        )
    };
    let scores: Vec<u8> = opened.iter().filter_map(|r| r.score).collect();
    let mut by_score = [0; 5];
    for s in &scores {
        by_score[usize::from(s.clamp(&1, &5) - 1)] += 1;
    }
    Figures {
        opened: opened.len(),
        closed: opened.iter().filter(|r| r.closed_at.is_some()).count(),
        first_response: since_first(|r| r.first_response_at),
        resolution: since_first(|r| r.closed_at),
        queue_wait: since_first(|r| r.assigned_at),
        ratings: Ratings {
            count: scores.len(),
            average: (!scores.is_empty())
                .then(|| scores.iter().map(|s| f64::from(*s)).sum::<f64>() / scores.len() as f64),
            by_score,
        },
        messages_per_conversation: (!opened.is_empty())
            .then(|| opened.iter().map(|r| r.messages as f64).sum::<f64>() / opened.len() as f64),
    }
}

/// The report of `rows` (conversations created in `range`); `names` gives agents' names.
pub fn report(rows: &[ReportRow], range: &Range, names: &dyn Fn(AgentId) -> String) -> Report {
    let all: Vec<&ReportRow> = rows.iter().collect();
    // One pass over the rows: each day's and hour's counts, each agent's conversations.
    let mut days: HashMap<chrono::NaiveDate, (usize, usize)> = HashMap::new();
    let mut busiest_hours = vec![vec![0; 24]; 7];
    let mut theirs: BTreeMap<AgentId, Vec<&ReportRow>> = BTreeMap::new();
    for r in rows {
        if let Some(q) = r.queued_at {
            let t = q.with_timezone(&range.zone);
            let day = days.entry(t.date_naive()).or_default();
            day.0 += 1;
            day.1 += usize::from(r.closed_at.is_some());
            busiest_hours[t.weekday().num_days_from_monday() as usize][t.hour() as usize] += 1;
        }
        if let Some(a) = r.agent_id {
            theirs.entry(a).or_default().push(r);
        }
    }
    let by_day = (0..(range.to - range.from).num_days() + 1)
        .map(|i| {
            let date = range.from + chrono::Duration::days(i);
            let (opened, closed) = days.get(&date).copied().unwrap_or_default();
            DayFigures {
                date: date.to_string(),
                opened,
                closed,
            }
        })
        .collect();
    let mut by_agent: Vec<AgentFigures> = theirs
        .into_iter()
        .map(|(a, rows)| AgentFigures {
            agent_id: a,
            name: names(a),
            figures: figures(&rows),
        })
        .collect();
    by_agent.sort_by(|x, y| x.name.cmp(&y.name));
    Report {
        from: range.from.to_string(),
        to: range.to.to_string(),
        time_zone: range.zone.name().to_string(),
        totals: figures(&all),
        by_day,
        by_agent,
        busiest_hours,
    }
}

/// A table of the report as CSV (`by_day`, `by_agent` or `busiest_hours`).
pub fn csv(report: &Report, table: &str) -> Option<String> {
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let mut out = String::new();
    match table {
        "by_day" => {
            out.push_str("date,opened,closed\n");
            for d in &report.by_day {
                out.push_str(&format!("{},{},{}\n", d.date, d.opened, d.closed));
            }
        }
        "by_agent" => {
            out.push_str("agent,opened,closed,first_response_median_secs,first_response_p90_secs,resolution_median_secs,ratings,rating_average\n");
            for a in &report.by_agent {
                let f = &a.figures;
                out.push_str(&format!(
                    "{},{},{},{},{},{},{},{}\n",
                    csv_field(&a.name),
                    f.opened,
                    f.closed,
                    opt(f.first_response.median_secs),
                    opt(f.first_response.p90_secs),
                    opt(f.resolution.median_secs),
                    f.ratings.count,
                    f.ratings
                        .average
                        .map(|v| format!("{v:.2}"))
                        .unwrap_or_default()
                ));
            }
        }
        "busiest_hours" => {
            out.push_str("weekday");
            for h in 0..24 {
                out.push_str(&format!(",{h:02}"));
            }
            out.push('\n');
            for (day, hours) in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
                .iter()
                .zip(&report.busiest_hours)
            {
                out.push_str(day);
                for n in hours {
                    out.push_str(&format!(",{n}"));
                }
                out.push('\n');
            }
        }
        _ => return None,
    }
    Some(out)
}

/// A CSV field, quoted when it must be, and never read as a formula by a spreadsheet.
fn csv_field(s: &str) -> String {
    let s = match s.starts_with(['=', '+', '-', '@']) {
        true => format!("'{s}"),
        false => s.to_string(),
    };
    match s.contains([',', '"', '\n']) {
        true => format!("\"{}\"", s.replace('"', "\"\"")),
        false => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: i64, m: i64) -> Timestamp {
        chrono::Utc.with_ymd_and_hms(2030, 1, 7, 0, 0, 0).unwrap()
            + chrono::Duration::minutes(h * 60 + m)
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&v, 50), Some(5));
        assert_eq!(percentile(&v, 90), Some(9));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn figures_come_from_the_recorded_times() {
        let a = AgentId::new();
        let row = |q: i64, first: i64, closed: Option<i64>, score: Option<u8>| ReportRow {
            created_at: at(9, q),
            queued_at: Some(at(9, q)),
            assigned_at: Some(at(9, q + 1)),
            first_response_at: Some(at(9, q + first)),
            closed_at: closed.map(|c| at(9, q + c)),
            agent_id: Some(a),
            team_id: None,
            messages: 4,
            score,
        };
        let rows = vec![
            row(0, 2, Some(30), Some(5)),
            row(10, 4, None, None),
            row(20, 6, Some(10), Some(2)),
        ];
        let range = Range::parse("2030-01-07", "2030-01-08", Some("Europe/Paris")).unwrap();
        let r = report(&rows, &range, &|_| "Ann".into());
        assert_eq!((r.totals.opened, r.totals.closed), (3, 2));
        assert_eq!(r.totals.first_response.median_secs, Some(240));
        assert_eq!(r.totals.first_response.p90_secs, Some(360));
        assert_eq!(r.totals.resolution.count, 2);
        assert_eq!(r.totals.ratings.average, Some(3.5));
        assert_eq!(r.totals.ratings.by_score, [0, 1, 0, 0, 1]);
        assert_eq!(r.by_day[0].opened, 3);
        assert_eq!(r.by_agent[0].figures.opened, 3);
        // 09:00 UTC on a Monday is 10:00 in Paris.
        assert_eq!(r.busiest_hours[0][10], 3);
        let csv = csv(&r, "by_day").unwrap();
        assert!(csv.starts_with("date,opened,closed\n2030-01-07,3,2\n"));
        assert!(Range::parse("2030-01-07", "2031-01-08", None).is_err());
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
    }
}
