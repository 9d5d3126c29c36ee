//! Latency histograms (HDR, microseconds), their summary, and the plain `[value, count]` form
//! in which workers hand them to the parent.

use std::time::Duration;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Highest recordable latency: one hour, in microseconds.
const MAX_US: u64 = 3_600_000_000;

#[derive(Clone)]
pub struct Latency(Histogram<u64>);

impl Default for Latency {
    fn default() -> Self {
        Latency(Histogram::new_with_bounds(1, MAX_US, 3).expect("valid histogram bounds"))
    }
}

/// The histogram as recorded values and their counts.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Counts(pub Vec<(u64, u64)>);

/// Percentiles in milliseconds.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub count: u64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

impl Latency {
    pub fn record(&mut self, d: Duration) {
        self.record_us(d.as_micros().min(u128::from(MAX_US)) as u64);
    }

    pub fn record_us(&mut self, us: u64) {
        self.0.saturating_record(us.clamp(1, MAX_US));
    }

    pub fn len(&self) -> u64 {
        self.0.len()
    }

    pub fn add(&mut self, other: &Latency) {
        self.0.add(&other.0).expect("same bounds");
    }

    pub fn counts(&self) -> Counts {
        Counts(
            self.0
                .iter_recorded()
                .map(|v| (v.value_iterated_to(), v.count_at_value()))
                .collect(),
        )
    }

    pub fn from_counts(counts: &Counts) -> Latency {
        let mut h = Latency::default();
        for &(value, count) in &counts.0 {
            let _ = h.0.record_n(value.clamp(1, MAX_US), count);
        }
        h
    }

    pub fn summary(&self) -> Summary {
        let ms = |us: u64| us as f64 / 1000.0;
        Summary {
            count: self.0.len(),
            p50_ms: ms(self.0.value_at_quantile(0.50)),
            p95_ms: ms(self.0.value_at_quantile(0.95)),
            p99_ms: ms(self.0.value_at_quantile(0.99)),
            p999_ms: ms(self.0.value_at_quantile(0.999)),
            max_ms: ms(self.0.max()),
            mean_ms: self.0.mean() / 1000.0,
        }
    }
}

impl Summary {
    /// `p50 1.23 ms  p99 …` for the table.
    pub fn line(&self) -> String {
        if self.count == 0 {
            return "no samples".into();
        }
        format!(
            "p50 {}  p99 {}  p99.9 {}  max {}  (n={})",
            fmt_ms(self.p50_ms),
            fmt_ms(self.p99_ms),
            fmt_ms(self.p999_ms),
            fmt_ms(self.max_ms),
            self.count
        )
    }

    /// `p50 1.23 ms  p95 …  p99 …  max …` for tables that give the p95.
    pub fn line_p95(&self) -> String {
        if self.count == 0 {
            return "no samples".into();
        }
        format!(
            "p50 {}  p95 {}  p99 {}  max {}  (n={})",
            fmt_ms(self.p50_ms),
            fmt_ms(self.p95_ms),
            fmt_ms(self.p99_ms),
            fmt_ms(self.max_ms),
            self.count
        )
    }
}

pub fn fmt_ms(ms: f64) -> String {
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else if ms < 1000.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_round_trip_keeps_percentiles() {
        let mut h = Latency::default();
        for us in 1..=10_000 {
            h.record_us(us);
        }
        let back = Latency::from_counts(&h.counts());
        assert_eq!(back.len(), 10_000);
        assert_eq!(back.summary().p99_ms, h.summary().p99_ms);
    }

    #[test]
    fn percentiles_of_a_known_spread() {
        let mut h = Latency::default();
        for ms in 1..=100u64 {
            h.record(Duration::from_millis(ms));
        }
        let s = h.summary();
        // 3 significant digits: each figure within 0.1% of the exact one.
        let near = |got: f64, want: f64| (got - want).abs() <= want * 0.001;
        assert!(near(s.p50_ms, 50.0), "{}", s.p50_ms);
        assert!(near(s.p95_ms, 95.0), "{}", s.p95_ms);
        assert!(near(s.p99_ms, 99.0), "{}", s.p99_ms);
        assert!(near(s.max_ms, 100.0), "{}", s.max_ms);
        assert!(
            s.line_p95()
                .starts_with("p50 50.0 ms  p95 95.0 ms  p99 99.0 ms")
        );
    }
}
