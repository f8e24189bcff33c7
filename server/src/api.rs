//! The presign HTTP API (axum): routes, JSON bodies, authentication and CORS.
//!
//! Every route authenticates first (401 before anything else is looked at), then parses its
//! JSON body itself so malformed bodies get the same JSON error shape as every other refusal.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::auth::Authenticator;
use crate::error::ApiError;
use crate::keys::User;
use crate::presign::Presigner;

/// Largest request body accepted (a complete request for 10,000 parts fits).
const MAX_BODY: usize = 1024 * 1024;

struct AppState {
    presigner: Presigner,
    auth: Arc<dyn Authenticator>,
}

type Shared = State<Arc<AppState>>;

/// Builds the API router: `/presign`, `/multipart/{create,parts,complete,abort}`, `/tasks`,
/// `/healthz`, with CORS for the configured origins.
pub fn router(presigner: Presigner, auth: Arc<dyn Authenticator>) -> Router {
    let cors = cors_layer(&presigner.config().cors_origins);
    let state = Arc::new(AppState { presigner, auth });
    Router::new()
        .route("/presign", post(presign))
        .route("/multipart/create", post(multipart_create))
        .route("/multipart/parts", post(multipart_parts))
        .route("/multipart/complete", post(multipart_complete))
        .route("/multipart/abort", post(multipart_abort))
        .route("/tasks", get(tasks))
        .route("/healthz", get(|| async { "ok" }))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(cors)
        .with_state(state)
}

fn cors_layer(origins: &[String]) -> CorsLayer {
    let base = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(600));
    let list: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    if list.is_empty() {
        base.allow_origin(AllowOrigin::any())
    } else {
        // Named origins may send the token cookie.
        base.allow_origin(AllowOrigin::list(list))
            .allow_credentials(true)
    }
}

async fn user(state: &AppState, headers: &HeaderMap) -> Result<User, ApiError> {
    state.auth.authenticate(headers).await
}

fn body<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::BadRequest(format!("invalid JSON body: {e}")))
}

fn reply<T: serde::Serialize>(r: Result<T, ApiError>) -> Response {
    match r {
        Ok(v) => Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn presign(State(s): Shared, headers: HeaderMap, bytes: Bytes) -> Response {
    let r = async {
        let u = user(&s, &headers).await?;
        s.presigner.presign(&u, &body(&bytes)?)
    };
    reply(r.await)
}

async fn multipart_create(State(s): Shared, headers: HeaderMap, bytes: Bytes) -> Response {
    let r = async {
        let u = user(&s, &headers).await?;
        s.presigner.multipart_create(&u, &body(&bytes)?).await
    };
    reply(r.await)
}

async fn multipart_parts(State(s): Shared, headers: HeaderMap, bytes: Bytes) -> Response {
    let r = async {
        let u = user(&s, &headers).await?;
        s.presigner.multipart_parts(&u, &body(&bytes)?).await
    };
    reply(r.await)
}

async fn multipart_complete(State(s): Shared, headers: HeaderMap, bytes: Bytes) -> Response {
    let r = async {
        let u = user(&s, &headers).await?;
        s.presigner.multipart_complete(&u, &body(&bytes)?).await
    };
    reply(r.await)
}

async fn multipart_abort(State(s): Shared, headers: HeaderMap, bytes: Bytes) -> Response {
    let r = async {
        let u = user(&s, &headers).await?;
        s.presigner.multipart_abort(&u, &body(&bytes)?).await
    };
    match r.await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

async fn tasks(State(s): Shared, headers: HeaderMap) -> Response {
    let r = async {
        let u = user(&s, &headers).await?;
        s.presigner.list_tasks(&u).await
    };
    reply(r.await.map(|tasks| serde_json::json!({ "tasks": tasks })))
}
