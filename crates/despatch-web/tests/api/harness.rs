//! Starting the app for the API tests: a free port, a fresh SQLite file with the demo
//! department, a token for every demo user, and one MIN case received today at Data Input.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::Utc;
use despatch_domain::access::AccessLevel;
use despatch_domain::command::Actor;
use despatch_domain::engine::london_date;
use despatch_domain::testkit::{self, demo_directory};
use despatch_store::Store;
use despatch_web::{AppState, Config};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// A user in a team that never holds the test case.
pub const OUTSIDER: &str = testkit::ARCHIVED_DRAFTER;
/// Members of the test case's team with SUMMARY and READ on MIN.
pub const SUMMARY_USER: &str = "sam.summary";
pub const READ_USER: &str = "rhea.reader";

/// A running app.
pub struct Api {
    pub base: String,
    pub case_id: i64,
    pub store: Arc<dyn Store>,
    tokens: BTreeMap<String, String>,
    client: reqwest::Client,
    _folder: tempfile::TempDir,
}

/// An answer: status, headers and the JSON body (`Null` when it is not JSON).
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    /// The media type of the answer.
    pub fn media_type(&self) -> &str {
        self.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    /// Asserts the answer is an RFC 9457 problem with this status.
    pub fn assert_problem(&self, status: u16, context: &str) {
        assert_eq!(self.status.as_u16(), status, "{context}: {}", self.body);
        assert_eq!(self.media_type(), "application/problem+json", "{context}");
        assert_eq!(self.body["status"], status, "{context}: the problem repeats its status");
        assert!(self.body["type"].is_string() && self.body["title"].is_string(), "{context}: {}", self.body);
    }
}

impl Api {
    pub async fn start() -> Api {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let path = folder.path().join("api.db");
        let store: Arc<dyn Store> = despatch_store::open(&path.to_string_lossy()).await.expect("a fresh database");
        let mut directory = demo_directory();
        for (user, level) in [(SUMMARY_USER, AccessLevel::Summary), (READ_USER, AccessLevel::Read)] {
            directory.set_level(user, testkit::PERFORMANCE_AND_PROCESS, "MIN", Some(level));
        }
        store.save_directory(&directory).await.expect("the demo directory");
        let mut tokens = BTreeMap::new();
        for user in directory.memberships.keys() {
            let token = despatch_web::create_token(store.as_ref(), user, "tests").await.expect("a token");
            tokens.insert(user.clone(), token);
        }
        let casework = despatch_web::casework(Arc::clone(&store)).await.expect("casework");
        let mut new = testkit::new_case("MIN");
        new.received = london_date(Utc::now());
        let opened = casework.open(new, &Actor::user(testkit::CASEWORKER), Utc::now()).await.expect("a MIN case");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let base = format!("http://{}", listener.local_addr().expect("its address"));
        tokio::spawn(despatch_web::serve_on(AppState::new(casework, Config::default()), listener));
        Api { base, case_id: opened.state.id, store, tokens, client: reqwest::Client::new(), _folder: folder }
    }

    /// The token of a demo user.
    pub fn token(&self, user: &str) -> String {
        self.tokens.get(user).cloned().expect("a demo user")
    }

    /// Sends a request as `user` (no token when `None`) with an optional JSON body.
    pub async fn call(&self, method: Method, path: &str, user: Option<&str>, body: Option<Value>) -> Answer {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(user) = user {
            request = request.bearer_auth(self.token(user));
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("an answer");
        Self::answer(response).await
    }

    /// Sends a prepared request.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        Self::answer(request.send().await.expect("an answer")).await
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, format!("{}{path}", self.base))
    }

    async fn answer(response: reqwest::Response) -> Answer {
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("a body");
        Answer { status, headers, body: serde_json::from_slice(&bytes).unwrap_or(Value::Null) }
    }

    pub async fn get(&self, path: &str, user: &str) -> Answer {
        self.call(Method::GET, path, Some(user), None).await
    }
}
