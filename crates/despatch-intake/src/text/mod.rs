//! Text from the files a correspondence unit receives. Each reader returns plain text or an
//! [`IntakeError`] that says what is wrong with the file; none panics on bad input.

mod plain;

use crate::IntakeError;

pub use plain::decode_text;

/// Limits that protect intake from hostile or broken files.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest file accepted, in bytes (default 50 MB).
    pub max_file_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 50 * 1024 * 1024,
        }
    }
}

/// The kinds of document intake reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Plain text.
    Text,
}

/// Decides what a file is from its first bytes, then its name.
pub fn sniff(name: &str, bytes: &[u8]) -> Result<Kind, IntakeError> {
    let _ = name;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(IntakeError::Empty);
    }
    if plain::looks_binary(bytes) {
        return Err(IntakeError::Unrecognised("binary data".to_string()));
    }
    Ok(Kind::Text)
}
