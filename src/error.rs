//! The one error type of the API. Its codes are stable and shared by HTTP bodies and socket acks.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

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
    /// The password was right; the agent's second factor is asked for (`code`).
    #[error("enter the code of your authenticator app (or a recovery code)")]
    SecondFactorRequired,
    /// The password was right; the organization requires a second factor the agent has not
    /// set up yet.
    #[error("your organization requires a second factor: set one up to sign in")]
    SecondFactorSetupRequired,
    /// The password was right; the organization signs in with its identity provider only.
    #[error("your organization signs in with {0}: use its button on the sign-in page")]
    SsoRequired(String),
    #[error("the request body is too large")]
    PayloadTooLarge,
    /// A file over the organization's or the operator's limit.
    #[error("{0}")]
    FileTooLarge(String),
    /// The organization's files would pass its storage quota.
    #[error("{0}")]
    QuotaExceeded(String),
    /// A file whose content is not of a type the organization accepts.
    #[error("{0}")]
    UnsupportedType(String),
    /// An upload that did not arrive whole in time.
    #[error("the upload did not arrive within {0} s; try again on a faster connection")]
    UploadTimedOut(u64),
    #[error("too many requests; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// A route that exists, asked with a method it does not answer (`Allow` lists those it does).
    #[error("this route does not answer {0}; the Allow header lists the methods it answers")]
    MethodNotAllowed(String),
    /// A socket event that is not part of the protocol.
    #[error("this event is not part of the protocol")]
    UnknownEvent,
    #[error("something went wrong on our side")]
    Internal(#[source] anyhow::Error),
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Parses several fields at once and returns `validation_failed` naming every bad one.
/// `parse_fields!(name = "name" => Name::parse(&b.name), ...)` binds `name` in the caller.
#[macro_export]
macro_rules! parse_fields {
    ($($var:ident = $field:literal => $parsed:expr),+ $(,)?) => {
        let mut field_errors = $crate::domain::input::FieldErrors::default();
        $( let $var = field_errors.take($field, $parsed); )+
        if !field_errors.is_empty() {
            return Err($crate::error::ApiError::invalid(field_errors).into());
        }
        $( let $var = $var.expect("every field parsed"); )+
    };
}

/// The stable snake_case codes clients switch on, one per kind of `ApiError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    ValidationFailed,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    SessionClosed,
    SecondFactorRequired,
    SecondFactorSetupRequired,
    SsoRequired,
    PayloadTooLarge,
    FileTooLarge,
    QuotaExceeded,
    UnsupportedType,
    UploadTimedOut,
    RateLimited,
    UnknownEvent,
    Internal,
}

/// Every error body, over HTTP and in socket acks and `error` events.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorCode,
    /// A sentence for people; never an internal cause or a password.
    pub message: String,
    /// For `validation_failed`: each bad field (dotted path) and its problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, String>>,
}

impl ErrorCode {
    /// The code as sent.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::Conflict => "conflict",
            ErrorCode::SessionClosed => "session_closed",
            ErrorCode::SecondFactorRequired => "second_factor_required",
            ErrorCode::SecondFactorSetupRequired => "second_factor_setup_required",
            ErrorCode::SsoRequired => "sso_required",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::FileTooLarge => "file_too_large",
            ErrorCode::QuotaExceeded => "quota_exceeded",
            ErrorCode::UnsupportedType => "unsupported_type",
            ErrorCode::UploadTimedOut => "upload_timed_out",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::UnknownEvent => "unknown_event",
            ErrorCode::Internal => "internal",
        }
    }
}

impl ApiError {
    /// The stable code clients switch on.
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::Validation { .. } => ErrorCode::ValidationFailed,
            ApiError::Unauthorized(_) => ErrorCode::Unauthorized,
            ApiError::Forbidden(_) => ErrorCode::Forbidden,
            ApiError::NotFound(_) => ErrorCode::NotFound,
            ApiError::MethodNotAllowed(_) => ErrorCode::MethodNotAllowed,
            ApiError::Conflict(_) => ErrorCode::Conflict,
            ApiError::SessionClosed => ErrorCode::SessionClosed,
            ApiError::SecondFactorRequired => ErrorCode::SecondFactorRequired,
            ApiError::SecondFactorSetupRequired => ErrorCode::SecondFactorSetupRequired,
            ApiError::SsoRequired(_) => ErrorCode::SsoRequired,
            ApiError::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            ApiError::FileTooLarge(_) => ErrorCode::FileTooLarge,
            ApiError::QuotaExceeded(_) => ErrorCode::QuotaExceeded,
            ApiError::UnsupportedType(_) => ErrorCode::UnsupportedType,
            ApiError::UploadTimedOut(_) => ErrorCode::UploadTimedOut,
            ApiError::RateLimited { .. } => ErrorCode::RateLimited,
            ApiError::UnknownEvent => ErrorCode::UnknownEvent,
            ApiError::Internal(_) => ErrorCode::Internal,
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
    pub fn body(&self) -> ErrorBody {
        let fields = match self {
            ApiError::Validation { fields, .. } if !fields.is_empty() => Some(fields.clone()),
            _ => None,
        };
        ErrorBody {
            error: self.code(),
            message: self.to_string(),
            fields,
        }
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

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn codes_are_sent_as_their_text() {
        for code in [
            ErrorCode::MethodNotAllowed,
            ErrorCode::UnknownEvent,
            ErrorCode::Internal,
        ] {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }
}
