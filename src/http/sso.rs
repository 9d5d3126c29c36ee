//! Single sign-on over HTTP: `/api/sso` for admins (their organization's identity provider),
//! and the two legs of an agent's sign-in: `/api/sso/start` sends the browser to the provider,
//! `/api/sso/callback` takes it back, sets the refresh cookie of a new device and opens the
//! console, which trades the cookie for its first access token. A refused sign-in returns to
//! the console's sign-in page with `?sso_error=<code>`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::extract::{Admin, ClientIp, Json, Query, UserAgent};
use crate::chat::{Chat, SsoChange, SsoFinished};
use crate::domain::input;
use crate::domain::model::Role;
use crate::domain::sso::{self, Refusal, SsoSettings};
use crate::domain::{AgentId, OrgId};
use crate::error::{ApiError, ApiResult};
use crate::parse_fields;
use crate::state::App;

/// Where the provider sends the browser back.
const CALLBACK_PATH: &str = "/api/sso/callback";

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SsoInput {
    /// The provider's issuer (`https://…`; its discovery document is read when saving).
    #[schema(value_type = String, required = true, max_length = 512)]
    issuer: Option<String>,
    #[schema(value_type = String, required = true, max_length = 255)]
    client_id: Option<String>,
    /// Required the first time; left out, the saved one is kept. Never shown again.
    #[schema(max_length = 1024)]
    client_secret: Option<String>,
    /// The sign-in button says "Sign in with <label>" (default "single sign-on").
    #[schema(max_length = 40)]
    label: Option<String>,
    /// E-mail domains whose users may sign in (1 to 50).
    #[schema(value_type = Vec<String>, required = true)]
    allowed_domains: Option<Vec<String>>,
    /// Whether a user of an allowed domain without an agent becomes one (default: refused).
    #[serde(default)]
    create_agents: bool,
    /// Whether password sign-in is off but for the break-glass admin (default false).
    #[serde(default)]
    required: bool,
    /// An admin who may still sign in with a password; required with `required`.
    break_glass_agent_id: Option<AgentId>,
}

#[derive(Serialize, ToSchema)]
pub struct SsoBody {
    /// `null` when the organization has no provider.
    provider: Option<SsoSettings>,
    /// The address to register at the provider as the redirect URI.
    redirect_uri: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChoicesQuery {
    /// The e-mail the agent typed.
    email: Option<String>,
}

/// An organization an agent may sign in to through its provider.
#[derive(Serialize, ToSchema)]
pub struct SsoChoice {
    organization_id: OrgId,
    organization_name: String,
    /// The button says "Sign in with <label>".
    label: String,
}

#[derive(Serialize, ToSchema)]
pub struct SsoChoicesBody {
    providers: Vec<SsoChoice>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StartQuery {
    /// The organization, by id…
    organization_id: Option<OrgId>,
    /// …or by its domain.
    domain: Option<String>,
    /// The e-mail the agent typed, passed on to the provider.
    login_hint: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    /// The provider's refusal (e.g. `access_denied`).
    error: Option<String>,
    error_description: Option<String>,
    /// The issuer (RFC 9207), when the provider sends it: it must be the organization's.
    iss: Option<String>,
}

/// The organization's identity provider (admins), and the redirect URI to register there.
#[utoipa::path(get, path = "/api/sso", tag = "organizations", operation_id = "get_sso",
    security(("bearer" = [])), responses((status = 200, body = SsoBody)))]
pub async fn get(
    State(app): State<App>,
    Admin(admin): Admin,
    headers: HeaderMap,
) -> ApiResult<axum::Json<SsoBody>> {
    let provider = app.chat.sso_provider(&admin).await?;
    Ok(axum::Json(SsoBody {
        provider: provider.as_ref().map(SsoSettings::of),
        redirect_uri: callback_uri(&app, &headers),
    }))
}

/// Sets the organization's identity provider (admins); its discovery document is read first,
/// so a wrong issuer is refused at once.
#[utoipa::path(put, path = "/api/sso", tag = "organizations", operation_id = "set_sso",
    request_body = SsoInput, security(("bearer" = [])),
    responses((status = 200, body = SsoBody), (status = 400)))]
