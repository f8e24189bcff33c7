//! The state every adapter reads: the reactive [`Session`] (the core editor, the viewport) and
//! [`Shared`], the handles that the view, storage, cloud and sync modules may use without
//! knowing about the app controller above them.
//!
//! Nothing here decides anything: `Session` is plain data over `lasso-core`, and `Shared`
//! only reports (the banner, host events) and holds what cannot live in a signal.

use crate::events::{EventName, Listeners};
use crate::store::Store;
use lasso_core::edit::{Editor, Keymap, Overlay};
use lasso_core::model::{AnnotationId, Point};
use lasso_core::tiles::sparse::SparseFile;
use lasso_core::tiles::TileLoader;
use lasso_core::viewport::Viewport;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
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
        let doc = self.editor.document();
        let shapes = self
            .editor
            .selection()
            .iter()
            .filter_map(|id| doc.annotation(id))
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

/// What the canvas draws from: a frame is due exactly when this changes.
#[derive(Clone, Debug, PartialEq)]
pub struct Drawn {
    /// The document's identity and revision.
    pub doc: (u64, u64),
    /// The selected ids.
    pub selection: Vec<AnnotationId>,
    /// What the active tool shows (preview, handles, guides, brush).
    pub overlay: Overlay,
    /// Image → screen transform and the view's size.
    pub view: (Viewport, (f64, f64)),
    /// Fill opacity.
    pub opacity: f64,
    /// Whether the image has loaded.
    pub image_ready: bool,
}

/// Signals derived from the session, each as fine as what reads it: a pointer move that only
/// moves the pointer wakes the status bar, not the panels that count the document's shapes.
/// Each is a memo over the session, cheap to recompute (identity and revision numbers, the
/// selection, the overlay) and notifying its readers only when its value changes.
///
/// Read them (`get`, `with`) rather than only `track` them: a memo is lazy, and only reading it
/// evaluates it and so subscribes it to the session.
#[derive(Clone, Copy)]
pub struct Watch {
    /// The document's identity and revision: changes exactly when annotations or tags change or
    /// another task opens. Panels that read the task track this, not the session.
    pub doc: Memo<(u64, u64)>,
    /// The selected ids.
    pub selection: Memo<Vec<AnnotationId>>,
    /// Everything a frame is drawn from.
    pub drawn: Memo<Drawn>,
}

impl Watch {
    /// The derived signals of `session`.
    pub fn new(session: RwSignal<Session>) -> Self {
        let doc = Memo::new(move |_| {
            session.with(|s| {
                let d = s.editor.document();
                (d.identity(), d.revision())
            })
        });
        let selection = Memo::new(move |_| session.with(|s| s.editor.selection().to_vec()));
        let drawn = Memo::new(move |_| {
            session.with(|s| {
                let d = s.editor.document();
                Drawn {
                    doc: (d.identity(), d.revision()),
                    selection: s.editor.selection().to_vec(),
                    overlay: s.editor.overlay(s.viewport.scale()),
                    view: (s.viewport, s.view_size),
                    opacity: s.opacity,
                    image_ready: s.image_ready,
                }
            })
        });
        Self {
            doc,
            selection,
            drawn,
        }
    }
}

/// A tile as the browser holds it.
#[derive(Clone)]
pub enum TileHandle {
    /// Deep Zoom and IIIF tiles: the image element that requested and decoded it.
    Image(HtmlImageElement),
    /// A tiled TIFF's tile or a stored one: a canvas holding its pixels, and what abandons
    /// its reading.
    Canvas(web_sys::HtmlCanvasElement, web_sys::AbortController),
}

/// Signs the object key of a tile into a URL to read it by (a presigned `GET`).
pub type SignTile = Rc<
    dyn Fn(String) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, String>>>>,
>;

