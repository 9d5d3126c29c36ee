//! Seeding the reports scenario through the REST API: one organization, its plain agents in
//! teams, and many conversations, each opened by its own website visitor with a first message
//! to a team, most answered by one of the team's agents (who takes it by answering) and closed;
//! the customers of the others close them unanswered (they left), unless asked to leave them
//! waiting. What each conversation becomes depends only on its number, so the figures a report
//! must give are known in advance.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use futures_util::StreamExt;
use reqwest::Method;
use serde::Serialize;
use serde_json::json;

use crate::api::{Api, Org, each};
use crate::cli::ReportsArgs;
use crate::hist::{Latency, Summary};

/// What conversation `i` becomes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fate {
    pub team: usize,
    /// The agent (index among all agents) who answers it, if one does.
    pub agent: Option<usize>,
    /// Closed: by its agent when answered, else by its customer.
    pub closed: bool,
}

/// The agents of team `t`: agents `t`, `t + teams`, `t + 2 × teams`, …
pub fn members(t: usize, agents: usize, teams: usize) -> Vec<usize> {
    (t..agents).step_by(teams).collect()
}

/// What each conversation becomes.
#[derive(Clone, Debug)]
pub struct Plan {
    conversations: usize,
    agents: usize,
    teams: usize,
    answered_percent: u32,
    keep_waiting: bool,
    /// Answered conversations from this one on stay open.
    open_from: usize,
}

impl Plan {
    pub fn new(args: &ReportsArgs) -> Plan {
        let answered = |i: usize| ((i % 100) as u32) < args.answered_percent;
        let mut open_from = args.conversations;
        let mut left = args.still_open;
        while left > 0 && open_from > 0 {
            open_from -= 1;
            left -= usize::from(answered(open_from));
        }
        Plan {
            conversations: args.conversations,
            agents: args.agents,
            teams: args.teams,
            answered_percent: args.answered_percent,
            keep_waiting: args.keep_waiting,
            open_from,
        }
    }

    pub fn fate(&self, i: usize) -> Fate {
        let team = i % self.teams;
        let agent = (((i % 100) as u32) < self.answered_percent).then(|| {
            let m = members(team, self.agents, self.teams);
            m[(i / self.teams) % m.len()]
        });
        Fate {
            team,
            agent,
            closed: match agent {
                Some(_) => i < self.open_from,
                None => !self.keep_waiting,
            },
        }
    }

    /// The figures the seed must give.
    pub fn expected(&self) -> Expected {
        let mut e = Expected {
            all: Counts::default(),
            by_agent: vec![Counts::default(); self.agents],
            by_team: vec![Counts::default(); self.teams],
        };
        for i in 0..self.conversations {
            let f = self.fate(i);
            e.all.add(&f);
            e.by_team[f.team].add(&f);
            if let Some(a) = f.agent {
                e.by_agent[a].add(&f);
            }
        }
        e
    }
}

/// Conversations opened and closed, and how many were answered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Counts {
    pub opened: u64,
    pub answered: u64,
    pub closed: u64,
}

impl Counts {
    fn add(&mut self, f: &Fate) {
        self.opened += 1;
        self.answered += u64::from(f.agent.is_some());
        self.closed += u64::from(f.closed);
    }
}

/// The figures the seed must give: all conversations, each agent's, each team's.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Expected {
    pub all: Counts,
    pub by_agent: Vec<Counts>,
    pub by_team: Vec<Counts>,
}

/// An agent the tool created, logged in.
#[derive(Clone, Debug)]
pub struct Seat {
    pub id: String,
    pub token: String,
}

/// How long one step took early and late in the seeding.
#[derive(Clone, Debug, Serialize)]
pub struct StepLatency {
    pub step: &'static str,
    pub first_tenth: Summary,
    pub last_tenth: Summary,
}

/// The steps of seeding a conversation.
pub const STEPS: [&str; 4] = ["visitor", "open", "answer", "close"];

/// What the seeding made and how it went.
pub struct Seeded {
    pub org: Org,
    pub agents: Vec<Seat>,
    pub teams: Vec<String>,
    /// The first and last day (UTC, `YYYY-MM-DD`) a conversation was created on.
    pub first_day: String,
    pub last_day: String,
    pub setup_seconds: f64,
    pub seed_seconds: f64,
    /// Conversations whose every call succeeded.
    pub done: u64,
    /// Latency of each step (`visitor`, `open`, `answer`, `close`) over the first and the last
    /// tenth of the conversations, to show a step that slows down as the store grows.
    pub steps: Vec<StepLatency>,
    pub failures: BTreeMap<String, u64>,
    pub first_failure: Option<String>,
}

