//! "Export everything": every task this browser holds, as one Lasso JSON file, for when storage
//! fails and the user must take the work out before closing the page.
//!
//! The open task is taken from memory (it has edits the journal may lack); the other tasks are
//! read from IndexedDB when it still answers. The file is `{"format": "lasso", "version": 1,
//! "tasks": [Task, …]}` where each task is Lasso JSON as `exportAs("lasso")` gives it.

use crate::on_demand::{split, Later, NotLoaded};
use crate::state::Shared;
use lasso_core::model::Task;
use leptos::prelude::*;
use std::rc::Rc;
use wasm_bindgen::JsCast;

/// The file "Export everything" writes. Serialized straight from the tasks, as `exportAs("lasso")`
/// writes one (not through a `serde_json::Value`, which would be a second copy of the whole
/// model's serializer in the main module).
#[derive(serde::Serialize)]
struct Everything<'a> {
    format: &'static str,
    version: u32,
    tasks: &'a [Task],
}

split! {
    formats;
    /// Starts [`everything`] in the formats chunk: `mount` preloads it, so the offer is ready
    /// by the time storage can fail.
    fn building(runtime: Rc<Shared>) -> Result<Later<(String, Vec<String>)>, NotLoaded> {
        Ok(Box::pin(async move { everything(&runtime).await }))
    }
}

/// [`everything`], made by the formats chunk (fetched first if it is not in).
pub async fn everything_on_demand(
    runtime: &Rc<Shared>,
) -> Result<(String, Vec<String>), NotLoaded> {
    Ok(building(Rc::clone(runtime)).await?.await)
}

/// Builds the export: the open task plus every stored task, each once, sorted by id. Stored
/// tasks that cannot be read are named in `problems` instead of being left out silently.
pub async fn everything(runtime: &Shared) -> (String, Vec<String>) {
    let (tasks, mut problems) = every_task(runtime).await;
    let doc = Everything {
        format: "lasso",
        version: 1,
        tasks: &tasks,
    };
    let text = serde_json::to_string_pretty(&doc).unwrap_or_else(|e| {
        problems.push(format!("cannot write the export: {e}"));
        String::new()
    });
    (text, problems)
}

/// Every task this browser holds, the open one as it is in memory, sorted by id, with the
/// problems met reading the others (each named by its task).
pub async fn every_task(runtime: &Shared) -> (Vec<Task>, Vec<String>) {
    let open = runtime.session.with_untracked(|s| s.editor.task().clone());
    let mut tasks: Vec<Task> = Vec::new();
    let mut problems = Vec::new();
    let store = runtime.store.borrow().clone();
    if let Some(store) = store {
        match store.task_ids().await {
            Ok(ids) => {
                for id in ids.into_iter().filter(|id| *id != open.id) {
                    match store.load(&id).await {
                        Ok(Some(loaded)) => tasks.push(loaded.document.into_task()),
                        Ok(None) => {}
                        Err(e) => problems.push(format!("task {id}: {e}")),
                    }
                }
            }
            Err(e) => problems.push(format!("stored tasks: {e}")),
        }
    }
    if !open.id.is_empty() {
        tasks.push(open);
    }
    tasks.sort_by(|a, b| a.id.cmp(&b.id));
    (tasks, problems)
}

/// Every image this browser holds as a task: [`every_task`], and the images of local folders
/// never opened (as tasks without annotations, tagged by their class folder), sorted by id —
/// what "every image in this browser" means for exports and the health page.
pub async fn every_image(runtime: &Shared) -> (Vec<Task>, Vec<String>) {
    let (mut tasks, mut problems) = every_task(runtime).await;
    let store = runtime.store.borrow().clone();
    if let Some(store) = store {
        let known: std::collections::HashSet<String> = tasks.iter().map(|t| t.id.clone()).collect();
        match store.datasets().await {
            Ok(datasets) => {
                for dataset in datasets {
                    match store.dataset_images(&dataset.id).await {
                        Ok(images) => tasks.extend(
                            images
                                .iter()
                                .filter(|image| !known.contains(&image.id))
                                .map(crate::local::task_of),
                        ),
                        Err(e) => problems.push(format!("local folder {}: {e}", dataset.name)),
                    }
                }
            }
            Err(e) => problems.push(format!("local folders: {e}")),
        }
    }
    tasks.sort_by(|a, b| a.id.cmp(&b.id));
    (tasks, problems)
}

/// Offers `bytes` as a download named `name` of type `mime`, through a Blob URL released once
/// the click has been handled (every download of the app: exports, zips, the quality CSV).
pub fn download(name: &str, bytes: &[u8], mime: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes).into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|e| format!("cannot build the file {name}: {e:?}"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|e| format!("cannot offer the file {name}: {e:?}"))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| format!("{e:?}"))?
        .unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let release = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(w) = web_sys::window() {
        let _ = w
            .set_timeout_with_callback_and_timeout_and_arguments_0(release.unchecked_ref(), 10_000);
    }
    Ok(())
}

/// Builds the export and offers it as a download; problems go to the banner.
pub async fn offer(runtime: &Rc<Shared>) {
    let (text, problems) = match everything_on_demand(runtime).await {
        Ok(built) => built,
        Err(NotLoaded) => {
            runtime.fail_say("app.part_unavailable", &[]);
            return;
        }
    };
    for p in &problems {
        runtime.fail_say("export.everything_failed", &[("error", p)]);
    }
    let stamp = js_sys::Date::new_0()
        .to_iso_string()
        .as_string()
        .unwrap_or_default()
        .replace([':', '.'], "-");
    let name = format!("lasso-export-{stamp}.json");
    if let Err(e) = download(&name, text.as_bytes(), "application/json") {
        runtime.fail_say("export.everything_failed", &[("error", &e)]);
    }
}
