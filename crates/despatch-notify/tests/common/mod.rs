//! Test support: the SMTP receiver (aiosmtpd) and the GOV.UK Notify stand-in, each a real
//! process on a free loopback port, and a casework service over a fresh SQLite file.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use despatch_domain::engine::World;
use despatch_domain::testkit;
use despatch_store::Casework;

/// A free TCP port on loopback (bound, then released for the receiver to take).
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// A Python interpreter with aiosmtpd: `DESPATCH_TEST_PYTHON`, else `python3` if it has it.
pub fn python_with_aiosmtpd() -> Option<String> {
    let candidate = std::env::var("DESPATCH_TEST_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let has = Command::new(&candidate)
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    has.then_some(candidate)
}

fn support(script: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support").join(script)
}

/// A child process killed when dropped.
pub struct Receiver {
    child: Child,
    pub port: u16,
    pub folder: PathBuf,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(mut command: Command, port: u16, folder: &Path) -> Receiver {
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("start the receiver");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("read the receiver's first line");
    assert_eq!(line.trim(), "ready", "the receiver did not start");
    Receiver { child, port, folder: folder.to_path_buf() }
}

/// aiosmtpd on `port`, writing messages to `folder`; `None` (after printing SKIPPED) when no
/// Python with aiosmtpd is installed.
pub fn smtp_sink(port: u16, folder: &Path) -> Option<Receiver> {
    let Some(python) = python_with_aiosmtpd() else {
        eprintln!("SKIPPED: no Python with aiosmtpd (pip install aiosmtpd; set DESPATCH_TEST_PYTHON)");
        return None;
    };
    let mut command = Command::new(python);
    command.arg(support("smtp_sink.py")).arg(port.to_string()).arg(folder);
    Some(start(command, port, folder))
}

/// The GOV.UK Notify stand-in on `port` (Python's standard library only).
pub fn notify_sink(port: u16, folder: &Path, service_id: &str, secret: &str) -> Option<Receiver> {
    if Command::new("python3").arg("--version").stdout(Stdio::null()).status().is_err() {
        eprintln!("SKIPPED: python3 is not installed");
        return None;
    }
    let mut command = Command::new("python3");
    command.arg(support("notify_sink.py")).arg(port.to_string()).arg(folder).arg(service_id).arg(secret);
    Some(start(command, port, folder))
}

/// The JSON records a receiver wrote, in the order received.
pub fn received(folder: &Path) -> Vec<serde_json::Value> {
    let mut numbered: Vec<(u64, PathBuf)> = std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|e| e == "json"))
                .filter_map(|path| Some((path.file_stem()?.to_str()?.parse().ok()?, path)))
                .collect()
        })
        .unwrap_or_default();
    numbered.sort();
    numbered
        .into_iter()
        .map(|(_, path)| serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON"))
        .collect()
}

/// Waits until the receiver holds at least `count` messages (at most `limit`).
pub fn wait_for(folder: &Path, count: usize, limit: Duration) -> Vec<serde_json::Value> {
    let started = Instant::now();
    loop {
        let messages = received(folder);
        if messages.len() >= count || started.elapsed() > limit {
            return messages;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The demo world whose users and teams have addresses (`USER@dept.example`,
/// `team@dept.example`) and a NUMBER_TEN recipient.
pub fn world_with_addresses() -> World {
    let mut world = testkit::demo_world();
    let mut directory = world.directory().clone();
    for user in directory.memberships.keys().cloned().collect::<Vec<_>>() {
        directory.emails.insert(user.clone(), format!("{user}@dept.example"));
    }
    for team in directory.teams.keys().cloned().collect::<Vec<_>>() {
        directory.mailboxes.insert(team.clone(), format!("{}@dept.example", team.to_lowercase()));
    }
    directory.recipients.insert("NUMBER_TEN".to_string(), "copies@number10.example".to_string());
    world.set_directory(directory);
    world
}

/// Casework over a fresh SQLite file in `folder`, with [`world_with_addresses`].
pub async fn casework(folder: &Path) -> Casework {
    let url = folder.join("despatch.db").display().to_string();
    let store = despatch_store::open(&url).await.expect("open the database");
    let world = world_with_addresses();
    store.save_directory(world.directory()).await.expect("save the organisation");
    Casework::new(Arc::clone(&store), world)
}
