//! Shared by the PDF tests: the seed case's letter, and reading text back from a PDF
//! (`pdftotext`, from poppler-utils) and from a .docx (despatch-intake's reader).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use despatch_docs::{Letter, LetterFacts, choose, default_templates, offered, parse_standard_lines, parse_templates};
use despatch_domain::case::CorrespondentKind;
use despatch_domain::command::CorrespondentDetails;

/// The signing team whose template names the Minister for Crime, Safeguarding and Vulnerability.
pub const SAFEGUARDING_OFFICE: &str = "SAFEGUARDING_MINISTER_OFFICE";

/// The workspace's root folder.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

/// The facts of the seed case MIN/0017733/18: Cllr Pandor's letter of 14 November 2018 about
/// child sexual exploitation, answered on 21 December 2018 with the standard lines then current.
pub fn seed_facts() -> LetterFacts {
    let lines_file = std::fs::read_to_string(workspace().join("examples/standard-lines.toml"))
        .expect("examples/standard-lines.toml");
    let lines = parse_standard_lines(&lines_file).expect("the example standard lines parse");
    let today = date(2018, 12, 21);
    let standard_lines = offered(&lines, &["CHILD_SEXUAL_EXPLOITATION".to_string()], today)
        .into_iter()
        .map(|l| l.text.clone())
        .collect();
    LetterFacts {
        correspondent: CorrespondentDetails {
            kind: CorrespondentKind::Councillor,
            name: "Shabir Pandor".to_string(),
            organisation: Some("Kirklees Council".to_string()),
            address: vec![
                "Leadership and Cabinet Office".to_string(),
                "Civic Centre III".to_string(),
                "High Street".to_string(),
                "Huddersfield".to_string(),
            ],
            postcode: Some("HD1 2TG".to_string()),
            email: None,
            their_reference: None,
            external_key: None,
            matched: None,
        },
        constituent: None,
        our_reference: "MIN/0017733/18".to_string(),
        their_letter: Some(date(2018, 11, 14)),
        topic: Some("Child sexual exploitation".to_string()),
        standard_lines,
        date: today,
    }
}

/// The seed case's reply, from the MIN template of the safeguarding minister's office in
/// examples/reply-templates.toml (chosen among the embedded defaults as the application does).
pub fn seed_letter() -> Letter {
    let file = std::fs::read_to_string(workspace().join("examples/reply-templates.toml"))
        .expect("examples/reply-templates.toml");
    let mut templates = default_templates();
    templates.extend(parse_templates(&file).expect("the example templates parse"));
    let template = choose(&templates, "MIN", Some(SAFEGUARDING_OFFICE)).expect("a MIN template");
    template.render(&seed_facts()).expect("the seed reply renders")
}

/// The text of a PDF by `pdftotext` (reading order, not layout), or `None` when poppler-utils
/// is not installed (the test then says SKIPPED).
pub fn pdf_text(pdf: &[u8]) -> Option<String> {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("letter.pdf");
    std::fs::write(&path, pdf).expect("write the PDF");
    let output = match Command::new("pdftotext").arg("-enc").arg("UTF-8").arg(&path).arg("-").output() {
        Ok(output) => output,
        Err(_) => {
            eprintln!("SKIPPED: pdftotext is not installed (apt-get install poppler-utils)");
            return None;
        }
    };
    assert!(output.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&output.stderr));
    Some(String::from_utf8(output.stdout).expect("UTF-8 text"))
}

/// The text of a .docx, by despatch-intake's reader (the one that reads incoming letters).
pub fn docx_text(docx: &[u8]) -> String {
    let documents = despatch_intake::text::read("reply.docx", docx, &despatch_intake::Options::default())
        .expect("the .docx reads back");
    documents.into_iter().map(|document| document.text).collect::<Vec<_>>().join("\n")
}

/// Text with every run of white space made one space, for comparing wording across layouts.
pub fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
