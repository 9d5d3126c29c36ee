//! Socket.IO v5 packets in Engine.IO v4 text frames (default namespace only): what a frame
//! from the server is, and how to write one.

use serde_json::Value;

/// The Engine.IO answer to a ping.
pub const PONG: &str = "3";
/// Leaving the default namespace (Socket.IO DISCONNECT).
pub const DISCONNECT: &str = "41";

/// One text frame from the server, classified without parsing its JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Packet<'a> {
    /// `0{…}`: Engine.IO's open packet, with its handshake data.
    Open(&'a str),
    /// `1`: the transport closes.
    Close,
    /// `2`: a ping, to be answered with [`PONG`].
    Ping,
    /// `40{…}`: joined the namespace.
    Connected(&'a str),
    /// `41`: the server ended the Socket.IO session (a socket.io-client would not reconnect).
    Disconnect,
    /// `42[id][…]`: an event, with the id its sender wants an acknowledgement for.
    Event { ack: Option<u64>, data: &'a str },
    /// `43id[…]`: the acknowledgement `id`.
    Ack { id: Option<u64>, data: &'a str },
    /// `44{…}`: joining the namespace was refused.
    ConnectError(&'a str),
    /// Anything else (a pong, a binary event's header, a noop).
    Other(&'a str),
}

impl<'a> Packet<'a> {
    pub fn parse(frame: &'a str) -> Packet<'a> {
        if let Some(rest) = frame.strip_prefix("42") {
            let (ack, data) = split_id(rest);
            Packet::Event { ack, data }
        } else if let Some(rest) = frame.strip_prefix("43") {
            let (id, data) = split_id(rest);
            Packet::Ack { id, data }
        } else if frame == "2" {
            Packet::Ping
        } else if frame.starts_with("41") {
            Packet::Disconnect
        } else if let Some(rest) = frame.strip_prefix("40") {
            Packet::Connected(rest)
        } else if let Some(rest) = frame.strip_prefix("44") {
            Packet::ConnectError(rest)
        } else if frame.starts_with('1') {
            Packet::Close
        } else if let Some(rest) = frame.strip_prefix('0') {
            Packet::Open(rest)
        } else {
            Packet::Other(frame)
        }
    }
}

/// The leading decimal id of a packet's payload, and the rest.
fn split_id(rest: &str) -> (Option<u64>, &str) {
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    (rest[..digits].parse().ok(), &rest[digits..])
}

/// Joining the default namespace with `auth` (e.g. `{"token": …}`).
pub fn connect(auth: &Value) -> String {
    format!("40{auth}")
}

/// The event `name` with `data` (already JSON text), asking for the acknowledgement `ack`.
pub fn event(ack: Option<u64>, name: &str, data: &str) -> String {
    let name = Value::from(name);
    match ack {
        Some(id) => format!("42{id}[{name},{data}]"),
        None => format!("42[{name},{data}]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_classified_with_their_ids() {
        assert_eq!(
            Packet::parse(r#"42["new_message",{}]"#),
            Packet::Event {
                ack: None,
                data: r#"["new_message",{}]"#
            }
        );
        assert_eq!(
            Packet::parse(r#"4312[{"ok":true}]"#),
            Packet::Ack {
                id: Some(12),
                data: r#"[{"ok":true}]"#
            }
        );
        assert_eq!(Packet::parse("2"), Packet::Ping);
        assert_eq!(Packet::parse("41"), Packet::Disconnect);
        assert_eq!(Packet::parse("1"), Packet::Close);
        assert_eq!(
            Packet::parse(r#"44{"message":"unauthorized"}"#),
            Packet::ConnectError(r#"{"message":"unauthorized"}"#)
        );
        assert_eq!(
            Packet::parse(r#"40{"sid":"x"}"#),
            Packet::Connected(r#"{"sid":"x"}"#)
        );
        assert_eq!(
            Packet::parse(r#"0{"sid":"y"}"#),
            Packet::Open(r#"{"sid":"y"}"#)
        );
        assert_eq!(Packet::parse("3"), Packet::Other("3"));
    }

    #[test]
    fn events_are_written_with_an_escaped_name() {
        assert_eq!(
            event(None, "typing_start", "{}"),
            r#"42["typing_start",{}]"#
        );
        assert_eq!(event(Some(7), "a\"b", "1"), r#"427["a\"b",1]"#);
        assert_eq!(connect(&serde_json::json!({})), "40{}");
    }
}
