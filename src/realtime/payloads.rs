//! Client→server events (SPEC §5): their payloads, the results their acknowledgements carry,
//! and `ClientEvent`, the one parse of an incoming event. Unknown fields are refused so a typo
//! fails loudly. The AsyncAPI document is generated from the same types.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::domain::input;
use crate::domain::model::{Agent, AgentStatus, Message, Session, SessionStatus};
use crate::domain::{AgentId, OrgId, SessionId};
use crate::error::{ApiError, ApiResult};
use crate::fanout::events::{EventDoc, SessionHistory, schema_of};

/// Declares `ClientEvent` from one table: variant, wire name, payload type, ack result type.
macro_rules! client_events {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $name:literal ($payload:ty) -> $ack:ty, )+) => {
        /// Every event the server handles, with its parsed payload.
        #[derive(Debug)]
        pub enum ClientEvent {
            $( $(#[doc = $doc])+ $variant($payload), )+
        }

        impl ClientEvent {
            /// Parses an incoming event: an unknown name is `unknown_event`, a payload of the
            /// wrong shape `validation_failed`.
            pub fn parse(name: &str, data: Option<Value>) -> ApiResult<Self> {
                match name {
                    $( $name => payload(data).map(ClientEvent::$variant), )+
                    _ => Err(ApiError::UnknownEvent),
                }
            }

            /// The event's name on the wire.
            pub fn name(&self) -> &'static str {
                match self {
                    $( ClientEvent::$variant(_) => $name, )+
                }
            }

            /// Every client event, for the AsyncAPI document.
            pub fn docs() -> Vec<EventDoc> {
                vec![$( EventDoc {
                    name: $name,
                    summary: concat!($($doc),+),
                    payload: schema_of::<$payload>,
                    ack: Some(schema_of::<$ack>),
                }, )+]
            }
        }
    };
}

client_events! {
    /// Agents confirm their organization room and may watch a session (its room); clients join
    /// the room of one of their own sessions.
    JoinOrganization = "join_organization" (JoinOrganization) -> Joined,
    /// Sends a message; acknowledged once it is durably stored, then `new_message` goes out.
    SendMessage = "send_message" (SendMessage) -> Sent,
    /// Starts (or keeps alive) the caller's typing indicator in a session.
    TypingStart = "typing_start" (SessionRef) -> Done,
    /// Ends the caller's typing indicator in a session.
    TypingStop = "typing_stop" (SessionRef) -> Done,
    /// A window of a session's messages; also sent as `session_history`.
    GetSessionHistory = "get_session_history" (History) -> SessionHistory,
    /// Moves the caller's side's delivered mark forward.
    MarkDelivered = "mark_delivered" (MarkSeq) -> Marked,
    /// Moves the caller's side's read mark forward (reading implies delivery).
    MarkRead = "mark_read" (MarkSeq) -> Marked,
    /// Assigns or transfers a session, as `PUT /api/sessions/{id}/assign`.
    AssignAgent = "assign_agent" (AssignAgent) -> SessionResult,
    /// Changes a session's status, as `PUT /api/sessions/{id}/status`.
    UpdateSessionStatus = "update_session_status" (UpdateSessionStatus) -> SessionResult,
    /// Sets an agent's availability (default: the caller's), as `PUT /api/agents/{id}/status`.
    UpdateAgentStatus = "update_agent_status" (UpdateAgentStatus) -> AgentResult,
    /// Hands the socket a newer token of the same sign-in, so that it is not closed when the
    /// one it connected with expires.
    RenewToken = "renew_token" (RenewToken) -> Renewed,
}

impl ClientEvent {
    /// The session the event is about, if any (for its span).
    pub fn session_id(&self) -> Option<SessionId> {
        match self {
            ClientEvent::JoinOrganization(p) => p.session_id,
            ClientEvent::SendMessage(p) => Some(p.session_id),
            ClientEvent::TypingStart(p) | ClientEvent::TypingStop(p) => Some(p.session_id),
            ClientEvent::GetSessionHistory(p) => Some(p.session_id),
            ClientEvent::MarkDelivered(p) | ClientEvent::MarkRead(p) => Some(p.session_id),
            ClientEvent::AssignAgent(p) => Some(p.session_id),
            ClientEvent::UpdateSessionStatus(p) => Some(p.session_id),
            ClientEvent::UpdateAgentStatus(_) | ClientEvent::RenewToken(_) => None,
        }
    }
}

