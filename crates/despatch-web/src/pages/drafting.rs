//! Drafting on the case page: the standard lines offered for the case's topics at a drafting
//! stage, the primary draft, re-tagging documents, and editing the draft's text in the browser
//! (saved as a new .docx version). Each change is one engine command; the engine decides who may
//! (WRITE) and when (a drafting stage for a new version).
//!
//! An edited draft is saved as .docx, not plain text: the reply goes out as a letter, and the
//! drafter (or the private office) may carry on in Word with the same page and font as a
//! generated letter; its text is read back with the same reader as an uploaded draft.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use despatch_domain::access::CaseAccess;
use despatch_domain::case::{CaseState, DocumentRef};
use despatch_domain::command::{Actor, Command};
use despatch_domain::engine::CommandError;
use despatch_domain::event::EventKind;
use despatch_domain::standard_line::offered;
use despatch_store::{NewDocument, StoreError};

use super::case::{Answers, Problem, page};
use super::{Nav, humanise, long_date, today};
use crate::access::{CurrentUser, load_case};
use crate::{AppState, WebError};

/// The media type of a .docx.
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A standard line as the drafter is offered it.
pub(crate) struct LineView {
    pub topic: String,
    pub title: String,
    pub text: String,
    pub expires: String,
}

/// The drafting section of the case page.
pub(crate) struct Section {
    /// The case is at a drafting stage.
    pub drafting: bool,
    /// The user may change documents (WRITE).
    pub can_edit: bool,
    /// Standard lines of the case's topics that have not expired (at a drafting stage).
    pub lines: Vec<LineView>,
    /// The primary draft's file name; empty without a draft.
    pub primary: String,
    /// The edit-in-the-browser page, when the user may edit a draft now; else empty.
    pub edit_href: String,
    /// The comparison of the two newest versions, when there are two; else empty.
    pub compare_href: String,
}

/// The reply tags of the case's type (`[reply] tags`).
pub(crate) fn reply_tags(state: &AppState, case: &CaseState) -> Vec<String> {
    let world = state.casework.world();
    world.definitions().get(&case.case_type, case.definition_version).map(|d| d.reply.tags.clone()).unwrap_or_default()
}

/// Whether the case's current stage is a drafting stage of its definition.
pub(crate) fn at_drafting_stage(state: &AppState, case: &CaseState) -> bool {
    let world = state.casework.world();
    let Some(stage) = case.stage.as_ref() else { return false };
    world
        .definitions()
        .get(&case.case_type, case.definition_version)
        .and_then(|definition| definition.stage(&stage.stage))
        .is_some_and(|stage| stage.drafting)
}

impl Section {
    pub(crate) async fn new(state: &AppState, case: &CaseState, access: &CaseAccess) -> Result<Section, WebError> {
        let drafting = at_drafting_stage(state, case);
        let tags = reply_tags(state, case);
        let lines = if drafting {
            let current = state.store().current_standard_lines().await?;
            offered(&current, &case.topics, today())
                .into_iter()
                .map(|line| LineView {
                    topic: humanise(&line.topic),
                    title: line.title.clone(),
                    text: line.text.clone(),
                    expires: long_date(line.expires),
                })
                .collect()
        } else {
            Vec::new()
        };
        let primary = case.primary_draft_document(&tags);
        let versions = case.reply_versions(&tags).count();
        Ok(Section {
            drafting,
            can_edit: access.edit,
            lines,
            primary: primary.map(|d| d.name.clone()).unwrap_or_default(),
            edit_href: if drafting && access.edit && primary.is_some() {
                format!("/cases/{}/draft", case.id)
            } else {
                String::new()
            },
            compare_href: if versions >= 2 { format!("/cases/{}/drafts/compare", case.id) } else { String::new() },
        })
    }
}

