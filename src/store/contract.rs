//! The store contract: three traits, each method documented with what it guarantees when it is
//! called concurrently from many connections, tasks, or server processes sharing one database.
//! Every backend keeps it; the behaviour suite in `tests/api/store_contract.rs` proves it for
//! each backend.
//!
//! - [`Store`]: organizations, agents, clients, sessions and read marks.
//! - [`Conversations`]: everything that changes a conversation's course together with what it
//!   writes into it: a message with its effects on the session (next gapless `seq`, the closed
//!   check, entering the queue, idempotent resends), an assignment with its note, a close with
//!   its note. Each is atomic and durable before it returns.
//! - [`MessageLog`]: the messages themselves, keyed `((organization, session), seq)`, so that a
//!   partitioned store can hold them.
//! - [`Followup`]: after the conversation: ratings, e-mail opt-outs and the e-mail outbox.
//! - [`Hooks`]: integrations: webhook endpoints and their deliveries, API tokens.
//! - [`Audit`]: the audit log.
//! - [`Attachments`]: what is known about the files in conversations (their bytes are in the
//!   file store).
//!
//! Tenancy is part of every query: a method that reads or changes an organization's object takes
//! the organization and finds nothing for an id of another organization.

use async_trait::async_trait;

use super::{
    AgentChanges, AgentLoad, Appended, AssignMode, Assigned, Closed, Closing, Mark, MessageHit,
    NewMessage, Page, QueueLock, Requeue, SessionFilter, StoreResult,
};
use crate::domain::api_tokens::ApiToken;
use crate::domain::canned::CannedReply;
use crate::domain::contacts::{ContactDetails, VisitContext};
use crate::domain::email::{EmailOutcome, OutgoingEmail};
use crate::domain::labels::Label;
use crate::domain::mentions::Mention;
use crate::domain::model::Priority;
use crate::domain::model::{
    Agent, Audience, Client, Message, OrgSettings, Organization, ReadState, Session, SessionStatus,
    Side, Timestamp,
};
use crate::domain::ratings::Rating;
use crate::domain::teams::{Team, TeamChange};
use crate::domain::webhooks::{Delivery, Endpoint, Outgoing};
use crate::domain::{AgentId, ClientId, DeviceId, OrgId, SessionId};
use crate::domain::{CannedReplyId, LabelId, TeamId};

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Proves the store answers and accepts writes.
    async fn ping(&self) -> StoreResult<()>;

    /// Creates the organization with its first admin, together or not at all. Concurrent
    /// creations with one domain: one succeeds, the others get `Conflict`.
    async fn create_organization(
        &self,
        org: &Organization,
        admin: &Agent,
        admin_password_hash: &str,
    ) -> StoreResult<()>;
    async fn organization(&self, id: OrgId) -> StoreResult<Option<Organization>>;
    async fn organization_by_domain(&self, domain: &str) -> StoreResult<Option<Organization>>;
    /// Every organization (the platform operator's list).
    async fn organizations(&self) -> StoreResult<Vec<Organization>>;
    /// Organizations whose name or domain contains `q`, case-insensitively, by name.
    async fn search_organizations(&self, q: &str, limit: u32) -> StoreResult<Vec<Organization>>;
    /// `None` when the organization does not exist; `Conflict` for a taken domain.
    async fn update_organization(
        &self,
        id: OrgId,
        name: &str,
        domain: &str,
        settings: &OrgSettings,
        now: Timestamp,
    ) -> StoreResult<Option<Organization>>;
    /// Deletes the organization and everything it owns in this store (the message log is the
    /// caller's to clear). False when it did not exist.
    async fn delete_organization(&self, id: OrgId) -> StoreResult<bool>;

    /// `Conflict` when the e-mail is taken within the organization.
    async fn insert_agent(&self, agent: &Agent, password_hash: &str) -> StoreResult<()>;
    async fn agent(&self, org: OrgId, id: AgentId) -> StoreResult<Option<Agent>>;
    /// Every agent with this e-mail, in any organization, with their password hash (login).
    async fn agent_logins(&self, email: &str) -> StoreResult<Vec<(Agent, String)>>;
    async fn agent_password_hash(&self, org: OrgId, id: AgentId) -> StoreResult<Option<String>>;
    async fn agents(&self, org: OrgId) -> StoreResult<Vec<Agent>>;
    /// Agents with how many active sessions each holds, as of one snapshot.
    async fn agent_loads(&self, org: OrgId) -> StoreResult<Vec<AgentLoad>>;
    /// Applies the changes. `Conflict` when it would leave the organization without an admin:
    /// of any number of concurrent demotions and deletions of admins, at least one admin stays.
    async fn update_agent(
        &self,
        org: OrgId,
        id: AgentId,
        changes: &AgentChanges,
        now: Timestamp,
    ) -> StoreResult<Option<Agent>>;
    /// Sets the hash and bumps the token version, revoking every earlier token. False when the
    /// agent does not exist.
    async fn set_agent_password(
        &self,
        org: OrgId,
        id: AgentId,
        hash: &str,
        now: Timestamp,
    ) -> StoreResult<bool>;
    /// Deletes the agent and returns their active sessions to the queue (waiting, unassigned),
    /// together. `Conflict` for the organization's last admin (as for `update_agent`);
    /// `AgentNotFound` when there is no such agent. Returns the requeued sessions.
    async fn delete_agent(
        &self,
        org: OrgId,
        id: AgentId,
        now: Timestamp,
    ) -> StoreResult<Vec<SessionId>>;

    /// `Conflict` for a taken username or e-mail (registered clients) or external id (verified
    /// visitors of one organization).
    async fn insert_client(&self, client: &Client, password_hash: Option<&str>) -> StoreResult<()>;
    /// A client as its token names it: a registered client (`org` None) or a visitor of `org`.
    async fn client(&self, id: ClientId, org: Option<OrgId>) -> StoreResult<Option<Client>>;
    /// A registered client by e-mail, with their password hash.
    async fn client_login(&self, email: &str) -> StoreResult<Option<(Client, String)>>;
    async fn visitor_by_external_id(
        &self,
        org: OrgId,
        external_id: &str,
    ) -> StoreResult<Option<Client>>;
    /// Bumps the token version of every verified visitor (one with an external id) of the
    /// organization, revoking their tokens; returns how many.
    async fn revoke_verified_visitors(&self, org: OrgId) -> StoreResult<u64>;

    async fn insert_session(&self, session: &Session) -> StoreResult<()>;
    /// A session of the organization.
    async fn session(&self, org: OrgId, id: SessionId) -> StoreResult<Option<Session>>;
    /// A session of the client.
    async fn client_session(&self, client: ClientId, id: SessionId)
    -> StoreResult<Option<Session>>;
    /// The client's sessions across organizations, newest activity first.
    async fn client_sessions(&self, client: ClientId) -> StoreResult<Vec<Session>>;
    /// Sessions of an organization, newest first, at most 500 (`status` filters).
    async fn org_sessions(
        &self,
        org: OrgId,
        status: Option<SessionStatus>,
    ) -> StoreResult<Vec<Session>>;
    /// Sessions assigned to one agent of the organization, newest first, at most 500.
    async fn agent_sessions(
        &self,
        org: OrgId,
        agent: AgentId,
        status: Option<SessionStatus>,
    ) -> StoreResult<Vec<Session>>;
    /// Waiting sessions whose client has written, oldest first (the queue).
    async fn queue(&self, org: OrgId) -> StoreResult<Vec<Session>>;
    /// How long the organization's last `limit` assigned conversations (of `team` when given)
    /// waited in line (from the customer's first message to an agent), newest first.
    async fn recent_waits(
        &self,
        org: OrgId,
        team: Option<TeamId>,
        limit: u32,
    ) -> StoreResult<Vec<chrono::Duration>>;
    /// Organizations with conversations waiting in their queue (at most 1,000).
    async fn organizations_with_waiting(&self) -> StoreResult<Vec<OrgId>>;
    /// How many sessions wait in the queues of all organizations (for metrics).
    async fn waiting_sessions(&self) -> StoreResult<u64>;
    /// Holds the organization's queue for one drainer at a time across every server sharing
    /// the store, until the lock is released (so round robin sees each assignment before the
    /// next). Correctness does not depend on it: assignments are conditional anyway.
    async fn lock_queue(&self, org: OrgId) -> StoreResult<QueueLock>;

    /// Moves one side's mark forward, never back, however many marks race; reading implies
    /// delivery. Returns the marks after the move.
    async fn mark(
        &self,
        org: OrgId,
        session: SessionId,
        side: Side,
        mark: Mark,
        seq: i64,
    ) -> StoreResult<ReadState>;
    async fn read_state(
        &self,
        org: OrgId,
        session: SessionId,
        side: Side,
    ) -> StoreResult<ReadState>;
}

