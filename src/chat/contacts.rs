//! The customer panel: what the organization knows of a customer, what the widget saw, and
//! their earlier conversations.

use serde::Serialize;
use utoipa::ToSchema;

use super::Chat;
use crate::domain::contacts::{self, Attributes, Contact, ContactDetails, VisitContext};
use crate::domain::model::{Agent, Client, Session};
use crate::domain::permissions::{self, Identity};
use crate::domain::{ClientId, OrgId, SessionId};
use crate::error::{AccessExt, ApiError, ApiResult};
use crate::fanout::{Target, events};

/// A customer as the panel beside a conversation shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactView {
    pub contact: Contact,
    /// Their conversations with the organization, newest first (at most 50).
    pub sessions: Vec<Session>,
}

/// What an agent changes of a customer: each given field replaces the kept one; attributes are
/// merged (`null` removes one).
#[derive(Debug, Default)]
pub struct ContactChange {
    pub name: Option<String>,
    pub email: Option<Option<String>>,
    pub attributes: Option<(Attributes, Vec<String>)>,
}

impl Chat {
    /// The customer of one of the organization's conversations: 404 for a stranger.
    pub(super) async fn customer_of_org(
        &self,
        agent: &Agent,
        id: ClientId,
    ) -> ApiResult<(Client, Vec<Session>)> {
        let org = agent.organization_id;
        permissions::can_edit_contact(agent, org).or_deny("customer")?;
        let sessions = self.workspace.contact_sessions(org, id).await?;
        if sessions.is_empty() {
            return Err(ApiError::not_found("customer"));
        }
        // A visitor of this organization, or a registered customer of the app.
        let client = match self.store.client(id, Some(org)).await? {
            Some(visitor) => Some(visitor),
            None => self.store.client(id, None).await?,
        }
        .ok_or_else(|| ApiError::not_found("customer"))?;
        Ok((client, sessions))
    }

    pub(super) fn contact(org: OrgId, client: &Client, kept: Option<ContactDetails>) -> Contact {
        let kept = kept.unwrap_or_default();
        // An erased customer shows as the placeholder, never through their own account.
        let erased = kept.name.as_deref() == Some(contacts::ERASED_NAME);
        Contact {
            client_id: client.id,
            organization_id: org,
            name: kept.name.unwrap_or_else(|| client.display_name()),
            email: kept
                .email
                .or_else(|| (!erased).then(|| client.email.clone()).flatten()),
            verified: client.external_id.is_some(),
            registered: client.organization_id.is_none(),
            attributes: kept.attributes,
        }
    }

    /// The customer panel of a customer of the agent's organization.
    pub async fn contact_view(&self, agent: &Agent, id: ClientId) -> ApiResult<ContactView> {
        let (client, sessions) = self.customer_of_org(agent, id).await?;
        let org = agent.organization_id;
        let kept = self.workspace.contact_details(org, id).await?;
        Ok(ContactView {
            contact: Self::contact(org, &client, kept),
            sessions,
        })
    }

    /// Changes what the organization keeps of a customer; their conversations show the new
    /// name and e-mail, and the organization's agents hear of each.
    #[tracing::instrument(level = "debug", skip_all, fields(actor = %agent.id, client = %id))]
    pub async fn update_contact(
        &self,
        agent: &Agent,
        id: ClientId,
        change: ContactChange,
    ) -> ApiResult<ContactView> {
        let (client, _) = self.customer_of_org(agent, id).await?;
        let org = agent.organization_id;
        let kept = self.workspace.contact_details(org, id).await?;
        let current = Self::contact(org, &client, kept);
        let attributes = match change.attributes {
            Some((set, removed)) => contacts::merged(current.attributes, set, &removed)
                .map_err(|e| ApiError::field("attributes", e))?,
            None => current.attributes,
        };
        let details = ContactDetails {
            name: Some(change.name.unwrap_or(current.name)),
            email: change.email.unwrap_or(current.email),
            attributes,
        };
        let name = details.name.clone().unwrap_or_default();
        let now = crate::domain::model::now();
        self.workspace
            .save_contact_details(org, id, &details, &name, now)
            .await?;
        let view = self.contact_view(agent, id).await?;
        self.customer_webhook(org, &view.contact).await;
        for session in &view.sessions {
            self.emit(
                vec![Target::OrgAgents(org)],
                events::session_updated(session),
            )
            .await;
        }
        Ok(view)
    }

    /// Attributes the customer's site set through the widget, merged into what the
    /// organization keeps.
    pub async fn merge_customer_attributes(
        &self,
        client: &Client,
        org: OrgId,
        (set, removed): (Attributes, Vec<String>),
    ) -> ApiResult<()> {
        let kept = self.workspace.contact_details(org, client.id).await?;
        let current = Self::contact(org, client, kept.clone());
        let attributes = contacts::merged(current.attributes, set, &removed)
            .map_err(|e| ApiError::field("attributes", e))?;
        let kept = kept.unwrap_or_default();
        let details = ContactDetails { attributes, ..kept };
        let name = details
            .name
            .clone()
            .unwrap_or_else(|| client.display_name());
        self.workspace
            .save_contact_details(org, client.id, &details, &name, crate::domain::model::now())
            .await?;
        Ok(())
    }

    /// The answers to the pre-chat form, kept in what the organization knows of the
    /// customer: the name and e-mail they gave, the phone and the organization's own questions
    /// as attributes.
    pub async fn keep_prechat_answers(
        &self,
        client: &Client,
        org: OrgId,
        answered: crate::domain::prechat::Answered,
    ) -> ApiResult<()> {
        let mut details = self
            .workspace
            .contact_details(org, client.id)
            .await?
            .unwrap_or_default();
        if answered.name.is_some() {
            details.name = answered.name;
        }
        if answered.email.is_some() {
            details.email = answered.email;
        }
        details.attributes = contacts::merged(details.attributes, answered.attributes, &[])
            .map_err(|e| ApiError::field("prechat", e))?;
        let name = details
            .name
            .clone()
            .unwrap_or_else(|| client.display_name());
        self.workspace
            .save_contact_details(org, client.id, &details, &name, crate::domain::model::now())
            .await?;
        Ok(())
    }

    /// What the widget saw when the conversation started.
    pub async fn visit_context(
        &self,
        agent: &Agent,
        session_id: SessionId,
    ) -> ApiResult<VisitContext> {
        let who = Identity::Agent(agent.clone());
        let session = self.readable_session(&who, session_id).await?;
        Ok(self
            .workspace
            .session_context(session.organization_id, session.id)
            .await?
            .unwrap_or_default())
    }
}
