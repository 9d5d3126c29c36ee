//! Who used the machine's CPU over a stretch of a run: the server, this generator process, and
//! every other process (a shared machine has some), in cores.

use std::time::Instant;

use serde::Serialize;

use crate::procfs;

/// Readings at the start of a stretch.
pub struct Usage {
    at: Instant,
    machine: Option<f64>,
    own: f64,
    server_pid: Option<u32>,
    server: Option<f64>,
}

/// Average cores used over the stretch.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Used {
    pub seconds: f64,
    pub server_cores: Option<f64>,
    pub generator_cores: f64,
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
        let other = machine.map(|m| (m - generator - server.unwrap_or(0.0)).max(0.0) / seconds);
        Used {
            seconds,
            server_cores: server.map(|s| s / seconds),
            generator_cores: generator / seconds,
            other_cores: other,
        }
    }
}

impl Used {
    /// `server 0.85, generator 0.10, others 0.60 cores`.
    pub fn line(&self) -> String {
        let opt = |v: Option<f64>| v.map_or("?".into(), |v| format!("{v:.2}"));
        format!(
            "cores: server {}, generator {:.2}, others {}",
            opt(self.server_cores),
            self.generator_cores,
            opt(self.other_cores)
        )
    }
}
