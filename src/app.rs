//! Builds the application from configuration (store, presence, fan-out, router, socket layer)
//! and runs it until shutdown.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use axum::Router;
use socketioxide::SocketIo;
use socketioxide::adapter::Adapter;
use socketioxide_core::adapter::DefinedAdapter;
use socketioxide_redis::{CustomRedisAdapter, RedisAdapterConfig, RedisAdapterCtr};
use tokio::net::TcpListener;

use crate::auth::Tokens;
use crate::chat::Chat;
use crate::chat::typing::Typing;
use crate::cluster::{Cluster, PubSub, RedisPresence, SharedRate};
use crate::config::{ServeArgs, StoreArgs};
use crate::limits::Limits;
use crate::presence::{LocalPresence, Presence};
use crate::realtime::{self, AdapterReady, SocketFanout, Sockets};
use crate::state::{App, AppState};
use crate::store::Stores;
use crate::store::sqlite::DataDirLock;
use crate::{demo, http, server, tls};

/// Takes the embedded store's data directory for this server.
fn lock_data_dir(args: &StoreArgs) -> anyhow::Result<Option<DataDirLock>> {
    if args.database_url.is_some() {
        return Ok(None);
    }
    crate::store::sqlite::create_private_dir(&args.data_dir)
        .with_context(|| format!("creating data directory {}", args.data_dir.display()))?;
    DataDirLock::acquire(&args.data_dir).map(Some)
}

/// The configured token secret, or one generated once and kept where every node finds it: the
/// data directory of the embedded store, or the PostgreSQL database.
async fn token_secret(config: &ServeArgs, stores: &Stores) -> anyhow::Result<Vec<u8>> {
    if let Some(s) = config.jwt_secret.as_deref().filter(|s| !s.is_empty()) {
        return Ok(s.as_bytes().to_vec());
    }
    if let Some(shared) = &stores.shared {
        let fresh = hex::encode(rand::random::<[u8; 32]>());
        let secret = shared
            .shared_value("token_secret", &fresh)
            .await
            .context("the shared token secret")?;
        return Ok(secret.into_bytes());
    }
    let path = config.store.data_dir.join("jwt-secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        return Ok(existing.trim().as_bytes().to_vec());
    }
    let secret = hex::encode(rand::random::<[u8; 32]>());
    write_private(&path, &secret).with_context(|| format!("writing {}", path.display()))?;
    Ok(secret.into_bytes())
}

fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(content.as_bytes())
}

/// Initial WebSocket read buffer per socket; chat events are a few hundred bytes.
const WS_READ_BUFFER: usize = 1024;

/// The Socket.IO settings every adapter shares.
fn socket_io(config: &ServeArgs) -> socketioxide::SocketIoBuilder {
    let sockets = &config.sockets;
    SocketIo::builder()
        .max_payload(http::MAX_BODY_BYTES as u64)
        .max_buffer_size(sockets.buffer)
        // Read in small steps: the buffer stays allocated for every idle socket and grows
        // for a larger frame when one comes.
        .ws_read_buffer_size(WS_READ_BUFFER)
        .ping_interval(sockets.ping_interval)
        .ping_timeout(sockets.ping_timeout)
        // A new connection must say which namespace it joins as promptly as it must send its
        // headers: one that upgrades and then stalls is closed like a slow request.
        .connect_timeout(config.connections.header_timeout)
}

/// What differs between one node and a cluster of them.
struct Mode {
    presence: Arc<dyn Presence>,
    limits: Limits,
    cluster: Option<Cluster>,
    mail: Option<Arc<crate::mail::Mailer>>,
    files: Arc<crate::files::Files>,
}

