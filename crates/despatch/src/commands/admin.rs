//! `despatch admin`: administration of the reference data a running system uses.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use despatch_domain::calendar::{BankHolidays, Region};

use super::db;

/// Arguments of `despatch admin`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Replace the organisation (units, teams, topics, topic links, users) with a TOML file;
    /// see examples/organisation.toml. Every problem is listed and nothing is changed if any.
    LoadOrganisation {
        /// The TOML file.
        file: PathBuf,
        /// Database URL or SQLite file.
        #[arg(long, env = "DATABASE_URL", default_value = db::DEFAULT_DB)]
        db: String,
    },
    /// Load bank holidays from a file in the GOV.UK feed's shape (https://www.gov.uk/bank-holidays.json).
    /// The years it covers replace the built-in ones for each region it names; deadlines of cases
    /// are recomputed with them at their next change.
    LoadHolidays {
        /// The JSON file.
        file: PathBuf,
        /// Database URL or SQLite file.
        #[arg(long, env = "DATABASE_URL", default_value = db::DEFAULT_DB)]
        db: String,
    },
}

/// Runs `despatch admin`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (file, url) = match args.action {
        Action::LoadHolidays { file, db } => (file, db),
        Action::LoadOrganisation { file, db } => return load_organisation(&file, &db),
    };
    let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let loaded = BankHolidays::from_govuk_json(&text)
        .with_context(|| format!("{} is not a usable bank-holiday feed", file.display()))?;
    db::runtime()?.block_on(async {
        let store = db::open(&url).await?;
        store.save_bank_holidays(&text).await?;
        let in_force = db::holidays(store.as_ref()).await?;
        for region in Region::ALL {
            if let Some((first, last)) = loaded.coverage(region) {
                let count = loaded.holidays(region).count();
                println!("{}: {count} bank holidays loaded, {first} to {last}", region.name());
            }
            if let Some((first, last)) = in_force.coverage(region) {
                println!("  now in force for {}: {first} to {last}", region.name());
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

fn load_organisation(file: &std::path::Path, url: &str) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let definitions = db::definitions()?;
    let directory = match super::organisation::parse(&text, &definitions) {
        Ok(directory) => directory,
        Err(problems) => {
            for problem in &problems {
                eprintln!("{}: {problem}", file.display());
            }
            anyhow::bail!("{} problem(s) in {}; nothing was changed", problems.len(), file.display());
        }
    };
    db::runtime()?.block_on(async {
        let store = db::open(url).await?;
        store.save_directory(&directory).await?;
        println!(
            "organisation loaded: {} teams, {} topics, {} topic links, {} users",
            directory.teams.len(),
            directory.topics.len(),
            directory.topic_links.len(),
            directory.memberships.len()
        );
        Ok(ExitCode::SUCCESS)
    })
}
