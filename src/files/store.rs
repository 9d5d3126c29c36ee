//! Where the bytes of files lie: the data directory (one machine) or S3-compatible object
//! storage (every node of a cluster reads every file). Keys are `<organization>/<file>`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use async_trait::async_trait;
use axum::body::Body;
use futures_util::StreamExt;

/// A stored file, ready to stream.
pub struct Stored {
    pub body: Body,
    pub size: u64,
}

#[async_trait]
pub trait FileStore: Send + Sync + 'static {
    /// Moves a staged file into the store under `key` (the staged file is gone afterwards).
    async fn put(&self, key: &str, staged: &Path) -> anyhow::Result<()>;
    /// The file under `key`, streamed; none when it is not there.
    async fn get(&self, key: &str) -> anyhow::Result<Option<Stored>>;
    /// Deletes the file under `key` (nothing when it is not there).
    async fn delete(&self, key: &str) -> anyhow::Result<()>;
    /// Deletes every file of an organization.
    async fn delete_organization(&self, org: &str) -> anyhow::Result<()>;
    /// Where files go, for logs.
    fn describe(&self) -> String;
}

/// Files in the data directory, readable by this server's user only.
pub struct Disk {
    root: PathBuf,
}

impl Disk {
    /// Files under `root` (made, private, when missing).
    pub fn open(root: PathBuf) -> anyhow::Result<Disk> {
        private_dir(&root)?;
        Ok(Disk { root })
    }

    fn path(&self, key: &str) -> anyhow::Result<PathBuf> {
        let safe = key
            .split('/')
            .all(|part| !part.is_empty() && part != ".." && part != ".");
        anyhow::ensure!(safe, "not a file key: {key}");
        Ok(self.root.join(key))
    }
}

/// Makes a directory only this user can enter.
pub fn private_dir(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("creating {}", dir.display()))
}

#[async_trait]
impl FileStore for Disk {
    async fn put(&self, key: &str, staged: &Path) -> anyhow::Result<()> {
        let dest = self.path(key)?;
        if let Some(parent) = dest.parent() {
            private_dir(parent)?;
        }
        tokio::fs::rename(staged, &dest)
            .await
            .with_context(|| format!("moving a file to {}", dest.display()))
    }

    async fn get(&self, key: &str) -> anyhow::Result<Option<Stored>> {
        let path = self.path(key)?;
        let file = match tokio::fs::File::open(&path).await {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("opening {}", path.display())),
        };
        let size = file.metadata().await?.len();
        let stream = tokio_util::io::ReaderStream::new(file);
        Ok(Some(Stored {
            body: Body::from_stream(stream),
            size,
        }))
    }

    async fn delete(&self, key: &str) -> anyhow::Result<()> {
        let path = self.path(key)?;
        match tokio::fs::remove_file(&path).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(e).with_context(|| format!("deleting {}", path.display()))
            }
            _ => Ok(()),
        }
    }

    async fn delete_organization(&self, org: &str) -> anyhow::Result<()> {
        let dir = self.path(org)?;
        match tokio::fs::remove_dir_all(&dir).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(e).with_context(|| format!("deleting {}", dir.display()))
            }
            _ => Ok(()),
        }
    }

    fn describe(&self) -> String {
        format!("the directory {}", self.root.display())
    }
}

/// Parts of a large upload sent to object storage (S3's smallest part is 5 MiB): what one
/// upload holds in memory at most.
const PART_BYTES: usize = 5 * 1024 * 1024;

/// Files in an S3-compatible bucket.
pub struct ObjectStore {
    store: object_store::aws::AmazonS3,
    describe: String,
}

/// How to reach the bucket.
#[derive(Debug, Clone)]
pub struct Bucket {
    /// `s3://bucket` (AWS) or `http(s)://host:port/bucket` (an S3-compatible server, path
    /// style).
    pub url: String,
    pub region: String,
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
}

impl ObjectStore {
    pub fn open(bucket: &Bucket) -> anyhow::Result<ObjectStore> {
        let url = url::Url::parse(&bucket.url).context("--object-store-url is not a URL")?;
        let mut builder = object_store::aws::AmazonS3Builder::new().with_region(&bucket.region);
        let name = match url.scheme() {
            "s3" => url.host_str().unwrap_or_default().to_string(),
            "http" | "https" => {
                let origin = url.origin().ascii_serialization();
                builder = builder
                    .with_endpoint(origin)
                    .with_allow_http(url.scheme() == "http");
                url.path().trim_matches('/').to_string()
            }
            other => anyhow::bail!("--object-store-url: {other}:// is not s3:// or http(s)://"),
        };
        anyhow::ensure!(
            !name.is_empty() && !name.contains('/'),
            "--object-store-url names no bucket (s3://bucket or http://host:port/bucket)"
        );
        builder = builder.with_bucket_name(&name);
        if let (Some(key), Some(secret)) = (&bucket.access_key, &bucket.secret_key) {
            builder = builder
                .with_access_key_id(key)
                .with_secret_access_key(secret);
        }
        Ok(ObjectStore {
            store: builder.build().context("configuring object storage")?,
            describe: format!(
                "the bucket {name} at {}",
                url.origin().ascii_serialization()
            ),
        })
    }
}

#[async_trait]
impl FileStore for ObjectStore {
    async fn put(&self, key: &str, staged: &Path) -> anyhow::Result<()> {
        use object_store::ObjectStore as _;
        use tokio::io::AsyncReadExt;
        let path = object_store::path::Path::from(key);
        let mut file = tokio::fs::File::open(staged).await?;
        let size = file.metadata().await?.len();
        if size <= PART_BYTES as u64 {
            let mut bytes = Vec::with_capacity(size as usize);
            file.read_to_end(&mut bytes).await?;
            self.store
                .put(&path, bytes.into())
                .await
                .with_context(|| format!("storing {key}"))?;
        } else {
            let upload = self.store.put_multipart(&path).await?;
            let mut writer = object_store::WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = file.read(&mut buf).await?;
                if n == 0 {
                    break;
                }
                writer.wait_for_capacity(1).await?;
                writer.write(&buf[..n]);
            }
            writer
                .finish()
                .await
                .with_context(|| format!("storing {key}"))?;
        }
        tokio::fs::remove_file(staged).await.ok();
        Ok(())
    }

    async fn get(&self, key: &str) -> anyhow::Result<Option<Stored>> {
        use object_store::ObjectStore as _;
        let found = match self.store.get(&object_store::path::Path::from(key)).await {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("reading {key}")),
        };
        let size = found.meta.size;
        let stream = found
            .into_stream()
            .map(|chunk| chunk.map_err(std::io::Error::other));
        Ok(Some(Stored {
            body: Body::from_stream(stream),
            size,
        }))
    }

    async fn delete(&self, key: &str) -> anyhow::Result<()> {
        use object_store::ObjectStore as _;
        match self
            .store
            .delete(&object_store::path::Path::from(key))
            .await
        {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e).with_context(|| format!("deleting {key}")),
        }
    }

    async fn delete_organization(&self, org: &str) -> anyhow::Result<()> {
        use object_store::ObjectStore as _;
        let prefix = object_store::path::Path::from(org);
        let mut listed = self.store.list(Some(&prefix));
        while let Some(meta) = listed.next().await {
            let meta = meta.with_context(|| format!("listing the files of {org}"))?;
            self.delete(meta.location.as_ref()).await?;
        }
        Ok(())
    }

    fn describe(&self) -> String {
        self.describe.clone()
    }
}
