//! One connected socket pulled by its owner: the handshake, sending packets, reading frames.

use std::net::{IpAddr, SocketAddr};

use futures_util::{SinkExt, Stream, StreamExt};
use serde_json::{Value, json};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self, Message, Utf8Bytes};

use crate::error::Error;
use crate::packet::{self, Packet};

/// Where to connect, and from which local address (spreads ports over loopback addresses).
#[derive(Clone, Copy, Debug)]
pub struct Target {
    pub server: SocketAddr,
    pub local: Option<IpAddr>,
}

impl Target {
    /// The server of a base URL (`http://host:port`, `ws://host:port`), from any local address.
    pub async fn of_url(base: &str) -> Result<Target, Error> {
        let authority = base
            .split_once("://")
            .map_or(base, |(_, rest)| rest)
            .split('/')
            .next()
            .unwrap_or_default();
        let server = tokio::net::lookup_host(authority)
            .await
            .map_err(|source| Error::Io {
                what: "resolving the server",
                source,
            })?
            .next()
            .ok_or_else(|| Error::Protocol(format!("no address for {authority}")))?;
        Ok(Target {
            server,
            local: None,
        })
    }
}

/// One Socket.IO socket in the default namespace over its own WebSocket.
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
    /// Opens the WebSocket transport to `target` with a read buffer of `read_buffer` bytes and
    /// joins the default namespace with `{token}` as auth.
    pub async fn connect(target: Target, token: &str, read_buffer: usize) -> Result<Socket, Error> {
        let config = WebSocketConfig::default()
            .read_buffer_size(read_buffer)
            .write_buffer_size(0);
        let mut socket = Socket::open(target, config).await?;
        socket.join(&json!({ "token": token })).await?;
        Ok(socket)
    }

    /// Opens the transport to the server at `base` (`http://host:port`) and joins the default
    /// namespace with `auth` (`{"token": …}`, or `{}` for none).
    pub async fn connect_url(base: &str, auth: &Value) -> Result<Socket, Error> {
        let mut socket = Socket::open_url(base).await?;
        socket.join(auth).await?;
        Ok(socket)
    }

    /// Opens the transport to the server at `base` without joining the namespace yet.
    pub async fn open_url(base: &str) -> Result<Socket, Error> {
        Socket::open(Target::of_url(base).await?, WebSocketConfig::default()).await
    }

    /// Opens the WebSocket transport and reads Engine.IO's open packet; [`Socket::join`] then
    /// joins the namespace.
    pub async fn open(target: Target, config: WebSocketConfig) -> Result<Socket, Error> {
        let tcp = open_tcp(target).await?;
        let url = format!(
            "ws://{}/socket.io/?EIO=4&transport=websocket",
            target.server
        );
        let (ws, _) = tokio_tungstenite::client_async_with_config(url, tcp, Some(config))
            .await
            .map_err(Error::Handshake)?;
        let mut socket = Socket { ws };
        let open = socket
            .next_text()
            .await?
            .ok_or_else(|| Error::Protocol("closed before open packet".into()))?;
        if !matches!(Packet::parse(open.as_str()), Packet::Open(_)) {
            return Err(Error::Protocol(format!(
                "unexpected open packet {}",
                open.as_str()
            )));
        }
        Ok(socket)
    }

    /// Joins the default namespace with `auth`, answering pings meanwhile. A refusal is
    /// [`Error::Refused`] with the server's message.
    pub async fn join(&mut self, auth: &Value) -> Result<(), Error> {
        self.send(packet::connect(auth)).await?;
        loop {
            let reply = self
                .next_text()
                .await?
                .ok_or_else(|| Error::Protocol("closed during connect".into()))?;
            match Packet::parse(reply.as_str()) {
                Packet::Ping => self.send(packet::PONG.into()).await?,
                Packet::Connected(_) => return Ok(()),
                Packet::ConnectError(err) => {
                    let v: Value = serde_json::from_str(err).unwrap_or_default();
                    let message = v["message"].as_str().unwrap_or(err);
                    return Err(Error::Refused(message.to_string()));
                }
                _ => {
                    return Err(Error::Protocol(format!(
                        "unexpected connect reply {}",
                        reply.as_str()
                    )));
                }
            }
        }
    }

    /// Sends one text frame (an already encoded Socket.IO packet).
    pub async fn send(&mut self, packet: String) -> Result<(), Error> {
        self.ws.send(Message::Text(packet.into())).await?;
        Ok(())
    }

    /// Emits `42<ack>["event",payload]` where `payload` is JSON text.
    pub async fn emit_with_ack(
        &mut self,
        ack: u64,
        event: &str,
        payload: &str,
    ) -> Result<(), Error> {
        self.send(packet::event(Some(ack), event, payload)).await
    }

    /// The next event or acknowledgement; answers pings on the way. `None` when the server
    /// closed the transport or ended the session.
    pub async fn next(&mut self) -> Result<Option<Frame>, Error> {
        loop {
            let Some(text) = self.next_text().await? else {
                return Ok(None);
            };
            match Packet::parse(text.as_str()) {
                Packet::Event { .. } => return Ok(Some(Frame::Event(text))),
                Packet::Ack { id, .. } => {
                    return Ok(Some(Frame::Ack(id.unwrap_or(u64::MAX), text)));
                }
                Packet::Ping => self.send(packet::PONG.into()).await?,
                Packet::Disconnect | Packet::Close => return Ok(None),
                _ => {}
            }
        }
    }

    /// Ends the Socket.IO session and closes the transport.
    pub async fn close(mut self) {
        let _ = self.send(packet::DISCONNECT.into()).await;
        let _ = self.ws.close(None).await;
    }

    /// The WebSocket itself, for reading and writing frames without this type.
    pub fn into_inner(self) -> WebSocketStream<TcpStream> {
        self.ws
    }

    async fn next_text(&mut self) -> Result<Option<Utf8Bytes>, Error> {
        Ok(read_text(&mut self.ws).await?)
    }
}

/// The next text frame; `None` when the connection closes. Other frames are skipped.
pub(crate) async fn read_text<S>(stream: &mut S) -> Result<Option<Utf8Bytes>, tungstenite::Error>
where
    S: Stream<Item = Result<Message, tungstenite::Error>> + Unpin,
{
    loop {
        match stream.next().await {
            None | Some(Ok(Message::Close(_))) => return Ok(None),
            Some(Ok(Message::Text(t))) => return Ok(Some(t)),
            Some(Ok(_)) => continue,
            Some(Err(e)) => return Err(e),
        }
    }
}

async fn open_tcp(target: Target) -> Result<TcpStream, Error> {
    let io = |what| move |source| Error::Io { what, source };
    let socket = match target.server {
        SocketAddr::V4(_) => TcpSocket::new_v4(),
        SocketAddr::V6(_) => TcpSocket::new_v6(),
    }
    .map_err(io("tcp socket"))?;
    if let Some(ip) = target.local {
        socket
            .bind(SocketAddr::new(ip, 0))
            .map_err(io("binding the local address"))?;
    }
    let stream = socket
        .connect(target.server)
        .await
        .map_err(io("tcp connect"))?;
    stream.set_nodelay(true).map_err(io("tcp nodelay"))?;
    Ok(stream)
}
