//! Command line and environment. Every setting has a flag and a `RAASEL_*` (or conventional)
//! environment variable; `raasel serve --help` lists them.

use std::path::PathBuf;
use std::time::Duration;

use clap::builder::{BoolishValueParser, TypedValueParser};
use clap::{ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand};

/// What `raasel --version` prints after the name: the release and the commit it was built
/// from (`unknown` when built outside a git checkout; see build.rs).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("RAASEL_GIT_COMMIT"),
    ")"
);

#[derive(Debug, Parser)]
#[command(
    name = "raasel",
    version = VERSION,
    about = "Self-hosted, multi-tenant customer-support chat"
)]
pub struct Cli {
    /// Log line format on stderr: `text`, or `json` (one object per line).
    #[arg(
        long,
        global = true,
        env = "RAASEL_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    pub log_format: crate::telemetry::logs::LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once at start: the size of the serve variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (REST API, Socket.IO, web pages).
    Serve(ServeArgs),
    /// Apply database migrations and exit; with --status, list the applied and pending ones
    /// without applying any.
    Migrate(MigrateArgs),
    /// Copy the embedded store and its token secret into one file, while the server runs.
    Backup(BackupArgs),
    /// Restore a file made by `raasel backup` into an empty data directory.
    Restore(RestoreArgs),
    /// Create an organization with its first admin.
    CreateOrganization(CreateOrganizationArgs),
    /// Create an agent in an existing organization.
    CreateAgent(CreateAgentArgs),
    /// Move the installation from the embedded store to an empty PostgreSQL database.
    Move(MoveArgs),
    /// Copy the messages of a PostgreSQL installation into Cassandra (before running it with
    /// --cassandra-contact-points); the servers must be stopped.
    MoveMessages(StoreArgs),
}

#[derive(Debug, Clone, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// List every migration of the configured store as applied or pending, and apply none.
    #[arg(long)]
    pub status: bool,
}

#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The backup file to write (one SQLite file holding the store and the token secret).
    #[arg(long, value_name = "FILE")]
    pub to: PathBuf,
    /// Replace FILE when it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The backup file, made by `raasel backup`.
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,
    /// Restore into a data directory that is not empty, replacing its store and token secret
    /// (no server may be running on it).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Args)]
pub struct MoveArgs {
    /// The data directory of the embedded store to move (the server must be stopped).
    #[arg(long, value_name = "DATA_DIR")]
    pub from: PathBuf,
    /// The PostgreSQL URL to move to; its database must hold no organizations yet.
    #[arg(long, value_name = "DATABASE_URL")]
    pub to: String,
}

#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// Directory of the embedded store (SQLite) and the generated token secret.
    #[arg(long, env = "RAASEL_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// PostgreSQL URL (e.g. postgres://user:password@host/raasel); when set, everything is
    /// kept there instead of the embedded store, and several servers may share it.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Connections each server keeps to PostgreSQL.
    #[arg(long, env = "RAASEL_DATABASE_POOL_SIZE", default_value_t = 16)]
    pub database_pool_size: u32,
    /// Apache Cassandra nodes (host or host:port, comma separated): messages are kept there,
    /// everything else in PostgreSQL (needs --database-url).
    #[arg(long, env = "RAASEL_CASSANDRA_CONTACT_POINTS", value_delimiter = ',')]
    pub cassandra_contact_points: Vec<String>,
    /// The Cassandra keyspace of the messages.
    #[arg(long, env = "RAASEL_CASSANDRA_KEYSPACE", default_value = "raasel")]
    pub cassandra_keyspace: String,
    /// Replication of the keyspace when it is created: SimpleStrategy:<factor> (one data
    /// centre) or NetworkTopologyStrategy:<dc>=<factor>,…
    #[arg(
        long,
        env = "RAASEL_CASSANDRA_REPLICATION",
        default_value = "SimpleStrategy:1"
    )]
    pub cassandra_replication: crate::store::cassandra::Replication,
    /// Consistency of Cassandra reads and writes: quorum (a majority of all replicas) or
    /// local-quorum (a majority in this data centre).
    #[arg(long, env = "RAASEL_CASSANDRA_CONSISTENCY", default_value = "local-quorum",
        value_parser = clap::builder::PossibleValuesParser::new(["quorum", "local-quorum"])
            .map(|s| if s == "quorum" { scylla::statement::Consistency::Quorum } else { scylla::statement::Consistency::LocalQuorum }))]
    pub cassandra_consistency: scylla::statement::Consistency,
}

