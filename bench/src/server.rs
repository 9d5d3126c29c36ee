//! The server under test: a `raasel serve` started on a fresh data directory with generous
//! limits and a clean environment, or an already running one given by `--url`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::api::Api;
use crate::cli::ServerOpts;

pub struct Server {
    pub base: String,
    pub addr: SocketAddr,
    pub pid: Option<u32>,
    child: Option<Child>,
    dir: Option<PathBuf>,
    keep_dir: bool,
    pub info: ServerInfo,
    /// From starting the process to its first successful `/ready` (a started server only).
    pub ready_after: Option<Duration>,
}

/// What the report says about the server.
#[derive(Clone, Debug, Serialize)]
pub struct ServerInfo {
    pub managed: bool,
    pub url: String,
    pub pid: Option<u32>,
    pub command: Vec<String>,
    pub store: String,
    /// The started server's PostgreSQL URL, without its password.
    pub database: Option<String>,
}

impl ServerInfo {
    /// Which store holds the data: `embedded sqlite`, or `postgresql` with its URL.
    pub fn store_key(&self) -> String {
        match &self.database {
            Some(url) => format!("{} {url}", self.store),
            None => self.store.clone(),
        }
    }
}

/// The `store_key` of the server `opts` start.
pub fn store_key(opts: &ServerOpts) -> String {
    match &opts.database_url {
        Some(url) => format!("{POSTGRESQL} {}", redact_url(url)),
        None => EMBEDDED.into(),
    }
}

const POSTGRESQL: &str = "postgresql";
const EMBEDDED: &str = "embedded sqlite";

/// What the server wrote to its log, for the report.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LogSummary {
    pub warnings: usize,
    pub errors: usize,
    pub first_problems: Vec<String>,
    pub first_error: Option<String>,
    pub exit: Option<String>,
}

/// Limits high enough that the tool measures the server, not its abuse protection (each can be
/// replaced with `--server-arg`); agents' tokens outlive the longest fill (the tool does not
/// renew them as the console does).
const GENEROUS: &[&str] = &[
    "--access-token-ttl=24h",
    "--auth-rate-per-minute=1000000",
    "--message-rate-per-minute=1000000",
    "--socket-events-per-second=100000",
    "--max-sockets-per-account=100000",
    "--max-connections=100000",
    "--password-hashes=2",
];

impl Server {
    pub async fn start(opts: &ServerOpts) -> Result<Server> {
        Self::start_in(opts, None).await
    }

    /// Like `start`, with the started server's data and log in `dir` (created when missing,
    /// kept afterwards) instead of a fresh temporary directory.
    pub async fn start_in(opts: &ServerOpts, dir: Option<&Path>) -> Result<Server> {
        match (&opts.url, dir) {
            (Some(_), Some(_)) => {
                bail!("a kept data directory needs a server the tool starts (no --url)")
            }
            (Some(url), None) => Self::external(url, opts.server_pid).await,
            (None, dir) => Self::spawn(opts, dir).await,
        }
    }

    async fn external(url: &str, pid: Option<u32>) -> Result<Server> {
        let base = url.trim_end_matches('/').to_string();
        let addr = resolve(&base)?;
        if !Api::new(&base).wait_healthy(Duration::from_secs(5)).await {
            bail!("{base}/health does not answer");
        }
        let info = ServerInfo {
            managed: false,
            url: base.clone(),
            pid,
            command: vec![],
            store: "as configured".into(),
            database: None,
        };
        Ok(Server {
            base,
            addr,
            pid,
            child: None,
            dir: None,
            keep_dir: false,
            info,
            ready_after: None,
        })
    }

