//! The workflow engine: a pure function from (case state, command, definitions, calendar, now)
//! to (new state, events) or a typed error.
//!
//! ```text
//! execute(&CaseState, &Command, &Actor, &World, now) -> Result<Outcome, CommandError>
//! ```
//!
//! Nothing here reads a clock, a file or a database: the caller passes `now` and a [`World`]
//! (definitions, bank holidays, the organisation directory) and persists the [`Outcome`] in one
//! transaction, guarded by the case version.

mod allocation;
mod clock;
mod complete;
mod documents;
mod drafting;
mod explain;
mod parties;
mod reply;
mod settle;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::London;

use crate::calendar::{BankHolidays, Calendar, CalendarError};
use crate::case::CaseState;
use crate::command::{Actor, Command, NewCase};
use crate::definition::{CaseTypeDefinition, Definitions};
use crate::directory::Directory;
use crate::event::{Event, EventKind};
use crate::notify::{Notification, notifications};
use crate::reference::Reference;

pub use explain::{CaseDeadlineExplanation, explain_case_deadline};
pub(crate) use settle::holds;

/// Everything the engine consults besides the case: definitions, calendars and the organisation.
#[derive(Debug, Clone)]
pub struct World {
    definitions: Definitions,
    calendars: BTreeMap<(String, u32), Arc<Calendar>>,
    directory: Directory,
}

impl World {
    /// Builds the world, with one working-day calendar per case-type version (its regions and
    /// exemption dates over `holidays`). Errors when a definition names a region with no holidays.
    pub fn new(
        definitions: Definitions,
        holidays: &BankHolidays,
        directory: Directory,
    ) -> Result<World, CalendarError> {
        let mut calendars = BTreeMap::new();
        for definition in definitions.all() {
            let deadlines = &definition.deadlines;
            let calendar = Calendar::new(holidays, &deadlines.regions, &deadlines.exemptions)?;
            calendars.insert((definition.code.clone(), definition.version), Arc::new(calendar));
        }
        Ok(World { definitions, calendars, directory })
    }

    /// The definitions.
    pub fn definitions(&self) -> &Definitions {
        &self.definitions
    }

    /// The organisation directory.
    pub fn directory(&self) -> &Directory {
        &self.directory
    }

    /// Replaces the organisation directory (after an administrator's change).
    pub fn set_directory(&mut self, directory: Directory) {
        self.directory = directory;
    }

    /// The calendar of a case type at a version.
    pub fn calendar(&self, code: &str, version: u32) -> Option<&Calendar> {
        self.calendars.get(&(code.to_string(), version)).map(Arc::as_ref)
    }

    fn definition(&self, code: &str, version: u32) -> Result<&CaseTypeDefinition, CommandError> {
        self.definitions
            .get(code, version)
            .map(Arc::as_ref)
            .ok_or_else(|| CommandError::UnknownCaseType(format!("{code} version {version}")))
    }
}

/// The result of an accepted command: the new state (version + 1) and what happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The case after the command.
    pub state: CaseState,
    /// Events in the order they happened.
    pub events: Vec<Event>,
    /// Emails the change causes ([`crate::notify::notifications`]), stored in the outbox in
    /// the same transaction.
    pub notifications: Vec<Notification>,
}

/// One problem with a submitted field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Field name (`note` for the reason note).
    pub field: String,
    /// Plain sentence for the user, in GOV.UK error-message style.
    pub message: String,
}

