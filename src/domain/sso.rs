//! Single sign-on with OpenID Connect: an organization's identity provider, the sign-ins on
//! their way through it, and the checks an ID token's claims must pass before an agent is
//! signed in (the signature, issuer, audience and expiry are checked where the token is
//! decoded, in `crate::sso`).

use rand::Rng;
use serde::{Deserialize, Deserializer, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::ids::{AgentId, OrgId};
use super::input::{self, Parsed};
use super::model::Timestamp;

/// How long a sign-in may take at the provider.
pub const LOGIN_TTL_SECS: i64 = 600;
/// Allowed e-mail domains per organization.
pub const MAX_DOMAINS: usize = 50;
const MAX_LABEL_CHARS: usize = 40;
const MAX_CLIENT_CHARS: usize = 255;
const MAX_SECRET_CHARS: usize = 1024;
const MAX_ISSUER_CHARS: usize = 512;

/// An organization's identity provider.
#[derive(Debug, Clone, PartialEq)]
pub struct SsoProvider {
    pub organization_id: OrgId,
    /// The issuer, exactly as its discovery document and ID tokens name it.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// The sign-in button's "Sign in with …".
    pub label: String,
    /// E-mail domains whose users may sign in (lower case).
    pub allowed_domains: Vec<String>,
    /// Whether a user of an allowed domain without an agent becomes one (else is refused).
    pub create_agents: bool,
    /// Whether password sign-in is off for the organization (but for the break-glass admin).
    pub required: bool,
    pub break_glass_agent_id: Option<AgentId>,
    pub updated_at: Timestamp,
}

/// The provider as admins see it: the secret never leaves the server.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SsoSettings {
    pub issuer: String,
    pub client_id: String,
    pub label: String,
    pub allowed_domains: Vec<String>,
    pub create_agents: bool,
    pub required: bool,
    pub break_glass_agent_id: Option<AgentId>,
}

impl SsoSettings {
    pub fn of(p: &SsoProvider) -> Self {
        SsoSettings {
            issuer: p.issuer.clone(),
            client_id: p.client_id.clone(),
            label: p.label.clone(),
            allowed_domains: p.allowed_domains.clone(),
            create_agents: p.create_agents,
            required: p.required,
            break_glass_agent_id: p.break_glass_agent_id,
        }
    }
}

/// A sign-in on its way through the provider: found again by its `state`, used once.
#[derive(Debug, Clone, PartialEq)]
pub struct SsoLogin {
    /// SHA-256 of the `state` sent to the provider.
    pub state_hash: String,
    pub organization_id: OrgId,
    pub nonce: String,
    /// The PKCE code verifier.
    pub verifier: String,
    pub expires_at: Timestamp,
}

/// A new sign-in for `org` at `now`, and the `state` to send with it.
pub fn new_login(org: OrgId, now: Timestamp) -> (SsoLogin, String) {
    let state = random_token();
    let login = SsoLogin {
        state_hash: state_hash(&state),
        organization_id: org,
        nonce: random_token(),
        verifier: random_token(),
        expires_at: now + chrono::Duration::seconds(LOGIN_TTL_SECS),
    };
    (login, state)
}

/// 32 random bytes, base64url: a state, a nonce or a PKCE verifier (43 characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill(&mut bytes[..]);
    base64url(&bytes)
}

/// How a `state` is kept.
pub fn state_hash(state: &str) -> String {
    hex::encode(Sha256::digest(state.as_bytes()))
}

/// The PKCE `S256` challenge of a verifier (RFC 7636).
pub fn challenge(verifier: &str) -> String {
    base64url(&Sha256::digest(verifier.as_bytes()))
}

fn base64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The claims of an ID token this server reads (the rest is checked by the decoder).
#[derive(Debug, Clone, Deserialize)]
pub struct IdClaims {
    pub sub: String,
    pub email: Option<String>,
    /// Some providers send it as the string "true".
    #[serde(default, deserialize_with = "boolish")]
    pub email_verified: bool,
    pub name: Option<String>,
    pub nonce: Option<String>,
}

