//! The state of one mounted editor and the single path every edit takes.
//!
//! `Session` is plain data (the core [`Editor`], the viewport and the view size) kept in one
//! `RwSignal`, so the UI reads it through memos. [`Runtime`] holds what cannot live in a signal
//! (the image element, the store, JS callbacks) and does the IO after each dispatch: journal the
//! committed ops, then tell the host.

use crate::embed::events::{EventName, Listeners};
use crate::store::Store;
use lasso_core::edit::{Editor, Keymap, Modifiers, Outcome, PointerEvent, PointerKind};
use lasso_core::history::Op;
use lasso_core::model::{Point, Task};
use lasso_core::viewport::Viewport;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::HtmlImageElement;

/// Room left around the image when it is fitted to the view, in CSS pixels.
pub const FIT_MARGIN_PX: f64 = 16.0;

/// The reactive state of one editor.
#[derive(Clone, Debug)]
pub struct Session {
    /// The core editing session (task, history, tool, label, selection).
    pub editor: Editor,
    /// Image → screen transform.
    pub viewport: Viewport,
    /// Size of the drawing area in CSS pixels.
    pub view_size: (f64, f64),
    /// Whether the image has loaded and been drawn once.
    pub image_ready: bool,
    /// Which key does what.
    pub keymap: Keymap,
    /// Opacity of shape fills, 0–1 (the toolbar's slider).
    pub opacity: f64,
    /// The image pixel under the pointer, for the status bar.
    pub pointer: Option<Point>,
}

/// Fill opacity before the user moves the slider.
pub const DEFAULT_OPACITY: f64 = 0.2;

impl Session {
    /// A session over a task (or a document already indexed) before the view has a size.
    pub fn new(task: impl Into<lasso_core::document::Document>, id_prefix: &str) -> Self {
        Self {
            editor: Editor::new(task, id_prefix),
            viewport: Viewport::IDENTITY,
            view_size: (0.0, 0.0),
            image_ready: false,
            keymap: Keymap::default(),
            opacity: DEFAULT_OPACITY,
            pointer: None,
        }
    }

    /// Keeps what belongs to the person rather than the image when another task is opened:
    /// the tool, the label if the new task has it, the clipboard, the fill opacity and keymap.
    pub fn carry_over(&mut self, old: &Session) {
        self.editor.set_tool(old.editor.tool().name());
        self.editor.set_label(old.editor.label());
        self.editor.set_clipboard(old.editor.clipboard().clone());
        self.editor
            .set_mask_options(old.editor.mask_options().clone());
        self.opacity = old.opacity;
        self.keymap = old.keymap.clone();
    }

    /// Fits the whole image into the view.
    pub fn fit(&mut self) {
        let image = &self.editor.task().image;
        self.viewport = Viewport::fit(
            f64::from(image.width),
            f64::from(image.height),
            self.view_size.0,
            self.view_size.1,
            FIT_MARGIN_PX,
        );
    }

    /// Zooms to 100 % about the middle of the view.
    pub fn zoom_actual(&mut self) {
        let (w, h) = self.view_size;
        self.viewport = lasso_core::navigation::actual_size(&self.viewport, w, h);
    }

    /// Zooms so the selected shapes fill the view; false (and nothing changes) when nothing
    /// with bounds is selected.
    pub fn zoom_selection(&mut self) -> bool {
        let task = self.editor.task();
        let shapes = self
            .editor
            .selection()
            .iter()
            .filter_map(|id| task.annotations.iter().find(|a| &a.id == id))
            .map(|a| &a.shape);
        let Some(bounds) = lasso_core::navigation::bounds_of(shapes) else {
            return false;
        };
        let (w, h) = self.view_size;
        self.viewport = lasso_core::navigation::zoom_to_bounds(bounds, w, h, FIT_MARGIN_PX * 2.0);
        true
    }

    /// Image coordinates of a point on the canvas (CSS pixels from its top-left corner).
    pub fn to_image(&self, x: f64, y: f64) -> Point {
        self.viewport.to_image(Point::new(x, y))
    }
}

