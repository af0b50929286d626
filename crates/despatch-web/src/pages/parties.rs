//! The case page's correspondents (add, edit, make primary; MP picker from the register) and
//! documents (upload with a tag, download). Each change is one engine command through
//! `Casework`; an upload passes the store's upload checks first, and a refusal leaves the case
//! unchanged and comes back as a GOV.UK error summary.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use despatch_domain::case::{CaseState, CorrespondentKind, DocumentRef};
use despatch_domain::command::{Actor, Command, CorrespondentDetails};
use despatch_domain::engine::CommandError;
use despatch_store::{NewDocument, StoreError};

use super::case::{Answers, Problem, page};
use super::workstack::Choice;
use crate::access::{CurrentUser, load_case};
use crate::{AppState, WebError};

/// Correspondent types as the forms offer them: kind, form value, label.
pub(crate) const KINDS: [(CorrespondentKind, &str, &str); 6] = [
    (CorrespondentKind::Mp, "mp", "Member of Parliament"),
    (CorrespondentKind::Peer, "peer", "Peer"),
    (CorrespondentKind::Councillor, "councillor", "Councillor"),
    (CorrespondentKind::MemberOfPublic, "member_of_public", "Member of the public"),
    (CorrespondentKind::Organisation, "organisation", "Organisation"),
    (CorrespondentKind::Constituent, "constituent", "Constituent"),
];

/// A correspondent as the case page lists it.
pub(crate) struct CorrespondentView {
    pub id: u32,
    pub name: String,
    pub kind: &'static str,
    /// The kinds for the edit form, this one's chosen.
    pub kinds: Vec<Choice>,
    pub detail: String,
    pub organisation: String,
    pub address: String,
    pub postcode: String,
    pub email: String,
    pub primary: bool,
}

/// A document as the case page lists it.
pub(crate) struct DocumentView {
    pub name: String,
    pub tag: String,
    pub size: String,
    pub href: String,
    /// SHA-256, for the re-tag and primary-draft forms.
    pub sha256: String,
    /// A reply version (it may be made the primary draft).
    pub reply: bool,
    /// The primary draft.
    pub primary: bool,
}

/// The correspondents and documents sections of the case page, and their forms' choices.
pub(crate) struct Parts {
    pub correspondents: Vec<CorrespondentView>,
    pub documents: Vec<DocumentView>,
    pub tags: Vec<String>,
    pub kinds: Vec<Choice>,
    pub mps: Vec<Choice>,
    /// The add-correspondent form's answers (kept after a refusal).
    pub answers: HashMap<String, String>,
}

