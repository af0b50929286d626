//! Units and teams: list, add, rename, move a team to another unit, deactivate and reactivate.
//! Codes never change once made (case data and definitions name them).

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use despatch_domain::directory::{Team, Unit};

use super::{Problem, change_directory, code, name};
use crate::access::{Administrator, CurrentUser};
use crate::pages::Nav;
use crate::{AppState, WebError};

/// A team as listed.
struct TeamRow {
    code: String,
    name: String,
    active: bool,
    members: usize,
}

/// A unit with its teams.
struct UnitView {
    code: String,
    name: String,
    active: bool,
    teams: Vec<TeamRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/teams.html")]
pub(crate) struct TeamsPage {
    title: String,
    nav: Option<Nav>,
    csrf: String,
    units: Vec<UnitView>,
    problems: Vec<Problem>,
    /// The add forms' answers, kept after a refusal.
    posted: HashMap<String, String>,
}

impl TeamsPage {
    fn value(&self, field: &str) -> &str {
        self.posted.get(field).map_or("", String::as_str)
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.problems.iter().find(|p| p.anchor == field).map(|p| p.message.as_str())
    }
}

fn teams_page(
    state: &AppState,
    admin: &CurrentUser,
    problems: Vec<Problem>,
    posted: HashMap<String, String>,
) -> TeamsPage {
    let world = state.casework.world();
    let directory = world.directory();
    let members = |team: &str| directory.memberships.values().filter(|teams| teams.contains(team)).count();
    let mut units: Vec<UnitView> = directory
        .units
        .values()
        .map(|unit| UnitView {
            code: unit.code.clone(),
            name: unit.name.clone(),
            active: unit.active,
            teams: Vec::new(),
        })
        .collect();
    for team in directory.teams.values() {
        let row = TeamRow {
            code: team.code.clone(),
            name: team.name.clone(),
            active: team.active,
            members: members(&team.code),
        };
        match units.iter_mut().find(|unit| unit.code == team.unit) {
            Some(unit) => unit.teams.push(row),
            None => units.push(UnitView {
                code: team.unit.clone(),
                name: team.unit.clone(),
                active: true,
                teams: vec![row],
            }),
        }
    }
    TeamsPage {
        title: "Units and teams".to_string(),
        nav: Some(Nav::new(admin, "admin")),
        csrf: admin.csrf.clone(),
        units,
        problems,
        posted,
    }
}

/// `GET /admin/teams`.
pub(crate) async fn list(State(state): State<AppState>, Administrator(admin): Administrator) -> TeamsPage {
    teams_page(&state, &admin, Vec::new(), HashMap::new())
}

/// The answer to a change: back to `to` when made, else `page` with 422.
fn answer(made: Result<(), Vec<Problem>>, to: &str, page: impl FnOnce(Vec<Problem>) -> Response) -> Response {
    match made {
        Ok(()) => Redirect::to(to).into_response(),
        Err(problems) => {
            let mut response = page(problems);
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
    }
}

fn field<'a>(posted: &'a HashMap<String, String>, name: &str) -> &'a str {
    posted.get(name).map_or("", String::as_str)
}

/// `POST /admin/units`: adds a unit (`unit-code`, `unit-name`).
pub(crate) async fn add_unit(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Form(posted): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let (code_text, name_text) = (field(&posted, "unit-code").to_string(), field(&posted, "unit-name").to_string());
    let what = format!("add unit {code_text}");
    let made = change_directory(&state, &admin, &what, |directory| {
        let code = code("unit-code", &code_text);
        let name = name("unit-name", &name_text);
        let (code, name) = match (code, name) {
            (Ok(code), Ok(name)) => (code, name),
            (code, name) => return Err(code.err().into_iter().chain(name.err()).collect()),
        };
        if directory.units.contains_key(&code) {
            return Err(vec![Problem::new("unit-code", format!("There is already a unit {code}"))]);
        }
        directory.units.insert(code.clone(), Unit { code, name, active: true });
        Ok(())
    })
    .await?;
    Ok(answer(made, "/admin/teams", |problems| teams_page(&state, &admin, problems, posted).into_response()))
}

/// `POST /admin/units/{code}`: `action` = `rename` (with `name`), `deactivate` or `activate`.
pub(crate) async fn change_unit(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Path(unit): Path<String>,
    Form(posted): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let action = field(&posted, "action").to_string();
    let new_name = field(&posted, "name").to_string();
    let anchor = format!("unit-{unit}-name");
    let what = format!("{action} unit {unit}");
    let made = change_directory(&state, &admin, &what, |directory| {
        let entry = directory
            .units
            .get_mut(&unit)
            .ok_or_else(|| vec![Problem::new("units", format!("There is no unit {unit}"))])?;
        match action.as_str() {
            "rename" => entry.name = name(&anchor, &new_name).map_err(|p| vec![p])?,
            "deactivate" => entry.active = false,
            "activate" => entry.active = true,
            _ => return Err(vec![Problem::new("units", "Choose what to change")]),
        }
        Ok(())
    })
    .await?;
    Ok(answer(made, "/admin/teams", |problems| teams_page(&state, &admin, problems, HashMap::new()).into_response()))
}

