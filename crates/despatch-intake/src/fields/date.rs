//! Dates in letters: "21 December 2018", "21st Dec.", "December 21, 2018", "21/12/2018", and OCR
//! damage such as split digits ("2 1 DEC 2018") or the letter O for zero ("2O24").

use super::Found;
use super::clean::{Doc, re};
use chrono::{Datelike, NaiveDate};
use regex::{Captures, Regex};
use std::sync::LazyLock;

const MONTH: &str = r"(?P<m>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?P<d>[0-3OIl]\s?[0-9OIl]|[0-9OIl])(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}\b\.?,?(?:\s+(?P<y>(?:1[89]|2[0O])[0-9O]{{2}})\b)?"
    ))
});
static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(r"(?i)\b{MONTH}\.?\s+(?P<d>[0-3]?[0-9])(?:st|nd|rd|th)?,\s*(?P<y>(?:1[89]|20)[0-9]{{2}})\b"))
});
static NUMERIC: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?P<d>[0-3]?[0-9])[/.](?P<m>[01]?[0-9])[/.](?P<y>(?:19|20)?[0-9]{2})\b"));
static ISO: LazyLock<Regex> = LazyLock::new(|| re(r"\b(?P<y>(?:19|20)[0-9]{2})-(?P<m>[01][0-9])-(?P<d>[0-3][0-9])\b"));
static RECEIVED_STAMP: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:r|l|1)?eceived\b|\brec'?d\b|date of birth|\bd\.?o\.?b\b|\bborn\b"));
static DATE_LABEL: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)^(?:date[d]?|sent)\s*[:.\-]?\s*$"));
static WEEKDAY: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?$"));
static HEADING: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\bletter\s+(?:from|to)\b|\bmemorandum\b|\bnote\b"));
static HEADING_BEFORE_DATE: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)(?:\bdated|\bof|\bon)(?:\s+\S+)?\s*$"));
static TIME: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:[+-]\d{4}|[A-Z]{2,5}|\([A-Z]{2,5}\)))*$"));
static YOUR_LETTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\byour\s+(?:(?:recent|earlier|last|previous|further|e-?mailed|written|undated|original)\s+)*(?:letters?|correspondence|e-?mails?|requests?|note|memo(?:randum)?|enquiry|inquiry|message|complaint|submission|application|representations?)\b",
    )
});
static SENTENCE_END: LazyLock<Regex> = LazyLock::new(|| re(r"[.;?!](?:\s|$)"));

/// A date as written, perhaps without its year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartialDate {
    /// Day of the month.
    pub day: u32,
    /// Month, 1 to 12.
    pub month: u32,
    /// Year, when written.
    pub year: Option<i32>,
}

impl PartialDate {
    /// The full date, taking a missing year from `anchor` (the letter's own date): the latest
    /// such date not after the anchor, since a letter answers something already written.
    pub fn resolve(self, anchor: Option<NaiveDate>) -> Option<NaiveDate> {
        match (self.year, anchor) {
            (Some(year), _) => NaiveDate::from_ymd_opt(year, self.month, self.day),
            (None, Some(anchor)) => {
                let same = NaiveDate::from_ymd_opt(anchor.year(), self.month, self.day);
                match same {
                    Some(date) if date <= anchor => Some(date),
                    _ => NaiveDate::from_ymd_opt(anchor.year() - 1, self.month, self.day),
                }
            }
            (None, None) => None,
        }
    }
}

/// A date found in a line of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateHit {
    /// Byte offset where the date starts.
    pub start: usize,
    /// Byte offset just after it.
    pub end: usize,
    /// The date.
    pub date: PartialDate,
    /// True when OCR damage had to be repaired to read it.
    pub repaired: bool,
}

fn ocr_digits(s: &str) -> (String, bool) {
    let mut repaired = false;
    let digits = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            'O' | 'o' => {
                repaired = true;
                '0'
            }
            'I' | 'l' => {
                repaired = true;
                '1'
            }
            other => other,
        })
        .collect();
    (digits, repaired || s.contains(char::is_whitespace))
}

fn month_number(name: &str) -> Option<u32> {
    let prefix: String = name.chars().take(3).collect::<String>().to_lowercase();
    let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    months.iter().position(|m| *m == prefix).and_then(|i| u32::try_from(i + 1).ok())
}

fn year_of(text: &str) -> Option<i32> {
    let (digits, _) = ocr_digits(text);
    let year: i32 = digits.parse().ok()?;
    Some(match year {
        0..=49 => 2000 + year,
        50..=99 => 1900 + year,
        _ => year,
    })
}

