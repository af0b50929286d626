//! Documents and imported replies, on SQLite and PostgreSQL: a case opened with its original
//! letter stores the bytes once and finds it by its text; a reply already sent is imported as a
//! closed historical case with its timeliness.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::{Kind, TestDb, alice, casework, letter};
use despatch_domain::case::DocumentRef;
use despatch_domain::command::Command;
use despatch_domain::engine::CommandError;
use despatch_store::{NewDocument, SearchQuery, StoreError};

fn file(text: &str) -> (DocumentRef, NewDocument) {
    let bytes = text.as_bytes().to_vec();
    let sha256 = sha256_hex(&bytes);
    let reference = DocumentRef {
        sha256: sha256.clone(),
        name: "letter.txt".to_string(),
        tag: "ORIGINAL".to_string(),
        media_type: "text/plain".to_string(),
        size: bytes.len() as u64,
    };
    (reference, NewDocument { sha256, bytes, text: text.to_string() })
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn january() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2019, 1, 10, 9, 0, 0).single().expect("valid instant")
}

async fn a_case_opened_with_its_letter_keeps_the_bytes_and_is_found_by_the_letter_text(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let casework = casework(despatch_store::open(&db.url).await.expect("open"));
    let (document, stored) = file("Residents ask about the zebra crossing on Mint Walk.");
    let attach = Command::AttachDocument { document: document.clone() };
    let outcome = casework
        .open_with(letter("Cllr Newman"), vec![attach], vec![stored.clone()], &alice(), january())
        .await
        .expect("opened");
    assert_eq!(outcome.state.documents, vec![document.clone()]);
    let store = casework.store();
    assert_eq!(store.document_bytes(&document.sha256).await.expect("read"), Some(stored.bytes.clone()));
    let holders = store.cases_with_document(&document.sha256).await.expect("holders");
    assert_eq!(holders, vec![(outcome.state.id, outcome.state.reference.to_string())]);
    let found = store
        .search(&SearchQuery { text: Some("zebra Mint".into()), page: 1, page_size: 10, ..Default::default() })
        .await;
    assert_eq!(found.expect("search").rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![outcome.state.id]);

    let again = casework.attach(outcome.state.id, document, stored, &alice(), january()).await;
    assert!(matches!(again, Err(StoreError::Command(CommandError::Invalid(_)))), "{again:?}");
    assert_eq!(
        store
            .events(outcome.state.id)
            .await
            .expect("events")
            .iter()
            .filter(|e| e.event_type == "DOCUMENT_ADDED")
            .count(),
        1
    );
}

async fn a_reply_already_sent_is_imported_as_a_closed_case_seven_working_days_late(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let casework = casework(despatch_store::open(&db.url).await.expect("open"));
    let (document, stored) = file("Thank you for your letter of 14 November. MIN/0017733/18");
    let mut new = letter("Cllr Tony Newman");
    new.legacy_reference = Some("MIN/0017733/18".to_string());
    let despatched_on = NaiveDate::from_ymd_opt(2018, 12, 21).expect("date");
    let then = vec![
        Command::AttachDocument { document: DocumentRef { tag: "FINAL".into(), ..document } },
        Command::CloseAsHistorical { despatched_on, reason: "Imported from the reply already sent".into() },
    ];
    let outcome = casework.open_with(new, then, vec![stored], &alice(), january()).await.expect("imported");
    let state = &outcome.state;
    assert!(state.is_closed());
    assert_eq!(state.deadline, NaiveDate::from_ymd_opt(2018, 12, 12));
    assert_eq!(state.despatched_on, Some(despatched_on));
    let events = casework.store().events(state.id).await.expect("events");
    let closed = events.iter().find(|e| e.event_type == "CASE_CLOSED").expect("closed event");
    assert!(closed.body.contains("\"working_days_late\":7"), "{}", closed.body);
    let history = casework.store().stage_history(state.id).await.expect("history");
    assert!(history.iter().all(|visit| visit.ended_at.is_some()), "no visit stays open on a closed case");
    let by_legacy =
        casework.store().case_by_reference("MIN/0017733/18").await.expect("lookup").expect("found by legacy reference");
    assert_eq!(by_legacy.id, state.id);
}

async fn a_failing_follow_up_leaves_no_half_registered_case(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let casework = casework(despatch_store::open(&db.url).await.expect("open"));
    let (document, stored) = file("A letter.");
    let bad_tag = Command::AttachDocument { document: DocumentRef { tag: "NOT A TAG".into(), ..document } };
    let refused = casework.open_with(letter("Ms Smith"), vec![bad_tag], vec![stored], &alice(), january()).await;
    assert!(refused.is_err());
    assert_eq!(casework.store().count_cases().await.expect("count"), (0, 0));
}

on_both_backends!(
    a_case_opened_with_its_letter_keeps_the_bytes_and_is_found_by_the_letter_text,
    a_reply_already_sent_is_imported_as_a_closed_case_seven_working_days_late,
    a_failing_follow_up_leaves_no_half_registered_case,
);