fn boolish<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Boolish {
        Bool(bool),
        Text(String),
    }
    Ok(match Option::<Boolish>::deserialize(d)? {
        Some(Boolish::Bool(b)) => b,
        Some(Boolish::Text(t)) => t.eq_ignore_ascii_case("true"),
        None => false,
    })
}

/// Why a single sign-on was refused; the code is what the console shows a message for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The organization has no provider (any more).
    NotConfigured,
    /// The provider could not be reached or answered nonsense.
    Unavailable(String),
    /// No sign-in is waiting for this `state` (forged, replayed or expired).
    InvalidState,
    /// The provider sent the user back with an error (they cancelled, or it refused them).
    ProviderRefused(String),
    /// The code exchange or the ID token failed a check.
    InvalidToken(String),
    EmailUnverified,
    DomainNotAllowed,
    /// No agent has this e-mail and the organization does not create them.
    UnknownAgent,
    /// As many sign-ins as the installation keeps are under way (`--sso-pending-sign-ins`).
    Busy,
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotConfigured => "sso_not_configured",
            Refusal::Unavailable(_) => "sso_unavailable",
            Refusal::InvalidState => "sso_invalid_state",
            Refusal::ProviderRefused(_) => "sso_refused",
            Refusal::InvalidToken(_) => "sso_invalid_token",
            Refusal::EmailUnverified => "sso_email_unverified",
            Refusal::DomainNotAllowed => "sso_domain_not_allowed",
            Refusal::UnknownAgent => "sso_unknown_agent",
            Refusal::Busy => "sso_busy",
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Unavailable(why)
            | Refusal::ProviderRefused(why)
            | Refusal::InvalidToken(why) => {
                write!(f, "{}: {why}", self.code())
            }
            _ => f.write_str(self.code()),
        }
    }
}

/// The e-mail an ID token signs in with: the nonce must be the sign-in's, the e-mail verified
/// by the provider and of an allowed domain. Lower case.
pub fn signed_in_email(
    claims: &IdClaims,
    nonce: &str,
    provider: &SsoProvider,
) -> Result<String, Refusal> {
    if claims.nonce.as_deref() != Some(nonce) {
        return Err(Refusal::InvalidToken(
            "the nonce is not this sign-in's".into(),
        ));
    }
    let email = claims
        .email
        .as_deref()
        .map(|e| input::email(Some(e)))
        .transpose()
        .map_err(|_| Refusal::InvalidToken("the e-mail claim is not an e-mail address".into()))?
        .ok_or_else(|| Refusal::InvalidToken("the ID token has no e-mail claim".into()))?;
    if !claims.email_verified {
        return Err(Refusal::EmailUnverified);
    }
    if !domain_allowed(&email, &provider.allowed_domains) {
        return Err(Refusal::DomainNotAllowed);
    }
    Ok(email)
}

/// Whether `email` (lower case) is of one of `domains`.
pub fn domain_allowed(email: &str, domains: &[String]) -> bool {
    email
        .rsplit_once('@')
        .is_some_and(|(_, d)| domains.iter().any(|a| a == d))
}

/// The issuer: an `https://` address (or `http://` when `allow_http`), without a query or
/// fragment; a trailing slash is kept as given (ID tokens must name it exactly).
pub fn issuer(s: Option<&str>, allow_http: bool) -> Parsed<String> {
    let s = s
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or("is required")?;
    let url = url::Url::parse(s).map_err(|_| "must be an https:// address".to_string())?;
    let scheme_ok = url.scheme() == "https" || (allow_http && url.scheme() == "http");
    if !scheme_ok || url.host().is_none() || url.query().is_some() || url.fragment().is_some() {
        return Err("must be an https:// address without a query".into());
    }
    if s.len() > MAX_ISSUER_CHARS {
        return Err(format!("must be at most {MAX_ISSUER_CHARS} characters"));
    }
    Ok(s.to_string())
}

pub fn client_id(s: Option<&str>) -> Parsed<String> {
    bounded(s, MAX_CLIENT_CHARS)
}

/// The client secret, when given (`None`: keep the saved one).
pub fn client_secret(s: Option<&str>) -> Parsed<Option<String>> {
    s.map(|s| bounded(Some(s), MAX_SECRET_CHARS)).transpose()
}

