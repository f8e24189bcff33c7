//! The cloud part of the JS API: upload images, list and open tasks from the bucket, and see
//! what is still queued.

use super::{from_js, Arg, LassoEditor};
use crate::cloud::{self, Cloud};
use crate::on_demand::{split, Later, NotLoaded};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

fn no_cloud() -> JsValue {
    JsValue::from_str("this editor was mounted without options.cloud")
}

#[wasm_bindgen]
impl LassoEditor {
    /// Queues an image file for upload to `src/images/<name>` with a task manifest
    /// `src/tasks/<name>.json` carrying `tags`; resolves to the image key once both are queued
    /// (durably: they are sent even after a reload).
    #[wasm_bindgen(js_name = uploadImage)]
    pub async fn upload_image(
        &self,
        file: web_sys::File,
        tags: JsValue,
    ) -> Result<String, JsValue> {
        let tags: Vec<String> = if tags.is_undefined() || tags.is_null() {
            Vec::new()
        } else {
            from_js("tags", Arg::Tags, &tags)?
        };
        let cloud = self.runtime.cloud().ok_or_else(no_cloud)?;
        cloud::upload_file(
            &self.runtime.shared,
            &cloud,
            &file,
            self.labels.clone(),
            tags,
        )
        .await
        .map_err(|e| JsValue::from_str(&e))
    }

    /// The uploads still queued: `[{key, size, attempts, error, partsDone, partCount}]`.
    #[wasm_bindgen(js_name = pendingUploads)]
    pub async fn pending_uploads(&self) -> Result<JsValue, JsValue> {
        let cloud = self.runtime.cloud().ok_or_else(no_cloud)?;
        // Its own small chunk, not the cloud chunk that sends the queue: a host sees what waits
        // even while that one cannot be fetched.
        json_answer(listing_pending(cloud).await).await
    }

    /// Replaces the bearer token sent to the presign endpoint (a host refreshing a sign-in
    /// before the old token expires); queued uploads are tried again with it.
    #[wasm_bindgen(js_name = setToken)]
    pub fn set_token(&self, token: String) -> Result<(), JsValue> {
        let cloud = self.runtime.cloud().ok_or_else(no_cloud)?;
        cloud.set_token(token);
        self.runtime.kick_uploads();
        Ok(())
    }

    /// Tries every queued upload now instead of waiting for its backoff.
    #[wasm_bindgen(js_name = syncUploads)]
    pub fn sync_uploads(&self) {
        self.runtime.kick_uploads();
    }

    /// The task manifests in the bucket (`GET /tasks` of the presign endpoint).
    #[wasm_bindgen(js_name = cloudTasks)]
    pub async fn cloud_tasks(&self) -> Result<JsValue, JsValue> {
        let cloud = self.runtime.cloud().ok_or_else(no_cloud)?;
        json_answer(listing_tasks(cloud).await).await
    }

    /// Opens the task whose manifest is at `key` in the bucket (the local copy, with its edits,
    /// if this browser has one); a task of the editor's project opens as `openTask` does.
    #[wasm_bindgen(js_name = openCloudTask)]
    pub async fn open_cloud_task(&self, key: String) -> Result<(), JsValue> {
        self.runtime
            .open_key(&key)
            .await
            .map_err(|e| JsValue::from_str(&e))
    }
}

/// The JSON text a chunk's work makes, as a JS value; the error names what failed (the chunk
/// could not be fetched, or the work).
async fn json_answer(
    work: Result<Later<Result<String, String>>, NotLoaded>,
) -> Result<JsValue, JsValue> {
    let text = work
        .map_err(|e| JsValue::from_str(&e.to_string()))?
        .await
        .map_err(|e| JsValue::from_str(&e))?;
    js_sys::JSON::parse(&text)
}

split! {
    cloud;
    /// The bucket's task manifests, listed in the cloud chunk (`cloudTasks`).
    fn listing_tasks(cloud: Rc<Cloud>) -> Result<Later<Result<String, String>>, NotLoaded> {
        Ok(Box::pin(async move { cloud::list_tasks(&cloud).await }))
    }
}

split! {
    queue;
    /// The queued uploads as `pendingUploads` answers them (a JSON array), read in the queue
    /// chunk.
    fn listing_pending(cloud: Rc<Cloud>) -> Result<Later<Result<String, String>>, NotLoaded> {
        Ok(Box::pin(async move {
            let jobs = cloud.pending().await?;
            let list: Vec<serde_json::Value> = jobs
                .iter()
                .map(|j| {
                    serde_json::json!({
                        "key": j.key,
                        "size": j.size,
                        "attempts": j.attempts,
                        "error": j.error,
                        "partsDone": j.plan.as_ref().map(|p| p.etags.len()),
                        "partCount": j.plan.as_ref().map(|p| p.part_count),
                    })
                })
                .collect();
            Ok(serde_json::Value::Array(list).to_string())
        }))
    }
}
