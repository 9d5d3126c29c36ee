//! A customer's socket: sends its share of the total rate on a fixed schedule whatever the
//! server does (open loop), times each acknowledgement from the scheduled send time, and
//! receives the echo of its own messages.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use tokio::sync::watch;

use super::content::{client_msg_id, content, parse_ack, send_payload};
use super::plan::CustomerSeat;
use super::receive::Receiver;
use super::stats::{LATE, Stats};
use crate::sio::{Frame, Socket};

/// The `seq` the server acknowledged for each message `n` (0: no answer, -1: refused).
pub struct Acked {
    pub seat: CustomerSeat,
    pub seqs: Vec<i64>,
}

struct Customer {
    seat: CustomerSeat,
    stats: Arc<Stats>,
    seqs: Vec<i64>,
    next: u64,
}

pub async fn run(
    mut socket: Socket,
    seat: CustomerSeat,
    stats: Arc<Stats>,
    mut stop: watch::Receiver<bool>,
) -> Acked {
    let mut me = Customer {
        seat,
        stats,
        seqs: vec![],
        next: 0,
    };
    let mut receiver = Receiver::new(None);
    let mut sending = true;
    let sleep = tokio::time::sleep_until(me.due(0).into());
    tokio::pin!(sleep);
    loop {
        tokio::select! {
            biased;
            _ = stop.changed() => break,
            _ = &mut sleep, if sending => {
                match me.send_due(&mut socket).await {
                    Ok(Some(next)) => sleep.as_mut().reset(next.into()),
                    Ok(None) => sending = false,
                    Err(e) => { me.lost(&format!("a customer's send failed: {e}")); break }
                }
            }
            frame = socket.next() => match frame {
                Ok(Some(f)) => match &f {
                    Frame::Ack(id, _) => me.acked(*id, &f),
                    Frame::Event(_) => receiver.on_frame(&f, &me.stats),
                },
                Ok(None) => { me.lost("a customer's socket was closed by the server"); break }
                Err(e) => { me.lost(&format!("a customer's socket failed: {e}")); break }
            },
        }
    }
    socket.close().await;
    Acked {
        seat: me.seat,
        seqs: me.seqs,
    }
}

impl Customer {
    fn offset(&self, n: u64) -> u64 {
        self.stats.clock.offset_ns(self.seat.index, n)
    }

    fn due(&self, n: u64) -> Instant {
        self.stats.clock.at(self.offset(n))
    }

    /// Sends every message whose time has come; the time of the next one, or `None` when the
    /// schedule is over.
    async fn send_due(&mut self, socket: &mut Socket) -> anyhow::Result<Option<Instant>> {
        let stats = self.stats.clone();
        let clock = &stats.clock;
        loop {
            let offset = self.offset(self.next);
            if offset >= clock.end_ns {
                return Ok(None);
            }
            let due = clock.at(offset);
            let now = Instant::now();
            if due > now {
                return Ok(Some(due));
            }
            self.send(socket, offset, now - due).await?;
        }
    }

    async fn send(
        &mut self,
        socket: &mut Socket,
        offset: u64,
        lag: std::time::Duration,
    ) -> anyhow::Result<()> {
        let (stats, n) = (&self.stats, self.next);
        let scheduled_ns = stats.clock.t0_unix_ns + offset;
        let text = content(
            scheduled_ns,
            self.seat.agent,
            self.seat.index,
            n,
            stats.size,
        );
        let payload = send_payload(
            &self.seat.session,
            &text,
            &client_msg_id(self.seat.index, n),
        );
        socket.emit_with_ack(n, "send_message", &payload).await?;
        self.next += 1;
        self.seqs.push(0);
        let c = &stats.counters;
        c.sent.fetch_add(1, Relaxed);
        c.in_flight.fetch_add(1, Relaxed);
        if stats.clock.measured(offset) {
            c.scheduled.fetch_add(1, Relaxed);
            if lag > LATE {
                c.late.fetch_add(1, Relaxed);
            }
            stats.hists.lock().unwrap().send_lag.record(lag);
        }
        Ok(())
    }

    fn acked(&mut self, n: u64, frame: &Frame) {
        let stats = &self.stats;
        stats.frame_arrived();
        let Some(slot) = self.seqs.get_mut(n as usize).filter(|s| **s == 0) else {
            return stats.error("an acknowledgement for no message awaiting one");
        };
        let c = &stats.counters;
        c.in_flight.fetch_sub(1, Relaxed);
        match parse_ack(frame.body()) {
            Some(ack) if ack.ok && ack.message.is_some() => {
                *slot = ack.message.unwrap_or_default();
                c.acked.fetch_add(1, Relaxed);
                let clock = &stats.clock;
                if clock.measured(clock.now_offset_ns()) {
                    c.acked_in_window.fetch_add(1, Relaxed);
                }
                let offset = clock.offset_ns(self.seat.index, n);
                if clock.measured(offset) {
                    let latency = Instant::now().saturating_duration_since(clock.at(offset));
                    stats.hists.lock().unwrap().ack.record(latency);
                }
            }
            Some(ack) => {
                *slot = -1;
                c.refused.fetch_add(1, Relaxed);
                stats.error(format!(
                    "send_message refused: {}",
                    ack.error.as_deref().unwrap_or("?")
                ));
            }
            None => {
                *slot = -1;
                stats.error("send_message acknowledgement that does not parse");
            }
        }
    }

    fn lost(&self, why: &str) {
        self.stats.counters.disconnects.fetch_add(1, Relaxed);
        self.stats.error(why);
    }
}
