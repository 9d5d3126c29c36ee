//! The OpenID Connect client: discovery, the authorization code exchange with PKCE, and the
//! ID token's verification (signature by the provider's published keys, issuer, audience,
//! expiry). It reaches only addresses the operator allows (`--sso-allow-private`), waits a
//! bounded time, reads bounded answers and keeps a bounded cache of providers' documents.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hashlink::LruCache;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use crate::domain::sso::{IdClaims, Refusal, SsoProvider, challenge};
use crate::outbound::{GuardedResolver, refuses_literal};

const TIMEOUT: Duration = Duration::from_secs(10);
/// The largest document read from a provider.
const MAX_DOCUMENT_BYTES: usize = 256 * 1024;
/// Providers whose documents are kept.
const CACHED_PROVIDERS: usize = 256;
/// How long a discovery document or key set is kept.
const CACHE_TTL: Duration = Duration::from_secs(3600);
/// Leeway for the provider's clock.
const LEEWAY_SECS: u64 = 60;
/// Signature algorithms accepted (never `none` or a shared-secret one).
const ALGORITHMS: &[Algorithm] = &[
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// What a provider's discovery document says (OpenID Connect Discovery 1.0).
#[derive(Debug, Clone, Deserialize)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Vec<String>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    id_token: Option<String>,
}

type Cache<T> = Mutex<LruCache<String, (Instant, Arc<T>)>>;

pub struct OidcClient {
    http: reqwest::Client,
    allow_private: bool,
    documents: Cache<Discovery>,
    keys: Cache<JwkSet>,
}

/// Where the browser goes to sign in at the provider.
pub struct Authorization<'a> {
    pub provider: &'a SsoProvider,
    pub redirect_uri: &'a str,
    pub state: &'a str,
    pub nonce: &'a str,
    pub verifier: &'a str,
    pub login_hint: Option<&'a str>,
}