pub async fn put(
    State(app): State<App>,
    Admin(admin): Admin,
    headers: HeaderMap,
    Json(body): Json<SsoInput>,
) -> ApiResult<axum::Json<SsoBody>> {
    let allow_http = app.oidc.allows_http();
    parse_fields!(
        issuer = "issuer" => sso::issuer(body.issuer.as_deref(), allow_http),
        client_id = "client_id" => sso::client_id(body.client_id.as_deref()),
        client_secret = "client_secret" => sso::client_secret(body.client_secret.as_deref()),
        label = "label" => sso::label(body.label.as_deref()),
        allowed_domains = "allowed_domains" => sso::allowed_domains(body.allowed_domains.as_deref()),
    );
    let change = SsoChange {
        issuer,
        client_id,
        client_secret,
        label,
        allowed_domains,
        create_agents: body.create_agents,
        required: body.required,
        break_glass_agent_id: body.break_glass_agent_id,
    };
    let provider = app.chat.save_sso(&admin, change, &app.oidc).await?;
    Ok(axum::Json(SsoBody {
        provider: Some(SsoSettings::of(&provider)),
        redirect_uri: callback_uri(&app, &headers),
    }))
}

/// Removes the organization's identity provider (admins): password sign-in works again.
#[utoipa::path(delete, path = "/api/sso", tag = "organizations", operation_id = "remove_sso",
    security(("bearer" = [])), responses((status = 204), (status = 404)))]
pub async fn remove(State(app): State<App>, Admin(admin): Admin) -> ApiResult<StatusCode> {
    app.chat.remove_sso(&admin).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The organizations whose identity provider signs in users of the e-mail's domain (the
/// console's sign-in page shows their buttons); counted by the per-address sign-in limit.
#[utoipa::path(get, path = "/api/sso/providers", tag = "agents", operation_id = "sso_providers",
    params(ChoicesQuery), responses((status = 200, body = SsoChoicesBody), (status = 400),
        (status = 429)))]
pub async fn choices(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Query(q): Query<ChoicesQuery>,
) -> ApiResult<axum::Json<SsoChoicesBody>> {
    app.limits.auth_ip(ip).await?;
    parse_fields!(email = "email" => input::email(q.email.as_deref()));
    let providers = app
        .chat
        .sso_choices(&email)
        .await?
        .into_iter()
        .map(|(org, label)| SsoChoice {
            organization_id: org.id,
            organization_name: org.name,
            label,
        })
        .collect();
    Ok(axum::Json(SsoChoicesBody { providers }))
}

/// Starts an agent's sign-in through the organization's provider: redirects the browser there
/// (or back to the console's sign-in page with `sso_error`).
#[utoipa::path(get, path = "/api/sso/start", tag = "agents", operation_id = "start_sso",
    params(StartQuery), responses((status = 303, description = "To the provider, or back to the console with sso_error"),
        (status = 429)))]
pub async fn start(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Query(q): Query<StartQuery>,
) -> Response {
    if let Err(e) = app.limits.auth_ip(ip).await {
        return e.into_response();
    }
    let org = match organization(&app, &q).await {
        Ok(org) => org,
        Err(refusal) => return refused(&refusal, ip),
    };
    let hint = q
        .login_hint
        .as_deref()
        .and_then(|h| input::email(Some(h)).ok());
    let redirect_uri = callback_uri(&app, &headers);
    match app
        .chat
        .sso_start(
            org,
            hint.as_deref(),
            &redirect_uri,
            &app.oidc,
            app.config.sso_pending_sign_ins,
        )
        .await
    {
        Ok(url) => Redirect::to(&url).into_response(),
        Err(refusal) => refused(&refusal, ip),
    }
}

