//! `despatch ingest`: registers letters as cases. Each incoming letter becomes a case at the
//! case type's first stage with its extracted fields and its original attached (tag ORIGINAL); a
//! reply is attached to the case its reference names, or imported as a closed historical case
//! with its timeliness; a file already stored (same SHA-256) registers nothing new.
//!
//! Every letter is registered in one transaction (`Casework::open_with`): a file that cannot be
//! read, or a letter the engine refuses, leaves nothing behind, and the batch goes on.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use despatch_domain::case::{CaseState, CorrespondentKind, DocumentRef};
use despatch_domain::command::{Actor, Command, CorrespondentDetails, NewCase};
use despatch_domain::engine::{self, london_date};
use despatch_domain::event::EventKind;
use despatch_domain::reference::Reference;
use despatch_intake::register::{Registers, Source};
use despatch_intake::text::Kind;
use despatch_intake::{CorrespondentType, Direction, Intake, Options, Party};
use despatch_store::{Casework, NewDocument};
use serde::Serialize;

use super::db;

/// Extensions taken from a folder (a file named on the command line is always tried).
const LETTER_EXTENSIONS: &[&str] =
    &["txt", "text", "md", "html", "htm", "pdf", "docx", "eml", "mbox", "mbx", "png", "jpg", "jpeg", "tif", "tiff"];

/// Tag of an incoming letter and of its email attachments.
const ORIGINAL: &str = "ORIGINAL";

/// Tag of a reply already sent.
const FINAL: &str = "FINAL";

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
    /// Confidence at or above which a register match is applied rather than only shown.
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

/// What became of one letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// A new case was opened.
    Registered {
        /// Its reference.
        case: String,
        /// The stage it is at (`None`: closed as a historical case).
        stage: Option<String>,
        /// Date received.
        received: NaiveDate,
        /// Case deadline.
        deadline: Option<NaiveDate>,
        /// For an imported reply: the date it was sent.
        despatched_on: Option<NaiveDate>,
        /// For an imported reply: working days after the deadline (0 when on time).
        working_days_late: Option<u32>,
        /// Something a person should check, e.g. a deadline counted without bank holidays.
        #[serde(skip_serializing_if = "Option::is_none")]
        warning: Option<String>,
    },
    /// A reply attached to the case its reference names.
    Attached {
        /// The case's reference.
        case: String,
    },
    /// The same bytes are already stored on these cases; nothing was created.
    Duplicate {
        /// References of the cases holding them.
        cases: Vec<String>,
    },
    /// Nothing was stored for this letter.
    Failed {
        /// Why.
        reason: String,
    },
}

/// One letter's line in the summary.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// The file (and for a mailbox, `#n` for the message).
    pub file: String,
    /// What became of it.
    #[serde(flatten)]
    pub result: Outcome,
}

/// The counts of a batch and a record per letter.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// New cases.
    pub registered: usize,
    /// Replies attached to existing cases.
    pub attached: usize,
    /// Letters already stored.
    pub duplicates: usize,
    /// Letters (or files) that stored nothing.
    pub failed: usize,
    /// Files in the folders named that are not letter formats, and were not read.
    pub skipped: Vec<String>,
    /// Per letter, in order.
    pub files: Vec<Record>,
}

