//! The app controller of one mounted editor: the single path every edit takes, and what
//! follows it (journal, host events, uploads, other tabs).
//!
//! [`Runtime`] sits above every adapter: it owns the journal queue ([`journal`]), the cloud
//! and tab-sync handles and the renderer's state, and opens tasks ([`open`]). The adapters
//! below it (`view`, `cloud`, `sync`, `local`, `export`) see only [`Shared`] and what they are
//! handed, so no module below imports this one.

pub mod journal;
pub mod ml;
pub mod open;
pub mod remote;
pub mod review;
pub mod sources;
pub mod strip;
pub mod team;
pub mod tool_input;

use crate::cloud::{Cloud, UploadStatus};
use crate::events::EventName;
use crate::state::{SaveState, Session, Shared};
use crate::sync::TabSync;
use crate::view::render::RenderState;
use lasso_core::edit::{Editor, Modifiers, Outcome, PointerEvent, PointerKind};
use lasso_core::history::Op;
use lasso_core::model::LabelSet;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::ops::Deref;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// The editor's colours: dark, light, or as the system prefers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Dark (the default).
    Dark,
    /// Light.
    Light,
    /// The system's preference (`prefers-color-scheme`).
    System,
}

impl Theme {
    /// Reads `dark`, `light` or `system`; the error names what is accepted.
    pub fn parse(name: &str) -> Result<Theme, String> {
        match name {
            "dark" => Ok(Theme::Dark),
            "light" => Ok(Theme::Light),
            "system" => Ok(Theme::System),
            other => Err(format!("theme {other:?} is not one of dark, light, system")),
        }
    }

    /// The name, as the root element's `data-theme` carries it.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Dark => "dark",
            Theme::Light => "light",
            Theme::System => "system",
        }
    }
}

/// What `mount` was given that every opened task inherits.
#[derive(Clone, Debug, Default)]
pub struct MountDefaults {
    /// Labels and tags for tasks that bring none.
    pub labels: LabelSet,
    /// Prefix of new annotation ids (unique per person and tab).
    pub id_prefix: String,
}

/// One mounted editor: the shared state plus what only the controller touches.
pub struct Runtime {
    /// The state the adapters below share (session, image, store, banner, host events).
    pub shared: Rc<Shared>,
    /// Journal state shown in the toolbar.
    pub save_state: RwSignal<SaveState>,
    /// Space is held: a left drag pans.
    pub space_held: Cell<bool>,
    /// Last pointer position over the canvas, CSS pixels.
    pub cursor: Cell<Option<(f64, f64)>>,
    /// Uploads to the user's bucket, when configured.
    pub cloud: RefCell<Option<Rc<Cloud>>>,
    /// What the upload status line shows (`None` without a cloud).
    pub uploads: RwSignal<Option<UploadStatus>>,
    /// Why edits are not reaching IndexedDB, if they are not; the UI then offers an export.
    pub storage_warning: RwSignal<Option<String>>,
    /// Live sync with other tabs on the same database (see [`crate::sync`]).
    pub sync: RefCell<Option<TabSync>>,
    /// What every opened task inherits from the mount options.
    pub defaults: RefCell<MountDefaults>,
    /// The renderer's plan and bitmaps, kept between frames.
    pub render: Rc<RefCell<RenderState>>,
    /// Team work in a project (mount option `cloud.project`).
    pub team: RefCell<Option<Rc<team::TeamSession>>>,
    /// What the team panel shows (empty without a project).
    pub team_view: RwSignal<team::TeamView>,
    /// What the review panel and the canvas overlay show (empty outside a review).
    pub review_view: RwSignal<review::ReviewView>,
    /// The model backend the host gave (mount option `ml`); a project's own is used otherwise.
    pub ml_options: RefCell<Option<lasso_core::ml::MlSettings>>,
    /// The host's own `predict(task, context)` (mount option `predict`), asked instead of a
    /// backend.
    pub ml_host: RefCell<Option<js_sys::Function>>,
    /// The backend and labels the backend was last set up for.
    pub ml_ready: RefCell<Option<String>>,
    /// What the model panel shows.
    pub ml_view: RwSignal<ml::MlView>,
    /// The generation of segmentation prompts last sent to the model.
    pub segment_sent: Cell<u64>,
    /// The list of every hotkey is shown (`?`).
    pub help_open: RwSignal<bool>,
    /// The colour theme (mount option `theme`, `setTheme`).
    pub theme: RwSignal<Theme>,
    journal: journal::JournalQueue,
    waiting: tool_input::Waiting,
}

