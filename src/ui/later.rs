//! Parts of the interface whose code loads on first use (see `crate::on_demand`): from the
//! `panels` chunk the export panel, the dataset health page, the help overlay, the team panel
//! (tasks, gallery, review, quality, project editor) and the review overlay; from `side` the
//! side bar (classes, annotation list and the panels under it), the image strip, the minimap
//! and the active tool's settings; from `cloud` the bucket's controls. (The upload state stays
//! in the main module: it must say why uploads wait when the `cloud` chunk cannot be fetched.)
//!
//! A split function hands back the part's constructor ([`Make`]) rather than a built view, so
//! the part is built where it is mounted, under the owner of the place that shows it. The
//! side panels are fetched as soon as the editor is up; the toolbar's parts when the pointer
//! or the focus reaches their button (so they open at once, and a visit that never opens them
//! never downloads them); the team's when a project opens and the bucket's when a cloud is
//! configured, so a labeller outside a team, or without a bucket, never downloads them.

use super::words::Words;
use crate::app::Runtime;
use crate::on_demand::{at_once, languages, split, NotLoaded};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::future::Future;
use std::rc::Rc;

/// The signals a part shares with the button that shows it.
#[derive(Clone, Copy)]
pub struct Toggles {
    /// Whether the part is open.
    pub open: RwSignal<bool>,
    /// Whether a project is open (the health page offers its scopes).
    pub in_team: RwSignal<bool>,
}

impl Toggles {
    /// Both off.
    pub fn new() -> Toggles {
        Toggles {
            open: RwSignal::new(false),
            in_team: RwSignal::new(false),
        }
    }
}

/// Builds a part.
pub type Make = fn(Rc<Runtime>, Toggles) -> AnyView;

/// When a part is fetched.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Fetch {
    /// As soon as the editor is up (the side bar, the strip, the minimap and the tool
    /// settings, on screen from the start; `mount` resolves once they are in).
    Early,
    /// When the person heads for it: the signal turns true (the pointer over its button, the
    /// button focused), so it usually opens at once; at the latest when it is shown. The
    /// toolbar's parts: a visit that never opens them never downloads them.
    OnIntent(RwSignal<bool>),
    /// The first time it is shown.
    WhenShown,
}

/// The part `load` fetches, mounted while `shown`: nothing until its chunk is in, a line saying
/// why if it cannot be fetched (showing it again tries again).
pub fn when<F>(
    runtime: &Rc<Runtime>,
    shown: impl Fn() -> bool + Send + Sync + 'static,
    toggles: Toggles,
    fetch: Fetch,
    load: fn() -> F,
) -> impl IntoView
where
    F: Future<Output = Result<Make, NotLoaded>> + 'static,
{
    let locale = runtime.locale;
    let words = Words(locale);
    let loaded: RwSignal<Option<Result<Make, NotLoaded>>> = RwSignal::new(None);
    let fetching = StoredValue::new(false);
    let start = move || {
        if fetching.get_value() {
            return;
        }
        // Already in, with the words it shows: at once, without a turn of the event loop.
        if lasso_core::i18n::english_panels_installed() {
            if let Some(done) = at_once(load()) {
                loaded.set(Some(done));
                return;
            }
        }
        fetching.set_value(true);
        wasm_bindgen_futures::spawn_local(async move {
            let (done, words) = futures::join!(load(), languages::load_panel_words(locale));
            fetching.set_value(false);
            // Without its words the part would show ids: it waits as it would for its code.
            loaded.try_set(Some(done.and_then(|make| words.map(|()| make))));
        });
    };
    if fetch == Fetch::Early {
        start();
    }
    let intent = match fetch {
        Fetch::OnIntent(intent) => Some(intent),
        Fetch::Early | Fetch::WhenShown => None,
    };
    let shown = Memo::new(move |_| shown());
    Effect::new(move |_| {
        // Both read, so that heading for the button again retries a failed fetch even once
        // the part has been shown.
        let (shown, heading) = (shown.get(), intent.is_some_and(|i| i.get()));
        let wanted = shown || heading;
        let retry = loaded.with_untracked(|l| !matches!(l, Some(Ok(_))));
        if wanted && retry {
            start();
        }
    });
    let runtime = SendWrapper::new(Rc::clone(runtime));
    move || {
        if !shown.get() {
            return None;
        }
        Some(match loaded.get()? {
            Ok(make) => untrack(|| make(Rc::clone(&runtime), toggles)),
            Err(NotLoaded) => view! {
                <p class="lasso-unavailable" role="alert">
                    {words.t("app.part_unavailable")}
                </p>
            }
            .into_any(),
        })
    }
}

