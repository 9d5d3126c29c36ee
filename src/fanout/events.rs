//! Server→client events (SPEC §5): one typed payload per event and `ServerEvent`, the one list
//! of what the server emits. The AsyncAPI document is generated from the same types.

use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::{RefOr, Schema};
use uuid::Uuid;

use crate::domain::model::{Agent, AgentStatus, Message, Session, SessionStatus, Side};
use crate::domain::{AgentId, SessionId};
use crate::error::ErrorBody;

/// Schemas collected for a document: (name, schema).
pub type Schemas = Vec<(String, RefOr<Schema>)>;

/// Registers a type's schema and those it refers to; returns its name.
pub type SchemaFn = fn(&mut Schemas) -> String;

/// Registers `T`'s schema and every schema it refers to.
pub fn schema_of<T: ToSchema>(into: &mut Schemas) -> String {
    let name = T::name().to_string();
    into.push((name.clone(), T::schema()));
    T::schemas(into);
    name
}

/// How one event looks on the wire, for the AsyncAPI document.
pub struct EventDoc {
    pub name: &'static str,
    pub summary: &'static str,
    pub payload: SchemaFn,
    /// The acknowledgement's result, for client events.
    pub ack: Option<SchemaFn>,
}

/// Declares `ServerEvent` from one table: variant, wire name, payload type, audience.
macro_rules! server_events {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $name:literal ($payload:ty), )+) => {
        /// Every event the server emits, with its payload.
        #[derive(Debug, Clone)]
        pub enum ServerEvent {
            $( $(#[doc = $doc])+ $variant($payload), )+
        }

        impl ServerEvent {
            /// The event's name on the wire.
            pub fn name(&self) -> &'static str {
                match self {
                    $( ServerEvent::$variant(_) => $name, )+
                }
            }

            /// The payload as JSON text, serialized once for every recipient.
            pub fn raw_payload(&self) -> serde_json::Result<Box<serde_json::value::RawValue>> {
                match self {
                    $( ServerEvent::$variant(p) => serde_json::value::to_raw_value(p), )+
                }
            }

            /// Every server event, for the AsyncAPI document.
            pub fn docs() -> Vec<EventDoc> {
                vec![$( EventDoc {
                    name: $name,
                    summary: concat!($($doc),+),
                    payload: schema_of::<$payload>,
                    ack: None,
                }, )+]
            }
        }
    };
}

