//! Accounts: creating organizations, agents and customers from already-validated input,
//! logins, password checks and widget visitors; shared by the API, the admin commands and the
//! demo seed.

use crate::auth;
use crate::domain::model::{Agent, AgentStatus, Client, OrgSettings, Organization, Role};
use crate::domain::{AgentId, ClientId, OrgId};
use crate::error::{ApiError, ApiResult};
use std::sync::Arc;

use crate::domain::api_tokens::{self, ApiToken};
use crate::domain::permissions::{self, Identity, Signups};
use crate::store::{Store, StoreError};

/// The accounts service: what the API and the socket layer may do with accounts, over the
/// store they never hold themselves.
#[derive(Clone)]
pub struct Accounts {
    store: Arc<dyn Store>,
    /// Where API tokens and agents' devices are kept (none: no token is taken).
    sign_ins: Option<SignIns>,
}

#[derive(Clone)]
struct SignIns {
    api_tokens: Arc<dyn crate::store::Hooks>,
    devices: Arc<dyn crate::store::Devices>,
}

impl Accounts {
    /// Accounts for commands that create them and take no token.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Accounts {
            store,
            sign_ins: None,
        }
    }

    /// Accounts that take sign-in tokens (checked against agents' devices) and the
    /// organizations' API tokens.
    pub fn serving(
        store: Arc<dyn Store>,
        api_tokens: Arc<dyn crate::store::Hooks>,
        devices: Arc<dyn crate::store::Devices>,
    ) -> Self {
        Accounts {
            store,
            sign_ins: Some(SignIns {
                api_tokens,
                devices,
            }),
        }
    }

    fn sign_ins(&self) -> ApiResult<&SignIns> {
        self.sign_ins.as_ref().ok_or_else(ApiError::unauthorized)
    }

    /// Verifies a bearer token and loads the account it names (revoked tokens are refused).
    pub async fn authenticate(&self, tokens: &auth::Tokens, token: &str) -> ApiResult<Identity> {
        self.verify(tokens, token).await.map(|v| v.identity)
    }

    /// Like `authenticate`, also telling when the token expires and its device.
    pub async fn verify(&self, tokens: &auth::Tokens, token: &str) -> ApiResult<auth::Verified> {
        self.verify_for(tokens, token, false).await
    }

    /// The caller opening a socket: as `verify`, and an API token needs the
    /// read_conversations scope.
    pub async fn verify_socket(
        &self,
        tokens: &auth::Tokens,
        token: &str,
    ) -> ApiResult<auth::Verified> {
        self.verify_for(tokens, token, true).await
    }

    async fn verify_for(
        &self,
        tokens: &auth::Tokens,
        token: &str,
        socket: bool,
    ) -> ApiResult<auth::Verified> {
        if token.starts_with(api_tokens::PREFIX) {
            // API tokens do not expire; revoking one closes its sockets at their next event.
            let t = self.api_token(token).await?;
            if socket && !t.scopes.contains(&api_tokens::Scope::ReadConversations) {
                return Err(ApiError::Forbidden(
                    "a socket needs a token with the read_conversations scope".into(),
                ));
            }
            return Ok(auth::Verified {
                identity: Identity::Agent(t.as_agent()),
                expires_at: i64::MAX / 2,
                device: None,
            });
        }
        let devices = self.sign_ins()?.devices.as_ref();
        auth::authenticate(tokens, self.store.as_ref(), devices, token).await
    }

    /// The API token a bearer names, unless unknown or revoked (its use is recorded).
    pub async fn api_token(&self, token: &str) -> ApiResult<ApiToken> {
        let hooks = &self.sign_ins()?.api_tokens;
        let found = hooks
            .api_token_by_hash(&api_tokens::hash(token))
            .await?
            .ok_or_else(|| {
                tracing::info!(target: "security", "an unknown or revoked API token was refused");
                ApiError::unauthorized()
            })?;
        hooks
            .touch_api_token(found.id, crate::domain::model::now())
            .await?;
        Ok(found)
    }

    /// The caller of an open socket as of now: agents are reloaded so that role changes,
    /// deletion and revoked tokens (the same version rule as `authenticate`) take effect on
    /// open sockets too.
    pub async fn current(&self, who: &Identity, token_version: i64) -> ApiResult<Identity> {
        match who {
            Identity::Agent(a) => {
                if let Some(fresh) = self.store.agent(a.organization_id, a.id).await? {
                    return match auth::token_current(fresh.token_version, token_version) {
                        true => Ok(Identity::Agent(fresh)),
                        false => Err(ApiError::unauthorized()),
                    };
                }
                // An API token acting as an agent: still there, not revoked.
                self.sign_ins()?
                    .api_tokens
                    .api_token(a.id.0)
                    .await?
                    .map(|t| Identity::Agent(t.as_agent()))
                    .ok_or_else(ApiError::unauthorized)
            }
            client => Ok(client.clone()),
        }
    }

    /// Whether the installation takes a sign-up from this caller (`--signups`).
    pub fn may_sign_up(&self, policy: Signups, is_operator: bool) -> ApiResult<()> {
        permissions::can_sign_up(policy, is_operator)
            .map_err(|_| ApiError::Forbidden("this installation does not take sign-ups".into()))
    }

    /// An organization and its first admin, created together.
    pub async fn create_organization(
        &self,
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
        self.store.create_organization(&org, &admin, &hash).await?;
        tracing::info!(org = %org.id, domain = %org.domain, "organization created");
        Ok((org, admin))
    }

    /// An agent of an existing organization.
    pub async fn create_agent(
        &self,
        org: OrgId,
        name: String,
        email: String,
        password: String,
        role: Role,
        capacity: Option<u32>,
    ) -> ApiResult<Agent> {
        let agent = new_agent(org, name, email, role, capacity);
        let hash = auth::hash_password(password).await?;
        self.store.insert_agent(&agent, &hash).await?;
        Ok(agent)
    }

    /// A registered customer of the customer app.
    pub async fn register_client(
        &self,
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
        self.store.insert_client(&client, Some(&hash)).await?;
        Ok(client)
    }

    /// An agent's login: the e-mail may exist in several organizations, and the password picks
    /// among them; when it fits several, the caller must name the organization. Unknown accounts
    /// and wrong passwords take the same work and give the same answer.
    pub async fn agent_login(
        &self,
        email: &str,
        password: String,
        choice: OrgChoice,
    ) -> ApiResult<Agent> {
        let wanted = match choice {
            OrgChoice::Any => None,
            OrgChoice::Id(id) => Some(id),
            OrgChoice::Domain(d) => match self
                .store
                .organization_by_domain(&d.trim().to_lowercase())
                .await?
            {
                Some(org) => Some(org.id),
                None => {
                    auth::verify_password_or_dummy(password, None).await?;
                    tracing::info!(%email, "agent login failed: unknown organization");
                    return Err(ApiError::wrong_credentials());
                }
            },
        };
        let accounts: Vec<_> = self
            .store
            .agent_logins(email)
            .await?
            .into_iter()
            .filter(|(a, _)| wanted.is_none_or(|o| a.organization_id == o))
            .collect();
        if accounts.is_empty() {
            auth::verify_password_or_dummy(password.clone(), None).await?;
        }
        // The hashes run side by side, so an e-mail in several organizations answers about as
        // fast as one in a single organization (or none) while hashing slots are free.
        let checks = accounts
            .iter()
            .map(|(_, hash)| auth::verify_password(password.clone(), hash.clone()));
        let verdicts = futures_util::future::try_join_all(checks).await?;
        let mut matching: Vec<Agent> = accounts
            .into_iter()
            .zip(verdicts)
            .filter_map(|((agent, _), ok)| ok.then_some(agent))
            .collect();
        match matching.len() {
            0 => {
                tracing::info!(%email, "agent login failed");
                Err(ApiError::wrong_credentials())
            }
            1 => Ok(matching.remove(0)),
            _ => Err(ApiError::field(
                "organization_id",
                "this account exists in several organizations; give organization_id or domain",
            )),
        }
    }

    /// A registered client's login; unknown e-mails and wrong passwords look alike.
    pub async fn client_login(&self, email: &str, password: String) -> ApiResult<Client> {
        let found = self.store.client_login(email).await?;
        let hash = found.as_ref().map(|(_, h)| h.clone());
        let ok = auth::verify_password_or_dummy(password, hash).await?;
        match found {
            Some((client, _)) if ok => Ok(client),
            _ => {
                tracing::info!(%email, "customer login failed");
                Err(ApiError::wrong_credentials())
            }
        }
    }

    /// Checks an agent's current password before they change it.
    pub async fn check_current_password(&self, agent: &Agent, current: String) -> ApiResult<()> {
        let hash = self
            .store
            .agent_password_hash(agent.organization_id, agent.id)
            .await?;
        if auth::verify_password_or_dummy(current, hash).await? {
            return Ok(());
        }
        tracing::info!(agent = %agent.id, "password change refused: wrong current password");
        Err(ApiError::field("current_password", "is incorrect"))
    }

    /// The organization a widget names by id or domain.
    pub async fn widget_organization(
        &self,
        id: Option<OrgId>,
        domain: Option<&str>,
    ) -> ApiResult<Organization> {
        let org = match (id, domain) {
            (Some(id), _) => self.store.organization(id).await?,
            (None, Some(d)) => {
                self.store
                    .organization_by_domain(&d.trim().to_lowercase())
                    .await?
            }
            (None, None) => {
                return Err(ApiError::field(
                    "organization_id",
                    "organization_id or domain is required",
                ));
            }
        };
        org.ok_or_else(|| ApiError::not_found("organization"))
    }

    /// A visitor of the organization. An external id is trusted only when the organization signs
    /// it (`widget_identity_secret`); verified visitors with one external id share one record, also
    /// when two tabs arrive at the same moment.
    pub async fn visitor(&self, org: &Organization, v: VisitorDetails) -> ApiResult<Client> {
        let verified_id = match (&v.external_id, &org.settings.widget_identity_secret) {
            (Some(ext), Some(secret)) => {
                let hash = v.identity_hash.as_deref().unwrap_or_default();
                if !crate::domain::visitors::identity_verified(secret, ext, hash) {
                    return Err(ApiError::Unauthorized(
                        "the visitor's identity could not be verified".into(),
                    ));
                }
                Some(ext.clone())
            }
            _ => None,
        };
        if let Some(ext) = &verified_id
            && let Some(existing) = self.store.visitor_by_external_id(org.id, ext).await?
        {
            return Ok(existing);
        }
        let client = Client {
            id: ClientId::new(),
            username: None,
            email: v.email,
            name: v.name,
            organization_id: Some(org.id),
            external_id: verified_id,
            created_at: crate::domain::model::now(),
            token_version: 0,
        };
        match (
            self.store.insert_client(&client, None).await,
            &client.external_id,
        ) {
            (Ok(()), _) => Ok(client),
            (Err(StoreError::Conflict(_)), Some(ext)) => self
                .store
                .visitor_by_external_id(org.id, ext)
                .await?
                .ok_or_else(|| ApiError::Conflict("this visitor is being created; retry".into())),
            (Err(e), _) => Err(e.into()),
        }
    }
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

/// How a login names the organization, when the e-mail is in several.
pub enum OrgChoice {
    Any,
    Id(OrgId),
    Domain(String),
}

/// What a website visitor tells about themselves.
pub struct VisitorDetails {
    pub name: Option<String>,
    pub email: Option<String>,
    pub external_id: Option<String>,
    pub identity_hash: Option<String>,
}
