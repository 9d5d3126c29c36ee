//! Command line: the scenarios, their parameters, and the options every scenario shares.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use serde::Serialize;

#[derive(Debug, Parser)]
#[command(
    name = "raasel-bench",
    about = "Load generator for Raasel over its public REST API and Socket.IO protocol"
)]
pub struct Cli {
    #[command(flatten)]
    pub server: ServerOpts,
    /// Where to write the JSON report (default: target/raasel-bench/<scenario>-<time>.json).
    #[arg(long, global = true)]
    pub out: Option<PathBuf>,
    #[command(subcommand)]
    pub scenario: Scenario,
}

#[derive(Debug, Clone, Args)]
pub struct ServerOpts {
    /// The server binary to start on a fresh data directory.
    #[arg(long, global = true, default_value = "target/release/raasel")]
    pub server_bin: PathBuf,
    /// Target this running server instead of starting one (e.g. http://127.0.0.1:8080).
    #[arg(long, global = true)]
    pub url: Option<String>,
    /// Process id of the `--url` server, for its CPU time and memory from /proc.
    #[arg(long, global = true, requires = "url")]
    pub server_pid: Option<u32>,
    /// PostgreSQL store for the started server (passed as its --database-url).
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// One more argument for the started server, e.g. `--server-arg=--socket-buffer=1024`.
    #[arg(long, global = true, allow_hyphen_values = true)]
    pub server_arg: Vec<String>,
    /// Keep the started server's data directory and log instead of deleting them.
    #[arg(long, global = true)]
    pub keep_server_dir: bool,
}

#[derive(Debug, Subcommand)]
pub enum Scenario {
    /// Customers sending at a fixed total rate into conversations answered by agents.
    Messages(MessagesArgs),
    /// Idle authenticated sockets: server memory per connection, connect rate.
    Connections(ConnectionsArgs),
    /// A burst of logins: latency, and server memory during and after.
    Logins(LoginsArgs),
    /// History reads on a store filled with many messages.
    History(HistoryArgs),
    /// Requests per second at a latency bound for login and conversation lists.
    Http(HttpArgs),
    /// Full-text search of one organization's messages on a store seeded with many.
    Search(SearchArgs),
    /// The server started repeatedly: time to ready, memory when ready and when idle.
    Startup(StartupArgs),
    /// File uploads: throughput, latency, and server memory with large and small files.
    Uploads(UploadsArgs),
    /// The reports API over many conversations seeded through the server.
    Reports(ReportsArgs),
    /// Every scenario with tiny numbers; fails when a correctness check fails.
    Smoke,
    /// Internal: one generator process of a multi-process scenario.
    #[command(hide = true)]
    Worker(WorkerArgs),
}

#[derive(Debug, Clone, Args, Serialize)]
pub struct MessagesArgs {
    /// Messages per second from all customers together.
    #[arg(long, default_value_t = 1000.0)]
    pub rate: f64,
    /// Seconds measured (after the warm-up).
    #[arg(long, default_value_t = 20.0)]
    pub duration: f64,
    /// Seconds of sending at the same rate before measuring.
    #[arg(long, default_value_t = 2.0)]
    pub warmup: f64,
    /// Organizations.
    #[arg(long, default_value_t = 4)]
    pub orgs: usize,
    /// Agents in each organization (the admin included), one socket each.
    #[arg(long, default_value_t = 5)]
    pub agents_per_org: usize,
    /// Conversations, one customer (website visitor) with one socket each.
    #[arg(long, default_value_t = 200)]
    pub conversations: usize,
    /// Message size in bytes.
    #[arg(long, default_value_t = 100)]
    pub size: usize,
    /// Generator processes.
    #[arg(long, default_value_t = 1)]
    pub processes: usize,
    /// Longest wait for acknowledgements and deliveries after the last send, in seconds.
    #[arg(long, default_value_t = 30.0)]
    pub drain: f64,
    /// Another node of the same installation (http://host:port), repeatable: the sockets are
    /// spread over the server and these in turn (set-up and checks use the server).
    #[arg(long = "node")]
    pub nodes: Vec<String>,
}

