//! The workflow engine, tested as "definition + commands → expected path, deadlines, events".
//!
//! Every scenario of `despatch_domain::testkit` is replayed through the pure engine; the rest of
//! the file checks the typed errors, extensions, clock stops, holding replies and definition
//! migration on small hand-made cases.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use despatch_domain::calendar::BankHolidays;
use despatch_domain::case::CaseState;
use despatch_domain::command::{Actor, Command};
use despatch_domain::definition::{Definitions, EMBEDDED};
use despatch_domain::engine::{self, CommandError, Outcome, World};
use despatch_domain::event::{Change, Event, EventKind};
use despatch_domain::testkit::*;

// ------------------------------------------------------------------ helpers

/// A case on a desk: applies commands one at a time, keeping the state when one is accepted.
struct Desk<'w> {
    world: &'w World,
    state: CaseState,
    day: NaiveDate,
    minute: u32,
}

impl<'w> Desk<'w> {
    fn open(world: &'w World, case_type: &str) -> Desk<'w> {
        let outcome = engine::open_case(
            &new_case(case_type),
            7,
            scenario_reference(case_type, 0),
            &Actor::user(CASEWORKER),
            world,
            opened_at(),
        )
        .expect("the case opens");
        Desk { world, state: outcome.state, day: date(2018, 11, 15), minute: 0 }
    }

    fn on(&mut self, day: NaiveDate) -> &mut Self {
        self.day = day;
        self
    }

    fn try_run(&mut self, user: &str, command: Command) -> Result<Outcome, CommandError> {
        self.minute += 1;
        let now = at(self.day, 9, self.minute % 60);
        let outcome = engine::execute(&self.state, &command, &Actor::user(user), self.world, now)?;
        self.state = outcome.state.clone();
        Ok(outcome)
    }

    fn run(&mut self, user: &str, command: Command) -> Vec<Event> {
        let name = command.name();
        match self.try_run(user, command) {
            Ok(outcome) => outcome.events,
            Err(error) => panic!("{name} by {user} was refused: {error}"),
        }
    }

    fn try_complete(
        &mut self,
        user: &str,
        stage: &str,
        fields: &[(&str, &str)],
        note: Option<&str>,
    ) -> Result<Outcome, CommandError> {
        self.try_run(user, complete(stage, fields, note))
    }

    fn complete(&mut self, user: &str, stage: &str, fields: &[(&str, &str)], note: Option<&str>) -> Vec<Event> {
        self.run(user, complete(stage, fields, note))
    }

    fn stage(&self) -> Option<&str> {
        self.state.stage.as_ref().map(|stage| stage.stage.as_str())
    }

    fn stage_deadline(&self) -> Option<NaiveDate> {
        self.state.stage.as_ref().and_then(|stage| stage.deadline)
    }

    /// A MIN case taken through Data Input and a policy response on asylum support.
    fn min_at_initial_draft(world: &'w World) -> Desk<'w> {
        let mut desk = Desk::open(world, "MIN");
        desk.complete(CASEWORKER, "DATA_INPUT", &MIN_DATA_INPUT, None);
        desk.complete(CASEWORKER, "MARKUP", &[("MarkupDecision", "PR"), ("Topic", TOPIC_ASYLUM_SUPPORT)], None);
        assert_eq!(desk.stage(), Some("INITIAL_DRAFT"));
        desk
    }
}

const MIN_DATA_INPUT: [(&str, &str); 5] = [
    ("DateOfCorrespondence", "2018-11-12"),
    ("OriginalChannel", "POST"),
    ("CopyNumberTen", "FALSE"),
    ("HomeSecInterest", "FALSE"),
    ("HomeSecReply", "FALSE"),
];

fn complete(stage: &str, fields: &[(&str, &str)], note: Option<&str>) -> Command {
    Command::CompleteStage {
        stage: stage.to_string(),
        fields: fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        note: note.map(str::to_string),
        take: true,
    }
}

fn invalid_fields(error: CommandError) -> BTreeSet<String> {
    match error {
        CommandError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn names(fields: &[&str]) -> BTreeSet<String> {
    fields.iter().map(|f| f.to_string()).collect()
}

fn kinds(events: &[Event]) -> Vec<String> {
    events.iter().map(|event| event.kind.type_name().to_string()).collect()
}

fn deadline_change(events: &[Event]) -> Option<(Option<String>, Option<String>, String)> {
    events.iter().find_map(|event| match &event.kind {
        EventKind::DeadlineChanged { change, because, .. } => {
            Some((change.before.clone(), change.after.clone(), because.clone()))
        }
        _ => None,
    })
}

fn iso(date: NaiveDate) -> Option<String> {
    Some(date.to_string())
}

// ------------------------------------------------------------------ scenarios

/// Every problem with one scenario's replay, as sentences.
fn problems_with(scenario: &Scenario, index: usize, world: &World) -> Vec<String> {
    let mut problems = Vec::new();
    let reference = scenario_reference(&scenario.new_case.case_type, index);
    let opened =
        match engine::open_case(&scenario.new_case, 1, reference, &scenario.opened_by, world, scenario.opened_at) {
            Ok(outcome) => outcome,
            Err(error) => return vec![format!("the case did not open: {error}")],
        };
    let mut state = opened.state;
    let mut events = opened.events;
    for (number, step) in scenario.steps.iter().enumerate() {
        match engine::execute(&state, &step.command, &step.actor, world, step.at) {
            Ok(outcome) => {
                if outcome.state.version != state.version + 1 {
                    problems.push(format!("step {}: the case version did not go up by one", number + 1));
                }
                if let Some(event) = outcome.events.iter().find(|e| e.actor != step.actor.user || e.at != step.at) {
                    problems.push(format!(
                        "step {}: event {} not stamped with the step's actor and time",
                        number + 1,
                        event.kind.type_name()
                    ));
                }
                if outcome.events.is_empty() {
                    problems.push(format!("step {}: no events", number + 1));
                }
                if let Command::CompleteStage { stage, .. } = &step.command {
                    let completed = outcome.events.iter().any(|e| {
                        matches!(&e.kind, EventKind::StageCompleted { stage: s, user, .. } if s == stage && *user == step.actor.user)
                    });
                    if !completed {
                        problems.push(format!(
                            "step {}: no StageCompleted for {stage} by {}",
                            number + 1,
                            step.actor.user
                        ));
                    }
                }
                state = outcome.state;
                events.extend(outcome.events);
            }
            Err(error) => {
                problems.push(format!(
                    "step {} ({}) by {} was refused: {error}",
                    number + 1,
                    step.command.name(),
                    step.actor.user
                ));
                return problems;
            }
        }
    }

    let visits: Vec<Visit> = events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::StageStarted { stage, team, deadline, .. } => Some((stage.clone(), team.clone(), *deadline)),
            _ => None,
        })
        .map(|(stage, team, deadline)| Visit {
            stage: Box::leak(stage.into_boxed_str()),
            team: Box::leak(team.into_boxed_str()),
            deadline,
        })
        .collect();
    let path: Vec<&str> = visits.iter().map(|visit| visit.stage).collect();
    if path != scenario.expected_path {
        problems.push(format!("path {path:?}, expected {:?}", scenario.expected_path));
    } else if visits != scenario.expected_visits {
        for (got, want) in visits.iter().zip(&scenario.expected_visits) {
            if got != want {
                problems.push(format!(
                    "visit of {}: got team {} deadline {:?}, expected team {} deadline {:?}",
                    want.stage, got.team, got.deadline, want.team, want.deadline
                ));
            }
        }
    }

    // One StageCompleted per completion, each naming the next stage on the path.
    let completions: Vec<(String, Option<String>)> = events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::StageCompleted { stage, next, .. } => Some((stage.clone(), next.clone())),
            _ => None,
        })
        .collect();
    if completions.len() != scenario.completions() {
        problems.push(format!(
            "{} StageCompleted events for {} completions",
            completions.len(),
            scenario.completions()
        ));
    }
    for (index, (stage, next)) in completions.iter().enumerate() {
        let expected_next = scenario.expected_path.get(index + 1).map(|s| s.to_string());
        if Some(stage.as_str()) != scenario.expected_path.get(index).copied() || *next != expected_next {
            problems.push(format!("completion {}: {stage} → {next:?}, expected → {expected_next:?}", index + 1));
        }
    }

