//! The storage test suite: every test runs on SQLite and on PostgreSQL.

mod common;

use std::collections::BTreeMap;

use common::{Kind, TestDb, alice, bob, casework, letter, now};
use despatch_domain::command::Command;
use despatch_domain::engine::CommandError;
use despatch_store::{SearchQuery, StoreError};

fn data_input_fields() -> BTreeMap<String, String> {
    [
        ("DateOfCorrespondence", "2018-11-14"),
        ("OriginalChannel", "POST"),
        ("CopyNumberTen", "FALSE"),
        ("HomeSecInterest", "FALSE"),
        ("HomeSecReply", "FALSE"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn complete_data_input() -> Command {
    Command::CompleteStage { stage: "DATA_INPUT".to_string(), fields: data_input_fields(), note: None, take: true }
}

async fn open_store(kind: Kind) -> Option<(TestDb, despatch_store::Casework)> {
    let db = TestDb::new(kind).await?;
    let store = despatch_store::open(&db.url).await.expect("open store");
    Some((db, casework(store)))
}

async fn a_new_case_gets_the_next_reference_and_its_first_stage_is_recorded(kind: Kind) {
    let Some((_db, casework)) = open_store(kind).await else {
        return;
    };
    let first = casework.open(letter("Cllr Tony Newman"), &alice(), now()).await.expect("first case");
    let second = casework.open(letter("Cllr Hamida Ali"), &alice(), now()).await.expect("second case");
    assert_eq!(first.state.reference.to_string(), "MIN/0000001/18");
    assert_eq!(second.state.reference.to_string(), "MIN/0000002/18");
    let stored = casework.store().case(first.state.id).await.expect("read").expect("stored");
    assert_eq!(stored, first.state);
    let history = casework.store().stage_history(first.state.id).await.expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].stage, "DATA_INPUT");
    assert_eq!(history[0].team, "PERFORMANCE_AND_PROCESS");
    let events = casework.store().events(first.state.id).await.expect("events");
    assert_eq!(events.first().map(|e| e.event_type.as_str()), Some("CASE_CREATED"));
    assert_eq!(events.len(), first.events.len());
}

async fn references_are_unique_when_many_cases_are_created_at_once(kind: Kind) {
    let Some((_db, casework)) = open_store(kind).await else {
        return;
    };
    let mut tasks = Vec::new();
    for i in 0..40 {
        let casework = casework.clone();
        tasks.push(tokio::spawn(async move { casework.open(letter(&format!("Writer {i}")), &alice(), now()).await }));
    }
    let mut references = std::collections::BTreeSet::new();
    for task in tasks {
        let outcome = task.await.expect("task").expect("created");
        assert!(references.insert(outcome.state.reference.to_string()), "duplicate reference");
    }
    assert_eq!(references.len(), 40);
    assert_eq!(casework.store().count_cases().await.expect("count"), (40, 40));
}

async fn two_users_advancing_the_same_case_at_once_one_succeeds_and_the_other_must_reload(kind: Kind) {
    let Some((_db, casework)) = open_store(kind).await else {
        return;
    };
    let case = casework.open(letter("Cllr Tony Newman"), &alice(), now()).await.expect("case").state;
    let (note_a, note_b) =
        (Command::AddNote { text: "from alice".to_string() }, Command::AddNote { text: "from bob".to_string() });
    let (alice, bob) = (alice(), bob());
    let (a, b) = tokio::join!(
        casework.execute_on(&case, &note_a, &alice, now()),
        casework.execute_on(&case, &note_b, &bob, now())
    );
    let stale =
        |result: &Result<_, StoreError>| matches!(result, Err(StoreError::Command(CommandError::StaleVersion { .. })));
    assert!(a.is_ok() != b.is_ok(), "exactly one succeeds: {a:?} / {b:?}");
    assert!(stale(&a) || stale(&b));
    let stored = casework.store().case(case.id).await.expect("read").expect("case");
    assert_eq!(stored.version, case.version + 1);
    let notes =
        casework.store().events(case.id).await.expect("events").iter().filter(|e| e.event_type == "NOTE_ADDED").count();
    assert_eq!(notes, 1, "the refused note was not written");
}

async fn a_service_whose_cached_copy_is_out_of_date_decides_again_on_the_stored_case(kind: Kind) {
    let Some((db, here)) = open_store(kind).await else {
        return;
    };
    let elsewhere = casework(despatch_store::open(&db.url).await.expect("a second service on the database"));
    let case = here.open(letter("Cllr Tony Newman"), &alice(), now()).await.expect("case").state;
    elsewhere.execute(case.id, None, &complete_data_input(), &alice(), now()).await.expect("on to Markup elsewhere");
    // Here the case is still cached at Data Input, where completing Markup is refused; the stored
    // case is at Markup, where it is allowed.
    let fields = [("MarkupDecision", "PR"), ("Topic", "policing")];
    let fields = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let markup = Command::CompleteStage { stage: "MARKUP".to_string(), fields, note: None, take: true };
    let outcome = here.execute(case.id, None, &markup, &alice(), now()).await.expect("decided on the stored case");
    assert_eq!(outcome.state.version, case.version + 2, "after the other service's change");
    assert_eq!(outcome.state.stage.as_ref().map(|s| s.stage.as_str()), Some("INITIAL_DRAFT"));
    // A refusal on a copy that is still current stands.
    let again = here.execute(case.id, None, &markup, &alice(), now()).await;
    assert!(matches!(again, Err(StoreError::Command(_))), "Markup is over: {again:?}");
}

async fn a_refused_command_changes_nothing(kind: Kind) {
    let Some((_db, casework)) = open_store(kind).await else {
        return;
    };
    let case = casework.open(letter("Cllr Tony Newman"), &alice(), now()).await.expect("case").state;
    let events_before = count_events(&casework, case.id).await;
    let mut fields = data_input_fields();
    fields.remove("OriginalChannel");
    let refused = casework
        .execute(
            case.id,
            None,
            &Command::CompleteStage { stage: "DATA_INPUT".into(), fields, note: None, take: true },
            &alice(),
            now(),
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Command(CommandError::Invalid(ref errors))) if errors[0].field == "OriginalChannel")
    );
    let stored = casework.store().case(case.id).await.expect("read").expect("case");
    assert_eq!(stored, case);
    assert_eq!(count_events(&casework, case.id).await, events_before, "no event was written");
}

