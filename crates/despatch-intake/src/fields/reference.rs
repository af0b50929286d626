//! The letter's own reference: "Our ref: …", "HOCS Reference: MIN/0017733/18", "reference number
//! P0014272", "Freedom of Information Request F0008441", a case reference standing in the text,
//! a Parliamentary Question number "[195836]", or a code in brackets closing the heading.

use super::Found;
use super::clean::{Doc, re};
use regex::Regex;
use std::sync::LazyLock;

const VALUE: &str = r"(?P<v>[A-Za-z0-9][A-Za-z0-9/\-_.]*[0-9][A-Za-z0-9/\-_]*)";

static OWN_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:(?:our|my|hocs|case|file|foi)\s+ref(?:erence)?|ref(?:erence)?)(?:\s+(?:no|number))?\.?(?:\s*[:#\-]\s*|\s+)(?:is\s+)?{VALUE}"
    ))
});
static CASE_LABEL: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"(?i)\bcase\s+(?:no|number)\.?\s*[:#\-]?\s*{VALUE}")));
static YOUR_LABEL: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"(?i)\byour\s+ref(?:erence)?(?:\s+(?:no|number))?\.?\s*[:#\-]?\s*{VALUE}")));
static REQUEST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:freedom\s+of\s+information|foi|eir|information)\s+request\s*(?:no\.?|number|ref(?:erence)?)?\s*[:#]?\s*(?P<v>[A-Za-z]{0,4}[0-9][A-Za-z0-9/\-]*)",
    )
});
static CASE_SHAPE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?P<v>[A-Z]{2,6}/[0-9O]{3,}/[0-9]{2,4}|[A-Z]{2,6}[0-9]{4}/[0-9]{3,})\b"));
static QUESTION_NUMBER: LazyLock<Regex> = LazyLock::new(|| re(r"\[(?P<v>[0-9]{5,7})\]"));
static HEADING_CODE: LazyLock<Regex> = LazyLock::new(|| re(r"\((?P<v>[A-Z]{2,5}\s?[0-9]{1,4}[A-Z]?)\)\s*$"));

/// Repairs OCR letters in the numeric parts of a reference ("MIN/OO17733/18").
fn repair(value: &str) -> String {
    value
        .split('/')
        .map(|part| {
            let digitish = part.chars().all(|c| c.is_ascii_digit() || matches!(c, 'O' | 'o' | 'l' | 'I'));
            if digitish && part.chars().any(|c| c.is_ascii_digit()) {
                part.chars()
                    .map(|c| match c {
                        'O' | 'o' => '0',
                        'l' | 'I' => '1',
                        other => other,
                    })
                    .collect()
            } else {
                part.to_string()
            }
        })
        .collect::<Vec<String>>()
        .join("/")
}

fn first(regex: &Regex, text: &str) -> Option<String> {
    regex
        .captures_iter(text)
        .filter_map(|c| c.name("v").map(|v| v.as_str().trim_end_matches(['.', '-', '/'])))
        .find(|v| v.chars().any(|c| c.is_ascii_digit()) && v.len() >= 3)
        .map(repair)
}

/// The letter's reference as printed, or `None`.
pub(crate) fn find(doc: &Doc) -> Option<Found<String>> {
    let candidates: [(&Regex, f32); 5] =
        [(&OWN_LABEL, 0.95), (&CASE_LABEL, 0.95), (&REQUEST, 0.9), (&CASE_SHAPE, 0.85), (&YOUR_LABEL, 0.7)];
    for (regex, confidence) in candidates {
        if let Some(value) = first(regex, &doc.flat) {
            return Some(Found::new(value, confidence));
        }
    }
    if let Some(value) = first(&QUESTION_NUMBER, &doc.flat) {
        return Some(Found::new(value, 0.7));
    }
    // A code in brackets closing the heading, which may have wrapped onto a second line.
    let mut lines = doc.non_empty().map(|(_, l)| l);
    let heading = lines.next()?;
    first(&HEADING_CODE, heading)
        .or_else(|| {
            let second = lines.next()?;
            let joined = format!("{heading} {second}");
            (!heading.ends_with(['.', ':']) && second.len() < 60).then(|| first(&HEADING_CODE, &joined)).flatten()
        })
        .map(|v| Found::new(v, 0.6))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(text: &str) -> Option<String> {
        find(&Doc::new(text)).map(|f| f.value)
    }

    #[test]
    fn our_ref_wins_over_your_ref() {
        let text = "Our ref: MC2025/04417\nYour ref: SL/HO/2301\nDear Sarah,";
        assert_eq!(reference(text).as_deref(), Some("MC2025/04417"));
    }

    #[test]
    fn a_labelled_hocs_reference_is_read_whole() {
        assert_eq!(reference("HOCS Reference: MIN/0017733/18\nDear Sir").as_deref(), Some("MIN/0017733/18"));
    }

    #[test]
    fn ocr_letters_in_the_number_are_repaired() {
        assert_eq!(reference("Reference: MIN/OO17733/18").as_deref(), Some("MIN/0017733/18"));
    }

    #[test]
    fn letters_that_belong_to_a_reference_are_not_turned_into_digits() {
        assert_eq!(reference("Our ref: FOI2021/25946").as_deref(), Some("FOI2021/25946"));
    }

    #[test]
    fn an_allocated_reference_number_ends_before_the_full_stop() {
        assert_eq!(reference("has been allocated reference number P0014272.").as_deref(), Some("P0014272"));
    }

    #[test]
    fn a_charity_number_is_not_a_reference() {
        assert_eq!(reference("Registered charity no. 1098765\nDear Sir"), None);
    }

    #[test]
    fn a_parliamentary_question_number_is_a_reference() {
        assert_eq!(reference("what the procedures are. [195836]\nAll correspondence").as_deref(), Some("195836"));
        assert_eq!(reference("as printed.[14]"), None);
    }
}
