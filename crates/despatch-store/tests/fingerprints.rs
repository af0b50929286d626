//! Letter fingerprints on SQLite and PostgreSQL: stored with the case in one transaction, and
//! found again by normalised-text hash, by shared MinHash bands, and by the sender's keys.

mod common;

use std::sync::Arc;

use common::{Kind, TestDb, alice, casework, letter, now};
use despatch_domain::case::campaign_search_words;
use despatch_domain::command::{Command, NewCase};
use despatch_domain::engine::CommandError;
use despatch_store::{Casework, LetterFingerprint, SearchQuery, SenderKey, Store, StoreError};

fn fingerprint(text: &str, bands: &[i64], sender: Option<SenderKey>) -> LetterFingerprint {
    LetterFingerprint {
        text_sha256: format!("{text:0>64}"),
        minhash: bands.iter().map(|b| b.unsigned_abs()).collect(),
        bands: bands.to_vec(),
        campaign: None,
        sender,
    }
}

fn sender(name: &str, postcode: Option<&str>, email: Option<&str>) -> SenderKey {
    SenderKey {
        name: name.to_string(),
        name_key: name.to_lowercase(),
        postcode: postcode.map(str::to_string),
        email: email.map(str::to_string),
    }
}

async fn register(casework: &Casework, new: NewCase, then: Vec<Command>, print: LetterFingerprint) -> (i64, String) {
    let outcome =
        casework.open_letter(new, then, Vec::new(), Some(print), &alice(), now()).await.expect("case registered");
    (outcome.state.id, outcome.state.reference.to_string())
}

async fn a_letters_text_hash_finds_the_first_case_registered_from_it(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let casework = casework(despatch_store::open(&db.url).await.expect("open"));
    let store = casework.store();
    assert_eq!(store.case_with_letter_text(&format!("{:0>64}", "a")).await.expect("lookup"), None);
    let first = register(&casework, letter("Ann Smith"), Vec::new(), fingerprint("a", &[1, 2], None)).await;
    register(&casework, letter("Ann Smith"), Vec::new(), fingerprint("a", &[1, 2], None)).await;
    assert_eq!(store.case_with_letter_text(&format!("{:0>64}", "a")).await.expect("lookup"), Some(first));
}

async fn campaign_candidates_are_the_letters_sharing_bands_most_shared_first(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let casework = casework(despatch_store::open(&db.url).await.expect("open"));
    let store = casework.store();
    let (close, close_ref) = register(&casework, letter("A"), Vec::new(), fingerprint("a", &[1, 2, 3], None)).await;
    let (loose, _) = register(&casework, letter("B"), Vec::new(), fingerprint("b", &[3, 40, -50], None)).await;
    register(&casework, letter("C"), Vec::new(), fingerprint("c", &[7, 8, 9], None)).await;
    let candidates = store.campaign_candidates(&[1, 2, 3, -50]).await.expect("lookup");
    let found: Vec<(i64, u32)> = candidates.iter().map(|c| (c.case_id, c.shared_bands)).collect();
    assert_eq!(found, vec![(close, 3), (loose, 2)], "the unrelated letter is not fetched at all");
    assert_eq!(candidates[0].reference, close_ref);
    assert_eq!(candidates[0].minhash, vec![1, 2, 3], "the signature reads back as stored");
    assert!(store.campaign_candidates(&[]).await.expect("lookup").is_empty());
}

async fn a_campaign_joined_is_stored_with_the_fingerprint_and_found_by_search(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let casework = casework(despatch_store::open(&db.url).await.expect("open"));
    let store = casework.store();
    let (first_id, first) = register(&casework, letter("Ann Smith"), Vec::new(), fingerprint("a", &[1, 2], None)).await;
    let join = Command::JoinCampaign { campaign: first.clone(), similarity_percent: 91 };
    let mut print = fingerprint("b", &[1, 2], None);
    print.campaign = Some(first.clone());
    let (second, _) = register(&casework, letter("Bob Jones"), vec![join], print).await;
    let candidates = store.campaign_candidates(&[1]).await.expect("lookup");
    let campaigns: Vec<_> = candidates.iter().map(|c| (c.case_id, c.campaign.clone())).collect();
    assert_eq!(campaigns, vec![(first_id, None), (second, Some(first.clone()))]);
    let found = store
        .search(&SearchQuery {
            text: Some(campaign_search_words(&first)),
            page: 1,
            page_size: 10,
            ..SearchQuery::default()
        })
        .await
        .expect("search");
    assert_eq!(found.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![second], "only the flagged letter so far");
}