    // Closure, despatch and days late.
    if state.is_closed() != scenario.expect_closed {
        problems.push(format!("closed: {}, expected {}", state.is_closed(), scenario.expect_closed));
    }
    let closures: Vec<(Option<NaiveDate>, Option<u32>)> = events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::CaseClosed { despatched_on, working_days_late } => Some((*despatched_on, *working_days_late)),
            _ => None,
        })
        .collect();
    let expected_closures = if scenario.expect_closed {
        vec![(scenario.expected_despatched_on, scenario.expected_working_days_late)]
    } else {
        vec![]
    };
    if closures != expected_closures {
        problems.push(format!("CaseClosed events {closures:?}, expected {expected_closures:?}"));
    }
    if state.despatched_on != scenario.expected_despatched_on {
        problems
            .push(format!("despatched on {:?}, expected {:?}", state.despatched_on, scenario.expected_despatched_on));
    }
    if scenario.expect_closed != state.closed_at.is_some() {
        problems.push(format!("closed_at {:?}", state.closed_at));
    }

    // Deadlines.
    if state.deadline != scenario.expected_case_deadline {
        problems.push(format!("case deadline {:?}, expected {:?}", state.deadline, scenario.expected_case_deadline));
    }
    if state.schedule != scenario.expected_schedule {
        problems.push(format!("schedule {}, expected {}", state.schedule, scenario.expected_schedule));
    }
    if let (Some(active), Some(last)) = (&state.stage, scenario.expected_visits.last())
        && (active.deadline != last.deadline || active.team != last.team)
    {
        problems.push(format!(
            "open stage {} has team {} deadline {:?}, expected {} {:?}",
            active.stage, active.team, active.deadline, last.team, last.deadline
        ));
    }

    // Notes.
    let notes: Vec<String> = events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::NoteAdded { note_type, .. } => Some(note_type.clone()),
            _ => None,
        })
        .collect();
    if notes != scenario.expected_notes {
        problems.push(format!("notes {notes:?}, expected {:?}", scenario.expected_notes));
    }

    for (field, value) in &scenario.expected_data {
        if state.data.get(*field).map(String::as_str) != Some(*value) {
            problems.push(format!("field {field} is {:?}, expected {value:?}", state.data.get(*field)));
        }
    }
    problems
}

#[test]
fn every_scenario_follows_its_expected_path_deadlines_notes_and_closure() {
    let world = demo_world();
    let scenarios = scenarios();
    assert!(scenarios.len() >= 20, "only {} scenarios", scenarios.len());
    let mut report = Vec::new();
    for (index, scenario) in scenarios.iter().enumerate() {
        for problem in problems_with(scenario, index, &world) {
            report.push(format!("{}: {problem}", scenario.name));
        }
    }
    assert!(report.is_empty(), "\n{}", report.join("\n"));
}

#[test]
fn the_testkit_replay_agrees_with_the_expected_end_state() {
    let world = demo_world();
    for (index, scenario) in scenarios().iter().enumerate() {
        let replay = replay(scenario, &world, 1, scenario_reference(&scenario.new_case.case_type, index))
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(replay.state.stage.as_ref().map(|s| s.stage.as_str()), scenario.final_stage(), "{}", scenario.name);
        assert_eq!(replay.state.version, scenario.steps.len() as u64 + 1, "{}", scenario.name);
        assert_eq!(kinds(&replay.events).first().map(String::as_str), Some("CASE_CREATED"), "{}", scenario.name);
    }
}

#[test]
fn scenario_names_are_unique_and_every_case_type_has_scenarios() {
    let scenarios = scenarios();
    let names: BTreeSet<&str> = scenarios.iter().map(|s| s.name).collect();
    assert_eq!(names.len(), scenarios.len(), "duplicate scenario names");
    for case_type in CASE_TYPES {
        assert!(scenarios.iter().any(|s| s.new_case.case_type == case_type), "no scenario for {case_type}");
    }
}

