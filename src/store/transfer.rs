//! Moving an installation from the embedded store to PostgreSQL (`raasel move`): every
//! organization, agent (with their password hash, so passwords keep working), client, session
//! (with its labels, priority, visit context and preview), message with its `seq` (private notes
//! stay private; the target's search index is built as they arrive), read mark, label, canned
//! reply, contact and mention, and the generated token secret (so issued tokens stay valid).
//! The target must be empty; the counts are compared at the end.

use std::path::Path;

mod tables;

use anyhow::{Context, bail, ensure};
use sqlx::{PgPool, Postgres, QueryBuilder, Row, SqlitePool};

use super::postgres::PgStore;
use super::sqlite::SqliteStore;
use super::{Store, sqlite};

/// Rows inserted per statement.
const BATCH: usize = 500;

/// How many rows of each kind were moved.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub organizations: i64,
    pub agents: i64,
    pub clients: i64,
    pub sessions: i64,
    pub messages: i64,
    pub read_states: i64,
    pub labels: i64,
    pub canned_replies: i64,
    pub contacts: i64,
    pub mentions: i64,
}

/// Moves everything in `data_dir` to the (empty) PostgreSQL database at `url`, telling
/// `progress` how it goes.
pub async fn embedded_to_postgres(
    data_dir: &Path,
    url: &str,
    progress: impl Fn(&str),
) -> anyhow::Result<Counts> {
    ensure!(
        data_dir.join("raasel.db").exists(),
        "there is no embedded store in {}",
        data_dir.display()
    );
    let from = SqliteStore::open(data_dir).await?;
    let to = PgStore::open(url, 4, crate::store::postgres::LogTarget::Here).await?;
    if !to.organizations().await?.is_empty() {
        bail!("the target database already holds organizations; moving needs an empty one");
    }
    let (src, dst) = (from.reader(), to.pool());
    progress("organizations, agents and clients");
    copy_organizations(src, dst).await?;
    copy_agents(src, dst).await?;
    copy_clients(src, dst).await?;
    copy_teams(src, dst).await?;
    progress("sessions");
    copy_sessions(&from, &to).await?;
    copy_messages(src, dst, &progress).await?;
    copy_read_states(src, dst).await?;
    progress("labels, canned replies, contacts and mentions");
    copy_workspace(&from, &to).await?;
    progress("agents' second factors and devices");
    copy_sign_ins(&from, &to).await?;
    progress("ratings, e-mails, webhooks, API tokens, the audit log and files' records");
    tables::copy_as_is(src, dst, AS_IS).await?;
    copy_token_secret(data_dir, &to).await?;
    let moved: Counts = sqlx::query_as::<_, Row10>(COUNTS)
        .fetch_one(src)
        .await?
        .into();
    let arrived: Counts = sqlx::query_as::<_, Row10>(COUNTS)
        .fetch_one(dst)
        .await?
        .into();
    ensure!(
        moved == arrived,
        "the counts differ after the move: embedded {moved:?}, PostgreSQL {arrived:?}"
    );
    Ok(arrived)
}

/// Every table's row count, in one statement both backends understand.
/// Tables whose rows carry over unchanged, each after those it refers to.
const AS_IS: &[&str] = &[
    "ratings",
    "email_opt_outs",
    "email_outbox",
    "webhooks",
    "webhook_deliveries",
    "api_tokens",
    "audit_log",
    "attachments",
    "sso_providers",
];

const COUNTS: &str = "SELECT (SELECT COUNT(*) FROM organizations), (SELECT COUNT(*) FROM agents),
    (SELECT COUNT(*) FROM clients), (SELECT COUNT(*) FROM sessions),
    (SELECT COUNT(*) FROM messages), (SELECT COUNT(*) FROM read_states),
    (SELECT COUNT(*) FROM labels), (SELECT COUNT(*) FROM canned_replies),
    (SELECT COUNT(*) FROM contacts), (SELECT COUNT(*) FROM mentions)";

type Row10 = (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64);

impl From<Row10> for Counts {
    fn from(n: Row10) -> Self {
        Counts {
            organizations: n.0,
            agents: n.1,
            clients: n.2,
            sessions: n.3,
            messages: n.4,
            read_states: n.5,
            labels: n.6,
            canned_replies: n.7,
            contacts: n.8,
            mentions: n.9,
        }
    }
}

