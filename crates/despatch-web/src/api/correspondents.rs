//! Correspondents and topics of a case.

use axum::extract::State;
use despatch_domain::command::Command;
use serde::Deserialize;
use utoipa::ToSchema;

use super::auth::ApiUser;
use super::extract::{ApiJson, ApiPath};
use super::problem::ApiError;
use super::views::{CaseView, CorrespondentView, Details};
use crate::AppState;

/// A correspondent to add.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct AddCorrespondentBody {
    /// Their details.
    pub details: Details,
    /// Make them the primary correspondent.
    #[serde(default)]
    pub primary: bool,
}

/// A topic to add.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct TopicBody {
    /// Topic code from the organisation's list.
    pub topic: String,
}

/// The correspondents of a case.
#[utoipa::path(get, path = "/cases/{id}/correspondents", tag = "correspondents",
    params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, description = "The correspondents", body = Vec<CorrespondentView>)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Vec<CorrespondentView>>, ApiError> {
    let (case, _) = user.case(&state, id, |access| access.read).await?;
    Ok(axum::Json(case.correspondents.iter().map(CorrespondentView::from).collect()))
}

/// Adds a correspondent.
#[utoipa::path(post, path = "/cases/{id}/correspondents", tag = "correspondents",
    params(("id" = i64, Path, description = "Case id")), request_body = AddCorrespondentBody,
    responses((status = 200, description = "The case with the correspondent", body = CaseView)))]
pub(crate) async fn add(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AddCorrespondentBody>,
) -> Result<axum::Json<CaseView>, ApiError> {
    let command = Command::AddCorrespondent { details: body.details.into(), primary: body.primary };
    super::command(&state, &user, id, None, |access| access.edit, command).await
}

/// Replaces a correspondent's details.
#[utoipa::path(put, path = "/cases/{id}/correspondents/{correspondent}", tag = "correspondents",
    params(("id" = i64, Path, description = "Case id"), ("correspondent" = u32, Path, description = "Correspondent id")),
    request_body = Details, responses((status = 200, description = "The case", body = CaseView)))]
pub(crate) async fn update(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, correspondent)): ApiPath<(i64, u32)>,
    ApiJson(details): ApiJson<Details>,
) -> Result<axum::Json<CaseView>, ApiError> {
    let command = Command::UpdateCorrespondent { id: correspondent, details: details.into() };
    super::command(&state, &user, id, None, |access| access.edit, command).await
}

/// Removes a correspondent (not the primary one while others remain).
#[utoipa::path(delete, path = "/cases/{id}/correspondents/{correspondent}", tag = "correspondents",
    params(("id" = i64, Path, description = "Case id"), ("correspondent" = u32, Path, description = "Correspondent id")),
    responses((status = 200, description = "The case", body = CaseView)))]
pub(crate) async fn remove(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, correspondent)): ApiPath<(i64, u32)>,
) -> Result<axum::Json<CaseView>, ApiError> {
    super::command(&state, &user, id, None, |access| access.edit, Command::RemoveCorrespondent { id: correspondent })
        .await
}

/// Makes a correspondent the primary one.
#[utoipa::path(put, path = "/cases/{id}/correspondents/{correspondent}/primary", tag = "correspondents",
    params(("id" = i64, Path, description = "Case id"), ("correspondent" = u32, Path, description = "Correspondent id")),
    responses((status = 200, description = "The case", body = CaseView)))]
pub(crate) async fn make_primary(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, correspondent)): ApiPath<(i64, u32)>,
) -> Result<axum::Json<CaseView>, ApiError> {
    super::command(
        &state,
        &user,
        id,
        None,
        |access| access.edit,
        Command::SetPrimaryCorrespondent { id: correspondent },
    )
    .await
}

/// Adds a topic to a case.
#[utoipa::path(post, path = "/cases/{id}/topics", tag = "topics",
    params(("id" = i64, Path, description = "Case id")), request_body = TopicBody,
    responses((status = 200, description = "The case with the topic", body = CaseView)))]
pub(crate) async fn add_topic(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<TopicBody>,
) -> Result<axum::Json<CaseView>, ApiError> {
    super::command(&state, &user, id, None, |access| access.edit, Command::AddTopic { topic: body.topic }).await
}

/// Removes a topic from a case.
#[utoipa::path(delete, path = "/cases/{id}/topics/{topic}", tag = "topics",
    params(("id" = i64, Path, description = "Case id"), ("topic" = String, Path, description = "Topic code")),
    responses((status = 200, description = "The case", body = CaseView)))]
pub(crate) async fn remove_topic(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, topic)): ApiPath<(i64, String)>,
) -> Result<axum::Json<CaseView>, ApiError> {
    super::command(&state, &user, id, None, |access| access.edit, Command::RemoveTopic { topic }).await
}

/// The organisation's topics.
#[utoipa::path(get, path = "/topics", tag = "topics",
    responses((status = 200, description = "Topic codes", body = Vec<String>)))]
pub(crate) async fn topics(State(state): State<AppState>, _user: ApiUser) -> axum::Json<Vec<String>> {
    axum::Json(state.casework.world().directory().topics.iter().cloned().collect())
}
