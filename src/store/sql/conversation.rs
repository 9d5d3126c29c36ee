//! The three changes to a conversation (a message, an assignment, a close), written once for
//! both SQL backends over `Steps`: the statements a backend runs inside its own transaction
//! (sqlx on PostgreSQL; the embedded writer's own rusqlite connection on SQLite, whose steps
//! never wait). Each change reads the session locked, decides in memory (`Session::advanced`,
//! `AssignMode::allows`, the notes), then writes the session and its one new message together.
//! Every statement names the organization.

use crate::domain::assignment::AssignMode;
use crate::domain::ids::*;
use crate::domain::model::*;
use crate::domain::notes;
use crate::store::{
    Appended, Assigned, Closed, Closing, NewMessage, Requeue, StoreError, StoreResult,
};

/// The columns of a session, in the order positional decoders read them.
macro_rules! session_columns {
    () => {
        "id, organization_id, client_id, client_name, client_email, agent_id, status, subject, \
         last_seq, last_message_at, queued_at, created_at, updated_at, closed_at, priority, labels, preview, assigned_at, snoozed, \
         snoozed_until, awaiting_since, first_response_at, team_id"
    };
}
pub(crate) use session_columns;

/// The statements both backends run as they are (PostgreSQL appends `FOR UPDATE` where a
/// step locks). Their parameters appear in order, so positional binding reads them alike.
pub mod statements {
    pub const SESSION: &str = concat!(
        "SELECT ",
        session_columns!(),
        " FROM sessions WHERE id = $1 AND organization_id = $2"
    );
    pub const SESSION_FOR_UPDATE: &str = concat!(
        "SELECT ",
        session_columns!(),
        " FROM sessions WHERE id = $1 AND organization_id = $2 FOR UPDATE"
    );
    pub const AGENT: &str = "SELECT * FROM agents WHERE id = $1 AND organization_id = $2";
    pub const AGENT_FOR_UPDATE: &str =
        "SELECT * FROM agents WHERE id = $1 AND organization_id = $2 FOR UPDATE";
    pub const ACTIVE_SESSIONS: &str = "SELECT COUNT(*) FROM sessions
        WHERE agent_id = $1 AND organization_id = $2 AND status = 'active'";
    pub const AGENT_NAME: &str = "SELECT name FROM agents WHERE id = $1 AND organization_id = $2";
    pub const STAMP_ASSIGNED: &str =
        "UPDATE agents SET last_assigned_at = $1 WHERE id = $2 AND organization_id = $3";
    pub const SENT_BEFORE: &str = "SELECT * FROM messages
        WHERE session_id = $1 AND organization_id = $2 AND sender_id = $3 AND client_msg_id = $4";
    /// The columns a message moves (its activity and, for a first message, the queue).
    pub const WRITE_ACTIVITY: &str = "UPDATE sessions SET last_seq = $1, last_message_at = $2,
        updated_at = $3, queued_at = $4, preview = $5, snoozed = $6, snoozed_until = $7,
        awaiting_since = $8, first_response_at = $9 WHERE id = $10 AND organization_id = $11";
    /// Every column a change may move, from the session decided in memory (the team too: a
    /// conversation moved to another team is requeued there).
    pub const WRITE_SESSION: &str = "UPDATE sessions SET agent_id = $1, status = $2,
        closed_at = $3, last_seq = $4, last_message_at = $5, updated_at = $6, queued_at = $7,
        preview = $8, assigned_at = $9, snoozed = $10, snoozed_until = $11, awaiting_since = $12,
        first_response_at = $13, team_id = $14 WHERE id = $15 AND organization_id = $16";
}

/// Which of the session's columns a change moved. A message moves only its activity: writing
/// nothing else leaves the session's indexes on agent and status untouched on the message path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moved {
    /// `last_seq`, `last_message_at`, `updated_at`, `queued_at`, `preview`, and the snooze,
    /// the wait for an answer and the first response.
    Activity,
    /// Those and `agent_id`, `status`, `closed_at`, `assigned_at` (an assignment, a close).
    Everything,
}

