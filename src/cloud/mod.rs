//! Uploads to the user's bucket through presigned URLs, with a queue that survives reloads.
//!
//! Decisions (keys, retries, what a failure means, multipart resume) come from
//! `lasso_core::cloud`; this module only talks to `fetch` and IndexedDB. Flow: a durable edit
//! marks the task's result dirty ([`Cloud::result_changed`], one small queue record), the
//! drain loop presigns and sends each due record, and removes it once S3 has it, emitting
//! `upload`. Failures stay queued with backoff; nothing is dropped.

pub mod http;
pub mod queue;
pub mod review;
mod send;
pub mod team;
mod upload;

pub use upload::upload_file;

use crate::state::Shared;
use http::Credentials;
use lasso_core::cloud::{result_key, PresignAnswer, PresignRequest};
use leptos::prelude::*;
use queue::{JobMeta, Queue};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// A result is sent this long after the last edit, so a burst of edits makes one upload.
const RESULT_DELAY_MS: f64 = 800.0;

/// How the component reaches the presign endpoint (mount option `cloud`).
pub struct CloudConfig {
    /// Base URL of the presign endpoint (`POST {endpoint}/presign`...).
    pub endpoint: Option<String>,
    /// Bearer token, or cookies when absent; a host replaces an expiring token with
    /// `setToken` (see [`Cloud::set_token`]).
    pub credentials: RefCell<Credentials>,
    /// The annotator: results go to `target/<task>/<user>.json`.
    pub user: String,
    /// A host callback `(request) => Promise<answer>` used instead of the endpoint for single
    /// objects.
    pub presign: Option<js_sys::Function>,
    /// The team project this editor works in (`docs/team.md`), if any.
    pub project: Option<String>,
}

impl CloudConfig {
    /// Reads the `cloud` mount option: `{endpoint, token, user, presign, project}`.
    pub fn from_js(value: &JsValue) -> Result<CloudConfig, String> {
        let get = |name: &str| js_sys::Reflect::get(value, &name.into()).ok();
        let text = |name: &str| get(name).and_then(|v| v.as_string());
        let endpoint = text("endpoint").map(|e| e.trim_end_matches('/').to_string());
        let presign = get("presign").and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        if endpoint.is_none() && presign.is_none() {
            return Err(
                "options.cloud needs an `endpoint` (presign URL) or a `presign` callback".into(),
            );
        }
        let user = text("user")
            .ok_or("options.cloud.user is required: results go to target/<task>/<user>.json")?;
        let credentials = match text("token") {
            Some(token) => Credentials::Bearer(token),
            None => Credentials::Cookies,
        };
        let project = text("project");
        if let Some(p) = &project {
            lasso_core::team::layout::check_project_id(p)
                .map_err(|e| format!("options.cloud.project: {e}"))?;
        }
        Ok(CloudConfig {
            endpoint,
            credentials: RefCell::new(credentials),
            user,
            presign,
            project,
        })
    }
}

/// What the upload status line shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UploadStatus {
    /// Uploads waiting in the queue.
    pub pending: usize,
    /// Key and fraction done of the upload in flight.
    pub active: Option<(String, f64)>,
    /// The last failure, while uploads are still pending.
    pub error: Option<String>,
    /// Uploads completed since the page opened.
    pub done: usize,
}

/// Writes to the upload status signal.
#[derive(Clone, Copy)]
pub struct Status(RwSignal<Option<UploadStatus>>);

impl Status {
    /// Changes the status shown.
    pub fn update(&self, f: impl FnOnce(&mut UploadStatus)) {
        self.0
            .update(|s| f(s.get_or_insert_with(UploadStatus::default)));
    }
}

