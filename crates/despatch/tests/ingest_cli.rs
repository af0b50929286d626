//! `despatch ingest` as a user runs it, on a fresh SQLite database: letters become cases, replies
//! are attached or imported as closed historical cases, a file already stored creates nothing,
//! and bad files are reported one by one while the batch goes on, leaving no partial case.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{Duration, NaiveDate};
use common::{Db, long_date, stdout, today};
use despatch_domain::case::CorrespondentKind;
use serde_json::Value;

const LETTERS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/letters");

fn seed_reply() -> PathBuf {
    Path::new(LETTERS).join("000-MIN-0017733-18.txt")
}

fn sha256_of(path: &Path) -> String {
    despatch_intake::sha256_hex(&std::fs::read(path).expect("read"))
}

/// An incoming letter from a member of the public, dated `dated`.
fn incoming_letter(dated: NaiveDate) -> String {
    format!(
        "14 Mill Lane\nHarrogate\nHG1 2AB\n\n{}\n\nHome Office\n2 Marsham Street\nLondon SW1P 4DF\n\n\
         Dear Minister,\n\nI am writing to urge the Home Office to review the closure of the police station in \
         Harrogate.\nResidents have waited over an hour for officers to arrive at burglaries on Mill Lane.\n\n\
         Yours sincerely,\n\nMargaret Ellison\n",
        long_date(dated)
    )
}

/// A minister's reply quoting `reference`, dated `dated`, to a letter of `answered`.
fn reply_letter(reference: &str, dated: NaiveDate, answered: NaiveDate) -> String {
    format!(
        "Home Office\n2 Marsham Street\nLondon SW1P 4DF\n\nOur ref: {reference}\n\n{}\n\nMrs Margaret Ellison\n\
         14 Mill Lane\nHarrogate\nHG1 2AB\n\nDear Mrs Ellison,\n\nThank you for your letter of {} about the police \
         station in Harrogate. I am replying as the minister responsible for policing.\n\nYours sincerely,\n\n\
         Jane Minister\nMinister of State for Policing\n",
        long_date(dated),
        long_date(answered)
    )
}

fn only_file(summary: &Value) -> &Value {
    let files = summary["files"].as_array().expect("files");
    assert_eq!(files.len(), 1, "{summary}");
    &files[0]
}

#[test]
fn the_seed_reply_is_imported_as_a_closed_historical_case_seven_working_days_late() {
    let db = Db::new();
    let (output, summary) = db.ingest_json(&[&seed_reply()]);
    assert!(output.status.success(), "{summary}");
    assert_eq!((summary["registered"].as_u64(), summary["failed"].as_u64()), (Some(1), Some(0)), "{summary}");
    let record = only_file(&summary);
    assert_eq!(record["outcome"], "registered");
    assert_eq!(record["stage"], Value::Null, "an imported reply is closed");
    assert_eq!(record["received"], "2018-11-14");
    assert_eq!(record["deadline"], "2018-12-12");
    assert_eq!(record["despatched_on"], "2018-12-21");
    assert_eq!(record["working_days_late"], 7);

    let case = db.case("MIN/0017733/18");
    assert_eq!(case.legacy_reference.as_deref(), Some("MIN/0017733/18"), "found by its legacy reference");
    assert_eq!(Some(case.reference.to_string()), record["case"].as_str().map(str::to_string));
    assert!(case.is_closed());
    assert_eq!(case.received, NaiveDate::from_ymd_opt(2018, 11, 14).expect("date"));
    assert_eq!(case.despatched_on, NaiveDate::from_ymd_opt(2018, 12, 21));
    let documents: Vec<_> = case.documents.iter().map(|d| (d.tag.as_str(), d.sha256.clone())).collect();
    assert_eq!(documents, vec![("FINAL", sha256_of(&seed_reply()))], "the reply itself is kept");
    let addressee = case.primary_correspondent().expect("the council leader is the correspondent");
    assert_eq!(addressee.details.name, "Shabir Pandor");
    assert_eq!(addressee.details.kind, CorrespondentKind::Councillor);
}