/// `POST /admin/teams`: adds a team (`team-code`, `team-name`, `team-unit`).
pub(crate) async fn add_team(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Form(posted): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let (code_text, name_text, unit) = (
        field(&posted, "team-code").to_string(),
        field(&posted, "team-name").to_string(),
        field(&posted, "team-unit").to_string(),
    );
    let what = format!("add team {code_text} to unit {unit}");
    let made = change_directory(&state, &admin, &what, |directory| {
        let mut problems = Vec::new();
        let code = code("team-code", &code_text).map_err(|p| problems.push(p)).ok();
        let name = name("team-name", &name_text).map_err(|p| problems.push(p)).ok();
        if !directory.units.contains_key(&unit) {
            problems.push(Problem::new("team-unit", "Choose the team's unit"));
        }
        if let Some(code) = &code
            && directory.teams.contains_key(code)
        {
            problems.push(Problem::new("team-code", format!("There is already a team {code}")));
        }
        match (code, name) {
            (Some(code), Some(name)) if problems.is_empty() => {
                directory.teams.insert(code.clone(), Team { code, name, unit, active: true });
                Ok(())
            }
            _ => Err(problems),
        }
    })
    .await?;
    Ok(answer(made, "/admin/teams", |problems| teams_page(&state, &admin, problems, posted).into_response()))
}

/// A member as a team's page lists them.
struct MemberRow {
    user: String,
    display_name: String,
    levels: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/team.html")]
pub(crate) struct TeamPage {
    title: String,
    nav: Option<Nav>,
    csrf: String,
    code: String,
    name: String,
    unit: String,
    active: bool,
    units: Vec<(String, String)>,
    members: Vec<MemberRow>,
    problems: Vec<Problem>,
}

fn team_page(state: &AppState, admin: &CurrentUser, team: &str, problems: Vec<Problem>) -> Result<TeamPage, WebError> {
    let world = state.casework.world();
    let directory = world.directory();
    let entry = directory.teams.get(team).ok_or(WebError::NotFound)?;
    let members = directory
        .memberships
        .iter()
        .filter(|(_, teams)| teams.contains(team))
        .map(|(user, _)| MemberRow {
            user: user.clone(),
            display_name: directory.display_name(user),
            levels: directory
                .levels
                .get(&(user.clone(), team.to_string()))
                .map(|levels| {
                    levels
                        .iter()
                        .map(|(case_type, level)| format!("{case_type} {level}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
        })
        .collect();
    Ok(TeamPage {
        title: entry.name.clone(),
        nav: Some(Nav::new(admin, "admin")),
        csrf: admin.csrf.clone(),
        code: entry.code.clone(),
        name: entry.name.clone(),
        unit: entry.unit.clone(),
        active: entry.active,
        units: directory.units.values().map(|unit| (unit.code.clone(), unit.name.clone())).collect(),
        members,
        problems,
    })
}

/// `GET /admin/teams/{code}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Path(team): Path<String>,
) -> Result<TeamPage, WebError> {
    team_page(&state, &admin, &team, Vec::new())
}

/// `POST /admin/teams/{code}`: `action` = `rename` (with `name` and `unit`), `deactivate` or
/// `activate`. A deactivated team is never routed to; its open cases stay where they are.
pub(crate) async fn change(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Path(team): Path<String>,
    Form(posted): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    if !state.casework.world().directory().teams.contains_key(&team) {
        return Err(WebError::NotFound);
    }
    let action = field(&posted, "action").to_string();
    let (new_name, unit) = (field(&posted, "name").to_string(), field(&posted, "unit").to_string());
    let what = format!("{action} team {team}");
    let made = change_directory(&state, &admin, &what, |directory| {
        let units_known = directory.units.contains_key(&unit);
        let entry =
            directory.teams.get_mut(&team).ok_or_else(|| vec![Problem::new("name", "The team no longer exists")])?;
        match action.as_str() {
            "rename" => {
                let name = name("name", &new_name).map_err(|p| vec![p])?;
                if !units_known {
                    return Err(vec![Problem::new("unit", "Choose the team's unit")]);
                }
                entry.name = name;
                entry.unit = unit;
            }
            "deactivate" => entry.active = false,
            "activate" => entry.active = true,
            _ => return Err(vec![Problem::new("name", "Choose what to change")]),
        }
        Ok(())
    })
    .await?;
    let back = format!("/admin/teams/{team}");
    match made {
        Ok(()) => Ok(Redirect::to(&back).into_response()),
        Err(problems) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, team_page(&state, &admin, &team, problems)?).into_response())
        }
    }
}
