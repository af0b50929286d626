//! The case page: identity bar, the current stage's form, stage history and timeline; and the
//! posts that complete a stage or allocate it to the signed-in user.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use despatch_domain::case::CaseState;
use despatch_domain::command::{Actor, Command};
use despatch_domain::engine::{CommandError, FieldError};
use despatch_store::{StageVisit, StoreError};

use super::form::{self, FieldView, Posted};
use super::parties;
use super::timeline::{self, Entry};
use super::{Nav, deadline_flag, humanise, long_date, short_date, stage_name, team_name, today};
use crate::access::{CurrentUser, case_access, load_case};
use crate::{AppState, WebError};

/// A stage visit as the history table shows it.
struct VisitView {
    stage: String,
    team: String,
    user: String,
    deadline: String,
    started: String,
    ended: String,
}

/// `29 Nov 2026 14:41` from an RFC 3339 instant (UTC); the text itself when it is not one.
fn instant(text: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(text)
        .map_or_else(|_| text.to_string(), |t| t.format("%-d %b %Y %H:%M").to_string())
}

/// A problem for the error summary: message and the id it links to.
pub(super) struct Problem {
    pub message: String,
    pub anchor: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "case.html")]
pub(crate) struct CasePage {
    title: String,
    nav: Option<Nav>,
    id: i64,
    version: u64,
    reference: String,
    correspondent: String,
    /// What intake matched the correspondent to, with its confidence; empty when nothing.
    correspondent_match: String,
    /// The campaign the letter is part of; empty when none.
    campaign: String,
    /// The search for the campaign's letters.
    campaign_search: String,
    stage_id: String,
    stage: String,
    team: String,
    owner: String,
    deadline: String,
    deadline_flag: &'static str,
    /// "3 working days left", "2 working days late", or empty.
    days: String,
    received: String,
    case_type: String,
    topics: String,
    can_take: bool,
    can_unallocate: bool,
    can_complete: bool,
    /// Whether the case-note form is shown (WRITE).
    can_note: bool,
    /// The case-note form's text and error, kept after a refusal.
    note_text: String,
    note_error: Option<String>,
    fields: Vec<FieldView>,
    takes_note: bool,
    note: String,
    problems: Vec<Problem>,
    completed: Option<String>,
    history: Vec<VisitView>,
    timeline: Vec<Entry>,
    /// Documents, correspondents and their forms.
    parts: parties::Parts,
    /// Standard lines, the primary draft, editing and comparing drafts.
    drafting: super::drafting::Section,
    /// Contributions requested from other teams.
    contributions: super::contributions::Section,
    /// The "Generate draft from template" form (`case_draft.html`).
    generate: super::draft::Offer,
}

/// What a refused submission brings back to the page: the answers given, the problems for the
/// summary and the engine's field errors.
#[derive(Default)]
pub(super) struct Answers<'a> {
    pub posted: Option<&'a Posted>,
    pub problems: Vec<Problem>,
    pub errors: &'a [FieldError],
    /// A refused case note: its text and the reason.
    pub note: Option<(String, String)>,
    /// A refused correspondent form: its answers.
    pub correspondent: Option<HashMap<String, String>>,
    /// A refused contribution request: its answers.
    pub contribution: Option<HashMap<String, String>>,
}

