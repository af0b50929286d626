//! Letter intake for Despatch: text from the files a correspondence unit receives, the fields of
//! each letter, the correspondent matched to the registers, and campaign detection.
//!
//! This crate reads and returns values; it never writes to a database. Registration calls
//! [`extract_text`] (or, once formats are added, the file functions) and stores the result.

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
}

impl Intake {
    fn new(source: &str, text: String, sha256: String, hints: &Hints, options: &Options) -> Self {
        let fields = extract(&text, hints);
        let mut intake = Intake {
            source: source.to_string(),
            text,
            sha256,
            fields,
            matches: Vec::new(),
        };
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
}

impl Default for Options {
    fn default() -> Self {
        Options {
            limits: text::Limits::default(),
            registers: None,
            known: Vec::new(),
            match_threshold: 0.85,
        }
    }
}

/// Takes in one file: reads it, extracts its text and its fields. A mailbox gives one
/// [`Intake`] per message. Fails with a plain per-file error, and never panics.
pub fn read_file(path: &std::path::Path, options: &Options) -> Result<Vec<Intake>, IntakeError> {
    let io = |source| IntakeError::Io {
        path: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > options.limits.max_file_bytes {
        return Err(IntakeError::TooLarge {
            size,
            limit: options.limits.max_file_bytes,
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    read_bytes(&name, &bytes, options)
}

/// Takes in a document held in memory (see [`read_file`]).
pub fn read_bytes(name: &str, bytes: &[u8], options: &Options) -> Result<Vec<Intake>, IntakeError> {
    if bytes.len() as u64 > options.limits.max_file_bytes {
        return Err(IntakeError::TooLarge {
            size: bytes.len() as u64,
            limit: options.limits.max_file_bytes,
        });
    }
    match text::sniff(name, bytes)? {
        text::Kind::Text => {
            let text = text::decode_text(bytes)?;
            Ok(vec![Intake::new(
                name,
                text,
                sha256_hex(bytes),
                &Hints::default(),
                options,
            )])
        }
    }
}

/// Takes in a letter that is already text.
pub fn extract_text(source: &str, text: &str, options: &Options) -> Intake {
    Intake::new(
        source,
        text.to_string(),
        sha256_hex(text.as_bytes()),
        &Hints::default(),
        options,
    )
}
