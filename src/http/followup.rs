//! After the conversation, for customers: leaving an e-mail address for replies, rating a
//! closed conversation, asking for its transcript; and the links in e-mails (open again,
//! rate, unsubscribe), which carry their own signed, expiring token instead of a sign-in.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{Caller, ClientCaller, Json, PathId, Query};
use crate::domain::model::Session;
use crate::domain::ratings::{self, Rating};
use crate::domain::{OrgId, SessionId, input};
use crate::error::ApiResult;
use crate::mail::letter::escape;
use crate::parse_fields;
use crate::state::App;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailInput {
    /// The customer's e-mail address.
    #[schema(value_type = String, required = true)]
    email: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct EmailBody {
    email: String,
}

/// The customer leaves an address for replies to this conversation (and to the
/// organization's other e-mails, turned on again if they had turned them off).
#[utoipa::path(put, path = "/api/sessions/{id}/email", tag = "followup",
    operation_id = "leave_email", params(("id" = uuid::Uuid, Path)), request_body = EmailInput,
    security(("bearer" = [])), responses((status = 200, body = EmailBody)))]
pub async fn leave_email(
    State(app): State<App>,
    ClientCaller(client): ClientCaller,
    PathId(id): PathId<SessionId>,
    Json(body): Json<EmailInput>,
) -> ApiResult<axum::Json<EmailBody>> {
    parse_fields!(email = "email" => input::email(body.email.as_deref()));
    let email = app.chat.leave_email(&client, id, email).await?;
    Ok(axum::Json(EmailBody { email }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    /// 1 (bad) to 5 (good).
    #[schema(value_type = i64, required = true, minimum = 1, maximum = 5)]
    score: Option<i64>,
    /// At most 1,000 characters.
    #[schema(max_length = 1000)]
    comment: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RatedBody {
    session: Session,
    rating: Rating,
}

/// The customer rates their closed conversation, once (403 when the organization does not
/// ask for ratings, 409 while open or once rated).
#[utoipa::path(post, path = "/api/sessions/{id}/rating", tag = "followup",
    operation_id = "rate_session", params(("id" = uuid::Uuid, Path)), request_body = RatingInput,
    security(("bearer" = [])), responses((status = 201, body = RatedBody), (status = 403), (status = 409)))]
pub async fn rate(
    State(app): State<App>,
    ClientCaller(client): ClientCaller,
    PathId(id): PathId<SessionId>,
    Json(body): Json<RatingInput>,
) -> ApiResult<(StatusCode, axum::Json<RatedBody>)> {
    parse_fields!(
        score = "score" => ratings::score(body.score),
        comment = "comment" => ratings::comment(body.comment.as_deref()),
    );
    let session = app.chat.rate(&client, id, score, comment).await?;
    rated(&app, session).await
}

async fn rated(app: &App, session: Session) -> ApiResult<(StatusCode, axum::Json<RatedBody>)> {
    let rating = app
        .chat
        .rating_of(session.organization_id, session.id)
        .await?
        .ok_or_else(|| crate::error::ApiError::not_found("rating"))?;
    let session = session.for_customer();
    Ok((
        StatusCode::CREATED,
        axum::Json(RatedBody { session, rating }),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct TranscriptBody {
    /// Where it goes, partly hidden (`a…@example.com`).
    to: String,
}

/// E-mails the conversation's transcript to its customer (asked by the customer, or by an
/// agent who may read it); 409 when no address is known, the customer turned e-mails off,
/// one is on its way, or the server sends no e-mail.
#[utoipa::path(post, path = "/api/sessions/{id}/transcript", tag = "followup",
    operation_id = "email_transcript", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 202, body = TranscriptBody), (status = 409)))]
pub async fn transcript(
    State(app): State<App>,
    Caller(who): Caller,
    PathId(id): PathId<SessionId>,
) -> ApiResult<(StatusCode, axum::Json<TranscriptBody>)> {
    let to = app.chat.email_transcript(&who, id).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(TranscriptBody { to })))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    /// The token of a link from an e-mail.
    #[schema(value_type = String, required = true)]
    token: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RedeemedBody {
    session_id: SessionId,
    organization_id: OrgId,
    /// The organization's domain (the widget's `org`).
    domain: String,
    /// A sign-in for a visitor of the organization's site (the link is their only way back);
    /// none for a customer of the app, who signs in as usual.
    #[schema(required = true)]
    token: Option<String>,
}

