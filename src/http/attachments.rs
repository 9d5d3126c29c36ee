//! Files in conversations: uploading one (multipart, streamed to storage), listing a
//! conversation's files, the signed links that download them, and the downloads themselves.

use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{Admin, Caller, PathId, Query};
use crate::chat::{AttachmentLink, Download, StorageUsage};
use crate::domain::attachments::{AttachmentView, FileKind};
use crate::domain::{AttachmentId, SessionId};
use crate::error::{ApiError, ApiResult};
use crate::files::Variant;
use crate::state::App;

/// The form of an upload: one part named `file`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file; its name is the part's filename.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentBody {
    attachment: AttachmentView,
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentsBody {
    attachments: Vec<AttachmentView>,
}

/// Uploads a file into a conversation (its customer or the organization's agents). The
/// content decides the type (images are re-encoded, without their metadata); send it with a
/// message by listing its id in `attachments`. Unsent uploads are deleted after a day.
#[utoipa::path(post, path = "/api/sessions/{id}/attachments", tag = "attachments",
    operation_id = "upload_attachment", params(("id" = uuid::Uuid, Path)),
    request_body(content_type = "multipart/form-data", content = UploadForm),
    security(("bearer" = [])),
    responses((status = 201, body = AttachmentBody), (status = 408), (status = 413),
        (status = 415), (status = 429)))]
pub async fn upload(
    State(app): State<App>,
    Caller(who): Caller,
    PathId(id): PathId<SessionId>,
    mut form: Multipart,
) -> ApiResult<(StatusCode, axum::Json<AttachmentBody>)> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        ApiError::bad_request(format!(
            "the upload is not a readable multipart form: {}",
            e.body_text()
        ))
    };
    let field = loop {
        match form.next_field().await.map_err(bad)? {
            Some(field) if field.name() == Some("file") => break field,
            Some(_) => continue,
            None => return Err(ApiError::field("file", "is required (one part named file)")),
        }
    };
    let name = field.file_name().unwrap_or("file").to_string();
    let attachment = app.chat.upload(&who, id, &name, Box::pin(field)).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(AttachmentBody { attachment }),
    ))
}

/// The conversation's files in messages the caller sees, oldest first.
#[utoipa::path(get, path = "/api/sessions/{id}/attachments", tag = "attachments",
    operation_id = "list_attachments", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = AttachmentsBody)))]
pub async fn list(
    State(app): State<App>,
    Caller(who): Caller,
    PathId(id): PathId<SessionId>,
) -> ApiResult<axum::Json<AttachmentsBody>> {
    Ok(axum::Json(AttachmentsBody {
        attachments: app.chat.session_files(&who, id).await?,
    }))
}

/// A link to download the file (and its thumbnail), working for five minutes without a
/// token; 404 for anyone who may not read it.
#[utoipa::path(get, path = "/api/attachments/{id}/link", tag = "attachments",
    operation_id = "attachment_link", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = AttachmentLink)))]
pub async fn link(
    State(app): State<App>,
    Caller(who): Caller,
    PathId(id): PathId<AttachmentId>,
) -> ApiResult<axum::Json<AttachmentLink>> {
    Ok(axum::Json(app.chat.attachment_link(&who, id).await?))
}

/// Deletes the caller's upload that no message carries yet (409 once sent).
#[utoipa::path(delete, path = "/api/attachments/{id}", tag = "attachments",
    operation_id = "delete_attachment", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 204), (status = 409)))]
pub async fn remove(
    State(app): State<App>,
    Caller(who): Caller,
    PathId(id): PathId<AttachmentId>,
) -> ApiResult<StatusCode> {
    app.chat.remove_upload(&who, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The organization's storage use and limits (admins).
#[utoipa::path(get, path = "/api/attachments/usage", tag = "attachments",
    operation_id = "storage_usage", security(("bearer" = [])),
    responses((status = 200, body = StorageUsage)))]
pub async fn usage(
    State(app): State<App>,
    Admin(admin): Admin,
) -> ApiResult<axum::Json<StorageUsage>> {
    Ok(axum::Json(app.chat.storage_usage(&admin).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LinkQuery {
    /// Which copy: `full` (default) or `thumbnail`.
    variant: Option<Variant>,
    /// Until when the link works (Unix seconds); a link without it is not valid.
    expires: Option<i64>,
    /// The link's signature; a link without it is not valid.
    signature: Option<String>,
}

/// A file, through a link from `GET /api/attachments/{id}/link`. Pictures (re-encoded) open
/// in the browser; every other file only downloads, and nothing is ever run.
#[utoipa::path(get, path = "/api/files/{id}", tag = "attachments",
    operation_id = "download_attachment", params(("id" = uuid::Uuid, Path), LinkQuery),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401), (status = 404)))]
pub async fn download(
    State(app): State<App>,
    PathId(id): PathId<AttachmentId>,
    Query(q): Query<LinkQuery>,
) -> ApiResult<Response> {
    let (Some(expires), Some(signature)) = (q.expires, q.signature.as_deref()) else {
        return Err(ApiError::Unauthorized("this link is not valid".into()));
    };
    let variant = q.variant.unwrap_or(Variant::Full);
    let found = app.chat.download(id, variant, expires, signature).await?;
    let left = expires - crate::domain::model::now().timestamp();
    Ok((headers(&found, left), found.stored.body).into_response())
}

/// What keeps a download harmless: the stored type, no sniffing, a sandbox, and anything
/// but a cleaned picture as an attachment.
fn headers(found: &Download, left_secs: i64) -> HeaderMap {
    let file = &found.file.file;
    let inline = file.kind == FileKind::Image;
    let disposition = format!(
        "{}; filename=\"{}\"; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        ascii_name(&file.name),
        percent_encode(&file.name)
    );
    let mut h = HeaderMap::new();
    let set = |h: &mut HeaderMap, name, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    };
    set(&mut h, header::CONTENT_TYPE, file.content_type.clone());
    set(
        &mut h,
        header::CONTENT_LENGTH,
        found.stored.size.to_string(),
    );
    set(&mut h, header::CONTENT_DISPOSITION, disposition);
    set(
        &mut h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; sandbox".into(),
    );
    set(&mut h, header::X_CONTENT_TYPE_OPTIONS, "nosniff".into());
    set(
        &mut h,
        header::CACHE_CONTROL,
        format!("private, max-age={}", left_secs.max(0)),
    );
    let _ = found.variant;
    h
}

/// The name with anything but printable ASCII replaced, for old clients.
fn ascii_name(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' => c,
            _ => '_',
        })
        .collect()
}

/// RFC 8187 encoding of a header parameter.
fn percent_encode(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_headers_cannot_break_out() {
        assert_eq!(ascii_name("a\"b\\c é.pdf"), "a_b_c _.pdf");
        assert_eq!(percent_encode("é a.pdf"), "%C3%A9%20a.pdf");
    }
}