    async fn spawn(opts: &ServerOpts, given: Option<&Path>) -> Result<Server> {
        let dir = match given {
            Some(d) => {
                std::fs::create_dir_all(d.join("data"))?;
                d.to_path_buf()
            }
            None => fresh_dir()?,
        };
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()?).parse()?;
        let args = serve_args(opts, addr, &dir);
        let log = std::fs::File::create(dir.join("server.log"))?;
        let started = std::time::Instant::now();
        let child = Command::new(&opts.server_bin)
            .args(&args)
            .env_clear()
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| {
                let bin = opts.server_bin.display();
                format!("starting {bin} (build it with cargo build --release)")
            })
            .inspect_err(|_| {
                if given.is_none() {
                    let _ = std::fs::remove_dir_all(&dir);
                }
            })?;
        let pid = child.id();
        let base = format!("http://{addr}");
        let mut command = vec![opts.server_bin.display().to_string()];
        command.extend(args.iter().map(|a| redact(a)));
        let store = match opts.database_url {
            Some(_) => POSTGRESQL,
            None => EMBEDDED,
        };
        let info = ServerInfo {
            managed: true,
            url: base.clone(),
            pid: Some(pid),
            command,
            store: store.into(),
            database: opts.database_url.as_deref().map(redact_url),
        };
        let mut server = Server {
            base: base.clone(),
            addr,
            pid: Some(pid),
            child: Some(child),
            dir: Some(dir),
            keep_dir: opts.keep_server_dir || given.is_some(),
            info,
            ready_after: None,
        };
        if !server.wait_started().await {
            let log = server.log_tail(20);
            server.stop().await;
            bail!("the server did not become ready; its log ends:\n{log}");
        }
        server.ready_after = Some(started.elapsed());
        Ok(server)
    }

    /// Waits up to 30 s for `/ready` to answer, asking every 2 ms (the time it took is a
    /// figure of the startup scenario), giving up early if the server exits.
    async fn wait_started(&mut self) -> bool {
        let api = Api::new(&self.base);
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while std::time::Instant::now() < deadline {
            if api.is_ready().await {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
            if let Some(child) = self.child.as_mut()
                && !matches!(child.try_wait(), Ok(None))
            {
                return false;
            }
        }
        false
    }

    pub fn cpu_seconds(&self) -> Option<f64> {
        self.pid.and_then(crate::procfs::cpu_seconds)
    }

    pub fn threads(&self) -> Vec<(u32, String, f64)> {
        self.pid.map(crate::procfs::thread_cpu).unwrap_or_default()
    }

    pub fn rss_kib(&self) -> Option<u64> {
        self.pid.and_then(crate::procfs::rss_kib)
    }

    /// The started server's anonymous resident memory in KiB (`RssAnon`).
    pub fn anon_rss_kib(&self) -> Option<u64> {
        self.pid.and_then(crate::procfs::anon_rss_kib)
    }

    /// Bytes in the started server's data directory (the embedded store).
    pub fn data_bytes(&self) -> Option<u64> {
        let dir = self.dir.as_ref()?.join("data");
        let entries = std::fs::read_dir(dir).ok()?;
        Some(
            entries
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum(),
        )
    }

    fn log_path(&self) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.join("server.log"))
    }

    fn log_tail(&self, lines: usize) -> String {
        let text = self
            .log_path()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// Stops a managed server (SIGTERM, then SIGKILL after 15 s) and summarises its log.
    pub async fn stop(&mut self) -> LogSummary {
        let mut summary = LogSummary::default();
        if let Some(mut child) = self.child.take() {
            summary.exit = Some(terminate(&mut child).await);
        }
        if let Some(path) = self.log_path() {
            summarise_log(&path, &mut summary);
        }
        if let Some(dir) = self.dir.take() {
            if self.keep_dir {
                eprintln!("server data and log kept in {}", dir.display());
            } else {
                let _ = std::fs::remove_dir_all(&dir);
            }
        }
        summary
    }
}

/// `serve` on `addr` with a data directory in `dir`, generous limits, the store and any extra
/// arguments.
fn serve_args(opts: &ServerOpts, addr: SocketAddr, dir: &Path) -> Vec<String> {
    let mut args: Vec<String> = vec!["serve".into(), format!("--listen={addr}")];
    args.push(format!("--data-dir={}", dir.join("data").display()));
    // A limit given with --server-arg replaces the generous one.
    let given = |flag: &str| {
        opts.server_arg
            .iter()
            .any(|a| a.split('=').next() == Some(flag))
    };
    args.extend(
        GENEROUS
            .iter()
            .filter(|g| !given(g.split('=').next().unwrap_or_default()))
            .map(|s| s.to_string()),
    );
    if let Some(db) = &opts.database_url {
        args.push(format!("--database-url={db}"));
    }
    args.extend(opts.server_arg.iter().cloned());
    args
}

async fn terminate(child: &mut Child) -> String {
    // SAFETY: signals the child this process started, by its id.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    for _ in 0..150 {
        if let Ok(Some(status)) = child.try_wait() {
            return status.to_string();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    "killed after 15 s without exiting on SIGTERM".into()
}

fn summarise_log(path: &Path, summary: &mut LogSummary) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    for line in text.lines() {
        let error = line.contains(" ERROR ") || line.contains("\"level\":\"ERROR\"");
        let warn = line.contains(" WARN ") || line.contains("\"level\":\"WARN\"");
        summary.errors += usize::from(error);
        summary.warnings += usize::from(warn);
        if (error || warn) && summary.first_problems.len() < 10 {
            summary
                .first_problems
                .push(line.chars().take(300).collect());
        }
        if error && summary.first_error.is_none() {
            summary.first_error = Some(line.chars().take(300).collect());
        }
    }
}

/// Hides the password of a database URL in what the report shows.
fn redact(arg: &str) -> String {
    match arg.strip_prefix("--database-url=") {
        Some(url) => format!("--database-url={}", redact_url(url)),
        None => arg.to_string(),
    }
}

/// A database URL without its user and password.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://…{}", &url[..s], &url[at..]),
        _ => url.to_string(),
    }
}

fn fresh_dir() -> Result<PathBuf> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_nanos();
    let dir = std::env::temp_dir().join(format!("raasel-bench-{}-{stamp}", std::process::id()));
    std::fs::create_dir_all(dir.join("data"))?;
    Ok(dir)
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// The socket address of `http://host:port`.
pub fn resolve(base: &str) -> Result<SocketAddr> {
    use std::net::ToSocketAddrs;
    let hostport = base
        .strip_prefix("http://")
        .context("--url must be http://host:port")?
        .split('/')
        .next()
        .unwrap_or_default();
    let with_port = if hostport.contains(':') {
        hostport.to_string()
    } else {
        format!("{hostport}:80")
    };
    with_port
        .to_socket_addrs()?
        .next()
        .context("resolving --url")
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
