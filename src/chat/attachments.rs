//! Files in conversations: receiving an upload (checked by content, images cleaned, within the
//! organization's limits), the links that download them, and deleting them with what they
//! belong to.

use std::path::Path;

use axum::body::Bytes;
use futures_util::Stream;
use serde::Serialize;
use utoipa::ToSchema;

use super::Chat;
use crate::domain::attachments::{
    self, Attachment, AttachmentRef, AttachmentView, FileKind, FileSettings, FileType,
};
use crate::domain::model::{Agent, Timestamp};
use crate::domain::permissions::{self, Identity};
use crate::domain::{AttachmentId, OrgId, SessionId};
use crate::error::{AccessExt, ApiError, ApiResult};
use crate::files::intake::{self, Received, Refused, Staged};
use crate::files::{BadLink, Variant, images, store::Stored};

/// Unsent uploads deleted in one pass.
const UNSENT_PER_PASS: u32 = 100;

/// Where to download a file, for a few minutes.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentLink {
    /// A path on this server (`/api/files/...`), signed; no token needed.
    pub url: String,
    #[schema(required = true)]
    pub thumbnail_url: Option<String>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// The organization's files and its limits.
#[derive(Debug, Serialize, ToSchema)]
pub struct StorageUsage {
    pub used_bytes: u64,
    pub files: u64,
    /// Bytes the organization may keep (0: no limit).
    pub quota_bytes: u64,
    /// The operator's per-file limit, the most an organization may choose.
    pub max_file_bytes_limit: u64,
}

/// A file as a download answers it.
pub struct Download {
    pub file: Attachment,
    pub variant: Variant,
    pub stored: Stored,
}

