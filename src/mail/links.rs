//! Links in e-mails: signed, expiring, and good for one conversation of one customer. Signed
//! with a key of their own, derived from the server's token secret, so that a link is never a
//! sign-in token and a sign-in token never a link.

use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::model::Timestamp;
use crate::domain::{ClientId, OrgId, SessionId};

const AUDIENCE: &str = "raasel-email-link";
/// How long a link to open (and rate) a conversation works.
pub const OPEN_TTL_DAYS: i64 = 14;
/// How long an unsubscribe link works.
pub const UNSUBSCRIBE_TTL_DAYS: i64 = 365;

/// What a link does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkAction {
    /// Opens the conversation again (and rates it).
    Open,
    /// Turns the organization's e-mails to the customer off.
    Unsubscribe,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkClaims {
    /// The customer.
    pub sub: Uuid,
    /// The conversation.
    pub sid: Uuid,
    pub org: Uuid,
    pub act: LinkAction,
    pub exp: i64,
    pub aud: String,
}

impl LinkClaims {
    pub fn client(&self) -> ClientId {
        ClientId(self.sub)
    }
    pub fn session(&self) -> SessionId {
        SessionId(self.sid)
    }
    pub fn organization(&self) -> OrgId {
        OrgId(self.org)
    }
}

#[derive(Clone)]
pub struct Links {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl Links {
    /// Links signed with a key derived from `secret` (the server's token secret).
    pub fn new(secret: &[u8]) -> Links {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).expect("HMAC takes any key");
        mac.update(b"raasel e-mail links");
        let key = mac.finalize().into_bytes();
        Links {
            encoding: EncodingKey::from_secret(&key),
            decoding: DecodingKey::from_secret(&key),
        }
    }

    /// A link token for `act` on `session` of `client`, valid from `now`.
    pub fn sign(
        &self,
        client: ClientId,
        session: SessionId,
        org: OrgId,
        act: LinkAction,
        now: Timestamp,
    ) -> String {
        let days = match act {
            LinkAction::Open => OPEN_TTL_DAYS,
            LinkAction::Unsubscribe => UNSUBSCRIBE_TTL_DAYS,
        };
        let claims = LinkClaims {
            sub: client.0,
            sid: session.0,
            org: org.0,
            act,
            exp: (now + chrono::Duration::days(days)).timestamp(),
            aud: AUDIENCE.into(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 encoding of plain claims cannot fail")
    }

    /// The claims of an untampered link for `act` that has not expired at `now` (the
    /// product's clock, which tests move).
    pub fn verify(&self, token: &str, act: LinkAction, now: Timestamp) -> Option<LinkClaims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[AUDIENCE]);
        validation.validate_exp = false;
        validation.set_required_spec_claims(&["exp", "sub", "aud"]);
        let claims = decode::<LinkClaims>(token, &self.decoding, &validation)
            .ok()?
            .claims;
        (claims.act == act && claims.exp > now.timestamp()).then_some(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_scoped_expire_and_refuse_tampering() {
        let links = Links::new(b"secret");
        let (c, s, o) = (ClientId::new(), SessionId::new(), OrgId::new());
        let now = chrono::Utc::now();
        let t = links.sign(c, s, o, LinkAction::Open, now);
        let claims = links.verify(&t, LinkAction::Open, now).unwrap();
        assert_eq!((claims.client(), claims.session()), (c, s));
        assert!(links.verify(&t, LinkAction::Unsubscribe, now).is_none());
        let later = now + chrono::Duration::days(OPEN_TTL_DAYS + 1);
        assert!(
            links.verify(&t, LinkAction::Open, later).is_none(),
            "expired"
        );
        assert!(
            Links::new(b"other")
                .verify(&t, LinkAction::Open, now)
                .is_none()
        );
        let mut tampered = t.clone();
        tampered.insert(t.len() - 3, 'x');
        assert!(links.verify(&tampered, LinkAction::Open, now).is_none());
        // A sign-in token is no link.
        let signin = crate::auth::Tokens::new(b"secret").issue(
            c.0,
            crate::auth::Kind::Client,
            None,
            None,
            0,
        );
        assert!(links.verify(&signin, LinkAction::Open, now).is_none());
    }
}
