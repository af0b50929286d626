//! Contributions on the case page (request one of another team with a due date, complete it with
//! a note or a document, cancel it) and the "Contributions requested" table of a team's
//! workstack. Each change is one engine command; the engine decides who may and when (a request
//! only at a drafting stage, due today or later). An open request past its due date is marked
//! overdue in words as well as by the red tag.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, Utc};
use despatch_domain::case::{CaseState, ContributionStatus, DocumentRef};
use despatch_domain::command::{Actor, Command};
use despatch_domain::engine::CommandError;
use despatch_store::{ContributionRequest, NewDocument, StoreError};

use super::case::{Answers, Problem, page};
use super::drafting::{at_drafting_stage, refusal};
use super::workstack::Choice;
use super::{long_date, short_date, team_name, today};
use crate::access::{CurrentUser, load_case};
use crate::{AppState, WebError};

/// A contribution as the case page lists it.
pub(crate) struct Row {
    pub id: u32,
    pub team: String,
    pub asked: String,
    pub due: String,
    pub overdue: bool,
    /// `Open`, `Completed` or `Cancelled`.
    pub status: &'static str,
    pub requested_by: String,
    /// The completion note or the reason it was cancelled.
    pub note: String,
    /// The link to the contribution's document, when it came as one.
    pub document: Option<(String, String)>,
    pub open: bool,
}

/// The contributions section of the case page.
pub(crate) struct Section {
    pub rows: Vec<Row>,
    /// The request form is offered (WRITE, at a drafting stage).
    pub can_request: bool,
    /// The complete and cancel forms are offered (WRITE; the engine checks the team).
    pub can_change: bool,
    /// Teams that may be asked.
    pub teams: Vec<Choice>,
    /// The request form's answers, kept after a refusal.
    pub answers: HashMap<String, String>,
    /// The request form's errors: field id → message (the error summary's problems).
    pub errors: HashMap<String, String>,
}

impl Section {
    pub(super) fn new(
        state: &AppState,
        case: &CaseState,
        edit: bool,
        answers: HashMap<String, String>,
        problems: &[Problem],
    ) -> Section {
        let world = state.casework.world();
        let today = today();
        let stage_team = case.stage.as_ref().map(|stage| stage.team.as_str());
        let chosen = answers.get("team").map(String::as_str);
        Section {
            rows: case
                .contributions
                .iter()
                .map(|c| Row {
                    id: c.id,
                    team: team_name(&world, &c.team),
                    asked: c.asked.clone(),
                    due: long_date(c.due),
                    overdue: c.is_overdue(today),
                    status: match c.status {
                        ContributionStatus::Open => "Open",
                        ContributionStatus::Completed => "Completed",
                        ContributionStatus::Cancelled => "Cancelled",
                    },
                    requested_by: c.requested_by.clone(),
                    note: c.note.clone().unwrap_or_default(),
                    document: c
                        .document
                        .as_deref()
                        .and_then(|sha256| case.document(sha256))
                        .map(|d| (d.name.clone(), format!("/cases/{}/documents/{}", case.id, d.sha256))),
                    open: c.status == ContributionStatus::Open,
                })
                .collect(),
            can_request: edit && at_drafting_stage(state, case),
            can_change: edit && !case.is_closed(),
            teams: world
                .directory()
                .teams
                .values()
                .filter(|team| team.active && Some(team.code.as_str()) != stage_team)
                .map(|team| Choice {
                    value: team.code.clone(),
                    label: team.name.clone(),
                    selected: chosen == Some(team.code.as_str()),
                })
                .collect(),
            answers,
            errors: problems.iter().map(|p| (p.anchor.clone(), p.message.clone())).collect(),
        }
    }

    /// The error shown beside a field of the request form, if any.
    pub(crate) fn error(&self, id: &str) -> Option<&str> {
        self.errors.get(id).map(String::as_str)
    }

