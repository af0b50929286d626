//! RFC 9457 problem details: every error of `/api/v1` is an `application/problem+json` body
//! with `type`, `title`, `status` and `detail`, and for refused input the fields at fault.
//!
//! The engine's [`CommandError`] maps to: invalid fields → 422 with `errors`; "case changed,
//! reload" → 409; not allocated to the caller or not in the team → 403; a command that does not
//! apply to the case as it stands → 409.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use despatch_domain::engine::CommandError;
use despatch_store::{DocumentError, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of problem details.
pub(crate) const PROBLEM_JSON: &str = "application/problem+json";

/// A problem with one field of the request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct FieldProblem {
    /// The field's name (`MarkupDecision`, `received`, `note`).
    pub field: String,
    /// What is wrong, as a sentence for a person.
    pub message: String,
}

/// An RFC 9457 problem details object.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct Problem {
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The fields at fault, for refused input (422).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

/// Why an API request failed; answered as [`Problem`].
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    kind: &'static str,
    detail: Option<String>,
    errors: Vec<FieldProblem>,
}

impl ApiError {
    /// A problem of `about:blank` type with this status and detail.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> ApiError {
        ApiError { status, kind: "about:blank", detail: Some(detail.into()), errors: Vec::new() }
    }

    /// 401: no bearer token, or one that is unknown or revoked.
    pub fn unauthorized() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "Send a live API token as `Authorization: Bearer TOKEN`")
    }

    /// 404: no such resource, or a case the caller may not see (the two are not told apart).
    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "There is nothing at this address that you may see")
    }

    /// 403 with a reason.
    pub fn forbidden(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, detail)
    }

    /// 422 with the fields at fault.
    pub fn invalid(errors: Vec<FieldProblem>) -> ApiError {
        let detail = errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ");
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            kind: "urn:despatch:problem:invalid-fields",
            detail: Some(detail),
            errors,
        }
    }

    /// 422 for one field.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::invalid(vec![FieldProblem { field: field.to_string(), message: message.into() }])
    }
}

impl From<CommandError> for ApiError {
    fn from(error: CommandError) -> ApiError {
        let detail = error.to_string();
        match error {
            CommandError::Invalid(errors) => ApiError::invalid(
                errors.into_iter().map(|e| FieldProblem { field: e.field, message: e.message }).collect(),
            ),
            CommandError::UnknownCaseType(_) => ApiError::invalid_field("case_type", detail),
            CommandError::NoDecision { .. } | CommandError::Calendar(_) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, detail)
            }
            CommandError::StaleVersion { .. } | CommandError::StageMoved { .. } => ApiError {
                status: StatusCode::CONFLICT,
                kind: "urn:despatch:problem:case-changed",
                detail: Some(format!("{detail}. Read the case again and retry with its current version")),
                errors: Vec::new(),
            },
            CommandError::NotAllocatedToYou { .. } | CommandError::NotInTeam { .. } => ApiError::forbidden(detail),
            CommandError::NotAllowed { .. } | CommandError::NoTeam { .. } => {
                ApiError::new(StatusCode::CONFLICT, detail)
            }
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        match error {
            StoreError::Command(error) => error.into(),
            StoreError::NotFound(_) => ApiError::not_found(),
            StoreError::Document(DocumentError::Refused(reason)) => ApiError::invalid_field("file", reason.to_string()),
            other => {
                tracing::error!(error = %other, "API request failed in the store");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "The service could not complete the request")
            }
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        let status = match &rejection {
            JsonRejection::MissingJsonContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            JsonRejection::JsonSyntaxError(_) => StatusCode::BAD_REQUEST,
            JsonRejection::JsonDataError(_) => StatusCode::UNPROCESSABLE_ENTITY,
            other => other.status(),
        };
        ApiError::new(status, rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, rejection.body_text())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = Problem {
            kind: self.kind.to_string(),
            title: self.status.canonical_reason().unwrap_or("Error").to_string(),
            status: self.status.as_u16(),
            detail: self.detail,
            errors: self.errors,
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// Unknown paths under `/api/v1`.
pub(crate) async fn not_found() -> ApiError {
    ApiError::not_found()
}

/// A known path with a method it does not answer.
pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "This address does not answer that method")
}
