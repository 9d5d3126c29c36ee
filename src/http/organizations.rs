//! `/api/organizations`: signup, public profiles, the directory, settings, deletion.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::devices::RefreshCookie;
use super::extract::{
    AgentCaller, AgentOrOperator, ClientIp, IsOperator, Json, MaybeCaller, Operator, PathId, Query,
    UserAgent,
};
use crate::domain::OrgId;
use crate::domain::hours::{self, BusinessHours};
use crate::domain::input;
use crate::domain::locales::{self, Locale, TextsByLocale};
use crate::domain::model::{Agent, OrgSettings, Organization, PublicOrganization};
use crate::domain::origins;
use crate::domain::permissions::{self, Identity, Steward};
use crate::domain::prechat::PrechatForm;
use crate::domain::ratings::RatingStyle;
use crate::error::{ApiError, ApiResult};
use crate::parse_fields;
use crate::state::App;

/// Settings as sent by an admin: every field optional; an empty identity secret removes it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsInput {
    #[schema(max_length = 1000)]
    welcome_message: Option<String>,
    #[schema(max_length = 1000)]
    offline_message: Option<String>,
    /// `#rgb` or `#rrggbb`.
    widget_color: Option<String>,
    #[schema(minimum = 1, maximum = 100)]
    max_concurrent_sessions: Option<i64>,
    /// Seconds after a close within which a customer's message reopens the conversation;
    /// 0 (default) starts a new one.
    #[schema(minimum = 0, maximum = 2592000)]
    reopen_window_secs: Option<i64>,
    /// Seconds without a message after which a conversation is closed; 0 (default) never.
    #[schema(minimum = 0, maximum = 2592000)]
    auto_resolve_after_secs: Option<i64>,
    /// Seconds a customer may wait for the assigned agent's answer before the conversation
    /// is offered to the next agent; 0 (default) never.
    #[schema(minimum = 0, maximum = 2592000)]
    answer_deadline_secs: Option<i64>,
    /// Customers choose a team before their first message.
    team_choice: Option<bool>,
    /// Supervisors see every conversation (default) or only their teams' and their own.
    supervisors_see_all: Option<bool>,
    /// When the organization answers (`time_zone`, `weekly` periods, `days_off`); outside
    /// them it is offline. `null` removes them (always open).
    #[schema(value_type = Option<BusinessHours>)]
    #[serde(default, deserialize_with = "super::extract::sent_as_is")]
    business_hours: Option<serde_json::Value>,
    /// 32 to 256 characters without spaces (for example 32 random bytes as 64 hex digits);
    /// an empty string removes it. Changing it revokes the verified visitors' tokens.
    #[schema(max_length = 256)]
    widget_identity_secret: Option<String>,
    /// Seconds after an agent's first unread reply that the unread replies go to the customer
    /// by e-mail; 0 never (default 300).
    #[schema(minimum = 0, maximum = 2592000)]
    email_after_secs: Option<i64>,
    /// How customers are asked to rate a closed conversation.
    rating_style: Option<RatingStyle>,
    /// What customers are asked before their first message; `null` asks nothing.
    #[schema(value_type = Option<PrechatForm>)]
    #[serde(default, deserialize_with = "super::extract::sent_as_is")]
    prechat: Option<serde_json::Value>,
    /// The sites allowed to embed the widget (`https://shop.example`, at most 20); empty:
    /// any site.
    allowed_origins: Option<Vec<String>>,
    /// The language customers are spoken to in when neither their browser nor the site
    /// chooses one the widget speaks.
    default_locale: Option<Locale>,
    /// Closed conversations older than this many days are deleted; 0 (default) keeps them.
    #[schema(minimum = 0, maximum = 3650)]
    retention_days: Option<i64>,
    /// Every agent signs in with a second factor; agents without one are signed out and set
    /// one up at their next sign-in. Only an admin with their own second factor on may turn it
    /// on.
    require_second_factor: Option<bool>,
    /// The files customers and agents may attach: `max_file_bytes` (1 byte to the operator's
    /// limit) and `types` (empty: no files).
    attachments: Option<FileSettingsInput>,
    /// The welcome and offline texts in other languages (replaces them all).
    #[schema(value_type = Option<Object>)]
    texts: Option<TextsByLocale>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileSettingsInput {
    #[schema(minimum = 1)]
    max_file_bytes: Option<i64>,
    types: Option<Vec<crate::domain::attachments::FileGroup>>,
}

