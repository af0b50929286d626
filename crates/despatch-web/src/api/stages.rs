//! The current stage: its form (fields, choices and the decisions leaving it), and completing it
//! with the fields it captures. The engine decides which decision the answers take.

use std::collections::BTreeMap;

use axum::extract::State;
use despatch_domain::command::Command;
use despatch_domain::definition::FieldKind;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::ApiUser;
use super::extract::{ApiJson, ApiPath};
use super::problem::ApiError;
use super::views::CaseView;
use crate::AppState;

/// A choice of a `choice` field.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ChoiceView {
    /// The value to send.
    pub value: String,
    /// What it means.
    pub label: String,
}

/// A field of a stage's form.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FieldView {
    /// The name to send it under.
    pub name: String,
    /// The question.
    pub label: String,
    /// `text`, `date` (ISO), `boolean` (`TRUE`/`FALSE`), `choice`, `team`, `user`, `topic`,
    /// `document` (a SHA-256 on the case) or `confirm` (`TRUE`).
    pub kind: String,
    /// Always required (others may be required by the answers given: the engine says so).
    pub required: bool,
    /// The values of a `choice` field.
    pub choices: Vec<ChoiceView>,
}

/// A decision leaving a stage.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DecisionView {
    /// The stage it goes to; absent when it closes the case.
    pub to: Option<String>,
    /// Whether it closes the case.
    pub closes: bool,
    /// The kind of reason note it requires (`REJECT`…), if any.
    pub note: Option<String>,
}

/// The current stage of a case and its form.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct StageFormView {
    /// Stage id, to send back when completing it.
    pub stage: String,
    /// Stage name.
    pub name: String,
    /// Owning team.
    pub team: String,
    /// Allocated user, if any; only they may complete it.
    pub user: Option<String>,
    /// The case version to send back.
    pub version: u64,
    /// The fields the stage captures, in form order.
    pub fields: Vec<FieldView>,
    /// The decisions that may leave it, in the order the engine tries them.
    pub decisions: Vec<DecisionView>,
}

fn kind_name(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Text => "text",
        FieldKind::Date => "date",
        FieldKind::Boolean => "boolean",
        FieldKind::Choice => "choice",
        FieldKind::Team => "team",
        FieldKind::User => "user",
        FieldKind::Topic => "topic",
        FieldKind::Document => "document",
        FieldKind::Confirm => "confirm",
    }
}

/// The current stage of a case, with its form and decisions; 404 once the case is closed.
#[utoipa::path(get, path = "/cases/{id}/stage", tag = "stages", params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, description = "The current stage", body = StageFormView)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<StageFormView>, ApiError> {
    let (case, _) = user.case(&state, id, |access| access.read).await?;
    let active = case.stage.as_ref().ok_or_else(ApiError::not_found)?;
    let world = state.casework.world();
    let definition = world.definitions().get(&case.case_type, case.definition_version);
    let stage = definition.and_then(|d| d.stage(&active.stage)).ok_or_else(ApiError::not_found)?;
    Ok(axum::Json(StageFormView {
        stage: active.stage.clone(),
        name: stage.name.clone(),
        team: active.team.clone(),
        user: active.user.clone(),
        version: case.version,
        fields: stage
            .fields
            .iter()
            .map(|f| FieldView {
                name: f.name.get_ref().clone(),
                label: f.label.clone(),
                kind: kind_name(f.kind).to_string(),
                required: f.required,
                choices: f
                    .choices
                    .iter()
                    .filter(|c| !c.legacy)
                    .map(|c| ChoiceView { value: c.value.clone(), label: c.label.clone() })
                    .collect(),
            })
            .collect(),
        decisions: stage
            .transitions
            .iter()
            .map(|t| DecisionView {
                to: t.to.as_ref().map(|to| to.get_ref().clone()),
                closes: t.end,
                note: t.note.clone(),
            })
            .collect(),
    }))
}

/// Completing the current stage.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct CompleteBody {
    /// The stage being completed (refused with 409 if the case has moved on).
    pub stage: String,
    /// The case version the caller read; refused with 409 if the case changed since.
    #[serde(default)]
    pub version: Option<u64>,
    /// The stage's fields.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// The reason note, where the decision needs one.
    #[serde(default)]
    pub note: Option<String>,
}

/// Completes the current stage. Only the user the stage is allocated to may (403 otherwise);
/// missing or invalid fields are 422 with each field's problem.
#[utoipa::path(post, path = "/cases/{id}/stage", tag = "stages", params(("id" = i64, Path, description = "Case id")),
    request_body = CompleteBody, responses((status = 200, description = "The case after the stage", body = CaseView)))]
pub(crate) async fn complete(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CompleteBody>,
) -> Result<axum::Json<CaseView>, ApiError> {
    let note = body.note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    let command = Command::CompleteStage { stage: body.stage, fields: body.fields, note, take: false };
    // WRITE is needed; whose stage it is the engine decides, so its reason names the holder.
    super::command(&state, &user, id, body.version, |access| access.complete || access.edit, command).await
}