#[async_trait]
pub trait Conversations: Send + Sync + 'static {
    /// Stores a message in a session of `org`, durably, before returning:
    /// - `SessionNotFound` for a session that is not the organization's;
    /// - the stored message (`created: false`) when the same sender already sent this
    ///   `client_msg_id` in the session, also when the two sends race on different nodes;
    /// - `SessionClosed` once the session's close has committed (never a message after the
    ///   closing note);
    /// - otherwise the next `seq`: concurrent appends to one session get distinct, gapless,
    ///   consecutive seqs; the client's first message puts the session in the queue, once.
    async fn append(&self, org: OrgId, msg: NewMessage) -> StoreResult<Appended>;
    /// Assigns (or transfers) a session to an agent of `org` and writes the note
    /// (`domain::notes::assigned`) in the same transaction, so notes follow the real order of
    /// concurrent assignments and name the owner the update replaced. `None` when `mode` does
    /// not allow it now (taken meanwhile, closed, or the agent at capacity: at most one of any
    /// number of concurrent assigners of one session wins, and an agent never goes over the
    /// capacity given); `AgentNotFound` when the agent is not the organization's (also when it
    /// is being deleted); `SessionNotFound` likewise.
    async fn assign(
        &self,
        org: OrgId,
        session: SessionId,
        agent: AgentId,
        mode: AssignMode,
    ) -> StoreResult<Option<Assigned>>;
    /// Closes the session with its note (`domain::notes::closed`, naming `by`) in one
    /// transaction. `None` when it was already closed: of concurrent closes exactly one writes
    /// the note. Changes are stamped with the time they are applied, so `closed_at` is never
    /// earlier than a message before it.
    async fn close(
        &self,
        org: OrgId,
        session: SessionId,
        closing: &Closing,
    ) -> StoreResult<Option<Closed>>;
    /// Puts the session (back) in the queue with its note in one transaction, in
    /// `requeue.team`'s queue when it names one; `None` when it is no longer as
    /// `requeue.expected` says (someone acted first), so of concurrent moves one wins.
    async fn requeue(
        &self,
        org: OrgId,
        session: SessionId,
        requeue: &Requeue,
    ) -> StoreResult<Option<Closed>>;
    /// Waits until every change accepted so far is durable (for shutdown).
    async fn flush(&self) -> StoreResult<()>;
}

