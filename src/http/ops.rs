//! Operations: liveness, readiness, Prometheus metrics, and the OpenAPI and AsyncAPI documents.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tracing::Instrument;

use crate::state::App;

/// Liveness: answers without touching anything.
pub async fn health() -> axum::Json<serde_json::Value> {
    axum::Json(json!({ "status": "ok" }))
}

/// Readiness: the store accepts writes and the server is not shutting down. In a cluster, an
/// unreachable Redis is reported as degraded (200: the node still serves its own sockets and
/// stores everything; fan-out between nodes waits for Redis).
pub async fn ready(State(app): State<App>) -> Response {
    if app.draining.load(std::sync::atomic::Ordering::SeqCst) {
        return unavailable(json!({ "status": "draining" }));
    }
    if let Err(e) = app.chat.store_accepts_writes().await {
        tracing::warn!(error = %format_args!("{e:#}"), "store not ready");
        return unavailable(json!({ "status": "unavailable", "store": "unreachable" }));
    }
    let mut body = json!({ "status": "ready", "store": app.store_name });
    if let Some(cluster) = &app.cluster {
        let redis_ok = cluster.ping().await;
        body["redis"] = json!(if redis_ok { "ok" } else { "unreachable" });
        if !redis_ok {
            body["status"] = json!("degraded");
        }
    }
    axum::Json(body).into_response()
}

fn unavailable(body: serde_json::Value) -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response()
}

/// Prometheus metrics; behind `--metrics-token` when one is set.
pub async fn metrics(State(app): State<App>, headers: axum::http::HeaderMap) -> Response {
    if let Some(expected) = app
        .config
        .metrics_token
        .as_deref()
        .filter(|t| !t.is_empty())
    {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if !given.is_some_and(|g| crate::auth::same_secret(g, expected)) {
            return crate::error::ApiError::unauthorized().into_response();
        }
    }
    let queue = app.chat.waiting_sessions().await.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "counting waiting sessions for metrics");
        0
    });
    let online = app.chat.presence.online_count().await.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "counting online agents for metrics");
        0
    });
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        crate::telemetry::metrics::render(&app.metrics, queue, online),
    )
        .into_response()
}

pub async fn openapi() -> axum::Json<serde_json::Value> {
    axum::Json(super::openapi::document())
}

/// The AsyncAPI document of the Socket.IO protocol, naming the host the client used.
pub async fn asyncapi(headers: axum::http::HeaderMap) -> axum::Json<serde_json::Value> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost:8080");
    axum::Json(crate::realtime::asyncapi::document(host))
}

/// Routes probed by machines, logged at debug so they do not drown the log.
const QUIET_ROUTES: &[&str] = &["/health", "/ready", "/metrics"];

/// One span per request (method, route, status, latency, and who: organization and user, filled
/// in by the identity extractors), a log line when it is answered, and the HTTP metrics with
/// labels from fixed sets.
pub async fn track(req: Request, next: Next) -> Response {
    let route = route_label(&req);
    let method = crate::telemetry::metrics::method_label(req.method());
    let span = tracing::info_span!(
        "request",
        method,
        route = %route,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
        org = tracing::field::Empty,
        user = tracing::field::Empty,
        ip = tracing::field::Empty,
    );
    let started = std::time::Instant::now();
    let res = next.run(req).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let status = res.status().as_u16();
    span.record("status", status);
    span.record("latency_ms", (elapsed.as_secs_f64() * 1e6).round() / 1e3);
    span.in_scope(|| {
        if status >= 500 {
            tracing::error!("request failed");
        } else if QUIET_ROUTES.contains(&route.as_str()) {
            tracing::debug!("request");
        } else {
            tracing::info!("request");
        }
    });
    metrics::histogram!("raasel_http_request_duration_seconds", "method" => method, "route" => route.clone())
        .record(elapsed.as_secs_f64());
    metrics::counter!("raasel_http_requests_total", "method" => method, "route" => route, "status" => status.to_string()).increment(1);
    res
}

/// The matched route template; otherwise one of a few fixed names, never the raw path.
fn route_label(req: &Request) -> String {
    if let Some(p) = req.extensions().get::<MatchedPath>() {
        return p.as_str().to_owned();
    }
    let path = req.uri().path();
    let name = if path.starts_with("/api/") {
        "unmatched"
    } else if path.starts_with("/socket.io") {
        "/socket.io/"
    } else {
        "web"
    };
    name.to_owned()
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockInput {
    /// The time to move to; the clock never goes back.
    #[schema(value_type = String, format = DateTime, required = true)]
    now: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ClockBody {
    #[schema(value_type = String, format = DateTime)]
    now: chrono::DateTime<chrono::Utc>,
}

/// Moves the product's clock forward (the platform operator, on a server started with
/// `--manual-clock`; 404 otherwise), so tests see business hours and waits without waiting.
#[utoipa::path(put, path = "/api/operator/clock", tag = "operator", operation_id = "set_clock",
    request_body = ClockInput, security(("operator" = [])),
    responses((status = 200, body = ClockBody), (status = 404)))]
pub async fn set_clock(
    State(app): State<App>,
    _: super::extract::Operator,
    super::extract::Json(body): super::extract::Json<ClockInput>,
) -> crate::error::ApiResult<axum::Json<ClockBody>> {
    if !app.config.manual_clock {
        return Err(crate::error::ApiError::not_found("route"));
    }
    let to = body
        .now
        .ok_or_else(|| crate::error::ApiError::field("now", "is required"))?;
    let now = crate::domain::clock::advance_to(to);
    tracing::warn!(%now, "the product's clock was moved");
    // What depends on the time is looked at again at once, as if the time had passed.
    app.chat.run_due().await?;
    app.chat.outbox_wake.notify_one();
    app.chat.webhook_wake.notify_one();
    Ok(axum::Json(ClockBody { now }))
}
