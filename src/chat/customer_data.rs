//! What an organization holds about a customer, given to admins whole (export) or erased
//! everywhere (the metadata store, the message log wherever it lives, the search index, the
//! outboxes), leaving placeholders so reports still add up; and the retention period that
//! deletes closed conversations once they are old enough.

use serde::Serialize;
use utoipa::ToSchema;

use super::Chat;
use crate::domain::contacts::Contact;
use crate::domain::model::{Agent, Audience, Message, Session};
use crate::domain::permissions;
use crate::domain::ratings::Rating;
use crate::domain::{ClientId, OrgId};
use crate::error::{AccessExt, ApiResult};
use crate::fanout::{Target, events};
use crate::store::Page;

/// Most conversations one export carries (the newest), and messages per conversation.
pub const MAX_EXPORT_CONVERSATIONS: usize = 1000;
pub const MAX_EXPORT_MESSAGES: u32 = 10_000;
/// Conversations the retention pass deletes per organization at a time.
const RETENTION_PER_PASS: u32 = 100;

#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedConversation {
    pub session: Session,
    /// Every message, private notes about the customer included.
    pub messages: Vec<Message>,
    #[schema(required = true)]
    pub rating: Option<Rating>,
}

/// Everything the organization holds about one customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerExport {
    #[schema(value_type = String, format = DateTime)]
    pub exported_at: crate::domain::model::Timestamp,
    pub contact: Contact,
    pub conversations: Vec<ExportedConversation>,
}

impl Chat {
    /// Everything the organization holds about a customer (admins).
    pub async fn export_customer(&self, admin: &Agent, id: ClientId) -> ApiResult<CustomerExport> {
        let org = admin.organization_id;
        permissions::can_administer(admin, org).or_deny("organization")?;
        let (client, sessions) = self.customer_of_org(admin, id).await?;
        let kept = self.workspace.contact_details(org, id).await?;
        let mut conversations = vec![];
        for session in sessions.into_iter().take(MAX_EXPORT_CONVERSATIONS) {
            let page = Page {
                before: None,
                after: Some(0),
                limit: MAX_EXPORT_MESSAGES,
            };
            let (messages, _) = self
                .log
                .range(org, session.id, page, Audience::Agents)
                .await?;
            let rating = self.followup.rating(org, session.id).await?;
            conversations.push(ExportedConversation {
                session,
                messages,
                rating,
            });
        }
        Ok(CustomerExport {
            exported_at: crate::domain::model::now(),
            contact: Self::contact(org, &client, kept),
            conversations,
        })
    }

    /// Erases the customer from the organization everywhere (admins); how many conversations
    /// became placeholders.
    pub async fn erase_customer(&self, admin: &Agent, id: ClientId) -> ApiResult<usize> {
        let org = admin.organization_id;
        permissions::can_administer(admin, org).or_deny("organization")?;
        self.customer_of_org(admin, id).await?;
        let sessions = self.followup.erase_customer(org, id).await?;
        for session in &sessions {
            self.delete_session_files(org, *session).await?;
            self.log.delete_session(org, *session).await?;
            self.session_owners.forget(*session);
            if let Some(s) = self.store.session(org, *session).await? {
                self.emit(vec![Target::OrgAgents(org)], events::session_updated(&s))
                    .await;
            }
        }
        tracing::info!(target: "security", org = %org, client = %id, conversations = sessions.len(), "customer erased");
        Ok(sessions.len())
    }

    /// Deletes the organization's closed conversations older than its retention period (the
    /// due pass runs it).
    pub(super) async fn apply_retention(
        &self,
        org: OrgId,
        days: u32,
        now: crate::domain::model::Timestamp,
    ) -> ApiResult<()> {
        let before = now - chrono::Duration::days(i64::from(days));
        let due = self
            .followup
            .closed_before(org, before, RETENTION_PER_PASS)
            .await?;
        for session in &due {
            self.delete_session_files(org, *session).await?;
            self.log.delete_session(org, *session).await?;
            self.followup.delete_conversation(org, *session).await?;
            self.session_owners.forget(*session);
        }
        if !due.is_empty() {
            tracing::info!(org = %org, count = due.len(), "closed conversations past the retention period deleted");
        }
        Ok(())
    }
}