impl OidcClient {
    /// `allow_private`: providers on loopback and private networks are allowed (one inside
    /// the installation's own network, or tests).
    pub fn new(allow_private: bool) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .dns_resolver(Arc::new(GuardedResolver::new(allow_private)))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(TIMEOUT)
            .user_agent("Raasel-SSO/1")
            .build()?;
        Ok(OidcClient {
            http,
            allow_private,
            documents: Mutex::new(LruCache::new(CACHED_PROVIDERS)),
            keys: Mutex::new(LruCache::new(CACHED_PROVIDERS)),
        })
    }

    /// Whether `http://` issuers are accepted (with private addresses, for tests and
    /// providers inside the installation's network).
    pub fn allows_http(&self) -> bool {
        self.allow_private
    }

    /// The issuer's discovery document (kept for an hour); its `issuer` must be the one
    /// configured.
    pub async fn discover(&self, issuer: &str) -> Result<Arc<Discovery>, Refusal> {
        if let Some(found) = cached(&self.documents, issuer) {
            return Ok(found);
        }
        let url = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let doc: Discovery = self.get_json(&url).await?;
        if doc.issuer != issuer {
            return Err(Refusal::Unavailable(format!(
                "the discovery document names the issuer {:?}, not {issuer:?}",
                doc.issuer
            )));
        }
        let doc = Arc::new(doc);
        keep(&self.documents, issuer, doc.clone());
        Ok(doc)
    }

    /// The provider's authorization address for a sign-in (code flow, PKCE `S256`).
    pub async fn authorization_url(&self, a: Authorization<'_>) -> Result<String, Refusal> {
        let doc = self.discover(&a.provider.issuer).await?;
        let mut url = reqwest::Url::parse(&doc.authorization_endpoint)
            .map_err(|_| Refusal::Unavailable("the authorization endpoint is no address".into()))?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("response_type", "code")
                .append_pair("client_id", &a.provider.client_id)
                .append_pair("redirect_uri", a.redirect_uri)
                .append_pair("scope", "openid email profile")
                .append_pair("state", a.state)
                .append_pair("nonce", a.nonce)
                .append_pair("code_challenge", &challenge(a.verifier))
                .append_pair("code_challenge_method", "S256");
            if let Some(hint) = a.login_hint {
                q.append_pair("login_hint", hint);
            }
        }
        Ok(url.into())
    }

    /// Trades the authorization code for the ID token and verifies it: its claims.
    pub async fn exchange(
        &self,
        provider: &SsoProvider,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
    ) -> Result<IdClaims, Refusal> {
        let doc = self.discover(&provider.issuer).await?;
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier),
        ];
        let mut req = self.http.post(&doc.token_endpoint);
        // client_secret_basic is the default (RFC 8414); post when only that is offered.
        let post_only = !doc.token_endpoint_auth_methods_supported.is_empty()
            && !doc
                .token_endpoint_auth_methods_supported
                .iter()
                .any(|m| m == "client_secret_basic");
        let credentials = [
            ("client_id", provider.client_id.as_str()),
            ("client_secret", provider.client_secret.as_str()),
        ];
        req = match post_only {
            true => req.form(&[&form[..], &credentials[..]].concat()),
            false => req
                .basic_auth(
                    form_encode(&provider.client_id),
                    Some(form_encode(&provider.client_secret)),
                )
                .form(&form),
        };
        let res = self.send(&doc.token_endpoint, req).await?;
        let status = res.status();
        let body = read_bounded(res).await?;
        if !status.is_success() {
            let said = String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
            return Err(Refusal::InvalidToken(format!(
                "the token endpoint answered {status}: {said}"
            )));
        }
        let answer: TokenAnswer = serde_json::from_slice(&body)
            .map_err(|e| Refusal::InvalidToken(format!("the token answer: {e}")))?;
        let id_token = answer
            .id_token
            .ok_or_else(|| Refusal::InvalidToken("the token answer has no ID token".into()))?;
        self.verify(&doc, provider, &id_token).await
    }

    /// Checks the ID token's signature against the provider's keys (fetched again once for a
    /// key id not seen yet), its issuer, audience and expiry.
    async fn verify(
        &self,
        doc: &Discovery,
        provider: &SsoProvider,
        id_token: &str,
    ) -> Result<IdClaims, Refusal> {
        let bad = |why: String| Refusal::InvalidToken(why);
        let header =
            jsonwebtoken::decode_header(id_token).map_err(|e| bad(format!("the ID token: {e}")))?;
        if !ALGORITHMS.contains(&header.alg) {
            return Err(bad(format!("the ID token is signed with {:?}", header.alg)));
        }
        let key = match self.key(doc, header.kid.as_deref(), false).await? {
            Some(key) => key,
            None => self
                .key(doc, header.kid.as_deref(), true)
                .await?
                .ok_or_else(|| bad("no published key signed the ID token".into()))?,
        };
        let mut validation = Validation::new(header.alg);
        validation.leeway = LEEWAY_SECS;
        validation.set_audience(&[&provider.client_id]);
        validation.set_issuer(&[&provider.issuer]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        jsonwebtoken::decode::<IdClaims>(id_token, &key, &validation)
            .map(|d| d.claims)
            .map_err(|e| bad(format!("the ID token: {e}")))
    }

    /// The published key with id `kid` (or the only one, without an id).
    async fn key(
        &self,
        doc: &Discovery,
        kid: Option<&str>,
        fresh: bool,
    ) -> Result<Option<DecodingKey>, Refusal> {
        let set = match cached(&self.keys, &doc.jwks_uri).filter(|_| !fresh) {
            Some(set) => set,
            None => {
                let set: Arc<JwkSet> = Arc::new(self.get_json(&doc.jwks_uri).await?);
                keep(&self.keys, &doc.jwks_uri, set.clone());
                set
            }
        };
        let jwk = match kid {
            Some(kid) => set.find(kid),
            None if set.keys.len() == 1 => set.keys.first(),
            None => None,
        };
        jwk.map(DecodingKey::from_jwk)
            .transpose()
            .map_err(|e| Refusal::InvalidToken(format!("a published key: {e}")))
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, Refusal> {
        let res = self.send(url, self.http.get(url)).await?;
        if !res.status().is_success() {
            return Err(Refusal::Unavailable(format!(
                "{url} answered {}",
                res.status()
            )));
        }
        let body = read_bounded(res).await?;
        serde_json::from_slice(&body).map_err(|e| Refusal::Unavailable(format!("{url}: {e}")))
    }

    async fn send(
        &self,
        url: &str,
        req: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, Refusal> {
        if refuses_literal(url, self.allow_private) {
            return Err(Refusal::Unavailable(format!(
                "{url} is an address this server may not reach"
            )));
        }
        req.send()
            .await
            .map_err(|e| Refusal::Unavailable(crate::webhook::describe(&e)))
    }
}

/// `application/x-www-form-urlencoded`, as client_secret_basic wants the id and secret.
fn form_encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn read_bounded(mut res: reqwest::Response) -> Result<Vec<u8>, Refusal> {
    let mut body = Vec::new();
    while let Some(chunk) = res
        .chunk()
        .await
        .map_err(|e| Refusal::Unavailable(crate::webhook::describe(&e)))?
    {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_DOCUMENT_BYTES {
            return Err(Refusal::Unavailable(
                "the provider's answer is too large".into(),
            ));
        }
    }
    Ok(body)
}

fn cached<T>(cache: &Cache<T>, key: &str) -> Option<Arc<T>> {
    let mut cache = cache.lock().expect("cache lock");
    match cache.get(key) {
        Some((at, found)) if at.elapsed() < CACHE_TTL => Some(found.clone()),
        _ => None,
    }
}

fn keep<T>(cache: &Cache<T>, key: &str, value: Arc<T>) {
    cache
        .lock()
        .expect("cache lock")
        .insert(key.to_string(), (Instant::now(), value));
}
