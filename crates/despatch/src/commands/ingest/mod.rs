//! `despatch ingest`: registers letters as cases. Each incoming letter becomes a case at the
//! case type's first stage with its extracted fields and its original attached (tag ORIGINAL); a
//! reply is attached to the case its reference names, or imported as a closed historical case
//! with its timeliness; a file already stored (same SHA-256) registers nothing new.
//!
//! The registration itself (resends, campaigns across cases, correspondents already in the
//! database, one transaction per letter) is `despatch_web::registration`, the path the web's
//! create-case page uses too; this command reads the files, registers each letter through it and
//! prints what became of each (`summary.rs`). A file that cannot be read, or a letter the engine
//! refuses, leaves nothing behind, and the batch goes on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use chrono::{Datelike, NaiveDate, Utc};
use despatch_domain::command::{Actor, NewCase};
use despatch_domain::engine::{self, london_date};
use despatch_domain::reference::Reference;
use despatch_intake::Options;
use despatch_intake::register::Registers;
use despatch_store::Casework;
use despatch_web::registration::{Outcome, Registrar};

use super::db;

mod summary;

pub use summary::{Record, Summary};
use summary::{line, text_summary};

/// Extensions taken from a folder (a file named on the command line is always tried).
const LETTER_EXTENSIONS: &[&str] =
    &["txt", "text", "md", "html", "htm", "pdf", "docx", "eml", "mbox", "mbx", "png", "jpg", "jpeg", "tif", "tiff"];

/// How to print the summary.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// A line per letter and a summary.
    Text,
    /// One JSON object: the counts and a record per letter.
    Json,
}

/// Arguments of `despatch ingest`.
///
/// Exit status: 0 when every file was registered, attached or found to be a duplicate; 1 when
/// any file failed (each failure is listed with its reason) or the batch could not start.
#[derive(Debug, clap::Args)]
#[command(after_help = "Exit status: 0 when every file was registered, attached or a duplicate; \
                        1 when any file failed (each failure is listed with its reason).")]
pub struct Args {
    /// Files, or folders whose letter files (.txt .pdf .docx .eml .mbox .png .jpg .tiff …) are
    /// taken in name order.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Database URL or SQLite file.
    #[arg(long, env = "DATABASE_URL", default_value = db::DEFAULT_DB)]
    db: String,
    /// Case type of the cases registered.
    #[arg(long, default_value = "MIN", value_name = "CODE")]
    case_type: String,
    /// A reply whose reference names no case is reported as failed instead of being imported
    /// as a closed historical case.
    #[arg(long)]
    no_import: bool,
    /// User name recorded as the actor of every event.
    #[arg(long, default_value = "ingest")]
    user: String,
    /// Folder holding mps.csv and local-authorities.csv for matching correspondents
    /// (default: shared/data found from the current folder upwards).
    #[arg(long, value_name = "DIR", env = "DESPATCH_REGISTER_DIR")]
    register: Option<PathBuf>,
    /// Confidence at or above which a register match, or an earlier case's correspondent, is
    /// applied rather than only shown.
    #[arg(long, default_value_t = 0.85, value_name = "0..1")]
    match_threshold: f32,
    /// Largest file accepted, in megabytes.
    #[arg(long, default_value_t = 50, value_name = "MB")]
    max_mb: u64,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Date the incoming letters were received (YYYY-MM-DD, not in the future), for a batch
    /// registered after the day it arrived; default today. Deadlines count from it (Cabinet
    /// Office rule); the letter's own date is kept as the date of correspondence.
    #[arg(long, value_name = "DATE")]
    received: Option<NaiveDate>,
}

/// The files to read: each file named, and the letter files directly inside each folder named.
fn expand(paths: &[PathBuf], skipped: &mut Vec<String>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let mut inside: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(entries) => entries.filter_map(|entry| entry.ok().map(|entry| entry.path())).collect(),
            // Unreadable folder: reading it as a file reports the error for it.
            Err(_) => vec![path.clone()],
        };
        inside.sort();
        for file in inside {
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if name.starts_with('.') || file.is_dir() {
                continue;
            }
            let extension = file.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
            if LETTER_EXTENSIONS.contains(&extension.as_str()) {
                files.push(file);
            } else {
                skipped.push(file.display().to_string());
            }
        }
    }
    files
}

