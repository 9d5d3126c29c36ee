//! Customers rate a closed conversation once (from the widget, the app, or a link in an
//! e-mail); agents see the rating with the conversation.

use super::Chat;
use crate::domain::model::{Client, Session, SessionStatus};
use crate::domain::permissions::Identity;
use crate::domain::ratings::{Rating, RatingStyle};
use crate::domain::{ClientId, OrgId, SessionId};
use crate::error::{ApiError, ApiResult};
use crate::fanout::{Target, events};

impl Chat {
    /// The customer rates their closed conversation: 403 when the organization does not ask,
    /// 409 while it is open or once it is rated.
    #[tracing::instrument(level = "debug", skip_all, fields(client = %client.id, session = %session_id))]
    pub async fn rate(
        &self,
        client: &Client,
        session_id: SessionId,
        score: u8,
        comment: Option<String>,
    ) -> ApiResult<Session> {
        let who = Identity::Client(client.clone());
        let session = self.readable_session(&who, session_id).await?;
        self.record_rating(&session, client.id, score, comment)
            .await?;
        Ok(session)
    }

    /// Records a rating of `session` by its customer, and tells the agents.
    pub(super) async fn record_rating(
        &self,
        session: &Session,
        client: ClientId,
        score: u8,
        comment: Option<String>,
    ) -> ApiResult<Rating> {
        let org = self.organization(session.organization_id).await?;
        if org.settings.rating_style == RatingStyle::Off {
            return Err(ApiError::Forbidden(
                "this organization does not ask for ratings".into(),
            ));
        }
        if session.status != SessionStatus::Closed {
            return Err(ApiError::Conflict(
                "a conversation is rated once it is closed".into(),
            ));
        }
        let rating = Rating {
            score,
            comment,
            rated_at: crate::domain::model::now(),
        };
        if !self
            .followup
            .rate(org.id, session.id, client, &rating)
            .await?
        {
            return Err(ApiError::Conflict(
                "this conversation is rated already".into(),
            ));
        }
        metrics::counter!("raasel_ratings_total", "score" => score.to_string()).increment(1);
        tracing::info!(session = %session.id, org = %org.id, score, "conversation rated");
        let data = || serde_json::json!({ "session_id": session.id, "rating": rating });
        self.webhook(
            org.id,
            crate::domain::webhooks::WebhookEvent::RatingSubmitted,
            data,
        )
        .await;
        self.emit(
            vec![Target::OrgAgents(org.id)],
            events::session_updated(session),
        )
        .await;
        Ok(rating)
    }

    /// The rating of a conversation of `org`, if it has one.
    pub async fn rating_of(&self, org: OrgId, session: SessionId) -> ApiResult<Option<Rating>> {
        Ok(self.followup.rating(org, session).await?)
    }
}
