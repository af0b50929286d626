//! `despatch ingest` across runs on one SQLite file: near-identical letters are flagged as one
//! campaign even when registered days apart, the same letter again in another format is linked
//! to its first case instead of registered, and a sender who wrote before is offered as that
//! correspondent, applied only when name and postcode (or email) agree.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Db, stdout};
use despatch_domain::case::campaign_search_words;
use despatch_store::SearchQuery;
use serde_json::Value;

const LETTERS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/letters");

/// A campaign letter: the same body from a different person at a different address.
fn campaign_letter(name: &str, street: &str, postcode: &str) -> String {
    format!(
        "{street}\nLeeds\n{postcode}\n\n3 March 2026\n\nHome Office\n2 Marsham Street\nLondon SW1P 4DF\n\n\
         Dear Home Secretary,\n\nI am writing as one of many residents deeply concerned about the planned closure \
         of the custody suite at our local police station. Officers already travel long distances with people \
         they have arrested, and every hour spent on the road is an hour not spent on patrol in our streets. \
         The consultation last autumn did not explain how response times would be protected, and the figures \
         published since then suggest they will get worse. I urge you to pause the closure until an independent \
         review of the effect on response times has been published and discussed with the community.\n\n\
         Yours sincerely,\n\n{name}\n"
    )
}

fn file(summary: &Value, index: usize) -> &Value {
    &summary["files"][index]
}

fn event_types(db: &Db, reference: &str) -> Vec<String> {
    let id = db.case(reference).id;
    db.store(async |store| store.events(id).await.expect("events")).into_iter().map(|e| e.event_type).collect()
}

#[test]
fn a_campaign_spread_over_two_ingest_runs_is_flagged_on_the_second_run() {
    let db = Db::new();
    let first = db.write("ellison.txt", campaign_letter("Margaret Ellison", "14 Mill Lane", "LS13 4QT"));
    let (output, summary) = db.ingest_json(&[&first]);
    assert!(output.status.success(), "{summary}");
    assert!(file(&summary, 0).get("campaign").is_none(), "a first letter is no campaign yet: {summary}");
    let first_case = file(&summary, 0)["case"].as_str().expect("a case").to_string();

    let second = db.write("okafor.txt", campaign_letter("David Okafor", "7 Station Road", "LS6 2QB"));
    let (output, summary) = db.ingest_json(&[&second]);
    assert!(output.status.success(), "{summary}");
    assert_eq!((summary["registered"].as_u64(), summary["campaign_letters"].as_u64()), (Some(1), Some(1)));
    let campaign = &file(&summary, 0)["campaign"];
    assert_eq!(campaign["campaign"], first_case.as_str(), "the campaign is named after its first case: {summary}");
    assert_eq!(campaign["closest"], first_case.as_str());
    assert!(campaign["similarity"].as_f64().is_some_and(|s| s > 0.8), "{summary}");
    let second_case = file(&summary, 0)["case"].as_str().expect("a case").to_string();

    assert_eq!(db.case(&second_case).campaign.as_deref(), Some(first_case.as_str()));
    assert_eq!(db.case(&first_case).campaign.as_deref(), Some(first_case.as_str()), "the first is flagged too");
    assert!(event_types(&db, &second_case).contains(&"CAMPAIGN_JOINED".to_string()));
    assert!(event_types(&db, &first_case).contains(&"CAMPAIGN_JOINED".to_string()));
    let words = campaign_search_words(&first_case);
    assert_eq!(campaign["search"], words.as_str());
    let found = db.store(async |store| {
        let query = SearchQuery { text: Some(words.clone()), page: 1, page_size: 10, ..SearchQuery::default() };
        store.search(&query).await.expect("search")
    });
    assert_eq!(found.total, 2, "searching for the campaign finds both letters");

    let output = db.ingest(&[db
        .write("third.txt", campaign_letter("Priya Shah", "2 Hill Rise", "LS17 5AB"))
        .to_str()
        .expect("path")]);
    assert!(stdout(&output).contains(&format!("campaign {first_case}")), "{}", stdout(&output));
}

/// Word and PDF renderings of shared letter `stem`, from the corpus script; `None` (SKIPPED)
/// without python3.
fn renderings(db: &Db, stem: &str) -> Option<(PathBuf, PathBuf)> {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("SKIPPED: the resend test needs python3 to render letters (apt-get install python3)");
        return None;
    }
    let out = db.dir.path().join("corpus");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/make-intake-corpus.py");
    let status = Command::new("python3")
        .arg(script)
        .args(["--letters", LETTERS, "--no-scans", "--only", stem, "--out"])
        .arg(&out)
        .status()
        .expect("run the corpus script");
    assert!(status.success(), "the corpus script failed");
    Some((out.join("docx").join(format!("{stem}.docx")), out.join("text").join(format!("{stem}.pdf"))))
}

