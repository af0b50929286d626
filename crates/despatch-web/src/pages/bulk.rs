//! Actions on the selected rows of a workstack (hocs.md §5): allocate to me, unallocate, allocate
//! to a team member, move to another team; and "take next case". Each row is one engine command
//! through [`Casework`](despatch_store::Casework), first checked against the user's access level
//! for the case (as the case page's buttons are); a refused row is reported with its reason and
//! the others are still applied.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use despatch_domain::access::CaseAccess;
use despatch_domain::case::CaseState;
use despatch_domain::command::{Actor, Command};
use despatch_domain::engine::CommandError;
use despatch_store::{AllocationFilter, StoreError, WorkstackQuery, WorkstackSort};

use super::workstack::{Results, Scope, render};
use crate::access::{CurrentUser, case_access};
use crate::{AppState, WebError};

/// Most attempts "take next case" makes when others take the cases it finds first.
const TAKE_NEXT_ATTEMPTS: usize = 5;

/// `POST /teams/{team}/bulk?…`: the action on the selected rows of a team's workstack; the page
/// comes back with the same filters and a report of each row.
pub(crate) async fn team(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(team): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    if !user.in_team(&team) {
        return Err(WebError::Forbidden);
    }
    apply(&state, &user, Scope::Team(team), &query, posted).await
}

/// `POST /mine/bulk?…`: the same on "my cases".
pub(crate) async fn mine(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    apply(&state, &user, Scope::Mine, &query, posted).await
}

/// Whether the user's access level for a case allows a bulk action's command (the same
/// decisions as the case page's buttons).
/// Unallocating a stage allocated to nobody is left to the engine, which says so.
fn permits(user: &CurrentUser, case: &CaseState, command: &Command, access: &CaseAccess) -> bool {
    let allocated = case.stage.as_ref().is_some_and(|stage| stage.user.is_some());
    match command {
        Command::AllocateToUser { user: to } if *to == user.name => access.take,
        Command::AllocateToUser { .. } => access.allocate_others,
        Command::Unallocate => access.unallocate || (access.add_note && !allocated),
        Command::MoveToTeam { .. } => access.move_team,
        _ => false,
    }
}

/// The command an action field asks for, or the form field at fault and its message.
fn command(
    user: &CurrentUser,
    fields: &HashMap<&str, &str>,
) -> Result<(Command, &'static str), (&'static str, String)> {
    let field = |name: &str| fields.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    match field("action") {
        Some("allocate-to-me") => Ok((Command::AllocateToUser { user: user.name.clone() }, "Allocated to you")),
        Some("unallocate") => Ok((Command::Unallocate, "Unallocated")),
        Some("allocate-to-user") => match field("user") {
            Some(name) => Ok((Command::AllocateToUser { user: name.to_string() }, "Allocated to the team member")),
            None => Err(("user", "Select a team member".to_string())),
        },
        Some("move-to-team") => match field("team") {
            Some(team) => Ok((
                Command::MoveToTeam { team: team.to_string(), reason: field("reason").unwrap_or_default().to_string() },
                "Moved to the other team",
            )),
            None => Err(("team", "Select a team".to_string())),
        },
        _ => Err(("action", "Choose an action".to_string())),
    }
}