/// Whether the latest edits have reached IndexedDB.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveState {
    /// Everything is journaled.
    Saved,
    /// Some ops are still being written.
    Saving(usize),
    /// Journaling failed; edits live in memory only. The message says why.
    Failed(String),
}

/// Opens a task manifest from the bucket by its key.
pub type KeyOpener = Rc<dyn Fn(String)>;

/// The bucket's task list and which of its tasks is open, for `PageDown`/`PageUp`.
#[derive(Clone, Debug, Default)]
pub struct TaskKeys {
    /// Manifest keys in list order.
    pub keys: Vec<String>,
    /// The key of the open task, when it came from the list.
    pub current: Option<String>,
}

/// Non-reactive parts of a mounted editor, shared by its UI closures and its JS handle.
pub struct Runtime {
    /// The reactive session.
    pub session: RwSignal<Session>,
    /// Journal state shown in the toolbar.
    pub save_state: RwSignal<SaveState>,
    /// A message shown in the error banner.
    pub banner: RwSignal<Option<String>>,
    /// The image being labelled.
    pub image: RefCell<Option<HtmlImageElement>>,
    /// IndexedDB, when available.
    pub store: RefCell<Option<Rc<Store>>>,
    /// Host callbacks by event.
    pub listeners: Listeners,
    /// Space is held: a left drag pans.
    pub space_held: Cell<bool>,
    /// Last pointer position over the canvas, CSS pixels.
    pub cursor: Cell<Option<(f64, f64)>>,
    /// Uploads to the user's bucket, when configured.
    pub cloud: RefCell<Option<Rc<crate::cloud::Cloud>>>,
    /// Opens a task manifest from the bucket by key (set by `mount`; used by the task picker).
    pub open_cloud: RefCell<Option<KeyOpener>>,
    /// What the upload status line shows (`None` without a cloud).
    pub uploads: RwSignal<Option<crate::cloud::UploadStatus>>,
    /// The bucket's task list, for next/previous image.
    pub task_keys: RefCell<TaskKeys>,
    /// Why edits are not reaching IndexedDB, if they are not; the UI then offers an export.
    pub storage_warning: RwSignal<Option<String>>,
    /// The local datasets in IndexedDB, as listed in the side panel (see [`crate::local`]).
    pub local_datasets: RwSignal<Vec<crate::store::DatasetInfo>>,
    /// Live sync with other tabs on the same database (see [`crate::sync`]).
    pub sync: RefCell<Option<crate::sync::TabSync>>,
    /// Opens a task the way `loadTask` does (set by `mount`; used by the local datasets view).
    pub open_task: RefCell<Option<TaskOpener>>,
    /// Journal rows appended since the last compaction (compaction runs in the background
    /// every [`compaction_threshold`] ops).
    since_compaction: Cell<u32>,
    compacting: Cell<bool>,
    /// The renderer's index, plan and bitmaps, kept between frames.
    pub render: RefCell<crate::view::render::RenderState>,
    queue: RefCell<VecDeque<(String, Op)>>,
    draining: RefCell<bool>,
}

/// Opens a task in the editor (the stored copy if there is one).
pub type TaskOpener = Rc<dyn Fn(Task)>;

/// How many journal rows a small task collects before they are folded into its snapshot.
/// Loading replays at most about this many ops; compaction costs a snapshot write, so not
/// every op (see [`compaction_threshold`] for large tasks).
pub const COMPACT_EVERY: u32 = 200;

/// Compaction rewrites the whole task, so a large task compacts less often: at least one
/// journal row per this many shapes, which keeps its cost per op about the same at any size
/// (a 100,000-shape task compacts every 1,000 ops; replaying those on load is quick next to
/// reading its snapshot).
pub const SHAPES_PER_COMPACTED_OP: usize = 100;

/// How many journal rows a task of `shapes` shapes collects before compaction.
pub fn compaction_threshold(shapes: usize) -> u32 {
    let scaled = u32::try_from(shapes / SHAPES_PER_COMPACTED_OP).unwrap_or(u32::MAX);
    scaled.max(COMPACT_EVERY)
}

