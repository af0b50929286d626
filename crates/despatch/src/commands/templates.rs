//! `despatch templates list|show|load|fields`: the reply templates administrators manage, as
//! stored (the embedded defaults are seeded into an empty database first).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::Utc;
use clap::Subcommand;
use despatch_web::drafting;

use super::db;

/// Arguments of `despatch templates`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
    /// Database URL or SQLite file.
    #[arg(long, env = "DATABASE_URL", default_value = db::DEFAULT_DB, global = true)]
    db: String,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// List the templates: case type, signing team (or "default"), name, last saved by and when.
    List,
    /// Print a template as TOML (the form `load` reads).
    Show {
        /// Case type (`MIN`).
        case_type: String,
        /// Signing team code; leave out for the case type's default.
        team: Option<String>,
    },
    /// Check a TOML file of `[[templates]]` and save each (replacing those with the same case
    /// type and team). Nothing is saved if any template in the file is wrong.
    Load {
        /// The template file.
        file: PathBuf,
        /// Who is recorded as saving them.
        #[arg(long, default_value = "admin")]
        by: String,
    },
    /// List the merge fields a template's body may use.
    Fields,
}

/// Runs `despatch templates`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Action::Fields = args.action {
        for (field, meaning) in despatch_docs::template::MERGE_FIELDS {
            println!("{field:<18} {meaning}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    db::runtime()?.block_on(async {
        let store = db::open(&args.db).await?;
        let code = match args.action {
            Action::Fields => ExitCode::SUCCESS,
            Action::List => {
                for stored in drafting::stored_templates(store.as_ref()).await? {
                    let team = stored.team.as_deref().unwrap_or("default");
                    println!(
                        "{:<6} {:<32} {}  (saved by {} at {})",
                        stored.case_type, team, stored.name, stored.updated_by, stored.updated_at
                    );
                }
                ExitCode::SUCCESS
            }
            Action::Show { case_type, team } => {
                drafting::stored_templates(store.as_ref()).await?;
                match store.reply_template(&case_type, team.as_deref()).await? {
                    Some(stored) => {
                        print!("{}", stored.toml);
                        ExitCode::SUCCESS
                    }
                    None => {
                        eprintln!("no template for {case_type}{}", team.map(|t| format!("/{t}")).unwrap_or_default());
                        ExitCode::FAILURE
                    }
                }
            }
            Action::Load { file, by } => {
                let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
                let templates = despatch_docs::parse_templates(&text)
                    .map_err(|error| anyhow::anyhow!("{}: {error}; nothing was saved", file.display()))?;
                let world = db::casework(std::sync::Arc::clone(&store)).await?.world();
                if let Some(problem) = templates.iter().find_map(|template| drafting::unknown_names(&world, template)) {
                    anyhow::bail!("{}: {problem}; nothing was saved", file.display());
                }
                // Seed first, so that loading one template does not leave a store without the
                // defaults of the other case types.
                drafting::stored_templates(store.as_ref()).await?;
                let now = Utc::now();
                for template in &templates {
                    store.put_reply_template(&drafting::to_stored(template, &by, now)).await?;
                    println!("saved {} ({})", template.key(), template.name);
                }
                ExitCode::SUCCESS
            }
        };
        db::finish(store.as_ref()).await?;
        Ok(code)
    })
}
