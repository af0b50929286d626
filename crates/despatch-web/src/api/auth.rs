//! Who is calling: a service account named by its bearer token, and the cases it may see.
//!
//! Access follows the same rules as the pages ([`crate::access`]): the HOCS access level the
//! caller's teams give them for the case type ([`despatch_domain::access::case_access`]). A case
//! whose row they may not even see is "not found" (404); one whose row they may see but whose
//! level does not allow what they asked is "forbidden" (403).

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use despatch_domain::access::CaseAccess;
use despatch_domain::case::CaseState;
use despatch_domain::command::Actor;
use despatch_store::StageVisit;

use super::problem::ApiError;
use super::tokens::token_id;
use crate::AppState;
use crate::access::{CurrentUser, case_access};

/// The caller of an API request, from a live bearer token.
#[derive(Debug, Clone)]
pub(crate) struct ApiUser {
    /// The user as the pages' access rules see them (no CSRF token: bearer requests carry none).
    pub user: CurrentUser,
}

impl ApiUser {
    /// The user name.
    pub fn name(&self) -> &str {
        &self.user.name
    }

    /// The caller as the engine's actor.
    pub fn actor(&self) -> Actor {
        Actor::user(&self.user.name)
    }

    /// Whether the caller belongs to a team.
    pub fn in_team(&self, team: &str) -> bool {
        self.user.in_team(team)
    }

    /// The case with this id and its stage history: 404 unless the caller may see its row, 403
    /// when they may but `allowed` refuses what they asked (as the pages' `load_case`).
    pub async fn case(
        &self,
        state: &AppState,
        id: i64,
        allowed: impl Fn(&CaseAccess) -> bool,
    ) -> Result<(CaseState, Vec<StageVisit>), ApiError> {
        let case = state.store().case(id).await?.ok_or_else(ApiError::not_found)?;
        let history = state.store().stage_history(id).await?;
        let access = case_access(&state.casework.world(), &self.user, &case, &history);
        if !access.see_row {
            return Err(ApiError::not_found());
        }
        if !allowed(&access) {
            return Err(ApiError::forbidden("Your access level for this case type does not allow this"));
        }
        Ok((case, history))
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<ApiUser, ApiError> {
        let header = parts.headers.get(AUTHORIZATION).and_then(|value| value.to_str().ok());
        let Some(token) = header.and_then(|value| {
            let (scheme, token) = value.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        }) else {
            return Err(ApiError::unauthorized());
        };
        let record = state.store().api_token(&token_id(token)).await?;
        let Some(record) = record.filter(|record| record.revoked_at.is_none()) else {
            return Err(ApiError::unauthorized());
        };
        let world = state.casework.world();
        // A deactivated user's tokens are refused like revoked ones, as their sessions are.
        if !world.directory().is_active_user(&record.user) {
            return Err(ApiError::unauthorized());
        }
        let teams = world.directory().memberships.get(&record.user).cloned().unwrap_or_default();
        // The API reaches no administration: the account's role does not matter here.
        let user = CurrentUser { name: record.user, teams, csrf: String::new(), administrator: false };
        Ok(ApiUser { user })
    }
}
