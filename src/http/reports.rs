//! `/api/reports`: figures of the conversations started over a range of days, and their tables
//! as CSV.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::extract::{AgentCaller, Query};
use crate::domain::reports::{self, Range, Report};
use crate::domain::{AgentId, TeamId};
use crate::error::{ApiError, ApiResult};
use crate::state::App;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// The first day, `YYYY-MM-DD` (required).
    from: Option<String>,
    /// The last day, `YYYY-MM-DD`, at most 366 days after `from` (required).
    to: Option<String>,
    /// The IANA time zone the days and hours are in (default UTC).
    time_zone: Option<String>,
    /// Only this team's conversations.
    #[param(value_type = Option<uuid::Uuid>)]
    team_id: Option<TeamId>,
    /// Only this agent's conversations (a plain agent: always their own).
    #[param(value_type = Option<uuid::Uuid>)]
    agent_id: Option<AgentId>,
    /// For CSV: `by_day`, `by_agent` or `busiest_hours`.
    table: Option<String>,
}

impl ReportQuery {
    fn range(&self) -> ApiResult<Range> {
        let (Some(from), Some(to)) = (&self.from, &self.to) else {
            return Err(ApiError::field(
                "from",
                "from and to are required (YYYY-MM-DD)",
            ));
        };
        Range::parse(from, to, self.time_zone.as_deref()).map_err(|e| ApiError::field("range", e))
    }
}

async fn figures(
    app: &App,
    me: &crate::domain::model::Agent,
    q: &ReportQuery,
) -> ApiResult<Report> {
    let range = q.range()?;
    app.chat.report(me, &range, q.team_id, q.agent_id).await
}

/// How the organization's conversations started in a range went (supervisors and admins; a
/// plain agent gets their own figures).
#[utoipa::path(get, path = "/api/reports", tag = "reports", operation_id = "report",
    params(ReportQuery), security(("bearer" = [])),
    responses((status = 200, body = Report)))]
pub async fn report(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    Query(q): Query<ReportQuery>,
) -> ApiResult<axum::Json<Report>> {
    Ok(axum::Json(figures(&app, &me, &q).await?))
}

/// One table of the report as CSV (`table`: `by_day`, `by_agent` or `busiest_hours`).
#[utoipa::path(get, path = "/api/reports/csv", tag = "reports", operation_id = "report_csv",
    params(ReportQuery), security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv")))]
pub async fn csv(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Response> {
    let table = q.table.clone().unwrap_or_default();
    let report = figures(&app, &me, &q).await?;
    let body = reports::csv(&report, &table)
        .ok_or_else(|| ApiError::field("table", "must be by_day, by_agent or busiest_hours"))?;
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"raasel-{table}-{}-{}.csv\"",
        report.from, report.to
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
