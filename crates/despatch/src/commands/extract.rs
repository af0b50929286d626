//! `despatch extract`: letter fields from files, one JSON object per letter, or an accuracy
//! report against hand labels (`--evaluate DIR`).

use anyhow::Context;
use despatch_intake::evaluate::{self, Labelled};
use despatch_intake::fields::Record;
use despatch_intake::register::Registers;
use despatch_intake::{Intake, Options};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// How to print results.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Readable text.
    Text,
    /// One JSON object per letter, one per line.
    Json,
}

/// Arguments of `despatch extract`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files to read: .txt, .pdf, .docx, .eml, .mbox, .png, .jpg, .tiff.
    #[arg(required_unless_present = "evaluate")]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Score extraction against the labels in DIR (each document with a .json beside it).
    #[arg(long, value_name = "DIR", conflicts_with = "files")]
    evaluate: Option<PathBuf>,
    /// Largest file accepted, in megabytes.
    #[arg(long, default_value_t = 50, value_name = "MB")]
    max_mb: u64,
    /// Folder holding mps.csv and local-authorities.csv for matching correspondents
    /// (default: shared/data found from the current folder upwards).
    #[arg(long, value_name = "DIR", env = "DESPATCH_REGISTER_DIR")]
    register: Option<PathBuf>,
    /// Confidence at or above which a register match is applied rather than only shown.
    #[arg(long, default_value_t = 0.85, value_name = "0..1")]
    match_threshold: f32,
    /// In JSON, add the matches, the SHA-256, email threading ids and attachments.
    #[arg(long)]
    details: bool,
}

fn registers(args: &Args) -> anyhow::Result<Option<Arc<Registers>>> {
    let dir = match &args.register {
        Some(dir) => dir.clone(),
        None => match Registers::find_default() {
            Some(dir) => dir,
            None => {
                eprintln!(
                    "note: no mps.csv/local-authorities.csv found; correspondents are not \
                     matched (use --register DIR)"
                );
                return Ok(None);
            }
        },
    };
    let registers = Registers::load(&dir)
        .with_context(|| format!("loading the registers in {}", dir.display()))?;
    Ok(Some(Arc::new(registers)))
}

/// Runs `despatch extract`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut options = Options {
        limits: despatch_intake::text::Limits {
            max_file_bytes: args.max_mb.saturating_mul(1024 * 1024),
        },
        match_threshold: args.match_threshold,
        ..Options::default()
    };
    if let Some(dir) = &args.evaluate {
        return run_evaluate(dir, &options, args.format);
    }
    options.registers = registers(&args)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = 0usize;
    for path in &args.files {
        match despatch_intake::read_file(path, &options) {
            Ok(intakes) => {
                for intake in &intakes {
                    print_intake(&mut out, path, intake, args.format, args.details)?;
                }
            }
            Err(error) => {
                failed += 1;
                eprintln!("error: {}: {error}", path.display());
                if matches!(args.format, Format::Json) {
                    let line = serde_json::json!({
                        "file": path.display().to_string(),
                        "error": error.to_string(),
                    });
                    writeln!(out, "{line}")?;
                }
            }
        }
    }
    out.flush()?;
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn label(path: &Path, intake: &Intake) -> String {
    let file = path.display().to_string();
    match intake.source.split_once('#') {
        Some((_, part)) => format!("{file}#{part}"),
        None => file,
    }
}

fn print_intake(
    out: &mut impl Write,
    path: &Path,
    intake: &Intake,
    format: Format,
    details: bool,
) -> anyhow::Result<()> {
    let record = Record::new(&label(path, intake), &intake.fields);
    match format {
        Format::Json if details => {
            let mut value = serde_json::to_value(&record)?;
            if let Some(map) = value.as_object_mut() {
                map.insert("sha256".into(), intake.sha256.clone().into());
                map.insert("matches".into(), serde_json::to_value(&intake.matches)?);
            }
            writeln!(out, "{value}")?;
        }
        Format::Json => writeln!(out, "{}", serde_json::to_string(&record)?)?,
        Format::Text => {
            writeln!(out, "{}", record.file)?;
            let value = serde_json::to_value(&record)?;
            for key in despatch_intake::fields::FIELD_NAMES
                .iter()
                .chain(["correspondent_type"].iter())
            {
                let shown = value.get(*key).and_then(|v| v.as_str()).unwrap_or("-");
                let confidence = value
                    .get("confidence")
                    .and_then(|c| c.get(*key))
                    .and_then(serde_json::Value::as_f64)
                    .map_or(String::new(), |c| format!("  ({c:.2})"));
                writeln!(out, "  {key:<20} {shown}{confidence}")?;
            }
            writeln!(out, "  {:<20} {}", "sha256", intake.sha256)?;
            for m in &intake.matches {
                let verdict = if m.applied {
                    "matched"
                } else {
                    "possible match, not applied"
                };
                writeln!(
                    out,
                    "  {:<20} {verdict}: {} [{:?} {}] {} ({:.2})",
                    "correspondent", m.name, m.source, m.id, m.detail, m.confidence
                )?;
            }
        }
    }
    Ok(())
}

fn run_evaluate(dir: &Path, options: &Options, format: Format) -> anyhow::Result<ExitCode> {
    let letters = evaluate::labelled_letters(dir)
        .with_context(|| format!("reading labelled letters in {}", dir.display()))?;
    anyhow::ensure!(
        !letters.is_empty(),
        "no labelled letters in {} (each needs a .json beside it)",
        dir.display()
    );
    let results: Vec<(Labelled, Result<despatch_intake::Fields, String>)> = letters
        .into_iter()
        .map(|letter| {
            let result = despatch_intake::read_file(&letter.document, options)
                .map_err(|e| e.to_string())
                .and_then(|mut intakes| {
                    intakes
                        .drain(..)
                        .next()
                        .map(|i| i.fields)
                        .ok_or_else(|| "no letter in the file".to_string())
                });
            (letter, result)
        })
        .collect();
    let report = evaluate::score(&results);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string(&report)?)?,
        Format::Text => {
            writeln!(out, "{} letters in {}", results.len(), dir.display())?;
            writeln!(out, "{:<20} {:>8} {:>9}", "field", "correct", "accuracy")?;
            for field in &report.fields {
                writeln!(
                    out,
                    "{:<20} {:>4}/{:<3} {:>8.1}%",
                    field.field,
                    field.correct,
                    field.total,
                    field.percent()
                )?;
            }
            for (file, error) in &report.errors {
                writeln!(out, "error: {file}: {error}")?;
            }
            writeln!(out, "\nmisses:")?;
            for field in &report.fields {
                for miss in &field.misses {
                    writeln!(
                        out,
                        "  {:<18} {:<24} expected {:?}, got {:?}",
                        field.field, miss.file, miss.expected, miss.got
                    )?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
