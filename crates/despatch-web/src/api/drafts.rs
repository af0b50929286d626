//! A reply drafted from the case's template (by case type and signing team): the .docx and the
//! PDF attached as DRAFT documents, as the case page's "Generate draft from template" does.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use serde::Serialize;
use utoipa::ToSchema;

use super::auth::ApiUser;
use super::extract::ApiPath;
use super::problem::ApiError;
use super::views::DocumentView;
use crate::AppState;
use crate::drafting::{self, DraftError};

/// A draft attached to a case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct DraftView {
    /// The name of the template it was drafted from.
    pub template: String,
    /// The documents attached: the .docx, then the PDF, both tagged `DRAFT`.
    pub documents: Vec<DocumentView>,
}

/// Drafts the reply to a case at a drafting stage from its template, dated today (Europe/London),
/// and attaches it as a .docx and a PDF. 409 when the case is not at a drafting stage; 422 when
/// it has no correspondent or no template fits its case type.
#[utoipa::path(post, path = "/cases/{id}/draft", tag = "documents",
    params(("id" = i64, Path, description = "Case id")),
    responses((status = 201, description = "The draft's documents", body = DraftView)))]
pub(crate) async fn generate(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<(StatusCode, axum::Json<DraftView>), ApiError> {
    let (case, _) = user.case(&state, id, |access| access.edit).await?;
    if !drafting::at_drafting_stage(&state.casework.world(), &case) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "A draft can only be generated while the reply is being drafted",
        ));
    }
    let draft = match drafting::draft(&state.casework, &case, crate::pages::today()).await {
        Ok(draft) => draft,
        Err(DraftError::Store(error)) => return Err(error.into()),
        Err(error) => return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, error.to_string())),
    };
    let documents = drafting::attach(&state.casework, &case, &draft, &user.actor(), Utc::now()).await?;
    let documents = documents.iter().map(DocumentView::from).collect();
    Ok((StatusCode::CREATED, axum::Json(DraftView { template: draft.template, documents })))
}
