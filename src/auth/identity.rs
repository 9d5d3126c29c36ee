//! From a bearer token to a verified caller, for HTTP and sockets alike.

use super::{Kind, Tokens};
use crate::domain::model::{Agent, Client};
use crate::domain::permissions::Identity;
use crate::domain::{AgentId, ClientId};
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
        Kind::Agent => store
            .agent(AgentId(claims.sub))
            .await?
            .filter(|a| a.token_version == claims.ver && Some(a.organization_id.0) == claims.org)
            .map(Identity::Agent),
        Kind::Client => store
            .client(ClientId(claims.sub))
            .await?
            .filter(|c| {
                c.token_version == claims.ver && c.organization_id.map(|o| o.0) == claims.org
            })
            .map(Identity::Client),
    }
    .ok_or_else(ApiError::unauthorized)?;
    Ok((identity, claims.exp))
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
