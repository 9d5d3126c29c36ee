//! The suite's Socket.IO client: the one shared with the load generator
//! (`crates/sio-test-client`), enough to drive the server like a browser would: auth in the
//! handshake, events, acks, pings.

pub use sio_test_client::{Socket, SocketClient, WAIT};
