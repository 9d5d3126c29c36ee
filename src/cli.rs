//! The admin subcommands: migrate, create an organization, create an agent, move the
//! installation to PostgreSQL.

use anyhow::{Context, anyhow};

use crate::accounts::Accounts;
use crate::config::{CreateAgentArgs, CreateOrganizationArgs, MoveArgs, StoreArgs};
use crate::domain::input;
use crate::domain::model::{OrgSettings, Role};

fn valid<T>(field: &str, parsed: input::Parsed<T>) -> anyhow::Result<T> {
    parsed.map_err(|e| anyhow!("{field} {e}"))
}

pub async fn migrate(args: StoreArgs) -> anyhow::Result<()> {
    crate::store::open(&args).await?;
    println!("migrations applied");
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
        "moved {} organizations, {} agents, {} clients, {} sessions, {} messages, {} read marks; counts checked",
        counts.organizations,
        counts.agents,
        counts.clients,
        counts.sessions,
        counts.messages,
        counts.read_states
    );
    Ok(())
}
