//! Why a case's deadline is what it is: the schedule in force, its case target, and the
//! calendar's explanation of the count (the same explanation `despatch deadline --explain` prints).

use crate::calendar::DeadlineExplanation;
use crate::case::CaseState;
use crate::definition::TargetRule;

use super::{CommandError, World};

/// A case's deadline with its reasoning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDeadlineExplanation {
    /// The deadline schedule in force (a name from the case type's definition).
    pub schedule: String,
    /// The schedule's case target; `None` when the definition has no such schedule.
    pub target: Option<TargetRule>,
    /// The count in **working days** from the received date, with extensions and clock stops;
    /// `None` when the target is not a number of working days (`none`, or a date field).
    pub count: Option<DeadlineExplanation>,
}

/// Explains the case deadline of `state` under its definition version: the same count the
/// engine makes (working days from the received date, the case type's day-one rule, regions and
/// exemption dates, clock stops skipped, extensions added). Errors: the case type or version is
/// unknown, or the count fails (a date beyond the calendar's range).
pub fn explain_case_deadline(state: &CaseState, world: &World) -> Result<CaseDeadlineExplanation, CommandError> {
    let definition = world
        .definitions()
        .get(&state.case_type, state.definition_version)
        .ok_or_else(|| CommandError::UnknownCaseType(format!("{} v{}", state.case_type, state.definition_version)))?;
    let calendar = world
        .calendar(&state.case_type, state.definition_version)
        .ok_or_else(|| CommandError::UnknownCaseType(state.case_type.clone()))?;
    let target = definition.deadlines.schedules.get(&state.schedule).and_then(|schedule| schedule.case.rule());
    let count = match target {
        Some(TargetRule::WorkingDays(days)) => Some(calendar.explain_extended(
            state.received,
            days,
            state.clock.extension_days(),
            definition.deadlines.day_one,
            &state.clock.stops,
        )?),
        _ => None,
    };
    Ok(CaseDeadlineExplanation { schedule: state.schedule.clone(), target, count })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Deadline;
    use crate::command::Actor;
    use crate::engine::open_case;
    use crate::testkit::{self, date};

    #[test]
    fn a_min_case_received_on_14_november_2018_is_explained_as_due_on_12_december() {
        let world = testkit::demo_world();
        let reference = testkit::scenario_reference("MIN", 0);
        let opened = open_case(
            &testkit::new_case("MIN"),
            1,
            reference,
            &Actor::user(testkit::CASEWORKER),
            &world,
            testkit::opened_at(),
        )
        .expect("a MIN case");
        let explained = explain_case_deadline(&opened.state, &world).expect("explained");
        assert!(matches!(explained.target, Some(TargetRule::WorkingDays(20))));
        let count = explained.count.expect("a working-day count");
        assert_eq!(count.outcome, Deadline::Due { date: date(2018, 12, 12) });
        assert_eq!(opened.state.deadline, Some(date(2018, 12, 12)), "the same date the engine set");
        assert!(count.to_string().contains("Saturday 17"), "{count}");
    }
}