/// How the timeline describes the drafting events; `None` for other events.
pub(crate) fn describe(kind: &EventKind) -> Option<(String, Vec<String>)> {
    Some(match kind {
        EventKind::DocumentRetagged { name, change, .. } => (
            format!("{name} re-tagged"),
            vec![format!(
                "{} → {}",
                change.before.as_deref().unwrap_or_default(),
                change.after.as_deref().unwrap_or_default()
            )],
        ),
        EventKind::PrimaryDraftChosen { name, .. } => (format!("{name} chosen as the primary draft"), Vec::new()),
        EventKind::DraftEdited { name, .. } => {
            ("Draft edited in the browser".to_string(), vec![format!("Saved as a new version, {name}")])
        }
        EventKind::ContributionRequested { contribution } => (
            format!("Contribution requested from {}", contribution.team),
            vec![format!("Due {}", long_date(contribution.due)), contribution.asked.clone()],
        ),
        EventKind::ContributionCompleted { id, team, note, document } => {
            let mut details: Vec<String> = note.iter().cloned().collect();
            if document.is_some() {
                details.push("Sent as a document (see Documents)".to_string());
            }
            (format!("Contribution {id} from {team} received"), details)
        }
        EventKind::ContributionCancelled { id, team, reason } => {
            (format!("Contribution {id} from {team} cancelled"), vec![reason.clone()])
        }
        _ => return None,
    })
}

/// A refusal in words, as one sentence for the error summary.
pub(crate) fn refusal(error: &StoreError) -> String {
    let text = match error {
        StoreError::Command(CommandError::Invalid(errors)) => {
            errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join(". ")
        }
        StoreError::Command(CommandError::StaleVersion { .. }) => {
            "Someone else changed this case while you were working on it. Check the case and try again".to_string()
        }
        other => other.to_string(),
    };
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// `POST /cases/{id}/documents/{sha256}/tag` (field `tag`): gives a document another tag.
pub(crate) async fn retag(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, sha256)): Path<(String, String)>,
    Form(posted): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let tag = posted.get("tag").cloned().unwrap_or_default();
    super::parties::run(&state, &user, &id, Command::RetagDocument { sha256, tag }, "documents", None).await
}

/// `POST /cases/{id}/documents/{sha256}/primary`: makes a reply version the primary draft.
pub(crate) async fn choose_primary(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, sha256)): Path<(String, String)>,
) -> Result<Response, WebError> {
    super::parties::run(&state, &user, &id, Command::ChoosePrimaryDraft { sha256 }, "documents", None).await
}

#[derive(Template, WebTemplate)]
#[template(path = "case/edit_draft.html")]
pub(crate) struct EditPage {
    title: String,
    nav: Option<Nav>,
    id: i64,
    reference: String,
    version: u64,
    based_on: String,
    based_on_name: String,
    text: String,
    problems: Vec<Problem>,
    error: Option<String>,
}

/// The case page with one problem, for a draft that cannot be edited here.
async fn cannot_edit(state: &AppState, user: &CurrentUser, id: &str, message: &str) -> Result<Response, WebError> {
    let (case, history, _) = load_case(state, user, id, |access| access.read).await?;
    let problems = vec![Problem { message: message.to_string(), anchor: "drafting".to_string() }];
    let page = page(state, user, &case, &history, Answers { problems, ..Answers::default() }, None).await?;
    Ok((StatusCode::CONFLICT, page).into_response())
}

/// The draft to edit (`sha256`, else the primary draft) and its text.
async fn draft_text(
    state: &AppState,
    case: &CaseState,
    sha256: Option<&str>,
) -> Result<Result<(DocumentRef, String), &'static str>, WebError> {
    let tags = reply_tags(state, case);
    let chosen = match sha256 {
        Some(sha256) => case.document(sha256).filter(|d| tags.contains(&d.tag)),
        None => case.primary_draft_document(&tags),
    };
    let Some(document) = chosen.cloned() else {
        return Ok(Err("There is no draft to edit: upload one first"));
    };
    let Some(bytes) = state.casework.document_bytes(&document.sha256).await? else {
        return Ok(Err("The draft's file could not be found"));
    };
    match despatch_intake::document_text(&document.name, &bytes, &despatch_intake::Options::default()) {
        Ok(text) => Ok(Ok((document, text))),
        Err(_) => Ok(Err(
            "This draft's text cannot be read here: only Word (.docx) and text files can be edited in the browser",
        )),
    }
}

/// `GET /cases/{id}/draft?from=SHA256`: the draft's text (the primary draft unless `from`
/// names another version) in a textarea, at a drafting stage, for a user who may change it.
pub(crate) async fn edit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let (case, _, _) = load_case(&state, &user, &id, |access| access.edit).await?;
    if !at_drafting_stage(&state, &case) {
        return cannot_edit(&state, &user, &id, "The draft can be edited here only while the reply is being drafted")
            .await;
    }
    match draft_text(&state, &case, query.get("from").map(String::as_str)).await? {
        Ok((document, text)) => Ok(edit(&user, &case, &document, text, None).into_response()),
        Err(message) => cannot_edit(&state, &user, &id, message).await,
    }
}

