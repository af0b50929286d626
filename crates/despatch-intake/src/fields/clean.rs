//! Cleaning of letter text before the rules read it: HTML, typographic characters, and the
//! noise of OCR and of text copied from Hansard (column markers, merged sentences).

use regex::Regex;
use std::sync::LazyLock;

static TAG: LazyLock<Regex> = LazyLock::new(|| re(r"</?[A-Za-z][^<>]{0,500}>"));
static COLUMN_MARKER: LazyLock<Regex> = LazyLock::new(|| re(r"\b(?:\d{2,4}W)+(?:\b|([A-Z]))"));
static MERGED_SENTENCE: LazyLock<Regex> = LazyLock::new(|| re(r"([a-z0-9\)])\.([A-Z])"));
static YEAR_THEN_I: LazyLock<Regex> = LazyLock::new(|| re(r"\b((?:19|20)\d{2})1 ([a-z]{3,})"));

/// Compiles a regex written in this crate (they are all literals, checked by the tests).
pub(crate) fn re(pattern: &str) -> Regex {
    match Regex::new(pattern) {
        Ok(regex) => regex,
        // The patterns are constants: a bad one is a programming error caught by every test.
        Err(error) => panic!("bad built-in pattern {pattern}: {error}"),
    }
}

/// Returns the text with HTML removed, typographic characters made plain, and OCR and
/// Hansard noise repaired: column markers ("287W") dropped, merged sentences ("claim.I")
/// split, and a year merged with "I" ("20021 estimate") separated.
pub fn clean_text(text: &str) -> String {
    let mut s: String = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .map(|c| match c {
            '\u{a0}' | '\u{2002}' | '\u{2003}' | '\u{2009}' | '\u{202f}' => ' ',
            '\u{2018}' | '\u{2019}' | '\u{2032}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            '\u{2013}' | '\u{2014}' | '\u{2212}' => '-',
            '\u{feff}' | '\u{200b}' => ' ',
            other => other,
        })
        .collect();
    if s.contains('<') {
        s = TAG.replace_all(&s, "").into_owned();
    }
    if s.contains('&') {
        s = s
            .replace("&nbsp;", " ")
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'");
    }
    s = COLUMN_MARKER
        .replace_all(&s, |c: &regex::Captures| c.get(1).map_or(String::new(), |m| m.as_str().to_string()))
        .into_owned();
    s = MERGED_SENTENCE.replace_all(&s, "$1. $2").into_owned();
    s = YEAR_THEN_I.replace_all(&s, "$1 I $2").into_owned();
    s
}

/// A letter's cleaned text as lines, with the positions of its landmarks.
pub(crate) struct Doc {
    /// Cleaned lines, trimmed, in order (empty lines kept, as blocks matter).
    pub lines: Vec<String>,
    /// The whole cleaned text with line breaks turned into spaces, for phrases that wrap.
    pub flat: String,
}

impl Doc {
    pub fn new(text: &str) -> Self {
        let cleaned = clean_text(text);
        let lines: Vec<String> = cleaned.lines().map(|l| l.trim().to_string()).collect();
        let flat = lines.iter().filter(|l| !l.is_empty()).map(String::as_str).collect::<Vec<_>>().join(" ");
        Doc { lines, flat }
    }

    /// Indexes of the non-empty lines.
    pub fn non_empty(&self) -> impl Iterator<Item = (usize, &str)> {
        self.lines.iter().enumerate().filter(|(_, l)| !l.is_empty()).map(|(i, l)| (i, l.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hansard_column_markers_are_dropped_and_the_next_word_kept() {
        assert_eq!(clean_text("287WI am replying"), "I am replying");
        assert_eq!(clean_text("this information.288W289W"), "this information.");
    }

    #[test]
    fn a_postcode_ending_in_w_is_not_a_column_marker() {
        assert_eq!(clean_text("London SW1W 0DT"), "London SW1W 0DT");
    }

    #[test]
    fn sentences_run_together_are_split() {
        assert_eq!(clean_text("Road, Brixham.I should explain"), "Road, Brixham. I should explain");
        assert_eq!(clean_text("see www.gov.uk today"), "see www.gov.uk today");
    }

    #[test]
    fn html_links_keep_their_text() {
        assert_eq!(clean_text(r#"at: <a href="https://x.org/y">www.x.org</a>."#), "at: www.x.org.");
    }

    #[test]
    fn a_year_merged_with_the_pronoun_i_is_separated() {
        assert_eq!(clean_text("to 30 November 20021 estimate that"), "to 30 November 2002 I estimate that");
    }
}
