//! `despatch templates` and `despatch draft` as a user runs them: the embedded defaults are
//! listed from a fresh database, a template file is checked and loaded, and the reply to the
//! seed case (imported from its letter) is written as .docx and PDF.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Db, stdout};

const SEED_LETTER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/letters/000-MIN-0017733-18.txt");
const EXAMPLE_TEMPLATES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/reply-templates.toml");

fn despatch(db: &Db, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_despatch")).args(args).args(["--db", &db.url]).output().expect("run despatch")
}

#[test]
fn templates_are_listed_loaded_only_when_valid_and_shown_as_toml() {
    let db = Db::new();
    let listed = despatch(&db, &["templates", "list"]);
    assert!(listed.status.success());
    assert!(stdout(&listed).contains("MIN    default"), "the embedded default is seeded: {}", stdout(&listed));

    let broken = db.write(
        "broken.toml",
        std::fs::read_to_string(EXAMPLE_TEMPLATES).expect("read").replace("{{ title }}", "{{ titel }}"),
    );
    let refused = despatch(&db, &["templates", "load", &broken.display().to_string()]);
    assert!(!refused.status.success(), "a misspelt merge field is refused");
    let said = String::from_utf8_lossy(&refused.stderr).to_string();
    assert!(said.contains("SAFEGUARDING_MINISTER_OFFICE") && said.contains("body line 1"), "and located: {said}");
    assert!(!stdout(&despatch(&db, &["templates", "list"])).contains("SAFEGUARDING"), "nothing was saved");

    let unknown = db.write(
        "unknown-team.toml",
        std::fs::read_to_string(EXAMPLE_TEMPLATES)
            .expect("read")
            .replace("SAFEGUARDING_MINISTER_OFFICE", "NO_SUCH_TEAM"),
    );
    let refused = despatch(&db, &["templates", "load", &unknown.display().to_string()]);
    let said = String::from_utf8_lossy(&refused.stderr).to_string();
    assert!(!refused.status.success() && said.contains("There is no team NO_SUCH_TEAM"), "{said}");

    let organisation = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/organisation.toml");
    assert!(despatch(&db, &["admin", "load-organisation", organisation]).status.success(), "the signing team exists");
    let loaded = despatch(&db, &["templates", "load", EXAMPLE_TEMPLATES]);
    assert!(loaded.status.success(), "{}", String::from_utf8_lossy(&loaded.stderr));
    let shown = despatch(&db, &["templates", "show", "MIN", "SAFEGUARDING_MINISTER_OFFICE"]);
    assert!(stdout(&shown).contains("heading = \"Victoria Atkins MP\""), "{}", stdout(&shown));
    assert!(!despatch(&db, &["templates", "show", "MIN", "NO_SUCH_TEAM"]).status.success());
}

#[test]
fn the_reply_to_the_seed_case_is_written_as_word_and_pdf() {
    let db = Db::new();
    let (output, summary) = db.ingest_json(&[Path::new(SEED_LETTER)]);
    assert!(output.status.success(), "{summary}");
    let out = db.dir.path().join("replies");
    let drafted =
        despatch(&db, &["draft", "MIN/0017733/18", "--date", "2018-12-21", "--out", &out.display().to_string()]);
    assert!(drafted.status.success(), "{}", String::from_utf8_lossy(&drafted.stderr));
    // The seed letter is imported as a closed case with a new reference; its old one finds it.
    let written: Vec<String> = stdout(&drafted).lines().map(str::to_string).collect();
    assert_eq!(written.len(), 2, "the two files' paths: {written:?}");
    assert!(written[0].ends_with(".docx") && written[1].ends_with(".pdf"), "{written:?}");
    let docx = std::fs::read(&written[0]).expect("the .docx");
    assert!(docx.starts_with(b"PK"), "a Word document");
    let pdf = Path::new(&written[1]);
    let Ok(text) = Command::new("pdftotext").arg(pdf).arg("-").output() else {
        eprintln!("SKIPPED: pdftotext is not installed (apt-get install poppler-utils)");
        return;
    };
    let text = String::from_utf8_lossy(&text.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in
        ["Councillor Shabir Pandor", "Huddersfield", "21 December 2018", "Dear Cllr Pandor", "14 November 2018"]
    {
        assert!(text.contains(expected), "the PDF names {expected:?}: {text}");
    }
    let missing = despatch(&db, &["draft", "MIN/9999999/18", "--out", &out.display().to_string()]);
    assert!(!missing.status.success() && String::from_utf8_lossy(&missing.stderr).contains("there is no case"));
}
