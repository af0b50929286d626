//! The Despatch web application: server-rendered pages in GOV.UK Frontend markup, local sign-in
//! with argon2id, sessions held in the database, and a CSRF token on every form.
//!
//! Every page works without JavaScript. The only scripts are static files (`/assets/…`), so the
//! Content-Security-Policy allows no inline script.
//!
//! **Architecture invariant:** handlers hold no business rules. A stage form is generated from
//! the case-type definition and submitted as a [`Command`](despatch_domain::command::Command);
//! the engine decides, and its [`CommandError`](despatch_domain::engine::CommandError) is shown
//! to the user as a GOV.UK error summary.

mod access;
mod api;
mod assets;
pub mod auth;
pub mod drafting;
mod error;
mod observe;
mod pages;
pub mod registration;
mod security;
mod session;
mod throttle;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use despatch_domain::calendar::BankHolidays;
use despatch_domain::definition::Definitions;
use despatch_domain::engine::World;
use despatch_intake::register::Registers;
use despatch_store::{Casework, Store};
use tokio::net::TcpListener;

pub use api::openapi_document;
pub use api::tokens::{TokenError, create_token, revoke_token};
pub use error::WebError;
pub use observe::init_logs;

/// Settings of the web application.
#[derive(Debug, Clone)]
pub struct Config {
    /// Mark cookies `Secure` (the service is served over HTTPS). Requests that arrive with
    /// `X-Forwarded-Proto: https` get `Secure` cookies even when this is off.
    pub secure_cookies: bool,
    /// A session unused for this long ends.
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, however busy.
    pub absolute_timeout: Duration,
    /// Rows per workstack and search page.
    pub page_size: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            secure_cookies: false,
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
            page_size: 25,
        }
    }
}

/// What every handler can reach: the casework service (store, definitions, directory) and the
/// settings.
#[derive(Clone)]
pub struct AppState {
    casework: Casework,
    config: Arc<Config>,
    throttle: Arc<throttle::Throttle>,
    /// The MP and council registers, for matching letters' correspondents and the MP picker;
    /// `None` when they were not found.
    registers: Option<Arc<Registers>>,
    /// Administrators' directory changes are made one at a time (read, change, save).
    admin_lock: Arc<tokio::sync::Mutex<()>>,
}

impl AppState {
    /// State over a casework service.
    /// The registers are read from `shared/data` found from the current folder upwards
    /// ([`Registers::find_default`]); without them correspondents are not matched and the MP
    /// picker is empty.
    pub fn new(casework: Casework, config: Config) -> AppState {
        let registers = Registers::find_default().and_then(|dir| match Registers::load(&dir) {
            Ok(registers) => Some(Arc::new(registers)),
            Err(error) => {
                tracing::warn!(%error, "the MP and council registers could not be read");
                None
            }
        });
        AppState { casework, config: Arc::new(config), throttle: Arc::default(), registers, admin_lock: Arc::default() }
    }

    fn store(&self) -> &Arc<dyn Store> {
        self.casework.store()
    }
}

/// Casework over `store` with the embedded definitions, the embedded bank holidays merged with
/// any feed an administrator stored, and the stored organisation directory.
pub async fn casework(store: Arc<dyn Store>) -> Result<Casework, WebError> {
    let definitions = Definitions::embedded().map_err(|e| WebError::Setup(format!("case-type definitions: {e}")))?;
    let mut holidays = BankHolidays::embedded().clone();
    if let Some(feed) = store.bank_holidays().await? {
        let stored = BankHolidays::from_govuk_json(&feed)
            .map_err(|e| WebError::Setup(format!("the stored bank-holiday feed: {e}")))?;
        holidays.merge(&stored);
    }
    let directory = store.directory().await?;
    let world = World::new(definitions, &holidays, directory).map_err(|e| WebError::Setup(e.to_string()))?;
    Ok(Casework::new(store, world))
}

