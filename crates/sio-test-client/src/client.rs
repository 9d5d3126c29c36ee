//! A connected socket for tests: everything the server sends is kept until a test waits for it,
//! acknowledgements find their calls, and the end of the connection is noticed.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::{Mutex, Notify, mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

use crate::error::Error;
use crate::packet::{self, Packet};
use crate::socket::{Socket, read_text};

/// How long a call waits for its acknowledgement, and [`SocketClient::wait_for`] for its event.
pub const WAIT: Duration = Duration::from_secs(5);

type Acks = Arc<Mutex<HashMap<u64, oneshot::Sender<Value>>>>;

pub struct SocketClient {
    out: mpsc::UnboundedSender<Message>,
    inbox: Arc<Mutex<VecDeque<(String, Value)>>>,
    arrived: Arc<Notify>,
    acks: Acks,
    next_ack: AtomicU64,
    closed: Arc<Notify>,
    is_closed: Arc<AtomicBool>,
    /// Set when the server ended the Socket.IO session itself (a `41` packet), which a
    /// socket.io-client takes as "do not reconnect"; a closed transport means "reconnect".
    told_to_leave: Arc<AtomicBool>,
}

impl SocketClient {
    /// Connects to `/socket.io/` with `{auth: {token}}`. Err carries the `connect_error` message.
    pub async fn connect(base: &str, token: Option<&str>) -> Result<SocketClient, String> {
        let auth = match token {
            Some(t) => json!({ "token": t }),
            None => json!({}),
        };
        let socket = Socket::connect_url(base, &auth)
            .await
            .map_err(|e| match e {
                Error::Refused(message) => message,
                e => e.to_string(),
            })?;
        let (mut sink, mut stream) = socket.into_inner().split();

        let (out, mut out_rx) = mpsc::unbounded_channel::<Message>();
        let inbox: Arc<Mutex<VecDeque<(String, Value)>>> = Arc::default();
        let arrived = Arc::new(Notify::new());
        let acks: Acks = Arc::default();
        let closed = Arc::new(Notify::new());
        let is_closed = Arc::new(AtomicBool::new(false));
        let told_to_leave = Arc::new(AtomicBool::new(false));
        let pong = out.clone();
        tokio::spawn(async move {
            while let Some(frame) = out_rx.recv().await {
                if sink.send(frame).await.is_err() {
                    break;
                }
            }
            let _ = sink.close().await;
        });
        {
            let (inbox, arrived, acks, closed) =
                (inbox.clone(), arrived.clone(), acks.clone(), closed.clone());
            let is_closed = is_closed.clone();
            let told_to_leave = told_to_leave.clone();
            tokio::spawn(async move {
                while let Ok(Some(frame)) = read_text(&mut stream).await {
                    match Packet::parse(frame.as_str()) {
                        Packet::Ping => {
                            let _ = pong.send(Message::Text(packet::PONG.into()));
                        }
                        Packet::Event { data, .. } => {
                            let v: Value = serde_json::from_str(data).expect("event json");
                            let name = v[0].as_str().unwrap_or_default().to_string();
                            inbox
                                .lock()
                                .await
                                .push_back((name, v.get(1).cloned().unwrap_or(Value::Null)));
                            arrived.notify_waiters();
                        }
                        Packet::Ack { id, data } => {
                            let v: Value = serde_json::from_str(data).expect("ack json");
                            if let Some(tx) = acks.lock().await.remove(&id.unwrap_or(0)) {
                                let _ = tx.send(v.get(0).cloned().unwrap_or(Value::Null));
                            }
                        }
                        Packet::Disconnect => {
                            told_to_leave.store(true, Ordering::SeqCst);
                            break;
                        }
                        Packet::Close => break,
                        _ => {}
                    }
                }
                is_closed.store(true, Ordering::SeqCst);
                closed.notify_waiters();
                arrived.notify_waiters();
            });
        }
        Ok(SocketClient {
            out,
            inbox,
            arrived,
            acks,
            next_ack: AtomicU64::new(1),
            closed,
            is_closed,
            told_to_leave,
        })
    }

    fn send_text(&self, text: String) {
        let _ = self.out.send(Message::Text(text.into()));
    }

    /// Emits without asking for an acknowledgement.
    pub fn emit(&self, event: &str, data: Value) {
        self.send_text(packet::event(None, event, &data.to_string()));
    }

