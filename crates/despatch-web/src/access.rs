//! Who is asking, and what they may do: HOCS access levels (shared/reference/hocs.md §4).
//!
//! Every page handler (and the JSON API) asks the same questions here, so that a route cannot
//! decide differently from another:
//! - [`CurrentUser`]: the signed-in user (extracting it without a session redirects to sign-in);
//! - [`case_access`]: what the user may do with a case (see its row, read it, write, own, administer),
//!   decided by the pure [`despatch_domain::access::case_access`];
//! - [`row_access`]: the same for a workstack or search row, from the row alone;
//! - [`visible_case_types`]: the case types whose rows the user may see in search;
//! - [`Administrator`]: a [`CurrentUser`] with the administrator role (a system role of the
//!   account, not a case-type level); anyone else gets 403.
//!
//! A case the user may not even see the row of is "not found" (404), so its existence is not
//! revealed; a case whose row they may see but not open is "forbidden" (403).

use std::collections::BTreeSet;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use despatch_domain::access::{self, AccessLevel, CaseAccess, CaseScope};
use despatch_domain::case::CaseState;
use despatch_domain::engine::World;
use despatch_store::{CaseSummary, StageVisit};

use crate::session::Session;
use crate::{AppState, WebError};

/// Where a user with a one-time password must go before anything else.
pub(crate) const CHANGE_PASSWORD: &str = "/account/password";

/// The signed-in user of a request. Extracting it from a request without a live session
/// redirects to the sign-in page; a user who must replace a one-time password is sent to
/// [`CHANGE_PASSWORD`]; a deactivated user's session is refused like a missing one.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// User name.
    pub name: String,
    /// Team codes the user belongs to (active or not).
    pub teams: BTreeSet<String>,
    /// The session's CSRF token, for the forms of the page.
    pub csrf: String,
    /// Whether the account has the administrator role (reaches `/admin`).
    pub administrator: bool,
}

impl CurrentUser {
    /// Whether the user belongs to a team.
    pub fn in_team(&self, team: &str) -> bool {
        self.teams.contains(team)
    }
}

/// What `user` may do with `case`, whose stage history is `history`.
pub fn case_access(world: &World, user: &CurrentUser, case: &CaseState, history: &[StageVisit]) -> CaseAccess {
    let held_by: Vec<&str> = history.iter().map(|visit| visit.team.as_str()).collect();
    let scope = CaseScope {
        case_type: &case.case_type,
        team: case.stage.as_ref().map(|stage| stage.team.as_str()),
        allocated_to: case.stage.as_ref().and_then(|stage| stage.user.as_deref()),
        held_by: &held_by,
    };
    access::case_access(world.directory(), &user.name, &scope)
}

/// What `user` may do with the case of a workstack or search row. The row has no stage history,
/// so a user whose only access is "a team of mine held it" gets nothing here; search asks the
/// store for those cases by team, so they are still listed.
pub fn row_access(world: &World, user: &CurrentUser, row: &CaseSummary) -> CaseAccess {
    let scope = CaseScope {
        case_type: &row.case_type,
        team: row.stage.as_ref().and(row.team.as_deref()),
        allocated_to: row.user.as_deref(),
        held_by: &[],
    };
    access::case_access(world.directory(), &user.name, &scope)
}

/// The case types whose cases the user may see rows of (SUMMARY or above through a team).
pub fn visible_case_types(world: &World, user: &CurrentUser) -> Vec<String> {
    let codes = world.definitions().codes().map(str::to_string);
    access::case_types_at_least(world.directory(), &user.name, codes, AccessLevel::Summary)
}

/// Loads a case for a request: "not found" unless the user may at least see its row, and
/// "forbidden" when they may see the row but `allowed` says no to what they asked.
pub async fn load_case(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    allowed: impl Fn(&CaseAccess) -> bool,
) -> Result<(CaseState, Vec<StageVisit>, CaseAccess), WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let case = state.store().case(id).await?.ok_or(WebError::NotFound)?;
    let history = state.store().stage_history(id).await?;
    let access = case_access(&state.casework.world(), user, &case, &history);
    if !access.see_row {
        return Err(WebError::NotFound);
    }
    if !allowed(&access) {
        return Err(WebError::Forbidden);
    }
    Ok((case, history, access))
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<CurrentUser, Response> {
        let Some(session) = parts.extensions.get::<Session>() else {
            return Err(Redirect::to("/sign-in").into_response());
        };
        let account = state.store().account(&session.user).await.map_err(|e| WebError::from(e).into_response())?;
        let Some(account) = account else {
            return Err(Redirect::to("/sign-in").into_response());
        };
        if account.must_change_password {
            return Err(Redirect::to(CHANGE_PASSWORD).into_response());
        }
        let world = state.casework.world();
        let directory = world.directory();
        if directory.users.get(&session.user).is_some_and(|user| !user.active) {
            return Err(Redirect::to("/sign-in").into_response());
        }
        let teams = directory.memberships.get(&session.user).cloned().unwrap_or_default();
        Ok(CurrentUser {
            name: session.user.clone(),
            teams,
            csrf: session.csrf_token.clone(),
            administrator: account.administrator,
        })
    }
}

/// A signed-in administrator. Anyone else signed in gets 403.
#[derive(Debug, Clone)]
pub struct Administrator(pub CurrentUser);

impl FromRequestParts<AppState> for Administrator {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Administrator, Response> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        if !user.administrator {
            tracing::info!(user = %user.name, path = %parts.uri.path(), "administration refused");
            return Err(WebError::Forbidden.into_response());
        }
        Ok(Administrator(user))
    }
}