/// Starts uploads for `runtime` (mount option `cloud`): the queue opens and drains, and the
/// status line shows it.
pub async fn start_cloud(
    runtime: &Rc<Runtime>,
    config: crate::cloud::CloudConfig,
    storage: &str,
) -> Result<(), String> {
    let cloud = Cloud::start(&runtime.shared, config, storage, runtime.uploads).await?;
    *runtime.cloud.borrow_mut() = Some(cloud);
    Ok(())
}

impl Runtime {
    /// The uploads of this editor, when mounted with `cloud`.
    pub fn cloud(&self) -> Option<Rc<Cloud>> {
        self.cloud.borrow().clone()
    }

    /// The image address to load: bucket keys through a presigned `GET` when a cloud is set,
    /// anything else as it is.
    pub async fn display_src(&self, src: &str) -> String {
        match self.cloud() {
            Some(cloud) => crate::cloud::display_src(&self.shared, &cloud, src).await,
            None => src.to_string(),
        }
    }

    /// Starts the upload drain loop now, when a cloud is configured.
    pub fn kick_uploads(&self) {
        let cloud = self.cloud.borrow().clone();
        if let Some(cloud) = cloud {
            crate::cloud::kick(&self.shared, &cloud);
        }
    }
}

impl Deref for Runtime {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.shared
    }
}

impl Runtime {
    /// A runtime around a fresh session.
    pub fn new(session: Session) -> Rc<Self> {
        Rc::new(Self {
            shared: Shared::new(session),
            save_state: RwSignal::new(SaveState::Saved),
            space_held: Cell::new(false),
            cursor: Cell::new(None),
            cloud: RefCell::new(None),
            uploads: RwSignal::new(None),
            storage_warning: RwSignal::new(None),
            sync: RefCell::new(None),
            defaults: RefCell::new(MountDefaults::default()),
            render: Rc::new(RefCell::new(RenderState::default())),
            team: RefCell::new(None),
            team_view: RwSignal::new(team::TeamView::default()),
            review_view: RwSignal::new(review::ReviewView::default()),
            ml_options: RefCell::new(None),
            ml_host: RefCell::new(None),
            ml_ready: RefCell::new(None),
            ml_view: RwSignal::new(ml::MlView::default()),
            segment_sent: Cell::new(0),
            help_open: RwSignal::new(false),
            theme: RwSignal::new(Theme::Dark),
            journal: journal::JournalQueue::default(),
            waiting: tool_input::Waiting::default(),
        })
    }

    /// Leaves a review (its layers must not cover another task's image); the reviewer's copy
    /// stays open as a task.
    pub fn leave_review(&self) {
        self.review_view.update(review::ReviewView::close);
    }

    /// Runs `f` on the core editor and then does everything its outcome asks for.
    pub fn dispatch(self: &Rc<Self>, f: impl FnOnce(&mut Editor) -> Outcome) {
        self.note_input();
        let mut outcome = Outcome::default();
        self.session.update(|s| outcome = f(&mut s.editor));
        self.after(outcome);
        ml::follow_segment(self);
    }

    /// Hands input to the active tool as [`Self::dispatch`] does, or, while the tool's code is
    /// still on its way, holds it until it is in, fetching it ([`tool_input`]).
    pub fn tool_input(self: &Rc<Self>, input: impl FnOnce(&mut Editor) -> Outcome + 'static) {
        let tool = self.session.with_untracked(|s| s.editor.tool().name());
        if self.waiting.must_wait(tool) {
            tool_input::hold(self, tool, Box::new(input));
        } else {
            self.dispatch(input);
        }
    }

    /// [`Self::tool_input`] for what only follows a deliberate input (a hover, the rest of a
    /// drag, the pointer leaving or lost): while the tool's code is on its way it waits only
    /// behind input that waits, and alone it is dropped (there is nothing to follow) without
    /// fetching anything.
    pub fn passive_tool_input(
        self: &Rc<Self>,
        input: impl FnOnce(&mut Editor) -> Outcome + 'static,
    ) {
        let tool = self.session.with_untracked(|s| s.editor.tool().name());
        if !self.waiting.must_wait(tool) {
            self.dispatch(input);
        } else if self.waiting.has_input() {
            tool_input::hold(self, tool, Box::new(input));
        }
    }

