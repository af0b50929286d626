//! `despatch bench lifecycle`: the MIN lifecycle workload of docs/PERFORMANCE.md through the
//! real engine and store — deadlines, stage history, hash-chained events and search kept
//! current — printing one JSON line.
//!
//! Case `n` (1-based): Markup decides "no response needed" when `n % 10 == 7` (then the NRN
//! confirmation closes it); otherwise a policy response whose first QA is rejected when
//! `n % 5 == 0`; then private office, sign-off, dispatch and copy to Number 10. Every completion
//! carries a 200-character note, a date and a decision. Each step loads the case from the store
//! (as a server does), runs the engine and commits durably before the next step of that client.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, bail};
use chrono::Utc;
use clap::Subcommand;
use despatch_domain::case::CorrespondentKind;
use despatch_domain::command::{Actor, Command, CorrespondentDetails, NewCase};
use despatch_domain::directory::{Directory, Team};
use despatch_domain::engine::london_date;
use despatch_store::{Casework, SearchQuery};

use super::db;

/// Arguments of `despatch bench`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    workload: Workload,
}

#[derive(Debug, Subcommand)]
enum Workload {
    /// The MIN lifecycle (docs/PERFORMANCE.md).
    Lifecycle {
        /// Number of cases.
        #[arg(long, default_value_t = 1000)]
        cases: u64,
        /// Concurrent clients, each working its own cases one step at a time.
        #[arg(long, default_value_t = 1)]
        clients: u64,
        /// Database URL or SQLite file; default a fresh file in a temporary folder.
        #[arg(long)]
        db: Option<String>,
        /// Print `ack CASE_ID VERSION` after every acknowledged step (for durability tests).
        #[arg(long)]
        acks: bool,
        /// Read every case from the database before each step instead of from the service's
        /// version-checked write-through cache.
        #[arg(long)]
        no_cache: bool,
    },
    /// Fills a fresh database with open cases in one team's workstack and a user of that team,
    /// for the web workstack benchmark (`scripts/bench-web.sh`); prints one JSON line.
    Workstack(super::bench_workstack::Args),
}

const FILLER: &str = "The Minister thanks the correspondent for their letter and notes the points raised \
about local services; officials will consider them carefully and respond in due course. ";

/// Runs `despatch bench`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (cases, clients, url, acks, no_cache) = match args.workload {
        Workload::Lifecycle { cases, clients, db, acks, no_cache } => (cases, clients, db, acks, no_cache),
        Workload::Workstack(args) => return super::bench_workstack::run(args),
    };
    if cases == 0 || clients == 0 || clients > 1024 {
        bail!("--cases must be at least 1 and --clients between 1 and 1024");
    }
    let scratch = tempfile_dir()?;
    let url: String = url.unwrap_or_else(|| scratch.join("bench.db").display().to_string());
    let result = db::runtime()?.block_on(lifecycle(&url, cases, clients, acks, no_cache));
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("despatch-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// The organisation the workload runs in: the definitions' teams, one drafting team and one
/// private office linked to topic BENCH, and 50 users in every team.
pub(super) fn bench_directory() -> Directory {
    let mut directory = Directory::default();
    let teams = [
        "PERFORMANCE_AND_PROCESS",
        "DCU_CENTRAL_DRAFTING",
        "TRANSFERS_AND_NO10",
        "BENCH_DRAFTING",
        "BENCH_PRIVATE_OFFICE",
    ];
    for code in teams {
        let team = Team { code: code.to_string(), name: code.to_string(), unit: "BENCH".to_string(), active: true };
        directory.teams.insert(code.to_string(), team);
    }
    directory.topics.insert("BENCH".to_string());
    let link = |stage: &str| ("MIN".to_string(), stage.to_string(), "BENCH".to_string());
    directory.topic_links.insert(link("INITIAL_DRAFT"), "BENCH_DRAFTING".to_string());
    directory.topic_links.insert(link("PRIVATE_OFFICE"), "BENCH_PRIVATE_OFFICE".to_string());
    let all: BTreeSet<String> = teams.iter().map(|t| t.to_string()).collect();
    for user in 0..50 {
        directory.memberships.insert(format!("user{user:02}"), all.clone());
    }
    directory
}

fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// The completions of case `n`, in order: (stage, fields).
fn path(n: u64, today: &str) -> Vec<(&'static str, BTreeMap<String, String>)> {
    let mut steps = vec![(
        "DATA_INPUT",
        fields(&[
            ("DateOfCorrespondence", today),
            ("OriginalChannel", "POST"),
            ("CopyNumberTen", "TRUE"),
            ("HomeSecInterest", "FALSE"),
            ("HomeSecReply", "FALSE"),
        ]),
    )];
    if n % 10 == 7 {
        steps.push(("MARKUP", fields(&[("MarkupDecision", "NRN")])));
        steps.push(("NO_REPLY_NEEDED_CONFIRMATION", fields(&[("NoReplyNeededConfirmation", "ACCEPT")])));
        return steps;
    }
    steps.push(("MARKUP", fields(&[("MarkupDecision", "PR"), ("Topic", "BENCH")])));
    let draft = fields(&[("InitialDraftDecision", "ACCEPT"), ("ResponseChannel", "LETTER"), ("OfflineQA", "FALSE")]);
    steps.push(("INITIAL_DRAFT", draft.clone()));
    if n.is_multiple_of(5) {
        steps.push(("QA_RESPONSE", fields(&[("QAResponseDecision", "REJECT")])));
        steps.push(("INITIAL_DRAFT", draft));
    }
    steps.push(("QA_RESPONSE", fields(&[("QAResponseDecision", "ACCEPT")])));
    steps.push(("PRIVATE_OFFICE", fields(&[("PrivateOfficeDecision", "ACCEPT")])));
    steps.push(("MINISTER_SIGN_OFF", fields(&[("MinisterSignOffDecision", "ACCEPT_WET")])));
    steps.push(("DISPATCH", fields(&[("DispatchDecision", "ACCEPT")])));
    steps.push(("COPY_NUMBER_TEN", BTreeMap::new()));
    steps
}

fn note(n: u64, stage: &str, step: usize) -> String {
    let mut text = format!("{stage} note, case {n}, step {step}: ");
    while text.len() < 200 {
        text.push_str(FILLER);
    }
    text.truncate(200);
    text
}

pub(super) fn letter(n: u64, received: chrono::NaiveDate) -> NewCase {
    NewCase {
        case_type: "MIN".to_string(),
        received,
        data: BTreeMap::new(),
        correspondents: vec![CorrespondentDetails {
            kind: CorrespondentKind::Mp,
            name: format!("Member {n}"),
            organisation: Some("House of Commons".to_string()),
            address: vec!["House of Commons".to_string(), "London".to_string()],
            postcode: Some("SW1A 0AA".to_string()),
            email: None,
            their_reference: Some(format!("REF{n}")),
            external_key: None,
            matched: None,
        }],
        legacy_reference: None,
        message_id: None,
    }
}

/// Works cases `first, first + stride, …` to the end of their paths; returns completions.
async fn client(casework: Casework, first: u64, stride: u64, cases: u64, acks: bool) -> anyhow::Result<u64> {
    let mut completions = 0;
    let mut n = first;
    while n <= cases {
        let now = Utc::now();
        let today = london_date(now);
        let actor = Actor::user(&format!("user{:02}", n % 50));
        let created =
            casework.open(letter(n, today), &actor, now).await.with_context(|| format!("creating case {n}"))?;
        let id = created.state.id;
        ack(acks, id, created.state.version);
        for (step, (stage, fields)) in path(n, &today.to_string()).into_iter().enumerate() {
            let command = Command::CompleteStage {
                stage: stage.to_string(),
                note: Some(note(n, stage, step)),
                fields,
                take: true,
            };
            let outcome = casework
                .execute(id, None, &command, &actor, Utc::now())
                .await
                .with_context(|| format!("case {n}, {stage}"))?;
            ack(acks, id, outcome.state.version);
            completions += 1;
        }
        n += stride;
    }
    Ok(completions)
}

fn ack(enabled: bool, id: i64, version: u64) {
    if enabled {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "ack {id} {version}");
        let _ = out.flush();
    }
}