#[test]
fn an_incoming_letter_is_registered_at_data_input_with_its_original_and_its_correspondent() {
    let db = Db::new();
    let dated = today() - Duration::days(3);
    let letter = db.write("ellison.txt", incoming_letter(dated));
    let mp_letter = Path::new(LETTERS).join("038.txt");
    let (output, summary) = db.ingest_json(&[&letter, &mp_letter]);
    assert!(output.status.success(), "{summary}");
    assert_eq!(summary["registered"], 2, "{summary}");

    let reference = summary["files"][0]["case"].as_str().expect("a case reference");
    let case = db.case(reference);
    assert_eq!(case.stage.as_ref().map(|s| s.stage.as_str()), Some("DATA_INPUT"));
    assert_eq!(case.received, today(), "a letter is received the day it is registered");
    assert_eq!(case.data.get("DateOfCorrespondence").map(String::as_str), Some(&*dated.to_string()));
    assert_eq!(case.documents.len(), 1);
    let original = &case.documents[0];
    assert_eq!((original.tag.as_str(), original.name.as_str()), ("ORIGINAL", "ellison.txt"));
    assert_eq!(original.sha256, sha256_of(&letter));
    let bytes = db.store(async |store| store.document_bytes(&original.sha256).await.expect("read"));
    assert_eq!(bytes, Some(std::fs::read(&letter).expect("read")), "the original's bytes are stored");
    let writer = case.primary_correspondent().expect("the writer is the correspondent");
    assert_eq!(
        (writer.details.name.as_str(), writer.details.kind),
        ("Margaret Ellison", CorrespondentKind::MemberOfPublic)
    );

    let reference = summary["files"][1]["case"].as_str().expect("a case reference");
    let mp_case = db.case(reference);
    let mp = mp_case.primary_correspondent().expect("the MP is the correspondent");
    assert_eq!((mp.details.name.as_str(), mp.details.kind), ("Wes Streeting", CorrespondentKind::Mp));
    assert!(mp.details.external_key.is_some(), "the applied register match keeps the Parliament member id");
}

#[test]
fn a_batch_registered_late_takes_the_received_date_given_and_refuses_a_future_one() {
    let db = Db::new();
    let received = today() - Duration::days(1);
    let letter = db.write("ellison.txt", incoming_letter(today() - Duration::days(5)));
    let output = Command::new(env!("CARGO_BIN_EXE_despatch"))
        .args(["ingest", "--format", "json", "--received", &received.to_string(), "--db", &db.url])
        .arg(&letter)
        .output()
        .expect("run ingest");
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json summary");
    let case = db.case(summary["files"][0]["case"].as_str().expect("a case reference"));
    assert_eq!(case.received, received);

    let later = db.write("later.txt", incoming_letter(today() - Duration::days(5)).replace("Ellison", "Ellerby"));
    let tomorrow = (today() + Duration::days(1)).to_string();
    let refused = Command::new(env!("CARGO_BIN_EXE_despatch"))
        .args(["ingest", "--received", &tomorrow, "--db", &db.url])
        .arg(&later)
        .output()
        .expect("run ingest");
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stdout).contains("in the future"),
        "{}",
        String::from_utf8_lossy(&refused.stdout)
    );
}

#[test]
fn ingesting_the_same_file_twice_registers_nothing_new() {
    let db = Db::new();
    let letter = db.write("ellison.txt", incoming_letter(today() - Duration::days(2)));
    let (_, first) = db.ingest_json(&[&letter, &seed_reply()]);
    assert_eq!(first["registered"], 2, "{first}");
    let references: Vec<Value> = first["files"].as_array().expect("files").iter().map(|f| f["case"].clone()).collect();

    let (output, second) = db.ingest_json(&[&letter, &seed_reply()]);
    assert!(output.status.success(), "a duplicate is not a failure: {second}");
    assert_eq!((second["registered"].as_u64(), second["duplicates"].as_u64()), (Some(0), Some(2)), "{second}");
    for (record, reference) in second["files"].as_array().expect("files").iter().zip(&references) {
        assert_eq!(record["outcome"], "duplicate");
        assert_eq!(record["cases"], Value::Array(vec![reference.clone()]), "names the case already holding it");
    }
    assert_eq!(db.total_cases(), 2);
}

