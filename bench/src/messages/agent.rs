//! An agent's socket: it only receives, every `new_message` of its organization.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;

use tokio::sync::watch;

use super::receive::Receiver;
use super::stats::Stats;
use crate::sio::Socket;

pub async fn run(
    mut socket: Socket,
    agent: usize,
    stats: Arc<Stats>,
    mut stop: watch::Receiver<bool>,
) {
    let mut receiver = Receiver::new(Some(agent));
    loop {
        tokio::select! {
            biased;
            _ = stop.changed() => break,
            frame = socket.next() => match frame {
                Ok(Some(f)) => receiver.on_frame(&f, &stats),
                Ok(None) => return lost(&stats, "an agent's socket was closed by the server"),
                Err(e) => return lost(&stats, &format!("an agent's socket failed: {e}")),
            },
        }
    }
    socket.close().await;
}

fn lost(stats: &Stats, why: &str) {
    stats.counters.disconnects.fetch_add(1, Relaxed);
    stats.error(why);
}