/// The cloud side of one mounted editor.
pub struct Cloud {
    /// Endpoint, credentials, user.
    pub config: CloudConfig,
    queue: Queue,
    /// Shown by the status line (the runtime's `uploads`).
    pub status: Status,
    draining: Cell<bool>,
    again: Cell<bool>,
    /// The first pass after the page opened tries every job at once: a reload is a fresh
    /// start, not a reason to wait out the previous page's backoff.
    fresh: Cell<bool>,
    timer: Cell<Option<i32>>,
    keep_alive: RefCell<Vec<Closure<dyn FnMut()>>>,
    /// Result keys of project tasks, by task id (other tasks use `target/<task>/<user>.json`).
    result_keys: RefCell<HashMap<String, String>>,
    /// Called with a task id when its result was changed elsewhere (a conditional `PUT` lost):
    /// the controller reads theirs, merges and edits, which queues the merge.
    on_conflict: RefCell<Option<ConflictHook>>,
}

/// What runs with a task id when its result was changed elsewhere.
pub type ConflictHook = Rc<dyn Fn(String)>;

/// The version of a result last seen in the bucket (uploaded from here or read from there):
/// the base of a three-way merge and the `If-Match` of the next upload. Kept in the store's
/// settings as `base:<key>`, so it survives reloads.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Base {
    /// Its ETag; `None` when the bucket had no result yet (the next upload creates it).
    pub etag: Option<String>,
    /// Its text (a Lasso JSON task), empty when there was none.
    pub text: String,
}

/// The settings key of a result's [`Base`].
fn base_setting(key: &str) -> String {
    format!("base:{key}")
}

/// The [`Base`] of the result at `key`, if this browser tracks one.
pub async fn base(shared: &Shared, key: &str) -> Option<Base> {
    let store = shared.store.borrow().clone()?;
    store
        .setting::<Base>(&base_setting(key))
        .await
        .ok()
        .flatten()
}

