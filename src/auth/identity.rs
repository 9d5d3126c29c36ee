//! From a bearer token to a verified caller, for HTTP and sockets alike.

use super::{Kind, Tokens};
use crate::domain::model::{Agent, Client};
use crate::domain::permissions::Identity;
use crate::domain::{AgentId, ClientId, OrgId};
use crate::error::{ApiError, ApiResult};
use crate::store::Store;

/// Verifies the token and loads the account it names; a revoked token (older version, deleted
/// account, moved organization) is refused like an invalid one.
pub async fn authenticate(tokens: &Tokens, store: &dyn Store, token: &str) -> ApiResult<Identity> {
    authenticate_until(tokens, store, token)
        .await
        .map(|(who, _)| who)
}

/// Like `authenticate`, also telling when the token expires (Unix seconds).
pub async fn authenticate_until(
    tokens: &Tokens,
    store: &dyn Store,
    token: &str,
) -> ApiResult<(Identity, i64)> {
    let claims = tokens.verify(token).ok_or_else(ApiError::unauthorized)?;
    let identity = match claims.kind {
        Kind::Agent => match claims.org {
            Some(org) => store
                .agent(OrgId(org), AgentId(claims.sub))
                .await?
                .filter(|a| token_current(a.token_version, claims.ver))
                .map(Identity::Agent),
            None => None,
        },
        Kind::Client => store
            .client(ClientId(claims.sub), claims.org.map(OrgId))
            .await?
            .filter(|c| token_current(c.token_version, claims.ver))
            .map(Identity::Client),
    }
    .ok_or_else(ApiError::unauthorized)?;
    Ok((identity, claims.exp))
}

/// Whether a token of version `claimed` still speaks for an account now at `current`: a
/// password change, a deletion or a revocation bumps the account's version.
pub fn token_current(current: i64, claimed: i64) -> bool {
    current == claimed
}

pub fn agent_token(tokens: &Tokens, a: &Agent) -> String {
    tokens.issue(
        a.id.0,
        Kind::Agent,
        Some(a.organization_id.0),
        Some(a.role),
        a.token_version,
    )
}

pub fn client_token(tokens: &Tokens, c: &Client) -> String {
    tokens.issue(
        c.id.0,
        Kind::Client,
        c.organization_id.map(|o| o.0),
        None,
        c.token_version,
    )
}