#[test]
fn a_reply_naming_an_existing_cases_reference_is_attached_to_that_case() {
    let db = Db::new();
    let dated = today() - Duration::days(4);
    let letter = db.write("ellison.txt", incoming_letter(dated));
    let (_, registered) = db.ingest_json(&[&letter]);
    let reference = only_file(&registered)["case"].as_str().expect("a case reference").to_string();

    let reply = db.write("reply.txt", reply_letter(&reference, today(), dated));
    let (output, summary) = db.ingest_json(&[&reply]);
    assert!(output.status.success(), "{summary}");
    let record = only_file(&summary);
    assert_eq!((record["outcome"].as_str(), record["case"].as_str()), (Some("attached"), Some(&*reference)));
    assert_eq!(db.total_cases(), 1, "no new case for the reply");
    let case = db.case(&reference);
    let tags: Vec<_> = case.documents.iter().map(|d| (d.name.as_str(), d.tag.as_str())).collect();
    assert_eq!(tags, vec![("ellison.txt", "ORIGINAL"), ("reply.txt", "FINAL")]);
}

#[test]
fn a_folder_of_good_and_bad_files_registers_the_good_ones_and_gives_each_failure_its_reason() {
    let db = Db::new();
    let folder = db.dir.path().join("post");
    std::fs::create_dir(&folder).expect("folder");
    let put = |name: &str, contents: Vec<u8>| std::fs::write(folder.join(name), contents).expect("write");
    put("a-letter.txt", incoming_letter(today() - Duration::days(1)).into_bytes());
    put("b-empty.txt", Vec::new());
    put("c-garbage.txt", (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect());
    put("d-truncated.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R".to_vec());
    // Read and extracted fine, refused by the engine after the case was opened: a reply sent
    // in the future cannot close a case, so nothing of it may be stored.
    let future = reply_letter("MIN/0999999/26", today() + Duration::days(5 * 365), today() - Duration::days(9));
    put("e-future-reply.txt", future.into_bytes());
    put("notes.json", b"{}".to_vec());

    let output = db.ingest(&[&folder.display().to_string()]);
    let out = stdout(&output);
    assert!(!output.status.success(), "a failed file makes the exit status non-zero: {out}");
    assert!(out.contains("1 registered, 0 attached, 0 duplicates, 4 failed"), "{out}");
    let failure = |name: &str| {
        out.lines()
            .find(|line| line.starts_with("  failed") && line.contains(name))
            .unwrap_or_else(|| panic!("no failure listed for {name}: {out}"))
            .to_string()
    };
    assert!(failure("b-empty.txt").contains("empty"), "{out}");
    assert!(failure("c-garbage.txt").contains("not a recognised document"), "{out}");
    assert!(failure("d-truncated.pdf").to_lowercase().contains("pdf"), "{out}");
    let refused = failure("e-future-reply.txt");
    assert!(refused.contains("nothing stored") && refused.contains("between the date received and today"), "{out}");
    assert!(out.contains("1 file in the folders was not read (not letter formats: .json)"), "{out}");

    assert_eq!(db.total_cases(), 1, "only the good letter is a case");
    let future_sha = sha256_of(&folder.join("e-future-reply.txt"));
    let holders = db.store(async |store| store.cases_with_document(&future_sha).await.expect("lookup"));
    assert!(holders.is_empty(), "the refused reply left no document behind");
    let bytes = db.store(async |store| store.document_bytes(&future_sha).await.expect("read"));
    assert_eq!(bytes, None);
}

#[test]
fn help_says_the_exit_status_is_non_zero_when_any_file_failed() {
    let output = Command::new(env!("CARGO_BIN_EXE_despatch")).args(["ingest", "--help"]).output().expect("run");
    let help = stdout(&output);
    assert!(help.contains("1 when any file failed"), "{help}");
}

#[test]
fn a_database_without_the_data_input_team_refuses_the_batch_before_reading_any_file() {
    let dir = tempfile::tempdir().expect("folder");
    let url = dir.path().join("empty.db").display().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_despatch"))
        .args(["ingest", "--db", &url, &seed_reply().display().to_string()])
        .output()
        .expect("run");
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("no active team owns stage DATA_INPUT"), "{error}");
}
