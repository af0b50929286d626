//! Errors a request can end in, each rendered as a GOV.UK error page with its status.

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use despatch_store::StoreError;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No such page, or a case the user may not see (the two are not told apart).
    #[error("page not found")]
    NotFound,
    /// Signed in, but not allowed (e.g. another team's workstack).
    #[error("you do not have access to this page")]
    Forbidden,
    /// A form without a valid CSRF token, or posted from another site.
    #[error("the form could not be accepted; go back, reload the page and try again")]
    BadToken,
    /// An upload form's body is larger than the limit (bytes).
    #[error("the files are too large to send together: at most {} MB at a time", .0 / (1024 * 1024))]
    TooLarge(usize),
    /// The application could not start or be set up.
    #[error("{0}")]
    Setup(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A template could not be rendered.
    #[error("rendering: {0}")]
    Render(#[from] askama::Error),
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    nav: Option<crate::pages::Nav>,
    title: &'static str,
    message: String,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, title) = match &self {
            WebError::NotFound => (StatusCode::NOT_FOUND, "Page not found"),
            WebError::Forbidden => (StatusCode::FORBIDDEN, "You do not have access to this page"),
            WebError::BadToken => (StatusCode::FORBIDDEN, "Your form could not be accepted"),
            WebError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "The files are too large"),
            WebError::Store(StoreError::NotFound(_)) => (StatusCode::NOT_FOUND, "Page not found"),
            WebError::Setup(_) | WebError::Store(_) | WebError::Render(_) => {
                tracing::error!(error = %self, "request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "Sorry, there is a problem with the service")
            }
        };
        let message = match status {
            StatusCode::INTERNAL_SERVER_ERROR => "Try again later.".to_string(),
            StatusCode::NOT_FOUND => "If you typed the web address, check it is correct.".to_string(),
            _ => self.to_string(),
        };
        (status, ErrorPage { nav: None, title, message }).into_response()
    }
}