    /// An answer of the request form.
    pub(crate) fn answer(&self, name: &str) -> &str {
        self.answers.get(name).map(String::as_str).unwrap_or_default()
    }
}

/// The case page again with one problem (linked to `anchor`) and the request form's answers.
async fn refused(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    anchor: &str,
    message: String,
    answers: HashMap<String, String>,
) -> Result<Response, WebError> {
    refused_with(state, user, id, vec![Problem { message, anchor: anchor.to_string() }], answers).await
}

/// The case page again with these problems and the request form's answers, status 422.
async fn refused_with(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    problems: Vec<Problem>,
    answers: HashMap<String, String>,
) -> Result<Response, WebError> {
    let (case, history, _) = load_case(state, user, id, |access| access.edit).await?;
    let answers = Answers { problems, contribution: Some(answers), ..Answers::default() };
    let page = page(state, user, &case, &history, answers, None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// A GOV.UK date input's three fields (`{name}-day`, `-month`, `-year`) as a date.
fn posted_date(posted: &HashMap<String, String>, name: &str) -> Option<NaiveDate> {
    let part = |suffix: &str| posted.get(&format!("{name}-{suffix}")).and_then(|v| v.trim().parse::<u32>().ok());
    let year = i32::try_from(part("year")?).ok().filter(|year| (1000..=9999).contains(year))?;
    NaiveDate::from_ymd_opt(year, part("month")?, part("day")?)
}

/// `POST /cases/{id}/contributions` (fields `team`, `asked`, `due-day`, `due-month`,
/// `due-year`): asks another team for a contribution.
pub(crate) async fn request(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(posted): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let (case, _, _) = load_case(&state, &user, &id, |access| access.edit).await?;
    let Some(due) = posted_date(&posted, "due") else {
        let message = "Enter a real due date, for example 27 3 2027".to_string();
        return refused(&state, &user, &id, "due-day", message, posted).await;
    };
    let command = Command::RequestContribution {
        team: posted.get("team").cloned().unwrap_or_default(),
        due,
        asked: posted.get("asked").cloned().unwrap_or_default(),
    };
    match state.casework.execute(case.id, None, &command, &Actor::user(&user.name), Utc::now()).await {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{}#contributions", case.id)).into_response()),
        Err(StoreError::Command(CommandError::Invalid(errors))) => {
            // One problem per field, each beside its field of the request form.
            let problems = errors
                .iter()
                .map(|error| Problem {
                    message: error.message.clone(),
                    anchor: match error.field.as_str() {
                        "team" => "contribution-team",
                        "due" => "due-day",
                        _ => "contribution-asked",
                    }
                    .to_string(),
                })
                .collect();
            refused_with(&state, &user, &id, problems, posted).await
        }
        Err(error @ StoreError::Command(_)) => {
            refused(&state, &user, &id, "contributions", refusal(&error), posted).await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /cases/{id}/contributions/{n}/complete` (multipart: `csrf`, `note`, optional `file`):
/// records the contribution as received, with the file attached tagged `CONTRIBUTION` (or the
/// case type's first tag when it has none by that name).
pub(crate) async fn complete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, n)): Path<(String, u32)>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let (case, _, _) = load_case(&state, &user, &id, |access| access.edit).await?;
    let anchor = format!("contribution-{n}-note");
    let mut note = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name().unwrap_or_default() {
                "note" => note = field.text().await.unwrap_or_default(),
                "file" => {
                    let name = field.file_name().unwrap_or("contribution").to_string();
                    let bytes = field.bytes().await.map_err(|_| WebError::TooLarge(crate::security::MAX_UPLOAD))?;
                    file = Some((name, bytes.to_vec())).filter(|(_, bytes)| !bytes.is_empty());
                }
                _ => {}
            },
            Ok(None) => break,
            Err(error) => {
                let message = format!("The form could not be read: {error}");
                return refused(&state, &user, &id, &anchor, message, HashMap::new()).await;
            }
        }
    }
    let actor = Actor::user(&user.name);
    let note = Some(note).filter(|note| !note.trim().is_empty());
    let result = match file {
        None => {
            let command = Command::CompleteContribution { id: n, note, document: None };
            state.casework.execute(case.id, None, &command, &actor, Utc::now()).await
        }
        Some((name, bytes)) => {
            let policy = state.casework.documents().map(|d| d.policy().clone()).unwrap_or_default();
            let media_type = match policy.check_content(&bytes) {
                Ok(media_type) => media_type.to_string(),
                Err(error) => {
                    let message = format!("The file was not uploaded: {error}");
                    return refused(&state, &user, &id, &anchor, message, HashMap::new()).await;
                }
            };
            let tags = state
                .casework
                .world()
                .definitions()
                .get(&case.case_type, case.definition_version)
                .map(|d| d.document_tags.clone())
                .unwrap_or_default();
            let tag = tags.iter().find(|t| *t == "CONTRIBUTION").or(tags.first()).cloned().unwrap_or_default();
            let text =
                despatch_intake::document_text(&name, &bytes, &despatch_intake::Options::default()).unwrap_or_default();
            let sha256 = despatch_intake::sha256_hex(&bytes);
            let document = DocumentRef { sha256: sha256.clone(), name, tag, media_type, size: bytes.len() as u64 };
            let command = Command::CompleteContribution { id: n, note, document: Some(document) };
            let file = NewDocument { sha256, bytes, text };
            state.casework.execute_with_document(case.id, &command, file, &actor, Utc::now()).await
        }
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{}#contributions", case.id)).into_response()),
        Err(error @ (StoreError::Command(_) | StoreError::Document(_))) => {
            refused(&state, &user, &id, &anchor, refusal(&error), HashMap::new()).await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /cases/{id}/contributions/{n}/cancel` (field `reason`): withdraws a request.
pub(crate) async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, n)): Path<(String, u32)>,
    Form(posted): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let (case, _, _) = load_case(&state, &user, &id, |access| access.edit).await?;
    let command = Command::CancelContribution { id: n, reason: posted.get("reason").cloned().unwrap_or_default() };
    match state.casework.execute(case.id, None, &command, &Actor::user(&user.name), Utc::now()).await {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{}#contributions", case.id)).into_response()),
        Err(error @ StoreError::Command(_)) => {
            refused(&state, &user, &id, &format!("contribution-{n}-reason"), refusal(&error), HashMap::new()).await
        }
        Err(other) => Err(other.into()),
    }
}

/// A contribution request as a team's workstack lists it.
pub(crate) struct WorkstackRow {
    pub case_id: i64,
    pub reference: String,
    pub asked: String,
    pub due: String,
    pub overdue: bool,
    pub requested_by: String,
}

/// The workstack rows of a team's open contribution requests, earliest due first.
pub(crate) fn workstack_rows(requests: &[ContributionRequest]) -> Vec<WorkstackRow> {
    let today = today();
    requests
        .iter()
        .map(|request| WorkstackRow {
            case_id: request.case_id,
            reference: request.reference.clone(),
            asked: request.asked.clone(),
            due: short_date(request.due),
            overdue: request.due < today,
            requested_by: request.requested_by.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_due_date_is_read_from_its_three_fields_and_an_impossible_one_is_none() {
        let posted = |d: &str, m: &str, y: &str| {
            HashMap::from([
                ("due-day".to_string(), d.to_string()),
                ("due-month".to_string(), m.to_string()),
                ("due-year".to_string(), y.to_string()),
            ])
        };
        assert_eq!(posted_date(&posted("27", "3", "2027"), "due"), NaiveDate::from_ymd_opt(2027, 3, 27));
        assert_eq!(posted_date(&posted("31", "2", "2027"), "due"), None);
        assert_eq!(posted_date(&posted("1", "1", "27"), "due"), None, "a two-digit year is refused");
        assert_eq!(posted_date(&posted("x", "1", "2027"), "due"), None);
    }
}
