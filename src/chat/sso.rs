//! Single sign-on: admins set their organization's identity provider; agents sign in through
//! it (the authorization code flow, `state`, `nonce` and PKCE kept here, the provider's answer
//! checked in `crate::sso`); an organization may turn password sign-in off but for one
//! break-glass admin.

use serde_json::json;

use super::Chat;
use crate::domain::model::Agent;
use crate::domain::permissions;
use crate::domain::sso::{self, Refusal, SsoProvider};
use crate::domain::{AgentId, OrgId};
use crate::error::{AccessExt, ApiError, ApiResult};
use crate::sso::{Authorization, OidcClient};

/// An admin's new provider settings (checked field by field by the HTTP layer).
pub struct SsoChange {
    pub issuer: String,
    pub client_id: String,
    /// `None`: keep the saved secret.
    pub client_secret: Option<String>,
    pub label: String,
    pub allowed_domains: Vec<String>,
    pub create_agents: bool,
    pub required: bool,
    pub break_glass_agent_id: Option<AgentId>,
}

/// A sign-in the provider vouched for: the organization's agent with that e-mail, or who to
/// create when there is none and the organization creates agents.
pub enum SsoFinished {
    Agent(Agent),
    Create {
        org: OrgId,
        email: String,
        name: String,
    },
}

impl Chat {
    /// The organization's provider (admins).
    pub async fn sso_provider(&self, admin: &Agent) -> ApiResult<Option<SsoProvider>> {
        permissions::can_administer(admin, admin.organization_id).or_deny("organization")?;
        Ok(self.sso.sso_provider(admin.organization_id).await?)
    }

    /// Saves the organization's provider after reading its discovery document, so that a
    /// wrong issuer is told at once.
    #[tracing::instrument(level = "debug", skip_all, fields(org = %admin.organization_id))]
    pub async fn save_sso(
        &self,
        admin: &Agent,
        change: SsoChange,
        oidc: &OidcClient,
    ) -> ApiResult<SsoProvider> {
        let org = admin.organization_id;
        permissions::can_administer(admin, org).or_deny("organization")?;
        let before = self.sso.sso_provider(org).await?;
        let client_secret = change
            .client_secret
            .or_else(|| before.as_ref().map(|p| p.client_secret.clone()))
            .ok_or_else(|| ApiError::field("client_secret", "is required"))?;
        self.check_break_glass(org, change.required, change.break_glass_agent_id)
            .await?;
        oidc.discover(&change.issuer).await.map_err(|r| {
            ApiError::field("issuer", format!("the provider could not be read: {r}"))
        })?;
        let provider = SsoProvider {
            organization_id: org,
            issuer: change.issuer,
            client_id: change.client_id,
            client_secret,
            label: change.label,
            allowed_domains: change.allowed_domains,
            create_agents: change.create_agents,
            required: change.required,
            break_glass_agent_id: change.break_glass_agent_id,
            updated_at: crate::domain::model::now(),
        };
        self.sso.put_sso_provider(&provider).await?;
        let details = json!({ "issuer": provider.issuer, "required": provider.required,
            "create_agents": provider.create_agents, "allowed_domains": provider.allowed_domains });
        self.audit(org, Chat::actor(admin), "sso.updated", None, details, None)
            .await;
        Ok(provider)
    }

    /// A required provider needs a break-glass admin of the organization (the way in when the
    /// provider is down); any break-glass agent must be an admin of it.
    async fn check_break_glass(
        &self,
        org: OrgId,
        required: bool,
        agent: Option<AgentId>,
    ) -> ApiResult<()> {
        let field = "break_glass_agent_id";
        let Some(id) = agent else {
            return match required {
                true => Err(ApiError::field(
                    field,
                    "is required when single sign-on is: an admin who may still sign in with a password",
                )),
                false => Ok(()),
            };
        };
        match self.store.agent(org, id).await? {
            Some(a) if permissions::can_be_break_glass(&a, org).is_ok() => Ok(()),
            _ => Err(ApiError::field(
                field,
                "must be an admin of this organization",
            )),
        }
    }

    /// Removes the organization's provider (admins); password sign-in works again.
    pub async fn remove_sso(&self, admin: &Agent) -> ApiResult<()> {
        let org = admin.organization_id;
        permissions::can_administer(admin, org).or_deny("organization")?;
        if !self.sso.delete_sso_provider(org).await? {
            return Err(ApiError::not_found("single sign-on"));
        }
        self.audit(
            org,
            Chat::actor(admin),
            "sso.removed",
            None,
            json!({}),
            None,
        )
        .await;
        Ok(())
    }

