//! Documents of a case: list, download, and upload (checked by the store's upload policy when
//! a document store is configured).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use despatch_domain::case::DocumentRef;
use despatch_store::NewDocument;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::auth::ApiUser;
use super::extract::{ApiPath, ApiQuery};
use super::problem::ApiError;
use super::views::{CaseView, DocumentView};
use crate::AppState;

/// The name and tag of an uploaded document.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct UploadParams {
    /// File name (`reply.pdf`); required.
    pub name: Option<String>,
    /// Tag from the case type's list (`ORIGINAL`, `DRAFT`, `FINAL`…); required.
    pub tag: Option<String>,
}

/// The documents of a case, oldest first.
#[utoipa::path(get, path = "/cases/{id}/documents", tag = "documents",
    params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, description = "The documents", body = Vec<DocumentView>)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Vec<DocumentView>>, ApiError> {
    let (case, _) = user.case(&state, id, |access| access.read).await?;
    Ok(axum::Json(case.documents.iter().map(DocumentView::from).collect()))
}

/// A document's bytes, with its media type.
#[utoipa::path(get, path = "/cases/{id}/documents/{sha256}", tag = "documents",
    params(("id" = i64, Path, description = "Case id"), ("sha256" = String, Path, description = "The document's SHA-256, hex")),
    responses((status = 200, description = "The bytes", body = Vec<u8>, content_type = "application/octet-stream")))]
pub(crate) async fn download(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, sha256)): ApiPath<(i64, String)>,
) -> Result<Response, ApiError> {
    let (case, _) = user.case(&state, id, |access| access.read).await?;
    let document = case.documents.iter().find(|d| d.sha256 == sha256).ok_or_else(ApiError::not_found)?;
    let bytes = state.casework.document_bytes(&document.sha256).await?.ok_or_else(ApiError::not_found)?;
    let media_type = HeaderValue::from_str(&document.media_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let file_name: String =
        document.name.chars().filter(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\\' | ';')).collect();
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    Ok(([(CONTENT_TYPE, media_type), (CONTENT_DISPOSITION, disposition)], bytes).into_response())
}

/// Attaches a document: the body is the file's bytes (up to 2 MiB), its media type the
/// `Content-Type` header. A refused upload (type, size, malware) is 422 and changes nothing.
#[utoipa::path(post, path = "/cases/{id}/documents", tag = "documents",
    params(("id" = i64, Path, description = "Case id"), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, description = "The case with the document", body = CaseView)))]
pub(crate) async fn upload(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(params): ApiQuery<UploadParams>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<(StatusCode, axum::Json<CaseView>), ApiError> {
    let (case, _) = user.case(&state, id, |access| access.edit).await?;
    if bytes.is_empty() {
        return Err(ApiError::invalid_field("file", "The file is empty"));
    }
    let name = params.name.as_deref().map(str::trim).unwrap_or_default();
    if name.is_empty() {
        return Err(ApiError::invalid_field("name", "Give the file's name"));
    }
    let Some(tag) = params.tag.filter(|tag| !tag.trim().is_empty()) else {
        return Err(ApiError::invalid_field("tag", "Give the document's tag"));
    };
    let media_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map_or("application/octet-stream", |v| v.split(';').next().unwrap_or(v).trim())
        .to_string();
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let document =
        DocumentRef { sha256: sha256.clone(), name: name.to_string(), tag, media_type, size: bytes.len() as u64 };
    let file = NewDocument { sha256, bytes: bytes.to_vec(), text: String::new() };
    let outcome = state.casework.attach(case.id, document, file, &user.actor(), Utc::now()).await?;
    Ok((StatusCode::CREATED, axum::Json(CaseView::from(&outcome.state))))
}
