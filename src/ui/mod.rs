//! Leptos components. They hold no geometry or format logic: every handler forwards a DOM event
//! to the [`Runtime`], and every view reads the session through a memo.

mod attributes;
pub mod banner;
mod canvas;
mod checks;
mod export;
mod gallery;
mod health;
mod help;
mod icons;
mod keys;
mod labels;
mod later;
mod list;
mod local;
mod minimap;
mod model;
mod model_settings;
mod predictions;
mod project_editor;
mod quality;
mod review;
mod storage;
mod strip;
mod team;
mod uploads;
pub mod words;

pub use keys::fold_key;
pub use later::{listing_local_datasets, preload_side};

use crate::app::Runtime;
use crate::state::{SaveState, Session};
use lasso_core::edit::{Action, ToolName};
use leptos::prelude::*;
use std::rc::Rc;
use web_sys::HtmlElement;
use words::Words;

/// Mounts the editor UI into `element`; dropping the returned handle unmounts it.
pub fn mount_app(element: HtmlElement, runtime: Rc<Runtime>) -> Box<dyn std::any::Any> {
    let handle = leptos::mount::mount_to(element, move || view! { <App runtime=runtime/> });
    Box::new(handle)
}

/// Settings of the mask tools, shown while one of them is active: brush size (`[` `]`) and
/// exclusive painting for the brush and eraser, tolerance for the magic wand.
pub(crate) fn mask_controls(
    session: RwSignal<Session>,
    words: Words,
    tool: ToolName,
) -> Option<AnyView> {
    let options = move || session.with(|s| s.editor.mask_options().clone());
    let set = move |f: &dyn Fn(&mut lasso_core::edit::mask_tool::MaskOptions)| {
        session.update(|s| {
            let mut o = s.editor.mask_options().clone();
            f(&mut o);
            s.editor.set_mask_options(o);
        })
    };
    match tool {
        ToolName::Brush | ToolName::Eraser => Some(
            view! {
                <span class="lasso-brush-size" title=move || words.t("mask.size_title")>
                    {move || words.f("mask.size", &[("size", &words.num(options().radius * 2.0, 0))])}
                </span>
                <label class="lasso-exclusive" title=move || words.t("mask.exclusive_title")>
                    <input type="checkbox" prop:checked=move || options().exclusive
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            set(&|o| o.exclusive = on);
                        }/>
                    {move || words.t("mask.exclusive")}
                </label>
            }
            .into_any(),
        ),
        ToolName::Wand => Some(
            view! {
                <label class="lasso-tolerance" title=move || words.t("mask.tolerance_title")>
                    {move || words.t("mask.tolerance")}
                    <input type="range" min="0" max="255" step="1"
                        prop:value=move || options().tolerance.to_string()
                        on:input=move |ev| {
                            if let Ok(t) = event_target_value(&ev).parse::<u8>() {
                                set(&|o| o.tolerance = t);
                            }
                        }/>
                </label>
            }
            .into_any(),
        ),
        ToolName::Segment => Some(
            view! {
                <label class="lasso-segment-polygons" title=move || words.t("mask.as_polygons_title")>
                    <input type="checkbox" prop:checked=move || options().segment_polygons
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            set(&|o| o.segment_polygons = on);
                        }/>
                    {move || words.t("mask.as_polygons")}
                </label>
                <span class="lasso-segment-hint">{move || words.t("mask.segment_hint")}</span>
            }
            .into_any(),
        ),
        _ => None,
    }
}

