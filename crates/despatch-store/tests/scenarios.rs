//! Every worked scenario of the domain testkit (every branch of MIN, TRO and DTEN) replayed
//! through the store, on SQLite and on PostgreSQL: each command loads the case, runs the engine
//! and saves the outcome in one transaction, and the stored stage history, state and audit chain
//! must match what the scenario expects.

mod common;

use common::{Kind, TestDb};
use despatch_domain::testkit::{demo_world, scenarios};
use despatch_store::Casework;

async fn every_scenario_walks_its_expected_path_through_the_store(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let store = despatch_store::open(&db.url).await.expect("open store");
    let world = demo_world();
    store.save_directory(world.directory()).await.expect("directory");
    let casework = Casework::new(store.clone(), world);
    let all = scenarios();
    assert!(all.len() >= 20, "the testkit walks every branch");
    for scenario in &all {
        let name = scenario.name;
        let opened = casework
            .open(scenario.new_case.clone(), &scenario.opened_by, scenario.opened_at)
            .await
            .unwrap_or_else(|e| panic!("{name}: open: {e}"));
        let id = opened.state.id;
        for (index, step) in scenario.steps.iter().enumerate() {
            let version = store.case(id).await.expect("read").expect("case").version;
            casework
                .execute(id, Some(version), &step.command, &step.actor, step.at)
                .await
                .unwrap_or_else(|e| panic!("{name}: step {}: {}: {e}", index + 1, step.command.name()));
        }
        let state = store.case(id).await.expect("read").expect("case");
        let history = store.stage_history(id).await.expect("history");
        let path: Vec<&str> = history.iter().map(|visit| visit.stage.as_str()).collect();
        assert_eq!(path, scenario.expected_path, "{name}: stage path");
        for (visit, expected) in history.iter().zip(&scenario.expected_visits) {
            assert_eq!(visit.team, expected.team, "{name}: team of {}", expected.stage);
            assert_eq!(visit.deadline, expected.deadline, "{name}: deadline of {}", expected.stage);
        }
        let completed = history.iter().filter(|visit| visit.ended_at.is_some()).count();
        assert_eq!(completed, scenario.completions(), "{name}: completed visits");
        assert_eq!(state.is_closed(), scenario.expect_closed, "{name}: closed");
        assert_eq!(state.deadline, scenario.expected_case_deadline, "{name}: case deadline");
        assert_eq!(state.despatched_on, scenario.expected_despatched_on, "{name}: despatch date");
        let events = store.events(id).await.expect("events");
        let notes = events.iter().filter(|e| e.event_type == "NOTE_ADDED").count();
        assert_eq!(notes, scenario.expected_notes.len(), "{name}: notes");
        assert_eq!(
            events.iter().filter(|e| e.event_type == "CASE_CLOSED").count(),
            usize::from(scenario.expect_closed)
        );
    }
    let (_, breaks) = store.verify_audit().await.expect("verify");
    assert!(breaks.is_empty(), "{breaks:?}");
}

on_both_backends!(every_scenario_walks_its_expected_path_through_the_store);