/// What a backend does inside the transaction of one change.
pub trait Steps {
    /// The session, locked until the transaction ends; `SessionNotFound` when the organization
    /// has no such session.
    async fn session(&mut self, org: OrgId, id: SessionId) -> StoreResult<Session>;
    /// The message this sender already sent in the session with this key, if any.
    async fn sent_before(
        &mut self,
        org: OrgId,
        m: &NewMessage,
        key: &str,
    ) -> StoreResult<Option<Message>>;
    /// The agent, locked until the transaction ends.
    async fn agent(&mut self, org: OrgId, id: AgentId) -> StoreResult<Option<Agent>>;
    /// How many active sessions the agent holds (exact while the agent is locked).
    async fn active_sessions(&mut self, org: OrgId, agent: AgentId) -> StoreResult<i64>;
    async fn agent_name(&mut self, org: OrgId, id: AgentId) -> StoreResult<Option<String>>;
    /// Records that the agent was just given a conversation (round robin's order).
    async fn stamp_assigned(
        &mut self,
        org: OrgId,
        agent: AgentId,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// Writes the session as decided (the columns `moved` names) and its new message.
    async fn write(
        &mut self,
        session: &Session,
        message: &Message,
        moved: Moved,
    ) -> StoreResult<()>;
}

/// Appends a message: a resend with a known key returns the first send; a closed session
/// takes nothing; a customer's first message puts the session in the queue.
pub async fn append(
    s: &mut impl Steps,
    org: OrgId,
    m: &NewMessage,
    now: Timestamp,
) -> StoreResult<Appended> {
    appending(s, org, m, now)
        .await
        .map_err(|e| e.during("appending a message", &m.session_id))
}

async fn appending(
    s: &mut impl Steps,
    org: OrgId,
    m: &NewMessage,
    now: Timestamp,
) -> StoreResult<Appended> {
    let session = s.session(org, m.session_id).await?;
    if let Some(key) = &m.client_msg_id
        && let Some(message) = s.sent_before(org, m, key).await?
    {
        return Ok(Appended {
            message,
            created: false,
            queued: false,
            session,
        });
    }
    if session.status == SessionStatus::Closed {
        return Err(StoreError::SessionClosed);
    }
    let queued = session.enters_queue_with(m.sender_type);
    let mut session = session.advanced(now, queued);
    let message = m.at(&session, now);
    if let Some(preview) = MessagePreview::of(&message) {
        session.preview = Some(preview);
    }
    let session = session.after_message(&message, now);
    s.write(&session, &message, Moved::Activity).await?;
    Ok(Appended {
        message,
        created: true,
        queued,
        session,
    })
}

/// Assigns the session to the agent when `mode` allows it as of this transaction, with its
/// note; `None` when it does not.
pub async fn assign(
    s: &mut impl Steps,
    org: OrgId,
    session_id: SessionId,
    agent_id: AgentId,
    mode: AssignMode,
    now: Timestamp,
) -> StoreResult<Option<Assigned>> {
    assigning(s, org, session_id, agent_id, mode, now)
        .await
        .map_err(|e| e.during("assigning", &session_id))
}

async fn assigning(
    s: &mut impl Steps,
    org: OrgId,
    session_id: SessionId,
    agent_id: AgentId,
    mode: AssignMode,
    now: Timestamp,
) -> StoreResult<Option<Assigned>> {
    let session = s.session(org, session_id).await?;
    let agent = s
        .agent(org, agent_id)
        .await?
        .ok_or(StoreError::AgentNotFound)?;
    let active = s.active_sessions(org, agent_id).await?;
    if !mode.allows(&session, agent_id, active) {
        return Ok(None);
    }
    let previous = match session.agent_id {
        Some(id) => s.agent_name(org, id).await?.map(|name| (id, name)),
        None => None,
    };
    s.stamp_assigned(org, agent_id, now).await?;
    let previous_name = previous.as_ref().map(|(_, n)| n.as_str());
    let text = match mode {
        AssignMode::Reassign { since, .. } => notes::unanswered(
            previous_name.unwrap_or("the agent"),
            Some(&agent.name),
            (now - since).num_minutes(),
        ),
        _ => notes::assigned(previous_name, &agent.name),
    };
    // A customer who was waiting (in the queue, or for the agent it is taken from) now waits
    // for this agent: the answer deadline starts again.
    let waiting = session.awaiting_since.is_some()
        || (session.status == SessionStatus::Waiting && session.queued_at.is_some());
    let session = Session {
        agent_id: Some(agent_id),
        status: SessionStatus::Active,
        closed_at: None,
        assigned_at: Some(now),
        awaiting_since: waiting.then_some(now),
        snoozed: false,
        snoozed_until: None,
        ..session
    }
    .advanced(now, false);
    let note = NewMessage::note(session_id, text).at(&session, now);
    s.write(&session, &note, Moved::Everything).await?;
    Ok(Some(Assigned {
        session,
        agent,
        previous: previous.map(|(id, _)| id),
        note,
    }))
}

/// Closes the session with its closing note; `None` when it was closed already, or is no
/// longer idle when the close waits on that.
pub async fn close(
    s: &mut impl Steps,
    org: OrgId,
    session_id: SessionId,
    how: &Closing,
    now: Timestamp,
) -> StoreResult<Option<Closed>> {
    closing(s, org, session_id, how, now)
        .await
        .map_err(|e| e.during("closing", &session_id))
}

async fn closing(
    s: &mut impl Steps,
    org: OrgId,
    session_id: SessionId,
    how: &Closing,
    now: Timestamp,
) -> StoreResult<Option<Closed>> {
    let session = s.session(org, session_id).await?;
    let moved_on = how
        .if_idle_since
        .is_some_and(|idle_since| session.last_message_at != idle_since);
    if session.status == SessionStatus::Closed || moved_on {
        return Ok(None);
    }
    let session = Session {
        status: SessionStatus::Closed,
        closed_at: Some(now),
        snoozed: false,
        snoozed_until: None,
        awaiting_since: None,
        ..session
    }
    .advanced(now, false);
    let note = NewMessage::note(session_id, how.note.clone()).at(&session, now);
    s.write(&session, &note, Moved::Everything).await?;
    Ok(Some(Closed { session, note }))
}

/// Puts the session (back) in the queue with its note, if it is still as expected.
pub async fn requeue(
    s: &mut impl Steps,
    org: OrgId,
    session_id: SessionId,
    how: &Requeue,
    now: Timestamp,
) -> StoreResult<Option<Closed>> {
    requeueing(s, org, session_id, how, now)
        .await
        .map_err(|e| e.during("requeueing", &session_id))
}

async fn requeueing(
    s: &mut impl Steps,
    org: OrgId,
    session_id: SessionId,
    how: &Requeue,
    now: Timestamp,
) -> StoreResult<Option<Closed>> {
    let session = s.session(org, session_id).await?;
    let as_seen = |x: &Session| (x.status, x.agent_id, x.awaiting_since, x.closed_at);
    if as_seen(&session) != as_seen(&how.expected) {
        return Ok(None);
    }
    let team_id = how.team.or(session.team_id);
    let session = Session {
        status: SessionStatus::Waiting,
        agent_id: None,
        closed_at: None,
        queued_at: Some(how.queued_at),
        team_id,
        awaiting_since: None,
        snoozed: false,
        snoozed_until: None,
        ..session
    }
    .advanced(now, false);
    let note = NewMessage::note(session_id, how.note.clone()).at(&session, now);
    s.write(&session, &note, Moved::Everything).await?;
    Ok(Some(Closed { session, note }))
}

/// Where a writer sends one change's outcome.
pub type Reply<T> = tokio::sync::oneshot::Sender<StoreResult<T>>;

/// Hands a change (made with its reply channel) to a writer with `submit`, then waits for
/// its outcome, which comes once the change is committed or refused.
pub async fn ask<C, T>(
    make: impl FnOnce(Reply<T>) -> C,
    submit: impl AsyncFnOnce(C) -> StoreResult<()>,
) -> StoreResult<T> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    submit(make(reply)).await?;
    answer
        .await
        .map_err(|_| anyhow::anyhow!("the conversation writer dropped the change"))?
}

/// Runs steps that never wait (the embedded writer's, on its own thread) to their end.
pub fn at_once<T>(steps: impl Future<Output = T>) -> T {
    let mut steps = std::pin::pin!(steps);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match steps.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(done) => done,
        std::task::Poll::Pending => unreachable!("the embedded writer's steps never wait"),
    }
}
