//! Search: full text and references over the cases the caller's teams hold or have held,
//! paginated with the true total.

use axum::extract::State;
use chrono::NaiveDate;
use despatch_store::SearchQuery;
use serde::Deserialize;

use super::auth::ApiUser;
use super::extract::ApiQuery;
use super::problem::ApiError;
use super::views::PageView;
use crate::AppState;
use crate::access::visible_case_types;

/// What to search for. Every filter is optional.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SearchParams {
    /// Words that must all match (case details, correspondents, topics, notes, document text),
    /// or a case reference.
    pub q: Option<String>,
    /// Only this case type.
    pub case_type: Option<String>,
    /// Only open cases.
    pub active_only: Option<bool>,
    /// Received on or after (civil date).
    pub received_from: Option<NaiveDate>,
    /// Received on or before (civil date).
    pub received_to: Option<NaiveDate>,
    /// Page number, from 1.
    #[param(minimum = 1)]
    pub page: Option<u32>,
    /// Cases per page, 1–100.
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<u32>,
}

/// Cases matching the search that the caller may see.
#[utoipa::path(get, path = "/search", tag = "search", params(SearchParams),
    responses((status = 200, description = "A page of matching cases", body = PageView)))]
pub(crate) async fn search(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<axum::Json<PageView>, ApiError> {
    let page = params.page.unwrap_or(1).max(1);
    let page_size = params.page_size.unwrap_or(state.config.page_size).clamp(1, 100);
    let query = SearchQuery {
        text: params.q.map(|q| q.trim().to_string()).filter(|q| !q.is_empty()),
        case_type: params.case_type.filter(|t| !t.is_empty()),
        active_only: params.active_only.unwrap_or(false),
        received_from: params.received_from,
        received_to: params.received_to,
        teams: Some(user.user.teams.iter().cloned().collect()),
        or_case_types: visible_case_types(&state.casework.world(), &user.user),
        page,
        page_size,
    };
    let found = state.store().search(&query).await?;
    Ok(axum::Json(PageView::new(&found, page, page_size)))
}