#[derive(Debug, Clone, Args, Serialize)]
pub struct ConnectionsArgs {
    /// Sockets to open and hold.
    #[arg(long, default_value_t = 5000)]
    pub sockets: usize,
    /// Sockets per account (each account is a website visitor).
    #[arg(long, default_value_t = 1)]
    pub per_account: usize,
    /// Generator processes (at least one per 15,000 sockets).
    #[arg(long, default_value_t = 1)]
    pub processes: usize,
    /// Steps in which the sockets are opened; the server's memory is read after each.
    #[arg(long, default_value_t = 10)]
    pub steps: usize,
    /// Connection attempts under way at once in each process.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Seconds to hold every socket open before checking they are all still connected.
    #[arg(long, default_value_t = 5.0)]
    pub hold: f64,
    /// Local addresses 127.0.0.1 … 127.0.0.N to connect from.
    #[arg(long, default_value_t = 4)]
    pub local_addresses: u8,
}

#[derive(Debug, Clone, Args, Serialize)]
pub struct StartupArgs {
    /// Starts, each on a fresh data directory.
    #[arg(long, default_value_t = 10)]
    pub runs: usize,
    /// Seconds the server sits idle before its memory is read again.
    #[arg(long, default_value_t = 3.0)]
    pub idle: f64,
}

#[derive(Debug, Clone, Args, Serialize)]
pub struct LoginsArgs {
    /// Logins in the burst.
    #[arg(long, default_value_t = 1000)]
    pub count: usize,
    /// Customer accounts the logins are spread over.
    #[arg(long, default_value_t = 20)]
    pub accounts: usize,
    /// Logins under way at once (default: all of them).
    #[arg(long)]
    pub concurrency: Option<usize>,
    /// Seconds to keep reading the server's memory after the burst.
    #[arg(long, default_value_t = 10.0)]
    pub after: f64,
}

#[derive(Debug, Clone, Args, Serialize)]
pub struct HistoryArgs {
    /// Messages to fill the store with.
    #[arg(long, default_value_t = 1_000_000)]
    pub fill_messages: usize,
    /// Conversations they are spread over.
    #[arg(long, default_value_t = 10_000)]
    pub fill_conversations: usize,
    /// Organizations the conversations are spread over.
    #[arg(long, default_value_t = 100)]
    pub fill_orgs: usize,
    /// Customers sending the fill, one socket each.
    #[arg(long, default_value_t = 100)]
    pub fill_senders: usize,
    /// Messages awaiting their acknowledgement on each sender's socket.
    #[arg(long, default_value_t = 32)]
    pub fill_window: usize,
    /// History requests of each kind (latest page, middle page).
    #[arg(long, default_value_t = 2000)]
    pub requests: usize,
    /// Requests under way at once.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
}

#[derive(Debug, Clone, Args, Serialize)]
pub struct HttpArgs {
    /// A rate passes while its p99 latency stays within this bound (milliseconds).
    #[arg(long, default_value_t = 100.0)]
    pub p99_bound_ms: f64,
    /// Seconds per rate step.
    #[arg(long, default_value_t = 5.0)]
    pub step: f64,
    /// Each step offers this factor more than the previous one.
    #[arg(long, default_value_t = 1.5)]
    pub factor: f64,
    /// Most steps per endpoint.
    #[arg(long, default_value_t = 16)]
    pub max_steps: usize,
    /// First rate for logins (per second).
    #[arg(long, default_value_t = 5.0)]
    pub login_start: f64,
    /// First rate for conversation lists (per second).
    #[arg(long, default_value_t = 50.0)]
    pub list_start: f64,
    /// Conversations in each list.
    #[arg(long, default_value_t = 20)]
    pub list_size: usize,
}

