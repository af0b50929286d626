//! Static assets embedded in the binary: the compiled GOV.UK Frontend (built by
//! `frontend/build.sh` into `frontend/dist`) and our own scripts in `static/`.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

/// GOV.UK Frontend compiled with our font stack (not committed; see `frontend/build.sh`).
#[derive(RustEmbed)]
#[folder = "../../frontend/dist/"]
struct Vendor;

/// Our own static files (the GOV.UK initialisation module).
#[derive(RustEmbed)]
#[folder = "static/"]
struct Own;

/// `GET /assets/{*path}`.
pub(crate) async fn serve(Path(path): Path<String>) -> Response {
    let Some(file) = Own::get(&path).or_else(|| Vendor::get(&path)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mime = file.metadata.mimetype().to_string();
    ([(CONTENT_TYPE, mime), (CACHE_CONTROL, "public, max-age=3600".to_string())], file.data.into_owned())
        .into_response()
}
