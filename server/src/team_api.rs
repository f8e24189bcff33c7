//! HTTP routes of the team endpoints (`docs/team.md`), thin over [`crate::team::Team`]: each
//! authenticates, finds the caller's membership in the project, and answers JSON.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use lasso_core::team::review::{AcceptRequest, RejectRequest};
use lasso_core::team::wire::{
    sources_policy, AssignRequest, GalleryQuery, SourcesQuery, SubmitRequest,
};
use lasso_core::team::Project;

use crate::error::ApiError;
use crate::handler::{body, reply, user, AppState, Shared};
use crate::team::Member;

/// The `/projects` routes.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/projects", get(list))
        .route("/projects/{project}", get(describe).put(update))
        .route("/projects/{project}/next", post(next))
        .route("/projects/{project}/progress", get(progress))
        .route("/projects/{project}/gallery", get(gallery))
        .route("/projects/{project}/assign", post(assign))
        .route("/projects/{project}/unassign", post(unassign))
        .route("/projects/{project}/tasks/{task}/open", post(open))
        .route("/projects/{project}/tasks/{task}/renew", post(renew))
        .route("/projects/{project}/tasks/{task}/submit", post(submit))
        .route("/projects/{project}/tasks/{task}/status", get(status))
        .route("/projects/{project}/review", get(review_queue))
        .route("/projects/{project}/accepted", get(accepted))
        .route("/projects/{project}/sources", get(sources))
        .route(
            "/projects/{project}/ml/{call}",
            get(ml_relay).post(ml_relay),
        )
        .route("/projects/{project}/quality", get(quality))
        .route(
            "/projects/{project}/tasks/{task}/review",
            get(review_bundle),
        )
        .route("/projects/{project}/tasks/{task}/accept", post(accept))
        .route("/projects/{project}/tasks/{task}/reject", post(reject))
}

async fn member(s: &AppState, headers: &HeaderMap, project: &str) -> Result<Member, ApiError> {
    let u = user(s, headers).await?;
    s.team().member(&u, project).await
}

async fn list(State(s): Shared, headers: HeaderMap) -> Response {
    let r = async {
        let u = user(&s, &headers).await?;
        s.team().list(&u).await
    };
    reply(r.await)
}

async fn describe(State(s): Shared, headers: HeaderMap, Path(p): Path<String>) -> Response {
    let r = async {
        let u = user(&s, &headers).await?;
        s.team().describe(&u, &p).await
    };
    reply(r.await)
}

async fn update(
    State(s): Shared,
    headers: HeaderMap,
    Path(p): Path<String>,
    bytes: Bytes,
) -> Response {
    let r = async {
        let u = user(&s, &headers).await?;
        let project = Project::parse(&bytes).map_err(ApiError::BadRequest)?;
        s.team().update(&u, &p, &project).await
    };
    reply(r.await)
}

async fn next(State(s): Shared, headers: HeaderMap, Path(p): Path<String>) -> Response {
    let r = async {
        let m = member(&s, &headers, &p).await?;
        s.team().next(&m).await
    };
    reply(r.await)
}

async fn open(
    State(s): Shared,
    headers: HeaderMap,
    Path((p, t)): Path<(String, String)>,
) -> Response {
    let r = async {
        let m = member(&s, &headers, &p).await?;
        s.team().open(&m, &t).await
    };
    reply(r.await)
}

async fn renew(
    State(s): Shared,
    headers: HeaderMap,
    Path((p, t)): Path<(String, String)>,
) -> Response {
    let r = async {
        let m = member(&s, &headers, &p).await?;
        s.team().renew(&m, &t).await
    };
    reply(r.await)
}

async fn submit(
    State(s): Shared,
    headers: HeaderMap,
    Path((p, t)): Path<(String, String)>,
    bytes: Bytes,
) -> Response {
    let r = async {
        let m = member(&s, &headers, &p).await?;
        let req: SubmitRequest = if bytes.is_empty() {
            SubmitRequest::default()
        } else {
            body(&bytes)?
        };
        s.team().submit(&m, &t, &req).await
    };
    reply(r.await)
}

/// Query of the status route: whose status (reviewers and managers may ask for others).
#[derive(serde::Deserialize)]
struct StatusQuery {
    user: Option<String>,
}

