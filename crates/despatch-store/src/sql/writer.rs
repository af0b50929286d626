//! The writer: one thread and one connection that commit waiting commands in batches (group
//! commit).
//!
//! A batch of one is its own transaction. In a larger batch each job runs in a savepoint, so a
//! refused job is rolled back alone; the batch commits once. Replies are sent only after the
//! commit, so a reply is an acknowledgement that the step is durable.

use std::collections::HashMap;

use despatch_domain::engine::Outcome;
use tokio::sync::{mpsc, oneshot};

use super::MAX_BATCH;
use super::conn::WriterConnection;
use super::write::{self, Frame, Head};
use crate::fingerprints::LetterFingerprint;
use crate::{Backend, OpenFn, StoreError, StoredDocument};

/// Work for the writer.
pub(super) enum Job {
    /// Create a case.
    Create {
        case_type: String,
        year: i32,
        open: OpenFn,
        documents: Vec<StoredDocument>,
        /// An incoming letter's fingerprint, stored with the case.
        fingerprint: Option<Box<LetterFingerprint>>,
        reply: oneshot::Sender<Result<Outcome, StoreError>>,
    },
    /// Checkpoint the write-ahead log; runs alone, outside any batch.
    Checkpoint { reply: CheckpointReply },
    /// Save an outcome.
    Save {
        expected_version: u64,
        outcome: Box<Outcome>,
        /// The outcome's JSON, encoded by the caller.
        encoded: write::Encoded,
        documents: Vec<StoredDocument>,
        reply: oneshot::Sender<Result<(), StoreError>>,
    },
}

/// Asks the writer to checkpoint the write-ahead log (SQLite), between batches.
pub(super) type CheckpointReply = oneshot::Sender<Result<(), StoreError>>;

/// Opens a fresh writer connection after a failure.
pub(super) type Reconnect = Box<dyn Fn() -> Result<Box<dyn WriterConnection>, StoreError> + Send>;

/// Remembered audit-chain heads by case id (recorded only after their batch committed).
type Heads = HashMap<i64, Head>;

/// Most heads remembered before the memory is cleared.
const MAX_HEADS: usize = 100_000;

const ALONE_SQLITE: Frame = Frame { begin: "BEGIN IMMEDIATE", end: "COMMIT" };
const ALONE_POSTGRES: Frame = Frame { begin: "BEGIN", end: "COMMIT" };
/// Inside a batch the writer opens the savepoint itself, so that a job refused before writing
/// anything can still be rolled back to it.
const IN_BATCH: Frame = Frame { begin: "", end: "RELEASE SAVEPOINT job" };

/// A finished job: its reply, its result, and the head to remember once committed.
enum Done {
    Created(oneshot::Sender<Result<Outcome, StoreError>>, Box<Result<Outcome, StoreError>>, Option<(i64, Head)>),
    Saved(oneshot::Sender<Result<(), StoreError>>, Result<(), StoreError>, Option<(i64, Head)>),
    Checkpointed(CheckpointReply, Result<(), StoreError>),
}

impl Done {
    fn unstarted(job: Job) -> Done {
        match job {
            Job::Create { reply, .. } => Done::Created(reply, Box::new(Err(StoreError::Closed)), None),
            Job::Save { reply, .. } => Done::Saved(reply, Err(StoreError::Closed), None),
            Job::Checkpoint { reply } => Done::Checkpointed(reply, Err(StoreError::Closed)),
        }
    }

    fn is_ok(&self) -> bool {
        match self {
            Done::Created(_, result, _) => result.is_ok(),
            Done::Saved(_, result, _) | Done::Checkpointed(_, result) => result.is_ok(),
        }
    }

    fn head(&self) -> Option<&(i64, Head)> {
        match self {
            Done::Created(_, _, head) | Done::Saved(_, _, head) => head.as_ref(),
            Done::Checkpointed(..) => None,
        }
    }

    fn fail(self, message: &str) {
        let error = || StoreError::Write(message.to_string());
        match self {
            Done::Created(reply, _, _) => drop(reply.send(Err(error()))),
            Done::Saved(reply, _, _) | Done::Checkpointed(reply, _) => drop(reply.send(Err(error()))),
        }
    }

