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

impl Chat {
    /// Starts a device for the agent signing in from `address` with user agent `ua`: its
    /// token. Beyond `keep` devices, the least recently used are signed out.
    #[tracing::instrument(level = "debug", skip_all, fields(org = %agent.organization_id, agent = %agent.id))]
    pub async fn sign_in(
        &self,
        tokens: &auth::Tokens,
        agent: &Agent,
        address: String,
        ua: Option<&str>,
        keep: usize,
    ) -> ApiResult<String> {
        let device = devices::new_device(agent, address, ua, auth::TOKEN_TTL_SECS);
        self.devices.add_device(&device).await?;
        let live = self
            .devices
            .devices_of(agent.id, agent.token_version, device.started_at)
            .await?;
        for old in live
            .iter()
            .filter(|d| d.id != device.id)
            .skip(keep.saturating_sub(1))
        {
            self.devices.end_device(agent.id, old.id).await?;
            self.fanout.disconnect(Target::Device(old.id)).await;
            tracing::info!(target: "security", agent = %agent.id, device = %old.id, "least recently used device signed out: too many devices");
        }
        Ok(auth::agent_token(tokens, agent, &device))
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

    /// Forgets devices whose token has expired.
    pub(super) async fn prune_devices(&self) -> ApiResult<()> {
        let pruned = self.devices.prune_devices(devices::real_now()).await?;
        if pruned > 0 {
            tracing::debug!(pruned, "expired devices forgotten");
        }
        Ok(())
    }
}