/// Records the [`Base`] of the result at `key`.
pub async fn set_base(shared: &Shared, key: &str, base: &Base) -> Result<(), String> {
    let store = shared
        .store
        .borrow()
        .clone()
        .ok_or("IndexedDB is unavailable")?;
    store
        .set_setting(&base_setting(key), base)
        .await
        .map_err(|e| e.to_string())
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

impl Cloud {
    /// Opens the queue (database `<storage>-uploads`) and starts draining it; `status` is the
    /// signal the upload status line shows.
    pub async fn start(
        shared: &Rc<Shared>,
        config: CloudConfig,
        storage: &str,
        status: RwSignal<Option<UploadStatus>>,
    ) -> Result<Rc<Cloud>, String> {
        let queue = Queue::open(&format!("{storage}-uploads")).await?;
        let cloud = Rc::new(Cloud {
            config,
            queue,
            status: Status(status),
            draining: Cell::new(false),
            again: Cell::new(false),
            fresh: Cell::new(true),
            timer: Cell::new(None),
            keep_alive: RefCell::new(Vec::new()),
            result_keys: RefCell::new(HashMap::new()),
            on_conflict: RefCell::new(None),
        });
        status.set(Some(UploadStatus::default()));
        // Coming back online drains at once instead of waiting for the backoff timer.
        if let Some(window) = web_sys::window() {
            let (weak, weak_cloud) = (Rc::downgrade(shared), Rc::downgrade(&cloud));
            let on_online = Closure::<dyn FnMut()>::new(move || {
                if let (Some(shared), Some(cloud)) = (weak.upgrade(), weak_cloud.upgrade()) {
                    kick(&shared, &cloud);
                }
            });
            let _ = window
                .add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
            cloud.keep_alive.borrow_mut().push(on_online);
        }
        kick(shared, &cloud);
        Ok(cloud)
    }

    /// The credentials the presign endpoint is called with now.
    pub fn credentials(&self) -> Credentials {
        self.config.credentials.borrow().clone()
    }

    /// Calls the presign endpoint with this bearer token from now on (a refreshed sign-in).
    pub fn set_token(&self, token: String) {
        *self.config.credentials.borrow_mut() = Credentials::Bearer(token);
    }

    /// Sends the result of `task_id` to `key` from now on (a project task's result key).
    pub fn bind_result(&self, task_id: &str, key: &str) {
        self.result_keys
            .borrow_mut()
            .insert(task_id.to_string(), key.to_string());
    }

    /// Where the result of `task_id` goes.
    pub fn result_key_of(&self, task_id: &str) -> Result<String, String> {
        if let Some(key) = self.result_keys.borrow().get(task_id) {
            return Ok(key.clone());
        }
        result_key(task_id, &self.config.user).map_err(|e| e.to_string())
    }

    /// Sets what runs when a result was changed elsewhere (see the field).
    pub fn set_on_conflict(&self, f: ConflictHook) {
        *self.on_conflict.borrow_mut() = Some(f);
    }

    /// Notes that a task changed durably: its result is (re)queued, due shortly.
    pub async fn result_changed(&self, task_id: &str) -> Result<(), String> {
        let key = self.result_key_of(task_id)?;
        let meta = JobMeta {
            key,
            content_type: "application/json".into(),
            size: 0,
            version: now_ms() + js_sys::Math::random(),
            attempts: 0,
            next_at: now_ms() + RESULT_DELAY_MS,
            error: None,
            task: Some(task_id.to_string()),
            plan: None,
        };
        self.queue.put(&meta, &JsValue::NULL).await
    }

    /// Queues a file (a `Blob`) for upload to `key`.
    pub async fn enqueue_blob(
        &self,
        key: &str,
        content_type: &str,
        blob: &web_sys::Blob,
    ) -> Result<(), String> {
        let meta = JobMeta {
            key: key.to_string(),
            content_type: content_type.to_string(),
            size: blob.size() as u64,
            version: now_ms() + js_sys::Math::random(),
            attempts: 0,
            next_at: 0.0,
            error: None,
            task: None,
            plan: None,
        };
        self.queue.put(&meta, blob.as_ref()).await
    }

    /// Queues a text body (a manifest) for upload to `key`.
    pub async fn enqueue_text(
        &self,
        key: &str,
        content_type: &str,
        text: &str,
    ) -> Result<(), String> {
        let meta = JobMeta {
            key: key.to_string(),
            content_type: content_type.to_string(),
            size: text.len() as u64,
            version: now_ms() + js_sys::Math::random(),
            attempts: 0,
            next_at: 0.0,
            error: None,
            task: None,
            plan: None,
        };
        self.queue.put(&meta, &JsValue::from_str(text)).await
    }

    /// Asks for a presigned URL: through the host callback when given, else the endpoint.
    pub async fn presign(
        &self,
        request: &PresignRequest,
    ) -> Result<PresignAnswer, send::SendError> {
        send::presign(self, request).await
    }

    /// Rewrites a job's metadata (multipart progress) unless it was replaced meanwhile.
    pub async fn queue_update(&self, meta: &JobMeta) -> Result<(), String> {
        self.queue.update_meta(meta).await
    }

    /// Keys of the queued uploads with their state, for `pendingUploads()`.
    pub async fn pending(&self) -> Result<Vec<JobMeta>, String> {
        Ok(self
            .queue
            .all()
            .await?
            .into_iter()
            .map(|j| j.meta)
            .collect())
    }
}

/// Starts draining the queue now (or notes that another pass is needed).
pub fn kick(shared: &Rc<Shared>, cloud: &Rc<Cloud>) {
    if let Some(id) = cloud.timer.take() {
        if let Some(w) = web_sys::window() {
            w.clear_timeout_with_handle(id);
        }
    }
    if cloud.draining.get() {
        cloud.again.set(true);
        return;
    }
    cloud.draining.set(true);
    let (shared, cloud) = (Rc::clone(shared), Rc::clone(cloud));
    wasm_bindgen_futures::spawn_local(async move {
        let next_due = upload::send_due(&shared, &cloud).await;
        cloud.draining.set(false);
        if let Some(delay) = next_due {
            schedule(&shared, &cloud, delay);
        }
    });
}

fn schedule(shared: &Rc<Shared>, cloud: &Rc<Cloud>, delay_ms: f64) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let (weak, weak_cloud) = (Rc::downgrade(shared), Rc::downgrade(cloud));
    let callback = Closure::once_into_js(move || {
        if let (Some(shared), Some(cloud)) = (weak.upgrade(), weak_cloud.upgrade()) {
            kick(&shared, &cloud);
        }
    });
    let delay = delay_ms.clamp(0.0, 3_600_000.0) as i32;
    if let Ok(id) = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), delay)
    {
        cloud.timer.set(Some(id));
    }
}

