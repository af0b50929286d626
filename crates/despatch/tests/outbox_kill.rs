//! Killing the server between a case change and its email loses no email and sends none twice:
//! the real `despatch serve` sends the outbox to a real SMTP receiver (aiosmtpd) on loopback;
//! it is killed (SIGKILL) while its email is waiting, and on restart each message arrives once.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use despatch_store::Store;

const ORGANISATION: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/organisation.toml");
const SMTP_SINK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../despatch-notify/tests/support/smtp_sink.py");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
}

/// A Python interpreter with aiosmtpd: `DESPATCH_TEST_PYTHON`, else `python3` if it has it.
fn python_with_aiosmtpd() -> Option<String> {
    let candidate = std::env::var("DESPATCH_TEST_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let has = Command::new(&candidate).args(["-c", "import aiosmtpd"]).stderr(Stdio::null()).status();
    has.is_ok_and(|status| status.success()).then_some(candidate)
}

/// A child process killed (SIGKILL) when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(db: &Path, smtp_port: u16) -> Killed {
    let child = Command::new(env!("CARGO_BIN_EXE_despatch"))
        .args(["serve", "--addr", &format!("127.0.0.1:{}", free_port()), "--db"])
        .arg(db)
        .env_remove("DATABASE_URL")
        .env("DESPATCH_SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}"))
        .env("DESPATCH_MAIL_FROM", "Correspondence Unit <correspondence@dept.example>")
        .env("DESPATCH_OUTBOX_RETRY_SECS", "0.2")
        .env("DESPATCH_OUTBOX_LEASE_SECS", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start despatch serve");
    Killed(child)
}

fn despatch(args: &[&str]) {
    let output = Command::new(env!("CARGO_BIN_EXE_despatch")).args(args).output().expect("run despatch");
    assert!(output.status.success(), "despatch {args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

fn letter(folder: &Path, name: &str, writer: &str) -> PathBuf {
    let path = folder.join(name);
    let text = format!(
        "14 Mill Lane\nHarrogate\nHG1 2AB\n\n2 December 2026\n\nHome Office\n2 Marsham Street\nLondon SW1P 4DF\n\n\
         Dear Minister,\n\nI am writing about the closure of the police station in Harrogate.\n\n\
         Yours sincerely,\n\n{writer}\n"
    );
    std::fs::write(&path, text).expect("write the letter");
    path
}

/// Polls the outbox until `done` holds of it (at most 30 s).
fn wait_outbox(
    runtime: &tokio::runtime::Runtime,
    store: &dyn Store,
    done: impl Fn(&[despatch_store::OutboxMessage]) -> bool,
) -> Vec<despatch_store::OutboxMessage> {
    let started = Instant::now();
    loop {
        let outbox = runtime.block_on(store.outbox(None)).expect("read the outbox");
        if done(&outbox) || started.elapsed() > Duration::from_secs(30) {
            return outbox;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn received(folder: &Path) -> Vec<serde_json::Value> {
    let Ok(entries) = std::fs::read_dir(folder) else { return Vec::new() };
    entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON"))
        .collect()
}

#[test]
fn killing_the_server_before_its_emails_are_sent_loses_none_and_sends_none_twice() {
    let Some(python) = python_with_aiosmtpd() else {
        eprintln!("SKIPPED: no Python with aiosmtpd (pip install aiosmtpd; set DESPATCH_TEST_PYTHON)");
        return;
    };
    let folder = tempfile::tempdir().expect("a temporary folder");
    let db = folder.path().join("outbox.db");
    let db_text = db.display().to_string();
    despatch(&["admin", "load-organisation", ORGANISATION, "--db", &db_text]);
    let smtp_port = free_port();
    let mail = folder.path().join("mail");

    // The receiver is down: the worker tries, fails and keeps the message.
    let server = serve(&db, smtp_port);
    let first = letter(folder.path(), "first.txt", "Margaret Ellison");
    despatch(&["ingest", "--db", &db_text, &first.display().to_string()]);
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let store = runtime.block_on(despatch_store::open(&db_text)).expect("open the database");
    let tried = wait_outbox(&runtime, store.as_ref(), |outbox| outbox.iter().any(|m| m.attempts >= 1));
    assert!(tried.iter().any(|m| m.attempts >= 1 && m.sent_ms.is_none()), "the worker tried: {tried:?}");
    drop(server); // SIGKILL

    // A case change while no server runs: its message waits in the outbox too.
    let second = letter(folder.path(), "second.txt", "Peter Holt");
    despatch(&["ingest", "--db", &db_text, &second.display().to_string()]);
    let waiting = runtime.block_on(store.outbox(None)).expect("outbox");
    assert_eq!(waiting.len(), 2, "one message per new case for the team's mailbox: {waiting:?}");
    assert!(waiting.iter().all(|m| m.sent_ms.is_none()));

    // The receiver is up and the server restarts: each message is sent, once.
    let sink = Killed(
        Command::new(python)
            .arg(SMTP_SINK)
            .arg(smtp_port.to_string())
            .arg(&mail)
            .stdout(Stdio::null())
            .spawn()
            .expect("start aiosmtpd"),
    );
    let server = serve(&db, smtp_port);
    let sent = wait_outbox(&runtime, store.as_ref(), |outbox| outbox.iter().all(|m| m.sent_ms.is_some()));
    assert!(sent.iter().all(|m| m.sent_ms.is_some()), "all sent after the restart: {sent:?}");
    // Time for any duplicate to show: several poll intervals and leases.
    std::thread::sleep(Duration::from_secs(3));
    drop(server);
    drop(sink);

    let messages = received(&mail);
    assert_eq!(messages.len(), 2, "each message exactly once: {messages:?}");
    let mut ids: Vec<&str> = messages.iter().filter_map(|m| m["message_id"].as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 2, "two different messages");
    for message in &messages {
        assert_eq!(message["to"], "performance-and-process@correspondence.example.gov.uk");
        assert!(message["message_id"].as_str().is_some_and(|id| id.ends_with("@dept.example>")));
    }
}