impl Runtime {
    /// A runtime around a fresh session.
    pub fn new(session: Session) -> Rc<Self> {
        Rc::new(Self {
            session: RwSignal::new(session),
            save_state: RwSignal::new(SaveState::Saved),
            banner: RwSignal::new(None),
            image: RefCell::new(None),
            store: RefCell::new(None),
            listeners: Listeners::default(),
            space_held: Cell::new(false),
            cursor: Cell::new(None),
            cloud: RefCell::new(None),
            uploads: RwSignal::new(None),
            open_cloud: RefCell::new(None),
            task_keys: RefCell::new(TaskKeys::default()),
            storage_warning: RwSignal::new(None),
            local_datasets: RwSignal::new(Vec::new()),
            sync: RefCell::new(None),
            open_task: RefCell::new(None),
            since_compaction: Cell::new(0),
            compacting: Cell::new(false),
            render: RefCell::new(Default::default()),
            queue: RefCell::new(VecDeque::new()),
            draining: RefCell::new(false),
        })
    }

    /// Runs `f` on the core editor and then does everything its outcome asks for.
    pub fn dispatch(self: &Rc<Self>, f: impl FnOnce(&mut Editor) -> Outcome) {
        let mut outcome = Outcome::default();
        self.session.update(|s| outcome = f(&mut s.editor));
        self.after(outcome);
    }

    /// Hands a pointer event in canvas CSS pixels to the active tool.
    pub fn pointer(self: &Rc<Self>, kind: PointerKind, x: f64, y: f64, mods: Modifiers) {
        if kind == PointerKind::Down {
            self.load_pixels_for_wand();
        }
        let (pos, scale) = self
            .session
            .with_untracked(|s| (s.to_image(x, y), s.viewport.scale()));
        let mut outcome = Outcome::default();
        self.session.update(|s| {
            s.pointer = Some(pos);
            outcome = s.editor.pointer(PointerEvent {
                kind,
                pos,
                mods,
                scale,
            });
        });
        self.after(outcome);
    }

    /// Opens the next (`delta` = 1) or previous (-1) task of the bucket's task list. Each
    /// task's edits are journaled, so its work is there when it is opened again. Without a task
    /// list (no bucket configured) nothing happens.
    pub fn step_task(self: &Rc<Self>, delta: isize) {
        let next = {
            let list = self.task_keys.borrow();
            let at = list
                .current
                .as_ref()
                .and_then(|c| list.keys.iter().position(|k| k == c));
            let n = list.keys.len() as isize;
            let i = match at {
                Some(i) => i as isize + delta,
                None if delta > 0 => 0,
                None => n - 1,
            };
            (0..n).contains(&i).then(|| list.keys[i as usize].clone())
        };
        let opener = self.open_cloud.borrow().clone();
        if let (Some(key), Some(open)) = (next, opener) {
            open(key);
        }
    }

    /// The magic wand reads the image's pixels; they are copied out of the image the first
    /// time the wand is used on it.
    fn load_pixels_for_wand(&self) {
        let needed = self.session.with_untracked(|s| {
            s.image_ready
                && s.editor.tool().name() == lasso_core::edit::ToolName::Wand
                && !s.editor.has_pixels()
        });
        if !needed {
            return;
        }
        let Some(img) = self.image.borrow().clone() else {
            return;
        };
        match crate::view::render::image_pixels(&img) {
            Ok((width, height, rgba)) => self.session.update(|s| {
                s.editor.set_pixels(lasso_core::edit::mask_tool::Pixels {
                    width,
                    height,
                    rgba: std::sync::Arc::new(rgba),
                })
            }),
            Err(e) => self.fail(format!("The magic wand cannot work on this image: {e}")),
        }
    }

    /// Undoes the last step; a step that no longer applies is reported, not lost.
    pub fn undo(self: &Rc<Self>) {
        self.history(true);
    }

    /// Redoes the last undone step.
    pub fn redo(self: &Rc<Self>) {
        self.history(false);
    }

    fn history(self: &Rc<Self>, undo: bool) {
        let mut result = Ok(Outcome::default());
        self.session.update(|s| {
            result = if undo {
                s.editor.undo()
            } else {
                s.editor.redo()
            };
        });
        match result {
            Ok(outcome) => self.after(outcome),
            Err(e) => self.fail(format!(
                "Could not {}: {e}",
                if undo { "undo" } else { "redo" }
            )),
        }
    }