impl SettingsInput {
    /// Applies the changes to `base`, or names every bad field; files may be at most
    /// `max_file_bytes` (the operator's limit).
    fn apply(self, mut base: OrgSettings, max_file_bytes: u64) -> ApiResult<OrgSettings> {
        let mut errors = input::FieldErrors::default();
        if let Some(files) = self.attachments {
            if let Some(v) = files.max_file_bytes {
                base.attachments.max_file_bytes = errors
                    .take(
                        "settings.attachments.max_file_bytes",
                        match u64::try_from(v) {
                            Ok(v @ 1..) if v <= max_file_bytes => Ok(v),
                            _ => Err(format!(
                                "must be 1 to {max_file_bytes} bytes (the operator's limit)"
                            )),
                        },
                    )
                    .unwrap_or(base.attachments.max_file_bytes);
            }
            if let Some(mut types) = files.types {
                types.sort_by_key(|t| {
                    crate::domain::attachments::FileGroup::ALL
                        .iter()
                        .position(|g| g == t)
                });
                types.dedup();
                base.attachments.types = types;
            }
        }
        if let Some(v) = self.welcome_message {
            base.welcome_message = errors
                .take("settings.welcome_message", input::setting_text(&v))
                .unwrap_or_default();
        }
        if let Some(v) = self.offline_message {
            base.offline_message = errors
                .take("settings.offline_message", input::setting_text(&v))
                .unwrap_or_default();
        }
        if let Some(v) = self.widget_color {
            base.widget_color = errors
                .take("settings.widget_color", input::color(&v))
                .unwrap_or_default();
        }
        if let Some(v) = self.max_concurrent_sessions {
            base.max_concurrent_sessions = errors
                .take("settings.max_concurrent_sessions", input::capacity(v))
                .unwrap_or_default();
        }
        for (field, sent, kept) in [
            (
                "reopen_window_secs",
                self.reopen_window_secs,
                &mut base.reopen_window_secs,
            ),
            (
                "auto_resolve_after_secs",
                self.auto_resolve_after_secs,
                &mut base.auto_resolve_after_secs,
            ),
            (
                "answer_deadline_secs",
                self.answer_deadline_secs,
                &mut base.answer_deadline_secs,
            ),
        ] {
            if let Some(v) = sent {
                let field = format!("settings.{field}");
                *kept = errors.take(&field, input::period_secs(v)).unwrap_or(*kept);
            }
        }
        if let Some(v) = self.require_second_factor {
            base.require_second_factor = v;
        }
        if let Some(v) = self.team_choice {
            base.team_choice = v;
        }
        if let Some(v) = self.supervisors_see_all {
            base.supervisors_see_all = v;
        }
        if let Some(v) = self.business_hours {
            base.business_hours = errors
                .take("settings.business_hours", hours::parse(v))
                .unwrap_or_default();
        }
        if let Some(v) = self.email_after_secs {
            base.email_after_secs = errors
                .take("settings.email_after_secs", input::period_secs(v))
                .unwrap_or(base.email_after_secs);
        }
        if let Some(v) = self.rating_style {
            base.rating_style = v;
        }
        if let Some(v) = self.prechat {
            base.prechat = errors
                .take("settings.prechat", prechat_form(v))
                .unwrap_or_default();
        }
        if let Some(v) = self.allowed_origins {
            base.allowed_origins = errors
                .take("settings.allowed_origins", origins::origins(&v))
                .unwrap_or_default();
        }
        if let Some(v) = self.retention_days {
            base.retention_days = errors
                .take(
                    "settings.retention_days",
                    match v {
                        0..=3650 => Ok(v as u32),
                        _ => Err("must be 0 (keep for ever) to 3650 days".to_string()),
                    },
                )
                .unwrap_or(base.retention_days);
        }
        if let Some(v) = self.default_locale {
            base.default_locale = v;
        }
        if let Some(v) = self.texts {
            base.texts = errors
                .take("settings.texts", locales::texts(v))
                .unwrap_or_default();
        }
        if let Some(v) = self.widget_identity_secret {
            base.widget_identity_secret = errors
                .take(
                    "settings.widget_identity_secret",
                    input::identity_secret(&v),
                )
                .unwrap_or_default();
        }
        if errors.is_empty() {
            Ok(base)
        } else {
            Err(ApiError::invalid(errors))
        }
    }
}