/// Every decision of every embedded definition (each edge, and each choice a decision tests) is
/// taken by at least one scenario.
#[test]
fn the_scenarios_take_every_decision_of_min_tro_and_dten() {
    let world = demo_world();
    let mut edges: BTreeSet<(String, String, String)> = BTreeSet::new();
    let mut answers: BTreeSet<(String, String, String, String)> = BTreeSet::new();
    for (index, scenario) in scenarios().iter().enumerate() {
        let replay = replay(scenario, &world, 1, scenario_reference(&scenario.new_case.case_type, index))
            .unwrap_or_else(|error| panic!("{error}"));
        let case_type = scenario.new_case.case_type.clone();
        for event in &replay.events {
            if let EventKind::StageCompleted { stage, fields, next, .. } = &event.kind {
                edges.insert((case_type.clone(), stage.clone(), next.clone().unwrap_or_else(|| "END".to_string())));
                for (field, value) in fields {
                    answers.insert((case_type.clone(), stage.clone(), field.clone(), value.clone()));
                }
            }
        }
    }
    let mut missing = Vec::new();
    for definition in world.definitions().all() {
        let code = &definition.code;
        for stage in &definition.stages {
            let id = stage.id.get_ref();
            for transition in &stage.transitions {
                let to = transition.to.as_ref().map_or("END".to_string(), |to| to.get_ref().clone());
                if !edges.contains(&(code.clone(), id.clone(), to.clone())) {
                    missing.push(format!("{code} {id} → {to}"));
                }
            }
            // Every non-legacy choice of a field that a decision of this stage tests.
            let tested: BTreeSet<&str> = stage
                .transitions
                .iter()
                .filter_map(|t| t.when.as_ref())
                .flat_map(|when| when.keys().map(|key| key.get_ref().as_str()))
                .collect();
            for field in stage.fields.iter().filter(|f| tested.contains(f.name.get_ref().as_str())) {
                let values: Vec<&str> = if field.choices.is_empty() {
                    vec!["TRUE", "FALSE"]
                } else {
                    field.choices.iter().filter(|c| !c.legacy).map(|c| c.value.as_str()).collect()
                };
                for value in values {
                    let key = (code.clone(), id.clone(), field.name.get_ref().clone(), value.to_string());
                    if !answers.contains(&key) {
                        missing.push(format!("{code} {id}: {} = {value}", field.name.get_ref()));
                    }
                }
            }
        }
    }
    assert!(missing.is_empty(), "decisions no scenario takes:\n{}", missing.join("\n"));
}

#[test]
fn the_letter_of_min_0017733_18_is_seven_working_days_late() {
    let world = demo_world();
    let scenario =
        scenarios().into_iter().find(|s| s.name.contains("seven working days late")).expect("the late scenario exists");
    let replay = replay(&scenario, &world, 1, scenario_reference("MIN", 0)).expect("replays");
    assert_eq!(replay.state.deadline, Some(date(2018, 12, 12)));
    assert_eq!(replay.state.despatched_on, Some(date(2018, 12, 21)));
    let closed = replay.events.iter().find_map(|e| match &e.kind {
        EventKind::CaseClosed { working_days_late, .. } => Some(*working_days_late),
        _ => None,
    });
    assert_eq!(closed, Some(Some(7)));
}

