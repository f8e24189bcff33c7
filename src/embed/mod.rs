//! The JS API: `mount(element, options) -> Promise<Editor>` and the `Editor` handle.
//!
//! Options (all optional):
//! ```js
//! { labels: [{name, color, hotkey}], tags: ["day", "night"] /* whole-image tags */,
//!   multiTag: false /* several tags at once */,
//!   task: {id, image: {src, width, height}, annotations: []},
//!   storage: "lasso" /* IndexedDB name */, idPrefix: "alice",
//!   hotkeys: { box: "x", polygon: ["p", "shift+g"], hide: [] /* unbind */ },
//!   cloud: { endpoint: "https://presign.example.com", token: "…", user: "alice",
//!            presign: async (request) => answer /* optional, instead of the endpoint */,
//!            project: "birds" /* team work in a project: nextTask(), submitTask() */ } }
//! ```
//! With `cloud`, every durable edit queues the task's result for `target/<task>/<user>.json`
//! (see `docs/presign.md`); the queue lives in IndexedDB `<storage>-uploads`.
//!
//! `change` fires as soon as an edit is made (in memory); `save` fires for that edit only once
//! its journal transaction in IndexedDB has completed, i.e. when it survives a closed tab. While
//! storage fails, edits stay in memory, a warning offers an export, and their `save` events come
//! when a later write succeeds (see [`events::EventName::Save`]).

mod args;
mod cloud_api;
mod review_api;
mod team_api;

use crate::app::{remote, Runtime};
use crate::cloud::CloudConfig;
use crate::datasets;
use crate::events::EventName;
use crate::state::Session;
use crate::store::Store;
use args::{from_js, Arg};
use lasso_core::edit::ToolName;
use lasso_core::model::{LabelSet, Task};
use leptos::prelude::*;
use serde::Deserialize;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct MountOptions {
    /// A list of labels, or `{labels, tags, multi_tag}` as in a task.
    #[serde(default)]
    labels: LabelSet,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    multi_tag: bool,
    #[serde(default)]
    task: Option<serde_json::Value>,
    #[serde(default)]
    storage: Option<String>,
    #[serde(default)]
    id_prefix: Option<String>,
    #[serde(default)]
    hotkeys: std::collections::BTreeMap<String, HotkeySpec>,
    #[serde(default)]
    ml: Option<lasso_core::ml::MlSettings>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    locale: Option<String>,
}

/// The keys of one action in the `hotkeys` option: one key or a list (empty: unbound).
#[derive(Deserialize, Clone)]
#[serde(untagged)]
enum HotkeySpec {
    One(String),
    Many(Vec<String>),
}

crate::on_demand::split! {
    keys, preload preload_keys;
    /// `keymap` with a `hotkeys` map applied (an unknown action name is an error), in the keys
    /// chunk: only a host that remaps keys needs it.
    fn remapped(
        keymap: lasso_core::edit::Keymap,
        hotkeys: std::collections::BTreeMap<String, HotkeySpec>,
    ) -> Result<Result<lasso_core::edit::Keymap, String>, crate::on_demand::NotLoaded> {
        let bindings: Vec<(&str, Vec<String>)> = hotkeys
            .iter()
            .map(|(k, v)| {
                let keys = match v {
                    HotkeySpec::One(key) => vec![crate::ui::fold_key(key)],
                    HotkeySpec::Many(keys) => keys.iter().map(|k| crate::ui::fold_key(k)).collect(),
                };
                (k.as_str(), keys)
            })
            .collect();
        let mut keymap = keymap;
        Ok(keymap.remap(bindings).map(|()| keymap))
    }
}

/// Applies a `hotkeys` map to the session's keymap once `remap` has made the new one; nothing
/// changes on an error (an unknown action name, or the keys chunk could not be fetched).
fn apply_keymap(
    runtime: &Runtime,
    remap: Option<Result<Result<lasso_core::edit::Keymap, String>, crate::on_demand::NotLoaded>>,
) -> Result<(), JsValue> {
    match remap {
        Some(Ok(Ok(keymap))) => {
            runtime.session.update(|s| s.keymap = keymap);
            Ok(())
        }
        Some(Ok(Err(e))) => Err(JsValue::from_str(&e)),
        Some(Err(_)) | None => Err(JsValue::from_str(&runtime.part_unavailable())),
    }
}

