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
use axum::Router;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::auth::Authenticator;
use crate::handler::{body, reply, user, AppState, Shared};
use crate::presign::Presigner;
use crate::team::Team;

/// Largest request body accepted (a complete request for 10,000 parts fits).
const MAX_BODY: usize = 1024 * 1024;

/// Builds the API router: `/presign`, `/multipart/{create,parts,complete,abort}`, `/tasks`,
/// the team routes under `/projects` (`team_api`), `/healthz`, with CORS for the configured
/// origins.
pub fn router(presigner: Presigner, auth: Arc<dyn Authenticator>) -> Router {
    let cors = cors_layer(&presigner.config().cors_origins);
    let team = Team::new(presigner.clone());
    let state = Arc::new(AppState::new(presigner, team, auth));
    crate::team_api::routes()
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
        .allow_methods([Method::GET, Method::POST, Method::PUT])
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

async fn presign(State(s): Shared, headers: HeaderMap, bytes: Bytes) -> Response {
    let r = async {
        let u = user(&s, &headers).await?;
        let req: lasso_core::cloud::protocol::PresignRequest = body(&bytes)?;
        let u = s.team().user_for_key(&u, &req.key).await?;
        s.presigner().presign(&u, &req)
    };
    reply(r.await)
}

async fn multipart_create(State(s): Shared, headers: HeaderMap, bytes: Bytes) -> Response {
    let r = async {
        let u = user(&s, &headers).await?;
        let req: lasso_core::cloud::protocol::MultipartCreateRequest = body(&bytes)?;
        let u = s.team().user_for_key(&u, &req.key).await?;
        s.presigner().multipart_create(&u, &req).await
    };
    reply(r.await)
}

async fn multipart_parts(State(s): Shared, headers: HeaderMap, bytes: Bytes) -> Response {
    let r = async {
        let u = user(&s, &headers).await?;
        let req: lasso_core::cloud::protocol::MultipartPartsRequest = body(&bytes)?;
        let u = s.team().user_for_key(&u, &req.key).await?;
        s.presigner().multipart_parts(&u, &req).await
    };
    reply(r.await)
}

async fn multipart_complete(State(s): Shared, headers: HeaderMap, bytes: Bytes) -> Response {
    let r = async {
        let u = user(&s, &headers).await?;
        let req: lasso_core::cloud::protocol::CompleteRequest = body(&bytes)?;
        let u = s.team().user_for_key(&u, &req.key).await?;
        s.presigner().multipart_complete(&u, &req).await
    };
    reply(r.await)
}

async fn multipart_abort(State(s): Shared, headers: HeaderMap, bytes: Bytes) -> Response {
    let r = async {
        let u = user(&s, &headers).await?;
        let req: lasso_core::cloud::protocol::AbortRequest = body(&bytes)?;
        let u = s.team().user_for_key(&u, &req.key).await?;
        s.presigner().multipart_abort(&u, &req).await
    };
    match r.await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

/// Query of `GET /tasks`: a project's manifests instead of the root layout's.
#[derive(serde::Deserialize)]
struct TasksQuery {
    project: Option<String>,
}

async fn tasks(
    State(s): Shared,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<TasksQuery>,
) -> Response {
    let r = async {
        let u = user(&s, &headers).await?;
        match q.project {
            Some(p) => {
                let m = s.team().member(&u, &p).await?;
                s.presigner().list_tasks(&m.keys.tasks_prefix()).await
            }
            None => s.presigner().list_tasks("src/").await,
        }
    };
    reply(r.await.map(|tasks| serde_json::json!({ "tasks": tasks })))
}
