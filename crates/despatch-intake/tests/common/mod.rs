//! Helpers shared by the integration tests.
#![allow(dead_code, reason = "each test file uses a different part")]

use despatch_intake::evaluate::{self, Labelled, Report};
use despatch_intake::{Fields, Options};
use std::path::{Path, PathBuf};

/// The real letters, read in place from ../shared/data (never copied into the repo).
pub fn shared_letters() -> PathBuf {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/letters"));
    assert!(dir.is_dir(), "the shared letters are missing at {}; the repo must sit beside shared/", dir.display());
    dir.to_path_buf()
}

/// The project's own test letters, never used to write the rules.
pub fn unseen_letters() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/unseen")).to_path_buf()
}

/// Extracts every labelled document in `dir` and scores it.
pub fn evaluate_dir(dir: &Path) -> Report {
    let letters = evaluate::labelled_letters(dir).expect("labelled letters");
    assert!(!letters.is_empty(), "no labelled letters in {}", dir.display());
    let results: Vec<(Labelled, Result<Fields, String>)> = letters
        .into_iter()
        .map(|letter| {
            let result = despatch_intake::read_file(&letter.document, &Options::default())
                .map_err(|e| e.to_string())
                .and_then(|i| i.into_iter().next().map(|i| i.fields).ok_or_else(|| "nothing read".to_string()));
            (letter, result)
        })
        .collect();
    evaluate::score(&results)
}

/// Accuracy of one field in a report, in percent.
pub fn percent(report: &Report, field: &str) -> f64 {
    report.fields.iter().find(|f| f.field == field).map(evaluate::FieldScore::percent).expect("field scored")
}

/// The bars of the issue: field and minimum accuracy on the shared letters.
pub const BARS: [(&str, f64); 6] = [
    ("date", 95.0),
    ("reference", 95.0),
    ("in_reply_to_date", 90.0),
    ("sender_name", 85.0),
    ("recipient_name", 85.0),
    ("direction", 95.0),
];
