//! Case references: `TYPE/NNNNNNN/YY` (HOCS CaseReferenceGenerator; shared/reference/hocs.md §1.2).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A case reference such as `MIN/0017733/18`: the case-type code, a 7-digit number from one
/// global sequence shared by every case type (never reused), and the two-digit year in which the
/// case was created (not received).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Reference {
    case_type: String,
    number: u32,
    year: u16,
}

/// Why text is not a case reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a case reference: expected TYPE/NNNNNNN/YY, e.g. MIN/0017733/18")]
pub struct ReferenceError {
    /// The text given.
    pub text: String,
}

impl Reference {
    /// Builds a reference. `number` must be below 10,000,000 and `year` is the full year of
    /// creation (only its last two digits are printed).
    pub fn new(case_type: &str, number: u32, year: i32) -> Result<Reference, ReferenceError> {
        let valid_type = (2..=5).contains(&case_type.len()) && case_type.chars().all(|c| c.is_ascii_alphanumeric());
        if !valid_type || number >= 10_000_000 {
            return Err(ReferenceError { text: format!("{case_type}/{number}/{year}") });
        }
        Ok(Reference { case_type: case_type.to_ascii_uppercase(), number, year: year.rem_euclid(100) as u16 })
    }

    /// The case-type code.
    pub fn case_type(&self) -> &str {
        &self.case_type
    }

    /// The sequence number.
    pub fn number(&self) -> u32 {
        self.number
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:07}/{:02}", self.case_type, self.number, self.year)
    }
}

impl FromStr for Reference {
    type Err = ReferenceError;

    /// Accepts 2–5 letters or digits, `/`, 7 digits, `/`, 2 digits (HOCS's lookup pattern).
    fn from_str(text: &str) -> Result<Reference, ReferenceError> {
        let error = || ReferenceError { text: text.to_string() };
        let mut parts = text.trim().split('/');
        let (Some(case_type), Some(number), Some(year), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(error());
        };
        let digits = |s: &str, n: usize| s.len() == n && s.chars().all(|c| c.is_ascii_digit());
        if !(2..=5).contains(&case_type.len()) || !case_type.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(error());
        }
        if !digits(number, 7) || !digits(year, 2) {
            return Err(error());
        }
        Ok(Reference {
            case_type: case_type.to_ascii_uppercase(),
            number: number.parse().map_err(|_| error())?,
            year: year.parse().map_err(|_| error())?,
        })
    }
}

impl TryFrom<String> for Reference {
    type Error = ReferenceError;
    fn try_from(text: String) -> Result<Reference, ReferenceError> {
        text.parse()
    }
}

impl From<Reference> for String {
    fn from(reference: Reference) -> String {
        reference.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_prints_a_seven_digit_number_and_two_digit_year() {
        let reference = Reference::new("MIN", 17733, 2018).expect("valid");
        assert_eq!(reference.to_string(), "MIN/0017733/18");
    }

    #[test]
    fn a_printed_reference_reads_back_as_the_same_reference() {
        let reference: Reference = "MIN/0017733/18".parse().expect("valid");
        assert_eq!(reference, Reference::new("MIN", 17733, 2018).expect("valid"));
    }

    #[test]
    fn malformed_references_are_refused() {
        for text in
            ["", "MIN", "MIN/17733/18", "MIN/0017733/2018", "M/0017733/18", "MIN/00177a3/18", "MIN/0017733/18/1"]
        {
            assert!(text.parse::<Reference>().is_err(), "{text} accepted");
        }
    }
}