impl From<&StoreArgs> for crate::store::StoreConfig {
    fn from(a: &StoreArgs) -> Self {
        crate::store::StoreConfig {
            data_dir: a.data_dir.clone(),
            database_url: a.database_url.clone(),
            database_pool_size: a.database_pool_size,
            cassandra_contact_points: a.cassandra_contact_points.clone(),
            cassandra_keyspace: a.cassandra_keyspace.clone(),
            cassandra_replication: a.cassandra_replication.clone(),
            cassandra_consistency: a.cassandra_consistency,
        }
    }
}

impl From<StoreArgs> for crate::store::StoreConfig {
    fn from(a: StoreArgs) -> Self {
        (&a).into()
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Address to listen on: `host:port` (a name or an IP address) or a bare port (all
    /// interfaces).
    #[arg(long, env = "RAASEL_LISTEN", default_value = "0.0.0.0:8080", value_parser = parse_listen)]
    pub listen: String,
    /// Redis URL (e.g. redis://127.0.0.1:6379): cluster mode, for several servers on one
    /// PostgreSQL database; Redis carries fan-out between them, presence and rate limits.
    #[arg(long, env = "REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<String>,
    /// In cluster mode, the name the nodes of one installation share in Redis (a prefix of its
    /// keys and channels), so several installations can use one Redis.
    #[arg(long, env = "RAASEL_CLUSTER_NAME", default_value = "raasel")]
    pub cluster_name: String,
    /// In cluster mode, how long an agent stays online after their server stops renewing it
    /// (a server that died).
    #[arg(long, env = "RAASEL_PRESENCE_TTL", default_value = "15s", value_parser = humantime::parse_duration)]
    pub presence_ttl: Duration,
    /// Secret for signing tokens; generated and kept in the data directory when absent.
    #[arg(long, env = "RAASEL_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Token of the platform operator (lists and deletes organizations); unset disables it.
    #[arg(long, env = "RAASEL_OPERATOR_TOKEN", hide_env_values = true)]
    pub operator_token: Option<String>,
    /// Let the platform operator move the product's clock forward
    /// (`PUT /api/operator/clock`), for tests of what happens over time (business hours,
    /// waits). Never in production. (Environment: true/false, 1/0, yes/no, on/off.)
    #[arg(long, env = "RAASEL_MANUAL_CLOCK", action = ArgAction::SetTrue, value_parser = BoolishValueParser::new())]
    pub manual_clock: bool,
    /// Seed the demo organization `sample.com` and serve the demo page at `/demo`.
    /// (Environment: true/false, 1/0, yes/no, on/off.)
    #[arg(long, env = "RAASEL_DEMO", action = ArgAction::SetTrue, value_parser = BoolishValueParser::new())]
    pub demo: bool,
    /// PEM certificate chain for built-in TLS (with --tls-key).
    #[arg(long, env = "RAASEL_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for built-in TLS (with --tls-cert).
    #[arg(long, env = "RAASEL_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Reverse proxies whose `X-Forwarded-For` is believed, as addresses or CIDR ranges, comma
    /// separated (e.g. `127.0.0.1,10.0.0.0/8`). The client address is then the right-most
    /// forwarded address that is not one of these proxies. Empty: the peer address is used.
    #[arg(long, env = "RAASEL_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_network)]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Keep the visitor's IP address with what the widget reports at the start of a
    /// conversation (shown in the agents' customer panel). Off by default: no address is stored.
    /// (Environment: true/false, 1/0, yes/no, on/off.)
    #[arg(long, env = "RAASEL_RECORD_VISITOR_IP", action = ArgAction::SetTrue, value_parser = BoolishValueParser::new())]
    pub record_visitor_ip: bool,
    /// Origins allowed by CORS on the API, comma separated, each `scheme://host[:port]` (e.g.
    /// `https://shop.example`, `http://localhost:3000`); a trailing slash is dropped. `*` is
    /// not accepted (tokens would be usable from any site).
    #[arg(long, env = "RAASEL_CORS_ORIGINS", value_delimiter = ',', value_parser = parse_origin)]
    pub cors_origins: Vec<String>,
    /// Logins, signups and registrations allowed per minute per IP address and per account.
    #[arg(long, env = "RAASEL_AUTH_RATE_PER_MINUTE", default_value_t = 30)]
    pub auth_rate_per_minute: u32,
    /// Devices one agent may be signed in on at once; a sign-in beyond it signs the least
    /// recently used device out.
    #[arg(long, env = "RAASEL_DEVICES_PER_AGENT", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub devices_per_agent: u32,
    /// How long an agent's access token lives. The console renews it before then with its
    /// refresh cookie (`HttpOnly`), so a copied token is good for minutes only.
    #[arg(long, env = "RAASEL_ACCESS_TOKEN_TTL", default_value = "15m", value_parser = parse_token_ttl)]
    pub access_token_ttl: Duration,
    /// A device (an agent's sign-in) not refreshed for this long is signed out; each refresh
    /// extends it.
    #[arg(long, env = "RAASEL_SIGN_IN_TTL", default_value = "14d", value_parser = parse_token_ttl)]
    pub sign_in_ttl: Duration,
    /// How long a replaced refresh secret still renews the token (tabs of one browser
    /// refreshing at once). Presented later, it signs its device out: someone holds a copy.
    #[arg(long, env = "RAASEL_REFRESH_REUSE_GRACE", default_value = "30s", value_parser = humantime::parse_duration)]
    pub refresh_reuse_grace: Duration,
    /// Messages one sender may send per minute.
    #[arg(long, env = "RAASEL_MESSAGE_RATE_PER_MINUTE", default_value_t = 120)]
    pub message_rate_per_minute: u32,
    /// Socket events one connection may send per second (bursts of twice that are allowed).
    #[arg(long, env = "RAASEL_SOCKET_EVENTS_PER_SECOND", default_value_t = 20)]
    pub socket_events_per_second: u32,
    /// Seconds a typing indicator lasts without a new `typing_start`.
    #[arg(long, env = "RAASEL_TYPING_TTL_SECS", default_value_t = 6)]
    pub typing_ttl_secs: u64,
    /// SMTP server for e-mail to customers (replies they missed, transcripts, rating
    /// requests): `smtp://user:password@host:port` (add `?tls=required` for STARTTLS) or
    /// `smtps://user:password@host:port`. Without it nothing is e-mailed and the widget never
    /// promises an answer by e-mail.
    #[arg(
        long,
        env = "RAASEL_SMTP_URL",
        hide_env_values = true,
        requires = "smtp_from"
    )]
    pub smtp_url: Option<String>,
    /// The sender address of e-mail to customers (the organization's name is shown as the
    /// sender's name), e.g. `support@chat.example.com`.
    #[arg(long, env = "RAASEL_SMTP_FROM", requires = "smtp_url")]
    pub smtp_from: Option<String>,
    /// The address customers reach this server at, for links in e-mails (e.g.
    /// `https://chat.example.com`). Default: `http://` and `--listen`.
    #[arg(long, env = "RAASEL_PUBLIC_URL", value_parser = parse_origin)]
    pub public_url: Option<String>,
    /// Let webhooks reach loopback, private and link-local addresses (receivers inside this
    /// installation's own network, or tests). Off: such addresses are refused when an endpoint
    /// is saved and again when connecting.
    #[arg(long, env = "RAASEL_WEBHOOK_ALLOW_PRIVATE", action = ArgAction::SetTrue, value_parser = BoolishValueParser::new())]
    pub webhook_allow_private: bool,
    /// Let single sign-on reach identity providers on loopback, private and link-local
    /// addresses, and over plain `http://` (a provider inside this installation's own network,
    /// or tests). Off: issuers must be `https://` addresses on the public internet.
    #[arg(long, env = "RAASEL_SSO_ALLOW_PRIVATE", action = ArgAction::SetTrue, value_parser = BoolishValueParser::new())]
    pub sso_allow_private: bool,
    /// Single sign-ons started and not yet finished that the installation keeps at once (each
    /// is forgotten after 10 minutes); past it, starting one is refused with `sso_busy` until
    /// some finish or expire.
    #[arg(long, env = "RAASEL_SSO_PENDING_SIGN_INS", default_value_t = 10_000,
        value_parser = clap::value_parser!(u32).range(1..))]
    pub sso_pending_sign_ins: u32,
    /// Serve the web pages (customer app, console, widget) from this directory instead of the
    /// copy built into the binary; for front-end development (`web/dist`).
    #[arg(long, env = "RAASEL_WEB_DIR")]
    pub web_dir: Option<PathBuf>,
    /// Require `Authorization: Bearer <token>` on `/metrics`.
    #[arg(long, env = "RAASEL_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Serve `/metrics` on this address (`host:port` or a port) instead of the main one, e.g. a
    /// port reachable only from the monitoring network.
    #[arg(long, env = "RAASEL_METRICS_LISTEN", value_parser = parse_listen)]
    pub metrics_listen: Option<String>,
    /// Who may create organizations through the API: `open` (anyone), `operator` (only with
    /// the operator token), `closed` (nobody; `raasel create-organization` still works).
    #[arg(long, env = "RAASEL_SIGNUPS", default_value = "open",
        value_parser = clap::builder::PossibleValuesParser::new(["open", "operator", "closed"])
            .map(|s| s.parse::<crate::domain::permissions::Signups>().expect("listed values parse")))]
    pub signups: crate::domain::permissions::Signups,
    /// Password hashes computed at once (each takes ~19 MiB for a moment); more wait their
    /// turn. Default: the number of CPUs.
    #[arg(long, env = "RAASEL_PASSWORD_HASHES", default_value_t = default_hashes())]
    pub password_hashes: usize,
    #[command(flatten)]
    pub files: FileArgs,
    #[command(flatten)]
    pub connections: ConnectionArgs,
    #[command(flatten)]
    pub sockets: SocketArgs,
    /// On SIGTERM/SIGINT, keep serving this long with `/ready` answering 503, so a load
    /// balancer stops sending new clients before the listener closes.
    #[arg(long, env = "RAASEL_SHUTDOWN_DELAY", default_value = "0s", value_parser = humantime::parse_duration)]
    pub shutdown_delay: Duration,
    /// Longest wait for requests in flight to be answered during shutdown.
    #[arg(long, env = "RAASEL_SHUTDOWN_GRACE", default_value = "10s", value_parser = humantime::parse_duration)]
    pub shutdown_grace: Duration,
}

