//! Fan-out over Socket.IO rooms.
//!
//! Each local recipient is sent its copy directly so that a socket whose buffer is full can be
//! told apart: it is disconnected (and counted) rather than silently missing the event; on
//! reconnect it fills the gap from history.

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::Value;
use socketioxide::adapter::Adapter;
use socketioxide::extract::SocketRef;
use socketioxide::operators::BroadcastOperators;
use socketioxide::{SendError, SocketError, SocketIo};

use super::connect::SocketUser;
use super::rooms::{room, rooms};
use crate::chat::events::ServerEvent;
use crate::fanout::{Fanout, Target};

pub struct SocketFanout<A: Adapter> {
    io: SocketIo<A>,
}

impl<A: Adapter> SocketFanout<A> {
    pub fn new(io: SocketIo<A>) -> Self {
        SocketFanout { io }
    }

    /// The default namespace; gone once shutdown has closed every socket, when there is nobody
    /// left to tell.
    fn namespace(&self) -> Option<BroadcastOperators<A>> {
        self.io.of("/")
    }
}

#[async_trait]
impl<A: Adapter> Fanout for SocketFanout<A> {
    async fn emit(&self, targets: Vec<Target>, event: ServerEvent) {
        let Some(ns) = self.namespace() else { return };
        let payload = event.payload();
        for socket in ns.to(rooms(&targets)).sockets() {
            send_or_drop_slow(&socket, event.name(), &payload);
        }
    }

    async fn disconnect(&self, target: Target) {
        let Some(ns) = self.namespace() else { return };
        if let Err(e) = ns.to(room(target)).disconnect().await {
            tracing::warn!(error = %e, "disconnecting revoked sockets");
        }
    }

    async fn emit_except(&self, targets: Vec<Target>, except: Target, event: ServerEvent) {
        let Some(ns) = self.namespace() else { return };
        let payload = event.payload();
        for socket in ns.to(rooms(&targets)).except(room(except)).sockets() {
            send_or_drop_slow(&socket, event.name(), &payload);
        }
    }
}

/// Emits one event to one socket; a full buffer disconnects the socket.
pub fn emit_to<A: Adapter>(socket: &SocketRef<A>, event: &ServerEvent) {
    send_or_drop_slow(socket, event.name(), &event.payload());
}

/// Emits to one socket; a full buffer disconnects the socket.
fn send_or_drop_slow<A: Adapter>(socket: &SocketRef<A>, event: &'static str, payload: &Value) {
    match socket.emit(event, payload) {
        Ok(()) => metrics::counter!("raasel_socket_events_sent_total").increment(1),
        Err(SendError::Socket(SocketError::InternalChannelFull)) => disconnect_slow(socket.clone()),
        Err(e) => tracing::debug!(socket = %socket.id, error = %e, "emit failed"),
    }
}

/// Marks a socket that fell behind.
#[derive(Clone)]
struct Lagging;

/// Hands a socket that cannot keep up to its worker, once, which drops it.
fn disconnect_slow<A: Adapter>(socket: SocketRef<A>) {
    if socket.extensions.insert(Lagging).is_some() {
        return;
    }
    metrics::counter!("raasel_socket_slow_consumers_total").increment(1);
    if let Some(user) = socket.extensions.get::<Arc<SocketUser>>() {
        user.lagging.notify_one();
    }
}
