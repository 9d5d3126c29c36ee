//! Canned replies: the organization's shared ones and each agent's own.

use super::Chat;
use crate::domain::CannedReplyId;
use crate::domain::canned::{self, CannedReply};
use crate::domain::model::Agent;
use crate::domain::permissions;
use crate::error::{AccessExt, ApiError, ApiResult};

impl Chat {
    /// The organization's shared replies and the agent's own, by shortcut.
    pub async fn canned_replies(&self, agent: &Agent) -> ApiResult<Vec<CannedReply>> {
        Ok(self
            .workspace
            .canned_replies(agent.organization_id, agent.id)
            .await?)
    }

    /// Saves a new reply: shared with the organization, or the actor's own (`personal`).
    #[tracing::instrument(level = "debug", skip_all, fields(actor = %actor.id))]
    pub async fn create_canned_reply(
        &self,
        actor: &Agent,
        personal: bool,
        shortcut: String,
        content: String,
    ) -> ApiResult<CannedReply> {
        let now = crate::domain::model::now();
        let reply = CannedReply {
            id: CannedReplyId::new(),
            organization_id: actor.organization_id,
            owner_id: personal.then_some(actor.id),
            shortcut,
            content,
            created_at: now,
            updated_at: now,
        };
        permissions::can_keep_canned_reply(actor, &reply).or_deny("canned reply")?;
        if !self.workspace.insert_canned_reply(&reply).await? {
            let (bound, whose) = match personal {
                true => (canned::MAX_PERSONAL_PER_AGENT, "an agent keeps"),
                false => (canned::MAX_SHARED_PER_ORG, "an organization shares"),
            };
            return Err(ApiError::Conflict(format!(
                "{whose} at most {bound} canned replies"
            )));
        }
        Ok(reply)
    }

    /// A reply the actor may change; 404 for another agent's or another organization's.
    async fn kept_canned_reply(&self, actor: &Agent, id: CannedReplyId) -> ApiResult<CannedReply> {
        let reply = self
            .workspace
            .canned_reply(actor.organization_id, id)
            .await?
            .ok_or_else(|| ApiError::not_found("canned reply"))?;
        permissions::can_keep_canned_reply(actor, &reply).or_deny("canned reply")?;
        Ok(reply)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(actor = %actor.id, reply = %id))]
    pub async fn update_canned_reply(
        &self,
        actor: &Agent,
        id: CannedReplyId,
        shortcut: Option<String>,
        content: Option<String>,
    ) -> ApiResult<CannedReply> {
        let reply = self.kept_canned_reply(actor, id).await?;
        self.workspace
            .update_canned_reply(
                actor.organization_id,
                id,
                shortcut.as_deref().unwrap_or(&reply.shortcut),
                content.as_deref().unwrap_or(&reply.content),
                crate::domain::model::now(),
            )
            .await?
            .ok_or_else(|| ApiError::not_found("canned reply"))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(actor = %actor.id, reply = %id))]
    pub async fn delete_canned_reply(&self, actor: &Agent, id: CannedReplyId) -> ApiResult<()> {
        self.kept_canned_reply(actor, id).await?;
        self.workspace
            .delete_canned_reply(actor.organization_id, id)
            .await?;
        Ok(())
    }
}
