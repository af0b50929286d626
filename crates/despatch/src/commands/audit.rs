//! `despatch audit verify`: checks every case's hash-chained events.

use std::process::ExitCode;

use clap::Subcommand;

use super::db;

/// Arguments of `despatch audit`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Recompute every event hash; report edited, removed or reordered events (exit 1 if any).
    Verify {
        /// Database URL or SQLite file.
        #[arg(long, env = "DATABASE_URL", default_value = db::DEFAULT_DB)]
        db: String,
    },
}

/// Runs `despatch audit`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let Action::Verify { db: url } = args.action;
    db::runtime()?.block_on(async {
        let store = db::open_existing(&url).await?;
        let (checked, breaks) = store.verify_audit().await?;
        db::finish(store.as_ref()).await?;
        if breaks.is_empty() {
            println!("audit trail intact: {checked} events checked");
            return Ok(ExitCode::SUCCESS);
        }
        for b in &breaks {
            match b.sequence {
                0 => println!("case {}: {}", b.case_id, b.problem),
                sequence => println!("case {} event {sequence}: {}", b.case_id, b.problem),
            }
        }
        println!("audit trail BROKEN: {} problem(s) in {checked} events", breaks.len());
        Ok(ExitCode::FAILURE)
    })
}
