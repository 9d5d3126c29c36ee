//! The HTTP listener: accepts connections up to a cap, guards each against clients that never
//! send or never read, speaks HTTP/1.1 (with upgrades for WebSockets) through hyper, and shuts
//! down gracefully.

mod descriptors;
mod guard;
mod memory;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio_util::task::TaskTracker;
use tower::ServiceExt;

pub use descriptors::connection_cap;
pub use guard::Guarded;
pub use memory::tune_memory;

/// How connections are bounded in number and time.
#[derive(Debug, Clone)]
pub struct ConnectionRules {
    /// Connections served at once (WebSockets included); more are refused.
    pub max_connections: usize,
    /// Time to send a request's headers, counted from when the connection starts waiting for
    /// one (so it is also the longest a kept-alive connection may sit idle).
    pub header_timeout: Duration,
    /// A connection whose peer accepts no bytes for this long is closed.
    pub write_timeout: Duration,
    /// Time for a TLS handshake.
    pub handshake_timeout: Duration,
}

/// A running accept loop and the connections it serves.
pub struct Listener {
    rules: ConnectionRules,
    slots: Arc<Semaphore>,
    requests: TaskTracker,
    stop: watch::Sender<bool>,
}

impl Listener {
    pub fn new(rules: ConnectionRules) -> Self {
        Listener {
            slots: Arc::new(Semaphore::new(rules.max_connections)),
            rules,
            requests: TaskTracker::new(),
            stop: watch::Sender::new(false),
        }
    }

    /// Accepts connections until `stop` is called.
    pub async fn accept_loop(
        &self,
        listener: TcpListener,
        router: Router,
        tls: Option<tokio_rustls::TlsAcceptor>,
    ) {
        let mut stop = self.stop.subscribe();
        loop {
            let (stream, peer) = tokio::select! {
                () = stopped(&mut stop) => return,
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of descriptors or a connection reset while queued: back off briefly
                        // instead of spinning.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
            };
            let _ = stream.set_nodelay(true);
            let Ok(slot) = self.slots.clone().try_acquire_owned() else {
                refuse(stream, tls.is_some());
                continue;
            };
            let guarded = Guarded::new(stream, self.rules.write_timeout, slot);
            let conn = Connection {
                router: router.clone(),
                peer,
                rules: self.rules.clone(),
                stop: self.stop.subscribe(),
            };
            let tls = tls.clone();
            self.requests.spawn(async move {
                match tls {
                    None => conn.serve(guarded).await,
                    Some(acceptor) => conn.serve_tls(acceptor, guarded).await,
                }
            });
        }
    }

    /// Stops accepting and asks every connection to finish its request in flight and close.
    pub fn stop(&self) {
        self.stop.send_replace(true);
        self.requests.close();
    }

    /// Waits until every HTTP exchange in flight has been answered (upgraded WebSockets are
    /// not counted here), or `grace` has passed. True when all finished.
    pub async fn drained(&self, grace: Duration) -> bool {
        tokio::time::timeout(grace, self.requests.wait())
            .await
            .is_ok()
    }
}

/// Resolves once the listener is stopping.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// Refuses a connection over the cap: a plain-text client gets a 503 it can read; a TLS one
/// is closed.
fn refuse(stream: TcpStream, tls: bool) {
    metrics::counter!("raasel_http_connections_refused_total").increment(1);
    if tls {
        return;
    }
    const BODY: &str = r#"{"error":"unavailable","message":"the server is at its connection limit; retry shortly"}"#;
    let response = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    // Best effort and never waiting: the socket buffer of a fresh connection has room.
    let _ = stream.try_write(response.as_bytes());
}

struct Connection {
    router: Router,
    peer: SocketAddr,
    rules: ConnectionRules,
    stop: watch::Receiver<bool>,
}

impl Connection {
    async fn serve_tls(self, acceptor: tokio_rustls::TlsAcceptor, io: Guarded<TcpStream>) {
        let peer = self.peer;
        match tokio::time::timeout(self.rules.handshake_timeout, acceptor.accept(io)).await {
            Ok(Ok(tls)) => self.serve(tls).await,
            Ok(Err(e)) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
            Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
        }
    }

    async fn serve<I>(mut self, io: I)
    where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let peer = self.peer;
        let service = self
            .router
            .map_request(move |mut req: axum::http::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                req
            });
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(self.rules.header_timeout)
            .serve_connection(TokioIo::new(io), TowerToHyperService::new(service))
            .with_upgrades();
        tokio::pin!(conn);
        let result = tokio::select! {
            result = conn.as_mut() => result,
            () = stopped(&mut self.stop) => {
                conn.as_mut().graceful_shutdown();
                conn.await
            }
        };
        if let Err(e) = result {
            tracing::debug!(%peer, error = %e, "connection ended with an error");
        }
    }
}
