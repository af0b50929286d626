//! Document bytes in object storage: a local folder by default, any S3-compatible store when
//! configured. Objects are content-addressed (`sha256/ab/cdef…` under an optional prefix) and
//! immutable: writing a key that exists is a no-op.
//!
//! The order that loses nothing: [`DocumentStore::put`] first (idempotent), then the SQL rows that
//! name the document. An object whose rows were never committed is harmless garbage.

use std::fmt;
use std::path::Path as FsPath;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sha2::{Digest, Sha256};

use crate::upload::{UploadError, UploadPolicy};
use crate::{Store, StoreError};

/// An object older than this is written again by [`DocumentStore::put`], renewing its modification
/// time, so that garbage collection never takes an object an upload in flight relies on.
pub const REFRESH_AFTER: Duration = Duration::from_secs(60 * 60);
/// The shortest grace period [`DocumentStore::collect_garbage`] accepts: twice [`REFRESH_AFTER`].
pub const MIN_GRACE: Duration = Duration::from_secs(2 * 60 * 60);

/// What a garbage collection found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Collected {
    /// Objects kept (named by a document row, or younger than the grace period).
    pub kept: u64,
    /// Content addresses of the objects removed.
    pub removed: Vec<String>,
}

/// Name of the folder holding documents next to a SQLite database file.
pub const LOCAL_FOLDER: &str = "despatch-documents";

/// Errors from the document store.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The upload was refused (type, size, zip bomb, malware); nothing was stored.
    #[error(transparent)]
    Refused(#[from] UploadError),
    /// The content address is not 64 lower-case hex digits.
    #[error("{0:?} is not a SHA-256 content address (64 lower-case hex digits)")]
    BadAddress(String),
    /// The bytes do not hash to the content address they were given with.
    #[error("the bytes hash to {actual}, not to the content address {claimed}")]
    WrongHash {
        /// The address given.
        claimed: String,
        /// SHA-256 of the bytes.
        actual: String,
    },
    /// `DESPATCH_DOCUMENTS` (or the configured location) cannot be used.
    #[error("document storage {0:?} is not usable: give a folder path, file:///PATH or s3://BUCKET/PREFIX")]
    BadLocation(String),
    /// A setting has a value Despatch cannot use.
    #[error("{name}={value:?} cannot be used: it takes {expected}")]
    BadSetting {
        /// The setting (environment variable).
        name: &'static str,
        /// Its value.
        value: String,
        /// What it takes.
        expected: &'static str,
    },
    /// The object store failed (unreachable, denied, disk full…).
    #[error("document storage failed: {0}")]
    Backend(String),
}

impl From<object_store::Error> for DocumentError {
    fn from(error: object_store::Error) -> Self {
        DocumentError::Backend(error.to_string())
    }
}

/// How to reach an S3-compatible store; what is `None` falls back to the usual `AWS_*`
/// variables (`AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct S3Settings {
    /// Endpoint URL, e.g. `http://127.0.0.1:5005` (none: AWS itself).
    pub endpoint: Option<String>,
    /// Region, e.g. `eu-west-2`.
    pub region: Option<String>,
    /// Access key id.
    pub access_key_id: Option<String>,
    /// Secret access key.
    pub secret_access_key: Option<String>,
}

impl S3Settings {
    /// From `DESPATCH_S3_ENDPOINT`, `DESPATCH_S3_REGION`, `DESPATCH_S3_ACCESS_KEY_ID` and
    /// `DESPATCH_S3_SECRET_ACCESS_KEY` (the secret also from the file named by
    /// `DESPATCH_S3_SECRET_ACCESS_KEY_FILE`); unset ones fall back to `AWS_*`.
    pub fn from_env() -> S3Settings {
        let var = |name: &str| std::env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let from_file =
            |name: &str| var(name).and_then(|path| std::fs::read_to_string(path).ok()).map(|v| v.trim().to_string());
        S3Settings {
            endpoint: var("DESPATCH_S3_ENDPOINT"),
            region: var("DESPATCH_S3_REGION"),
            access_key_id: var("DESPATCH_S3_ACCESS_KEY_ID"),
            secret_access_key: var("DESPATCH_S3_SECRET_ACCESS_KEY")
                .or_else(|| from_file("DESPATCH_S3_SECRET_ACCESS_KEY_FILE")),
        }
    }
}