/// Why a command was refused. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// No such case type (or version).
    #[error("unknown case type {0}")]
    UnknownCaseType(String),
    /// The command does not apply to the case as it stands.
    #[error("{command} is not allowed {situation}")]
    NotAllowed {
        /// Command name.
        command: &'static str,
        /// Where the case is (`at stage MARKUP`, `on a closed case`).
        situation: String,
    },
    /// The stage the user saw is no longer the case's stage.
    #[error("case changed: it is now at {actual}, not {expected}; reload")]
    StageMoved {
        /// Stage the user submitted.
        expected: String,
        /// Stage the case is at.
        actual: String,
    },
    /// Only the allocated user may progress a stage.
    #[error("stage {stage} is not allocated to you{}", allocated_to.as_ref().map(|user| format!(" (it is allocated to {user})")).unwrap_or_default())]
    NotAllocatedToYou {
        /// Stage id.
        stage: String,
        /// Who holds it.
        allocated_to: Option<String>,
    },
    /// The user does not belong to the stage's team.
    #[error("{user} is not a member of team {team}")]
    NotInTeam {
        /// User name.
        user: String,
        /// Team code.
        team: String,
    },
    /// Missing or invalid fields.
    #[error("{}", .0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    /// The submitted fields match no decision of the stage.
    #[error("the answers given match no decision of stage {stage}")]
    NoDecision {
        /// Stage id.
        stage: String,
    },
    /// No active team could be found for a stage.
    #[error("no active team owns stage {stage}: {hint}")]
    NoTeam {
        /// Stage id.
        stage: String,
        /// What to set up.
        hint: String,
    },
    /// Another user changed the case first (raised by the store's version check).
    #[error("case changed, reload: it is at version {actual}, not {expected}")]
    StaleVersion {
        /// Version the command was based on.
        expected: u64,
        /// Version stored.
        actual: u64,
    },
    /// Deadline arithmetic failed (e.g. a date beyond the calendar's range).
    #[error("deadline: {0}")]
    Calendar(#[from] CalendarError),
}

impl CommandError {
    fn invalid(field: &str, message: impl Into<String>) -> CommandError {
        CommandError::Invalid(vec![FieldError { field: field.to_string(), message: message.into() }])
    }
}

/// The civil date in Europe/London at instant `now`.
pub fn london_date(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&London).date_naive()
}

/// Opens a case at the initial stage of the newest definition of its case type. `id` and
/// `reference` come from the store's sequence, inside the transaction that saves the outcome.
pub fn open_case(
    new: &NewCase,
    id: i64,
    reference: Reference,
    actor: &Actor,
    world: &World,
    now: DateTime<Utc>,
) -> Result<Outcome, CommandError> {
    let definition =
        world.definitions.latest(&new.case_type).ok_or_else(|| CommandError::UnknownCaseType(new.case_type.clone()))?;
    if new.received > london_date(now) {
        return Err(CommandError::invalid("received", "The date received must be today or in the past"));
    }
    for name in new.data.keys() {
        if definition.fields_named(name).next().is_none() {
            return Err(CommandError::invalid(name, format!("{name} is not a field of case type {}", definition.code)));
        }
    }
    let mut state = CaseState {
        id,
        reference: reference.clone(),
        legacy_reference: new.legacy_reference.clone().filter(|r| !r.trim().is_empty()),
        case_type: definition.code.clone(),
        definition_version: definition.version,
        version: 0,
        received: new.received,
        created_at: now,
        data: new.data.clone(),
        stage: None,
        roles: BTreeMap::new(),
        schedule: definition.deadlines.default_schedule.get_ref().clone(),
        deadline: None,
        clock: Default::default(),
        correspondents: Vec::new(),
        topics: Vec::new(),
        primary_topic: None,
        stage_visits: 0,
        despatched_on: None,
        closed_at: None,
        documents: Vec::new(),
        campaign: None,
        original_message_id: new
            .message_id
            .as_deref()
            .map(|id| id.trim().trim_start_matches('<').trim_end_matches('>').to_string())
            .filter(|id| !id.is_empty()),
        approved_reply: None,
        primary_draft: None,
        contributions: Vec::new(),
    };
    let mut run = Run::new(&state, actor, world, now)?;
    run.emit(EventKind::CaseCreated {
        reference: reference.to_string(),
        case_type: definition.code.clone(),
        definition_version: definition.version,
        received: new.received,
    });
    for (index, details) in new.correspondents.iter().enumerate() {
        run.add_correspondent(&mut state, details, index == 0)?;
    }
    run.settle(&mut state, "case created")?;
    run.enter(&mut state, definition.initial_stage.get_ref())?;
    Ok(run.finish(None, state))
}

