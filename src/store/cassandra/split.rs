//! Messages in Cassandra, everything else in PostgreSQL, with the invariants of one database:
//!
//! - **Gapless `seq`, idempotent resends**: a change is first committed in PostgreSQL, where
//!   the session's row lock gives it the next `seq` and `message_keys` remembers its key (also
//!   when two nodes take the same resend at once), and the message waits in the outbox.
//! - **Acknowledged only when durable**: it is then written to Cassandra at the configured
//!   consistency, and only then acknowledged; it leaves the outbox afterwards (in bulk).
//! - **Never a hole**: a message whose writer died between the two steps stays in the outbox,
//!   which readers consult first (so it is visible), and which every node copies to Cassandra
//!   after `STALE` (so it arrives). Cassandra writes are upserts keyed by `seq`: copying twice
//!   is harmless.
//!
//! Cost per message: one PostgreSQL transaction (group-committed), one Cassandra write, and a
//! share of one bulk outbox delete.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::mpsc;

use super::CassandraLog;
use crate::domain::ids::*;
use crate::domain::model::*;
use crate::store::postgres::PgStore;
use crate::store::{
    Appended, AssignMode, Assigned, Closed, Closing, Conversations, MessageLog, NewMessage, Page,
    Requeue, Store, StoreError, StoreResult,
};

/// How long a message may sit in the outbox before any node copies it over.
const STALE: Duration = Duration::from_secs(10);

pub struct Split {
    pg: Arc<PgStore>,
    log: Arc<CassandraLog>,
    written: mpsc::Sender<(SessionId, i64)>,
}

impl Split {
    pub fn new(pg: Arc<PgStore>, log: Arc<CassandraLog>) -> Arc<Split> {
        let (written, rx) = mpsc::channel(8192);
        tokio::spawn(empty_outbox(pg.clone(), rx));
        let split = Arc::new(Split { pg, log, written });
        tokio::spawn(recover_periodically(Arc::downgrade(&split)));
        split
    }

    /// Writes a committed message to the log; the outbox forgets it later.
    async fn settle(&self, m: &Message) -> StoreResult<()> {
        self.log.write(std::slice::from_ref(m)).await?;
        if self.written.try_send((m.session_id, m.seq)).is_err() {
            // The remover is behind: the recovery pass removes it instead.
            metrics::counter!("raasel_outbox_removals_deferred_total").increment(1);
        }
        Ok(())
    }

    /// Copies what waited too long in the outbox (its writer died) to the log.
    pub async fn recover(&self) -> StoreResult<usize> {
        let stale = self.pg.outbox_stale(STALE, 1000).await?;
        if stale.is_empty() {
            return Ok(0);
        }
        self.log.write(&stale).await?;
        let written: Vec<_> = stale.iter().map(|m| (m.session_id, m.seq)).collect();
        self.pg.outbox_remove(&written).await?;
        tracing::info!(
            messages = stale.len(),
            "outbox: copied messages left by a stopped writer"
        );
        Ok(stale.len())
    }
}

/// Removes written messages from the outbox in bulk.
async fn empty_outbox(pg: Arc<PgStore>, mut rx: mpsc::Receiver<(SessionId, i64)>) {
    let mut batch = Vec::with_capacity(512);
    while rx.recv_many(&mut batch, 512).await > 0 {
        if let Err(e) = pg.outbox_remove(&batch).await {
            tracing::warn!(error = ?e, "outbox: removing written messages (the recovery pass will)");
        }
        batch.clear();
    }
}

async fn recover_periodically(split: std::sync::Weak<Split>) {
    loop {
        let Some(s) = split.upgrade() else { return };
        if let Err(e) = s.recover().await {
            tracing::warn!(error = ?e, "outbox: recovery pass");
        }
        drop(s);
        tokio::time::sleep(STALE / 2).await;
    }
}

#[async_trait]
impl Conversations for Split {
    async fn append(&self, org: OrgId, msg: NewMessage) -> StoreResult<Appended> {
        match Conversations::append(self.pg.as_ref(), org, msg.clone()).await {
            Ok(appended) => {
                // A resend whose first send is still in the outbox is written again: harmless,
                // and it may be the first send's writer that failed.
                self.settle(&appended.message).await?;
                Ok(appended)
            }
            Err(StoreError::StoredElsewhere { seq }) => {
                let message = self
                    .log
                    .at(org, msg.session_id, seq, Audience::Agents)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("message at seq {seq} missing from the log"))?;
                let session = self
                    .pg
                    .session(org, msg.session_id)
                    .await?
                    .ok_or(StoreError::SessionNotFound)?;
                Ok(Appended {
                    message,
                    created: false,
                    queued: false,
                    session,
                })
            }
            Err(e) => Err(e),
        }
    }

    async fn assign(
        &self,
        org: OrgId,
        session: SessionId,
        agent: AgentId,
        mode: AssignMode,
    ) -> StoreResult<Option<Assigned>> {
        let assigned = Conversations::assign(self.pg.as_ref(), org, session, agent, mode).await?;
        if let Some(a) = &assigned {
            self.settle(&a.note).await?;
        }
        Ok(assigned)
    }

    async fn close(
        &self,
        org: OrgId,
        session: SessionId,
        closing: &Closing,
    ) -> StoreResult<Option<Closed>> {
        let closed = Conversations::close(self.pg.as_ref(), org, session, closing).await?;
        if let Some(c) = &closed {
            self.settle(&c.note).await?;
        }
        Ok(closed)
    }

    async fn requeue(
        &self,
        org: OrgId,
        session: SessionId,
        requeue: &Requeue,
    ) -> StoreResult<Option<Closed>> {
        let done = Conversations::requeue(self.pg.as_ref(), org, session, requeue).await?;
        if let Some(d) = &done {
            self.settle(&d.note).await?;
        }
        Ok(done)
    }

    async fn flush(&self) -> StoreResult<()> {
        Conversations::flush(self.pg.as_ref()).await
    }
}

