//! `/api/api-tokens`: the organization's API tokens (admins, with a sign-in: a token cannot
//! make tokens), and the rule that holds every API token to its scopes on every route.

use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::extract::{AgentCaller, ClientIp, Json, PathId};
use crate::chat::Chat;
use crate::domain::api_tokens::{self, ApiToken, Scope};
use crate::error::{ApiError, ApiResult};
use crate::parse_fields;
use crate::state::App;

/// Holds a request made with an API token to the scope its route needs: 403 for a route no
/// token may use or a scope the token lacks, 401 for an unknown or revoked token.
pub async fn scopes(
    State(app): State<App>,
    matched: Option<MatchedPath>,
    req: Request,
    next: Next,
) -> Response {
    let token = req
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| t.starts_with(api_tokens::PREFIX))
        .map(String::from);
    let Some(token) = token else {
        return next.run(req).await;
    };
    let path = matched.as_ref().map_or("", MatchedPath::as_str);
    let path = match path.starts_with("/api") {
        true => path.to_string(),
        false => format!("/api{path}"),
    };
    let known = match app.accounts.api_token(&token).await {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    match api_tokens::required(req.method().as_str(), &path) {
        Some(scope) if known.scopes.contains(&scope) => next.run(req).await,
        Some(scope) => ApiError::Forbidden(format!("this token lacks the {} scope", scope.name()))
            .into_response(),
        None => ApiError::Forbidden("API tokens cannot use this route".into()).into_response(),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenInput {
    /// 1 to 60 characters.
    #[schema(value_type = String, required = true, max_length = 60)]
    name: Option<String>,
    /// At least one.
    #[schema(value_type = Vec<Scope>, required = true)]
    scopes: Option<Vec<Scope>>,
}

#[derive(Serialize, ToSchema)]
pub struct TokensBody {
    tokens: Vec<ApiToken>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedTokenBody {
    token: ApiToken,
    /// The token itself (`rsl_…`), shown this once: send it as `Authorization: Bearer …`.
    secret: String,
}

/// The organization's API tokens (admins).
#[utoipa::path(get, path = "/api/api-tokens", tag = "api-tokens", operation_id = "list_api_tokens",
    security(("bearer" = [])), responses((status = 200, body = TokensBody)))]
pub async fn list(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
) -> ApiResult<axum::Json<TokensBody>> {
    Ok(axum::Json(TokensBody {
        tokens: app.chat.api_tokens(&me).await?,
    }))
}

/// Makes a token (admins; at most 20): its value is in this answer only.
#[utoipa::path(post, path = "/api/api-tokens", tag = "api-tokens", operation_id = "create_api_token",
    request_body = TokenInput, security(("bearer" = [])),
    responses((status = 201, body = CreatedTokenBody), (status = 409)))]
pub async fn create(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    ClientIp(ip): ClientIp,
    Json(body): Json<TokenInput>,
) -> ApiResult<(StatusCode, axum::Json<CreatedTokenBody>)> {
    parse_fields!(
        name = "name" => api_tokens::name(body.name.as_deref()),
        scopes = "scopes" => api_tokens::scopes(body.scopes.unwrap_or_default()),
    );
    let (token, secret) = app.chat.create_api_token(&me, name, scopes).await?;
    let details = json!({ "name": token.name, "scopes": token.scopes });
    app.chat
        .audit(
            me.organization_id,
            Chat::actor(&me),
            "token.created",
            Some(token.id.to_string()),
            details,
            Some(ip.to_string()),
        )
        .await;
    Ok((
        StatusCode::CREATED,
        axum::Json(CreatedTokenBody { token, secret }),
    ))
}

/// Revokes a token at once (admins).
#[utoipa::path(delete, path = "/api/api-tokens/{id}", tag = "api-tokens",
    operation_id = "revoke_api_token", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 204)))]
pub async fn revoke(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<uuid::Uuid>,
    ClientIp(ip): ClientIp,
) -> ApiResult<StatusCode> {
    app.chat.revoke_api_token(&me, id).await?;
    app.chat
        .audit(
            me.organization_id,
            Chat::actor(&me),
            "token.revoked",
            Some(id.to_string()),
            json!({}),
            Some(ip.to_string()),
        )
        .await;
    Ok(StatusCode::NO_CONTENT)
}
