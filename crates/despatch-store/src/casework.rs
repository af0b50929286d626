//! The casework service: load a case, run the engine, save the outcome. It orchestrates; the
//! engine decides.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Datelike, Utc};
use despatch_domain::case::{CaseState, DocumentRef};
use despatch_domain::command::{Actor, Command, NewCase};
use despatch_domain::engine::{self, Outcome, World, london_date};

use crate::fingerprints::LetterFingerprint;
use crate::{DocumentStore, NewDocument, OpenFn, Store, StoreError, StoredDocument};

/// Casework over a store: creating cases and executing commands as one transaction each.
///
/// Cases this process wrote are kept in a write-through cache, so the next command on a case
/// need not read it back. The cache is never trusted for correctness: every save is guarded by
/// the case version in the database, and a save refused as stale (another process wrote) evicts
/// the entry and, when the caller did not pin a version, retries once on a fresh read.
#[derive(Clone)]
pub struct Casework {
    store: Arc<dyn Store>,
    world: Arc<RwLock<Arc<World>>>,
    cache: Option<Arc<Mutex<HashMap<i64, CaseState>>>>,
    documents: Option<DocumentStore>,
}

/// Most cases cached before the cache is emptied.
const MAX_CACHED: usize = 50_000;

impl Casework {
    /// A service over `store` with the given world (definitions, calendars, directory).
    pub fn new(store: Arc<dyn Store>, world: World) -> Casework {
        Casework { store, world: Arc::new(RwLock::new(Arc::new(world))), cache: Some(Arc::default()), documents: None }
    }

    /// The same service keeping document bytes in `documents` (a folder or S3) rather than in the
    /// database. Every document attached through it first passes the store's upload checks
    /// ([`crate::UploadPolicy`]: type, size, zip bomb, malware scan when configured), then its bytes
    /// are written to object storage, and only then are the case's rows committed; a refusal
    /// leaves the case unchanged. Without it, bytes go into the database unchecked and not scanned.
    pub fn with_documents(mut self, documents: DocumentStore) -> Casework {
        self.documents = Some(documents);
        self
    }

    /// The document store, when one is configured.
    pub fn documents(&self) -> Option<&DocumentStore> {
        self.documents.as_ref()
    }

    /// The bytes of a document, from the database (documents stored there) or else the document
    /// store; `None` when neither holds it.
    pub async fn document_bytes(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        if let Some(bytes) = self.store.document_bytes(sha256).await? {
            return Ok(Some(bytes));
        }
        match &self.documents {
            Some(documents) => Ok(documents.get(sha256).await?),
            None => Ok(None),
        }
    }

    /// Checks and uploads each document to the document store (when configured), returning what
    /// the writer records. Runs before any SQL row is written: an object without rows is harmless.
    async fn upload(&self, files: Vec<NewDocument>) -> Result<Vec<StoredDocument>, StoreError> {
        let Some(documents) = &self.documents else {
            return Ok(files.into_iter().map(StoredDocument::from).collect());
        };
        let mut checked = Vec::with_capacity(files.len());
        for file in &files {
            checked.push(documents.policy().check(&file.bytes).await.map_err(crate::DocumentError::from)?);
        }
        let mut stored = Vec::with_capacity(files.len());
        for (file, checked) in files.into_iter().zip(checked) {
            documents.put(&file.sha256, &file.bytes).await?;
            stored.push(StoredDocument {
                size: file.bytes.len() as u64,
                sha256: file.sha256,
                bytes: None,
                text: file.text,
                scan: checked.scan,
            });
        }
        Ok(stored)
    }

    /// The same service reading every case from the store before each command (no cache).
    pub fn without_cache(mut self) -> Casework {
        self.cache = None;
        self
    }

    fn cached(&self, id: i64) -> Option<CaseState> {
        let cache = self.cache.as_ref()?;
        cache.lock().ok()?.get(&id).cloned()
    }

