//! Drafting on SQLite and PostgreSQL: standard lines added, changed, retired and loaded from a
//! file's lines; contribution requests listed for the team asked until they are completed; a
//! draft edited in the browser stored with its bytes.

mod common;

use chrono::NaiveDate;
use common::{Kind, TestDb, now};
use despatch_domain::case::{ContributionStatus, DocumentRef};
use despatch_domain::command::{Actor, Command};
use despatch_domain::standard_line::StandardLine;
use despatch_domain::testkit::{self, IMMIGRATION_DRAFTER, POLICING_DRAFTER, POLICING_DRAFTING};
use despatch_store::drafting::Change;
use despatch_store::{Casework, NewDocument, Store};

fn line(topic: &str, title: &str, text: &str, expires: (i32, u32, u32)) -> StandardLine {
    StandardLine {
        topic: topic.to_string(),
        title: title.to_string(),
        text: text.to_string(),
        expires: NaiveDate::from_ymd_opt(expires.0, expires.1, expires.2).expect("date"),
    }
}

fn by(at: &str) -> Change<'_> {
    Change { by: "admin", at }
}

async fn standard_lines_are_added_changed_retired_and_a_topic_and_title_name_one_current_line(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let store = despatch_store::open(&db.url).await.expect("open");
    let settlement = line("POLICE_FUNDING", "Settlement", "Funding rose.", (2019, 3, 31));
    let id = store.add_standard_line(&settlement, by("2026-12-06T09:00:00Z")).await.expect("added").expect("an id");
    let twin = line("POLICE_FUNDING", "Settlement", "Other words.", (2019, 6, 30));
    assert_eq!(store.add_standard_line(&twin, by("2026-12-06T09:01:00Z")).await.expect("refused"), None);
    let powers = line("ANTISOCIAL_BEHAVIOUR", "Powers", "New powers.", (2019, 1, 31));
    let other = store.add_standard_line(&powers, by("2026-12-06T09:02:00Z")).await.expect("added").expect("an id");

    let changed = line("POLICE_FUNDING", "Settlement", "Funding rose by 7%.", (2019, 4, 30));
    assert!(
        store
            .update_standard_line(id, &changed, Change { by: "editor", at: "2026-12-06T10:00:00Z" })
            .await
            .expect("updated")
    );
    let renamed_onto_other = line("ANTISOCIAL_BEHAVIOUR", "Powers", "x", (2019, 4, 30));
    assert!(!store.update_standard_line(id, &renamed_onto_other, by("2026-12-06T10:01:00Z")).await.expect("refused"));
    let stored = store.standard_line(id).await.expect("read").expect("kept");
    assert_eq!(stored.line, changed);
    assert_eq!((stored.created_by.as_str(), stored.updated_by.as_str()), ("admin", "editor"));
    assert_eq!(stored.updated_at, "2026-12-06T10:00:00Z");

    assert!(store.retire_standard_line(other, by("2026-12-06T11:00:00Z")).await.expect("retired"));
    assert!(!store.retire_standard_line(other, by("2026-12-06T11:01:00Z")).await.expect("already retired"));
    assert_eq!(store.current_standard_lines().await.expect("current"), vec![changed]);
    let all = store.standard_lines().await.expect("all");
    assert_eq!(all.iter().map(|l| l.line.title.as_str()).collect::<Vec<_>>(), ["Powers", "Settlement"]);
    assert_eq!(all[0].retired_at.as_deref(), Some("2026-12-06T11:00:00Z"));
    assert!(
        store.add_standard_line(&powers, by("2026-12-06T12:00:00Z")).await.expect("added").is_some(),
        "a retired line's topic and title are free again"
    );
}

async fn loading_a_file_adds_new_lines_and_replaces_current_ones_with_the_same_title(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let store = despatch_store::open(&db.url).await.expect("open");
    let first = [line("T", "A", "one", (2019, 3, 31)), line("T", "B", "two", (2019, 3, 31))];
    let loaded = store.load_standard_lines(&first, by("2026-12-06T09:00:00Z")).await.expect("loaded");
    assert_eq!((loaded.added, loaded.updated, loaded.unchanged), (2, 0, 0));
    let second = [
        line("T", "A", "one", (2019, 3, 31)),
        line("T", "B", "two, revised", (2019, 5, 31)),
        line("U", "C", "three", (2019, 3, 31)),
    ];
    let loaded = store.load_standard_lines(&second, by("2026-12-06T10:00:00Z")).await.expect("loaded");
    assert_eq!((loaded.added, loaded.updated, loaded.unchanged), (1, 1, 1));
    assert_eq!(store.current_standard_lines().await.expect("current"), second.to_vec());
}

