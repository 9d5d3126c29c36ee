//! Creating organizations, agents and customers from already-validated input; shared by the
//! API, the admin commands and the demo seed.

use crate::auth;
use crate::domain::model::{Agent, AgentStatus, Client, OrgSettings, Organization, Role};
use crate::domain::{AgentId, ClientId, OrgId};
use crate::error::ApiResult;
use crate::store::Store;

/// An organization and its first admin, created together.
pub async fn create_organization(
    store: &dyn Store,
    name: String,
    domain: String,
    settings: OrgSettings,
    admin_name: String,
    admin_email: String,
    password: String,
) -> ApiResult<(Organization, Agent)> {
    let now = crate::domain::model::now();
    let org = Organization {
        id: OrgId::new(),
        name,
        domain,
        settings,
        created_at: now,
        updated_at: now,
    };
    let admin = new_agent(org.id, admin_name, admin_email, Role::Admin, None);
    let hash = auth::hash_password(password).await?;
    store.create_organization(&org, &admin, &hash).await?;
    tracing::info!(org = %org.id, domain = %org.domain, "organization created");
    Ok((org, admin))
}

fn new_agent(org: OrgId, name: String, email: String, role: Role, capacity: Option<u32>) -> Agent {
    let now = crate::domain::model::now();
    Agent {
        id: AgentId::new(),
        organization_id: org,
        name,
        email,
        role,
        status: AgentStatus::Active,
        online: false,
        max_concurrent_sessions: capacity,
        last_assigned_at: None,
        created_at: now,
        updated_at: now,
        token_version: 0,
    }
}

/// An agent of an existing organization.
pub async fn create_agent(
    store: &dyn Store,
    org: OrgId,
    name: String,
    email: String,
    password: String,
    role: Role,
    capacity: Option<u32>,
) -> ApiResult<Agent> {
    let agent = new_agent(org, name, email, role, capacity);
    let hash = auth::hash_password(password).await?;
    store.insert_agent(&agent, &hash).await?;
    Ok(agent)
}

/// A registered customer of the customer app.
pub async fn register_client(
    store: &dyn Store,
    username: String,
    email: String,
    password: String,
) -> ApiResult<Client> {
    let client = Client {
        id: ClientId::new(),
        username: Some(username),
        email: Some(email),
        name: None,
        organization_id: None,
        external_id: None,
        created_at: crate::domain::model::now(),
        token_version: 0,
    };
    let hash = auth::hash_password(password).await?;
    store.insert_client(&client, Some(&hash)).await?;
    Ok(client)
}
