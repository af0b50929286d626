//! Extensions, clock stops, holding replies and definition migration.

use super::{CommandError, Run};
use crate::calendar::ClockStop;
use crate::case::{CaseState, Extension};
use crate::event::{Change, EventKind};

/// Most working days one extension may add.
const MAX_EXTENSION_DAYS: u32 = 250;

fn reason_required(reason: &str) -> Result<(), CommandError> {
    if reason.trim().is_empty() { Err(CommandError::invalid("reason", "Enter a reason")) } else { Ok(()) }
}

impl Run<'_> {
    pub(super) fn extend(
        &mut self,
        state: &mut CaseState,
        working_days: u32,
        reason: &str,
    ) -> Result<(), CommandError> {
        reason_required(reason)?;
        if !(1..=MAX_EXTENSION_DAYS).contains(&working_days) {
            return Err(CommandError::invalid(
                "working_days",
                format!("An extension must be between 1 and {MAX_EXTENSION_DAYS} working days"),
            ));
        }
        state.clock.extensions.push(Extension { working_days, reason: reason.trim().to_string() });
        self.emit(EventKind::ExtensionApplied { working_days, reason: reason.trim().to_string() });
        self.settle(state, &format!("extension of {working_days} working days"))
    }

    pub(super) fn stop_clock(
        &mut self,
        state: &mut CaseState,
        from: chrono::NaiveDate,
        reason: &str,
    ) -> Result<(), CommandError> {
        reason_required(reason)?;
        if state.clock.is_stopped() {
            return Err(CommandError::NotAllowed {
                command: "stop clock",
                situation: "while the clock is already stopped".to_string(),
            });
        }
        if from < state.received {
            return Err(CommandError::invalid("from", "The clock cannot stop before the date received"));
        }
        if let Some(last) = state.clock.stops.last().and_then(|stop| stop.until)
            && from < last
        {
            return Err(CommandError::invalid("from", "The clock cannot stop inside an earlier stop"));
        }
        state.clock.stops.push(ClockStop { from, until: None });
        self.emit(EventKind::ClockStopped { from, reason: reason.trim().to_string() });
        self.note(state, "CLOCK", reason)?;
        self.settle(state, "clock stopped")
    }

    pub(super) fn resume_clock(
        &mut self,
        state: &mut CaseState,
        on: chrono::NaiveDate,
        reason: &str,
    ) -> Result<(), CommandError> {
        reason_required(reason)?;
        let Some(stop) = state.clock.stops.last_mut().filter(|stop| stop.until.is_none()) else {
            return Err(CommandError::NotAllowed {
                command: "resume clock",
                situation: "while the clock is running".to_string(),
            });
        };
        if on <= stop.from {
            return Err(CommandError::invalid("on", "The clock must resume after the day it stopped"));
        }
        stop.until = Some(on);
        self.emit(EventKind::ClockResumed { on, reason: reason.trim().to_string() });
        self.note(state, "CLOCK", reason)?;
        self.settle(state, "clock resumed")
    }

    pub(super) fn holding_reply(
        &mut self,
        state: &mut CaseState,
        sent_on: chrono::NaiveDate,
        note: &str,
    ) -> Result<(), CommandError> {
        if sent_on < state.received || sent_on > self.today() {
            return Err(CommandError::invalid(
                "sent_on",
                "The holding reply must be sent between the date received and today",
            ));
        }
        state.clock.holding_replies.push(sent_on);
        self.emit(EventKind::HoldingReplyRecorded { sent_on });
        self.note(state, "HOLDING_REPLY", note)
    }

    /// Moves the case to `to_version` of its case type, renaming its stage and fields as that
    /// version's migration says. Refused when the target has no migration from this version, or
    /// when the case's stage would not exist afterwards.
    pub(super) fn migrate(&mut self, state: &mut CaseState, to_version: u32) -> Result<(), CommandError> {
        let from_version = state.definition_version;
        let target = self.world.definition(&state.case_type, to_version)?;
        let refuse = |situation: String| CommandError::NotAllowed { command: "migrate definition", situation };
        if to_version <= from_version {
            return Err(refuse(format!("to version {to_version}: the case is already at version {from_version}")));
        }
        let migration = target.migrations.iter().find(|m| m.from_version == from_version).ok_or_else(|| {
            refuse(format!("to version {to_version}: it declares no migration from version {from_version}"))
        })?;
        let before_stage = state.stage.as_ref().map(|s| s.stage.clone());
        if let Some(stage) = state.stage.as_mut() {
            let renamed = migration.stages.get(&stage.stage).cloned().unwrap_or_else(|| stage.stage.clone());
            if target.stage(&renamed).is_none() {
                return Err(refuse(format!(
                    "to version {to_version}: stage {renamed} does not exist there; add it to the migration's stages"
                )));
            }
            stage.stage = renamed;
        }
        for (old, new) in &migration.fields {
            if let Some(value) = state.data.remove(old) {
                state.data.insert(new.clone(), value);
            }
        }
        state.definition_version = to_version;
        self.emit(EventKind::DefinitionMigrated {
            from_version,
            to_version,
            stage: Change { before: before_stage, after: state.stage.as_ref().map(|s| s.stage.clone()) },
        });
        let calendar = self
            .world
            .calendar(&state.case_type, to_version)
            .ok_or_else(|| CommandError::UnknownCaseType(state.case_type.clone()))?;
        self.definition = target;
        self.calendar = calendar;
        self.settle(state, "definition migrated")
    }
}
