//! The Socket.IO protocol (SPEC §5): authentication at connect, rooms, and one ordered event
//! queue per socket whose worker runs the same actions as the REST API.

mod actions;
pub mod asyncapi;
pub mod broadcast;
mod connect;
mod handshake;
mod lifecycle;
pub mod payloads;
mod reply;
pub mod rooms;
mod socket_user;

use socketioxide::SocketIo;
use socketioxide::adapter::Adapter;
use socketioxide::handler::ConnectHandler;
use socketioxide_core::adapter::DefinedAdapter;

use crate::state::App;

pub use broadcast::SocketFanout;
pub use handshake::detach_from_read_buffer;

/// Installs the default namespace: authentication middleware, then the connect handler.
/// Returns what the adapter needs to finish (for a shared adapter: its subscriptions).
pub fn register<A: Adapter + DefinedAdapter>(io: &SocketIo<A>, app: App) -> A::InitRes {
    // The handlers live in the socket layer, which the application holds: weak references,
    // or neither would ever be dropped.
    let for_auth = app.downgrade();
    let authenticate =
        move |s: socketioxide::extract::SocketRef<A>,
              auth: socketioxide::extract::TryData<serde_json::Value>| {
            let app = for_auth.upgrade();
            async move {
                let app = app.ok_or(connect::Refused::Unauthorized)?;
                connect::authenticate(app, s, auth.0.ok()).await
            }
        };
    let for_connect = app.downgrade();
    let on_connect = move |s: socketioxide::extract::SocketRef<A>| {
        let app = for_connect.upgrade();
        async move {
            if let Some(app) = app {
                connect::on_connect(app, s).await
            }
        }
    };
    io.ns("/", on_connect.with(authenticate))
}

/// What registering a namespace leaves to finish: nothing in-process, the subscriptions of a
/// Redis adapter in a cluster. The server serves only after they are in place.
pub trait AdapterReady {
    fn ready(self) -> futures_util::future::BoxFuture<'static, anyhow::Result<()>>;
}

impl AdapterReady for () {
    fn ready(self) -> futures_util::future::BoxFuture<'static, anyhow::Result<()>> {
        Box::pin(async { Ok(()) })
    }
}

impl<D: socketioxide_redis::drivers::Driver> AdapterReady for socketioxide_redis::InitRes<D> {
    fn ready(self) -> futures_util::future::BoxFuture<'static, anyhow::Result<()>> {
        Box::pin(async move {
            self.await
                .map_err(|e| anyhow::anyhow!("subscribing the Socket.IO adapter: {e}"))
        })
    }
}

/// The socket layer as shutdown sees it, whatever its adapter.
pub trait Sockets: Send + Sync {
    /// Closes every socket at the transport, so clients reconnect (to another node).
    fn close(&self) -> futures_util::future::BoxFuture<'_, ()>;
}

impl<A: Adapter> Sockets for SocketIo<A> {
    fn close(&self) -> futures_util::future::BoxFuture<'_, ()> {
        Box::pin(SocketIo::close(self))
    }
}