/// Creates the organization, its agents and teams, then the conversations.
pub async fn seed(api: &Api, args: &ReportsArgs) -> Result<Seeded> {
    let started = Instant::now();
    let tag = crate::messages::run_tag();
    let domain = format!("reports-{tag}.bench.example");
    let org = api.signup("Reports bench", &domain, json!({})).await?;
    let (o, d) = (&org, domain.as_str());
    let agents = each((0..args.agents).collect(), 4, |a| async move {
        let email = format!("agent{a}@{d}");
        let id = api
            .create_agent(&o.admin_token, &format!("Agent {a:02}"), &email)
            .await?;
        let token = api.agent_login(&email, &o.id).await?;
        Ok(Seat { id, token })
    })
    .await?;
    let mut teams = vec![];
    for t in 0..args.teams {
        let ids: Vec<&str> = members(t, args.agents, args.teams)
            .into_iter()
            .map(|a| agents[a].id.as_str())
            .collect();
        let body = json!({ "name": format!("Team {t}"), "members": ids });
        let v = api
            .call(
                Method::POST,
                "/api/teams",
                Some(&org.admin_token),
                Some(body),
            )
            .await?;
        teams.push(
            v["team"]["id"]
                .as_str()
                .context("a team without id")?
                .to_string(),
        );
    }
    let setup_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let progress = Arc::new(AtomicU64::new(0));
    let reporter = tokio::spawn(report_progress(progress.clone(), args.conversations as u64));
    let plan = Plan::new(args);
    let state = Mutex::new(State::default());
    let world = World {
        api,
        org: &org,
        agents: &agents,
        teams: &teams,
    };
    futures_util::stream::iter((0..args.conversations).map(|i| {
        let (world, state, progress, plan) = (&world, &state, &progress, &plan);
        async move {
            let mut took = [None; STEPS.len()];
            let outcome = world.conversation(i, plan.fate(i), &mut took).await;
            progress.fetch_add(1, Relaxed);
            let tenth = match i {
                i if i < args.conversations / 10 => Some(0),
                i if i >= args.conversations - args.conversations / 10 => Some(1),
                _ => None,
            };
            state.lock().unwrap().record(outcome, tenth, &took);
        }
    }))
    .buffer_unordered(args.seed_concurrency.max(1))
    .collect::<Vec<()>>()
    .await;
    reporter.abort();
    let s = state.into_inner().unwrap();
    let steps = STEPS
        .iter()
        .enumerate()
        .map(|(k, step)| StepLatency {
            step,
            first_tenth: s.steps[0][k].summary(),
            last_tenth: s.steps[1][k].summary(),
        })
        .collect();
    Ok(Seeded {
        steps,
        org,
        agents,
        teams,
        first_day: s.first_day.unwrap_or_default(),
        last_day: s.last_day.unwrap_or_default(),
        setup_seconds,
        seed_seconds: started.elapsed().as_secs_f64(),
        done: s.done,
        failures: s.failures,
        first_failure: s.first_failure,
    })
}

#[derive(Default)]
struct State {
    done: u64,
    /// Per step, over the first and the last tenth of the conversations.
    steps: [[Latency; STEPS.len()]; 2],
    first_day: Option<String>,
    last_day: Option<String>,
    failures: BTreeMap<String, u64>,
    first_failure: Option<String>,
}

impl State {
    fn record(
        &mut self,
        outcome: Result<String, (&'static str, anyhow::Error)>,
        tenth: Option<usize>,
        took: &[Option<Duration>; STEPS.len()],
    ) {
        if let Some(t) = tenth {
            for (k, d) in took.iter().enumerate() {
                if let Some(d) = d {
                    self.steps[t][k].record(*d);
                }
            }
        }
        match outcome {
            Ok(day) => {
                self.done += 1;
                if self.first_day.as_ref().is_none_or(|d| day < *d) {
                    self.first_day = Some(day.clone());
                }
                if self.last_day.as_ref().is_none_or(|d| day > *d) {
                    self.last_day = Some(day);
                }
            }
            Err((step, e)) => {
                *self.failures.entry(step.to_string()).or_default() += 1;
                self.first_failure
                    .get_or_insert_with(|| format!("{step}: {e:#}"));
            }
        }
    }
}

struct World<'a> {
    api: &'a Api,
    org: &'a Org,
    agents: &'a [Seat],
    teams: &'a [String],
}

