//! One worker per socket runs its events in arrival order, through the same service actions as
//! the REST API.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use socketioxide::adapter::Adapter;
use socketioxide::extract::SocketRef;
use tokio::sync::mpsc;
use tracing::Instrument;

use super::connect::SocketUser;
use super::payloads::*;
use super::reply::Reply;
use super::rooms::room;
use crate::app::App;
use crate::domain::input;
use crate::domain::model::{AgentStatus, SessionStatus};
use crate::domain::permissions::{self, Identity};
use crate::error::{AccessExt, ApiError, ApiResult};
use crate::fanout::Target;
use crate::parse_fields;
use crate::store::Mark;

pub struct Job<A: Adapter> {
    pub event: &'static str,
    pub data: Option<Value>,
    pub reply: Reply<A>,
}

/// Runs the socket's events in order until it disconnects, its token expires, or it stops
/// reading what it is sent.
pub async fn run_worker<A: Adapter>(
    app: App,
    s: SocketRef<A>,
    user: Arc<SocketUser>,
    mut jobs: mpsc::Receiver<Job<A>>,
) {
    let expiry = super::lifecycle::expiry(user.expires_at);
    tokio::pin!(expiry);
    loop {
        let job = tokio::select! {
            job = jobs.recv() => match job {
                Some(job) => job,
                None => return,
            },
            () = &mut expiry => return super::lifecycle::expire(&s),
            () = user.lagging.notified() => {
                return super::lifecycle::drop_lagging(&app, &s, &user).await;
            }
        };
        let span = tracing::info_span!("socket_event", event = job.event, socket = %s.id);
        let started = std::time::Instant::now();
        let result = match job.data {
            Some(data) => {
                dispatch(&app, &s, &user, job.event, data)
                    .instrument(span.clone())
                    .await
            }
            None => Err(ApiError::bad_request(
                "the event needs a JSON object payload",
            )),
        };
        metrics::histogram!("raasel_socket_event_duration_seconds", "event" => job.event)
            .record(started.elapsed().as_secs_f64());
        metrics::counter!("raasel_socket_events_total", "event" => job.event).increment(1);
        span.in_scope(|| match &result {
            Ok(_) => tracing::debug!("socket event handled"),
            Err(e) => tracing::info!(error = e.code(), "socket event refused"),
        });
        // A revoked identity is told why, then cut off.
        let revoked = matches!(result, Err(ApiError::Unauthorized(_)));
        job.reply.send(&s, result);
        if revoked {
            let _ = s.clone().disconnect();
        }
    }
}

fn payload<T: DeserializeOwned>(data: Value) -> ApiResult<T> {
    serde_json::from_value(data).map_err(|e| ApiError::bad_request(format!("invalid payload: {e}")))
}

/// The caller as of now: agents are reloaded so that role changes, deletion and revoked tokens
/// take effect on open sockets too.
async fn current(app: &App, user: &SocketUser) -> ApiResult<Identity> {
    match &user.identity {
        Identity::Agent(a) => match app.store.agent(a.organization_id, a.id).await? {
            Some(fresh) if fresh.token_version == user.token_version => Ok(Identity::Agent(fresh)),
            _ => Err(ApiError::unauthorized()),
        },
        client => Ok(client.clone()),
    }
}

fn agent_only(who: &Identity) -> ApiResult<&crate::domain::model::Agent> {
    match who {
        Identity::Agent(a) => Ok(a),
        Identity::Client(_) => Err(ApiError::Forbidden("this needs an agent".into())),
    }
}

async fn dispatch<A: Adapter>(
    app: &App,
    s: &SocketRef<A>,
    user: &SocketUser,
    event: &str,
    data: Value,
) -> ApiResult<Value> {
    let who = current(app, user).await?;
    match event {
        "join_organization" => join(app, s, &who, payload(data)?).await,
        "send_message" => {
            let p: SendMessage = payload(data)?;
            parse_fields!(
                content = "content" => input::content(p.content.as_deref()),
                client_msg_id = "client_msg_id" => input::client_msg_id(p.client_msg_id.as_deref()),
            );
            let message = app
                .chat
                .send_message(&who, p.session_id, content, client_msg_id)
                .await?;
            Ok(json!({ "message": message }))
        }
        "typing_start" | "typing_stop" => {
            let p: SessionRef = payload(data)?;
            let session = app.chat.readable_session(&who, p.session_id).await?;
            app.typing
                .set(&who, &session, event == "typing_start")
                .await;
            Ok(json!({}))
        }
        "get_session_history" => {
            let p: History = payload(data)?;
            let page = app
                .chat
                .history(&who, p.session_id, p.before, p.after, p.limit)
                .await?;
            let body = json!({ "session_id": p.session_id, "messages": page.messages, "has_more": page.has_more });
            super::fanout::send_or_drop_slow(s, "session_history", &body);
            Ok(body)
        }
        "mark_delivered" | "mark_read" => {
            let p: MarkSeq = payload(data)?;
            let mark = if event == "mark_read" {
                Mark::Read
            } else {
                Mark::Delivered
            };
            let seq = app.chat.mark(&who, p.session_id, mark, p.seq).await?;
            Ok(json!({ "session_id": p.session_id, "seq": seq }))
        }
        "assign_agent" => {
            let p: AssignAgent = payload(data)?;
            let session = app
                .chat
                .assign(agent_only(&who)?, p.session_id, p.agent_id)
                .await?;
            Ok(json!({ "session": session }))
        }
        "update_session_status" => {
            let p: UpdateSessionStatus = payload(data)?;
            parse_fields!(status = "status" => input::one_of::<SessionStatus>(Some(&p.status)));
            let session = app
                .chat
                .set_session_status(&who, p.session_id, status)
                .await?;
            Ok(json!({ "session": session }))
        }
        "update_agent_status" => {
            let p: UpdateAgentStatus = payload(data)?;
            let me = agent_only(&who)?;
            parse_fields!(status = "status" => input::one_of::<AgentStatus>(Some(&p.status)));
            let agent = app
                .chat
                .set_agent_status(me, p.agent_id.unwrap_or(me.id), status)
                .await?;
            Ok(json!({ "agent": agent }))
        }
        other => Err(ApiError::bad_request(format!("unknown event {other}"))),
    }
}

/// Agents confirm their organization room and may watch a session; clients join the room of
/// one of their own sessions.
async fn join<A: Adapter>(
    app: &App,
    s: &SocketRef<A>,
    who: &Identity,
    p: JoinOrganization,
) -> ApiResult<Value> {
    if let Identity::Agent(a) = who
        && let Some(org) = p.organization_id
    {
        permissions::same_org(a, org).or_deny("organization")?;
    }
    let Some(session_id) = p.session_id else {
        return match who {
            Identity::Agent(a) => Ok(json!({ "organization_id": a.organization_id })),
            Identity::Client(_) => Err(ApiError::field("session_id", "is required")),
        };
    };
    let session = app.chat.readable_session(who, session_id).await?;
    if p.organization_id
        .is_some_and(|o| o != session.organization_id)
    {
        return Err(ApiError::not_found("session"));
    }
    s.join(room(Target::SessionRoom(session.id)));
    Ok(json!({ "organization_id": session.organization_id, "session_id": session.id }))
}
