//! Search: full text and references through `Store::search`, paginated with the true total.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use despatch_store::SearchQuery;

use super::{Nav, Pager, Row, page_number, query_value, rows};
use crate::access::{CurrentUser, visible_case_types};
use crate::{AppState, WebError};

#[derive(Template, WebTemplate)]
#[template(path = "search.html")]
pub(crate) struct Search {
    title: String,
    nav: Option<Nav>,
    csrf: String,
    text: String,
    searched: bool,
    rows: Vec<Row>,
    pager: Pager,
}

/// `GET /search?q=…&page=N`: only cases the user may see (a level on their case type, or a team
/// of theirs holds or held them), so the total is the true number of matches the user may see.
pub(crate) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Search, WebError> {
    let text = query.get("q").map(|q| q.trim().to_string()).unwrap_or_default();
    let page = page_number(query.get("page").map(String::as_str));
    let size = state.config.page_size;
    let base = format!("/search?q={}&", query_value(&text));
    let nav = Some(Nav::new(&user, "search"));
    if text.is_empty() {
        let pager = Pager::new(&base, 1, size, 0);
        let title = "Search".to_string();
        return Ok(Search { title, nav, text, searched: false, rows: Vec::new(), pager, csrf: user.csrf });
    }
    let teams = Some(user.teams.iter().cloned().collect());
    let or_case_types = visible_case_types(&state.casework.world(), &user);
    let search =
        SearchQuery { text: Some(text.clone()), page, page_size: size, teams, or_case_types, ..SearchQuery::default() };
    let found = state.store().search(&search).await?;
    Ok(Search {
        title: format!("Search results for {text}"),
        nav,
        csrf: user.csrf.clone(),
        rows: rows(&state, &user, &found.rows).await?,
        pager: Pager::new(&base, page, size, found.total),
        text,
        searched: true,
    })
}
