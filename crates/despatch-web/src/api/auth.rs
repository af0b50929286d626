//! Who is calling: a service account named by its bearer token, and the cases it may see.
//!
//! Access follows the same rules as the pages ([`crate::access`]): a case is visible when one of
//! the caller's teams holds it now or held a stage of it; any other case is "not found".

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use despatch_domain::case::CaseState;
use despatch_domain::command::Actor;
use despatch_store::StageVisit;

use super::problem::ApiError;
use super::tokens::token_id;
use crate::AppState;
use crate::access::CurrentUser;

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

    /// The case with this id and its stage history, if the caller may see it; otherwise 404.
    pub async fn visible_case(&self, state: &AppState, id: i64) -> Result<(CaseState, Vec<StageVisit>), ApiError> {
        let case = state.store().case(id).await?.ok_or_else(ApiError::not_found)?;
        let history = state.store().stage_history(id).await?;
        if !self.user.may_see(&case, &history) {
            return Err(ApiError::not_found());
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
        let teams = world.directory().memberships.get(&record.user).cloned().unwrap_or_default();
        Ok(ApiUser { user: CurrentUser { name: record.user, teams, csrf: String::new() } })
    }
}