impl World<'_> {
    /// Conversation `i` from its visitor to its close, with how long each step took; the day
    /// it was created on, or the step that failed.
    async fn conversation(
        &self,
        i: usize,
        f: Fate,
        took: &mut [Option<Duration>; STEPS.len()],
    ) -> Result<String, (&'static str, anyhow::Error)> {
        let api = self.api;
        let started = Instant::now();
        let token = api
            .visitor(&self.org.id, &format!("Visitor {i}"))
            .await
            .map_err(|e| ("visitor", e))?;
        took[0] = Some(started.elapsed());
        let body = json!({
            "organization_id": self.org.id,
            "message": format!("Hello, this is conversation {i}: my order has not arrived."),
            "team_id": self.teams[f.team],
        });
        let started = Instant::now();
        let v = api
            .call(Method::POST, "/api/sessions", Some(&token), Some(body))
            .await
            .map_err(|e| ("open", e))?;
        took[1] = Some(started.elapsed());
        let session = &v["session"];
        let (Some(id), Some(created)) = (session["id"].as_str(), session["created_at"].as_str())
        else {
            return Err((
                "open",
                anyhow::anyhow!("a session without id or created_at: {v}"),
            ));
        };
        let day = created.get(..10).unwrap_or_default().to_string();
        if let Some(a) = f.agent {
            let agent = &self.agents[a].token;
            let path = format!("/api/sessions/{id}/messages");
            let body = json!({ "content": format!("Hello, I am looking into order {i} now.") });
            let started = Instant::now();
            api.call(Method::POST, &path, Some(agent), Some(body))
                .await
                .map_err(|e| ("answer", e))?;
            took[2] = Some(started.elapsed());
        }
        if f.closed {
            let closer = f.agent.map_or(&token, |a| &self.agents[a].token);
            let path = format!("/api/sessions/{id}/close");
            let started = Instant::now();
            api.call(Method::PUT, &path, Some(closer), None)
                .await
                .map_err(|e| ("close", e))?;
            took[3] = Some(started.elapsed());
        }
        Ok(day)
    }
}

async fn report_progress(done: Arc<AtomicU64>, total: u64) {
    let started = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_secs(10)).await;
        let n = done.load(Relaxed);
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "reports: seeded {n} of {total} conversations in {secs:.0} s ({:.0}/s)",
            n as f64 / secs
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(conversations: usize, agents: usize, teams: usize) -> ReportsArgs {
        ReportsArgs {
            conversations,
            agents,
            teams,
            answered_percent: 90,
            still_open: 10,
            keep_waiting: false,
            seed_concurrency: 8,
            requests: 1,
            concurrency: 1,
        }
    }

    #[test]
    fn an_answered_conversation_goes_to_an_agent_of_its_team() {
        let plan = Plan::new(&args(1000, 5, 2));
        assert_eq!(members(0, 5, 2), vec![0, 2, 4]);
        assert_eq!(members(1, 5, 2), vec![1, 3]);
        for i in 0..1000 {
            let f = plan.fate(i);
            assert_eq!(f.team, i % 2);
            if let Some(agent) = f.agent {
                assert_eq!(agent % 2, f.team, "conversation {i}");
            }
        }
        // Unanswered: closed by the customer, or left waiting when asked.
        assert_eq!(
            plan.fate(95),
            Fate {
                team: 1,
                agent: None,
                closed: true
            }
        );
        let waiting = Plan::new(&ReportsArgs {
            keep_waiting: true,
            ..args(1000, 5, 2)
        });
        assert!(!waiting.fate(95).closed);
        // The last 10 answered (980–989) stay open; earlier ones are closed.
        assert!(plan.fate(979).closed && plan.fate(979).agent.is_some());
        assert!(!plan.fate(980).closed && plan.fate(980).agent.is_some());
        assert!(!plan.fate(989).closed);
        assert!(plan.fate(995).closed && plan.fate(995).agent.is_none());
    }

    #[test]
    fn the_expected_figures_add_up() {
        let e = Plan::new(&args(1000, 5, 2)).expected();
        assert_eq!(
            e.all,
            Counts {
                opened: 1000,
                answered: 900,
                closed: 990
            }
        );
        let sum = |v: &[Counts]| {
            v.iter().fold(Counts::default(), |a, c| Counts {
                opened: a.opened + c.opened,
                answered: a.answered + c.answered,
                closed: a.closed + c.closed,
            })
        };
        assert_eq!(sum(&e.by_team), e.all);
        // Only answered conversations have an agent.
        assert_eq!(
            sum(&e.by_agent),
            Counts {
                opened: 900,
                answered: 900,
                closed: 890
            }
        );
        // Each team's agents share its answered conversations in turn.
        let opened: Vec<u64> = e.by_agent.iter().map(|c| c.opened).collect();
        assert_eq!(opened, vec![150, 230, 150, 220, 150]);
        let waiting = Plan::new(&ReportsArgs {
            keep_waiting: true,
            ..args(1000, 5, 2)
        })
        .expected();
        assert_eq!(waiting.all.closed, 890);
        assert_eq!(waiting.by_agent, e.by_agent);
        // More left open than answered: every answered one stays open.
        let all_open = Plan::new(&ReportsArgs {
            still_open: 5000,
            ..args(1000, 5, 2)
        })
        .expected();
        assert_eq!(all_open.all.closed, 100);
    }
}
