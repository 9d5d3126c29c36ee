//! A small Socket.IO v5 client over a WebSocket (Engine.IO v4 frames), enough to drive the
//! server like a browser would: auth in the handshake, events, acks, pings.

#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::{Mutex, Notify, mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

pub const WAIT: Duration = Duration::from_secs(5);

type Acks = Arc<Mutex<HashMap<u64, oneshot::Sender<Value>>>>;

pub struct SocketClient {
    out: mpsc::UnboundedSender<Message>,
    inbox: Arc<Mutex<VecDeque<(String, Value)>>>,
    arrived: Arc<Notify>,
    acks: Acks,
    next_ack: AtomicU64,
    closed: Arc<Notify>,
    is_closed: Arc<std::sync::atomic::AtomicBool>,
    /// Set when the server ended the Socket.IO session itself (a `41` packet), which a
    /// socket.io-client takes as "do not reconnect"; a closed transport means "reconnect".
    told_to_leave: Arc<std::sync::atomic::AtomicBool>,
}

impl SocketClient {
    /// Connects to `/socket.io/` with `{auth: {token}}`. Err carries the `connect_error` message.
    pub async fn connect(base: &str, token: Option<&str>) -> Result<SocketClient, String> {
        let url = format!(
            "{}/socket.io/?EIO=4&transport=websocket",
            base.replacen("http", "ws", 1)
        );
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .map_err(|e| e.to_string())?;
        let (mut sink, mut stream) = ws.split();
        let open = next_text(&mut stream).await.ok_or("no open packet")?;
        assert!(open.starts_with('0'), "unexpected open packet {open}");
        let auth = match token {
            Some(t) => json!({ "token": t }),
            None => json!({}),
        };
        sink.send(Message::Text(format!("40{auth}").into()))
            .await
            .map_err(|e| e.to_string())?;
        let reply = loop {
            let frame = next_text(&mut stream)
                .await
                .ok_or("closed during connect")?;
            if frame == "2" {
                sink.send(Message::Text("3".into()))
                    .await
                    .map_err(|e| e.to_string())?;
                continue;
            }
            break frame;
        };
        if let Some(err) = reply.strip_prefix("44") {
            let v: Value = serde_json::from_str(err).unwrap_or(Value::Null);
            return Err(v["message"].as_str().unwrap_or(err).to_string());
        }
        assert!(reply.starts_with("40"), "unexpected connect reply {reply}");

        let (out, mut out_rx) = mpsc::unbounded_channel::<Message>();
        let inbox: Arc<Mutex<VecDeque<(String, Value)>>> = Arc::default();
        let arrived = Arc::new(Notify::new());
        let acks: Acks = Arc::default();
        let closed = Arc::new(Notify::new());
        let is_closed = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let told_to_leave = Arc::new(std::sync::atomic::AtomicBool::new(false));
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
                while let Some(frame) = next_text(&mut stream).await {
                    if frame == "2" {
                        let _ = pong.send(Message::Text("3".into()));
                    } else if let Some(rest) = frame.strip_prefix("42") {
                        let (_, arr) = split_id(rest);
                        let v: Value = serde_json::from_str(arr).expect("event json");
                        let name = v[0].as_str().unwrap_or_default().to_string();
                        inbox
                            .lock()
                            .await
                            .push_back((name, v.get(1).cloned().unwrap_or(Value::Null)));
                        arrived.notify_waiters();
                    } else if let Some(rest) = frame.strip_prefix("43") {
                        let (id, arr) = split_id(rest);
                        let v: Value = serde_json::from_str(arr).expect("ack json");
                        if let Some(tx) = acks.lock().await.remove(&id.unwrap_or(0)) {
                            let _ = tx.send(v.get(0).cloned().unwrap_or(Value::Null));
                        }
                    } else if frame.starts_with("41") {
                        told_to_leave.store(true, Ordering::SeqCst);
                        break;
                    } else if frame.starts_with('1') {
                        break;
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
        self.send_text(format!("42{}", json!([event, data])));
    }

    /// Emits and waits for the acknowledgement.
    pub async fn call(&self, event: &str, data: Value) -> Value {
        self.call_raw(|id| format!("2{id}{}", json!([event, data])), &[])
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
        let id = self.next_ack.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.acks.lock().await.insert(id, tx);
        let closed = self.closed.notified();
        tokio::pin!(closed);
        closed.as_mut().enable();
        self.send_text(format!("4{}", packet(id)));
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

    /// Asserts that no `event` arrives within `within`.
    pub async fn assert_no(&self, event: &str, within: Duration) {
        if let Some(v) = self.wait_for_where(event, within, |_| true).await {
            panic!("unexpected {event}: {v}");
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
        self.send_text("41".into());
    }
}

fn split_id(rest: &str) -> (Option<u64>, &str) {
    let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
    (rest[..digits].parse().ok(), &rest[digits..])
}

async fn next_text<S>(stream: &mut S) -> Option<String>
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        match stream.next().await? {
            Ok(Message::Text(t)) => return Some(t.to_string()),
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => continue,
        }
    }
}
