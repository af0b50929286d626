//! Every format gives the same fields as the text it was made from. The renderings (PDF,
//! Word, email, scans) are generated at test time by `scripts/make-intake-corpus.py` into
//! Cargo's temporary folder, from the shared letters read in place; nothing is committed.
//! Tests that need python3, poppler-utils, ImageMagick or tesseract skip, saying so, when one
//! is missing: `apt-get install tesseract-ocr tesseract-ocr-eng poppler-utils imagemagick`.

mod common;

use despatch_intake::{Fields, Options, evaluate};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn have(program: &str, arg: &str) -> bool {
    Command::new(program).arg(arg).output().is_ok_and(|o| o.status.success())
}

fn missing(programs: &[(&str, &str)]) -> Option<String> {
    let absent: Vec<&str> = programs.iter().filter(|(p, a)| !have(p, a)).map(|(p, _)| *p).collect();
    (!absent.is_empty()).then(|| absent.join(", "))
}

const PYTHON: (&str, &str) = ("python3", "--version");
const SCAN_TOOLS: [(&str, &str); 4] =
    [("python3", "--version"), ("pdftoppm", "-v"), ("convert", "-version"), ("tesseract", "--version")];

fn generate(name: &str, extra: &[&str]) -> PathBuf {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    // A fresh corpus on every run; an error here only means there was none.
    let _ = std::fs::remove_dir_all(&out);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/make-intake-corpus.py");
    let status = Command::new("python3")
        .arg(script)
        .arg("--letters")
        .arg(common::shared_letters())
        .arg("--out")
        .arg(&out)
        .args(extra)
        .status()
        .expect("run the corpus script");
    assert!(status.success(), "the corpus script failed");
    out
}

/// PDF with a text layer, Word and email renderings of every shared letter.
fn plain_corpus() -> &'static Path {
    static CORPUS: OnceLock<PathBuf> = OnceLock::new();
    CORPUS.get_or_init(|| generate("intake-corpus-plain", &["--no-scans"]))
}

/// Scanned renderings of every shared letter, and images of two of them.
fn scan_corpus() -> &'static Path {
    static CORPUS: OnceLock<PathBuf> = OnceLock::new();
    CORPUS.get_or_init(|| generate("intake-corpus-scan", &[]))
}

fn image_corpus() -> &'static Path {
    static CORPUS: OnceLock<PathBuf> = OnceLock::new();
    CORPUS.get_or_init(|| generate("intake-corpus-image", &["--images", "--only", "012", "014"]))
}

fn read_one(path: &Path) -> Fields {
    let intakes =
        despatch_intake::read_file(path, &Options::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    intakes.into_iter().next().expect("one letter").fields
}

fn text_fields(stem: &str) -> Fields {
    read_one(&common::shared_letters().join(format!("{stem}.txt")))
}

fn stems() -> Vec<String> {
    evaluate::labelled_letters(&common::shared_letters())
        .expect("letters")
        .iter()
        .filter_map(|l| l.document.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect()
}

fn keys() -> impl Iterator<Item = &'static str> {
    despatch_intake::fields::FIELD_NAMES.into_iter().chain(["correspondent_type"])
}

#[test]
fn pdf_and_word_renderings_extract_the_same_fields_as_the_text() {
    if let Some(absent) = missing(&[PYTHON]) {
        eprintln!("SKIPPED: {absent} not installed");
        return;
    }
    let corpus = plain_corpus();
    for stem in stems() {
        let text = text_fields(&stem);
        for (dir, ext) in [("text", "pdf"), ("docx", "docx")] {
            let other = read_one(&corpus.join(dir).join(format!("{stem}.{ext}")));
            for key in keys() {
                assert_eq!(other.get(key), text.get(key), "{stem}.{ext}: {key}");
            }
        }
    }
}

#[test]
fn an_email_carrying_a_letter_keeps_every_field_the_text_gave() {
    if let Some(absent) = missing(&[PYTHON]) {
        eprintln!("SKIPPED: {absent} not installed");
        return;
    }
    let corpus = plain_corpus();
    for stem in stems() {
        let text = text_fields(&stem);
        let email = read_one(&corpus.join("eml").join(format!("{stem}.eml")));
        // The email's own Date header may fill a date the letter leaves out; nothing else changes.
        for key in keys().filter(|k| text.get(k).is_some()) {
            assert_eq!(email.get(key), text.get(key), "{stem}.eml: {key}");
        }
    }
}

#[test]
fn a_mailbox_gives_one_case_per_message_with_the_ids_that_thread_replies() {
    if let Some(absent) = missing(&[PYTHON]) {
        eprintln!("SKIPPED: {absent} not installed");
        return;
    }
    let path = plain_corpus().join("mail/thread.mbox");
    let intakes = despatch_intake::read_file(&path, &Options::default()).expect("mailbox");
    assert_eq!(intakes.len(), 3);
    let email = |i: usize| intakes.get(i).and_then(|m| m.email.clone()).expect("email headers");
    assert_eq!(email(0).message_id.as_deref(), Some("one@intake-corpus.example"));
    assert_eq!(email(1).in_reply_to, vec!["one@intake-corpus.example".to_string()]);
    assert_eq!(email(1).reply_to.as_deref(), Some("replies@example.org"));
    // The third is HTML only, with the letter attached as a PDF: the letter's fields come
    // from the attachment, and no markup is left in the text.
    let third = intakes.get(2).expect("third message");
    assert!(!third.text.contains("<b>") && third.text.contains("attached"));
    let attachment = third.attachments.first().expect("an attachment");
    assert!(attachment.name.ends_with(".pdf") && attachment.error.is_none());
    let first_letter = stems().into_iter().next().expect("a letter");
    assert_eq!(third.fields.get("reference"), text_fields(&first_letter).get("reference"));
    assert_eq!(intakes.first().map(|i| i.source.as_str()), Some("thread.mbox#1"));
}

#[test]
fn the_ocr_round_trip_keeps_nine_in_ten_of_the_fields_the_text_got_right() {
    if let Some(absent) = missing(&SCAN_TOOLS) {
        eprintln!("SKIPPED: {absent} not installed");
        return;
    }
    let text = common::evaluate_dir(&common::shared_letters());
    let scans = common::evaluate_dir(&scan_corpus().join("scan"));
    assert!(scans.errors.is_empty(), "{:?}", scans.errors);
    let (kept, of) = evaluate::kept(&text, &scans);
    eprintln!("OCR round trip kept {kept} of {of} fields");
    assert!(of > 0 && kept * 10 >= of * 9, "kept only {kept} of {of}");
}

#[test]
fn png_jpeg_and_tiff_scans_are_read_by_ocr() {
    if let Some(absent) = missing(&SCAN_TOOLS) {
        eprintln!("SKIPPED: {absent} not installed");
        return;
    }
    let images = image_corpus().join("image");
    for stem in ["012", "014"] {
        let text = text_fields(stem);
        for ext in ["png", "jpg", "tiff"] {
            let path = images.join(format!("{stem}.{ext}"));
            let intakes = despatch_intake::read_file(&path, &Options::default()).expect("image");
            let intake = intakes.first().expect("one letter");
            assert!(intake.ocr, "{stem}.{ext} was read by OCR");
            for key in ["date", "sender_name", "recipient_name", "in_reply_to_date", "direction"] {
                assert_eq!(intake.fields.get(key), text.get(key), "{stem}.{ext}: {key}");
            }
        }
    }
}
