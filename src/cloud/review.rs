//! The review endpoints of the presign server (`docs/review.md`): the queue, a task's review
//! bundle, accept, reject, and the accepted results. Bodies are the core's wire types.

use super::team::{call, segment, TeamError};
use super::Cloud;
use lasso_core::team::review::{
    AcceptRequest, AcceptedList, AcceptedRecord, RejectRequest, ReviewBundle, ReviewQueue,
    ReviewRecord,
};

fn body<T: serde::Serialize>(value: &T) -> Result<String, TeamError> {
    serde_json::to_string(value).map_err(|e| TeamError {
        status: None,
        message: e.to_string(),
    })
}

/// `GET /projects/<p>/review`.
pub async fn queue(cloud: &Cloud, project: &str) -> Result<ReviewQueue, TeamError> {
    let p = segment("project", project)?;
    call(cloud, "GET", &format!("/projects/{p}/review"), None).await
}

/// `GET /projects/<p>/tasks/<t>/review`.
pub async fn bundle(cloud: &Cloud, project: &str, task: &str) -> Result<ReviewBundle, TeamError> {
    let (p, t) = (segment("project", project)?, segment("task", task)?);
    call(
        cloud,
        "GET",
        &format!("/projects/{p}/tasks/{t}/review"),
        None,
    )
    .await
}

/// `POST /projects/<p>/tasks/<t>/accept`.
pub async fn accept(
    cloud: &Cloud,
    project: &str,
    task: &str,
    request: &AcceptRequest,
) -> Result<AcceptedRecord, TeamError> {
    let (p, t) = (segment("project", project)?, segment("task", task)?);
    let path = format!("/projects/{p}/tasks/{t}/accept");
    call(cloud, "POST", &path, Some(body(request)?)).await
}

/// `POST /projects/<p>/tasks/<t>/reject`.
pub async fn reject(
    cloud: &Cloud,
    project: &str,
    task: &str,
    request: &RejectRequest,
) -> Result<ReviewRecord, TeamError> {
    let (p, t) = (segment("project", project)?, segment("task", task)?);
    let path = format!("/projects/{p}/tasks/{t}/reject");
    call(cloud, "POST", &path, Some(body(request)?)).await
}

/// `GET /projects/<p>/accepted`.
pub async fn accepted(cloud: &Cloud, project: &str) -> Result<AcceptedList, TeamError> {
    let p = segment("project", project)?;
    call(cloud, "GET", &format!("/projects/{p}/accepted"), None).await
}

/// `GET /projects/<p>/sources?choose=…`: every task with the results `choose` (comma-separated
/// rules; the server's default when `None`) takes.
pub async fn sources(
    cloud: &Cloud,
    project: &str,
    choose: Option<&str>,
) -> Result<lasso_core::team::wire::ProjectSources, TeamError> {
    let p = segment("project", project)?;
    let query = choose.map_or(String::new(), |c| {
        format!("?choose={}", String::from(js_sys::encode_uri_component(c)))
    });
    call(cloud, "GET", &format!("/projects/{p}/sources{query}"), None).await
}

/// `GET /projects/<p>/quality` (managers).
pub async fn quality(
    cloud: &Cloud,
    project: &str,
) -> Result<lasso_core::quality::team_report::QualityReport, TeamError> {
    let p = segment("project", project)?;
    call(cloud, "GET", &format!("/projects/{p}/quality"), None).await
}
