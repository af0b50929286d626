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
}

/// `GET /teams/{team}?page=N`. Only members of the team may see it.
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
    let found = state.store().workstack(&team, None, page, size).await?;
    let base = format!("/teams/{}?", query_value(&team));
    let back = format!("{base}page={page}");
    let name = team_name(&state.casework.world(), &team);
    Ok(Workstack {
        title: name,
        nav: Some(Nav::new(&user, "home")),
        csrf: user.csrf.clone(),
        rows: rows(&state, &user, &found.rows).await?,
        pager: Pager::new(&base, page, size, found.total),
        back,
    })
}
