//! `ApiError` as an HTTP response: one exhaustive mapping from code to status, and the
//! middleware that gives the answers the API does not write itself (the router's 405, the
//! Socket.IO transport's refusals) the same JSON shape.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Validation { .. } | ApiError::UnknownEvent => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) | ApiError::SecondFactorRequired => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_)
            | ApiError::SecondFactorSetupRequired
            | ApiError::SsoRequired(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) | ApiError::SessionClosed => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge | ApiError::FileTooLarge(_) | ApiError::QuotaExceeded(_) => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            ApiError::UnsupportedType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::UploadTimedOut(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            // One line with the whole chain of causes: "what failed: why".
            tracing::error!(error = %format_args!("{cause:#}"), "internal error");
        }
        let mut res = (self.status(), axum::Json(self.body())).into_response();
        if let ApiError::RateLimited { retry_after_secs } = self {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        res
    }
}

/// Paths whose every answer is JSON: the API and the Socket.IO endpoint.
fn speaks_json(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/") || path.starts_with("/socket.io")
}

/// Rewrites error answers that were not written as `ApiError` (an empty 405 of the router, the
/// Socket.IO transport's own error bodies) into `{error, message}` with the matching code.
/// Headers are kept; the router adds `Allow` to a 405 after this layer.
pub async fn json_errors(req: Request, next: Next) -> Response {
    if !speaks_json(req.uri().path()) {
        return next.run(req).await;
    }
    let method = req.method().clone();
    let res = next.run(req).await;
    if res.status().as_u16() < 400 {
        return res;
    }
    // Error bodies are small; anything unreadable is replaced.
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_ERROR_BODY)
        .await
        .unwrap_or_default();
    let parsed: Option<serde_json::Value> = serde_json::from_slice(&bytes).ok();
    if parsed
        .as_ref()
        .is_some_and(|v| v["error"].is_string() && v["message"].is_string())
    {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let message = parsed.and_then(|v| v["message"].as_str().map(str::to_owned));
    let mut rewritten = from_status(parts.status, &method, message).into_response();
    for (name, value) in &parts.headers {
        let ours = name == header::CONTENT_LENGTH || name == header::CONTENT_TYPE;
        if !ours && !rewritten.headers().contains_key(name) {
            rewritten.headers_mut().append(name, value.clone());
        }
    }
    rewritten
}

/// Largest error body read back; ours and the transport's are far smaller.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// The `ApiError` of an answer given by status only, keeping the transport's sentence (an
/// Engine.IO body is `{"code": "1", "message": "Session ID unknown"}`) if any.
fn from_status(status: StatusCode, method: &Method, message: Option<String>) -> ApiError {
    match status {
        StatusCode::UNAUTHORIZED => ApiError::unauthorized(),
        StatusCode::FORBIDDEN => ApiError::forbidden(),
        StatusCode::NOT_FOUND => ApiError::not_found("route"),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed(method.to_string()),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        StatusCode::TOO_MANY_REQUESTS => ApiError::RateLimited {
            retry_after_secs: 1,
        },
        s if s.is_client_error() => ApiError::bad_request(
            message.unwrap_or_else(|| "this request is not valid here".into()),
        ),
        _ => ApiError::Internal(anyhow::anyhow!(
            "{status} from a layer below the API: {}",
            message.unwrap_or_default()
        )),
    }
}
