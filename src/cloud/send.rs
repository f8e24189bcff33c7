//! Sending one queued job: presign, `PUT`, and the multipart dance with resume.

use super::http::{self, Credentials, Reply};
use super::queue::{Job, JobMeta};
use super::Cloud;
use crate::state::Shared;
use lasso_core::cloud::failure::Endpoint;
use lasso_core::cloud::protocol::{
    MultipartAnswer, MultipartCreateRequest, MultipartPartsRequest, PresignAnswer, PresignRequest,
};
use lasso_core::cloud::{classify, Failure, FailureKind, MultipartPlan};
use leptos::prelude::*;
use serde::Serialize;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Files above this size go in parts so an interrupted upload resumes.
pub const MULTIPART_THRESHOLD: u64 = 16 * 1024 * 1024;

/// Fresh URLs tried in a row before a job waits for its backoff.
const REFRESHES: u32 = 3;

/// A failure of one request, already classified.
pub type SendError = Failure;

fn failure(endpoint: Endpoint, reply: Result<Reply, String>) -> Result<Reply, Failure> {
    match reply {
        Ok(r) if r.ok() => Ok(r),
        Ok(r) => Err(classify(endpoint, Some(r.status), &r.body, http::online())),
        Err(reason) => {
            let mut f = classify(endpoint, None, "", http::online());
            f.message = format!("{} ({reason})", f.message);
            Err(f)
        }
    }
}

fn fatal(message: String) -> Failure {
    Failure {
        kind: FailureKind::NeedsAttention,
        message,
    }
}

fn endpoint_url(cloud: &Cloud, path: &str) -> Result<String, Failure> {
    cloud
        .config
        .endpoint
        .as_ref()
        .map(|e| format!("{e}{path}"))
        .ok_or_else(|| {
            fatal(format!(
                "{path} needs a presign endpoint (options.cloud.endpoint); a presign callback only signs single objects"
            ))
        })
}

async fn post<T: Serialize, R: serde::de::DeserializeOwned>(
    cloud: &Cloud,
    path: &str,
    body: &T,
) -> Result<R, Failure> {
    let url = endpoint_url(cloud, path)?;
    let body = serde_json::to_string(body).map_err(|e| fatal(e.to_string()))?;
    let reply = failure(
        Endpoint::Presign,
        http::post_json(&url, &body, &cloud.credentials()).await,
    )?;
    serde_json::from_str(&reply.body).map_err(|e| {
        fatal(format!(
            "The presign endpoint answered {path} with something unexpected: {e}"
        ))
    })
}

/// Asks for a presigned URL.
pub async fn presign(cloud: &Cloud, request: &PresignRequest) -> Result<PresignAnswer, Failure> {
    if let Some(callback) = &cloud.config.presign {
        let arg = serde_wasm_bindgen::to_value(request).map_err(|e| fatal(e.to_string()))?;
        let value = callback
            .call1(&JsValue::NULL, &arg)
            .map_err(|e| fatal(format!("The presign callback threw: {}", http::describe(e))))?;
        let value = match value.dyn_into::<js_sys::Promise>() {
            Ok(promise) => JsFuture::from(promise).await.map_err(|e| Failure {
                kind: FailureKind::Transient,
                message: format!("The presign callback failed: {}", http::describe(e)),
            })?,
            Err(value) => value,
        };
        let json = js_sys::JSON::stringify(&value)
            .map(String::from)
            .map_err(|_| {
                fatal("The presign callback returned something that is not JSON".into())
            })?;
        return serde_json::from_str(&json).map_err(|e| {
            fatal(format!(
                "The presign callback returned {json}, not {{url, method, headers, expires_at}}: {e}"
            ))
        });
    }
    post(cloud, "/presign", request).await
}

