//! Who is asking, and what they may see.
//!
//! First slice of HOCS access (shared/reference/hocs.md §4): a user sees the cases whose current
//! stage is with one of their teams, or that one of their teams has held a stage of. Access
//! levels per case type come later.

use std::collections::BTreeSet;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use despatch_domain::case::CaseState;
use despatch_store::StageVisit;

use crate::AppState;
use crate::session::Session;

/// The signed-in user of a request. Extracting it from a request without a live session
/// redirects to the sign-in page.
#[derive(Debug, Clone)]
pub(crate) struct CurrentUser {
    /// User name.
    pub name: String,
    /// Team codes the user belongs to.
    pub teams: BTreeSet<String>,
    /// The session's CSRF token, for the forms of the page.
    pub csrf: String,
}

impl CurrentUser {
    /// Whether the user belongs to a team.
    pub fn in_team(&self, team: &str) -> bool {
        self.teams.contains(team)
    }

    /// Whether the user may see a case: a team of theirs holds it now or held a stage of it.
    pub fn may_see(&self, case: &CaseState, history: &[StageVisit]) -> bool {
        case.stage.as_ref().is_some_and(|stage| self.in_team(&stage.team))
            || history.iter().any(|visit| self.in_team(&visit.team))
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<CurrentUser, Response> {
        let Some(session) = parts.extensions.get::<Session>() else {
            return Err(Redirect::to("/sign-in").into_response());
        };
        let world = state.casework.world();
        let teams = world.directory().memberships.get(&session.user).cloned().unwrap_or_default();
        Ok(CurrentUser { name: session.user.clone(), teams, csrf: session.csrf_token.clone() })
    }
}
