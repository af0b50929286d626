//! Durable storage for Despatch.
//!
//! One [`Store`] interface, implemented once over sqlx's `Any` driver for SQLite (the embedded
//! default, a file in WAL mode with `synchronous=FULL`) and PostgreSQL (`postgres://…`). Only the
//! full-text search SQL differs between the two (FTS5 and tsvector), chosen by [`Backend`].
//!
//! A command on a case is one transaction: the case row, its stage visits, its hash-chained
//! events and its search rows are written together or not at all, guarded by the case version.
//! Writes go through one writer task that commits several waiting commands per transaction
//! (group commit): each command runs inside its own savepoint, so one failing command never
//! affects another, and every reply is sent only after the commit is durable.
//!
//! **Architecture invariant:** this crate holds no business rules; the engine in
//! `despatch-domain` decides, the store records.

pub mod accounts;
mod casework;
mod clamd;
pub mod documents;
pub mod drafting;
pub mod fingerprints;
pub mod outbox;
mod sql;
pub mod templates;
pub mod tokens;
pub mod upload;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDate;
use despatch_domain::audit::ChainBreak;
use despatch_domain::case::CaseState;
use despatch_domain::directory::Directory;
use despatch_domain::engine::{CommandError, Outcome};
use despatch_domain::reference::Reference;
use serde::Serialize;

pub use accounts::{
    Account, Accounts, AllocationFilter, SessionRecord, TeamCounts, Workload, WorkstackQuery, WorkstackSort,
};
pub use casework::Casework;
pub use documents::{Collected, DocumentError, DocumentStore, S3Settings};
pub use drafting::{ContributionRequest, Contributions, Loaded, StandardLines, StoredLine};
pub use fingerprints::{CampaignCandidate, Fingerprints, KnownSender, LetterFingerprint, SenderKey};
pub use outbox::{Outbox, OutboxMessage};
pub use sql::SqlStore;
pub use templates::{ReplyTemplates, StoredTemplate};
pub use tokens::{ApiToken, ApiTokens};
pub use upload::{Checked, ScanStatus, UploadError, UploadPolicy};

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Backend {
    /// SQLite file (default).
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// Errors from the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The engine refused the command (including a stale version).
    #[error(transparent)]
    Command(#[from] CommandError),
    /// The database URL is not one Despatch can use.
    #[error("unsupported database URL {0:?}: use a file path, sqlite://PATH or postgres://…")]
    BadUrl(String),
    /// The database was written by a newer Despatch.
    #[error("the database is at schema version {found}, newer than this binary knows ({known}); upgrade Despatch")]
    NewerDatabase {
        /// Newest schema version in the database.
        found: i64,
        /// Newest schema version this binary knows.
        known: i64,
    },
    /// The file is not a Despatch database, or it is damaged.
    #[error("the database cannot be read ({0}); is it a Despatch database, and is the file intact?")]
    Corrupt(String),
    /// No such case.
    #[error("no case {0}")]
    NotFound(String),
    /// Stored data could not be decoded.
    #[error("stored data could not be read: {0}")]
    Decode(String),
    /// The writer could not write.
    #[error("the write failed: {0}")]
    Write(String),
    /// The writer task has stopped (the store is shutting down).
    #[error("the store is shutting down")]
    Closed,
    /// A database error.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A document was refused by the upload checks, or its bytes could not be stored or read;
    /// nothing of the command was stored.
    #[error(transparent)]
    Document(#[from] DocumentError),
}

/// A case-opening function run inside the creating transaction, given the new case's id and
/// reference from the global sequence.
pub type OpenFn = Box<dyn FnOnce(i64, Reference) -> Result<Outcome, CommandError> + Send>;

/// The bytes and text of a document attached by an outcome (its `DocumentAdded` event names it
/// by SHA-256). Stored once per content, whatever the number of cases holding it; its text is
/// indexed for search in the same transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDocument {
    /// SHA-256 of `bytes`, hex.
    pub sha256: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Text read from it, for search.
    pub text: String,
}

/// A document as the writer records it: its text for search, its scan result, and its bytes when
/// they are kept in the database (`None` when they are in the [`DocumentStore`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDocument {
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// Size of the bytes.
    pub size: u64,
    /// The bytes, when kept in the database; `None` when already written to object storage.
    pub bytes: Option<Vec<u8>>,
    /// Text read from it, for search.
    pub text: String,
    /// What the malware scan found.
    pub scan: ScanStatus,
}