#[async_trait]
pub trait MessageLog: Send + Sync + 'static {
    /// Writes messages at the seqs they carry, each keyed `((organization, session), seq)`;
    /// writing the same key again leaves one copy. Durable before returning.
    async fn write(&self, messages: &[Message]) -> StoreResult<()>;
    /// A window of the messages `audience` sees (a customer never a private note) in ascending
    /// `seq`, and whether more it sees exist beyond it (before `page.before` when reading
    /// backwards from it or the end; after `page.after`).
    async fn range(
        &self,
        org: OrgId,
        session: SessionId,
        page: Page,
        audience: Audience,
    ) -> StoreResult<(Vec<Message>, bool)>;
    /// The message with this seq, when `audience` sees it.
    async fn at(
        &self,
        org: OrgId,
        session: SessionId,
        seq: i64,
        audience: Audience,
    ) -> StoreResult<Option<Message>>;
    /// The newest message `audience` sees.
    async fn last(
        &self,
        org: OrgId,
        session: SessionId,
        audience: Audience,
    ) -> StoreResult<Option<Message>>;
    /// Messages after `seq` not written by `side` that `side` sees (a customer no private
    /// note); system notes count only when `with_notes`.
    async fn count_unread(
        &self,
        org: OrgId,
        session: SessionId,
        side: Side,
        seq: i64,
        with_notes: bool,
    ) -> StoreResult<i64>;
    async fn delete_session(&self, org: OrgId, session: SessionId) -> StoreResult<()>;
    async fn delete_organization(&self, org: OrgId) -> StoreResult<()>;
}

