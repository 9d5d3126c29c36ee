//! `/api/clients`: customer accounts of the Raasel customer app.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{ClientCaller, ClientIp, Json};
use crate::auth;
use crate::domain::input;
use crate::domain::model::Client;
use crate::error::ApiResult;
use crate::parse_fields;
use crate::state::App;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterInput {
    /// 3 to 30 letters, digits or underscores (after trimming).
    #[schema(value_type = String, required = true, min_length = 3)]
    username: Option<String>,
    #[schema(value_type = String, required = true, format = Email)]
    email: Option<String>,
    #[schema(value_type = String, required = true, min_length = 8, max_length = 256)]
    password: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientLoginInput {
    #[schema(value_type = String, required = true, format = Email)]
    email: Option<String>,
    #[schema(value_type = String, required = true)]
    password: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ClientAuthBody {
    pub token: String,
    pub client: Client,
}

#[derive(Serialize, ToSchema)]
pub struct ClientBody {
    client: Client,
}

/// Registers a customer of the customer app.
#[utoipa::path(post, path = "/api/clients/register", tag = "clients", operation_id = "register_client",
    request_body = RegisterInput,
    responses((status = 201, body = ClientAuthBody), (status = 409), (status = 429)))]
pub async fn register(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Json(body): Json<RegisterInput>,
) -> ApiResult<(StatusCode, axum::Json<ClientAuthBody>)> {
    app.limits.auth_ip(ip).await?;
    parse_fields!(
        username = "username" => input::username(body.username.as_deref()),
        email = "email" => input::email(body.email.as_deref()),
        password = "password" => input::password(body.password.as_deref()),
    );
    let client = app
        .accounts
        .register_client(username, email, password)
        .await?;
    let token = auth::client_token(&app.tokens, &client);
    Ok((
        StatusCode::CREATED,
        axum::Json(ClientAuthBody { token, client }),
    ))
}

/// Logs a customer in.
#[utoipa::path(post, path = "/api/clients/login", tag = "clients", operation_id = "log_in_client",
    request_body = ClientLoginInput,
    responses((status = 200, body = ClientAuthBody), (status = 401), (status = 429)))]
pub async fn login(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Json(body): Json<ClientLoginInput>,
) -> ApiResult<axum::Json<ClientAuthBody>> {
    app.limits.auth_ip(ip).await?;
    parse_fields!(
        email = "email" => input::email(body.email.as_deref()),
        password = "password" => body.password.clone().ok_or_else(|| "is required".to_string()),
    );
    app.limits.auth_account(&email).await?;
    let client = app.accounts.client_login(&email, password).await?;
    tracing::info!(client = %client.id, %ip, "customer logged in");
    let token = auth::client_token(&app.tokens, &client);
    Ok(axum::Json(ClientAuthBody { token, client }))
}

/// The signed-in customer or visitor.
#[utoipa::path(get, path = "/api/clients/me", tag = "clients", operation_id = "get_me",
    security(("bearer" = [])), responses((status = 200, body = ClientBody)))]
pub async fn me(ClientCaller(client): ClientCaller) -> axum::Json<ClientBody> {
    axum::Json(ClientBody { client })
}