/// Where files in conversations are kept, and the bounds on them.
#[derive(Debug, Clone, Args)]
pub struct FileArgs {
    /// S3-compatible object storage for files: `s3://bucket` (AWS) or
    /// `http(s)://host:port/bucket` (any S3-compatible server). Required in cluster mode, so
    /// every node serves every file. Without it, files are kept in the data directory.
    #[arg(long, env = "RAASEL_OBJECT_STORE_URL")]
    pub object_store_url: Option<String>,
    /// The object storage's region.
    #[arg(long, env = "RAASEL_OBJECT_STORE_REGION", default_value = "us-east-1")]
    pub object_store_region: String,
    /// The object storage's access key id.
    #[arg(long, env = "RAASEL_OBJECT_STORE_ACCESS_KEY", hide_env_values = true)]
    pub object_store_access_key: Option<String>,
    /// The object storage's secret access key.
    #[arg(long, env = "RAASEL_OBJECT_STORE_SECRET_KEY", hide_env_values = true)]
    pub object_store_secret_key: Option<String>,
    /// Largest file accepted, in bytes; organizations may choose less.
    #[arg(long, env = "RAASEL_MAX_FILE_BYTES", default_value_t = crate::domain::attachments::DEFAULT_MAX_FILE_BYTES)]
    pub max_file_bytes: u64,
    /// Bytes of files one organization may keep (0: no limit).
    #[arg(long, env = "RAASEL_ORG_STORAGE_QUOTA", default_value_t = 1024 * 1024 * 1024)]
    pub org_storage_quota: u64,
    /// Uploads one account may have running at once.
    #[arg(long, env = "RAASEL_UPLOADS_PER_ACCOUNT", default_value_t = 3)]
    pub uploads_per_account: usize,
    /// Uploads this server receives at once; more are refused with 429.
    #[arg(long, env = "RAASEL_UPLOADS_AT_ONCE", default_value_t = 64)]
    pub uploads_at_once: usize,
    /// Longest an upload may take from its headers to its last byte.
    #[arg(long, env = "RAASEL_UPLOAD_TIMEOUT", default_value = "120s", value_parser = humantime::parse_duration)]
    pub upload_timeout: Duration,
}