async fn lifecycle(url: &str, cases: u64, clients: u64, acks: bool, no_cache: bool) -> anyhow::Result<ExitCode> {
    let store = db::open(url).await?;
    let (_, existing) = store.count_cases().await?;
    if existing > 0 || !store.directory().await?.teams.is_empty() {
        bail!(
            "{url} already holds an organisation or cases; the benchmark replaces the organisation, so give it a new database"
        );
    }
    store.save_directory(&bench_directory()).await?;
    let mut casework = db::casework(Arc::clone(&store)).await?;
    if no_cache {
        casework = casework.without_cache();
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for first in 1..=clients.min(cases) {
        tasks.push(tokio::spawn(client(casework.clone(), first, clients, cases, acks)));
    }
    let mut completions = 0;
    for task in tasks {
        completions += task.await.context("a client stopped")??;
    }
    let seconds = started.elapsed().as_secs_f64();

    let (open, total) = store.count_cases().await?;
    if open != 0 || total < cases {
        bail!("verification failed: {open} cases still open, {total} stored, {cases} expected");
    }
    let still_active =
        store.search(&SearchQuery { active_only: true, page: 1, page_size: 1, ..Default::default() }).await?;
    if still_active.total != 0 {
        bail!("verification failed: search lists {} active cases", still_active.total);
    }
    for id in [1, (total as i64 / 2).max(1), total as i64] {
        let case = store.case(id).await?.with_context(|| format!("reloading case {id}"))?;
        if !case.is_closed() || store.stage_history(id).await?.is_empty() {
            bail!("verification failed: case {id} is not closed with its stage history");
        }
    }
    let line = serde_json::json!({
        "bench": "despatch",
        "workload": "min-lifecycle",
        "backend": format!("{:?}", store.backend()).to_lowercase(),
        "cases": cases,
        "clients": clients,
        "cache": !no_cache,
        "completions": completions,
        "seconds": (seconds * 1000.0).round() / 1000.0,
        "cases_per_s": (cases as f64 / seconds * 10.0).round() / 10.0,
        "completions_per_s": (completions as f64 / seconds * 10.0).round() / 10.0,
        "peak_rss_mib": peak_rss_mib(),
    });
    println!("{line}");
    db::finish(store.as_ref()).await?;
    Ok(ExitCode::SUCCESS)
}

/// Peak resident memory of this process in MiB (Linux), or null.
pub(super) fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: f64 = status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some((kib / 1024.0 * 10.0).round() / 10.0)
}
