//! Registering letters as cases: the one path `despatch ingest` and the "create case" page
//! both use. Each incoming letter becomes a case at the case type's first stage with its
//! extracted fields (date of correspondence, channel, correspondent matched to the register) for
//! the caseworker to confirm at that stage, and its original attached (tag ORIGINAL); a reply is
//! attached to the case its reference names, or imported as a closed historical case with its
//! timeliness; a file already stored (same SHA-256) registers nothing new.
//!
//! An incoming letter is first compared with the letters already registered (`seen.rs`): the
//! same text again, in any format, is a resend, attached to the first case with a "resend
//! received" event instead of registering anew; a near-identical letter is registered and
//! flagged as part of that letter's campaign; a sender matching an earlier case's correspondent
//! is offered as that correspondent, and their details reused only above the match threshold.
//!
//! Every letter is registered in one transaction (`Casework::open_letter`, which also stores its
//! fingerprint): a letter that cannot be read, or that the engine refuses, leaves nothing
//! behind. The engine decides; this module only maps what intake extracted onto the fields the
//! case type defines.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use despatch_domain::case::CaseState;
use despatch_domain::command::{Actor, Command, NewCase};
use despatch_domain::engine::london_date;
use despatch_intake::{Direction, Intake};
use despatch_store::Casework;

mod letter;
mod outcome;
mod seen;

pub use letter::Original;
use letter::{add_attachments, attachments, channel, correspondent, original};
pub use outcome::Outcome;
use outcome::registered;
pub use seen::CampaignReport;

/// Tag of an incoming letter and of its email attachments.
pub const ORIGINAL: &str = "ORIGINAL";

/// Tag of a reply already sent.
pub const FINAL: &str = "FINAL";

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
    /// Confidence (0 to 1) at or above which an earlier case's correspondent is applied to a
    /// new letter's sender rather than only offered.
    pub match_threshold: f32,
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

    /// Registers one letter: a duplicate, a resend, an attached reply, an imported reply or a new
    /// case (perhaps part of a campaign).
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
        let seen = seen::look(store.as_ref(), intake, self.match_threshold).await?;
        if let Some((case_id, reference)) = &seen.resend_of {
            let (document, stored) = original.document(ORIGINAL);
            self.casework
                .record_resend(*case_id, document, stored, self.actor, now)
                .await
                .map_err(|e| format!("a resend of {reference}, not attached, nothing stored: {e}"))?;
            return Ok(Outcome::Resend { case: reference.clone() });
        }
        self.register_incoming(intake, &original, &seen, now).await
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

    /// Registers an incoming letter as a new case at the first stage, with its fingerprint, its
    /// campaign (when it is part of one) and what its correspondent matched.
    async fn register_incoming(
        &self,
        intake: &Intake,
        original: &Original,
        seen: &seen::Seen,
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
        let mut details = correspondent(intake, their_reference);
        if let Some(details) = details.as_mut() {
            seen.apply_to(details, &intake.matches);
        }
        let fingerprint = seen.fingerprint(intake, details.as_ref());
        let new = NewCase {
            case_type: self.case_type.to_string(),
            received,
            data,
            correspondents: details.into_iter().collect(),
            legacy_reference: None,
            message_id: intake.email.as_ref().and_then(|email| email.message_id.clone()),
        };
        let (document, stored) = original.document(ORIGINAL);
        let mut then = vec![Command::AttachDocument { document }];
        let mut documents = vec![stored];
        add_attachments(intake, original, &mut then, &mut documents);
        if let Some(campaign) = &seen.campaign {
            then.push(Command::JoinCampaign {
                campaign: campaign.campaign.clone(),
                similarity_percent: seen::percent(campaign.similarity),
            });
        }
        let outcome = self
            .casework
            .open_letter(new, then, documents, Some(fingerprint), self.actor, now)
            .await
            .map_err(|e| format!("not registered, nothing stored: {e}"))?;
        let mut result = registered(&outcome);
        let flagged = match seen.first_case {
            Some(first) => self.flag_first_of_campaign(first, now).await,
            None => Ok(()),
        };
        if let Outcome::Registered { campaign, matches, warning, .. } = &mut result {
            campaign.clone_from(&seen.campaign);
            *matches = seen.known.iter().chain(&intake.matches).cloned().collect();
            matches.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
            matches.truncate(5);
            if let Err(error) = flagged {
                *warning = Some(error);
            }
        }
        Ok(result)
    }

    /// Flags the first case of a new campaign as part of it (its own reference is the
    /// campaign's id), unless it already is.
    async fn flag_first_of_campaign(&self, case_id: i64, now: DateTime<Utc>) -> Result<(), String> {
        let store = self.casework.store();
        let Some(first) = store.case(case_id).await.map_err(|e| e.to_string())? else { return Ok(()) };
        if first.campaign.is_some() {
            return Ok(());
        }
        let command = Command::JoinCampaign { campaign: first.reference.to_string(), similarity_percent: 100 };
        self.casework.execute_on(&first, &command, self.actor, now).await.map(|_| ()).map_err(|e| {
            format!(
                "the campaign's first case {} could not be flagged as part of it (search for it by its id): {e}",
                first.reference
            )
        })
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
