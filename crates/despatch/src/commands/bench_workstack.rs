//! `despatch bench workstack`: the data of the web workstack benchmark (docs/PERFORMANCE.md,
//! `scripts/bench-web.sh`). It fills a fresh database with N open MIN cases at Data Input,
//! received over the last 30 calendar days (so deadlines differ and some have passed), all in the
//! Data Input team's workstack, and gives one user of that team a sign-in account. The HTTP load
//! itself is wrk's, against `despatch serve` on that database.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, bail};
use chrono::{Days, Utc};
use despatch_domain::command::Actor;
use despatch_domain::engine::london_date;
use despatch_store::Casework;

use super::bench::{bench_directory, letter, peak_rss_mib};
use super::db;

/// Arguments of `despatch bench workstack`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Number of open cases to register.
    #[arg(long, default_value_t = 100_000)]
    cases: u64,
    /// Database URL or SQLite file; must be new (no organisation, no cases).
    #[arg(long)]
    db: String,
    /// The user given a sign-in account (a member of every team of the benchmark organisation).
    #[arg(long, default_value = "user00")]
    user: String,
    /// That user's password (at least 12 characters).
    #[arg(long, env = "DESPATCH_BENCH_PASSWORD", hide_env_values = true)]
    password: String,
    /// Concurrent writers while registering.
    #[arg(long, default_value_t = 32)]
    clients: u64,
}

/// Runs `despatch bench workstack`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.cases == 0 || args.clients == 0 || args.clients > 1024 {
        bail!("--cases must be at least 1 and --clients between 1 and 1024");
    }
    db::runtime()?.block_on(seed(args))
}

async fn seed(args: Args) -> anyhow::Result<ExitCode> {
    let store = db::open(&args.db).await?;
    let (_, existing) = store.count_cases().await?;
    if existing > 0 || !store.directory().await?.teams.is_empty() {
        bail!("{} already holds an organisation or cases; give the benchmark a new database", args.db);
    }
    let directory = bench_directory();
    if !directory.memberships.contains_key(&args.user) {
        bail!("{} is not a user of the benchmark organisation (user00 … user49)", args.user);
    }
    store.save_directory(&directory).await?;
    despatch_web::auth::create_account(store.as_ref(), &args.user, &args.password, false)
        .await
        .with_context(|| format!("creating the account {}", args.user))?;
    let casework = db::casework(Arc::clone(&store)).await?;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for first in 1..=args.clients.min(args.cases) {
        tasks.push(tokio::spawn(register(casework.clone(), first, args.clients, args.cases)));
    }
    for task in tasks {
        task.await.context("a writer stopped")??;
    }
    let seconds = started.elapsed().as_secs_f64();
    let (open, _) = store.count_cases().await?;
    if open < args.cases {
        bail!("verification failed: {open} open cases stored, {} expected", args.cases);
    }
    let team = casework.store().case(1).await?.and_then(|case| case.stage.map(|stage| stage.team));
    let line = serde_json::json!({
        "bench": "despatch",
        "workload": "workstack-seed",
        "cases": args.cases,
        "team": team,
        "user": args.user,
        "seconds": (seconds * 1000.0).round() / 1000.0,
        "cases_per_s": (args.cases as f64 / seconds * 10.0).round() / 10.0,
        "peak_rss_mib": peak_rss_mib(),
    });
    println!("{line}");
    db::finish(store.as_ref()).await?;
    Ok(ExitCode::SUCCESS)
}

/// Registers cases `first, first + stride, …`, case `n` received `n % 30` days ago.
async fn register(casework: Casework, first: u64, stride: u64, cases: u64) -> anyhow::Result<()> {
    let mut n = first;
    while n <= cases {
        let now = Utc::now();
        let received = london_date(now) - Days::new(n % 30);
        let actor = Actor::user(&format!("user{:02}", n % 50));
        casework.open(letter(n, received), &actor, now).await.with_context(|| format!("registering case {n}"))?;
        n += stride;
    }
    Ok(())
}
