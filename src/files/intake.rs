//! Receiving an upload: its bytes go to a staging file as they arrive (never the whole file in
//! memory), counted against the limit, hashed, and checked for being text.

use std::path::{Path, PathBuf};

use axum::body::Bytes;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::domain::attachments::{HEAD_BYTES, TextCheck};

/// A file received whole.
#[derive(Debug)]
pub struct Received {
    pub staged: Staged,
    pub size: u64,
    /// Its first bytes.
    pub head: Vec<u8>,
    /// UTF-8 text without control characters.
    pub text: bool,
    pub sha256: String,
}

/// Why a file was not received.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("the file is larger than {0} bytes")]
    TooLarge(u64),
    #[error("the upload broke off: {0}")]
    Broken(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// A file in the staging directory, deleted when dropped unless it was moved away.
#[derive(Debug)]
pub struct Staged(PathBuf);

impl Staged {
    /// A new, empty staging file name in `dir`.
    pub fn new_in(dir: &Path) -> Staged {
        Staged(dir.join(uuid::Uuid::new_v4().to_string()))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        // Gone already when the store moved it away.
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Creates a file only this user can read.
pub async fn create_private(path: &Path) -> std::io::Result<tokio::fs::File> {
    tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .await
}

/// Writes the stream to a new staging file in `dir`; refused as soon as it passes `limit`
/// bytes (what was written is deleted).
pub async fn receive<S, E>(mut stream: S, dir: &Path, limit: u64) -> Result<Received, Refused>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let staged = Staged::new_in(dir);
    let mut file = create_private(staged.path()).await?;
    let mut size = 0u64;
    let mut head = Vec::with_capacity(HEAD_BYTES);
    let mut text = TextCheck::default();
    let mut hash = Sha256::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| Refused::Broken(e.to_string()))?;
        size += chunk.len() as u64;
        if size > limit {
            return Err(Refused::TooLarge(limit));
        }
        let room = HEAD_BYTES.saturating_sub(head.len());
        head.extend_from_slice(&chunk[..room.min(chunk.len())]);
        text.feed(&chunk);
        hash.update(&chunk);
        file.write_all(&chunk).await?;
    }
    file.sync_all().await?;
    Ok(Received {
        staged,
        size,
        head,
        text: text.is_text(),
        sha256: hex::encode(hash.finalize()),
    })
}
