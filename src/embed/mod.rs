//! The JS API: `mount(element, options) -> Promise<Editor>` and the `Editor` handle.
//!
//! Options (all optional):
//! ```js
//! { labels: [{name, color, hotkey}], task: {id, image: {src, width, height}, annotations: []},
//!   storage: "lasso" /* IndexedDB name */, idPrefix: "alice",
//!   cloud: { endpoint: "https://presign.example.com", token: "…", user: "alice",
//!            presign: async (request) => answer /* optional, instead of the endpoint */ } }
//! ```
//! With `cloud`, every durable edit queues the task's result for `target/<task>/<user>.json`
//! (see `docs/presign.md`); the queue lives in IndexedDB `<storage>-uploads`.

mod cloud_api;
pub mod datasets;
pub mod events;

use crate::cloud::{Cloud, CloudConfig};
use crate::session::{Runtime, Session};
use crate::store::Store;
use events::EventName;
use lasso_core::edit::ToolName;
use lasso_core::model::{Label, LabelSet, Task};
use leptos::prelude::*;
use serde::Deserialize;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct MountOptions {
    #[serde(default)]
    labels: Vec<Label>,
    #[serde(default)]
    task: Option<serde_json::Value>,
    #[serde(default)]
    storage: Option<String>,
    #[serde(default)]
    id_prefix: Option<String>,
}

/// Parses a JS value as JSON of type `T`, naming the JSON path of any problem.
fn from_js<T: serde::de::DeserializeOwned>(what: &str, value: &JsValue) -> Result<T, JsValue> {
    let text = js_sys::JSON::stringify(value)
        .map(String::from)
        .map_err(|_| JsValue::from_str(&format!("{what} is not JSON-serialisable")))?;
    let de = &mut serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        JsValue::from_str(&format!(
            "{what}: invalid value at {}: {}",
            e.path(),
            e.inner()
        ))
    })
}

/// Converts already-parsed JSON into `T`, naming the JSON path of any problem.
fn parse_json<T: serde::de::DeserializeOwned>(
    what: &str,
    value: serde_json::Value,
) -> Result<T, JsValue> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        JsValue::from_str(&format!(
            "{what}: invalid value at {}: {}",
            e.path(),
            e.inner()
        ))
    })
}

/// Mounts an editor into `element` and resolves to its handle once storage is open and the
/// task (if given) is loaded.
#[wasm_bindgen]
pub async fn mount(element: HtmlElement, options: JsValue) -> Result<LassoEditor, JsValue> {
    let raw_options = options;
    let options: MountOptions = if raw_options.is_undefined() || raw_options.is_null() {
        MountOptions::default()
    } else {
        from_js("options", &raw_options)?
    };
    let cloud_option = js_sys::Reflect::get(&raw_options, &"cloud".into())
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null());
    let cloud_config = match &cloud_option {
        Some(value) => Some(CloudConfig::from_js(value).map_err(|e| JsValue::from_str(&e))?),
        None => None,
    };
    let id_prefix = options.id_prefix.clone().unwrap_or_else(random_prefix);
    let labels = LabelSet {
        labels: options.labels.clone(),
        ..LabelSet::default()
    };
    let runtime = Runtime::new(Session::new(
        Task {
            labels: labels.clone(),
            ..Task::default()
        },
        &id_prefix,
    ));
    let unmount = crate::ui::mount_app(element, Rc::clone(&runtime));
    let storage = options
        .storage
        .clone()
        .unwrap_or_else(|| "lasso".to_string());
    match Store::open(&storage).await {
        Ok(store) => *runtime.store.borrow_mut() = Some(Rc::new(store)),
        Err(e) => runtime.fail(format!(
            "IndexedDB is unavailable ({e}): edits are kept in memory only. Export your work before closing the page."
        )),
    }
    if let Some(config) = cloud_config {
        if let Err(e) = Cloud::start(&runtime, config, &storage).await {
            runtime.fail(format!(
                "Uploads are unavailable ({e}): your work is kept in this browser only."
            ));
        }
    }
    install_cloud_opener(&runtime, &labels, &id_prefix);
    let editor = LassoEditor {
        runtime,
        labels,
        id_prefix,
        unmount: RefCell::new(Some(unmount)),
    };
    if let Some(task) = options.task {
        let task = parse_json("options.task", task)?;
        editor.open(task).await?;
    }
    Ok(editor)
}