    /// Emits and waits for the acknowledgement.
    pub async fn call(&self, event: &str, data: Value) -> Value {
        let data = data.to_string();
        self.await_ack(|id| packet::event(Some(id), event, &data), &[])
            .await
            .unwrap_or_else(|| panic!("no ack for {event} within {WAIT:?}"))
    }

    /// Sends any Socket.IO packet, `packet(ack_id)` (e.g. `2{id}["event",…]`, or a binary event
    /// `51-{id}[…placeholder…]` followed by `attachments`), and waits for the acknowledgement
    /// until `WAIT` or until the server closes the connection: `None` then.
    pub async fn call_raw(
        &self,
        packet: impl FnOnce(u64) -> String,
        attachments: &[&[u8]],
    ) -> Option<Value> {
        self.await_ack(|id| format!("4{}", packet(id)), attachments)
            .await
    }

    /// Sends the frame `frame(ack_id)` and its `attachments`; waits for the acknowledgement.
    async fn await_ack(
        &self,
        frame: impl FnOnce(u64) -> String,
        attachments: &[&[u8]],
    ) -> Option<Value> {
        let id = self.next_ack.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.acks.lock().await.insert(id, tx);
        let closed = self.closed.notified();
        tokio::pin!(closed);
        closed.as_mut().enable();
        self.send_text(frame(id));
        for bytes in attachments {
            let _ = self.out.send(Message::Binary(bytes.to_vec().into()));
        }
        let mut rx = rx;
        if self.is_closed() {
            return rx.try_recv().ok();
        }
        let ack = tokio::select! {
            biased;
            ack = &mut rx => ack.ok(),
            _ = &mut closed => None,
            _ = tokio::time::sleep(WAIT) => None,
        };
        // An acknowledgement read just before the close was delivered before the close was told.
        ack.or_else(|| rx.try_recv().ok())
    }

    /// Whether the server has closed the connection.
    pub fn is_closed(&self) -> bool {
        self.is_closed.load(Ordering::SeqCst)
    }

    /// Waits for the next `event` matching `pred`; other events stay queued for later waits.
    pub async fn wait_for_where(
        &self,
        event: &str,
        timeout: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.arrived.notified();
            {
                let mut inbox = self.inbox.lock().await;
                if let Some(i) = inbox.iter().position(|(n, v)| n == event && pred(v)) {
                    return inbox.remove(i).map(|(_, v)| v);
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return None;
            }
        }
    }

    /// Waits for the next `event`, panicking after `WAIT`.
    pub async fn wait_for(&self, event: &str) -> Value {
        self.wait_for_where(event, WAIT, |_| true)
            .await
            .unwrap_or_else(|| panic!("no {event} within {WAIT:?}"))
    }

    /// Asserts that no `event` arrives within `within` (nor is waiting unread).
    pub async fn assert_no(&self, event: &str, within: Duration) {
        self.assert_no_where(event, within, |_| true).await;
    }

    /// Asserts that no `event` matching `pred` arrives within `within` (nor is waiting unread).
    pub async fn assert_no_where(
        &self,
        event: &str,
        within: Duration,
        pred: impl Fn(&Value) -> bool,
    ) {
        if let Some(v) = self.wait_for_where(event, within, pred).await {
            panic!("unexpected {event}: {v}");
        }
    }

    /// Asserts that no event at all arrives within `within` (nor is waiting unread): a quiet
    /// window that ends early with the first event.
    pub async fn assert_quiet(&self, within: Duration) {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let notified = self.arrived.notified();
            if let Some((event, v)) = self.inbox.lock().await.front() {
                panic!("unexpected {event}: {v}");
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return;
            }
        }
    }

    /// Forgets everything received so far.
    pub async fn clear(&self) {
        self.inbox.lock().await.clear();
    }

    /// Every event received and not yet consumed.
    pub async fn pending(&self) -> Vec<(String, Value)> {
        self.inbox.lock().await.iter().cloned().collect()
    }

    /// Waits until the server closes the connection.
    pub async fn wait_closed(&self, timeout: Duration) -> bool {
        let notified = self.closed.notified();
        self.is_closed.load(Ordering::SeqCst)
            || tokio::time::timeout(timeout, notified).await.is_ok()
    }

    /// Whether the server ended the session (rather than closing the transport).
    pub fn told_to_leave(&self) -> bool {
        self.told_to_leave.load(Ordering::SeqCst)
    }

    pub fn disconnect(self) {
        self.send_text(packet::DISCONNECT.into());
    }
}