    /// Hands a pointer event in canvas CSS pixels to the active tool.
    pub fn pointer(self: &Rc<Self>, kind: PointerKind, x: f64, y: f64, mods: Modifiers) {
        if kind == PointerKind::Down {
            self.load_pixels_for_tools();
        }
        let (pos, scale) = self
            .session
            .with_untracked(|s| (s.to_image(x, y), s.viewport.scale()));
        if self.pointer.get_untracked() != Some(pos) {
            self.pointer.set(Some(pos));
        }
        let ev = PointerEvent {
            kind,
            pos,
            mods,
            scale,
        };
        if kind == PointerKind::Down {
            self.tool_input(move |editor| editor.pointer(ev));
        } else {
            self.passive_tool_input(move |editor| editor.pointer(ev));
        }
    }

    /// Opens the next (`delta` = 1) or previous (-1) image of the strip (a local dataset or
    /// the bucket's task list). Each task's edits are journaled, so its work is there when it
    /// is opened again. Without a strip nothing happens.
    pub fn step_task(self: &Rc<Self>, delta: isize) {
        strip::step(self, delta);
    }

    /// The task id of `key` when it is a manifest of the project this editor works in.
    fn project_task_of(&self, key: &str) -> Option<String> {
        let team = self.team.borrow().clone()?;
        let keys = lasso_core::team::ProjectKeys::new(&team.project).ok()?;
        keys.task_of_manifest(key).map(str::to_owned)
    }

    /// Opens the manifest at `key`: a task of this editor's project through the team (its
    /// lease and the person's result from the bucket), any other from the bucket as it is.
    pub async fn open_key(self: &Rc<Self>, key: &str) -> Result<(), String> {
        match self.project_task_of(key) {
            Some(task) => remote::call(self, remote::Call::Open(task)).await.map(drop),
            None => open::open_cloud_key(self, key).await,
        }
    }

    /// [`Self::open_key`] without waiting; a failure is reported in the banner.
    pub fn open_key_in_background(self: &Rc<Self>, key: String) {
        let runtime = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = runtime.open_key(&key).await {
                runtime.fail(e);
            }
        });
    }

    /// The magic wand and the scissors read the image's pixels: a whole image's are copied out
    /// of it the first time either is used on it; a tiled image's are the part in view at the
    /// view's resolution (at most full resolution), read again at each click — but not while
    /// the scissors trace a path, which stays on the pixels it began on.
    fn load_pixels_for_tools(&self) {
        let (needed, has_pixels, busy) = self.session.with_untracked(|s| {
            (
                s.image_ready
                    && matches!(
                        s.editor.tool().name(),
                        lasso_core::edit::ToolName::Wand | lasso_core::edit::ToolName::Scissors
                    ),
                s.editor.has_pixels(),
                s.editor.tool().is_busy(),
            )
        });
        if !needed {
            return;
        }
        let pixels = match self.image.borrow().clone() {
            Some(_) if has_pixels => return,
            Some(img) => crate::view::render::image_pixels(&img).map(|(width, height, rgba)| {
                Some(lasso_core::edit::mask_tool::Pixels {
                    width,
                    height,
                    rgba: std::sync::Arc::new(rgba),
                    ..Default::default()
                })
            }),
            None if busy => return,
            None => crate::view::tiles::view_pixels(&self.shared),
        };
        match pixels {
            Ok(Some(pixels)) => self.session.update(|s| s.editor.set_pixels(pixels)),
            Ok(None) => {}
            Err(e) => self.fail_say("tools.no_pixels", &[("error", &e)]),
        }
    }

    /// Counts a person's input towards the open team task's active time.
    fn note_input(&self) {
        if let Some(team) = self.team.borrow().as_ref() {
            team.input();
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
            Err(e) => self.fail_say(
                if undo {
                    "history.undo_failed"
                } else {
                    "history.redo_failed"
                },
                &[("error", &e)],
            ),
        }
    }

    /// Journals committed ops and notifies the host of changes and selection.
    pub fn after(self: &Rc<Self>, outcome: Outcome) {
        if let Some(why) = &outcome.refused {
            self.fail(why.clone());
        }
        if !outcome.committed.is_empty() {
            // The document's indexes followed the ops as they were applied; the renderer
            // catches up from its change log on the next frame.
            let task_id = self.session.with_untracked(|s| s.editor.task().id.clone());
            self.emit_change();
            self.journal_ops(&task_id, outcome.committed);
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
