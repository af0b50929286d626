//! Local accounts: argon2id password hashes, sign-in and sign-out.

use std::sync::Arc;
use std::time::Instant;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use chrono::{SecondsFormat, Utc};
use despatch_store::{Account, Store};
use serde::Deserialize;

use crate::access::CHANGE_PASSWORD;
use crate::session::{self, SIGN_IN_COOKIE, Session, cookie, is_secure, random_token, set_cookie};
use crate::{AppState, WebError};

/// Shortest password accepted for a new account.
pub const MIN_PASSWORD: usize = 12;

/// Why an account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The user name is empty or has characters other than letters, digits, `.`, `-`, `_`.
    #[error("a user name is letters, digits, '.', '-' or '_' (got {0:?})")]
    BadName(String),
    /// The password is shorter than [`MIN_PASSWORD`].
    #[error("a password must be at least {MIN_PASSWORD} characters")]
    ShortPassword,
    /// Hashing failed.
    #[error("hashing the password: {0}")]
    Hash(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] despatch_store::StoreError),
}

/// The argon2id hash of a password, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// Whether `password` matches a PHC hash. A malformed hash matches nothing.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A random password of 20 letters and digits (for a first administrator or demo users).
pub fn one_time_password() -> Result<String, AccountError> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).map_err(|e| AccountError::Hash(e.to_string()))?;
    Ok(bytes.iter().map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()])).collect())
}

/// Whether a user name is letters, digits, `.`, `-` and `_` only (and not empty).
pub fn valid_user_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// Saves an account with the hash of `password`; `one_time` marks it to be replaced at the next
/// sign-in.
async fn save(
    store: &dyn Store,
    name: &str,
    password: &str,
    administrator: bool,
    one_time: bool,
) -> Result<(), AccountError> {
    if !valid_user_name(name) {
        return Err(AccountError::BadName(name.to_string()));
    }
    if password.chars().count() < MIN_PASSWORD {
        return Err(AccountError::ShortPassword);
    }
    let owned = password.to_string();
    let password_hash = tokio::task::spawn_blocking(move || hash_password(&owned))
        .await
        .map_err(|e| AccountError::Hash(e.to_string()))??;
    let created_at = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    let account =
        Account { name: name.to_string(), password_hash, administrator, created_at, must_change_password: one_time };
    store.save_account(&account).await?;
    Ok(())
}

/// Creates (or resets) a local account with this password, which the user keeps.
pub async fn create_account(
    store: &dyn Store,
    name: &str,
    password: &str,
    administrator: bool,
) -> Result<(), AccountError> {
    save(store, name, password, administrator, false).await
}

/// Creates (or resets) a local account with a new one-time password, returned to be handed to
/// the user once; their first sign-in must choose a new password.
pub async fn create_account_with_one_time_password(
    store: &dyn Store,
    name: &str,
    administrator: bool,
) -> Result<String, AccountError> {
    let password = one_time_password()?;
    save(store, name, &password, administrator, true).await?;
    Ok(password)
}

/// Gives a user a new one-time password, keeping their role, and ends their sessions. A user
/// without an account (e.g. loaded from an organisation file) gets one, without the
/// administrator role.
pub async fn reset_password(store: &dyn Store, name: &str) -> Result<String, AccountError> {
    let administrator = store.account(name).await?.is_some_and(|account| account.administrator);
    let password = create_account_with_one_time_password(store, name, administrator).await?;
    store.delete_user_sessions(name).await?;
    Ok(password)
}

#[derive(Template, WebTemplate)]
#[template(path = "sign_in.html")]
struct SignInPage {
    nav: Option<crate::pages::Nav>,
    csrf: String,
    username: String,
    error: Option<&'static str>,
}

/// `GET /sign-in`: the form, with a fresh sign-in token in a cookie and in the form.
pub(crate) async fn sign_in_page(
    State(state): State<AppState>,
    session: Option<Extension<Session>>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if session.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    let csrf = random_token()?;
    let cookie = set_cookie(SIGN_IN_COOKIE, &csrf, is_secure(&state, &headers), None);
    Ok(([(SET_COOKIE, cookie)], SignInPage { nav: None, csrf, username: String::new(), error: None }).into_response())
}

/// The sign-in form's fields.
#[derive(Debug, Deserialize)]
pub(crate) struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// A hash to verify against when the user does not exist, so that the answer takes as long.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("no account has this password").unwrap_or_default())
}

