//! The REST API (SPEC §4): one file per resource, one router.

mod agents;
mod clients;
pub mod error;
pub mod extract;
mod openapi;
mod ops;
mod organizations;
mod sessions;
pub mod web;
mod widget;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::routing::{get, post, put};
use tower_http::cors::{AllowOrigin, Any, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::app::App;
use crate::error::ApiError;

/// Largest JSON body accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub fn router(app: App) -> Router {
    let widget_cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION]);
    // Reached from the sites that embed the widget.
    let widget_routes = Router::new()
        .route("/widget/visitors", post(widget::create_visitor))
        .route(
            "/organizations/discover/{domain}",
            get(organizations::discover),
        )
        .layer(widget_cors);
    let api = Router::new()
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
        .route("/sessions/{id}/assign", put(sessions::assign))
        .route("/sessions/{id}/status", put(sessions::set_status))
        .route("/sessions/{id}/close", put(sessions::close))
        .route("/openapi.json", get(ops::openapi))
        .layer(api_cors(&app.config.cors_origins))
        .merge(widget_routes)
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

/// Request bodies everywhere (the API and Socket.IO long-polling): a declared length over the
/// limit is refused before any of it is read, and a body must arrive within the body timeout.
pub fn guard_bodies(router: Router, body_timeout: std::time::Duration) -> Router {
    router
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            body_timeout,
        ))
        .layer(axum::middleware::from_fn(refuse_oversized))
}

async fn refuse_oversized(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return axum::response::IntoResponse::into_response(ApiError::PayloadTooLarge);
    }
    next.run(req).await
}

/// CORS for the API from the configured allow-list; none when the list is empty (the console
/// and customer app are served from the same origin).
fn api_cors(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim()).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
}
