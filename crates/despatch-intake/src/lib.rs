//! Letter intake for Despatch: text from the files a correspondence unit receives, the fields of
//! each letter, the correspondent matched to the registers, and campaign detection.
//!
//! This crate reads and returns values; it never writes to a database. Registration calls
//! [`extract_text`] (or, once formats are added, the file functions) and stores the result.

pub mod campaign;
pub mod error;
pub mod evaluate;
pub mod fields;
pub mod register;
pub mod text;

pub use error::IntakeError;
pub use fields::{CorrespondentType, Direction, Fields, Found, Hints, Party, extract};

use serde::Serialize;
use sha2::{Digest, Sha256};

/// One letter taken in: its text, what was extracted from it, and its fingerprint.
#[derive(Debug, Clone, Serialize)]
pub struct Intake {
    /// Where it came from (the file name, and for a mailbox the message number).
    pub source: String,
    /// The letter's text.
    pub text: String,
    /// SHA-256 of the original bytes, hex.
    pub sha256: String,
    /// The extracted fields.
    pub fields: Fields,
    /// Candidates for the correspondent from the registers, best first; only a match marked
    /// `applied` may be used without a person confirming it.
    pub matches: Vec<register::Match>,
    /// What the file was.
    pub kind: text::Kind,
    /// True if the text came from OCR.
    pub ocr: bool,
    /// An email's headers, including the ids that thread replies.
    pub email: Option<text::EmailMeta>,
    /// An email's attachments, kept as documents.
    pub attachments: Vec<text::Attachment>,
    /// For finding resends and campaigns (see [`campaign::Detector`]).
    pub fingerprint: campaign::Fingerprint,
}

impl Intake {
    fn new(source: &str, document: text::Document, options: &Options) -> Self {
        let fields = extract(&document.text, &document.hints);
        let fingerprint = campaign::fingerprint(&document.text, &fields);
        let mut intake = Intake {
            fingerprint,
            source: source.to_string(),
            text: document.text,
            sha256: document.sha256,
            fields,
            matches: Vec::new(),
            kind: document.kind,
            ocr: document.ocr,
            email: document.email,
            attachments: document.attachments,
        };
        if let Some(email) = &intake.email
            && intake.fields.sender.email.is_none()
        {
            intake.fields.sender.email.clone_from(&email.from);
        }
        intake.match_correspondent(options);
        intake
    }

    /// Matches the correspondent against the registers and known correspondents in
    /// `options`; an applied MP match also settles the correspondent type.
    pub fn match_correspondent(&mut self, options: &Options) {
        let Some(registers) = options.registers.as_deref() else {
            return;
        };
        let mut matcher = register::Matcher::new(registers, &options.known);
        matcher.threshold = options.match_threshold;
        self.matches = matcher.candidates(self.fields.correspondent());
        if let Some(best) = self.matches.first().filter(|m| m.applied)
            && best.source == register::Source::Mp
        {
            self.fields.correspondent_type = Found::new(CorrespondentType::Mp, best.confidence);
        }
    }
}

/// SHA-256 of some bytes, as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Options for taking in files.
#[derive(Debug, Clone)]
pub struct Options {
    /// Size limits.
    pub limits: text::Limits,
    /// Registers to match correspondents against; no matching when `None`.
    pub registers: Option<std::sync::Arc<register::Registers>>,
    /// Correspondents already known to the caller (from its database).
    pub known: Vec<register::Known>,
    /// Confidence at or above which a match is applied.
    pub match_threshold: f32,
    /// How to run OCR for scans and images.
    pub ocr: text::Ocr,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            limits: text::Limits::default(),
            registers: None,
            known: Vec::new(),
            match_threshold: 0.85,
            ocr: text::Ocr::default(),
        }
    }
}

/// Takes in one file: reads it, extracts its text and its fields. A mailbox gives one
/// [`Intake`] per message. Fails with a plain per-file error, and never panics.
pub fn read_file(path: &std::path::Path, options: &Options) -> Result<Vec<Intake>, IntakeError> {
    let io = |source| IntakeError::Io { path: path.to_path_buf(), source };
    let metadata = std::fs::metadata(path).map_err(io)?;
    if !metadata.is_file() {
        // A device, a pipe or a folder: reading it could take unbounded memory or never end.
        return Err(IntakeError::Unrecognised(format!("{} is not a regular file", path.display())));
    }
    let size = metadata.len();
    if size > options.limits.max_file_bytes {
        return Err(IntakeError::TooLarge { size, limit: options.limits.max_file_bytes });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    read_bytes(&name, &bytes, options)
}

/// Takes in a document held in memory (see [`read_file`]).
pub fn read_bytes(name: &str, bytes: &[u8], options: &Options) -> Result<Vec<Intake>, IntakeError> {
    if bytes.len() as u64 > options.limits.max_file_bytes {
        return Err(IntakeError::TooLarge { size: bytes.len() as u64, limit: options.limits.max_file_bytes });
    }
    let documents = text::read(name, bytes, options)?;
    let many = documents.len() > 1;
    Ok(documents
        .into_iter()
        .enumerate()
        .map(|(index, document)| {
            let source = if many { format!("{name}#{}", index + 1) } else { name.to_string() };
            Intake::new(&source, document, options)
        })
        .collect())
}

/// The text of one document (.txt, .docx, PDF, email; a mailbox's messages joined), without
/// extracting letter fields: for showing, comparing or editing a draft. Limits and errors as
/// [`read_bytes`].
pub fn document_text(name: &str, bytes: &[u8], options: &Options) -> Result<String, IntakeError> {
    if bytes.len() as u64 > options.limits.max_file_bytes {
        return Err(IntakeError::TooLarge { size: bytes.len() as u64, limit: options.limits.max_file_bytes });
    }
    let documents = text::read(name, bytes, options)?;
    Ok(documents.into_iter().map(|document| document.text).collect::<Vec<_>>().join("\n\n"))
}

/// Takes in a letter that is already text.
pub fn extract_text(source: &str, text: &str, options: &Options) -> Intake {
    let document = text::Document {
        kind: text::Kind::Text,
        text: text.to_string(),
        ocr: false,
        sha256: sha256_hex(text.as_bytes()),
        email: None,
        attachments: Vec::new(),
        hints: Hints::default(),
    };
    Intake::new(source, document, options)
}
