//! Agents' devices: every sign-in starts one; the agent (or an admin of theirs) sees them and
//! ends any, which refuses its token and closes its sockets on every node at once.

use serde_json::json;

use super::Chat;
use crate::auth;
use crate::domain::devices::{self, DeviceView};
use crate::domain::model::Agent;
use crate::domain::permissions;
use crate::domain::{AgentId, DeviceId};
use crate::error::AccessExt;
use crate::error::{ApiError, ApiResult};
use crate::fanout::Target;

/// How sign-ins last: devices kept per agent, the access token's and the device's lifetimes
/// (seconds).
#[derive(Debug, Clone, Copy)]
pub struct SignInPolicy {
    pub keep: usize,
    pub access_ttl: i64,
    pub device_ttl: i64,
    /// How long a replaced refresh secret still works.
    pub reuse_grace: i64,
}

/// A sign-in's answer: an access token and, when a refresh secret was (re)issued, the refresh
/// cookie's value.
#[derive(Debug)]
pub struct SignIn {
    pub token: String,
    /// Seconds the token is good for.
    pub expires_in: i64,
    pub refresh: Option<String>,
}

impl Chat {
    /// Starts a device for the agent signing in from `address` with user agent `ua`: its
    /// access token and refresh secret. Beyond `policy.keep` devices, the least recently used
    /// are signed out.
    #[tracing::instrument(level = "debug", skip_all, fields(org = %agent.organization_id, agent = %agent.id))]
    pub async fn sign_in(
        &self,
        tokens: &auth::Tokens,
        agent: &Agent,
        address: String,
        ua: Option<&str>,
        policy: SignInPolicy,
    ) -> ApiResult<SignIn> {
        let (device, secret) = devices::new_device(agent, address, ua, policy.device_ttl);
        self.devices.add_device(&device).await?;
        let live = self
            .devices
            .devices_of(agent.id, agent.token_version, device.started_at)
            .await?;
        for old in live
            .iter()
            .filter(|d| d.id != device.id)
            .skip(policy.keep.saturating_sub(1))
        {
            self.devices.end_device(agent.id, old.id).await?;
            self.fanout.disconnect(Target::Device(old.id)).await;
            tracing::info!(target: "security", agent = %agent.id, device = %old.id, "least recently used device signed out: too many devices");
        }
        let refresh = Some(devices::refresh_cookie(device.id, &secret));
        Ok(access(tokens, agent, &device, policy, refresh))
    }

