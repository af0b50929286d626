//! A team's workstack: its open cases, oldest deadline first, paginated, with "allocate to me".

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};

use super::{Nav, Pager, Row, page_number, query_value, rows, team_name};
use crate::access::CurrentUser;
use crate::{AppState, WebError};

#[derive(Template, WebTemplate)]
#[template(path = "workstack.html")]
pub(crate) struct Workstack {
    title: String,
    nav: Option<Nav>,
    csrf: String,
    rows: Vec<Row>,
    pager: Pager,
    back: String,
    /// The stages that have open cases in this team, to filter by.
    stages: Vec<StageLink>,
    /// The stage filtered by, if any.
    stage: Option<String>,
    /// Link to the whole workstack.
    all: String,
}

/// A stage filter link with its count of open cases.
struct StageLink {
    name: String,
    href: String,
    count: u64,
    current: bool,
}

/// `GET /teams/{team}?stage=ID&page=N`. Only members of the team may see it.
pub(crate) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(team): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Workstack, WebError> {
    if !user.in_team(&team) {
        return Err(WebError::Forbidden);
    }
    let page = page_number(query.get("page").map(String::as_str));
    let size = state.config.page_size;
    let world = state.casework.world();
    let stage = query.get("stage").filter(|s| !s.is_empty()).cloned();
    let found = state.store().workstack(&team, stage.as_deref(), page, size).await?;
    let all = format!("/teams/{}", query_value(&team));
    let mut stages: Vec<StageLink> = Vec::new();
    for definition in world.definitions().all() {
        for stage_def in &definition.stages {
            let id = stage_def.id.get_ref();
            let href = format!("{all}?stage={}", query_value(id));
            if stages.iter().any(|link| link.href == href) {
                continue;
            }
            let count = state.store().workstack(&team, Some(id), 1, 1).await?.total;
            if count > 0 {
                let current = stage.as_deref() == Some(id.as_str());
                stages.push(StageLink { name: stage_def.name.clone(), href, count, current });
            }
        }
    }
    let base = match &stage {
        Some(stage) => format!("{all}?stage={}&", query_value(stage)),
        None => format!("{all}?"),
    };
    let back = format!("{base}page={page}");
    let name = team_name(&world, &team);
    Ok(Workstack {
        title: name,
        nav: Some(Nav::new(&user, "home")),
        csrf: user.csrf.clone(),
        rows: rows(&state, &user, &found.rows).await?,
        pager: Pager::new(&base, page, size, found.total),
        back,
        stages,
        stage: stage
            .map(|id| world.definitions().all().find_map(|d| d.stage(&id).map(|s| s.name.clone())).unwrap_or(id)),
        all,
    })
}