/// The application's routes and middleware.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::dashboard::show))
        .route("/teams/{team}", get(pages::workstack::show))
        .route("/teams/{team}/bulk", post(pages::bulk::team))
        .route("/teams/{team}/take-next", post(pages::bulk::take_next))
        .route("/mine", get(pages::workstack::mine))
        .route("/mine/bulk", post(pages::bulk::mine))
        .route("/cases/new", get(pages::create::show).post(pages::create::create))
        .route(
            "/cases/upload",
            post(pages::create::upload).layer(axum::extract::DefaultBodyLimit::max(security::MAX_UPLOAD)),
        )
        .route("/cases/{id}", get(pages::case::show))
        .route("/cases/{id}/stage", post(pages::case::complete_stage))
        .route("/cases/{id}/allocate-to-me", post(pages::case::allocate_to_me))
        .route("/cases/{id}/unallocate", post(pages::case::unallocate))
        .route("/cases/{id}/notes", post(pages::case::add_note))
        .route("/cases/{id}/correspondents", post(pages::parties::add_correspondent))
        .route("/cases/{id}/correspondents/{n}", post(pages::parties::edit_correspondent))
        .route("/cases/{id}/correspondents/{n}/primary", post(pages::parties::make_primary))
        .route(
            "/cases/{id}/documents",
            post(pages::parties::upload).layer(axum::extract::DefaultBodyLimit::max(security::MAX_UPLOAD)),
        )
        .route("/cases/{id}/documents/{sha256}", get(pages::parties::download))
        .route("/cases/{id}/documents/{sha256}/tag", post(pages::drafting::retag))
        .route("/cases/{id}/documents/{sha256}/primary", post(pages::drafting::choose_primary))
        .route("/cases/{id}/draft", get(pages::drafting::edit_page).post(pages::drafting::save))
        .route("/cases/{id}/drafts/compare", get(pages::versions::compare))
        .route("/cases/{id}/contributions", post(pages::contributions::request))
        .route(
            "/cases/{id}/contributions/{n}/complete",
            post(pages::contributions::complete).layer(axum::extract::DefaultBodyLimit::max(security::MAX_UPLOAD)),
        )
        .route("/cases/{id}/contributions/{n}/cancel", post(pages::contributions::cancel))
        .route("/cases/{id}/draft/generate", post(pages::draft::generate))
        .route("/cases/{id}/deadline", get(pages::deadline::show))
        .route("/search", get(pages::search::show))
        .route("/account/password", get(auth::change_password_page).post(auth::change_password))
        .route("/admin", get(pages::admin::index))
        .route("/admin/teams", get(pages::admin::teams::list).post(pages::admin::teams::add_team))
        .route("/admin/teams/{code}", get(pages::admin::teams::show).post(pages::admin::teams::change))
        .route("/admin/units", post(pages::admin::teams::add_unit))
        .route("/admin/units/{code}", post(pages::admin::teams::change_unit))
        .route("/admin/users", get(pages::admin::users::list).post(pages::admin::users::add))
        .route("/admin/users/{name}", get(pages::admin::users::show))
        .route("/admin/users/{name}/memberships", post(pages::admin::users::membership))
        .route("/admin/users/{name}/password", post(pages::admin::users::reset_password))
        .route("/admin/users/{name}/status", post(pages::admin::users::status))
        .route("/admin/topics", get(pages::admin::topics::list).post(pages::admin::topics::add))
        .route("/admin/topics/{code}", get(pages::admin::topics::show).post(pages::admin::topics::change))
        .route("/admin/topics/{code}/links", post(pages::admin::topics::link))
        .route("/admin/standard-lines", get(pages::admin::standard_lines::list).post(pages::admin::standard_lines::add))
        .route(
            "/admin/standard-lines/{id}",
            get(pages::admin::standard_lines::show).post(pages::admin::standard_lines::change),
        )
        .route("/admin/standard-lines/{id}/retire", post(pages::admin::standard_lines::retire))
        .route("/admin/templates", get(pages::admin::templates::list).post(pages::admin::templates::add))
        .route("/admin/templates/new", get(pages::admin::templates::new))
        .route(
            "/admin/templates/{case_type}",
            get(pages::admin::templates::show_default).post(pages::admin::templates::change_default),
        )
        .route(
            "/admin/templates/{case_type}/{team}",
            get(pages::admin::templates::show_team).post(pages::admin::templates::change_team),
        )
        .route("/admin/case-types", get(pages::admin::case_types::list))
        .route("/admin/case-types/{code}", get(pages::admin::case_types::show))
        .route("/sign-in", get(auth::sign_in_page).post(auth::sign_in))
        .route("/sign-out", post(auth::sign_out))
        .route("/assets/{*path}", get(assets::serve))
        .fallback(pages::not_found)
        .layer(from_fn(security::csrf_guard))
        .layer(from_fn_with_state(state.clone(), session::load))
        // The JSON API (bearer tokens, no sessions, so outside the CSRF guard), /metrics and
        // /healthz; every request is traced and counted.
        .merge(api::routes())
        .merge(observe::routes())
        .layer(from_fn_with_state(state.clone(), security::headers))
        .layer(from_fn(observe::track))
        .with_state(state)
}

/// Binds `addr` and serves the application until the process is stopped (Ctrl-C).
pub async fn serve(state: AppState, addr: SocketAddr) -> Result<(), WebError> {
    let listener = TcpListener::bind(addr).await.map_err(|e| WebError::Setup(format!("binding {addr}: {e}")))?;
    serve_on(state, listener).await
}

/// Serves the application on a bound listener (tests bind 127.0.0.1:0).
pub async fn serve_on(state: AppState, listener: TcpListener) -> Result<(), WebError> {
    session::spawn_sweeper(state.clone());
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| WebError::Setup(format!("serving: {e}")))
}
