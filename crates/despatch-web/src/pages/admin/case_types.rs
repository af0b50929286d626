//! Case types, read-only: each definition's stages (with their teams and questions), decisions,
//! deadline rules and schedules, and its flow drawn as SVG on the server (no script). Case types
//! are changed as files (`definitions/*.toml`, checked by `despatch definitions check`), not here.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use despatch_domain::calendar::DayOneRule;
use despatch_domain::definition::{self, TargetRule};

use crate::access::Administrator;
use crate::pages::{Nav, humanise, team_name};
use crate::{AppState, WebError};

/// A case type as listed.
struct CaseTypeRow {
    code: String,
    name: String,
    version: u32,
    stages: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/case_types.html")]
pub(crate) struct CaseTypesPage {
    title: String,
    nav: Option<Nav>,
    case_types: Vec<CaseTypeRow>,
}

/// `GET /admin/case-types`.
pub(crate) async fn list(State(state): State<AppState>, Administrator(admin): Administrator) -> CaseTypesPage {
    let world = state.casework.world();
    let case_types = world
        .definitions()
        .codes()
        .filter_map(|code| world.definitions().latest(code))
        .map(|d| CaseTypeRow { code: d.code.clone(), name: d.name.clone(), version: d.version, stages: d.stages.len() })
        .collect();
    CaseTypesPage { title: "Case types".to_string(), nav: Some(Nav::new(&admin, "admin")), case_types }
}

/// A stage as the case type's page shows it.
struct StageRow {
    id: String,
    name: String,
    team: String,
    questions: Vec<String>,
}

/// A decision: from, when, to.
struct DecisionRow {
    from: String,
    when: String,
    to: String,
}

/// A deadline schedule: its name, case target and stage targets.
struct ScheduleRow {
    name: String,
    case: String,
    stages: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/case_type.html")]
pub(crate) struct CaseTypePage {
    title: String,
    nav: Option<Nav>,
    code: String,
    version: u32,
    initial: String,
    regions: String,
    day_one: &'static str,
    warning: String,
    stages: Vec<StageRow>,
    decisions: Vec<DecisionRow>,
    schedules: Vec<ScheduleRow>,
    rules: Vec<(String, String)>,
    /// The flow drawn by the domain as SVG (its text escaped there).
    diagram: String,
}

fn target(rule: Option<TargetRule>) -> String {
    match rule {
        Some(TargetRule::WorkingDays(days)) => format!("{days} working days"),
        Some(TargetRule::Case) => "the case deadline".to_string(),
        Some(TargetRule::Field(field)) => format!("the date in {}", humanise(&field)),
        Some(TargetRule::None) | None => "none".to_string(),
    }
}

/// `GET /admin/case-types/{code}`: the newest version of the case type.
pub(crate) async fn show(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Path(code): Path<String>,
) -> Result<CaseTypePage, WebError> {
    let world = state.casework.world();
    let definition = world.definitions().latest(&code).ok_or(WebError::NotFound)?;
    let stage_name = |id: &str| definition.stage(id).map_or_else(|| id.to_string(), |stage| stage.name.clone());
    let stages = definition
        .stages
        .iter()
        .map(|stage| StageRow {
            id: stage.id.get_ref().clone(),
            name: stage.name.clone(),
            team: match (&stage.team.default, &stage.team.role) {
                (Some(team), _) => team_name(&world, team.get_ref()),
                (None, Some(role)) => format!("the case's {} (a role)", humanise(role.get_ref())),
                (None, None) => "none".to_string(),
            },
            questions: stage.fields.iter().map(|field| field.label.clone()).collect(),
        })
        .collect();
    let decisions = definition::edges(definition)
        .into_iter()
        .map(|edge| DecisionRow {
            from: stage_name(&edge.from),
            when: if edge.label.is_empty() { "always".to_string() } else { edge.label },
            to: edge.to.as_deref().map_or_else(|| "Closed".to_string(), stage_name),
        })
        .collect();
    let deadlines = &definition.deadlines;
    let schedules = deadlines
        .schedules
        .iter()
        .map(|(name, schedule)| ScheduleRow {
            name: humanise(name),
            case: target(schedule.case.rule()),
            stages: schedule
                .stages
                .iter()
                .map(|(stage, rule)| format!("{}: {}", stage_name(stage.get_ref()), target(rule.rule())))
                .collect::<Vec<_>>()
                .join("; "),
        })
        .collect();
    Ok(CaseTypePage {
        title: format!("{} ({})", definition.name, definition.code),
        nav: Some(Nav::new(&admin, "admin")),
        code: definition.code.clone(),
        version: definition.version,
        initial: stage_name(definition.initial_stage.get_ref()),
        regions: deadlines.regions.iter().map(|r| r.name()).collect::<Vec<_>>().join(", "),
        day_one: match deadlines.day_one {
            DayOneRule::CabinetOffice => "Cabinet Office: day 1 is the first working day after receipt",
            DayOneRule::Hocs => "HOCS: a receipt on a non-working day moves to the next working day first",
        },
        warning: deadlines
            .warning_days
            .map_or_else(|| "none".to_string(), |days| format!("amber from {days} working days after receipt")),
        stages,
        decisions,
        schedules,
        rules: deadlines.rules.iter().map(|rule| (rule.name.clone(), humanise(rule.schedule.get_ref()))).collect(),
        diagram: definition::svg(definition),
    })
}
