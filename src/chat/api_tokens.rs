//! API tokens for scripts and integrations: admins make them (shown once), list and revoke them.

use super::Chat;
use crate::domain::api_tokens::{self, ApiToken, Scope};
use crate::domain::model::Agent;
use crate::domain::permissions;
use crate::error::{AccessExt, ApiError, ApiResult};

impl Chat {
    pub async fn api_tokens(&self, admin: &Agent) -> ApiResult<Vec<ApiToken>> {
        let org = admin.organization_id;
        permissions::can_administer(admin, org).or_deny("organization")?;
        Ok(self.hooks.api_tokens(org).await?)
    }

    /// A new token and its secret value (shown this once).
    pub async fn create_api_token(
        &self,
        admin: &Agent,
        name: String,
        scopes: Vec<Scope>,
    ) -> ApiResult<(ApiToken, String)> {
        let org = admin.organization_id;
        permissions::can_administer(admin, org).or_deny("organization")?;
        let token = ApiToken {
            id: uuid::Uuid::now_v7(),
            organization_id: org,
            name,
            scopes,
            created_by: admin.id,
            created_at: crate::domain::model::now(),
            last_used_at: None,
        };
        let (secret, hash) = api_tokens::new_token();
        if !self.hooks.insert_api_token(&token, &hash).await? {
            return Err(ApiError::Conflict(format!(
                "an organization has at most {} API tokens",
                api_tokens::MAX_PER_ORG
            )));
        }
        Ok((token, secret))
    }

    pub async fn revoke_api_token(&self, admin: &Agent, id: uuid::Uuid) -> ApiResult<()> {
        let org = admin.organization_id;
        permissions::can_administer(admin, org).or_deny("organization")?;
        let now = crate::domain::model::now();
        match self.hooks.revoke_api_token(org, id, now).await? {
            true => Ok(()),
            false => Err(ApiError::not_found("API token")),
        }
    }

    /// Whether the token `agent` stands for (if it is one) has `scope`.
    pub async fn token_allows(&self, agent: &Agent, scope: Scope) -> ApiResult<bool> {
        if !api_tokens::is_token(agent) {
            return Ok(true);
        }
        Ok(self
            .hooks
            .api_token(agent.id.0)
            .await?
            .is_some_and(|t| t.scopes.contains(&scope)))
    }
}
