//! Starting the app for the tests: a free port, a fresh SQLite database holding the demo
//! department, accounts for a few of its users, and one MIN case received today.

#![allow(dead_code)]

use std::sync::Arc;

use chrono::Utc;
use despatch_domain::access::AccessLevel;
use despatch_domain::command::Actor;
use despatch_domain::engine::london_date;
use despatch_domain::testkit::{self, demo_directory};
use despatch_store::Store;
use despatch_web::{AppState, Config, auth};

/// Every test account's password.
pub const PASSWORD: &str = "a long test password";
/// A user in a team that never holds the test case.
pub const OUTSIDER: &str = testkit::ARCHIVED_DRAFTER;
/// Members of the team holding the test case (Performance and Process) with one MIN level each;
/// the despatch officer there has WRITE.
pub const SUMMARY_USER: &str = "sam.summary";
pub const READ_USER: &str = "rhea.reader";
pub const WRITE_USER: &str = testkit::DESPATCH_OFFICER;
pub const OWNER_USER: &str = "olive.owner";
pub const CASE_ADMIN_USER: &str = "cass.case-admin";
/// An administrator account in no team.
pub const ADMINISTRATOR: &str = "admin";

/// A running app.
pub struct App {
    pub base: String,
    pub case_id: i64,
    pub reference: String,
    /// The SQLite file, for tests that read what was stored.
    pub db: String,
    _folder: tempfile::TempDir,
}

impl App {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

pub async fn start_with(config: Config) -> App {
    let users = [testkit::CASEWORKER, WRITE_USER, OUTSIDER, SUMMARY_USER, READ_USER, OWNER_USER, CASE_ADMIN_USER];
    start_full(config, &users, 0).await.0
}

/// An app with accounts for `users` and, besides the test case, `extra` more MIN cases received
/// today (their ids returned, in order of creation).
pub async fn start_full(config: Config, users: &[&str], extra: usize) -> (App, Vec<i64>) {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("test.db");
    let store: Arc<dyn Store> = despatch_store::open(&path.to_string_lossy()).await.expect("a fresh database");
    let mut directory = demo_directory();
    for (user, level) in [
        (SUMMARY_USER, AccessLevel::Summary),
        (READ_USER, AccessLevel::Read),
        (OWNER_USER, AccessLevel::Owner),
        (CASE_ADMIN_USER, AccessLevel::CaseAdmin),
    ] {
        directory.set_level(user, testkit::PERFORMANCE_AND_PROCESS, "MIN", Some(level));
    }
    store.save_directory(&directory).await.expect("the demo directory");
    for &user in users {
        auth::create_account(store.as_ref(), user, PASSWORD, false).await.expect("an account");
    }
    auth::create_account(store.as_ref(), ADMINISTRATOR, PASSWORD, true).await.expect("the administrator");
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
    let db = path.to_string_lossy().to_string();
    let app =
        App { base, case_id: opened.state.id, reference: opened.state.reference.to_string(), db, _folder: folder };
    (app, more)
}

pub async fn start() -> App {
    start_with(Config::default()).await
}

/// The value of the first `csrf` hidden field in a page.
pub fn csrf(page: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = page.find(marker).expect("a page with a CSRF field") + marker.len();
    page[start..].split('"').next().unwrap_or_default().to_string()
}

/// The case version carried by a case page's stage form.
pub fn version(page: &str) -> String {
    let version = page.split("name=\"version\" value=\"").nth(1).and_then(|rest| rest.split('"').next());
    version.expect("the form carries the case version").to_string()
}

/// A complete Data Input form for the MIN test case: written yesterday, received by post.
pub fn data_input(token: &str, version: &str) -> Vec<(String, String)> {
    let written = london_date(Utc::now()).pred_opt().expect("yesterday");
    [
        ("csrf", token.to_string()),
        ("stage", "DATA_INPUT".to_string()),
        ("version", version.to_string()),
        ("DateOfCorrespondence-day", written.format("%d").to_string()),
        ("DateOfCorrespondence-month", written.format("%m").to_string()),
        ("DateOfCorrespondence-year", written.format("%Y").to_string()),
        ("OriginalChannel", "POST".to_string()),
        ("CopyNumberTen", "FALSE".to_string()),
        ("HomeSecInterest", "FALSE".to_string()),
        ("HomeSecReply", "FALSE".to_string()),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_string(), value))
    .collect()
}

/// A client signed in as `user` through the sign-in form, keeping its cookies. With `follow`
/// it follows redirects (sign-in lands on the dashboard, 200); without, each answer's own status
/// can be checked (sign-in answers 303).
pub async fn signed_in(app: &App, user: &str, follow: bool) -> reqwest::Client {
    let policy = if follow { reqwest::redirect::Policy::default() } else { reqwest::redirect::Policy::none() };
    let client = reqwest::Client::builder().cookie_store(true).redirect(policy).build().expect("an HTTP client");
    let page = client.get(app.url("/sign-in")).send().await.expect("the sign-in page").text().await.expect("html");
    let token = csrf(&page);
    let response = client
        .post(app.url("/sign-in"))
        .form(&[("csrf", token.as_str()), ("username", user), ("password", PASSWORD)])
        .send()
        .await
        .expect("a sign-in answer");
    let expected = if follow { reqwest::StatusCode::OK } else { reqwest::StatusCode::SEE_OTHER };
    assert_eq!(response.status(), expected, "{user} signs in");
    client
}

/// GETs `url`: the status and the body.
pub async fn get(client: &reqwest::Client, url: String) -> (reqwest::StatusCode, String) {
    let response = client.get(url).send().await.expect("an answer");
    (response.status(), response.text().await.expect("a body"))
}

/// A client that does not follow redirects, so each answer's own status can be checked.
pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("a client")
}

/// A fresh session cookie (`despatch_session=…`) for `user`, signed in without following the
/// redirect, so the cookie can be read off the response.
pub async fn session_cookie(app: &App, user: &str) -> String {
    let client = no_redirects();
    let page = client.get(app.url("/sign-in")).send().await.expect("the sign-in page");
    let sign_in_cookie = page
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("a sign-in cookie")
        .to_string();
    let token = csrf(&page.text().await.expect("html"));
    let response = client
        .post(app.url("/sign-in"))
        .header(reqwest::header::COOKIE, sign_in_cookie)
        .form(&[("csrf", token.as_str()), ("username", user), ("password", PASSWORD)])
        .send()
        .await
        .expect("signed in");
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("despatch_session=") && !v.starts_with("despatch_session=;"))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
        .unwrap_or_else(|| panic!("{user} signs in"))
}