pub(super) async fn page(
    state: &AppState,
    user: &CurrentUser,
    case: &CaseState,
    history: &[StageVisit],
    answers: Answers<'_>,
    completed: Option<String>,
) -> Result<CasePage, WebError> {
    let Answers { posted, problems, errors, note: refused_note, correspondent, contribution } = answers;
    let world = state.casework.world();
    let today = today();
    let definition = world.definitions().get(&case.case_type, case.definition_version).cloned();
    let stage_def = case.stage.as_ref().and_then(|s| definition.as_ref().and_then(|d| d.stage(&s.stage)).cloned());
    let access = case_access(&world, user, case, history);
    let calendar = world.calendar(&case.case_type, case.definition_version);
    let days = match (case.deadline, calendar, case.is_closed()) {
        (Some(deadline), Some(calendar), false) if today <= deadline => {
            format!("{} working days left", calendar.working_days_between(today, deadline))
        }
        (Some(deadline), Some(calendar), false) => {
            format!("{} working days late", calendar.working_days_between(deadline, today))
        }
        _ => String::new(),
    };
    let events = state.store().events(case.id).await?;
    let fields =
        stage_def.as_ref().map(|stage| form::fields(stage, &world, &case.data, posted, errors)).unwrap_or_default();
    let contributions =
        super::contributions::Section::new(state, case, access.edit, contribution.unwrap_or_default(), &problems);
    Ok(CasePage {
        title: case.reference.to_string(),
        nav: Some(Nav::new(user, "home")),
        id: case.id,
        version: case.version,
        reference: case.reference.to_string(),
        correspondent: case.primary_correspondent().map(|c| c.details.name.clone()).unwrap_or_default(),
        correspondent_match: case
            .primary_correspondent()
            .and_then(|c| c.details.matched.as_deref())
            .map(describe_match)
            .unwrap_or_default(),
        campaign: case.campaign.clone().unwrap_or_default(),
        campaign_search: case
            .campaign
            .as_ref()
            .map(|c| format!("/search?q={}", super::query_value(&despatch_domain::case::campaign_search_words(c))))
            .unwrap_or_default(),
        stage_id: case.stage.as_ref().map(|s| s.stage.clone()).unwrap_or_default(),
        stage: case
            .stage
            .as_ref()
            .map_or_else(|| "Closed".to_string(), |s| stage_name(&world, &case.case_type, &s.stage)),
        team: case.stage.as_ref().map(|s| team_name(&world, &s.team)).unwrap_or_default(),
        owner: case.stage.as_ref().and_then(|s| s.user.clone()).unwrap_or_else(|| "Unallocated".to_string()),
        deadline: case.deadline.map(long_date).unwrap_or_else(|| "None".to_string()),
        deadline_flag: if case.is_closed() {
            ""
        } else {
            deadline_flag(&world, &case.case_type, case.received, case.deadline, today)
        },
        days,
        received: long_date(case.received),
        case_type: definition.as_ref().map_or_else(|| case.case_type.clone(), |d| d.name.clone()),
        topics: case.topics.iter().map(|t| humanise(t)).collect::<Vec<_>>().join(", "),
        can_take: access.take,
        can_unallocate: access.unallocate,
        can_note: access.add_note,
        note_text: refused_note.as_ref().map(|(text, _)| text.clone()).unwrap_or_default(),
        note_error: refused_note.map(|(_, error)| error),
        can_complete: access.complete && stage_def.is_some(),
        takes_note: stage_def.as_ref().is_some_and(form::takes_note),
        note: posted.and_then(|p| p.get("note").cloned()).unwrap_or_default(),
        fields,
        problems,
        completed,
        history: history
            .iter()
            .map(|visit| VisitView {
                stage: stage_name(&world, &case.case_type, &visit.stage),
                team: team_name(&world, &visit.team),
                user: visit.completed_by.clone().or_else(|| visit.user.clone()).unwrap_or_default(),
                deadline: visit.deadline.map(short_date).unwrap_or_default(),
                started: instant(&visit.started_at),
                ended: visit.ended_at.as_deref().map(instant).unwrap_or_default(),
            })
            .collect(),
        timeline: timeline::entries(&case.case_type, &events, &world),
        parts: parties::Parts::new(state, case, correspondent.unwrap_or_default()),
        drafting: super::drafting::Section::new(state, case, &access).await?,
        contributions,
        generate: super::draft::Offer::new(state, &access, case).await?,
    })
}

/// `GET /cases/{id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<CasePage, WebError> {
    let (case, history, _) = load_case(&state, &user, &id, |access| access.read).await?;
    let completed = query.get("completed").map(|stage| stage_name(&state.casework.world(), &case.case_type, stage));
    page(&state, &user, &case, &history, Answers::default(), completed).await
}

/// A refusal of the engine as problems for the error summary.
fn problems(error: &CommandError, fields: &[FieldView]) -> Vec<Problem> {
    match error {
        CommandError::Invalid(errors) => errors
            .iter()
            .map(|e| Problem {
                message: e.message.clone(),
                anchor: fields.iter().find(|f| f.name == e.field).map_or_else(|| e.field.clone(), FieldView::anchor),
            })
            .collect(),
        CommandError::StaleVersion { .. } | CommandError::StageMoved { .. } => vec![Problem {
            message: "Someone else changed this case while you were working on it. Check the case and try again."
                .to_string(),
            anchor: "timeline".to_string(),
        }],
        other => vec![Problem { message: sentence(&other.to_string()), anchor: "stage-form".to_string() }],
    }
}

fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// `POST /cases/{id}/stage`: completes the current stage with the posted fields. On a refusal
/// the page comes back with a GOV.UK error summary and the answers kept.
pub(crate) async fn complete_stage(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (case, history, access) = load_case(&state, &user, &id, |access| access.read).await?;
    if !access.complete {
        // Say why on the case page: someone else holds the stage, or the level does not allow it.
        let message = match case.stage.as_ref().and_then(|stage| stage.user.as_deref()) {
            Some(holder) if holder != user.name && access.add_note => {
                format!("This stage is not allocated to you (it is allocated to {holder})")
            }
            _ => "You cannot complete this stage: your access to this case does not allow it".to_string(),
        };
        let answers = Answers { problems: vec![Problem { message, anchor: "timeline".into() }], ..Answers::default() };
        let page = page(&state, &user, &case, &history, answers, None).await?;
        return Ok((StatusCode::FORBIDDEN, page).into_response());
    }
    let posted: Posted = posted.into_iter().collect::<BTreeMap<_, _>>();
    let world = state.casework.world();
    let stage_id = posted.get("stage").cloned().unwrap_or_default();
    let stage = world
        .definitions()
        .get(&case.case_type, case.definition_version)
        .and_then(|definition| definition.stage(&stage_id))
        .cloned();
    let version = posted.get("version").and_then(|v| v.parse::<u64>().ok());
    let Some(stage) = stage else {
        let problems = vec![Problem {
            message: "This stage is no longer open. Check the case.".into(),
            anchor: "timeline".into(),
        }];
        let answers = Answers { problems, ..Answers::default() };
        let page = page(&state, &user, &case, &history, answers, None).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    };
    let note = posted.get("note").map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    let command = Command::CompleteStage {
        stage: stage_id.clone(),
        fields: form::command_fields(&stage, &posted),
        note,
        take: true,
    };
    match state.casework.execute(case.id, version, &command, &Actor::user(&user.name), Utc::now()).await {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{}?completed={}", case.id, stage_id)).into_response()),
        Err(StoreError::Command(error)) => {
            let errors = match &error {
                CommandError::Invalid(errors) => errors.clone(),
                _ => Vec::new(),
            };
            let status = match error {
                CommandError::Invalid(_) | CommandError::NoDecision { .. } => StatusCode::UNPROCESSABLE_ENTITY,
                CommandError::NotAllocatedToYou { .. } | CommandError::NotInTeam { .. } => StatusCode::FORBIDDEN,
                _ => StatusCode::CONFLICT,
            };
            // The page is drawn from the case as stored now, with the user's answers kept.
            let (case, history, _) = load_case(&state, &user, &id, |access| access.read).await?;
            let fields = form::fields(&stage, &world, &case.data, Some(&posted), &errors);
            let problems = problems(&error, &fields);
            let answers = Answers { posted: Some(&posted), problems, errors: &errors, ..Answers::default() };
            let page = page(&state, &user, &case, &history, answers, None).await?;
            Ok((status, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /cases/{id}/allocate-to-me`: allocates the current stage to the signed-in user, then
/// returns to the page named by the form's `back` field (a local path), else the case.
pub(crate) async fn allocate_to_me(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(posted): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let (case, _, _) = load_case(&state, &user, &id, |access| access.take).await?;
    let command = Command::AllocateToUser { user: user.name.clone() };
    match state.casework.execute(case.id, None, &command, &Actor::user(&user.name), Utc::now()).await {
        Ok(_) => {}
        Err(StoreError::Command(error)) => {
            tracing::info!(case = case.id, %error, "allocate to me refused");
            return Err(WebError::Forbidden);
        }
        Err(other) => return Err(other.into()),
    }
    let back = posted
        .get("back")
        .filter(|b| b.starts_with('/') && !b.starts_with("//"))
        .cloned()
        .unwrap_or_else(|| format!("/cases/{}", case.id));
    Ok(Redirect::to(&back).into_response())
}

/// `POST /cases/{id}/notes`: adds a case note (field `text`). A refusal (a blank note) comes back
/// as an error summary with the text kept.
pub(crate) async fn add_note(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(posted): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let (case, history, _) = load_case(&state, &user, &id, |access| access.add_note).await?;
    let text = posted.get("text").cloned().unwrap_or_default();
    let command = Command::AddNote { text: text.clone() };
    match state.casework.execute(case.id, None, &command, &Actor::user(&user.name), Utc::now()).await {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{}#timeline", case.id)).into_response()),
        Err(StoreError::Command(error)) => {
            let message = match &error {
                CommandError::Invalid(errors) => {
                    errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join(". ")
                }
                other => sentence(&other.to_string()),
            };
            let problems = vec![Problem { message: message.clone(), anchor: "note-text".to_string() }];
            let answers = Answers { problems, note: Some((text, message)), ..Answers::default() };
            let page = page(&state, &user, &case, &history, answers, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /cases/{id}/unallocate`: gives the current stage back to its team's queue.
pub(crate) async fn unallocate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (case, _, _) = load_case(&state, &user, &id, |access| access.unallocate).await?;
    match state.casework.execute(case.id, None, &Command::Unallocate, &Actor::user(&user.name), Utc::now()).await {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{}", case.id)).into_response()),
        Err(StoreError::Command(error)) => {
            tracing::info!(case = case.id, %error, "unallocate refused");
            Err(WebError::Forbidden)
        }
        Err(other) => Err(other.into()),
    }
}

/// A correspondent's intake match as a sentence: what it was matched to, how sure, and whether
/// its details were used.
fn describe_match(matched: &despatch_domain::command::CorrespondentMatch) -> String {
    let what = match matched.register.as_str() {
        "mp" => format!("{} MP (Parliament member {})", matched.name, matched.key),
        "council" => format!("{} ({})", matched.name, matched.key),
        "known" => format!("{}, correspondent of {}", matched.name, matched.key),
        other => format!("{} ({other} {})", matched.name, matched.key),
    };
    let how = if matched.applied { "matched to" } else { "possibly" };
    let used = if matched.applied { "" } else { "; not applied, check before relying on it" };
    format!("{how} {what}, {}% confidence{used}", matched.confidence_percent)
}
