//! The REST API (SPEC §4): one file per resource, one router.

mod agents;
mod api_tokens;
mod attachments;
mod audit;
mod clients;
mod deadline;
mod devices;
pub mod error;
pub mod extract;
mod followup;
mod openapi;
mod ops;
mod organizations;
mod reports;
mod second_factor;
mod sessions;
mod sso;
pub mod web;
mod webhooks;
mod widget;
mod workspace;

use std::collections::HashSet;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::routing::{delete, get, post, put};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::ApiError;
use crate::state::App;

/// Largest JSON body accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub fn router(app: App) -> Router {
    let api = Router::new()
        .route("/widget/visitors", post(widget::create_visitor))
        .route(
            "/organizations/discover/{domain}",
            get(organizations::discover),
        )
        .route(
            "/organizations",
            get(organizations::list).post(organizations::signup),
        )
        .route("/organizations/directory", get(organizations::directory))
        .route(
            "/organizations/{id}",
            get(organizations::get_one)
                .put(organizations::update)
                .delete(organizations::delete),
        )
        .route("/agents/login", post(agents::login))
        .route("/agents", post(agents::create))
        .route("/agents/organization/{organization_id}", get(agents::list))
        .route(
            "/agents/organization/{organization_id}/available",
            get(agents::available),
        )
        .route(
            "/agents/{id}",
            get(agents::get_one)
                .put(agents::update)
                .delete(agents::delete),
        )
        .route(
            "/agents/second-factor",
            post(second_factor::start).put(second_factor::enable),
        )
        .route(
            "/agents/{id}/second-factor",
            get(second_factor::status).delete(second_factor::remove),
        )
        .route(
            "/agents/{id}/devices",
            get(devices::list).delete(devices::end_all),
        )
        .route("/agents/devices/{id}", delete(devices::end))
        .route("/agents/logout", post(devices::log_out))
        .route("/agents/refresh", post(devices::refresh))
        .route("/sso", get(sso::get).put(sso::put).delete(sso::remove))
        .route("/sso/providers", get(sso::choices))
        .route("/sso/start", get(sso::start))
        .route("/sso/callback", get(sso::callback))
        .route("/agents/{id}/password", put(agents::change_password))
        .route("/agents/{id}/status", put(agents::set_status))
        .route("/agents/{id}/sessions", get(agents::sessions))
        .route("/clients/register", post(clients::register))
        .route("/clients/login", post(clients::login))
        .route("/clients/me", get(clients::me))
        .route("/sessions", get(sessions::mine).post(sessions::open))
        .route(
            "/sessions/organization/{organization_id}",
            get(sessions::of_org),
        )
        .route(
            "/sessions/organization/{organization_id}/active",
            get(sessions::active_of_org),
        )
        .route(
            "/sessions/organization/{organization_id}/waiting",
            get(sessions::waiting_of_org),
        )
        .route("/sessions/{id}", get(sessions::get_one))
        .route(
            "/sessions/{id}/messages",
            get(sessions::messages).post(sessions::send),
        )
        .route(
            "/sessions/{id}/attachments",
            get(attachments::list)
                .post(attachments::upload)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/attachments/usage", get(attachments::usage))
        .route("/attachments/{id}/link", get(attachments::link))
        .route(
            "/attachments/{id}",
            axum::routing::delete(attachments::remove),
        )
        .route("/files/{id}", get(attachments::download))
        .route("/sessions/{id}/assign", put(sessions::assign))
        .route("/sessions/{id}/status", put(sessions::set_status))
        .route("/sessions/{id}/close", put(sessions::close))
        .route("/sessions/{id}/reopen", put(sessions::reopen))
        .route("/sessions/{id}/labels", put(sessions::set_labels))
        .route("/sessions/{id}/priority", put(sessions::set_priority))
        .route("/sessions/{id}/context", get(sessions::context))
        .route(
            "/sessions/{id}/snooze",
            put(sessions::snooze).delete(sessions::wake),
        )
        .route(
            "/labels",
            get(workspace::labels).post(workspace::create_label),
        )
        .route(
            "/labels/{id}",
            put(workspace::update_label).delete(workspace::delete_label),
        )
        .route(
            "/canned-replies",
            get(workspace::canned_replies).post(workspace::create_canned_reply),
        )
        .route(
            "/canned-replies/{id}",
            put(workspace::update_canned_reply).delete(workspace::delete_canned_reply),
        )
        .route(
            "/contacts/{id}",
            get(workspace::contact)
                .put(workspace::update_contact)
                .delete(workspace::erase_contact),
        )
        .route("/contacts/{id}/export", get(workspace::export_contact))
        .route("/mentions", get(workspace::mentions))
        .route("/mentions/read", put(workspace::read_mentions))
        .route("/search", get(workspace::search))
        .route("/teams", get(workspace::teams).post(workspace::create_team))
        .route(
            "/teams/{id}",
            put(workspace::update_team).delete(workspace::delete_team),
        )
        .route("/sessions/{id}/team", put(sessions::move_to_team))
        .route("/sessions/{id}/email", put(followup::leave_email))
        .route("/sessions/{id}/rating", post(followup::rate))
        .route("/sessions/{id}/transcript", post(followup::transcript))
        .route("/audit", get(audit::entries))
        .route(
            "/api-tokens",
            get(api_tokens::list).post(api_tokens::create),
        )
        .route(
            "/api-tokens/{id}",
            axum::routing::delete(api_tokens::revoke),
        )
        .route("/reports", get(reports::report))
        .route("/reports/csv", get(reports::csv))
        .route("/webhooks", get(webhooks::list).post(webhooks::create))
        .route(
            "/webhooks/{id}",
            put(webhooks::update).delete(webhooks::delete),
        )
        .route("/webhooks/{id}/deliveries", get(webhooks::deliveries))
        .route(
            "/webhooks/deliveries/{id}/redeliver",
            post(webhooks::redeliver),
        )
        .route("/email-links/redeem", post(followup::redeem))
        .route("/email-links/rating", post(followup::rate_by_link))
        .route(
            "/email-links/unsubscribe",
            get(followup::unsubscribe_page).post(followup::unsubscribe),
        )
        .route("/operator/clock", put(ops::set_clock))
        .route("/openapi.json", get(ops::openapi))
        .route("/asyncapi.json", get(ops::asyncapi))
        .route_layer(axum::middleware::from_fn_with_state(
            app.clone(),
            api_tokens::scopes,
        ))
        .fallback(|| async { ApiError::not_found("route") });
    let mut root = Router::new()
        .nest("/api", api)
        .route("/health", get(ops::health))
        .route("/ready", get(ops::ready));
    if app.config.metrics_listen.is_none() {
        root = root.route("/metrics", get(ops::metrics));
    }
    root.fallback(web::serve)
        .layer(axum::middleware::from_fn(ops::track))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("no-referrer"),
        ))
        .with_state(app)
}

