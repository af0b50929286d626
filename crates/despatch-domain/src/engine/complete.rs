//! Completing a stage: validating the submitted form against the stage's definition, choosing
//! the decision, applying its effects, and moving to the next stage or closing the case.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::settle::holds;
use super::{CommandError, FieldError, MAX_NOTE_CHARS, Run};
use crate::case::CaseState;
use crate::definition::{Field, FieldKind, Requirement, Stage, Transition};
use crate::event::{Change, EventKind};

impl Run<'_> {
    pub(super) fn complete(
        &mut self,
        state: &mut CaseState,
        expected_stage: &str,
        fields: &BTreeMap<String, String>,
        note: Option<&str>,
        take: bool,
    ) -> Result<(), CommandError> {
        let Some(active) = state.stage.clone() else {
            return Err(CommandError::NotAllowed {
                command: "complete stage",
                situation: "on a closed case".to_string(),
            });
        };
        if active.stage != expected_stage {
            return Err(CommandError::StageMoved { expected: expected_stage.to_string(), actual: active.stage });
        }
        let user = self.actor.user.clone();
        match &active.user {
            Some(holder) if *holder == user => {}
            None if take => {
                if !self.directory.is_member(&user, &active.team) {
                    return Err(CommandError::NotInTeam { user, team: active.team });
                }
                self.allocate_to_user(state, &user)?;
            }
            holder => {
                return Err(CommandError::NotAllocatedToYou { stage: active.stage, allocated_to: holder.clone() });
            }
        }
        let definition = self.definition;
        let stage = definition.stage(&active.stage).ok_or_else(|| CommandError::NotAllowed {
            command: "complete stage",
            situation: format!(
                "at stage {}, which definition {} v{} does not have",
                active.stage, definition.code, definition.version
            ),
        })?;
        let submitted: BTreeMap<String, String> = fields
            .iter()
            .map(|(name, value)| (name.clone(), value.trim().to_string()))
            .filter(|(_, value)| !value.is_empty())
            .collect();
        // The stage's own questions are judged on this visit's answers only: an answer left in
        // case data by an earlier visit (PHONE, then LETTER; ACCEPT, then REJECT) must not make
        // a question required, allowed or a decision taken now.
        let mut candidate = state.data.clone();
        for field in &stage.fields {
            candidate.remove(field.name.get_ref().as_str());
        }
        candidate.extend(submitted.clone());
        let received = self.received_after(state, stage, &submitted);
        let mut errors = self.check_form(state, stage, &submitted, &candidate, received);
        let transition =
            stage.transitions.iter().find(|t| t.when.as_ref().is_none_or(|w| holds(w, &candidate, &state.roles)));
        let note = note.map(str::trim).filter(|note| !note.is_empty());
        if let Some(Transition { note: Some(_), .. }) = transition
            && note.is_none()
        {
            errors.push(FieldError { field: "note".to_string(), message: "Enter a reason".to_string() });
        }
        if note.is_some_and(|note| note.chars().count() > MAX_NOTE_CHARS) {
            errors.push(FieldError {
                field: "note".to_string(),
                message: format!("The note must be {MAX_NOTE_CHARS} characters or fewer"),
            });
        }
        if !errors.is_empty() {
            return Err(CommandError::Invalid(errors));
        }
        let transition = transition.ok_or_else(|| CommandError::NoDecision { stage: active.stage.clone() })?;

        self.apply_fields(state, stage, &submitted, transition, received);
        if let Some(note) = note {
            let note_type = transition.note.clone().unwrap_or_else(|| "STAGE".to_string());
            self.note(state, &note_type, note)?;
        }
        self.emit(EventKind::StageCompleted {
            stage: active.stage.clone(),
            visit: active.visit,
            user,
            fields: submitted,
            next: transition.to.as_ref().map(|to| to.get_ref().clone()),
        });
        state.stage = None;
        self.settle(state, &format!("stage {} completed", active.stage))?;
        if transition.approves {
            self.approve_reply(state, &active.stage);
        }
        if transition.despatched {
            self.check_reply_can_leave(state)?;
            // Recorded when the reply leaves, even if a stage such as Copy To Number 10 follows:
            // the date entered (a posted reply), else today.
            let entered = stage
                .fields
                .iter()
                .filter(|field| field.sets_despatched)
                .find_map(|field| state.data.get(field.name.get_ref().as_str()))
                .and_then(|value| value.parse().ok());
            state.despatched_on = Some(entered.unwrap_or_else(|| self.today()));
        }
        match &transition.to {
            Some(next) => self.enter(state, next.get_ref())?,
            None => self.close(state),
        }
        Ok(())
    }

    /// The received date after this submission (a `sets_received` field corrects it).
    fn received_after(&self, state: &CaseState, stage: &Stage, submitted: &BTreeMap<String, String>) -> NaiveDate {
        stage
            .fields
            .iter()
            .filter(|field| field.sets_received)
            .find_map(|field| submitted.get(field.name.get_ref().as_str()))
            .and_then(|value| value.parse().ok())
            .unwrap_or(state.received)
    }

    fn check_form(
        &self,
        state: &CaseState,
        stage: &Stage,
        submitted: &BTreeMap<String, String>,
        candidate: &BTreeMap<String, String>,
        received: NaiveDate,
    ) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for name in submitted.keys() {
            if stage.field(name).is_none() {
                errors.push(FieldError {
                    field: name.clone(),
                    message: format!("{name} is not a question at {}", stage.name),
                });
            }
        }
        for field in &stage.fields {
            let name = field.name.get_ref();
            let required =
                field.required || field.required_when.as_ref().is_some_and(|w| holds(w, candidate, &state.roles));
            let allowed = field.allowed_when.as_ref().is_none_or(|w| holds(w, candidate, &state.roles));
            match submitted.get(name.as_str()) {
                None if required => errors.push(FieldError { field: name.clone(), message: missing(field) }),
                None => {}
                Some(_) if !allowed => errors.push(FieldError {
                    field: name.clone(),
                    message: format!("{} does not apply to the answers given", field.label),
                }),
                Some(value) => {
                    if let Err(message) = self.check_value(field, value, received) {
                        errors.push(FieldError { field: name.clone(), message });
                    }
                }
            }
        }
        for requirement in &stage.requires {
            let (met, field, message) = match requirement {
                Requirement::PrimaryCorrespondent => {
                    (state.primary_correspondent().is_some(), "correspondents", "Add a primary correspondent")
                }
                Requirement::PrimaryTopic => (state.primary_topic.is_some(), "topics", "Add a primary topic"),
            };
            if !met {
                errors.push(FieldError { field: field.to_string(), message: message.to_string() });
            }
        }
        errors
    }

    fn check_value(&self, field: &Field, value: &str, received: NaiveDate) -> Result<(), String> {
        let label = &field.label;
        match field.kind {
            FieldKind::Text | FieldKind::Document => {
                if value.chars().count() > MAX_NOTE_CHARS {
                    return Err(format!("{label}: must be {MAX_NOTE_CHARS} characters or fewer"));
                }
            }
            FieldKind::Date => {
                let date: NaiveDate =
                    value.parse().map_err(|_| format!("{label}: enter a real date, like 2018-11-14"))?;
                if date > self.today() && (field.sets_received || field.not_after_received) {
                    return Err(format!("{label}: the date must be today or in the past"));
                }
                if field.not_after_received && date > received {
                    return Err(format!("{label}: the date must be on or before the date received"));
                }
                if field.sets_despatched && (date > self.today() || date < received) {
                    return Err(format!("{label}: the date must be between the date received and today"));
                }
            }
            FieldKind::Boolean => {
                if value != "TRUE" && value != "FALSE" {
                    return Err(format!("{label}: answer yes (TRUE) or no (FALSE)"));
                }
            }
            FieldKind::Confirm => {
                if value != "TRUE" {
                    return Err(format!("{label}: tick the box to confirm"));
                }
            }
            FieldKind::Choice => {
                if !field.choices.iter().any(|choice| !choice.legacy && choice.value == value) {
                    let offered: Vec<&str> =
                        field.choices.iter().filter(|c| !c.legacy).map(|c| c.value.as_str()).collect();
                    return Err(format!("{label}: choose one of {}", offered.join(", ")));
                }
            }
            FieldKind::Team => {
                if !self.directory.is_active_team(value) {
                    return Err(format!("{label}: {value} is not an active team"));
                }
            }
            FieldKind::User => {
                if !self.directory.is_user(value) {
                    return Err(format!("{label}: {value} is not a user"));
                }
            }
            FieldKind::Topic => {
                if !self.directory.topics.contains(value) {
                    return Err(format!("{label}: {value} is not an active topic"));
                }
            }
        }
        Ok(())
    }

    fn apply_fields(
        &mut self,
        state: &mut CaseState,
        stage: &Stage,
        submitted: &BTreeMap<String, String>,
        transition: &Transition,
        received: NaiveDate,
    ) {
        let mut changes = BTreeMap::new();
        let mut set = |data: &mut BTreeMap<String, String>, name: &str, after: Option<String>| {
            let before = data.get(name).cloned();
            if before != after {
                changes.insert(name.to_string(), Change { before, after: after.clone() });
                match after {
                    Some(value) => data.insert(name.to_string(), value),
                    None => data.remove(name),
                };
            }
        };
        for (name, value) in submitted {
            set(&mut state.data, name, Some(value.clone()));
        }
        for name in &transition.increment {
            let count = state.data.get(name).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0) + 1;
            set(&mut state.data, name, Some(count.to_string()));
        }
        for name in &transition.clear {
            set(&mut state.data, name.get_ref(), None);
        }
        if !changes.is_empty() {
            self.emit(EventKind::CaseDataUpdated { changes });
        }
        state.received = received;
        let topic = stage
            .fields
            .iter()
            .filter(|field| field.kind == FieldKind::Topic)
            .find_map(|field| submitted.get(field.name.get_ref().as_str()));
        if let Some(topic) = topic {
            self.make_primary_topic(state, topic);
        }
    }

    /// Closes the case; days late are counted to the despatch date, if the reply was despatched.
    fn close(&mut self, state: &mut CaseState) {
        let despatched_on = state.despatched_on;
        let late =
            despatched_on.and_then(|on| state.deadline.map(|deadline| self.calendar.working_days_late(deadline, on)));
        state.closed_at = Some(self.now);
        self.emit(EventKind::CaseClosed { despatched_on, working_days_late: late });
    }
}

fn missing(field: &Field) -> String {
    match field.kind {
        FieldKind::Choice | FieldKind::Boolean | FieldKind::Team | FieldKind::User | FieldKind::Topic => {
            format!("{}: select an answer", field.label)
        }
        FieldKind::Date => format!("{}: enter a date", field.label),
        FieldKind::Confirm => format!("{}: tick the box to confirm", field.label),
        FieldKind::Text | FieldKind::Document => format!("{}: enter an answer", field.label),
    }
}