#[test]
fn the_home_secretary_rule_names_itself_when_it_changes_the_deadline() {
    let world = demo_world();
    let scenario = scenarios()
        .into_iter()
        .find(|s| s.name.contains("changes minister to the Home Secretary"))
        .expect("the change-minister scenario exists");
    let replay = replay(&scenario, &world, 1, scenario_reference("MIN", 0)).expect("replays");
    let changes: Vec<(String, Option<String>, String)> = replay
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::DeadlineChanged { schedule, change, because } => {
                Some((schedule.clone(), change.after.clone(), because.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        changes.last(),
        Some(&(
            "home-secretary".to_string(),
            iso(date(2018, 11, 28)),
            "rule: Home Secretary's office signs".to_string()
        ))
    );
    let po_changes: Vec<Change> = replay
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::TeamRoleChanged { role, change, .. } if role == "private_office" => Some(change.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        po_changes.last(),
        Some(&Change {
            before: Some(IMMIGRATION_MINISTER_OFFICE.to_string()),
            after: Some(HOME_SECRETARY_OFFICE.to_string())
        })
    );
}

// ------------------------------------------------------------------ allocation errors

#[test]
fn completing_a_stage_allocated_to_someone_else_is_refused_as_not_allocated_to_you() {
    let world = demo_world();
    let mut desk = Desk::open(&world, "MIN");
    desk.run(CASEWORKER, Command::AllocateToUser { user: CASEWORKER.to_string() });
    let error = desk.try_complete(DESPATCH_OFFICER, "DATA_INPUT", &MIN_DATA_INPUT, None).expect_err("refused");
    assert_eq!(
        error,
        CommandError::NotAllocatedToYou { stage: "DATA_INPUT".to_string(), allocated_to: Some(CASEWORKER.to_string()) }
    );
}

#[test]
fn completing_an_unallocated_stage_without_taking_it_is_refused_as_not_allocated_to_you() {
    let world = demo_world();
    let mut desk = Desk::open(&world, "MIN");
    let command = Command::CompleteStage {
        stage: "DATA_INPUT".to_string(),
        fields: MIN_DATA_INPUT.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        note: None,
        take: false,
    };
    let error = desk.try_run(CASEWORKER, command).expect_err("refused");
    assert_eq!(error, CommandError::NotAllocatedToYou { stage: "DATA_INPUT".to_string(), allocated_to: None });
}

#[test]
fn a_user_outside_the_stage_team_cannot_take_it() {
    let world = demo_world();
    let mut desk = Desk::open(&world, "MIN");
    let error = desk.try_complete(HOME_SECRETARY_PO, "DATA_INPUT", &MIN_DATA_INPUT, None).expect_err("refused");
    assert_eq!(
        error,
        CommandError::NotInTeam { user: HOME_SECRETARY_PO.to_string(), team: PERFORMANCE_AND_PROCESS.to_string() }
    );
    let error =
        desk.try_run(CASEWORKER, Command::AllocateToUser { user: POLICING_DRAFTER.to_string() }).expect_err("refused");
    assert_eq!(
        error,
        CommandError::NotInTeam { user: POLICING_DRAFTER.to_string(), team: PERFORMANCE_AND_PROCESS.to_string() }
    );
}

#[test]
fn the_allocated_user_completes_the_stage_without_taking_it_again() {
    let world = demo_world();
    let mut desk = Desk::open(&world, "MIN");
    desk.run(CASEWORKER, Command::AllocateToUser { user: CASEWORKER.to_string() });
    let events = desk.complete(CASEWORKER, "DATA_INPUT", &MIN_DATA_INPUT, None);
    assert!(!kinds(&events).contains(&"STAGE_ALLOCATED_TO_USER".to_string()), "{:?}", kinds(&events));
    assert_eq!(desk.stage(), Some("MARKUP"));
    // The new stage is with its team, allocated to nobody.
    assert_eq!(desk.state.stage.as_ref().and_then(|s| s.user.clone()), None);
}

#[test]
fn a_stage_moved_to_another_team_leaves_its_user_and_needs_a_member_of_the_new_team() {
    let world = demo_world();
    let mut desk = Desk::min_at_initial_draft(&world);
    desk.run(IMMIGRATION_DRAFTER, Command::AllocateToUser { user: IMMIGRATION_DRAFTER.to_string() });
    let events = desk.run(
        CASEWORKER,
        Command::MoveToTeam { team: POLICING_DRAFTING.to_string(), reason: "Policing owns this".to_string() },
    );
    assert_eq!(kinds(&events), ["STAGE_UNALLOCATED_FROM_USER", "STAGE_ALLOCATED_TO_TEAM", "NOTE_ADDED"]);
    let error = desk
        .try_complete(IMMIGRATION_DRAFTER, "INITIAL_DRAFT", &[("InitialDraftDecision", "REJECT")], Some("no"))
        .expect_err("refused");
    assert_eq!(
        error,
        CommandError::NotInTeam { user: IMMIGRATION_DRAFTER.to_string(), team: POLICING_DRAFTING.to_string() }
    );
    let error = desk
        .try_run(CASEWORKER, Command::MoveToTeam { team: ARCHIVED_DRAFTING.to_string(), reason: "x".to_string() })
        .expect_err("refused");
    assert_eq!(invalid_fields(error), names(&["team"]));
}

#[test]
fn completing_a_stage_the_case_has_left_is_refused_as_stage_moved() {
    let world = demo_world();
    let mut desk = Desk::open(&world, "MIN");
    let error =
        desk.try_complete(CASEWORKER, "MARKUP", &[("MarkupDecision", "NRN")], Some("dup")).expect_err("refused");
    assert_eq!(error, CommandError::StageMoved { expected: "MARKUP".to_string(), actual: "DATA_INPUT".to_string() });
}

// ------------------------------------------------------------------ form errors

#[test]
fn missing_required_fields_are_each_named() {
    let world = demo_world();
    let mut desk = Desk::open(&world, "MIN");
    let error = desk.try_complete(CASEWORKER, "DATA_INPUT", &[], None).expect_err("refused");
    assert_eq!(
        invalid_fields(error),
        names(&["DateOfCorrespondence", "OriginalChannel", "CopyNumberTen", "HomeSecInterest", "HomeSecReply"])
    );
}

#[test]
fn an_answer_that_is_not_one_of_the_choices_is_refused() {
    let world = demo_world();
    let mut desk = Desk::open(&world, "MIN");
    let mut fields = MIN_DATA_INPUT.to_vec();
    fields[1] = ("OriginalChannel", "FAX");
    fields[2] = ("CopyNumberTen", "yes");
    let error = desk.try_complete(CASEWORKER, "DATA_INPUT", &fields, None).expect_err("refused");
    assert_eq!(invalid_fields(error), names(&["OriginalChannel", "CopyNumberTen"]));
}

#[test]
fn a_legacy_choice_is_kept_for_old_cases_but_not_accepted_from_a_form() {
    let world = demo_world();
    let mut desk = Desk::min_at_initial_draft(&world);
    desk.complete(
        IMMIGRATION_DRAFTER,
        "INITIAL_DRAFT",
        &[("InitialDraftDecision", "ACCEPT"), ("ResponseChannel", "LETTER"), ("OfflineQA", "FALSE")],
        None,
    );
    desk.complete(QA_OFFICER, "QA_RESPONSE", &[("QAResponseDecision", "ACCEPT")], None);
    desk.complete(IMMIGRATION_MINISTER_PO, "PRIVATE_OFFICE", &[("PrivateOfficeDecision", "ACCEPT")], None);
    let error = desk
        .try_complete(IMMIGRATION_MINISTER_PO, "MINISTER_SIGN_OFF", &[("MinisterSignOffDecision", "ACCEPT")], None)
        .expect_err("refused");
    assert_eq!(invalid_fields(error), names(&["MinisterSignOffDecision"]));
}

#[test]
fn a_rejection_without_a_reason_is_refused() {
    let world = demo_world();
    let mut desk = Desk::open(&world, "MIN");
    desk.complete(CASEWORKER, "DATA_INPUT", &MIN_DATA_INPUT, None);
    for note in [None, Some("   ")] {
        let error = desk.try_complete(CASEWORKER, "MARKUP", &[("MarkupDecision", "REJ")], note).expect_err("refused");
        assert_eq!(invalid_fields(error), names(&["note"]));
    }
    let events = desk.complete(CASEWORKER, "MARKUP", &[("MarkupDecision", "REJ")], Some("Address missing"));
    let note = events.iter().find_map(|e| match &e.kind {
        EventKind::NoteAdded { note_type, text } => Some((note_type.clone(), text.clone())),
        _ => None,
    });
    assert_eq!(note, Some(("REJECT".to_string(), "Address missing".to_string())));
    assert_eq!(desk.stage(), Some("DATA_INPUT"));
}

#[test]
fn a_field_required_by_an_answer_is_named_when_missing() {
    let world = demo_world();
    let mut desk = Desk::open(&world, "MIN");
    desk.complete(CASEWORKER, "DATA_INPUT", &MIN_DATA_INPUT, None);
    let error = desk.try_complete(CASEWORKER, "MARKUP", &[("MarkupDecision", "PR")], None).expect_err("refused");
    assert_eq!(invalid_fields(error), names(&["Topic"]));
    let error = desk.try_complete(CASEWORKER, "MARKUP", &[("MarkupDecision", "OGD")], None).expect_err("refused");
    assert_eq!(invalid_fields(error), names(&["OGDDept", "note"]));
}

#[test]
fn fields_that_do_not_apply_or_do_not_exist_or_name_inactive_teams_are_refused() {
    let world = demo_world();
    let mut desk = Desk::open(&world, "MIN");
    desk.complete(CASEWORKER, "DATA_INPUT", &MIN_DATA_INPUT, None);
    let faq_with_override =
        [("MarkupDecision", "FAQ"), ("Topic", TOPIC_ASYLUM_SUPPORT), ("OverrideDraftingTeam", POLICING_DRAFTING)];
    let error = desk.try_complete(CASEWORKER, "MARKUP", &faq_with_override, None).expect_err("refused");
    assert_eq!(invalid_fields(error), names(&["OverrideDraftingTeam"]));
    let unknown = [("MarkupDecision", "PR"), ("Topic", TOPIC_ASYLUM_SUPPORT), ("Colour", "blue")];
    let error = desk.try_complete(CASEWORKER, "MARKUP", &unknown, None).expect_err("refused");
    assert_eq!(invalid_fields(error), names(&["Colour"]));
    let inactive =
        [("MarkupDecision", "PR"), ("Topic", TOPIC_ASYLUM_SUPPORT), ("OverrideDraftingTeam", ARCHIVED_DRAFTING)];
    let error = desk.try_complete(CASEWORKER, "MARKUP", &inactive, None).expect_err("refused");
    assert_eq!(invalid_fields(error), names(&["OverrideDraftingTeam"]));
    let unknown_topic = [("MarkupDecision", "PR"), ("Topic", "NO_SUCH_TOPIC")];
    let error = desk.try_complete(CASEWORKER, "MARKUP", &unknown_topic, None).expect_err("refused");
    assert_eq!(invalid_fields(error), names(&["Topic"]));
}

#[test]
fn a_letter_cannot_be_dated_after_it_was_received() {
    let world = demo_world();
    let mut desk = Desk::open(&world, "MIN");
    let mut fields = MIN_DATA_INPUT.to_vec();
    fields[0] = ("DateOfCorrespondence", "2018-11-15");
    let error = desk.try_complete(CASEWORKER, "DATA_INPUT", &fields, None).expect_err("refused");
    assert_eq!(invalid_fields(error), names(&["DateOfCorrespondence"]));
    fields[0] = ("DateOfCorrespondence", "14/11/2018");
    let error = desk.try_complete(CASEWORKER, "DATA_INPUT", &fields, None).expect_err("refused");
    assert_eq!(invalid_fields(error), names(&["DateOfCorrespondence"]));
}

#[test]
fn a_case_needs_a_primary_correspondent_to_leave_data_input() {
    let world = demo_world();
    let mut new = new_case("MIN");
    new.correspondents.clear();
    let opened =
        engine::open_case(&new, 1, scenario_reference("MIN", 0), &Actor::user(CASEWORKER), &world, opened_at())
            .expect("opens");
    let error = engine::execute(
        &opened.state,
        &complete("DATA_INPUT", &MIN_DATA_INPUT, None),
        &Actor::user(CASEWORKER),
        &world,
        at(date(2018, 11, 15), 9, 0),
    )
    .expect_err("refused");
    assert_eq!(invalid_fields(error), names(&["correspondents"]));
}

#[test]
fn correcting_the_date_received_at_data_input_recomputes_the_deadlines() {
    let world = demo_world();
    let mut desk = Desk::open(&world, "MIN");
    let mut fields = MIN_DATA_INPUT.to_vec();
    fields.push(("DateReceived", "2018-11-13"));
    let events = desk.complete(CASEWORKER, "DATA_INPUT", &fields, None);
    assert_eq!(desk.state.received, date(2018, 11, 13));
    assert_eq!(desk.state.deadline, Some(date(2018, 12, 11)));
    assert_eq!(desk.stage_deadline(), Some(date(2018, 11, 15)));
    assert_eq!(
        deadline_change(&events).map(|(before, after, _)| (before, after)),
        Some((iso(date(2018, 12, 12)), iso(date(2018, 12, 11))))
    );
}

#[test]
fn a_topic_linked_only_to_an_inactive_team_leaves_initial_draft_without_a_team() {
    let world = demo_world();
    let mut desk = Desk::open(&world, "MIN");
    desk.complete(CASEWORKER, "DATA_INPUT", &MIN_DATA_INPUT, None);
    let error = desk
        .try_complete(CASEWORKER, "MARKUP", &[("MarkupDecision", "PR"), ("Topic", TOPIC_LEGACY_CASEWORK)], None)
        .expect_err("refused");
    assert!(matches!(&error, CommandError::NoTeam { stage, .. } if stage == "INITIAL_DRAFT"), "{error:?}");
    assert_eq!(desk.stage(), Some("MARKUP"));
}

#[test]
fn a_revisited_stage_is_judged_on_the_answers_given_now_not_on_an_earlier_visit() {
    let world = demo_world();
    let mut desk = Desk::min_at_initial_draft(&world);
    desk.complete(
        IMMIGRATION_DRAFTER,
        "INITIAL_DRAFT",
        &[
            ("InitialDraftDecision", "ACCEPT"),
            ("ResponseChannel", "PHONE"),
            ("ReturnToResponseChannelDecision", "TRUE"),
        ],
        Some("Rang the MP"),
    );
    assert_eq!(desk.stage(), Some("INITIAL_DRAFT"));
    // The earlier PHONE answer must not make "choose another response type" required now.
    let events =
        desk.complete(IMMIGRATION_DRAFTER, "INITIAL_DRAFT", &[("InitialDraftDecision", "REJECT")], Some("Not ours"));
    assert_eq!(desk.stage(), Some("MARKUP"));
    assert!(kinds(&events).contains(&"STAGE_COMPLETED".to_string()));
}

#[test]
fn tro_dispatch_needs_the_emailed_response_box_ticked_to_accept_but_not_to_reject() {
    let world = demo_world();
    let mut desk = Desk::open(&world, "TRO");
    let data_input = [
        ("DateOfCorrespondence", "2018-11-12"),
        ("OriginalChannel", "EMAIL"),
        ("CopyNumberTen", "FALSE"),
        ("HomeSecInterest", "FALSE"),
    ];
    desk.complete(CASEWORKER, "DATA_INPUT", &data_input, None);
    desk.complete(CASEWORKER, "MARKUP", &[("MarkupDecision", "PR"), ("Topic", TOPIC_ASYLUM_SUPPORT)], None);
    let offline = [
        ("InitialDraftDecision", "ACCEPT"),
        ("ResponseChannel", "EMAIL"),
        ("OfflineQA", "TRUE"),
        ("OfflineQaUser", QA_OFFICER),
    ];
    desk.complete(IMMIGRATION_DRAFTER, "INITIAL_DRAFT", &offline, None);
    assert_eq!(desk.stage(), Some("DISPATCH"));
    assert_eq!(desk.state.stage.as_ref().map(|s| s.team.as_str()), Some(IMMIGRATION_DRAFTING));
    let error = desk
        .try_complete(IMMIGRATION_DRAFTER, "DISPATCH", &[("DispatchDecision", "ACCEPT")], None)
        .expect_err("refused");
    assert_eq!(invalid_fields(error), names(&["ConfirmEmailedDCU"]));
    let error = desk
        .try_complete(
            IMMIGRATION_DRAFTER,
            "DISPATCH",
            &[("DispatchDecision", "ACCEPT"), ("ConfirmEmailedDCU", "FALSE")],
            None,
        )
        .expect_err("refused");
    assert_eq!(invalid_fields(error), names(&["ConfirmEmailedDCU"]));
    desk.complete(IMMIGRATION_DRAFTER, "DISPATCH", &[("DispatchDecision", "REJECT")], Some("Bounced"));
    assert_eq!(desk.stage(), Some("INITIAL_DRAFT"));
}

#[test]
fn a_dten_case_has_no_deadline_until_data_input_types_the_dispatch_deadline_in() {
    let world = demo_world();
    let mut desk = Desk::open(&world, "DTEN");
    assert_eq!(desk.state.deadline, None);
    assert_eq!(desk.stage_deadline(), None);
    let missing = [("DateOfCorrespondence", "2018-11-12"), ("OriginalChannel", "NO10")];
    let error = desk.try_complete(CASEWORKER, "DATA_INPUT", &missing, None).expect_err("refused");
    assert_eq!(invalid_fields(error), names(&["DCU_DTEN_INITIAL_DRAFT_DEADLINE", "DCU_DTEN_DISPATCH_DEADLINE"]));
    let typed = [
        ("DateOfCorrespondence", "2018-11-12"),
        ("OriginalChannel", "NO10"),
        ("DCU_DTEN_INITIAL_DRAFT_DEADLINE", "2018-11-21"),
        ("DCU_DTEN_DISPATCH_DEADLINE", "2018-11-30"),
    ];
    let events = desk.complete(CASEWORKER, "DATA_INPUT", &typed, None);
    assert_eq!(desk.state.deadline, Some(date(2018, 11, 30)));
    assert_eq!(deadline_change(&events).map(|(b, a, _)| (b, a)), Some((None, iso(date(2018, 11, 30)))));
    assert_eq!(desk.stage_deadline(), Some(date(2018, 11, 30)));
    desk.complete(CASEWORKER, "MARKUP", &[("MarkupDecision", "PR"), ("Topic", TOPIC_ASYLUM_SUPPORT)], None);
    assert_eq!(desk.stage_deadline(), Some(date(2018, 11, 21)));
    // An extension moves the typed deadline on in working days.
    desk.run(CASEWORKER, Command::ApplyExtension { working_days: 3, reason: "Number 10 agreed".to_string() });
    assert_eq!(desk.state.deadline, Some(date(2018, 12, 5)));
}

// ------------------------------------------------------------------ closed cases

#[test]
fn commands_on_a_closed_case_are_not_allowed_but_notes_still_are() {
    let world = demo_world();
    let mut desk = Desk::open(&world, "MIN");
    desk.complete(CASEWORKER, "DATA_INPUT", &MIN_DATA_INPUT, None);
    desk.complete(CASEWORKER, "MARKUP", &[("MarkupDecision", "NRN")], Some("Duplicate"));
    desk.complete(CASEWORKER, "NO_REPLY_NEEDED_CONFIRMATION", &[("NoReplyNeededConfirmation", "ACCEPT")], None);
    assert!(desk.state.is_closed());
    let commands = [
        complete("NO_REPLY_NEEDED_CONFIRMATION", &[("NoReplyNeededConfirmation", "ACCEPT")], None),
        Command::AllocateToUser { user: CASEWORKER.to_string() },
        Command::ApplyExtension { working_days: 5, reason: "late".to_string() },
        Command::StopClock { from: date(2018, 11, 20), reason: "waiting".to_string() },
        Command::AddTopic { topic: TOPIC_ASYLUM_SUPPORT.to_string() },
    ];
    for command in commands {
        let name = command.name();
        let error = desk.try_run(CASEWORKER, command).expect_err("refused");
        assert_eq!(error, CommandError::NotAllowed { command: name, situation: "on a closed case".to_string() });
    }
    let events = desk.run(CASEWORKER, Command::AddNote { text: "MP rang to say thanks".to_string() });
    assert_eq!(kinds(&events), ["NOTE_ADDED"]);
}

// ------------------------------------------------------------------ extensions

#[test]
fn an_extension_adds_working_days_to_the_case_deadline_and_every_stage_takes_it() {
    let world = demo_world();
    let mut desk = Desk::open(&world, "MIN");
    desk.complete(CASEWORKER, "DATA_INPUT", &MIN_DATA_INPUT, None);
    let events = desk
        .run(CASEWORKER, Command::ApplyExtension { working_days: 5, reason: "Awaiting police figures".to_string() });
    // 12 Dec 2018 + 5 working days: 13, 14, 17, 18, 19 December.
    assert_eq!(desk.state.deadline, Some(date(2018, 12, 19)));
    assert_eq!(desk.stage_deadline(), Some(date(2018, 12, 19)));
    assert_eq!(kinds(&events)[0], "EXTENSION_APPLIED");
    assert_eq!(
        deadline_change(&events).map(|(b, a, _)| (b, a)),
        Some((iso(date(2018, 12, 12)), iso(date(2018, 12, 19))))
    );
    // A second extension crosses Christmas: 20, 21, 24, 27, 28 December (25 and 26 are bank holidays).
    desk.run(CASEWORKER, Command::ApplyExtension { working_days: 5, reason: "Still waiting".to_string() });
    assert_eq!(desk.state.deadline, Some(date(2018, 12, 28)));
    desk.complete(CASEWORKER, "MARKUP", &[("MarkupDecision", "PR"), ("Topic", TOPIC_ASYLUM_SUPPORT)], None);
    assert_eq!(desk.stage_deadline(), Some(date(2018, 12, 28)));
}

#[test]
fn an_extension_needs_a_reason_and_a_sensible_number_of_days() {
    let world = demo_world();
    let mut desk = Desk::open(&world, "MIN");
    let error = desk
        .try_run(CASEWORKER, Command::ApplyExtension { working_days: 5, reason: "  ".to_string() })
        .expect_err("refused");
    assert_eq!(invalid_fields(error), names(&["reason"]));
    let error = desk
        .try_run(CASEWORKER, Command::ApplyExtension { working_days: 0, reason: "why".to_string() })
        .expect_err("refused");
    assert_eq!(invalid_fields(error), names(&["working_days"]));
    assert_eq!(desk.state.deadline, Some(date(2018, 12, 12)));
}

// ------------------------------------------------------------------ clock stops

#[test]
fn while_the_clock_is_stopped_the_case_has_no_deadline() {
    let world = demo_world();
    let mut desk = Desk::min_at_initial_draft(&world);
    assert_eq!(desk.stage_deadline(), Some(date(2018, 11, 28)));
    desk.on(date(2018, 11, 19));
    let events = desk.run(
        CASEWORKER,
        Command::StopClock { from: date(2018, 11, 19), reason: "Waiting for the MP's consent form".to_string() },
    );
    assert_eq!(desk.state.deadline, None);
    assert_eq!(desk.stage_deadline(), None);
    assert_eq!(kinds(&events), ["CLOCK_STOPPED", "NOTE_ADDED", "DEADLINE_CHANGED"]);
    assert_eq!(deadline_change(&events).map(|(b, a, _)| (b, a)), Some((iso(date(2018, 12, 12)), None)));
    let error = desk
        .try_run(CASEWORKER, Command::StopClock { from: date(2018, 11, 20), reason: "again".to_string() })
        .expect_err("refused");
    assert!(matches!(error, CommandError::NotAllowed { command: "stop clock", .. }), "{error:?}");
}

#[test]
fn working_days_while_the_clock_was_stopped_do_not_count() {
    let world = demo_world();
    let mut desk = Desk::min_at_initial_draft(&world);
    desk.on(date(2018, 11, 26));
    desk.run(CASEWORKER, Command::StopClock { from: date(2018, 11, 19), reason: "Waiting for consent".to_string() });
    let events =
        desk.run(CASEWORKER, Command::ResumeClock { on: date(2018, 11, 26), reason: "Consent received".to_string() });
    // Monday 19 to Friday 23 November did not count: five working days later than 12 December.
    assert_eq!(desk.state.deadline, Some(date(2018, 12, 19)));
    assert_eq!(desk.stage_deadline(), Some(date(2018, 12, 5)));
    assert_eq!(kinds(&events), ["CLOCK_RESUMED", "NOTE_ADDED", "DEADLINE_CHANGED"]);
    let error = desk
        .try_run(CASEWORKER, Command::ResumeClock { on: date(2018, 11, 27), reason: "again".to_string() })
        .expect_err("refused");
    assert!(matches!(error, CommandError::NotAllowed { command: "resume clock", .. }), "{error:?}");
}

#[test]
fn a_clock_stop_needs_a_reason_and_cannot_start_before_receipt_or_resume_before_it_stopped() {
    let world = demo_world();
    let mut desk = Desk::open(&world, "MIN");
    let error = desk
        .try_run(CASEWORKER, Command::StopClock { from: date(2018, 11, 19), reason: String::new() })
        .expect_err("refused");
    assert_eq!(invalid_fields(error), names(&["reason"]));
    let error = desk
        .try_run(CASEWORKER, Command::StopClock { from: date(2018, 11, 13), reason: "x".to_string() })
        .expect_err("refused");
    assert_eq!(invalid_fields(error), names(&["from"]));
    desk.run(CASEWORKER, Command::StopClock { from: date(2018, 11, 19), reason: "x".to_string() });
    let error = desk
        .try_run(CASEWORKER, Command::ResumeClock { on: date(2018, 11, 19), reason: "x".to_string() })
        .expect_err("refused");
    assert_eq!(invalid_fields(error), names(&["on"]));
}

// ------------------------------------------------------------------ holding replies

#[test]
fn a_holding_reply_is_recorded_and_the_deadline_stands() {
    let world = demo_world();
    let mut desk = Desk::min_at_initial_draft(&world);
    desk.on(date(2018, 11, 20));
    let events = desk.run(
        CASEWORKER,
        Command::RecordHoldingReply { sent_on: date(2018, 11, 20), note: "We will reply in full soon".to_string() },
    );
    assert_eq!(kinds(&events), ["HOLDING_REPLY_RECORDED", "NOTE_ADDED"]);
    assert_eq!(desk.state.deadline, Some(date(2018, 12, 12)));
    assert_eq!(desk.stage_deadline(), Some(date(2018, 11, 28)));
    assert_eq!(desk.state.clock.holding_replies, vec![date(2018, 11, 20)]);
    let error = desk
        .try_run(
            CASEWORKER,
            Command::RecordHoldingReply { sent_on: date(2018, 11, 21), note: "from the future".to_string() },
        )
        .expect_err("refused");
    assert_eq!(invalid_fields(error), names(&["sent_on"]));
}

// ------------------------------------------------------------------ definition migration

fn min_text() -> String {
    EMBEDDED
        .iter()
        .find(|(file, _)| *file == "MIN.toml")
        .map(|(_, text)| text.to_string())
        .expect("MIN.toml is embedded")
}

/// MIN at `version` with the Markup stage renamed TRIAGE, and this migration appended.
fn min_with_triage(version: u32, migration: &str) -> String {
    let text = min_text()
        .replacen("version = 1", &format!("version = {version}"), 1)
        .replace("\"MARKUP\"", "\"TRIAGE\"")
        .replace("MARKUP = 2", "TRIAGE = 2");
    assert!(!text.contains("MARKUP"), "every reference to MARKUP is renamed");
    format!("{text}\n{migration}\n")
}

const V1_TO_V2: &str = "[[migrations]]\nfrom_version = 1\nstages = { MARKUP = \"TRIAGE\" }";

fn world_with(extra: &[(&str, String)]) -> World {
    let sources = EMBEDDED
        .iter()
        .map(|(file, text)| (file.to_string(), text.to_string()))
        .chain(extra.iter().map(|(file, text)| (file.to_string(), text.clone())));
    let definitions = Definitions::from_sources(sources).unwrap_or_else(|errors| panic!("{errors}"));
    World::new(definitions, BankHolidays::embedded(), demo_directory()).expect("world")
}

#[test]
fn an_in_flight_case_keeps_its_definition_version_when_a_new_version_is_loaded() {
    let v1 = demo_world();
    let v2 = world_with(&[("MIN-v2.toml", min_with_triage(2, V1_TO_V2))]);
    assert_eq!(v2.definitions().latest("MIN").map(|d| d.version), Some(2));

    let old = Desk::open(&v1, "MIN");
    let mut old = Desk { world: &v2, ..old };
    assert_eq!(old.state.definition_version, 1);
    old.complete(CASEWORKER, "DATA_INPUT", &MIN_DATA_INPUT, None);
    assert_eq!(old.stage(), Some("MARKUP"));
    assert_eq!(old.state.definition_version, 1);

    let mut new = Desk::open(&v2, "MIN");
    assert_eq!(new.state.definition_version, 2);
    new.complete(CASEWORKER, "DATA_INPUT", &MIN_DATA_INPUT, None);
    assert_eq!(new.stage(), Some("TRIAGE"));
}

#[test]
fn migrating_a_case_moves_it_to_the_renamed_stage_of_the_new_version() {
    let v1 = demo_world();
    let v2 = world_with(&[("MIN-v2.toml", min_with_triage(2, V1_TO_V2))]);
    let mut desk = Desk::open(&v1, "MIN");
    desk.complete(CASEWORKER, "DATA_INPUT", &MIN_DATA_INPUT, None);
    desk.world = &v2;
    let events = desk.run(CASEWORKER, Command::MigrateDefinition { to_version: 2 });
    assert_eq!(
        events[0].kind,
        EventKind::DefinitionMigrated {
            from_version: 1,
            to_version: 2,
            stage: Change { before: Some("MARKUP".to_string()), after: Some("TRIAGE".to_string()) },
        }
    );
    assert_eq!(desk.state.definition_version, 2);
    assert_eq!(desk.stage(), Some("TRIAGE"));
    assert_eq!(desk.stage_deadline(), Some(date(2018, 11, 16)));
    assert_eq!(desk.state.deadline, Some(date(2018, 12, 12)));
    let error =
        desk.try_complete(CASEWORKER, "MARKUP", &[("MarkupDecision", "NRN")], Some("dup")).expect_err("refused");
    assert_eq!(error, CommandError::StageMoved { expected: "MARKUP".to_string(), actual: "TRIAGE".to_string() });
    desk.complete(CASEWORKER, "TRIAGE", &[("MarkupDecision", "PR"), ("Topic", TOPIC_ASYLUM_SUPPORT)], None);
    assert_eq!(desk.stage(), Some("INITIAL_DRAFT"));
}

#[test]
fn a_migration_with_no_path_from_the_case_version_is_refused() {
    let v1 = demo_world();
    // Version 3 only says how to migrate from version 2.
    let v3 = world_with(&[("MIN-v3.toml", min_with_triage(3, "[[migrations]]\nfrom_version = 2"))]);
    let mut desk = Desk::open(&v1, "MIN");
    desk.world = &v3;
    let error = desk.try_run(CASEWORKER, Command::MigrateDefinition { to_version: 3 }).expect_err("refused");
    match error {
        CommandError::NotAllowed { command: "migrate definition", situation } => {
            assert!(situation.contains("no migration from version 1"), "{situation}");
        }
        other => panic!("expected NotAllowed, got {other:?}"),
    }
    assert_eq!(desk.state.definition_version, 1);
    let error = desk.try_run(CASEWORKER, Command::MigrateDefinition { to_version: 4 }).expect_err("refused");
    assert_eq!(error, CommandError::UnknownCaseType("MIN version 4".to_string()));
    let error = desk.try_run(CASEWORKER, Command::MigrateDefinition { to_version: 1 }).expect_err("refused");
    assert!(matches!(error, CommandError::NotAllowed { command: "migrate definition", .. }), "{error:?}");
}

#[test]
fn a_migration_that_would_leave_the_case_at_a_stage_the_new_version_lacks_is_refused() {
    let v1 = demo_world();
    // Version 2 renames MARKUP but its migration forgets to say so.
    let v2 = world_with(&[("MIN-v2.toml", min_with_triage(2, "[[migrations]]\nfrom_version = 1"))]);
    let mut desk = Desk::open(&v1, "MIN");
    desk.complete(CASEWORKER, "DATA_INPUT", &MIN_DATA_INPUT, None);
    desk.world = &v2;
    let error = desk.try_run(CASEWORKER, Command::MigrateDefinition { to_version: 2 }).expect_err("refused");
    match error {
        CommandError::NotAllowed { situation, .. } => {
            assert!(situation.contains("stage MARKUP does not exist"), "{situation}")
        }
        other => panic!("expected NotAllowed, got {other:?}"),
    }
    // A case at a stage both versions share migrates without a rename.
    let mut other = Desk::open(&v1, "MIN");
    other.world = &v2;
    other.run(CASEWORKER, Command::MigrateDefinition { to_version: 2 });
    assert_eq!((other.stage(), other.state.definition_version), (Some("DATA_INPUT"), 2));
}

#[test]
fn migration_renames_case_fields_as_the_new_version_says() {
    let v1 = demo_world();
    let migration = "[[migrations]]\nfrom_version = 1\nstages = { MARKUP = \"TRIAGE\" }\nfields = { HomeSecInterest = \"HomeSecretaryInterest\" }";
    let text = min_with_triage(2, migration).replace("name = \"HomeSecInterest\"", "name = \"HomeSecretaryInterest\"");
    let v2 = world_with(&[("MIN-v2.toml", text)]);
    let mut desk = Desk::open(&v1, "MIN");
    desk.complete(CASEWORKER, "DATA_INPUT", &MIN_DATA_INPUT, None);
    desk.world = &v2;
    desk.run(CASEWORKER, Command::MigrateDefinition { to_version: 2 });
    let data: BTreeMap<&str, &str> = desk.state.data.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(data.get("HomeSecretaryInterest"), Some(&"FALSE"));
    assert_eq!(data.get("HomeSecInterest"), None);
}
