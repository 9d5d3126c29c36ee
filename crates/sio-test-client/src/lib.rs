//! A small Socket.IO v5 client over one WebSocket (Engine.IO v4 text frames), written for
//! Raasel's own use: its black-box tests drive the server with it like a browser would, and its
//! load generator opens tens of thousands of them.
//!
//! Two ways to hold a connection, on the same handshake and the same packet reading:
//! - [`Socket`]: one owner pulls frames with [`Socket::next`] (pings are answered on the way);
//!   no task and no buffer of its own, for the load generator;
//! - [`SocketClient`]: a reader task keeps every event until a test waits for it, matches
//!   acknowledgements to their calls and notices when the server closes the connection.

mod client;
mod error;
pub mod packet;
mod socket;

pub use client::{SocketClient, WAIT};
pub use error::Error;
pub use packet::Packet;
pub use socket::{Frame, Socket, Target};