/// Builds the router (REST, Socket.IO) and the shared state. The one place that decides one
/// node (in-process adapter, presence and limits) or a cluster (Redis for all three).
pub async fn build(config: ServeArgs) -> anyhow::Result<(Router, App, Arc<dyn Sockets>)> {
    let lock = lock_data_dir(&config.store)?;
    let stores = crate::store::open(&config.store).await?;
    stores
        .store
        .ping()
        .await
        .context("the store does not accept writes")?;
    let secret = token_secret(&config, &stores).await?;
    let tokens = Tokens::new(&secret);
    let mail = mailer(&config, &secret)?;
    let files = files(&config, &secret)?;
    let (auth_rate, message_rate) = (config.auth_rate_per_minute, config.message_rate_per_minute);
    let Some(url) = config.redis_url.clone() else {
        let (layer, io) = socket_io(&config).build_layer();
        let mode = Mode {
            presence: Arc::new(LocalPresence::default()),
            limits: Limits::new(auth_rate, message_rate),
            cluster: None,
            mail,
            files,
        };
        return assemble(config, stores, tokens, lock, mode, layer, io).await;
    };
    if stores.shared.is_none() {
        bail!("--redis-url makes a cluster, which needs --database-url (PostgreSQL) too");
    }
    if config.files.object_store_url.is_none() {
        bail!(
            "--redis-url makes a cluster, whose nodes must all read every file: give it \
             --object-store-url (S3-compatible object storage) too"
        );
    }
    let cluster = Cluster::connect(&url).await?;
    let adapter = RedisAdapterCtr::new_with_driver(
        cluster.pubsub.clone(),
        RedisAdapterConfig::new().with_prefix(config.cluster_name.clone()),
    );
    let (layer, io) = socket_io(&config)
        .with_adapter::<CustomRedisAdapter<_, PubSub>>(adapter)
        .build_layer();
    let name = &config.cluster_name;
    let (redis, health) = (cluster.redis.clone(), cluster.health.clone());
    let presence = RedisPresence::new(cluster.node, name, redis, health, config.presence_ttl);
    let mode = Mode {
        presence: presence.clone(),
        limits: Limits::shared(
            auth_rate,
            message_rate,
            SharedRate::new(name, cluster.redis.clone(), cluster.health.clone()),
        ),
        cluster: Some(cluster),
        mail,
        files,
    };
    let built = assemble(config, stores, tokens, lock, mode, layer, io).await?;
    keep_presence(&presence, &built.1.chat);
    tracing::info!(node = %built.1.node, "cluster mode: Redis fan-out, presence and limits");
    Ok(built)
}

/// The rest of the application, the same for every Socket.IO adapter.
async fn assemble<A: Adapter + DefinedAdapter>(
    config: ServeArgs,
    stores: Stores,
    tokens: Tokens,
    lock: Option<DataDirLock>,
    mode: Mode,
    socket_layer: socketioxide::layer::SocketIoLayer<A>,
    io: SocketIo<A>,
) -> anyhow::Result<(Router, App, Arc<dyn Sockets>)>
where
    A::InitRes: AdapterReady,
{
    let node = mode
        .cluster
        .as_ref()
        .map_or_else(uuid::Uuid::now_v7, |c| c.node);
    let account_sockets = crate::limits::SocketQuota::new(config.sockets.max_sockets_per_account);
    let fanout = Arc::new(SocketFanout::new(io.clone(), node, mode.cluster.is_some()));
    let limits = Arc::new(mode.limits);
    crate::limits::prune_periodically(&limits, Duration::from_secs(30));
    let accounts = crate::accounts::Accounts::serving(
        stores.store.clone(),
        stores.hooks.clone(),
        stores.devices.clone(),
    );
    let chat = Arc::new(
        Chat::new(
            &stores,
            mode.presence,
            fanout.clone(),
            limits.clone(),
            mode.mail,
            crate::webhook::Deliverer::new(config.webhook_allow_private)?,
            mode.files,
        )
        .only_server(mode.cluster.is_none()),
    );
    run_due_periodically(&chat);
    send_email_periodically(&chat);
    deliver_webhooks_periodically(&chat);
    let typing = Typing::new(Duration::from_secs(config.typing_ttl_secs), fanout);
    let oidc = crate::sso::OidcClient::new(config.sso_allow_private)?;
    let app = App::new(AppState {
        config,
        accounts,
        chat,
        typing,
        tokens,
        oidc,
        limits,
        metrics: crate::telemetry::metrics::handle(),
        draining: Default::default(),
        account_sockets,
        store_name: stores.name,
        node,
        cluster: mode.cluster,
        data_dir_lock: std::sync::Mutex::new(lock),
    });
    if app.config.demo {
        demo::seed(&app).await.context("seeding demo data")?;
    }
    realtime::register(&io, app.clone()).ready().await?;
    let router = http::edge(
        http::guard_bodies(
            http::router(app.clone())
                .layer(socket_layer)
                .layer(axum::middleware::map_request(
                    realtime::detach_from_read_buffer,
                )),
            app.config.connections.body_timeout,
            http::UploadBodies {
                max_file_bytes: app.config.files.max_file_bytes,
                timeout: app.config.files.upload_timeout,
            },
        ),
        &app.config.cors_origins,
    );
    Ok((router, app, Arc::new(io)))
}

