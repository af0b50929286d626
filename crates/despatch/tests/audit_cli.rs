//! `despatch audit verify` on a real database: intact, then after an event is edited behind the
//! store's back. And a broken definitions folder stops the system with a clear error.

use std::process::{Command, Output};

fn despatch(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_despatch"));
    command.args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("run despatch")
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

#[test]
fn audit_verify_passes_on_untouched_events_and_fails_on_an_edited_one() {
    let dir = tempfile::tempdir().expect("folder");
    let db = dir.path().join("audit.db").display().to_string();
    let bench = despatch(&["bench", "lifecycle", "--cases", "5", "--db", &db], &[]);
    assert!(bench.status.success(), "{}", text(&bench));

    let intact = despatch(&["audit", "verify", "--db", &db], &[]);
    assert!(intact.status.success(), "{}", text(&intact));
    assert!(text(&intact).contains("audit trail intact"));

    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.execute_batch(
        "DROP TRIGGER case_events_no_update; \
         UPDATE case_events SET body = REPLACE(body, 'user03', 'mallory') WHERE case_id = 3 AND seq = 4;",
    )
    .expect("tamper");
    drop(conn);
    let broken = despatch(&["audit", "verify", "--db", &db], &[]);
    assert_eq!(broken.status.code(), Some(1), "{}", text(&broken));
    let report = text(&broken);
    assert!(report.contains("case 3 event 4") && report.contains("edited"), "{report}");

    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.execute_batch("DELETE FROM cases WHERE id = 2;").expect("delete a whole case");
    drop(conn);
    let deleted = text(&despatch(&["audit", "verify", "--db", &db], &[]));
    assert!(deleted.contains("case 2: the case is missing: it was deleted"), "{deleted}");
}

#[test]
fn audit_verify_refuses_a_database_that_does_not_exist_rather_than_creating_it() {
    let dir = tempfile::tempdir().expect("folder");
    let typo = dir.path().join("typo.db");
    let refused = despatch(&["audit", "verify", "--db", &typo.display().to_string()], &[]);
    assert!(!refused.status.success());
    assert!(text(&refused).contains("there is no database file at"), "{}", text(&refused));
    assert!(!typo.exists(), "no database was created");
}

#[test]
fn a_broken_definitions_folder_is_refused_with_the_file_and_line() {
    let dir = tempfile::tempdir().expect("folder");
    let definitions = dir.path().join("definitions");
    std::fs::create_dir(&definitions).expect("folder");
    std::fs::write(definitions.join("MIN.toml"), "code = \"MIN\"\nname = \"Broken\"\nversion = 2\n").expect("write");
    let db = dir.path().join("x.db").display().to_string();
    let refused = despatch(
        &["bench", "lifecycle", "--cases", "1", "--db", &db],
        &[("DESPATCH_DEFINITIONS", &definitions.display().to_string())],
    );
    assert!(!refused.status.success());
    assert!(text(&refused).contains("MIN.toml:1"), "{}", text(&refused));
}
