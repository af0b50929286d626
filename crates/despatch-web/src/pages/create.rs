//! Creating cases: one from details typed in (case type, received date, channel, primary
//! correspondent with an MP picker from the register, topic), or one per uploaded letter through
//! the same registration path as `despatch ingest` ([`crate::registration`]): intake extracts the
//! letter's fields, which arrive filled in at the first stage for the caseworker to confirm. The
//! results table says which letters were resends of a case already registered (attached to it,
//! no new case), which joined a campaign, and which matched an earlier case's correspondent.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate, Utc};
use despatch_domain::access::may_create;
use despatch_domain::command::{Actor, Command, NewCase};
use despatch_domain::engine::CommandError;
use despatch_intake::register::Source;
use despatch_store::StoreError;

use super::parties::{correspondent, kind_choices, mp_choices};
use super::workstack::Choice;
use super::{Nav, humanise, stage_name, today};
use crate::access::CurrentUser;
use crate::registration::{Outcome, Registrar};
use crate::{AppState, WebError};

/// The case field the channel of receipt is recorded in, when the case type defines it.
const CHANNEL_FIELD: &str = "OriginalChannel";

/// What became of one uploaded file (or one message of a mailbox).
pub(crate) struct Registered {
    file: String,
    /// The case opened or attached to, with its link; empty when nothing was stored.
    reference: String,
    href: String,
    outcome: String,
    failed: bool,
    /// A new case with nothing more to report (no campaign, correspondent match or warning):
    /// one such upload alone opens the case instead of listing it.
    plain: bool,
}

/// A problem for the error summary: the id it links to and the message.
pub(crate) struct Problem {
    anchor: &'static str,
    message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "create.html")]
pub(crate) struct CreatePage {
    title: String,
    nav: Option<Nav>,
    csrf: String,
    case_types: Vec<Choice>,
    channels: Vec<Choice>,
    kinds: Vec<Choice>,
    mps: Vec<Choice>,
    topics: Vec<Choice>,
    /// The typed-in form's answers, kept after a refusal.
    answers: HashMap<String, String>,
    problems: Vec<Problem>,
    results: Vec<Registered>,
}

impl CreatePage {
    /// An answer of the typed-in form.
    fn answer(&self, name: &str) -> &str {
        self.answers.get(name).map(String::as_str).unwrap_or_default()
    }

    /// The error message for a field, if any.
    fn error(&self, anchor: &str) -> Option<&str> {
        self.problems.iter().find(|p| p.anchor == anchor).map(|p| p.message.as_str())
    }
}

fn page(
    state: &AppState,
    user: &CurrentUser,
    answers: HashMap<String, String>,
    problems: Vec<Problem>,
    results: Vec<Registered>,
) -> CreatePage {
    let world = state.casework.world();
    let pick = |name: &str, value: &str| answers.get(name).is_some_and(|v| v == value);
    let case_types: Vec<Choice> = world
        .definitions()
        .all()
        .filter(|d| may_create(world.directory(), &user.name, &d.code))
        .map(|d| Choice { value: d.code.clone(), label: d.name.clone(), selected: pick("case_type", &d.code) })
        .collect();
    let mut channels: Vec<Choice> = Vec::new();
    for definition in world.definitions().all() {
        for field in definition.fields_named(CHANNEL_FIELD) {
            for choice in field.choices.iter().filter(|c| !c.legacy) {
                if !channels.iter().any(|c| c.value == choice.value) {
                    let selected = pick("channel", &choice.value);
                    channels.push(Choice { value: choice.value.clone(), label: choice.label.clone(), selected });
                }
            }
        }
    }
    let kinds = kind_choices(answers.get("kind").map(String::as_str));
    let mps = mp_choices(state, answers.get("mp").map(String::as_str));
    let topics = world
        .directory()
        .topics
        .iter()
        .map(|t| Choice { value: t.clone(), label: humanise(t), selected: pick("topic", t) })
        .collect();
    let mut answers = answers;
    let today = today();
    for (part, value) in [("day", today.day()), ("month", today.month())] {
        answers.entry(format!("received-{part}")).or_insert_with(|| value.to_string());
    }
    answers.entry("received-year".to_string()).or_insert_with(|| today.year().to_string());
    CreatePage {
        title: "Create a case".to_string(),
        nav: Some(Nav::new(user, "create")),
        csrf: user.csrf.clone(),
        case_types,
        channels,
        kinds,
        mps,
        topics,
        answers,
        problems,
        results,
    }
}

