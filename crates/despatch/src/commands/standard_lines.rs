//! `despatch standard-lines`: loading administrators' standard lines from a TOML file.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::Utc;
use clap::Subcommand;
use despatch_store::drafting::Change;

use super::db;

/// Arguments of `despatch standard-lines`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Load standard lines from a TOML file of `[[lines]]` (topic, title, text, expires = a date,
    /// inclusive): each is added, or replaces the current line with its topic and title. A file
    /// with a problem is refused whole, naming the line.
    Load {
        /// The TOML file.
        file: PathBuf,
        /// Database URL or SQLite file.
        #[arg(long, env = "DATABASE_URL", default_value = db::DEFAULT_DB)]
        db: String,
        /// Who the change is recorded as made by.
        #[arg(long, default_value = "admin")]
        by: String,
    },
}

/// Runs `despatch standard-lines`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let Action::Load { file, db: url, by } = args.action;
    let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let lines = despatch_docs::parse_standard_lines(&text).with_context(|| format!("{}", file.display()))?;
    db::runtime()?.block_on(async {
        let store = db::open(&url).await?;
        let at = Utc::now().to_rfc3339();
        let loaded = store.load_standard_lines(&lines, Change { by: &by, at: &at }).await?;
        db::finish(store.as_ref()).await?;
        println!(
            "standard lines loaded from {}: {} added, {} updated, {} unchanged",
            file.display(),
            loaded.added,
            loaded.updated,
            loaded.unchanged
        );
        Ok(ExitCode::SUCCESS)
    })
}