// Input structs read every field as `Option` so that one `validation_failed` names every
// missing or bad field; the schemas state what the handler requires.

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminInput {
    /// 1 to 100 characters after trimming.
    #[schema(value_type = String, required = true, min_length = 1)]
    name: Option<String>,
    #[schema(value_type = String, required = true, format = Email)]
    email: Option<String>,
    /// At least 8 characters.
    #[schema(value_type = String, required = true, min_length = 8, max_length = 256)]
    password: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupInput {
    /// 1 to 100 characters after trimming.
    #[schema(value_type = String, required = true, min_length = 1)]
    name: Option<String>,
    /// A host name such as `example.com`, unique among organizations.
    #[schema(value_type = String, required = true)]
    domain: Option<String>,
    settings: Option<SettingsInput>,
    #[schema(value_type = AdminInput, required = true)]
    admin: Option<AdminInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganizationInput {
    /// 1 to 100 characters after trimming.
    #[schema(min_length = 1)]
    name: Option<String>,
    domain: Option<String>,
    settings: Option<SettingsInput>,
}

/// An organization as its own agents see it: the public profile plus settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationDetail {
    #[serde(flatten)]
    pub profile: PublicOrganization,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settings: Option<OrgSettings>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct OrganizationBody {
    organization: OrganizationDetail,
}

#[derive(Serialize, ToSchema)]
pub struct PublicOrganizationBody {
    organization: PublicOrganization,
}

#[derive(Serialize, ToSchema)]
pub struct DirectoryBody {
    organizations: Vec<PublicOrganization>,
}

#[derive(Serialize, ToSchema)]
pub struct OrganizationsBody {
    organizations: Vec<Organization>,
}

#[derive(Serialize, ToSchema)]
pub struct SignupBody {
    organization: Organization,
    agent: Agent,
    token: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectoryQuery {
    /// Part of a name or domain; empty lists everyone.
    #[param(value_type = String, required = false)]
    q: Option<String>,
    /// 1 to 50, default 20.
    #[param(value_type = u32, minimum = 1, maximum = 50, required = false)]
    limit: Option<u32>,
}

/// What the caller may see of an organization: settings for its agents, the identity secret
/// for its admins only.
async fn detail(
    app: &App,
    org: Organization,
    viewer: Option<&Agent>,
) -> ApiResult<OrganizationDetail> {
    let profile = app.chat.public_profile(&org).await?;
    let settings = permissions::visible_settings(viewer, &org);
    Ok(OrganizationDetail {
        profile,
        settings,
        created_at: org.created_at,
        updated_at: org.updated_at,
    })
}

/// The public profile of the organization with this domain (read by the widget loader on any site).
#[utoipa::path(get, path = "/api/organizations/discover/{domain}", tag = "organizations",
    operation_id = "discover_organization",
    params(("domain" = String, Path, description = "e.g. sample.com")),
    responses((status = 200, body = PublicOrganizationBody)))]
pub async fn discover(
    State(app): State<App>,
    PathId(domain): PathId<String>,
) -> ApiResult<axum::Json<PublicOrganizationBody>> {
    let domain = input::domain(Some(&domain)).map_err(|_| ApiError::not_found("organization"))?;
    let org = app.chat.organization_by_domain(&domain).await?;
    Ok(axum::Json(PublicOrganizationBody {
        organization: app.chat.public_profile(&org).await?,
    }))
}

/// The directory: public profiles matching `q`, online ones first.
#[utoipa::path(get, path = "/api/organizations/directory", tag = "organizations",
    operation_id = "search_directory", params(DirectoryQuery),
    responses((status = 200, body = DirectoryBody)))]
