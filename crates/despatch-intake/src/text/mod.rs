//! Text from the files a correspondence unit receives: plain text, PDF (with a text layer, or
//! scanned and read by OCR), Word (.docx), email (.eml, and .mbox with one letter per message)
//! and images (OCR). Each reader returns text or an [`IntakeError`] that says what is wrong
//! with the file; none panics on bad input.

mod docx;
mod email;
pub mod ocr;
mod pdf;
mod plain;

use crate::IntakeError;
use crate::fields::Hints;
use serde::Serialize;

pub use email::EmailMeta;
pub use ocr::Ocr;
pub use plain::decode_text;

/// Limits that protect intake from hostile or broken files.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest file accepted, in bytes (default 50 MB).
    pub max_file_bytes: u64,
    /// Largest uncompressed size of one part of a Word document (default 50 MB).
    pub max_unzipped_bytes: u64,
    /// Most messages read from one mailbox (default 10,000).
    pub max_messages: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_file_bytes: 50 * 1024 * 1024, max_unzipped_bytes: 50 * 1024 * 1024, max_messages: 10_000 }
    }
}

/// The kinds of document intake reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Plain text.
    Text,
    /// PDF.
    Pdf,
    /// Word (.docx).
    Docx,
    /// One email message.
    Email,
    /// A mailbox of messages.
    Mbox,
    /// A picture: PNG, JPEG or TIFF.
    Image,
}

/// An attachment of an email, kept as a document of its own.
#[derive(Debug, Clone, Serialize)]
pub struct Attachment {
    /// Its file name.
    pub name: String,
    /// Its MIME type.
    pub content_type: String,
    /// Size in bytes.
    pub size: usize,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// Its text, when it could be read.
    pub text: Option<String>,
    /// Why its text could not be read (the attachment is still kept).
    pub error: Option<String>,
    /// Its bytes, for the caller to store.
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// The text of one document (one message of a mailbox), and what is known about it.
#[derive(Debug, Clone)]
pub struct Document {
    /// What the file was.
    pub kind: Kind,
    /// The text.
    pub text: String,
    /// True if the text came from OCR.
    pub ocr: bool,
    /// The original bytes' SHA-256 (of the message, for a mailbox).
    pub sha256: String,
    /// An email's headers.
    pub email: Option<EmailMeta>,
    /// An email's attachments.
    pub attachments: Vec<Attachment>,
    /// Facts for the field extractor (an email's date, sender and recipient).
    pub hints: Hints,
}

fn extension(name: &str) -> String {
    name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default()
}

/// Decides what a file is from its first bytes, then its name.
pub fn sniff(name: &str, bytes: &[u8]) -> Result<Kind, IntakeError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(IntakeError::Empty);
    }
    let ext = extension(name);
    if bytes.starts_with(b"%PDF-") {
        return Ok(Kind::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return if matches!(ext.as_str(), "docx" | "docm" | "dotx" | "") || docx::looks_like_docx(bytes) {
            Ok(Kind::Docx)
        } else {
            Err(IntakeError::Unrecognised(format!("a zip archive ({name})")))
        };
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || bytes.starts_with(b"\xFF\xD8\xFF")
        || bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
    {
        return Ok(Kind::Image);
    }
    if matches!(ext.as_str(), "pdf" | "docx" | "png" | "jpg" | "jpeg" | "tif" | "tiff") {
        return Err(IntakeError::Unrecognised(format!(
            "the name says .{ext} but the content is not; it may be truncated or mislabelled"
        )));
    }
    if plain::looks_binary(bytes) {
        return Err(IntakeError::Unrecognised("binary data".to_string()));
    }
    match ext.as_str() {
        "eml" | "msg822" => Ok(Kind::Email),
        "mbox" | "mbx" => Ok(Kind::Mbox),
        "txt" | "text" | "md" | "html" | "htm" => Ok(Kind::Text),
        _ if bytes.starts_with(b"From ")
            && email::looks_like_headers(
                bytes.get(bytes.iter().position(|b| *b == b'\n').map_or(0, |p| p + 1)..).unwrap_or(&[]),
            ) =>
        {
            Ok(Kind::Mbox)
        }
        _ if email::looks_like_headers(bytes) => Ok(Kind::Email),
        _ => Ok(Kind::Text),
    }
}

/// Reads a document into text. A mailbox gives one [`Document`] per message; any message
/// that cannot be read fails the whole file, so that nothing is half-registered.
pub fn read(name: &str, bytes: &[u8], options: &crate::Options) -> Result<Vec<Document>, IntakeError> {
    let kind = sniff(name, bytes)?;
    let sha256 = crate::sha256_hex(bytes);
    let simple = |kind, text: String, ocr| Document {
        kind,
        text,
        ocr,
        sha256: sha256.clone(),
        email: None,
        attachments: Vec::new(),
        hints: Hints::default(),
    };
    match kind {
        Kind::Text => Ok(vec![simple(kind, decode_text(bytes)?, false)]),
        Kind::Pdf => {
            let (text, ocr) = pdf::read(bytes, &options.ocr)?;
            Ok(vec![simple(kind, text, ocr)])
        }
        Kind::Docx => Ok(vec![simple(kind, docx::read(bytes, &options.limits)?, false)]),
        Kind::Image => Ok(vec![simple(kind, options.ocr.image(bytes)?, true)]),
        Kind::Email => Ok(vec![email::read(bytes, options, 0)?]),
        Kind::Mbox => email::read_mbox(bytes, options),
    }
}

/// Reads the text of an attachment (no deeper than one level of nesting).
pub(crate) fn attachment_text(
    name: &str,
    bytes: &[u8],
    options: &crate::Options,
    depth: usize,
) -> Result<String, IntakeError> {
    match sniff(name, bytes)? {
        Kind::Email if depth < 1 => Ok(email::read(bytes, options, depth + 1)?.text),
        Kind::Email | Kind::Mbox => Err(IntakeError::Unrecognised("a mailbox inside an email".into())),
        Kind::Text => decode_text(bytes),
        Kind::Pdf => pdf::read(bytes, &options.ocr).map(|(t, _)| t),
        Kind::Docx => docx::read(bytes, &options.limits),
        Kind::Image => options.ocr.image(bytes),
    }
}