fn valid(date: PartialDate) -> bool {
    NaiveDate::from_ymd_opt(date.year.unwrap_or(2000), date.month, date.day).is_some()
}

/// All dates in a piece of text, in order, repaired where OCR split or misread them.
pub fn find_dates(text: &str) -> Vec<DateHit> {
    let mut hits: Vec<DateHit> = Vec::new();
    let mut push = |c: &Captures, hit_year: Option<i32>, repaired_extra: bool| {
        let (Some(whole), Some(d), Some(m)) = (c.get(0), c.name("d"), c.name("m")) else {
            return;
        };
        let (day_digits, repaired) = ocr_digits(d.as_str());
        if !d.as_str().chars().any(|ch| ch.is_ascii_digit()) {
            return; // "I may": a day needs at least one real digit
        }
        let month = month_number(m.as_str()).or_else(|| m.as_str().parse().ok());
        let (Ok(day), Some(month)) = (day_digits.parse::<u32>(), month) else {
            return;
        };
        let date = PartialDate { day, month, year: hit_year };
        if valid(date) && !hits.iter().any(|h| h.start < whole.end() && whole.start() < h.end) {
            hits.push(DateHit { start: whole.start(), end: whole.end(), date, repaired: repaired || repaired_extra });
        }
    };
    for c in DAY_MONTH_YEAR.captures_iter(text) {
        let year = c.name("y").and_then(|y| year_of(y.as_str()));
        let repaired = c.name("y").is_some_and(|y| y.as_str().contains(['O', 'o']));
        push(&c, year, repaired);
    }
    for regex in [&*MONTH_DAY_YEAR, &*ISO, &*NUMERIC] {
        for c in regex.captures_iter(text) {
            let year = c.name("y").and_then(|y| year_of(y.as_str()));
            push(&c, year, false);
        }
    }
    hits.sort_by_key(|h| h.start);
    hits
}

/// `before` without a trailing weekday ("Date: Mon," becomes "Date:").
fn strip_weekday(before: &str) -> &str {
    let trimmed = before.trim_end_matches([',', ' ']);
    match trimmed.rsplit_once(' ') {
        Some((head, last)) if WEEKDAY.is_match(last) => head.trim(),
        None if WEEKDAY.is_match(trimmed) => "",
        _ => before,
    }
}

/// The letter's own date: a date standing on its own line, labelled "Date:", at the end of an
/// address line after a wide gap, or in a heading ("Letter from A to B, dated …"). A received
/// stamp is never taken for it, and a date without a year is not enough.
pub(crate) fn letter_date(doc: &Doc) -> Option<Found<NaiveDate>> {
    let mut best: Option<(f32, NaiveDate)> = None;
    let mut previous = "";
    for (index, line) in doc.non_empty() {
        // A heading may have wrapped: "Letter from A to B, dated" / "7 December 1992:".
        let context = format!("{previous} {line}");
        let heading_line = HEADING.is_match(line);
        let heading_wrapped = !heading_line && HEADING.is_match(previous);
        previous = line;
        for hit in find_dates(line) {
            let lead = line.get(..hit.start).unwrap_or("");
            let lead = lead.get(lead.len().saturating_sub(30)..).unwrap_or(lead);
            if RECEIVED_STAMP.is_match(lead) {
                continue;
            }
            let Some(date) = hit.date.year.and_then(|_| hit.date.resolve(None)) else {
                continue;
            };
            let before = line.get(..hit.start).unwrap_or("").trim();
            let after = line.get(hit.end..).unwrap_or("").trim();
            let after_clean = after.trim_matches(|c: char| c.is_ascii_punctuation());
            let before_core = strip_weekday(before);
            let mut score: f32 = if after_clean.is_empty() && before_core.is_empty() {
                0.9
            } else if DATE_LABEL.is_match(before_core) && (after_clean.is_empty() || TIME.is_match(after)) {
                0.95
            } else if (after_clean.is_empty()
                && line.get(..hit.start).is_some_and(|b| b.ends_with("   ") || b.ends_with('\t')))
                || (index < 5
                    && (heading_line || (heading_wrapped && hit.start <= 12))
                    && HEADING_BEFORE_DATE
                        .is_match(context.get(..context.len() - line.len() + hit.start).unwrap_or(before)))
            {
                // At the end of a line after a wide gap, or in a heading "… dated …".
                0.85
            } else {
                continue;
            };
            if hit.repaired {
                score -= 0.1;
            }
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, date));
            }
        }
    }
    best.map(|(score, date)| Found::new(date, score))
}