/// What the link of an e-mail opens (401 for a tampered or expired one).
#[utoipa::path(post, path = "/api/email-links/redeem", tag = "followup",
    operation_id = "redeem_email_link", request_body = LinkInput,
    responses((status = 200, body = RedeemedBody), (status = 401), (status = 409)))]
pub async fn redeem(
    State(app): State<App>,
    Json(body): Json<LinkInput>,
) -> ApiResult<axum::Json<RedeemedBody>> {
    parse_fields!(token = "token" => body.token.ok_or_else(|| "is required".to_string()));
    let r = app.chat.redeem_link(&token).await?;
    let sign_in = r
        .client
        .organization_id
        .is_some()
        .then(|| crate::auth::client_token(&app.tokens, &r.client));
    Ok(axum::Json(RedeemedBody {
        session_id: r.session.id,
        organization_id: r.session.organization_id,
        domain: r.domain,
        token: sign_in,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRatingInput {
    #[schema(value_type = String, required = true)]
    token: Option<String>,
    #[schema(value_type = i64, required = true, minimum = 1, maximum = 5)]
    score: Option<i64>,
    #[schema(max_length = 1000)]
    comment: Option<String>,
}

/// A rating from the link of an e-mail (the same rules as the customer's own).
#[utoipa::path(post, path = "/api/email-links/rating", tag = "followup",
    operation_id = "rate_by_email_link", request_body = LinkRatingInput,
    responses((status = 201, body = RatedBody), (status = 401), (status = 403), (status = 409)))]
pub async fn rate_by_link(
    State(app): State<App>,
    Json(body): Json<LinkRatingInput>,
) -> ApiResult<(StatusCode, axum::Json<RatedBody>)> {
    parse_fields!(
        token = "token" => body.token.ok_or_else(|| "is required".to_string()),
        score = "score" => ratings::score(body.score),
        comment = "comment" => ratings::comment(body.comment.as_deref()),
    );
    let session = app.chat.rate_by_link(&token, score, comment).await?;
    rated(&app, session).await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TokenQuery {
    /// The token of the unsubscribe link.
    token: Option<String>,
}

/// The unsubscribe link's page: one button (a link alone never unsubscribes, so that mail
/// scanners opening links change nothing).
#[utoipa::path(get, path = "/api/email-links/unsubscribe", tag = "followup",
    operation_id = "unsubscribe_page", params(TokenQuery),
    responses((status = 200, content_type = "text/html")))]
pub async fn unsubscribe_page(Query(q): Query<TokenQuery>) -> Response {
    let token = escape(q.token.as_deref().unwrap_or_default());
    page(
        StatusCode::OK,
        &format!(
            "<h1>Stop these e-mails?</h1><form method=\"post\" action=\"?token={token}\"><button type=\"submit\">Unsubscribe</button></form>"
        ),
    )
}

/// Unsubscribes (the page's button, or a mail program's one-click `List-Unsubscribe-Post`).
#[utoipa::path(post, path = "/api/email-links/unsubscribe", tag = "followup",
    operation_id = "unsubscribe", params(TokenQuery),
    responses((status = 200, content_type = "text/html"), (status = 401), (status = 409)))]
pub async fn unsubscribe(State(app): State<App>, Query(q): Query<TokenQuery>) -> Response {
    match app
        .chat
        .unsubscribe(q.token.as_deref().unwrap_or_default())
        .await
    {
        Ok(org) => page(
            StatusCode::OK,
            &format!(
                "<h1>Unsubscribed</h1><p>You will not get e-mails from {} any more. Leaving your address in a conversation again turns them back on.</p>",
                escape(&org)
            ),
        ),
        Err(e) => {
            let status = e.status();
            page(
                status,
                &format!("<h1>Not unsubscribed</h1><p>{}</p>", escape(&e.to_string())),
            )
        }
    }
}

/// A small page of its own (no scripts, nothing loaded from elsewhere).
fn page(status: StatusCode, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>E-mail preferences</title></head><body style=\"font-family:sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem\">{body}</body></html>"
    );
    let mut res = (status, Html(html)).into_response();
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
        ),
    );
    res
}