#[derive(Debug, Clone, Args, Serialize)]
pub struct SearchArgs {
    /// Messages to seed the organization with.
    #[arg(long, default_value_t = 1_000_000)]
    pub messages: usize,
    /// Conversations they are spread over (message i goes to conversation i mod this).
    #[arg(long, default_value_t = 10_000)]
    pub conversations: usize,
    /// Agents of the organization that search: even ones supervisors (they see every
    /// conversation), odd ones plain agents (each sees the conversations assigned to it, which
    /// are all of them in turn).
    #[arg(long, default_value_t = 20)]
    pub searchers: usize,
    /// Customers (website visitors) sending the seed, one socket each.
    #[arg(long, default_value_t = 100)]
    pub senders: usize,
    /// Messages awaiting their acknowledgement on each sender's socket while seeding.
    #[arg(long, default_value_t = 32)]
    pub window: usize,
    /// Seed of the text generator.
    #[arg(long, default_value_t = 1)]
    pub text_seed: u64,
    /// Keep the seeded server data here and reuse it in later runs with the same seed
    /// parameters (created when missing; the PostgreSQL data stays in its database).
    #[arg(long)]
    pub seed_dir: Option<PathBuf>,
    /// Searches per second from all searchers together (each agent may search 120 times a
    /// minute, so at most 2 per searcher).
    #[arg(long, default_value_t = 20.0)]
    pub rate: f64,
    /// Seconds measured (after the warm-up).
    #[arg(long, default_value_t = 60.0)]
    pub duration: f64,
    /// Seconds of searching at the same rate before measuring.
    #[arg(long, default_value_t = 5.0)]
    pub warmup: f64,
}

#[derive(Debug, Clone, Args, Serialize)]
pub struct UploadsArgs {
    /// Size of each file of the throughput run, in MiB (fractions allowed: 0.25 is 256 KiB).
    #[arg(long, default_value_t = 10.0)]
    pub size_mib: f64,
    /// Uploads in the throughput run.
    #[arg(long, default_value_t = 200)]
    pub uploads: usize,
    /// Uploaders of the throughput run, each a website visitor with its own conversation,
    /// uploading one file after another.
    #[arg(long, default_value_t = 50)]
    pub concurrency: usize,
    /// Uploads started at once in each memory run (one per visitor).
    #[arg(long, default_value_t = 50)]
    pub memory_uploads: usize,
    /// Size of the files of the first memory run, in MiB.
    #[arg(long, default_value_t = 1.0)]
    pub memory_small_mib: f64,
    /// Size of the files of the second memory run, in MiB.
    #[arg(long, default_value_t = 10.0)]
    pub memory_large_mib: f64,
    /// Seconds after each memory run before the server's memory is read again.
    #[arg(long, default_value_t = 2.0)]
    pub settle: f64,
    /// Uploads downloaded back and compared byte for byte with what was sent.
    #[arg(long, default_value_t = 20)]
    pub verify: usize,
}

#[derive(Debug, Clone, Args, Serialize)]
pub struct ReportsArgs {
    /// Conversations to seed, each opened by its own website visitor with a first message.
    #[arg(long, default_value_t = 100_000)]
    pub conversations: usize,
    /// Plain agents answering them (split over the teams).
    #[arg(long, default_value_t = 8)]
    pub agents: usize,
    /// Teams the conversations are opened to, in turn.
    #[arg(long, default_value_t = 2)]
    pub teams: usize,
    /// Percent of the conversations an agent answers (taking it).
    #[arg(long, default_value_t = 90)]
    pub answered_percent: u32,
    /// The last this many answered conversations stay open with their agents; every other
    /// answered one is closed by its agent.
    #[arg(long, default_value_t = 100)]
    pub still_open: usize,
    /// Leave the unanswered conversations waiting in the queue instead of having their
    /// customers close them (the queue then grows with the seed).
    #[arg(long)]
    pub keep_waiting: bool,
    /// Conversations being seeded at once (REST calls over kept-alive connections).
    #[arg(long, default_value_t = 64)]
    pub seed_concurrency: usize,
    /// Timed requests of each kind (whole range, one agent, one team, 366 days, CSV).
    #[arg(long, default_value_t = 50)]
    pub requests: usize,
    /// Report requests under way at once.
    #[arg(long, default_value_t = 1)]
    pub concurrency: usize,
}

#[derive(Debug, Clone, Args)]
pub struct WorkerArgs {
    /// The plan written by the parent process.
    #[arg(long)]
    pub plan: PathBuf,
    /// This worker's number, from 0.
    #[arg(long)]
    pub index: usize,
    /// How many workers share the work.
    #[arg(long)]
    pub count: usize,
}
