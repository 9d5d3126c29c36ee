//! Demo data for `raasel serve --demo`: the organization `sample.com` with two agents and a
//! customer account. Seeding is skipped when `sample.com` already exists.

use anyhow::Context;

use crate::domain::model::{OrgSettings, Role};
use crate::state::App;

pub const DEMO_DOMAIN: &str = "sample.com";
pub const DEMO_PASSWORD: &str = "password123";

pub async fn seed(app: &App) -> anyhow::Result<()> {
    if app.chat.organization_by_domain(DEMO_DOMAIN).await.is_ok() {
        return Ok(());
    }
    let settings = OrgSettings {
        welcome_message: "Hi! Welcome to Sample. How can we help?".into(),
        ..OrgSettings::default()
    };
    let created = app
        .accounts
        .create_organization(
            "Sample Inc.".into(),
            DEMO_DOMAIN.into(),
            settings,
            "John Smith".into(),
            "john@sample.com".into(),
            DEMO_PASSWORD.into(),
        )
        .await;
    let (org, _) = match created {
        // Another node of a cluster seeded it at the same moment.
        Err(crate::error::ApiError::Conflict(_)) => return Ok(()),
        other => other.context("seeding demo data")?,
    };
    app.accounts
        .create_agent(
            org.id,
            "Jane Doe".into(),
            "jane@sample.com".into(),
            DEMO_PASSWORD.into(),
            Role::Agent,
            None,
        )
        .await
        .context("seeding demo data")?;
    app.accounts
        .register_client(
            "alice".into(),
            "alice@example.com".into(),
            DEMO_PASSWORD.into(),
        )
        .await
        .context("seeding demo data")?;
    tracing::info!("demo data seeded");
    Ok(())
}
