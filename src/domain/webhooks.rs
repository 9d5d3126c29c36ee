//! Webhooks: the organization's endpoints, the events they ask for, and how a delivery is
//! signed, retried and given up. Deliveries are at least once: a receiver de-duplicates by the
//! event id, which every attempt and every redelivery of one event carries.

use std::net::IpAddr;

use chrono::Duration;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ids::OrgId;
use super::input::Parsed;
use super::model::Timestamp;

/// Most endpoints of one organization.
pub const MAX_ENDPOINTS_PER_ORG: i64 = 20;
const MAX_URL_CHARS: usize = 2000;
/// Deliveries are retried for this long after the event, then marked failed.
pub const RETRY_FOR_HOURS: i64 = 24;
/// Failed deliveries in a row after which an endpoint is paused.
pub const PAUSE_AFTER_FAILURES: i64 = 10;
/// How long a server delivering holds a delivery; one still held after this is tried again.
pub const CLAIM_SECS: i64 = 60;
/// Most bytes of a receiver's answer that are read (and kept, for the console).
pub const MAX_ANSWER_BYTES: usize = 1024;

/// What an endpoint can be told.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
pub enum WebhookEvent {
    #[serde(rename = "conversation.created")]
    ConversationCreated,
    #[serde(rename = "conversation.assigned")]
    ConversationAssigned,
    #[serde(rename = "conversation.transferred")]
    ConversationTransferred,
    #[serde(rename = "conversation.closed")]
    ConversationClosed,
    #[serde(rename = "conversation.reopened")]
    ConversationReopened,
    #[serde(rename = "message.created")]
    MessageCreated,
    #[serde(rename = "rating.submitted")]
    RatingSubmitted,
    #[serde(rename = "customer.updated")]
    CustomerUpdated,
}

impl WebhookEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::ConversationCreated => "conversation.created",
            WebhookEvent::ConversationAssigned => "conversation.assigned",
            WebhookEvent::ConversationTransferred => "conversation.transferred",
            WebhookEvent::ConversationClosed => "conversation.closed",
            WebhookEvent::ConversationReopened => "conversation.reopened",
            WebhookEvent::MessageCreated => "message.created",
            WebhookEvent::RatingSubmitted => "rating.submitted",
            WebhookEvent::CustomerUpdated => "customer.updated",
        }
    }
}

/// An organization's endpoint, as admins see it (never its secret after creation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Endpoint {
    pub id: uuid::Uuid,
    pub organization_id: OrgId,
    pub url: String,
    pub events: Vec<WebhookEvent>,
    /// Paused after failing again and again (or by an admin): nothing is sent until resumed.
    pub paused: bool,
    /// Deliveries that failed in a row.
    pub failures: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

/// The body of every webhook delivery (signed in `X-Raasel-Signature`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookBody {
    /// The event id: the same on every retry and redelivery (de-duplicate by it).
    pub id: uuid::Uuid,
    #[serde(rename = "type")]
    pub event: WebhookEvent,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    pub organization_id: OrgId,
    /// `{session}`, `{session, agent}`, `{session_id, message}`, `{session_id, rating}` or
    /// `{contact}`, by type (docs/webhooks.md).
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// What each event is, for the OpenAPI document's `webhooks`.
pub const EVENT_DOCS: [(WebhookEvent, &str); 8] = [
    (
        WebhookEvent::ConversationCreated,
        "A customer's first message put a conversation in the queue: `data.session`.",
    ),
    (
        WebhookEvent::ConversationAssigned,
        "A waiting conversation was given to an agent: `data.session`, `data.agent`.",
    ),
    (
        WebhookEvent::ConversationTransferred,
        "An assigned conversation went to another agent: `data.session`, `data.agent`.",
    ),
    (
        WebhookEvent::ConversationClosed,
        "A conversation was closed: `data.session`.",
    ),
    (
        WebhookEvent::ConversationReopened,
        "A closed conversation opened again: `data.session`.",
    ),
    (
        WebhookEvent::MessageCreated,
        "A customer or an agent wrote (`data.message.internal`: a private note): `data.session_id`, `data.message`.",
    ),
    (
        WebhookEvent::RatingSubmitted,
        "A customer rated a closed conversation: `data.session_id`, `data.rating`.",
    ),
    (
        WebhookEvent::CustomerUpdated,
        "An agent changed what the organization keeps of a customer: `data.contact`.",
    ),
];

