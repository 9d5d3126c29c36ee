//! One process of the connections scenario: opens its share of the sockets step by step, keeps
//! each one answering the server's pings in its own task, and says how many are still open.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use anyhow::Result;
use futures_util::StreamExt;

use super::plan::{Checked, Command, Plan, StepDone};
use crate::hist::Latency;
use crate::sio::{IDLE_BUFFER, Socket, Target};
use crate::workers::Parent;

pub async fn work(plan: Plan, index: usize, count: usize, parent: &mut Parent) -> Result<()> {
    let mine: Vec<usize> = (index..plan.tokens.len()).step_by(count.max(1)).collect();
    let closed = Arc::new(AtomicUsize::new(0));
    let mut latency = Latency::default();
    let mut opened = 0;
    parent.tell(&StepDone::default())?;
    loop {
        match parent.hear::<Command>().await? {
            Command::Step(k) => {
                let upto = mine.len() * k.min(plan.steps) / plan.steps.max(1);
                let batch = &mine[opened.min(upto)..upto];
                let done = open(&plan, batch, &closed, &mut latency).await;
                opened = upto;
                parent.tell(&done)?;
            }
            Command::Check => {
                let closed = closed.load(Relaxed);
                let open = latency.len() as usize - closed;
                parent.tell(&Checked {
                    open,
                    closed,
                    connect_latency: latency.counts(),
                })?;
                return Ok(());
            }
        }
    }
}

/// Opens the sockets numbered `batch`, `concurrency` at a time.
async fn open(
    plan: &Plan,
    batch: &[usize],
    closed: &Arc<AtomicUsize>,
    latency: &mut Latency,
) -> StepDone {
    let mut attempts = futures_util::stream::iter(batch.iter().map(|&i| {
        let local = plan.locals.get(i % plan.locals.len().max(1)).copied();
        let target = Target {
            server: plan.server,
            local,
        };
        let token = plan.tokens[i].clone();
        async move {
            let started = Instant::now();
            let socket = Socket::connect(target, &token, IDLE_BUFFER).await;
            (socket, started.elapsed())
        }
    }))
    .buffer_unordered(plan.concurrency.max(1));
    let mut done = StepDone::default();
    while let Some((socket, took)) = attempts.next().await {
        match socket {
            Ok(socket) => {
                latency.record(took);
                done.connected += 1;
                tokio::spawn(hold(socket, closed.clone()));
            }
            Err(e) => {
                done.failed += 1;
                if done.errors.len() < 5 {
                    done.errors.push(format!("{e:#}"));
                }
            }
        }
    }
    done
}

/// Keeps one socket connected (answering pings) until the server closes it.
async fn hold(mut socket: Socket, closed: Arc<AtomicUsize>) {
    while let Ok(Some(_)) = socket.next().await {}
    closed.fetch_add(1, Relaxed);
}
