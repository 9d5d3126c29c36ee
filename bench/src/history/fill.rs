//! Fills the store: conversations opened over REST, then many customers' sockets each sending
//! into their conversations in turn with a window of messages awaiting acknowledgement.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::json;

use crate::api::{Api, each};
use crate::cli::HistoryArgs;
use crate::sio::{BUSY_BUFFER, Frame, Socket, Target};

/// A customer and the conversations it owns.
pub struct Sender {
    pub token: String,
    pub sessions: Vec<String>,
}

pub struct Filled {
    pub senders: Vec<Sender>,
    pub per_conversation: usize,
    pub setup_seconds: f64,
    pub fill_seconds: f64,
    pub acked: u64,
    pub refused: u64,
    pub first_error: Option<String>,
}

pub async fn fill(api: &Api, target: Target, args: &HistoryArgs) -> Result<Filled> {
    let started = Instant::now();
    let senders = open_conversations(api, args).await?;
    let setup_seconds = started.elapsed().as_secs_f64();
    let per_conversation = args.fill_messages / args.fill_conversations;
    let acked = Arc::new(AtomicU64::new(0));
    let progress = tokio::spawn(report_progress(
        "history",
        acked.clone(),
        (per_conversation * args.fill_conversations) as u64,
    ));
    let started = Instant::now();
    let results = each(senders.iter().collect(), senders.len(), |s| {
        let acked = acked.clone();
        async move { Ok(send_all(target, s, per_conversation, args.fill_window, acked).await) }
    })
    .await?;
    progress.abort();
    let fill_seconds = started.elapsed().as_secs_f64();
    let refused = results
        .iter()
        .map(|r| r.as_ref().map_or(0, |t| t.refused))
        .sum();
    let first_error = results.iter().find_map(|r| match r {
        Err(e) => Some(format!("{e:#}")),
        Ok(t) => t.first_error.clone(),
    });
    Ok(Filled {
        senders,
        per_conversation,
        setup_seconds,
        fill_seconds,
        acked: acked.load(Relaxed),
        refused,
        first_error,
    })
}

/// Organizations, customers, and the conversations spread over both.
async fn open_conversations(api: &Api, args: &HistoryArgs) -> Result<Vec<Sender>> {
    let tag = &crate::messages::run_tag();
    let orgs = each((0..args.fill_orgs).collect(), 4, |i| async move {
        api.signup(
            &format!("Fill {i}"),
            &format!("fill{i}-{tag}.bench.example"),
            json!({}),
        )
        .await
    })
    .await?;
    let names: Vec<String> = (0..args.fill_senders)
        .map(|i| format!("f{tag}_{i}"))
        .collect();
    let tokens = each(names, 4, |n| async move { api.register(&n).await }).await?;
    let (orgs, tokens) = (&orgs, &tokens);
    let sessions = each((0..args.fill_conversations).collect(), 16, |c| async move {
        api.open_session(&tokens[c % tokens.len()], &orgs[c % orgs.len()].id)
            .await
    })
    .await?;
    let mut senders: Vec<Sender> = tokens
        .iter()
        .map(|t| Sender {
            token: t.clone(),
            sessions: vec![],
        })
        .collect();
    for (c, s) in sessions.into_iter().enumerate() {
        senders[c % tokens.len()].sessions.push(s);
    }
    Ok(senders)
}

#[derive(Default)]
pub struct SenderTally {
    pub refused: u64,
    pub first_error: Option<String>,
}

/// Sends `per` messages into each of the sender's conversations, in turn.
async fn send_all(
    target: Target,
    s: &Sender,
    per: usize,
    window: usize,
    acked: Arc<AtomicU64>,
) -> Result<SenderTally> {
    let total = s.sessions.len() * per;
    let payloads = (0..total).map(|next| {
        let session = &s.sessions[next % s.sessions.len()];
        json!({ "session_id": session, "content": format!("fill message {next} {:0>60}", 0) })
            .to_string()
    });
    send_stream(target, &s.token, payloads, window, acked).await
}

/// Sends every `send_message` payload over one socket of the account of `token`, keeping
/// `window` awaiting their acknowledgement; counts the acknowledged in `acked` and tallies the
/// refused.
pub async fn send_stream(
    target: Target,
    token: &str,
    mut payloads: impl Iterator<Item = String>,
    window: usize,
    acked: Arc<AtomicU64>,
) -> Result<SenderTally> {
    let mut socket = Socket::connect(target, token, BUSY_BUFFER)
        .await
        .context("connecting a sender")?;
    let (mut next, mut waiting, mut tally) = (0u64, 0usize, SenderTally::default());
    let mut more = true;
    while more || waiting > 0 {
        while more && waiting < window.max(1) {
            let Some(payload) = payloads.next() else {
                more = false;
                break;
            };
            socket.emit_with_ack(next, "send_message", &payload).await?;
            next += 1;
            waiting += 1;
        }
        if waiting == 0 {
            break;
        }
        match socket.next().await? {
            Some(f @ Frame::Ack(..)) => {
                waiting -= 1;
                if f.body().contains("\"ok\":true") {
                    acked.fetch_add(1, Relaxed);
                } else {
                    tally.refused += 1;
                    tally
                        .first_error
                        .get_or_insert_with(|| f.body().to_string());
                }
            }
            Some(Frame::Event(_)) => {}
            None => anyhow::bail!("a sender's socket was closed by the server"),
        }
    }
    socket.close().await;
    Ok(tally)
}

/// Prints how far a fill has come every 10 s, until aborted.
pub async fn report_progress(scenario: &'static str, acked: Arc<AtomicU64>, total: u64) {
    let started = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_secs(10)).await;
        let n = acked.load(Relaxed);
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "{scenario}: filled {n} of {total} messages in {secs:.0} s ({:.0}/s)",
            n as f64 / secs
        );
    }
}