    /// Refuses a password sign-in where the organization signs in through its provider,
    /// unless the agent is its break-glass admin.
    pub async fn password_sign_in_allowed(&self, agent: &Agent) -> ApiResult<()> {
        let provider = self.sso.sso_provider(agent.organization_id).await?;
        if permissions::can_sign_in_with_password(agent, provider.as_ref()).is_ok() {
            return Ok(());
        }
        tracing::info!(target: "security", agent = %agent.id, "password sign-in refused: the organization requires single sign-on");
        let label = provider.map(|p| p.label).unwrap_or_default();
        Err(ApiError::SsoRequired(label))
    }

    /// The organizations whose provider signs in users of `email`'s domain, with the label of
    /// their sign-in button (for the console's sign-in page).
    pub async fn sso_choices(
        &self,
        email: &str,
    ) -> ApiResult<Vec<(crate::domain::model::Organization, String)>> {
        let Some((_, domain)) = email.rsplit_once('@') else {
            return Ok(Vec::new());
        };
        let mut choices = Vec::new();
        for p in self.sso.sso_providers_for_domain(domain).await? {
            if let Some(org) = self.store.organization(p.organization_id).await? {
                choices.push((org, p.label));
            }
        }
        Ok(choices)
    }

    /// Starts a sign-in through the organization's provider: where to send the browser.
    #[tracing::instrument(level = "debug", skip_all, fields(%org))]
    pub async fn sso_start(
        &self,
        org: OrgId,
        login_hint: Option<&str>,
        redirect_uri: &str,
        oidc: &OidcClient,
        max_pending: u32,
    ) -> Result<String, Refusal> {
        let provider = self.provider_of(org).await?;
        let (login, state) = sso::new_login(org, crate::domain::devices::real_now());
        let url = oidc
            .authorization_url(Authorization {
                provider: &provider,
                redirect_uri,
                state: &state,
                nonce: &login.nonce,
                verifier: &login.verifier,
                login_hint,
            })
            .await?;
        let kept = self
            .sso
            .add_sso_login(&login, max_pending)
            .await
            .map_err(|e| Refusal::Unavailable(format!("keeping the sign-in: {e}")))?;
        match kept {
            true => Ok(url),
            false => Err(Refusal::Busy),
        }
    }

    /// Finishes a sign-in the provider sent back with `code` for `state` (and, when it names
    /// itself, `iss`: RFC 9207): the agent it signs in. The `state` works once; an answer naming
    /// another issuer is refused before its code goes anywhere (a provider mix-up).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn sso_finish(
        &self,
        state: &str,
        code: &str,
        iss: Option<&str>,
        redirect_uri: &str,
        oidc: &OidcClient,
    ) -> Result<SsoFinished, Refusal> {
        let login = self
            .sso
            .take_sso_login(&sso::state_hash(state))
            .await
            .map_err(|e| Refusal::Unavailable(format!("reading the sign-in: {e}")))?
            .filter(|l| l.expires_at > crate::domain::devices::real_now())
            .ok_or(Refusal::InvalidState)?;
        let provider = self.provider_of(login.organization_id).await?;
        if iss.is_some_and(|iss| iss != provider.issuer) {
            return Err(Refusal::InvalidToken(
                "the answer names another issuer".into(),
            ));
        }
        let claims = oidc
            .exchange(&provider, code, &login.verifier, redirect_uri)
            .await?;
        let email = sso::signed_in_email(&claims, &login.nonce, &provider)?;
        let found = self
            .store
            .agent_logins(&email)
            .await
            .map_err(|e| Refusal::Unavailable(format!("finding the agent: {e}")))?
            .into_iter()
            .map(|(a, _)| a)
            .find(|a| a.organization_id == provider.organization_id);
        match found {
            Some(agent) => Ok(SsoFinished::Agent(agent)),
            None if provider.create_agents => Ok(SsoFinished::Create {
                org: provider.organization_id,
                name: claims
                    .name
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| email.split('@').next().unwrap_or("Agent").to_string()),
                email,
            }),
            None => Err(Refusal::UnknownAgent),
        }
    }

    async fn provider_of(&self, org: OrgId) -> Result<SsoProvider, Refusal> {
        self.sso
            .sso_provider(org)
            .await
            .map_err(|e| Refusal::Unavailable(format!("reading the provider: {e}")))?
            .ok_or(Refusal::NotConfigured)
    }

    /// Forgets sign-ins that never came back from the provider.
    pub(super) async fn prune_sso_logins(&self) -> ApiResult<()> {
        let pruned = self
            .sso
            .prune_sso_logins(crate::domain::devices::real_now())
            .await?;
        if pruned > 0 {
            tracing::debug!(pruned, "unfinished single sign-ons forgotten");
        }
        Ok(())
    }
}
