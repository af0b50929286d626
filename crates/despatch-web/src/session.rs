//! Sessions: a random token in an HttpOnly cookie, its SHA-256 as the row id in the database,
//! with idle and absolute timeouts. [`load`] puts the signed-in [`Session`] into the request.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::middleware::Next;
use axum::response::Response;
use chrono::Utc;
use despatch_store::SessionRecord;
use sha2::{Digest, Sha256};

use crate::{AppState, WebError};

/// The session cookie's name.
pub(crate) const SESSION_COOKIE: &str = "despatch_session";
/// The cookie holding the sign-in form's CSRF token before anyone is signed in.
pub(crate) const SIGN_IN_COOKIE: &str = "despatch_sign_in";
/// A session's last-use time is written at most this often.
const TOUCH_EVERY: i64 = 60;

/// The signed-in session of a request.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    /// Row id (hash of the cookie token).
    pub id: String,
    /// User name.
    pub user: String,
    /// The token every form must carry.
    pub csrf_token: String,
}

/// 32 random bytes as 64 hex digits.
pub(crate) fn random_token() -> Result<String, WebError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| WebError::Setup(format!("random number generator: {e}")))?;
    Ok(hex::encode(bytes))
}

/// The row id of a cookie token.
fn session_id(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The value of a cookie in the request.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Whether the request came over HTTPS (directly configured, or as a proxy reports it).
pub(crate) fn is_secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, path `/`, `Secure` over HTTPS; `max_age`
/// `Some(0)` deletes the cookie, `None` makes it last for the browser session.
pub(crate) fn set_cookie(name: &str, value: &str, secure: bool, max_age: Option<u64>) -> String {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(seconds) = max_age {
        cookie.push_str(&format!("; Max-Age={seconds}"));
    }
    if secure {
        cookie.push_str("; Secure");
    }
    cookie
}

fn seconds(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

/// Starts a session for `user`; returns the `Set-Cookie` value.
pub(crate) async fn start(state: &AppState, user: &str, secure: bool) -> Result<String, WebError> {
    let token = random_token()?;
    let now = Utc::now().timestamp();
    let record = SessionRecord {
        id: session_id(&token),
        user: user.to_string(),
        csrf_token: random_token()?,
        created_unix: now,
        seen_unix: now,
    };
    state.store().create_session(&record).await?;
    Ok(set_cookie(SESSION_COOKIE, &token, secure, None))
}

/// Ends a session.
pub(crate) async fn end(state: &AppState, session: &Session) -> Result<(), WebError> {
    Ok(state.store().delete_session(&session.id).await?)
}

/// Finds the request's session, if its cookie names a live one, and records its use.
async fn find(state: &AppState, headers: &HeaderMap) -> Result<Option<Session>, WebError> {
    let Some(token) = cookie(headers, SESSION_COOKIE).filter(|t| t.len() == 64) else {
        return Ok(None);
    };
    let id = session_id(token);
    let Some(record) = state.store().session(&id).await? else {
        return Ok(None);
    };
    let now = Utc::now().timestamp();
    let idle = now.saturating_sub(record.seen_unix) > seconds(state.config.idle_timeout);
    let too_old = now.saturating_sub(record.created_unix) > seconds(state.config.absolute_timeout);
    if idle || too_old {
        state.store().delete_session(&id).await?;
        return Ok(None);
    }
    if now - record.seen_unix >= TOUCH_EVERY {
        state.store().touch_session(&id, now).await?;
    }
    Ok(Some(Session { id, user: record.user, csrf_token: record.csrf_token }))
}

/// Middleware: puts the live [`Session`] of the request, if any, into its extensions. A cookie
/// naming an ended session is deleted from the browser.
pub(crate) async fn load(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let had_cookie = cookie(request.headers(), SESSION_COOKIE).is_some();
    let session = match find(&state, request.headers()).await {
        Ok(session) => session,
        Err(error) => return axum::response::IntoResponse::into_response(error),
    };
    let secure = is_secure(&state, request.headers());
    let ended = had_cookie && session.is_none();
    if let Some(session) = session {
        request.extensions_mut().insert(session);
    }
    let mut response = next.run(request).await;
    if ended
        && !response.headers().contains_key(SET_COOKIE)
        && let Ok(value) = set_cookie(SESSION_COOKIE, "", secure, Some(0)).parse()
    {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

/// Removes ended sessions every ten minutes.
pub(crate) fn spawn_sweeper(state: AppState) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(600));
        loop {
            every.tick().await;
            let now = Utc::now().timestamp();
            let idle_before = now - seconds(state.config.idle_timeout);
            let created_before = now - seconds(state.config.absolute_timeout);
            if let Err(error) = state.store().delete_expired_sessions(idle_before, created_before).await {
                tracing::warn!(%error, "removing ended sessions");
            }
        }
    });
}