async fn organization(app: &App, q: &StartQuery) -> Result<OrgId, Refusal> {
    if let Some(id) = q.organization_id {
        return Ok(id);
    }
    let domain = q.domain.as_deref().map(|d| d.trim().to_lowercase());
    let Some(d) = domain.filter(|d| !d.is_empty()) else {
        return Err(Refusal::NotConfigured);
    };
    match app.chat.organization_by_domain(&d).await {
        Ok(o) => Ok(o.id),
        Err(ApiError::NotFound(_)) => Err(Refusal::NotConfigured),
        Err(e) => Err(Refusal::Unavailable(e.to_string())),
    }
}

/// Where the provider sends the agent back: checks the sign-in, signs the agent in on a new
/// device (its refresh cookie set) and opens the console.
#[utoipa::path(get, path = "/api/sso/callback", tag = "agents", operation_id = "finish_sso",
    params(CallbackQuery), responses((status = 303, description = "To the console, signed in or with sso_error"),
        (status = 429)))]
pub async fn callback(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    UserAgent(ua): UserAgent,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Response {
    if let Err(e) = app.limits.auth_ip(ip).await {
        return e.into_response();
    }
    let (code, state) = match (&q.error, &q.code, &q.state) {
        (Some(error), _, _) => {
            let said = q.error_description.as_deref().unwrap_or_default();
            return refused(&Refusal::ProviderRefused(format!("{error} {said}")), ip);
        }
        (None, Some(code), Some(state)) => (code, state),
        _ => return refused(&Refusal::InvalidState, ip),
    };
    let redirect_uri = callback_uri(&app, &headers);
    let finished = match app
        .chat
        .sso_finish(state, code, q.iss.as_deref(), &redirect_uri, &app.oidc)
        .await
    {
        Ok(finished) => finished,
        Err(refusal) => return refused(&refusal, ip),
    };
    match sign_in(&app, finished, ip, ua.as_deref()).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

/// The agent of a finished sign-in (created when the organization creates agents), signed in
/// on a new device.
async fn sign_in(
    app: &App,
    finished: SsoFinished,
    ip: std::net::IpAddr,
    ua: Option<&str>,
) -> ApiResult<Response> {
    let agent = match finished {
        SsoFinished::Agent(agent) => agent,
        SsoFinished::Create { org, email, name } => {
            let name = input::name(Some(&name)).unwrap_or_else(|_| "Agent".into());
            let agent = app
                .accounts
                .create_agent(org, name, email, sso::random_token(), Role::Agent, None)
                .await?;
            let details =
                json!({ "name": agent.name, "email": agent.email, "by": "single sign-on" });
            app.chat
                .audit(
                    org,
                    Chat::actor(&agent),
                    "agent.created",
                    Some(agent.id.to_string()),
                    details,
                    Some(ip.to_string()),
                )
                .await;
            agent
        }
    };
    tracing::info!(agent = %agent.id, org = %agent.organization_id, %ip, "agent signed in through single sign-on");
    app.chat
        .audit(
            agent.organization_id,
            Chat::actor(&agent),
            "agent.login",
            Some(agent.id.to_string()),
            json!({ "method": "sso" }),
            Some(ip.to_string()),
        )
        .await;
    let (_, cookie) = super::devices::new_sign_in(app, &agent, ip, ua).await?;
    Ok((cookie, Redirect::to("/console/?sso=signed_in")).into_response())
}

/// Back to the console's sign-in page, saying why; logged as a security event.
fn refused(refusal: &Refusal, ip: std::net::IpAddr) -> Response {
    tracing::warn!(target: "security", code = refusal.code(), reason = %refusal, %ip, "single sign-on refused");
    Redirect::to(&format!("/console/?sso_error={}", refusal.code())).into_response()
}

/// The redirect URI: `--public-url`'s, else this request's host.
fn callback_uri(app: &App, headers: &HeaderMap) -> String {
    if let Some(public) = &app.config.public_url {
        return format!("{}{CALLBACK_PATH}", public.trim_end_matches('/'));
    }
    let scheme = match app.config.tls_cert {
        Some(_) => "https",
        None => "http",
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("{scheme}://{host}{CALLBACK_PATH}")
}
