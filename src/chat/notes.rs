//! Private notes: messages of the conversation's log that only the organization's agents see,
//! and the mentions they carry.

use super::Chat;
use super::messages::Draft;
use crate::domain::SessionId;
use crate::domain::mentions::{self, Mention};
use crate::domain::model::{Agent, Message, SenderType};
use crate::domain::permissions::{self, Identity};
use crate::error::{ApiError, ApiResult};
use crate::fanout::{Target, events};
use crate::store::NewMessage;

/// Most mentions one request lists.
pub const MAX_MENTIONS_LISTED: u32 = 100;

impl Chat {
    /// Stores a private note (never shown to the customer), announces it to the agents, and
    /// tells each mentioned teammate. A repeated `client_msg_id` returns the stored note.
    #[tracing::instrument(level = "debug", skip_all, fields(session = %session_id, agent = %agent.id))]
    pub async fn write_note(
        &self,
        agent: &Agent,
        session_id: SessionId,
        draft: Draft,
    ) -> ApiResult<Message> {
        let who = Identity::Agent(agent.clone());
        let session = self
            .session_where(&who, session_id, permissions::can_write_note)
            .await?;
        self.limits.message(agent.id.0).await?;
        let org = session.organization_id;
        let files = self
            .files_for_message(org, session_id, agent.id.0, &draft.attachments, true)
            .await?;
        let appended = self
            .conversations
            .append(
                session.organization_id,
                NewMessage {
                    session_id,
                    sender_type: SenderType::Agent,
                    sender_id: Some(agent.id.0),
                    sender_name: agent.name.clone(),
                    content: draft.content,
                    client_msg_id: draft.client_msg_id,
                    internal: true,
                    attachments: files,
                },
            )
            .await?;
        if appended.created {
            metrics::counter!("raasel_notes_total").increment(1);
            self.announce_message(&appended.session, &appended.message)
                .await;
            self.tell_mentioned(agent, &appended.message).await?;
            self.message_webhook(&appended.session, &appended.message)
                .await;
        }
        Ok(appended.message)
    }

    /// A message or, with `internal`, a private note (agents only), over REST and sockets
    /// alike.
    pub async fn post(
        &self,
        who: &Identity,
        session_id: SessionId,
        draft: Draft,
    ) -> ApiResult<Message> {
        match (draft.internal, who) {
            (false, _) => self.send_message(who, session_id, draft).await,
            (true, Identity::Agent(agent)) => self.write_note(agent, session_id, draft).await,
            (true, Identity::Client(_)) => {
                self.readable_session(who, session_id).await?;
                Err(ApiError::Forbidden(
                    "only the organization's agents write private notes".into(),
                ))
            }
        }
    }

    /// Records and sends a mention to every teammate the note names.
    async fn tell_mentioned(&self, author: &Agent, note: &Message) -> ApiResult<()> {
        let team = self.store.agents(author.organization_id).await?;
        let named = mentions::mentioned(&note.content, &team, author.id);
        if named.is_empty() {
            return Ok(());
        }
        let found: Vec<Mention> = named
            .iter()
            .map(|agent| Mention {
                id: uuid::Uuid::now_v7(),
                organization_id: author.organization_id,
                agent_id: *agent,
                session_id: note.session_id,
                seq: note.seq,
                author_name: author.name.clone(),
                excerpt: mentions::excerpt(&note.content),
                created_at: note.created_at,
                read_at: None,
            })
            .collect();
        self.workspace.insert_mentions(&found).await?;
        for mention in found {
            let to = Target::Agent(mention.agent_id);
            self.emit(vec![to], events::mention(mention, note)).await;
        }
        Ok(())
    }

    /// The agent's mentions, newest first.
    pub async fn mentions(&self, agent: &Agent) -> ApiResult<Vec<Mention>> {
        Ok(self
            .workspace
            .mentions(agent.organization_id, agent.id, MAX_MENTIONS_LISTED)
            .await?)
    }

    /// Marks the agent's mentions read (in one conversation, or all); returns how many.
    pub async fn read_mentions(&self, agent: &Agent, session: Option<SessionId>) -> ApiResult<u64> {
        if let Some(id) = session {
            let who = Identity::Agent(agent.clone());
            self.session_where(&who, id, permissions::can_read_session)
                .await
                .map(drop)?;
        }
        Ok(self
            .workspace
            .read_mentions(
                agent.organization_id,
                agent.id,
                session,
                crate::domain::model::now(),
            )
            .await?)
    }
}
