//! Persistence behind the traits of `contract.rs`: `Store` (organizations, people, sessions),
//! `Conversations` (what changes a conversation, atomically with what it writes into it) and
//! `MessageLog` (the messages, keyed by organization and session). `sqlite/` implements all three
//! for the embedded mode, `postgres/` for installations that outgrow one machine.

pub mod cassandra;
mod contract;
pub mod migrate;
mod open;
pub mod postgres;
mod rows;
mod sql;
pub mod sqlite;
pub mod transfer;

use uuid::Uuid;

pub use crate::domain::assignment::AssignMode;
pub use contract::{
    Attachments, Audit, Conversations, DeliveryOutcome, Devices, Followup, Hooks, MessageLog,
    Search, SecondFactors, SingleSignOn, Store, Workspace,
};

pub use open::{StoreConfig, Stores, open};

use crate::domain::model::{Agent, Message, SenderType, Session, Timestamp};
use crate::domain::{AgentId, MessageId, SessionId};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was hit; the text names what already exists.
    #[error("{0}")]
    Conflict(&'static str),
    /// The session is not one of the organization's.
    #[error("session not found")]
    SessionNotFound,
    /// The agent is not one of the organization's (or was just deleted).
    #[error("agent not found")]
    AgentNotFound,
    #[error("session closed")]
    SessionClosed,
    /// Between a store and its message log elsewhere: a resend whose first send already left the
    /// outbox for the log, at this seq (the log has it).
    #[error("the message is in the log at seq {seq}")]
    StoredElsewhere { seq: i64 },
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Uniqueness rules by index name, with the sentence a user sees when they hit one.
const CONFLICTS: &[(&str, &str)] = &[
    (
        "organizations_domain_key",
        "an organization with this domain already exists",
    ),
    (
        "agents_org_email_key",
        "an agent with this e-mail already exists in the organization",
    ),
    ("clients_username_key", "this username is taken"),
    (
        "clients_email_key",
        "an account with this e-mail already exists",
    ),
    (
        "clients_org_external_id_key",
        "a visitor with this external id already exists",
    ),
    (
        "labels_org_name_key",
        "a label with this name already exists in the organization",
    ),
    (
        "teams_org_name_key",
        "a team with this name already exists in the organization",
    ),
];

/// The user-facing sentence for a violated unique index.
pub fn conflict_for_index(index: &str) -> Option<StoreError> {
    CONFLICTS
        .iter()
        .find(|(name, _)| *name == index)
        .map(|(_, msg)| StoreError::Conflict(msg))
}

/// Maps driver errors: unique violations become `Conflict` by index name (PostgreSQL names the
/// constraint; SQLite names its columns).
impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e
            && db.is_unique_violation()
            && let Some(conflict) = db
                .constraint()
                .or_else(|| sqlite::unique_index(db.message()))
                .and_then(conflict_for_index)
        {
            return conflict;
        }
        StoreError::Other(anyhow::Error::new(e))
    }
}

impl StoreError {
    /// Names the operation and what it was about in an unexpected error (a failed statement, a
    /// lost connection); the outcomes of the domain (not found, closed, conflict) pass as they
    /// are.
    pub fn during(self, op: &str, subject: &(dyn std::fmt::Display + Sync)) -> StoreError {
        match self {
            StoreError::Other(e) => StoreError::Other(e.context(format!("{op} ({subject})"))),
            outcome => outcome,
        }
    }
}

/// Runs one store operation, naming it and its subject in an unexpected error.
pub async fn during<T>(
    op: &str,
    subject: &(dyn std::fmt::Display + Sync),
    work: impl std::future::Future<Output = StoreResult<T>>,
) -> StoreResult<T> {
    work.await.map_err(|e| e.during(op, subject))
}

/// A message to append; the store gives it its `seq`, id and time.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub session_id: SessionId,
    pub sender_type: SenderType,
    pub sender_id: Option<Uuid>,
    pub sender_name: String,
    pub content: String,
    pub client_msg_id: Option<String>,
    /// A private note of the agents.
    pub internal: bool,
    pub attachments: Vec<crate::domain::attachments::AttachmentRef>,
}

/// What appending did.
#[derive(Debug, Clone)]
pub struct Appended {
    pub message: Message,
    /// False when `client_msg_id` matched a stored message, which is returned instead.
    pub created: bool,
    /// True when this was the client's first message, which puts the session in the queue.
    pub queued: bool,
    /// The session after the append.
    pub session: Session,
}

/// A window of history in ascending `seq`.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub before: Option<i64>,
    pub after: Option<i64>,
    pub limit: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Delivered,
    Read,
}

/// An agent and how many active sessions they hold.
#[derive(Debug, Clone)]
pub struct AgentLoad {
    pub agent: Agent,
    pub active_sessions: u32,
}

/// Changes to an agent's profile; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AgentChanges {
    pub name: Option<String>,
    pub email: Option<String>,
    pub role: Option<crate::domain::model::Role>,
    pub status: Option<crate::domain::model::AgentStatus>,
    /// `Some(None)` clears the override.
    pub max_concurrent_sessions: Option<Option<u32>>,
}

impl NewMessage {
    /// A system note in a session.
    pub fn note(session_id: SessionId, content: String) -> NewMessage {
        NewMessage {
            session_id,
            sender_type: SenderType::System,
            sender_id: None,
            sender_name: crate::domain::notes::SYSTEM_SENDER.into(),
            content,
            client_msg_id: None,
            internal: false,
            attachments: Vec::new(),
        }
    }

