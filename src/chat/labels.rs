//! The organization's labels, and labels and priority on its conversations.

use super::Chat;
use crate::domain::labels::{self, Label};
use crate::domain::model::{Agent, Priority, Session};
use crate::domain::permissions::{self, Identity};
use crate::domain::{LabelId, OrgId, SessionId};
use crate::error::{AccessExt, ApiError, ApiResult};
use crate::fanout::{Target, events};

impl Chat {
    /// The organization's labels (any of its agents).
    pub async fn labels(&self, agent: &Agent, org: OrgId) -> ApiResult<Vec<Label>> {
        permissions::same_org(agent, org).or_deny("organization")?;
        Ok(self.workspace.labels(org).await?)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(actor = %actor.id))]
    pub async fn create_label(
        &self,
        actor: &Agent,
        name: String,
        color: String,
    ) -> ApiResult<Label> {
        let org = actor.organization_id;
        permissions::can_manage_labels(actor, org).or_deny("organization")?;
        let label = Label {
            id: LabelId::new(),
            organization_id: org,
            name,
            color,
            created_at: crate::domain::model::now(),
        };
        if !self.workspace.insert_label(&label).await? {
            return Err(ApiError::Conflict(format!(
                "an organization has at most {} labels",
                labels::MAX_LABELS_PER_ORG
            )));
        }
        Ok(label)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(actor = %actor.id, label = %id))]
    pub async fn update_label(
        &self,
        actor: &Agent,
        id: LabelId,
        name: String,
        color: String,
    ) -> ApiResult<Label> {
        let org = actor.organization_id;
        permissions::can_manage_labels(actor, org).or_deny("organization")?;
        self.workspace
            .update_label(org, id, &name, &color)
            .await?
            .ok_or_else(|| ApiError::not_found("label"))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(actor = %actor.id, label = %id))]
    pub async fn delete_label(&self, actor: &Agent, id: LabelId) -> ApiResult<()> {
        let org = actor.organization_id;
        permissions::can_manage_labels(actor, org).or_deny("organization")?;
        match self.workspace.delete_label(org, id).await? {
            true => Ok(()),
            false => Err(ApiError::not_found("label")),
        }
    }

    /// Sets a conversation's labels and priority (each kept as it is when not given) and tells
    /// the organization's agents.
    #[tracing::instrument(level = "debug", skip_all, fields(actor = %actor.id, session = %session_id))]
    pub async fn tag_session(
        &self,
        actor: &Agent,
        session_id: SessionId,
        wanted: Option<Vec<LabelId>>,
        priority: Option<Priority>,
    ) -> ApiResult<Session> {
        let who = Identity::Agent(actor.clone());
        let session = self.readable_session(&who, session_id).await?;
        let reach = self.reach(actor).await?;
        permissions::can_tag_session(actor, &reach, &session).or_deny("session")?;
        let org = session.organization_id;
        let known = self.workspace.labels(org).await?;
        let tags = match wanted {
            Some(ids) => {
                labels::for_session(&ids, &known).map_err(|e| ApiError::field("labels", e))?
            }
            None => labels::existing(&session.labels, &known),
        };
        let priority = priority.unwrap_or(session.priority);
        let now = crate::domain::model::now();
        let updated = self
            .workspace
            .set_session_tags(org, session.id, &tags, priority, now)
            .await?
            .ok_or_else(|| ApiError::not_found("session"))?;
        self.emit(
            vec![Target::OrgAgents(org)],
            events::session_updated(&updated),
        )
        .await;
        Ok(updated)
    }
}