/// The router of the separate metrics address (`--metrics-listen`).
pub fn metrics_router(app: App) -> Router {
    Router::new()
        .route("/metrics", get(ops::metrics))
        .route("/health", get(ops::health))
        .with_state(app)
}

/// Bodies of file uploads: the largest file plus room for the form around it, and the upload
/// time limit (the upload's own limit, checked as the file arrives, answers first).
#[derive(Debug, Clone, Copy)]
pub struct UploadBodies {
    pub max_file_bytes: u64,
    pub timeout: std::time::Duration,
}

/// Room for a multipart form's boundaries and part headers around the file.
const FORM_OVERHEAD: u64 = 16 * 1024;

/// Whether a request is a file upload (`POST /api/sessions/{id}/attachments`).
fn is_upload(req: &axum::extract::Request) -> bool {
    let path = req.uri().path();
    req.method() == Method::POST
        && path.starts_with("/api/sessions/")
        && path.ends_with("/attachments")
}

/// Request bodies everywhere (the API and Socket.IO long-polling): a declared length over the
/// limit is refused before any of it is read, and a whole body must arrive within the body
/// timeout; uploads have limits of their own.
pub fn guard_bodies(
    router: Router,
    body_timeout: std::time::Duration,
    uploads: UploadBodies,
) -> Router {
    let upload_deadline = uploads.timeout + std::time::Duration::from_secs(5);
    router
        .layer(axum::middleware::map_request(
            move |req: axum::extract::Request| async move {
                let limit = match is_upload(&req) {
                    true => upload_deadline,
                    false => body_timeout,
                };
                req.map(|body| deadline::Deadline::wrap(body, limit))
            },
        ))
        .layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| async move {
                let (limit, refusal) = match is_upload(&req) {
                    true => (
                        uploads.max_file_bytes + FORM_OVERHEAD,
                        ApiError::FileTooLarge(format!(
                            "files may be at most {}",
                            crate::domain::attachments::human_size(uploads.max_file_bytes)
                        )),
                    ),
                    false => (MAX_BODY_BYTES as u64, ApiError::PayloadTooLarge),
                };
                let declared = req
                    .headers()
                    .get(header::CONTENT_LENGTH)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok());
                if declared.is_some_and(|n| n > limit) {
                    return axum::response::IntoResponse::into_response(refusal);
                }
                next.run(req).await
            },
        ))
}

