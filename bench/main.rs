//! The load generator: message throughput and latency over REST, and memory per idle socket.
//!
//! `cargo build --release && cargo run --release --example bench -- --clients 50 --messages 100 --sockets 1000`
//! starts the release `raasel` binary as a child process on a fresh data directory (or targets
//! `--url`), drives it, and prints the figures, with the server's own memory (VmRSS) when it is
//! the child. Numbers depend on the machine: report them with its description.

#[path = "../tests/api/socket.rs"]
mod socket;

use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::{Value, json};

#[derive(Parser)]
struct Args {
    /// A running server; without it, `--bin` is started with generous rate limits.
    #[arg(long)]
    url: Option<String>,
    /// The server binary to start (default: `raasel` beside this program's directory).
    #[arg(long)]
    bin: Option<std::path::PathBuf>,
    /// Concurrent customers, each with one conversation.
    #[arg(long, default_value_t = 50)]
    clients: usize,
    /// Messages each customer sends, one after the other.
    #[arg(long, default_value_t = 100)]
    messages: usize,
    /// Idle sockets to open for the memory measurement (0 skips it; stay below the open-file limit).
    #[arg(long, default_value_t = 1000)]
    sockets: usize,
}

struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Value {
        let mut req = self.http.post(format!("{}{path}", self.base)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.expect("request");
        let status = res.status();
        let body: Value = res.json().await.expect("json body");
        assert!(status.is_success(), "{path}: {status} {body}");
        body
    }
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Average messages per commit, from the server's own histogram.
async fn batch_average(api: &Api) -> Option<f64> {
    let text = api
        .http
        .get(format!("{}/metrics", api.base))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    let value = |name: &str| -> Option<f64> {
        text.lines()
            .find(|l| l.starts_with(name))?
            .split_whitespace()
            .last()?
            .parse()
            .ok()
    };
    Some(value("raasel_message_batch_size_sum")? / value("raasel_message_batch_size_count")?)
}

async fn setup(api: &Api, clients: usize) -> (String, Vec<(String, String)>) {
    let n = std::process::id();
    let signup = api
        .post("/api/organizations", None, json!({
            "name": "Bench", "domain": format!("bench-{n}.example.com"),
            "admin": { "name": "Admin", "email": format!("admin@bench-{n}.example.com"), "password": "bench password" }
        }))
        .await;
    let org = signup["organization"]["id"].as_str().unwrap().to_string();
    let mut sessions = vec![];
    for i in 0..clients {
        let visitor = api
            .post(
                "/api/widget/visitors",
                None,
                json!({ "organization_id": org, "name": format!("v{i}") }),
            )
            .await;
        let token = visitor["token"].as_str().unwrap().to_string();
        let session = api
            .post(
                "/api/sessions",
                Some(&token),
                json!({ "organization_id": org }),
            )
            .await;
        sessions.push((
            token,
            session["session"]["id"].as_str().unwrap().to_string(),
        ));
    }
    (signup["token"].as_str().unwrap().to_string(), sessions)
}

async fn message_load(api: &Api, sessions: &[(String, String)], per_client: usize) {
    let started = Instant::now();
    let tasks = sessions.iter().cloned().map(|(token, session)| {
        let (http, base) = (api.http.clone(), api.base.clone());
        tokio::spawn(async move {
            let api = Api { http, base };
            let mut latencies = Vec::with_capacity(per_client);
            for i in 0..per_client {
                let t = Instant::now();
                api.post(
                    &format!("/api/sessions/{session}/messages"),
                    Some(&token),
                    json!({ "content": format!("message {i}") }),
                )
                .await;
                latencies.push(t.elapsed());
            }
            latencies
        })
    });
    let mut all: Vec<Duration> = futures_util::future::join_all(tasks)
        .await
        .into_iter()
        .flat_map(|r| r.unwrap())
        .collect();
    let elapsed = started.elapsed();
    all.sort();
    println!(
        "messages: {} from {} concurrent senders in {:.2} s = {:.0} msg/s; latency p50 {:.1} ms, p99 {:.1} ms",
        all.len(),
        sessions.len(),
        elapsed.as_secs_f64(),
        all.len() as f64 / elapsed.as_secs_f64(),
        percentile(&all, 0.5).as_secs_f64() * 1e3,
        percentile(&all, 0.99).as_secs_f64() * 1e3,
    );
    if let Some(avg) = batch_average(api).await {
        println!("group commit: {avg:.1} messages per transaction on average");
    }
}

async fn socket_memory(api: &Api, token: &str, count: usize, server: Option<u32>) {
    let before = server.and_then(rss_kib);
    let mut sockets = Vec::with_capacity(count);
    for _ in 0..count {
        sockets.push(
            socket::SocketClient::connect(&api.base, Some(token))
                .await
                .expect("socket"),
        );
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    match (before, server.and_then(rss_kib)) {
        (Some(b), Some(a)) => println!(
            "sockets: {count} idle connections held; server memory +{:.1} MiB = {:.1} KiB per connection",
            (a.saturating_sub(b)) as f64 / 1024.0,
            (a.saturating_sub(b)) as f64 / count as f64
        ),
        _ => {
            println!("sockets: {count} idle connections held (measure the server's RSS externally)")
        }
    }
}

/// Starts the server binary on a free port with a fresh data directory.
async fn start_server(
    bin: std::path::PathBuf,
    data: &std::path::Path,
) -> (std::process::Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(&bin)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(data)
        .env("RAASEL_AUTH_RATE_PER_MINUTE", "1000000")
        .env("RAASEL_MESSAGE_RATE_PER_MINUTE", "1000000")
        .env("RUST_LOG", "warn")
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "starting {}: {e} (build it with cargo build --release)",
                bin.display()
            )
        });
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if reqwest::get(format!("{base}/health")).await.is_ok() {
            return (child, base);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("{} did not start", bin.display());
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let dir = tempfile::tempdir().expect("temp dir");
    let (base, mut child) = match &args.url {
        Some(url) => (url.trim_end_matches('/').to_string(), None),
        None => {
            let exe = std::env::current_exe().expect("own path");
            let bin = args
                .bin
                .clone()
                .unwrap_or_else(|| exe.parent().unwrap().parent().unwrap().join("raasel"));
            let (child, base) = start_server(bin, dir.path()).await;
            (base, Some(child))
        }
    };
    let pid = child.as_ref().map(|c| c.id());
    let api = Api {
        http: reqwest::Client::new(),
        base,
    };
    let rss_start = pid.and_then(rss_kib);
    let (admin_token, sessions) = setup(&api, args.clients).await;
    message_load(&api, &sessions, args.messages).await;
    if args.sockets > 0 {
        socket_memory(&api, &admin_token, args.sockets, pid).await;
    }
    if let (Some(start), Some(end)) = (rss_start, pid.and_then(rss_kib)) {
        println!(
            "server memory: {:.1} MiB after start-up, {:.1} MiB at the end",
            start as f64 / 1024.0,
            end as f64 / 1024.0
        );
    }
    if let Some(c) = child.as_mut() {
        let _ = c.kill();
        let _ = c.wait();
    }
}
