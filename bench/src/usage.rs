//! Who used the machine's CPU over a stretch of a run: the server, this generator process, and
//! every other process (a shared machine has some), in cores; and the server's peak memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::procfs;

/// Readings at the start of a stretch.
pub struct Usage {
    at: Instant,
    machine: Option<f64>,
    own: f64,
    server_pid: Option<u32>,
    server: Option<f64>,
    postgres: Option<f64>,
}

/// Average cores used over the stretch.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Used {
    pub seconds: f64,
    pub server_cores: Option<f64>,
    pub generator_cores: f64,
    /// PostgreSQL's processes on this machine, when there are any.
    pub postgres_cores: Option<f64>,
    /// Everything else (PostgreSQL included when it is counted above, it is not here).
    pub other_cores: Option<f64>,
}

impl Usage {
    pub fn start(server_pid: Option<u32>) -> Usage {
        Usage {
            at: Instant::now(),
            machine: procfs::machine_busy_seconds(),
            own: procfs::own_cpu_seconds(),
            server_pid,
            server: server_pid.and_then(procfs::cpu_seconds),
            postgres: procfs::named_cpu_seconds("postgres"),
        }
    }

    pub fn finish(&self) -> Used {
        let seconds = self.at.elapsed().as_secs_f64().max(1e-9);
        let generator = procfs::own_cpu_seconds() - self.own;
        let server = self
            .server
            .zip(self.server_pid.and_then(procfs::cpu_seconds))
            .map(|(b, a)| a - b);
        let machine = self
            .machine
            .zip(procfs::machine_busy_seconds())
            .map(|(b, a)| a - b);
        // Backends that exited in between are not counted: the server's pool keeps its own.
        let postgres = self
            .postgres
            .zip(procfs::named_cpu_seconds("postgres"))
            .map(|(b, a)| (a - b).max(0.0));
        let counted = generator + server.unwrap_or(0.0) + postgres.unwrap_or(0.0);
        let other = machine.map(|m| (m - counted).max(0.0) / seconds);
        Used {
            seconds,
            server_cores: server.map(|s| s / seconds),
            generator_cores: generator / seconds,
            postgres_cores: postgres.map(|p| p / seconds),
            other_cores: other,
        }
    }
}

impl Used {
    /// `server 0.85, generator 0.10, others 0.60 cores` (and PostgreSQL when it runs here).
    pub fn line(&self) -> String {
        let opt = |v: Option<f64>| v.map_or("?".into(), |v| format!("{v:.2}"));
        let postgres = self
            .postgres_cores
            .map_or(String::new(), |p| format!(", PostgreSQL {p:.2}"));
        format!(
            "cores: server {}, generator {:.2}{postgres}, others {}",
            opt(self.server_cores),
            self.generator_cores,
            opt(self.other_cores)
        )
    }
}

/// Reads the server's RSS every 50 ms (or as often as asked) and keeps the highest, until
/// stopped.
pub struct RssWatch {
    peak: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl RssWatch {
    pub fn start(pid: Option<u32>) -> RssWatch {
        Self::every(pid, Duration::from_millis(50))
    }

    /// Like `start`, reading every `interval` (short bursts need more than every 50 ms).
    pub fn every(pid: Option<u32>, interval: Duration) -> RssWatch {
        let peak = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (p, s) = (peak.clone(), stop.clone());
        tokio::spawn(async move {
            while !s.load(Relaxed) {
                if let Some(kib) = pid.and_then(crate::procfs::rss_kib) {
                    p.fetch_max(kib, Relaxed);
                }
                tokio::time::sleep(interval).await;
            }
        });
        RssWatch { peak, stop }
    }

    pub fn finish(self) -> u64 {
        self.stop.store(true, Relaxed);
        self.peak.load(Relaxed)
    }
}