async fn count_events(casework: &despatch_store::Casework, id: i64) -> usize {
    casework.store().events(id).await.expect("events").len()
}

async fn completing_a_stage_records_the_visit_and_starts_the_next(kind: Kind) {
    let Some((_db, casework)) = open_store(kind).await else {
        return;
    };
    let case = casework.open(letter("Cllr Tony Newman"), &alice(), now()).await.expect("case").state;
    let outcome = casework
        .execute(case.id, Some(case.version), &complete_data_input(), &alice(), now())
        .await
        .expect("completed");
    assert_eq!(outcome.state.stage.as_ref().map(|s| s.stage.as_str()), Some("MARKUP"));
    let history = casework.store().stage_history(case.id).await.expect("history");
    let stages: Vec<&str> = history.iter().map(|v| v.stage.as_str()).collect();
    assert_eq!(stages, ["DATA_INPUT", "MARKUP"]);
    assert_eq!(history[0].completed_by.as_deref(), Some("alice"));
    assert!(history[0].ended_at.is_some() && history[1].ended_at.is_none());
    let stale = casework.execute(case.id, Some(case.version), &complete_data_input(), &alice(), now()).await;
    assert!(matches!(stale, Err(StoreError::Command(CommandError::StaleVersion { .. }))));
}

async fn search_finds_cases_by_correspondent_note_and_reference_with_a_true_total(kind: Kind) {
    let Some((_db, casework)) = open_store(kind).await else {
        return;
    };
    let mut tasks = Vec::new();
    for i in 0..30 {
        let casework = casework.clone();
        let name = if i % 3 == 0 { format!("Cllr Pandor {i}") } else { format!("Ms Smith {i}") };
        tasks.push(tokio::spawn(async move { casework.open(letter(&name), &alice(), now()).await }));
    }
    for task in tasks {
        task.await.expect("task").expect("created");
    }
    let query = |text: &str, page: u32, page_size: u32| SearchQuery {
        text: Some(text.to_string()),
        page,
        page_size,
        ..Default::default()
    };
    let pandor = casework.store().search(&query("pandor", 1, 4)).await.expect("search");
    assert_eq!(pandor.total, 10);
    assert_eq!(pandor.rows.len(), 4);
    let last = casework.store().search(&query("pandor", 3, 4)).await.expect("search");
    assert_eq!(last.rows.len(), 2, "the third page holds the last two");
    let case = casework.store().search(&query("smith", 1, 1)).await.expect("search").rows[0].clone();
    casework
        .execute(case.id, None, &Command::AddNote { text: "Asked about the zebra crossing".into() }, &alice(), now())
        .await
        .expect("note");
    let by_note = casework.store().search(&query("zebra crossing", 1, 10)).await.expect("search");
    assert_eq!(by_note.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![case.id]);
    let by_reference = casework.store().search(&query(&case.reference, 1, 10)).await.expect("search");
    assert_eq!(by_reference.total, 1);
    let nothing = casework.store().search(&query("\"unbalanced OR (", 1, 10)).await.expect("odd text is not an error");
    assert_eq!(nothing.total, 0);
}