fn random_prefix() -> String {
    let n = (js_sys::Math::random() * 2f64.powi(48)) as u64;
    format!("a{n:x}")
}

/// A mounted editor, as the host page sees it.
#[wasm_bindgen]
pub struct LassoEditor {
    runtime: Rc<Runtime>,
    labels: LabelSet,
    id_prefix: String,
    unmount: RefCell<Option<Box<dyn std::any::Any>>>,
}

#[wasm_bindgen]
impl LassoEditor {
    /// Opens a task: the stored copy (with every journaled edit) if this browser has one,
    /// otherwise the given task, which is then stored.
    #[wasm_bindgen(js_name = loadTask)]
    pub async fn load_task(&self, task: JsValue) -> Result<(), JsValue> {
        let task: Task = from_js("task", &task)?;
        self.open(task).await
    }

    /// The current annotations as Lasso JSON.
    pub fn annotations(&self) -> JsValue {
        self.runtime.annotations_js()
    }

    /// The task in a dataset format, as text: `"lasso"` (the task as Lasso JSON) or any format
    /// name of the CLI whose export is one text file for a task (`"label-studio"`, `"cvat"`, …).
    #[wasm_bindgen(js_name = exportAs)]
    pub fn export_as(&self, format: &str) -> Result<String, JsValue> {
        match format {
            "lasso" => self
                .runtime
                .session
                .with_untracked(|s| serde_json::to_string_pretty(s.editor.task()))
                .map_err(|e| JsValue::from_str(&e.to_string())),
            other => datasets::export_text(&self.runtime, other)
                .map_err(|e| JsValue::from_str(&format!("exportAs: {e}"))),
        }
    }

    /// The task exported as a zip archive: `{format, images = true, split: [train, valid, test]?,
    /// seed = 0}`; resolves to the bytes.
    #[wasm_bindgen(js_name = exportZip)]
    pub async fn export_zip(&self, options: JsValue) -> Result<js_sys::Uint8Array, JsValue> {
        let options: datasets::ZipOptions = from_js("options", &options)?;
        let bytes = datasets::export_zip(&self.runtime, &options, |_, _| {})
            .await
            .map_err(|e| JsValue::from_str(&format!("exportZip: {e}")))?;
        Ok(js_sys::Uint8Array::from(bytes.as_slice()))
    }

    /// Adds the annotations a dataset file (`format`: `"label-studio"`, `"cvat"`, `"lasso"`, …)
    /// holds for the open image as predictions to review; returns how many were added.
    #[wasm_bindgen(js_name = loadPredictions)]
    pub fn load_predictions(&self, json: &str, format: &str) -> Result<usize, JsValue> {
        let (op, count) = datasets::predictions_op(&self.runtime, json, format)
            .map_err(|e| JsValue::from_str(&format!("loadPredictions: {e}")))?;
        datasets::commit(&self.runtime, |_| Some(op));
        Ok(count)
    }

    /// Switches tool by name: `"select"`, `"box"`, `"rotated_box"`, `"polygon"`, `"polyline"`,
    /// `"keypoints"`.
    #[wasm_bindgen(js_name = setTool)]
    pub fn set_tool(&self, name: &str) -> Result<(), JsValue> {
        let tool = ToolName::parse(name)
            .ok_or_else(|| JsValue::from_str(&format!("setTool: unknown tool {name:?}")))?;
        self.runtime.session.update(|s| s.editor.set_tool(tool));
        Ok(())
    }

    /// Picks the label new shapes get.
    #[wasm_bindgen(js_name = setLabel)]
    pub fn set_label(&self, name: &str) -> Result<(), JsValue> {
        let mut ok = false;
        self.runtime
            .session
            .update(|s| ok = s.editor.set_label(name));
        if ok {
            Ok(())
        } else {
            Err(JsValue::from_str(&format!(
                "setLabel: no label named {name:?}"
            )))
        }
    }

    /// Undoes the last edit.
    pub fn undo(&self) {
        self.runtime.undo();
    }

    /// Redoes the last undone edit.
    pub fn redo(&self) {
        self.runtime.redo();
    }

