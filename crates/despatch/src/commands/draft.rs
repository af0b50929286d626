//! `despatch draft REFERENCE --out DIR`: writes the reply to a case, drafted from its template,
//! as .docx and PDF files (the case is not changed).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::{NaiveDate, Utc};
use despatch_domain::engine::london_date;
use despatch_web::drafting;

use super::db;

/// Arguments of `despatch draft`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The case reference (`MIN/0017733/18`).
    reference: String,
    /// The folder to write `reply-MIN-0017733-18.docx` and `.pdf` into (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// The date of the reply (YYYY-MM-DD); today in London when left out.
    #[arg(long)]
    date: Option<NaiveDate>,
    /// Database URL or SQLite file.
    #[arg(long, env = "DATABASE_URL", default_value = db::DEFAULT_DB)]
    db: String,
}

/// Runs `despatch draft`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    db::runtime()?.block_on(async {
        let store = db::open_existing(&args.db).await?;
        let casework = db::casework(store.clone()).await?;
        let Some(case) = store.case_by_reference(&args.reference).await? else {
            anyhow::bail!("there is no case {}", args.reference);
        };
        let date = args.date.unwrap_or_else(|| london_date(Utc::now()));
        let draft = drafting::draft(&casework, &case, date).await.map_err(|error| anyhow::anyhow!("{error}"))?;
        std::fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
        for (extension, bytes) in [("docx", &draft.docx), ("pdf", &draft.pdf)] {
            let path = args.out.join(format!("{}.{extension}", draft.stem));
            std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
            println!("{}", path.display());
        }
        eprintln!("drafted from the template {:?}", draft.template);
        db::finish(store.as_ref()).await?;
        Ok(ExitCode::SUCCESS)
    })
}
