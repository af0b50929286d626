//! Reply templates: list, view and edit, add. A template is edited as its TOML (one
//! `[[templates]]` entry: case type, optional signing team, name, heading, signatory, title,
//! department, body with merge fields) and checked on save with despatch-docs' merge-field check;
//! a refusal comes back as a GOV.UK error summary with the text kept, and nothing is saved.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use despatch_docs::template::MERGE_FIELDS;
use despatch_docs::{Template as ReplyTemplate, default_templates};

use super::Problem;
use crate::access::{Administrator, CurrentUser};
use crate::drafting;
use crate::pages::{Nav, team_name};
use crate::{AppState, WebError};

/// A template as listed.
struct Row {
    href: String,
    case_type: String,
    team: String,
    name: String,
    updated: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/templates.html")]
pub(crate) struct ListPage {
    title: String,
    nav: Option<Nav>,
    templates: Vec<Row>,
}

/// The page of one template (`existing`) or of a new one: its TOML in a text area.
#[derive(Template, WebTemplate)]
#[template(path = "admin/template.html")]
pub(crate) struct EditPage {
    title: String,
    nav: Option<Nav>,
    csrf: String,
    /// Where the form posts.
    action: String,
    existing: bool,
    /// "Saved by admin at …", for an existing template.
    updated: String,
    toml: String,
    fields: Vec<(&'static str, &'static str)>,
    problems: Vec<Problem>,
    saved: bool,
}

/// The address of a template's page: `/admin/templates/MIN` for the default, else
/// `/admin/templates/MIN/TEAM`.
fn href(case_type: &str, team: Option<&str>) -> String {
    match team {
        Some(team) => format!("/admin/templates/{case_type}/{team}"),
        None => format!("/admin/templates/{case_type}"),
    }
}

/// `29 Nov 2026 14:41` from an RFC 3339 instant (UTC); the text itself when it is not one.
fn instant(text: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(text)
        .map_or_else(|_| text.to_string(), |t| t.format("%-d %b %Y %H:%M").to_string())
}

/// `GET /admin/templates`.
pub(crate) async fn list(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
) -> Result<ListPage, WebError> {
    let world = state.casework.world();
    let templates = drafting::stored_templates(state.store().as_ref())
        .await?
        .into_iter()
        .map(|stored| Row {
            href: href(&stored.case_type, stored.team.as_deref()),
            team: stored.team.as_deref().map_or_else(|| "Default".to_string(), |team| team_name(&world, team)),
            case_type: stored.case_type,
            name: stored.name,
            updated: format!("{} by {}", instant(&stored.updated_at), stored.updated_by),
        })
        .collect();
    Ok(ListPage { title: "Reply templates".to_string(), nav: Some(Nav::new(&admin, "admin")), templates })
}

fn edit_page(admin: &CurrentUser, action: String, existing: Option<&despatch_store::StoredTemplate>) -> EditPage {
    let title = match existing {
        Some(stored) => format!("Reply template: {}", stored.name),
        None => "Add a reply template".to_string(),
    };
    // A new template starts from the first default, without its team, for the administrator to change.
    let starter = || default_templates().into_iter().next().map(|t| t.to_toml()).unwrap_or_default();
    EditPage {
        title,
        nav: Some(Nav::new(admin, "admin")),
        csrf: admin.csrf.clone(),
        action,
        existing: existing.is_some(),
        updated: existing
            .map(|s| format!("Last saved {} by {}.", instant(&s.updated_at), s.updated_by))
            .unwrap_or_default(),
        toml: existing.map_or_else(starter, |s| s.toml.clone()),
        fields: MERGE_FIELDS.to_vec(),
        problems: Vec::new(),
        saved: false,
    }
}

/// `GET /admin/templates/new`.
pub(crate) async fn new(Administrator(admin): Administrator) -> EditPage {
    edit_page(&admin, "/admin/templates".to_string(), None)
}

async fn show(
    state: &AppState,
    admin: &CurrentUser,
    (case_type, team): (&str, Option<&str>),
    query: &HashMap<String, String>,
) -> Result<Response, WebError> {
    drafting::stored_templates(state.store().as_ref()).await?;
    let stored = state.store().reply_template(case_type, team).await?.ok_or(WebError::NotFound)?;
    let mut page = edit_page(admin, href(case_type, team), Some(&stored));
    page.saved = query.contains_key("saved");
    Ok(page.into_response())
}

/// `GET /admin/templates/{case_type}`: the case type's default template.
pub(crate) async fn show_default(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Path(case_type): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    show(&state, &admin, (&case_type, None), &query).await
}

/// `GET /admin/templates/{case_type}/{team}`: a signing team's template.
pub(crate) async fn show_team(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Path((case_type, team)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    show(&state, &admin, (&case_type, Some(&team)), &query).await
}

/// Reads the posted TOML as one checked template.
fn read(toml: &str) -> Result<ReplyTemplate, Problem> {
    let mut templates =
        despatch_docs::parse_templates(toml).map_err(|error| Problem::new("template", sentence(&error.to_string())))?;
    match templates.len() {
        1 => Ok(templates.remove(0)),
        _ => Err(Problem::new("template", "Enter exactly one [[templates]] entry")),
    }
}

fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Saves the posted template: `expected` is the case type and team of the page it was posted
/// from (`None` for a new one, which must not replace an existing template).
async fn save(
    state: &AppState,
    admin: &CurrentUser,
    expected: Option<(&str, Option<&str>)>,
    posted: &HashMap<String, String>,
) -> Result<Response, WebError> {
    let toml = posted.get("template").cloned().unwrap_or_default();
    let action = expected.map_or_else(|| "/admin/templates".to_string(), |(case_type, team)| href(case_type, team));
    let existing = match expected {
        Some((case_type, team)) => state.store().reply_template(case_type, team).await?,
        None => None,
    };
    let checked = read(&toml).and_then(|template| {
        if let Some(problem) = crate::drafting::unknown_names(&state.casework.world(), &template) {
            return Err(Problem::new("template", problem));
        }
        let key = (template.case_type.as_str(), template.team.as_deref());
        match expected {
            Some(wanted) if wanted != key => Err(Problem::new(
                "template",
                "The case type and team cannot be changed here. Add a new template for another case type or team",
            )),
            _ => Ok(template),
        }
    });
    let checked = match (checked, expected) {
        (Ok(template), None) => {
            match state.store().reply_template(&template.case_type, template.team.as_deref()).await? {
                Some(_) => Err(Problem::new(
                    "template",
                    format!("There is already a template for {}. Change that one instead", template.key()),
                )),
                None => Ok(template),
            }
        }
        (other, _) => other,
    };
    match checked {
        Ok(template) => {
            let stored = drafting::to_stored(&template, &admin.name, Utc::now());
            state.store().put_reply_template(&stored).await?;
            tracing::info!(target: "despatch::admin", admin = %admin.name, template = %template.key(), "reply template saved");
            Ok(Redirect::to(&format!("{}?saved=1", href(&template.case_type, template.team.as_deref())))
                .into_response())
        }
        Err(problem) => {
            let mut page = edit_page(admin, action, existing.as_ref());
            page.title = format!("Error: {}", page.title);
            page.toml = toml;
            page.problems = vec![problem];
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// `POST /admin/templates`: adds a template (field `template`, its TOML).
pub(crate) async fn add(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Form(posted): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    save(&state, &admin, None, &posted).await
}

/// `POST /admin/templates/{case_type}`: saves the case type's default template.
pub(crate) async fn change_default(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Path(case_type): Path<String>,
    Form(posted): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    save(&state, &admin, Some((&case_type, None)), &posted).await
}

/// `POST /admin/templates/{case_type}/{team}`: saves a signing team's template.
pub(crate) async fn change_team(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Path((case_type, team)): Path<(String, String)>,
    Form(posted): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    save(&state, &admin, Some((&case_type, Some(&team))), &posted).await
}
