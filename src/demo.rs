//! Demo data for `raasel serve --demo`: the organization `sample.com` with two agents and a
//! customer account. Seeding is skipped when `sample.com` already exists.

use anyhow::Context;

use crate::accounts;
use crate::app::App;
use crate::domain::model::{OrgSettings, Role};

pub const DEMO_DOMAIN: &str = "sample.com";
pub const DEMO_PASSWORD: &str = "password123";

pub async fn seed(app: &App) -> anyhow::Result<()> {
    let store = app.store.as_ref();
    if store.organization_by_domain(DEMO_DOMAIN).await?.is_some() {
        return Ok(());
    }
    let settings = OrgSettings {
        welcome_message: "Hi! Welcome to Sample. How can we help?".into(),
        ..OrgSettings::default()
    };
    let (org, _) = accounts::create_organization(
        store,
        "Sample Inc.".into(),
        DEMO_DOMAIN.into(),
        settings,
        "John Smith".into(),
        "john@sample.com".into(),
        DEMO_PASSWORD.into(),
    )
    .await
    .context("seeding demo data")?;
    accounts::create_agent(
        store,
        org.id,
        "Jane Doe".into(),
        "jane@sample.com".into(),
        DEMO_PASSWORD.into(),
        Role::Agent,
        None,
    )
    .await
    .context("seeding demo data")?;
    accounts::register_client(
        store,
        "alice".into(),
        "alice@example.com".into(),
        DEMO_PASSWORD.into(),
    )
    .await
    .context("seeding demo data")?;
    tracing::info!("demo data seeded");
    Ok(())
}
