//! HS256 JSON Web Tokens.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::model::Role;

/// Tokens live for 24 hours.
pub const TOKEN_TTL_SECS: i64 = 24 * 60 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Agent,
    Client,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub kind: Kind,
    /// The organization of an agent or a widget visitor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Must equal the account's current token version.
    pub ver: i64,
    pub iat: i64,
    pub exp: i64,
    /// Not valid before (Unix seconds): never issued here, but honoured when present, as a
    /// signed claim of a token should be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// The device (sign-in) an agent's token belongs to; ending it refuses the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<Uuid>,
}

#[derive(Clone)]
pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl Tokens {
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Tokens {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    /// Signs a token for an account at its current token version.
    pub fn issue(
        &self,
        sub: Uuid,
        kind: Kind,
        org: Option<Uuid>,
        role: Option<Role>,
        ver: i64,
    ) -> String {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub,
            kind,
            org,
            role,
            ver,
            iat: now,
            exp: now + TOKEN_TTL_SECS,
            nbf: None,
            sid: None,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 encoding of plain claims cannot fail")
    }

    /// Checks signature and expiry; the token version is checked against the account by the caller.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|d| d.claims)
    }

    /// Signs arbitrary claims (tests use it for expired tokens).
    pub fn sign(&self, claims: &Claims) -> String {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .expect("HS256 encoding of plain claims cannot fail")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_tampering_and_expiry() {
        let t = Tokens::new(b"secret");
        let sub = Uuid::now_v7();
        let tok = t.issue(sub, Kind::Agent, Some(Uuid::now_v7()), Some(Role::Admin), 3);
        let c = t.verify(&tok).unwrap();
        assert_eq!(
            (c.sub, c.kind, c.ver, c.role),
            (sub, Kind::Agent, 3, Some(Role::Admin))
        );
        assert!(Tokens::new(b"other").verify(&tok).is_none());
        let expired = t.sign(&Claims {
            exp: chrono::Utc::now().timestamp() - 5,
            ..c
        });
        assert!(t.verify(&expired).is_none());
    }

    #[test]
    fn a_token_not_yet_valid_is_refused() {
        let t = Tokens::new(b"secret");
        let c = t
            .verify(&t.issue(Uuid::now_v7(), Kind::Client, None, None, 0))
            .unwrap();
        let now = chrono::Utc::now().timestamp();
        let later = t.sign(&Claims {
            nbf: Some(now + 600),
            ..c.clone()
        });
        assert!(t.verify(&later).is_none());
        let earlier = t.sign(&Claims {
            nbf: Some(now - 5),
            ..c
        });
        assert!(t.verify(&earlier).is_some());
    }
}
