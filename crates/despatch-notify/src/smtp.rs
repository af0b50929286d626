//! Email over SMTP with lettre (rust-stack.md §3): plain text, attachments as parts, threading
//! headers, and the outbox's own Message-ID.

use std::time::Duration;

use async_trait::async_trait;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::{Email, SendError, Transport};

/// How long one SMTP conversation may take before it counts as failed (and is retried).
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// An SMTP relay.
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    /// A relay at `url` — `smtp://host:port` (no TLS: a relay on the local network),
    /// `smtp://user:password@host:587?tls=required` (STARTTLS) or `smtps://user:password@host:465`
    /// — sending from `from` (`Correspondence Unit <correspondence@example.gov.uk>`).
    pub fn new(url: &str, from: &str) -> Result<Smtp, SendError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| SendError::Build(format!("SMTP URL {url:?}: {e}")))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from = from.parse().map_err(|e| SendError::Build(format!("sender address {from:?}: {e}")))?;
        Ok(Smtp { transport, from })
    }

    /// The message as it goes on the wire.
    pub fn message(&self, email: &Email) -> Result<Message, SendError> {
        let to: Mailbox =
            email.to.parse().map_err(|e| SendError::Build(format!("recipient address {:?}: {e}", email.to)))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .message_id(Some(format!("<{}>", email.message_id)));
        if let Some(original) = &email.in_reply_to {
            builder = builder.in_reply_to(format!("<{original}>")).references(format!("<{original}>"));
        }
        let text = SinglePart::plain(email.body.clone());
        let built = if email.attachments.is_empty() {
            builder.singlepart(text)
        } else {
            let mut parts = MultiPart::mixed().singlepart(text);
            for attachment in &email.attachments {
                let media_type = ContentType::parse(&attachment.media_type).unwrap_or_else(|_| {
                    ContentType::parse("application/octet-stream").unwrap_or(ContentType::TEXT_PLAIN)
                });
                parts = parts.singlepart(
                    lettre::message::Attachment::new(attachment.name.clone())
                        .body(attachment.bytes.clone(), media_type),
                );
            }
            builder.multipart(parts)
        };
        built.map_err(|e| SendError::Build(e.to_string()))
    }
}

#[async_trait]
impl Transport for Smtp {
    async fn send(&self, email: &Email) -> Result<(), SendError> {
        let message = self.message(email)?;
        self.transport.send(message).await.map_err(|e| SendError::Transport(format!("SMTP: {e}")))?;
        Ok(())
    }
}
