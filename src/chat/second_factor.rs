//! Agents' second factor: setting it up, turning it on with recovery codes, the code asked at
//! sign-in (each step's code used once), and turning it off or resetting it.

use serde::Serialize;
use utoipa::ToSchema;

use super::Chat;
use crate::domain::model::{Agent, now};
use crate::domain::permissions;
use crate::domain::second_factor::{self as sf, QrCode, SecondFactor};
use crate::error::{AccessExt, ApiError, ApiResult};
use crate::fanout::Target;

/// What an authenticator app needs to add the account.
#[derive(Debug, Serialize, ToSchema)]
pub struct SecondFactorSetup {
    /// The secret to type in (base32), for an app that cannot scan.
    pub secret: String,
    /// The `otpauth://` address the QR code holds.
    pub otpauth_uri: String,
    pub qr: QrCode,
}

/// Whether an agent's sign-in asks for a code.
#[derive(Debug, Serialize, ToSchema)]
pub struct SecondFactorStatus {
    pub enabled: bool,
    pub recovery_codes_left: u32,
    /// Their organization requires one of every agent.
    pub required: bool,
}

impl Chat {
    /// The step after a correct password: a code when the agent has a second factor (401
    /// `second_factor_required` without one, `unauthorized` for a wrong or used one), or
    /// setting one up first when the organization requires it (403).
    pub async fn second_step(&self, agent: &Agent, code: Option<&str>) -> ApiResult<()> {
        let factor = self.second_factors.second_factor(agent.id).await?;
        match factor.filter(|f| f.enabled_at.is_some()) {
            Some(f) => self.check_code(&f, code).await,
            None if self.requires_second_factor(agent).await? => {
                Err(ApiError::SecondFactorSetupRequired)
            }
            None => Ok(()),
        }
    }

    async fn check_code(&self, factor: &SecondFactor, code: Option<&str>) -> ApiResult<()> {
        let code = code
            .filter(|c| !c.trim().is_empty())
            .ok_or(ApiError::SecondFactorRequired)?;
        let accepted = match sf::is_recovery_code(code) {
            true => {
                let used = self
                    .second_factors
                    .use_recovery_code(factor.agent_id, &sf::recovery_hash(code), now())
                    .await?;
                if used {
                    tracing::info!(target: "security", agent = %factor.agent_id, "a recovery code was used");
                }
                used
            }
            false => match sf::matching_step(&factor.secret, code, now()) {
                Some(step) => self.second_factors.use_step(factor.agent_id, step).await?,
                None => false,
            },
        };
        match accepted {
            true => Ok(()),
            false => {
                tracing::info!(target: "security", agent = %factor.agent_id, "a wrong or used second-factor code");
                Err(ApiError::Unauthorized(
                    "wrong code: use the current code of your authenticator app, or a recovery code"
                        .into(),
                ))
            }
        }
    }

    async fn requires_second_factor(&self, agent: &Agent) -> ApiResult<bool> {
        let org = self.store.organization(agent.organization_id).await?;
        Ok(org.is_some_and(|o| o.settings.require_second_factor))
    }

    /// A new secret for the agent's authenticator app (replacing one not yet confirmed); 409
    /// when their second factor is on already.
    pub async fn start_second_factor(&self, agent: &Agent) -> ApiResult<SecondFactorSetup> {
        let factor = SecondFactor {
            agent_id: agent.id,
            organization_id: agent.organization_id,
            secret: sf::new_secret(),
            enabled_at: None,
            last_step: 0,
            created_at: now(),
        };
        if !self.second_factors.start_second_factor(&factor).await? {
            return Err(ApiError::Conflict(
                "your second factor is on already; turn it off first to use another app".into(),
            ));
        }
        let issuer = match self.store.organization(agent.organization_id).await? {
            Some(org) => format!("Raasel ({})", org.name),
            None => "Raasel".into(),
        };
        let uri = sf::otpauth_uri(&issuer, &agent.email, &factor.secret);
        Ok(SecondFactorSetup {
            secret: sf::secret_text(&factor.secret),
            qr: sf::qr_code(&uri),
            otpauth_uri: uri,
        })
    }

