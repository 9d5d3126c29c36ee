//! The conversation writer: a thread that owns its own connection to the database and commits
//! each batch of changes inside itself, with cached prepared statements. A batch costs one
//! wake-up of this thread and one fsync, however many changes it holds.
//!
//! SQLite has one write slot. The other writes (accounts, read marks, …) go through the
//! store's single pooled writer connection; this thread takes its turn with them for each batch
//! (see `turn`).

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use tokio::sync::mpsc;
use uuid::Uuid;

use super::checkpoint;
use super::conversations::{Change, Outcome};
use super::search_index;
use super::turn::WriteTurns;
use crate::domain::ids::*;
use crate::domain::model::*;
use crate::store::sql::INSERT_MESSAGE;
use crate::store::sql::conversation::{self, Moved, Steps, at_once, statements};
use crate::store::{NewMessage, StoreError, StoreResult};

/// Most changes one transaction commits together.
const MAX_BATCH: usize = 512;
/// Changes waiting for the writer; senders wait beyond this.
const QUEUE: usize = 8192;
/// The writer's page cache, in KiB.
const CACHE_KIB: i64 = 16 << 10;

/// Opens the writer's connection and starts its thread; it stops when every sender is gone.
pub fn spawn(file: &Path, turns: WriteTurns) -> anyhow::Result<mpsc::Sender<Change>> {
    let conn = open(file).with_context(|| format!("opening {} for messages", file.display()))?;
    let nudge = checkpoint::spawn(file)
        .with_context(|| format!("opening {} for checkpoints", file.display()))?;
    let (tx, rx) = mpsc::channel::<Change>(QUEUE);
    std::thread::Builder::new()
        .name("raasel-writer".into())
        .spawn(move || run(conn, rx, turns, nudge))?;
    Ok(tx)
}

fn open(file: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(file)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Checkpoints run on their own thread (`checkpoint`); this one only if that falls behind.
    conn.pragma_update(None, "wal_autocheckpoint", checkpoint::FALLBACK_PAGES)?;
    // A page cache that holds the busy conversations' index pages.
    conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
    conn.set_prepared_statement_cache_capacity(32);
    Ok(conn)
}

fn run(
    mut conn: Connection,
    mut rx: mpsc::Receiver<Change>,
    turns: WriteTurns,
    nudge: checkpoint::Nudge,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.blocking_recv_many(&mut batch, MAX_BATCH) > 0 {
        let mut flushes = vec![];
        let changes: Vec<Change> = batch
            .drain(..)
            .filter_map(|c| match c {
                Change::Flush(done) => {
                    flushes.push(done);
                    None
                }
                other => Some(other),
            })
            .collect();
        if !changes.is_empty() {
            let _turn = turns.blocking_turn();
            write_batch(&mut conn, changes);
            nudge.after_commit();
        }
        for done in flushes {
            let _ = done.send(());
        }
    }
}

fn write_batch(conn: &mut Connection, changes: Vec<Change>) {
    metrics::histogram!("raasel_message_batch_size").record(changes.len() as f64);
    let mut outcomes = Vec::with_capacity(changes.len());
    let committed = (|| -> rusqlite::Result<()> {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let newest: i64 = tx
            .prepare_cached(search_index::NEWEST_ROW)?
            .query_row([], |r| r.get(0))?;
        for change in changes {
            run_cached(&tx, "SAVEPOINT change")?;
            let outcome = apply(&tx, change);
            if !outcome.is_ok() {
                run_cached(&tx, "ROLLBACK TO change")?;
            }
            run_cached(&tx, "RELEASE change")?;
            outcomes.push(outcome);
        }
        tx.prepare_cached(search_index::INDEX_AFTER)?
            .execute([newest])?;
        let committing = std::time::Instant::now();
        tx.commit()?;
        metrics::histogram!("raasel_store_commit_duration_seconds")
            .record(committing.elapsed().as_secs_f64());
        Ok(())
    })();
    match committed {
        Ok(()) => outcomes.into_iter().for_each(Outcome::send),
        Err(e) => {
            tracing::error!(error = %e, "conversation batch failed to commit");
            let why = e.to_string();
            outcomes.into_iter().for_each(|o| o.fail(&why));
        }
    }
}

fn run_cached(tx: &Transaction, sql: &str) -> rusqlite::Result<()> {
    tx.prepare_cached(sql)?.execute([]).map(drop)
}

