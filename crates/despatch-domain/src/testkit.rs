//! Reusable test fixtures: a demo organisation ([`demo_directory`]), a world built on the
//! embedded definitions ([`demo_world`]) and worked scenarios ([`scenarios`]) that walk every
//! decision of the MIN, TRO and DTEN workflows (shared/reference/hocs.md §2).
//!
//! Each [`Scenario`] is a new case plus the commands to apply to it, each with the actor and the
//! instant (`at`) it happens, and what must come out: the stages visited (with team and stage
//! deadline), whether the case closes, its deadline, despatch date, days late and the notes
//! written. The expectations are written out by hand from hocs.md, not computed from the
//! definitions, so a replay checks the engine and the definition files together.
//!
//! The engine tests replay them through [`crate::engine`] ([`replay`]); the storage test suite
//! replays the same scenarios through each store backend. Every date is fixed: the cases are
//! received on Wednesday 14 November 2018 (the received date of MIN/0017733/18), so a 20-working-
//! day deadline is Wednesday 12 December 2018.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use crate::access::AccessLevel;
use crate::calendar::BankHolidays;
use crate::case::{CaseState, CorrespondentKind};
use crate::command::{Actor, Command, CorrespondentDetails, NewCase};
use crate::definition::Definitions;
use crate::directory::{Directory, Team, Topic, Unit, User};
use crate::engine::{self, CommandError, World};
use crate::event::Event;
use crate::reference::Reference;

// ------------------------------------------------------------------ teams

/// Data Input and MIN Dispatch (hocs.md §2.1 "Performance and Process Team").
pub const PERFORMANCE_AND_PROCESS: &str = "PERFORMANCE_AND_PROCESS";
/// Markup, confirmations, and FAQ drafting ("Direct Communications Unit Central Drafting Team").
pub const DCU_CENTRAL_DRAFTING: &str = "DCU_CENTRAL_DRAFTING";
/// DTEN's own stages and Copy To Number 10 ("Transfers & No10 Team").
pub const TRANSFERS_AND_NO10: &str = "TRANSFERS_AND_NO10";
/// The Home Secretary's private office; its sign-off puts a MIN case on the 10-day schedule.
pub const HOME_SECRETARY_OFFICE: &str = "HOME_SECRETARY_OFFICE";
/// Private office of the Minister of State for Immigration.
pub const IMMIGRATION_MINISTER_OFFICE: &str = "IMMIGRATION_MINISTER_OFFICE";
/// Private office of the Minister of State for Policing and Fire Service.
pub const POLICING_MINISTER_OFFICE: &str = "POLICING_MINISTER_OFFICE";
/// A policy drafting team (immigration).
pub const IMMIGRATION_DRAFTING: &str = "IMMIGRATION_DRAFTING";
/// A policy drafting team (policing).
pub const POLICING_DRAFTING: &str = "POLICING_DRAFTING";
/// A disbanded drafting team: inactive, so never routed to.
pub const ARCHIVED_DRAFTING: &str = "ARCHIVED_DRAFTING";

// ------------------------------------------------------------------ topics

/// Drafted by immigration; signed by the immigration minister.
pub const TOPIC_ASYLUM_SUPPORT: &str = "ASYLUM_SUPPORT";
/// Drafted by policing; signed by the Home Secretary.
pub const TOPIC_POLICE_FUNDING: &str = "POLICE_FUNDING";
/// Drafted by policing; signed by the policing minister.
pub const TOPIC_CHILD_SAFEGUARDING: &str = "CHILD_SAFEGUARDING";
/// Linked for drafting only to the inactive [`ARCHIVED_DRAFTING`] team.
pub const TOPIC_LEGACY_CASEWORK: &str = "LEGACY_CASEWORK";

// ------------------------------------------------------------------ users

/// DCU caseworker: data input, markup and the confirmations.
pub const CASEWORKER: &str = "ada.caseworker";
/// Drafter in the central drafting team (FAQ responses).
pub const CENTRAL_DRAFTER: &str = "cat.central-drafter";
/// Drafter in the immigration policy team.
pub const IMMIGRATION_DRAFTER: &str = "ian.immigration-drafter";
/// Drafter in the policing policy team.
pub const POLICING_DRAFTER: &str = "pat.policing-drafter";
/// QA officer, a member of every drafting team (QA is done inside the drafting team).
pub const QA_OFFICER: &str = "quinn.qa";
/// Home Secretary's private office.
pub const HOME_SECRETARY_PO: &str = "hana.home-secretary-po";
/// Immigration minister's private office.
pub const IMMIGRATION_MINISTER_PO: &str = "ivan.immigration-po";
/// Policing minister's private office.
pub const POLICING_MINISTER_PO: &str = "polly.policing-po";
/// Despatch officer: MIN and DTEN Dispatch, Copy To Number 10.
pub const DESPATCH_OFFICER: &str = "dev.despatch";
/// The only member of the inactive archived team.
pub const ARCHIVED_DRAFTER: &str = "old.archived-drafter";

/// The case types the scenarios cover.
pub const CASE_TYPES: [&str; 3] = ["MIN", "TRO", "DTEN"];

