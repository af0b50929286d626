//! The outbox: emails written in the same transaction as the case change that causes them
//! (the engine's [`Outcome::notifications`](despatch_domain::engine::Outcome)), then claimed,
//! sent and marked by a worker.
//!
//! **What "exactly once" holds.** A message is in the outbox if and only if its case change
//! committed (same transaction), so no crash loses one or invents one. A worker claims a message
//! by moving its due time on by a lease; it is marked sent after the receiver accepted it.
//! - Crash before the claim, or after the claim and before the send: the message is sent once,
//!   when it falls due again (at the latest one lease later).
//! - Crash after the send and before it is marked: it is sent again after the lease, with the
//!   same Message-ID (derived from the outbox id), so the receiver sees a resend of the same
//!   message, not a new one. SMTP offers no way to close this window (the mark cannot share a
//!   transaction with the receiver's acceptance); it is the time between the receiver's `250`
//!   and one database update.
//! - A failed send is tried again after a backoff; the attempts and last error are kept.

use async_trait::async_trait;
use despatch_domain::case::CaseState;
use despatch_domain::notify::Notification;
use serde::Serialize;

use crate::StoreError;

/// A message in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxMessage {
    /// Outbox id: stable, names the message (its Message-ID is derived from it).
    pub id: i64,
    /// The case it is about.
    pub case_id: i64,
    /// What to send.
    pub notification: Notification,
    /// Send attempts so far (claims).
    pub attempts: u32,
    /// When it was enqueued (Unix milliseconds, UTC).
    pub created_ms: i64,
    /// When it was sent (Unix milliseconds, UTC); `None` while waiting.
    pub sent_ms: Option<i64>,
    /// The last send failure, if any.
    pub last_error: Option<String>,
}

/// Storage of the outbox. Times are Unix milliseconds (UTC).
#[async_trait]
pub trait Outbox: Send + Sync {
    /// Claims up to `limit` unsent messages due at `now_ms`, oldest first: each becomes due again
    /// at `now_ms + lease_ms` unless marked sent or failed before, and its attempts go up by one.
    /// Two workers never claim the same message within a lease.
    async fn claim_due(&self, now_ms: i64, lease_ms: i64, limit: u32) -> Result<Vec<OutboxMessage>, StoreError>;

    /// Marks a message sent.
    async fn mark_sent(&self, id: i64, now_ms: i64) -> Result<(), StoreError>;

    /// Records a failed send; the message is due again at `retry_ms`.
    async fn mark_failed(&self, id: i64, error: &str, retry_ms: i64) -> Result<(), StoreError>;

    /// Enqueues notifications that no case change carries (the deadline sweep), due at once.
    /// A (case, key) already in the outbox is left alone. Returns how many were added.
    async fn enqueue(&self, case_id: i64, notifications: &[Notification], now_ms: i64) -> Result<u64, StoreError>;

    /// The outbox, oldest first: one case's messages, or all.
    async fn outbox(&self, case_id: Option<i64>) -> Result<Vec<OutboxMessage>, StoreError>;

    /// Open cases that have a deadline, in id order after `after_id`, at most `limit` (for the
    /// deadline sweep).
    async fn open_cases_with_deadline(&self, after_id: i64, limit: u32) -> Result<Vec<CaseState>, StoreError>;
}
