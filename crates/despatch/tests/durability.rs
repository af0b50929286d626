//! Every acknowledged step survives a kill -9: the benchmark prints `ack CASE VERSION` only after
//! the commit holding that step is durable, so after killing it mid-run each acknowledged
//! version must be on disk. One client commits its own steps (no other write overlaps); sixteen
//! share commits through the writer thread (group commit): both are killed mid-run.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn every_acknowledged_step_of_sixteen_clients_is_on_disk_after_the_process_is_killed() {
    every_acknowledged_step_is_on_disk_after_a_kill("16");
}

#[test]
fn every_acknowledged_step_of_a_lone_client_is_on_disk_after_the_process_is_killed() {
    every_acknowledged_step_is_on_disk_after_a_kill("1");
}

fn every_acknowledged_step_is_on_disk_after_a_kill(clients: &str) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let db = dir.path().join("killed.db");
    let mut child = Command::new(env!("CARGO_BIN_EXE_despatch"))
        .args(["bench", "lifecycle", "--cases", "100000", "--clients", clients, "--acks", "--db"])
        .arg(&db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the benchmark");
    let stdout = child.stdout.take().expect("stdout");
    let mut acknowledged: BTreeMap<i64, u64> = BTreeMap::new();
    let mut lines = 0;
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("a line");
        let mut parts = line.split_whitespace();
        if let (Some("ack"), Some(case), Some(version)) = (parts.next(), parts.next(), parts.next()) {
            let (case, version) = (case.parse().expect("case id"), version.parse().expect("version"));
            let entry = acknowledged.entry(case).or_insert(0);
            *entry = (*entry).max(version);
            lines += 1;
        }
        if lines >= 1500 {
            break;
        }
    }
    child.kill().expect("kill -9");
    child.wait().expect("reaped");
    assert!(lines >= 1500, "the benchmark acknowledged only {lines} steps before stopping");

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let store = despatch_store::open(&db.display().to_string()).await.expect("reopen after the kill");
        for (case, version) in &acknowledged {
            let stored = store
                .case(*case)
                .await
                .expect("read")
                .unwrap_or_else(|| panic!("case {case} was acknowledged but is missing"));
            assert!(
                stored.version >= *version,
                "case {case}: acknowledged version {version}, stored {}",
                stored.version
            );
        }
        let (_, breaks) = store.verify_audit().await.expect("verify");
        assert!(breaks.is_empty(), "the audit chain survived the kill: {breaks:?}");
    });
}
