//! `despatch extract`: letter fields from files, one JSON object per letter, or an accuracy
//! report against hand labels (`--evaluate DIR`).

use anyhow::Context;
use despatch_intake::campaign::{Detector, Grouping};
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
    let registers = Registers::load(&dir).with_context(|| format!("loading the registers in {}", dir.display()))?;
    Ok(Some(Arc::new(registers)))
}

/// Runs `despatch extract`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut options = Options {
        limits: despatch_intake::text::Limits {
            max_file_bytes: args.max_mb.saturating_mul(1024 * 1024),
            ..Default::default()
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
    let failed = extract_files(&args.files, &options, args.format, args.details, &mut out, &mut std::io::stderr())?;
    out.flush()?;
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Reads each file in turn; a file that fails gets its error (on `err`, and as a JSON line on
/// `out` in JSON mode) and the batch goes on. Returns how many files failed.
fn extract_files(
    files: &[PathBuf],
    options: &Options,
    format: Format,
    details: bool,
    out: &mut impl Write,
    err: &mut impl Write,
) -> anyhow::Result<usize> {
    let mut failed = 0usize;
    let mut detector = Detector::new();
    for path in files {
        match despatch_intake::read_file(path, options) {
            Ok(intakes) => {
                for intake in &intakes {
                    let id = label(path, intake);
                    let grouping = detector.add(&id, intake.fingerprint.clone());
                    print_intake(out, path, intake, &grouping, format, details)?;
                }
            }
            Err(error) => {
                failed += 1;
                writeln!(err, "error: {}: {error}", path.display())?;
                if matches!(format, Format::Json) {
                    let line = serde_json::json!({
                        "file": path.display().to_string(),
                        "error": error.to_string(),
                    });
                    writeln!(out, "{line}")?;
                }
            }
        }
    }
    Ok(failed)
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
    grouping: &Grouping,
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
                map.insert("kind".into(), serde_json::to_value(intake.kind)?);
                map.insert("grouping".into(), serde_json::to_value(grouping)?);
                map.insert("ocr".into(), intake.ocr.into());
                map.insert("email".into(), serde_json::to_value(&intake.email)?);
                map.insert("attachments".into(), serde_json::to_value(&intake.attachments)?);
            }
            writeln!(out, "{value}")?;
        }
        Format::Json => writeln!(out, "{}", serde_json::to_string(&record)?)?,
        Format::Text => {
            writeln!(out, "{}", record.file)?;
            let value = serde_json::to_value(&record)?;
            for key in despatch_intake::fields::FIELD_NAMES.iter().chain(["correspondent_type"].iter()) {
                let shown = value.get(*key).and_then(|v| v.as_str()).unwrap_or("-");
                let confidence = value
                    .get("confidence")
                    .and_then(|c| c.get(*key))
                    .and_then(serde_json::Value::as_f64)
                    .map_or(String::new(), |c| format!("  ({c:.2})"));
                writeln!(out, "  {key:<20} {shown}{confidence}")?;
            }
            writeln!(out, "  {:<20} {}", "sha256", intake.sha256)?;
            match grouping {
                Grouping::New => {}
                Grouping::Resend { of } => writeln!(out, "  {:<20} resend of {of}: link to that case", "duplicate")?,
                Grouping::Campaign { first, similarity, size } => writeln!(
                    out,
                    "  {:<20} campaign: {size} letters so far, first {first} (similarity {similarity:.2})",
                    "campaign"
                )?,
            }
            if let Some(email) = &intake.email {
                let id = email.message_id.as_deref().unwrap_or("-");
                writeln!(out, "  {:<20} {id}", "message_id")?;
                if let Some(reply) = email.in_reply_to.first() {
                    writeln!(out, "  {:<20} {reply}", "in_reply_to")?;
                }
                if let Some(reply_to) = &email.reply_to {
                    writeln!(out, "  {:<20} {reply_to}", "reply_to")?;
                }
            }
            for attachment in &intake.attachments {
                let state = attachment.error.as_deref().unwrap_or("text read");
                writeln!(
                    out,
                    "  {:<20} {} ({}, {} bytes): {state}",
                    "attachment", attachment.name, attachment.content_type, attachment.size
                )?;
            }
            for m in &intake.matches {
                let verdict = if m.applied { "matched" } else { "possible match, not applied" };
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
    let letters =
        evaluate::labelled_letters(dir).with_context(|| format!("reading labelled letters in {}", dir.display()))?;
    anyhow::ensure!(!letters.is_empty(), "no labelled letters in {} (each needs a .json beside it)", dir.display());
    let results: Vec<(Labelled, Result<despatch_intake::Fields, String>)> = letters
        .into_iter()
        .map(|letter| {
            let result = despatch_intake::read_file(&letter.document, options).map_err(|e| e.to_string()).and_then(
                |mut intakes| {
                    intakes.drain(..).next().map(|i| i.fields).ok_or_else(|| "no letter in the file".to_string())
                },
            );
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
                writeln!(out, "{:<20} {:>4}/{:<3} {:>8.1}%", field.field, field.correct, field.total, field.percent())?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_file_gets_its_own_error_and_the_batch_goes_on() -> anyhow::Result<()> {
        let dir = tempfile_dir()?;
        let good = dir.join("good.txt");
        let empty = dir.join("empty.txt");
        let garbage = dir.join("garbage.pdf");
        std::fs::write(&good, "12 March 2024\n\nDear Sir,\n\nYours faithfully,\n\nAnn Lee\n")?;
        std::fs::write(&empty, "")?;
        std::fs::write(&garbage, [0u8, 159, 146, 150, 1, 2, 3])?;
        let files = [empty.clone(), good.clone(), garbage, good];
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let failed = extract_files(&files, &Options::default(), Format::Json, false, &mut out, &mut err)?;
        assert_eq!(failed, 2);
        let lines: Vec<serde_json::Value> =
            String::from_utf8(out)?.lines().map(serde_json::from_str).collect::<Result<_, _>>()?;
        assert_eq!(lines.len(), 4, "one line per file");
        assert!(lines[0]["error"].as_str().is_some_and(|e| e.contains("empty")));
        assert_eq!(lines[1]["sender_name"], "Ann Lee");
        assert_eq!(lines[1]["date"], "2024-03-12");
        assert!(lines[2]["error"].as_str().is_some_and(|e| e.contains("not")));
        assert_eq!(lines[3]["sender_name"], "Ann Lee");
        assert!(String::from_utf8(err)?.contains("empty.txt"));
        std::fs::remove_dir_all(dir)?;
        Ok(())
    }

    #[test]
    fn json_records_have_exactly_the_label_keys_plus_file_type_and_confidence() -> anyhow::Result<()> {
        let dir = tempfile_dir()?;
        let letter = dir.join("letter.txt");
        std::fs::write(&letter, "Dear Ed,\n\nThank you.\n")?;
        let mut out = Vec::new();
        extract_files(&[letter], &Options::default(), Format::Json, false, &mut out, &mut std::io::sink())?;
        let value: serde_json::Value = serde_json::from_slice(&out)?;
        let mut keys: Vec<&str> = value.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
        keys.sort_unstable();
        let mut expected: Vec<&str> = despatch_intake::fields::FIELD_NAMES.to_vec();
        expected.extend(["file", "correspondent_type", "confidence"]);
        expected.sort_unstable();
        assert_eq!(keys, expected);
        std::fs::remove_dir_all(dir)?;
        Ok(())
    }

    fn tempfile_dir() -> anyhow::Result<PathBuf> {
        let dir = std::env::temp_dir().join(format!(
            "despatch-extract-test-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir)?;
        Ok(dir)
    }
}
