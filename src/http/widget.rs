//! `/api/widget`: anonymous (or verified) website visitors of one organization.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use serde::Deserialize;
use utoipa::ToSchema;

use super::clients::ClientAuthBody;
use super::extract::{ClientIp, Json};
use crate::domain::OrgId;
use crate::domain::input;
use crate::domain::model::Organization;
use crate::error::{ApiError, ApiResult};
use crate::state::App;
use crate::{accounts, auth, parse_fields};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitorInput {
    /// This or `domain` is required.
    organization_id: Option<OrgId>,
    domain: Option<String>,
    /// 1 to 100 characters after trimming.
    #[schema(min_length = 1)]
    name: Option<String>,
    #[schema(format = Email)]
    email: Option<String>,
    /// The site's own id for a signed-in user; trusted only with a valid `identity_hash`.
    external_id: Option<String>,
    /// hex(HMAC-SHA256(widget_identity_secret, external_id)).
    identity_hash: Option<String>,
}

/// A website visitor of one organization: a client token scoped to it.
#[utoipa::path(post, path = "/api/widget/visitors", tag = "widget", operation_id = "create_visitor",
    request_body = VisitorInput,
    responses((status = 201, body = ClientAuthBody), (status = 401), (status = 403), (status = 404), (status = 429)))]
pub async fn create_visitor(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Json(body): Json<VisitorInput>,
) -> ApiResult<(StatusCode, axum::Json<ClientAuthBody>)> {
    app.limits.auth_ip(ip).await?;
    parse_fields!(
        name = "name" => input::optional_name(body.name.as_deref()),
        email = "email" => input::optional_email(body.email.as_deref()),
        external_id = "external_id" => body.external_id.as_deref().map(input::external_id).transpose(),
    );
    let org = app
        .accounts
        .widget_organization(body.organization_id, body.domain.as_deref())
        .await?;
    refuse_foreign_site(&org, &headers)?;
    let details = accounts::VisitorDetails {
        name,
        email,
        external_id,
        identity_hash: body.identity_hash,
    };
    let client = app.accounts.visitor(&org, details).await?;
    let token = auth::client_token(&app.tokens, &client);
    Ok((
        StatusCode::CREATED,
        axum::Json(ClientAuthBody { token, client }),
    ))
}

/// A page of another site calling the widget API itself: refused unless the organization
/// lists that site (or lists none). The widget's own window calls from this server's origin.
fn refuse_foreign_site(org: &Organization, headers: &HeaderMap) -> ApiResult<()> {
    let allowed = &org.settings.allowed_origins;
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let own = host.is_some_and(|h| {
        origin
            .split_once("://")
            .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(h))
    });
    if own || crate::domain::origins::allows(allowed, origin) {
        return Ok(());
    }
    tracing::warn!(target: "security", org = %org.id, origin, "widget request from a site the organization does not allow");
    Err(ApiError::Forbidden(
        "this site may not embed this organization's chat".into(),
    ))
}
