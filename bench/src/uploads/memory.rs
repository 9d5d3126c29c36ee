//! The server's memory around bursts of uploads, and whether it grows with the file size: the
//! same number of uploads at once with small and with large files.

use serde::Serialize;

/// The server's RSS around one burst of uploads started at once.
#[derive(Clone, Debug, Serialize)]
pub struct Burst {
    pub file_bytes: u64,
    pub uploads: usize,
    pub idle_kib: u64,
    pub peak_kib: u64,
    pub after_kib: u64,
}

impl Burst {
    /// Peak minus idle.
    pub fn growth_kib(&self) -> u64 {
        self.peak_kib.saturating_sub(self.idle_kib)
    }
}

/// The large burst against the small one.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Comparison {
    /// Large file size ÷ small file size.
    pub size_ratio: f64,
    /// Large burst's growth ÷ small burst's growth (none when the small one did not grow).
    pub growth_ratio: Option<f64>,
    /// Of the extra bytes the larger files bring into flight, the share the extra growth
    /// amounts to: 0 when memory does not depend on the file size, 1 when whole files are
    /// held in memory.
    pub share_held: f64,
}

pub fn compare(small: &Burst, large: &Burst) -> Comparison {
    let kib = |b: u64| b as f64 / 1024.0;
    let extra_in_flight =
        large.uploads as f64 * kib(large.file_bytes) - small.uploads as f64 * kib(small.file_bytes);
    let extra_growth = large.growth_kib() as f64 - small.growth_kib() as f64;
    Comparison {
        size_ratio: large.file_bytes as f64 / small.file_bytes.max(1) as f64,
        growth_ratio: (small.growth_kib() > 0)
            .then(|| large.growth_kib() as f64 / small.growth_kib() as f64),
        share_held: match extra_in_flight > 0.0 {
            true => (extra_growth / extra_in_flight).max(0.0),
            false => 0.0,
        },
    }
}

impl Comparison {
    /// A sentence for the table.
    pub fn verdict(&self) -> &'static str {
        match self.share_held {
            s if s < 0.1 => "memory does not grow with the file size",
            s if s < 0.5 => "memory grows with the file size, by less than half of it",
            _ => "memory grows with the file size, as if whole files were held",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1024 * 1024;

    fn burst(mib: u64, idle: u64, peak: u64) -> Burst {
        Burst {
            file_bytes: mib * MIB,
            uploads: 50,
            idle_kib: idle,
            peak_kib: peak,
            after_kib: idle,
        }
    }

    #[test]
    fn streaming_uploads_grow_the_same_whatever_the_size() {
        let c = compare(&burst(1, 20_000, 30_000), &burst(10, 21_000, 31_500));
        assert_eq!(c.size_ratio, 10.0);
        assert_eq!(c.growth_ratio, Some(1.05));
        assert!(c.share_held < 0.01, "{}", c.share_held);
        assert_eq!(c.verdict(), "memory does not grow with the file size");
    }

    #[test]
    fn files_held_whole_are_seen() {
        // 50 × 1 MiB and 50 × 10 MiB held whole: 50 MiB and 500 MiB more.
        let c = compare(
            &burst(1, 20_000, 20_000 + 50 * 1024),
            &burst(10, 20_000, 20_000 + 500 * 1024),
        );
        assert_eq!(c.growth_ratio, Some(10.0));
        assert!((c.share_held - 1.0).abs() < 1e-9);
        assert_eq!(
            c.verdict(),
            "memory grows with the file size, as if whole files were held"
        );
    }

    #[test]
    fn a_burst_that_did_not_grow_gives_no_ratio() {
        let c = compare(&burst(1, 20_000, 19_000), &burst(10, 20_000, 20_500));
        assert_eq!(c.growth_ratio, None);
        assert_eq!(burst(1, 20_000, 19_000).growth_kib(), 0);
        assert_eq!(c.verdict(), "memory does not grow with the file size");
    }
}
