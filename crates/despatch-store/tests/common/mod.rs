//! A fresh database per test: a SQLite file in a temporary folder, or a new PostgreSQL database
//! on the server named by `DESPATCH_TEST_POSTGRES`, dropped afterwards.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use despatch_domain::calendar::BankHolidays;
use despatch_domain::case::CorrespondentKind;
use despatch_domain::command::{Actor, CorrespondentDetails, NewCase};
use despatch_domain::definition::Definitions;
use despatch_domain::directory::{Directory, Team};
use despatch_domain::engine::World;
use despatch_store::{Casework, Store};
use sqlx::Connection;

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// A database that lives as long as the test.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    drop_pg: Option<(String, String)>,
}

impl TestDb {
    /// A fresh database, or `None` (with a message) when PostgreSQL is not configured.
    pub async fn new(kind: Kind) -> Option<TestDb> {
        match kind {
            Kind::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary folder");
                let url = dir.path().join("despatch.db").display().to_string();
                Some(TestDb { url, _dir: Some(dir), drop_pg: None })
            }
            Kind::Postgres => {
                let Ok(server) = std::env::var("DESPATCH_TEST_POSTGRES") else {
                    eprintln!("SKIPPED: PostgreSQL storage test: DESPATCH_TEST_POSTGRES is not set");
                    return None;
                };
                let name = format!("despatch_test_{}_{}", std::process::id(), rand_suffix());
                let mut admin = sqlx::PgConnection::connect(&server).await.expect("connect to DESPATCH_TEST_POSTGRES");
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut admin)
                    .await
                    .expect("create database");
                let base = server.rsplit_once('/').map(|(base, _)| base.to_string()).unwrap_or(server.clone());
                Some(TestDb { url: format!("{base}/{name}"), _dir: None, drop_pg: Some((server, name)) })
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((server, name)) = self.drop_pg.take() {
            // Best effort, on a separate thread with its own runtime (Drop cannot await).
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
                if let Ok(runtime) = runtime {
                    runtime.block_on(async {
                        if let Ok(mut admin) = sqlx::PgConnection::connect(&server).await {
                            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                            let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut admin).await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0),
    );
    hasher.finish()
}

/// A small organisation: the teams the definitions name, one drafting team and one private
/// office linked to topic `policing`, and users.
pub fn directory() -> Directory {
    let mut directory = Directory::default();
    for (code, unit) in [
        ("PERFORMANCE_AND_PROCESS", "DCU"),
        ("DCU_CENTRAL_DRAFTING", "DCU"),
        ("TRANSFERS_AND_NO10", "DCU"),
        ("POLICING_DRAFTING", "POLICING"),
        ("POLICING_MINISTER_OFFICE", "PRIVATE_OFFICE"),
        ("HOME_SECRETARY_OFFICE", "PRIVATE_OFFICE"),
    ] {
        directory.teams.insert(
            code.to_string(),
            Team { code: code.to_string(), name: code.to_string(), unit: unit.to_string(), active: true },
        );
    }
    directory.topics.insert("policing".to_string());
    for case_type in ["MIN", "TRO", "DTEN"] {
        let link = |stage: &str| (case_type.to_string(), stage.to_string(), "policing".to_string());
        directory.topic_links.insert(link("INITIAL_DRAFT"), "POLICING_DRAFTING".to_string());
        directory.topic_links.insert(link("PRIVATE_OFFICE"), "POLICING_MINISTER_OFFICE".to_string());
    }
    let member = |teams: &[&str]| teams.iter().map(|t| t.to_string()).collect::<BTreeSet<_>>();
    let everyone = [
        "PERFORMANCE_AND_PROCESS",
        "DCU_CENTRAL_DRAFTING",
        "TRANSFERS_AND_NO10",
        "POLICING_DRAFTING",
        "POLICING_MINISTER_OFFICE",
    ];
    directory.memberships =
        BTreeMap::from([("alice".to_string(), member(&everyone)), ("bob".to_string(), member(&everyone))]);
    directory
}

/// Casework over the store with the embedded definitions and holidays.
pub fn casework(store: Arc<dyn Store>) -> Casework {
    let definitions = Definitions::embedded().expect("embedded definitions");
    let world = World::new(definitions, BankHolidays::embedded(), directory()).expect("world");
    Casework::new(store, world)
}

/// 2018-11-20 10:00 UTC, a fixed "now" after the seed case's receipt.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2018, 11, 20, 10, 0, 0).single().expect("valid instant")
}

/// A MIN letter from a named correspondent, received 2018-11-14.
pub fn letter(name: &str) -> NewCase {
    NewCase {
        case_type: "MIN".to_string(),
        received: NaiveDate::from_ymd_opt(2018, 11, 14).expect("valid date"),
        data: BTreeMap::new(),
        correspondents: vec![CorrespondentDetails {
            kind: CorrespondentKind::Councillor,
            name: name.to_string(),
            organisation: Some("Croydon Council".to_string()),
            address: vec!["Bernard Weatherill House".to_string()],
            postcode: Some("CR0 1EA".to_string()),
            email: None,
            their_reference: None,
            external_key: None,
            matched: None,
        }],
        legacy_reference: None,
        message_id: None,
    }
}

pub fn alice() -> Actor {
    Actor::user("alice")
}

pub fn bob() -> Actor {
    Actor::user("bob")
}

/// Declares one test per backend from an async function taking a `Kind`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::common::Kind::Sqlite).await }) *
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::common::Kind::Postgres).await }) *
        }
    };
}
