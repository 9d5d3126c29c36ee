//! Entities as the product defines them (SPEC §2), with their wire shape.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::ids::{AgentId, ClientId, LabelId, MessageId, OrgId, SessionId, TeamId};

pub type Timestamp = DateTime<Utc>;

/// The product's current time (`clock::now`).
pub fn now() -> Timestamp {
    super::clock::now()
}

/// Default capacity of an agent when neither agent nor organization says otherwise.
pub const DEFAULT_MAX_CONCURRENT_SESSIONS: u32 = 5;

macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// The stable text of this value, as stored and sent.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok(Self::$variant),)+
                    _ => Err(format!("must be one of: {}", [$($text),+].join(", "))),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum!(
    /// What an agent may do; ordered from least to most.
    Role { Agent = "agent", Supervisor = "supervisor", Admin = "admin" }
);
string_enum!(
    /// Availability chosen by the agent.
    AgentStatus { Active = "active", Busy = "busy", Inactive = "inactive" }
);
string_enum!(
    /// Where a conversation is in its life.
    SessionStatus { Waiting = "waiting", Active = "active", Closed = "closed" }
);
string_enum!(
    /// Who wrote a message.
    SenderType { Client = "client", Agent = "agent", System = "system" }
);
string_enum!(
    /// How urgent a conversation is, as its agents set it; ordered from least to most.
    Priority { None = "none", Low = "low", Medium = "medium", High = "high", Urgent = "urgent" }
);
string_enum!(
    /// The two sides of a conversation, for delivered/read marks.
    Side { Client = "client", Agent = "agent" }
);

/// Settings of an organization. `widget_identity_secret` is only shown to its admins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct OrgSettings {
    // Read with defaults from storage, always written out: required in the schema.
    #[schema(required = true)]
    pub welcome_message: String,
    #[schema(required = true)]
    pub offline_message: String,
    #[schema(required = true)]
    pub widget_color: String,
    #[schema(required = true)]
    pub max_concurrent_sessions: u32,
    /// When the organization answers; outside these hours it is offline.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::hours::lenient"
    )]
    pub business_hours: Option<super::hours::BusinessHours>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub widget_identity_secret: Option<String>,
    /// A customer writing within this many seconds of a close reopens the conversation
    /// instead of starting a new one (0: always a new one).
    #[schema(required = true)]
    pub reopen_window_secs: u32,
    /// Conversations without a message for this many seconds are closed (0: never).
    #[schema(required = true)]
    pub auto_resolve_after_secs: u32,
    /// A customer waiting this many seconds for the assigned agent's answer is offered to
    /// the next agent who can take them, or back to the queue (0: never).
    #[schema(required = true)]
    pub answer_deadline_secs: u32,
    /// Customers choose a team before their first message (the widget and the app list the
    /// organization's teams with their availability).
    #[schema(required = true)]
    pub team_choice: bool,
    /// Supervisors see every conversation (`true`, the default) or only their teams' and
    /// their own.
    #[schema(required = true)]
    pub supervisors_see_all: bool,
    /// Agents' replies a customer has not read this many seconds after the first of them go
    /// to the customer by e-mail, in one message (0: never by e-mail).
    #[schema(required = true)]
    pub email_after_secs: u32,
    /// How customers are asked to rate a closed conversation.
    #[schema(required = true)]
    pub rating_style: super::ratings::RatingStyle,
    /// What customers are asked before their first message (none: nothing).
    #[schema(required = true)]
    pub prechat: Option<super::prechat::PrechatForm>,
    /// The sites allowed to embed the widget (none: any site).
    #[schema(required = true)]
    pub allowed_origins: Vec<String>,
    /// The language customers are spoken to in when neither their browser nor the site
    /// chooses one the widget speaks.
    #[schema(required = true)]
    pub default_locale: super::locales::Locale,
    /// The organization's welcome and offline texts in other languages.
    #[schema(required = true, value_type = Object)]
    pub texts: super::locales::TextsByLocale,
    /// Closed conversations older than this many days are deleted (0: kept for ever).
    #[schema(required = true)]
    pub retention_days: u32,
    /// The files customers and agents may attach.
    #[schema(required = true)]
    pub attachments: super::attachments::FileSettings,
    /// Every agent signs in with a second factor (those without one set it up at their next
    /// sign-in).
    #[schema(required = true)]
    pub require_second_factor: bool,
}

