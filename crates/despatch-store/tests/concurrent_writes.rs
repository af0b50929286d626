//! Writes from many clients at once, and from a single-threaded runtime: on SQLite a lone
//! client commits its own writes while overlapping ones go to the writer thread (group commit);
//! either way every acknowledged step must be stored, once, in order.

mod common;

use common::{Kind, TestDb, alice, casework, letter, now};
use despatch_domain::command::Command;

const CLIENTS: usize = 12;
const NOTES: usize = 15;

async fn clients_working_cases_at_once_find_every_acknowledged_step_stored(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else {
        return;
    };
    let casework = casework(despatch_store::open(&db.url).await.expect("open store"));
    let mut tasks = Vec::new();
    for client in 0..CLIENTS {
        let casework = casework.clone();
        tasks.push(tokio::spawn(async move {
            let created = casework.open(letter(&format!("Client {client}")), &alice(), now()).await?;
            let (case, created_events) = (created.state, created.events.len());
            let mut version = case.version;
            for n in 0..NOTES {
                let note = Command::AddNote { text: format!("client {client} note {n}") };
                version = casework.execute(case.id, Some(version), &note, &alice(), now()).await?.state.version;
            }
            Ok::<_, despatch_store::StoreError>((case.id, created_events, version))
        }));
    }
    let mut finished = Vec::new();
    for task in tasks {
        finished.push(task.await.expect("client task").expect("every step acknowledged"));
    }
    drop(casework);

    // A second store on the same database sees what the first acknowledged.
    let reopened = despatch_store::open(&db.url).await.expect("reopen");
    let mut stored_events = 0;
    for (id, created_events, version) in finished {
        let stored = reopened.case(id).await.expect("read").expect("case stored");
        assert_eq!(stored.version, version, "case {id} is at the last acknowledged version");
        let events = reopened.events(id).await.expect("events");
        let notes: Vec<_> = events.iter().filter(|e| e.event_type == "NOTE_ADDED").collect();
        assert_eq!(notes.len(), NOTES, "case {id} holds every note once");
        assert_eq!(events.len(), created_events + NOTES);
        stored_events += events.len() as u64;
        let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
        assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "case {id}: events in order without gaps: {seqs:?}");
    }
    let (checked, breaks) = reopened.verify_audit().await.expect("verify");
    assert_eq!(checked, stored_events, "every event was checked");
    assert!(breaks.is_empty(), "every chain verifies: {breaks:?}");
}

on_both_backends!(clients_working_cases_at_once_find_every_acknowledged_step_stored);

/// A runtime with one thread cannot hand a blocking commit to another worker: the store commits
/// there directly, and a burst of writes from several tasks still all land.
#[tokio::test]
async fn a_store_on_a_single_threaded_runtime_commits_every_write() {
    let db = TestDb::new(Kind::Sqlite).await.expect("a SQLite file");
    let casework = casework(despatch_store::open(&db.url).await.expect("open store"));
    let mut tasks = Vec::new();
    for client in 0..4 {
        let casework = casework.clone();
        tasks.push(tokio::spawn(async move {
            let case = casework.open(letter(&format!("Client {client}")), &alice(), now()).await.expect("case").state;
            let note = Command::AddNote { text: "single-threaded".into() };
            casework.execute(case.id, None, &note, &alice(), now()).await.expect("note").state
        }));
    }
    for task in tasks {
        let state = task.await.expect("task");
        let stored = casework.store().case(state.id).await.expect("read").expect("stored");
        assert_eq!(stored.version, state.version);
    }
}