/// `GET /cases/new`.
pub(crate) async fn show(State(state): State<AppState>, user: CurrentUser) -> CreatePage {
    page(&state, &user, HashMap::new(), Vec::new(), Vec::new())
}

/// A date from its day, month and year fields; `None` when not a real date.
fn date_from(answers: &HashMap<String, String>, name: &str) -> Option<NaiveDate> {
    let part = |p: &str| answers.get(&format!("{name}-{p}")).and_then(|v| v.trim().parse::<u32>().ok());
    let year = i32::try_from(part("year")?).ok()?;
    NaiveDate::from_ymd_opt(year, part("month")?, part("day")?)
}

/// `POST /cases/new`: opens a case from the typed-in details. A refusal comes back with an error
/// summary and the answers kept.
pub(crate) async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(answers): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let refuse = |problems: Vec<Problem>, answers: HashMap<String, String>| {
        (StatusCode::UNPROCESSABLE_ENTITY, page(&state, &user, answers, problems, Vec::new())).into_response()
    };
    let Some(received) = date_from(&answers, "received") else {
        let problem = Problem { anchor: "received-day", message: "Enter the date received as a real date".into() };
        return Ok(refuse(vec![problem], answers));
    };
    let Some(correspondent) = correspondent(&state, &answers) else {
        let problem = Problem { anchor: "name", message: "Enter the correspondent's name or choose an MP".into() };
        return Ok(refuse(vec![problem], answers));
    };
    let case_type = answers.get("case_type").cloned().unwrap_or_default();
    if let Some(problem) = creation_refused(&state, &user, &case_type, "case_type") {
        let page = page(&state, &user, answers, vec![problem], Vec::new());
        return Ok((StatusCode::FORBIDDEN, page).into_response());
    }
    let mut data = std::collections::BTreeMap::new();
    if let Some(channel) = answers.get("channel").filter(|c| !c.is_empty()) {
        data.insert(CHANNEL_FIELD.to_string(), channel.clone());
    }
    let new = NewCase {
        case_type,
        received,
        data,
        correspondents: vec![correspondent],
        legacy_reference: None,
        message_id: None,
    };
    let then: Vec<Command> = answers
        .get("topic")
        .filter(|t| !t.is_empty())
        .map(|topic| Command::AddTopic { topic: topic.clone() })
        .into_iter()
        .collect();
    match state.casework.open_with(new, then, Vec::new(), &Actor::user(&user.name), Utc::now()).await {
        Ok(outcome) => Ok(Redirect::to(&format!("/cases/{}", outcome.state.id)).into_response()),
        Err(StoreError::Command(error)) => {
            let problems = match error {
                CommandError::Invalid(errors) => {
                    errors.into_iter().map(|e| Problem { anchor: anchor_for(&e.field), message: e.message }).collect()
                }
                other => vec![Problem { anchor: "case_type", message: sentence(&other.to_string()) }],
            };
            Ok(refuse(problems, answers))
        }
        Err(other) => Err(other.into()),
    }
}

/// The problem when `user` may not open cases of a known `case_type` (an unknown one is left to
/// the engine, which names it), shown against the field `anchor`.
fn creation_refused(state: &AppState, user: &CurrentUser, case_type: &str, anchor: &'static str) -> Option<Problem> {
    let world = state.casework.world();
    let definition = world.definitions().latest(case_type)?;
    (!may_create(world.directory(), &user.name, case_type)).then(|| Problem {
        anchor,
        message: format!(
            "You cannot create {} cases: none of your teams gives you write access to them",
            definition.name
        ),
    })
}

/// The form element an engine field error belongs to.
fn anchor_for(field: &str) -> &'static str {
    match field {
        "received" => "received-day",
        "topic" => "topic",
        "case_type" => "case_type",
        f if f == CHANNEL_FIELD => "channel",
        _ => "name",
    }
}

fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// `POST /cases/upload` (multipart: `csrf`, `case_type`, `received-*`, `letters` one or more
/// files): registers each letter as a case. One case created (or reply attached) from one file, with nothing more to report, opens it; otherwise
/// the page lists what became of each file.
pub(crate) async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let mut answers = HashMap::new();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => {
                let problem = Problem { anchor: "letters", message: format!("The upload could not be read: {error}") };
                let page = page(&state, &user, answers, vec![problem], Vec::new());
                return Ok((StatusCode::BAD_REQUEST, page).into_response());
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "letters" {
            let file = field.file_name().unwrap_or("letter").to_string();
            let bytes = field.bytes().await.map_err(|_| WebError::TooLarge(crate::security::MAX_UPLOAD))?;
            if !bytes.is_empty() {
                files.push((file, bytes.to_vec()));
            }
        } else if let Ok(value) = field.text().await {
            answers.insert(name, value);
        }
    }
    if files.is_empty() {
        let problem = Problem { anchor: "letters", message: "Choose one or more letter files".into() };
        return Ok(
            (StatusCode::UNPROCESSABLE_ENTITY, page(&state, &user, answers, vec![problem], Vec::new())).into_response()
        );
    }
    let received = date_from(&answers, "upload-received");
    let case_type = answers.get("upload_case_type").cloned().unwrap_or_default();
    if let Some(problem) = creation_refused(&state, &user, &case_type, "upload_case_type") {
        let page = page(&state, &user, answers, vec![problem], Vec::new());
        return Ok((StatusCode::FORBIDDEN, page).into_response());
    }
    let actor = Actor::user(&user.name);
    let options =
        despatch_intake::Options { registers: state.registers.clone(), ..despatch_intake::Options::default() };
    let registrar = Registrar {
        casework: &state.casework,
        case_type: &case_type,
        actor: &actor,
        import: false,
        received,
        match_threshold: options.match_threshold,
    };
    let mut results = Vec::new();
    for (file, bytes) in files {
        let outcomes = match despatch_intake::read_bytes(&file, &bytes, &options) {
            Ok(intakes) => registrar.letters(&file, &bytes, intakes).await,
            Err(error) => vec![(None, Outcome::Failed { reason: error.to_string() })],
        };
        for (part, outcome) in outcomes {
            results.push(registered(&state, &case_type, format!("{file}{}", part.unwrap_or_default()), outcome).await?);
        }
    }
    if let [only] = results.as_slice()
        && only.plain
        && !only.href.is_empty()
    {
        return Ok(Redirect::to(&only.href).into_response());
    }
    let status = if results.iter().all(|r| r.failed) { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let problems = results
        .iter()
        .filter(|r| r.failed)
        .map(|r| Problem { anchor: "letters", message: format!("{}: {}", r.file, r.outcome) })
        .collect();
    Ok((status, page(&state, &user, HashMap::new(), problems, results)).into_response())
}

/// The case page of a case reference; empty when there is none.
async fn link(state: &AppState, reference: &str) -> Result<String, WebError> {
    let case = state.store().case_by_reference(reference).await?;
    Ok(case.map(|c| format!("/cases/{}", c.id)).unwrap_or_default())
}

/// One file's outcome as the results table shows it.
async fn registered(state: &AppState, case_type: &str, file: String, outcome: Outcome) -> Result<Registered, WebError> {
    Ok(match outcome {
        Outcome::Registered { case, stage, campaign, matches, warning, .. } => {
            let mut outcome = match stage {
                Some(stage) => format!("Registered at {}", stage_name(&state.casework.world(), case_type, &stage)),
                None => "Registered and closed".to_string(),
            };
            let plain = campaign.is_none() && warning.is_none() && !matches.iter().any(|m| m.source == Source::Known);
            if let Some(campaign) = campaign {
                outcome.push_str(&format!(
                    "; part of campaign {} ({}% like {}; search for \"{}\" to find its letters)",
                    campaign.campaign,
                    (f64::from(campaign.similarity) * 100.0).round(),
                    campaign.closest,
                    campaign.search
                ));
            }
            if let Some(known) = matches.iter().find(|m| m.source == Source::Known) {
                let how = if known.applied { "the same correspondent as" } else { "possibly the correspondent of" };
                outcome.push_str(&format!("; {} is {how} {}", known.name, known.id));
            }
            if let Some(warning) = warning {
                outcome.push_str(&format!(" (check: {warning})"));
            }
            Registered { file, href: link(state, &case).await?, outcome, reference: case, failed: false, plain }
        }
        Outcome::Resend { case } => Registered {
            file,
            href: link(state, &case).await?,
            reference: case,
            outcome: "The same letter was registered before: attached to its case as a resend, no new case".into(),
            failed: false,
            plain: false,
        },
        Outcome::Attached { case } => Registered {
            file,
            href: link(state, &case).await?,
            reference: case,
            outcome: "Attached as the reply".into(),
            failed: false,
            plain: true,
        },
        Outcome::Duplicate { cases } => Registered {
            file,
            reference: String::new(),
            href: String::new(),
            outcome: format!("Already on {}, nothing new was created", cases.join(", ")),
            failed: true,
            plain: false,
        },
        Outcome::Failed { reason } => Registered {
            file,
            reference: String::new(),
            href: String::new(),
            outcome: sentence(&reason),
            failed: true,
            plain: false,
        },
    })
}