impl Chat {
    /// Receives a file into a conversation the caller may read. It is the caller's until a
    /// message of theirs carries it (or it is deleted a day later, unsent).
    #[tracing::instrument(level = "debug", skip_all, fields(session = %session_id))]
    pub async fn upload<S, E>(
        &self,
        who: &Identity,
        session_id: SessionId,
        sent_name: &str,
        body: S,
    ) -> ApiResult<AttachmentView>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let session = self.readable_session(who, session_id).await?;
        let org = session.organization_id;
        let uploader = uploader_id(who);
        let _turn = self.files.turn(uploader).ok_or(ApiError::RateLimited {
            retry_after_secs: 1,
        })?;
        let settings = self.file_settings(org).await?;
        if settings.types.is_empty() {
            return Err(ApiError::Forbidden(
                "this organization does not accept files".into(),
            ));
        }
        let (limit, by_quota) = self.upload_limit(org, &settings).await?;
        let timeout = self.files.limits.upload_timeout;
        let received =
            tokio::time::timeout(timeout, intake::receive(body, &self.files.staging, limit))
                .await
                .map_err(|_| {
                    metrics::counter!("raasel_upload_timeouts_total").increment(1);
                    ApiError::UploadTimedOut(timeout.as_secs())
                })?
                .map_err(|e| refused(e, by_quota))?;
        if received.size == 0 {
            return Err(ApiError::field("file", "the file is empty"));
        }
        let ty = attachments::recognise(&received.head, sent_name, received.text)
            .filter(|t| settings.types.contains(&t.group))
            .ok_or_else(|| unsupported(&settings))?;
        let file = self
            .keep(org, session_id, uploader, sent_name, ty, received)
            .await?;
        metrics::counter!("raasel_uploads_total", "kind" => file.file.kind.as_str()).increment(1);
        Ok(AttachmentView::from(&file))
    }

    /// The organization's file settings, bounded by the operator's per-file limit.
    async fn file_settings(&self, org: OrgId) -> ApiResult<FileSettings> {
        let found = self.store.organization(org).await?;
        let mut settings = found
            .map(|o| o.settings.attachments)
            .ok_or_else(|| ApiError::not_found("organization"))?;
        settings.max_file_bytes = settings
            .max_file_bytes
            .min(self.files.limits.max_file_bytes);
        Ok(settings)
    }

    /// How many bytes this upload may take: the per-file limit, or what is left of the
    /// quota (then `true`).
    async fn upload_limit(&self, org: OrgId, settings: &FileSettings) -> ApiResult<(u64, bool)> {
        let quota = self.files.limits.org_quota_bytes;
        if quota == 0 {
            return Ok((settings.max_file_bytes, false));
        }
        let (used, _) = self.attachments.storage_used(org).await?;
        let left = quota.saturating_sub(used);
        if left == 0 {
            return Err(quota_exceeded(quota));
        }
        Ok((
            settings.max_file_bytes.min(left),
            left < settings.max_file_bytes,
        ))
    }

    /// Cleans an image, stores the bytes, then records the file.
    async fn keep(
        &self,
        org: OrgId,
        session_id: SessionId,
        uploader: uuid::Uuid,
        sent_name: &str,
        ty: FileType,
        received: Received,
    ) -> ApiResult<Attachment> {
        let mut file = Attachment {
            file: AttachmentRef {
                id: AttachmentId::new(),
                name: String::new(),
                content_type: ty.mime.into(),
                size: received.size,
                kind: FileKind::File,
                width: None,
                height: None,
                thumbnail: false,
            },
            organization_id: org,
            session_id,
            uploader_id: uploader,
            sha256: received.sha256.clone(),
            thumbnail_size: 0,
            sent: false,
            internal: false,
            created_at: crate::domain::model::now(),
        };
        let (ty, staged, thumb) = match ty.group {
            attachments::FileGroup::Image => self.clean_image(&mut file, ty, &received).await?,
            _ => (ty, received.staged, None),
        };
        file.file.name = attachments::file_name(sent_name, &ty);
        file.file.content_type = ty.mime.into();
        if let Some(thumb) = &thumb {
            self.files
                .store
                .put(&file.thumbnail_key(), thumb.path())
                .await?;
        }
        self.files.store.put(&file.key(), staged.path()).await?;
        self.attachments.add_attachment(&file).await?;
        Ok(file)
    }

    /// Decodes and re-encodes an image off the async threads (a few at a time): the new
    /// bytes, and a thumbnail when the picture is larger than one.
    async fn clean_image(
        &self,
        file: &mut Attachment,
        ty: FileType,
        received: &Received,
    ) -> ApiResult<(FileType, Staged, Option<Staged>)> {
        let _turn = self.files.images.acquire().await.expect("never closed");
        let src = received.staged.path().to_path_buf();
        let (dest, thumb) = (
            Staged::new_in(&self.files.staging),
            Staged::new_in(&self.files.staging),
        );
        let (d, t) = (dest.path().to_path_buf(), thumb.path().to_path_buf());
        let cleaned = tokio::task::spawn_blocking(move || images::clean(&src, ty, &d, &t))
            .await
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("cleaning an image: {e}")))?
            .map_err(|e| ApiError::UnsupportedType(e.to_string()))?;
        file.file.kind = FileKind::Image;
        file.file.width = Some(cleaned.width);
        file.file.height = Some(cleaned.height);
        file.file.size = size_of(dest.path()).await?;
        file.sha256 = sha256_of(dest.path()).await?;
        file.thumbnail_size = cleaned.thumbnail.unwrap_or(0);
        file.file.thumbnail = cleaned.thumbnail.is_some();
        Ok((cleaned.ty, dest, cleaned.thumbnail.map(|_| thumb)))
    }

    /// The files `ids` for a message of `sender` in the session: uploads of theirs into this
    /// very conversation, marked sent before the message is written (so they are never
    /// deleted as unsent once a message may carry them).
    pub(super) async fn files_for_message(
        &self,
        org: OrgId,
        session_id: SessionId,
        sender: uuid::Uuid,
        ids: &[AttachmentId],
        internal: bool,
    ) -> ApiResult<Vec<AttachmentRef>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let found = self.attachments.attachments(org, ids).await?;
        let mut refs = Vec::with_capacity(ids.len());
        for id in ids {
            let file = found
                .iter()
                .find(|f| f.file.id == *id && f.session_id == session_id && f.uploader_id == sender)
                .ok_or_else(|| {
                    ApiError::field(
                        "attachments",
                        format!("{id} is not a file you uploaded to this conversation"),
                    )
                })?;
            refs.push(file.file.clone());
        }
        self.attachments.mark_sent(org, ids, internal).await?;
        Ok(refs)
    }

    /// A download link for a file of a conversation the caller may read (a customer: files
    /// of messages they see, and their own uploads); 404 otherwise.
    pub async fn attachment_link(
        &self,
        who: &Identity,
        id: AttachmentId,
    ) -> ApiResult<AttachmentLink> {
        let file = self.readable_file(who, id).await?;
        let expires = crate::domain::model::now()
            + chrono::Duration::seconds(crate::files::links::LINK_TTL_SECS);
        let at = expires.timestamp();
        Ok(AttachmentLink {
            url: self.files.links.path(id, Variant::Full, at),
            thumbnail_url: file
                .file
                .thumbnail
                .then(|| self.files.links.path(id, Variant::Thumbnail, at)),
            expires_at: expires,
        })
    }

    /// A stored file, whichever organization's; 404 when there is none.
    async fn stored_file(&self, id: AttachmentId) -> ApiResult<Attachment> {
        self.attachments
            .find_attachment(id)
            .await?
            .ok_or_else(|| ApiError::not_found("file"))
    }

    async fn readable_file(&self, who: &Identity, id: AttachmentId) -> ApiResult<Attachment> {
        let file = self.stored_file(id).await?;
        let session = self
            .readable_session(who, file.session_id)
            .await
            .map_err(|_| ApiError::not_found("file"))?;
        permissions::can_read_file(who, &session, &file).or_deny("file")?;
        Ok(file)
    }

    /// The conversation's sent files the caller may see, oldest first.
    pub async fn session_files(
        &self,
        who: &Identity,
        session_id: SessionId,
    ) -> ApiResult<Vec<AttachmentView>> {
        let session = self.readable_session(who, session_id).await?;
        let files = self
            .attachments
            .session_attachments(session.organization_id, session.id, true)
            .await?;
        Ok(files
            .iter()
            .filter(|f| permissions::can_read_file(who, &session, f).is_ok())
            .map(AttachmentView::from)
            .collect())
    }

    /// The bytes a signed link opens. A changed link is a security event; an expired one is
    /// refused with a sentence saying so.
    pub async fn download(
        &self,
        id: AttachmentId,
        variant: Variant,
        expires: i64,
        signature: &str,
    ) -> ApiResult<Download> {
        let now = crate::domain::model::now().timestamp();
        match self.files.links.check(id, variant, expires, signature, now) {
            Ok(()) => {}
            Err(BadLink::Expired) => {
                return Err(ApiError::Unauthorized(
                    "this link has expired; open the file from the conversation again".into(),
                ));
            }
            Err(BadLink::Tampered) => {
                tracing::warn!(target: "security", file = %id, "a file link with a wrong signature");
                return Err(ApiError::Unauthorized("this link is not valid".into()));
            }
        }
        let file = self.stored_file(id).await?;
        let key = match variant {
            Variant::Full => file.key(),
            Variant::Thumbnail => file.thumbnail_key(),
        };
        let stored = self
            .files
            .store
            .get(&key)
            .await?
            .ok_or_else(|| ApiError::not_found("file"))?;
        Ok(Download {
            file,
            variant,
            stored,
        })
    }

    /// Deletes an upload its uploader has not sent (cancelled in the composer).
    pub async fn remove_upload(&self, who: &Identity, id: AttachmentId) -> ApiResult<()> {
        let file = self.readable_file(who, id).await?;
        if file.uploader_id != uploader_id(who) {
            return Err(ApiError::not_found("file"));
        }
        if file.sent {
            return Err(ApiError::Conflict(
                "this file was sent in a message; it stays with the conversation".into(),
            ));
        }
        self.forget_files(file.organization_id, &[file]).await;
        Ok(())
    }

    /// The organization's storage use (admins).
    pub async fn storage_usage(&self, admin: &Agent) -> ApiResult<StorageUsage> {
        let org = admin.organization_id;
        permissions::can_administer(admin, org).or_deny("organization")?;
        let (used_bytes, files) = self.attachments.storage_used(org).await?;
        Ok(StorageUsage {
            used_bytes,
            files,
            quota_bytes: self.files.limits.org_quota_bytes,
            max_file_bytes_limit: self.files.limits.max_file_bytes,
        })
    }

    /// Deletes every file of a conversation (it is being deleted or erased).
    pub(super) async fn delete_session_files(
        &self,
        org: OrgId,
        session: SessionId,
    ) -> ApiResult<()> {
        let files = self
            .attachments
            .session_attachments(org, session, false)
            .await?;
        self.forget_files(org, &files).await;
        Ok(())
    }

    /// Forgets files, then deletes their bytes (a byte left behind by a failure is logged;
    /// a record never points at bytes that are gone).
    async fn forget_files(&self, org: OrgId, files: &[Attachment]) {
        if files.is_empty() {
            return;
        }
        let ids: Vec<_> = files.iter().map(|f| f.file.id).collect();
        if let Err(e) = self.attachments.remove_attachments(org, &ids).await {
            tracing::warn!(org = %org, error = %e, "files were not forgotten");
            return;
        }
        for f in files {
            for key in [f.key(), f.thumbnail_key()] {
                if let Err(e) = self.files.store.delete(&key).await {
                    tracing::warn!(org = %org, key, error = format!("{e:#}"), "a file's bytes were not deleted");
                }
            }
        }
    }

    /// Deletes every file of an organization (it is being deleted).
    pub(super) async fn delete_organization_files(&self, org: OrgId) {
        if let Err(e) = self.files.store.delete_organization(&org.to_string()).await {
            tracing::warn!(org = %org, error = format!("{e:#}"), "the organization's files were not deleted");
        }
    }

    /// Deletes uploads never sent a day after they arrived (the due pass runs it).
    pub(super) async fn prune_unsent(&self, now: Timestamp) -> ApiResult<()> {
        let before = now - chrono::Duration::seconds(attachments::UNSENT_KEPT_SECS);
        let due = self
            .attachments
            .unsent_before(before, UNSENT_PER_PASS)
            .await?;
        for file in due {
            let org = file.organization_id;
            self.forget_files(org, std::slice::from_ref(&file)).await;
        }
        Ok(())
    }
}

