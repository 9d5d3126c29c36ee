//! The http scenario: for logins and for conversation lists (a customer's across
//! organizations, an organization's for its admin), the highest request rate whose p99
//! latency stays within a bound. Each endpoint is offered rising rates, open loop, each for a
//! few seconds, until a rate fails the bound or errs.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use reqwest::Method;
use serde::Serialize;
use serde_json::{Value, json};

use crate::api::{Api, PASSWORD, each};
use crate::cli::HttpArgs;
use crate::hist::{Latency, Summary, fmt_ms};
use crate::report::Report;
use crate::server::Server;
use crate::usage::{Usage, Used};

/// Requests under way above which the generator stops adding more (counted as skipped).
const MAX_IN_FLIGHT: usize = 4000;

struct Endpoint {
    name: &'static str,
    method: Method,
    path: String,
    token: Option<String>,
    /// Bodies used in turn (logins rotate over accounts).
    bodies: Vec<Value>,
    start: f64,
}

#[derive(Debug, Serialize)]
struct Step {
    offered: f64,
    ok: usize,
    errors: BTreeMap<String, usize>,
    skipped: usize,
    latency: Summary,
    /// Cores used by the server, the generator and other processes over the step.
    used: Used,
    /// The server's CPU time per successful request.
    server_cpu_ms_per_request: Option<f64>,
    passed: bool,
}

#[derive(Default)]
struct Tally {
    latency: Latency,
    ok: usize,
    errors: BTreeMap<String, usize>,
}

pub async fn run(args: &HttpArgs, server: &Server) -> Result<Report> {
    if args.factor <= 1.0 || args.step <= 0.0 || args.max_steps == 0 {
        bail!("--factor must exceed 1, --step and --max-steps must be positive");
    }
    let api = Api::new(&server.base);
    let endpoints = setup(&api, args).await?;
    let ramp = Ramp {
        api: &api,
        server: server.pid,
        args,
    };
    let mut r = Report::default();
    let mut all = BTreeMap::new();
    for ep in &endpoints {
        let steps = ramp.run(ep).await;
        let best = steps
            .iter()
            .filter(|s| s.passed)
            .map(|s| s.offered)
            .reduce(f64::max);
        endpoint_rows(&mut r, ep, &steps, best, args);
        all.insert(ep.name, json!({ "best_rate": best, "steps": steps }));
    }
    r.set("p99_bound_ms", args.p99_bound_ms);
    r.set("endpoints", all);
    Ok(r)
}

fn endpoint_rows(
    r: &mut Report,
    ep: &Endpoint,
    steps: &[Step],
    best: Option<f64>,
    args: &HttpArgs,
) {
    let bound = fmt_ms(args.p99_bound_ms);
    let text = match (best, steps.last().filter(|s| !s.passed)) {
        (Some(b), Some(f)) => format!(
            "{b:.0}/s within p99 {bound} (at {:.0}/s: p99 {}, {} errors, {} skipped)",
            f.offered,
            fmt_ms(f.latency.p99_ms),
            f.errors.values().sum::<usize>(),
            f.skipped
        ),
        (Some(b), None) => format!("at least {b:.0}/s within p99 {bound} (the highest rate tried)"),
        (None, _) => format!(
            "below {:.0}/s: the first rate already failed the bound",
            ep.start
        ),
    };
    r.row(ep.name, text);
    for s in steps {
        r.row(&format!("  {:.0}/s", s.offered), s.line());
    }
    let within: Vec<&Step> = steps
        .iter()
        .filter(|s| s.latency.p99_ms <= args.p99_bound_ms)
        .collect();
    let errors: usize = within
        .iter()
        .map(|s| s.errors.values().sum::<usize>() + s.skipped)
        .sum();
    r.check(
        &format!("{}: no errors at rates within the bound", ep.name),
        errors == 0,
        format!(
            "{errors} errors over {} steps within the bound",
            within.len()
        ),
    );
    if steps.iter().any(|s| s.used.generator_cores > 0.85) {
        r.note(format!("{}: the generator used more than 85% of a core at some rate: it may be the limit there", ep.name));
    }
}

impl Step {
    fn line(&self) -> String {
        let per = match self.server_cpu_ms_per_request {
            Some(ms) => format!("  server CPU {ms:.2} ms per request"),
            None => String::new(),
        };
        format!(
            "{}  errors {}  skipped {}{per}  {}",
            self.latency.line(),
            self.errors.values().sum::<usize>(),
            self.skipped,
            self.used.line()
        )
    }
}

