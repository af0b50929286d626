//! Security headers on every response, and the CSRF guard on every form post.

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderName, HeaderValue};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::session::{SIGN_IN_COOKIE, Session, cookie, is_secure};
use crate::{AppState, WebError};

/// The Content-Security-Policy: our own origin only, and no inline script or style.
pub(crate) const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// Largest form body accepted.
const MAX_FORM: usize = 256 * 1024;

/// Largest upload form body accepted (all its files together). The store's upload checks apply
/// their own, usually smaller, limit to each file.
pub(crate) const MAX_UPLOAD: usize = 64 * 1024 * 1024;

/// Middleware: adds the security headers, and `Cache-Control: no-store` to pages (case data must
/// not stay in shared caches or the back-button cache of a signed-out browser).
pub(crate) async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let secure = is_secure(&state, request.headers());
    let is_asset = request.uri().path().starts_with("/assets/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CSP);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    set(HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    set(HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()");
    if secure {
        set(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000");
    }
    if !is_asset {
        set(CACHE_CONTROL, "no-store");
    }
    response
}

/// Compares two tokens in time independent of where they differ.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Middleware: every POST must come from our own pages (`Sec-Fetch-Site`, when the browser
/// sends it, is `same-origin` or `none`) and carry the form field `csrf` equal to the session's
/// token — or, for the sign-in form, to the token in the sign-in cookie.
pub(crate) async fn csrf_guard(request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    match check(request).await {
        Ok(request) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

async fn check(request: Request) -> Result<Request, WebError> {
    let site = request.headers().get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if site.is_some_and(|site| site != "same-origin" && site != "none") {
        return Err(WebError::BadToken);
    }
    let content_type = request.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    let is_upload = content_type.starts_with("multipart/form-data");
    if !is_form && !is_upload {
        return Err(WebError::BadToken);
    }
    let expected = match request.extensions().get::<Session>() {
        Some(session) => session.csrf_token.clone(),
        None if request.uri().path() == "/sign-in" => {
            cookie(request.headers(), SIGN_IN_COOKIE).ok_or(WebError::BadToken)?.to_string()
        }
        None => return Err(WebError::BadToken),
    };
    let (parts, body) = request.into_parts();
    if is_upload {
        let bytes = to_bytes(body, MAX_UPLOAD).await.map_err(|_| WebError::TooLarge(MAX_UPLOAD))?;
        let given = multipart_token(&parts, bytes.clone()).await;
        if !given.is_some_and(|given| same_token(&given, &expected)) {
            return Err(WebError::BadToken);
        }
        return Ok(Request::from_parts(parts, Body::from(bytes)));
    }
    let bytes = to_bytes(body, MAX_FORM).await.map_err(|_| WebError::BadToken)?;
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).map_err(|_| WebError::BadToken)?;
    let given = fields.iter().find(|(name, _)| name == "csrf").map(|(_, value)| value.as_str());
    if !given.is_some_and(|given| same_token(given, &expected)) {
        return Err(WebError::BadToken);
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// The `csrf` field of a multipart body (the upload forms put it first), or `None`.
async fn multipart_token(parts: &axum::http::request::Parts, bytes: axum::body::Bytes) -> Option<String> {
    let mut copy = Request::builder().method(Method::POST).uri(parts.uri.clone());
    if let Some(content_type) = parts.headers.get(CONTENT_TYPE) {
        copy = copy.header(CONTENT_TYPE, content_type);
    }
    let request = copy.body(Body::from(bytes)).ok()?;
    let mut multipart = Multipart::from_request(request, &()).await.ok()?;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("csrf") {
            return field.text().await.ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::same_token;

    #[test]
    fn tokens_match_only_when_equal() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "abcd"));
    }
}