/// Renaming the correspondent twice, once while the text is still pending and once after the
/// writer indexed it: each time only the newest name finds the case.
async fn a_case_whose_text_changes_is_found_only_by_its_newest_text(kind: Kind) {
    let Some((_db, casework)) = open_store(kind).await else {
        return;
    };
    let case = casework.open(letter("Ms Heron"), &alice(), now()).await.expect("case").state;
    let found = |word: &'static str| {
        let casework = casework.clone();
        async move {
            let query = SearchQuery { text: Some(word.into()), page: 1, page_size: 10, ..Default::default() };
            casework.store().search(&query).await.expect("search").total
        }
    };
    let rename = |name: &str| Command::UpdateCorrespondent { id: 1, details: letter(name).correspondents.remove(0) };
    let renamed =
        casework.execute(case.id, Some(case.version), &rename("Ms Kestrel"), &alice(), now()).await.expect("rename");
    assert_eq!((found("heron").await, found("kestrel").await), (0, 1), "pending: only the new name matches");
    casework.store().checkpoint().await.expect("index the pending text");
    let version = Some(renamed.state.version);
    casework.execute(case.id, version, &rename("Ms Osprey"), &alice(), now()).await.expect("rename again");
    assert_eq!((found("kestrel").await, found("osprey").await), (0, 1), "indexed: only the newest name matches");
}

async fn the_audit_trail_verifies_until_an_event_is_edited(kind: Kind) {
    let Some((db, casework)) = open_store(kind).await else {
        return;
    };
    let case = casework.open(letter("Cllr Tony Newman"), &alice(), now()).await.expect("case").state;
    casework.execute(case.id, None, &complete_data_input(), &alice(), now()).await.expect("completed");
    let (checked, breaks) = casework.store().verify_audit().await.expect("verify");
    assert!(checked >= 4);
    assert!(breaks.is_empty(), "{breaks:?}");
    tamper(kind, &db.url, case.id).await;
    let (_, breaks) = casework.store().verify_audit().await.expect("verify");
    assert!(
        breaks.iter().any(|b| b.case_id == case.id && b.sequence == 2 && b.problem.contains("edited")),
        "{breaks:?}"
    );
}

/// Edits event 2 of a case behind the store's back, as someone with database access could.
async fn tamper(kind: Kind, url: &str, case_id: i64) {
    use sqlx::Connection;
    let sql = format!(
        "UPDATE case_events SET body = REPLACE(body, 'alice', 'mallory') WHERE case_id = {case_id} AND seq = 2"
    );
    match kind {
        Kind::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{url}")).await.expect("connect");
            sqlx::query("DROP TRIGGER case_events_no_update").execute(&mut conn).await.expect("drop trigger");
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await.expect("tamper");
        }
        Kind::Postgres => {
            let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
            sqlx::query("ALTER TABLE case_events DISABLE TRIGGER case_events_append_only")
                .execute(&mut conn)
                .await
                .expect("disable");
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await.expect("tamper");
        }
    }
}