/// A server running in the background (tests and embedding).
pub struct Running {
    pub addr: SocketAddr,
    pub app: App,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Running {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops as on SIGTERM: stops accepting, answers requests in flight, closes sockets,
    /// finishes writes.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        (&mut self.task).await?
    }
}

/// Binds the configured address (`host:port`; a name is resolved).
async fn bind(listen: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(listen)
        .await
        .with_context(|| format!("binding {listen}"))
}

/// Binds `config.listen` and serves in the background.
pub async fn spawn(config: ServeArgs) -> anyhow::Result<Running> {
    let listener = bind(&config.listen).await?;
    let addr = listener.local_addr()?;
    let tls = tls_acceptor(&config)?;
    let (router, app, io) = build(config).await?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let serving = app.clone();
    let task = tokio::spawn(async move {
        serve_until(listener, router, &serving, io, tls, async {
            let _ = rx.await;
        })
        .await
    });
    Ok(Running {
        addr,
        app,
        shutdown: Some(tx),
        task,
    })
}

/// Serves until `shutdown` resolves, then drains: `/ready` answers 503 for the configured
/// delay while requests are still served, then the listener stops accepting, requests in
/// flight are answered, sockets are closed (clients reconnect elsewhere) and accepted writes
/// are committed; all within the grace period.
pub async fn serve_until(
    listener: TcpListener,
    router: Router,
    app: &App,
    io: Arc<dyn Sockets>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let c = &app.config.connections;
    let listener_rules = server::ConnectionRules {
        max_connections: server::connection_cap(c.max_connections),
        header_timeout: c.header_timeout,
        write_timeout: c.write_timeout,
        handshake_timeout: c.header_timeout,
    };
    tracing::info!(
        max_connections = listener_rules.max_connections,
        "accepting connections"
    );
    let metrics = match &app.config.metrics_listen {
        Some(addr) => Some(serve_metrics(app, addr, listener_rules.clone()).await?),
        None => None,
    };
    let http = Arc::new(server::Listener::new(listener_rules));
    let accepting = {
        let http = http.clone();
        tokio::spawn(async move { http.accept_loop(listener, router, tls).await })
    };
    shutdown.await;
    if let Some(metrics) = metrics {
        metrics.stop();
    }
    app.draining
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let delay = app.config.shutdown_delay;
    if !delay.is_zero() {
        tracing::info!(?delay, "shutting down: not ready, still serving");
        tokio::time::sleep(delay).await;
    }
    tracing::info!("shutting down: answering requests in flight, closing sockets");
    http.stop();
    let _ = accepting.await;
    let grace = app.config.shutdown_grace;
    let (answered, ()) = tokio::join!(http.drained(grace), io.close());
    if !answered {
        tracing::warn!(?grace, "requests still in flight after the grace period");
    }
    finish_writes(app).await;
    // Another server may use the directory from now on.
    drop(
        app.data_dir_lock
            .lock()
            .expect("data directory lock")
            .take(),
    );
    Ok(())
}