/// A MIN case at Initial Draft with the asylum and immigration drafting team (demo organisation).
async fn at_initial_draft(casework: &Casework) -> i64 {
    let opened = casework
        .open(testkit::new_case("MIN"), &Actor::user(testkit::CASEWORKER), testkit::opened_at())
        .await
        .expect("opened");
    let placeholder = DocumentRef {
        sha256: "f".repeat(64),
        name: "unused".into(),
        tag: "DRAFT".into(),
        media_type: "text/plain".into(),
        size: 1,
    };
    for (user, command) in testkit::min_email_reply_steps(&placeholder, false).into_iter().take(2) {
        casework.execute(opened.state.id, None, &command, &Actor::user(user), now()).await.expect("a step");
    }
    opened.state.id
}

async fn a_contribution_request_is_listed_for_the_team_asked_until_it_is_completed(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let store: std::sync::Arc<dyn Store> = despatch_store::open(&db.url).await.expect("open");
    let casework = Casework::new(store.clone(), testkit::demo_world());
    let case_id = at_initial_draft(&casework).await;
    let due = NaiveDate::from_ymd_opt(2018, 11, 23).expect("date");
    for asked in ["Figures", "Background"] {
        let request = Command::RequestContribution { team: POLICING_DRAFTING.into(), due, asked: asked.into() };
        casework.execute(case_id, None, &request, &Actor::user(IMMIGRATION_DRAFTER), now()).await.expect("requested");
    }
    let requests = store.contribution_requests(POLICING_DRAFTING).await.expect("listed");
    assert_eq!(
        requests.iter().map(|r| (r.number, r.asked.as_str())).collect::<Vec<_>>(),
        [(1, "Figures"), (2, "Background")]
    );
    assert_eq!(
        (requests[0].case_id, requests[0].due, requests[0].requested_by.as_str()),
        (case_id, due, IMMIGRATION_DRAFTER)
    );
    assert!(store.contribution_requests(testkit::DCU_CENTRAL_DRAFTING).await.expect("listed").is_empty());

    let bytes = b"The figures: 7% more officers.".to_vec();
    let sha256 = sha256_hex(&bytes);
    let document = DocumentRef {
        sha256: sha256.clone(),
        name: "figures.txt".into(),
        tag: "CONTRIBUTION".into(),
        media_type: "text/plain".into(),
        size: bytes.len() as u64,
    };
    let complete = Command::CompleteContribution { id: 1, note: None, document: Some(document) };
    let file = NewDocument { sha256: sha256.clone(), bytes: bytes.clone(), text: "The figures".into() };
    casework
        .execute_with_document(case_id, &complete, file, &Actor::user(POLICING_DRAFTER), now())
        .await
        .expect("completed");
    let cancel = Command::CancelContribution { id: 2, reason: "Not needed".into() };
    casework.execute(case_id, None, &cancel, &Actor::user(IMMIGRATION_DRAFTER), now()).await.expect("cancelled");

    assert!(store.contribution_requests(POLICING_DRAFTING).await.expect("listed").is_empty());
    assert_eq!(store.document_bytes(&sha256).await.expect("read"), Some(bytes));
    let case = store.case(case_id).await.expect("read").expect("the case");
    let statuses: Vec<_> = case.contributions.iter().map(|c| c.status).collect();
    assert_eq!(statuses, [ContributionStatus::Completed, ContributionStatus::Cancelled]);
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

on_both_backends!(
    standard_lines_are_added_changed_retired_and_a_topic_and_title_name_one_current_line,
    loading_a_file_adds_new_lines_and_replaces_current_ones_with_the_same_title,
    a_contribution_request_is_listed_for_the_team_asked_until_it_is_completed,
);