/// The demo organisation: the teams the definitions name, drafting teams and private offices,
/// one inactive team, topics linked to drafting teams and private offices for each case type,
/// and users with their memberships: WRITE on every case type their teams handle, OWNER for the
/// QA officer (a team leader).
pub fn demo_directory() -> Directory {
    let mut directory = Directory::default();
    let teams: [(&str, &str, &str, bool); 9] = [
        (PERFORMANCE_AND_PROCESS, "Performance and Process Team", "DCU", true),
        (DCU_CENTRAL_DRAFTING, "Direct Communications Unit Central Drafting Team", "DCU", true),
        (TRANSFERS_AND_NO10, "Transfers & No10 Team", "DCU", true),
        (HOME_SECRETARY_OFFICE, "Home Secretary", "PRIVATE_OFFICE", true),
        (IMMIGRATION_MINISTER_OFFICE, "Minister of State for Immigration", "PRIVATE_OFFICE", true),
        (POLICING_MINISTER_OFFICE, "Minister of State for Policing and Fire Service", "PRIVATE_OFFICE", true),
        (IMMIGRATION_DRAFTING, "Asylum and Immigration Policy Team", "POLICY", true),
        (POLICING_DRAFTING, "Policing Policy Team", "POLICY", true),
        (ARCHIVED_DRAFTING, "Archived Drafting Team (disbanded)", "POLICY", false),
    ];
    for (code, name, unit, active) in teams {
        directory.teams.insert(
            code.to_string(),
            Team { code: code.to_string(), name: name.to_string(), unit: unit.to_string(), active },
        );
    }
    let topics = [
        // (topic, drafting team, private office)
        (TOPIC_ASYLUM_SUPPORT, IMMIGRATION_DRAFTING, IMMIGRATION_MINISTER_OFFICE),
        (TOPIC_POLICE_FUNDING, POLICING_DRAFTING, HOME_SECRETARY_OFFICE),
        (TOPIC_CHILD_SAFEGUARDING, POLICING_DRAFTING, POLICING_MINISTER_OFFICE),
        (TOPIC_LEGACY_CASEWORK, ARCHIVED_DRAFTING, IMMIGRATION_MINISTER_OFFICE),
    ];
    for (topic, drafting, private_office) in topics {
        let name = {
            let lower = topic.replace('_', " ").to_lowercase();
            let mut chars = lower.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        };
        directory.put_topic(Topic { code: topic.to_string(), name, parent: None, active: true });
        for case_type in CASE_TYPES {
            let link = |stage: &str| (case_type.to_string(), stage.to_string(), topic.to_string());
            directory.topic_links.insert(link("INITIAL_DRAFT"), drafting.to_string());
            // TRO has no private office stage.
            if case_type != "TRO" {
                directory.topic_links.insert(link("PRIVATE_OFFICE"), private_office.to_string());
            }
        }
    }
    let memberships: [(&str, &[&str]); 10] = [
        (CASEWORKER, &[PERFORMANCE_AND_PROCESS, DCU_CENTRAL_DRAFTING, TRANSFERS_AND_NO10]),
        (CENTRAL_DRAFTER, &[DCU_CENTRAL_DRAFTING]),
        (IMMIGRATION_DRAFTER, &[IMMIGRATION_DRAFTING]),
        (POLICING_DRAFTER, &[POLICING_DRAFTING]),
        (QA_OFFICER, &[DCU_CENTRAL_DRAFTING, IMMIGRATION_DRAFTING, POLICING_DRAFTING]),
        (HOME_SECRETARY_PO, &[HOME_SECRETARY_OFFICE]),
        (IMMIGRATION_MINISTER_PO, &[IMMIGRATION_MINISTER_OFFICE]),
        (POLICING_MINISTER_PO, &[POLICING_MINISTER_OFFICE]),
        (DESPATCH_OFFICER, &[PERFORMANCE_AND_PROCESS, TRANSFERS_AND_NO10]),
        (ARCHIVED_DRAFTER, &[ARCHIVED_DRAFTING]),
    ];
    for (user, teams) in memberships {
        let teams: BTreeSet<String> = teams.iter().map(|team| team.to_string()).collect();
        directory.memberships.insert(user.to_string(), teams);
        directory
            .users
            .insert(user.to_string(), User { name: user.to_string(), display_name: person(user), active: true });
    }
    for (user, teams) in directory.memberships.clone() {
        let level = if user == QA_OFFICER { AccessLevel::Owner } else { AccessLevel::Write };
        for team in teams {
            let private_office = directory.teams.get(&team).is_some_and(|t| t.unit == "PRIVATE_OFFICE");
            for case_type in CASE_TYPES {
                // TRO has no private office stage, so private offices have no TRO level.
                if !(private_office && case_type == "TRO") {
                    directory.set_level(&user, &team, case_type, Some(level));
                }
            }
        }
    }
    for (code, name) in [
        ("DCU", "Direct Communications Unit"),
        ("PRIVATE_OFFICE", "Private offices"),
        ("POLICY", "Policy directorates"),
    ] {
        directory.units.insert(code.to_string(), Unit { code: code.to_string(), name: name.to_string(), active: true });
    }
    directory
}

/// `ada.caseworker` → `Ada Caseworker`.
fn person(user: &str) -> String {
    user.split(['.', '-'])
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The embedded definitions, the embedded bank holidays and [`demo_directory`].
///
/// # Panics
///
/// If the embedded definitions or bank holidays are broken, which the test suite rules out.
pub fn demo_world() -> World {
    let definitions = Definitions::embedded().unwrap_or_else(|errors| panic!("embedded definitions: {errors}"));
    World::new(definitions, BankHolidays::embedded(), demo_directory())
        .unwrap_or_else(|error| panic!("embedded bank holidays: {error}"))
}

/// A civil date.
///
/// # Panics
///
/// If the date does not exist (a mistake in a fixture).
pub fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_else(|| panic!("no such date {year}-{month}-{day}"))
}

/// An instant: `hour:minute` UTC on a date (in November and December that is also London time).
///
/// # Panics
///
/// If the time does not exist (a mistake in a fixture).
pub fn at(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let time = day.and_hms_opt(hour, minute, 0).unwrap_or_else(|| panic!("no such time {hour}:{minute}"));
    Utc.from_utc_datetime(&time)
}

/// The date the scenario cases are received: Wednesday 14 November 2018.
pub fn received() -> NaiveDate {
    date(2018, 11, 14)
}

/// When the scenario cases are opened: 09:00 on the day they are received.
pub fn opened_at() -> DateTime<Utc> {
    at(received(), 9, 0)
}

/// The correspondent of the scenario cases: an MP.
pub fn demo_mp() -> CorrespondentDetails {
    CorrespondentDetails {
        kind: CorrespondentKind::Mp,
        name: "Jo Example MP".to_string(),
        organisation: Some("House of Commons".to_string()),
        address: vec!["House of Commons".to_string(), "London".to_string()],
        postcode: Some("SW1A 0AA".to_string()),
        email: Some("jo.example.mp@parliament.example".to_string()),
        their_reference: Some("JE/2018/114".to_string()),
        external_key: Some("4999".to_string()),
        matched: None,
    }
}

/// A new case of `case_type` received on [`received`] with [`demo_mp`] as correspondent.
pub fn new_case(case_type: &str) -> NewCase {
    NewCase {
        case_type: case_type.to_string(),
        received: received(),
        data: BTreeMap::new(),
        correspondents: vec![demo_mp()],
        legacy_reference: None,
        message_id: None,
    }
}

/// A command, who issues it and when.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Who.
    pub actor: Actor,
    /// What.
    pub command: Command,
    /// When (the engine's `now`).
    pub at: DateTime<Utc>,
}

/// One expected stage visit: the stage, the team it starts with and its deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    /// Stage id.
    pub stage: &'static str,
    /// Team code the stage is allocated to when it starts.
    pub team: &'static str,
    /// Stage deadline when it starts.
    pub deadline: Option<NaiveDate>,
}

/// A case, the commands applied to it, and what must come out.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// What the scenario shows, as a sentence.
    pub name: &'static str,
    /// Who opens the case.
    pub opened_by: Actor,
    /// When the case is opened.
    pub opened_at: DateTime<Utc>,
    /// The case to open.
    pub new_case: NewCase,
    /// The commands, in order.
    pub steps: Vec<Step>,
    /// Stage ids visited in order (one per `StageStarted`, the initial stage first).
    pub expected_path: Vec<&'static str>,
    /// The same visits with the team and stage deadline each starts with.
    pub expected_visits: Vec<Visit>,
    /// Whether the case is closed at the end.
    pub expect_closed: bool,
    /// The case deadline at the end.
    pub expected_case_deadline: Option<NaiveDate>,
    /// The deadline schedule in force at the end.
    pub expected_schedule: &'static str,
    /// The despatch date, for a case whose reply was despatched.
    pub expected_despatched_on: Option<NaiveDate>,
    /// Working days late at closure, for a despatched case (`CaseClosed.working_days_late`).
    pub expected_working_days_late: Option<u32>,
    /// The types of the notes written, in order (`REJECT`, `ALLOCATE`, `PHONECALL`…).
    pub expected_notes: Vec<&'static str>,
    /// Case fields that must hold these values at the end (counters, decisions).
    pub expected_data: Vec<(&'static str, &'static str)>,
}

impl Scenario {
    /// The stage the case ends at (`None` when closed).
    pub fn final_stage(&self) -> Option<&'static str> {
        if self.expect_closed { None } else { self.expected_path.last().copied() }
    }

    /// How many `CompleteStage` commands the scenario issues.
    pub fn completions(&self) -> usize {
        self.steps.iter().filter(|step| matches!(step.command, Command::CompleteStage { .. })).count()
    }
}

/// The result of replaying a scenario through the pure engine.
#[derive(Debug, Clone, PartialEq)]
pub struct Replay {
    /// The case after every step.
    pub state: CaseState,
    /// Every event, from the opening of the case on.
    pub events: Vec<Event>,
}