/// Bounds on connections: how many, and how long a client may take.
#[derive(Debug, Clone, Args)]
pub struct ConnectionArgs {
    /// Connections served at once (HTTP and WebSocket); more are refused with 503. Lowered
    /// automatically to fit the process's file descriptor limit.
    #[arg(long, env = "RAASEL_MAX_CONNECTIONS", default_value_t = 10_000)]
    pub max_connections: usize,
    /// Time a client has to send a request's headers; also the longest an idle kept-alive
    /// connection stays open, and the time a new socket has to send its Socket.IO CONNECT
    /// (e.g. `10s`, `500ms`).
    #[arg(long, env = "RAASEL_HEADER_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub header_timeout: Duration,
    /// Time a client has to send a request's whole body, however it trickles in.
    #[arg(long, env = "RAASEL_BODY_TIMEOUT", default_value = "30s", value_parser = humantime::parse_duration)]
    pub body_timeout: Duration,
    /// A connection whose client accepts no data for this long is closed (a client that
    /// stopped reading).
    #[arg(long, env = "RAASEL_WRITE_TIMEOUT", default_value = "20s", value_parser = humantime::parse_duration)]
    pub write_timeout: Duration,
}

fn default_hashes() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Bounds on Socket.IO connections.
#[derive(Debug, Clone, Args)]
pub struct SocketArgs {
    /// Sockets one account (agent, customer or visitor) may have open at once.
    #[arg(long, env = "RAASEL_MAX_SOCKETS_PER_ACCOUNT", default_value_t = 20)]
    pub max_sockets_per_account: usize,
    /// Packets waiting to be sent to one socket; a socket whose queue is full has stopped
    /// reading and is dropped. With the 64 KiB event limit this bounds what one socket pins.
    #[arg(
        long = "socket-buffer",
        env = "RAASEL_SOCKET_BUFFER",
        default_value_t = 128
    )]
    pub buffer: usize,
    /// How often the server pings each socket.
    #[arg(long = "socket-ping-interval", env = "RAASEL_SOCKET_PING_INTERVAL", default_value = "25s", value_parser = humantime::parse_duration)]
    pub ping_interval: Duration,
    /// How long a socket has to answer a ping before it is closed.
    #[arg(long = "socket-ping-timeout", env = "RAASEL_SOCKET_PING_TIMEOUT", default_value = "20s", value_parser = humantime::parse_duration)]
    pub ping_timeout: Duration,
}

