//! Routing and deadlines: resolving team roles, choosing the deadline schedule, computing the
//! case and stage deadlines, and entering a stage.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{CommandError, Run};
use crate::calendar::Deadline;
use crate::case::{ActiveStage, CaseState};
use crate::definition::{Condition, RoleSource, Schedule, TargetRule};
use crate::event::{Change, EventKind};

/// Whether `condition` holds for case data `data` and resolved roles `roles`. A key `role.NAME`
/// reads a role; any other key reads a case field. Every key must hold one of its values.
pub(crate) fn holds(condition: &Condition, data: &BTreeMap<String, String>, roles: &BTreeMap<String, String>) -> bool {
    condition.iter().all(|(key, accepted)| {
        let actual = match key.get_ref().strip_prefix("role.") {
            Some(role) => roles.get(role),
            None => data.get(key.get_ref().as_str()),
        };
        actual.is_some_and(|value| accepted.values().iter().any(|v| v == value))
    })
}

impl Run<'_> {
    /// Re-resolves roles, the schedule and the case deadline after a change, emitting an event
    /// for each that moved, and refreshes the open stage's deadline.
    pub(super) fn settle(&mut self, state: &mut CaseState, because: &str) -> Result<(), CommandError> {
        self.resolve_roles(state);
        let (schedule, rule) = self.choose_schedule(state);
        let deadline = self.case_deadline(state, &schedule)?;
        if schedule != state.schedule || deadline != state.deadline {
            let because = match (&rule, schedule != state.schedule) {
                (Some(rule), true) => format!("rule: {rule}"),
                _ => because.to_string(),
            };
            self.emit(EventKind::DeadlineChanged {
                schedule: schedule.clone(),
                change: Change {
                    before: state.deadline.map(|d| d.to_string()),
                    after: deadline.map(|d| d.to_string()),
                },
                because,
            });
            state.schedule = schedule;
            state.deadline = deadline;
        }
        if let Some(stage) = state.stage.as_ref().map(|stage| stage.stage.clone()) {
            let stage_deadline = self.stage_deadline(state, &stage)?;
            if let Some(active) = state.stage.as_mut() {
                active.deadline = stage_deadline;
            }
        }
        Ok(())
    }

    fn resolve_roles(&mut self, state: &mut CaseState) {
        for role in &self.definition.roles {
            let found = role.sources.iter().find_map(|source| self.role_source(state, source));
            let before = state.roles.get(&role.name).cloned();
            let after = found.as_ref().map(|(team, _)| team.clone());
            if before != after {
                let because =
                    found.map(|(_, because)| because).unwrap_or_else(|| "no source gives an active team".to_string());
                self.emit(EventKind::TeamRoleChanged {
                    role: role.name.clone(),
                    change: Change { before, after: after.clone() },
                    because,
                });
                match after {
                    Some(team) => state.roles.insert(role.name.clone(), team),
                    None => state.roles.remove(&role.name),
                };
            }
        }
    }

    /// The team a role source gives, if it applies and the team is active, with why.
    fn role_source(&self, state: &CaseState, source: &RoleSource) -> Option<(String, String)> {
        if let Some(when) = &source.when
            && !holds(when, &state.data, &state.roles)
        {
            return None;
        }
        let (team, because) = if let Some(team) = &source.team {
            (team.get_ref().clone(), source.rule.clone().unwrap_or_else(|| "fixed team".to_string()))
        } else if let Some(field) = &source.field {
            (state.data.get(field.get_ref().as_str())?.clone(), format!("override in {}", field.get_ref()))
        } else {
            let stage = source.topic_link.as_ref()?.get_ref();
            let topic = state.primary_topic.as_deref()?;
            let team = self.directory.topic_team(&state.case_type, stage, topic)?;
            (team.to_string(), format!("topic {topic} is linked to it for {stage}"))
        };
        self.directory.is_active_team(&team).then_some((team, because))
    }

    fn choose_schedule(&self, state: &CaseState) -> (String, Option<String>) {
        let deadlines = &self.definition.deadlines;
        deadlines
            .rules
            .iter()
            .find(|rule| holds(&rule.when, &state.data, &state.roles))
            .map(|rule| (rule.schedule.get_ref().clone(), Some(rule.name.clone())))
            .unwrap_or_else(|| (deadlines.default_schedule.get_ref().clone(), None))
    }

    fn schedule(&self, name: &str) -> Option<&Schedule> {
        self.definition.deadlines.schedules.get(name)
    }

    /// The case deadline under `schedule`: counted from the received date, skipping stopped
    /// working days, then extended. `None` while the clock is stopped or no target applies.
    pub(super) fn case_deadline(&self, state: &CaseState, schedule: &str) -> Result<Option<NaiveDate>, CommandError> {
        let Some(target) = self.schedule(schedule).and_then(|s| s.case.rule()) else {
            return Ok(None);
        };
        let base = self.target_date(state, &target, None)?;
        match base {
            Some(date) if state.clock.extension_days() > 0 => {
                Ok(Some(self.calendar.extend(date, state.clock.extension_days())?))
            }
            other => Ok(other),
        }
    }

    /// A stage's deadline, counted from the received date (HOCS). With an extension, every stage
    /// deadline is the case deadline (HOCS).
    pub(super) fn stage_deadline(&self, state: &CaseState, stage: &str) -> Result<Option<NaiveDate>, CommandError> {
        if !state.clock.extensions.is_empty() {
            return Ok(state.deadline);
        }
        let target = self
            .schedule(&state.schedule)
            .and_then(|schedule| schedule.stages.get(stage))
            .and_then(|target| target.rule());
        match target {
            Some(target) => self.target_date(state, &target, state.deadline),
            None => Ok(None),
        }
    }

    fn target_date(
        &self,
        state: &CaseState,
        target: &TargetRule,
        case: Option<NaiveDate>,
    ) -> Result<Option<NaiveDate>, CommandError> {
        Ok(match target {
            TargetRule::WorkingDays(days) => {
                let rule = self.definition.deadlines.day_one;
                match self.calendar.deadline(state.received, *days, rule, &state.clock.stops)? {
                    Deadline::Due { date } => Some(date),
                    Deadline::Suspended { .. } => None,
                }
            }
            TargetRule::Case => case,
            TargetRule::None => None,
            TargetRule::Field(name) => state.data.get(name).and_then(|value| value.parse().ok()),
        })
    }

    /// Starts a new visit of `stage`, owned by its default team or its role's team.
    pub(super) fn enter(&mut self, state: &mut CaseState, stage: &str) -> Result<(), CommandError> {
        let definition = self.definition;
        let stage_definition = definition.stage(stage).ok_or_else(|| CommandError::NoTeam {
            stage: stage.to_string(),
            hint: "the stage is not in the case type's definition".to_string(),
        })?;
        let team = match (&stage_definition.team.default, &stage_definition.team.role) {
            (Some(team), _) => Some(team.get_ref().clone()).filter(|team| self.directory.is_active_team(team)),
            (None, Some(role)) => state.roles.get(role.get_ref().as_str()).cloned(),
            (None, None) => None,
        };
        let team = team.ok_or_else(|| CommandError::NoTeam {
            stage: stage.to_string(),
            hint: match &stage_definition.team.role {
                Some(role) => {
                    format!("link the primary topic to a team for {stage}, or choose a {} team", role.get_ref())
                }
                None => "set up its default team and make it active".to_string(),
            },
        })?;
        state.stage_visits += 1;
        let deadline = self.stage_deadline(state, stage)?;
        state.stage = Some(ActiveStage {
            stage: stage.to_string(),
            visit: state.stage_visits,
            team: team.clone(),
            user: None,
            deadline,
            started_at: self.now,
        });
        self.emit(EventKind::StageStarted { stage: stage.to_string(), visit: state.stage_visits, team, deadline });
        Ok(())
    }
}