async fn copy_organizations(src: &SqlitePool, dst: &PgPool) -> anyhow::Result<()> {
    let rows = sqlx::query("SELECT * FROM organizations")
        .fetch_all(src)
        .await?;
    for chunk in rows.chunks(BATCH) {
        let orgs = chunk
            .iter()
            .map(sqlite::rows::organization)
            .collect::<anyhow::Result<Vec<_>>>()?;
        let mut q = QueryBuilder::<Postgres>::new(
            "INSERT INTO organizations (id, name, domain, settings, created_at, updated_at) ",
        );
        q.push_values(&orgs, |mut b, o| {
            b.push_bind(o.id.0)
                .push_bind(&o.name)
                .push_bind(&o.domain)
                .push_bind(serde_json::to_string(&o.settings).unwrap_or_default())
                .push_bind(o.created_at)
                .push_bind(o.updated_at);
        });
        q.build()
            .execute(dst)
            .await
            .context("copying organizations")?;
    }
    Ok(())
}

async fn copy_agents(src: &SqlitePool, dst: &PgPool) -> anyhow::Result<()> {
    let rows = sqlx::query("SELECT * FROM agents").fetch_all(src).await?;
    for chunk in rows.chunks(BATCH) {
        let agents = chunk
            .iter()
            .map(|r| {
                Ok((
                    sqlite::rows::agent(r)?,
                    r.try_get::<String, _>("password_hash")?,
                ))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let mut q = QueryBuilder::<Postgres>::new(
            "INSERT INTO agents (id, organization_id, name, email, password_hash, role, status,
             max_concurrent_sessions, last_assigned_at, token_version, created_at, updated_at) ",
        );
        q.push_values(&agents, |mut b, (a, hash)| {
            b.push_bind(a.id.0)
                .push_bind(a.organization_id.0)
                .push_bind(&a.name)
                .push_bind(&a.email)
                .push_bind(hash)
                .push_bind(a.role.as_str())
                .push_bind(a.status.as_str())
                .push_bind(a.max_concurrent_sessions.map(i64::from))
                .push_bind(a.last_assigned_at)
                .push_bind(a.token_version)
                .push_bind(a.created_at)
                .push_bind(a.updated_at);
        });
        q.build().execute(dst).await.context("copying agents")?;
    }
    Ok(())
}

async fn copy_clients(src: &SqlitePool, dst: &PgPool) -> anyhow::Result<()> {
    let rows = sqlx::query("SELECT * FROM clients").fetch_all(src).await?;
    for chunk in rows.chunks(BATCH) {
        let clients = chunk
            .iter()
            .map(|r| {
                let hash: Option<String> = r.try_get("password_hash")?;
                Ok((sqlite::rows::client(r)?, hash))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let mut q = QueryBuilder::<Postgres>::new(
            "INSERT INTO clients (id, organization_id, username, email, name, password_hash,
             external_id, token_version, created_at) ",
        );
        q.push_values(&clients, |mut b, (c, hash)| {
            b.push_bind(c.id.0)
                .push_bind(c.organization_id.map(|o| o.0))
                .push_bind(&c.username)
                .push_bind(&c.email)
                .push_bind(&c.name)
                .push_bind(hash)
                .push_bind(&c.external_id)
                .push_bind(c.token_version)
                .push_bind(c.created_at);
        });
        q.build().execute(dst).await.context("copying clients")?;
    }
    Ok(())
}

async fn copy_sessions(from: &SqliteStore, to: &PgStore) -> anyhow::Result<()> {
    let rows = sqlx::query("SELECT * FROM sessions")
        .fetch_all(from.reader())
        .await?;
    for row in &rows {
        let session = sqlite::rows::session(row)?;
        to.insert_session(&session)
            .await
            .context("copying sessions")?;
        let context: Option<String> = row.try_get("context")?;
        sqlx::query(
            "UPDATE sessions SET priority = $1, labels = $2, context = $3, preview = $4,
             assigned_at = $5, snoozed = $6, snoozed_until = $7, awaiting_since = $8,
             first_response_at = $9, team_id = $10 WHERE id = $11",
        )
        .bind(session.priority.as_str())
        .bind(crate::domain::labels::encode(&session.labels))
        .bind(context)
        .bind(crate::domain::model::MessagePreview::encode(
            &session.preview,
        ))
        .bind(session.assigned_at)
        .bind(session.snoozed)
        .bind(session.snoozed_until)
        .bind(session.awaiting_since)
        .bind(session.first_response_at)
        .bind(session.team_id.map(|t| t.0))
        .bind(session.id.0)
        .execute(to.pool())
        .await
        .context("copying sessions' labels, priority, context and preview")?;
    }
    Ok(())
}

/// Teams and their members as they are (the default teams included).
async fn copy_teams(src: &SqlitePool, dst: &PgPool) -> anyhow::Result<()> {
    for row in sqlx::query("SELECT * FROM teams").fetch_all(src).await? {
        let team = sqlite::rows::team(&row)?;
        sqlx::query(
            "INSERT INTO teams (id, organization_id, name, is_default, created_at, business_hours)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(team.id.0)
        .bind(team.organization_id.0)
        .bind(&team.name)
        .bind(team.is_default)
        .bind(team.created_at)
        .bind(
            team.business_hours
                .as_ref()
                .map(|h| serde_json::to_string(h).expect("hours serialize")),
        )
        .execute(dst)
        .await
        .context("copying teams")?;
    }
    let members: Vec<(uuid::Uuid, uuid::Uuid, uuid::Uuid)> =
        sqlx::query_as("SELECT team_id, agent_id, organization_id FROM team_members")
            .fetch_all(src)
            .await?;
    for (team, agent, org) in members {
        sqlx::query(
            "INSERT INTO team_members (team_id, agent_id, organization_id) VALUES ($1, $2, $3)",
        )
        .bind(team)
        .bind(agent)
        .bind(org)
        .execute(dst)
        .await
        .context("copying team members")?;
    }
    Ok(())
}

/// Labels, canned replies, contacts and mentions, through the stores' own methods where one
/// writes a row as it is.
async fn copy_workspace(from: &SqliteStore, to: &PgStore) -> anyhow::Result<()> {
    use crate::store::Workspace;
    let (src, dst) = (from.reader(), to.pool());
    for row in sqlx::query("SELECT * FROM labels").fetch_all(src).await? {
        to.insert_label(&sqlite::rows::label(&row)?)
            .await
            .context("copying labels")?;
    }
    for row in sqlx::query("SELECT * FROM canned_replies")
        .fetch_all(src)
        .await?
    {
        to.insert_canned_reply(&sqlite::rows::canned_reply(&row)?)
            .await
            .context("copying canned replies")?;
    }
    for row in sqlx::query("SELECT * FROM contacts").fetch_all(src).await? {
        sqlx::query(
            "INSERT INTO contacts (organization_id, client_id, name, email, attributes, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(row.try_get::<uuid::Uuid, _>("organization_id")?)
        .bind(row.try_get::<uuid::Uuid, _>("client_id")?)
        .bind(row.try_get::<Option<String>, _>("name")?)
        .bind(row.try_get::<Option<String>, _>("email")?)
        .bind(row.try_get::<String, _>("attributes")?)
        .bind(row.try_get::<chrono::DateTime<chrono::Utc>, _>("updated_at")?)
        .execute(dst)
        .await
        .context("copying contacts")?;
    }
    let mentions = sqlx::query("SELECT * FROM mentions").fetch_all(src).await?;
    let mentions = sqlite::rows::all(mentions, sqlite::rows::mention)?;
    for m in &mentions {
        sqlx::query(
            "INSERT INTO mentions (id, organization_id, agent_id, session_id, seq, author_name,
             excerpt, created_at, read_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(m.id)
        .bind(m.organization_id.0)
        .bind(m.agent_id.0)
        .bind(m.session_id.0)
        .bind(m.seq)
        .bind(&m.author_name)
        .bind(&m.excerpt)
        .bind(m.created_at)
        .bind(m.read_at)
        .execute(dst)
        .await
        .context("copying mentions")?;
    }
    Ok(())
}

/// Messages in id order (time order for v7 ids), a page at a time, with progress.
async fn copy_messages(
    src: &SqlitePool,
    dst: &PgPool,
    progress: &impl Fn(&str),
) -> anyhow::Result<()> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages")
        .fetch_one(src)
        .await?;
    let mut after = uuid::Uuid::nil();
    let mut moved = 0i64;
    loop {
        let rows = sqlx::query("SELECT * FROM messages WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after)
            .bind(BATCH as i64)
            .fetch_all(src)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get("id")?;
        let messages = sqlite::rows::all(rows, sqlite::rows::message)?;
        let mut q = QueryBuilder::<Postgres>::new(
            "INSERT INTO messages (id, organization_id, session_id, seq, sender_type, sender_id,
             sender_name, content, client_msg_id, created_at, internal, attachments) ",
        );
        q.push_values(&messages, |mut b, m| {
            b.push_bind(m.id.0)
                .push_bind(m.organization_id.0)
                .push_bind(m.session_id.0)
                .push_bind(m.seq)
                .push_bind(m.sender_type.as_str())
                .push_bind(m.sender_id)
                .push_bind(&m.sender_name)
                .push_bind(&m.content)
                .push_bind(&m.client_msg_id)
                .push_bind(m.created_at)
                .push_bind(m.internal)
                .push_bind(crate::domain::attachments::encode_refs(&m.attachments));
        });
        q.build().execute(dst).await.context("copying messages")?;
        moved += messages.len() as i64;
        progress(&format!("messages: {moved} of {total}"));
    }
    Ok(())
}

async fn copy_read_states(src: &SqlitePool, dst: &PgPool) -> anyhow::Result<()> {
    let rows = sqlx::query("SELECT * FROM read_states")
        .fetch_all(src)
        .await?;
    for chunk in rows.chunks(BATCH) {
        let mut q = QueryBuilder::<Postgres>::new(
            "INSERT INTO read_states (session_id, side, delivered_seq, read_seq) ",
        );
        let mut values = Vec::with_capacity(chunk.len());
        for r in chunk {
            values.push((
                r.try_get::<uuid::Uuid, _>("session_id")?,
                r.try_get::<String, _>("side")?,
                r.try_get::<i64, _>("delivered_seq")?,
                r.try_get::<i64, _>("read_seq")?,
            ));
        }
        q.push_values(&values, |mut b, (s, side, d, r)| {
            b.push_bind(s).push_bind(side).push_bind(d).push_bind(r);
        });
        q.build().execute(dst).await.context("copying read marks")?;
    }
    Ok(())
}

/// Agents' second factors (with their unused recovery codes: a used one stays used) and
/// devices, so that second factors stay on and signed-in agents stay signed in.
async fn copy_sign_ins(from: &SqliteStore, to: &PgStore) -> anyhow::Result<()> {
    use super::{Devices, SecondFactors};
    let factors = sqlx::query("SELECT * FROM second_factors")
        .fetch_all(from.reader())
        .await?;
    for row in &factors {
        let factor = sqlite::rows::second_factor(row)?;
        to.start_second_factor(&factor).await?;
        let Some(enabled_at) = factor.enabled_at else {
            continue;
        };
        let unused: Vec<String> = sqlx::query_scalar(
            "SELECT hash FROM recovery_codes WHERE agent_id = $1 AND used_at IS NULL",
        )
        .bind(factor.agent_id.0)
        .fetch_all(from.reader())
        .await?;
        let on = to
            .enable_second_factor(factor.agent_id, factor.last_step, &unused, enabled_at)
            .await?;
        ensure!(
            on,
            "the second factor of agent {} did not carry over",
            factor.agent_id
        );
    }
    let devices = sqlx::query("SELECT * FROM devices")
        .fetch_all(from.reader())
        .await?;
    for row in &devices {
        to.add_device(&sqlite::rows::device(row)?)
            .await
            .context("copying devices")?;
    }
    Ok(())
}

/// The generated token secret of the data directory, so that tokens issued before the move
/// stay valid (a configured `--jwt-secret` is the operator's to carry over).
async fn copy_token_secret(data_dir: &Path, to: &PgStore) -> anyhow::Result<()> {
    let Ok(secret) = std::fs::read_to_string(data_dir.join("jwt-secret")) else {
        return Ok(());
    };
    let kept = to.shared_value("token_secret", secret.trim()).await?;
    ensure!(
        kept == secret.trim(),
        "the target already has another token secret"
    );
    Ok(())
}