/// Whether an image `src` is an object key in the bucket rather than a URL: with a cloud
/// configured, `src/…` and `target/…` and a project's `<p>/src/…`, `<p>/target/…` (the
/// bucket layout of `docs/presign.md` and `docs/team.md`) name objects;
/// anything else (URLs, page-relative paths such as `samples/a.png`) is loaded as it is.
fn is_object_key(src: &str) -> bool {
    use lasso_core::team::layout::{classify, ProjectPath};
    lasso_core::cloud::keys::check_key(src).is_ok()
        && matches!(
            classify(src).1,
            ProjectPath::Source | ProjectPath::Result { .. }
        )
}

/// The URL to load a task's image from: a presigned `GET` when `src` is an object key and the
/// cloud is configured, `src` itself otherwise.
pub async fn display_src(runtime: &Shared, cloud: &Cloud, src: &str) -> String {
    if !is_object_key(src) {
        return src.to_string();
    }
    match cloud.presign(&PresignRequest::get(src)).await {
        Ok(answer) => answer.url,
        Err(f) => {
            runtime.fail_say("image.read_failed", &[("src", &src), ("error", &f.message)]);
            src.to_string()
        }
    }
}

/// How the tiles of the Deep Zoom descriptor `descriptor` are read when it is an object key:
/// each tile's key presigned on its own; `None` for a descriptor read by its URL.
pub fn tile_signing(cloud: &Rc<Cloud>, descriptor: &str) -> Option<crate::state::TileSigning> {
    if !is_object_key(descriptor) {
        return None;
    }
    let cloud = Rc::clone(cloud);
    let sign: crate::state::SignTile = Rc::new(move |key: String| {
        let cloud = Rc::clone(&cloud);
        Box::pin(async move {
            cloud
                .presign(&PresignRequest::get(&key))
                .await
                .map(|answer| answer.url)
                .map_err(|f| f.message)
        })
    });
    Some(crate::state::TileSigning {
        descriptor: descriptor.to_string(),
        sign,
    })
}

/// Reads an object through a presigned `GET` and returns its text.
pub async fn get_text(cloud: &Cloud, key: &str) -> Result<String, String> {
    let answer = cloud
        .presign(&PresignRequest::get(key))
        .await
        .map_err(|f| f.message)?;
    let reply = http::send("GET", &answer.url, &[], None, &Credentials::None)
        .await
        .map_err(|e| {
            lasso_core::cloud::classify(
                lasso_core::cloud::Endpoint::Store,
                None,
                "",
                http::online(),
            )
            .message
                + &format!(" ({e})")
        })?;
    if reply.ok() {
        Ok(reply.body)
    } else {
        Err(lasso_core::cloud::classify(
            lasso_core::cloud::Endpoint::Store,
            Some(reply.status),
            &reply.body,
            http::online(),
        )
        .message)
    }
}

/// `GET {endpoint}/tasks`: the task manifests in the bucket.
pub async fn list_tasks(cloud: &Cloud) -> Result<String, String> {
    let endpoint = cloud
        .config
        .endpoint
        .as_ref()
        .ok_or("listing tasks needs options.cloud.endpoint")?;
    // In a project, its manifests; otherwise the root layout's.
    let query = match &cloud.config.project {
        Some(p) => format!("?project={p}"),
        None => String::new(),
    };
    let reply = http::send(
        "GET",
        &format!("{endpoint}/tasks{query}"),
        &[],
        None,
        &cloud.credentials(),
    )
    .await
    .map_err(|e| format!("The presign endpoint did not answer /tasks: {e}"))?;
    if reply.ok() {
        Ok(reply.body)
    } else {
        Err(lasso_core::cloud::classify(
            lasso_core::cloud::Endpoint::Presign,
            Some(reply.status),
            &reply.body,
            http::online(),
        )
        .message)
    }
}
