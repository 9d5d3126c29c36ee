//! Fan-out over Socket.IO rooms.
//!
//! The payload is serialized once per event. Each local recipient is sent its copy directly so
//! that a socket whose buffer is full can be told apart: it is disconnected (and counted)
//! rather than silently missing the event; on reconnect it fills the gap from history.
//!
//! In a cluster, the same event also goes through the adapter's broadcast to the other nodes,
//! which deliver it to their own sockets: every socket sits in its node's room, and the
//! broadcast leaves this node's room out, since its sockets were served directly.

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::value::RawValue;
use socketioxide::adapter::Adapter;
use socketioxide::extract::SocketRef;
use socketioxide::operators::BroadcastOperators;
use socketioxide::{SendError, SocketError, SocketIo};

use super::rooms::{node_room, room, rooms};
use super::socket_user::SocketUser;
use crate::fanout::events::ServerEvent;
use crate::fanout::{Fanout, Target};

pub struct SocketFanout<A: Adapter> {
    io: SocketIo<A>,
    /// This node's room, when other nodes share the adapter.
    others_except: Option<String>,
}

impl<A: Adapter> SocketFanout<A> {
    pub fn new(io: SocketIo<A>, node: uuid::Uuid, clustered: bool) -> Self {
        SocketFanout {
            io,
            others_except: clustered.then(|| node_room(node)),
        }
    }

    /// Sends to the other nodes' sockets in `targets` (but those in `except`).
    async fn to_other_nodes(
        &self,
        ns: BroadcastOperators<A>,
        targets: &[Target],
        except: Option<Target>,
        event: &'static str,
        payload: &RawValue,
    ) {
        let Some(own) = &self.others_except else {
            return;
        };
        let mut skip = vec![own.clone()];
        skip.extend(except.map(room));
        if let Err(e) = ns
            .to(rooms(targets))
            .except(skip)
            .emit(event, payload)
            .await
        {
            tracing::debug!(error = %e, event, "broadcast to other nodes");
        }
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
        let Some(payload) = serialized(&event) else {
            return;
        };
        for socket in ns.clone().to(rooms(&targets)).sockets() {
            send_or_drop_slow(&socket, event.name(), &payload);
        }
        self.to_other_nodes(ns, &targets, None, event.name(), &payload)
            .await;
    }

    async fn disconnect(&self, target: Target) {
        let Some(ns) = self.namespace() else { return };
        if let Err(e) = ns.to(room(target)).disconnect().await {
            tracing::warn!(error = %e, "disconnecting revoked sockets");
        }
    }

    async fn emit_except(&self, targets: Vec<Target>, except: Target, event: ServerEvent) {
        let Some(ns) = self.namespace() else { return };
        let Some(payload) = serialized(&event) else {
            return;
        };
        for socket in ns
            .clone()
            .to(rooms(&targets))
            .except(room(except))
            .sockets()
        {
            send_or_drop_slow(&socket, event.name(), &payload);
        }
        self.to_other_nodes(ns, &targets, Some(except), event.name(), &payload)
            .await;
    }
}

/// The event's payload as JSON text, once for all its recipients.
fn serialized(event: &ServerEvent) -> Option<Box<RawValue>> {
    event
        .raw_payload()
        .inspect_err(|e| tracing::error!(error = %e, event = event.name(), "serializing an event"))
        .ok()
}

/// Emits one event to one socket; a full buffer disconnects the socket.
pub fn emit_to<A: Adapter>(socket: &SocketRef<A>, event: &ServerEvent) {
    if let Some(payload) = serialized(event) {
        send_or_drop_slow(socket, event.name(), &payload);
    }
}

/// Emits to one socket; a full buffer disconnects the socket. A socket that missed an event
/// gets nothing more until it is gone: were its buffer to drain in the meantime, it would see a
/// later event after a gap instead of fetching what it missed when it reconnects.
fn send_or_drop_slow<A: Adapter, T: serde::Serialize + ?Sized>(
    socket: &SocketRef<A>,
    event: &'static str,
    payload: &T,
) {
    if socket.extensions.get::<Lagging>().is_some() {
        return;
    }
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