impl Parts {
    pub(crate) fn new(state: &AppState, case: &CaseState, answers: HashMap<String, String>) -> Parts {
        let world = state.casework.world();
        let definition = world.definitions().get(&case.case_type, case.definition_version).cloned();
        let tags = definition.as_ref().map(|d| d.document_tags.clone());
        let reply_tags = definition.map(|d| d.reply.tags.clone()).unwrap_or_default();
        let primary = case.primary_draft_document(&reply_tags).map(|d| d.sha256.clone());
        Parts {
            correspondents: case
                .correspondents
                .iter()
                .map(|c| CorrespondentView {
                    id: c.id,
                    name: c.details.name.clone(),
                    kind: KINDS.iter().find(|(k, _, _)| *k == c.details.kind).map_or("", |(_, _, label)| label),
                    kinds: kind_choices(
                        KINDS.iter().find(|(k, _, _)| *k == c.details.kind).map(|(_, value, _)| *value),
                    ),
                    organisation: c.details.organisation.clone().unwrap_or_default(),
                    address: c.details.address.join("\n"),
                    postcode: c.details.postcode.clone().unwrap_or_default(),
                    email: c.details.email.clone().unwrap_or_default(),
                    detail: [c.details.organisation.clone(), c.details.postcode.clone(), c.details.email.clone()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(", "),
                    primary: c.primary,
                })
                .collect(),
            documents: case
                .documents
                .iter()
                .map(|d| DocumentView {
                    name: d.name.clone(),
                    tag: d.tag.clone(),
                    size: size(d.size),
                    href: format!("/cases/{}/documents/{}", case.id, d.sha256),
                    sha256: d.sha256.clone(),
                    reply: reply_tags.contains(&d.tag),
                    primary: primary.as_deref() == Some(d.sha256.as_str()),
                })
                .collect(),
            tags: tags.unwrap_or_default(),
            kinds: kind_choices(answers.get("kind").map(String::as_str)),
            mps: mp_choices(state, answers.get("mp").map(String::as_str)),
            answers,
        }
    }

    /// An answer of the add-correspondent form.
    pub(crate) fn answer(&self, name: &str) -> &str {
        self.answers.get(name).map(String::as_str).unwrap_or_default()
    }
}

/// `12 KB`, `3.4 MB`.
fn size(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} bytes"),
        b if b < 1024 * 1024 => format!("{} KB", b / 1024),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// The correspondent types, with `selected` chosen.
pub(crate) fn kind_choices(selected: Option<&str>) -> Vec<Choice> {
    KINDS
        .iter()
        .map(|(_, value, label)| Choice {
            value: value.to_string(),
            label: label.to_string(),
            selected: selected == Some(*value),
        })
        .collect()
}

/// The sitting MPs of the register, by name, with `selected` (a member id) chosen.
pub(crate) fn mp_choices(state: &AppState, selected: Option<&str>) -> Vec<Choice> {
    let mut mps: Vec<Choice> = state
        .registers
        .as_ref()
        .map(|registers| {
            registers
                .mps
                .iter()
                .filter(|mp| mp.current)
                .map(|mp| Choice {
                    value: mp.member_id.clone(),
                    label: format!("{} ({}, {})", mp.name, mp.constituency, mp.party),
                    selected: selected == Some(mp.member_id.as_str()),
                })
                .collect()
        })
        .unwrap_or_default();
    mps.sort_by(|a, b| a.label.cmp(&b.label));
    mps
}

/// The correspondent typed in or picked from the MP register (an MP picked fills in the name,
/// type and register key); `None` when neither a name nor an MP was given.
pub(crate) fn correspondent(state: &AppState, answers: &HashMap<String, String>) -> Option<CorrespondentDetails> {
    let text = |name: &str| answers.get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let mp = text("mp").and_then(|id| state.registers.as_ref()?.mps.iter().find(|mp| mp.member_id == id).cloned());
    let kind = text("kind")
        .and_then(|k| KINDS.iter().find(|(_, value, _)| *value == k).map(|(kind, _, _)| *kind))
        .unwrap_or(if mp.is_some() { CorrespondentKind::Mp } else { CorrespondentKind::MemberOfPublic });
    let name = text("name").or_else(|| mp.as_ref().map(|mp| format!("{} MP", mp.name)))?;
    let address = text("address")
        .map(|a| a.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect())
        .unwrap_or_default();
    Some(CorrespondentDetails {
        kind,
        name,
        organisation: text("organisation").or_else(|| mp.as_ref().map(|_| "House of Commons".to_string())),
        address,
        postcode: text("postcode"),
        email: text("email"),
        their_reference: text("their_reference"),
        external_key: mp.map(|mp| mp.member_id),
        // Typed in or picked by a person: no automatic match to record.
        matched: None,
    })
}

/// A refusal in words.
fn message(error: &StoreError) -> String {
    let text = match error {
        StoreError::Command(CommandError::Invalid(errors)) => {
            errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join(". ")
        }
        other => other.to_string(),
    };
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The case page again with one problem for the summary, status 422.
async fn refused(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    anchor: &str,
    text: String,
    correspondent: Option<HashMap<String, String>>,
) -> Result<Response, WebError> {
    // Every refusal answers an attempt to change the case: one the level does not allow is 403.
    let (case, history, _) = load_case(state, user, id, |access| access.edit).await?;
    let problems = vec![Problem { message: text, anchor: anchor.to_string() }];
    let answers = Answers { problems, correspondent, ..Answers::default() };
    let page = page(state, user, &case, &history, answers, None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// Runs a command on a case the user may see; on success returns to `#anchor` of the case page,
/// on a refusal shows the case page with the engine's reason.
pub(super) async fn run(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    command: Command,
    anchor: &str,
    answers: Option<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let (case, _, _) = load_case(state, user, id, |access| access.edit).await?;
    match state.casework.execute(case.id, None, &command, &Actor::user(&user.name), Utc::now()).await {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{}#{anchor}", case.id)).into_response()),
        Err(error @ StoreError::Command(_)) => {
            refused(state, user, id, &format!("{anchor}-form"), message(&error), answers).await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /cases/{id}/correspondents`: adds a correspondent (fields as on the create page, and
/// `primary` to make them primary).
pub(crate) async fn add_correspondent(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(answers): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let Some(details) = correspondent(&state, &answers) else {
        let text = "Enter the correspondent's name or choose an MP".to_string();
        return refused(&state, &user, &id, "correspondent-name", text, Some(answers)).await;
    };
    let primary = answers.get("primary").is_some_and(|v| v == "TRUE");
    run(&state, &user, &id, Command::AddCorrespondent { details, primary }, "correspondents", Some(answers)).await
}

/// `POST /cases/{id}/correspondents/{n}/primary`: makes correspondent `n` the primary one.
pub(crate) async fn make_primary(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, n)): Path<(String, u32)>,
) -> Result<Response, WebError> {
    run(&state, &user, &id, Command::SetPrimaryCorrespondent { id: n }, "correspondents", None).await
}

/// `POST /cases/{id}/correspondents/{n}`: replaces correspondent `n`'s details.
pub(crate) async fn edit_correspondent(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, n)): Path<(String, u32)>,
    Form(answers): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let Some(details) = correspondent(&state, &answers) else {
        let text = "Enter the correspondent's name".to_string();
        return refused(&state, &user, &id, "correspondents-form", text, None).await;
    };
    run(&state, &user, &id, Command::UpdateCorrespondent { id: n, details }, "correspondents", None).await
}

/// `GET /cases/{id}/documents/{sha256}`: the document's bytes, as an attachment download.
pub(crate) async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, sha256)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (case, _, _) = load_case(&state, &user, &id, |access| access.read).await?;
    let document = case.documents.iter().find(|d| d.sha256 == sha256).ok_or(WebError::NotFound)?;
    let bytes = state.casework.document_bytes(&sha256).await?.ok_or(WebError::NotFound)?;
    let media_type = HeaderValue::from_str(&document.media_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let safe: String =
        document.name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_ ".contains(c) { c } else { '_' }).collect();
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    Ok(([(CONTENT_TYPE, media_type), (CONTENT_DISPOSITION, disposition)], bytes).into_response())
}

/// `POST /cases/{id}/documents` (multipart: `csrf`, `tag`, `file`): attaches a document. The
/// store's upload checks apply (type, size, malware scan when configured); a refused upload
/// shows a GOV.UK error and the case is unchanged.
pub(crate) async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let (case, _, _) = load_case(&state, &user, &id, |access| access.edit).await?;
    let mut tag = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => {
                let text = format!("The upload could not be read: {error}");
                return refused(&state, &user, &id, "document-file", text, None).await;
            }
        };
        match field.name().unwrap_or_default() {
            "tag" => tag = field.text().await.unwrap_or_default(),
            "file" => {
                let name = field.file_name().unwrap_or("document").to_string();
                let bytes = field.bytes().await.map_err(|_| WebError::TooLarge(crate::security::MAX_UPLOAD))?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    let Some((name, bytes)) = file.filter(|(_, bytes)| !bytes.is_empty()) else {
        return refused(&state, &user, &id, "document-file", "Choose a file to upload".to_string(), None).await;
    };
    // The store's upload checks (type by content, size, archives): those of the document store
    // when one is configured (it also scans), else the default policy, so that an upload kept in
    // the database is held to the same rules.
    let policy = state.casework.documents().map(|d| d.policy().clone()).unwrap_or_default();
    let media_type = match policy.check_content(&bytes) {
        Ok(media_type) => media_type.to_string(),
        Err(error) => {
            let text = format!("The file was not uploaded: {error}");
            return refused(&state, &user, &id, "document-file", text, None).await;
        }
    };
    // The text is read for search; a file intake cannot read is still stored, unsearched.
    let text = despatch_intake::read_bytes(&name, &bytes, &despatch_intake::Options::default())
        .map(|intakes| intakes.iter().map(|i| i.text.as_str()).collect::<Vec<_>>().join("\n"))
        .ok();
    let sha256 = despatch_intake::sha256_hex(&bytes);
    let document = DocumentRef { sha256: sha256.clone(), name, tag, media_type, size: bytes.len() as u64 };
    let file = NewDocument { sha256, bytes, text: text.unwrap_or_default() };
    match state.casework.attach(case.id, document, file, &Actor::user(&user.name), Utc::now()).await {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{}#documents", case.id)).into_response()),
        Err(error @ (StoreError::Command(_) | StoreError::Document(_))) => {
            let anchor = match &error {
                StoreError::Command(CommandError::Invalid(errors)) if errors.iter().any(|e| e.field == "tag") => {
                    "document-tag"
                }
                _ => "document-file",
            };
            refused(&state, &user, &id, anchor, message(&error), None).await
        }
        Err(other) => Err(other.into()),
    }
}
