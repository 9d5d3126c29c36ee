//! A minimal Socket.IO v5 client (Engine.IO v4 over one WebSocket): the handshake with an auth
//! token, event and acknowledgement frames, and answering the server's pings.

use std::net::{IpAddr, SocketAddr};

use anyhow::{Context, Result, anyhow, bail};
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

/// Where to connect, and from which local address (spreads ports over loopback addresses).
#[derive(Clone, Copy, Debug)]
pub struct Target {
    pub server: SocketAddr,
    pub local: Option<IpAddr>,
}

/// Read buffer sizes: a socket that receives a lot, and one that only stays connected.
pub const BUSY_BUFFER: usize = 64 * 1024;
pub const IDLE_BUFFER: usize = 4 * 1024;

/// One connected Socket.IO socket in the default namespace.
pub struct Socket {
    ws: WebSocketStream<TcpStream>,
}

/// A frame the caller cares about: an event (`42…`) or an acknowledgement (`43…`).
pub enum Frame {
    Event(Utf8Bytes),
    Ack(u64, Utf8Bytes),
}

impl Frame {
    /// The JSON array of an event (`["name", payload]`) or of an acknowledgement (`[body]`).
    pub fn body(&self) -> &str {
        match self {
            Frame::Event(t) => &t.as_str()[2..],
            Frame::Ack(_, t) => {
                let rest = &t.as_str()[2..];
                rest.trim_start_matches(|c: char| c.is_ascii_digit())
            }
        }
    }

    /// Whether this is the event `name` (checked on the raw text, without parsing it).
    pub fn is_event(&self, name: &str) -> bool {
        match self {
            Frame::Event(t) => {
                let b = &t.as_str()[2..];
                b.len() > name.len() + 3
                    && b.as_bytes()[0] == b'['
                    && b.as_bytes()[1] == b'"'
                    && b[2..].starts_with(name)
                    && b.as_bytes()[name.len() + 2] == b'"'
            }
            Frame::Ack(..) => false,
        }
    }
}

impl Socket {
    /// Opens the WebSocket transport and joins the default namespace with `{token}` as auth.
    pub async fn connect(target: Target, token: &str, read_buffer: usize) -> Result<Socket> {
        let tcp = open_tcp(target).await?;
        let url = format!(
            "ws://{}/socket.io/?EIO=4&transport=websocket",
            target.server
        );
        let config = WebSocketConfig::default()
            .read_buffer_size(read_buffer)
            .write_buffer_size(0);
        let (ws, _) = tokio_tungstenite::client_async_with_config(url, tcp, Some(config))
            .await
            .context("websocket handshake")?;
        let mut socket = Socket { ws };
        socket.handshake(token).await?;
        Ok(socket)
    }

    async fn handshake(&mut self, token: &str) -> Result<()> {
        let open = self
            .next_text()
            .await?
            .ok_or_else(|| anyhow!("closed before open packet"))?;
        if !open.as_str().starts_with('0') {
            bail!("unexpected open packet {}", open.as_str());
        }
        let auth = serde_json::json!({ "token": token });
        self.send(format!("40{auth}")).await?;
        loop {
            let reply = self
                .next_text()
                .await?
                .ok_or_else(|| anyhow!("closed during connect"))?;
            let text = reply.as_str();
            if text == "2" {
                self.send("3".into()).await?;
            } else if text.starts_with("40") {
                return Ok(());
            } else if let Some(err) = text.strip_prefix("44") {
                let v: serde_json::Value = serde_json::from_str(err).unwrap_or_default();
                bail!("connect_error: {}", v["message"].as_str().unwrap_or(err));
            } else {
                bail!("unexpected connect reply {text}");
            }
        }
    }

    /// Sends one text frame (an already encoded Socket.IO packet).
    pub async fn send(&mut self, packet: String) -> Result<()> {
        self.ws.send(Message::Text(packet.into())).await?;
        Ok(())
    }

    /// Emits `42<ack>["event",payload]` where `payload` is JSON text.
    pub async fn emit_with_ack(&mut self, ack: u64, event: &str, payload: &str) -> Result<()> {
        self.send(format!("42{ack}[\"{event}\",{payload}]")).await
    }

    /// The next event or acknowledgement; answers pings on the way. `None` when the server
    /// closed the transport or ended the session.
    pub async fn next(&mut self) -> Result<Option<Frame>> {
        loop {
            let Some(text) = self.next_text().await? else {
                return Ok(None);
            };
            let s = text.as_str();
            if s.starts_with("42") {
                return Ok(Some(Frame::Event(text)));
            } else if let Some(rest) = s.strip_prefix("43") {
                let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
                let id = rest[..digits].parse().unwrap_or(u64::MAX);
                return Ok(Some(Frame::Ack(id, text)));
            } else if s == "2" {
                self.send("3".into()).await?;
            } else if s.starts_with("41") || s.starts_with('1') {
                return Ok(None);
            }
        }
    }

    /// Ends the Socket.IO session and closes the transport.
    pub async fn close(mut self) {
        let _ = self.send("41".into()).await;
        let _ = self.ws.close(None).await;
    }

    async fn next_text(&mut self) -> Result<Option<Utf8Bytes>> {
        loop {
            match self.ws.next().await {
                None | Some(Ok(Message::Close(_))) => return Ok(None),
                Some(Ok(Message::Text(t))) => return Ok(Some(t)),
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e.into()),
            }
        }
    }
}

async fn open_tcp(target: Target) -> Result<TcpStream> {
    let socket = match target.server {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    if let Some(ip) = target.local {
        socket
            .bind(SocketAddr::new(ip, 0))
            .context("binding the local address")?;
    }
    let stream = socket.connect(target.server).await.context("tcp connect")?;
    stream.set_nodelay(true)?;
    Ok(stream)
}