/// Serves `/metrics` on its own address until stopped.
async fn serve_metrics(
    app: &App,
    addr: &str,
    mut rules: server::ConnectionRules,
) -> anyhow::Result<Arc<server::Listener>> {
    let listener = bind(addr).await.context("the metrics address")?;
    tracing::info!(addr = %listener.local_addr()?, "metrics listening");
    rules.max_connections = 64;
    let metrics = Arc::new(server::Listener::new(rules));
    let serving = metrics.clone();
    let router = http::metrics_router(app.clone());
    tokio::spawn(async move { serving.accept_loop(listener, router, None).await });
    Ok(metrics)
}

/// The TLS acceptor when `--tls-cert` and `--tls-key` are given.
fn tls_acceptor(config: &ServeArgs) -> anyhow::Result<Option<tokio_rustls::TlsAcceptor>> {
    match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => tls::acceptor(cert, key).map(Some),
        _ => Ok(None),
    }
}

/// Runs the server in the foreground until SIGINT or SIGTERM.
pub async fn run(config: ServeArgs) -> anyhow::Result<()> {
    let listener = bind(&config.listen).await?;
    let tls = tls_acceptor(&config)?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let (router, app, io) = build(config).await?;
    let addr = listener.local_addr()?;
    announce(&app, scheme, addr);
    serve_until(listener, router, &app, io, tls, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Logs where the server is and what to open.
fn announce(app: &App, scheme: &str, addr: SocketAddr) {
    let host = if addr.ip().is_unspecified() {
        "localhost".to_string()
    } else {
        addr.to_string()
            .rsplit_once(':')
            .map(|(h, _)| h.to_string())
            .unwrap_or_default()
    };
    let base = format!("{scheme}://{host}:{}", addr.port());
    tracing::info!(%addr, "raasel listening");
    match &app.config.store.database_url {
        None => {
            let data_dir = std::path::absolute(&app.config.store.data_dir)
                .unwrap_or_else(|_| app.config.store.data_dir.clone());
            tracing::info!(data_dir = %data_dir.display(), "store: embedded");
        }
        // Everything after the credentials: host, database, options.
        Some(url) => {
            let place = url.rsplit_once('@').map_or(url.as_str(), |(_, p)| p);
            tracing::info!(database = %place, "store: PostgreSQL");
        }
    }
    tracing::info!("agent console:   {base}/console/");
    tracing::info!("customer app:    {base}/");
    if app.config.demo {
        tracing::info!("demo page:       {base}/demo  (widget of sample.com)");
        tracing::info!(
            "demo sign-in:    john@sample.com / password123 (console), alice@example.com / password123 (app)"
        );
    }
}

/// Waits for messages already handed to the store to be committed.
async fn finish_writes(app: &App) {
    match app.chat.conversations.flush().await {
        Ok(()) => tracing::info!("in-flight writes finished"),
        Err(e) => tracing::error!(error = %e, "finishing in-flight writes"),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}

/// How often what is due over time is looked at: snoozes ending, inactive conversations,
/// unanswered customers, queues whose business hours opened.
const DUE_CHECK: Duration = Duration::from_secs(15);
/// How often the e-mail outbox is looked at when nothing wakes it.
const OUTBOX_CHECK: Duration = Duration::from_secs(5);

/// Runs the pass over what is due, for as long as the chat lives.
/// The SMTP sender, when `--smtp-url` is given; links in e-mails point at `--public-url`.
fn mailer(config: &ServeArgs, secret: &[u8]) -> anyhow::Result<Option<Arc<crate::mail::Mailer>>> {
    let (Some(url), Some(from)) = (&config.smtp_url, &config.smtp_from) else {
        return Ok(None);
    };
    let public = config.public_url.clone().unwrap_or_else(|| {
        let port = config.listen.rsplit(':').next().unwrap_or("8080");
        format!("http://localhost:{port}")
    });
    let links = crate::mail::Links::new(secret);
    Ok(Some(Arc::new(crate::mail::Mailer::new(
        url, from, &public, links,
    )?)))
}

/// Where files' bytes are kept: the bucket of `--object-store-url`, else the data directory.
/// Uploads arrive in a directory under the data directory either way (one per installation,
/// not one per start), their staging files deleted once stored or refused.
fn files(config: &ServeArgs, secret: &[u8]) -> anyhow::Result<Arc<crate::files::Files>> {
    use crate::files::store::{Disk, ObjectStore};
    let f = &config.files;
    let (store, staging): (Arc<dyn crate::files::FileStore>, _) = match &f.object_store_url {
        Some(url) => {
            let bucket = crate::files::Bucket {
                url: url.clone(),
                region: f.object_store_region.clone(),
                access_key: f.object_store_access_key.clone(),
                secret_key: f.object_store_secret_key.clone(),
            };
            let staging = config.store.data_dir.join("uploading");
            (Arc::new(ObjectStore::open(&bucket)?), staging)
        }
        None => {
            let root = config.store.data_dir.join("files");
            (Arc::new(Disk::open(root.clone())?), root.join(".incoming"))
        }
    };
    tracing::info!(files = %store.describe(), "files in conversations are kept in {}", store.describe());
    let limits = crate::files::FileLimits {
        max_file_bytes: f.max_file_bytes,
        org_quota_bytes: f.org_storage_quota,
        uploads_per_account: f.uploads_per_account.max(1),
        uploads_at_once: f.uploads_at_once.max(1),
        upload_timeout: f.upload_timeout,
    };
    let links = crate::files::FileLinks::new(secret);
    Ok(Arc::new(crate::files::Files::new(
        store, staging, limits, links,
    )?))
}

/// Sends what the e-mail outbox holds that is due: every few seconds, at once when something
/// is due now, and whenever the clock is moved.
fn send_email_periodically(chat: &Arc<Chat>) {
    if chat.mail.is_none() {
        return;
    }
    let chat = Arc::downgrade(chat);
    tokio::spawn(async move {
        loop {
            let Some(c) = chat.upgrade() else { return };
            if let Err(e) = c.send_due_email().await {
                tracing::warn!(error = %e, "the pass over the e-mail outbox");
            }
            let wake = c.outbox_wake.clone();
            drop(c);
            let _ = tokio::time::timeout(OUTBOX_CHECK, wake.notified()).await;
        }
    });
}

/// Delivers the webhooks that are due: every few seconds, and at once when one is queued.
fn deliver_webhooks_periodically(chat: &Arc<Chat>) {
    let chat = Arc::downgrade(chat);
    tokio::spawn(async move {
        loop {
            let Some(c) = chat.upgrade() else { return };
            if let Err(e) = c.deliver_due_webhooks().await {
                tracing::warn!(error = %e, "the pass over webhook deliveries");
            }
            let wake = c.webhook_wake.clone();
            drop(c);
            let _ = tokio::time::timeout(OUTBOX_CHECK, wake.notified()).await;
        }
    });
}

fn run_due_periodically(chat: &Arc<Chat>) {
    let chat = Arc::downgrade(chat);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(DUE_CHECK).await;
            let Some(chat) = chat.upgrade() else { return };
            if let Err(e) = chat.run_due().await {
                tracing::warn!(error = %e, "the pass over what is due");
            }
        }
    });
}

/// Renews this node's presence leases and announces agents whose node died, for as long as the
/// presence lives.
fn keep_presence(presence: &Arc<RedisPresence>, chat: &Arc<Chat>) {
    let (presence, chat) = (Arc::downgrade(presence), Arc::downgrade(chat));
    tokio::spawn(async move {
        loop {
            let Some(p) = presence.upgrade() else { return };
            let period = p.period();
            p.refresh().await;
            let gone = p.sweep().await;
            drop(p);
            if let Some(chat) = chat.upgrade() {
                for (org, agent) in gone {
                    chat.agent_lease_ended(org, agent).await;
                }
            }
            tokio::time::sleep(period).await;
        }
    });
}
