//! Starting the app for the tests: a free port, a fresh SQLite database holding the demo
//! department, accounts for a few of its users, and one MIN case received today.

#![allow(dead_code)]

use std::sync::Arc;

use chrono::Utc;
use despatch_domain::command::Actor;
use despatch_domain::engine::london_date;
use despatch_domain::testkit::{self, demo_directory};
use despatch_store::Store;
use despatch_web::{AppState, Config, auth};

/// Every test account's password.
pub const PASSWORD: &str = "a long test password";
/// A user in a team that never holds the test case.
pub const OUTSIDER: &str = testkit::ARCHIVED_DRAFTER;

/// A running app.
pub struct App {
    pub base: String,
    pub case_id: i64,
    pub reference: String,
    _folder: tempfile::TempDir,
}

impl App {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

pub async fn start_with(config: Config) -> App {
    start_full(config, &[testkit::CASEWORKER, testkit::DESPATCH_OFFICER, OUTSIDER], 0).await.0
}

/// An app with accounts for `users` and, besides the test case, `extra` more MIN cases received
/// today (their ids returned, in order of creation).
pub async fn start_full(config: Config, users: &[&str], extra: usize) -> (App, Vec<i64>) {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("test.db");
    let store: Arc<dyn Store> = despatch_store::open(&path.to_string_lossy()).await.expect("a fresh database");
    store.save_directory(&demo_directory()).await.expect("the demo directory");
    for &user in users {
        auth::create_account(store.as_ref(), user, PASSWORD, false).await.expect("an account");
    }
    let casework = despatch_web::casework(store).await.expect("casework");
    let mut new = testkit::new_case("MIN");
    new.received = london_date(Utc::now());
    let opened = casework.open(new.clone(), &Actor::user(testkit::CASEWORKER), Utc::now()).await.expect("a MIN case");
    let mut more = Vec::new();
    for _ in 0..extra {
        let case = casework.open(new.clone(), &Actor::user(testkit::CASEWORKER), Utc::now()).await.expect("a case");
        more.push(case.state.id);
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let base = format!("http://{}", listener.local_addr().expect("its address"));
    tokio::spawn(despatch_web::serve_on(AppState::new(casework, config), listener));
    let app = App { base, case_id: opened.state.id, reference: opened.state.reference.to_string(), _folder: folder };
    (app, more)
}

pub async fn start() -> App {
    start_with(Config::default()).await
}