/// `POST /sign-in`: checks the password; on success starts a new session (a new id, so a
/// session fixed before sign-in is useless) and goes to the dashboard.
pub(crate) async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, WebError> {
    let username = form.username.trim().to_string();
    if state.throttle.is_blocked(&username, Instant::now()) {
        tracing::warn!(user = %username, "sign-in refused: too many failed attempts");
        metrics::counter!("despatch_sign_ins_total", "result" => "throttled").increment(1);
        let csrf = cookie(&headers, SIGN_IN_COOKIE).unwrap_or_default().to_string();
        let error = Some("Too many failed attempts to sign in with this user name. Wait 15 minutes and try again");
        return Ok((StatusCode::TOO_MANY_REQUESTS, SignInPage { nav: None, csrf, username, error }).into_response());
    }
    let account = if username.is_empty() { None } else { state.store().account(&username).await? };
    let hash: Arc<str> = account.as_ref().map_or(decoy_hash(), |a| a.password_hash.as_str()).into();
    let password = form.password;
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| WebError::Setup(format!("password check: {e}")))?;
    if account.is_none() || !matches {
        tracing::info!(user = %username, "sign-in refused");
        metrics::counter!("despatch_sign_ins_total", "result" => "refused").increment(1);
        state.throttle.failed(&username, Instant::now());
        let csrf = cookie(&headers, SIGN_IN_COOKIE).unwrap_or_default().to_string();
        let page = SignInPage { nav: None, csrf, username, error: Some("Enter a correct user name and password") };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let deactivated = state.casework.world().directory().users.get(&username).is_some_and(|user| !user.active);
    if deactivated {
        tracing::info!(user = %username, "sign-in refused: the user is deactivated");
        let csrf = cookie(&headers, SIGN_IN_COOKIE).unwrap_or_default().to_string();
        let page = SignInPage { nav: None, csrf, username, error: Some("Enter a correct user name and password") };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    state.throttle.succeeded(&username);
    let secure = is_secure(&state, &headers);
    let session_cookie = session::start(&state, &username, secure).await?;
    let clear = set_cookie(SIGN_IN_COOKIE, "", secure, Some(0));
    tracing::info!(user = %username, "signed in");
    metrics::counter!("despatch_sign_ins_total", "result" => "ok").increment(1);
    let next = if account.is_some_and(|a| a.must_change_password) { CHANGE_PASSWORD } else { "/" };
    Ok((AppendHeaders([(SET_COOKIE, session_cookie), (SET_COOKIE, clear)]), Redirect::to(next)).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "change_password.html")]
struct ChangePasswordPage {
    nav: Option<crate::pages::Nav>,
    csrf: String,
    /// The password is a one-time password (no current password is asked for).
    one_time: bool,
    /// Problems: (field id, message).
    errors: Vec<(&'static str, String)>,
}

impl ChangePasswordPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(id, _)| *id == field).map(|(_, message)| message.as_str())
    }
}

/// `GET /account/password`: choose a new password (required after a one-time password).
pub(crate) async fn change_password_page(
    State(state): State<AppState>,
    session: Option<Extension<Session>>,
) -> Result<Response, WebError> {
    let Some(Extension(session)) = session else { return Ok(Redirect::to("/sign-in").into_response()) };
    let account = state.store().account(&session.user).await?.ok_or(WebError::Forbidden)?;
    let page = ChangePasswordPage {
        nav: None,
        csrf: session.csrf_token,
        one_time: account.must_change_password,
        errors: Vec::new(),
    };
    Ok(page.into_response())
}

/// The change-password form's fields.
#[derive(Debug, Deserialize)]
pub(crate) struct ChangePasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /account/password`: checks and saves the new password, then goes to the dashboard.
pub(crate) async fn change_password(
    State(state): State<AppState>,
    session: Option<Extension<Session>>,
    Form(form): Form<ChangePasswordForm>,
) -> Result<Response, WebError> {
    let Some(Extension(session)) = session else { return Ok(Redirect::to("/sign-in").into_response()) };
    let account = state.store().account(&session.user).await?.ok_or(WebError::Forbidden)?;
    let mut errors = Vec::new();
    let (current, new, hash) = (form.current.clone(), form.password.clone(), account.password_hash.clone());
    let (current_matches, new_is_old) =
        tokio::task::spawn_blocking(move || (verify_password(&current, &hash), verify_password(&new, &hash)))
            .await
            .map_err(|e| WebError::Setup(format!("password check: {e}")))?;
    if !account.must_change_password && !current_matches {
        errors.push(("current", "Enter your current password".to_string()));
    }
    if form.password.chars().count() < MIN_PASSWORD {
        errors.push(("password", format!("Enter a new password of at least {MIN_PASSWORD} characters")));
    } else if form.password != form.confirm {
        errors.push(("confirm", "Enter the same new password twice".to_string()));
    } else if new_is_old {
        errors.push(("password", "Enter a password different from the one you signed in with".to_string()));
    }
    if !errors.is_empty() {
        let page =
            ChangePasswordPage { nav: None, csrf: session.csrf_token, one_time: account.must_change_password, errors };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    create_account(state.store().as_ref(), &account.name, &form.password, account.administrator)
        .await
        .map_err(|e| WebError::Setup(e.to_string()))?;
    tracing::info!(user = %account.name, "password changed");
    Ok(Redirect::to("/").into_response())
}

/// `POST /sign-out`.
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    session: Option<Extension<Session>>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if let Some(Extension(session)) = session {
        session::end(&state, &session).await?;
    }
    let clear = set_cookie(session::SESSION_COOKIE, "", is_secure(&state, &headers), Some(0));
    Ok(([(SET_COOKIE, clear)], Redirect::to("/sign-in")).into_response())
}
