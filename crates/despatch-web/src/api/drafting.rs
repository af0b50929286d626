//! Drafting a case's reply: re-tagging a document, choosing the primary draft, and contributions
//! requested from other teams (list, request, complete, cancel). The engine decides each (WRITE
//! on the case type; a request only at a drafting stage, due today or later).

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use despatch_domain::case::{CaseState, Contribution};
use despatch_domain::command::Command;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::ApiUser;
use super::extract::{ApiJson, ApiPath};
use super::problem::ApiError;
use super::views::CaseView;
use crate::AppState;

/// A document's new tag.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct TagBody {
    /// One of the case type's document tags (`DRAFT`, `FINAL`, `BACKGROUND NOTE`…).
    pub tag: String,
}

/// A contribution to ask of another team.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct ContributionBody {
    /// The contributing team's code.
    pub team: String,
    /// Due date (civil date, Europe/London, ISO): today or later.
    pub due: NaiveDate,
    /// What is asked.
    pub asked: String,
}

/// What came back from the contributing team.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct CompleteBody {
    /// The contribution in words (a document can be attached on the case page).
    pub note: String,
}

/// Why a contribution is no longer needed.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct CancelBody {
    /// Why (required).
    pub reason: String,
}

/// A contribution request on a case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct ContributionView {
    /// Its number on the case.
    pub id: u32,
    /// The team asked.
    pub team: String,
    /// What is asked.
    pub asked: String,
    /// Due date (civil date, Europe/London).
    pub due: NaiveDate,
    /// `OPEN`, `COMPLETED` or `CANCELLED`.
    pub status: String,
    /// Open after its due date (Europe/London today).
    pub overdue: bool,
    /// Who asked.
    pub requested_by: String,
    /// When (UTC).
    pub requested_at: DateTime<Utc>,
    /// The completion note or the reason it was cancelled.
    pub note: Option<String>,
    /// The SHA-256 of the document it came as.
    pub document: Option<String>,
}

impl ContributionView {
    fn of(contribution: &Contribution) -> ContributionView {
        ContributionView {
            id: contribution.id,
            team: contribution.team.clone(),
            asked: contribution.asked.clone(),
            due: contribution.due,
            status: contribution.status.as_str().to_string(),
            overdue: contribution.is_overdue(crate::pages::today()),
            requested_by: contribution.requested_by.clone(),
            requested_at: contribution.requested_at,
            note: contribution.note.clone(),
            document: contribution.document.clone(),
        }
    }
}

fn contributions(case: &CaseState) -> Vec<ContributionView> {
    case.contributions.iter().map(ContributionView::of).collect()
}

/// Gives a document another tag (not the approved reply's).
#[utoipa::path(put, path = "/cases/{id}/documents/{sha256}/tag", tag = "documents",
    params(("id" = i64, Path, description = "Case id"), ("sha256" = String, Path, description = "The document's SHA-256, hex")),
    request_body = TagBody,
    responses((status = 200, description = "The case", body = CaseView)))]
pub(crate) async fn retag(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, sha256)): ApiPath<(i64, String)>,
    ApiJson(body): ApiJson<TagBody>,
) -> Result<axum::Json<CaseView>, ApiError> {
    super::command(&state, &user, id, None, |access| access.edit, Command::RetagDocument { sha256, tag: body.tag })
        .await
}

/// Makes a reply version (a document tagged as a reply) the primary draft: the version an
/// approving decision records.
#[utoipa::path(put, path = "/cases/{id}/documents/{sha256}/primary", tag = "documents",
    params(("id" = i64, Path, description = "Case id"), ("sha256" = String, Path, description = "The document's SHA-256, hex")),
    responses((status = 200, description = "The case", body = CaseView)))]
pub(crate) async fn choose_primary(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, sha256)): ApiPath<(i64, String)>,
) -> Result<axum::Json<CaseView>, ApiError> {
    super::command(&state, &user, id, None, |access| access.edit, Command::ChoosePrimaryDraft { sha256 }).await
}

/// The contributions requested on a case, oldest first.
#[utoipa::path(get, path = "/cases/{id}/contributions", tag = "contributions",
    params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, description = "The contributions", body = Vec<ContributionView>)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Vec<ContributionView>>, ApiError> {
    let (case, _) = user.case(&state, id, |access| access.read).await?;
    Ok(axum::Json(contributions(&case)))
}

/// Runs a contribution command and answers with the case's contributions.
async fn contribution_command(
    state: &AppState,
    user: &ApiUser,
    id: i64,
    command: Command,
) -> Result<Vec<ContributionView>, ApiError> {
    let (case, _) = user.case(state, id, |access| access.edit).await?;
    let outcome = state.casework.execute(case.id, None, &command, &user.actor(), Utc::now()).await?;
    Ok(contributions(&outcome.state))
}

/// Asks another team for a contribution by a due date (the team's mailbox is told).
#[utoipa::path(post, path = "/cases/{id}/contributions", tag = "contributions",
    params(("id" = i64, Path, description = "Case id")), request_body = ContributionBody,
    responses((status = 201, description = "The case's contributions, the new one last", body = Vec<ContributionView>)))]
pub(crate) async fn request(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ContributionBody>,
) -> Result<(StatusCode, axum::Json<Vec<ContributionView>>), ApiError> {
    let command = Command::RequestContribution { team: body.team, due: body.due, asked: body.asked };
    Ok((StatusCode::CREATED, axum::Json(contribution_command(&state, &user, id, command).await?)))
}

/// Records a contribution as done, with what came back.
#[utoipa::path(post, path = "/cases/{id}/contributions/{contribution}/complete", tag = "contributions",
    params(("id" = i64, Path, description = "Case id"), ("contribution" = u32, Path, description = "Its number on the case")),
    request_body = CompleteBody,
    responses((status = 200, description = "The case's contributions", body = Vec<ContributionView>)))]
pub(crate) async fn complete(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, contribution)): ApiPath<(i64, u32)>,
    ApiJson(body): ApiJson<CompleteBody>,
) -> Result<axum::Json<Vec<ContributionView>>, ApiError> {
    let command = Command::CompleteContribution { id: contribution, note: Some(body.note), document: None };
    Ok(axum::Json(contribution_command(&state, &user, id, command).await?))
}

/// Withdraws a contribution request that is no longer needed.
#[utoipa::path(post, path = "/cases/{id}/contributions/{contribution}/cancel", tag = "contributions",
    params(("id" = i64, Path, description = "Case id"), ("contribution" = u32, Path, description = "Its number on the case")),
    request_body = CancelBody,
    responses((status = 200, description = "The case's contributions", body = Vec<ContributionView>)))]
pub(crate) async fn cancel(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, contribution)): ApiPath<(i64, u32)>,
    ApiJson(body): ApiJson<CancelBody>,
) -> Result<axum::Json<Vec<ContributionView>>, ApiError> {
    let command = Command::CancelContribution { id: contribution, reason: body.reason };
    Ok(axum::Json(contribution_command(&state, &user, id, command).await?))
}
