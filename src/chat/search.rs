//! Searching the organization's conversations: by customer name or e-mail, by label, and by
//! message text, as far as the caller may see (plain agents their own and the queue).

use serde::Serialize;
use utoipa::ToSchema;

use super::Chat;
use crate::domain::model::{Agent, Audience, Session, Timestamp};
use crate::domain::search::{self, Query, Snippet};
use crate::error::ApiResult;
use crate::store::{SessionFilter, SessionSort, Within};

/// One thing a search found.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    pub session: Session,
    /// What matched: `customer` (name or e-mail), `label`, or `message`.
    pub matched: String,
    /// For a message: its place, to open the conversation at.
    #[schema(required = true)]
    pub seq: Option<i64>,
    #[schema(required = true)]
    pub snippet: Option<Snippet>,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    pub results: Vec<SearchHit>,
}

impl Chat {
    /// Conversations whose customer or label matches, then messages, newest first.
    #[tracing::instrument(level = "debug", skip_all, fields(actor = %agent.id))]
    pub async fn search(&self, agent: &Agent, q: &Query) -> ApiResult<SearchResults> {
        self.limits.search(agent.id.0).await?;
        let org = agent.organization_id;
        let visible_to = Within::of(&self.reach(agent).await?);
        let limit = search::MAX_RESULTS;
        let mut results = Vec::new();
        let filter = SessionFilter {
            customer: Some(q.text.clone()),
            sort: SessionSort::Activity,
            visible_to,
            limit: 5,
            ..Default::default()
        };
        for session in self.workspace.filtered_sessions(org, &filter).await? {
            results.push(hit(session, "customer", None, None));
        }
        let needle = q.text.to_lowercase();
        let labels = self.workspace.labels(org).await?;
        for label in labels
            .iter()
            .filter(|l| l.name.to_lowercase().contains(&needle))
            .take(3)
        {
            let filter = SessionFilter {
                label: Some(label.id),
                sort: SessionSort::Activity,
                visible_to,
                limit: 5,
                ..Default::default()
            };
            for session in self.workspace.filtered_sessions(org, &filter).await? {
                results.push(hit(session, "label", None, None));
            }
        }
        let found = self
            .search
            .search_messages(org, &q.terms, visible_to, limit)
            .await?;
        for found in found {
            let (Some(session), Some(message)) = (
                self.store.session(org, found.session_id).await?,
                self.log
                    .at(org, found.session_id, found.seq, Audience::Agents)
                    .await?,
            ) else {
                continue;
            };
            let snippet = search::snippet(&message.content, &q.terms);
            results.push(SearchHit {
                at: message.created_at,
                ..hit(session, "message", Some(found.seq), Some(snippet))
            });
        }
        results.truncate(limit as usize);
        Ok(SearchResults { results })
    }
}

fn hit(session: Session, matched: &str, seq: Option<i64>, snippet: Option<Snippet>) -> SearchHit {
    SearchHit {
        at: session.last_message_at.unwrap_or(session.created_at),
        session,
        matched: matched.into(),
        seq,
        snippet,
    }
}
