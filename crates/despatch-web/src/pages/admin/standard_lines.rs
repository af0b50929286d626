//! Standard lines: agreed wording per topic with an expiry date (a Europe/London civil date,
//! inclusive), listed by topic, added, edited and retired by administrators. Drafters are offered
//! the current, unexpired lines of a case's topics (`pages::drafting`). A whole file is loaded
//! with `despatch standard-lines load FILE`.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, Utc};
use despatch_domain::engine::MAX_NOTE_CHARS;
use despatch_domain::standard_line::StandardLine;
use despatch_store::StoredLine;
use despatch_store::drafting::Change;

use super::{Problem, name};
use crate::access::{Administrator, CurrentUser};
use crate::pages::{Nav, long_date, today};
use crate::{AppState, WebError};

/// A line as the list shows it.
struct LineRow {
    id: i64,
    topic: String,
    title: String,
    expires: String,
    expired: bool,
    retired: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/standard_lines.html")]
pub(crate) struct ListPage {
    title: String,
    nav: Option<Nav>,
    csrf: String,
    lines: Vec<LineRow>,
    topics: Vec<(String, String)>,
    problems: Vec<Problem>,
    posted: HashMap<String, String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/standard_line.html")]
pub(crate) struct LinePage {
    title: String,
    nav: Option<Nav>,
    csrf: String,
    id: i64,
    retired: bool,
    /// "Added by admin on …; last changed by …"; "Retired by … on …".
    history: Vec<String>,
    topics: Vec<(String, String)>,
    problems: Vec<Problem>,
    posted: HashMap<String, String>,
}

/// The form's answers and errors, shared by both pages' templates.
macro_rules! form_answers {
    ($page:ty) => {
        impl $page {
            fn value(&self, field: &str) -> &str {
                self.posted.get(field).map_or("", String::as_str)
            }

            fn error(&self, field: &str) -> Option<&str> {
                self.problems.iter().find(|p| p.anchor == field).map(|p| p.message.as_str())
            }
        }
    };
}
form_answers!(ListPage);
form_answers!(LinePage);

/// Every topic (code, name), by name, for the topic select.
fn topics(state: &AppState) -> Vec<(String, String)> {
    let world = state.casework.world();
    let directory = world.directory();
    let mut topics: Vec<(String, String)> = directory
        .topics
        .iter()
        .chain(directory.topic_details.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|code| (code.clone(), directory.topic_name(code)))
        .collect();
    topics.sort_by(|a, b| a.1.cmp(&b.1));
    topics
}

/// A line's answers as the form shows them.
fn answers(line: &StandardLine) -> HashMap<String, String> {
    HashMap::from([
        ("topic".to_string(), line.topic.clone()),
        ("title".to_string(), line.title.clone()),
        ("text".to_string(), line.text.clone()),
        ("expires-day".to_string(), line.expires.format("%-d").to_string()),
        ("expires-month".to_string(), line.expires.format("%-m").to_string()),
        ("expires-year".to_string(), line.expires.format("%Y").to_string()),
    ])
}

/// The posted form as a line, or every problem with it.
fn parse(state: &AppState, posted: &HashMap<String, String>) -> Result<StandardLine, Vec<Problem>> {
    let field = |name: &str| posted.get(name).map_or("", String::as_str).trim();
    let mut problems = Vec::new();
    let topic = field("topic");
    if !topics(state).iter().any(|(code, _)| code == topic) {
        problems.push(Problem::new("topic", "Choose the topic the line answers"));
    }
    let title = name("title", field("title")).map_err(|p| problems.push(p)).unwrap_or_default();
    let text = field("text");
    if text.is_empty() {
        problems.push(Problem::new("text", "Enter the wording of the line"));
    } else if text.chars().count() > MAX_NOTE_CHARS {
        problems.push(Problem::new("text", format!("Enter {MAX_NOTE_CHARS} characters or fewer")));
    }
    let part = |suffix: &str| field(&format!("expires-{suffix}")).parse::<u32>().ok();
    let expires = match (part("day"), part("month"), part("year")) {
        (Some(day), Some(month), Some(year)) if (2000..=9999).contains(&year) => {
            i32::try_from(year).ok().and_then(|year| NaiveDate::from_ymd_opt(year, month, day))
        }
        _ => None,
    };
    match expires {
        None => problems.push(Problem::new("expires-day", "Enter a real expiry date, for example 31 3 2027")),
        Some(date) if date < today() => {
            problems.push(Problem::new("expires-day", "The expiry date must be today or in the future"));
        }
        Some(_) => {}
    }
    match (problems.is_empty(), expires) {
        (true, Some(expires)) => Ok(StandardLine { topic: topic.to_string(), title, text: text.to_string(), expires }),
        _ => Err(problems),
    }
}

async fn list_page(
    state: &AppState,
    admin: &CurrentUser,
    problems: Vec<Problem>,
    posted: HashMap<String, String>,
) -> Result<ListPage, WebError> {
    let world = state.casework.world();
    let today = today();
    let lines = state
        .store()
        .standard_lines()
        .await?
        .into_iter()
        .map(|stored| LineRow {
            id: stored.id,
            topic: world.directory().topic_name(&stored.line.topic),
            title: stored.line.title.clone(),
            expires: long_date(stored.line.expires),
            expired: !stored.line.is_current(today),
            retired: stored.retired_at.is_some(),
        })
        .collect();
    Ok(ListPage {
        title: "Standard lines".to_string(),
        nav: Some(Nav::new(admin, "admin")),
        csrf: admin.csrf.clone(),
        lines,
        topics: topics(state),
        problems,
        posted,
    })
}

/// `GET /admin/standard-lines`.
pub(crate) async fn list(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
) -> Result<ListPage, WebError> {
    list_page(&state, &admin, Vec::new(), HashMap::new()).await
}

fn now_text() -> String {
    Utc::now().to_rfc3339()
}

/// `POST /admin/standard-lines` (fields `topic`, `title`, `text`, `expires-day`, `-month`,
/// `-year`): adds a line. A topic and title already current is refused.
pub(crate) async fn add(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Form(posted): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let line = match parse(&state, &posted) {
        Ok(line) => line,
        Err(problems) => return list_refused(&state, &admin, problems, posted).await,
    };
    let at = now_text();
    match state.store().add_standard_line(&line, Change { by: &admin.name, at: &at }).await? {
        Some(id) => {
            tracing::info!(target: "despatch::admin", admin = %admin.name, change = %format!("add standard line {id} ({}: {})", line.topic, line.title), "standard lines changed");
            Ok(Redirect::to("/admin/standard-lines").into_response())
        }
        None => {
            let problems = vec![Problem::new("title", "A current line of this topic already has this title")];
            list_refused(&state, &admin, problems, posted).await
        }
    }
}

/// The list page again with the add form's problems and answers, status 422.
async fn list_refused(
    state: &AppState,
    admin: &CurrentUser,
    problems: Vec<Problem>,
    posted: HashMap<String, String>,
) -> Result<Response, WebError> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, list_page(state, admin, problems, posted).await?).into_response())
}

