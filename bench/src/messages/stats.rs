//! One worker's clock and tallies, shared by its socket tasks: the schedule, the histograms,
//! the counters, and what the worker reports to the parent.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::content::Stamp;
use super::verify::Verified;
use crate::hist::{Counts, Latency};

/// A send is late when it leaves more than this after its scheduled time.
pub const LATE: Duration = Duration::from_millis(5);

/// The schedule every worker shares: the same start, rate and window.
pub struct Clock {
    pub t0: Instant,
    pub t0_unix_ns: u64,
    pub customers: usize,
    pub rate: f64,
    pub warmup_ns: u64,
    pub end_ns: u64,
}

impl Clock {
    /// Offset from the start of customer `g`'s `n`-th message: all customers' sends interleave
    /// evenly at the total rate.
    pub fn offset_ns(&self, g: usize, n: u64) -> u64 {
        ((n as f64 * self.customers as f64 + g as f64) * 1e9 / self.rate) as u64
    }

    pub fn at(&self, offset_ns: u64) -> Instant {
        self.t0 + Duration::from_nanos(offset_ns)
    }

    pub fn measured(&self, offset_ns: u64) -> bool {
        (self.warmup_ns..self.end_ns).contains(&offset_ns)
    }

    pub fn unix_now_ns() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    }

    pub fn now_offset_ns(&self) -> u64 {
        Instant::now().saturating_duration_since(self.t0).as_nanos() as u64
    }
}

#[derive(Default)]
pub struct Hists {
    pub ack: Latency,
    pub send_lag: Latency,
    pub delivery_agent: Latency,
    pub delivery_all: Latency,
}

#[derive(Default)]
pub struct Counters {
    pub scheduled: AtomicU64,
    pub late: AtomicU64,
    pub sent: AtomicU64,
    pub acked: AtomicU64,
    pub acked_in_window: AtomicU64,
    pub refused: AtomicU64,
    pub in_flight: AtomicI64,
    pub deliveries: AtomicU64,
    pub deliveries_to_assigned: AtomicU64,
    pub out_of_order: AtomicU64,
    pub disconnects: AtomicU64,
    pub last_frame_ns: AtomicU64,
}

pub struct Stats {
    pub clock: Clock,
    pub size: usize,
    pub hists: Mutex<Hists>,
    pub counters: Counters,
    pub errors: Mutex<BTreeMap<String, u64>>,
}

impl Stats {
    pub fn new(clock: Clock, size: usize) -> Stats {
        Stats {
            clock,
            size,
            hists: Mutex::default(),
            counters: Counters::default(),
            errors: Mutex::default(),
        }
    }

    pub fn error(&self, what: impl Into<String>) {
        *self.errors.lock().unwrap().entry(what.into()).or_default() += 1;
    }

    /// Records a `new_message` of a benchmark message received by a customer or an agent.
    pub fn delivered(&self, stamp: &Stamp, receiving_agent: Option<usize>) {
        let c = &self.counters;
        c.deliveries.fetch_add(1, Relaxed);
        let to_assigned = receiving_agent == Some(stamp.agent);
        if to_assigned {
            c.deliveries_to_assigned.fetch_add(1, Relaxed);
        }
        let offset = stamp.scheduled_ns.saturating_sub(self.clock.t0_unix_ns);
        if self.clock.measured(offset) {
            let latency = Clock::unix_now_ns().saturating_sub(stamp.scheduled_ns) / 1000;
            let mut h = self.hists.lock().unwrap();
            h.delivery_all.record_us(latency);
            if to_assigned {
                h.delivery_agent.record_us(latency);
            }
        }
    }

    pub fn frame_arrived(&self) {
        self.counters
            .last_frame_ns
            .store(self.clock.now_offset_ns(), Relaxed);
    }
}

/// What one worker hands the parent.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct WorkerReport {
    pub index: usize,
    pub ack: Counts,
    pub send_lag: Counts,
    pub delivery_agent: Counts,
    pub delivery_all: Counts,
    pub scheduled: u64,
    pub late: u64,
    pub sent: u64,
    pub acked: u64,
    pub acked_in_window: u64,
    pub refused: u64,
    pub unanswered: i64,
    pub deliveries: u64,
    pub deliveries_to_assigned: u64,
    pub out_of_order: u64,
    pub disconnects: u64,
    pub errors: BTreeMap<String, u64>,
    /// CPU seconds this worker used during the measured window, and that window's length.
    pub cpu_seconds: f64,
    pub window_seconds: f64,
    pub verified: Verified,
}

impl Stats {
    pub fn report(
        &self,
        index: usize,
        cpu_seconds: f64,
        window: f64,
        verified: Verified,
    ) -> WorkerReport {
        let h = self.hists.lock().unwrap();
        let c = &self.counters;
        WorkerReport {
            index,
            ack: h.ack.counts(),
            send_lag: h.send_lag.counts(),
            delivery_agent: h.delivery_agent.counts(),
            delivery_all: h.delivery_all.counts(),
            scheduled: c.scheduled.load(Relaxed),
            late: c.late.load(Relaxed),
            sent: c.sent.load(Relaxed),
            acked: c.acked.load(Relaxed),
            acked_in_window: c.acked_in_window.load(Relaxed),
            refused: c.refused.load(Relaxed),
            unanswered: c.in_flight.load(Relaxed),
            deliveries: c.deliveries.load(Relaxed),
            deliveries_to_assigned: c.deliveries_to_assigned.load(Relaxed),
            out_of_order: c.out_of_order.load(Relaxed),
            disconnects: c.disconnects.load(Relaxed),
            errors: self.errors.lock().unwrap().clone(),
            cpu_seconds,
            window_seconds: window,
            verified,
        }
    }
}
