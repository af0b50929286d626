//! `despatch admin`: administration of the reference data a running system uses.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::Datelike;
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
    /// Add a user with their teams and access level, and print a one-time password for their
    /// first sign-in (they must then choose their own).
    CreateUser(super::users::CreateUser),
    /// Give a user a new one-time password (printed once) and sign them out everywhere; a user
    /// loaded from an organisation file gets their first password this way.
    ResetPassword {
        /// User name.
        name: String,
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
        /// Accept a file that leaves out holidays the built-in list has in the years it covers
        /// (they stop being holidays); without it such a file is refused.
        #[arg(long)]
        replace_years: bool,
    },
    /// Make a bearer token for a service account (a user of the loaded organisation) to call the
    /// JSON API under /api/v1. The token is printed once; only its SHA-256 is stored.
    CreateToken {
        /// The user the token acts as; it sees and does what that user's teams may.
        #[arg(long)]
        user: String,
        /// A label telling the user's tokens apart (to revoke it by).
        #[arg(long, default_value = "api")]
        name: String,
        /// Database URL or SQLite file.
        #[arg(long, env = "DATABASE_URL", default_value = db::DEFAULT_DB)]
        db: String,
    },
    /// Revoke a service account's token: requests with it are refused from now on.
    RevokeToken {
        /// The user the token acts as.
        #[arg(long)]
        user: String,
        /// The token's label.
        #[arg(long, default_value = "api")]
        name: String,
        /// Database URL or SQLite file.
        #[arg(long, env = "DATABASE_URL", default_value = db::DEFAULT_DB)]
        db: String,
    },
}

/// Runs `despatch admin`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (file, url, replace_years) = match args.action {
        Action::LoadHolidays { file, db, replace_years } => (file, db, replace_years),
        Action::LoadOrganisation { file, db } => return load_organisation(&file, &db),
        Action::CreateToken { user, name, db } => return create_token(&user, &name, &db),
        Action::RevokeToken { user, name, db } => return revoke_token(&user, &name, &db),
        Action::CreateUser(args) => return super::users::create_user(args),
        Action::ResetPassword { name, db } => return super::users::reset_password(&name, &db),
    };
    let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let loaded = BankHolidays::from_govuk_json(&text)
        .with_context(|| format!("{} is not a usable bank-holiday feed", file.display()))?;
    let dropped = dropped_holidays(BankHolidays::embedded(), &loaded);
    if !dropped.is_empty() && !replace_years {
        for (region, date, title) in &dropped {
            eprintln!("{}: {title} on {date} is not in {}", region.name(), file.display());
        }
        anyhow::bail!(
            "{} would remove {} built-in bank holiday(s) in the years it covers; give a complete list for those \
             years, or --replace-years if they really are not holidays",
            file.display(),
            dropped.len()
        );
    }
    db::runtime()?.block_on(async {
        let store = db::open(&url).await?;
        store.save_bank_holidays(&text).await?;
        db::finish(store.as_ref()).await?;
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

/// Built-in holidays that `loaded` would drop: those of a year and region the file covers that the
/// file does not list.
fn dropped_holidays(built_in: &BankHolidays, loaded: &BankHolidays) -> Vec<(Region, chrono::NaiveDate, String)> {
    let mut dropped = Vec::new();
    for region in Region::ALL {
        let years: std::collections::BTreeSet<i32> = loaded.holidays(region).map(|(date, _)| date.year()).collect();
        for (date, title) in built_in.holidays(region) {
            if years.contains(&date.year()) && loaded.get(region, date).is_none() {
                dropped.push((region, date, title.to_string()));
            }
        }
    }
    dropped
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
        db::finish(store.as_ref()).await?;
        println!(
            "organisation loaded: {} teams, {} topics, {} topic links, {} users (give each a password with \
             despatch admin reset-password NAME)",
            directory.teams.len(),
            directory.topics.len(),
            directory.topic_links.len(),
            directory.memberships.len()
        );
        Ok(ExitCode::SUCCESS)
    })
}

/// `despatch admin create-token`: prints the new token alone on standard output.
fn create_token(user: &str, label: &str, url: &str) -> anyhow::Result<ExitCode> {
    db::runtime()?.block_on(async {
        let store = db::open_existing(url).await?;
        let token = despatch_web::create_token(store.as_ref(), user, label).await?;
        db::finish(store.as_ref()).await?;
        eprintln!("API token {label:?} for {user} (shown once; send it as `Authorization: Bearer TOKEN`):");
        println!("{token}");
        Ok(ExitCode::SUCCESS)
    })
}

/// `despatch admin revoke-token`.
fn revoke_token(user: &str, label: &str, url: &str) -> anyhow::Result<ExitCode> {
    db::runtime()?.block_on(async {
        let store = db::open_existing(url).await?;
        despatch_web::revoke_token(store.as_ref(), user, label).await?;
        db::finish(store.as_ref()).await?;
        println!("revoked the API token {label:?} of {user}");
        Ok(ExitCode::SUCCESS)
    })
}
