//! The real `raasel` binary as a child process, for what only a whole process shows: memory,
//! signals, logs, the data directory lock. Started with an explicit environment (never the
//! developer's own) on a free port.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::support::{wait_until, wait_until_some};

pub struct ServerProcess {
    pub child: Child,
    pub url: String,
    pub data_dir: PathBuf,
    /// The PostgreSQL schema it uses when the suite runs on PostgreSQL.
    pub database_url: Option<String>,
    logs: Arc<Mutex<String>>,
    _dir: Option<tempfile::TempDir>,
}

/// A free port for a server started as a child process (bound then released).
pub fn free_port() -> u16 {
    // Below the kernel's ephemeral range (32768 and up here), where every outgoing connection
    // of the other tests takes its port: a port picked there can be taken again before the
    // server binds it.
    use std::sync::atomic::{AtomicU16, Ordering};
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let start = 20_000 + (std::process::id() % 1000) as u16 * 10;
    loop {
        let port = start + NEXT.fetch_add(1, Ordering::Relaxed) % 2_000;
        if std::net::TcpListener::bind(("0.0.0.0", port)).is_ok() {
            return port;
        }
    }
}

/// `program` with a clean environment (only `PATH`): the one way tests start a child process.
pub fn command(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .kill_on_drop(true);
    cmd
}

/// The `raasel` binary with a clean environment (never the developer's own `RAASEL_*`).
pub fn raasel_command() -> Command {
    let mut cmd = command(env!("CARGO_BIN_EXE_raasel"));
    cmd.env("RUST_LOG", "info");
    cmd
}

/// Runs `raasel` with `args` to its end (an admin command, or a server that refuses to start);
/// its exit status and output.
pub async fn raasel_output<I, S>(args: I) -> std::process::Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    raasel_command()
        .args(args)
        .output()
        .await
        .expect("raasel runs")
}

impl ServerProcess {
    /// `raasel serve` on a fresh store (the suite's: a data directory, or a PostgreSQL schema)
    /// with generous rate limits plus `extra` flags; waits until `/health` answers.
    pub async fn start(extra: &[&str]) -> ServerProcess {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().join("data");
        let database_url = crate::support::fresh_database_url().await;
        let mut server = Self::start_on(&data_dir, database_url.as_deref(), extra).await;
        server._dir = Some(dir);
        server
    }

    /// Another server on the same store as this one.
    pub async fn start_again(&self, extra: &[&str]) -> ServerProcess {
        Self::start_on(&self.data_dir, self.database_url.as_deref(), extra).await
    }

    /// Like `start`, on a given store (kept by the caller).
    pub async fn start_on(
        data_dir: &Path,
        database_url: Option<&str>,
        extra: &[&str],
    ) -> ServerProcess {
        let mut server = Self::launch(data_dir, database_url, extra);
        let url = server.url.clone();
        let http = reqwest::Client::new();
        wait_until(
            "the server answers /health",
            Duration::from_secs(20),
            || {
                let (http, url) = (http.clone(), url.clone());
                async move { http.get(format!("{url}/health")).send().await.is_ok() }
            },
        )
        .await;
        server.assert_running();
        server
    }

    /// Starts the process without waiting for it.
    pub fn launch(data_dir: &Path, database_url: Option<&str>, extra: &[&str]) -> ServerProcess {
        let port = free_port();
        let listen = format!("127.0.0.1:{port}");
        let mut cmd = raasel_command();
        cmd.args(["serve", "--listen", &listen, "--data-dir"])
            .arg(data_dir)
            .args(["--auth-rate-per-minute", "100000"])
            .args(["--message-rate-per-minute", "100000"])
            .args(["--socket-events-per-second", "1000"])
            .args(extra)
            .args(
                database_url
                    .map(|u| ["--database-url", u])
                    .into_iter()
                    .flatten(),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("raasel starts");
        let logs = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = logs.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let mut logs = sink.lock().unwrap();
                logs.push_str(&line);
                logs.push('\n');
            }
        });
        ServerProcess {
            child,
            url: format!("http://{listen}"),
            data_dir: data_dir.to_path_buf(),
            database_url: database_url.map(String::from),
            logs,
            _dir: None,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id().expect("still running")
    }

    /// Everything the server logged so far.
    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    pub fn assert_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("raasel exited ({status}):\n{}", self.logs());
        }
    }

    /// Resident memory of the server process, in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS")
    }

    /// Sends a signal (e.g. `libc::SIGTERM`).
    pub fn signal(&self, signal: i32) {
        // SAFETY: kill only sends a signal to our own child.
        unsafe {
            libc::kill(self.pid() as i32, signal);
        }
    }

    /// Waits for the process to exit; panics after `within`.
    pub async fn exit_status(&mut self, within: Duration) -> std::process::ExitStatus {
        tokio::time::timeout(within, self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("raasel still running after {within:?}:\n{}", self.logs()))
            .unwrap()
    }

    /// Waits until a log line contains `needle`.
    pub async fn wait_for_log(&self, needle: &str) {
        self.wait_for_log_line(&[needle]).await;
    }

    /// Waits until one log line contains every one of `parts`; returns that line.
    pub async fn wait_for_log_line(&self, parts: &[&str]) -> String {
        wait_until_some(
            &format!("a log line has {parts:?}"),
            Duration::from_secs(10),
            || {
                let line = self
                    .logs
                    .lock()
                    .unwrap()
                    .lines()
                    .find(|l| parts.iter().all(|p| l.contains(p)))
                    .map(String::from);
                async move { line }
            },
        )
        .await
    }
}