/// Orders by seq and keeps one message per seq.
fn merged(mut messages: Vec<Message>) -> Vec<Message> {
    messages.sort_by_key(|m| m.seq);
    messages.dedup_by_key(|m| m.seq);
    messages
}

#[async_trait]
impl MessageLog for Split {
    async fn write(&self, messages: &[Message]) -> StoreResult<()> {
        self.log.write(messages).await
    }

    async fn range(
        &self,
        org: OrgId,
        session: SessionId,
        page: Page,
        audience: Audience,
    ) -> StoreResult<(Vec<Message>, bool)> {
        // The outbox first: a message leaves it only after the log has it.
        let mut waiting = self
            .pg
            .outbox_window(
                org,
                session,
                page.after.unwrap_or(0),
                page.before.unwrap_or(i64::MAX),
            )
            .await?;
        waiting.retain(|m| audience.sees(m));
        let (logged, _) = self
            .log
            .range(
                org,
                session,
                Page {
                    limit: page.limit.saturating_add(waiting.len() as u32),
                    ..page
                },
                audience,
            )
            .await?;
        let mut all = merged([waiting, logged].concat());
        let has_more = all.len() > page.limit as usize;
        if has_more {
            match page.after {
                Some(_) => all.truncate(page.limit as usize),
                None => {
                    all.drain(..all.len() - page.limit as usize);
                }
            }
        }
        // Whether anything lies beyond the window, counting what the log alone would show.
        let beyond = has_more || self.more_beyond(org, session, page, &all, audience).await?;
        Ok((all, beyond))
    }

    async fn at(
        &self,
        org: OrgId,
        session: SessionId,
        seq: i64,
        audience: Audience,
    ) -> StoreResult<Option<Message>> {
        let waiting = self
            .pg
            .outbox_window(org, session, seq - 1, seq + 1)
            .await?;
        match waiting.into_iter().next() {
            Some(m) => Ok(Some(m).filter(|m| audience.sees(m))),
            None => self.log.at(org, session, seq, audience).await,
        }
    }

    async fn last(
        &self,
        org: OrgId,
        session: SessionId,
        audience: Audience,
    ) -> StoreResult<Option<Message>> {
        let mut waiting = self.pg.outbox_window(org, session, 0, i64::MAX).await?;
        waiting.retain(|m| audience.sees(m));
        let logged = self.log.last(org, session, audience).await?;
        Ok(merged(waiting.into_iter().chain(logged).collect()).pop())
    }

    async fn count_unread(
        &self,
        org: OrgId,
        session: SessionId,
        side: Side,
        seq: i64,
        with_notes: bool,
    ) -> StoreResult<i64> {
        let waiting = self.pg.outbox_window(org, session, seq, i64::MAX).await?;
        let mut kinds: Vec<(i64, String, bool)> = waiting
            .iter()
            .map(|m| (m.seq, m.sender_type.as_str().to_string(), m.internal))
            .collect();
        kinds.extend(self.log.kinds_after(org, session, seq).await?);
        kinds.sort();
        kinds.dedup_by_key(|(seq, ..)| *seq);
        let sees_notes = Audience::of(side) == Audience::Agents;
        Ok(kinds
            .iter()
            .filter(|(_, kind, internal)| {
                kind != side.as_str()
                    && (with_notes || kind != "system")
                    && (sees_notes || !internal)
            })
            .count() as i64)
    }

    async fn delete_session(&self, org: OrgId, session: SessionId) -> StoreResult<()> {
        self.log.delete_session(org, session).await
    }

    async fn delete_organization(&self, org: OrgId) -> StoreResult<()> {
        self.log.delete_organization(org).await
    }
}

impl Split {
    /// Whether messages exist beyond a window that was not full (the outbox and the log were
    /// read separately, so the log's own answer about "more" is not enough).
    async fn more_beyond(
        &self,
        org: OrgId,
        session: SessionId,
        page: Page,
        window: &[Message],
        audience: Audience,
    ) -> StoreResult<bool> {
        let probe = |after, before| Page {
            after: Some(after),
            before: Some(before),
            limit: 1,
        };
        let (after, before) = match page.after {
            Some(_) => (
                window.last().map_or(page.after.unwrap_or(0), |m| m.seq),
                page.before.unwrap_or(i64::MAX),
            ),
            None => (
                0,
                window
                    .first()
                    .map_or(page.before.unwrap_or(i64::MAX), |m| m.seq),
            ),
        };
        let waiting = self.pg.outbox_window(org, session, after, before).await?;
        if waiting.iter().any(|m| audience.sees(m)) {
            return Ok(true);
        }
        let (logged, _) = self
            .log
            .range(org, session, probe(after, before), audience)
            .await?;
        Ok(!logged.is_empty())
    }
}