/// A refusal of the engine in words for the report.
fn refusal(error: &StoreError) -> String {
    let text = match error {
        StoreError::Command(CommandError::Invalid(errors)) => {
            errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join(". ")
        }
        StoreError::Command(other) => other.to_string(),
        other => other.to_string(),
    };
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

async fn apply(
    state: &AppState,
    user: &CurrentUser,
    scope: Scope,
    query: &HashMap<String, String>,
    posted: Vec<(String, String)>,
) -> Result<Response, WebError> {
    let fields: HashMap<&str, &str> = posted.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let reason = fields.get("reason").map(|r| r.to_string()).unwrap_or_default();
    let selected: Vec<&str> = posted.iter().filter(|(k, _)| k == "case").map(|(_, v)| v.as_str()).collect();
    let mut results = Results::default();
    let (command, done) = match command(user, &fields) {
        Ok(found) => found,
        Err(field_error) => {
            results.field_error = Some(field_error);
            let page = render(state, user, scope, query, results, reason).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    if selected.is_empty() {
        results.field_error = Some(("case", "Select at least one case".to_string()));
        let page = render(state, user, scope, query, results, reason).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let actor = Actor::user(&user.name);
    let mut applied = Vec::new();
    for id in selected {
        let label = id.to_string();
        // Only a case a team of the user holds now can be acted on; anything else reads as not
        // found, so a case's existence is not revealed.
        let case = match id.parse::<i64>() {
            Ok(id) => state.store().case(id).await?,
            Err(_) => None,
        };
        let Some(case) = case.filter(|c| c.stage.as_ref().is_some_and(|s| user.in_team(&s.team))) else {
            results.refused.push(format!("Case {label}: not found in your teams' workstacks"));
            continue;
        };
        let reference = case.reference.to_string();
        let history = state.store().stage_history(case.id).await?;
        if !permits(user, &case, &command, &case_access(&state.casework.world(), user, &case, &history)) {
            results.refused.push(format!("{reference}: your access level for this case type does not allow this"));
            continue;
        }
        match state.casework.execute_on(&case, &command, &actor, Utc::now()).await {
            Ok(_) => applied.push(reference),
            Err(error @ (StoreError::Command(_) | StoreError::NotFound(_))) => {
                tracing::info!(case = case.id, %error, "bulk action refused");
                let field = match &error {
                    StoreError::Command(CommandError::Invalid(errors)) => errors.first().map(|e| e.field.clone()),
                    _ => None,
                };
                if field.as_deref() == Some("note") && results.field_error.is_none() {
                    results.field_error = Some(("reason", refusal(&error)));
                }
                results.refused.push(format!("{reference}: {}", refusal(&error)));
            }
            Err(other) => return Err(other.into()),
        }
    }
    if !applied.is_empty() {
        results.applied = format!("{done}: {}", applied.join(", "));
    }
    let status = if applied.is_empty() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let reason = if results.refused.is_empty() { String::new() } else { reason };
    let page = render(state, user, scope, query, results, reason).await?;
    Ok((status, page).into_response())
}

/// `POST /teams/{team}/take-next`: allocates to the user the team's unallocated open case with
/// the oldest deadline and opens it. When none is left the workstack says so.
pub(crate) async fn take_next(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(team): Path<String>,
) -> Result<Response, WebError> {
    if !user.in_team(&team) {
        return Err(WebError::Forbidden);
    }
    let actor = Actor::user(&user.name);
    let command = Command::AllocateToUser { user: user.name.clone() };
    for _ in 0..TAKE_NEXT_ATTEMPTS {
        let next = state
            .store()
            .workstack_page(&WorkstackQuery {
                team: Some(team.clone()),
                allocation: AllocationFilter::Unallocated,
                sort: WorkstackSort::Deadline,
                page: 1,
                page_size: 1,
                ..WorkstackQuery::default()
            })
            .await?;
        let Some(summary) = next.rows.first() else { break };
        let Some(case) = state.store().case(summary.id).await? else { continue };
        if case.stage.as_ref().is_none_or(|s| s.user.is_some() || s.team != team) {
            continue;
        }
        let history = state.store().stage_history(case.id).await?;
        if !case_access(&state.casework.world(), &user, &case, &history).take {
            let text =
                format!("{}: your access level for this case type does not allow you to take it", case.reference);
            let results = Results { refused: vec![text], ..Results::default() };
            let page = render(&state, &user, Scope::Team(team), &HashMap::new(), results, String::new()).await?;
            return Ok((StatusCode::FORBIDDEN, page).into_response());
        }
        // The version guard makes this fail, rather than take the case from a colleague, when
        // someone else allocated it a moment ago; then the next one is tried.
        match state.casework.execute_on(&case, &command, &actor, Utc::now()).await {
            Ok(_) => return Ok(Redirect::to(&format!("/cases/{}", case.id)).into_response()),
            Err(StoreError::Command(CommandError::StaleVersion { .. })) => continue,
            Err(StoreError::Command(error)) => {
                let results = Results { refused: vec![format!("{}: {}", case.reference, error)], ..Results::default() };
                let page = render(&state, &user, Scope::Team(team), &HashMap::new(), results, String::new()).await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
            }
            Err(other) => return Err(other.into()),
        }
    }
    let results = Results {
        field_error: Some(("take-next", "There is no unallocated case to take in this team".to_string())),
        ..Results::default()
    };
    let page = render(&state, &user, Scope::Team(team), &HashMap::new(), results, String::new()).await?;
    Ok((StatusCode::OK, page).into_response())
}