/// The date of the correspondence being answered: "Thank you for your letter of 14 November",
/// "your request … which you sent on the 16th December 2011". A missing year is taken from the
/// letter's own date (`anchor`); with neither, the date is not known.
pub(crate) fn in_reply_to_date(doc: &Doc, anchor: Option<NaiveDate>) -> Option<Found<NaiveDate>> {
    for trigger in YOUR_LETTER.find_iter(&doc.flat) {
        let rest = doc.flat.get(trigger.end()..).unwrap_or("");
        let window_end = rest.char_indices().nth(160).map_or(rest.len(), |(i, _)| i);
        let mut window = rest.get(..window_end).unwrap_or("");
        if let Some(end) = SENTENCE_END.find(window) {
            window = window.get(..end.start()).unwrap_or(window);
        }
        if let Some(hit) = find_dates(window).into_iter().next() {
            let explicit = hit.date.year.is_some();
            if let Some(date) = hit.date.resolve(anchor) {
                let confidence = if explicit { 0.9 } else { 0.8 };
                return Some(Found::new(date, confidence - if hit.repaired { 0.1 } else { 0.0 }));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("test date")
    }

    fn only_date(text: &str) -> PartialDate {
        let hits = find_dates(text);
        assert_eq!(hits.len(), 1, "{text}: {hits:?}");
        hits[0].date
    }

    #[test]
    fn a_split_digit_ocr_date_is_read_as_one_date() {
        let d = only_date("2 1 DEC 2018");
        assert_eq!((d.day, d.month, d.year), (21, 12, Some(2018)));
    }

    #[test]
    fn the_letter_o_in_a_year_is_read_as_zero() {
        let d = only_date("1 7 June 2O24");
        assert_eq!((d.day, d.month, d.year), (17, 6, Some(2024)));
    }

    #[test]
    fn ordinals_commas_and_american_order_are_read() {
        assert_eq!(only_date("16th December 2011").day, 16);
        assert_eq!(only_date("27 March, 2003").year, Some(2003));
        let d = only_date("December 21, 2018");
        assert_eq!((d.day, d.month), (21, 12));
        assert_eq!(only_date("21/12/18").year, Some(2018));
    }

    #[test]
    fn i_may_is_not_a_date() {
        assert!(find_dates("I may write again").is_empty());
    }

    #[test]
    fn a_date_without_a_year_takes_it_from_the_letter() {
        let d = only_date("28 June");
        assert_eq!(d.resolve(Some(ymd(2000, 7, 5))), Some(ymd(2000, 6, 28)));
        // A December letter answered in January belongs to the year before.
        let d = only_date("23 December");
        assert_eq!(d.resolve(Some(ymd(2004, 1, 10))), Some(ymd(2003, 12, 23)));
        assert_eq!(d.resolve(None), None);
    }

    #[test]
    fn the_letter_date_is_the_standalone_one_not_the_received_stamp() {
        let doc = Doc::new("Dear Sir\nLeceived 28/12/18\n2 1 DEC 2018\nThe meeting of 3 May 2006 went well.");
        let date = letter_date(&doc).expect("a date");
        assert_eq!(date.value, ymd(2018, 12, 21));
    }

    #[test]
    fn a_heading_date_is_the_letter_date() {
        let doc =
            Doc::new("Letter from M. Bichard to Mr Robert B. Jones, dated 247 27 January 1993: As Chief Executive");
        assert_eq!(letter_date(&doc).map(|d| d.value), Some(ymd(1993, 1, 27)));
    }

    #[test]
    fn a_date_mentioned_in_the_body_is_not_the_letter_date() {
        let doc = Doc::new("Please send the emails between 21 October 2021 and 4 November 2021.");
        assert_eq!(letter_date(&doc), None);
    }

    #[test]
    fn the_reply_date_comes_from_your_letter_of() {
        let doc = Doc::new("Thank you for your correspondence of 14 November about exploitation.");
        let found = in_reply_to_date(&doc, Some(ymd(2018, 12, 21))).expect("found");
        assert_eq!(found.value, ymd(2018, 11, 14));
    }

    #[test]
    fn my_letter_of_is_not_the_letter_being_answered() {
        let doc = Doc::new("You will be aware from my letter of 19 October 1992 to all MPs.");
        assert_eq!(in_reply_to_date(&doc, Some(ymd(1992, 12, 7))), None);
    }
}
