//! Accuracy against hand labels: per field, exact match after normalising case, white space
//! and punctuation, with the list of misses.

use crate::IntakeError;
use crate::fields::{FIELD_NAMES, Fields};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Lower case, punctuation turned into spaces, white space collapsed: "M. Bichard" and
/// "m bichard" compare equal.
pub fn normalise(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_alphanumeric() { c.to_lowercase().next().unwrap_or(c) } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// One field of one letter that did not match its label.
#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    /// The letter's file name.
    pub file: String,
    /// The label.
    pub expected: Option<String>,
    /// What was extracted.
    pub got: Option<String>,
}

/// The score of one field over a set of letters.
#[derive(Debug, Clone, Serialize)]
pub struct FieldScore {
    /// The field's key.
    pub field: String,
    /// Letters where the field matched its label (both empty counts as a match).
    pub correct: usize,
    /// Letters scored.
    pub total: usize,
    /// The letters where it did not.
    pub misses: Vec<Miss>,
}

impl FieldScore {
    /// Percentage correct (0 to 100).
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        #[expect(clippy::cast_precision_loss, reason = "counts of letters are small")]
        let ratio = self.correct as f64 / self.total as f64;
        ratio * 100.0
    }
}

/// What was extracted from one labelled letter, field by field.
pub type Predictions = BTreeMap<String, BTreeMap<String, Option<String>>>;

/// The result of scoring a folder.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Per field, in the order of [`FIELD_NAMES`].
    pub fields: Vec<FieldScore>,
    /// Files that could not be read, with the reason.
    pub errors: Vec<(String, String)>,
    /// Per letter (by file stem): for each field, whether it matched the label.
    pub correct: BTreeMap<String, BTreeMap<String, bool>>,
}

/// A labelled letter: a document and the `.json` beside it.
#[derive(Debug, Clone)]
pub struct Labelled {
    /// The document (text, PDF, image, …).
    pub document: PathBuf,
    /// The labels.
    pub labels: BTreeMap<String, Option<String>>,
}

/// Lists the letters in `dir` that have a `.json` label file beside them with the same stem.
pub fn labelled_letters(dir: &Path) -> Result<Vec<Labelled>, IntakeError> {
    let io = |source| IntakeError::Io { path: dir.to_path_buf(), source };
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).map_err(io)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.extension().is_none_or(|e| e == "json") || !path.is_file() {
            continue;
        }
        let label_path = path.with_extension("json");
        let Ok(raw) = std::fs::read_to_string(&label_path) else {
            continue;
        };
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str(&raw) else {
            continue;
        };
        let labels = FIELD_NAMES
            .iter()
            .map(|k| {
                let v = map.get(*k).and_then(|v| v.as_str()).map(str::to_string);
                ((*k).to_string(), v)
            })
            .collect();
        out.push(Labelled { document: path, labels });
    }
    Ok(out)
}

/// Scores extraction results against labels. `results` holds, per letter, the document's file
/// name and either its fields or the error that stopped it.
pub fn score(letters: &[(Labelled, Result<Fields, String>)]) -> Report {
    let mut fields: Vec<FieldScore> = FIELD_NAMES
        .iter()
        .map(|f| FieldScore { field: (*f).to_string(), correct: 0, total: 0, misses: Vec::new() })
        .collect();
    let mut errors = Vec::new();
    let mut correct = BTreeMap::new();
    for (letter, result) in letters {
        let file = letter.document.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let stem = letter.document.file_stem().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        if let Err(error) = result {
            errors.push((file.clone(), error.clone()));
        }
        let mut per_letter = BTreeMap::new();
        for score in &mut fields {
            let expected = letter.labels.get(&score.field).cloned().flatten();
            let got = result.as_ref().ok().and_then(|f| f.get(&score.field));
            let hit = expected.as_deref().map(normalise) == got.as_deref().map(normalise);
            score.total += 1;
            if hit {
                score.correct += 1;
            } else {
                score.misses.push(Miss { file: file.clone(), expected, got });
            }
            per_letter.insert(score.field.clone(), hit);
        }
        correct.insert(stem, per_letter);
    }
    Report { fields, errors, correct }
}

/// Of the fields the `text` run got right, how many the `other` run (the same letters through
/// another format, such as a rendered scan) also got right: `(kept, of)`.
pub fn kept(text: &Report, other: &Report) -> (usize, usize) {
    let mut kept = 0;
    let mut of = 0;
    for (stem, fields) in &text.correct {
        let Some(other_fields) = other.correct.get(stem) else {
            continue;
        };
        for (field, right) in fields {
            if *right {
                of += 1;
                if other_fields.get(field).copied().unwrap_or(false) {
                    kept += 1;
                }
            }
        }
    }
    (kept, of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_ignores_case_spacing_and_punctuation() {
        assert_eq!(normalise("M. Bichard"), normalise("m  bichard"));
        assert_eq!(
            normalise("Parliamentary-Under Secretary of State"),
            normalise("parliamentary under-secretary of state")
        );
        assert_ne!(normalise("Sir David Norgrove"), normalise("David Norgrove"));
    }
}