server_events! {
    /// A stored message; to the session's participants and the organization's agents.
    NewMessage = "new_message" (NewMessage),
    /// A session entered the queue; to the organization's agents.
    NewSession = "new_session" (NewSession),
    /// A session was assigned or transferred; to its participants and the organization's agents.
    AgentAssigned = "agent_assigned" (AgentAssigned),
    /// A session was given to this agent; to the assigned agent.
    NewSessionAssigned = "new_session_assigned" (NewSessionAssigned),
    /// The waiting client's place in the queue (1 = next); to that client.
    QueuePosition = "queue_position" (QueuePosition),
    /// A session changed status; to its participants and the organization's agents.
    SessionStatusUpdated = "session_status_updated" (SessionStatusUpdated),
    /// An agent's availability or presence changed; to the organization's agents.
    AgentStatusUpdated = "agent_status_updated" (AgentStatusUpdated),
    /// Someone started typing; to the session's other participants.
    TypingStart = "typing_start" (TypingIndicator),
    /// Someone stopped typing (or the indicator expired); to the session's other participants.
    TypingStop = "typing_stop" (TypingIndicator),
    /// One side's delivered mark moved; to the session's participants.
    MessagesDelivered = "messages_delivered" (Marks),
    /// One side's read mark moved; to the session's participants.
    MessagesRead = "messages_read" (Marks),
    /// The answer to `get_session_history`; to the requester.
    SessionHistory = "session_history" (SessionHistory),
    /// A conversation's labels, priority or customer details changed; to the organization's
    /// agents.
    SessionUpdated = "session_updated" (SessionUpdated),
    /// A teammate mentioned this agent in a private note; to that agent.
    Mention = "mention" (MentionEvent),
    /// An admin created, changed or deleted a team (names, members, hours): who sees and takes
    /// which conversations may have changed; the organization's teams as they are now, to its
    /// agents.
    TeamsUpdated = "teams_updated" (TeamsUpdated),
    /// A webhook endpoint failed again and again and was paused; to the organization's admins.
    WebhookPaused = "webhook_paused" (WebhookPaused),
    /// A failed event sent without an acknowledgement callback; to the sender.
    Error = "error" (ErrorBody),
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NewMessage {
    pub message: Message,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NewSession {
    pub session: Session,
}

/// An agent as others see them in events.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgentName {
    pub id: AgentId,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgentAssigned {
    pub session_id: SessionId,
    pub agent: AgentName,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NewSessionAssigned {
    pub session_id: SessionId,
    pub agent_id: AgentId,
    pub client_name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueuePosition {
    pub session_id: SessionId,
    /// 1 = next.
    pub position: usize,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionStatusUpdated {
    pub session_id: SessionId,
    pub status: SessionStatus,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgentStatusUpdated {
    pub agent_id: AgentId,
    pub status: AgentStatus,
    pub online: bool,
}

/// Who is typing in which session.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TypingIndicator {
    pub session_id: SessionId,
    pub user_id: Uuid,
    pub user_type: Side,
    pub name: String,
}

/// One side's delivered or read mark.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Marks {
    pub session_id: SessionId,
    pub side: Side,
    pub seq: i64,
}

/// A window of a conversation in ascending `seq`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionHistory {
    pub session_id: SessionId,
    pub messages: Vec<Message>,
    pub has_more: bool,
}

/// A conversation as it is now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionUpdated {
    pub session: Session,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MentionEvent {
    pub mention: crate::domain::mentions::Mention,
    pub message: Message,
}

/// An endpoint now paused.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookPaused {
    pub webhook: crate::domain::webhooks::Endpoint,
}

pub fn webhook_paused(endpoint: &crate::domain::webhooks::Endpoint) -> ServerEvent {
    ServerEvent::WebhookPaused(WebhookPaused {
        webhook: endpoint.clone(),
    })
}

/// The organization's teams as they are now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamsUpdated {
    pub teams: Vec<crate::domain::teams::Team>,
}

pub fn teams_updated(teams: Vec<crate::domain::teams::Team>) -> ServerEvent {
    ServerEvent::TeamsUpdated(TeamsUpdated { teams })
}

pub fn session_updated(s: &Session) -> ServerEvent {
    ServerEvent::SessionUpdated(SessionUpdated { session: s.clone() })
}

pub fn mention(mention: crate::domain::mentions::Mention, message: &Message) -> ServerEvent {
    ServerEvent::Mention(MentionEvent {
        mention,
        message: message.clone(),
    })
}

pub fn new_message(m: &Message) -> ServerEvent {
    ServerEvent::NewMessage(NewMessage { message: m.clone() })
}

pub fn new_session(s: &Session) -> ServerEvent {
    ServerEvent::NewSession(NewSession { session: s.clone() })
}

pub fn agent_assigned(session: SessionId, agent: &Agent) -> ServerEvent {
    ServerEvent::AgentAssigned(AgentAssigned {
        session_id: session,
        agent: AgentName {
            id: agent.id,
            name: agent.name.clone(),
        },
    })
}

pub fn new_session_assigned(s: &Session, agent: AgentId) -> ServerEvent {
    ServerEvent::NewSessionAssigned(NewSessionAssigned {
        session_id: s.id,
        agent_id: agent,
        client_name: s.client_name.clone(),
    })
}

pub fn queue_position(session: SessionId, position: usize) -> ServerEvent {
    ServerEvent::QueuePosition(QueuePosition {
        session_id: session,
        position,
    })
}

pub fn session_status_updated(session: SessionId, status: SessionStatus) -> ServerEvent {
    ServerEvent::SessionStatusUpdated(SessionStatusUpdated {
        session_id: session,
        status,
    })
}

pub fn agent_status_updated(agent: AgentId, status: AgentStatus, online: bool) -> ServerEvent {
    ServerEvent::AgentStatusUpdated(AgentStatusUpdated {
        agent_id: agent,
        status,
        online,
    })
}

/// `messages_delivered` or `messages_read`.
pub fn marks(mark: crate::store::Mark, session: SessionId, side: Side, seq: i64) -> ServerEvent {
    let marks = Marks {
        session_id: session,
        side,
        seq,
    };
    match mark {
        crate::store::Mark::Delivered => ServerEvent::MessagesDelivered(marks),
        crate::store::Mark::Read => ServerEvent::MessagesRead(marks),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_is_documented_once_with_its_payload_schema() {
        let docs = ServerEvent::docs();
        let mut names: Vec<_> = docs.iter().map(|d| d.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), docs.len(), "an event name is declared twice");
        let mut schemas = Schemas::new();
        for d in &docs {
            let name = (d.payload)(&mut schemas);
            assert!(schemas.iter().any(|(n, _)| *n == name), "{}", d.name);
        }
        assert!(schemas.iter().any(|(n, _)| n == "Message"));
    }

    #[test]
    fn marks_name_the_mark_that_moved() {
        let read = marks(crate::store::Mark::Read, SessionId::new(), Side::Agent, 3);
        assert_eq!(read.name(), "messages_read");
        let payload: serde_json::Value =
            serde_json::from_str(read.raw_payload().unwrap().get()).unwrap();
        assert_eq!(payload["side"], "agent");
        assert_eq!(payload["seq"], 3);
    }
}
