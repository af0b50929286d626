//! The one error type of intake: every failure is about one file and says so in plain words.

use std::path::PathBuf;

/// Why a file (or one message of a mailbox) could not be taken in.
///
/// Each variant's message is written for a caseworker: what is wrong, and where it helps,
/// what to do about it. Nothing is registered for a file that failed.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The file is empty (or holds only white space).
    #[error("the file is empty")]
    Empty,
    /// The file is larger than the configured limit.
    #[error("the file is {size} bytes, more than the limit of {limit} bytes; split it or raise the limit")]
    TooLarge {
        /// The file's size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The bytes are not a kind of document intake understands.
    #[error("not a recognised document ({0}); expected text, PDF, Word (.docx), email (.eml/.mbox) or an image")]
    Unrecognised(String),
    /// A text file that is not valid UTF-8.
    #[error("the text is not valid UTF-8 (first bad byte at offset {offset}); save it as UTF-8 and try again")]
    InvalidUtf8 {
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// A PDF that cannot be parsed (damaged or truncated).
    #[error("the PDF cannot be read, it may be damaged or truncated: {0}")]
    BadPdf(String),
    /// A PDF protected by a password or encryption.
    #[error("the PDF is encrypted; ask the sender for an unprotected copy")]
    EncryptedPdf,
    /// A Word document that cannot be read.
    #[error("the Word document cannot be read: {0}")]
    BadDocx(String),
    /// An archive entry that would expand beyond the limit (a "zip bomb").
    #[error("the Word document expands to more than {limit} bytes ({entry}); refused as a possible zip bomb")]
    ZipBomb {
        /// The archive entry.
        entry: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// An email that cannot be parsed.
    #[error("the email cannot be read: {0}")]
    BadEmail(String),
    /// A program needed for OCR is not installed.
    #[error(
        "{program} is not installed, so scanned letters cannot be read; install it with: \
         apt-get install tesseract-ocr tesseract-ocr-eng poppler-utils"
    )]
    ToolMissing {
        /// The missing program.
        program: String,
    },
    /// A helper program failed or ran too long.
    #[error("{program} failed: {message}")]
    ToolFailed {
        /// The program.
        program: String,
        /// What went wrong.
        message: String,
    },
    /// A register (MPs, councils) could not be read.
    #[error("cannot read the register {0}")]
    Register(String),
    /// OCR ran but recognised no text.
    #[error("no text could be recognised in the image")]
    NoText,
}