/// An address (a single-host network) or a CIDR range.
fn parse_network(s: &str) -> Result<ipnet::IpNet, String> {
    let s = s.trim();
    s.parse::<ipnet::IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("{s:?} is not an IP address or CIDR range (e.g. 10.0.0.0/8)"))
}

/// A browser origin, normalised: lower-case scheme and host, no trailing slash, no path.
fn parse_origin(s: &str) -> Result<String, String> {
    let s = s.trim().trim_end_matches('/');
    let invalid = || {
        format!("{s:?} is not an origin: expected scheme://host[:port], e.g. https://shop.example")
    };
    let (scheme, rest) = s.split_once("://").ok_or_else(invalid)?;
    let scheme = scheme.to_ascii_lowercase();
    let valid_host = !rest.is_empty()
        && !rest.contains(['/', '?', '#', '@', '*', ' '])
        && rest
            .rsplit_once(':')
            .is_none_or(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok());
    if !matches!(scheme.as_str(), "http" | "https") || !valid_host {
        return Err(invalid());
    }
    Ok(format!("{scheme}://{}", rest.to_ascii_lowercase()))
}

/// `host:port`, or a bare port meaning every interface.
fn parse_listen(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.parse::<u16>().is_ok() {
        return Ok(format!("0.0.0.0:{s}"));
    }
    match s.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => Ok(s.to_string()),
        _ => Err("expected host:port (e.g. 0.0.0.0:8080, localhost:9000) or a port (9000)".into()),
    }
}