    fn send(self) {
        match self {
            Done::Created(reply, result, _) => drop(reply.send(*result)),
            Done::Saved(reply, result, _) | Done::Checkpointed(reply, result) => drop(reply.send(result)),
        }
    }
}

/// The writer's connection and what it remembers between batches: it commits batches of jobs
/// and runs checkpoints, on whichever thread drives it (the writer thread, or for SQLite the
/// caller that found it free: [`super::inline`]).
pub(super) struct Committer {
    connection: Option<Box<dyn WriterConnection>>,
    reconnect: Reconnect,
    backend: Backend,
    heads: Heads,
}

impl Committer {
    /// A committer on an open connection; `reconnect` opens a fresh one after a failure.
    pub fn new(connection: Box<dyn WriterConnection>, reconnect: Reconnect, backend: Backend) -> Committer {
        Committer { connection: Some(connection), reconnect, backend, heads: Heads::new() }
    }

    /// Checkpoints the write-ahead log (outside any batch) and answers `reply`.
    pub fn checkpoint(&mut self, reply: CheckpointReply) {
        let result = match self.connection.as_mut() {
            Some(conn) => conn.checkpoint(),
            None => Err(StoreError::Write("the database is unreachable".to_string())),
        };
        let _ = reply.send(result);
    }

    /// Commits a batch (no checkpoint in it) and answers every job, after the commit. A failed
    /// transaction fails every reply and drops the connection, to be opened again next time.
    pub fn commit(&mut self, batch: Vec<Job>) {
        if self.connection.is_none() {
            self.connection = (self.reconnect)().ok();
        }
        let Some(conn) = self.connection.as_mut() else {
            batch.into_iter().map(Done::unstarted).for_each(|d| d.fail("the database is unreachable"));
            return;
        };
        if self.heads.len() > MAX_HEADS {
            self.heads.clear();
        }
        if let Err(error) = commit_batch(conn.as_mut(), self.backend, batch, &mut self.heads) {
            tracing::error!(%error, "a write batch failed; reconnecting");
            self.heads.clear();
            self.connection = None;
        } else if let Err(error) = conn.maintain() {
            tracing::warn!(%error, "search housekeeping failed; it will be tried again");
        }
    }
}

/// Runs on the writer thread until every sender is dropped, locking the shared committer for
/// each batch (a caller may be committing inline: [`super::inline`]).
pub(super) fn run(shared: std::sync::Arc<super::inline::Shared>, mut jobs: mpsc::Receiver<Job>) {
    while let Some(first) = next_job(&mut jobs) {
        shared.taken(1);
        if let Job::Checkpoint { reply } = first {
            shared.committer().checkpoint(reply);
            continue;
        }
        let mut batch = vec![first];
        let mut checkpoint = None;
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(Job::Checkpoint { reply }) => {
                    checkpoint = Some(reply);
                    break;
                }
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        shared.taken(batch.len() - 1 + usize::from(checkpoint.is_some()));
        let mut committer = shared.committer();
        shared.committed(batch.len());
        committer.commit(batch);
        if let Some(reply) = checkpoint {
            committer.checkpoint(reply);
        }
    }
}

/// How long the writer keeps looking for the next job before it sleeps: a client that has just
/// been answered usually sends its next step within this time, and catching it awake saves a
/// sleep and a wake-up (two thread switches) per step.
const STAY_AWAKE: std::time::Duration = std::time::Duration::from_micros(150);

/// The next job, or `None` when every sender is gone.
fn next_job(jobs: &mut mpsc::Receiver<Job>) -> Option<Job> {
    let started = std::time::Instant::now();
    while started.elapsed() < STAY_AWAKE {
        match jobs.try_recv() {
            Ok(job) => return Some(job),
            Err(mpsc::error::TryRecvError::Disconnected) => return None,
            Err(mpsc::error::TryRecvError::Empty) => std::hint::spin_loop(),
        }
    }
    jobs.blocking_recv()
}