impl From<NewDocument> for StoredDocument {
    /// Bytes kept in the database, not scanned.
    fn from(document: NewDocument) -> Self {
        StoredDocument {
            size: document.bytes.len() as u64,
            sha256: document.sha256,
            bytes: Some(document.bytes),
            text: document.text,
            scan: ScanStatus::NotScanned,
        }
    }
}

/// A search request. All filters are optional; text matches case details, correspondents,
/// topics, notes and document text.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    /// Words to find (all must match), or a case reference.
    pub text: Option<String>,
    /// Only this case type.
    pub case_type: Option<String>,
    /// Only open cases.
    pub active_only: bool,
    /// Received on or after (civil date).
    pub received_from: Option<NaiveDate>,
    /// Received on or before (civil date).
    pub received_to: Option<NaiveDate>,
    /// Only cases whose current stage is with one of these teams, or that one of them has held a
    /// stage of (what a user of these teams may see); `None` for no restriction.
    pub teams: Option<Vec<String>>,
    /// With `teams`, also every case of these case types (those the user has a level for).
    /// Ignored without `teams`.
    pub or_case_types: Vec<String>,
    /// 1-based page.
    pub page: u32,
    /// Results per page (1–500).
    pub page_size: u32,
}

/// One row of a workstack or search result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseSummary {
    /// Case id.
    pub id: i64,
    /// Case reference.
    pub reference: String,
    /// Case type.
    pub case_type: String,
    /// Current stage, `None` when closed.
    pub stage: Option<String>,
    /// Owning team.
    pub team: Option<String>,
    /// Allocated user.
    pub user: Option<String>,
    /// Stage deadline.
    pub stage_deadline: Option<NaiveDate>,
    /// Case deadline.
    pub deadline: Option<NaiveDate>,
    /// Received date.
    pub received: NaiveDate,
    /// The primary correspondent's name and the primary topic code, as the writer last stored
    /// them beside the state; `None` for a row not written since they were added (read the case).
    pub listed: Option<Listed>,
}

/// The workstack columns of a case that live inside its state, stored beside it so a page of
/// rows needs no case loads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listed {
    /// The primary correspondent's name, `None` when the case has none.
    pub correspondent: Option<String>,
    /// The primary topic code, `None` when the case has none.
    pub primary_topic: Option<String>,
}

/// A page of results with the true total (never capped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page {
    /// Total matching cases.
    pub total: u64,
    /// This page's rows.
    pub rows: Vec<CaseSummary>,
}

/// One visit of a stage, as kept in the stage history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageVisit {
    /// Visit number.
    pub visit: u32,
    /// Stage id.
    pub stage: String,
    /// Owning team.
    pub team: String,
    /// Last allocated user.
    pub user: Option<String>,
    /// Stage deadline.
    pub deadline: Option<NaiveDate>,
    /// Started (UTC, RFC 3339).
    pub started_at: String,
    /// Ended (UTC, RFC 3339).
    pub ended_at: Option<String>,
    /// Who completed it.
    pub completed_by: Option<String>,
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredEventRow {
    /// Position in the case's chain (1-based).
    pub seq: u64,
    /// Event type.
    pub event_type: String,
    /// Event JSON.
    pub body: String,
    /// Hash of this event.
    pub hash: String,
}

