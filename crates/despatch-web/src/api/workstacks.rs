//! Workstacks: a team's open cases (members only, else 403), the caller's own cases, and the
//! caller's teams with their counts (the dashboard).

use axum::extract::State;
use despatch_domain::engine::london_date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::ApiUser;
use super::extract::{ApiPath, ApiQuery};
use super::problem::ApiError;
use super::views::{PageView, Paging};
use crate::AppState;

/// A team of the caller, with its open, overdue and unallocated cases.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TeamView {
    /// Team code, for `/teams/{team}/workstack`.
    pub code: String,
    /// Team name.
    pub name: String,
    /// Open cases whose current stage is with the team.
    pub open: u64,
    /// Of those, past their stage (or case) deadline today (Europe/London).
    pub overdue: u64,
    /// Of those, allocated to nobody.
    pub unallocated: u64,
}

/// The caller and their teams.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MeView {
    /// User name.
    pub name: String,
    /// Their teams.
    pub teams: Vec<TeamView>,
}

/// Filters of a workstack.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct WorkstackParams {
    /// Only cases at this stage.
    pub stage: Option<String>,
}

/// The caller, and each of their teams with its counts.
#[utoipa::path(get, path = "/me", tag = "workstacks",
    responses((status = 200, description = "The caller and their teams", body = MeView)))]
pub(crate) async fn me(State(state): State<AppState>, user: ApiUser) -> Result<axum::Json<MeView>, ApiError> {
    let world = state.casework.world();
    let today = london_date(chrono::Utc::now());
    let mut teams = Vec::new();
    for code in &user.user.teams {
        let counts = state.store().team_counts(code, today).await?;
        let name = world.directory().teams.get(code).map_or_else(|| code.clone(), |t| t.name.clone());
        teams.push(TeamView {
            code: code.clone(),
            name,
            open: counts.open,
            overdue: counts.overdue,
            unallocated: counts.unallocated,
        });
    }
    Ok(axum::Json(MeView { name: user.name().to_string(), teams }))
}

/// Open cases allocated to the caller, oldest deadline first.
#[utoipa::path(get, path = "/me/cases", tag = "workstacks", params(Paging),
    responses((status = 200, description = "A page of the caller's cases", body = PageView)))]
pub(crate) async fn my_cases(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<axum::Json<PageView>, ApiError> {
    let (page, size) = paging.resolve(state.config.page_size);
    let found = state.store().user_cases(user.name(), page, size).await?;
    Ok(axum::Json(PageView::new(&found, page, size)))
}

/// A team's open cases, oldest deadline first; only its members may see it (403 otherwise).
#[utoipa::path(get, path = "/teams/{team}/workstack", tag = "workstacks",
    params(("team" = String, Path, description = "Team code"), WorkstackParams, Paging),
    responses((status = 200, description = "A page of the team's open cases", body = PageView),
        (status = 403, description = "Not a member of the team", body = super::problem::Problem,
            content_type = "application/problem+json")))]
pub(crate) async fn workstack(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(team): ApiPath<String>,
    ApiQuery(filter): ApiQuery<WorkstackParams>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<axum::Json<PageView>, ApiError> {
    if !user.in_team(&team) {
        return Err(ApiError::forbidden(format!("Only members of team {team} may see its workstack")));
    }
    let (page, size) = paging.resolve(state.config.page_size);
    let stage = filter.stage.filter(|s| !s.is_empty());
    let found = state.store().workstack(&team, stage.as_deref(), page, size).await?;
    Ok(axum::Json(PageView::new(&found, page, size)))
}
