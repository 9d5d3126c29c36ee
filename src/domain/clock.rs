//! The product's clock: every decision that depends on the time (message times, business
//! hours, snoozes, inactivity, answer deadlines) reads `now()`. It is the system time, moved by
//! an offset that only a server started with `--manual-clock` lets the operator set, so tests
//! move time instead of waiting for it. Token expiry keeps the real time.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{Duration, SubsecRound, Utc};

use super::model::Timestamp;

/// How far the product's time is ahead of the system's, in microseconds.
static OFFSET_MICROS: AtomicI64 = AtomicI64::new(0);

/// The current time at the precision every store keeps (microseconds), so that what is read
/// back equals what was broadcast.
pub fn now() -> Timestamp {
    let offset = Duration::microseconds(OFFSET_MICROS.load(Ordering::Relaxed));
    (Utc::now() + offset).trunc_subsecs(6)
}

/// Moves the product's time to `to` (never back: a later message must not get an earlier
/// time). Returns the time now.
pub fn advance_to(to: Timestamp) -> Timestamp {
    // Rounded up: a whole-microsecond offset short of `to` would leave the time just before it.
    let gap = to - Utc::now();
    let wanted = match gap.num_nanoseconds() {
        Some(nanos) => nanos.div_euclid(1000) + i64::from(nanos.rem_euclid(1000) != 0),
        None => gap.num_microseconds().unwrap_or(i64::MAX),
    };
    OFFSET_MICROS.fetch_max(wanted, Ordering::Relaxed);
    now()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_moves_forward_only() {
        let start = now();
        let later = advance_to(start + Duration::hours(3));
        assert!(later >= start + Duration::hours(3));
        let kept = advance_to(start);
        assert!(kept >= later, "the clock never goes back");
    }
}
