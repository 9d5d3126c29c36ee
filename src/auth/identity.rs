//! From a bearer token to a verified caller, for HTTP and sockets alike.

use super::{Claims, Kind, Tokens};
use crate::domain::devices::{self, Device};
use crate::domain::model::{Agent, Client};
use crate::domain::permissions::Identity;
use crate::domain::{AgentId, ClientId, DeviceId, OrgId};
use crate::error::{ApiError, ApiResult};
use crate::store::{Devices, Store};

/// A caller whose token passed every check.
#[derive(Debug, Clone)]
pub struct Verified {
    pub identity: Identity,
    /// When the token expires (Unix seconds).
    pub expires_at: i64,
    /// The agent's device the token belongs to.
    pub device: Option<DeviceId>,
}

/// Verifies the token and loads the account it names; a revoked token (older version, deleted
/// account, moved organization, ended device) is refused like an invalid one.
pub async fn authenticate(
    tokens: &Tokens,
    store: &dyn Store,
    devices: &dyn Devices,
    token: &str,
) -> ApiResult<Verified> {
    let claims = tokens.verify(token).ok_or_else(ApiError::unauthorized)?;
    let identity = match claims.kind {
        Kind::Agent => signed_in_agent(store, devices, &claims)
            .await?
            .map(Identity::Agent),
        Kind::Client => store
            .client(ClientId(claims.sub), claims.org.map(OrgId))
            .await?
            .filter(|c| token_current(c.token_version, claims.ver))
            .map(Identity::Client),
    }
    .ok_or_else(ApiError::unauthorized)?;
    Ok(Verified {
        identity,
        expires_at: claims.exp,
        device: claims.sid.map(DeviceId),
    })
}

/// The agent an agent token names, while its version is current and its device not ended.
/// The device's last use is recorded now and then. A token without a device (issued before
/// devices were kept, for at most a day) is held to its version alone.
async fn signed_in_agent(
    store: &dyn Store,
    devices: &dyn Devices,
    claims: &Claims,
) -> ApiResult<Option<Agent>> {
    let Some(org) = claims.org else {
        return Ok(None);
    };
    if let Some(sid) = claims.sid {
        let Some(device) = devices.device(DeviceId(sid)).await? else {
            return Ok(None);
        };
        if device.agent_id.0 != claims.sub {
            return Ok(None);
        }
        let now = devices::real_now();
        if device.due_for_touch(now) {
            devices.touch_device(device.id, now).await?;
        }
    }
    Ok(store
        .agent(OrgId(org), AgentId(claims.sub))
        .await?
        .filter(|a| token_current(a.token_version, claims.ver)))
}

/// Whether a token of version `claimed` still speaks for an account now at `current`: a
/// password change, a deletion or a revocation bumps the account's version.
pub fn token_current(current: i64, claimed: i64) -> bool {
    current == claimed
}

/// An access token of the agent's sign-in on `device`, issued at `iat` and good until `exp`.
pub fn agent_token(tokens: &Tokens, a: &Agent, device: &Device, iat: i64, exp: i64) -> String {
    tokens.sign(&Claims {
        sub: a.id.0,
        kind: Kind::Agent,
        org: Some(a.organization_id.0),
        role: Some(a.role),
        ver: a.token_version,
        iat,
        exp,
        nbf: None,
        sid: Some(device.id.0),
    })
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
