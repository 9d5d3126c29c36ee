use std::fmt;

use tokio_tungstenite::tungstenite;

/// Why a connection could not be made or used. The message says everything (there is no
/// separate `source`), so `{e}` and `{e:#}` read the same.
#[derive(Debug)]
pub enum Error {
    /// The TCP connection (or binding its local address) failed.
    Io {
        what: &'static str,
        source: std::io::Error,
    },
    /// The WebSocket upgrade failed.
    Handshake(tungstenite::Error),
    /// The WebSocket failed after the upgrade.
    Transport(tungstenite::Error),
    /// The server refused to join the namespace (`connect_error`) with this message.
    Refused(String),
    /// The server said something outside the protocol, or closed the connection too early.
    Protocol(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { what, source } => write!(f, "{what}: {source}"),
            Error::Handshake(e) => write!(f, "websocket handshake: {e}"),
            Error::Transport(e) => write!(f, "{e}"),
            Error::Refused(message) => write!(f, "connect_error: {message}"),
            Error::Protocol(what) => f.write_str(what),
        }
    }
}

impl std::error::Error for Error {}

impl From<tungstenite::Error> for Error {
    fn from(e: tungstenite::Error) -> Error {
        Error::Transport(e)
    }
}
