//! `Conversations` on SQLite: one writer thread owns every change to a conversation. It commits
//! whatever arrived while the previous batch was being written in one transaction (group
//! commit: one fsync for the batch), each change in its own savepoint so one refusal does not
//! undo the others, and answers each caller only after the commit.
//!
//! A session's changes are therefore applied one at a time in arrival order: its `seq` has no
//! gaps, a close is final for every later message, and notes follow the real order of
//! assignments.

use async_trait::async_trait;
use tokio::sync::oneshot;

use super::SqliteStore;
use crate::domain::ids::*;
use crate::store::{
    Appended, AssignMode, Assigned, Closed, Closing, Conversations, NewMessage, Requeue,
    StoreError, StoreResult,
};

use crate::store::sql::conversation::{Reply, ask};

/// A change to a conversation, with where to send its outcome.
pub enum Change {
    Append(OrgId, NewMessage, Reply<Appended>),
    Assign(
        OrgId,
        SessionId,
        AgentId,
        AssignMode,
        Reply<Option<Assigned>>,
    ),
    Close(OrgId, SessionId, Closing, Reply<Option<Closed>>),
    Requeue(OrgId, SessionId, Box<Requeue>, Reply<Option<Closed>>),
    /// Answered once everything queued before it is committed.
    Flush(oneshot::Sender<()>),
}

/// The outcome of one change, held until the batch commits.
pub(super) enum Outcome {
    Append(StoreResult<Appended>, Reply<Appended>),
    Assign(StoreResult<Option<Assigned>>, Reply<Option<Assigned>>),
    Close(StoreResult<Option<Closed>>, Reply<Option<Closed>>),
}

impl Outcome {
    pub(super) fn send(self) {
        match self {
            Outcome::Append(r, tx) => drop(tx.send(r)),
            Outcome::Assign(r, tx) => drop(tx.send(r)),
            Outcome::Close(r, tx) => drop(tx.send(r)),
        }
    }

    /// Every caller of a batch that failed to commit learns why.
    pub(super) fn fail(self, why: &str) {
        let err = || StoreError::Other(anyhow::anyhow!("the batch failed to commit: {why}"));
        match self {
            Outcome::Append(_, tx) => drop(tx.send(Err(err()))),
            Outcome::Assign(_, tx) => drop(tx.send(Err(err()))),
            Outcome::Close(_, tx) => drop(tx.send(Err(err()))),
        }
    }

    pub(super) fn is_ok(&self) -> bool {
        match self {
            Outcome::Append(r, _) => r.is_ok(),
            Outcome::Assign(r, _) => r.is_ok(),
            Outcome::Close(r, _) => r.is_ok(),
        }
    }
}

impl SqliteStore {
    async fn submit(&self, change: Change) -> StoreResult<()> {
        self.changes
            .send(change)
            .await
            .map_err(|_| anyhow::anyhow!("the conversation writer stopped").into())
    }
}

#[async_trait]
impl Conversations for SqliteStore {
    async fn append(&self, org: OrgId, msg: NewMessage) -> StoreResult<Appended> {
        ask(|r| Change::Append(org, msg, r), |c| self.submit(c)).await
    }

    async fn assign(
        &self,
        org: OrgId,
        session: SessionId,
        agent: AgentId,
        mode: AssignMode,
    ) -> StoreResult<Option<Assigned>> {
        ask(
            |r| Change::Assign(org, session, agent, mode, r),
            |c| self.submit(c),
        )
        .await
    }

    async fn close(
        &self,
        org: OrgId,
        session: SessionId,
        closing: &Closing,
    ) -> StoreResult<Option<Closed>> {
        let closing = closing.clone();
        ask(
            |r| Change::Close(org, session, closing, r),
            |c| self.submit(c),
        )
        .await
    }

    async fn requeue(
        &self,
        org: OrgId,
        session: SessionId,
        requeue: &Requeue,
    ) -> StoreResult<Option<Closed>> {
        let requeue = Box::new(requeue.clone());
        ask(
            |r| Change::Requeue(org, session, requeue, r),
            |c| self.submit(c),
        )
        .await
    }

    async fn flush(&self) -> StoreResult<()> {
        let (done, flushed) = oneshot::channel();
        self.changes
            .send(Change::Flush(done))
            .await
            .map_err(|_| anyhow::anyhow!("the conversation writer stopped"))?;
        flushed
            .await
            .map_err(|_| anyhow::anyhow!("the conversation writer stopped"))?;
        Ok(())
    }
}
