//! The writer task: one connection that commits waiting commands in batches (group commit).
//!
//! Each job runs in its own savepoint, so a refused job is rolled back alone; the batch commits
//! once, and only then is each job's reply sent. A reply is therefore an acknowledgement that
//! the step is durable.

use std::collections::HashMap;

use despatch_domain::engine::Outcome;
use sqlx::AnyConnection;
use sqlx::any::AnyConnectOptions;
use tokio::sync::{mpsc, oneshot};

use super::{MAX_BATCH, classify, write, writer_connection};
use crate::{Backend, OpenFn, StoreError};

/// Remembered audit-chain heads by case id (valid only after their batch committed).
type Heads = HashMap<i64, write::Head>;

/// Most heads remembered before the memory is cleared.
const MAX_HEADS: usize = 100_000;

/// Work for the writer.
pub(super) enum Job {
    /// Create a case.
    Create { case_type: String, year: i32, open: OpenFn, reply: oneshot::Sender<Result<Outcome, StoreError>> },
    /// Save an outcome.
    Save { expected_version: u64, outcome: Box<Outcome>, reply: oneshot::Sender<Result<(), StoreError>> },
}

enum Done {
    Created(oneshot::Sender<Result<Outcome, StoreError>>, Box<Result<Outcome, StoreError>>),
    Saved(oneshot::Sender<Result<(), StoreError>>, Result<(), StoreError>, Option<(i64, write::Head)>),
}

impl Done {
    fn is_ok(&self) -> bool {
        match self {
            Done::Created(_, result) => result.is_ok(),
            Done::Saved(_, result, _) => result.is_ok(),
        }
    }

    fn fail(self, message: &str) {
        let error = || StoreError::Database(sqlx::Error::Protocol(message.to_string()));
        match self {
            Done::Created(reply, _) => drop(reply.send(Err(error()))),
            Done::Saved(reply, _, _) => drop(reply.send(Err(error()))),
        }
    }

    fn send(self) {
        match self {
            Done::Created(reply, result) => drop(reply.send(*result)),
            Done::Saved(reply, result, _) => drop(reply.send(result)),
        }
    }
}

/// Runs until every sender is dropped.
pub(super) async fn run(
    connection: AnyConnection,
    options: AnyConnectOptions,
    backend: Backend,
    mut jobs: mpsc::Receiver<Job>,
) {
    let mut connection = Some(connection);
    // Audit-chain heads of recently written cases, so a save need not read them back.
    let mut heads: Heads = HashMap::new();
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if connection.is_none() {
            connection = writer_connection(&options, backend).await.ok();
        }
        let Some(conn) = connection.as_mut() else {
            for job in batch {
                refuse(job, "the database is unreachable");
            }
            continue;
        };
        if heads.len() > MAX_HEADS {
            heads.clear();
        }
        if let Err(error) = commit_batch(conn, backend, batch, &mut heads).await {
            heads.clear();
            tracing::error!(%error, "a write batch failed; reconnecting");
            connection = None;
        }
    }
}

fn refuse(job: Job, message: &str) {
    let error = || StoreError::Database(sqlx::Error::Protocol(message.to_string()));
    match job {
        Job::Create { reply, .. } => drop(reply.send(Err(error()))),
        Job::Save { reply, .. } => drop(reply.send(Err(error()))),
    }
}

async fn exec(conn: &mut AnyConnection, sql: &'static str) -> Result<(), sqlx::Error> {
    sqlx::query(sql).execute(&mut *conn).await.map(|_| ())
}

/// Runs a batch in one transaction. Errors only for failures of the transaction itself, after
/// failing every job's reply.
async fn commit_batch(
    conn: &mut AnyConnection,
    backend: Backend,
    batch: Vec<Job>,
    heads: &mut Heads,
) -> Result<(), sqlx::Error> {
    let begin = if backend == Backend::Sqlite { "BEGIN IMMEDIATE" } else { "BEGIN" };
    if let Err(error) = exec(conn, begin).await {
        let message = classify(error).to_string();
        for job in batch {
            refuse(job, &message);
        }
        return Err(sqlx::Error::Protocol(message));
    }
    // A batch of one needs no savepoint: a refused job rolls back the whole transaction.
    let alone = batch.len() == 1;
    let mut done = Vec::with_capacity(batch.len());
    for job in batch {
        let outcome = run_job(conn, backend, job, !alone, heads).await;
        match outcome {
            Ok(finished) => done.push(finished),
            Err((finished, error)) => {
                // The savepoint could not be managed: the transaction is unusable.
                done.push(finished);
                let _ = exec(conn, "ROLLBACK").await;
                let message = error.to_string();
                done.into_iter().for_each(|d| d.fail(&message));
                return Err(error);
            }
        }
    }
    if alone && !done.iter().all(Done::is_ok) {
        exec(conn, "ROLLBACK").await?;
        done.into_iter().for_each(Done::send);
        return Ok(());
    }
    if let Err(error) = exec(conn, "COMMIT").await {
        let _ = exec(conn, "ROLLBACK").await;
        let message = format!("commit failed: {error}");
        done.into_iter().for_each(|d| d.fail(&message));
        return Err(error);
    }
    for finished in &done {
        if let Done::Saved(_, Ok(()), Some((id, head))) = finished {
            heads.insert(*id, head.clone());
        }
    }
    done.into_iter().for_each(Done::send);
    Ok(())
}

/// Runs one job, inside a savepoint when `savepoint` is set.
async fn run_job(
    conn: &mut AnyConnection,
    backend: Backend,
    job: Job,
    savepoint: bool,
    heads: &mut Heads,
) -> Result<Done, (Done, sqlx::Error)> {
    if !savepoint {
        return Ok(apply(conn, backend, job, heads).await);
    }
    if let Err(error) = exec(conn, "SAVEPOINT job").await {
        let done = match job {
            Job::Create { reply, .. } => Done::Created(reply, Box::new(Err(StoreError::Closed))),
            Job::Save { reply, .. } => Done::Saved(reply, Err(StoreError::Closed), None),
        };
        return Err((done, error));
    }
    let done = apply(conn, backend, job, heads).await;
    let end = if done.is_ok() { "RELEASE SAVEPOINT job" } else { "ROLLBACK TO SAVEPOINT job" };
    if let Err(error) = exec(conn, end).await {
        return Err((done, error));
    }
    if !done.is_ok()
        && let Err(error) = exec(conn, "RELEASE SAVEPOINT job").await
    {
        return Err((done, error));
    }
    Ok(done)
}

async fn apply(conn: &mut AnyConnection, backend: Backend, job: Job, heads: &mut Heads) -> Done {
    match job {
        Job::Create { case_type, year, open, reply } => {
            Done::Created(reply, Box::new(write::create(conn, backend, &case_type, year, open).await))
        }
        Job::Save { expected_version, outcome, reply } => {
            let id = outcome.state.id;
            match write::save(conn, backend, expected_version, &outcome, heads.get(&id).cloned()).await {
                Ok(head) => Done::Saved(reply, Ok(()), Some((id, head))),
                Err(error) => {
                    heads.remove(&id);
                    Done::Saved(reply, Err(error), None)
                }
            }
        }
    }
}
