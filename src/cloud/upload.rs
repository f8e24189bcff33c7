//! Sending the upload queue and queueing image files. Both load from the `cloud` chunk (see
//! `crate::on_demand`) the first time they are needed, so an editor without a bucket never
//! downloads them. Until the chunk is in (offline before it was ever fetched), jobs stay queued:
//! nothing is lost, the status line says why nothing moves, and the next pass tries again.

use super::{kick, now_ms, send, Cloud, RESULT_DELAY_MS};
use crate::events::EventName;
use crate::on_demand::{split, NotLoaded};
use crate::state::Shared;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// How long a pass waits before trying again when the chunk could not be fetched.
const CHUNK_RETRY_MS: f64 = 5_000.0;

/// A pass over the queue, made in the chunk: the delay until the next job is due, if any.
type Pass = Pin<Box<dyn Future<Output = Option<f64>>>>;

split! {
    cloud;
    /// Starts a pass over the queue in the cloud chunk.
    fn passing(shared: Rc<Shared>, cloud: Rc<Cloud>) -> Result<Pass, NotLoaded> {
        Ok(Box::pin(async move { drain(&shared, &cloud).await }))
    }
}

/// Sends every due job, fetching the chunk first if it is not in yet; returns the delay until
/// the next one is due, if any remain.
pub(super) async fn send_due(shared: &Rc<Shared>, cloud: &Rc<Cloud>) -> Option<f64> {
    match passing(Rc::clone(shared), Rc::clone(cloud)).await {
        Ok(pass) => pass.await,
        Err(NotLoaded) => {
            // The jobs wait; the status line counts them and says why they do not move.
            let pending = cloud.queue.count().await.unwrap_or(0);
            let message = shared.part_unavailable();
            cloud.status.update(|s| {
                s.pending = pending;
                s.error = (pending > 0).then_some(message);
            });
            (pending > 0).then_some(CHUNK_RETRY_MS)
        }
    }
}

/// Queueing a file, made in the chunk: the image's key.
type Queueing = Pin<Box<dyn Future<Output = Result<String, String>>>>;

split! {
    cloud;
    /// Starts queueing `file` in the cloud chunk.
    fn queueing(
        shared: Rc<Shared>,
        cloud: Rc<Cloud>,
        file: web_sys::File,
        labels: lasso_core::model::LabelSet,
        tags: Vec<String>,
    ) -> Result<Queueing, NotLoaded> {
        Ok(Box::pin(async move { queue_file(&shared, &cloud, &file, labels, tags).await }))
    }
}

/// Queues an image file for upload to `src/images/<name>` with a task manifest
/// `src/tasks/<name>.json` (with `labels` and `tags`); returns the image key once both records
/// are durable.
pub async fn upload_file(
    shared: &Rc<Shared>,
    cloud: &Rc<Cloud>,
    file: &web_sys::File,
    labels: lasso_core::model::LabelSet,
    tags: Vec<String>,
) -> Result<String, String> {
    let start = queueing(
        Rc::clone(shared),
        Rc::clone(cloud),
        file.clone(),
        labels,
        tags,
    );
    start
        .await
        .map_err(|NotLoaded| shared.part_unavailable())?
        .await
}

/// [`upload_file`], in the chunk.
async fn queue_file(
    shared: &Rc<Shared>,
    cloud: &Rc<Cloud>,
    file: &web_sys::File,
    labels: lasso_core::model::LabelSet,
    tags: Vec<String>,
) -> Result<String, String> {
    use lasso_core::cloud::key_segment;
    use lasso_core::model::{ImageRef, Task};
    let name = file.name();
    let segment = key_segment(&name);
    let key = format!("src/images/{segment}");
    let content_type = match file.type_() {
        t if t.is_empty() => "application/octet-stream".to_string(),
        t => t,
    };
    let task_id = match segment.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_string(),
        _ => segment.clone(),
    };
    let mut image = ImageRef {
        src: key.clone(),
        name,
        width: 0,
        height: 0,
        ..Default::default()
    };
    cloud.enqueue_blob(&key, &content_type, file).await?;
    // A huge photo (or a TIFF) goes up with its Deep Zoom pyramid beside it, which the editor
    // shows.
    let stem = key.rsplit_once('.').map_or(key.as_str(), |(stem, _)| stem);
    match upload_pyramid(shared, cloud, file, stem).await {
        Ok(Some(pyramid)) => {
            image.width = pyramid.width;
            image.height = pyramid.height;
            image.tiles = Some(format!("{stem}.dzi"));
        }
        Ok(None) => {}
        // The image still goes up, with a manifest that names only the original.
        Err(e) => shared.fail(e),
    }
    let manifest = Task {
        id: task_id.clone(),
        image,
        labels,
        annotations: Vec::new(),
        tags,
    };
    let manifest = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    cloud
        .enqueue_text(
            &format!("src/tasks/{task_id}.json"),
            "application/json",
            &manifest,
        )
        .await?;
    kick(shared, cloud);
    Ok(key)
}