    /// Journals committed ops and notifies the host of changes and selection.
    pub fn after(self: &Rc<Self>, outcome: Outcome) {
        if !outcome.committed.is_empty() {
            // The document's indexes followed the ops as they were applied; the renderer
            // catches up from its change log on the next frame.
            let task_id = self.session.with_untracked(|s| s.editor.task().id.clone());
            {
                let mut q = self.queue.borrow_mut();
                for op in outcome.committed {
                    q.push_back((task_id.clone(), op));
                }
            }
            self.emit_change();
            self.drain();
        }
        if outcome.selection_changed {
            let ids: Vec<String> = self
                .session
                .with_untracked(|s| s.editor.selection().iter().map(|id| id.0.clone()).collect());
            self.emit(
                EventName::Select,
                &serde_wasm_bindgen::to_value(&ids).unwrap_or(JsValue::NULL),
            );
        }
    }

    /// The current annotations as Lasso JSON (a JS array).
    pub fn annotations_js(&self) -> JsValue {
        self.session.with_untracked(|s| {
            let json = serde_json::to_string(&s.editor.task().annotations).unwrap_or_default();
            js_sys::JSON::parse(&json).unwrap_or(JsValue::NULL)
        })
    }

    /// Tells the host the annotations changed. The detail (every annotation as JSON) costs time
    /// in proportion to the task, so it is built only when a `change` callback is registered.
    pub fn emit_change(&self) {
        if self.listeners.has(EventName::Change) {
            self.emit(EventName::Change, &self.annotations_js());
        }
    }

    /// Calls the host's callbacks for an event.
    pub fn emit(&self, event: EventName, detail: &JsValue) {
        self.listeners.emit(event, detail);
    }

    /// Reports an error to the host and in the banner.
    pub fn fail(&self, message: String) {
        web_sys::console::error_1(&JsValue::from_str(&message));
        self.banner.set(Some(message.clone()));
        self.emit(EventName::Error, &JsValue::from_str(&message));
    }