    /// The message as stored at the session's current `last_seq`.
    pub fn at(&self, session: &Session, now: Timestamp) -> Message {
        Message {
            id: MessageId::new(),
            organization_id: session.organization_id,
            session_id: session.id,
            seq: session.last_seq,
            sender_type: self.sender_type,
            sender_id: self.sender_id,
            sender_name: self.sender_name.clone(),
            content: self.content.clone(),
            client_msg_id: self.client_msg_id.clone(),
            created_at: now,
            internal: self.internal,
            attachments: self.attachments.clone(),
        }
    }
}

/// What an assignment did.
#[derive(Debug, Clone)]
pub struct Assigned {
    /// The session after the assignment.
    pub session: Session,
    /// The agent it now belongs to.
    pub agent: Agent,
    /// The agent it was taken from (a transfer), as the update found it.
    pub previous: Option<AgentId>,
    /// The note recording it in the conversation.
    pub note: Message,
}

/// A close: the note it writes, and whether it waits on the conversation being idle.
#[derive(Debug, Clone)]
pub struct Closing {
    pub note: String,
    /// Close only if the last message is still the one at this time (an inactivity close
    /// must not follow a message that arrived after the conversation was found idle).
    pub if_idle_since: Option<Option<Timestamp>>,
}

impl Closing {
    /// Someone closes it.
    pub fn by(name: &str) -> Closing {
        Closing {
            note: crate::domain::notes::closed(name),
            if_idle_since: None,
        }
    }
}

/// Putting an open or closed conversation (back) in the queue, unassigned, with a note: when
/// nobody answered in time, or when its customer writes again soon after a close. Done only
/// if the conversation is still as `expected` (status, agent, wait and close time), so of
/// several nodes acting on the same due timer one does it.
#[derive(Debug, Clone)]
pub struct Requeue {
    pub note: String,
    pub expected: Session,
    /// Its place in the queue (an earlier time keeps the customer's original place).
    pub queued_at: Timestamp,
    /// The team whose queue it joins (none: the one it is in).
    pub team: Option<crate::domain::TeamId>,
}

/// What closing did.
#[derive(Debug, Clone)]
pub struct Closed {
    pub session: Session,
    /// The closing note, the conversation's last message.
    pub note: Message,
}

/// A held queue lock; release it when the drain is done.
pub struct QueueLock(Option<Box<dyn HeldLock>>);

/// How a backend lets go of a queue lock.
#[async_trait::async_trait]
pub trait HeldLock: Send {
    async fn release(self: Box<Self>);
}

impl QueueLock {
    /// Nothing to hold: the backend serves a single server.
    pub fn not_needed() -> QueueLock {
        QueueLock(None)
    }

    pub fn held(lock: Box<dyn HeldLock>) -> QueueLock {
        QueueLock(Some(lock))
    }

    pub async fn release(mut self) {
        if let Some(lock) = self.0.take() {
            lock.release().await;
        }
    }
}

/// Which of an organization's sessions a list shows, and in what order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionFilter {
    pub status: Option<crate::domain::model::SessionStatus>,
    pub agent: Option<AgentId>,
    pub label: Option<crate::domain::LabelId>,
    pub priority: Option<crate::domain::model::Priority>,
    /// Only snoozed ones, or only the others.
    pub snoozed: Option<bool>,
    /// Part of the customer's name or e-mail, any case.
    pub customer: Option<String>,
    /// Only this team's.
    pub team: Option<crate::domain::TeamId>,
    pub sort: SessionSort,
    /// Only what this agent's lists reach; `None` for those who see everything.
    pub visible_to: Option<Within>,
    pub limit: u32,
}

/// An agent's reach as a query filter: their own conversations and their teams' (the waiting
/// ones, or with `whole_teams` all of them). A conversation of no team is every team's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Within {
    pub agent: AgentId,
    pub whole_teams: bool,
}

impl Within {
    /// The filter of a reach; `None` when it is everything.
    pub fn of(reach: &crate::domain::teams::Reach) -> Option<Within> {
        (!reach.everything).then_some(Within {
            agent: reach.agent,
            whole_teams: reach.whole_teams,
        })
    }
}

/// The condition of `Within` on a session row named `s`, with the agent as `$a` and
/// `whole_teams` as `$w` (the caller numbers them).
#[macro_export]
macro_rules! within_sql {
    ($s:literal, $a:literal, $w:literal) => {
        concat!(
            "(",
            $a,
            " IS NULL OR ",
            $s,
            ".agent_id = ",
            $a,
            " OR ((",
            $w,
            " OR ",
            $s,
            ".status = 'waiting') AND (",
            $s,
            ".team_id IS NULL OR EXISTS (SELECT 1 FROM ",
            "team_members tm WHERE tm.team_id = ",
            $s,
            ".team_id AND tm.agent_id = ",
            $a,
            "))))"
        )
    };
}

/// How a list of sessions is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SessionSort {
    /// Newest first (by creation).
    #[default]
    Newest,
    /// Most recent activity first.
    Activity,
    /// Longest waiting first (by when the customer's first message queued it).
    Waiting,
    /// Most urgent first, then newest.
    Priority,
}

/// A message a search found, before its snippet is made.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageHit {
    pub session_id: SessionId,
    pub seq: i64,
    pub created_at: Timestamp,
}