    /// Trades a refresh cookie for a new access token (and a new secret, extending the
    /// device). A secret replaced moments ago gets a token only; one replaced longer ago ends
    /// the device, since someone else holds a copy.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn refresh(
        &self,
        tokens: &auth::Tokens,
        cookie: &str,
        policy: SignInPolicy,
    ) -> ApiResult<(Agent, SignIn)> {
        let refused = || ApiError::Unauthorized("the sign-in ended; sign in again".into());
        let (id, secret) = devices::parse_refresh_cookie(cookie).ok_or_else(refused)?;
        let now = devices::real_now();
        let device = self
            .devices
            .device(id)
            .await?
            .filter(|d| d.expires_at > now)
            .ok_or_else(refused)?;
        let agent = self
            .store
            .agent(device.organization_id, device.agent_id)
            .await?
            .filter(|a| auth::token_current(a.token_version, device.token_version))
            .ok_or_else(refused)?;
        let refresh = match device.presented(secret, now, policy.reuse_grace) {
            devices::Presented::Current => self.rotate(&device, secret, now, policy).await?,
            devices::Presented::JustReplaced => None,
            devices::Presented::Replayed => {
                tracing::warn!(target: "security", agent = %agent.id, device = %id, "a replaced refresh secret was presented again: device signed out");
                self.devices.end_device(agent.id, id).await?;
                self.fanout.disconnect(Target::Device(id)).await;
                return Err(refused());
            }
            devices::Presented::Unknown => {
                tracing::warn!(target: "security", agent = %agent.id, device = %id, "refresh refused: wrong secret");
                return Err(refused());
            }
        };
        let device = self.devices.device(id).await?.ok_or_else(refused)?;
        let signed = access(tokens, &agent, &device, policy, refresh);
        Ok((agent, signed))
    }

    /// Replaces the device's current secret; `None` when another refresh replaced it first
    /// (that one's cookie is on its way to the same browser).
    async fn rotate(
        &self,
        device: &devices::Device,
        secret: &str,
        now: crate::domain::model::Timestamp,
        policy: SignInPolicy,
    ) -> ApiResult<Option<String>> {
        let next = devices::new_refresh_secret();
        let until = now + chrono::Duration::seconds(policy.device_ttl);
        let from = devices::refresh_hash(secret);
        let to = devices::refresh_hash(&next);
        let rotated = self
            .devices
            .rotate_refresh(device.id, &from, &to, now, until)
            .await?;
        Ok(rotated.then(|| devices::refresh_cookie(device.id, &next)))
    }

    /// The agent's devices whose token still works, most recently used first; `current` is
    /// the caller's.
    pub async fn devices(
        &self,
        actor: &Agent,
        agent: &Agent,
        current: Option<DeviceId>,
    ) -> ApiResult<Vec<DeviceView>> {
        permissions::can_manage_sign_in(actor, agent).or_deny("agent")?;
        let found = self
            .devices
            .devices_of(agent.id, agent.token_version, devices::real_now())
            .await?;
        Ok(found.iter().map(|d| DeviceView::of(d, current)).collect())
    }

    /// Ends a device of the caller's, or as an admin one of an agent of theirs (404 for
    /// anyone else, and when it is gone).
    #[tracing::instrument(level = "debug", skip_all, fields(actor = %actor.id, org = %actor.organization_id, device = %id))]
    pub async fn end_device(&self, actor: &Agent, id: DeviceId) -> ApiResult<()> {
        let gone = || ApiError::not_found("device");
        let device = self.devices.device(id).await?.ok_or_else(gone)?;
        let agent = self
            .store
            .agent(actor.organization_id, device.agent_id)
            .await?
            .ok_or_else(gone)?;
        permissions::can_manage_sign_in(actor, &agent).map_err(|_| gone())?;
        if !self.devices.end_device(agent.id, id).await? {
            return Err(gone());
        }
        self.fanout.disconnect(Target::Device(id)).await;
        self.audit_device_end(actor, agent.id, json!({ "device": id }))
            .await;
        Ok(())
    }

    /// Ends every device of the agent (every token of theirs is refused from now on); how
    /// many.
    #[tracing::instrument(level = "debug", skip_all, fields(actor = %actor.id, org = %actor.organization_id, agent = %agent.id))]
    pub async fn end_devices(&self, actor: &Agent, agent: &Agent) -> ApiResult<usize> {
        permissions::can_manage_sign_in(actor, agent).or_deny("agent")?;
        let ended = self.devices.end_devices(agent.id).await?;
        // Every socket of the agent, also those opened with a token older than devices.
        self.fanout.disconnect(Target::Agent(agent.id)).await;
        self.audit_device_end(actor, agent.id, json!({ "devices": ended.len() }))
            .await;
        Ok(ended.len())
    }

    async fn audit_device_end(&self, actor: &Agent, agent: AgentId, details: serde_json::Value) {
        tracing::info!(target: "security", actor = %actor.id, agent = %agent, %details, "devices signed out");
        self.audit(
            actor.organization_id,
            Chat::actor(actor),
            "agent.signed_out",
            Some(agent.to_string()),
            details,
            None,
        )
        .await;
    }

    /// Forgets devices not refreshed in time.
    pub(super) async fn prune_devices(&self) -> ApiResult<()> {
        let pruned = self.devices.prune_devices(devices::real_now()).await?;
        if pruned > 0 {
            tracing::debug!(pruned, "expired devices forgotten");
        }
        Ok(())
    }
}

/// An access token of the agent on `device`: good for the policy's minutes, never beyond the
/// device itself.
fn access(
    tokens: &auth::Tokens,
    agent: &Agent,
    device: &devices::Device,
    policy: SignInPolicy,
    refresh: Option<String>,
) -> SignIn {
    let now = devices::real_now().timestamp();
    let expires_at = (now + policy.access_ttl).min(device.expires_at.timestamp());
    SignIn {
        token: auth::agent_token(tokens, agent, device, now, expires_at),
        expires_in: expires_at - now,
        refresh,
    }
}