    /// Turns the second factor on with a code from the app; the recovery codes, shown once.
    pub async fn enable_second_factor(&self, agent: &Agent, code: &str) -> ApiResult<Vec<String>> {
        let factor = self
            .second_factors
            .second_factor(agent.id)
            .await?
            .filter(|f| f.enabled_at.is_none())
            .ok_or_else(|| {
                ApiError::Conflict(
                    "start setting up a second factor first (or it is on already)".into(),
                )
            })?;
        let step = sf::matching_step(&factor.secret, code, now()).ok_or_else(|| {
            ApiError::field(
                "code",
                "is not the current code of the app (check the phone's time)",
            )
        })?;
        let codes = sf::new_recovery_codes();
        let hashes: Vec<String> = codes.iter().map(|c| sf::recovery_hash(c)).collect();
        if !self
            .second_factors
            .enable_second_factor(agent.id, step, &hashes, now())
            .await?
        {
            return Err(ApiError::Conflict("the second factor is on already".into()));
        }
        tracing::info!(target: "security", agent = %agent.id, "second factor turned on");
        Ok(codes)
    }

    /// Whether the agent's second factor is on (themself or an admin of theirs).
    pub async fn second_factor_status(
        &self,
        actor: &Agent,
        agent: &Agent,
    ) -> ApiResult<SecondFactorStatus> {
        permissions::can_manage_sign_in(actor, agent).or_deny("agent")?;
        let factor = self.second_factors.second_factor(agent.id).await?;
        Ok(SecondFactorStatus {
            enabled: factor.is_some_and(|f| f.enabled_at.is_some()),
            recovery_codes_left: self.second_factors.recovery_codes_left(agent.id).await?,
            required: self.requires_second_factor(agent).await?,
        })
    }

    /// Turns an agent's second factor off: themself unless the organization requires one, or
    /// an admin of theirs (a lost phone: the agent sets up a new one at their next sign-in).
    pub async fn remove_second_factor(&self, actor: &Agent, agent: &Agent) -> ApiResult<()> {
        permissions::can_manage_sign_in(actor, agent).or_deny("agent")?;
        let by_admin = actor.id != agent.id;
        if !by_admin && self.requires_second_factor(agent).await? {
            return Err(ApiError::Forbidden(
                "your organization requires a second factor; an admin can reset it".into(),
            ));
        }
        self.second_factors.remove_second_factor(agent.id).await?;
        tracing::info!(target: "security", agent = %agent.id, by = %actor.id, "second factor turned off");
        if by_admin && self.requires_second_factor(agent).await? {
            // Required of everyone: the agent signs in again and sets up a new one.
            self.on_second_factor_required(agent.organization_id)
                .await?;
        }
        Ok(())
    }

    /// An admin requires a second factor of everyone only with their own turned on (they
    /// would be signed out otherwise, and could lock everyone out).
    pub(super) async fn may_require_second_factor(&self, admin: &Agent) -> ApiResult<()> {
        let own = self.second_factors.second_factor(admin.id).await?;
        match own.is_some_and(|f| f.enabled_at.is_some()) {
            true => Ok(()),
            false => Err(ApiError::field(
                "settings.require_second_factor",
                "turn on your own second factor first",
            )),
        }
    }

    /// The organization now requires a second factor: agents without one sign in again (and
    /// set it up then).
    pub(super) async fn on_second_factor_required(
        &self,
        org: crate::domain::OrgId,
    ) -> ApiResult<()> {
        let revoked = self
            .second_factors
            .revoke_without_second_factor(org)
            .await?;
        for agent in &revoked {
            self.fanout.disconnect(Target::Agent(*agent)).await;
        }
        tracing::info!(target: "security", org = %org, agents = revoked.len(), "a second factor is now required: agents without one signed out");
        Ok(())
    }
}
