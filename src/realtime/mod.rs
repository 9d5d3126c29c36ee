//! The Socket.IO protocol (SPEC §5): authentication at connect, rooms, and one ordered event
//! queue per socket whose worker runs the same actions as the REST API.

mod accounts;
mod actions;
pub mod asyncapi;
mod connect;
pub mod fanout;
mod lifecycle;
pub mod payloads;
mod reply;
pub mod rooms;
mod typing;

use socketioxide::SocketIo;
use socketioxide::adapter::Adapter;
use socketioxide::handler::ConnectHandler;
use socketioxide_core::adapter::DefinedAdapter;

use crate::app::App;

pub use accounts::AccountSockets;
pub use fanout::SocketFanout;
pub use typing::Typing;

/// Installs the default namespace: authentication middleware, then the connect handler.
pub fn register<A: Adapter + DefinedAdapter>(io: &SocketIo<A>, app: App) {
    let for_auth = app.clone();
    let authenticate =
        move |s: socketioxide::extract::SocketRef<A>,
              auth: socketioxide::extract::TryData<serde_json::Value>| {
            let app = for_auth.clone();
            async move { connect::authenticate(app, s, auth.0.ok()).await }
        };
    let on_connect = move |s: socketioxide::extract::SocketRef<A>| {
        let app = app.clone();
        async move { connect::on_connect(app, s).await }
    };
    io.ns("/", on_connect.with(authenticate));
}
