//! One worker per socket runs its events in arrival order, through the same service actions as
//! the REST API.

use crate::chat::Draft;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;
use socketioxide::adapter::Adapter;
use socketioxide::extract::SocketRef;
use tokio::sync::mpsc;
use tracing::Instrument;

use super::payloads::*;
use super::reply::Reply;
use super::rooms::room;
use super::socket_user::SocketUser;
use crate::domain::input;
use crate::domain::model::{AgentStatus, SessionStatus};
use crate::domain::permissions::{self, Identity};
use crate::error::{ApiError, ApiResult};
use crate::fanout::Target;
use crate::fanout::events::{ServerEvent, SessionHistory};
use crate::parse_fields;
use crate::state::App;
use crate::store::Mark;

pub struct Job<A: Adapter> {
    /// The parsed event, or why it could not be parsed (answered in turn like any result).
    pub event: ApiResult<ClientEvent>,
    pub reply: Reply<A>,
}

/// Runs the socket's events in order until it disconnects, its token expires, or it stops
/// reading what it is sent.
pub async fn run_worker<A: Adapter>(
    app: App,
    s: SocketRef<A>,
    user: Arc<SocketUser>,
    mut jobs: mpsc::Receiver<Box<Job<A>>>,
) {
    let expiry = super::lifecycle::expiry(&user.expires_at);
    tokio::pin!(expiry);
    loop {
        let job = tokio::select! {
            job = jobs.recv() => match job {
                Some(job) => job,
                None => return,
            },
            () = &mut expiry => return super::lifecycle::expire(&s),
            () = user.lagging.notified() => {
                return Box::pin(super::lifecycle::drop_lagging(&app, &s, &user)).await;
            }
        };
        // Events that could not be parsed share one label: their names come from the client.
        let name = job.event.as_ref().map_or("unparsed", ClientEvent::name);
        let span = event_span(name, &s.id, &user, job.event.as_ref().ok());
        let started = std::time::Instant::now();
        let result = match job.event {
            // Boxed: an idle worker is then only its wait (thousands of sockets idle at once).
            Ok(event) => {
                Box::pin(dispatch(&app, &s, &user, event))
                    .instrument(span.clone())
                    .await
            }
            Err(e) => Err(e),
        };
        metrics::histogram!("raasel_socket_event_duration_seconds", "event" => name)
            .record(started.elapsed().as_secs_f64());
        metrics::counter!("raasel_socket_events_total", "event" => name).increment(1);
        span.record(
            "outcome",
            result.as_ref().map_or_else(|e| e.code().as_str(), |_| "ok"),
        );
        span.in_scope(|| match &result {
            Ok(_) => tracing::debug!("socket event handled"),
            Err(e) => tracing::info!(error = e.code().as_str(), "socket event refused"),
        });
        // A revoked identity is told why, then cut off.
        let revoked = matches!(result, Err(ApiError::Unauthorized(_)));
        job.reply.send(&s, result);
        if revoked {
            let _ = s.clone().disconnect();
        }
    }
}

/// The span of one socket event: who (organization, user), what (event, session) and, once
/// handled, its outcome (`ok` or the error code).
fn event_span(
    name: &str,
    socket: &impl std::fmt::Display,
    user: &SocketUser,
    event: Option<&ClientEvent>,
) -> tracing::Span {
    let (org, user_id) = match &user.identity {
        Identity::Agent(a) => (Some(a.organization_id), a.id.0),
        Identity::Client(c) => (c.organization_id, c.id.0),
    };
    let span = tracing::info_span!(
        "socket_event",
        event = name,
        socket = %socket,
        user = %user_id,
        org = tracing::field::Empty,
        session = tracing::field::Empty,
        outcome = tracing::field::Empty,
    );
    if let Some(org) = org {
        span.record("org", tracing::field::display(org));
    }
    if let Some(session) = event.and_then(ClientEvent::session_id) {
        span.record("session", tracing::field::display(session));
    }
    span
}

/// The acknowledgement's result as JSON.
fn ack<T: Serialize>(result: T) -> Value {
    serde_json::to_value(result).expect("ack results serialize")
}

/// The caller as of now: agents are reloaded so that role changes, deletion and revoked tokens
/// take effect on open sockets too.
async fn current(app: &App, user: &SocketUser) -> ApiResult<Identity> {
    app.accounts
        .current(&user.identity, user.token_version)
        .await
}

/// Moves the socket's expiry to that of a newer token of the same sign-in (the console renews
/// its access token every few minutes and hands the new one to its socket).
async fn renew(app: &App, user: &SocketUser, p: RenewToken) -> ApiResult<Renewed> {
    let verified = app.accounts.verify_socket(&app.tokens, &p.token).await?;
    let same = match (&verified.identity, &user.identity) {
        (Identity::Agent(a), Identity::Agent(b)) => a.id == b.id,
        (Identity::Client(a), Identity::Client(b)) => a.id == b.id,
        _ => false,
    };
    if !same || verified.device != user.device {
        return Err(ApiError::Forbidden(
            "the token is not of this socket's sign-in".into(),
        ));
    }
    user.expires_at
        .fetch_max(verified.expires_at, std::sync::atomic::Ordering::Relaxed);
    Ok(Renewed {
        expires_at: verified.expires_at,
    })
}