/// The layers around everything, the Socket.IO endpoint included: error answers in the API's
/// JSON shape, then CORS.
pub fn edge(router: Router, cors_origins: &[String]) -> Router {
    router
        .layer(axum::middleware::from_fn(error::json_errors))
        .layer(axum::middleware::from_fn(never_stored))
        .layer(cors(cors_origins))
}

/// Answers of the API, Socket.IO and the operations routes carry tokens, messages and other
/// private data: no browser or proxy cache may keep them (`Cache-Control: no-store`, unless
/// the route chose otherwise).
async fn never_stored(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = req.uri().path();
    let private = ["/api/", "/socket.io/", "/health", "/ready", "/metrics"]
        .iter()
        .any(|p| path.starts_with(p));
    let mut res = next.run(req).await;
    if private {
        res.headers_mut()
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
    res
}

/// Who may read an answer from a page of another origin.
#[derive(Debug, PartialEq, Eq)]
enum CorsScope {
    /// Public data read by the widget loader on any site, and the API documents.
    AnyOrigin,
    /// The rest of the API and the Socket.IO endpoint (long-polling is plain HTTP).
    AllowList,
    /// Web pages: same-origin only.
    None,
}

fn cors_scope(path: &str) -> CorsScope {
    if path.starts_with("/api/organizations/discover/")
        || path == "/api/openapi.json"
        || path == "/api/asyncapi.json"
    {
        CorsScope::AnyOrigin
    } else if path.starts_with("/api/") || path.starts_with("/socket.io/") {
        CorsScope::AllowList
    } else {
        CorsScope::None
    }
}

/// CORS by path: the public routes for any origin, the API and Socket.IO for the configured
/// origins only (none by default: the console, customer app and widget window are served from
/// this origin), web pages for none. Tokens travel in headers, never cookies, so no credentials.
pub fn cors(origins: &[String]) -> CorsLayer {
    let allowed: HashSet<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim()).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(
            move |origin, parts| match cors_scope(parts.uri.path()) {
                CorsScope::AnyOrigin => true,
                CorsScope::AllowList => allowed.contains(origin),
                CorsScope::None => false,
            },
        ))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
        .expose_headers([header::RETRY_AFTER, header::ALLOW])
        .max_age(Duration::from_secs(600))
}

#[cfg(test)]
mod tests {
    use super::{CorsScope, cors_scope};

    #[test]
    fn only_public_reads_are_open_to_any_origin() {
        assert_eq!(
            cors_scope("/api/organizations/discover/sample.com"),
            CorsScope::AnyOrigin
        );
        assert_eq!(cors_scope("/api/widget/visitors"), CorsScope::AllowList);
        assert_eq!(cors_scope("/api/organizations/x"), CorsScope::AllowList);
        assert_eq!(cors_scope("/socket.io/"), CorsScope::AllowList);
        assert_eq!(cors_scope("/console/"), CorsScope::None);
    }
}
