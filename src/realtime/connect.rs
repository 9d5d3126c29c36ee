//! Connecting: the token in the handshake's `auth` becomes the socket's identity; the socket
//! joins its own rooms; agents come online.

use std::num::NonZeroU32;
use std::sync::Arc;

use governor::{Quota, RateLimiter};
use serde_json::Value;
use socketioxide::adapter::Adapter;
use socketioxide::extract::{Event, SocketRef, TryData};
use socketioxide::socket::DisconnectReason;
use tokio::sync::mpsc;

use super::actions::{self, Job};
use super::payloads::ClientEvent;
use super::reply::Reply;
use super::rooms::room;
use super::socket_user::{SocketUser, leave_presence};
use crate::auth;
use crate::domain::permissions::Identity;
use crate::error::ApiError;
use crate::fanout::Target;
use crate::state::App;

/// Events a socket may have waiting before further ones are refused.
const QUEUE_DEPTH: usize = 64;

/// The socket's event queue; removing it from the extensions stops the worker. Events are
/// boxed: the channel allocates its first 32 slots up front, for every idle socket.
struct EventQueue<A: Adapter>(mpsc::Sender<Box<Job<A>>>);

impl<A: Adapter> Clone for EventQueue<A> {
    fn clone(&self) -> Self {
        EventQueue(self.0.clone())
    }
}

/// Why a connection was refused; the text is the client's `connect_error` message.
#[derive(Debug)]
pub enum Refused {
    Unauthorized,
    TooManySockets,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Refused::Unauthorized => "unauthorized",
            Refused::TooManySockets => "too_many_connections",
        })
    }
}

/// The kind of account behind a socket, as a metric label.
fn kind(identity: &Identity) -> &'static str {
    match identity {
        Identity::Agent(_) => "agent",
        Identity::Client(c) if c.organization_id.is_some() => "visitor",
        Identity::Client(_) => "customer",
    }
}

/// The account a socket counts against.
fn account(identity: &Identity) -> uuid::Uuid {
    match identity {
        Identity::Agent(a) => a.id.0,
        Identity::Client(c) => c.id.0,
    }
}

/// Connect middleware: a missing, invalid, expired or revoked token is refused, and so is a
/// socket beyond the account's cap.
pub async fn authenticate<A: Adapter>(
    app: App,
    s: SocketRef<A>,
    auth: Option<Value>,
) -> Result<(), Refused> {
    let token = auth
        .as_ref()
        .and_then(|a| a.get("token"))
        .and_then(Value::as_str)
        .ok_or(Refused::Unauthorized)?;
    let auth::Verified {
        identity,
        expires_at,
        device,
    } = app
        .accounts
        .verify_socket(&app.tokens, token)
        .await
        .map_err(|_| Refused::Unauthorized)?;
    if !app.account_sockets.try_open(account(&identity)) {
        metrics::counter!("raasel_socket_connections_refused_total", "reason" => "account_cap")
            .increment(1);
        tracing::info!(account = %account(&identity), "socket refused: too many for one account");
        return Err(Refused::TooManySockets);
    }
    let token_version = match &identity {
        Identity::Agent(a) => a.token_version,
        Identity::Client(c) => c.token_version,
    };
    let per_second = NonZeroU32::new(app.config.socket_events_per_second.max(1)).expect("non-zero");
    let quota = Quota::per_second(per_second)
        .allow_burst(per_second.saturating_mul(NonZeroU32::new(2).expect("two")));
    let user = Arc::new(SocketUser {
        identity,
        token_version,
        expires_at: expires_at.into(),
        device,
        limiter: RateLimiter::direct(quota),
        lagging: tokio::sync::Notify::new(),
        presence: Default::default(),
    });
    s.extensions.insert(user.clone());
    attach(app, &s, user);
    Ok(())
}

