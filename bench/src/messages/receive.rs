//! What every socket of the scenario does with a `new_message`: check that each conversation's
//! `seq` arrives in order without gaps or repeats, and time benchmark messages.

use std::collections::HashMap;
use std::sync::atomic::Ordering::Relaxed;

use super::content::{parse_new_message, parse_stamp};
use super::stats::Stats;
use crate::sio::Frame;

pub struct Receiver {
    /// The agent this socket belongs to; `None` for a customer's socket.
    agent: Option<usize>,
    last_seq: HashMap<String, i64>,
}

impl Receiver {
    pub fn new(agent: Option<usize>) -> Receiver {
        Receiver {
            agent,
            last_seq: HashMap::new(),
        }
    }

    pub fn on_frame(&mut self, frame: &Frame, stats: &Stats) {
        stats.frame_arrived();
        if !frame.is_event("new_message") {
            return;
        }
        let Some(m) = parse_new_message(frame.body()) else {
            stats.error("new_message that does not parse");
            return;
        };
        match self.last_seq.get_mut(m.session_id.as_ref()) {
            Some(last) => {
                if m.seq != *last + 1 {
                    stats.counters.out_of_order.fetch_add(1, Relaxed);
                }
                *last = (*last).max(m.seq);
            }
            None => {
                self.last_seq.insert(m.session_id.to_string(), m.seq);
            }
        }
        if let Some(stamp) = parse_stamp(&m.content) {
            stats.delivered(&stamp, self.agent);
        }
    }
}