/// The body of a job: the task's current Lasso JSON for results, the stored body otherwise.
async fn body_of(runtime: &Shared, job: &Job) -> Result<(JsValue, u64), Failure> {
    let Some(task_id) = &job.meta.task else {
        return Ok((job.body.clone(), job.meta.size));
    };
    let open = runtime.session.with_untracked(|s| {
        (s.editor.task().id == *task_id).then(|| serde_json::to_string_pretty(s.editor.task()))
    });
    let json = match open {
        Some(json) => json.map_err(|e| fatal(e.to_string()))?,
        None => {
            let store = runtime.store.borrow().clone();
            let store = store.ok_or_else(|| fatal("IndexedDB is unavailable".into()))?;
            let loaded = store
                .load(task_id)
                .await
                .map_err(|e| fatal(format!("Cannot read task {task_id}: {e}")))?
                .ok_or_else(|| fatal(format!("Task {task_id} is not stored in this browser")))?;
            serde_json::to_string_pretty(loaded.document.task())
                .map_err(|e| fatal(e.to_string()))?
        }
    };
    let size = json.len() as u64;
    Ok((JsValue::from_str(&json), size))
}

/// Sends one job; on success returns its metadata (for removal), on failure the metadata to
/// keep (with multipart progress) and why.
pub async fn run_job(
    runtime: &Shared,
    cloud: &Rc<Cloud>,
    job: Job,
) -> Result<JobMeta, (JobMeta, Failure)> {
    let mut meta = job.meta.clone();
    cloud
        .status
        .update(|s| s.active = Some((meta.key.clone(), 0.0)));
    let (body, size) = match body_of(runtime, &job).await {
        Ok(b) => b,
        Err(f) => return Err((meta, f)),
    };
    meta.size = size;
    // A result whose version in the bucket is tracked is written only over that version, so
    // one written from another device meanwhile is merged, never overwritten.
    let base = match &meta.task {
        Some(_) => super::base(runtime, &meta.key).await,
        None => None,
    };
    let result = if size > MULTIPART_THRESHOLD && body.is_instance_of::<web_sys::Blob>() {
        let blob: web_sys::Blob = body.clone().unchecked_into();
        multipart(cloud, &mut meta, &blob).await.map(|()| None)
    } else {
        single(cloud, &meta, &body, base.as_ref()).await
    };
    match result {
        Ok(etag) => {
            if let (Some(_), Some(text)) = (&base, body.as_string()) {
                let next = super::Base { etag, text };
                if let Err(e) = super::set_base(runtime, &meta.key, &next).await {
                    runtime.fail(format!(
                        "Could not note the uploaded version of {}: {e}",
                        meta.key
                    ));
                }
            }
            Ok(meta)
        }
        Err(f) => Err((meta, f)),
    }
}

/// Sends `body` in one `PUT`; returns the stored object's ETag when the store exposes it.
async fn single(
    cloud: &Cloud,
    meta: &JobMeta,
    body: &JsValue,
    base: Option<&super::Base>,
) -> Result<Option<String>, Failure> {
    let mut request = PresignRequest::put(&meta.key, &meta.content_type, meta.size);
    if let Some(base) = base {
        match &base.etag {
            Some(etag) => request.if_match = Some(etag.clone()),
            None => request.if_none_match = Some("*".into()),
        }
    }
    let mut last = None;
    for _ in 0..REFRESHES {
        let answer = presign(cloud, &request).await?;
        let headers: Vec<(String, String)> = answer.headers.into_iter().collect();
        let reply = http::send(
            answer.method.as_str(),
            &answer.url,
            &headers,
            Some(body),
            &Credentials::None,
        )
        .await;
        match failure(Endpoint::Store, reply) {
            Ok(reply) => {
                cloud
                    .status
                    .update(|s| s.active = Some((meta.key.clone(), 1.0)));
                return Ok(reply.etag);
            }
            Err(f) if f.kind == FailureKind::RefreshUrl => last = Some(f),
            Err(f) => return Err(f),
        }
    }
    Err(last.unwrap_or_else(|| fatal("upload failed".into())))
}

