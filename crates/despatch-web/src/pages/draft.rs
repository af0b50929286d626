//! The case page's "Generate draft from template": at a drafting stage, a user who may change
//! the case drafts the reply from the template for its case type and signing team; the .docx and
//! the PDF are attached as DRAFT documents, each recorded like an upload.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use despatch_domain::access::CaseAccess;
use despatch_domain::case::CaseState;
use despatch_domain::command::Actor;
use despatch_store::StoreError;

use super::case::{Answers, Problem, page};
use super::today;
use crate::access::{CurrentUser, load_case};
use crate::drafting::{self, DraftError};
use crate::{AppState, WebError};

/// What the case page offers: the form, and the name of the template it would use (empty when
/// no template fits).
#[derive(Default)]
pub(crate) struct Offer {
    pub shown: bool,
    pub template: String,
}

impl Offer {
    /// The offer for a case: shown at a drafting stage when the user may change the case.
    pub(crate) async fn new(state: &AppState, access: &CaseAccess, case: &CaseState) -> Result<Offer, WebError> {
        if !access.edit || !drafting::at_drafting_stage(&state.casework.world(), case) {
            return Ok(Offer::default());
        }
        let templates = drafting::templates(state.store().as_ref()).await?;
        let template = despatch_docs::choose(&templates, &case.case_type, drafting::signing_team(case))
            .map(|template| template.name.clone())
            .unwrap_or_default();
        Ok(Offer { shown: true, template })
    }
}

/// `POST /cases/{id}/draft/generate`: drafts the reply and attaches it; back to the case's documents. A
/// refusal (not at a drafting stage, no correspondent, no template) shows the case page with a
/// GOV.UK error summary and the case unchanged.
pub(crate) async fn generate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (case, _, _) = load_case(&state, &user, &id, |access| access.edit).await?;
    let refusal = if drafting::at_drafting_stage(&state.casework.world(), &case) {
        match drafting::draft(&state.casework, &case, today()).await {
            Ok(draft) => {
                match drafting::attach(&state.casework, &case, &draft, &Actor::user(&user.name), Utc::now()).await {
                    Ok(_) => return Ok(Redirect::to(&format!("/cases/{}#documents", case.id)).into_response()),
                    Err(StoreError::Command(error)) => error.to_string(),
                    Err(StoreError::Document(error)) => error.to_string(),
                    Err(other) => return Err(other.into()),
                }
            }
            Err(DraftError::Store(other)) => return Err(other.into()),
            Err(error) => error.to_string(),
        }
    } else {
        "A draft can only be generated while the reply is being drafted".to_string()
    };
    // The page is drawn from the case as stored now.
    let (case, history, _) = load_case(&state, &user, &id, |access| access.read).await?;
    let problems = vec![Problem { message: refusal, anchor: "draft-generate".to_string() }];
    let page = page(&state, &user, &case, &history, Answers { problems, ..Answers::default() }, None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