/// How the tiles of a Deep Zoom pyramid in the project's bucket are read: each tile's key,
/// beside the descriptor's, signed on its own (a presigned URL is good for one key only).
#[derive(Clone)]
pub struct TileSigning {
    /// The descriptor's object key; tile keys are written relative to it.
    pub descriptor: String,
    /// Signs one tile's key.
    pub sign: SignTile,
}

/// A message for the banner: a catalogue message with its placeholders, written again in the
/// interface's language whenever that changes, or a text made elsewhere (a host's error).
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// Message `id` of the catalogue with its placeholders' values.
    Message(&'static str, Vec<(String, String)>),
    /// A text as it is.
    Text(String),
}

impl Notice {
    /// The message in `locale`.
    pub fn text(&self, locale: lasso_core::i18n::Locale) -> String {
        match self {
            Notice::Message(id, args) => {
                let args: Vec<(&str, &dyn std::fmt::Display)> = args
                    .iter()
                    .map(|(k, v)| (k.as_str(), v as &dyn std::fmt::Display))
                    .collect();
                lasso_core::i18n::format(locale, id, &args)
            }
            Notice::Text(text) => text.clone(),
        }
    }
}

/// What the adapters below the app controller share: the reactive session, the image, the
/// store, and the two ways to tell people something (the banner and the host's events).
pub struct Shared {
    /// The reactive session.
    pub session: RwSignal<Session>,
    /// Derived signals of the session, as fine as their readers.
    pub watch: Watch,
    /// The image pixel under the pointer, for the status bar (apart from the session, so that
    /// moving the pointer wakes only what shows it).
    pub pointer: RwSignal<Option<Point>>,
    /// A message shown in the error banner.
    pub banner: RwSignal<Option<Notice>>,
    /// The language of the interface (mount option `locale`, `setLocale`).
    pub locale: RwSignal<lasso_core::i18n::Locale>,
    /// The language asked for last, which `locale` follows once its words are in (see
    /// [`Shared::speak`]).
    pub locale_asked: Cell<lasso_core::i18n::Locale>,
    /// The image being labelled (a plain image, decoded whole).
    pub image: RefCell<Option<HtmlImageElement>>,
    /// A large plain image decoded at full resolution off the main thread, drawn instead of
    /// the element at full zoom (the browser would decode the element there, on the main
    /// thread, the first time it is drawn at full size: ~0.5 s for 100 MP).
    pub image_bitmap: RefCell<Option<web_sys::ImageBitmap>>,
    /// The URL of the image being opened or shown, plain or tiled: a descriptor that arrives
    /// after another image was opened is dropped.
    pub image_src: RefCell<String>,
    /// The tiles of a tiled image (Deep Zoom, IIIF, tiled TIFF): kept, loading and failed.
    pub tiles: RefCell<Option<TileLoader<TileHandle>>>,
    /// The byte ranges read so far of a tiled TIFF (empty for other images).
    pub tile_file: RefCell<SparseFile>,
    /// Grows each time a tile or a full-resolution bitmap arrives, so the stage draws again.
    pub tiles_arrived: RwSignal<u64>,
    /// IndexedDB, when available.
    pub store: RefCell<Option<Rc<Store>>>,
    /// Host callbacks by event.
    pub listeners: Listeners,
    /// The local datasets in IndexedDB, as listed in the side panel.
    pub local_datasets: RwSignal<Vec<crate::store::DatasetInfo>>,
    /// The images the editor moves through (a local dataset or the bucket's task list).
    pub strip: RwSignal<crate::strip::Strip>,
    /// Picked images the browser's storage could not keep (over its quota, or no IndexedDB),
    /// by task id: their `idb:` sources resolve to these files until the page closes.
    pub unstored_images: RefCell<std::collections::HashMap<String, web_sys::Blob>>,
    /// Local images being cut into a stored tile pyramid in a worker, by task id, with rows
    /// done and rows in all (the status bar shows the open image's).
    pub cutting: RwSignal<std::collections::HashMap<String, (u32, u32)>>,
    /// Set while the open image is a Deep Zoom pyramid in the bucket: how its tiles are signed.
    pub tile_signing: RefCell<Option<TileSigning>>,
}