/// Rooms, event handlers and the event worker. This runs in the middleware, before the
/// connect packet goes out, because the client may send events (and rooms may receive
/// broadcasts) the moment it is connected.
fn attach<A: Adapter>(app: App, s: &SocketRef<A>, user: Arc<SocketUser>) {
    metrics::gauge!("raasel_socket_connections", "kind" => kind(&user.identity)).increment(1.0);
    tracing::info!(
        socket = %s.id,
        kind = kind(&user.identity),
        account = %account(&user.identity),
        "socket connected"
    );
    s.join(super::rooms::node_room(app.node));
    match &user.identity {
        Identity::Agent(a) => {
            s.join([
                room(Target::OrgAgents(a.organization_id)),
                room(Target::Agent(a.id)),
            ]);
            if let Some(device) = user.device {
                s.join(room(Target::Device(device)));
            }
        }
        Identity::Client(c) => {
            s.join(room(Target::Client(c.id)));
            if let Some(org) = c.organization_id {
                s.join(room(Target::OrgVisitors(org)));
            }
        }
    }
    let (tx, rx) = mpsc::channel(QUEUE_DEPTH);
    s.extensions.insert(EventQueue(tx));
    tokio::spawn(actions::run_worker(app.clone(), s.clone(), user, rx));
    // One entry for every event, known or not, so each is rate limited and answered.
    s.on_fallback(
        |s: SocketRef<A>, Event(name): Event, reply: Reply<A>, data: TryData<Value>| {
            enqueue(&s, &name, data.0.ok(), reply);
            async {}
        },
    );
    let weak = app.downgrade();
    s.on_disconnect(move |s: SocketRef<A>, reason: DisconnectReason| {
        let app = weak.upgrade();
        async move {
            if let Some(app) = app {
                on_disconnect(app, s, reason).await
            }
        }
    });
}

/// After the connect packet: presence and queue positions, which may emit to this socket.
pub async fn on_connect<A: Adapter>(app: App, s: SocketRef<A>) {
    let Some(user) = s.extensions.get::<Arc<SocketUser>>() else {
        let _ = s.disconnect();
        return;
    };
    let arrived = match &user.identity {
        Identity::Agent(_) => match user.enter_presence(&app).await {
            Some(entered) => entered,
            None => return,
        },
        Identity::Client(client) => tell_queue_positions(&app, &s, client).await,
    };
    if let Err(e) = arrived {
        tracing::error!(error = %e, "socket connect follow-up");
    }
}

/// A newly connected customer's socket learns where their waiting conversations stand (the
/// client's other sockets already know).
async fn tell_queue_positions<A: Adapter>(
    app: &App,
    s: &SocketRef<A>,
    client: &crate::domain::model::Client,
) -> crate::error::ApiResult<()> {
    for position in app.chat.queue_positions_of(client).await? {
        super::broadcast::emit_to(s, &position);
    }
    Ok(())
}

/// Runs in the socket's read loop, so events enter the queue in the order they arrived.
fn enqueue<A: Adapter>(s: &SocketRef<A>, name: &str, data: Option<Value>, reply: Reply<A>) {
    let Some(user) = s.extensions.get::<Arc<SocketUser>>() else {
        return;
    };
    if user.limiter.check().is_err() {
        metrics::counter!("raasel_socket_events_limited_total").increment(1);
        reply.send(
            s,
            Err(ApiError::RateLimited {
                retry_after_secs: 1,
            }),
        );
        return;
    }
    if data
        .as_ref()
        .is_some_and(|d| approx_size(d) > MAX_EVENT_BYTES)
    {
        // The same bound as HTTP bodies; a client sending this much is not a chat client.
        reply.send(s, Err(ApiError::PayloadTooLarge));
        let _ = s.clone().disconnect();
        return;
    }
    let Some(EventQueue(queue)) = s.extensions.get::<EventQueue<A>>() else {
        return;
    };
    let event = ClientEvent::parse(name, data);
    if let Err(mpsc::error::TrySendError::Full(job) | mpsc::error::TrySendError::Closed(job)) =
        queue.try_send(Box::new(Job { event, reply }))
    {
        job.reply.send(
            s,
            Err(ApiError::RateLimited {
                retry_after_secs: 1,
            }),
        );
    }
}

/// Largest event payload accepted, as for HTTP bodies.
const MAX_EVENT_BYTES: usize = crate::http::MAX_BODY_BYTES;

/// The size of a JSON value's text, give or take punctuation; cheap enough for every event.
fn approx_size(v: &Value) -> usize {
    match v {
        Value::String(s) => s.len() + 2,
        Value::Array(items) => items.iter().map(approx_size).sum::<usize>() + items.len() + 2,
        Value::Object(map) => {
            map.iter()
                .map(|(k, v)| k.len() + 3 + approx_size(v))
                .sum::<usize>()
                + 2
        }
        _ => 8,
    }
}

async fn on_disconnect<A: Adapter>(app: App, s: SocketRef<A>, reason: DisconnectReason) {
    s.extensions.remove::<EventQueue<A>>();
    let Some(user) = s.extensions.get::<Arc<SocketUser>>() else {
        return;
    };
    metrics::gauge!("raasel_socket_connections", "kind" => kind(&user.identity)).decrement(1.0);
    tracing::info!(socket = %s.id, account = %account(&user.identity), ?reason, "socket disconnected");
    app.account_sockets.close(account(&user.identity));
    leave_presence(&app, &user).await;
}
