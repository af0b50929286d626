//! Word (.docx): the text of `word/document.xml` (headers first, footers last), read with
//! limits on the archive so that a "zip bomb" is refused rather than unpacked.

use super::Limits;
use crate::IntakeError;
use quick_xml::events::Event;
use std::io::{Cursor, Read};

const MAX_ENTRIES: usize = 10_000;

/// True if a zip archive contains `word/document.xml`.
pub(crate) fn looks_like_docx(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(Cursor::new(bytes)).is_ok_and(|archive| archive.index_for_name("word/document.xml").is_some())
}

/// Reads the text of a Word document.
pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<String, IntakeError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| IntakeError::BadDocx(format!("not a valid zip archive ({e})")))?;
    if archive.len() > MAX_ENTRIES {
        return Err(IntakeError::BadDocx(format!("{} parts is too many", archive.len())));
    }
    let mut names: Vec<String> =
        archive.file_names().filter_map(Result::ok).map(std::borrow::Cow::into_owned).collect();
    if !names.iter().any(|n| n == "word/document.xml") {
        return Err(IntakeError::BadDocx("it has no word/document.xml".into()));
    }
    names.sort();
    let order = |n: &str| {
        if n.starts_with("word/header") {
            0
        } else if n == "word/document.xml" {
            1
        } else {
            2
        }
    };
    let mut parts: Vec<String> = names
        .into_iter()
        .filter(|n| {
            n == "word/document.xml"
                || (n.starts_with("word/header") || n.starts_with("word/footer")) && n.ends_with(".xml")
        })
        .collect();
    parts.sort_by_key(|n| order(n));
    let mut total: u64 = 0;
    let mut text = String::new();
    for part in parts {
        let mut file = archive.by_name(&part).map_err(|e| IntakeError::BadDocx(format!("{part}: {e}")))?;
        let budget = limits.max_unzipped_bytes.saturating_sub(total);
        if file.size() > budget {
            return Err(IntakeError::ZipBomb { entry: part, limit: limits.max_unzipped_bytes });
        }
        let mut xml = Vec::new();
        // Never trust the declared size: read at most one byte past the budget.
        file.by_ref()
            .take(budget.saturating_add(1))
            .read_to_end(&mut xml)
            .map_err(|e| IntakeError::BadDocx(format!("{part}: {e}")))?;
        total = total.saturating_add(xml.len() as u64);
        if total > limits.max_unzipped_bytes {
            return Err(IntakeError::ZipBomb { entry: part, limit: limits.max_unzipped_bytes });
        }
        text.push_str(&xml_text(&xml).map_err(|e| IntakeError::BadDocx(format!("{part}: {e}")))?);
        text.push('\n');
    }
    if text.trim().is_empty() {
        return Err(IntakeError::Empty);
    }
    Ok(text)
}

/// The text of WordprocessingML: runs of `w:t`, tabs, breaks, and a line per paragraph and
/// per table cell.
fn xml_text(xml: &[u8]) -> Result<String, quick_xml::Error> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut out = String::new();
    let mut in_text = false;
    loop {
        match reader.read_event()? {
            Event::Start(e) if e.local_name().as_ref() == "t" => in_text = true,
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" | "tc" => out.push('\n'),
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                "tab" => out.push('\t'),
                "br" | "cr" => out.push('\n'),
                _ => {}
            },
            Event::Text(t) if in_text => out.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    out.push(c);
                } else {
                    let name = r.xml10_content();
                    out.push_str(match name.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_tabs_and_entities_become_plain_text() {
        let xml = br#"<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>Dear</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve"> Sir &amp; Madam</w:t></w:r></w:p><w:p><w:r><w:t>Yours</w:t></w:r></w:p></w:body></w:document>"#;
        assert_eq!(xml_text(xml).ok().as_deref(), Some("Dear\t Sir & Madam\nYours\n"));
    }

    #[test]
    fn a_zip_that_is_not_a_word_document_is_refused() {
        let error = read(b"PK\x03\x04 truncated", &Limits::default()).expect_err("bad zip");
        assert!(error.to_string().contains("not a valid zip archive"), "{error}");
    }
}