async fn status(
    State(s): Shared,
    headers: HeaderMap,
    Path((p, t)): Path<(String, String)>,
    Query(q): Query<StatusQuery>,
) -> Response {
    let r = async {
        let m = member(&s, &headers, &p).await?;
        s.team().status(&m, &t, q.user.as_deref()).await
    };
    reply(r.await)
}

async fn progress(State(s): Shared, headers: HeaderMap, Path(p): Path<String>) -> Response {
    let r = async {
        let m = member(&s, &headers, &p).await?;
        s.team().progress(&m).await
    };
    reply(r.await)
}

async fn gallery(
    State(s): Shared,
    headers: HeaderMap,
    Path(p): Path<String>,
    Query(q): Query<GalleryQuery>,
) -> Response {
    let r = async {
        let m = member(&s, &headers, &p).await?;
        s.team().gallery(&m, &q).await
    };
    reply(r.await)
}

async fn assign(
    State(s): Shared,
    headers: HeaderMap,
    Path(p): Path<String>,
    bytes: Bytes,
) -> Response {
    let r = async {
        let m = member(&s, &headers, &p).await?;
        let req: AssignRequest = body(&bytes)?;
        s.team().assign(&m, &req.task, &req.user).await
    };
    reply(r.await)
}

async fn unassign(
    State(s): Shared,
    headers: HeaderMap,
    Path(p): Path<String>,
    bytes: Bytes,
) -> Response {
    let r = async {
        let m = member(&s, &headers, &p).await?;
        let req: AssignRequest = body(&bytes)?;
        s.team().unassign(&m, &req.task, &req.user).await
    };
    match r.await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

async fn review_queue(State(s): Shared, headers: HeaderMap, Path(p): Path<String>) -> Response {
    let r = async {
        let m = member(&s, &headers, &p).await?;
        s.team().review_queue(&m).await
    };
    reply(r.await)
}

async fn accepted(State(s): Shared, headers: HeaderMap, Path(p): Path<String>) -> Response {
    let r = async {
        let m = member(&s, &headers, &p).await?;
        s.team().accepted_list(&m).await
    };
    reply(r.await)
}

async fn sources(
    State(s): Shared,
    headers: HeaderMap,
    Path(p): Path<String>,
    Query(q): Query<SourcesQuery>,
) -> Response {
    let r = async {
        let m = member(&s, &headers, &p).await?;
        let policy = sources_policy(&q).map_err(ApiError::BadRequest)?;
        s.team().sources(&m, policy).await
    };
    reply(r.await)
}

async fn ml_relay(
    State(s): Shared,
    headers: HeaderMap,
    Path((p, call)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let r = async {
        let m = member(&s, &headers, &p).await?;
        s.team().ml_relay(&m, &call, body).await
    };
    match r.await {
        Ok((status, bytes)) => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY),
            [("content-type", "application/json")],
            bytes,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

async fn review_bundle(
    State(s): Shared,
    headers: HeaderMap,
    Path((p, t)): Path<(String, String)>,
) -> Response {
    let r = async {
        let m = member(&s, &headers, &p).await?;
        s.team().review_bundle(&m, &t).await
    };
    reply(r.await)
}

async fn accept(
    State(s): Shared,
    headers: HeaderMap,
    Path((p, t)): Path<(String, String)>,
    bytes: Bytes,
) -> Response {
    let r = async {
        let m = member(&s, &headers, &p).await?;
        let req: AcceptRequest = body(&bytes)?;
        s.team().accept(&m, &t, &req).await
    };
    reply(r.await)
}

async fn reject(
    State(s): Shared,
    headers: HeaderMap,
    Path((p, t)): Path<(String, String)>,
    bytes: Bytes,
) -> Response {
    let r = async {
        let m = member(&s, &headers, &p).await?;
        let req: RejectRequest = body(&bytes)?;
        s.team().reject(&m, &t, &req).await
    };
    reply(r.await)
}

async fn quality(State(s): Shared, headers: HeaderMap, Path(p): Path<String>) -> Response {
    let r = async {
        let m = member(&s, &headers, &p).await?;
        s.team().quality(&m).await
    };
    reply(r.await)
}
