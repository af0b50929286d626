//! Administration (HOCS management UI, shared/reference/hocs.md §4): units and teams, users with
//! their memberships and access levels, topics and topic→team links per stage, standard lines,
//! the reply templates (`templates`), and a read-only view of each case type with its flow drawn.
//!
//! Only administrators reach these pages ([`Administrator`]). Every change is made on a fresh
//! copy of the stored directory under one lock, saved in one transaction through the store, put
//! into the world the engine uses, and written to the log (`despatch::admin` target) with who made
//! it. Forms post back with the session's CSRF token; a refused change comes back as a GOV.UK
//! error summary with status 422.

pub(crate) mod case_types;
pub(crate) mod standard_lines;
pub(crate) mod teams;
pub(crate) mod templates;
pub(crate) mod topics;
pub(crate) mod users;

use askama::Template;
use askama_web::WebTemplate;
use despatch_domain::directory::Directory;

use super::Nav;
use crate::access::{Administrator, CurrentUser};
use crate::{AppState, WebError};

/// A problem for an error summary: the message and the id of the field it links to.
pub(crate) struct Problem {
    pub message: String,
    pub anchor: String,
}

impl Problem {
    pub(crate) fn new(anchor: &str, message: impl Into<String>) -> Problem {
        Problem { message: message.into(), anchor: anchor.to_string() }
    }
}

/// Why an administrator's change was refused.
pub(crate) type Refusal = Vec<Problem>;

/// A code for a unit, team or topic: letters, digits and `_`, upper-cased (`dcu_drafting` →
/// `DCU_DRAFTING`). `field` names the form field for the error.
pub(crate) fn code(field: &str, text: &str) -> Result<String, Problem> {
    let code = text.trim().to_ascii_uppercase();
    let valid = code.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(code)
    } else {
        Err(Problem::new(field, "Enter a code of letters, digits and underscores, starting with a letter"))
    }
}

/// A display name: trimmed, not blank, at most 200 characters.
pub(crate) fn name(field: &str, text: &str) -> Result<String, Problem> {
    let name = text.trim();
    if name.is_empty() {
        return Err(Problem::new(field, "Enter a name"));
    }
    if name.chars().count() > 200 {
        return Err(Problem::new(field, "Enter a name of 200 characters or fewer"));
    }
    Ok(name.to_string())
}

/// Applies `change` to the stored directory and saves it: one change at a time, checked by
/// `change` (a refusal changes nothing), saved in one transaction, then put into the engine's
/// world and logged with the administrator's name and `what`.
pub(crate) async fn change_directory(
    state: &AppState,
    admin: &CurrentUser,
    what: &str,
    change: impl FnOnce(&mut Directory) -> Result<(), Refusal>,
) -> Result<Result<(), Refusal>, WebError> {
    let _one_at_a_time = state.admin_lock.lock().await;
    let mut directory = state.store().directory().await?;
    if let Err(problems) = change(&mut directory) {
        return Ok(Err(problems));
    }
    state.store().save_directory(&directory).await?;
    let mut world = (*state.casework.world()).clone();
    world.set_directory(directory);
    state.casework.set_world(world);
    tracing::info!(target: "despatch::admin", admin = %admin.name, change = %what, "directory changed");
    Ok(Ok(()))
}

/// A link on the administration index.
struct Section {
    href: &'static str,
    name: &'static str,
    about: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/index.html")]
pub(crate) struct Index {
    title: String,
    nav: Option<Nav>,
    sections: Vec<Section>,
}

/// `GET /admin`.
pub(crate) async fn index(
    axum::extract::State(state): axum::extract::State<AppState>,
    Administrator(admin): Administrator,
) -> Result<Index, WebError> {
    let world = state.casework.world();
    let directory = world.directory();
    let users = directory.memberships.keys().chain(directory.users.keys()).collect::<std::collections::BTreeSet<_>>();
    let sections = vec![
        Section {
            href: "/admin/teams",
            name: "Units and teams",
            about: format!("{} units, {} teams", directory.units.len(), directory.teams.len()),
        },
        Section {
            href: "/admin/users",
            name: "Users",
            about: format!("{} users, their teams and access levels", users.len()),
        },
        Section {
            href: "/admin/topics",
            name: "Topics",
            about: format!(
                "{} topics and the teams they go to at each stage",
                directory.topic_details.len().max(directory.topics.len())
            ),
        },
        Section {
            href: "/admin/standard-lines",
            name: "Standard lines",
            about: format!(
                "{} current standard lines: agreed wording per topic, offered to drafters until it expires",
                state.store().current_standard_lines().await?.len()
            ),
        },
        Section {
            href: "/admin/templates",
            name: "Reply templates",
            about: format!(
                "{} templates, per case type and signing team, for drafting replies",
                crate::drafting::stored_templates(state.store().as_ref()).await?.len()
            ),
        },
        Section {
            href: "/admin/case-types",
            name: "Case types",
            about: format!(
                "{} case types: stages, decisions and a diagram of each",
                world.definitions().codes().count()
            ),
        },
    ];
    Ok(Index { title: "Administration".to_string(), nav: Some(Nav::new(&admin, "admin")), sections })
}