async fn multipart(
    cloud: &Rc<Cloud>,
    meta: &mut JobMeta,
    blob: &web_sys::Blob,
) -> Result<(), Failure> {
    let mut restarts = 0;
    loop {
        match multipart_once(cloud, meta, blob).await {
            Err(f) if f.kind == FailureKind::RestartUpload && restarts < 1 => {
                restarts += 1;
                meta.plan = None;
            }
            other => return other,
        }
    }
}

async fn multipart_once(
    cloud: &Rc<Cloud>,
    meta: &mut JobMeta,
    blob: &web_sys::Blob,
) -> Result<(), Failure> {
    let mut refreshes = 0;
    loop {
        // A fresh answer: start the upload, or list what the store already has (resume).
        let answer: MultipartAnswer = match &meta.plan {
            None => {
                post(
                    cloud,
                    "/multipart/create",
                    &MultipartCreateRequest {
                        key: meta.key.clone(),
                        content_type: meta.content_type.clone(),
                        size: meta.size,
                    },
                )
                .await?
            }
            Some(plan) => {
                post(
                    cloud,
                    "/multipart/parts",
                    &MultipartPartsRequest {
                        key: plan.key.clone(),
                        upload_id: plan.upload_id.clone(),
                        size: meta.size,
                    },
                )
                .await
                .map_err(|f| {
                    // The upload id is unknown to the store: start over.
                    if f.message.contains("NoSuchUpload") || f.message.contains("upload_id") {
                        Failure {
                            kind: FailureKind::RestartUpload,
                            message: f.message,
                        }
                    } else {
                        f
                    }
                })?
            }
        };
        let mut plan = match meta.plan.take() {
            Some(mut plan) => {
                plan.merge(&answer);
                plan
            }
            None => MultipartPlan::from_answer(&answer, meta.size).ok_or_else(|| {
                fatal(
                    "The presign endpoint proposed a part layout that does not cover the file"
                        .into(),
                )
            })?,
        };
        meta.plan = Some(plan.clone());
        persist(cloud, meta).await;
        let mut refresh_needed = None;
        for part in &answer.parts {
            let (start, end) = plan.part_range(part.number);
            let slice = blob
                .slice_with_f64_and_f64(start as f64, end as f64)
                .map_err(|e| fatal(http::describe(e)))?;
            let reply = http::send(
                "PUT",
                &part.url,
                &[],
                Some(slice.as_ref()),
                &Credentials::None,
            )
            .await;
            match failure(Endpoint::Store, reply) {
                Ok(reply) => {
                    let etag = reply.etag.ok_or_else(|| {
                        fatal("The store did not expose the ETag header of a part: add ETag to the bucket CORS rule's ExposeHeaders".into())
                    })?;
                    plan.record(part.number, &etag);
                    meta.plan = Some(plan.clone());
                    persist(cloud, meta).await;
                    let fraction = plan.bytes_done() as f64 / meta.size.max(1) as f64;
                    cloud
                        .status
                        .update(|s| s.active = Some((meta.key.clone(), fraction)));
                }
                Err(f) if f.kind == FailureKind::RefreshUrl => {
                    refresh_needed = Some(f);
                    break;
                }
                Err(f) => return Err(f),
            }
        }
        if let Some(f) = refresh_needed {
            refreshes += 1;
            if refreshes >= REFRESHES {
                return Err(f);
            }
            continue;
        }
        let Some(complete) = plan.complete_request() else {
            // Parts listed as stored vanished, or URLs were missing: ask again.
            refreshes += 1;
            if refreshes >= REFRESHES {
                return Err(fatal(
                    "The multipart upload could not collect every part".into(),
                ));
            }
            continue;
        };
        let _: serde_json::Value = post(cloud, "/multipart/complete", &complete).await?;
        meta.plan = None;
        return Ok(());
    }
}

/// Saves multipart progress so a reload resumes from the parts already sent.
async fn persist(cloud: &Cloud, meta: &JobMeta) {
    if let Err(e) = cloud.queue_update(meta).await {
        web_sys::console::warn_1(&JsValue::from_str(&e));
    }
}
