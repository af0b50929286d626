//! The outbox worker: claims due messages, sends them, marks them; and the deadline sweep.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use despatch_domain::engine::london_date;
use despatch_domain::notify::deadline_notices;
use despatch_store::{Casework, OutboxMessage, StoreError};

use crate::{Attachment, Email, SendError, Transport, message_id};

/// How the worker paces itself.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// How often it looks for due messages when the last look found none.
    pub poll: Duration,
    /// How long a claimed message is held before another attempt may claim it (a worker that
    /// died mid-send leaves it due again after this).
    pub lease: Duration,
    /// Most messages claimed at once.
    pub batch: u32,
    /// Wait before the first retry of a failed send; doubled for each further failure.
    pub retry: Duration,
    /// Longest wait between retries.
    pub max_retry: Duration,
    /// How often the deadline sweep runs.
    pub sweep_every: Duration,
    /// Domain of the Message-IDs (`example.gov.uk`).
    pub message_id_domain: String,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        WorkerSettings {
            poll: Duration::from_secs(1),
            lease: Duration::from_secs(120),
            batch: 20,
            retry: Duration::from_secs(10),
            max_retry: Duration::from_secs(3600),
            sweep_every: Duration::from_secs(3600),
            message_id_domain: "despatch.invalid".to_string(),
        }
    }
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    /// Messages the receiver accepted and that are marked sent.
    pub sent: u32,
    /// Messages that failed and wait for a retry.
    pub failed: u32,
}

/// Sends the outbox of a store through a transport.
#[derive(Clone)]
pub struct Worker {
    casework: Casework,
    transport: Arc<dyn Transport>,
    settings: WorkerSettings,
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

impl Worker {
    /// A worker over `casework` (its store's outbox, its documents, its world for the sweep).
    pub fn new(casework: Casework, transport: Arc<dyn Transport>, settings: WorkerSettings) -> Worker {
        Worker { casework, transport, settings }
    }

    /// One pass: claims up to a batch of due messages and sends each.
    pub async fn send_due(&self, now: DateTime<Utc>) -> Result<Pass, StoreError> {
        let store = self.casework.store();
        let now_ms = now.timestamp_millis();
        let claimed = store.claim_due(now_ms, millis(self.settings.lease), self.settings.batch).await?;
        let mut pass = Pass::default();
        for message in claimed {
            match self.send_one(&message).await {
                Ok(()) => {
                    store.mark_sent(message.id, Utc::now().timestamp_millis()).await?;
                    pass.sent += 1;
                }
                Err(error) => {
                    let retry_ms = Utc::now().timestamp_millis().saturating_add(self.backoff(message.attempts));
                    tracing::warn!(id = message.id, attempts = message.attempts, %error, "an email was not sent; it will be retried");
                    store.mark_failed(message.id, &error.to_string(), retry_ms).await?;
                    pass.failed += 1;
                }
            }
        }
        Ok(pass)
    }

    /// The wait after the `attempts`-th failure: `retry × 2^(attempts − 1)`, at most `max_retry`.
    fn backoff(&self, attempts: u32) -> i64 {
        let doublings = attempts.saturating_sub(1).min(20);
        let wait = self.settings.retry.saturating_mul(1 << doublings).min(self.settings.max_retry);
        millis(wait)
    }

    /// The email of an outbox message, with its attachments' bytes.
    pub async fn email(&self, message: &OutboxMessage) -> Result<Email, SendError> {
        let notification = &message.notification;
        let mut attachments = Vec::new();
        for document in &notification.attachments {
            let bytes = self
                .casework
                .document_bytes(&document.sha256)
                .await
                .map_err(|e| SendError::Build(format!("reading {}: {e}", document.name)))?
                .ok_or_else(|| SendError::Build(format!("the bytes of {} are not stored", document.name)))?;
            attachments.push(Attachment {
                name: document.name.clone(),
                media_type: document.media_type.clone(),
                bytes,
            });
        }
        Ok(Email {
            message_id: message_id(message.id, message.created_ms, &self.settings.message_id_domain),
            to: notification.to.clone(),
            subject: notification.subject.clone(),
            body: notification.body.clone(),
            in_reply_to: notification.in_reply_to.clone(),
            attachments,
            reference: message.id.to_string(),
        })
    }

    async fn send_one(&self, message: &OutboxMessage) -> Result<(), SendError> {
        let email = self.email(message).await?;
        self.transport.send(&email).await
    }

    /// The deadline sweep: enqueues "approaching" and "passed" notices for open cases, once per
    /// case and kind (the outbox ignores a key it holds). Returns how many were added.
    pub async fn sweep_deadlines(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let store = self.casework.store();
        let world = self.casework.world();
        let today = london_date(now);
        let mut added = 0;
        let mut after = 0;
        loop {
            let cases = store.open_cases_with_deadline(after, 500).await?;
            let Some(last) = cases.last() else { break };
            after = last.id;
            for case in &cases {
                let (Some(definition), Some(calendar)) = (
                    world.definitions().get(&case.case_type, case.definition_version),
                    world.calendar(&case.case_type, case.definition_version),
                ) else {
                    continue;
                };
                let notices = deadline_notices(case, definition, calendar, world.directory(), today);
                if !notices.is_empty() {
                    added += store.enqueue(case.id, &notices, now.timestamp_millis()).await?;
                }
            }
        }
        Ok(added)
    }

    /// Runs until the task is dropped: sends due messages (at once again while there were some,
    /// else after `poll`) and sweeps deadlines every `sweep_every`. Store errors are logged and
    /// the loop goes on.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut last_sweep: Option<tokio::time::Instant> = None;
            loop {
                if last_sweep.is_none_or(|at| at.elapsed() >= self.settings.sweep_every) {
                    last_sweep = Some(tokio::time::Instant::now());
                    if let Err(error) = self.sweep_deadlines(Utc::now()).await {
                        tracing::error!(%error, "the deadline sweep failed");
                    }
                }
                let busy = match self.send_due(Utc::now()).await {
                    Ok(pass) => pass.sent + pass.failed > 0,
                    Err(error) => {
                        tracing::error!(%error, "the outbox could not be read");
                        false
                    }
                };
                if !busy {
                    tokio::time::sleep(self.settings.poll).await;
                }
            }
        })
    }
}
