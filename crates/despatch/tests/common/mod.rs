//! A fresh SQLite database for running `despatch ingest` on, as a user would.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use chrono::NaiveDate;
use despatch_domain::case::CaseState;
use despatch_domain::directory::{Directory, Team};
use despatch_domain::engine::london_date;
use despatch_store::Store;
use serde_json::Value;

/// The folder holding mps.csv and local-authorities.csv.
pub const REGISTERS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data");

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime")
}

/// A fresh database whose directory has the team that owns Data Input.
pub struct Db {
    pub dir: tempfile::TempDir,
    pub url: String,
}

impl Db {
    pub fn new() -> Db {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = dir.path().join("ingest.db").display().to_string();
        runtime().block_on(async {
            let store = despatch_store::open(&url).await.expect("open the database");
            let mut directory = Directory::default();
            let code = "PERFORMANCE_AND_PROCESS".to_string();
            directory.teams.insert(
                code.clone(),
                Team { code, name: "Performance and Process".into(), unit: "DCU".into(), active: true },
            );
            store.save_directory(&directory).await.expect("save the directory");
        });
        Db { dir, url }
    }

    /// Runs `despatch ingest --db DB --register shared/data ARGS…`.
    pub fn ingest(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_despatch"))
            .args(["ingest", "--db", &self.url, "--register", REGISTERS])
            .args(args)
            .output()
            .expect("run despatch ingest")
    }

    /// Runs ingest with `--format json` and returns the summary.
    pub fn ingest_json(&self, paths: &[&Path]) -> (Output, Value) {
        let mut args = vec!["--format".to_string(), "json".to_string()];
        args.extend(paths.iter().map(|path| path.display().to_string()));
        let output = self.ingest(&args.iter().map(String::as_str).collect::<Vec<_>>());
        let summary = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
            panic!("summary is not JSON ({error}): {}{}", stdout(&output), String::from_utf8_lossy(&output.stderr))
        });
        (output, summary)
    }

    pub fn store<T>(&self, read: impl AsyncFnOnce(Arc<dyn Store>) -> T) -> T {
        runtime().block_on(async {
            let store = despatch_store::open(&self.url).await.expect("open the database");
            read(store).await
        })
    }

    pub fn case(&self, reference: &str) -> CaseState {
        self.store(async |store| store.case_by_reference(reference).await.expect("lookup"))
            .unwrap_or_else(|| panic!("no case {reference}"))
    }

    pub fn total_cases(&self) -> u64 {
        self.store(async |store| store.count_cases().await.expect("count")).1
    }

    /// Writes a file in the database's folder.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write a letter");
        path
    }
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn today() -> NaiveDate {
    london_date(chrono::Utc::now())
}

pub fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}
