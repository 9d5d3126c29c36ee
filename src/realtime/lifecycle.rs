//! How a socket's life ends besides the client leaving: its token expires, or it stops reading
//! what it is sent.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use socketioxide::adapter::Adapter;
use socketioxide::extract::SocketRef;

use super::socket_user::{SocketUser, leave_presence};
use crate::error::ApiError;
use crate::fanout::events::ServerEvent;
use crate::state::App;

/// Resolves when the socket's token has expired (a renewal moves the expiry on).
pub async fn expiry(expires_at: &AtomicI64) {
    loop {
        let left = expires_at.load(Ordering::Relaxed) - chrono::Utc::now().timestamp();
        if left <= 0 {
            return;
        }
        tokio::time::sleep(Duration::from_secs(left as u64)).await;
    }
}

/// Tells the client its token expired, then closes the socket.
pub fn expire<A: Adapter>(s: &SocketRef<A>) {
    tracing::info!(socket = %s.id, "socket closed: its token expired");
    let body = ApiError::Unauthorized("the token expired; sign in again".into()).body();
    super::broadcast::emit_to(s, &ServerEvent::Error(body));
    let _ = s.clone().disconnect();
}

/// A socket whose outgoing buffer overflowed: it gets no more events, its agent stops counting
/// as online at once, and it is closed as soon as the close can be queued. If the buffer never
/// drains, the heartbeat (whose ping cannot be queued either) closes the transport, and the
/// connection's write timeout releases what the socket holds.
pub async fn drop_lagging<A: Adapter>(app: &App, s: &SocketRef<A>, user: &SocketUser) {
    tracing::warn!(socket = %s.id, "slow consumer: the socket stopped reading; dropping it");
    s.leave_all();
    leave_presence(app, user).await;
    let sockets = &app.config.sockets;
    let tries = (sockets.ping_interval + sockets.ping_timeout).as_millis() / 100 + 1;
    for _ in 0..tries {
        if !s.connected() || s.clone().disconnect().is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