pub async fn directory(
    State(app): State<App>,
    Query(q): Query<DirectoryQuery>,
) -> ApiResult<axum::Json<DirectoryBody>> {
    let limit = q.limit.unwrap_or(20);
    if !(1..=crate::chat::organizations::MAX_DIRECTORY).contains(&limit) {
        return Err(ApiError::field("limit", "must be between 1 and 50"));
    }
    let organizations = app
        .chat
        .directory(q.q.as_deref().unwrap_or(""), limit)
        .await?;
    Ok(axum::Json(DirectoryBody { organizations }))
}

/// An organization's profile; its agents also see its settings.
#[utoipa::path(get, path = "/api/organizations/{id}", tag = "organizations",
    operation_id = "get_organization", params(("id" = uuid::Uuid, Path)),
    security((), ("bearer" = [])), responses((status = 200, body = OrganizationBody)))]
pub async fn get_one(
    State(app): State<App>,
    PathId(id): PathId<OrgId>,
    MaybeCaller(caller): MaybeCaller,
) -> ApiResult<axum::Json<OrganizationBody>> {
    let org = app.chat.organization(id).await?;
    let viewer = match &caller {
        Some(Identity::Agent(a)) => Some(a),
        _ => None,
    };
    Ok(axum::Json(OrganizationBody {
        organization: detail(&app, org, viewer).await?,
    }))
}

/// Signs up an organization with its first admin (anyone, the operator only, or nobody, as
/// `--signups` says).
#[utoipa::path(post, path = "/api/organizations", tag = "organizations",
    operation_id = "sign_up_organization", request_body = SignupInput,
    security((), ("operator" = [])),
    responses((status = 201, body = SignupBody), (status = 403), (status = 409), (status = 429)))]
pub async fn signup(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    UserAgent(ua): UserAgent,
    IsOperator(operator): IsOperator,
    Json(body): Json<SignupInput>,
) -> ApiResult<(StatusCode, Option<RefreshCookie>, axum::Json<SignupBody>)> {
    app.accounts.may_sign_up(app.config.signups, operator)?;
    app.limits.auth_ip(ip).await?;
    let admin = body.admin.unwrap_or(AdminInput {
        name: None,
        email: None,
        password: None,
    });
    parse_fields!(
        name = "name" => input::name(body.name.as_deref()),
        domain = "domain" => input::organization_domain(body.domain.as_deref()),
        admin_name = "admin.name" => input::name(admin.name.as_deref()),
        admin_email = "admin.email" => input::email(admin.email.as_deref()),
        password = "admin.password" => input::password(admin.password.as_deref()),
    );
    let max_file_bytes = app.config.files.max_file_bytes;
    let mut defaults = OrgSettings::default();
    defaults.attachments.max_file_bytes = defaults.attachments.max_file_bytes.min(max_file_bytes);
    let settings = body
        .settings
        .unwrap_or_default()
        .apply(defaults, max_file_bytes)?;
    let (org, agent) = app
        .accounts
        .create_organization(name, domain, settings, admin_name, admin_email, password)
        .await?;
    let (token, cookie) = super::devices::new_sign_in(&app, &agent, ip, ua.as_deref()).await?;
    Ok((
        StatusCode::CREATED,
        cookie,
        axum::Json(SignupBody {
            organization: org,
            agent,
            token,
        }),
    ))
}

/// Changes name, domain and settings (admins of it).
#[utoipa::path(put, path = "/api/organizations/{id}", tag = "organizations",
    operation_id = "update_organization", params(("id" = uuid::Uuid, Path)),
    request_body = UpdateOrganizationInput, security(("bearer" = [])),
    responses((status = 200, body = OrganizationBody), (status = 409)))]