/// Unread replies go out by e-mail five minutes after the first of them, by default.
pub const DEFAULT_EMAIL_AFTER_SECS: u32 = 300;

impl Default for OrgSettings {
    fn default() -> Self {
        Self {
            welcome_message: "Hi! How can we help you today?".into(),
            offline_message:
                "We are offline right now. Leave a message and we will get back to you.".into(),
            widget_color: "#2563eb".into(),
            max_concurrent_sessions: DEFAULT_MAX_CONCURRENT_SESSIONS,
            business_hours: None,
            widget_identity_secret: None,
            reopen_window_secs: 0,
            auto_resolve_after_secs: 0,
            answer_deadline_secs: 0,
            team_choice: false,
            supervisors_see_all: true,
            email_after_secs: DEFAULT_EMAIL_AFTER_SECS,
            rating_style: Default::default(),
            prechat: None,
            allowed_origins: Vec::new(),
            default_locale: Default::default(),
            texts: Default::default(),
            retention_days: 0,
            attachments: Default::default(),
            require_second_factor: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Organization {
    pub id: OrgId,
    pub name: String,
    pub domain: String,
    pub settings: OrgSettings,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What anyone may see of an organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PublicOrganization {
    pub id: OrgId,
    pub name: String,
    pub domain: String,
    pub welcome_message: String,
    pub offline_message: String,
    pub widget_color: String,
    /// Someone can take a conversation now (`availability` is `available`).
    pub online: bool,
    pub availability: super::availability::Availability,
    /// When it opens again, while it is outside its business hours.
    #[schema(required = true)]
    pub reopens: Option<super::hours::Reopening>,
    /// The usual wait in line, from recent waits, while it is busy (none with too little data).
    #[schema(required = true)]
    pub usual_wait_secs: Option<i64>,
    /// The teams a customer chooses from before writing, with their availability (empty
    /// unless the organization offers the choice).
    pub teams: Vec<PublicTeam>,
    /// Replies can reach a customer who left by e-mail (the server sends e-mail and the
    /// organization has not turned it off): the widget may ask for an address.
    pub email_follow_up: bool,
    pub rating_style: super::ratings::RatingStyle,
    #[schema(required = true)]
    pub prechat: Option<super::prechat::PrechatForm>,
    pub default_locale: super::locales::Locale,
    #[schema(value_type = Object)]
    pub texts: super::locales::TextsByLocale,
    /// The files customers may attach (none when `types` is empty).
    pub attachments: super::attachments::FileSettings,
}

/// A team as customers see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PublicTeam {
    pub id: TeamId,
    pub name: String,
    pub availability: super::availability::Availability,
    /// When it opens again, while outside its business hours.
    pub reopens: Option<super::hours::Reopening>,
    /// While busy: the median of its recent waits, in seconds, when there are enough of them.
    pub usual_wait_secs: Option<i64>,
}

/// Whether an organization can answer now, as its customers are told.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgState {
    pub availability: super::availability::Availability,
    pub reopens: Option<super::hours::Reopening>,
    pub usual_wait_secs: Option<i64>,
    pub teams: Vec<PublicTeam>,
}

impl OrgState {
    /// Nobody online (no need to look further).
    pub fn offline() -> OrgState {
        OrgState {
            availability: super::availability::Availability::Offline,
            reopens: None,
            usual_wait_secs: None,
            teams: Vec::new(),
        }
    }
}

impl Organization {
    /// What anyone may see of it; `mail`: the server sends e-mail.
    pub fn public(&self, state: OrgState, mail: bool) -> PublicOrganization {
        let s = &self.settings;
        PublicOrganization {
            id: self.id,
            name: self.name.clone(),
            domain: self.domain.clone(),
            welcome_message: self.settings.welcome_message.clone(),
            offline_message: self.settings.offline_message.clone(),
            widget_color: self.settings.widget_color.clone(),
            online: state.availability == super::availability::Availability::Available,
            availability: state.availability,
            reopens: state.reopens,
            usual_wait_secs: state.usual_wait_secs,
            teams: state.teams,
            email_follow_up: mail && s.email_after_secs > 0,
            rating_style: s.rating_style,
            prechat: s.prechat.clone().filter(|p| p.asks()),
            default_locale: s.default_locale,
            texts: s.texts.clone(),
            attachments: s.attachments.clone(),
        }
    }

    /// The organization as its non-admin agents see it: settings without the identity secret.
    pub fn without_secret(mut self) -> Self {
        self.settings.widget_identity_secret = None;
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Agent {
    pub id: AgentId,
    pub organization_id: OrgId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub status: AgentStatus,
    /// Derived from connected sockets; filled in by the service layer.
    pub online: bool,
    #[schema(required = true)]
    pub max_concurrent_sessions: Option<u32>,
    #[schema(required = true)]
    pub last_assigned_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Bumped to revoke every token issued before.
    #[serde(skip)]
    pub token_version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Client {
    pub id: ClientId,
    #[schema(required = true)]
    pub username: Option<String>,
    #[schema(required = true)]
    pub email: Option<String>,
    #[schema(required = true)]
    pub name: Option<String>,
    /// Set for widget visitors: the one organization they belong to.
    #[schema(required = true)]
    pub organization_id: Option<OrgId>,
    #[schema(required = true)]
    pub external_id: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(skip)]
    pub token_version: i64,
}

impl Client {
    /// The name agents see for this customer.
    pub fn display_name(&self) -> String {
        self.name
            .clone()
            .or_else(|| self.username.clone())
            .unwrap_or_else(|| format!("Visitor {}", &self.id.0.simple().to_string()[24..]))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Session {
    pub id: SessionId,
    pub organization_id: OrgId,
    pub client_id: ClientId,
    pub client_name: String,
    #[schema(required = true)]
    pub client_email: Option<String>,
    #[schema(required = true)]
    pub agent_id: Option<AgentId>,
    pub status: SessionStatus,
    #[schema(required = true)]
    pub subject: Option<String>,
    pub last_seq: i64,
    #[schema(required = true)]
    pub last_message_at: Option<DateTime<Utc>>,
    /// When the client's first message put it in the assignment queue.
    #[schema(required = true)]
    pub queued_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[schema(required = true)]
    pub closed_at: Option<DateTime<Utc>>,
    /// When an agent last took it (from the queue or by transfer).
    #[schema(required = true)]
    pub assigned_at: Option<DateTime<Utc>>,
    /// Out of the agent's active list until `snoozed_until` (or, without it, until the
    /// customer writes; a customer's message always ends a snooze).
    pub snoozed: bool,
    #[schema(required = true)]
    pub snoozed_until: Option<DateTime<Utc>>,
    /// Since when the customer has waited for an agent's answer (none once answered).
    #[schema(required = true)]
    pub awaiting_since: Option<DateTime<Utc>>,
    /// When an agent first answered.
    #[schema(required = true)]
    pub first_response_at: Option<DateTime<Utc>>,
    /// The team whose queue and agents it belongs to (none: the default team's, as before
    /// teams existed).
    #[schema(required = true)]
    pub team_id: Option<TeamId>,
    /// How urgent the agents find it (`none` as the customer sees it).
    pub priority: Priority,
    /// The organization's labels on it, by id (empty as the customer sees it). A deleted
    /// label's id leaves with the conversation's next change of labels.
    pub labels: Vec<LabelId>,
    /// The last message a person wrote that the customer sees too (never a system note or a
    /// private note), for lists.
    #[schema(required = true)]
    pub preview: Option<MessagePreview>,
}

/// The start of a message, as a list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MessagePreview {
    pub seq: i64,
    pub sender_type: SenderType,
    pub sender_name: String,
    /// At most 200 characters of the message.
    pub content: String,
    pub created_at: DateTime<Utc>,
}

impl MessagePreview {
    /// Most characters of a message a preview keeps.
    pub const CHARS: usize = 200;

    /// The preview a message gives its session's lists: none for system and private notes.
    pub fn of(m: &Message) -> Option<MessagePreview> {
        (m.sender_type != SenderType::System && !m.internal).then(|| MessagePreview {
            seq: m.seq,
            sender_type: m.sender_type,
            sender_name: m.sender_name.clone(),
            content: m.text_with_files().chars().take(Self::CHARS).collect(),
            created_at: m.created_at,
        })
    }

    /// Stored form (JSON text).
    pub fn encode(preview: &Option<MessagePreview>) -> Option<String> {
        preview.as_ref().and_then(|p| serde_json::to_string(p).ok())
    }

    /// Reads the stored form; an unreadable one is no preview rather than a failed read.
    pub fn decode(stored: Option<&str>) -> Option<MessagePreview> {
        stored.and_then(|s| serde_json::from_str(s).ok())
    }
}

impl Session {
    /// The session as its customer sees it: the agents' labels, priority, snooze and answer
    /// timing are their own business.
    pub fn for_customer(self) -> Session {
        Session {
            labels: Vec::new(),
            priority: Priority::None,
            snoozed: false,
            snoozed_until: None,
            awaiting_since: None,
            first_response_at: None,
            ..self
        }
    }

    /// The session after `m` was written into it: a customer's message ends a snooze and,
    /// with an agent assigned, starts the wait for an answer (if none is running); an agent's
    /// answer (not a private note) ends it and is the first response if none came before.
    pub fn after_message(mut self, m: &Message, now: Timestamp) -> Session {
        match (m.sender_type, m.internal) {
            (SenderType::Client, _) => {
                self.snoozed = false;
                self.snoozed_until = None;
                if self.agent_id.is_some() && self.awaiting_since.is_none() {
                    self.awaiting_since = Some(now);
                }
            }
            (SenderType::Agent, false) => {
                self.awaiting_since = None;
                self.first_response_at.get_or_insert(now);
            }
            _ => {}
        }
        self
    }

    /// The session as `side` sees it.
    pub fn as_seen_by(self, side: Side) -> Session {
        match side {
            Side::Client => self.for_customer(),
            Side::Agent => self,
        }
    }

    /// Whether a message from `sender` puts the session in the assignment queue: a client's
    /// first message in a waiting session.
    pub fn enters_queue_with(&self, sender: SenderType) -> bool {
        sender == SenderType::Client
            && self.status == SessionStatus::Waiting
            && self.queued_at.is_none()
    }

    /// The session after a message at `now`: its next seq and activity, queued if `queued`.
    pub fn advanced(mut self, now: Timestamp, queued: bool) -> Session {
        self.last_seq += 1;
        self.last_message_at = Some(now);
        self.updated_at = now;
        if queued {
            self.queued_at = Some(now);
        }
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Message {
    pub id: MessageId,
    pub organization_id: OrgId,
    pub session_id: SessionId,
    pub seq: i64,
    pub sender_type: SenderType,
    #[schema(required = true)]
    pub sender_id: Option<Uuid>,
    pub sender_name: String,
    pub content: String,
    #[schema(required = true)]
    pub client_msg_id: Option<String>,
    pub created_at: DateTime<Utc>,
    /// A private note of the organization's agents: never shown to the customer.
    pub internal: bool,
    /// The files it carries (read each through `GET /api/attachments/{id}/link`).
    pub attachments: Vec<super::attachments::AttachmentRef>,
}

impl Message {
    /// Its text followed by the names of its files, for what shows a message without its
    /// files (previews, e-mails).
    pub fn text_with_files(&self) -> String {
        let files = self.attachments.iter().map(|f| format!("📎 {}", f.name));
        let text = Some(self.content.clone()).filter(|c| !c.is_empty());
        text.into_iter().chain(files).collect::<Vec<_>>().join("\n")
    }
}

/// Who reads a conversation: its customer sees no private notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Customer,
    Agents,
}

impl Audience {
    pub fn of(side: Side) -> Audience {
        match side {
            Side::Client => Audience::Customer,
            Side::Agent => Audience::Agents,
        }
    }

    /// Whether this audience may see the message.
    pub fn sees(self, m: &Message) -> bool {
        self == Audience::Agents || !m.internal
    }
}

/// Delivered and read marks of one side of a conversation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReadState {
    pub delivered_seq: i64,
    pub read_seq: i64,
}