async fn line_page(
    state: &AppState,
    admin: &CurrentUser,
    stored: &StoredLine,
    problems: Vec<Problem>,
    posted: Option<HashMap<String, String>>,
) -> LinePage {
    let mut history = vec![format!("Added by {} on {}", stored.created_by, stored.created_at)];
    if stored.updated_at != stored.created_at || stored.updated_by != stored.created_by {
        history.push(format!("Last changed by {} on {}", stored.updated_by, stored.updated_at));
    }
    if let Some(retired_at) = &stored.retired_at {
        history.push(format!("Retired by {} on {retired_at}", stored.retired_by.as_deref().unwrap_or_default()));
    }
    LinePage {
        title: stored.line.title.clone(),
        nav: Some(Nav::new(admin, "admin")),
        csrf: admin.csrf.clone(),
        id: stored.id,
        retired: stored.retired_at.is_some(),
        history,
        topics: topics(state),
        problems,
        posted: posted.unwrap_or_else(|| answers(&stored.line)),
    }
}

async fn stored(state: &AppState, id: &str) -> Result<StoredLine, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    state.store().standard_line(id).await?.ok_or(WebError::NotFound)
}

/// `GET /admin/standard-lines/{id}`: the line's form, its history and "retire".
pub(crate) async fn show(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Path(id): Path<String>,
) -> Result<LinePage, WebError> {
    let stored = stored(&state, &id).await?;
    Ok(line_page(&state, &admin, &stored, Vec::new(), None).await)
}

/// `POST /admin/standard-lines/{id}`: replaces a current line's topic, title, text and expiry.
pub(crate) async fn change(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Path(id): Path<String>,
    Form(posted): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let current = stored(&state, &id).await?;
    let refused = |problems: Vec<Problem>, posted: HashMap<String, String>| {
        let (state, admin, current) = (&state, &admin, &current);
        async move {
            let page = line_page(state, admin, current, problems, Some(posted)).await;
            Ok::<Response, WebError>((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    };
    if current.retired_at.is_some() {
        let problems = vec![Problem::new("title", "A retired line cannot be changed: add a new one")];
        return refused(problems, posted).await;
    }
    let line = match parse(&state, &posted) {
        Ok(line) => line,
        Err(problems) => return refused(problems, posted).await,
    };
    let at = now_text();
    if !state.store().update_standard_line(current.id, &line, Change { by: &admin.name, at: &at }).await? {
        let problems = vec![Problem::new("title", "A current line of this topic already has this title")];
        return refused(problems, posted).await;
    }
    tracing::info!(target: "despatch::admin", admin = %admin.name, change = %format!("change standard line {}", current.id), "standard lines changed");
    Ok(Redirect::to("/admin/standard-lines").into_response())
}

/// `POST /admin/standard-lines/{id}/retire`: no longer offered; kept with who retired it.
pub(crate) async fn retire(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let current = stored(&state, &id).await?;
    let at = now_text();
    if !state.store().retire_standard_line(current.id, Change { by: &admin.name, at: &at }).await? {
        let problems = vec![Problem::new("retire", "This line was already retired")];
        let page = line_page(&state, &admin, &current, problems, None).await;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    tracing::info!(target: "despatch::admin", admin = %admin.name, change = %format!("retire standard line {}", current.id), "standard lines changed");
    Ok(Redirect::to("/admin/standard-lines").into_response())
}