/// The storage interface. One implementation, [`SqlStore`], serves both backends; the storage
/// test suite runs against each.
#[async_trait]
pub trait Store:
    Accounts + Workload + Fingerprints + ApiTokens + Outbox + StandardLines + Contributions + ReplyTemplates + Send + Sync
{
    /// Which backend this is.
    fn backend(&self) -> Backend;

    /// Creates a case: takes the next number of the global case-reference sequence, runs `open`
    /// with the id and reference, and saves the outcome with the documents it attaches (bytes in
    /// the database, not scanned), all in one transaction.
    async fn create_case(
        &self,
        case_type: &str,
        year: i32,
        open: OpenFn,
        documents: Vec<NewDocument>,
    ) -> Result<Outcome, StoreError> {
        self.create_case_recorded(case_type, year, open, documents.into_iter().map(StoredDocument::from).collect())
            .await
    }

    /// As [`Store::create_case`], with documents whose bytes may already be in object storage.
    async fn create_case_recorded(
        &self,
        case_type: &str,
        year: i32,
        open: OpenFn,
        documents: Vec<StoredDocument>,
    ) -> Result<Outcome, StoreError>;

    /// Saves an outcome of the engine (and the documents it attaches, bytes in the database, not
    /// scanned) for a case at `expected_version`. Fails with
    /// [`CommandError::StaleVersion`] when another command saved first.
    async fn save(
        &self,
        expected_version: u64,
        outcome: Outcome,
        documents: Vec<NewDocument>,
    ) -> Result<(), StoreError> {
        self.save_recorded(expected_version, outcome, documents.into_iter().map(StoredDocument::from).collect()).await
    }

    /// As [`Store::save`], with documents whose bytes may already be in object storage.
    async fn save_recorded(
        &self,
        expected_version: u64,
        outcome: Outcome,
        documents: Vec<StoredDocument>,
    ) -> Result<(), StoreError>;

    /// The cases holding a document with this SHA-256, as (case id, reference), oldest first.
    async fn cases_with_document(&self, sha256: &str) -> Result<Vec<(i64, String)>, StoreError>;

    /// The bytes of a document kept in the database (documents stored before object storage, or
    /// by a service without a [`DocumentStore`]); `None` when unknown or held in object storage
    /// ([`Casework::document_bytes`] reads both).
    async fn document_bytes(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// What the malware scan found for a stored document; `None` when no such document.
    async fn document_scan(&self, sha256: &str) -> Result<Option<ScanStatus>, StoreError>;

    /// The case with this id.
    async fn case(&self, id: i64) -> Result<Option<CaseState>, StoreError>;

    /// The case with this reference, or this legacy reference.
    async fn case_by_reference(&self, reference: &str) -> Result<Option<CaseState>, StoreError>;

    /// Full-text and filtered search, paginated, with the true total.
    async fn search(&self, query: &SearchQuery) -> Result<Page, StoreError>;

    /// Open cases of a team (optionally one stage), oldest deadline first.
    async fn workstack(&self, team: &str, stage: Option<&str>, page: u32, page_size: u32) -> Result<Page, StoreError>;

    /// Every stage visit of a case, in order.
    async fn stage_history(&self, case_id: i64) -> Result<Vec<StageVisit>, StoreError>;

    /// Every event of a case, in order.
    async fn events(&self, case_id: i64) -> Result<Vec<StoredEventRow>, StoreError>;

    /// Checks every case's event chain; returns the breaks found.
    async fn verify_audit(&self) -> Result<(u64, Vec<ChainBreak>), StoreError>;

    /// The organisation directory.
    async fn directory(&self) -> Result<Directory, StoreError>;

    /// Replaces the organisation directory (teams, topics, links, users, memberships).
    async fn save_directory(&self, directory: &Directory) -> Result<(), StoreError>;

    /// The bank-holiday feed stored by an administrator, if any (GOV.UK JSON).
    async fn bank_holidays(&self) -> Result<Option<String>, StoreError>;

    /// Stores a bank-holiday feed (GOV.UK JSON), replacing the previous one.
    async fn save_bank_holidays(&self, feed: &str) -> Result<(), StoreError>;

    /// Copies SQLite's write-ahead log into the database file and empties it, so that the file
    /// alone is a complete copy (call it when a command finishes). No-op on PostgreSQL.
    async fn checkpoint(&self) -> Result<(), StoreError>;

    /// Number of cases (open, total).
    async fn count_cases(&self) -> Result<(u64, u64), StoreError>;
}

/// Opens a store from a URL: a file path or `sqlite://PATH` for SQLite (created when missing),
/// `postgres://…` for PostgreSQL. Applies embedded migrations, refusing a database that a newer
/// Despatch wrote.
pub async fn open(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    Ok(Arc::new(SqlStore::open(url).await?))
}