/// Parses a payload, describing a problem without echoing the input.
fn payload<T: DeserializeOwned>(data: Option<Value>) -> ApiResult<T> {
    let data =
        data.ok_or_else(|| ApiError::bad_request("the event needs a JSON object payload"))?;
    if !data.is_object() {
        return Err(ApiError::bad_request(
            "the event needs a JSON object payload",
        ));
    }
    if let Some(field) = input::control_in(&data) {
        return Err(ApiError::field(&field, input::CONTROL_PROBLEM));
    }
    serde_json::from_value(data).map_err(|e| {
        let msg = e.to_string();
        let detail = if msg.starts_with("missing field") {
            msg
        } else if msg.starts_with("unknown field") {
            "it has a field the event does not take".into()
        } else {
            "a field has the wrong type".into()
        };
        ApiError::bad_request(format!("invalid payload: {detail}"))
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinOrganization {
    /// For agents, their own organization (checked); optional.
    pub organization_id: Option<OrgId>,
    /// Required for clients.
    pub session_id: Option<SessionId>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessage {
    pub session_id: SessionId,
    /// 1 to 4,000 characters after trimming.
    #[schema(value_type = String, required = true, min_length = 1)]
    pub content: Option<String>,
    /// Idempotency key: resending it returns the stored message.
    #[schema(min_length = 1, max_length = 64)]
    pub client_msg_id: Option<String>,
    /// A private note of the organization's agents (agents only): never shown to the customer.
    pub internal: Option<bool>,
    /// Files uploaded to this conversation by the sender (`POST /api/sessions/{id}/attachments`),
    /// at most 10; `content` may then be empty.
    #[schema(max_items = 10)]
    pub attachments: Option<Vec<crate::domain::AttachmentId>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionRef {
    pub session_id: SessionId,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct History {
    pub session_id: SessionId,
    /// 1 to 200, default 50.
    #[schema(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// Only messages with a smaller seq.
    #[schema(minimum = 0)]
    pub before: Option<i64>,
    /// Only messages with a larger seq (the last one seen, after a reconnect).
    #[schema(minimum = 0)]
    pub after: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkSeq {
    pub session_id: SessionId,
    /// 0 to the session's last seq.
    #[schema(minimum = 0)]
    pub seq: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignAgent {
    pub session_id: SessionId,
    pub agent_id: AgentId,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSessionStatus {
    pub session_id: SessionId,
    #[schema(value_type = SessionStatus)]
    pub status: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAgentStatus {
    #[schema(value_type = AgentStatus)]
    pub status: String,
    /// Default: the caller.
    pub agent_id: Option<AgentId>,
}

/// The rooms joined.
#[derive(Debug, Serialize, ToSchema)]
pub struct Joined {
    pub organization_id: OrgId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<SessionId>,
}

/// The stored message.
#[derive(Debug, Serialize, ToSchema)]
pub struct Sent {
    pub message: Message,
}

/// Nothing more to say.
#[derive(Debug, Serialize, ToSchema)]
pub struct Done {}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewToken {
    pub token: String,
}

/// When the socket's token now expires (Unix seconds).
#[derive(Debug, Serialize, ToSchema)]
pub struct Renewed {
    pub expires_at: i64,
}

/// The side's mark after the change (marks never move backwards).
#[derive(Debug, Serialize, ToSchema)]
pub struct Marked {
    pub session_id: SessionId,
    pub seq: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResult {
    pub session: Session,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgentResult {
    pub agent: Agent,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn known_events_parse_into_their_variant() {
        let id = SessionId::new();
        let e = ClientEvent::parse("typing_stop", Some(json!({ "session_id": id }))).unwrap();
        assert!(
            matches!(e, ClientEvent::TypingStop(SessionRef { session_id }) if session_id == id)
        );
        assert_eq!(e.name(), "typing_stop");
    }

    #[test]
    fn unknown_names_and_bad_payloads_are_told_apart() {
        let unknown = ClientEvent::parse("send_mesage", Some(json!({}))).unwrap_err();
        assert_eq!(unknown.code(), ErrorCode::UnknownEvent);
        for bad in [
            None,
            Some(json!("x")),
            Some(json!([1])),
            Some(json!({ "session_id": 5 })),
        ] {
            let e = ClientEvent::parse("mark_read", bad).unwrap_err();
            assert_eq!(e.code(), ErrorCode::ValidationFailed);
        }
    }

    #[test]
    fn payload_errors_do_not_echo_the_input() {
        let e = ClientEvent::parse("send_message", Some(json!({ "session_id": "secret-text" })))
            .unwrap_err();
        assert!(!e.to_string().contains("secret-text"), "{e}");
        let e = ClientEvent::parse("send_message", Some(json!({ "secret-key": 1 }))).unwrap_err();
        assert!(!e.to_string().contains("secret-key"), "{e}");
    }

    #[test]
    fn every_event_is_documented_once() {
        let docs = ClientEvent::docs();
        let mut names: Vec<_> = docs.iter().map(|d| d.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), docs.len());
        assert!(docs.iter().all(|d| d.ack.is_some()));
    }
}