fn uploader_id(who: &Identity) -> uuid::Uuid {
    match who {
        Identity::Agent(a) => a.id.0,
        Identity::Client(c) => c.id.0,
    }
}

fn refused(e: Refused, by_quota: bool) -> ApiError {
    match e {
        Refused::TooLarge(limit) if by_quota => ApiError::QuotaExceeded(format!(
            "this file would pass the organization's storage quota ({} left)",
            attachments::human_size(limit)
        )),
        Refused::TooLarge(limit) => ApiError::FileTooLarge(format!(
            "files may be at most {}",
            attachments::human_size(limit)
        )),
        Refused::Broken(why) => ApiError::bad_request(format!("the upload broke off: {why}")),
        Refused::Io(e) => ApiError::Internal(anyhow::Error::new(e).context("staging an upload")),
    }
}

fn quota_exceeded(quota: u64) -> ApiError {
    ApiError::QuotaExceeded(format!(
        "the organization's files fill its storage quota of {}; delete old conversations or ask the operator for more",
        attachments::human_size(quota)
    ))
}

fn unsupported(settings: &FileSettings) -> ApiError {
    let accepted: Vec<String> = settings
        .types
        .iter()
        .map(|g| format!("{g:?}").to_lowercase())
        .collect();
    ApiError::UnsupportedType(format!(
        "this kind of file is not accepted here (accepted: {}); the file's content decides, not its name",
        accepted.join(", ")
    ))
}

async fn size_of(path: &Path) -> ApiResult<u64> {
    Ok(tokio::fs::metadata(path)
        .await
        .map_err(anyhow::Error::new)?
        .len())
}

async fn sha256_of(path: &Path) -> ApiResult<String> {
    use sha2::{Digest, Sha256};
    use tokio::io::AsyncReadExt;
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(anyhow::Error::new)?;
    let (mut hash, mut buf) = (Sha256::new(), vec![0u8; 64 * 1024]);
    loop {
        let n = file.read(&mut buf).await.map_err(anyhow::Error::new)?;
        if n == 0 {
            return Ok(hex::encode(hash.finalize()));
        }
        hash.update(&buf[..n]);
    }
}
