//! E-mail to customers as the product decides it: what kinds go out, how often one customer
//! may get one, how failed attempts are retried, and where the outcome of each attempt leaves
//! it. An e-mail is a row of a durable outbox, sent by one server, never twice.

use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::ids::{ClientId, OrgId, SessionId};
use super::model::Timestamp;

/// Most e-mails one customer gets in an hour (all organizations together).
pub const MAX_PER_CUSTOMER_PER_HOUR: i64 = 10;
/// Attempts before an e-mail the SMTP server keeps deferring is given up.
pub const MAX_ATTEMPTS: i64 = 6;
/// How long a server sending an e-mail holds it: longer than an SMTP exchange may take. An
/// e-mail still held after this was being sent by a server that died: it may have gone out,
/// so it is never sent again.
pub const CLAIM_SECS: i64 = 120;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailKind {
    /// Agents' replies the customer has not read, in one e-mail per burst.
    Replies,
    /// The whole conversation, asked for by the customer or an agent.
    Transcript,
    /// After a close, the request to rate it, for a customer who was gone.
    RatingRequest,
}

impl EmailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailKind::Replies => "replies",
            EmailKind::Transcript => "transcript",
            EmailKind::RatingRequest => "rating_request",
        }
    }

    pub fn parse(s: &str) -> Option<EmailKind> {
        [
            EmailKind::Replies,
            EmailKind::Transcript,
            EmailKind::RatingRequest,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One e-mail of the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct OutgoingEmail {
    pub id: uuid::Uuid,
    pub organization_id: OrgId,
    pub session_id: SessionId,
    pub client_id: ClientId,
    pub kind: EmailKind,
    pub to: String,
    pub due_at: Timestamp,
    pub attempts: i64,
    pub created_at: Timestamp,
}

impl OutgoingEmail {
    pub fn new(
        kind: EmailKind,
        org: OrgId,
        session: SessionId,
        client: ClientId,
        to: String,
        due_at: Timestamp,
        now: Timestamp,
    ) -> OutgoingEmail {
        OutgoingEmail {
            id: uuid::Uuid::now_v7(),
            organization_id: org,
            session_id: session,
            client_id: client,
            kind,
            to,
            due_at,
            attempts: 0,
            created_at: now,
        }
    }
}

/// How one attempt ended, as the outbox keeps it.
#[derive(Debug, Clone, PartialEq)]
pub enum EmailOutcome {
    Sent,
    /// Nothing to say any more (the customer read the replies, rated, turned e-mails off).
    Skipped(&'static str),
    /// Refused for good, or deferred too often.
    Failed(String),
    /// Deferred: tried again at `at`.
    Retry {
        error: String,
        at: Timestamp,
    },
}

impl EmailOutcome {
    /// The row's state afterwards.
    pub fn state(&self) -> &'static str {
        match self {
            EmailOutcome::Sent => "sent",
            EmailOutcome::Skipped(_) => "skipped",
            EmailOutcome::Failed(_) => "failed",
            EmailOutcome::Retry { .. } => "pending",
        }
    }
}

/// What becomes of an e-mail the SMTP server deferred on attempt `attempts` (1 = the first):
/// tried again after 30 s, 2, 8, 32 minutes…, until `MAX_ATTEMPTS`.
pub fn after_deferral(attempts: i64, error: String, now: Timestamp) -> EmailOutcome {
    if attempts >= MAX_ATTEMPTS {
        return EmailOutcome::Failed(format!("gave up after {attempts} attempts: {error}"));
    }
    let wait = Duration::seconds(30) * 4_i32.pow((attempts - 1).clamp(0, 8) as u32);
    EmailOutcome::Retry {
        error,
        at: now + wait,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deferred_e_mails_back_off_then_fail() {
        let now = chrono::Utc::now();
        let at = |n| match after_deferral(n, "421".into(), now) {
            EmailOutcome::Retry { at, .. } => (at - now).num_seconds(),
            other => panic!("{other:?}"),
        };
        assert_eq!([at(1), at(2), at(3)], [30, 120, 480]);
        assert!(matches!(
            after_deferral(MAX_ATTEMPTS, "421".into(), now),
            EmailOutcome::Failed(_)
        ));
        assert_eq!(
            EmailKind::parse("rating_request"),
            Some(EmailKind::RatingRequest)
        );
    }
}
