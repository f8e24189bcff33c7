//! The team endpoints of the presign server (`docs/team.md`) over `fetch`: next task, open,
//! renew the lease, submit, status, the project. Bodies are the core's wire types.

use super::http::{self, Reply};
use super::Cloud;
use lasso_core::cloud::{classify, Endpoint};
use lasso_core::team::wire::{
    GalleryPage, GalleryQuery, NextAnswer, ProjectAnswer, RenewAnswer, StatusAnswer, SubmitRequest,
    TaskGrant,
};
use serde::de::DeserializeOwned;

/// A refusal of a team endpoint: the HTTP status (`None` when no answer came) and the reason.
#[derive(Clone, Debug)]
pub struct TeamError {
    /// The status, if the server answered.
    pub status: Option<u16>,
    /// For people.
    pub message: String,
}

impl std::fmt::Display for TeamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

fn check(reply: Result<Reply, String>, path: &str) -> Result<String, TeamError> {
    match reply {
        Ok(r) if r.ok() => Ok(r.body),
        Ok(r) => Err(TeamError {
            status: Some(r.status),
            message: classify(Endpoint::Presign, Some(r.status), &r.body, http::online()).message,
        }),
        Err(reason) => Err(TeamError {
            status: None,
            message: format!(
                "{} ({path}: {reason})",
                classify(Endpoint::Presign, None, "", http::online()).message
            ),
        }),
    }
}

pub(super) async fn call<R: DeserializeOwned>(
    cloud: &Cloud,
    method: &str,
    path: &str,
    body: Option<String>,
) -> Result<R, TeamError> {
    let endpoint = cloud.config.endpoint.as_ref().ok_or_else(|| TeamError {
        status: None,
        message: "team tasks need options.cloud.endpoint".into(),
    })?;
    let url = format!("{endpoint}{path}");
    let reply = match body {
        Some(b) => http::post_json(&url, &b, &cloud.credentials()).await,
        None => http::send(method, &url, &[], None, &cloud.credentials()).await,
    };
    let text = check(reply, path)?;
    serde_json::from_str(&text).map_err(|e| TeamError {
        status: None,
        message: format!("The presign endpoint answered {path} with something unexpected: {e}"),
    })
}

/// Segments of a path are ids checked by the key rule, so they need no escaping; anything
/// else is refused before it reaches a URL.
pub(super) fn segment(what: &str, value: &str) -> Result<String, TeamError> {
    lasso_core::cloud::keys::check_segment(value)
        .map(|()| value.to_string())
        .map_err(|why| TeamError {
            status: None,
            message: format!("{what} {value:?} is not valid: {why}"),
        })
}

/// `GET /projects/<p>`.
pub async fn project(cloud: &Cloud, project: &str) -> Result<ProjectAnswer, TeamError> {
    let p = segment("project", project)?;
    call(cloud, "GET", &format!("/projects/{p}"), None).await
}

/// `PUT /projects/<p>`: a manager replaces `project.json`.
pub async fn update_project(
    cloud: &Cloud,
    project: &str,
    value: &lasso_core::team::Project,
) -> Result<ProjectAnswer, TeamError> {
    let p = segment("project", project)?;
    let endpoint = cloud.config.endpoint.as_ref().ok_or_else(|| TeamError {
        status: None,
        message: "team tasks need options.cloud.endpoint".into(),
    })?;
    let body = serde_json::to_string(value).map_err(|e| TeamError {
        status: None,
        message: e.to_string(),
    })?;
    let path = format!("/projects/{p}");
    let reply = http::send(
        "PUT",
        &format!("{endpoint}{path}"),
        &[("content-type".into(), "application/json".into())],
        Some(&wasm_bindgen::JsValue::from_str(&body)),
        &cloud.credentials(),
    )
    .await;
    let text = check(reply, &path)?;
    serde_json::from_str(&text).map_err(|e| TeamError {
        status: None,
        message: format!("The presign endpoint answered {path} with something unexpected: {e}"),
    })
}

/// `POST /projects/<p>/next`.
pub async fn next(cloud: &Cloud, project: &str) -> Result<Option<TaskGrant>, TeamError> {
    let p = segment("project", project)?;
    let answer: NextAnswer = call(
        cloud,
        "POST",
        &format!("/projects/{p}/next"),
        Some("{}".into()),
    )
    .await?;
    Ok(answer.task)
}