impl Summary {
    fn add(&mut self, record: Record) {
        match record.result {
            Outcome::Registered { .. } => self.registered += 1,
            Outcome::Attached { .. } => self.attached += 1,
            Outcome::Duplicate { .. } => self.duplicates += 1,
            Outcome::Failed { .. } => self.failed += 1,
        }
        self.files.push(record);
    }
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
    let ingest = Ingest {
        casework: &casework,
        case_type: &args.case_type,
        actor: &actor,
        import: !args.no_import,
        received: args.received,
    };
    for path in &files {
        progress.set_message(path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        for record in ingest.file(&runtime, path, &options) {
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

/// The context of a batch.
struct Ingest<'a> {
    casework: &'a Casework,
    case_type: &'a str,
    actor: &'a Actor,
    import: bool,
    /// The date the incoming letters were received; `None` for today.
    received: Option<NaiveDate>,
}

/// A file as stored: its bytes, the name and media type it is stored under, and its text.
struct Original {
    name: String,
    media_type: String,
    bytes: Vec<u8>,
    text: String,
}

impl Original {
    fn sha256(&self) -> String {
        despatch_intake::sha256_hex(&self.bytes)
    }

    /// The document reference and the stored document.
    fn document(&self, tag: &str) -> (DocumentRef, NewDocument) {
        let sha256 = self.sha256();
        let reference = DocumentRef {
            sha256: sha256.clone(),
            name: self.name.clone(),
            tag: tag.to_string(),
            media_type: self.media_type.clone(),
            size: self.bytes.len() as u64,
        };
        (reference, NewDocument { sha256, bytes: self.bytes.clone(), text: self.text.clone() })
    }
}

impl Ingest<'_> {
    /// Reads one file and registers each letter in it; a failure is a record, never an error.
    fn file(&self, runtime: &tokio::runtime::Runtime, path: &Path, options: &Options) -> Vec<Record> {
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
        intakes
            .into_iter()
            .map(|intake| {
                let label = match intake.source.split_once('#') {
                    Some((_, part)) => format!("{file}#{part}"),
                    None => file.clone(),
                };
                let original = match original(&name, &bytes, &intake) {
                    Ok(original) => original,
                    Err(reason) => return Record { file: label, result: Outcome::Failed { reason } },
                };
                let result = runtime
                    .block_on(self.letter(&intake, original, Utc::now()))
                    .unwrap_or_else(|reason| Outcome::Failed { reason });
                Record { file: label, result }
            })
            .collect()
    }

    /// Registers one letter: a duplicate, an attached reply, an imported reply or a new case.
    async fn letter(&self, intake: &Intake, original: Original, now: DateTime<Utc>) -> Result<Outcome, String> {
        let store = self.casework.store();
        let holders = store.cases_with_document(&original.sha256()).await.map_err(|e| e.to_string())?;
        if !holders.is_empty() {
            return Ok(Outcome::Duplicate { cases: holders.into_iter().map(|(_, reference)| reference).collect() });
        }
        let fields = &intake.fields;
        if fields.direction.value == Direction::Reply {
            if let Some(reference) = &fields.reference
                && let Some(case) = store.case_by_reference(&reference.value).await.map_err(|e| e.to_string())?
            {
                return self.attach_reply(case, intake, &original, now).await;
            }
            return self.import_reply(intake, &original, now).await;
        }
        self.register_incoming(intake, &original, now).await
    }

    /// Attaches a reply (and its email attachments) to the case it answers.
    async fn attach_reply(
        &self,
        case: CaseState,
        intake: &Intake,
        original: &Original,
        now: DateTime<Utc>,
    ) -> Result<Outcome, String> {
        let reference = case.reference.to_string();
        let (document, stored) = original.document(FINAL);
        self.casework
            .attach(case.id, document, stored, self.actor, now)
            .await
            .map_err(|e| format!("not attached to {reference}, nothing stored: {e}"))?;
        let mut held: BTreeSet<String> = case.documents.iter().map(|d| d.sha256.clone()).collect();
        held.insert(original.sha256());
        for (document, stored) in attachments(intake, ORIGINAL) {
            if held.insert(document.sha256.clone()) {
                // The reply itself is attached; an attachment refused is reported, not hidden.
                self.casework.attach(case.id, document.clone(), stored, self.actor, now).await.map_err(|e| {
                    format!("the reply was attached to {reference}, but its attachment {} was not: {e}", document.name)
                })?;
            }
        }
        Ok(Outcome::Attached { case: reference })
    }

    /// Imports a reply with no case as a closed historical case: received on the date of the
    /// letter it answers, despatched on its own date.
    async fn import_reply(&self, intake: &Intake, original: &Original, now: DateTime<Utc>) -> Result<Outcome, String> {
        let fields = &intake.fields;
        let no_case = match &fields.reference {
            Some(reference) => format!("a reply, and no case has its reference {}", reference.value),
            None => "a reply with no reference to find its case by".to_string(),
        };
        if !self.import {
            return Err(format!("{no_case} (not imported: --no-import)"));
        }
        let missing = match (&fields.date, &fields.in_reply_to_date) {
            (None, None) => Some("its date and the date of the letter it answers are not stated"),
            (None, Some(_)) => Some("its date is not stated"),
            (Some(_), None) => Some("the date of the letter it answers (\"your letter of …\") is not stated"),
            (Some(_), Some(_)) => None,
        };
        let (Some(sent), Some(answered)) = (&fields.date, &fields.in_reply_to_date) else {
            return Err(format!("{no_case}; not imported as a historical case: {}", missing.unwrap_or_default()));
        };
        if sent.value < answered.value {
            return Err(format!(
                "{no_case}; not imported as a historical case: it is dated {}, before the letter it answers ({})",
                sent.value, answered.value
            ));
        }
        let mut data = BTreeMap::new();
        self.put_field(&mut data, "DateOfCorrespondence", answered.value.format("%Y-%m-%d").to_string());
        if let Some(channel) = channel(intake) {
            self.put_field(&mut data, "OriginalChannel", channel.to_string());
        }
        let new = NewCase {
            case_type: self.case_type.to_string(),
            received: answered.value,
            data,
            correspondents: correspondent(intake, None).into_iter().collect(),
            legacy_reference: fields.reference.as_ref().map(|r| r.value.clone()),
            message_id: None,
        };
        let (document, stored) = original.document(FINAL);
        let mut then = vec![Command::AttachDocument { document }];
        let mut documents = vec![stored];
        add_attachments(intake, original, &mut then, &mut documents);
        then.push(Command::CloseAsHistorical {
            despatched_on: sent.value,
            reason: format!("Imported from the reply already sent ({})", original.name),
        });
        let outcome = self
            .casework
            .open_with(new, then, documents, self.actor, now)
            .await
            .map_err(|e| format!("not imported as a historical case, nothing stored: {e}"))?;
        let mut result = registered(&outcome);
        let state = &outcome.state;
        let world = self.casework.world();
        let calendar = world.calendar(&state.case_type, state.definition_version);
        if let (Some(calendar), Outcome::Registered { warning, .. }) = (calendar, &mut result)
            && !calendar.knows_holidays(state.received, sent.value)
        {
            let (first, last) = calendar.holidays_known();
            *warning = Some(format!(
                "bank holidays are known from {first} to {last} only, so the deadline and days late skip weekends alone"
            ));
        }
        Ok(result)
    }

    /// Registers an incoming letter as a new case at the first stage.
    async fn register_incoming(
        &self,
        intake: &Intake,
        original: &Original,
        now: DateTime<Utc>,
    ) -> Result<Outcome, String> {
        let fields = &intake.fields;
        let today = london_date(now);
        let dated = fields.date.as_ref().map(|d| d.value);
        let received = self.received.unwrap_or(today);
        if received > today {
            return Err(format!("--received {received} is in the future"));
        }
        let mut data = BTreeMap::new();
        if let Some(date) = dated.filter(|date| *date <= received) {
            self.put_field(&mut data, "DateOfCorrespondence", date.format("%Y-%m-%d").to_string());
        }
        if let Some(channel) = channel(intake) {
            self.put_field(&mut data, "OriginalChannel", channel.to_string());
        }
        let their_reference = fields.reference.as_ref().map(|r| r.value.clone());
        let new = NewCase {
            case_type: self.case_type.to_string(),
            received,
            data,
            correspondents: correspondent(intake, their_reference).into_iter().collect(),
            legacy_reference: None,
            message_id: intake.email.as_ref().and_then(|email| email.message_id.clone()),
        };
        let (document, stored) = original.document(ORIGINAL);
        let mut then = vec![Command::AttachDocument { document }];
        let mut documents = vec![stored];
        add_attachments(intake, original, &mut then, &mut documents);
        let outcome = self
            .casework
            .open_with(new, then, documents, self.actor, now)
            .await
            .map_err(|e| format!("not registered, nothing stored: {e}"))?;
        Ok(registered(&outcome))
    }

    /// Sets a case field when the case type defines it (and, for a choice, offers the value).
    fn put_field(&self, data: &mut BTreeMap<String, String>, name: &str, value: String) {
        let world = self.casework.world();
        let Some(definition) = world.definitions().latest(self.case_type) else { return };
        let defined = definition
            .fields_named(name)
            .any(|field| field.choices.is_empty() || field.choices.iter().any(|choice| choice.value == value));
        if defined {
            data.insert(name.to_string(), value);
        }
    }
}

/// The original to store for one letter: the file's bytes, or for a message of a mailbox (whose
/// own bytes intake does not return) the message's text.
fn original(name: &str, bytes: &[u8], intake: &Intake) -> Result<Original, String> {
    if intake.kind == Kind::Mbox {
        return Ok(Original {
            name: format!("{}.txt", intake.source),
            media_type: "text/plain; charset=utf-8".to_string(),
            bytes: intake.text.as_bytes().to_vec(),
            text: intake.text.clone(),
        });
    }
    if despatch_intake::sha256_hex(bytes) != intake.sha256 {
        return Err("the file changed while it was being read; try again".to_string());
    }
    Ok(Original {
        name: name.to_string(),
        media_type: media_type(name, intake.kind),
        bytes: bytes.to_vec(),
        text: intake.text.clone(),
    })
}

fn media_type(name: &str, kind: Kind) -> String {
    let extension = Path::new(name).extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    match kind {
        Kind::Text if matches!(extension.as_str(), "html" | "htm") => "text/html",
        Kind::Text => "text/plain",
        Kind::Pdf => "application/pdf",
        Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Kind::Email => "message/rfc822",
        Kind::Mbox => "application/mbox",
        Kind::Image => match extension.as_str() {
            "png" => "image/png",
            "tif" | "tiff" => "image/tiff",
            _ => "image/jpeg",
        },
    }
    .to_string()
}

/// How the letter came: an email, or paper (a scan); unknown for text, PDF and Word files.
fn channel(intake: &Intake) -> Option<&'static str> {
    match intake.kind {
        Kind::Email | Kind::Mbox => Some("EMAIL"),
        _ if intake.ocr => Some("POST"),
        _ => None,
    }
}

/// An email's attachments as documents with `tag`.
fn attachments(intake: &Intake, tag: &str) -> Vec<(DocumentRef, NewDocument)> {
    intake
        .attachments
        .iter()
        .map(|attachment| {
            let document = DocumentRef {
                sha256: attachment.sha256.clone(),
                name: attachment.name.clone(),
                tag: tag.to_string(),
                media_type: attachment.content_type.clone(),
                size: attachment.size as u64,
            };
            let stored = NewDocument {
                sha256: attachment.sha256.clone(),
                bytes: attachment.bytes.clone(),
                text: attachment.text.clone().unwrap_or_default(),
            };
            (document, stored)
        })
        .collect()
}

/// Adds an email's attachments (each once, never the original again) to a case being opened.
fn add_attachments(intake: &Intake, original: &Original, then: &mut Vec<Command>, documents: &mut Vec<NewDocument>) {
    let mut held = BTreeSet::from([original.sha256()]);
    for (document, stored) in attachments(intake, ORIGINAL) {
        if held.insert(document.sha256.clone()) {
            then.push(Command::AttachDocument { document });
            documents.push(stored);
        }
    }
}

/// The correspondent: the sender of an incoming letter, the addressee of a reply. A register
/// match is used only when intake applied it. `None` when the letter names nobody.
fn correspondent(intake: &Intake, their_reference: Option<String>) -> Option<CorrespondentDetails> {
    let fields = &intake.fields;
    let party: &Party = fields.correspondent();
    let applied = intake.matches.first().filter(|m| m.applied);
    let mp_key = applied.filter(|m| m.source == Source::Mp).map(|m| m.id.clone());
    let council = applied.filter(|m| m.source == Source::Council).map(|m| m.name.clone());
    let organisation = party.org.as_ref().map(|o| o.value.clone()).or(council);
    let name = party.name.as_ref().map(|n| n.value.clone()).or_else(|| organisation.clone())?;
    let kind = match fields.correspondent_type.value {
        CorrespondentType::Mp => CorrespondentKind::Mp,
        CorrespondentType::Peer => CorrespondentKind::Peer,
        CorrespondentType::Councillor => CorrespondentKind::Councillor,
        CorrespondentType::MemberOfPublic => CorrespondentKind::MemberOfPublic,
        CorrespondentType::Organisation | CorrespondentType::Official => CorrespondentKind::Organisation,
    };
    let mut address: Vec<String> = party
        .address
        .as_ref()
        .map(|a| a.value.split(", ").map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect())
        .unwrap_or_default();
    let postcode = address.last().and_then(|line| despatch_intake::fields::postcode::normalise(line));
    if postcode.is_some() {
        address.pop();
    }
    Some(CorrespondentDetails {
        kind,
        name,
        organisation,
        address,
        postcode,
        // An email's Reply-To (else From) is where a reply by email goes.
        email: party.email.clone().or_else(|| intake.email.as_ref().and_then(|email| email.reply_to.clone())),
        their_reference,
        external_key: mp_key,
    })
}

fn registered(outcome: &engine::Outcome) -> Outcome {
    let state = &outcome.state;
    let working_days_late = outcome.events.iter().find_map(|event| match &event.kind {
        EventKind::CaseClosed { working_days_late, .. } => *working_days_late,
        _ => None,
    });
    Outcome::Registered {
        case: state.reference.to_string(),
        stage: state.stage.as_ref().map(|stage| stage.stage.clone()),
        received: state.received,
        deadline: state.deadline,
        despatched_on: state.despatched_on,
        working_days_late,
        warning: None,
    }
}

/// One letter's line: what became of it.
fn line(record: &Record) -> String {
    match &record.result {
        Outcome::Registered { case, stage: Some(stage), received, deadline, .. } => {
            let due = deadline.map(|d| format!(", due {d}")).unwrap_or_default();
            format!("registered  {}: {case} at {stage}, received {received}{due}", record.file)
        }
        Outcome::Registered { case, stage: None, received, deadline, despatched_on, working_days_late, warning } => {
            let on = |d: &Option<NaiveDate>| d.map_or("-".to_string(), |d| d.to_string());
            let late = match working_days_late {
                Some(0) => ", on time".to_string(),
                Some(days) => format!(", {days} working days late"),
                None => String::new(),
            };
            let warning = warning.as_ref().map(|w| format!(" (check: {w})")).unwrap_or_default();
            format!(
                "registered  {}: {case} imported closed, received {received}, deadline {}, despatched {}{late}{warning}",
                record.file,
                on(deadline),
                on(despatched_on)
            )
        }
        Outcome::Attached { case } => format!("attached    {}: to {case}", record.file),
        Outcome::Duplicate { cases } => format!("duplicate   {}: already on {}", record.file, cases.join(", ")),
        Outcome::Failed { reason } => format!("failed      {}: {reason}", record.file),
    }
}

/// The summary lines ending a batch.
fn text_summary(summary: &Summary) -> String {
    let mut out = format!(
        "\n{} registered, {} attached, {} duplicates, {} failed\n",
        summary.registered, summary.attached, summary.duplicates, summary.failed
    );
    for record in &summary.files {
        if let Outcome::Failed { reason } = &record.result {
            out.push_str(&format!("  failed {}: {reason}\n", record.file));
        }
    }
    if !summary.skipped.is_empty() {
        let mut kinds: Vec<String> = summary
            .skipped
            .iter()
            .map(|file| {
                Path::new(file).extension().map_or("(none)".to_string(), |e| format!(".{}", e.to_string_lossy()))
            })
            .collect();
        kinds.sort();
        kinds.dedup();
        let (count, verb) = match summary.skipped.len() {
            1 => ("1 file".to_string(), "was"),
            n => (format!("{n} files"), "were"),
        };
        out.push_str(&format!("{count} in the folders {verb} not read (not letter formats: {})\n", kinds.join(" ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn the_summary_counts_each_outcome_and_lists_every_failure_with_its_reason() {
        let mut summary = Summary::default();
        let registered = Outcome::Registered {
            case: "MIN/0000001/26".into(),
            stage: Some("DATA_INPUT".into()),
            received: day(2026, 11, 27),
            deadline: Some(day(2026, 12, 25)),
            despatched_on: None,
            working_days_late: None,
            warning: None,
        };
        summary.add(Record { file: "a.txt".into(), result: registered });
        summary.add(Record { file: "b.txt".into(), result: Outcome::Attached { case: "MIN/0000001/26".into() } });
        summary
            .add(Record { file: "c.txt".into(), result: Outcome::Duplicate { cases: vec!["MIN/0000001/26".into()] } });
        summary.add(Record { file: "d.txt".into(), result: Outcome::Failed { reason: "the file is empty".into() } });
        summary.skipped.push("labels/a.json".into());
        let text = text_summary(&summary);
        assert!(text.contains("1 registered, 1 attached, 1 duplicates, 1 failed"), "{text}");
        assert!(text.contains("  failed d.txt: the file is empty"), "{text}");
        assert!(text.contains("1 file in the folders was not read (not letter formats: .json)"), "{text}");
        assert!(!text.contains("a.txt"), "only failures are repeated in the summary: {text}");
    }

    #[test]
    fn an_imported_reply_line_says_how_late_it_was() {
        let record = Record {
            file: "000.txt".into(),
            result: Outcome::Registered {
                case: "MIN/0000001/26".into(),
                stage: None,
                received: day(2018, 11, 14),
                deadline: Some(day(2018, 12, 12)),
                despatched_on: Some(day(2018, 12, 21)),
                working_days_late: Some(7),
                warning: None,
            },
        };
        assert_eq!(
            line(&record),
            "registered  000.txt: MIN/0000001/26 imported closed, received 2018-11-14, deadline 2018-12-12, \
             despatched 2018-12-21, 7 working days late"
        );
    }

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
