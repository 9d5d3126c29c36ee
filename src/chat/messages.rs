//! Sending, reading and marking messages.

use serde::Serialize;
use utoipa::ToSchema;

use super::Chat;
use crate::domain::input;
use crate::domain::model::{Audience, Message, SenderType, Session};
use crate::domain::permissions::{self, Identity};
use crate::domain::webhooks::WebhookEvent;
use crate::domain::{AttachmentId, OrgId, SessionId};
use crate::error::{ApiError, ApiResult};
use crate::fanout::events;
use crate::fanout::{Target, agents_only, participants, participants_and_agents};
use crate::store::{Mark, NewMessage, Page, StoreError};

/// Most messages one history request returns.
pub const MAX_PAGE: u32 = 200;
pub const DEFAULT_PAGE: u32 = 50;

/// What someone writes: its text, the files it carries, whether it is a private note.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub content: String,
    /// Idempotency key: resending it returns the stored message.
    pub client_msg_id: Option<String>,
    pub internal: bool,
    pub attachments: Vec<AttachmentId>,
}

impl Draft {
    /// Text alone.
    pub fn text(content: String) -> Draft {
        Draft {
            content,
            ..Draft::default()
        }
    }

    /// A draft as REST and sockets send it, or every bad field named.
    pub fn parse(
        content: Option<&str>,
        client_msg_id: Option<&str>,
        internal: Option<bool>,
        attachments: Option<&[AttachmentId]>,
    ) -> ApiResult<Draft> {
        let files = attachments.map_or(0, <[_]>::len);
        crate::parse_fields!(
            content = "content" => input::content_with_files(content, files),
            client_msg_id = "client_msg_id" => input::client_msg_id(client_msg_id),
            attachments = "attachments" => input::attachment_ids(attachments),
        );
        Ok(Draft {
            content,
            client_msg_id,
            internal: internal.unwrap_or(false),
            attachments,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryPage {
    pub messages: Vec<Message>,
    pub has_more: bool,
}

impl Chat {
    /// Stores a message from the caller, then announces it. A repeated `client_msg_id`
    /// returns the stored message and announces nothing.
    #[tracing::instrument(level = "debug", skip_all, fields(session = %session_id))]
    pub async fn send_message(
        &self,
        who: &Identity,
        session_id: SessionId,
        draft: Draft,
    ) -> ApiResult<Message> {
        let received = std::time::Instant::now();
        let org = self.organization_to_post_in(who, session_id).await?;
        let (sender_type, sender_id, sender_name) = match who {
            Identity::Agent(a) => (SenderType::Agent, a.id.0, a.name.clone()),
            Identity::Client(c) => (SenderType::Client, c.id.0, c.display_name()),
        };
        self.limits.message(sender_id).await?;
        let files = self
            .files_for_message(org, session_id, sender_id, &draft.attachments, false)
            .await?;
        let message = NewMessage {
            session_id,
            sender_type,
            sender_id: Some(sender_id),
            sender_name,
            content: draft.content,
            client_msg_id: draft.client_msg_id,
            internal: false,
            attachments: files,
        };
        let appended = match self.conversations.append(org, message.clone()).await {
            // A customer writing soon after a close opens the conversation again.
            Err(StoreError::SessionClosed)
                if sender_type == SenderType::Client
                    && self.reopen_for_customer(org, session_id).await? =>
            {
                self.conversations.append(org, message).await?
            }
            other => other?,
        };
        metrics::histogram!("raasel_message_ack_duration_seconds")
            .record(received.elapsed().as_secs_f64());
        if appended.created {
            metrics::counter!("raasel_messages_total", "sender" => sender_type.as_str())
                .increment(1);
            self.announce_message(&appended.session, &appended.message)
                .await;
            self.message_webhook(&appended.session, &appended.message)
                .await;
            if sender_type == SenderType::Agent
                && let Err(e) = self.queue_replies_email(&appended.session).await
            {
                tracing::warn!(session = %session_id, error = %e, "the replies e-mail was not queued");
            }
        }
        if appended.queued {
            self.conversation_webhook(WebhookEvent::ConversationCreated, &appended.session)
                .await;
            self.emit(
                vec![Target::OrgAgents(org)],
                events::new_session(&appended.session),
            )
            .await;
            self.drain_queue(org).await?;
        }
        Ok(appended.message)
    }

    /// Checks that the caller may write in the session and returns its organization. A plain
    /// agent answering a waiting conversation takes it first, as from the queue. A client's
    /// own sessions are remembered, so their messages need no read of the session.
    async fn organization_to_post_in(&self, who: &Identity, id: SessionId) -> ApiResult<OrgId> {
        if let Identity::Client(c) = who
            && let Some((org, client)) = self.session_owners.get(id)
        {
            return match client == c.id {
                true => Ok(org),
                false => Err(ApiError::not_found("session")),
            };
        }
        let session = self
            .session_where(who, id, permissions::can_post_in_session)
            .await?;
        match who {
            Identity::Client(_) => {
                self.session_owners
                    .remember(id, session.organization_id, session.client_id);
            }
            Identity::Agent(agent) if permissions::takes_by_writing(who, &session) => {
                self.assign(agent, id, agent.id)
                    .await
                    .map_err(|e| match e {
                        ApiError::Conflict(_) => ApiError::Forbidden(
                            "another agent took this conversation just now".into(),
                        ),
                        other => other,
                    })?;
            }
            Identity::Agent(_) => {}
        }
        Ok(session.organization_id)
    }

    /// Records a note in the conversation itself and announces it.
    pub(super) async fn append_note(&self, session: &Session, text: String) -> ApiResult<()> {
        let appended = self
            .conversations
            .append(session.organization_id, NewMessage::note(session.id, text))
            .await?;
        self.announce_message(&appended.session, &appended.message)
            .await;
        Ok(())
    }

    /// Sends a stored message to whoever may see it: a private note to the agents only.
    pub(super) async fn announce_message(&self, session: &Session, message: &Message) {
        let audience = match message.internal {
            true => agents_only(session),
            false => participants_and_agents(session),
        };
        self.emit(audience, events::new_message(message)).await;
    }

    /// A window of the conversation in ascending `seq`.
    pub async fn history(
        &self,
        who: &Identity,
        session_id: SessionId,
        before: Option<i64>,
        after: Option<i64>,
        limit: Option<u32>,
    ) -> ApiResult<HistoryPage> {
        let limit = limit.unwrap_or(DEFAULT_PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(ApiError::field(
                "limit",
                format!("must be between 1 and {MAX_PAGE}"),
            ));
        }
        for (name, v) in [("before", before), ("after", after)] {
            if v.is_some_and(|v| v < 0) {
                return Err(ApiError::field(
                    name,
                    "must be a sequence number (0 or more)",
                ));
            }
        }
        let session = self.readable_session(who, session_id).await?;
        let (messages, has_more) = self
            .log
            .range(
                session.organization_id,
                session.id,
                Page {
                    before,
                    after,
                    limit,
                },
                Audience::of(who.side()),
            )
            .await?;
        Ok(HistoryPage { messages, has_more })
    }

    /// Moves the caller's side's delivered or read mark forward and tells the participants.
    #[tracing::instrument(level = "debug", skip_all, fields(session = %session_id))]
    pub async fn mark(
        &self,
        who: &Identity,
        session_id: SessionId,
        mark: Mark,
        seq: i64,
    ) -> ApiResult<i64> {
        let session = self.readable_session(who, session_id).await?;
        if seq < 0 || seq > session.last_seq {
            return Err(ApiError::field(
                "seq",
                format!(
                    "must be between 0 and the last message ({})",
                    session.last_seq
                ),
            ));
        }
        let side = who.side();
        let state = self
            .store
            .mark(session.organization_id, session.id, side, mark, seq)
            .await?;
        let value = match mark {
            Mark::Delivered => state.delivered_seq,
            Mark::Read => state.read_seq,
        };
        self.emit(
            participants(&session),
            events::marks(mark, session.id, side, value),
        )
        .await;
        Ok(value)
    }
}
