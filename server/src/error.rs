//! Errors of the presign API as values, each with the HTTP status it maps to.
//!
//! Messages name what is wrong and where, but never echo secrets (tokens, signatures).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// An error returned by the presign API; turns into a JSON body `{"error": code, "message": text}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// No credentials, or credentials that match no user (401).
    Unauthorized(String),
    /// The user is known but the key lies outside what the policy lets them reach (403).
    Forbidden(String),
    /// The request itself is malformed: a bad key, content type or field (400).
    BadRequest(String),
    /// The declared size is over the configured limit (413).
    TooLarge(String),
    /// The project or task does not exist (404).
    NotFound(String),
    /// The request clashes with the state of the bucket: a lease lost, a result missing (409).
    Conflict(String),
    /// The object store answered with an error or could not be reached (502).
    Upstream(String),
    /// The server is misconfigured (500).
    Internal(String),
}

impl ApiError {
    /// The HTTP status this error is sent with.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Upstream(_) => StatusCode::BAD_GATEWAY,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A short machine-readable code for clients.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::BadRequest(_) => "bad_request",
            ApiError::TooLarge(_) => "too_large",
            ApiError::NotFound(_) => "not_found",
            ApiError::Conflict(_) => "conflict",
            ApiError::Upstream(_) => "upstream",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        match self {
            ApiError::Unauthorized(m)
            | ApiError::Forbidden(m)
            | ApiError::BadRequest(m)
            | ApiError::TooLarge(m)
            | ApiError::NotFound(m)
            | ApiError::Conflict(m)
            | ApiError::Upstream(m)
            | ApiError::Internal(m) => m,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.code(), "message": self.message() });
        let mut resp = (self.status(), Json(body)).into_response();
        if matches!(self, ApiError::Unauthorized(_)) {
            resp.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        resp
    }
}
