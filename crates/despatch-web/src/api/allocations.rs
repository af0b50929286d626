//! Allocation of the current stage: to a user of its team, back to the team's queue, or to
//! another team. The engine checks the user belongs to the stage's team.

use axum::extract::State;
use despatch_domain::access::CaseAccess;
use despatch_domain::command::Command;
use serde::Deserialize;
use utoipa::ToSchema;

use super::auth::ApiUser;
use super::extract::{ApiJson, ApiPath};
use super::problem::ApiError;
use super::views::CaseView;
use crate::AppState;

/// Whom to allocate the stage to.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct AllocateBody {
    /// A user of the stage's team; the caller when absent ("allocate to me").
    #[serde(default)]
    pub user: Option<String>,
}

/// Which team to move the stage to, and why.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct MoveBody {
    /// An active team code.
    pub team: String,
    /// Why (not blank).
    pub reason: String,
}

/// Allocates the current stage to a user of its team (the caller by default).
#[utoipa::path(put, path = "/cases/{id}/allocation", tag = "allocations",
    params(("id" = i64, Path, description = "Case id")), request_body = AllocateBody,
    responses((status = 200, description = "The case, allocated", body = CaseView)))]
pub(crate) async fn allocate(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AllocateBody>,
) -> Result<axum::Json<CaseView>, ApiError> {
    let to = body.user.unwrap_or_else(|| user.name().to_string());
    // To oneself is "take" (WRITE in the stage's team); to anyone else needs OWNER.
    let to_self = to == user.name();
    let allowed = |access: &CaseAccess| if to_self { access.take } else { access.allocate_others };
    super::command(&state, &user, id, None, allowed, Command::AllocateToUser { user: to }).await
}

/// Gives the current stage back to its team's queue.
#[utoipa::path(delete, path = "/cases/{id}/allocation", tag = "allocations",
    params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, description = "The case, unallocated", body = CaseView)))]
pub(crate) async fn unallocate(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<CaseView>, ApiError> {
    super::command(&state, &user, id, None, |access| access.unallocate, Command::Unallocate).await
}

/// Moves the current stage to another team, with a reason.
#[utoipa::path(put, path = "/cases/{id}/team", tag = "allocations",
    params(("id" = i64, Path, description = "Case id")), request_body = MoveBody,
    responses((status = 200, description = "The case, with the other team", body = CaseView)))]
pub(crate) async fn move_to_team(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<MoveBody>,
) -> Result<axum::Json<CaseView>, ApiError> {
    super::command(
        &state,
        &user,
        id,
        None,
        |access| access.move_team,
        Command::MoveToTeam { team: body.team, reason: body.reason },
    )
    .await
}