pub async fn update(
    State(app): State<App>,
    PathId(id): PathId<OrgId>,
    AgentCaller(admin): AgentCaller,
    ClientIp(ip): ClientIp,
    Json(body): Json<UpdateOrganizationInput>,
) -> ApiResult<axum::Json<OrganizationBody>> {
    let org = app.chat.administered_organization(&admin, id).await?;
    parse_fields!(
        name = "name" => body.name.as_deref().map_or(Ok(org.name.clone()), |n| input::name(Some(n))),
        domain = "domain" => body.domain.as_deref().map_or(Ok(org.domain.clone()), |d| input::organization_domain(Some(d))),
    );
    let settings = match body.settings {
        Some(s) => s.apply(org.settings.clone(), app.config.files.max_file_bytes)?,
        None => org.settings.clone(),
    };
    let updated = app
        .chat
        .update_organization(&admin, &org, name, domain, settings)
        .await?;
    let changed = changed_settings(&org, &updated);
    if !changed.as_object().is_some_and(|c| c.is_empty()) {
        let actor = crate::chat::Chat::actor(&admin);
        app.chat
            .audit(
                org.id,
                actor,
                "settings.updated",
                None,
                changed,
                Some(ip.to_string()),
            )
            .await;
    }
    Ok(axum::Json(OrganizationBody {
        organization: detail(&app, updated, Some(&admin)).await?,
    }))
}

/// Every organization (the platform operator).
#[utoipa::path(get, path = "/api/organizations", tag = "organizations",
    operation_id = "list_organizations", security(("operator" = [])),
    responses((status = 200, body = OrganizationsBody)))]
pub async fn list(State(app): State<App>, _: Operator) -> ApiResult<axum::Json<OrganizationsBody>> {
    Ok(axum::Json(OrganizationsBody {
        organizations: app
            .chat
            .organizations()
            .await?
            .into_iter()
            .map(Organization::without_secret)
            .collect(),
    }))
}

/// Deletes the organization with all its data (its admins, or the platform operator).
#[utoipa::path(delete, path = "/api/organizations/{id}", tag = "organizations",
    operation_id = "delete_organization", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = []), ("operator" = [])),
    responses((status = 204, description = "deleted")))]
pub async fn delete(
    State(app): State<App>,
    PathId(id): PathId<OrgId>,
    who: AgentOrOperator,
) -> ApiResult<StatusCode> {
    let who = match &who {
        AgentOrOperator::Agent(admin) => Steward::Agent(admin),
        AgentOrOperator::Operator => Steward::Operator,
    };
    app.chat.delete_organization(who, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A pre-chat form as sent: `null` for none, else checked whole.
fn prechat_form(v: serde_json::Value) -> input::Parsed<Option<PrechatForm>> {
    if v.is_null() {
        return Ok(None);
    }
    let form: PrechatForm =
        serde_json::from_value(v).map_err(|e| format!("must be a pre-chat form: {e}"))?;
    form.validate()?;
    Ok(Some(form))
}

/// What an update changed, for the audit log: each changed part with its new value, but only
/// the fact that the identity secret changed.
fn changed_settings(before: &Organization, after: &Organization) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    if before.name != after.name {
        out.insert("name".into(), after.name.clone().into());
    }
    if before.domain != after.domain {
        out.insert("domain".into(), after.domain.clone().into());
    }
    let (old, new) = (
        serde_json::to_value(&before.settings).unwrap_or_default(),
        serde_json::to_value(&after.settings).unwrap_or_default(),
    );
    for (key, value) in new.as_object().into_iter().flatten() {
        if old.get(key) != Some(value) {
            let shown = match key.as_str() {
                "widget_identity_secret" => "changed".into(),
                _ => value.clone(),
            };
            out.insert(format!("settings.{key}"), shown);
        }
    }
    if old.get("widget_identity_secret").is_some() && new.get("widget_identity_secret").is_none() {
        out.insert("settings.widget_identity_secret".into(), "removed".into());
    }
    serde_json::Value::Object(out)
}
