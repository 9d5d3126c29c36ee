//! `/api/audit`: the organization's audit log (admins), newest first, filtered by action or
//! actor, paged with `before`.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{AgentCaller, Query};
use crate::domain::audit::AuditEntry;
use crate::error::{ApiError, ApiResult};
use crate::state::App;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this action, such as `agent.login_failed`.
    action: Option<String>,
    /// Only what this agent did.
    actor_id: Option<uuid::Uuid>,
    /// Entries before this instant (the `at` of the last one of the previous page).
    before: Option<String>,
    /// 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditBody {
    entries: Vec<AuditEntry>,
}

/// The organization's audit log (admins).
#[utoipa::path(get, path = "/api/audit", tag = "audit", operation_id = "audit_log",
    params(AuditQuery), security(("bearer" = [])), responses((status = 200, body = AuditBody)))]
pub async fn entries(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    Query(q): Query<AuditQuery>,
) -> ApiResult<axum::Json<AuditBody>> {
    let before = q
        .before
        .as_deref()
        .map(|b| {
            chrono::DateTime::parse_from_rfc3339(b)
                .map(|t| t.with_timezone(&chrono::Utc))
                .map_err(|_| {
                    ApiError::field("before", "must be a time such as 2030-01-07T09:00:00Z")
                })
        })
        .transpose()?;
    let limit = match q.limit {
        None => None,
        Some(n @ 1..=200) => Some(n as u32),
        Some(_) => return Err(ApiError::field("limit", "must be 1 to 200")),
    };
    let entries = app
        .chat
        .audit_entries(&me, q.action.as_deref(), q.actor_id, before, limit)
        .await?;
    Ok(axum::Json(AuditBody { entries }))
}