async fn events_cannot_be_changed_through_the_database(kind: Kind) {
    let Some((db, casework)) = open_store(kind).await else {
        return;
    };
    let case = casework.open(letter("Cllr Tony Newman"), &alice(), now()).await.expect("case").state;
    use sqlx::Connection;
    let sql = format!("DELETE FROM case_events WHERE case_id = {}", case.id);
    let refused = match kind {
        Kind::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.url)).await.expect("connect");
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await.map(|_| ())
        }
        Kind::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&db.url).await.expect("connect");
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await.map(|_| ())
        }
    };
    assert!(refused.expect_err("append-only").to_string().contains("append-only"));
}

async fn a_database_from_a_newer_despatch_is_refused(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else {
        return;
    };
    drop(despatch_store::open(&db.url).await.expect("first open"));
    use sqlx::Connection;
    let sql = "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
               VALUES (99999, 'future', TRUE, X'00', 0)";
    match kind {
        Kind::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.url)).await.expect("connect");
            sqlx::query(sql).execute(&mut conn).await.expect("insert");
        }
        Kind::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&db.url).await.expect("connect");
            sqlx::query(sqlx::AssertSqlSafe(sql.replace("X'00'", "'\\x00'::bytea")))
                .execute(&mut conn)
                .await
                .expect("insert");
        }
    }
    let refused = despatch_store::open(&db.url).await.map(|_| ()).expect_err("newer database refused");
    assert!(matches!(refused, StoreError::NewerDatabase { found: 99999, .. }), "{refused}");
}

async fn notes_stay_searchable_after_the_index_catches_up(kind: Kind) {
    let Some((db, casework)) = open_store(kind).await else { return };
    let case = casework.open(letter("Cllr Tony Newman"), &alice(), now()).await.expect("case").state;
    casework
        .execute(case.id, None, &Command::AddNote { text: "first note about a heron".into() }, &alice(), now())
        .await
        .expect("note");
    // Enough further writes that SQLite's writer moves its pending search rows into the index.
    for i in 0..700 {
        casework
            .execute(case.id, None, &Command::AddNote { text: format!("routine note {i}") }, &alice(), now())
            .await
            .expect("note");
    }
    casework
        .execute(case.id, None, &Command::AddNote { text: "last note about a kingfisher".into() }, &alice(), now())
        .await
        .expect("note");
    for word in ["heron", "kingfisher", "routine"] {
        let query = SearchQuery { text: Some(word.into()), page: 1, page_size: 10, ..Default::default() };
        let found = casework.store().search(&query).await.expect("search");
        assert_eq!(found.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![case.id], "searching for {word}");
        assert_eq!(found.total, 1, "a case with many matching notes counts once");
    }
    if let Kind::Sqlite = kind {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.url)).await.expect("connect");
        let pending: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM search_pending").fetch_one(&mut conn).await.expect("count");
        assert!(pending < 600, "the writer indexed the pending rows in a batch ({pending} still pending)");
    }
}

on_both_backends!(
    notes_stay_searchable_after_the_index_catches_up,
    a_case_whose_text_changes_is_found_only_by_its_newest_text,
    a_service_whose_cached_copy_is_out_of_date_decides_again_on_the_stored_case,
    a_new_case_gets_the_next_reference_and_its_first_stage_is_recorded,
    references_are_unique_when_many_cases_are_created_at_once,
    two_users_advancing_the_same_case_at_once_one_succeeds_and_the_other_must_reload,
    a_refused_command_changes_nothing,
    completing_a_stage_records_the_visit_and_starts_the_next,
    search_finds_cases_by_correspondent_note_and_reference_with_a_true_total,
    the_audit_trail_verifies_until_an_event_is_edited,
    events_cannot_be_changed_through_the_database,
    a_database_from_a_newer_despatch_is_refused,
);

#[tokio::test]
async fn a_file_that_is_not_a_database_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().expect("folder");
    let path = dir.path().join("garbage.db");
    std::fs::write(&path, vec![0x5a_u8; 8192]).expect("write");
    let refused = despatch_store::open(&path.display().to_string()).await.map(|_| ()).expect_err("refused");
    assert!(matches!(refused, StoreError::Corrupt(_)), "{refused}");
    assert!(refused.to_string().contains("Despatch database"));
}
