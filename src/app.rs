//! Builds the application from configuration (store, presence, fan-out, router, socket layer)
//! and runs it until shutdown.

use std::net::SocketAddr;
use std::ops::Deref;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::{Context, bail};
use axum::Router;
use axum::serve::ListenerExt;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use socketioxide::SocketIo;
use tokio::net::TcpListener;

use crate::auth::Tokens;
use crate::chat::Chat;
use crate::config::{ServeArgs, StoreArgs};
use crate::limits::Limits;
use crate::presence::LocalPresence;
use crate::realtime::{self, SocketFanout, Typing};
use crate::store::Store;
use crate::store::sqlite::SqliteStore;
use crate::{demo, http, tls};

/// Everything a request or socket handler needs.
pub struct AppState {
    pub config: ServeArgs,
    pub store: Arc<dyn Store>,
    pub chat: Arc<Chat>,
    pub typing: Arc<Typing>,
    pub tokens: Tokens,
    pub limits: Arc<Limits>,
    pub metrics: PrometheusHandle,
    pub web: http::web::WebFiles,
}

#[derive(Clone)]
pub struct App(Arc<AppState>);

impl Deref for App {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        &self.0
    }
}

/// Opens the configured store, applying migrations.
pub async fn open_store(args: &StoreArgs) -> anyhow::Result<Arc<SqliteStore>> {
    if args.database_url.is_some() {
        bail!(
            "DATABASE_URL is set, but this build runs only the embedded SQLite store; unset it to use --data-dir"
        );
    }
    Ok(Arc::new(SqliteStore::open(&args.data_dir).await?))
}

/// The configured token secret, or one generated once and kept in the data directory.
fn token_secret(config: &ServeArgs) -> anyhow::Result<Vec<u8>> {
    if let Some(s) = config.jwt_secret.as_deref().filter(|s| !s.is_empty()) {
        return Ok(s.as_bytes().to_vec());
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

/// One Prometheus recorder per process.
fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// Builds the router (REST, Socket.IO) and the shared state.
pub async fn build(config: ServeArgs) -> anyhow::Result<(Router, App, SocketIo)> {
    if config.redis_url.is_some() {
        bail!(
            "REDIS_URL is set, but this build runs only in-process fan-out and presence; unset it"
        );
    }
    let store = open_store(&config.store).await?;
    let tokens = Tokens::new(&token_secret(&config)?);
    let (socket_layer, io) = SocketIo::builder()
        .max_payload(http::MAX_BODY_BYTES as u64)
        .max_buffer_size(256)
        .build_layer();
    let fanout = Arc::new(SocketFanout::new(io.clone()));
    let limits = Arc::new(Limits::new(
        config.auth_rate_per_minute,
        config.message_rate_per_minute,
    ));
    let chat = Arc::new(Chat::new(
        store.clone(),
        store.clone(),
        Arc::new(LocalPresence::default()),
        fanout.clone(),
        limits.clone(),
    ));
    let typing = Typing::new(Duration::from_secs(config.typing_ttl_secs), fanout);
    let web = match &config.web_dir {
        Some(dir) => http::web::WebFiles::Dir(dir.clone()),
        None => http::web::WebFiles::Built,
    };
    let app = App(Arc::new(AppState {
        config,
        store,
        chat,
        typing,
        tokens,
        limits,
        metrics: metrics_handle(),
        web,
    }));
    if app.config.demo {
        demo::seed(&app).await.context("seeding demo data")?;
    }
    realtime::register(&io, app.clone());
    let router = http::edge(
        http::router(app.clone()).layer(socket_layer),
        &app.config.cors_origins,
    );
    Ok((router, app, io))
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

    /// Stops accepting, closes sockets, and waits for in-flight requests.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        (&mut self.task).await?
    }
}

/// Binds `config.listen` and serves in the background.
pub async fn spawn(config: ServeArgs) -> anyhow::Result<Running> {
    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let tls = tls_acceptor(&config)?;
    let (router, app, io) = build(config).await?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let flush = app.clone();
    let task = tokio::spawn(async move {
        let served = serve_on(listener, router, io, tls, async {
            let _ = rx.await;
        })
        .await;
        finish_writes(&flush).await;
        served
    });
    Ok(Running {
        addr,
        app,
        shutdown: Some(tx),
        task,
    })
}

/// Serves until `shutdown` resolves, then closes every socket and drains requests. With TLS
/// configured, connections are TLS streams.
pub async fn serve_on(
    listener: TcpListener,
    router: Router,
    io: SocketIo,
    tls: Option<tokio_rustls::TlsAcceptor>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    let shutdown = async move {
        shutdown.await;
        tracing::info!("shutting down: closing sockets");
        io.close().await;
    };
    match tls {
        None => {
            axum::serve(listener, service)
                .with_graceful_shutdown(shutdown)
                .await
        }
        Some(acceptor) => {
            // `tap_io` gives the TLS listener the peer-address connect info.
            let listener = tls::TlsListener::new(listener, acceptor)?.tap_io(|_| {});
            axum::serve(listener, service)
                .with_graceful_shutdown(shutdown)
                .await
        }
    }
    .context("serving HTTP")
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
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("binding {}", config.listen))?;
    let demo = config.demo;
    let tls = tls_acceptor(&config)?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let (router, app, io) = build(config).await?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, scheme, "raasel listening");
    if demo {
        tracing::info!("demo: organization sample.com, admin john@sample.com / password123");
    }
    let served = serve_on(listener, router, io, tls, shutdown_signal()).await;
    finish_writes(&app).await;
    served
}

/// Waits for messages already handed to the store to be committed.
async fn finish_writes(app: &App) {
    match app.chat.messages.flush().await {
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
