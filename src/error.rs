//! The one error type of the API. Its codes are stable and shared by HTTP bodies and socket acks.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::domain::input::FieldErrors;
use crate::domain::permissions::Denied;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    Validation {
        message: String,
        fields: BTreeMap<String, String>,
    },
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("this conversation is closed; start a new one")]
    SessionClosed,
    #[error("the request body is too large")]
    PayloadTooLarge,
    #[error("too many requests; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("something went wrong on our side")]
    Internal(#[source] anyhow::Error),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// The stable snake_case code clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Validation { .. } => "validation_failed",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::Conflict(_) => "conflict",
            ApiError::SessionClosed => "session_closed",
            ApiError::PayloadTooLarge => "payload_too_large",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Internal(_) => "internal",
        }
    }

    pub fn invalid(fields: FieldErrors) -> Self {
        ApiError::Validation {
            message: "some fields are invalid".into(),
            fields: fields.0,
        }
    }

    /// A validation error on one field.
    pub fn field(field: &str, problem: impl Into<String>) -> Self {
        let mut fields = FieldErrors::default();
        fields.0.insert(field.into(), problem.into());
        Self::invalid(fields)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::Validation {
            message: message.into(),
            fields: BTreeMap::new(),
        }
    }

    pub fn unauthorized() -> Self {
        ApiError::Unauthorized("a valid token is required".into())
    }

    /// The one answer to a failed login, whatever was wrong.
    pub fn wrong_credentials() -> Self {
        ApiError::Unauthorized("wrong e-mail or password".into())
    }

    pub fn forbidden() -> Self {
        ApiError::Forbidden("you are not allowed to do this".into())
    }

    pub fn not_found(what: &str) -> Self {
        ApiError::NotFound(format!("{what} not found"))
    }

    /// The body sent to clients: never an internal cause.
    pub fn body(&self) -> Value {
        let mut body = json!({ "error": self.code(), "message": self.to_string() });
        if let ApiError::Validation { fields, .. } = self
            && !fields.is_empty()
        {
            body["fields"] = json!(fields);
        }
        body
    }

    /// Maps a permission denial, naming what was not found.
    pub fn denied(denied: Denied, what: &str) -> Self {
        match denied {
            Denied::NotFound => Self::not_found(what),
            Denied::Forbidden => Self::forbidden(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(msg) => ApiError::Conflict(msg.into()),
            StoreError::SessionNotFound => ApiError::not_found("session"),
            StoreError::AgentNotFound => ApiError::not_found("agent"),
            e @ StoreError::StoredElsewhere { .. } => ApiError::Internal(anyhow::Error::new(e)),
            StoreError::SessionClosed => ApiError::SessionClosed,
            StoreError::Other(e) => ApiError::Internal(e),
        }
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        ApiError::Internal(e)
    }
}

/// Turns a permission check into an `ApiError` naming the object.
pub trait AccessExt {
    fn or_deny(self, what: &str) -> ApiResult<()>;
}

impl AccessExt for Result<(), Denied> {
    fn or_deny(self, what: &str) -> ApiResult<()> {
        self.map_err(|d| ApiError::denied(d, what))
    }
}
