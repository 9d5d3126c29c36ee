//! Operations: liveness, readiness, Prometheus metrics, and the OpenAPI and AsyncAPI documents.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use utoipa::OpenApi;

use crate::app::App;

/// Liveness: answers without touching anything.
pub async fn health() -> axum::Json<serde_json::Value> {
    axum::Json(json!({ "status": "ok" }))
}

/// Readiness: the store answers.
pub async fn ready(State(app): State<App>) -> Response {
    match app.store.ping().await {
        Ok(()) => axum::Json(json!({ "status": "ready", "store": "ok" })).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "store not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(json!({ "status": "unavailable", "store": "unreachable" })),
            )
                .into_response()
        }
    }
}

pub async fn metrics(State(app): State<App>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        app.metrics.render(),
    )
}

pub async fn openapi() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(super::openapi::ApiDoc::openapi())
}

/// The AsyncAPI document of the Socket.IO protocol, naming the host the client used.
pub async fn asyncapi(headers: axum::http::HeaderMap) -> axum::Json<serde_json::Value> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost:8080");
    axum::Json(crate::realtime::asyncapi::document(host))
}

/// Counts requests and their latency by route template and status.
pub async fn track(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let started = std::time::Instant::now();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    metrics::histogram!("raasel_http_request_duration_seconds", "method" => method.clone(), "route" => route.clone(), "status" => status.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!("raasel_http_requests_total", "method" => method, "route" => route, "status" => status).increment(1);
    res
}