pub fn label(s: Option<&str>) -> Parsed<String> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok("single sign-on".into()),
        Some(l) if l.chars().count() <= MAX_LABEL_CHARS => Ok(l.to_string()),
        Some(_) => Err(format!("must be at most {MAX_LABEL_CHARS} characters")),
    }
}

/// One to fifty public domains, lower case, without repeats.
pub fn allowed_domains(list: Option<&[String]>) -> Parsed<Vec<String>> {
    let list = list
        .filter(|l| !l.is_empty())
        .ok_or("must name at least one domain")?;
    if list.len() > MAX_DOMAINS {
        return Err(format!("must name at most {MAX_DOMAINS} domains"));
    }
    let mut out: Vec<String> = Vec::new();
    for d in list {
        let d = input::organization_domain(Some(d)).map_err(|e| format!("{d:?}: {e}"))?;
        if !out.contains(&d) {
            out.push(d);
        }
    }
    Ok(out)
}

fn bounded(s: Option<&str>, max: usize) -> Parsed<String> {
    let s = s
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or("is required")?;
    if s.chars().count() > max || s.chars().any(char::is_control) {
        return Err(format!("must be at most {max} printable characters"));
    }
    Ok(s.to_string())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn provider() -> SsoProvider {
        SsoProvider {
            organization_id: OrgId::new(),
            issuer: "https://id.example.com".into(),
            client_id: "raasel".into(),
            client_secret: "s".into(),
            label: "Example ID".into(),
            allowed_domains: vec!["acme.test".into()],
            create_agents: false,
            required: false,
            break_glass_agent_id: None,
            updated_at: chrono::Utc::now(),
        }
    }

    fn claims(email: &str, verified: bool, nonce: &str) -> IdClaims {
        IdClaims {
            sub: "1".into(),
            email: Some(email.into()),
            email_verified: verified,
            name: None,
            nonce: Some(nonce.into()),
        }
    }

    #[test]
    fn the_pkce_challenge_is_the_rfc_example() {
        // RFC 7636, appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            challenge(verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert_eq!(random_token().len(), 43);
    }

    #[test]
    fn an_id_token_signs_in_a_verified_email_of_an_allowed_domain_with_its_nonce() {
        let p = provider();
        assert_eq!(
            signed_in_email(&claims("Ann@ACME.test", true, "n"), "n", &p),
            Ok("ann@acme.test".into())
        );
        assert!(matches!(
            signed_in_email(&claims("ann@acme.test", true, "other"), "n", &p),
            Err(Refusal::InvalidToken(_))
        ));
        assert_eq!(
            signed_in_email(&claims("ann@acme.test", false, "n"), "n", &p),
            Err(Refusal::EmailUnverified)
        );
        assert_eq!(
            signed_in_email(&claims("ann@evil.test", true, "n"), "n", &p),
            Err(Refusal::DomainNotAllowed)
        );
        assert_eq!(
            signed_in_email(&claims("ann@sub.acme.test", true, "n"), "n", &p),
            Err(Refusal::DomainNotAllowed)
        );
    }

    #[test]
    fn email_verified_may_be_a_string() {
        let c: IdClaims = serde_json::from_str(r#"{"sub":"1","email_verified":"true"}"#).unwrap();
        assert!(c.email_verified);
        let c: IdClaims = serde_json::from_str(r#"{"sub":"1"}"#).unwrap();
        assert!(!c.email_verified);
    }

    #[test]
    fn settings_are_checked() {
        assert!(issuer(Some("http://id.example.com"), false).is_err());
        assert!(issuer(Some("http://127.0.0.1:8557"), true).is_ok());
        assert!(issuer(Some("https://id.example.com/?x=1"), false).is_err());
        assert_eq!(
            allowed_domains(Some(&["ACME.test".into(), "acme.test".into()])).unwrap(),
            vec!["acme.test"]
        );
        assert!(allowed_domains(Some(&[])).is_err());
        assert!(allowed_domains(Some(&["localhost".into()])).is_err());
        assert_eq!(label(None).unwrap(), "single sign-on");
    }
}