/// Where document bytes live, and the checks every upload passes before it is stored.
#[derive(Clone)]
pub struct DocumentStore {
    objects: Arc<dyn ObjectStore>,
    prefix: String,
    location: String,
    policy: UploadPolicy,
}

impl fmt::Debug for DocumentStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DocumentStore").field("location", &self.location).field("policy", &self.policy).finish()
    }
}

impl DocumentStore {
    /// Documents in a local folder, created when missing.
    ///
    /// # Errors
    /// [`DocumentError::Backend`] when the folder cannot be created.
    pub fn local(folder: &FsPath) -> Result<DocumentStore, DocumentError> {
        std::fs::create_dir_all(folder)
            .map_err(|e| DocumentError::Backend(format!("cannot create {}: {e}", folder.display())))?;
        let objects = LocalFileSystem::new_with_prefix(folder)?;
        Ok(DocumentStore::over(Arc::new(objects), "", format!("folder {}", folder.display())))
    }

    /// Documents in an S3-compatible bucket under `prefix` (may be empty), reached with
    /// `settings`. An `http://` endpoint is allowed (a store on loopback); paths are addressed
    /// path-style, which every S3-compatible server accepts.
    ///
    /// # Errors
    /// [`DocumentError::Backend`] when the client cannot be built.
    pub fn s3(bucket: &str, prefix: &str, settings: &S3Settings) -> Result<DocumentStore, DocumentError> {
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket).with_virtual_hosted_style_request(false);
        if let Some(endpoint) = &settings.endpoint {
            builder = builder.with_allow_http(endpoint.starts_with("http://")).with_endpoint(endpoint);
        }
        if let Some(region) = &settings.region {
            builder = builder.with_region(region);
        }
        if let Some(key) = &settings.access_key_id {
            builder = builder.with_access_key_id(key);
        }
        if let Some(secret) = &settings.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        let objects = builder.build()?;
        Ok(DocumentStore::over(Arc::new(objects), prefix, format!("s3://{bucket}/{prefix}")))
    }

    /// The store `location` names: `s3://BUCKET/PREFIX`, `file:///PATH` or a folder path; with no
    /// location, the folder [`LOCAL_FOLDER`] in `default_parent` (the SQLite file's folder).
    /// The CLI passes `DESPATCH_DOCUMENTS` here.
    ///
    /// # Errors
    /// [`DocumentError::BadLocation`] for an unusable location, else as [`DocumentStore::local`]
    /// and [`DocumentStore::s3`].
    pub fn open(location: Option<&str>, default_parent: &FsPath) -> Result<DocumentStore, DocumentError> {
        let Some(location) = location.map(str::trim).filter(|l| !l.is_empty()) else {
            return DocumentStore::local(&default_parent.join(LOCAL_FOLDER));
        };
        if let Some(rest) = location.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(DocumentError::BadLocation(location.to_string()));
            }
            return DocumentStore::s3(bucket, prefix.trim_matches('/'), &S3Settings::from_env());
        }
        if location.contains("://") && !location.starts_with("file://") {
            return Err(DocumentError::BadLocation(location.to_string()));
        }
        DocumentStore::local(FsPath::new(location.trim_start_matches("file://")))
    }

    /// What the environment configures: the location in `DESPATCH_DOCUMENTS` (as
    /// [`DocumentStore::open`]; unset, a folder next to the SQLite file in `default_parent`) with
    /// the checks of [`UploadPolicy::from_env`] (`DESPATCH_CLAMD`, `DESPATCH_MAX_UPLOAD_BYTES`).
    ///
    /// # Errors
    /// As [`DocumentStore::open`] and [`UploadPolicy::from_env`].
    pub fn from_env(default_parent: &FsPath) -> Result<DocumentStore, DocumentError> {
        let location = std::env::var("DESPATCH_DOCUMENTS").ok();
        Ok(DocumentStore::open(location.as_deref(), default_parent)?.with_policy(UploadPolicy::from_env()?))
    }

    fn over(objects: Arc<dyn ObjectStore>, prefix: &str, location: String) -> DocumentStore {
        DocumentStore {
            objects,
            prefix: prefix.trim_matches('/').to_string(),
            location,
            policy: UploadPolicy::default(),
        }
    }

    /// The same store with these upload checks (default: [`UploadPolicy::default`]).
    pub fn with_policy(mut self, policy: UploadPolicy) -> DocumentStore {
        self.policy = policy;
        self
    }

    /// The upload checks in force.
    pub fn policy(&self) -> &UploadPolicy {
        &self.policy
    }

    /// Where the documents are, for messages (`folder /var/lib/despatch/despatch-documents`).
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The object key of a content address: `PREFIX/sha256/ab/cdef…`.
    ///
    /// # Errors
    /// [`DocumentError::BadAddress`] unless `sha256` is 64 lower-case hex digits.
    pub fn key(&self, sha256: &str) -> Result<Path, DocumentError> {
        let valid = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !valid {
            return Err(DocumentError::BadAddress(sha256.to_string()));
        }
        let key = format!("sha256/{}/{}", &sha256[..2], &sha256[2..]);
        Ok(if self.prefix.is_empty() { Path::from(key) } else { Path::from(format!("{}/{key}", self.prefix)) })
    }

    /// Writes the bytes under their content address, unless an object is already there (then it
    /// is a no-op: objects are immutable; one older than [`REFRESH_AFTER`] is written again with
    /// the same bytes to renew its time). Returns true when this call wrote the object.
    ///
    /// # Errors
    /// [`DocumentError::WrongHash`] when the bytes do not hash to `sha256` (nothing is written),
    /// [`DocumentError::BadAddress`], [`DocumentError::Backend`].
    pub async fn put(&self, sha256: &str, bytes: &[u8]) -> Result<bool, DocumentError> {
        let key = self.key(sha256)?;
        let actual = hex::encode(Sha256::digest(bytes));
        if actual != sha256 {
            return Err(DocumentError::WrongHash { claimed: sha256.to_string(), actual });
        }
        let renew_before = Utc::now() - REFRESH_AFTER;
        match self.objects.head(&key).await {
            Ok(meta) if meta.size == bytes.len() as u64 && meta.last_modified > renew_before => return Ok(false),
            // Same bytes written again to renew an old object's time (see REFRESH_AFTER), or a
            // damaged object (wrong size) replaced.
            Ok(_) | Err(object_store::Error::NotFound { .. }) => {}
            Err(error) => return Err(error.into()),
        }
        self.objects.put(&key, PutPayload::from(bytes.to_vec())).await?;
        Ok(true)
    }

    /// The bytes stored under a content address, or `None` when there is no such object.
    ///
    /// # Errors
    /// [`DocumentError::BadAddress`], [`DocumentError::Backend`].
    pub async fn get(&self, sha256: &str) -> Result<Option<Vec<u8>>, DocumentError> {
        let key = self.key(sha256)?;
        match self.objects.get(&key).await {
            Ok(found) => Ok(Some(found.bytes().await?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    /// Removes the objects no document row in `store` names (left by an upload whose case
    /// transaction was refused or never committed) and last written more than `grace` before
    /// `now`. Objects whose key is not a content address are never touched.
    ///
    /// # Errors
    /// [`DocumentError::BadSetting`] for a grace period under [`MIN_GRACE`]; a failing listing,
    /// read or delete as [`StoreError`].
    pub async fn collect_garbage(
        &self,
        store: &dyn Store,
        grace: Duration,
        now: DateTime<Utc>,
    ) -> Result<Collected, StoreError> {
        if grace < MIN_GRACE {
            let value = format!("{} s", grace.as_secs());
            let expected = "a grace period of at least two hours";
            return Err(DocumentError::BadSetting { name: "grace", value, expected }.into());
        }
        let cutoff = now - grace;
        let root =
            if self.prefix.is_empty() { Path::from("sha256") } else { Path::from(format!("{}/sha256", self.prefix)) };
        let mut listing = self.objects.list(Some(&root));
        let mut collected = Collected::default();
        while let Some(meta) = listing.next().await {
            let meta = meta.map_err(DocumentError::from)?;
            let parts: Vec<_> = meta.location.parts().collect();
            let sha256 = match parts.as_slice() {
                [.., dir, rest] => format!("{}{}", dir.as_ref(), rest.as_ref()),
                _ => continue,
            };
            if self.key(&sha256).ok().as_ref() != Some(&meta.location) {
                continue;
            }
            if meta.last_modified > cutoff || store.document_scan(&sha256).await?.is_some() {
                collected.kept += 1;
                continue;
            }
            self.objects.delete(&meta.location).await.map_err(DocumentError::from)?;
            collected.removed.push(sha256);
        }
        Ok(collected)
    }
}
