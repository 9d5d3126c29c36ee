//! The admin subcommands: migrate (or list migrations), back up and restore the embedded
//! store, create an organization, create an agent, move the installation to PostgreSQL.

use anyhow::{Context, anyhow, bail};

use crate::accounts::Accounts;
use crate::config::{
    BackupArgs, CreateAgentArgs, CreateOrganizationArgs, MigrateArgs, MoveArgs, RestoreArgs,
    StoreArgs,
};
use crate::domain::input;
use crate::domain::model::{OrgSettings, Role};
use crate::store::migrate::{self as migrations, State};
use crate::store::sqlite::backup;

fn valid<T>(field: &str, parsed: input::Parsed<T>) -> anyhow::Result<T> {
    parsed.map_err(|e| anyhow!("{field} {e}"))
}

pub async fn migrate(args: MigrateArgs) -> anyhow::Result<()> {
    if args.status {
        return migration_status(&args.store).await;
    }
    crate::store::open(&args.store).await?;
    println!("migrations applied");
    Ok(())
}

/// Lists the configured store's migrations on stdout, one a line (`version state applied-at
/// name`), then a summary; changes nothing. A migration the database recorded with another
/// script fails the command after the list.
async fn migration_status(store: &StoreArgs) -> anyhow::Result<()> {
    let (what, list) = match &store.database_url {
        Some(url) => (
            "PostgreSQL".to_string(),
            migrations::postgres_status(url).await?,
        ),
        None => {
            let dir = store.data_dir.clone();
            let what = format!("the embedded store in {}", dir.display());
            let list =
                tokio::task::spawn_blocking(move || migrations::sqlite_status(&dir)).await??;
            (what, list)
        }
    };
    println!("migrations of {what}:");
    for m in &list {
        println!(
            "{:>4}  {:<7}  {:<35}  {}",
            m.version,
            m.state.word(),
            m.state.applied_at().unwrap_or("-"),
            m.name
        );
    }
    let counted = |word: &str| list.iter().filter(|m| m.state.word() == word).count();
    let newer = counted("newer");
    println!(
        "{} applied, {} pending{}",
        counted("applied"),
        counted("pending"),
        match newer {
            0 => String::new(),
            n => format!(", {n} from a newer release"),
        }
    );
    if !store.cassandra_contact_points.is_empty() {
        println!(
            "the Cassandra keyspace {} has no versions: its tables are created when missing (at start or by `raasel migrate`)",
            store.cassandra_keyspace
        );
    }
    if let Some(changed) = list.iter().find(|m| matches!(m.state, State::Changed(_))) {
        bail!(
            "migration {} ({}) was changed after it was applied; the database and this binary disagree",
            changed.version,
            changed.name
        );
    }
    Ok(())
}

/// Backups and restores are of the embedded store; PostgreSQL and Cassandra have their own
/// tools for that.
fn embedded_only(store: &StoreArgs, command: &str) -> anyhow::Result<()> {
    if store.database_url.is_some() || !store.cassandra_contact_points.is_empty() {
        bail!(
            "`raasel {command}` is for the embedded store (--data-dir); an installation on PostgreSQL is backed up with pg_dump or a base backup with WAL archiving, and Cassandra with nodetool snapshot (docs/operations.md, \"Backup and restore\")"
        );
    }
    Ok(())
}

/// Reports a copy's progress on stderr, about every tenth of it.
fn page_progress(verb: &'static str) -> impl FnMut(u64, u64) {
    let mut reported = None;
    move |done, total| {
        let percent = (done * 100).checked_div(total).unwrap_or(100);
        if reported != Some(percent / 10) {
            reported = Some(percent / 10);
            tracing::info!("{verb} {done} of {total} pages ({percent}%)");
        }
    }
}

/// What a backup holds, in words.
fn described(c: &backup::Contents) -> String {
    format!(
        "{} organizations, {} agents, {} clients, {} sessions, {} messages{}",
        c.organizations,
        c.agents,
        c.clients,
        c.sessions,
        c.messages,
        if c.token_secret {
            " and the token secret"
        } else {
            ""
        }
    )
}

/// Copies the embedded store and its token secret into one file, beside a running server;
/// progress on stderr, what it holds on stdout.
pub async fn backup(args: BackupArgs) -> anyhow::Result<()> {
    embedded_only(&args.store, "backup")?;
    let BackupArgs { store, to, force } = args;
    let data_dir = store.data_dir.clone();
    let file = to.clone();
    let made = tokio::task::spawn_blocking(move || {
        backup::backup(
            &data_dir,
            &file,
            force,
            crate::config::VERSION,
            page_progress("backed up"),
        )
    })
    .await?
    .context("backing up the embedded store")?;
    println!(
        "backed up {} into {} ({} bytes)",
        described(&made.contents),
        to.display(),
        made.bytes
    );
    if !made.contents.token_secret {
        println!(
            "{} holds no generated token secret (a server given --jwt-secret generates none): keep that setting with the backup",
            store.data_dir.display()
        );
    }
    Ok(())
}

