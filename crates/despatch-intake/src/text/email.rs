//! Email: one letter per message (.eml), or per message of a mailbox (.mbox). The body is the
//! letter (HTML turned into text); attachments are kept as documents with their own text; the
//! Message-ID, In-Reply-To, References and Reply-To are kept so that replies thread.

use super::{Attachment, Document, Kind, attachment_text};
use crate::fields::Hints;
use crate::{IntakeError, Options};
use chrono::NaiveDate;
use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders};
use serde::Serialize;

/// The headers of an email that matter for casework and threading.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EmailMeta {
    /// Message-ID, without angle brackets.
    pub message_id: Option<String>,
    /// The Message-IDs this message replies to.
    pub in_reply_to: Vec<String>,
    /// The thread's Message-IDs.
    pub references: Vec<String>,
    /// Where replies should go (Reply-To, else From).
    pub reply_to: Option<String>,
    /// The sender's address.
    pub from: Option<String>,
    /// The sender's display name.
    pub from_name: Option<String>,
    /// The recipients' addresses.
    pub to: Vec<String>,
    /// Subject.
    pub subject: Option<String>,
    /// Date sent (UTC), RFC 3339.
    pub date: Option<String>,
}

/// True if the bytes start like an RFC 5322 message: a few "Name: value" header lines.
pub(crate) fn looks_like_headers(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(bytes.get(..bytes.len().min(2048)).unwrap_or(bytes));
    let known = [
        "from:",
        "to:",
        "subject:",
        "date:",
        "message-id:",
        "received:",
        "return-path:",
        "mime-version:",
        "delivered-to:",
        "content-type:",
    ];
    let mut lines = head.lines().take_while(|l| !l.trim().is_empty());
    let first_is_header = lines.next().is_some_and(|l| known.iter().any(|k| l.to_ascii_lowercase().starts_with(k)));
    let count = head
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| known.iter().any(|k| l.to_ascii_lowercase().starts_with(k)))
        .count();
    first_is_header && count >= 3
}

fn ids(value: &HeaderValue) -> Vec<String> {
    match value {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(list) => list.iter().map(ToString::to_string).collect(),
        _ => Vec::new(),
    }
}

fn first_address(address: Option<&Address>) -> (Option<String>, Option<String>) {
    let first = address.and_then(Address::first);
    (first.and_then(|a| a.address()).map(str::to_string), first.and_then(|a| a.name()).map(str::to_string))
}

/// Reads one message.
pub(crate) fn read(bytes: &[u8], options: &Options, depth: usize) -> Result<Document, IntakeError> {
    let message = MessageParser::default()
        .parse(bytes)
        .ok_or_else(|| IntakeError::BadEmail("no message could be parsed".into()))?;
    if message.headers().is_empty() {
        return Err(IntakeError::BadEmail("it has no headers".into()));
    }
    let (from, from_name) = first_address(message.from());
    let (reply_to, _) = first_address(message.reply_to());
    let (_, to_name) = first_address(message.to());
    let to: Vec<String> =
        message.to().map(|a| a.iter().filter_map(|a| a.address()).map(str::to_string).collect()).unwrap_or_default();
    let date = message.date().map(|d| d.to_rfc3339());
    let sent =
        message.date().and_then(|d| NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day)));
    let meta = EmailMeta {
        message_id: message.message_id().map(str::to_string),
        in_reply_to: ids(message.in_reply_to()),
        references: ids(message.references()),
        reply_to: reply_to.or_else(|| from.clone()),
        from,
        from_name: from_name.clone(),
        to,
        subject: message.subject().map(str::to_string),
        date,
    };
    let body = message.body_text(0).map(|b| b.into_owned()).unwrap_or_default();
    let mut attachments = Vec::new();
    for part in message.attachments() {
        let name = part.attachment_name().unwrap_or("attachment").to_string();
        let content_type =
            part.content_type().map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or(""))).unwrap_or_default();
        let contents = part.contents().to_vec();
        let (text, error) = match attachment_text(&name, &contents, options, depth) {
            Ok(text) => (Some(text), None),
            Err(error) => (None, Some(error.to_string())),
        };
        attachments.push(Attachment {
            name,
            content_type,
            size: contents.len(),
            sha256: crate::sha256_hex(&contents),
            text,
            error,
            bytes: contents,
        });
    }
    // A covering email ("please see the attached letter") carries its letter as an attachment.
    let letter = match attachments.iter().filter_map(|a| a.text.as_deref()).collect::<Vec<_>>().as_slice() {
        [only] if body.split_whitespace().count() < 40 => format!("{body}\n\n{only}"),
        _ => body,
    };
    if letter.trim().is_empty() && attachments.is_empty() {
        return Err(IntakeError::BadEmail("it has no text and no attachments".into()));
    }
    Ok(Document {
        kind: Kind::Email,
        text: letter,
        ocr: false,
        sha256: crate::sha256_hex(bytes),
        hints: Hints { sent, from_name, to_name },
        email: Some(meta),
        attachments,
    })
}

/// Reads a mailbox: one document per message.
pub(crate) fn read_mbox(bytes: &[u8], options: &Options) -> Result<Vec<Document>, IntakeError> {
    let mut out = Vec::new();
    for (index, message) in mail_parser::mailbox::mbox::MessageIterator::new(bytes).enumerate() {
        if index >= options.limits.max_messages {
            return Err(IntakeError::BadEmail(format!(
                "more than {} messages in one mailbox",
                options.limits.max_messages
            )));
        }
        let message = message.map_err(|e| IntakeError::BadEmail(format!("message {}: {e}", index + 1)))?;
        let mut document = read(message.contents(), options, 0)
            .map_err(|e| IntakeError::BadEmail(format!("message {}: {e}", index + 1)))?;
        document.kind = Kind::Mbox;
        out.push(document);
    }
    if out.is_empty() {
        return Err(IntakeError::BadEmail("the mailbox holds no messages".into()));
    }
    Ok(out)
}
