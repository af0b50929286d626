//! PDF: the text layer through lopdf; a PDF with no text layer (a scan) goes to OCR.

use super::ocr::Ocr;
use crate::IntakeError;

/// Fewer letters than this per page means the PDF is a scan.
const MIN_LETTERS_PER_PAGE: usize = 20;

/// Reads a PDF's text; returns it and whether OCR was used.
pub(crate) fn read(bytes: &[u8], ocr: &Ocr) -> Result<(String, bool), IntakeError> {
    // lopdf is a parser of untrusted input; a panic inside it must not take the batch down.
    let loaded = std::panic::catch_unwind(|| lopdf::Document::load_mem(bytes));
    let mut document = match loaded {
        Ok(Ok(document)) => document,
        Ok(Err(error)) => {
            let message = error.to_string();
            if message.to_lowercase().contains("decrypt") || message.to_lowercase().contains("encrypt") {
                return Err(IntakeError::EncryptedPdf);
            }
            return Err(IntakeError::BadPdf(message));
        }
        Err(_) => return Err(IntakeError::BadPdf("the PDF parser failed on this file".into())),
    };
    // "/Encrypt" may be a reference or written inline; lopdf tries the empty password itself.
    let declared = document.trailer.has(b"Encrypt") || document.was_encrypted();
    if document.is_encrypted() && document.decrypt("").is_err() {
        return Err(IntakeError::EncryptedPdf);
    }
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    if pages.is_empty() {
        return Err(if declared { IntakeError::EncryptedPdf } else { IntakeError::BadPdf("it has no pages".into()) });
    }
    // The document is dropped right after; no broken state can be observed.
    let extracted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| document.extract_text(&pages)));
    let text = match extracted {
        Ok(Ok(text)) => text,
        Ok(Err(_)) | Err(_) => String::new(),
    };
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    if letters >= MIN_LETTERS_PER_PAGE * pages.len().min(3) {
        return Ok((text, false));
    }
    let text = ocr.pdf(bytes)?;
    Ok((text, true))
}