split! {
    panels;
    /// The export panel, shown while `open`.
    pub fn export_dialog() -> Result<Make, NotLoaded> {
        Ok(|runtime, toggles| {
            view! { <super::export::ExportDialog runtime=runtime open=toggles.open/> }.into_any()
        })
    }
}

split! {
    panels;
    /// The dataset health page, shown while `open`.
    pub fn health_page() -> Result<Make, NotLoaded> {
        Ok(|runtime, t| {
            view! { <super::health::HealthPage runtime=runtime open=t.open in_team=t.in_team/> }
                .into_any()
        })
    }
}

split! {
    panels;
    /// The list of hotkeys (asked for with `?`).
    pub fn help_overlay() -> Result<Make, NotLoaded> {
        Ok(|runtime, _| view! { <super::help::HelpOverlay runtime=runtime/> }.into_any())
    }
}

split! {
    panels;
    /// The team panel (a project is open).
    pub fn team_panel() -> Result<Make, NotLoaded> {
        Ok(|runtime, _| view! { <super::team::TeamPanel runtime=runtime/> }.into_any())
    }
}

split! {
    panels;
    /// The review overlay (reviewing, or a team task with its rework's pins).
    pub fn review_overlay() -> Result<Make, NotLoaded> {
        Ok(|runtime, _| view! { <super::review::ReviewOverlay runtime=runtime/> }.into_any())
    }
}

split! {
    side, preload load_side;
    /// The side bar: the classes, the annotation list and, under it, the model, the
    /// predictions under review, the selected shape's attributes and the local datasets.
    pub fn side_panels() -> Result<Make, NotLoaded> {
        Ok(|runtime, _| {
            view! {
                <super::labels::ClassesPanel runtime=Rc::clone(&runtime)/>
                <super::list::ObjectList runtime=Rc::clone(&runtime)/>
                <super::model::ModelPanel runtime=Rc::clone(&runtime)/>
                <super::predictions::PredictionsPanel runtime=Rc::clone(&runtime)/>
                <super::attributes::AttributesPanel runtime=Rc::clone(&runtime)/>
                <super::local::LocalDatasets runtime=runtime/>
            }
            .into_any()
        })
    }
}

split! {
    side;
    /// The active tool's settings in the toolbar (brush size, wand tolerance, …).
    pub fn tool_options() -> Result<Make, NotLoaded> {
        Ok(|runtime, _| {
            let session = runtime.session;
            let words = Words(runtime.locale);
            let tool = Memo::new(move |_| session.with(|s| s.editor.tool().name()));
            (move || super::mask_controls(session, words, tool.get())).into_any()
        })
    }
}

split! {
    side;
    /// The minimap over the stage (it shows itself once part of the image is out of view).
    pub fn minimap() -> Result<Make, NotLoaded> {
        Ok(|runtime, _| view! { <super::minimap::Minimap runtime=runtime/> }.into_any())
    }
}

split! {
    side;
    /// The strip of the images the editor moves through, under the image.
    pub fn image_strip() -> Result<Make, NotLoaded> {
        Ok(|runtime, _| view! { <super::strip::ImageStrip runtime=runtime/> }.into_any())
    }
}

split! {
    cloud;
    /// The bucket's controls in the toolbar (open a task from the bucket, upload images), shown
    /// while a cloud is configured; from the chunk that sends uploads.
    pub fn bucket_controls() -> Result<Make, NotLoaded> {
        Ok(|runtime, _| view! { <super::uploads::Uploads runtime=runtime/> }.into_any())
    }
}

split! {
    side;
    /// Reads the list of local datasets (`crate::local::refresh`), in the side bar's chunk:
    /// only the side bar shows it.
    pub fn listing_local_datasets(
        shared: Rc<crate::state::Shared>,
    ) -> Result<crate::on_demand::Later<()>, NotLoaded> {
        Ok(Box::pin(async move { crate::local::refresh(&shared).await }))
    }
}

/// Loads the side bar's chunk: `mount` resolves once it is in (or could not be fetched), so
/// the side bar, the strip and the minimap need no further download.
pub async fn preload_side() {
    let _ = load_side().await;
}