/// `POST /projects/<p>/tasks/<t>/open`.
pub async fn open(cloud: &Cloud, project: &str, task: &str) -> Result<TaskGrant, TeamError> {
    let (p, t) = (segment("project", project)?, segment("task", task)?);
    call(
        cloud,
        "POST",
        &format!("/projects/{p}/tasks/{t}/open"),
        Some("{}".into()),
    )
    .await
}

/// `POST /projects/<p>/tasks/<t>/renew`.
pub async fn renew(cloud: &Cloud, project: &str, task: &str) -> Result<RenewAnswer, TeamError> {
    let (p, t) = (segment("project", project)?, segment("task", task)?);
    call(
        cloud,
        "POST",
        &format!("/projects/{p}/tasks/{t}/renew"),
        Some("{}".into()),
    )
    .await
}

/// `POST /projects/<p>/tasks/<t>/submit`.
pub async fn submit(
    cloud: &Cloud,
    project: &str,
    task: &str,
    request: &SubmitRequest,
) -> Result<StatusAnswer, TeamError> {
    let (p, t) = (segment("project", project)?, segment("task", task)?);
    let body = serde_json::to_string(request).map_err(|e| TeamError {
        status: None,
        message: e.to_string(),
    })?;
    call(
        cloud,
        "POST",
        &format!("/projects/{p}/tasks/{t}/submit"),
        Some(body),
    )
    .await
}

/// `GET /projects/<p>/tasks/<t>/status`.
pub async fn status(cloud: &Cloud, project: &str, task: &str) -> Result<StatusAnswer, TeamError> {
    let (p, t) = (segment("project", project)?, segment("task", task)?);
    call(
        cloud,
        "GET",
        &format!("/projects/{p}/tasks/{t}/status"),
        None,
    )
    .await
}

/// `POST /projects/<p>/assign` or `/unassign` (managers): give `task` to `user`, or take it
/// back.
pub async fn assign(
    cloud: &Cloud,
    project: &str,
    task: &str,
    user: &str,
    give: bool,
) -> Result<(), TeamError> {
    let p = segment("project", project)?;
    let body = serde_json::json!({"task": segment("task", task)?, "user": segment("user", user)?});
    let path = format!("/projects/{p}/{}", if give { "assign" } else { "unassign" });
    let endpoint = cloud.config.endpoint.as_ref().ok_or_else(|| TeamError {
        status: None,
        message: "team tasks need options.cloud.endpoint".into(),
    })?;
    let reply = http::post_json(
        &format!("{endpoint}{path}"),
        &body.to_string(),
        &cloud.credentials(),
    )
    .await;
    check(reply, &path).map(|_| ())
}

/// `GET /projects/<p>/progress` as JSON text (managers).
pub async fn progress(cloud: &Cloud, project: &str) -> Result<String, TeamError> {
    let p = segment("project", project)?;
    let v: serde_json::Value = call(cloud, "GET", &format!("/projects/{p}/progress"), None).await?;
    Ok(v.to_string())
}

/// `GET /projects/<p>/gallery?…`: one page of the tasks matching `query`.
pub async fn gallery(
    cloud: &Cloud,
    project: &str,
    query: &GalleryQuery,
) -> Result<GalleryPage, TeamError> {
    let p = segment("project", project)?;
    let mut params: Vec<String> = Vec::new();
    let mut add = |name: &str, value: &str| {
        params.push(format!(
            "{name}={}",
            String::from(js_sys::encode_uri_component(value))
        ));
    };
    if let Some(s) = query.status {
        add("status", s.as_str());
    }
    for (name, value) in [
        ("annotator", &query.annotator),
        ("class", &query.class),
        ("tag", &query.tag),
    ] {
        if let Some(v) = value {
            add(name, v);
        }
    }
    add("offset", &query.offset.to_string());
    if let Some(limit) = query.limit {
        add("limit", &limit.to_string());
    }
    call(
        cloud,
        "GET",
        &format!("/projects/{p}/gallery?{}", params.join("&")),
        None,
    )
    .await
}

/// Reads a presigned URL's body and ETag (manifests and results a grant points at).
pub async fn fetch_signed(url: &str) -> Result<(String, Option<String>), TeamError> {
    let reply = http::send("GET", url, &[], None, &http::Credentials::None).await;
    match reply {
        Ok(r) if r.ok() => Ok((r.body, r.etag)),
        Ok(r) => Err(TeamError {
            status: Some(r.status),
            message: classify(Endpoint::Store, Some(r.status), &r.body, http::online()).message,
        }),
        Err(reason) => Err(TeamError {
            status: None,
            message: format!(
                "{} ({reason})",
                classify(Endpoint::Store, None, "", http::online()).message
            ),
        }),
    }
}