/// Applies a command to a case.
pub fn execute(
    state: &CaseState,
    command: &Command,
    actor: &Actor,
    world: &World,
    now: DateTime<Utc>,
) -> Result<Outcome, CommandError> {
    let mut next = state.clone();
    let mut run = Run::new(state, actor, world, now)?;
    let closed_refusal =
        || CommandError::NotAllowed { command: command.name(), situation: "on a closed case".to_string() };
    match command {
        Command::AddNote { text } => run.note(&mut next, "MANUAL", text)?,
        Command::MigrateDefinition { to_version } => run.migrate(&mut next, *to_version)?,
        Command::AttachDocument { document } => run.attach_document(&mut next, document)?,
        Command::JoinCampaign { campaign, similarity_percent } => {
            run.join_campaign(&mut next, campaign, *similarity_percent)?;
        }
        Command::RecordResend { document } => run.record_resend(&mut next, document)?,
        _ if state.is_closed() => return Err(closed_refusal()),
        Command::CompleteStage { stage, fields, note, take } => {
            run.complete(&mut next, stage, fields, note.as_deref(), *take)?;
        }
        Command::AllocateToUser { user } => run.allocate_to_user(&mut next, user)?,
        Command::Unallocate => run.unallocate(&mut next)?,
        Command::MoveToTeam { team, reason } => run.move_to_team(&mut next, team, reason)?,
        Command::AddCorrespondent { details, primary } => {
            run.add_correspondent(&mut next, details, *primary)?;
        }
        Command::UpdateCorrespondent { id, details } => run.update_correspondent(&mut next, *id, details)?,
        Command::RemoveCorrespondent { id } => run.remove_correspondent(&mut next, *id)?,
        Command::SetPrimaryCorrespondent { id } => run.set_primary_correspondent(&mut next, *id)?,
        Command::AddTopic { topic } => run.add_topic(&mut next, topic)?,
        Command::RemoveTopic { topic } => run.remove_topic(&mut next, topic)?,
        Command::ApplyExtension { working_days, reason } => run.extend(&mut next, *working_days, reason)?,
        Command::StopClock { from, reason } => run.stop_clock(&mut next, *from, reason)?,
        Command::ResumeClock { on, reason } => run.resume_clock(&mut next, *on, reason)?,
        Command::RecordHoldingReply { sent_on, note } => run.holding_reply(&mut next, *sent_on, note)?,
        Command::CloseAsHistorical { despatched_on, reason } => {
            run.close_historical(&mut next, *despatched_on, reason)?
        }
        Command::RetagDocument { sha256, tag } => run.retag_document(&mut next, sha256, tag)?,
        Command::ChoosePrimaryDraft { sha256 } => run.choose_primary_draft(&mut next, sha256)?,
        Command::EditDraft { based_on, document } => run.edit_draft(&mut next, based_on, document)?,
        Command::RequestContribution { team, due, asked } => {
            run.request_contribution(&mut next, team, *due, asked)?;
        }
        Command::CompleteContribution { id, note, document } => {
            run.complete_contribution(&mut next, *id, note.as_deref(), document.as_ref())?;
        }
        Command::CancelContribution { id, reason } => run.cancel_contribution(&mut next, *id, reason)?,
    }
    Ok(run.finish(Some(state), next))
}

/// The working context of one command.
struct Run<'w> {
    definition: &'w CaseTypeDefinition,
    calendar: &'w Calendar,
    directory: &'w Directory,
    world: &'w World,
    actor: &'w Actor,
    now: DateTime<Utc>,
    events: Vec<Event>,
}

impl<'w> Run<'w> {
    fn new(state: &CaseState, actor: &'w Actor, world: &'w World, now: DateTime<Utc>) -> Result<Run<'w>, CommandError> {
        let definition = world.definition(&state.case_type, state.definition_version)?;
        let calendar = world
            .calendar(&state.case_type, state.definition_version)
            .ok_or_else(|| CommandError::UnknownCaseType(state.case_type.clone()))?;
        Ok(Run { definition, calendar, directory: &world.directory, world, actor, now, events: Vec::new() })
    }

    fn emit(&mut self, kind: EventKind) {
        self.events.push(Event { at: self.now, actor: self.actor.user.clone(), kind });
    }

    fn finish(self, before: Option<&CaseState>, mut state: CaseState) -> Outcome {
        state.version += 1;
        let notifications = notifications(before, &state, &self.events, self.definition, self.directory);
        Outcome { state, events: self.events, notifications }
    }

    fn today(&self) -> NaiveDate {
        london_date(self.now)
    }

    fn note(&mut self, _state: &mut CaseState, note_type: &str, text: &str) -> Result<(), CommandError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(CommandError::invalid("note", "Enter the text of the note"));
        }
        if text.chars().count() > MAX_NOTE_CHARS {
            return Err(CommandError::invalid("note", format!("A note must be {MAX_NOTE_CHARS} characters or fewer")));
        }
        self.emit(EventKind::NoteAdded { note_type: note_type.to_string(), text: text.to_string() });
        Ok(())
    }
}

/// Longest note or free-text field accepted, in characters.
pub const MAX_NOTE_CHARS: usize = 10_000;