    /// Writes queued ops to the journal one transaction at a time, in order. An op leaves the
    /// queue only once its transaction has completed; on failure it stays queued (with every op
    /// after it), the user is warned and offered an export, and the next edit tries again.
    fn drain(self: &Rc<Self>) {
        if *self.draining.borrow() {
            self.save_state
                .set(SaveState::Saving(self.queue.borrow().len()));
            return;
        }
        let Some(store) = self.store.borrow().clone() else {
            // No IndexedDB (yet, while `mount` opens it, or at all, as in private mode): the ops
            // wait in memory, the in-memory task has them, and the warning offers an export.
            let pending = self.queue.borrow().len();
            self.save_state
                .set(match self.storage_warning.get_untracked() {
                    Some(why) => SaveState::Failed(why),
                    None => SaveState::Saving(pending),
                });
            return;
        };
        *self.draining.borrow_mut() = true;
        self.save_state
            .set(SaveState::Saving(self.queue.borrow().len()));
        let this = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                let next = this.queue.borrow_mut().pop_front();
                let Some((task_id, op)) = next else { break };
                match store.append(&task_id, &op).await {
                    Ok(seq) => this.saved(&store, &task_id, &op, seq).await,
                    Err(e) => {
                        this.queue.borrow_mut().push_front((task_id, op));
                        this.journal_failed(&e);
                        break;
                    }
                }
            }
            *this.draining.borrow_mut() = false;
        });
    }

    /// Writes the ops that waited for the store to open (called once `mount` has opened it).
    pub fn resume_saving(self: &Rc<Self>) {
        if !self.queue.borrow().is_empty() {
            self.drain();
        }
    }

    /// Everything that follows a durable append: status, `save` event, other tabs, uploads,
    /// background compaction.
    async fn saved(self: &Rc<Self>, store: &Rc<Store>, task_id: &str, op: &Op, seq: f64) {
        let pending = self.queue.borrow().len();
        self.save_state.set(if pending == 0 {
            SaveState::Saved
        } else {
            SaveState::Saving(pending)
        });
        if self.storage_warning.get_untracked().is_some() && pending == 0 {
            self.storage_warning.set(None);
        }
        if let Some(sync) = self.sync.borrow().as_ref() {
            sync.post(task_id, seq, op);
        }
        if let Some(cloud) = crate::cloud::of(self) {
            match cloud.result_changed(task_id).await {
                Ok(()) => crate::cloud::kick(self),
                Err(e) => self.fail(format!("Could not queue the upload of task {task_id}: {e}")),
            }
        }
        let detail = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&detail, &"seq".into(), &JsValue::from_f64(seq));
        let _ = js_sys::Reflect::set(
            &detail,
            &"pending".into(),
            &JsValue::from_f64(pending as f64),
        );
        self.emit(EventName::Save, &detail);
        self.count_for_compaction(store, task_id, 1);
    }

    /// Reports a failed append once per streak of failures; the ops stay queued.
    fn journal_failed(&self, e: &crate::store::StoreError) {
        let already = matches!(self.save_state.get_untracked(), SaveState::Failed(_));
        self.save_state.set(SaveState::Failed(e.to_string()));
        let why = if e.is_quota() {
            "the browser's storage is full"
        } else {
            "IndexedDB refused the write"
        };
        let pending = self.queue.borrow().len();
        self.storage_warning.set(Some(format!(
            "Not saved: {why} ({e}). {pending} edit(s) are kept in memory only; export everything now, or free space (the next edit tries again)."
        )));
        if !already {
            self.emit(EventName::Error, &JsValue::from_str(&e.to_string()));
            web_sys::console::warn_1(&JsValue::from_str(&format!("journal: {e}")));
        }
    }

    /// Counts appended rows and starts a background compaction when enough have piled up.
    pub fn count_for_compaction(self: &Rc<Self>, store: &Rc<Store>, task_id: &str, n: u32) {
        let since = self.since_compaction.get() + n;
        self.since_compaction.set(since);
        let shapes = self
            .session
            .with_untracked(|s| s.editor.task().annotations.len());
        if since < compaction_threshold(shapes) || self.compacting.get() {
            return;
        }
        self.compacting.set(true);
        self.since_compaction.set(0);
        let this = Rc::clone(self);
        let store = Rc::clone(store);
        let task_id = task_id.to_string();
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = store.compact(&task_id).await {
                // The journal still holds every op; only loading gets slower.
                web_sys::console::warn_1(&JsValue::from_str(&format!(
                    "compaction of task {task_id} failed: {e}"
                )));
            }
            this.compacting.set(false);
        });
    }

    /// Writes every queued op in one transaction, for when the page is being hidden or closed
    /// and there is no time for one transaction after another.
    pub fn flush_now(self: &Rc<Self>) {
        let Some(store) = self.store.borrow().clone() else {
            return;
        };
        let ops: Vec<(String, Op)> = self.queue.borrow_mut().drain(..).collect();
        if ops.is_empty() {
            return;
        }
        let this = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            match store.append_all(&ops).await {
                Ok(seqs) => {
                    for ((task_id, op), seq) in ops.iter().zip(seqs) {
                        this.saved(&store, task_id, op, seq).await;
                    }
                }
                Err(e) => {
                    // Put them back in front, in order, so nothing is dropped.
                    let mut q = this.queue.borrow_mut();
                    for item in ops.into_iter().rev() {
                        q.push_front(item);
                    }
                    drop(q);
                    this.journal_failed(&e);
                }
            }
        });
    }

    /// Applies an op another tab journaled for the task open here (see [`crate::sync`]).
    pub fn apply_external(self: &Rc<Self>, task_id: &str, op: &Op) -> Result<bool, String> {
        let open = self
            .session
            .with_untracked(|s| s.editor.task().id == task_id);
        if !open {
            return Ok(false);
        }
        let mut result = Ok(Outcome::default());
        self.session
            .update(|s| result = s.editor.apply_external(op));
        let outcome = result.map_err(|e| e.to_string())?;
        // Not committed here (it is already journaled); the document's indexes followed it.
        self.emit_change();
        self.after(outcome);
        Ok(true)
    }
}