/// Runs a batch. Errors only when the transaction itself failed, after failing every reply.
fn commit_batch(
    conn: &mut dyn WriterConnection,
    backend: Backend,
    batch: Vec<Job>,
    heads: &mut Heads,
) -> Result<(), StoreError> {
    if batch.len() == 1 {
        let frame = if backend == Backend::Sqlite { ALONE_SQLITE } else { ALONE_POSTGRES };
        let done: Vec<Done> = batch
            .into_iter()
            .map(|job| {
                let finished = apply(conn, backend, frame, job, heads);
                if !finished.is_ok() {
                    // The job may have left its transaction open; nothing of it may stay.
                    let _ = conn.exec("ROLLBACK");
                }
                finished
            })
            .collect();
        remember(&done, heads);
        done.into_iter().for_each(Done::send);
        return Ok(());
    }
    let begin = if backend == Backend::Sqlite { "BEGIN IMMEDIATE" } else { "BEGIN" };
    if let Err(error) = conn.exec(begin) {
        let message = error.to_string();
        batch.into_iter().map(Done::unstarted).for_each(|d| d.fail(&message));
        return Err(error);
    }
    let mut done = Vec::with_capacity(batch.len());
    let mut jobs = batch.into_iter();
    while let Some(job) = jobs.next() {
        let finished = match conn.exec("SAVEPOINT job") {
            Ok(()) => apply(conn, backend, IN_BATCH, job, heads),
            Err(error) => return abandon(conn, done, Some(job), jobs, error),
        };
        if !finished.is_ok()
            && let Err(error) = conn.exec("ROLLBACK TO SAVEPOINT job").and_then(|()| conn.exec("RELEASE SAVEPOINT job"))
        {
            // The job's writes cannot be undone alone: give up the whole batch.
            done.push(finished);
            return abandon(conn, done, None, jobs, error);
        }
        done.push(finished);
    }
    if let Err(error) = conn.exec("COMMIT") {
        return abandon(conn, done, None, jobs, error);
    }
    remember(&done, heads);
    done.into_iter().for_each(Done::send);
    Ok(())
}

/// Rolls the batch back and fails every reply, finished or not.
fn abandon(
    conn: &mut dyn WriterConnection,
    done: Vec<Done>,
    current: Option<Job>,
    rest: impl Iterator<Item = Job>,
    error: StoreError,
) -> Result<(), StoreError> {
    let _ = conn.exec("ROLLBACK");
    let message = format!("the write batch was rolled back: {error}");
    let unstarted = current.into_iter().chain(rest).map(Done::unstarted);
    done.into_iter().chain(unstarted).for_each(|d| d.fail(&message));
    Err(error)
}

/// Records the heads of committed jobs.
fn remember(done: &[Done], heads: &mut Heads) {
    for finished in done.iter().filter(|d| d.is_ok()) {
        if let Some((id, head)) = finished.head() {
            heads.insert(*id, head.clone());
        }
    }
}

fn apply(conn: &mut dyn WriterConnection, backend: Backend, frame: Frame, job: Job, heads: &mut Heads) -> Done {
    match job {
        // Never batched: the writer runs a checkpoint between batches.
        Job::Checkpoint { reply } => {
            Done::Checkpointed(reply, Err(StoreError::Write("a checkpoint cannot run inside a batch".into())))
        }
        Job::Create { case_type, year, open, documents, fingerprint, reply } => {
            let new = write::NewCaseJob { case_type: &case_type, year, open, documents: &documents };
            match write::create(conn, backend, frame, new, fingerprint.as_deref()) {
                Ok((outcome, head)) => {
                    let id = outcome.state.id;
                    Done::Created(reply, Box::new(Ok(outcome)), Some((id, head)))
                }
                Err(error) => Done::Created(reply, Box::new(Err(error)), None),
            }
        }
        Job::Save { expected_version, outcome, encoded, documents, reply } => {
            let id = outcome.state.id;
            let known = heads.get(&id).cloned();
            let request = write::Save { expected_version, outcome: &outcome, encoded, documents: &documents };
            match write::save(conn, backend, frame, request, known) {
                Ok(head) => Done::Saved(reply, Ok(()), Some((id, head))),
                Err(error) => {
                    heads.remove(&id);
                    Done::Saved(reply, Err(error), None)
                }
            }
        }
    }
}