#[test]
fn a_word_or_pdf_resend_of_a_text_letter_is_linked_to_the_first_case_not_registered() {
    let db = Db::new();
    let Some((docx, pdf)) = renderings(&db, "038") else { return };
    let text = Path::new(LETTERS).join("038.txt");
    let (output, summary) = db.ingest_json(&[&text]);
    assert!(output.status.success(), "{summary}");
    let first = file(&summary, 0)["case"].as_str().expect("a case").to_string();

    let (output, summary) = db.ingest_json(&[&docx, &pdf]);
    assert!(output.status.success(), "{summary}");
    assert_eq!((summary["registered"].as_u64(), summary["resends"].as_u64()), (Some(0), Some(2)), "{summary}");
    for index in 0..2 {
        assert_eq!(file(&summary, index)["outcome"], "resend", "{summary}");
        assert_eq!(file(&summary, index)["case"], first.as_str());
    }
    assert_eq!(db.total_cases(), 1, "no new case");
    let case = db.case(&first);
    let names: Vec<&str> = case.documents.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["038.txt", "038.docx", "038.pdf"], "each resend is kept on the first case");
    let resends = event_types(&db, &first).iter().filter(|t| *t == "RESEND_RECEIVED").count();
    assert_eq!(resends, 2);

    let (_, again) = db.ingest_json(&[&docx]);
    assert_eq!(file(&again, 0)["outcome"], "duplicate", "the same bytes twice stay a duplicate: {again}");
    assert_eq!(again["resends"], 0);
}

/// A short letter from `name` at `postcode`, about `subject` (different letters, same writer).
fn letter_from(name: &str, postcode: &str, subject: &str) -> String {
    format!(
        "14 Mill Lane\nHarrogate\n{postcode}\n\n2 March 2026\n\nHome Office\n2 Marsham Street\nLondon SW1P 4DF\n\n\
         Dear Minister,\n\nI write about {subject}, which matters a great deal to my family.\n\n\
         Yours sincerely,\n\n{name}\n"
    )
}

fn known_match(summary: &Value) -> Option<&Value> {
    file(summary, 0)["matches"].as_array()?.iter().find(|m| m["source"] == "known")
}

#[test]
fn a_correspondent_who_wrote_before_is_matched_by_name_and_postcode_and_a_namesake_elsewhere_is_not_applied() {
    let db = Db::new();
    let (_, summary) = db.ingest_json(&[&db.write("a.txt", letter_from("Margaret Ellison", "HG1 2AB", "parking"))]);
    let earlier = file(&summary, 0)["case"].as_str().expect("a case").to_string();
    assert!(known_match(&summary).is_none(), "nobody wrote before: {summary}");

    let (_, summary) = db.ingest_json(&[&db.write("b.txt", letter_from("Margaret Ellison", "HG1 2AB", "buses"))]);
    let same = known_match(&summary).unwrap_or_else(|| panic!("the earlier correspondent is offered: {summary}"));
    assert_eq!((same["id"].as_str(), same["applied"].as_bool()), (Some(earlier.as_str()), Some(true)), "{summary}");
    assert!(same["confidence"].as_f64().is_some_and(|c| c >= 0.85));
    let case = db.case(file(&summary, 0)["case"].as_str().expect("a case"));
    let matched = case.primary_correspondent().and_then(|c| c.details.matched.clone()).expect("match kept");
    assert_eq!((matched.register.as_str(), matched.key.as_str(), matched.applied), ("known", earlier.as_str(), true));

    let (_, summary) = db.ingest_json(&[&db.write("c.txt", letter_from("Margaret Ellison", "LS6 2QB", "trains"))]);
    let namesake = known_match(&summary).unwrap_or_else(|| panic!("the namesake is reported: {summary}"));
    assert_eq!(namesake["applied"], false, "a different postcode is not the same person: {summary}");
    assert!(namesake["confidence"].as_f64().is_some_and(|c| c < 0.85));
    let case = db.case(file(&summary, 0)["case"].as_str().expect("a case"));
    let writer = case.primary_correspondent().expect("a correspondent");
    assert_eq!(writer.details.postcode.as_deref(), Some("LS6 2QB"), "their own details are kept");
    assert_eq!(writer.details.matched.as_ref().map(|m| m.applied), Some(false), "offered, not applied");
}
