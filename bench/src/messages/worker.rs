//! One generator process of the messages scenario: connects its share of the agents and
//! customers, runs them from the common start time, drains, checks the stored histories of its
//! customers, and reports.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use anyhow::Result;
use tokio::sync::watch;

use super::customer::{self, Acked};
use super::plan::{Go, Plan, Ready};
use super::stats::{Clock, Stats};
use super::{agent, verify};
use crate::api::Api;
use crate::sio::{BUSY_BUFFER, Socket, Target};
use crate::workers::{Parent, share};

/// The run ends this long after the last frame once every send is answered.
const QUIET: Duration = Duration::from_millis(1500);

pub async fn work(plan: Plan, index: usize, count: usize, parent: &mut Parent) -> Result<()> {
    let agents = share(&plan.agents, index, count);
    let customers = share(&plan.customers, index, count);
    let mut ready = Ready::default();
    let agent_sockets = connect(
        &plan.nodes,
        agents.iter().map(|a| (a.index, a.token.clone())).collect(),
        &mut ready.errors,
    )
    .await;
    let customer_sockets = connect(
        &plan.nodes,
        customers
            .iter()
            .map(|c| (c.index, c.token.clone()))
            .collect(),
        &mut ready.errors,
    )
    .await;
    ready.agents = agent_sockets.iter().flatten().count();
    ready.customers = customer_sockets.iter().flatten().count();
    parent.tell(&ready)?;

    let go: Go = parent.hear().await?;
    let stats = Arc::new(Stats::new(clock(&plan, &go), plan.size));
    let (stop, stopped) = watch::channel(false);
    let mut agent_tasks = vec![];
    for (seat, socket) in agents.into_iter().zip(agent_sockets) {
        let Some(socket) = socket else { continue };
        agent_tasks.push(tokio::spawn(agent::run(
            socket,
            seat.index,
            stats.clone(),
            stopped.clone(),
        )));
    }
    let mut customer_tasks = vec![];
    for (seat, socket) in customers.into_iter().zip(customer_sockets) {
        let Some(socket) = socket else { continue };
        customer_tasks.push(tokio::spawn(customer::run(
            socket,
            seat,
            stats.clone(),
            stopped.clone(),
        )));
    }

    let cpu = cpu_in_window(&stats.clock).await;
    drain(&stats, Duration::from_secs_f64(plan.drain)).await;
    let _ = stop.send(true);
    let mut acked: Vec<Acked> = vec![];
    for t in customer_tasks {
        acked.push(t.await?);
    }
    for t in agent_tasks {
        t.await?;
    }
    let verified = verify::verify_all(&Api::new(&plan.base), acked).await;
    parent.tell(&stats.report(index, cpu, plan.duration, verified))?;
    Ok(())
}

fn clock(plan: &Plan, go: &Go) -> Clock {
    let now_unix = Clock::unix_now_ns();
    let t0 = Instant::now() + Duration::from_nanos(go.start_unix_ns.saturating_sub(now_unix));
    Clock {
        t0,
        t0_unix_ns: go.start_unix_ns,
        customers: plan.customers.len(),
        rate: plan.rate,
        warmup_ns: (plan.warmup * 1e9) as u64,
        end_ns: ((plan.warmup + plan.duration) * 1e9) as u64,
    }
}

/// Connects one socket per token (32 at a time); a failure leaves `None` and an error.
/// Connects each seat's socket, seat `i` to node `i % nodes.len()`.
async fn connect(
    nodes: &[std::net::SocketAddr],
    seats: Vec<(usize, String)>,
    errors: &mut Vec<String>,
) -> Vec<Option<Socket>> {
    let results = crate::api::each(seats, 32, |(index, token)| async move {
        let target = Target {
            server: nodes[index % nodes.len()],
            local: None,
        };
        Ok(Socket::connect(target, &token, BUSY_BUFFER).await)
    })
    .await
    .unwrap_or_default();
    results
        .into_iter()
        .map(|r| r.map_err(|e| errors.push(format!("connect: {e:#}"))).ok())
        .collect()
}

/// This process's CPU seconds during the measured window.
async fn cpu_in_window(clock: &Clock) -> f64 {
    tokio::time::sleep_until(clock.at(clock.warmup_ns).into()).await;
    let before = crate::procfs::own_cpu_seconds();
    tokio::time::sleep_until(clock.at(clock.end_ns).into()).await;
    crate::procfs::own_cpu_seconds() - before
}

/// Waits until every send is answered and nothing has arrived for a moment, or `limit`.
async fn drain(stats: &Stats, limit: Duration) {
    let clock = &stats.clock;
    let give_up = clock.at(clock.end_ns) + limit;
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let answered = stats.counters.in_flight.load(Relaxed) <= 0;
        let last = stats.counters.last_frame_ns.load(Relaxed);
        let quiet = clock.now_offset_ns().saturating_sub(last) > QUIET.as_nanos() as u64;
        if (answered && quiet) || Instant::now() >= give_up {
            return;
        }
    }
}