#[component]
fn App(runtime: Rc<Runtime>) -> impl IntoView {
    let session = runtime.session;
    let watch = runtime.watch;
    let runtime_locale = runtime.locale;
    let words = Words(runtime_locale);
    let tool = Memo::new(move |_| session.with(|s| s.editor.tool().name()));
    let current_label = Memo::new(move |_| session.with(|s| s.editor.label().to_string()));
    let labels = Memo::new(move |_| {
        watch.doc.with(|_| ());
        session.with_untracked(|s| s.editor.task().labels.labels.clone())
    });
    let zoom = Memo::new(move |_| session.with(|s| (s.viewport.scale() * 100.0).round()));
    let opacity = Memo::new(move |_| session.with(|s| s.opacity));
    // The pixel under the pointer (pixel (x, y) covers [x, x+1) × [y, y+1)) and a hint for the
    // keypoint placed next.
    let pointer = runtime.pointer;
    let coords = Memo::new(move |_| {
        watch.doc.with(|_| ());
        let p = pointer.get();
        session.with_untracked(|s| {
            let image = &s.editor.task().image;
            p.filter(|p| {
                p.x >= 0.0
                    && p.y >= 0.0
                    && p.x < f64::from(image.width)
                    && p.y < f64::from(image.height)
            })
            .map(|p| {
                words.f(
                    "status.pointer",
                    &[
                        ("x", &words.num(p.x.floor(), 0)),
                        ("y", &words.num(p.y.floor(), 0)),
                    ],
                )
            })
            .unwrap_or_default()
        })
    });
    let hint = Memo::new(move |_| {
        watch
            .drawn
            .with(|d| d.overlay.next_keypoint.clone())
            .map(|n| words.f("status.next_keypoint", &[("name", &n)]))
            .unwrap_or_default()
    });
    let save_state = runtime.save_state;
    let save_text = move || match save_state.get() {
        SaveState::Saved => words.t("save.saved").to_string(),
        SaveState::Saving(n) => words.n("save.saving", n, &[]),
        SaveState::Failed(_) => words.t("save.failed").to_string(),
    };
    let banner = runtime.banner;
    let root = NodeRef::<leptos::html::Div>::new();
    let on_keydown = keys::keydown_handler(Rc::clone(&runtime));
    let on_keyup = keys::keyup_handler(Rc::clone(&runtime));
    let tool_button = move |name: ToolName| {
        view! {
            <button
                class="lasso-tool"
                class:active=move || tool.get() == name
                aria-pressed=move || (tool.get() == name).to_string()
                data-tool=name.as_str()
                title=move || with_keys(session, words, words.dynamic(&format!("action.{}", name.as_str())), Action::Tool(name))
                aria-label=move || words.dynamic(&format!("tool.{}", name.as_str()))
                on:click=move |_| session.update(|s| s.editor.set_tool(name))
            >
                {icons::tool(name)}
            </button>
        }
    };
    let runtime_theme = runtime.theme;
    let help_open = runtime.help_open;
    let team_view = runtime.team_view;
    let in_team = Memo::new(move |_| team_view.with(|v| v.project.is_some()));
    let uploads = runtime.uploads;
    let help_intent = RwSignal::new(false);
    view! {
        <div class="lasso" tabindex="0" node_ref=root on:keydown=on_keydown on:keyup=on_keyup
            data-theme=move || runtime_theme.get().as_str() lang=move || runtime_locale.get().tag()>
            <div class="lasso-toolbar">
                <For
                    each={move || labels.get().into_iter().enumerate().collect::<Vec<_>>()}
                    key=|(i, l)| (*i, l.name.clone())
                    children=move |(i, l)| {
                        let name = l.name.clone();
                        let active_name = l.name.clone();
                        view! {
                            <button
                                class="lasso-label"
                                class:active=move || current_label.get() == active_name
                                data-label=l.name.clone()
                                on:click=move |_| session.update(|s| { s.editor.set_label(&name); })
                            >
                                <span class="lasso-swatch" style:background=l.color.clone()></span>
                                {l.name.clone()}
                                <kbd>{l.hotkey.clone().unwrap_or_else(|| (i + 1).to_string())}</kbd>
                            </button>
                        }
                    }
                />
                <span class="lasso-sep"></span>
                {later::when(&runtime, || true, later::Toggles::new(), later::Fetch::Early, later::tool_options)}
                <span class="lasso-spacer"></span>
                <label class="lasso-opacity" title=move || words.t("toolbar.fill_title")>
                    {move || words.t("toolbar.fill")}
                    <input type="range" min="0" max="1" step="0.05"
                        prop:value=move || opacity.get().to_string()
                        on:input=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                session.update(|s| s.opacity = v.clamp(0.0, 1.0));
                            }
                        }/>
                </label>
                <span class="lasso-zoom" title=move || words.t("toolbar.zoom_title")>{move || words.f("status.zoom", &[("zoom", &words.num(zoom.get(), 0))])}</span>
                <button class="lasso-zoom-fit" title=move || with_keys(session, words, words.t("action.fit").to_string(), Action::Fit)
                    on:click=move |_| session.update(|s| s.fit())>{move || words.t("toolbar.fit")}</button>
                <button class="lasso-zoom-actual" title=move || with_keys(session, words, words.t("action.zoom_100").to_string(), Action::ZoomActual)
                    on:click=move |_| session.update(|s| s.zoom_actual())>{move || words.t("toolbar.actual")}</button>
                <button class="lasso-zoom-selection" title=move || with_keys(session, words, words.t("action.zoom_selection").to_string(), Action::ZoomSelection)
                    on:click=move |_| session.update(|s| { s.zoom_selection(); })>{move || words.t("toolbar.selection")}</button>
                <export::ExportPanel runtime=Rc::clone(&runtime)/>
                <health::HealthPanel runtime=Rc::clone(&runtime)/>
                <button class="lasso-help-toggle" title=move || with_keys(session, words, words.t("action.help").to_string(), Action::Help)
                    aria-label=move || words.t("help.title")
                    on:pointerenter=move |_| help_intent.set(true)
                    on:focus=move |_| help_intent.set(true)
                    on:click={
                        let open = runtime.help_open;
                        move |_| open.update(|o| *o = !*o)
                    }>"?"</button>
                {later::when(&runtime, move || uploads.with(|u| u.is_some()), later::Toggles::new(), later::Fetch::WhenShown, later::bucket_controls)}
            </div>
            {later::when(&runtime, move || help_open.get(), later::Toggles::new(), later::Fetch::OnIntent(help_intent), later::help_overlay)}
            <div class="lasso-main">
                <storage::StorageWarning runtime=Rc::clone(&runtime)/>
                <Show when=move || banner.with(|b| b.is_some())>
                    <div class="lasso-banner" role="alert">
                        <span>{move || banner.with(|b| b.as_ref().map(|n| n.text(runtime_locale.get())).unwrap_or_default())}</span>
                        <button on:click=move |_| banner.set(None)>{move || words.t("banner.dismiss")}</button>
                    </div>
                </Show>
                <div class="lasso-rail" role="toolbar" aria-orientation="vertical"
                    aria-label=move || words.t("toolbar.tools")>
                    {ToolName::ALL.into_iter().map(tool_button).collect::<Vec<_>>()}
                </div>
                <canvas::Stage runtime=Rc::clone(&runtime) root=root/>
                <aside class="lasso-side">
                    {later::when(&runtime, move || in_team.get(), later::Toggles::new(), later::Fetch::WhenShown, later::team_panel)}
                    {later::when(&runtime, || true, later::Toggles::new(), later::Fetch::Early, later::side_panels)}
                </aside>
            </div>
            {later::when(&runtime, || true, later::Toggles::new(), later::Fetch::Early, later::image_strip)}
            <div class="lasso-status">
                <span class="lasso-image-size" title=move || words.t("status.image_size_title")>{move || {
                    let (w, h) = session.with(|s| (s.editor.task().image.width, s.editor.task().image.height));
                    if w == 0 {
                        String::new()
                    } else {
                        words.f("status.image_size", &[("w", &words.num(f64::from(w), 0)), ("h", &words.num(f64::from(h), 0))])
                    }
                }}</span>
                <span class="lasso-status-zoom">{move || words.f("status.zoom", &[("zoom", &words.num(zoom.get(), 0))])}</span>
                {
                    let cutting = runtime.shared.cutting;
                    move || crate::view::local_tiles::cut_percent(session, cutting).map(|percent| view! {
                        <span class="lasso-cutting" role="status" title=words.t("status.cutting_title")>
                            {words.f("status.cutting", &[("percent", &words.num(f64::from(percent), 0))])}
                        </span>
                    })
                }
                <span class="lasso-coords">{move || coords.get()}</span>
                <span class="lasso-hint">{move || hint.get()}</span>
                <span class="lasso-spacer"></span>
                <span class="lasso-save" role="status" data-state=move || match save_state.get() {
                    SaveState::Saved => "saved",
                    SaveState::Saving(_) => "saving",
                    SaveState::Failed(_) => "failed",
                }>{save_text}</span>
                <uploads::UploadState runtime=Rc::clone(&runtime)/>
            </div>
        </div>
    }
}

/// `text` with the keys bound to `action` now (the host may have remapped them), as tooltips
/// show it: "Draw boxes (B)".
fn with_keys(session: RwSignal<Session>, words: Words, text: String, action: Action) -> String {
    let keys = session.with(|s| {
        s.keymap
            .keys_for(action)
            .iter()
            .map(|k| lasso_core::edit::keymap::key_label(k))
            .collect::<Vec<_>>()
    });
    if keys.is_empty() {
        text
    } else {
        words.f("keys.with", &[("text", &text), ("keys", &keys.join(", "))])
    }
}

/// The text field just before the button a click landed on (the "type a name, press Add" rows
/// of the gallery and the project editor), and its trimmed text.
pub(crate) fn input_before(
    ev: &leptos::ev::MouseEvent,
) -> Option<(web_sys::HtmlInputElement, String)> {
    use wasm_bindgen::JsCast;
    let input = ev
        .target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .previous_element_sibling()?
        .dyn_into::<web_sys::HtmlInputElement>()
        .ok()?;
    let text = input.value().trim().to_string();
    Some((input, text))
}