/// A step of a scenario that the engine refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{scenario}: step {step} ({command}) was refused: {error}")]
pub struct ReplayError {
    /// Scenario name.
    pub scenario: &'static str,
    /// Index of the step (0 for opening the case, 1 for the first step).
    pub step: usize,
    /// Command name.
    pub command: &'static str,
    /// The engine's error.
    pub error: CommandError,
}

/// A reference for the `index`-th scenario case: `TYPE/0120001/18` and up (HOCS's first number).
///
/// # Panics
///
/// Never for the case types here and fewer than 9,879,999 scenarios.
pub fn scenario_reference(case_type: &str, index: usize) -> Reference {
    let number = 120_001 + u32::try_from(index).unwrap_or(0);
    Reference::new(case_type, number, 2018).unwrap_or_else(|error| panic!("{error}"))
}

/// Opens the scenario's case and applies every step through the pure engine.
pub fn replay(scenario: &Scenario, world: &World, id: i64, reference: Reference) -> Result<Replay, ReplayError> {
    let refused = |step: usize, command: &'static str| {
        move |error: CommandError| ReplayError { scenario: scenario.name, step, command, error }
    };
    let opened = engine::open_case(&scenario.new_case, id, reference, &scenario.opened_by, world, scenario.opened_at)
        .map_err(refused(0, "open case"))?;
    let mut state = opened.state;
    let mut events = opened.events;
    for (index, step) in scenario.steps.iter().enumerate() {
        let outcome = engine::execute(&state, &step.command, &step.actor, world, step.at)
            .map_err(refused(index + 1, step.command.name()))?;
        state = outcome.state;
        events.extend(outcome.events);
    }
    Ok(Replay { state, events })
}

// ------------------------------------------------------------------ expected deadlines

/// Stage deadlines (hocs.md §2.3) for a case received on 14 November 2018, written out by hand.
type Deadlines = BTreeMap<&'static str, Option<NaiveDate>>;

/// 14 Nov 2018 + 2 working days.
fn wd2() -> NaiveDate {
    date(2018, 11, 16)
}
/// + 7 working days.
fn wd7() -> NaiveDate {
    date(2018, 11, 23)
}
/// + 9 working days.
fn wd9() -> NaiveDate {
    date(2018, 11, 27)
}
/// + 10 working days.
fn wd10() -> NaiveDate {
    date(2018, 11, 28)
}
/// + 19 working days.
fn wd19() -> NaiveDate {
    date(2018, 12, 11)
}
/// + 20 working days (the Cabinet Office target).
fn wd20() -> NaiveDate {
    date(2018, 12, 12)
}

/// DTEN's typed drafting deadline in the scenarios.
pub fn dten_drafting_deadline() -> NaiveDate {
    date(2018, 11, 26)
}

/// DTEN's typed dispatch deadline in the scenarios (also the case deadline).
pub fn dten_dispatch_deadline() -> NaiveDate {
    date(2018, 12, 5)
}