impl Shared {
    /// The message `id` of the catalogue in the interface's language now, placeholders filled
    /// (for messages made outside a view: banners, errors).
    pub fn say(&self, id: &'static str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        lasso_core::i18n::format(self.locale.get_untracked(), id, args)
    }

    /// Why an action failed when the part of the editor it needs could not be downloaded
    /// (`crate::on_demand::NotLoaded`), in the interface's language.
    pub fn part_unavailable(&self) -> String {
        self.say("app.part_unavailable", &[])
    }

    /// The plural message `id` for `count` things, as [`Shared::say`].
    pub fn say_n(
        &self,
        id: &'static str,
        count: usize,
        args: &[(&str, &dyn std::fmt::Display)],
    ) -> String {
        lasso_core::i18n::plural(self.locale.get_untracked(), id, count as u64, args)
    }

    /// Makes the interface speak `locale` once its words are in (at once when they are; see
    /// `crate::on_demand::languages`). The last language asked for wins, even if an earlier
    /// one arrives later. When the words cannot be fetched (offline before the language was
    /// ever used) the interface keeps its language, the banner says why, and asking again
    /// tries again.
    pub async fn speak(&self, locale: lasso_core::i18n::Locale) {
        self.locale_asked.set(locale);
        if crate::on_demand::languages::load(locale).await.is_err() {
            if self.locale_asked.get() == locale {
                self.locale_asked.set(self.locale.get_untracked());
                self.fail_say("app.part_unavailable", &[]);
            }
            return;
        }
        if self.locale_asked.get() == locale {
            self.locale.set(locale);
        }
    }

    /// [`Shared::speak`] without waiting: the language changes at once when its words are
    /// in, otherwise when they arrive.
    pub fn speak_soon(self: &Rc<Self>, locale: lasso_core::i18n::Locale) {
        if locale.is_installed() {
            self.locale_asked.set(locale);
            self.locale.set(locale);
            return;
        }
        let shared = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move { shared.speak(locale).await });
    }

    /// Shared state around a fresh session.
    pub fn new(session: Session) -> Rc<Self> {
        let session = RwSignal::new(session);
        Rc::new(Self {
            session,
            watch: Watch::new(session),
            pointer: RwSignal::new(None),
            banner: RwSignal::new(None),
            locale: RwSignal::new(lasso_core::i18n::Locale::En),
            locale_asked: Cell::new(lasso_core::i18n::Locale::En),
            image: RefCell::new(None),
            image_bitmap: RefCell::new(None),
            image_src: RefCell::new(String::new()),
            tiles: RefCell::new(None),
            tile_file: RefCell::new(SparseFile::default()),
            tiles_arrived: RwSignal::new(0),
            store: RefCell::new(None),
            listeners: Listeners::default(),
            local_datasets: RwSignal::new(Vec::new()),
            strip: RwSignal::new(crate::strip::Strip::default()),
            unstored_images: RefCell::new(std::collections::HashMap::new()),
            cutting: RwSignal::new(std::collections::HashMap::new()),
            tile_signing: RefCell::new(None),
        })
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
        self.report(Notice::Text(message));
    }

    /// Reports message `id` of the catalogue (see [`Shared::say`]); the banner writes it again
    /// in the interface's language if that changes while it shows.
    pub fn fail_say(&self, id: &'static str, args: &[(&str, &dyn std::fmt::Display)]) {
        let args = args
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.report(Notice::Message(id, args));
    }

    fn report(&self, notice: Notice) {
        let message = notice.text(self.locale.get_untracked());
        web_sys::console::error_1(&JsValue::from_str(&message));
        self.banner.set(Some(notice));
        self.emit(EventName::Error, &JsValue::from_str(&message));
    }
}