#[cfg(test)]
mod tests {
    use futures_util::{SinkExt, StreamExt};
    use serde_json::{Value, json};
    use tokio::net::TcpListener;
    use tokio_tungstenite::WebSocketStream;
    use tokio_tungstenite::tungstenite::Message;

    use super::*;

    type Peer = WebSocketStream<tokio::net::TcpStream>;

    /// A scripted server for one connection: answers the handshake (`reply` to the CONNECT),
    /// then hands the WebSocket and the CONNECT packet to `script`.
    async fn serve<F, Fut>(reply: &'static str, script: F) -> String
    where
        F: FnOnce(Peer, String) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ()> + Send,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
            ws.send(Message::Text(r#"0{"sid":"s"}"#.into()))
                .await
                .unwrap();
            let connect = next(&mut ws).await;
            ws.send(Message::Text(reply.into())).await.unwrap();
            script(ws, connect).await;
        });
        base
    }

    async fn next(ws: &mut Peer) -> String {
        read_text(ws).await.unwrap().expect("a frame").to_string()
    }

    #[tokio::test]
    async fn events_acks_and_pings_go_both_ways() {
        let (seen_tx, seen_rx) = oneshot::channel();
        let base = serve(r#"40{"sid":"x"}"#, |mut ws, connect| async move {
            ws.send(Message::Text("2".into())).await.unwrap();
            let pong = next(&mut ws).await;
            ws.send(Message::Text(r#"42["hello",{"n":1}]"#.into()))
                .await
                .unwrap();
            let call = next(&mut ws).await;
            ws.send(Message::Text(r#"431[{"ok":true}]"#.into()))
                .await
                .unwrap();
            let _ = seen_tx.send((connect, pong, call));
            while ws.next().await.is_some() {}
        })
        .await;
        let socket = SocketClient::connect(&base, Some("t0k")).await.unwrap();
        assert_eq!(socket.wait_for("hello").await, json!({ "n": 1 }));
        let ack = socket
            .call("send_message", json!({ "content": "hi" }))
            .await;
        assert_eq!(ack, json!({ "ok": true }));
        let (connect, pong, call) = seen_rx.await.unwrap();
        assert_eq!(connect, r#"40{"token":"t0k"}"#);
        assert_eq!(pong, "3");
        assert_eq!(call, r#"421["send_message",{"content":"hi"}]"#);
    }

    #[tokio::test]
    async fn a_refusal_is_the_servers_message() {
        let base = serve(r#"44{"message":"unauthorized"}"#, |_, _| async {}).await;
        let refused = SocketClient::connect(&base, None).await;
        assert_eq!(refused.err().as_deref(), Some("unauthorized"));
    }

    async fn one_event_after(delay: Duration) -> SocketClient {
        let base = serve("40{}", move |mut ws, _| async move {
            tokio::time::sleep(delay).await;
            ws.send(Message::Text(r#"42["surprise",null]"#.into()))
                .await
                .unwrap();
            while ws.next().await.is_some() {}
        })
        .await;
        SocketClient::connect(&base, None).await.unwrap()
    }

    #[tokio::test]
    #[should_panic(expected = "unexpected surprise")]
    async fn a_quiet_window_fails_on_any_event() {
        let socket = one_event_after(Duration::from_millis(50)).await;
        socket.assert_quiet(Duration::from_secs(5)).await;
    }

    #[tokio::test]
    #[should_panic(expected = "unexpected surprise")]
    async fn a_quiet_window_for_one_event_fails_when_it_comes() {
        let socket = one_event_after(Duration::from_millis(50)).await;
        socket
            .assert_no_where("surprise", Duration::from_secs(5), Value::is_null)
            .await;
    }

    #[tokio::test]
    async fn a_quiet_window_passes_when_nothing_comes_in_time() {
        let socket = one_event_after(Duration::from_secs(5)).await;
        socket.assert_quiet(Duration::from_millis(100)).await;
        socket
            .assert_no("surprise", Duration::from_millis(100))
            .await;
    }

    #[tokio::test]
    async fn the_server_ending_the_session_is_told_apart_from_a_closed_transport() {
        let base = serve("40{}", |mut ws, _| async move {
            ws.send(Message::Text("41".into())).await.unwrap();
        })
        .await;
        let socket = SocketClient::connect(&base, None).await.unwrap();
        assert!(socket.wait_closed(WAIT).await);
        assert!(socket.told_to_leave());
    }
}