async fn setup(api: &Api, args: &HttpArgs) -> Result<Vec<Endpoint>> {
    let tag = crate::messages::run_tag();
    let org = api
        .signup(
            "Bench http",
            &format!("http-{tag}.bench.example"),
            json!({}),
        )
        .await?;
    let names: Vec<String> = (0..10).map(|i| format!("h{tag}_{i}")).collect();
    let tokens = each(names.clone(), 4, |n| async move { api.register(&n).await }).await?;
    let org_id = &org.id;
    each((0..args.list_size).collect(), 8, |i| {
        let token = &tokens[0];
        async move {
            let body = json!({ "organization_id": org_id, "message": format!("Hello {i}") });
            api.call(Method::POST, "/api/sessions", Some(token), Some(body))
                .await
        }
    })
    .await?;
    let logins = names
        .iter()
        .map(|n| json!({ "email": format!("{n}@bench.example"), "password": PASSWORD }))
        .collect();
    Ok(vec![
        Endpoint {
            name: "login",
            method: Method::POST,
            path: "/api/clients/login".into(),
            token: None,
            bodies: logins,
            start: args.login_start,
        },
        Endpoint {
            name: "customer conversations",
            method: Method::GET,
            path: "/api/sessions".into(),
            token: Some(tokens[0].clone()),
            bodies: vec![],
            start: args.list_start,
        },
        Endpoint {
            name: "organization conversations",
            method: Method::GET,
            path: format!("/api/sessions/organization/{}", org.id),
            token: Some(org.admin_token.clone()),
            bodies: vec![],
            start: args.list_start,
        },
    ])
}

/// The rising rates offered to each endpoint.
struct Ramp<'a> {
    api: &'a Api,
    server: Option<u32>,
    args: &'a HttpArgs,
}

impl Ramp<'_> {
    /// Offers rising rates until one fails; a rate that fails only the latency bound is tried
    /// once more before it counts (on a shared machine one step can catch another process's
    /// burst).
    async fn run(&self, ep: &Endpoint) -> Vec<Step> {
        let mut steps = vec![];
        let mut rate = ep.start;
        for _ in 0..self.args.max_steps {
            let mut step = self.step(ep, rate).await;
            if !step.passed && step.errors.is_empty() && step.skipped == 0 {
                steps.push(step);
                step = self.step(ep, rate).await;
            }
            let passed = step.passed;
            steps.push(step);
            if !passed {
                break;
            }
            rate *= self.args.factor;
        }
        steps
    }

    /// One rate for `--step` seconds, open loop: latency counts from each request's scheduled
    /// time.
    async fn step(&self, ep: &Endpoint, rate: f64) -> Step {
        let seconds = self.args.step;
        let count = ((rate * seconds).round() as usize).max(1);
        let tally = Arc::new(Mutex::new(Tally::default()));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        let mut skipped = 0;
        let usage = Usage::start(self.server);
        let t0 = Instant::now() + Duration::from_millis(20);
        for i in 0..count {
            let due = t0 + Duration::from_secs_f64(i as f64 / rate);
            tokio::time::sleep_until(due.into()).await;
            if in_flight.load(Relaxed) >= MAX_IN_FLIGHT {
                skipped += 1;
                continue;
            }
            in_flight.fetch_add(1, Relaxed);
            tasks.spawn(request(
                self.api.clone(),
                ep.request(i),
                due,
                tally.clone(),
                in_flight.clone(),
            ));
        }
        while tasks.join_next().await.is_some() {}
        let used = usage.finish();
        let t = std::mem::take(&mut *tally.lock().unwrap());
        let latency = t.latency.summary();
        let passed =
            t.errors.is_empty() && skipped == 0 && latency.p99_ms <= self.args.p99_bound_ms;
        Step {
            offered: rate,
            ok: t.ok,
            server_cpu_ms_per_request: used
                .server_cores
                .map(|c| c * used.seconds * 1000.0 / t.ok.max(1) as f64),
            errors: t.errors,
            skipped,
            latency,
            used,
            passed,
        }
    }
}

/// What one request sends.
struct Request {
    method: Method,
    path: String,
    token: Option<String>,
    body: Option<Value>,
}

impl Endpoint {
    fn request(&self, i: usize) -> Request {
        Request {
            method: self.method.clone(),
            path: self.path.clone(),
            token: self.token.clone(),
            body: (!self.bodies.is_empty()).then(|| self.bodies[i % self.bodies.len()].clone()),
        }
    }
}

async fn request(
    api: Api,
    req: Request,
    due: Instant,
    tally: Arc<Mutex<Tally>>,
    in_flight: Arc<AtomicUsize>,
) {
    let res = api
        .send(
            req.method,
            &req.path,
            req.token.as_deref(),
            req.body.as_ref(),
        )
        .await;
    let mut t = tally.lock().unwrap();
    t.latency.record(due.elapsed());
    match res {
        Ok((200, _)) => t.ok += 1,
        Ok((status, v)) => {
            *t.errors
                .entry(format!("{status} {}", v["error"].as_str().unwrap_or("")))
                .or_default() += 1
        }
        Err(e) => *t.errors.entry(format!("{e:#}")).or_default() += 1,
    }
    in_flight.fetch_sub(1, Relaxed);
}