/// What the agents' workspace keeps besides conversations: labels and priority, canned
/// replies, what the organization knows of its customers, mentions, filtered lists.
#[async_trait]
pub trait Workspace: Send + Sync + 'static {
    /// The organization's labels, by name.
    async fn labels(&self, org: OrgId) -> StoreResult<Vec<Label>>;
    /// False when the organization already has `MAX_LABELS_PER_ORG`, however many inserts race;
    /// `Conflict` for a name it has (any case).
    async fn insert_label(&self, label: &Label) -> StoreResult<bool>;
    /// `None` when it is not the organization's; `Conflict` for a taken name.
    async fn update_label(
        &self,
        org: OrgId,
        id: LabelId,
        name: &str,
        color: &str,
    ) -> StoreResult<Option<Label>>;
    /// Conversations keep its id, which reads drop (see `labels::existing`).
    async fn delete_label(&self, org: OrgId, id: LabelId) -> StoreResult<bool>;
    /// Sets a session's labels and priority; `None` when it is not the organization's.
    async fn set_session_tags(
        &self,
        org: OrgId,
        session: SessionId,
        labels: &[LabelId],
        priority: Priority,
        now: Timestamp,
    ) -> StoreResult<Option<Session>>;
    /// Sessions of the organization as `filter` says, at most `filter.limit`.
    async fn filtered_sessions(
        &self,
        org: OrgId,
        filter: &SessionFilter,
    ) -> StoreResult<Vec<Session>>;

    /// The organization's shared replies and the agent's own, by shortcut.
    async fn canned_replies(&self, org: OrgId, agent: AgentId) -> StoreResult<Vec<CannedReply>>;
    async fn canned_reply(&self, org: OrgId, id: CannedReplyId)
    -> StoreResult<Option<CannedReply>>;
    /// False when its owner (the organization, or the agent) already keeps the most allowed,
    /// however many inserts race.
    async fn insert_canned_reply(&self, reply: &CannedReply) -> StoreResult<bool>;
    async fn update_canned_reply(
        &self,
        org: OrgId,
        id: CannedReplyId,
        shortcut: &str,
        content: &str,
        now: Timestamp,
    ) -> StoreResult<Option<CannedReply>>;
    async fn delete_canned_reply(&self, org: OrgId, id: CannedReplyId) -> StoreResult<bool>;

    /// What the organization keeps of the customer, if anything.
    async fn contact_details(
        &self,
        org: OrgId,
        client: ClientId,
    ) -> StoreResult<Option<ContactDetails>>;
    /// Saves it, and renames the customer in the organization's sessions to `display_name`
    /// (with `details.email`), together.
    async fn save_contact_details(
        &self,
        org: OrgId,
        client: ClientId,
        details: &ContactDetails,
        display_name: &str,
        now: Timestamp,
    ) -> StoreResult<()>;
    async fn set_session_context(
        &self,
        org: OrgId,
        session: SessionId,
        context: &VisitContext,
    ) -> StoreResult<()>;
    async fn session_context(
        &self,
        org: OrgId,
        session: SessionId,
    ) -> StoreResult<Option<VisitContext>>;
    /// The customer's sessions with the organization, newest first, at most 50.
    async fn contact_sessions(&self, org: OrgId, client: ClientId) -> StoreResult<Vec<Session>>;

    /// Snoozes the open session (until a time, or with `until` none until the customer writes)
    /// or wakes it; `None` when it is not the organization's or is closed.
    async fn set_snooze(
        &self,
        org: OrgId,
        session: SessionId,
        snoozed: bool,
        until: Option<Timestamp>,
        now: Timestamp,
    ) -> StoreResult<Option<Session>>;
    /// Wakes snoozed sessions (of every organization) whose time has come, each exactly once
    /// however many servers run this at the same time; returns them, at most `limit`.
    async fn wake_due_snoozes(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<Session>>;
    /// Open sessions of the organization without a message since before `before`, but the
    /// snoozed ones (deliberately parked).
    async fn idle_sessions(
        &self,
        org: OrgId,
        before: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<Session>>;
    /// Active sessions whose customer has waited for an answer since before `before`.
    async fn unanswered_sessions(
        &self,
        org: OrgId,
        before: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<Session>>;

    /// The organization's teams with their members, the default team first, then by name.
    async fn teams(&self, org: OrgId) -> StoreResult<Vec<Team>>;
    /// False when the organization already has `MAX_TEAMS_PER_ORG`; `Conflict` for a name it
    /// has (any case). Its members are the team's.
    async fn insert_team(&self, team: &Team) -> StoreResult<bool>;
    /// Renames the team, replaces its members (agents of the organization, checked by the
    /// caller) and/or its hours, together; `None` when it is not the organization's.
    async fn update_team(
        &self,
        org: OrgId,
        id: TeamId,
        change: &TeamChange,
    ) -> StoreResult<Option<Team>>;
    /// Deletes a team that is not the default one; its conversations move to the default team.
    /// False when there is no such team (or it is the default).
    async fn delete_team(&self, org: OrgId, id: TeamId) -> StoreResult<bool>;

    /// Records mentions; each agent keeps their newest `MAX_KEPT_PER_AGENT`.
    async fn insert_mentions(&self, mentions: &[Mention]) -> StoreResult<()>;
    /// The agent's mentions, newest first.
    async fn mentions(&self, org: OrgId, agent: AgentId, limit: u32) -> StoreResult<Vec<Mention>>;
    /// Marks the agent's unread mentions read (of one session, or all); returns how many.
    async fn read_mentions(
        &self,
        org: OrgId,
        agent: AgentId,
        session: Option<SessionId>,
        now: Timestamp,
    ) -> StoreResult<u64>;
}

/// Full-text search of an organization's messages.
#[async_trait]
pub trait Search: Send + Sync + 'static {
    /// Messages of the organization with a word starting with every term, newest first, at
    /// most `limit`; only in sessions `visible_to` reaches when given.
    async fn search_messages(
        &self,
        org: OrgId,
        terms: &[String],
        visible_to: Option<crate::store::Within>,
        limit: u32,
    ) -> StoreResult<Vec<MessageHit>>;
}

#[async_trait]
pub trait Followup: Send + Sync + 'static {
    /// Records the customer's rating of the organization's conversation; false when it has
    /// one already (of two concurrent ratings, exactly one is kept).
    async fn rate(
        &self,
        org: OrgId,
        session: SessionId,
        client: ClientId,
        rating: &Rating,
    ) -> StoreResult<bool>;
    async fn rating(&self, org: OrgId, session: SessionId) -> StoreResult<Option<Rating>>;
    /// The organization's conversations created in `[from, until)` (of `team`, of `agent`),
    /// with their rating, as reports read them; at most `reports::MAX_ROWS`.
    async fn report_rows(
        &self,
        org: OrgId,
        from: Timestamp,
        until: Timestamp,
        team: Option<crate::domain::TeamId>,
        agent: Option<crate::domain::AgentId>,
    ) -> StoreResult<Vec<crate::domain::reports::ReportRow>>;
    /// Erases what the organization holds of a customer, keeping their conversations as
    /// placeholders ("Deleted customer", no subject, preview or visit context) so reports still
    /// add up: what the organization kept of them, their e-mail preferences and queued e-mails,
    /// their rating comments, mentions in their conversations, a visitor's own record (name,
    /// e-mail, external id; its tokens revoked) and, where this store indexes or queues
    /// messages, those entries. The conversations' ids, whose messages the caller deletes from
    /// the message log.
    async fn erase_customer(&self, org: OrgId, client: ClientId) -> StoreResult<Vec<SessionId>>;
    /// The organization's conversations closed before `before`, at most `limit`.
    async fn closed_before(
        &self,
        org: OrgId,
        before: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<SessionId>>;
    /// Deletes a conversation with everything that refers to it (its messages are deleted from
    /// the message log by the caller first); false when it was not there.
    async fn delete_conversation(&self, org: OrgId, session: SessionId) -> StoreResult<bool>;
    /// Forgets e-mails done with before `until` (failed, or sent with a newer sent one of the
    /// same conversation and kind, which remembers what went out); how many.
    async fn prune_emails(&self, until: Timestamp) -> StoreResult<u64>;
    /// Every rating the customer gave, by conversation.
    async fn client_ratings(&self, client: ClientId) -> StoreResult<Vec<(SessionId, Rating)>>;

    /// Turns the organization's e-mails to the customer off (or on again).
    async fn set_email_opt_out(
        &self,
        org: OrgId,
        client: ClientId,
        out: bool,
        now: Timestamp,
    ) -> StoreResult<()>;
    async fn email_opted_out(&self, org: OrgId, client: ClientId) -> StoreResult<bool>;

    /// Queues an e-mail, unless one of its kind already waits for the conversation or the
    /// customer was queued `email::MAX_PER_CUSTOMER_PER_HOUR` in the hour before `email`'s
    /// creation; whether it was queued.
    async fn queue_email(&self, email: &OutgoingEmail) -> StoreResult<bool>;
    /// Pending e-mails due at `now`, the earliest first, at most `limit`.
    async fn due_emails(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<OutgoingEmail>>;
    /// Claims a pending e-mail for sending until `until`, counting the attempt; false when
    /// it is no longer pending (another server claimed it).
    async fn claim_email(&self, id: uuid::Uuid, until: Timestamp) -> StoreResult<bool>;
    /// Records how a claimed e-mail's attempt ended (with the last message it carried).
    async fn finish_email(
        &self,
        id: uuid::Uuid,
        outcome: &EmailOutcome,
        upto_seq: Option<i64>,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// The last message the conversation's replies e-mails carried (that went out, or may
    /// have), 0 for none.
    async fn emailed_upto(&self, org: OrgId, session: SessionId) -> StoreResult<i64>;
    /// E-mails still claimed at `now` after their claim ran out (their server died while
    /// sending: they may have gone out) become `uncertain` and are never sent again; how many.
    async fn give_up_stale_emails(&self, now: Timestamp) -> StoreResult<u64>;
}

/// How a webhook delivery's attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub enum DeliveryOutcome {
    Delivered {
        status: i64,
    },
    /// Tried again at `at`.
    Retry {
        status: Option<i64>,
        error: String,
        at: Timestamp,
    },
    Failed {
        status: Option<i64>,
        error: String,
    },
}

#[async_trait]
pub trait Hooks: Send + Sync + 'static {
    /// Forgets deliveries finished (delivered or failed) before `until`; how many.
    async fn prune_deliveries(&self, until: Timestamp) -> StoreResult<u64>;
    async fn endpoints(&self, org: OrgId) -> StoreResult<Vec<Endpoint>>;
    /// An endpoint with its secret (for the sender), whatever its organization.
    async fn endpoint_with_secret(&self, id: uuid::Uuid)
    -> StoreResult<Option<(Endpoint, String)>>;
    /// False when the organization has `webhooks::MAX_ENDPOINTS_PER_ORG` already.
    async fn insert_endpoint(&self, e: &Endpoint, secret: &str) -> StoreResult<bool>;
    /// Changes the given parts; resuming an endpoint forgets its failures. `None` when it is
    /// not the organization's.
    async fn update_endpoint(
        &self,
        org: OrgId,
        id: uuid::Uuid,
        url: Option<&str>,
        events: Option<&[crate::domain::webhooks::WebhookEvent]>,
        paused: Option<bool>,
    ) -> StoreResult<Option<Endpoint>>;
    async fn delete_endpoint(&self, org: OrgId, id: uuid::Uuid) -> StoreResult<bool>;
    /// Queues deliveries (each pending, due at once).
    async fn queue_deliveries(&self, deliveries: &[Outgoing], now: Timestamp) -> StoreResult<()>;
    /// Pending deliveries due at `now` of endpoints not paused, the earliest first.
    async fn due_deliveries(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<Outgoing>>;
    /// Claims a pending delivery until `until`, counting the attempt; false when another
    /// server did.
    async fn claim_delivery(&self, id: uuid::Uuid, until: Timestamp) -> StoreResult<bool>;
    /// Records a claimed delivery's attempt, and its endpoint's run of failures (paused once
    /// it reaches `pause_after`); whether this paused the endpoint.
    async fn finish_delivery(
        &self,
        id: uuid::Uuid,
        outcome: &DeliveryOutcome,
        pause_after: i64,
        now: Timestamp,
    ) -> StoreResult<bool>;
    /// Deliveries still claimed after their claim ran out (their server died) are pending
    /// again: delivered at least once. How many.
    async fn reclaim_stale_deliveries(&self, now: Timestamp) -> StoreResult<u64>;
    /// An endpoint's latest deliveries, newest first.
    async fn deliveries(
        &self,
        org: OrgId,
        endpoint: uuid::Uuid,
        limit: u32,
    ) -> StoreResult<Vec<Delivery>>;
    /// Queues the delivery's event again as a new delivery (same event id); `None` when it is
    /// not the organization's.
    async fn redeliver(
        &self,
        org: OrgId,
        delivery: uuid::Uuid,
        now: Timestamp,
    ) -> StoreResult<Option<Delivery>>;

    /// False when the organization has `api_tokens::MAX_PER_ORG` tokens not revoked.
    async fn insert_api_token(&self, t: &ApiToken, hash: &str) -> StoreResult<bool>;
    /// The organization's tokens not revoked.
    async fn api_tokens(&self, org: OrgId) -> StoreResult<Vec<ApiToken>>;
    /// The token kept as `hash`, unless revoked.
    async fn api_token_by_hash(&self, hash: &str) -> StoreResult<Option<ApiToken>>;
    /// The token with this id, unless revoked.
    async fn api_token(&self, id: uuid::Uuid) -> StoreResult<Option<ApiToken>>;
    async fn revoke_api_token(
        &self,
        org: OrgId,
        id: uuid::Uuid,
        now: Timestamp,
    ) -> StoreResult<bool>;
    /// Records a use (at most once a minute).
    async fn touch_api_token(&self, id: uuid::Uuid, now: Timestamp) -> StoreResult<()>;
}

#[async_trait]
pub trait Audit: Send + Sync + 'static {
    async fn record(&self, entry: &crate::domain::audit::AuditEntry) -> StoreResult<()>;
    /// The organization's entries before `before` (of `action`, by `actor`), newest first.
    async fn entries(
        &self,
        org: OrgId,
        action: Option<&str>,
        actor: Option<uuid::Uuid>,
        before: Option<Timestamp>,
        limit: u32,
    ) -> StoreResult<Vec<crate::domain::audit::AuditEntry>>;
    /// Forgets entries older than `until`; how many.
    async fn prune_audit(&self, until: Timestamp) -> StoreResult<u64>;
}

#[async_trait]
pub trait Attachments: Send + Sync + 'static {
    async fn add_attachment(&self, a: &crate::domain::attachments::Attachment) -> StoreResult<()>;
    /// A file, whichever organization's (the caller checks who may see it).
    async fn find_attachment(
        &self,
        id: crate::domain::AttachmentId,
    ) -> StoreResult<Option<crate::domain::attachments::Attachment>>;
    /// The organization's files among `ids` (others' are not found).
    async fn attachments(
        &self,
        org: OrgId,
        ids: &[crate::domain::AttachmentId],
    ) -> StoreResult<Vec<crate::domain::attachments::Attachment>>;
    /// Marks files as sent with a message; `internal` (a private note) keeps them from the
    /// customer unless a message they can see carries them too.
    async fn mark_sent(
        &self,
        org: OrgId,
        ids: &[crate::domain::AttachmentId],
        internal: bool,
    ) -> StoreResult<()>;
    /// A conversation's files, oldest first (`sent_only`: those attached to a message).
    async fn session_attachments(
        &self,
        org: OrgId,
        session: SessionId,
        sent_only: bool,
    ) -> StoreResult<Vec<crate::domain::attachments::Attachment>>;
    /// Bytes and files the organization keeps.
    async fn storage_used(&self, org: OrgId) -> StoreResult<(u64, u64)>;
    /// Forgets files (their bytes are deleted by the caller).
    async fn remove_attachments(
        &self,
        org: OrgId,
        ids: &[crate::domain::AttachmentId],
    ) -> StoreResult<()>;
    /// Files never sent, uploaded before `before`, at most `limit`, any organization.
    async fn unsent_before(
        &self,
        before: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<crate::domain::attachments::Attachment>>;
}

#[async_trait]
pub trait SecondFactors: Send + Sync + 'static {
    async fn second_factor(
        &self,
        agent: AgentId,
    ) -> StoreResult<Option<crate::domain::second_factor::SecondFactor>>;
    /// Starts setting one up with a new secret, replacing one not yet turned on; false when
    /// one is on already.
    async fn start_second_factor(
        &self,
        factor: &crate::domain::second_factor::SecondFactor,
    ) -> StoreResult<bool>;
    /// Turns it on with the step of the confirming code used and the recovery codes' hashes;
    /// false when it was on already or not being set up.
    async fn enable_second_factor(
        &self,
        agent: AgentId,
        step: i64,
        recovery: &[String],
        now: Timestamp,
    ) -> StoreResult<bool>;
    /// Uses a step's code once: false when that step or a later one was used (a replay).
    async fn use_step(&self, agent: AgentId, step: i64) -> StoreResult<bool>;
    /// Uses a recovery code once: false when unknown or used.
    async fn use_recovery_code(
        &self,
        agent: AgentId,
        hash: &str,
        now: Timestamp,
    ) -> StoreResult<bool>;
    /// Recovery codes not used yet.
    async fn recovery_codes_left(&self, agent: AgentId) -> StoreResult<u32>;
    /// Turns it off (and forgets its recovery codes).
    async fn remove_second_factor(&self, agent: AgentId) -> StoreResult<()>;
    /// Revokes the tokens of the organization's agents without a second factor turned on
    /// (the organization now requires one); those agents.
    async fn revoke_without_second_factor(&self, org: OrgId) -> StoreResult<Vec<AgentId>>;
}

