//! `despatch admin create-user` and `despatch admin reset-password`: sign-in accounts with a
//! one-time password printed once, and the user's teams and access levels in the directory.

use std::process::ExitCode;

use anyhow::Context;
use despatch_domain::access::AccessLevel;
use despatch_domain::directory::User;
use despatch_web::auth;

use super::db;

/// What `create-user` is asked for.
#[derive(Debug, clap::Args)]
pub struct CreateUser {
    /// User name (letters, digits, '.', '-', '_'), what they sign in with.
    pub name: String,
    /// Name shown to people (default: the user name).
    #[arg(long)]
    pub display_name: Option<String>,
    /// A team to add the user to (repeat for several); it must exist.
    #[arg(long = "team")]
    pub teams: Vec<String>,
    /// Access level in those teams: SUMMARY, READ, WRITE, OWNER or CASE_ADMIN.
    #[arg(long, default_value = "WRITE")]
    pub level: String,
    /// The case types the level applies to (repeat for several; default: every case type).
    #[arg(long = "case-type")]
    pub case_types: Vec<String>,
    /// Give the account the administrator role (reaches the administration pages).
    #[arg(long)]
    pub administrator: bool,
    /// Database URL or SQLite file.
    #[arg(long, env = "DATABASE_URL", default_value = db::DEFAULT_DB)]
    pub db: String,
}

/// Adds the user to the directory with their teams and levels, creates their account with a
/// one-time password, and prints it. Refuses a user name already in use, an unknown team, level
/// or case type, and changes nothing then.
pub fn create_user(args: CreateUser) -> anyhow::Result<ExitCode> {
    let level: AccessLevel = args.level.parse()?;
    let definitions = db::definitions()?;
    let case_types: Vec<String> = if args.case_types.is_empty() {
        definitions.codes().map(str::to_string).collect()
    } else {
        args.case_types.clone()
    };
    if let Some(unknown) = case_types.iter().find(|code| definitions.latest(code).is_none()) {
        anyhow::bail!("there is no case type {unknown}");
    }
    if !auth::valid_user_name(&args.name) {
        anyhow::bail!("a user name is letters, digits, '.', '-' or '_' (got {:?})", args.name);
    }
    db::runtime()?.block_on(async {
        let store = db::open(&args.db).await?;
        let mut directory = store.directory().await?;
        if directory.memberships.contains_key(&args.name) || store.account(&args.name).await?.is_some() {
            anyhow::bail!(
                "there is already a user {}; `despatch admin reset-password {}` gives a new password",
                args.name,
                args.name
            );
        }
        for team in &args.teams {
            if !directory.teams.contains_key(team) {
                anyhow::bail!(
                    "there is no team {team} (load the organisation first: despatch admin load-organisation FILE)"
                );
            }
        }
        let display_name = args.display_name.clone().unwrap_or_else(|| args.name.clone());
        directory.users.insert(args.name.clone(), User { name: args.name.clone(), display_name, active: true });
        directory.memberships.entry(args.name.clone()).or_default();
        for team in &args.teams {
            for case_type in &case_types {
                directory.set_level(&args.name, team, case_type, Some(level));
            }
        }
        store.save_directory(&directory).await?;
        let password = auth::create_account_with_one_time_password(store.as_ref(), &args.name, args.administrator)
            .await
            .context("creating the account")?;
        db::finish(store.as_ref()).await?;
        let role = if args.administrator { " (administrator)" } else { "" };
        let teams = if args.teams.is_empty() { "no team yet".to_string() } else { args.teams.join(", ") };
        println!("Created user {}{role}: {teams}; {level} for {}.", args.name, case_types.join(", "));
        print_password(&args.name, &password);
        Ok(ExitCode::SUCCESS)
    })
}

/// Gives a user a new one-time password and ends their sessions; a user of the directory without
/// an account (e.g. loaded from an organisation file) gets one.
pub fn reset_password(name: &str, url: &str) -> anyhow::Result<ExitCode> {
    db::runtime()?.block_on(async {
        let store = db::open(url).await?;
        let known = store.directory().await?.memberships.contains_key(name) || store.account(name).await?.is_some();
        if !known {
            anyhow::bail!("there is no user {name}");
        }
        let password = auth::reset_password(store.as_ref(), name).await.context("resetting the password")?;
        db::finish(store.as_ref()).await?;
        print_password(name, &password);
        Ok(ExitCode::SUCCESS)
    })
}

fn print_password(name: &str, password: &str) {
    println!("One-time password for {name}:");
    println!();
    println!("    {password}");
    println!();
    println!("It is shown only now. At their first sign-in they must choose their own password.");
}