    /// Registers a callback for `change`, `select`, `save`, `upload` or `error`.
    pub fn on(&self, event: &str, callback: js_sys::Function) -> Result<(), JsValue> {
        let event = EventName::parse(event)
            .ok_or_else(|| JsValue::from_str(&format!("on: unknown event {event:?}")))?;
        self.runtime.listeners.add(event, callback);
        Ok(())
    }

    /// The view transform, for automation: `{scale, offsetX, offsetY, width, height,
    /// imageReady}` where a canvas point is `offset + image * scale` in CSS pixels.
    pub fn viewport(&self) -> JsValue {
        let (scale, offset, size, ready) = self.runtime.session.with_untracked(|s| {
            (
                s.viewport.scale(),
                s.viewport.offset(),
                s.view_size,
                s.image_ready,
            )
        });
        let o = js_sys::Object::new();
        for (k, v) in [
            ("scale", JsValue::from_f64(scale)),
            ("offsetX", JsValue::from_f64(offset.x)),
            ("offsetY", JsValue::from_f64(offset.y)),
            ("width", JsValue::from_f64(size.0)),
            ("height", JsValue::from_f64(size.1)),
            ("imageReady", JsValue::from_bool(ready)),
        ] {
            let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), &v);
        }
        o.into()
    }

    /// Unmounts the editor and drops its callbacks.
    pub fn destroy(&self) {
        self.runtime.listeners.clear();
        self.unmount.borrow_mut().take();
    }
}

impl LassoEditor {
    /// Opens a parsed task (see `loadTask`).
    async fn open(&self, task: Task) -> Result<(), JsValue> {
        open_task(&self.runtime, &self.labels, &self.id_prefix, task).await
    }
}

/// Opens `task` in the editor: the stored copy (with every journaled edit) if this browser has
/// one, otherwise the task itself, which is then stored. Tasks without labels get `labels`.
pub async fn open_task(
    runtime: &Rc<Runtime>,
    labels: &LabelSet,
    id_prefix: &str,
    mut task: Task,
) -> Result<(), JsValue> {
    if task.id.is_empty() {
        return Err(JsValue::from_str("task: missing \"id\""));
    }
    if task.labels.labels.is_empty() {
        task.labels = labels.clone();
    }
    let store = runtime.store.borrow().clone();
    if let Some(store) = store {
        match store.load(&task.id).await {
            Ok(Some(loaded)) => {
                for s in &loaded.skipped {
                    runtime.fail(format!(
                        "Skipped a journaled edit that no longer applies: {s}"
                    ));
                }
                task = loaded.task;
            }
            Ok(None) => {
                if let Err(e) = store.put_snapshot(&task, 0.0).await {
                    runtime.fail(format!("Could not store task {}: {e}", task.id));
                }
            }
            Err(e) => runtime.fail(format!(
                "Could not read task {} from IndexedDB: {e}",
                task.id
            )),
        }
    }
    let src = crate::cloud::display_src(runtime, &task.image.src).await;
    runtime.session.update(|s| {
        let view_size = s.view_size;
        let mut next = Session::new(task, id_prefix);
        next.carry_over(s);
        *s = next;
        s.view_size = view_size;
    });
    crate::view::image::load(Rc::clone(runtime), &src);
    runtime.emit(EventName::Change, &runtime.annotations_js());
    Ok(())
}

/// Lets the UI's task picker open bucket tasks the way `openCloudTask` does.
fn install_cloud_opener(runtime: &Rc<Runtime>, labels: &LabelSet, id_prefix: &str) {
    let weak = Rc::downgrade(runtime);
    let labels = labels.clone();
    let id_prefix = id_prefix.to_string();
    let opener: Rc<dyn Fn(String)> = Rc::new(move |key: String| {
        let Some(runtime) = weak.upgrade() else {
            return;
        };
        let labels = labels.clone();
        let id_prefix = id_prefix.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = cloud_api::open_cloud_key(&runtime, &labels, &id_prefix, &key).await {
                runtime.fail(e.as_string().unwrap_or_else(|| format!("{e:?}")));
            }
        });
    });
    *runtime.open_cloud.borrow_mut() = Some(opener);
}
