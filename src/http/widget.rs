//! `/api/widget`: anonymous (or verified) website visitors of one organization.

use axum::extract::State;
use axum::http::StatusCode;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use utoipa::ToSchema;

use super::clients::ClientAuthBody;
use super::extract::{ClientIp, Json};
use crate::app::App;
use crate::auth;
use crate::domain::input;
use crate::domain::model::{Client, Organization};
use crate::domain::{ClientId, OrgId};
use crate::error::{ApiError, ApiResult};
use crate::parse_fields;
use crate::store::StoreError;

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

/// Whether `hash` is the organization's signature of `external_id` (compared in constant time).
fn identity_verified(secret: &str, external_id: &str, hash: &str) -> bool {
    let Ok(given) = hex::decode(hash.trim()) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(external_id.as_bytes());
    mac.verify_slice(&given).is_ok()
}

async fn find_org(app: &App, id: Option<OrgId>, domain: Option<&str>) -> ApiResult<Organization> {
    let org = match (id, domain) {
        (Some(id), _) => app.store.organization(id).await?,
        (None, Some(d)) => {
            app.store
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

/// A website visitor of one organization: a client token scoped to it.
#[utoipa::path(post, path = "/api/widget/visitors", tag = "widget", operation_id = "create_visitor",
    request_body = VisitorInput,
    responses((status = 201, body = ClientAuthBody), (status = 401), (status = 404), (status = 429)))]
pub async fn create_visitor(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Json(body): Json<VisitorInput>,
) -> ApiResult<(StatusCode, axum::Json<ClientAuthBody>)> {
    app.limits.auth_ip(ip).await?;
    parse_fields!(
        name = "name" => input::optional_name(body.name.as_deref()),
        email = "email" => input::optional_email(body.email.as_deref()),
        external_id = "external_id" => body.external_id.as_deref().map(|e| input::text(e, 200)).transpose(),
    );
    let org = find_org(&app, body.organization_id, body.domain.as_deref()).await?;
    // An external id is only trusted when the organization can sign it.
    let verified_id = match (&external_id, &org.settings.widget_identity_secret) {
        (Some(ext), Some(secret)) => {
            let hash = body.identity_hash.as_deref().unwrap_or_default();
            if !identity_verified(secret, ext, hash) {
                return Err(ApiError::Unauthorized(
                    "the visitor's identity could not be verified".into(),
                ));
            }
            Some(ext.clone())
        }
        _ => None,
    };
    if let Some(ext) = &verified_id
        && let Some(existing) = app.store.visitor_by_external_id(org.id, ext).await?
    {
        let token = auth::client_token(&app.tokens, &existing);
        return Ok((
            StatusCode::CREATED,
            axum::Json(ClientAuthBody {
                token,
                client: existing,
            }),
        ));
    }
    let client = Client {
        id: ClientId::new(),
        username: None,
        email,
        name,
        organization_id: Some(org.id),
        external_id: verified_id,
        created_at: crate::domain::model::now(),
        token_version: 0,
    };
    let client = match (
        app.store.insert_client(&client, None).await,
        &client.external_id,
    ) {
        (Ok(()), _) => client,
        // The same verified visitor arriving in another tab at the same moment.
        (Err(StoreError::Conflict(_)), Some(ext)) => app
            .store
            .visitor_by_external_id(org.id, ext)
            .await?
            .ok_or_else(|| ApiError::Conflict("this visitor is being created; retry".into()))?,
        (Err(e), _) => return Err(e.into()),
    };
    let token = auth::client_token(&app.tokens, &client);
    Ok((
        StatusCode::CREATED,
        axum::Json(ClientAuthBody { token, client }),
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn identity_hash_is_hmac_sha256_hex() {
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"s3cret").unwrap();
        mac.update(b"user-42");
        let good = hex::encode(mac.finalize().into_bytes());
        assert!(super::identity_verified("s3cret", "user-42", &good));
        assert!(!super::identity_verified("s3cret", "user-43", &good));
        assert!(!super::identity_verified("s3cret", "user-42", "zz"));
    }
}