async fn a_refused_case_leaves_no_fingerprint_behind(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let casework = casework(despatch_store::open(&db.url).await.expect("open"));
    let store = casework.store();
    let bad = Command::JoinCampaign { campaign: " ".to_string(), similarity_percent: 90 };
    let actor = alice();
    let refused =
        casework.open_letter(letter("A"), vec![bad], Vec::new(), Some(fingerprint("a", &[5], None)), &actor, now());
    assert!(matches!(refused.await, Err(StoreError::Command(CommandError::Invalid(_)))));
    assert_eq!(store.case_with_letter_text(&format!("{:0>64}", "a")).await.expect("lookup"), None);
    assert!(store.campaign_candidates(&[5]).await.expect("lookup").is_empty());
    assert_eq!(store.count_cases().await.expect("count").1, 0);
}

async fn known_senders_are_found_by_name_postcode_or_email_closest_first(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let casework = casework(despatch_store::open(&db.url).await.expect("open"));
    let store: &Arc<dyn Store> = casework.store();
    let at_home = sender("Ann Smith", Some("LS13 4QT"), None);
    let elsewhere = sender("Ann Smith", Some("CR0 1EA"), None);
    let by_email = sender("A Smith", None, Some("ann@example.org"));
    let (home, _) = register(&casework, letter("Ann Smith"), Vec::new(), fingerprint("a", &[1], Some(at_home))).await;
    let (away, _) = register(&casework, letter("Ann Smith"), Vec::new(), fingerprint("b", &[2], Some(elsewhere))).await;
    let (mail, _) = register(&casework, letter("A Smith"), Vec::new(), fingerprint("c", &[3], Some(by_email))).await;
    register(&casework, letter("Bob Jones"), Vec::new(), fingerprint("d", &[4], Some(sender("Bob Jones", None, None))))
        .await;

    let found = store.known_senders(Some("ann smith"), Some("LS13 4QT"), None).await.expect("lookup");
    let ids: Vec<i64> = found.iter().map(|k| k.case_id).collect();
    assert_eq!(ids, vec![home, away], "name and postcode first, then the name alone");
    assert_eq!(found[1].sender.postcode.as_deref(), Some("CR0 1EA"));
    let found = store.known_senders(Some("nobody"), None, Some("ann@example.org")).await.expect("lookup");
    assert_eq!(found.iter().map(|k| k.case_id).collect::<Vec<_>>(), vec![mail]);
    assert!(store.known_senders(None, Some(" "), None).await.expect("lookup").is_empty(), "blank keys find nothing");
}

async fn a_resend_is_attached_to_the_case_with_an_event_naming_the_file(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let casework = casework(despatch_store::open(&db.url).await.expect("open"));
    let (id, _) = register(&casework, letter("Ann Smith"), Vec::new(), fingerprint("a", &[1], None)).await;
    let bytes = b"the same letter, as a Word file".to_vec();
    let sha256 = sha256_hex(&bytes);
    let document = despatch_domain::case::DocumentRef {
        sha256: sha256.clone(),
        name: "letter.docx".to_string(),
        tag: "ORIGINAL".to_string(),
        media_type: "application/octet-stream".to_string(),
        size: bytes.len() as u64,
    };
    let file = despatch_store::NewDocument { sha256: sha256.clone(), bytes, text: "the same letter".to_string() };
    casework.record_resend(id, document, file, &alice(), now()).await.expect("resend recorded");
    let store = casework.store();
    let events = store.events(id).await.expect("events");
    let kinds: Vec<&str> = events.iter().rev().take(2).map(|e| e.event_type.as_str()).collect();
    assert_eq!(kinds, vec!["RESEND_RECEIVED", "DOCUMENT_ADDED"]);
    assert!(events.last().is_some_and(|e| e.body.contains("letter.docx")));
    assert_eq!(store.cases_with_document(&sha256).await.expect("lookup").len(), 1);
    let (_, breaks) = store.verify_audit().await.expect("verify");
    assert!(breaks.is_empty(), "the chain still verifies: {breaks:?}");
}

/// SHA-256 of some bytes, hex.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

on_both_backends!(
    a_letters_text_hash_finds_the_first_case_registered_from_it,
    campaign_candidates_are_the_letters_sharing_bands_most_shared_first,
    a_campaign_joined_is_stored_with_the_fingerprint_and_found_by_search,
    a_refused_case_leaves_no_fingerprint_behind,
    known_senders_are_found_by_name_postcode_or_email_closest_first,
    a_resend_is_attached_to_the_case_with_an_event_naming_the_file,
);