/// Agents' devices (sign-ins).
#[async_trait]
pub trait Devices: Send + Sync + 'static {
    /// Adds a sign-in, forgetting the agent's devices of earlier token versions.
    async fn add_device(&self, device: &crate::domain::devices::Device) -> StoreResult<()>;
    async fn device(&self, id: DeviceId) -> StoreResult<Option<crate::domain::devices::Device>>;
    /// Records a use of the device.
    async fn touch_device(&self, id: DeviceId, now: Timestamp) -> StoreResult<()>;
    /// Replaces the device's refresh secret (hash `from`, if still current) by `to`, keeping
    /// `from` as the one replaced at `now`, and extends the device to `expires_at`; false when
    /// `from` was no longer current (another refresh came first).
    async fn rotate_refresh(
        &self,
        id: DeviceId,
        from: &str,
        to: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> StoreResult<bool>;
    /// The agent's devices whose token is still good: not expired at `now`, and signed in at
    /// the agent's token version `version`. Most recently used first.
    async fn devices_of(
        &self,
        agent: AgentId,
        version: i64,
        now: Timestamp,
    ) -> StoreResult<Vec<crate::domain::devices::Device>>;
    /// Ends one of the agent's devices; false when it is not the agent's.
    async fn end_device(&self, agent: AgentId, id: DeviceId) -> StoreResult<bool>;
    /// Ends every device of the agent and revokes their tokens (a token without a device
    /// too); the devices ended.
    async fn end_devices(&self, agent: AgentId) -> StoreResult<Vec<DeviceId>>;
    /// Forgets devices whose token expired before `now`; how many.
    async fn prune_devices(&self, now: Timestamp) -> StoreResult<u64>;
}