/// The session's keymap now.
fn keymap(runtime: &Runtime) -> lasso_core::edit::Keymap {
    runtime.session.with_untracked(|s| s.keymap.clone())
}

/// Mounts an editor into `element` and resolves to its handle once storage is open and the
/// task (if given) is loaded.
#[wasm_bindgen]
pub async fn mount(element: HtmlElement, options: JsValue) -> Result<LassoEditor, JsValue> {
    let raw_options = options;
    let options: MountOptions = if raw_options.is_undefined() || raw_options.is_null() {
        MountOptions::default()
    } else {
        let text = args::json_text("options", &raw_options)?;
        args::read_loading("options", Arg::Options, &text).await?
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
        labels: options.labels.labels.clone(),
        tags: if options.tags.is_empty() {
            options.labels.tags.clone()
        } else {
            options.tags.clone()
        },
        multi_tag: options.multi_tag || options.labels.multi_tag,
    };
    let runtime = Runtime::new(Session::new(
        Task {
            labels: labels.clone(),
            ..Task::default()
        },
        &id_prefix,
    ));
    *runtime.defaults.borrow_mut() = crate::app::MountDefaults {
        labels: labels.clone(),
        id_prefix,
    };
    if !options.hotkeys.is_empty() {
        let remap = remapped(keymap(&runtime), options.hotkeys.clone()).await;
        apply_keymap(&runtime, Some(remap))?;
    }
    if let Some(theme) = &options.theme {
        let theme = crate::app::Theme::parse(theme)
            .map_err(|e| JsValue::from_str(&format!("options.{e}")))?;
        runtime.theme.set(theme);
    }
    if let Some(locale) = &options.locale {
        let locale = lasso_core::i18n::Locale::parse(locale)
            .map_err(|e| JsValue::from_str(&format!("options.{e}")))?;
        runtime.speak(locale).await;
    }
    let host_predict = js_sys::Reflect::get(&raw_options, &"predict".into())
        .ok()
        .and_then(|v| v.dyn_into::<js_sys::Function>().ok());
    crate::app::ml::set_options(&runtime, options.ml.clone(), host_predict)
        .map_err(|e| JsValue::from_str(&format!("options.{e}")))?;
    let unmount = crate::ui::mount_app(element, Rc::clone(&runtime));
    // The dataset formats, the side bar, the pixel tools and the panels' words load beside the
    // rest (the first screen, the canvas and the shape tools, does not wait for them); `mount`
    // resolves once they are in, so `exportAs` and `loadPredictions` answer at once, the side
    // bar needs no further download and the brush takes its first stroke at once.
    let locale = runtime.locale;
    let formats = futures::FutureExt::shared(Box::pin(async move {
        let formats = async {
            crate::on_demand::formats::preload().await?;
            args::preload_bad_path()
                .await
                .map_err(crate::on_demand::NotLoaded::from)
        };
        let pixel_tools = async {
            // A failure shows when one of them is used (`app/tool_input.rs`).
            let _ = crate::on_demand::pixel_tools::load().await;
        };
        let words = async {
            // A part that needs them fetches them again before it shows.
            let _ = crate::on_demand::languages::load_panel_words(locale).await;
        };
        let keys = async {
            // `setHotkeys` says so when they could not be fetched.
            let _ = preload_keys().await;
        };
        futures::join!(crate::ui::preload_side(), pixel_tools, words, keys, formats).4
    }));
    wasm_bindgen_futures::spawn_local(futures::FutureExt::map(formats.clone(), |_| ()));
    let storage = options
        .storage
        .clone()
        .unwrap_or_else(|| "lasso".to_string());
    match Store::open(&storage).await {
        Ok(store) => {
            *runtime.store.borrow_mut() = Some(Rc::new(store));
            match crate::sync::TabSync::start(
                &runtime.shared,
                &storage,
                deliver_from_tabs(&runtime),
            ) {
                Ok(sync) => *runtime.sync.borrow_mut() = Some(sync),
                Err(e) => runtime.fail_say("sync.unavailable", &[("error", &e)]),
            }
            install_flush_on_hide(&runtime);
            runtime.resume_saving();
            // The list only the side bar shows, read by the side bar's chunk.
            if let Ok(listing) = crate::ui::listing_local_datasets(Rc::clone(&runtime.shared)).await
            {
                listing.await;
            }
        }
        Err(e) => {
            let why = runtime.say("journal.no_idb", &[("error", &e)]);
            runtime
                .save_state
                .set(crate::state::SaveState::Failed(why.clone()));
            runtime.storage_warning.set(Some(why));
        }
    }
    if let Some(config) = cloud_config {
        let project = config.project.clone();
        match crate::app::start_cloud(&runtime, config, &storage).await {
            Ok(()) => {
                if let Some(project) = project {
                    if let Err(e) = remote::call(&runtime, remote::Call::Start(project)).await {
                        runtime.fail(e);
                    }
                    // `project()` answers at once from the team chunk, which is in by now.
                    let _ = team_api::preload_project_json().await;
                }
            }
            Err(e) => runtime.fail_say("upload.unavailable", &[("error", &e)]),
        }
    }
    let editor = LassoEditor {
        runtime,
        labels,
        unmount: RefCell::new(Some(unmount)),
    };
    if let Some(task) = options.task {
        let task = args::read_loading("options.task", Arg::Task, &task.to_string()).await?;
        editor.open(task).await?;
    }
    // Offline before the formats were ever fetched: the editor works, the sync methods say so.
    let _ = formats.await;
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
    unmount: RefCell<Option<Box<dyn std::any::Any>>>,
}

