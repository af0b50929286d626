//! Plain text files: UTF-8 (a byte-order mark is dropped), refused when binary or not UTF-8.

use crate::IntakeError;

/// True when the bytes look like binary data rather than text: NUL bytes, or many control
/// characters in the first 8 KB.
pub(crate) fn looks_binary(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(8192)).unwrap_or(bytes);
    if head.contains(&0) {
        return true;
    }
    let control = head.iter().filter(|b| b.is_ascii_control() && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)).count();
    control * 20 > head.len()
}

/// Decodes a text file: UTF-8 with an optional byte-order mark.
pub fn decode_text(bytes: &[u8]) -> Result<String, IntakeError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| IntakeError::InvalidUtf8 { offset: e.valid_up_to() })?;
    if text.trim().is_empty() {
        return Err(IntakeError::Empty);
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_says_where_and_what_to_do() {
        let error = decode_text(b"Dear Sir\n\xff\xfe caf\xe9").expect_err("not UTF-8");
        let message = error.to_string();
        assert!(message.contains("offset 9"), "{message}");
        assert!(message.contains("save it as UTF-8"), "{message}");
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        assert_eq!(decode_text(b"\xEF\xBB\xBFDear Sir").ok().as_deref(), Some("Dear Sir"));
    }

    #[test]
    fn nul_bytes_mean_binary() {
        assert!(looks_binary(b"PK\x03\x04\x00\x00garbage"));
        assert!(!looks_binary(b"Dear Sir,\r\n\tThank you."));
    }
}
