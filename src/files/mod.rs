//! Files in conversations, below the chat: where their bytes lie, how an upload is received,
//! how images are cleaned, and the links that download them.

pub mod images;
pub mod intake;
pub mod links;
pub mod store;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub use links::{BadLink, FileLinks, Variant};
pub use store::{Bucket, FileStore};

/// The operator's bounds on files.
#[derive(Debug, Clone)]
pub struct FileLimits {
    /// Largest file (organizations may choose less).
    pub max_file_bytes: u64,
    /// Bytes of files one organization may keep (0: no limit).
    pub org_quota_bytes: u64,
    /// Uploads one account may have running at once.
    pub uploads_per_account: usize,
    /// Uploads running at once on this server.
    pub uploads_at_once: usize,
    /// Longest an upload may take, however slowly its bytes arrive.
    pub upload_timeout: Duration,
}

/// Images decoded at once (each may take up to 128 MiB for a moment).
const IMAGES_AT_ONCE: usize = 2;

pub struct Files {
    pub store: Arc<dyn FileStore>,
    /// Where uploads are written while they arrive.
    pub staging: PathBuf,
    pub limits: FileLimits,
    pub links: FileLinks,
    uploads: Arc<Semaphore>,
    pub images: Semaphore,
    running: Mutex<HashMap<uuid::Uuid, usize>>,
}

/// One running upload of one account; ends its turn when dropped.
pub struct UploadTurn<'a> {
    files: &'a Files,
    account: uuid::Uuid,
    _permit: OwnedSemaphorePermit,
}

impl Drop for UploadTurn<'_> {
    fn drop(&mut self) {
        let mut running = self.files.running.lock().expect("uploads lock");
        if let Some(n) = running.get_mut(&self.account) {
            *n -= 1;
            if *n == 0 {
                running.remove(&self.account);
            }
        }
    }
}

impl Files {
    pub fn new(
        store: Arc<dyn FileStore>,
        staging: PathBuf,
        limits: FileLimits,
        links: FileLinks,
    ) -> anyhow::Result<Files> {
        store::private_dir(&staging)?;
        Ok(Files {
            store,
            staging,
            uploads: Arc::new(Semaphore::new(limits.uploads_at_once.max(1))),
            limits,
            links,
            images: Semaphore::new(IMAGES_AT_ONCE),
            running: Mutex::default(),
        })
    }

    /// A turn to upload for `account`, or none while it already runs as many uploads as it
    /// may or the server runs as many as it takes. The map holds only accounts uploading now.
    pub fn turn(&self, account: uuid::Uuid) -> Option<UploadTurn<'_>> {
        let permit = self.uploads.clone().try_acquire_owned().ok()?;
        let mut running = self.running.lock().expect("uploads lock");
        let n = running.entry(account).or_default();
        if *n >= self.limits.uploads_per_account {
            return None;
        }
        *n += 1;
        Some(UploadTurn {
            files: self,
            account,
            _permit: permit,
        })
    }

    /// Accounts with uploads running (a bound's witness for tests and metrics).
    pub fn uploading_accounts(&self) -> usize {
        self.running.lock().expect("uploads lock").len()
    }
}