/// What an API token may do over a socket: read (its connection needed `read_conversations`),
/// and write messages with `write_messages`; nothing else.
async fn token_may(
    app: &App,
    token: &crate::domain::model::Agent,
    event: &ClientEvent,
) -> ApiResult<()> {
    use crate::domain::api_tokens::Scope;
    let needed = match event {
        ClientEvent::JoinOrganization(_) | ClientEvent::GetSessionHistory(_) => {
            Scope::ReadConversations
        }
        ClientEvent::SendMessage(_) => Scope::WriteMessages,
        _ => {
            return Err(ApiError::Forbidden(
                "API tokens read conversations and write messages over sockets, nothing else"
                    .into(),
            ));
        }
    };
    match app.chat.token_allows(token, needed).await? {
        true => Ok(()),
        false => Err(ApiError::Forbidden(format!(
            "this token lacks the {} scope",
            needed.name()
        ))),
    }
}

fn agent_only(who: &Identity) -> ApiResult<&crate::domain::model::Agent> {
    permissions::agent_of(who).map_err(|_| ApiError::Forbidden("this needs an agent".into()))
}

async fn dispatch<A: Adapter>(
    app: &App,
    s: &SocketRef<A>,
    user: &SocketUser,
    event: ClientEvent,
) -> ApiResult<Value> {
    let who = current(app, user).await?;
    if let Identity::Agent(a) = &who
        && crate::domain::api_tokens::is_token(a)
    {
        token_may(app, a, &event).await?;
    }
    match event {
        ClientEvent::JoinOrganization(p) => join(app, s, &who, p).await.map(ack),
        ClientEvent::RenewToken(p) => renew(app, user, p).await.map(ack),
        ClientEvent::SendMessage(p) => send_message(app, &who, p).await.map(ack),
        ClientEvent::TypingStart(p) => typing(app, &who, p, true).await.map(ack),
        ClientEvent::TypingStop(p) => typing(app, &who, p, false).await.map(ack),
        ClientEvent::GetSessionHistory(p) => history(app, s, &who, p).await.map(ack),
        ClientEvent::MarkDelivered(p) => mark(app, &who, p, Mark::Delivered).await.map(ack),
        ClientEvent::MarkRead(p) => mark(app, &who, p, Mark::Read).await.map(ack),
        ClientEvent::AssignAgent(p) => {
            let session = app
                .chat
                .assign(agent_only(&who)?, p.session_id, p.agent_id)
                .await?;
            Ok(ack(SessionResult { session }))
        }
        ClientEvent::UpdateSessionStatus(p) => {
            parse_fields!(status = "status" => input::one_of::<SessionStatus>(Some(&p.status)));
            let session = app
                .chat
                .set_session_status(&who, p.session_id, status)
                .await?
                .as_seen_by(who.side());
            Ok(ack(SessionResult { session }))
        }
        ClientEvent::UpdateAgentStatus(p) => {
            let me = agent_only(&who)?;
            parse_fields!(status = "status" => input::one_of::<AgentStatus>(Some(&p.status)));
            let agent = app
                .chat
                .set_agent_status(me, p.agent_id.unwrap_or(me.id), status)
                .await?;
            Ok(ack(AgentResult { agent }))
        }
    }
}

async fn send_message(app: &App, who: &Identity, p: SendMessage) -> ApiResult<Sent> {
    let draft = Draft::parse(
        p.content.as_deref(),
        p.client_msg_id.as_deref(),
        p.internal,
        p.attachments.as_deref(),
    )?;
    let message = app.chat.post(who, p.session_id, draft).await?;
    Ok(Sent { message })
}

async fn typing(app: &App, who: &Identity, p: SessionRef, on: bool) -> ApiResult<Done> {
    let session = app.chat.readable_session(who, p.session_id).await?;
    app.typing.set(who, &session, on).await;
    Ok(Done {})
}

/// Answers in the ack and as the `session_history` event.
async fn history<A: Adapter>(
    app: &App,
    s: &SocketRef<A>,
    who: &Identity,
    p: History,
) -> ApiResult<SessionHistory> {
    let page = app
        .chat
        .history(who, p.session_id, p.before, p.after, p.limit)
        .await?;
    let history = SessionHistory {
        session_id: p.session_id,
        messages: page.messages,
        has_more: page.has_more,
    };
    super::broadcast::emit_to(s, &ServerEvent::SessionHistory(history.clone()));
    Ok(history)
}

async fn mark(app: &App, who: &Identity, p: MarkSeq, mark: Mark) -> ApiResult<Marked> {
    let seq = app.chat.mark(who, p.session_id, mark, p.seq).await?;
    Ok(Marked {
        session_id: p.session_id,
        seq,
    })
}

/// Agents confirm their organization room and may watch a session; clients join the room of
/// one of their own sessions.
async fn join<A: Adapter>(
    app: &App,
    s: &SocketRef<A>,
    who: &Identity,
    p: JoinOrganization,
) -> ApiResult<Joined> {
    let (organization_id, session_id) = app
        .chat
        .room_to_join(who, p.organization_id, p.session_id)
        .await?;
    if let Some(session) = session_id {
        s.join(room(Target::SessionRoom(session)));
    }
    Ok(Joined {
        organization_id,
        session_id,
    })
}