#[wasm_bindgen]
impl LassoEditor {
    /// Opens a task: the stored copy (with every journaled edit) if this browser has one,
    /// otherwise the given task, which is then stored.
    #[wasm_bindgen(js_name = loadTask)]
    pub async fn load_task(&self, task: JsValue) -> Result<(), JsValue> {
        let task: Task = from_js("task", Arg::Task, &task)?;
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
        datasets::export_text(&self.runtime, format)
            .map_err(|e| JsValue::from_str(&format!("exportAs: {e}")))
    }

    /// The task exported as a zip archive: `{format, images = true, split: [train, valid, test]?,
    /// seed = 0}`; resolves to the bytes.
    #[wasm_bindgen(js_name = exportZip)]
    pub async fn export_zip(&self, options: JsValue) -> Result<js_sys::Uint8Array, JsValue> {
        let text = args::json_text("options", &options)?;
        let options = args::zip_options(text)
            .await
            .map_err(|e| JsValue::from_str(&e.to_string()))?
            .map_err(|e| JsValue::from_str(&e))?;
        let bytes = datasets::export_zip_later(Rc::clone(&self.runtime), options)
            .await
            .map_err(|e| JsValue::from_str(&e.to_string()))?
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

    /// Asks the model backend (`ml` option, or the project's) about the open image and adds
    /// its answer as predictions to review; resolves to how many were added. A failure (no
    /// backend, timeout, error status, wrong answer) rejects with a message naming it and
    /// changes nothing.
    pub async fn predict(&self) -> Result<usize, JsValue> {
        crate::app::ml::predict(&self.runtime).await.map_err(|e| {
            self.runtime.fail(e.clone());
            JsValue::from_str(&e)
        })
    }

    /// Sets the colour theme: `"dark"`, `"light"` or `"system"` (the system's preference).
    #[wasm_bindgen(js_name = setTheme)]
    pub fn set_theme(&self, name: &str) -> Result<(), JsValue> {
        let theme = crate::app::Theme::parse(name)
            .map_err(|e| JsValue::from_str(&format!("setTheme: {e}")))?;
        self.runtime.theme.set(theme);
        Ok(())
    }

    /// Sets the language of the interface by BCP 47 tag: `"en"` or `"uk"` (regions ignored);
    /// at once, or as soon as the language's words are downloaded the first time.
    #[wasm_bindgen(js_name = setLocale)]
    pub fn set_locale(&self, tag: &str) -> Result<(), JsValue> {
        let locale = lasso_core::i18n::Locale::parse(tag)
            .map_err(|e| JsValue::from_str(&format!("setLocale: {e}")))?;
        self.runtime.shared.speak_soon(locale);
        Ok(())
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
    /// imageReady}` where a canvas point is `offset + image * scale` in CSS pixels; for a tiled
    /// image also `tiles: {ready, loading, failed, bytes, sharp}` (`sharp`: every visible tile
    /// of the level the view needs is shown).
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
        if let Some((stats, sharp)) = crate::view::tiles::status(&self.runtime.shared) {
            let t = js_sys::Object::new();
            for (k, v) in [
                ("ready", JsValue::from_f64(stats.ready as f64)),
                ("loading", JsValue::from_f64(stats.loading as f64)),
                ("failed", JsValue::from_f64(stats.failed as f64)),
                ("bytes", JsValue::from_f64(stats.bytes as f64)),
                ("sharp", JsValue::from_bool(sharp)),
            ] {
                let _ = js_sys::Reflect::set(&t, &JsValue::from_str(k), &v);
            }
            let _ = js_sys::Reflect::set(&o, &JsValue::from_str("tiles"), &t);
        }
        o.into()
    }

    /// Every task this browser holds (the open one from memory) as one Lasso JSON document
    /// `{format: "lasso", version: 1, tasks: [...]}`: the same file "Export everything" offers.
    #[wasm_bindgen(js_name = exportAll)]
    pub async fn export_all(&self) -> Result<String, JsValue> {
        crate::export::everything_on_demand(&self.runtime.shared)
            .await
            .map(|(text, _)| text)
            .map_err(|_| JsValue::from_str(&self.runtime.part_unavailable()))
    }

    /// Offers "Export everything" as a download now.
    #[wasm_bindgen(js_name = downloadAll)]
    pub async fn download_all(&self) {
        crate::export::offer(&self.runtime.shared).await;
    }

    /// Testing aid: the next `n` journal writes fail as if the disk were full
    /// (`QuotaExceededError`), to exercise the warning, the export offer and the retry.
    #[wasm_bindgen(js_name = simulateStorageFull)]
    pub fn simulate_storage_full(&self, n: u32) {
        if let Some(store) = self.runtime.store.borrow().as_ref() {
            store.inject_quota_failures(n);
        }
    }

    /// Remaps hotkeys as the `hotkeys` mount option does: `{box: "x", polygon: ["p"], hide: []}`.
    #[wasm_bindgen(js_name = setHotkeys)]
    pub fn set_hotkeys(&self, hotkeys: JsValue) -> Result<(), JsValue> {
        let map = from_js("hotkeys", Arg::Hotkeys, &hotkeys)?;
        // At once: `mount` loaded the keys chunk.
        let remap = crate::on_demand::at_once(remapped(keymap(&self.runtime), map));
        apply_keymap(&self.runtime, remap)
    }

    /// Zooms to 100 % about the middle of the view (`Shift+0`).
    #[wasm_bindgen(js_name = zoomActual)]
    pub fn zoom_actual(&self) {
        self.runtime.session.update(|s| s.zoom_actual());
    }

    /// Zooms to the selected shapes (`Shift+2`); returns false when nothing is selected.
    #[wasm_bindgen(js_name = zoomToSelection)]
    pub fn zoom_to_selection(&self) -> bool {
        let mut done = false;
        self.runtime.session.update(|s| done = s.zoom_selection());
        done
    }

    /// The active tool's name (as `setTool` takes it).
    pub fn tool(&self) -> String {
        self.runtime
            .session
            .with_untracked(|s| s.editor.tool().name().as_str().to_string())
    }

    /// Sets the view transform (`{scale, offsetX, offsetY}` as [`LassoEditor::viewport`] gives
    /// it; missing fields keep their value) and redraws on the next frame.
    #[wasm_bindgen(js_name = setViewport)]
    pub fn set_viewport(&self, view: JsValue) -> Result<(), JsValue> {
        let get = |k: &str| {
            js_sys::Reflect::get(&view, &JsValue::from_str(k))
                .ok()
                .and_then(|v| v.as_f64())
        };
        self.runtime.session.update(|s| {
            let (scale, offset) = (s.viewport.scale(), s.viewport.offset());
            s.viewport = lasso_core::viewport::Viewport::new(
                get("scale").unwrap_or(scale),
                lasso_core::model::Point::new(
                    get("offsetX").unwrap_or(offset.x),
                    get("offsetY").unwrap_or(offset.y),
                ),
            );
        });
        Ok(())
    }

    /// Draws a frame now (a plan of a large document made whole, not a slice per frame)
    /// rather than on the next animation frame, and returns its figures
    /// (`{shapes, dots, solids, batches, replanned, rastered, frames, ms}`); for benchmarks and
    /// tests.
    #[wasm_bindgen(js_name = drawNow)]
    pub fn draw_now(&self) -> JsValue {
        self.runtime.render.borrow_mut().at_once = true;
        crate::view::render::paint(&self.runtime.shared, &self.runtime.render);
        self.runtime.render.borrow_mut().at_once = false;
        self.render_stats()
    }

    /// Figures of the last frame drawn: `{shapes, dots, solids, batches, replanned, rastered, frames,
    /// ms, planMs, pathMs, drawMs, partial, redrawn, redrawnPx, slicing}` (`partial`: only a
    /// dirty rectangle of `redrawnPx` layer pixels was redrawn, with `redrawn` annotations in
    /// it; `slicing`: a large document's plan is being made a slice per frame;
    /// `fullResolutionBitmap`: a large plain image was decoded off the main thread;
    /// `wholeImage`: the image is held decoded whole, not as tiles).
    #[wasm_bindgen(js_name = renderStats)]
    pub fn render_stats(&self) -> JsValue {
        let st = self.runtime.render.borrow().stats;
        let o = js_sys::Object::new();
        for (k, v) in [
            ("shapes", JsValue::from_f64(st.shapes as f64)),
            ("dots", JsValue::from_f64(st.dots as f64)),
            ("solids", JsValue::from_f64(st.solids as f64)),
            ("batches", JsValue::from_f64(st.batches as f64)),
            ("replanned", JsValue::from_bool(st.replanned)),
            ("rastered", JsValue::from_bool(st.rastered)),
            ("frames", JsValue::from_f64(st.frames as f64)),
            ("ms", JsValue::from_f64(st.ms)),
            ("planMs", JsValue::from_f64(st.plan_ms)),
            ("pathMs", JsValue::from_f64(st.path_ms)),
            ("drawMs", JsValue::from_f64(st.draw_ms)),
            ("partial", JsValue::from_bool(st.partial)),
            ("redrawn", JsValue::from_f64(st.redrawn as f64)),
            ("redrawnPx", JsValue::from_f64(st.redrawn_px)),
            ("slicing", JsValue::from_bool(st.slicing)),
            (
                "fullResolutionBitmap",
                JsValue::from_bool(self.runtime.image_bitmap.borrow().is_some()),
            ),
            (
                "wholeImage",
                JsValue::from_bool(self.runtime.image.borrow().is_some()),
            ),
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
        crate::app::open::open_task(&self.runtime, task)
            .await
            .map_err(|e| JsValue::from_str(&e))
    }
}

/// Hands ops that other tabs made durable to the controller (held while a task opens).
fn deliver_from_tabs(runtime: &Rc<Runtime>) -> crate::sync::Deliver {
    let weak = Rc::downgrade(runtime);
    Rc::new(move |task: &str, op: &lasso_core::history::Op| {
        if let Some(runtime) = weak.upgrade() {
            crate::app::open::receive(&runtime, task, op);
        }
    })
}

/// Writes every queued op in one transaction as soon as the page is hidden or being closed,
/// instead of one transaction after another, which a closing page may not live to finish.
fn install_flush_on_hide(runtime: &Rc<Runtime>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let weak = Rc::downgrade(runtime);
    let flush = Closure::<dyn FnMut()>::new(move || {
        if let Some(runtime) = weak.upgrade() {
            runtime.flush_now();
        }
    });
    let _ = window.add_event_listener_with_callback("pagehide", flush.as_ref().unchecked_ref());
    if let Some(document) = window.document() {
        let _ = document
            .add_event_listener_with_callback("visibilitychange", flush.as_ref().unchecked_ref());
    }
    // Lives as long as the page: the listeners hold a weak reference to the runtime.
    flush.forget();
}