    fn remember(&self, state: &CaseState) {
        if let Some(mut cache) = self.cache.as_ref().and_then(|cache| cache.lock().ok()) {
            if cache.len() >= MAX_CACHED {
                cache.clear();
            }
            cache.insert(state.id, state.clone());
        }
    }

    fn forget(&self, id: i64) {
        if let Some(mut cache) = self.cache.as_ref().and_then(|cache| cache.lock().ok()) {
            cache.remove(&id);
        }
    }

    async fn load(&self, id: i64) -> Result<CaseState, StoreError> {
        self.store.case(id).await?.ok_or_else(|| StoreError::NotFound(id.to_string()))
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The world in force.
    pub fn world(&self) -> Arc<World> {
        match self.world.read() {
            Ok(world) => Arc::clone(&world),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Replaces the world (after definitions, holidays or the directory change).
    pub fn set_world(&self, world: World) {
        let mut guard = match self.world.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = Arc::new(world);
    }

    /// Opens a case; the reference's year is the year of creation in Europe/London.
    pub async fn open(&self, new: NewCase, actor: &Actor, now: DateTime<Utc>) -> Result<Outcome, StoreError> {
        let world = self.world();
        let actor = actor.clone();
        let case_type = new.case_type.clone();
        let year = london_date(now).year();
        let open = Box::new(move |id, reference| engine::open_case(&new, id, reference, &actor, &world, now));
        let outcome = counted("open case", self.store.create_case(&case_type, year, open, Vec::new()).await)?;
        self.remember(&outcome.state);
        Ok(outcome)
    }

    /// Opens a case and applies `then` to it (attaching its documents, closing an imported
    /// reply…) in the same transaction: either all of it is stored or none. `documents` holds the
    /// bytes and text of every document an `AttachDocument` command in `then` names.
    pub async fn open_with(
        &self,
        new: NewCase,
        then: Vec<Command>,
        documents: Vec<NewDocument>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Outcome, StoreError> {
        self.open_letter(new, then, documents, None, actor, now).await
    }

    /// As [`Casework::open_with`], also storing the fingerprint of the incoming letter the case is
    /// registered from (when given) in the same transaction.
    pub async fn open_letter(
        &self,
        new: NewCase,
        then: Vec<Command>,
        documents: Vec<NewDocument>,
        fingerprint: Option<LetterFingerprint>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Outcome, StoreError> {
        let world = self.world();
        let actor = actor.clone();
        let case_type = new.case_type.clone();
        let year = london_date(now).year();
        let open: OpenFn = Box::new(move |id, reference| {
            let mut outcome = engine::open_case(&new, id, reference, &actor, &world, now)?;
            for command in &then {
                let next = engine::execute(&outcome.state, command, &actor, &world, now)?;
                outcome.state = next.state;
                outcome.events.extend(next.events);
                outcome.notifications.extend(next.notifications);
            }
            Ok(outcome)
        });
        let documents = self.upload(documents).await?;
        let outcome = match fingerprint {
            Some(fingerprint) => self.store.create_letter_case(&case_type, year, open, documents, fingerprint).await?,
            None => self.store.create_case_recorded(&case_type, year, open, documents).await?,
        };
        self.remember(&outcome.state);
        Ok(outcome)
    }

    /// Attaches one document to a case (one transaction: the event, the bytes, the search text).
    /// With a document store, the upload is checked and its bytes written there first; a refused
    /// upload fails with [`StoreError::Document`] and the case is unchanged.
    pub async fn attach(
        &self,
        case_id: i64,
        document: DocumentRef,
        file: NewDocument,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Outcome, StoreError> {
        self.store_document(case_id, &Command::AttachDocument { document }, file, actor, now).await
    }

    /// Records a resend on a case: the same letter received again is attached to it with an
    /// event naming the file (one transaction, checked and uploaded as [`Casework::attach`]).
    pub async fn record_resend(
        &self,
        case_id: i64,
        document: DocumentRef,
        file: NewDocument,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Outcome, StoreError> {
        self.store_document(case_id, &Command::RecordResend { document }, file, actor, now).await
    }

    /// Runs a command that attaches `file` (its `DocumentAdded` event names it: a draft edited in
    /// the browser, a contribution sent as a document) on the case as stored, then saves both
    /// together, checked and uploaded as [`Casework::attach`].
    pub async fn execute_with_document(
        &self,
        case_id: i64,
        command: &Command,
        file: NewDocument,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Outcome, StoreError> {
        counted(command.name(), self.store_document(case_id, command, file, actor, now).await)
    }

    /// Runs a command attaching `file` on the case as stored, then saves both together.
    async fn store_document(
        &self,
        case_id: i64,
        command: &Command,
        file: NewDocument,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Outcome, StoreError> {
        let state = self.load(case_id).await?;
        let outcome = engine::execute(&state, command, actor, &self.world(), now)?;
        let files = self.upload(vec![file]).await?;
        self.store.save_recorded(state.version, outcome.clone(), files).await?;
        self.remember(&outcome.state);
        Ok(outcome)
    }

    /// Executes a command on the case as the actor saw it (`state.version` guards the write).
    pub async fn execute_on(
        &self,
        state: &CaseState,
        command: &Command,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Outcome, StoreError> {
        let outcome = engine::execute(state, command, actor, &self.world(), now)?;
        match self.store.save(state.version, outcome.clone(), Vec::new()).await {
            Ok(()) => {
                self.remember(&outcome.state);
                Ok(outcome)
            }
            Err(error) => {
                self.forget(state.id);
                Err(error)
            }
        }
    }

    /// Loads the case and executes a command on it. `expected_version`, when given, is the
    /// version the user saw; a different stored version fails with "case changed, reload".
    /// Counted in the `despatch_commands_total` metric by command and result.
    pub async fn execute(
        &self,
        case_id: i64,
        expected_version: Option<u64>,
        command: &Command,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Outcome, StoreError> {
        counted(command.name(), self.execute_uncounted(case_id, expected_version, command, actor, now).await)
    }

    async fn execute_uncounted(
        &self,
        case_id: i64,
        expected_version: Option<u64>,
        command: &Command,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Outcome, StoreError> {
        let state = match (self.cached(case_id), expected_version) {
            (Some(state), Some(expected)) if state.version == expected => state,
            (Some(state), None) => {
                // Unpinned: a stale cached copy is refused by the version guard; retry once fresh.
                match self.execute_on(&state, command, actor, now).await {
                    Err(StoreError::Command(engine::CommandError::StaleVersion { .. })) => self.load(case_id).await?,
                    // A refusal decided on the cached copy may be out of date (another process
                    // moved the case on): decide again on the stored case when it is newer.
                    Err(StoreError::Command(refusal)) => {
                        let stored = self.load(case_id).await?;
                        if stored.version == state.version {
                            return Err(refusal.into());
                        }
                        stored
                    }
                    other => return other,
                }
            }
            _ => self.load(case_id).await?,
        };
        if let Some(expected) = expected_version
            && expected != state.version
        {
            return Err(engine::CommandError::StaleVersion { expected, actual: state.version }.into());
        }
        self.execute_on(&state, command, actor, now).await
    }
}

/// Counts a command's result in the `despatch_commands_total` metric (labels `command`, and
/// `result`: `ok`, `invalid`, `conflict`, `refused` or `error`), then passes it on.
fn counted<T>(command: &'static str, result: Result<T, StoreError>) -> Result<T, StoreError> {
    use engine::CommandError as E;
    let label = match &result {
        Ok(_) => "ok",
        Err(StoreError::Command(E::Invalid(_) | E::NoDecision { .. } | E::UnknownCaseType(_))) => "invalid",
        Err(StoreError::Command(E::StaleVersion { .. } | E::StageMoved { .. })) => "conflict",
        Err(StoreError::Command(_)) => "refused",
        Err(_) => "error",
    };
    metrics::counter!("despatch_commands_total", "command" => command, "result" => label).increment(1);
    result
}
