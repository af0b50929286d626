//! Names compared as the registers write them: titles and post-nominals removed, case and
//! punctuation ignored, and a similarity that tolerates an OCR error.

use crate::fields::people;

/// A name reduced for comparison: lower case, no titles, honours or post-nominals, no
/// punctuation ("Rt Hon Sir Mark Tami MP" → "mark tami").
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .filter(|w| !people::is_courtesy_title(w) && !people::is_honour(w) && !people::is_post_nominal(w))
        .map(|w| w.chars().filter(|c| c.is_alphanumeric() || *c == '-').collect::<String>().to_lowercase())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Similarity of two name keys, 0 to 1: Jaro-Winkler, with a surname that differs by more
/// than one letter capping it below any threshold.
pub fn similarity(a: &str, b: &str) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    let surname_a = a.rsplit(' ').next().unwrap_or(a);
    let surname_b = b.rsplit(' ').next().unwrap_or(b);
    if strsim::levenshtein(surname_a, surname_b) > 1 {
        return 0.0;
    }
    #[expect(clippy::cast_possible_truncation, reason = "a similarity between 0 and 1")]
    let score = strsim::jaro_winkler(a, b) as f32;
    score
}

/// A council name reduced for comparison ("Kirklees Metropolitan Borough Council" →
/// "kirklees"), keeping words that tell councils apart ("city of london").
pub fn council_key(name: &str) -> String {
    const GENERIC: [&str; 9] =
        ["council", "borough", "metropolitan", "district", "county", "the", "royal", "unitary", "authority"];
    name.split([' ', ',', '\n'])
        .map(|w| w.chars().filter(|c| c.is_alphanumeric() || *c == '-').collect::<String>().to_lowercase())
        .filter(|w| !w.is_empty() && !GENERIC.contains(&w.as_str()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// True if the words of `needle` appear together, in order, among the words of `hay`.
pub fn contains_words(hay: &str, needle: &str) -> bool {
    !needle.is_empty() && format!(" {hay} ").contains(&format!(" {needle} "))
}

/// True if `hay` begins with the words of `needle`.
pub fn starts_with_words(hay: &str, needle: &str) -> bool {
    !needle.is_empty() && format!("{hay} ").starts_with(&format!("{needle} "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_letters_after_names_do_not_count() {
        assert_eq!(name_key("Rt Hon Sir Mark Tami MP"), "mark tami");
        assert_eq!(name_key("Dr Beccy Cooper"), "beccy cooper");
    }

    #[test]
    fn a_different_surname_is_never_similar() {
        assert!(similarity("yvette cooper", "yvette cooperr") > 0.9);
        assert_eq!(similarity("andrew cooper", "andrew cowper-smith"), 0.0);
    }

    #[test]
    fn council_names_lose_their_generic_words() {
        assert_eq!(council_key("Kirklees Metropolitan Borough Council"), "kirklees");
        assert_eq!(council_key("Kirklees Council"), "kirklees");
    }
}
