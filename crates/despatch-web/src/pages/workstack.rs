//! Workstacks: a team's open cases and "my cases", in the HOCS DCU columns (hocs.md §5), sorted
//! by a column link, filtered by a GET form and paginated; the rows carry checkboxes for the bulk
//! actions in [`super::bulk`].

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use despatch_store::{AllocationFilter, WorkstackQuery, WorkstackSort};

use super::{Nav, Pager, Row, page_number, query_value, rows, team_name};
use crate::access::CurrentUser;
use crate::{AppState, WebError};

/// Which workstack a page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scope {
    /// A team's open cases.
    Team(String),
    /// The signed-in user's open cases.
    Mine,
}

impl Scope {
    /// The page's path.
    fn path(&self) -> String {
        match self {
            Scope::Team(team) => format!("/teams/{}", query_value(team)),
            Scope::Mine => "/mine".to_string(),
        }
    }
}

/// A column heading: its label and, for a sortable column, the link that sorts by it.
pub(crate) struct Header {
    label: &'static str,
    /// Sort link, or empty for a column that does not sort.
    href: String,
    /// `ascending`, `descending` or `none` (for `aria-sort`); empty when not sortable.
    aria_sort: &'static str,
}

/// An option of a select.
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// What the last bulk action did: rows applied and rows refused, each with its reason.
#[derive(Default)]
pub(crate) struct Results {
    /// "Allocated to you: MIN/0000001/26, …"; empty when nothing was applied.
    pub applied: String,
    /// One line per refused row, `MIN/0000002/26: reason`.
    pub refused: Vec<String>,
    /// An error for a field of the action form (`reason`, `user`, `team`) and its message.
    pub field_error: Option<(&'static str, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "workstack.html")]
pub(crate) struct Workstack {
    title: String,
    caption: &'static str,
    nav: Option<Nav>,
    csrf: String,
    /// Whether this is "my cases" (a Team column instead of Owner, no "take next").
    mine: bool,
    path: String,
    /// The current filters and sort as a query string (`stage=X&sort=deadline&`), for the
    /// bulk form's action so the page comes back the same.
    state_query: String,
    headers: Vec<Header>,
    rows: Vec<Row>,
    pager: Pager,
    stages: Vec<Choice>,
    owners: Vec<Choice>,
    reference: String,
    /// Whether any filter is applied.
    filtered: bool,
    members: Vec<Choice>,
    teams: Vec<Choice>,
    reason: String,
    results: Results,
    /// The form error for the error summary (field id, message), other than "take next".
    form_error: Option<(&'static str, String)>,
    /// "Take next case" found nothing.
    take_next_message: Option<String>,
    /// Error messages beside the team-member select and beside the move fields.
    user_error: Option<String>,
    team_error: Option<String>,
    /// A team's open contribution requests (empty for "my cases").
    contributions: Vec<super::contributions::WorkstackRow>,
}

/// The sort column named in a query (`deadline`, `reference`, `stage`, `owner`, `team`).
fn sort_of(name: &str) -> WorkstackSort {
    match name {
        "reference" => WorkstackSort::Reference,
        "stage" => WorkstackSort::Stage,
        "owner" => WorkstackSort::Owner,
        "team" => WorkstackSort::Team,
        _ => WorkstackSort::Deadline,
    }
}

/// `GET /teams/{team}?stage=ID&owner=U&ref=TEXT&sort=COL&dir=desc&page=N`. Only members of the
/// team may see it.
pub(crate) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(team): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Workstack, WebError> {
    if !user.in_team(&team) {
        return Err(WebError::Forbidden);
    }
    render(&state, &user, Scope::Team(team), &query, Results::default(), String::new()).await
}

/// `GET /mine`: the open cases allocated to the signed-in user, with the same sorting and filters.
pub(crate) async fn mine(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Workstack, WebError> {
    render(&state, &user, Scope::Mine, &query, Results::default(), String::new()).await
}

/// The members of the given teams, by name.
fn members_of<'a>(state: &AppState, teams: impl Iterator<Item = &'a String> + Clone) -> Vec<String> {
    let world = state.casework.world();
    world
        .directory()
        .memberships
        .iter()
        .filter(|(_, theirs)| teams.clone().any(|team| theirs.contains(team)))
        .map(|(name, _)| name.clone())
        .collect()
}

/// Draws a workstack page for `query` (the GET parameters), with the results of a bulk action.
pub(crate) async fn render(
    state: &AppState,
    user: &CurrentUser,
    scope: Scope,
    query: &HashMap<String, String>,
    results: Results,
    reason: String,
) -> Result<Workstack, WebError> {
    let world = state.casework.world();
    let param = |name: &str| query.get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let stage = param("stage");
    let owner = param("owner");
    let reference = param("ref");
    let sort_name = param("sort").unwrap_or_else(|| "deadline".to_string());
    let sort = sort_of(&sort_name);
    let descending = param("dir").as_deref() == Some("desc");
    let page = page_number(query.get("page").map(String::as_str));
    let size = state.config.page_size;
    let (team, allocation) = match &scope {
        Scope::Team(team) => {
            let allocation = match owner.as_deref() {
                None => AllocationFilter::Any,
                Some("unallocated") => AllocationFilter::Unallocated,
                Some(name) => AllocationFilter::User(name.to_string()),
            };
            (Some(team.clone()), allocation)
        }
        Scope::Mine => (None, AllocationFilter::User(user.name.clone())),
    };
    let found = state
        .store()
        .workstack_page(&WorkstackQuery {
            team: team.clone(),
            stage: stage.clone(),
            allocation,
            reference: reference.clone(),
            sort,
            descending,
            page,
            page_size: size,
        })
        .await?;

    let path = scope.path();
    let mut filters = String::new();
    for (name, value) in [("stage", &stage), ("owner", &owner), ("ref", &reference)] {
        if let Some(value) = value {
            filters.push_str(&format!("{name}={}&", query_value(value)));
        }
    }
    let sorted = format!("{filters}sort={}&{}", query_value(&sort_name), if descending { "dir=desc&" } else { "" });
    let header = |label: &'static str, key: &'static str| {
        if key.is_empty() {
            return Header { label, href: String::new(), aria_sort: "" };
        }
        let current = sort_name == key;
        let flip = if current && !descending { "dir=desc&" } else { "" };
        Header {
            label,
            href: format!("{path}?{filters}sort={key}&{flip}").trim_end_matches('&').to_string(),
            aria_sort: match (current, descending) {
                (false, _) => "none",
                (true, false) => "ascending",
                (true, true) => "descending",
            },
        }
    };
    let mine = scope == Scope::Mine;
    let headers = vec![
        header("Reference", "reference"),
        header("Correspondent", ""),
        header("Stage", "stage"),
        if mine { header("Team", "team") } else { header("Owner", "owner") },
        header("Primary topic", ""),
        header("Deadline", "deadline"),
    ];

    let mut stages: Vec<Choice> = Vec::new();
    for definition in world.definitions().all() {
        for stage_def in &definition.stages {
            let id = stage_def.id.get_ref();
            if !stages.iter().any(|choice| &choice.value == id) {
                let selected = stage.as_deref() == Some(id.as_str());
                stages.push(Choice { value: id.clone(), label: stage_def.name.clone(), selected });
            }
        }
    }
    let my_teams: Vec<String> = match &scope {
        Scope::Team(team) => vec![team.clone()],
        Scope::Mine => user.teams.iter().cloned().collect(),
    };
    let members = members_of(state, my_teams.iter());
    let mut owners = vec![Choice {
        value: "unallocated".to_string(),
        label: "Unallocated".to_string(),
        selected: owner.as_deref() == Some("unallocated"),
    }];
    owners.extend(members.iter().map(|name| Choice {
        value: name.clone(),
        label: name.clone(),
        selected: owner.as_deref() == Some(name.as_str()),
    }));
    let members =
        members.into_iter().map(|name| Choice { label: name.clone(), value: name, selected: false }).collect();
    let teams = world
        .directory()
        .teams
        .values()
        .filter(|t| t.active && team.as_deref() != Some(t.code.as_str()))
        .map(|t| Choice { value: t.code.clone(), label: t.name.clone(), selected: false })
        .collect();

    let (title, caption) = match &scope {
        Scope::Team(team) => (team_name(&world, team), "Team workstack"),
        Scope::Mine => ("My cases".to_string(), "Workstack"),
    };
    let base = format!("{path}?{sorted}");
    let error_for = |fields: &[&str]| {
        results.field_error.as_ref().filter(|(field, _)| fields.contains(field)).map(|(_, message)| message.clone())
    };
    let take_next_message = error_for(&["take-next"]);
    let user_error = error_for(&["user"]);
    let team_error = error_for(&["team", "reason"]);
    let form_error = results.field_error.clone().filter(|(field, _)| *field != "take-next");
    let contributions = match &scope {
        Scope::Team(team) => super::contributions::workstack_rows(&state.store().contribution_requests(team).await?),
        Scope::Mine => Vec::new(),
    };
    Ok(Workstack {
        contributions,
        form_error,
        take_next_message,
        user_error,
        team_error,
        title,
        caption,
        nav: Some(Nav::new(user, "home")),
        csrf: user.csrf.clone(),
        mine,
        state_query: format!("{sorted}page={page}"),
        path,
        headers,
        rows: rows(state, user, &found.rows).await?,
        pager: Pager::new(&base, page, size, found.total),
        stages,
        owners,
        filtered: stage.is_some() || owner.is_some() || reference.is_some(),
        reference: reference.unwrap_or_default(),
        members,
        teams,
        reason,
        results,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_sort_column_sorts_by_deadline() {
        assert_eq!(sort_of("owner"), WorkstackSort::Owner);
        assert_eq!(sort_of("'; DROP TABLE cases"), WorkstackSort::Deadline);
    }
}
