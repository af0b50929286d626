//! Registering letters as cases: the one path `despatch ingest` and the "create case" page
//! both use. Each incoming letter becomes a case at the case type's first stage with its
//! extracted fields (date of correspondence, channel, correspondent matched to the register) for
//! the caseworker to confirm at that stage, and its original attached (tag ORIGINAL); a reply is
//! attached to the case its reference names, or imported as a closed historical case with its
//! timeliness; a file already stored (same SHA-256) registers nothing new.
//!
//! Every letter is registered in one transaction (`Casework::open_with`): a letter that cannot
//! be read, or that the engine refuses, leaves nothing behind. The engine decides; this module
//! only maps what intake extracted onto the fields the case type defines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use despatch_domain::case::{CaseState, CorrespondentKind, DocumentRef};
use despatch_domain::command::{Actor, Command, CorrespondentDetails, NewCase};
use despatch_domain::engine::{self, london_date};
use despatch_domain::event::EventKind;
use despatch_intake::register::Source;
use despatch_intake::text::Kind;
use despatch_intake::{CorrespondentType, Direction, Intake, Party};
use despatch_store::{Casework, NewDocument};
use serde::Serialize;

/// Tag of an incoming letter and of its email attachments.
pub const ORIGINAL: &str = "ORIGINAL";

/// Tag of a reply already sent.
pub const FINAL: &str = "FINAL";

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

/// What letters are registered as, and by whom.
pub struct Registrar<'a> {
    /// The casework service the cases are opened through.
    pub casework: &'a Casework,
    /// Case type of the cases opened (`MIN`).
    pub case_type: &'a str,
    /// Who is recorded as opening them.
    pub actor: &'a Actor,
    /// Whether a reply whose reference names no case is imported as a closed historical case
    /// (otherwise it fails).
    pub import: bool,
    /// The date the incoming letters were received (civil date, Europe/London); `None` for today.
    pub received: Option<NaiveDate>,
}

/// A file as stored: its bytes, the name and media type it is stored under, and its text.
pub struct Original {
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

impl Registrar<'_> {
    /// Registers each letter read from one file: `intakes` as `despatch_intake::read_file` or
    /// `read_bytes` gave them, `bytes` the file's bytes, stored under `name`. One outcome per
    /// letter, with the part of the file it came from (`#2` for a mailbox's second message); a
    /// failure is an outcome, never an error, and stores nothing for that letter.
    pub async fn letters(&self, name: &str, bytes: &[u8], intakes: Vec<Intake>) -> Vec<(Option<String>, Outcome)> {
        let mut outcomes = Vec::with_capacity(intakes.len());
        for intake in intakes {
            let part = intake.source.split_once('#').map(|(_, part)| format!("#{part}"));
            let result = match original(name, bytes, &intake) {
                Ok(original) => {
                    self.letter(&intake, original, Utc::now()).await.unwrap_or_else(|reason| Outcome::Failed { reason })
                }
                Err(reason) => Outcome::Failed { reason },
            };
            outcomes.push((part, result));
        }
        outcomes
    }

    /// Registers one letter: a duplicate, an attached reply, an imported reply or a new case.
    pub async fn letter(&self, intake: &Intake, original: Original, now: DateTime<Utc>) -> Result<Outcome, String> {
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
        email: party.email.clone(),
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