/// Restores a backup into an empty data directory (or, with --force, over the store there);
/// progress on stderr, what it restored on stdout.
pub async fn restore(args: RestoreArgs) -> anyhow::Result<()> {
    embedded_only(&args.store, "restore")?;
    let RestoreArgs { store, from, force } = args;
    let (data_dir, file) = (store.data_dir.clone(), from.clone());
    let restored = tokio::task::spawn_blocking(move || {
        backup::restore(&file, &data_dir, force, page_progress("restored"))
    })
    .await?
    .with_context(|| format!("restoring {}", from.display()))?;
    println!(
        "restored {} into {} (backup made {} by raasel {})",
        described(&restored.contents),
        store.data_dir.display(),
        restored.made_at,
        restored.made_by
    );
    if !restored.contents.token_secret {
        println!(
            "the backup holds no token secret: start the server with the --jwt-secret the backed-up one used"
        );
    }
    Ok(())
}

pub async fn create_organization(args: CreateOrganizationArgs) -> anyhow::Result<()> {
    let store = crate::store::open(&args.store).await?.store;
    let (org, admin) = Accounts::new(store)
        .create_organization(
            valid("name", input::name(Some(&args.name)))?,
            valid("domain", input::organization_domain(Some(&args.domain)))?,
            OrgSettings::default(),
            valid("admin name", input::name(Some(&args.admin_name)))?,
            valid("admin e-mail", input::email(Some(&args.admin_email)))?,
            valid(
                "admin password",
                input::password(Some(&args.admin_password)),
            )?,
        )
        .await?;
    println!(
        "organization {} ({}) created; admin {} ({})",
        org.domain, org.id, admin.email, admin.id
    );
    Ok(())
}

pub async fn create_agent(args: CreateAgentArgs) -> anyhow::Result<()> {
    let store = crate::store::open(&args.store).await?.store;
    let domain = valid("domain", input::domain(Some(&args.domain)))?;
    let org = store
        .organization_by_domain(&domain)
        .await?
        .with_context(|| format!("no organization with domain {domain}"))?;
    let role: Role = valid("role", input::one_of(Some(&args.role)))?;
    let agent = Accounts::new(store)
        .create_agent(
            org.id,
            valid("name", input::name(Some(&args.name)))?,
            valid("e-mail", input::email(Some(&args.email)))?,
            valid("password", input::password(Some(&args.password)))?,
            role,
            None,
        )
        .await?;
    println!(
        "agent {} ({}) created in {} as {}",
        agent.email, agent.id, org.domain, agent.role
    );
    Ok(())
}

/// Copies a PostgreSQL installation's messages into Cassandra, with progress on stderr and the
/// checked counts on stdout.
pub async fn move_messages_to_cassandra(args: StoreArgs) -> anyhow::Result<()> {
    let copied =
        crate::store::cassandra::copy::postgres_to_cassandra(&(&args).into(), |done, total| {
            tracing::info!("copied {done} of {total} messages")
        })
        .await
        .context("copying the messages to Cassandra")?;
    println!(
        "copied {} messages of {} conversations and {} idempotency keys; counts checked",
        copied.messages, copied.conversations, copied.keys
    );
    Ok(())
}

/// Moves the embedded store to PostgreSQL, holding the data directory so no server uses it
/// meanwhile, and reports progress on stderr and the counts on stdout.
pub async fn move_to_postgres(args: MoveArgs) -> anyhow::Result<()> {
    let _lock = crate::store::sqlite::DataDirLock::acquire(&args.from)?;
    let counts = crate::store::transfer::embedded_to_postgres(&args.from, &args.to, |step| {
        tracing::info!("moving {step}")
    })
    .await
    .context("moving the installation")?;
    println!(
        "moved {} organizations, {} agents, {} clients, {} sessions, {} messages, {} read marks, \
         {} labels, {} canned replies, {} contacts, {} mentions; counts checked",
        counts.organizations,
        counts.agents,
        counts.clients,
        counts.sessions,
        counts.messages,
        counts.read_states,
        counts.labels,
        counts.canned_replies,
        counts.contacts,
        counts.mentions
    );
    Ok(())
}