fn edit(user: &CurrentUser, case: &CaseState, document: &DocumentRef, text: String, error: Option<String>) -> EditPage {
    EditPage {
        title: format!("Edit the draft – {}", case.reference),
        nav: Some(Nav::new(user, "home")),
        id: case.id,
        reference: case.reference.to_string(),
        version: case.version,
        based_on: document.sha256.clone(),
        based_on_name: document.name.clone(),
        text,
        problems: error
            .iter()
            .map(|message| Problem { message: message.clone(), anchor: "draft-text".into() })
            .collect(),
        error,
    }
}

/// The new version's file name: the edited one's name without extension or version number,
/// then ` v{n}.docx` with n the number of reply versions after saving.
fn version_name(based_on: &str, versions: usize) -> String {
    let stem = based_on.rsplit_once('.').map_or(based_on, |(stem, _)| stem);
    let stem = match stem.rsplit_once(" v") {
        Some((head, number)) if !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()) => head,
        _ => stem,
    };
    format!("{stem} v{}.docx", versions + 1)
}

/// Text compared for "nothing changed": line endings and trailing spaces do not count.
fn normalised(text: &str) -> String {
    text.lines().map(str::trim_end).collect::<Vec<_>>().join("\n").trim().to_string()
}

/// `POST /cases/{id}/draft` (fields `based_on`, `version`, `text`): saves the edited text as a
/// new reply version (.docx), then shows what changed. A blank or unchanged text, a case that
/// moved on, or the engine's refusal comes back as an error with the text kept.
pub(crate) async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(posted): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let (case, _, _) = load_case(&state, &user, &id, |access| access.edit).await?;
    let based_on = posted.get("based_on").cloned().unwrap_or_default();
    let text = posted.get("text").cloned().unwrap_or_default().replace("\r\n", "\n");
    let (original, old_text) = match draft_text(&state, &case, Some(based_on.as_str())).await? {
        Ok(found) => found,
        Err(message) => return cannot_edit(&state, &user, &id, message).await,
    };
    let refuse = |message: &str| -> Result<Response, WebError> {
        let page = edit(&user, &case, &original, text.clone(), Some(message.to_string()));
        Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    if posted.get("version").and_then(|v| v.parse::<u64>().ok()) != Some(case.version) {
        return refuse(
            "Someone else changed this case while you were editing. Copy your text, reload the draft and try again",
        );
    }
    if text.trim().is_empty() {
        return refuse("Enter the text of the draft");
    }
    if normalised(&text) == normalised(&old_text) {
        return refuse("You have not changed the draft");
    }
    let bytes = match despatch_docs::text_docx(&text) {
        Ok(bytes) => bytes,
        Err(error) => return Err(WebError::Setup(error)),
    };
    let tags = reply_tags(&state, &case);
    let tag = tags.iter().find(|tag| *tag == "DRAFT").cloned().unwrap_or_else(|| original.tag.clone());
    let sha256 = despatch_intake::sha256_hex(&bytes);
    let document = DocumentRef {
        sha256: sha256.clone(),
        name: version_name(&original.name, case.reply_versions(&tags).count()),
        tag,
        media_type: DOCX.to_string(),
        size: bytes.len() as u64,
    };
    let command = Command::EditDraft { based_on: original.sha256.clone(), document };
    let file = NewDocument { sha256: sha256.clone(), bytes, text: text.clone() };
    match state.casework.execute_with_document(case.id, &command, file, &Actor::user(&user.name), Utc::now()).await {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{}/drafts/compare?to={sha256}", case.id)).into_response()),
        Err(error @ (StoreError::Command(_) | StoreError::Document(_))) => refuse(&refusal(&error)),
        Err(other) => Err(other.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_version_is_named_after_the_one_edited_with_the_next_number() {
        assert_eq!(version_name("reply.docx", 1), "reply v2.docx");
        assert_eq!(version_name("reply v2.docx", 2), "reply v3.docx");
        assert_eq!(version_name("letter to Mrs V.txt", 3), "letter to Mrs V v4.docx");
        assert_eq!(version_name("noextension", 0), "noextension v1.docx");
    }

    #[test]
    fn line_endings_and_trailing_spaces_are_not_a_change() {
        assert_eq!(normalised("Dear Jo,  \r\n\r\nThank you.\n"), normalised("Dear Jo,\n\nThank you."));
        assert_ne!(normalised("Dear Jo,"), normalised("Dear Joe,"));
    }
}
