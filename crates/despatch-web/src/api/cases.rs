//! Cases: open one, read it, its stage history, its audit trail, and add a case note.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{NaiveDate, Utc};
use despatch_domain::access::may_create;
use despatch_domain::command::{Command, NewCase};
use serde::Deserialize;
use utoipa::ToSchema;

use super::auth::ApiUser;
use super::extract::{ApiJson, ApiPath};
use super::problem::ApiError;
use super::views::{CaseView, Details, EventView, VisitView};
use crate::AppState;

/// A case to open.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct NewCaseBody {
    /// Case-type code (`MIN`).
    pub case_type: String,
    /// Date received (civil date, Europe/London); today or earlier.
    pub received: NaiveDate,
    /// Initial case fields, checked against the case type's definition.
    #[serde(default)]
    pub data: BTreeMap<String, String>,
    /// Correspondents; the first is primary.
    #[serde(default)]
    pub correspondents: Vec<Details>,
    /// A reference from an earlier system.
    #[serde(default)]
    pub legacy_reference: Option<String>,
}

/// A case note.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct NoteBody {
    /// The note's text (not blank).
    pub text: String,
}

/// Opens a case at the first stage of its case type's newest definition; the engine decides its
/// team, deadlines and reference.
#[utoipa::path(post, path = "/cases", tag = "cases", request_body = NewCaseBody,
    responses((status = 201, description = "The case opened", body = CaseView)))]
pub(crate) async fn open(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<NewCaseBody>,
) -> Result<(StatusCode, axum::Json<CaseView>), ApiError> {
    let world = state.casework.world();
    if world.definitions().latest(&body.case_type).is_some()
        && !may_create(world.directory(), user.name(), &body.case_type)
    {
        return Err(ApiError::forbidden(format!(
            "None of your teams gives you write access to {} cases, which opening one needs",
            body.case_type
        )));
    }
    let new = NewCase {
        case_type: body.case_type,
        received: body.received,
        data: body.data,
        correspondents: body.correspondents.into_iter().map(Into::into).collect(),
        legacy_reference: body.legacy_reference,
        message_id: None,
    };
    let outcome = state.casework.open(new, &user.actor(), Utc::now()).await?;
    tracing::info!(case = outcome.state.id, user = user.name(), "case opened through the API");
    Ok((StatusCode::CREATED, axum::Json(CaseView::from(&outcome.state))))
}

/// A case the caller's teams hold or have held.
#[utoipa::path(get, path = "/cases/{id}", tag = "cases", params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, description = "The case", body = CaseView)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<CaseView>, ApiError> {
    let (case, _) = user.case(&state, id, |access| access.read).await?;
    Ok(axum::Json(CaseView::from(&case)))
}

/// Every stage visit of a case, in order (each visit kept).
#[utoipa::path(get, path = "/cases/{id}/stages", tag = "stages", params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, description = "The stage history", body = Vec<VisitView>)))]
pub(crate) async fn stages(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Vec<VisitView>>, ApiError> {
    let (_, history) = user.case(&state, id, |access| access.read).await?;
    Ok(axum::Json(history.iter().map(VisitView::from).collect()))
}

/// The case's audit trail: every event in order, each hashed onto the previous one. Case notes
/// are its `NOTE_ADDED` events.
#[utoipa::path(get, path = "/cases/{id}/events", tag = "notes", params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, description = "The events", body = Vec<EventView>)))]
pub(crate) async fn events(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Vec<EventView>>, ApiError> {
    let (case, _) = user.case(&state, id, |access| access.read).await?;
    let events = state.store().events(case.id).await?;
    Ok(axum::Json(events.iter().map(EventView::from).collect()))
}

/// Adds a case note.
#[utoipa::path(post, path = "/cases/{id}/notes", tag = "notes", params(("id" = i64, Path, description = "Case id")),
    request_body = NoteBody, responses((status = 200, description = "The case with its note", body = CaseView)))]
pub(crate) async fn add_note(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NoteBody>,
) -> Result<axum::Json<CaseView>, ApiError> {
    super::command(&state, &user, id, None, |access| access.add_note, Command::AddNote { text: body.text }).await
}
