//! The load generator's Socket.IO client: the one Raasel's black-box tests use too
//! (`crates/sio-test-client`), in its pull form (one owner reads frames, pings are answered on
//! the way, no task per socket).

pub use sio_test_client::{Frame, Socket, Target};

/// Read buffer sizes: a socket that receives a lot, and one that only stays connected.
pub const BUSY_BUFFER: usize = 64 * 1024;
pub const IDLE_BUFFER: usize = 4 * 1024;
