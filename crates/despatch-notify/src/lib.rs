//! Sending the outbox.
//!
//! The engine decides who is told what ([`despatch_domain::notify`]); the store writes those
//! messages to its outbox in the same transaction as the case change ([`despatch_store::Outbox`]).
//! Here a [`Worker`] claims due messages, reads their attachments, sends each through a
//! [`Transport`] — SMTP ([`Smtp`]) or GOV.UK Notify ([`GovUkNotify`]) — and marks it sent, or
//! failed with a retry after a backoff. It also runs the deadline sweep, which enqueues
//! "approaching" and "passed" notices once per case and kind.
//!
//! Each message carries a Message-ID derived from its outbox row ([`message_id`]), so a resend
//! after a crash is the same message. What "exactly once" holds is set out in
//! [`despatch_store::outbox`].

mod govuk_notify;
mod smtp;
mod worker;

use async_trait::async_trait;

pub use govuk_notify::{GovUkNotify, NOTIFY_API};
pub use smtp::Smtp;
pub use worker::{Pass, Worker, WorkerSettings};

/// A file attached to an email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// File name as shown to the recipient.
    pub name: String,
    /// Media type (`application/pdf`).
    pub media_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// One email, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// Message-ID without angle brackets (`outbox-7-1733472000000@example.gov.uk`).
    pub message_id: String,
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// The Message-ID (without angle brackets) this replies to; also its References.
    pub in_reply_to: Option<String>,
    /// Attached files.
    pub attachments: Vec<Attachment>,
    /// A reference the transport may record with the message (the outbox id).
    pub reference: String,
}

/// Why a send failed. Every failure is retried after a backoff; the text is kept on the row.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The message could not be built (a bad address, say).
    #[error("the message could not be built: {0}")]
    Build(String),
    /// The transport refused or could not be reached.
    #[error("the transport failed: {0}")]
    Transport(String),
}

/// A way of sending email: SMTP, or GOV.UK Notify.
#[async_trait]
pub trait Transport: Send + Sync {
    /// Sends one email; `Ok` once the receiving server accepted it.
    async fn send(&self, email: &Email) -> Result<(), SendError>;
}

/// The Message-ID of outbox message `id` enqueued at `created_ms` (Unix milliseconds), without
/// angle brackets: the same for every attempt, so a resend is recognisable.
pub fn message_id(id: i64, created_ms: i64, domain: &str) -> String {
    format!("despatch-outbox-{id}-{created_ms}@{domain}")
}