fn table(entries: &[(&'static str, NaiveDate)]) -> Deadlines {
    entries.iter().map(|(stage, deadline)| (*stage, Some(*deadline))).collect()
}

/// MIN, a minister or director signs: 2/2/10/10/19/19/20, case 20.
fn min_minister() -> Deadlines {
    table(&[
        ("DATA_INPUT", wd2()),
        ("MARKUP", wd2()),
        ("TRANSFER_CONFIRMATION", wd20()),
        ("NO_REPLY_NEEDED_CONFIRMATION", wd20()),
        ("INITIAL_DRAFT", wd10()),
        ("QA_RESPONSE", wd10()),
        ("PRIVATE_OFFICE", wd19()),
        ("MINISTER_SIGN_OFF", wd19()),
        ("DISPATCH", wd20()),
        ("COPY_NUMBER_TEN", wd20()),
    ])
}

/// MIN, the Home Secretary signs: 7/7/9/9/10, case 10.
fn min_home_secretary() -> Deadlines {
    table(&[
        ("DATA_INPUT", wd2()),
        ("MARKUP", wd2()),
        ("TRANSFER_CONFIRMATION", wd10()),
        ("NO_REPLY_NEEDED_CONFIRMATION", wd10()),
        ("INITIAL_DRAFT", wd7()),
        ("QA_RESPONSE", wd7()),
        ("PRIVATE_OFFICE", wd9()),
        ("MINISTER_SIGN_OFF", wd9()),
        ("DISPATCH", wd10()),
        ("COPY_NUMBER_TEN", wd10()),
    ])
}

/// TRO: 2/2, then 20 for every other stage and the case.
fn tro_official() -> Deadlines {
    table(&[
        ("DATA_INPUT", wd2()),
        ("MARKUP", wd2()),
        ("TRANSFER_CONFIRMATION", wd20()),
        ("NO_REPLY_NEEDED_CONFIRMATION", wd20()),
        ("INITIAL_DRAFT", wd20()),
        ("QA_RESPONSE", wd20()),
        ("DISPATCH", wd20()),
        ("COPY_NUMBER_TEN", wd20()),
    ])
}

/// DTEN once the deadlines are typed in: drafting and QA by the drafting deadline, everything
/// else by the dispatch deadline (the case deadline).
fn dten_typed() -> Deadlines {
    let drafting = dten_drafting_deadline();
    let dispatch = dten_dispatch_deadline();
    table(&[
        ("DATA_INPUT", dispatch),
        ("MARKUP", dispatch),
        ("TRANSFER_CONFIRMATION", dispatch),
        ("NO_REPLY_NEEDED_CONFIRMATION", dispatch),
        ("INITIAL_DRAFT", drafting),
        ("QA_RESPONSE", drafting),
        ("PRIVATE_OFFICE", dispatch),
        ("DISPATCH", dispatch),
    ])
}

// ------------------------------------------------------------------ scenario builder

/// Where a completed stage leads.
#[derive(Debug, Clone, Copy)]
enum Then {
    /// The next stage and the team it starts with.
    To(&'static str, &'static str),
    /// The case closes.
    Closed,
}
use Then::{Closed, To};

/// A reason note: expected type and text.
type Note = Option<(&'static str, &'static str)>;

fn reject(text: &'static str) -> Note {
    Some(("REJECT", text))
}
fn allocate(text: &'static str) -> Note {
    Some(("ALLOCATE", text))
}
fn phonecall(text: &'static str) -> Note {
    Some(("PHONECALL", text))
}
fn change(text: &'static str) -> Note {
    Some(("CHANGE", text))
}

/// Who naturally completes `stage` when it is with `team`.
fn user_for(stage: &str, team: &str) -> &'static str {
    match (stage, team) {
        ("QA_RESPONSE", _) => QA_OFFICER,
        ("DISPATCH" | "COPY_NUMBER_TEN", PERFORMANCE_AND_PROCESS | TRANSFERS_AND_NO10) => DESPATCH_OFFICER,
        (_, PERFORMANCE_AND_PROCESS | TRANSFERS_AND_NO10) => CASEWORKER,
        ("MARKUP" | "TRANSFER_CONFIRMATION" | "NO_REPLY_NEEDED_CONFIRMATION", DCU_CENTRAL_DRAFTING) => CASEWORKER,
        (_, DCU_CENTRAL_DRAFTING) => CENTRAL_DRAFTER,
        (_, IMMIGRATION_DRAFTING) => IMMIGRATION_DRAFTER,
        (_, POLICING_DRAFTING) => POLICING_DRAFTER,
        (_, HOME_SECRETARY_OFFICE) => HOME_SECRETARY_PO,
        (_, IMMIGRATION_MINISTER_OFFICE) => IMMIGRATION_MINISTER_PO,
        (_, POLICING_MINISTER_OFFICE) => POLICING_MINISTER_PO,
        _ => ARCHIVED_DRAFTER,
    }
}

struct Builder {
    scenario: Scenario,
    deadlines: Deadlines,
    day: NaiveDate,
    minute: u32,
    current: Option<(&'static str, &'static str)>,
}

impl Builder {
    /// A scenario opening `new_case`, which starts at `stage` with `team` and `deadline`; later
    /// stage deadlines come from `deadlines`.
    fn new(
        name: &'static str,
        new_case: NewCase,
        (stage, team, deadline): (&'static str, &'static str, Option<NaiveDate>),
        deadlines: Deadlines,
        schedule: &'static str,
    ) -> Builder {
        Builder {
            scenario: Scenario {
                name,
                opened_by: Actor::user(CASEWORKER),
                opened_at: opened_at(),
                new_case,
                steps: Vec::new(),
                expected_path: vec![stage],
                expected_visits: vec![Visit { stage, team, deadline }],
                expect_closed: false,
                expected_case_deadline: None,
                expected_schedule: schedule,
                expected_despatched_on: None,
                expected_working_days_late: None,
                expected_notes: Vec::new(),
                expected_data: Vec::new(),
            },
            deadlines,
            day: date(2018, 11, 15),
            minute: 0,
            current: Some((stage, team)),
        }
    }

    fn min(name: &'static str) -> Builder {
        Builder::new(
            name,
            new_case("MIN"),
            ("DATA_INPUT", PERFORMANCE_AND_PROCESS, Some(wd2())),
            min_minister(),
            "minister",
        )
        .case_deadline(Some(wd20()))
    }

    fn tro(name: &'static str) -> Builder {
        Builder::new(
            name,
            new_case("TRO"),
            ("DATA_INPUT", PERFORMANCE_AND_PROCESS, Some(wd2())),
            tro_official(),
            "official",
        )
        .case_deadline(Some(wd20()))
    }

    fn dten(name: &'static str) -> Builder {
        // No deadline until Data Input types it in.
        Builder::new(name, new_case("DTEN"), ("DATA_INPUT", TRANSFERS_AND_NO10, None), dten_typed(), "number-ten")
            .case_deadline(Some(dten_dispatch_deadline()))
    }

    fn case_deadline(mut self, deadline: Option<NaiveDate>) -> Builder {
        self.scenario.expected_case_deadline = deadline;
        self
    }

    /// Following steps happen on `day`.
    fn on(&mut self, day: NaiveDate) -> &mut Builder {
        self.day = day;
        self.minute = 0;
        self
    }

    /// Stage deadlines of later visits follow `deadlines`, and the case ends on `schedule` with
    /// `case_deadline` (after a change of private office, say).
    fn schedule(&mut self, deadlines: Deadlines, schedule: &'static str, case_deadline: NaiveDate) -> &mut Builder {
        self.deadlines = deadlines;
        self.scenario.expected_schedule = schedule;
        self.scenario.expected_case_deadline = Some(case_deadline);
        self
    }

    fn next_instant(&mut self) -> DateTime<Utc> {
        let instant = at(self.day, 9 + self.minute / 60, self.minute % 60);
        self.minute += 5;
        instant
    }

    /// Any command, by `user`.
    fn command(&mut self, user: &str, command: Command) -> &mut Builder {
        let at = self.next_instant();
        self.scenario.steps.push(Step { actor: Actor::user(user), command, at });
        self
    }

    /// Completes the current stage (allocating it to its natural user) and says where it leads.
    fn complete(&mut self, stage: &'static str, fields: &[(&str, &str)], note: Note, then: Then) -> &mut Builder {
        let Some((current, team)) = self.current else {
            panic!("{}: {stage} after the case closed", self.scenario.name)
        };
        assert_eq!(current, stage, "{}: the scenario expects the case at {current}", self.scenario.name);
        let fields = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let command = Command::CompleteStage {
            stage: stage.to_string(),
            fields,
            note: note.map(|(_, text)| text.to_string()),
            take: true,
        };
        self.command(user_for(stage, team), command);
        if let Some((note_type, _)) = note {
            self.scenario.expected_notes.push(note_type);
        }
        match then {
            To(stage, team) => {
                let deadline = self.deadlines.get(stage).copied().flatten();
                self.scenario.expected_path.push(stage);
                self.scenario.expected_visits.push(Visit { stage, team, deadline });
                self.current = Some((stage, team));
            }
            Closed => {
                self.scenario.expect_closed = true;
                self.current = None;
            }
        }
        self
    }

    /// Closes with the reply despatched today, `late` working days after the deadline.
    fn despatched(&mut self, late: u32) -> &mut Builder {
        self.scenario.expected_despatched_on = Some(self.day);
        self.scenario.expected_working_days_late = Some(late);
        self
    }

    fn expect_data(&mut self, data: &[(&'static str, &'static str)]) -> &mut Builder {
        self.scenario.expected_data.extend_from_slice(data);
        self
    }

    fn build(&mut self) -> Scenario {
        self.scenario.clone()
    }
}

// ------------------------------------------------------------------ stage forms

const LETTER_SENT: &str = "2018-11-12";

fn min_data_input(copy_number_ten: &'static str) -> [(&'static str, &'static str); 5] {
    [
        ("DateOfCorrespondence", LETTER_SENT),
        ("OriginalChannel", "POST"),
        ("CopyNumberTen", copy_number_ten),
        ("HomeSecInterest", "FALSE"),
        ("HomeSecReply", "FALSE"),
    ]
}

fn tro_data_input(copy_number_ten: &'static str) -> [(&'static str, &'static str); 4] {
    [
        ("DateOfCorrespondence", LETTER_SENT),
        ("OriginalChannel", "EMAIL"),
        ("CopyNumberTen", copy_number_ten),
        ("HomeSecInterest", "FALSE"),
    ]
}

const DTEN_DATA_INPUT: [(&str, &str); 4] = [
    ("DateOfCorrespondence", LETTER_SENT),
    ("OriginalChannel", "NO10"),
    ("DCU_DTEN_INITIAL_DRAFT_DEADLINE", "2018-11-26"),
    ("DCU_DTEN_DISPATCH_DEADLINE", "2018-12-05"),
];

const PR_ASYLUM: [(&str, &str); 2] = [("MarkupDecision", "PR"), ("Topic", TOPIC_ASYLUM_SUPPORT)];
const FAQ_ASYLUM: [(&str, &str); 2] = [("MarkupDecision", "FAQ"), ("Topic", TOPIC_ASYLUM_SUPPORT)];
const OGD: [(&str, &str); 2] = [("MarkupDecision", "OGD"), ("OGDDept", "Ministry of Justice")];
const NRN: [(&str, &str); 1] = [("MarkupDecision", "NRN")];
const REJ: [(&str, &str); 1] = [("MarkupDecision", "REJ")];

const LETTER_ONLINE_QA: [(&str, &str); 4] = [
    ("InitialDraftDecision", "ACCEPT"),
    ("ResponseChannel", "LETTER"),
    ("DraftDocuments", "draft-1"),
    ("OfflineQA", "FALSE"),
];
const EMAIL_ONLINE_QA: [(&str, &str); 4] = [
    ("InitialDraftDecision", "ACCEPT"),
    ("ResponseChannel", "EMAIL"),
    ("DraftDocuments", "draft-1"),
    ("OfflineQA", "FALSE"),
];
const LETTER_OFFLINE_QA: [(&str, &str); 5] = [
    ("InitialDraftDecision", "ACCEPT"),
    ("ResponseChannel", "LETTER"),
    ("DraftDocuments", "draft-1"),
    ("OfflineQA", "TRUE"),
    ("OfflineQaUser", QA_OFFICER),
];
const DRAFT_REJECT: [(&str, &str); 1] = [("InitialDraftDecision", "REJECT")];
const PHONE_THEN_ANOTHER: [(&str, &str); 3] =
    [("InitialDraftDecision", "ACCEPT"), ("ResponseChannel", "PHONE"), ("ReturnToResponseChannelDecision", "TRUE")];
const PHONE_ONLY: [(&str, &str); 3] =
    [("InitialDraftDecision", "ACCEPT"), ("ResponseChannel", "PHONE"), ("ReturnToResponseChannelDecision", "FALSE")];
const DTEN_DRAFT_ONLINE_QA: [(&str, &str); 3] =
    [("InitialDraftDecision", "ACCEPT"), ("DraftDocuments", "draft-1"), ("OfflineQA", "FALSE")];
const DTEN_DRAFT_OFFLINE_QA: [(&str, &str); 4] = [
    ("InitialDraftDecision", "ACCEPT"),
    ("DraftDocuments", "draft-1"),
    ("OfflineQA", "TRUE"),
    ("OfflineQaUser", QA_OFFICER),
];

const QA_ACCEPT: [(&str, &str); 1] = [("QAResponseDecision", "ACCEPT")];
const QA_MODIFY: [(&str, &str); 2] = [("QAResponseDecision", "MODIFY"), ("DraftDocuments", "draft-2")];
const QA_REJECT: [(&str, &str); 1] = [("QAResponseDecision", "REJECT")];
const PO_ACCEPT: [(&str, &str); 1] = [("PrivateOfficeDecision", "ACCEPT")];
const PO_REJECT: [(&str, &str); 1] = [("PrivateOfficeDecision", "REJECT")];
const SIGNED_WET: [(&str, &str); 1] = [("MinisterSignOffDecision", "ACCEPT_WET")];
const SIGNED_DIGITAL: [(&str, &str); 1] = [("MinisterSignOffDecision", "ACCEPT_DIGITAL")];
const DISPATCH_ACCEPT: [(&str, &str); 1] = [("DispatchDecision", "ACCEPT")];
const TRO_DISPATCH_ACCEPT: [(&str, &str); 2] = [("DispatchDecision", "ACCEPT"), ("ConfirmEmailedDCU", "TRUE")];
const DISPATCH_REJECT: [(&str, &str); 1] = [("DispatchDecision", "REJECT")];
const TRANSFER_ACCEPT: [(&str, &str); 1] = [("TransferConfirmation", "ACCEPT")];
const TRANSFER_REJECT: [(&str, &str); 1] = [("TransferConfirmation", "REJECT")];
const NRN_ACCEPT: [(&str, &str); 1] = [("NoReplyNeededConfirmation", "ACCEPT")];
const NRN_REJECT: [(&str, &str); 1] = [("NoReplyNeededConfirmation", "REJECT")];

// Stages, shortened.
const DI: &str = "DATA_INPUT";
const MK: &str = "MARKUP";
const TC: &str = "TRANSFER_CONFIRMATION";
const NRC: &str = "NO_REPLY_NEEDED_CONFIRMATION";
const ID: &str = "INITIAL_DRAFT";
const QA: &str = "QA_RESPONSE";
const PO: &str = "PRIVATE_OFFICE";
const MSO: &str = "MINISTER_SIGN_OFF";
const DSP: &str = "DISPATCH";
const NO10: &str = "COPY_NUMBER_TEN";

/// Every scenario: each decision of MIN, TRO and DTEN is taken by at least one of them.
pub fn scenarios() -> Vec<Scenario> {
    let mut all = min_scenarios();
    all.extend(tro_scenarios());
    all.extend(dten_scenarios());
    all
}

/// MIN up to Private Office with a policy response on asylum support (immigration drafts and
/// signs), online QA approved.
fn min_to_private_office(s: &mut Builder, copy_number_ten: &'static str) {
    s.complete(DI, &min_data_input(copy_number_ten), None, To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &PR_ASYLUM, None, To(ID, IMMIGRATION_DRAFTING))
        .complete(ID, &LETTER_ONLINE_QA, None, To(QA, IMMIGRATION_DRAFTING))
        .complete(QA, &QA_ACCEPT, None, To(PO, IMMIGRATION_MINISTER_OFFICE));
}

fn min_scenarios() -> Vec<Scenario> {
    let mut scenarios = Vec::new();

    let mut s = Builder::min("MIN: a policy response signed with a wet signature is despatched on time");
    min_to_private_office(&mut s, "FALSE");
    s.complete(PO, &PO_ACCEPT, None, To(MSO, IMMIGRATION_MINISTER_OFFICE))
        .complete(MSO, &SIGNED_WET, None, To(DSP, PERFORMANCE_AND_PROCESS))
        .on(date(2018, 12, 10))
        .complete(DSP, &DISPATCH_ACCEPT, None, Closed)
        .despatched(0)
        .expect_data(&[("DraftCount", "1"), ("QAOnlineCount", "1"), ("MarkupDecision", "PR")]);
    scenarios.push(s.build());

    // MIN/0017733/18: received 14 Nov 2018, due 12 Dec, replied 21 Dec, seven working days late.
    let mut s = Builder::min(
        "MIN: an FAQ letter is drafted centrally, signed digitally, despatched seven working days late and copied to Number 10",
    );
    s.complete(DI, &min_data_input("TRUE"), None, To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &FAQ_ASYLUM, None, To(ID, DCU_CENTRAL_DRAFTING))
        .complete(ID, &LETTER_ONLINE_QA, None, To(QA, DCU_CENTRAL_DRAFTING))
        .complete(QA, &QA_MODIFY, None, To(PO, IMMIGRATION_MINISTER_OFFICE))
        .complete(PO, &PO_ACCEPT, None, To(MSO, IMMIGRATION_MINISTER_OFFICE))
        .complete(MSO, &SIGNED_DIGITAL, None, To(DSP, PERFORMANCE_AND_PROCESS))
        .on(date(2018, 12, 21))
        .complete(DSP, &DISPATCH_ACCEPT, None, To(NO10, TRANSFERS_AND_NO10))
        .despatched(7)
        .on(date(2018, 12, 24))
        .complete(NO10, &[], None, Closed)
        .expect_data(&[("DraftDocuments", "draft-2"), ("MarkupDecision", "FAQ")]);
    scenarios.push(s.build());

    let mut s = Builder::min("MIN: a referral to another department closes when the transfer is confirmed");
    s.complete(DI, &min_data_input("FALSE"), None, To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &OGD, allocate("This is a matter for the Ministry of Justice"), To(TC, DCU_CENTRAL_DRAFTING))
        .complete(TC, &TRANSFER_ACCEPT, None, Closed)
        .expect_data(&[("OGDDept", "Ministry of Justice")]);
    scenarios.push(s.build());

    let mut s = Builder::min("MIN: a rejected transfer goes back to markup, which asks for a policy response");
    s.complete(DI, &min_data_input("FALSE"), None, To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &OGD, allocate("This is a matter for the Ministry of Justice"), To(TC, DCU_CENTRAL_DRAFTING))
        .complete(TC, &TRANSFER_REJECT, reject("The Ministry of Justice declined it"), To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &PR_ASYLUM, None, To(ID, IMMIGRATION_DRAFTING));
    scenarios.push(s.build());

    let mut s = Builder::min("MIN: no response needed closes the case when confirmed");
    s.complete(DI, &min_data_input("FALSE"), None, To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &NRN, allocate("A duplicate of a letter already answered"), To(NRC, DCU_CENTRAL_DRAFTING))
        .complete(NRC, &NRN_ACCEPT, None, Closed);
    scenarios.push(s.build());

    let mut s =
        Builder::min("MIN: a rejected no-response-needed goes back to markup, which refers it to another department");
    s.complete(DI, &min_data_input("FALSE"), None, To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &NRN, allocate("A duplicate"), To(NRC, DCU_CENTRAL_DRAFTING))
        .complete(NRC, &NRN_REJECT, reject("It raises a new point"), To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &OGD, allocate("For the Ministry of Justice"), To(TC, DCU_CENTRAL_DRAFTING))
        .complete(TC, &TRANSFER_ACCEPT, None, Closed);
    scenarios.push(s.build());

    let mut s = Builder::min("MIN: markup rejects the case to Data Input, which sends it back to markup");
    s.complete(DI, &min_data_input("FALSE"), None, To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &REJ, reject("The correspondent's address is missing"), To(DI, PERFORMANCE_AND_PROCESS))
        .complete(DI, &min_data_input("FALSE"), None, To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &NRN, allocate("Already answered"), To(NRC, DCU_CENTRAL_DRAFTING))
        .complete(NRC, &NRN_ACCEPT, None, Closed);
    scenarios.push(s.build());

    let mut s = Builder::min(
        "MIN: a drafting team that cannot answer returns the case to markup, which overrides the drafting team",
    );
    s.complete(DI, &min_data_input("FALSE"), None, To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &PR_ASYLUM, None, To(ID, IMMIGRATION_DRAFTING))
        .complete(ID, &DRAFT_REJECT, reject("This is about policing, not immigration"), To(MK, DCU_CENTRAL_DRAFTING))
        .complete(
            MK,
            &[("MarkupDecision", "PR"), ("Topic", TOPIC_ASYLUM_SUPPORT), ("OverrideDraftingTeam", POLICING_DRAFTING)],
            None,
            To(ID, POLICING_DRAFTING),
        )
        .complete(ID, &LETTER_ONLINE_QA, None, To(QA, POLICING_DRAFTING))
        .expect_data(&[("DraftCount", "1"), ("OverrideDraftingTeam", POLICING_DRAFTING)]);
    scenarios.push(s.build());

    let mut s = Builder::min("MIN: after a phone call the drafter chooses a letter, and offline QA skips QA Response");
    s.complete(DI, &min_data_input("FALSE"), None, To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &PR_ASYLUM, None, To(ID, IMMIGRATION_DRAFTING))
        .complete(
            ID,
            &PHONE_THEN_ANOTHER,
            phonecall("Spoke to the MP's office; they want a letter"),
            To(ID, IMMIGRATION_DRAFTING),
        )
        .complete(ID, &LETTER_OFFLINE_QA, None, To(PO, IMMIGRATION_MINISTER_OFFICE))
        .complete(PO, &PO_ACCEPT, None, To(MSO, IMMIGRATION_MINISTER_OFFICE))
        .complete(MSO, &SIGNED_WET, None, To(DSP, PERFORMANCE_AND_PROCESS))
        .on(date(2018, 12, 12))
        .complete(DSP, &DISPATCH_ACCEPT, None, Closed)
        .despatched(0)
        .expect_data(&[("DraftCount", "1"), ("OfflineQA", "TRUE"), ("OfflineQaUser", QA_OFFICER)]);
    scenarios.push(s.build());

    let mut s = Builder::min("MIN: a case answered by phone closes without a despatched reply");
    s.complete(DI, &min_data_input("FALSE"), None, To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &PR_ASYLUM, None, To(ID, IMMIGRATION_DRAFTING))
        .complete(ID, &PHONE_ONLY, phonecall("Explained the policy to the MP by phone"), Closed);
    scenarios.push(s.build());

    let mut s = Builder::min("MIN: QA returns an email draft to the drafting team, which redrafts it as a letter");
    s.complete(DI, &min_data_input("FALSE"), None, To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &PR_ASYLUM, None, To(ID, IMMIGRATION_DRAFTING))
        .complete(ID, &EMAIL_ONLINE_QA, None, To(QA, IMMIGRATION_DRAFTING))
        .complete(QA, &QA_REJECT, reject("Answer the second question too"), To(ID, IMMIGRATION_DRAFTING))
        .complete(ID, &LETTER_ONLINE_QA, None, To(QA, IMMIGRATION_DRAFTING))
        .complete(QA, &QA_ACCEPT, None, To(PO, IMMIGRATION_MINISTER_OFFICE))
        .expect_data(&[("DraftCount", "2"), ("QAOnlineCount", "2")]);
    scenarios.push(s.build());

    let mut s = Builder::min("MIN: the private office rejects the draft, which goes back to initial draft");
    min_to_private_office(&mut s, "FALSE");
    s.complete(PO, &PO_REJECT, reject("The minister wants a warmer tone"), To(ID, IMMIGRATION_DRAFTING)).complete(
        ID,
        &DRAFT_REJECT,
        reject("Not ours after all"),
        To(MK, DCU_CENTRAL_DRAFTING),
    );
    scenarios.push(s.build());

    let mut s = Builder::min(
        "MIN: the private office changes minister to the Home Secretary, which puts the case on the 10-day schedule",
    );
    min_to_private_office(&mut s, "FALSE");
    s.on(date(2018, 11, 20))
        .schedule(min_home_secretary(), "home-secretary", wd10())
        .complete(
            PO,
            &[("PrivateOfficeDecision", "CHANGE"), ("PrivateOfficeOverridePOTeam", HOME_SECRETARY_OFFICE)],
            allocate("The Home Secretary will sign this one"),
            To(PO, HOME_SECRETARY_OFFICE),
        )
        .complete(PO, &PO_ACCEPT, None, To(MSO, HOME_SECRETARY_OFFICE))
        .complete(MSO, &SIGNED_DIGITAL, None, To(DSP, PERFORMANCE_AND_PROCESS))
        .on(date(2018, 11, 28))
        .complete(DSP, &DISPATCH_ACCEPT, None, Closed)
        .despatched(0)
        .expect_data(&[("PrivateOfficeOverridePOTeam", HOME_SECRETARY_OFFICE)]);
    scenarios.push(s.build());

    let mut s = Builder::min(
        "MIN: a markup override sends the case to the Home Secretary until the private office changes the topic",
    );
    s.complete(DI, &min_data_input("FALSE"), None, To(MK, DCU_CENTRAL_DRAFTING))
        .schedule(min_home_secretary(), "home-secretary", wd10())
        .complete(
            MK,
            &[("MarkupDecision", "PR"), ("Topic", TOPIC_ASYLUM_SUPPORT), ("OverridePOTeam", HOME_SECRETARY_OFFICE)],
            None,
            To(ID, IMMIGRATION_DRAFTING),
        )
        .complete(ID, &LETTER_ONLINE_QA, None, To(QA, IMMIGRATION_DRAFTING))
        .complete(QA, &QA_ACCEPT, None, To(PO, HOME_SECRETARY_OFFICE))
        .schedule(min_minister(), "minister", wd20())
        .complete(
            PO,
            &[("PrivateOfficeDecision", "TOPIC"), ("Topic", TOPIC_CHILD_SAFEGUARDING)],
            change("This is about child safeguarding"),
            To(PO, POLICING_MINISTER_OFFICE),
        )
        .complete(PO, &PO_ACCEPT, None, To(MSO, POLICING_MINISTER_OFFICE));
    scenarios.push(s.build());

    let mut s = Builder::min(
        "MIN: a topic signed by the Home Secretary puts the case on the 7/7/9/9/10 schedule from markup and it is copied to Number 10",
    );
    s.complete(DI, &min_data_input("TRUE"), None, To(MK, DCU_CENTRAL_DRAFTING))
        .schedule(min_home_secretary(), "home-secretary", wd10())
        .complete(MK, &[("MarkupDecision", "PR"), ("Topic", TOPIC_POLICE_FUNDING)], None, To(ID, POLICING_DRAFTING))
        .complete(ID, &LETTER_ONLINE_QA, None, To(QA, POLICING_DRAFTING))
        .complete(QA, &QA_ACCEPT, None, To(PO, HOME_SECRETARY_OFFICE))
        .complete(PO, &PO_ACCEPT, None, To(MSO, HOME_SECRETARY_OFFICE))
        .complete(MSO, &SIGNED_WET, None, To(DSP, PERFORMANCE_AND_PROCESS))
        .on(date(2018, 11, 29))
        .complete(DSP, &DISPATCH_ACCEPT, None, To(NO10, TRANSFERS_AND_NO10))
        .despatched(1)
        .complete(NO10, &[], None, Closed);
    scenarios.push(s.build());

    let mut s = Builder::min("MIN: the minister declines to sign, which returns the case to initial draft");
    min_to_private_office(&mut s, "FALSE");
    s.complete(PO, &PO_ACCEPT, None, To(MSO, IMMIGRATION_MINISTER_OFFICE)).complete(
        MSO,
        &[("MinisterSignOffDecision", "REJECT")],
        reject("The minister wants the figures updated"),
        To(ID, IMMIGRATION_DRAFTING),
    );
    scenarios.push(s.build());

    let mut s = Builder::min(
        "MIN: sign-off not applicable and a despatch rejection both return the case to the private office",
    );
    min_to_private_office(&mut s, "FALSE");
    s.complete(PO, &PO_ACCEPT, None, To(MSO, IMMIGRATION_MINISTER_OFFICE))
        .complete(
            MSO,
            &[("MinisterSignOffDecision", "NOT_APPLICABLE")],
            reject("An official should sign this"),
            To(PO, IMMIGRATION_MINISTER_OFFICE),
        )
        .complete(PO, &PO_ACCEPT, None, To(MSO, IMMIGRATION_MINISTER_OFFICE))
        .complete(MSO, &SIGNED_WET, None, To(DSP, PERFORMANCE_AND_PROCESS))
        .complete(
            DSP,
            &DISPATCH_REJECT,
            reject("The signed letter is missing a page"),
            To(PO, IMMIGRATION_MINISTER_OFFICE),
        );
    scenarios.push(s.build());

    scenarios
}

fn tro_scenarios() -> Vec<Scenario> {
    let mut scenarios = Vec::new();

    let mut s = Builder::tro("TRO: a policy response is despatched by its drafting team, which confirms the email");
    s.complete(DI, &tro_data_input("FALSE"), None, To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &PR_ASYLUM, None, To(ID, IMMIGRATION_DRAFTING))
        .complete(ID, &LETTER_ONLINE_QA, None, To(QA, IMMIGRATION_DRAFTING))
        .complete(QA, &QA_ACCEPT, None, To(DSP, IMMIGRATION_DRAFTING))
        .on(date(2018, 12, 3))
        .complete(DSP, &TRO_DISPATCH_ACCEPT, None, Closed)
        .despatched(0)
        .expect_data(&[("ConfirmEmailedDCU", "TRUE")]);
    scenarios.push(s.build());

    let mut s =
        Builder::tro("TRO: an FAQ response with offline QA goes straight to Dispatch and is copied to Number 10");
    s.complete(DI, &tro_data_input("TRUE"), None, To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &FAQ_ASYLUM, None, To(ID, DCU_CENTRAL_DRAFTING))
        .complete(
            ID,
            &[
                ("InitialDraftDecision", "ACCEPT"),
                ("ResponseChannel", "EMAIL"),
                ("OfflineQA", "TRUE"),
                ("OfflineQaUser", QA_OFFICER),
            ],
            None,
            To(DSP, DCU_CENTRAL_DRAFTING),
        )
        .on(date(2018, 12, 13))
        .complete(DSP, &TRO_DISPATCH_ACCEPT, None, To(NO10, TRANSFERS_AND_NO10))
        .despatched(1)
        .complete(NO10, &[], None, Closed);
    scenarios.push(s.build());

    let mut s = Builder::tro("TRO: QA rejection, QA modification and a despatch rejection all return to initial draft");
    s.complete(DI, &tro_data_input("FALSE"), None, To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &PR_ASYLUM, None, To(ID, IMMIGRATION_DRAFTING))
        .complete(ID, &EMAIL_ONLINE_QA, None, To(QA, IMMIGRATION_DRAFTING))
        .complete(QA, &QA_REJECT, reject("Too long"), To(ID, IMMIGRATION_DRAFTING))
        .complete(ID, &EMAIL_ONLINE_QA, None, To(QA, IMMIGRATION_DRAFTING))
        .complete(QA, &QA_MODIFY, None, To(DSP, IMMIGRATION_DRAFTING))
        .complete(DSP, &DISPATCH_REJECT, reject("The email address bounced"), To(ID, IMMIGRATION_DRAFTING))
        .expect_data(&[("DraftCount", "2"), ("QAOnlineCount", "2")]);
    scenarios.push(s.build());

    let mut s = Builder::tro(
        "TRO: rejected transfer and no-response-needed go back to markup, which rejects to Data Input before a transfer",
    );
    s.complete(DI, &tro_data_input("FALSE"), None, To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &OGD, allocate("For the Ministry of Justice"), To(TC, DCU_CENTRAL_DRAFTING))
        .complete(TC, &TRANSFER_REJECT, reject("Declined"), To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &NRN, allocate("A duplicate"), To(NRC, DCU_CENTRAL_DRAFTING))
        .complete(NRC, &NRN_REJECT, reject("Not a duplicate"), To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &REJ, reject("Wrong date of correspondence"), To(DI, PERFORMANCE_AND_PROCESS))
        .complete(DI, &tro_data_input("FALSE"), None, To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &OGD, allocate("For the Ministry of Justice after all"), To(TC, DCU_CENTRAL_DRAFTING))
        .complete(TC, &TRANSFER_ACCEPT, None, Closed);
    scenarios.push(s.build());

    let mut s = Builder::tro("TRO: no response needed closes the case when confirmed");
    s.complete(DI, &tro_data_input("FALSE"), None, To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &NRN, allocate("Abusive; no reply"), To(NRC, DCU_CENTRAL_DRAFTING))
        .complete(NRC, &NRN_ACCEPT, None, Closed);
    scenarios.push(s.build());

    let mut s = Builder::tro(
        "TRO: the drafting team rejects, then phones the correspondent, chooses to phone again, and closes by phone",
    );
    s.complete(DI, &tro_data_input("FALSE"), None, To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &PR_ASYLUM, None, To(ID, IMMIGRATION_DRAFTING))
        .complete(ID, &DRAFT_REJECT, reject("Not ours"), To(MK, DCU_CENTRAL_DRAFTING))
        .complete(MK, &[("MarkupDecision", "PR"), ("Topic", TOPIC_CHILD_SAFEGUARDING)], None, To(ID, POLICING_DRAFTING))
        .complete(ID, &PHONE_THEN_ANOTHER, phonecall("No answer; will try again"), To(ID, POLICING_DRAFTING))
        .complete(ID, &PHONE_ONLY, phonecall("Explained by phone"), Closed);
    scenarios.push(s.build());

    scenarios
}

fn dten_scenarios() -> Vec<Scenario> {
    let mut scenarios = Vec::new();

    let mut s =
        Builder::dten("DTEN: a policy response follows the typed drafting and dispatch deadlines and is despatched");
    s.complete(DI, &DTEN_DATA_INPUT, None, To(MK, TRANSFERS_AND_NO10))
        .complete(MK, &PR_ASYLUM, None, To(ID, IMMIGRATION_DRAFTING))
        .complete(ID, &DTEN_DRAFT_ONLINE_QA, None, To(QA, IMMIGRATION_DRAFTING))
        .complete(QA, &QA_ACCEPT, None, To(PO, IMMIGRATION_MINISTER_OFFICE))
        .complete(PO, &PO_ACCEPT, None, To(DSP, TRANSFERS_AND_NO10))
        .on(date(2018, 12, 7))
        .complete(DSP, &DISPATCH_ACCEPT, None, Closed)
        .despatched(2)
        .expect_data(&[("DCU_DTEN_DISPATCH_DEADLINE", "2018-12-05")]);
    scenarios.push(s.build());

    let mut s = Builder::dten(
        "DTEN: rejections by the drafting team, QA, the private office and Dispatch each send the case back",
    );
    s.complete(DI, &DTEN_DATA_INPUT, None, To(MK, TRANSFERS_AND_NO10))
        .complete(MK, &PR_ASYLUM, None, To(ID, IMMIGRATION_DRAFTING))
        .complete(ID, &DRAFT_REJECT, reject("A frequently asked question"), To(MK, TRANSFERS_AND_NO10))
        .complete(MK, &FAQ_ASYLUM, None, To(ID, DCU_CENTRAL_DRAFTING))
        .complete(ID, &DTEN_DRAFT_OFFLINE_QA, None, To(PO, IMMIGRATION_MINISTER_OFFICE))
        .complete(PO, &PO_ACCEPT, None, To(DSP, TRANSFERS_AND_NO10))
        .complete(DSP, &DISPATCH_REJECT, reject("Unsigned"), To(PO, IMMIGRATION_MINISTER_OFFICE))
        .complete(PO, &PO_REJECT, reject("Redraft"), To(ID, DCU_CENTRAL_DRAFTING))
        .complete(ID, &DTEN_DRAFT_ONLINE_QA, None, To(QA, DCU_CENTRAL_DRAFTING))
        .complete(QA, &QA_REJECT, reject("Check the figures"), To(ID, DCU_CENTRAL_DRAFTING))
        .complete(ID, &DTEN_DRAFT_ONLINE_QA, None, To(QA, DCU_CENTRAL_DRAFTING))
        .complete(QA, &QA_MODIFY, None, To(PO, IMMIGRATION_MINISTER_OFFICE))
        .expect_data(&[("DraftCount", "3"), ("QAOnlineCount", "2")]);
    scenarios.push(s.build());

    let mut s = Builder::dten(
        "DTEN: rejected transfer and no-response-needed go back to markup, which rejects to Data Input before a transfer",
    );
    s.complete(DI, &DTEN_DATA_INPUT, None, To(MK, TRANSFERS_AND_NO10))
        .complete(MK, &OGD, allocate("For the Ministry of Justice"), To(TC, TRANSFERS_AND_NO10))
        .complete(TC, &TRANSFER_REJECT, reject("Declined"), To(MK, TRANSFERS_AND_NO10))
        .complete(MK, &NRN, allocate("A duplicate"), To(NRC, TRANSFERS_AND_NO10))
        .complete(NRC, &NRN_REJECT, reject("Not a duplicate"), To(MK, TRANSFERS_AND_NO10))
        .complete(MK, &REJ, reject("The deadlines were typed wrongly"), To(DI, TRANSFERS_AND_NO10))
        .complete(DI, &DTEN_DATA_INPUT, None, To(MK, TRANSFERS_AND_NO10))
        .complete(MK, &OGD, allocate("For the Ministry of Justice after all"), To(TC, TRANSFERS_AND_NO10))
        .complete(TC, &TRANSFER_ACCEPT, None, Closed);
    scenarios.push(s.build());

    let mut s = Builder::dten("DTEN: no response needed closes the case when confirmed");
    s.complete(DI, &DTEN_DATA_INPUT, None, To(MK, TRANSFERS_AND_NO10))
        .complete(MK, &NRN, allocate("Number 10 has replied"), To(NRC, TRANSFERS_AND_NO10))
        .complete(NRC, &NRN_ACCEPT, None, Closed);
    scenarios.push(s.build());

    scenarios
}

/// The steps (actor, command) that take a new MIN case of [`demo_world`] from Data Input to
/// Dispatch with a reply by email: `reply` is attached (tag `DRAFT`) before the draft is
/// submitted, then approved by the private office and signed off digitally. `copy_number_ten`
/// flags the case for a copy to Number 10. The despatch itself is [`despatch_step`].
pub fn min_email_reply_steps(reply: &crate::case::DocumentRef, copy_number_ten: bool) -> Vec<(&'static str, Command)> {
    let complete = |stage: &str, fields: &[(&str, &str)]| Command::CompleteStage {
        stage: stage.to_string(),
        fields: fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        note: None,
        take: true,
    };
    let copy = if copy_number_ten { "TRUE" } else { "FALSE" };
    vec![
        (
            CASEWORKER,
            complete(
                "DATA_INPUT",
                &[
                    ("DateOfCorrespondence", LETTER_SENT),
                    ("OriginalChannel", "EMAIL"),
                    ("CopyNumberTen", copy),
                    ("HomeSecInterest", "FALSE"),
                    ("HomeSecReply", "FALSE"),
                ],
            ),
        ),
        (CASEWORKER, complete("MARKUP", &PR_ASYLUM)),
        (IMMIGRATION_DRAFTER, Command::AttachDocument { document: reply.clone() }),
        (IMMIGRATION_DRAFTER, complete("INITIAL_DRAFT", &EMAIL_ONLINE_QA)),
        (QA_OFFICER, complete("QA_RESPONSE", &QA_ACCEPT)),
        (IMMIGRATION_MINISTER_PO, complete("PRIVATE_OFFICE", &PO_ACCEPT)),
        (IMMIGRATION_MINISTER_PO, complete("MINISTER_SIGN_OFF", &SIGNED_DIGITAL)),
    ]
}

/// The despatch of a case at Dispatch by [`DESPATCH_OFFICER`], with the date it was posted when
/// given.
pub fn despatch_step(posted_on: Option<NaiveDate>) -> (&'static str, Command) {
    let mut fields = BTreeMap::from([("DispatchDecision".to_string(), "ACCEPT".to_string())]);
    if let Some(date) = posted_on {
        fields.insert("DespatchDate".to_string(), date.to_string());
    }
    (DESPATCH_OFFICER, Command::CompleteStage { stage: "DISPATCH".to_string(), fields, note: None, take: true })
}