/// Runs `despatch ingest`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let options = Options {
        limits: despatch_intake::text::Limits {
            max_file_bytes: args.max_mb.saturating_mul(1024 * 1024),
            ..Default::default()
        },
        match_threshold: args.match_threshold,
        registers: registers(args.register.as_deref())?,
        ..Options::default()
    };
    let runtime = db::runtime()?;
    let casework = runtime.block_on(async {
        let store = db::open(&args.db).await?;
        db::casework(store).await
    })?;
    let actor = Actor::user(&args.user);
    check_can_register(&casework, &args.case_type, &actor)?;

    let mut summary = Summary::default();
    let files = expand(&args.paths, &mut summary.skipped);
    if files.is_empty() && summary.failed == 0 {
        anyhow::bail!("found no letter files (.txt .pdf .docx .eml .mbox .png .jpg .tiff) in the paths given");
    }
    let progress = progress_bar(files.len() as u64);
    let ingest = Registrar {
        casework: &casework,
        case_type: &args.case_type,
        actor: &actor,
        import: !args.no_import,
        received: args.received,
        match_threshold: args.match_threshold,
    };
    for path in &files {
        progress.set_message(path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        for record in file(&ingest, &runtime, path, &options) {
            if matches!(args.format, Format::Text) {
                progress.suspend(|| println!("{}", line(&record)));
            }
            summary.add(record);
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    runtime.block_on(db::finish(casework.store().as_ref()))?;
    match args.format {
        Format::Text => print!("{}", text_summary(&summary)),
        Format::Json => println!("{}", serde_json::to_string(&summary)?),
    }
    Ok(if summary.failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn registers(dir: Option<&Path>) -> anyhow::Result<Option<Arc<Registers>>> {
    let dir = match dir.map(Path::to_path_buf).or_else(Registers::find_default) {
        Some(dir) => dir,
        None => {
            eprintln!(
                "note: no mps.csv/local-authorities.csv found; correspondents are not matched (use --register DIR)"
            );
            return Ok(None);
        }
    };
    let registers = Registers::load(&dir).with_context(|| format!("loading the registers in {}", dir.display()))?;
    Ok(Some(Arc::new(registers)))
}

/// Refuses the whole batch up front when no letter could be registered: an unknown case type,
/// or a first stage with no active team in the directory. The engine decides, on a trial case
/// that is never stored.
fn check_can_register(casework: &Casework, case_type: &str, actor: &Actor) -> anyhow::Result<()> {
    let now = Utc::now();
    let trial = NewCase {
        case_type: case_type.to_string(),
        received: london_date(now),
        data: BTreeMap::new(),
        correspondents: Vec::new(),
        legacy_reference: None,
        message_id: None,
    };
    let reference = Reference::new(case_type, 1, london_date(now).year())
        .map_err(|error| anyhow::anyhow!("case type {case_type}: {error}"))?;
    engine::open_case(&trial, 0, reference, actor, &casework.world(), now).map(|_| ()).with_context(|| {
        format!(
            "no letter can be registered as a {case_type} case: load the organisation first \
                 (despatch admin load-organisation FILE; see examples/organisation.toml)"
        )
    })
}

fn progress_bar(files: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(files);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} files, {eta} left  {wide_msg}") {
        bar.set_style(style);
    }
    bar
}

/// Reads one file and registers each letter in it; a failure is a record, never an error.
fn file(registrar: &Registrar, runtime: &tokio::runtime::Runtime, path: &Path, options: &Options) -> Vec<Record> {
    let file = path.display().to_string();
    let failed = |reason: String| vec![Record { file: file.clone(), result: Outcome::Failed { reason } }];
    let intakes = match despatch_intake::read_file(path, options) {
        Ok(intakes) => intakes,
        Err(error) => return failed(error.to_string()),
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => return failed(format!("cannot be read again to store it: {error}")),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| file.clone());
    runtime
        .block_on(registrar.letters(&name, &bytes, intakes))
        .into_iter()
        .map(|(part, result)| Record { file: format!("{file}{}", part.unwrap_or_default()), result })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_gives_its_letter_files_in_name_order_and_sets_aside_the_rest() {
        let dir = tempfile::tempdir().expect("folder");
        for name in ["b.pdf", "a.txt", "a.json", ".hidden.txt", "c.EML"] {
            std::fs::write(dir.path().join(name), b"x").expect("write");
        }
        let mut skipped = Vec::new();
        let files = expand(&[dir.path().to_path_buf()], &mut skipped);
        let names: Vec<_> =
            files.iter().filter_map(|f| f.file_name()).map(|n| n.to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["a.txt", "b.pdf", "c.EML"]);
        assert_eq!(skipped.len(), 1);
        assert!(skipped[0].ends_with("a.json"));
    }
}