/// One attempt's outcome as the console shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Delivery {
    /// The delivery id (`X-Raasel-Delivery`), the same on every retry.
    pub id: uuid::Uuid,
    /// The event id (`id` of the body): the same for a redelivery.
    pub event_id: uuid::Uuid,
    pub endpoint_id: uuid::Uuid,
    pub event: WebhookEvent,
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    pub attempts: i64,
    /// The receiver's last HTTP status, if it answered.
    #[schema(required = true)]
    pub last_status: Option<i64>,
    #[schema(required = true)]
    pub last_error: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub delivered_at: Option<Timestamp>,
}

/// A delivery the sender works on.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub id: uuid::Uuid,
    pub event_id: uuid::Uuid,
    pub endpoint_id: uuid::Uuid,
    pub organization_id: OrgId,
    pub event: WebhookEvent,
    /// The body, exactly as signed and sent.
    pub body: String,
    pub attempts: i64,
    pub created_at: Timestamp,
}

/// An endpoint's address: `https://` or `http://`, a host, at most 2,000 characters. Where it
/// may point is checked when connecting (`forbidden_address`).
pub fn url(s: &str) -> Parsed<String> {
    let s = s.trim();
    if s.len() > MAX_URL_CHARS || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "must be a URL of at most {MAX_URL_CHARS} characters"
        ));
    }
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .ok_or("must start with https:// or http://")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || host.contains('@') {
        return Err("must name a host (and no user or password)".into());
    }
    Ok(s.to_string())
}

/// The events asked for: at least one, each once.
pub fn events(mut sent: Vec<WebhookEvent>) -> Parsed<Vec<WebhookEvent>> {
    sent.sort();
    sent.dedup();
    if sent.is_empty() {
        return Err("name at least one event".into());
    }
    Ok(sent)
}

/// A new endpoint secret: 256 random bits, as 64 hex digits.
pub fn new_secret() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// The `X-Raasel-Signature` of `body` sent at `t` (Unix seconds):
/// `t=<t>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
pub fn signature(secret: &str, t: i64, body: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key");
    mac.update(format!("{t}.{body}").as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// When a delivery that failed on attempt `attempts` is tried again: after 30 s, doubling up
/// to an hour, with up to a fifth more at random so that receivers coming back are not hit by
/// every sender at once; none once the event is `RETRY_FOR_HOURS` old.
pub fn retry_at(attempts: i64, created_at: Timestamp, now: Timestamp) -> Option<Timestamp> {
    let base = (30_i64 << (attempts - 1).clamp(0, 7)).min(3600);
    let jitter = rand::random::<u64>() % (base as u64 / 5 + 1);
    let at = now + Duration::seconds(base + jitter as i64);
    (at < created_at + Duration::hours(RETRY_FOR_HOURS)).then_some(at)
}

/// Whether a webhook may not connect to `ip`: loopback, private, link-local (the cloud
/// metadata address among them), unspecified, multicast, broadcast, documentation or shared
/// ranges, and their IPv6 counterparts.
pub fn forbidden_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || (o[0] == 198 && (o[1] == 18 || o[1] == 19))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return forbidden_address(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_hmac_of_time_and_body() {
        let s = signature("secret", 1_700_000_000, "{\"a\":1}");
        assert!(s.starts_with("t=1700000000,v1="));
        assert_eq!(s.len(), "t=1700000000,v1=".len() + 64);
        assert_ne!(s, signature("other", 1_700_000_000, "{\"a\":1}"));
    }

    #[test]
    fn private_and_metadata_addresses_are_forbidden() {
        for ip in [
            "127.0.0.1",
            "10.0.0.1",
            "169.254.169.254",
            "192.168.1.1",
            "172.16.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "100.64.0.1",
        ] {
            assert!(forbidden_address(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"] {
            assert!(!forbidden_address(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn urls_and_events_are_checked() {
        assert!(url("https://hooks.example/x?y=1").is_ok());
        for bad in [
            "ftp://x",
            "https://",
            "https://user:pw@x.example",
            "https://a b",
        ] {
            assert!(url(bad).is_err(), "{bad}");
        }
        assert!(events(vec![]).is_err());
        assert_eq!(
            events(vec![
                WebhookEvent::MessageCreated,
                WebhookEvent::MessageCreated
            ])
            .unwrap()
            .len(),
            1
        );
    }

    #[test]
    fn retries_back_off_with_jitter_and_stop_after_a_day() {
        let now = chrono::Utc::now();
        let first = retry_at(1, now, now).unwrap();
        assert!((30..=36).contains(&(first - now).num_seconds()));
        let late = retry_at(20, now, now).unwrap();
        assert!((3600..=4320).contains(&(late - now).num_seconds()));
        assert!(retry_at(3, now - Duration::hours(24), now).is_none());
    }
}
