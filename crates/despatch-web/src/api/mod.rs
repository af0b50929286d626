//! The JSON API under `/api/v1`: cases, stages and decisions, allocations, correspondents,
//! topics, documents (re-tag, primary draft), contributions, notes, search and workstacks, for service accounts with a bearer token
//! ([`tokens`]); its OpenAPI 3.1 document at `/api/v1/openapi.json`; every error an RFC 9457
//! problem ([`problem`]).
//!
//! **Architecture invariant:** handlers check only what the pages check (the caller may see the
//! case, or belongs to the team); every change is a [`Command`] through `Casework`, and the
//! engine's refusal is answered as a problem.

mod allocations;
mod auth;
mod cases;
mod correspondents;
mod documents;
mod drafting;
mod drafts;
mod extract;
mod openapi;
pub(crate) mod problem;
mod search;
mod stages;
pub mod tokens;
mod views;
mod workstacks;

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::middleware::map_response;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use chrono::Utc;
use despatch_domain::access::CaseAccess;
use despatch_domain::command::Command;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use self::auth::ApiUser;
use self::problem::{ApiError, PROBLEM_JSON};
use self::views::CaseView;
use crate::AppState;

/// Where the API lives.
pub(crate) const BASE: &str = "/api/v1";

/// The API's routes with their OpenAPI document, before the document is served.
fn documented() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let v1 = OpenApiRouter::new()
        .routes(routes!(cases::open))
        .routes(routes!(cases::show))
        .routes(routes!(cases::stages))
        .routes(routes!(cases::events))
        .routes(routes!(cases::add_note))
        .routes(routes!(stages::show, stages::complete))
        .routes(routes!(allocations::allocate, allocations::unallocate))
        .routes(routes!(allocations::move_to_team))
        .routes(routes!(correspondents::list, correspondents::add))
        .routes(routes!(correspondents::update, correspondents::remove))
        .routes(routes!(correspondents::make_primary))
        .routes(routes!(correspondents::add_topic))
        .routes(routes!(correspondents::remove_topic))
        .routes(routes!(correspondents::topics))
        .routes(routes!(documents::list, documents::upload))
        .routes(routes!(documents::download))
        .routes(routes!(drafting::retag))
        .routes(routes!(drafting::choose_primary))
        .routes(routes!(drafting::list, drafting::request))
        .routes(routes!(drafting::complete))
        .routes(routes!(drafting::cancel))
        .routes(routes!(drafts::generate))
        .routes(routes!(search::search))
        .routes(routes!(workstacks::me))
        .routes(routes!(workstacks::my_cases))
        .routes(routes!(workstacks::workstack));
    let (router, mut doc) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi()).nest(BASE, v1).split_for_parts();
    utoipa::Modify::modify(&openapi::Problems, &mut doc);
    (router, doc)
}

/// The OpenAPI document of the API.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    documented().1
}

/// The routes under `/api/v1`, the OpenAPI document at `/api/v1/openapi.json`, and a problem
/// for every unknown path (404) or method (405) under it.
pub(crate) fn routes() -> Router<AppState> {
    let (router, doc) = documented();
    let json: Arc<str> = doc.to_json().unwrap_or_default().into();
    router
        .route(&format!("{BASE}/openapi.json"), get(move || openapi_json(Arc::clone(&json))))
        .route(BASE, any(problem::not_found))
        .route(&format!("{BASE}/{{*rest}}"), any(problem::not_found))
        .layer(map_response(method_problem))
}

async fn openapi_json(json: Arc<str>) -> Response {
    ([(CONTENT_TYPE, "application/json")], json.to_string()).into_response()
}

/// Turns axum's bare 405 into a problem, keeping its `Allow` header.
async fn method_problem(response: Response) -> Response {
    let is_problem = response.headers().get(CONTENT_TYPE).is_some_and(|v| v.as_bytes() == PROBLEM_JSON.as_bytes());
    if response.status() != StatusCode::METHOD_NOT_ALLOWED || is_problem {
        return response;
    }
    let allow = response.headers().get(axum::http::header::ALLOW).cloned();
    let mut problem = problem::method_not_allowed().await.into_response();
    if let Some(allow) = allow {
        problem.headers_mut().insert(axum::http::header::ALLOW, allow);
    }
    problem
}

/// Executes a command on a case as the caller, when their access level allows it (`allowed`,
/// as [`ApiUser::case`]); `version`, when given, is the version they read (409 if it changed).
async fn command(
    state: &AppState,
    user: &ApiUser,
    id: i64,
    version: Option<u64>,
    allowed: impl Fn(&CaseAccess) -> bool,
    command: Command,
) -> Result<axum::Json<CaseView>, ApiError> {
    let (case, _) = user.case(state, id, allowed).await?;
    let outcome = state.casework.execute(case.id, version, &command, &user.actor(), Utc::now()).await?;
    Ok(axum::Json(CaseView::from(&outcome.state)))
}