impl ServeArgs {
    /// The settings a test server uses: loopback, port 0, everything else default. The
    /// environment is not read, so a developer's own `RAASEL_*` settings cannot leak in.
    pub fn for_data_dir(data_dir: PathBuf) -> Self {
        let command = Cli::command()
            .mut_subcommand("serve", |serve| serve.mut_args(|arg| arg.env(None::<&str>)));
        let matches = command
            .try_get_matches_from(["raasel", "serve", "--listen", "127.0.0.1:0"])
            .expect("default settings parse");
        let Command::Serve(mut serve) = Cli::from_arg_matches(&matches)
            .expect("default settings")
            .command
        else {
            unreachable!()
        };
        serve.store.data_dir = data_dir;
        serve
    }
}

#[derive(Debug, Clone, Args)]
pub struct CreateOrganizationArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub domain: String,
    #[arg(long)]
    pub admin_name: String,
    #[arg(long)]
    pub admin_email: String,
    /// The admin's password (or set RAASEL_ADMIN_PASSWORD).
    #[arg(long, env = "RAASEL_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: String,
}

#[derive(Debug, Clone, Args)]
pub struct CreateAgentArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Domain of the organization.
    #[arg(long)]
    pub domain: String,
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub email: String,
    /// The agent's password (or set RAASEL_AGENT_PASSWORD).
    #[arg(long, env = "RAASEL_AGENT_PASSWORD", hide_env_values = true)]
    pub password: String,
    /// agent, supervisor or admin.
    #[arg(long, default_value = "agent")]
    pub role: String,
}

/// A token lifetime: at least a second, at most a year.
fn parse_token_ttl(s: &str) -> Result<Duration, String> {
    let ttl = humantime::parse_duration(s).map_err(|e| e.to_string())?;
    match ttl.as_secs() {
        1..=31_536_000 => Ok(ttl),
        _ => Err("must be between 1s and 365d".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_validated_and_normalised() {
        assert_eq!(
            parse_origin("https://Shop.example/").unwrap(),
            "https://shop.example"
        );
        assert_eq!(
            parse_origin(" http://localhost:3000 ").unwrap(),
            "http://localhost:3000"
        );
        for bad in [
            "*",
            "shop.example",
            "https://shop.example/path",
            "ftp://x",
            "https://",
            "https://a:b",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn listen_takes_a_port_or_host_and_port() {
        assert_eq!(parse_listen("9000").unwrap(), "0.0.0.0:9000");
        assert_eq!(parse_listen("localhost:9000").unwrap(), "localhost:9000");
        assert_eq!(parse_listen("[::1]:9000").unwrap(), "[::1]:9000");
        assert!(parse_listen("localhost").is_err());
        assert!(parse_listen(":9000").is_err());
    }

    #[test]
    fn proxies_are_addresses_or_ranges() {
        assert!(
            parse_network("10.0.0.0/8")
                .unwrap()
                .contains(&"10.2.3.4".parse::<std::net::IpAddr>().unwrap())
        );
        assert_eq!(parse_network("127.0.0.1").unwrap().prefix_len(), 32);
        assert!(parse_network("proxy.local").is_err());
    }
}