/// Cuts `file` into a Deep Zoom pyramid in a worker when it is a photo from 16 MP on or a
/// TIFF not readable by parts, and queues it for upload as `<stem>.dzi` and `<stem>_files/…`;
/// `None` for a smaller image, or where no worker or no store can do it (the original goes up
/// alone). The pyramid is cut into the store for the time it takes to queue its tiles.
async fn upload_pyramid(
    shared: &Shared,
    cloud: &Cloud,
    file: &web_sys::Blob,
    stem: &str,
) -> Result<Option<crate::store::StoredPyramid>, String> {
    use lasso_core::tiles::{cut::pyramid_of, dzi};
    let store = shared.store.borrow().clone();
    let Some(store) = store else {
        return Ok(None);
    };
    if !crate::cutting::pyramid_for_upload(file).await? {
        return Ok(None);
    }
    let id = format!("upload:{stem}");
    let pyramid = crate::cutting::in_worker(store.name(), &id, Some(file))
        .await
        .map_err(|e| format!("{stem}: cannot cut the image into tiles: {e}"))?;
    let Some(pyramid) = pyramid else {
        return Ok(None);
    };
    let queued = async {
        let levels = pyramid_of(pyramid.width, pyramid.height);
        let format = pyramid.format;
        for (level, l) in levels.levels.iter().enumerate() {
            for row in 0..l.rows() {
                for col in 0..l.columns() {
                    let tile = lasso_core::tiles::TileId { level, col, row };
                    let blob = store
                        .tile(&id, tile)
                        .await
                        .map_err(|e| e.to_string())?
                        .ok_or_else(|| format!("tile {tile:?} of {stem} was not kept"))?;
                    let key = dzi::tile_path(stem, tile, format.extension());
                    cloud.enqueue_blob(&key, format.mime(), &blob).await?;
                }
            }
        }
        let descriptor = dzi::descriptor(pyramid.width, pyramid.height, format);
        cloud
            .enqueue_text(&format!("{stem}.dzi"), "application/xml", &descriptor)
            .await
    }
    .await;
    // The queue holds its own copies.
    let _ = store.delete_pyramid(&id).await;
    queued.map(|()| Some(pyramid))
}

/// Sends every due job; returns the delay until the next one is due, if any remain.
async fn drain(runtime: &Shared, cloud: &Rc<Cloud>) -> Option<f64> {
    loop {
        cloud.again.set(false);
        let jobs = match cloud.queue.all().await {
            Ok(jobs) => jobs,
            Err(e) => {
                runtime.fail_say("upload.paused", &[("error", &e)]);
                return None;
            }
        };
        cloud.status.update(|s| s.pending = jobs.len());
        let mut next_due: Option<f64> = None;
        let fresh = cloud.fresh.replace(false);
        for job in jobs {
            let wait = if fresh {
                0.0
            } else {
                job.meta.next_at - now_ms()
            };
            if wait > 0.0 {
                next_due = Some(next_due.map_or(wait, |d: f64| d.min(wait)));
                continue;
            }
            match send::run_job(runtime, cloud, job).await {
                Ok(meta) => {
                    if let Err(e) = cloud.queue.remove(&meta).await {
                        runtime.fail(e);
                    }
                    cloud.status.update(|s| {
                        s.done += 1;
                        s.active = None;
                        s.error = None;
                    });
                    let detail = js_sys::Object::new();
                    let _ = js_sys::Reflect::set(&detail, &"key".into(), &meta.key.clone().into());
                    let _ = js_sys::Reflect::set(
                        &detail,
                        &"size".into(),
                        &JsValue::from_f64(meta.size as f64),
                    );
                    runtime.emit(EventName::Upload, &detail);
                }
                Err((mut meta, failure))
                    if failure.kind == lasso_core::cloud::FailureKind::Conflict =>
                {
                    // Theirs is read and merged; the merge is an edit, which queues it again.
                    meta.next_at = now_ms() + RESULT_DELAY_MS;
                    meta.error = Some(failure.message.clone());
                    if let Err(e) = cloud.queue.update_meta(&meta).await {
                        runtime.fail(e);
                    }
                    let hook = cloud.on_conflict.borrow().clone();
                    if let (Some(hook), Some(task)) = (hook, meta.task.clone()) {
                        hook(task);
                    }
                    next_due =
                        Some(next_due.map_or(RESULT_DELAY_MS, |d: f64| d.min(RESULT_DELAY_MS)));
                }
                Err((mut meta, failure)) => {
                    meta.attempts += 1;
                    let delay =
                        lasso_core::cloud::retry_delay_ms(meta.attempts, js_sys::Math::random())
                            as f64;
                    meta.next_at = now_ms() + delay;
                    meta.error = Some(failure.message.clone());
                    web_sys::console::warn_1(&JsValue::from_str(&failure.message));
                    if let Err(e) = cloud.queue.update_meta(&meta).await {
                        runtime.fail(e);
                    }
                    cloud.status.update(|s| {
                        s.active = None;
                        s.error = Some(failure.message.clone());
                    });
                    next_due = Some(next_due.map_or(delay, |d: f64| d.min(delay)));
                }
            }
        }
        let remaining = cloud.queue.all().await.map(|j| j.len()).unwrap_or(0);
        cloud.status.update(|s| {
            s.pending = remaining;
            if remaining == 0 {
                s.error = None;
            }
        });
        if !cloud.again.get() {
            return if remaining == 0 {
                None
            } else {
                next_due.or(Some(RESULT_DELAY_MS))
            };
        }
    }
}