/// Organizations' identity providers, and single sign-ons on their way through them.
#[async_trait]
pub trait SingleSignOn: Send + Sync + 'static {
    async fn sso_provider(
        &self,
        org: OrgId,
    ) -> StoreResult<Option<crate::domain::sso::SsoProvider>>;
    /// The providers (at most 10) letting users of the e-mail domain `domain` sign in.
    async fn sso_providers_for_domain(
        &self,
        domain: &str,
    ) -> StoreResult<Vec<crate::domain::sso::SsoProvider>>;
    /// Saves the organization's provider (replacing the one before).
    async fn put_sso_provider(&self, p: &crate::domain::sso::SsoProvider) -> StoreResult<()>;
    /// Removes it; false when there was none.
    async fn delete_sso_provider(&self, org: OrgId) -> StoreResult<bool>;
    /// Keeps `login` unless `max_pending` sign-ins are kept already (`false`: refused).
    async fn add_sso_login(
        &self,
        login: &crate::domain::sso::SsoLogin,
        max_pending: u32,
    ) -> StoreResult<bool>;
    /// Takes the sign-in of a `state` (hash) away, once: a second call finds nothing.
    async fn take_sso_login(
        &self,
        state_hash: &str,
    ) -> StoreResult<Option<crate::domain::sso::SsoLogin>>;
    /// Forgets sign-ins that expired before `now`; how many.
    async fn prune_sso_logins(&self, now: Timestamp) -> StoreResult<u64>;
}
