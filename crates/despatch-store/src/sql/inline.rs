//! The writer handle: jobs go to the writer thread, or for SQLite, when nobody else is writing,
//! are committed by the caller itself.
//!
//! A lone client on SQLite so runs its step, the commit and the fsync on its own thread, with no
//! hand-over to the writer thread and back (each a sleep and a wake-up of a thread), as the
//! storage limit does. As soon as writes overlap — jobs are waiting for the thread, or its last
//! batch carried more than one — every job goes to the thread, which commits whatever has
//! gathered in one transaction (group commit). The caller commits inside
//! `tokio::task::block_in_place`, so the runtime's other tasks move to another worker while it
//! waits for the disk.
//!
//! PostgreSQL always uses the thread: its connection is driven with `block_on`, and a network
//! round trip dwarfs a thread switch.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

use tokio::runtime::{Handle, RuntimeFlavor};
use tokio::sync::mpsc;

use super::writer::{self, Committer, Job};
use crate::StoreError;

/// Where the store sends its writes.
#[derive(Clone)]
pub(super) struct Writer {
    sender: mpsc::Sender<Job>,
    shared: Arc<Shared>,
    /// Whether a caller may commit its own job when nobody else is writing (SQLite).
    inline: bool,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").field("inline", &self.inline).finish_non_exhaustive()
    }
}

/// What the writer thread and inline callers share.
pub(super) struct Shared {
    committer: Mutex<Committer>,
    /// Jobs sent to the thread and not yet taken by it.
    queued: AtomicUsize,
    /// Jobs in the last batch the thread committed.
    last_batch: AtomicUsize,
}

impl Shared {
    /// The committer, waiting for an inline caller to finish.
    pub fn committer(&self) -> MutexGuard<'_, Committer> {
        self.committer.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The thread took `n` jobs off its channel.
    pub fn taken(&self, n: usize) {
        self.queued.fetch_sub(n, Ordering::AcqRel);
    }

    /// The thread is committing a batch of `n` jobs.
    pub fn committed(&self, n: usize) {
        self.last_batch.store(n, Ordering::Relaxed);
    }

    /// The committer, when nobody is writing: no job waits for the thread, its last batch was a
    /// single job, and neither it nor another caller holds the committer.
    fn idle_committer(&self) -> Option<MutexGuard<'_, Committer>> {
        if self.queued.load(Ordering::Acquire) != 0 || self.last_batch.load(Ordering::Relaxed) > 1 {
            return None;
        }
        match self.committer.try_lock() {
            Ok(committer) => Some(committer),
            Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        }
    }
}

impl Writer {
    /// Starts the writer thread on `committer`; `inline` lets idle callers commit their own jobs
    /// (SQLite only: see the module documentation).
    pub fn start(committer: Committer, inline: bool) -> Result<Writer, StoreError> {
        let shared = Arc::new(Shared {
            committer: Mutex::new(committer),
            queued: AtomicUsize::new(0),
            last_batch: AtomicUsize::new(0),
        });
        let (sender, receiver) = mpsc::channel(1024);
        let thread = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("despatch-writer".to_string())
            .spawn(move || writer::run(thread, receiver))
            .map_err(|e| StoreError::Write(format!("starting the writer thread: {e}")))?;
        Ok(Writer { sender, shared, inline })
    }

    /// Hands a job over; its reply arrives on the job's own channel once it is committed.
    /// Errors with [`StoreError::Closed`] when the writer thread has stopped.
    pub async fn submit(&self, job: Job) -> Result<(), StoreError> {
        if self.inline
            && !matches!(job, Job::Checkpoint { .. })
            && let Some(mut committer) = self.shared.idle_committer()
        {
            blocking(|| committer.commit(vec![job]));
            return Ok(());
        }
        self.shared.queued.fetch_add(1, Ordering::AcqRel);
        self.sender.send(job).await.map_err(|_| {
            self.shared.taken(1);
            StoreError::Closed
        })
    }
}

/// Runs blocking disk work from async code: in `block_in_place` on a multi-threaded runtime (the
/// runtime's other tasks move on to another worker), directly on a current-thread runtime or
/// outside any runtime.
fn blocking<R>(work: impl FnOnce() -> R) -> R {
    match Handle::try_current().map(|handle| handle.runtime_flavor()) {
        Ok(RuntimeFlavor::CurrentThread) | Err(_) => work(),
        Ok(_) => tokio::task::block_in_place(work),
    }
}
