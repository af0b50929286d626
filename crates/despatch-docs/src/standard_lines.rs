//! Standard lines as an administrator writes them: a TOML file of `[[lines]]`, each with a
//! topic code, a title, the text and an expiry date (`expires = 2019-03-31`, a civil date,
//! inclusive). Which lines a drafter is offered is [`offered`](crate::offered).

use chrono::NaiveDate;
use despatch_domain::standard_line::StandardLine;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LinesFile {
    lines: Vec<LineEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineEntry {
    topic: String,
    title: String,
    text: String,
    expires: toml::value::Datetime,
}

/// A standard-lines file that cannot be loaded, with the line's position and a sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("standard lines: {0}")]
pub struct StandardLinesError(pub String);

/// Reads a standard-lines file. Every line needs a topic, a title and text that are not blank,
/// and a plain date as its expiry; no two lines may share a topic and title.
pub fn parse_standard_lines(text: &str) -> Result<Vec<StandardLine>, StandardLinesError> {
    let file: LinesFile = toml::from_str(text).map_err(|error| StandardLinesError(error.to_string()))?;
    let mut lines = Vec::with_capacity(file.lines.len());
    for (index, entry) in file.lines.into_iter().enumerate() {
        let at = |message: &str| StandardLinesError(format!("line {} ({:?}): {message}", index + 1, entry.title));
        if entry.topic.trim().is_empty() || entry.title.trim().is_empty() || entry.text.trim().is_empty() {
            return Err(at("topic, title and text must not be blank"));
        }
        let expires = match (entry.expires.date, entry.expires.time) {
            (Some(date), None) => {
                NaiveDate::from_ymd_opt(i32::from(date.year), u32::from(date.month), u32::from(date.day))
            }
            _ => None,
        }
        .ok_or_else(|| at("expires must be a date such as 2019-03-31"))?;
        let line = StandardLine {
            topic: entry.topic.trim().to_string(),
            title: entry.title.trim().to_string(),
            text: entry.text.trim().to_string(),
            expires,
        };
        if lines.iter().any(|other: &StandardLine| other.topic == line.topic && other.title == line.title) {
            return Err(at("a line with this topic and title comes earlier in the file"));
        }
        lines.push(line);
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lines_file_is_read_and_a_line_without_a_plain_expiry_date_is_refused() {
        let lines = parse_standard_lines(
            "[[lines]]\ntopic = \"POLICE_FUNDING\"\ntitle = \"Settlement\"\ntext = \"Funding rose.\"\nexpires = 2019-03-31\n",
        )
        .expect("read");
        assert_eq!(lines[0].expires, NaiveDate::from_ymd_opt(2019, 3, 31).expect("date"));
        let error = parse_standard_lines(
            "[[lines]]\ntopic = \"T\"\ntitle = \"A\"\ntext = \"x\"\nexpires = 2019-03-31T10:00:00\n",
        )
        .expect_err("a date-time is not a civil date");
        assert!(error.to_string().contains("expires must be a date"), "{error}");
        assert!(
            parse_standard_lines("[[lines]]\ntopic = \"T\"\ntitle = \"A\"\ntext = \" \"\nexpires = 2019-03-31\n")
                .is_err()
        );
    }
}
