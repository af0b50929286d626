//! UK postcodes: found in a line, repaired for OCR (letter O for zero), and validated against
//! the Royal Mail format (outward code A9, A99, A9A, AA9, AA99 or AA9A; inward code 9AA).

use super::clean::re;
use regex::Regex;
use std::sync::LazyLock;

static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| re(r"\b([A-Z]{1,2}[0-9OIl][A-Z0-9]?) ?([0-9OIl][A-Z]{2})\b"));
static VALID: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) [0-9][ABD-HJLNP-UW-Z]{2}$",
    )
});

fn digit(c: char) -> char {
    match c {
        'O' => '0',
        'I' | 'l' => '1',
        other => other,
    }
}

/// Normalises and validates one postcode ("sw1a oaa" → "SW1A 0AA"); `None` if not valid.
pub fn normalise(text: &str) -> Option<String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    let split = compact.len().checked_sub(3)?;
    let (outward, inward) = (compact.get(..split)?, compact.get(split..)?);
    // Repair OCR letters only where the format wants a digit.
    let mut out: Vec<char> = outward.chars().collect();
    if let Some(second) = out.get(1).copied()
        && out.len() >= 2
    {
        let first_is_letter = out.first().is_some_and(char::is_ascii_alphabetic);
        if first_is_letter && out.len() == 2 {
            out[1] = digit(second);
        }
    }
    if let Some(c) = out.get(2).copied()
        && out.first().is_some_and(char::is_ascii_alphabetic)
        && out.get(1).is_some_and(char::is_ascii_alphabetic)
    {
        out[2] = digit(c);
    }
    let mut inward: Vec<char> = inward.chars().collect();
    if let Some(first) = inward.first_mut() {
        *first = digit(*first);
    }
    let candidate = format!("{} {}", out.into_iter().collect::<String>(), inward.into_iter().collect::<String>());
    (VALID.is_match(&candidate) || candidate == "GIR 0AA").then_some(candidate)
}

/// The first valid postcode in `line`, with its byte range, normalised.
pub fn find(line: &str) -> Option<(usize, usize, String)> {
    CANDIDATE.captures_iter(line).find_map(|c| {
        let whole = c.get(0)?;
        let code = normalise(whole.as_str())?;
        Some((whole.start(), whole.end(), code))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_postcode_is_normalised() {
        assert_eq!(normalise("sw1a2hq").as_deref(), Some("SW1A 2HQ"));
        assert_eq!(normalise("HD1 2TG").as_deref(), Some("HD1 2TG"));
    }

    #[test]
    fn the_letter_o_for_zero_is_repaired() {
        assert_eq!(normalise("SW1A OPW").as_deref(), Some("SW1A 0PW"));
        assert_eq!(find("LONDON SW1A OPW").map(|f| f.2).as_deref(), Some("SW1A 0PW"));
    }

    #[test]
    fn invalid_codes_are_refused() {
        assert_eq!(normalise("WTC 40A"), None);
        assert_eq!(normalise("Q1 1AA"), None);
        assert_eq!(normalise("SW1A 0CI"), None);
        assert_eq!(find("question PPG13 was"), None);
    }
}