fn apply(tx: &Transaction, change: Change) -> Outcome {
    let steps = &mut SqliteSteps(tx);
    let now = crate::domain::model::now();
    match change {
        Change::Append(org, msg, reply) => {
            Outcome::Append(at_once(conversation::append(steps, org, &msg, now)), reply)
        }
        Change::Assign(org, session, agent, mode, reply) => {
            let assigned = conversation::assign(steps, org, session, agent, mode, now);
            Outcome::Assign(at_once(assigned), reply)
        }
        Change::Close(org, session, closing, reply) => Outcome::Close(
            at_once(conversation::close(steps, org, session, &closing, now)),
            reply,
        ),
        Change::Requeue(org, session, how, reply) => Outcome::Close(
            at_once(conversation::requeue(steps, org, session, &how, now)),
            reply,
        ),
        Change::Flush(_) => unreachable!("flushes are taken out of batches"),
    }
}

/// One change's statements on the writer's own connection, inside its batch's transaction
/// (which holds SQLite's only write lock): they never wait.
struct SqliteSteps<'a>(&'a Transaction<'a>);

impl Steps for SqliteSteps<'_> {
    async fn session(&mut self, org: OrgId, id: SessionId) -> StoreResult<Session> {
        self.0
            .prepare_cached(statements::SESSION)
            .map_err(db)?
            .query_row(params![id.0, org.0], session)
            .optional()
            .map_err(db)?
            .ok_or(StoreError::SessionNotFound)
    }

    async fn sent_before(
        &mut self,
        org: OrgId,
        m: &NewMessage,
        key: &str,
    ) -> StoreResult<Option<Message>> {
        self.0
            .prepare_cached(statements::SENT_BEFORE)
            .map_err(db)?
            .query_row(params![m.session_id.0, org.0, m.sender_id, key], message)
            .optional()
            .map_err(db)
    }

    async fn agent(&mut self, org: OrgId, id: AgentId) -> StoreResult<Option<Agent>> {
        self.0
            .prepare_cached(statements::AGENT)
            .map_err(db)?
            .query_row(params![id.0, org.0], agent)
            .optional()
            .map_err(db)
    }

    async fn active_sessions(&mut self, org: OrgId, agent: AgentId) -> StoreResult<i64> {
        self.0
            .prepare_cached(statements::ACTIVE_SESSIONS)
            .map_err(db)?
            .query_row(params![agent.0, org.0], |r| r.get(0))
            .map_err(db)
    }

    async fn agent_name(&mut self, org: OrgId, id: AgentId) -> StoreResult<Option<String>> {
        self.0
            .prepare_cached(statements::AGENT_NAME)
            .map_err(db)?
            .query_row(params![id.0, org.0], |r| r.get(0))
            .optional()
            .map_err(db)
    }

    async fn stamp_assigned(
        &mut self,
        org: OrgId,
        agent: AgentId,
        now: Timestamp,
    ) -> StoreResult<()> {
        self.0
            .prepare_cached(statements::STAMP_ASSIGNED)
            .map_err(db)?
            .execute(params![text_time(now), agent.0, org.0])
            .map_err(db)?;
        Ok(())
    }

    async fn write(&mut self, s: &Session, m: &Message, moved: Moved) -> StoreResult<()> {
        let (last_message_at, updated_at) =
            (s.last_message_at.map(text_time), text_time(s.updated_at));
        match moved {
            Moved::Activity => self
                .0
                .prepare_cached(statements::WRITE_ACTIVITY)
                .map_err(db)?
                .execute(params![
                    s.last_seq,
                    last_message_at,
                    updated_at,
                    s.queued_at.map(text_time),
                    MessagePreview::encode(&s.preview),
                    s.snoozed,
                    s.snoozed_until.map(text_time),
                    s.awaiting_since.map(text_time),
                    s.first_response_at.map(text_time),
                    s.id.0,
                    s.organization_id.0,
                ]),
            Moved::Everything => self
                .0
                .prepare_cached(statements::WRITE_SESSION)
                .map_err(db)?
                .execute(params![
                    s.agent_id.map(|a| a.0),
                    s.status.as_str(),
                    s.closed_at.map(text_time),
                    s.last_seq,
                    last_message_at,
                    updated_at,
                    s.queued_at.map(text_time),
                    MessagePreview::encode(&s.preview),
                    s.assigned_at.map(text_time),
                    s.snoozed,
                    s.snoozed_until.map(text_time),
                    s.awaiting_since.map(text_time),
                    s.first_response_at.map(text_time),
                    s.team_id.map(|t| t.0),
                    s.id.0,
                    s.organization_id.0,
                ]),
        }
        .map_err(db)?;
        self.0
            .prepare_cached(INSERT_MESSAGE)
            .map_err(db)?
            .execute(params![
                m.id.0,
                m.organization_id.0,
                m.session_id.0,
                m.seq,
                m.sender_type.as_str(),
                m.sender_id,
                m.sender_name,
                m.content,
                m.client_msg_id,
                text_time(m.created_at),
                m.internal,
                crate::domain::attachments::encode_refs(&m.attachments),
            ])
            .map_err(db)?;
        Ok(())
    }
}

fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Other(e.into())
}

/// Timestamps as the rest of the store writes them (RFC 3339 text), so that they sort and
/// compare the same in every row.
fn text_time(t: Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

fn time<I: rusqlite::RowIndex>(row: &Row, at: I, col: &str) -> rusqlite::Result<Timestamp> {
    let text: String = row.get(at)?;
    parse_time(col, &text)
}

fn opt_time<I: rusqlite::RowIndex>(
    row: &Row,
    at: I,
    col: &str,
) -> rusqlite::Result<Option<Timestamp>> {
    let text: Option<String> = row.get(at)?;
    text.map(|t| parse_time(col, &t)).transpose()
}

fn parse_time(col: &str, text: &str) -> rusqlite::Result<Timestamp> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| invalid(col, e.to_string()))
}

fn parsed<T: std::str::FromStr<Err = String>, I: rusqlite::RowIndex>(
    row: &Row,
    at: I,
    col: &str,
) -> rusqlite::Result<T> {
    let text: String = row.get(at)?;
    text.parse().map_err(|e| invalid(col, e))
}

fn invalid(col: &str, why: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("column {col}: {why}").into(),
    )
}

fn session(row: &Row) -> rusqlite::Result<Session> {
    Ok(Session {
        id: SessionId(row.get(0)?),
        organization_id: OrgId(row.get(1)?),
        client_id: ClientId(row.get(2)?),
        client_name: row.get(3)?,
        client_email: row.get(4)?,
        agent_id: row.get::<_, Option<Uuid>>(5)?.map(AgentId),
        status: parsed(row, 6, "status")?,
        subject: row.get(7)?,
        last_seq: row.get(8)?,
        last_message_at: opt_time(row, 9, "last_message_at")?,
        queued_at: opt_time(row, 10, "queued_at")?,
        created_at: time(row, 11, "created_at")?,
        updated_at: time(row, 12, "updated_at")?,
        closed_at: opt_time(row, 13, "closed_at")?,
        priority: parsed(row, 14, "priority")?,
        labels: crate::domain::labels::decode(&row.get::<_, String>(15)?),
        preview: MessagePreview::decode(row.get::<_, Option<String>>(16)?.as_deref()),
        assigned_at: opt_time(row, 17, "assigned_at")?,
        snoozed: row.get(18)?,
        snoozed_until: opt_time(row, 19, "snoozed_until")?,
        awaiting_since: opt_time(row, 20, "awaiting_since")?,
        first_response_at: opt_time(row, 21, "first_response_at")?,
        team_id: row.get::<_, Option<Uuid>>(22)?.map(TeamId),
    })
}

fn agent(row: &Row) -> rusqlite::Result<Agent> {
    Ok(Agent {
        id: AgentId(row.get("id")?),
        organization_id: OrgId(row.get("organization_id")?),
        name: row.get("name")?,
        email: row.get("email")?,
        role: parsed(row, "role", "role")?,
        status: parsed(row, "status", "status")?,
        online: false,
        max_concurrent_sessions: row
            .get::<_, Option<i64>>("max_concurrent_sessions")?
            .map(|v| v as u32),
        last_assigned_at: opt_time(row, "last_assigned_at", "last_assigned_at")?,
        created_at: time(row, "created_at", "created_at")?,
        updated_at: time(row, "updated_at", "updated_at")?,
        token_version: row.get("token_version")?,
    })
}

pub(super) fn message(row: &Row) -> rusqlite::Result<Message> {
    Ok(Message {
        id: MessageId(row.get("id")?),
        organization_id: OrgId(row.get("organization_id")?),
        session_id: SessionId(row.get("session_id")?),
        seq: row.get("seq")?,
        sender_type: parsed(row, "sender_type", "sender_type")?,
        sender_id: row.get("sender_id")?,
        sender_name: row.get("sender_name")?,
        content: row.get("content")?,
        client_msg_id: row.get("client_msg_id")?,
        created_at: time(row, "created_at", "created_at")?,
        internal: row.get("internal")?,
        attachments: crate::domain::attachments::decode_refs(
            row.get::<_, Option<String>>("attachments")?.as_deref(),
        ),
    })
}
