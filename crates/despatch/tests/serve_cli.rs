//! `despatch serve` on a fresh database creates the first administrator with a one-time password
//! printed once, and starts listening; on the next start it prints no password.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Starts `despatch serve` on a free port and returns it with the lines printed up to "running".
fn serve(db: &std::path::Path) -> (Child, Vec<String>) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_despatch"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--db"])
        .arg(db)
        .env_remove("DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start despatch serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("a line");
        let running = line.contains("Despatch is running at");
        lines.push(line);
        if running {
            break;
        }
    }
    (child, lines)
}

#[test]
fn a_fresh_database_gets_an_administrator_whose_one_time_password_is_printed_once() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let db = folder.path().join("fresh.db");
    let (mut child, lines) = serve(&db);
    child.kill().expect("stop the server");
    child.wait().expect("reaped");
    assert!(lines.iter().any(|l| l.contains("Despatch is running at http://127.0.0.1:")), "{lines:?}");
    let password = lines
        .iter()
        .skip_while(|l| !l.contains("one-time password"))
        .map(|l| l.trim())
        .find(|l| !l.is_empty() && !l.contains("one-time password"))
        .expect("the password on its own line")
        .to_string();

    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let account = runtime.block_on(async {
        let store = despatch_store::open(&db.to_string_lossy()).await.expect("the database");
        store.account("admin").await.expect("a read")
    });
    let account = account.expect("the administrator account");
    assert!(account.administrator);
    assert!(account.must_change_password, "the first sign-in must choose a new password");
    assert!(despatch_web::auth::verify_password(&password, &account.password_hash));
    assert!(!account.password_hash.contains(&password), "only the hash is stored");

    let (mut again, lines) = serve(&db);
    again.kill().expect("stop the server");
    again.wait().expect("reaped");
    assert!(!lines.iter().any(|l| l.contains("one-time password")), "no second password: {lines:?}");
}
