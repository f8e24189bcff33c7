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
mod keys;
mod labels;
mod local;
mod minimap;
mod model;
mod model_settings;
mod predictions;
mod project_editor;
mod quality;
mod review;
mod storage;
mod team;
mod uploads;

use crate::app::Runtime;
use crate::state::{SaveState, Session};
use lasso_core::edit::ToolName;
use lasso_core::model::AnnotationId;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::rc::Rc;
use web_sys::HtmlElement;

/// Mounts the editor UI into `element`; dropping the returned handle unmounts it.
pub fn mount_app(element: HtmlElement, runtime: Rc<Runtime>) -> Box<dyn std::any::Any> {
    let handle = leptos::mount::mount_to(element, move || view! { <App runtime=runtime/> });
    Box::new(handle)
}

/// How many annotations the side list shows (selected ones are always shown).
const LIST_LIMIT: usize = 500;

/// One row of the annotation list.
#[derive(Clone, PartialEq)]
struct Row {
    id: AnnotationId,
    /// The annotation's number in the task, its kind and size in words.
    number: usize,
    kind: &'static str,
    size: String,
    hidden: bool,
    locked: bool,
    label: String,
    color: String,
    selected: bool,
    /// The score, when the annotation is a prediction waiting for review.
    score: Option<String>,
}

/// Settings of the mask tools, shown while one of them is active: brush size (`[` `]`) and
/// exclusive painting for the brush and eraser, tolerance for the magic wand.
fn mask_controls(session: RwSignal<Session>, tool: ToolName) -> Option<AnyView> {
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
                <span class="lasso-brush-size" title="Brush size ([ and ])">
                    {move || format!("Size {:.0}", options().radius * 2.0)}
                </span>
                <label class="lasso-exclusive" title="Painting removes the pixels from other masks">
                    <input type="checkbox" prop:checked=move || options().exclusive
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            set(&|o| o.exclusive = on);
                        }/>
                    "exclusive"
                </label>
            }
            .into_any(),
        ),
        ToolName::Wand => Some(
            view! {
                <label class="lasso-tolerance" title="Magic wand colour tolerance">
                    "Tolerance"
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
                <label class="lasso-segment-polygons" title="Enter adds the model's mask as polygons tracing it">
                    <input type="checkbox" prop:checked=move || options().segment_polygons
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            set(&|o| o.segment_polygons = on);
                        }/>
                    "as polygons"
                </label>
                <span class="lasso-segment-hint">"Click: object · Alt-click: not object · drag: box · Enter: add · Esc: drop"</span>
            }
            .into_any(),
        ),
        _ => None,
    }
}

/// Toolbar text of a tool.
fn tool_text(t: ToolName) -> &'static str {
    match t {
        ToolName::Select => "Select",
        ToolName::Box => "Box",
        ToolName::RotatedBox => "Rotated",
        ToolName::Polygon => "Polygon",
        ToolName::Polyline => "Line",
        ToolName::Keypoints => "Points",
        ToolName::Brush => "Brush",
        ToolName::Eraser => "Eraser",
        ToolName::Wand => "Wand",
        ToolName::Segment => "Segment",
        ToolName::Scissors => "Scissors",
    }
}

#[component]
fn App(runtime: Rc<Runtime>) -> impl IntoView {
    let session = runtime.session;
    let watch = runtime.watch;
    let tool = Memo::new(move |_| session.with(|s| s.editor.tool().name()));
    let current_label = Memo::new(move |_| session.with(|s| s.editor.label().to_string()));
    let labels = Memo::new(move |_| {
        watch.doc.with(|_| ());
        session.with_untracked(|s| s.editor.task().labels.labels.clone())
    });
    let zoom = Memo::new(move |_| session.with(|s| (s.viewport.scale() * 100.0).round()));
    // The list shows the first LIST_LIMIT annotations and any selected one beyond them, so a
    // task of 100,000 shapes neither builds 100,000 rows nor rebuilds them on every pan.
    // The list: filtered by class, in task order, by class or largest first.
    let list_class: RwSignal<Option<String>> = RwSignal::new(None);
    let list_order = RwSignal::new(lasso_core::edit::list::ListOrder::Task);
    let rows = Memo::new(move |_| {
        watch.doc.with(|_| ());
        watch.selection.with(|_| ());
        let (class, order) = (list_class.get(), list_order.get());
        session.with_untracked(|s| {
            let task = s.editor.task();
            let selection = s.editor.selection();
            let row = |r: lasso_core::edit::list::ListRow| Row {
                color: task
                    .labels
                    .get(&r.label)
                    .map(|l| l.color.clone())
                    .unwrap_or_default(),
                selected: selection.contains(&r.id),
                score: r.score.map(|v| format!("{v:.2}")),
                id: r.id,
                number: r.number,
                kind: r.kind,
                size: r.size,
                hidden: r.hidden,
                locked: r.locked,
                label: r.label,
            };
            let (listed, _) =
                lasso_core::edit::list::rows(task, class.as_deref(), order, LIST_LIMIT);
            let shown: std::collections::HashSet<AnnotationId> =
                listed.iter().map(|r| r.id.clone()).collect();
            let mut rows: Vec<Row> = listed.into_iter().map(row).collect();
            // A selected annotation beyond the first rows is listed too.
            for id in selection.iter().filter(|id| !shown.contains(*id)) {
                let doc = s.editor.document();
                if let (Some(i), Some(a)) = (doc.position(id), doc.annotation(id)) {
                    if class.as_deref().is_none_or(|c| a.label == c) {
                        rows.push(row(lasso_core::edit::list::ListRow {
                            number: i + 1,
                            id: a.id.clone(),
                            label: a.label.clone(),
                            kind: lasso_core::edit::list::kind_name(a.shape.kind()),
                            size: lasso_core::edit::list::size_text(&a.shape),
                            hidden: a.hidden,
                            locked: a.locked,
                            score: lasso_core::formats::predictions::score(a),
                        }));
                    }
                }
            }
            rows
        })
    });
    let hidden_rows = Memo::new(move |_| {
        watch.doc.with(|_| ());
        session.with_untracked(|s| s.editor.task().annotations.len().saturating_sub(LIST_LIMIT))
    });
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
            .map(|p| format!("x {} y {}", p.x.floor(), p.y.floor()))
            .unwrap_or_default()
        })
    });
    let hint = Memo::new(move |_| {
        watch
            .drawn
            .with(|d| d.overlay.next_keypoint.clone())
            .map(|n| format!("next keypoint: {n} (Shift-click: occluded, I: cycle visibility)"))
            .unwrap_or_default()
    });
    let save_state = runtime.save_state;
    let save_text = move || match save_state.get() {
        SaveState::Saved => "Saved".to_string(),
        SaveState::Saving(n) => format!("Saving {n}…"),
        SaveState::Failed(_) => "Not saved".to_string(),
    };
    let banner = runtime.banner;
    let root = NodeRef::<leptos::html::Div>::new();
    let on_keydown = keys::keydown_handler(Rc::clone(&runtime));
    let on_keyup = keys::keyup_handler(Rc::clone(&runtime));
    // Tooltips name the keys bound now (the host may have remapped them).
    let tool_button = move |name: ToolName, text: &'static str| {
        let title = move || {
            let keys = session.with(|s| {
                s.keymap
                    .keys_for(lasso_core::edit::Action::Tool(name))
                    .iter()
                    .map(|k| lasso_core::edit::keymap::key_label(k))
                    .collect::<Vec<_>>()
            });
            if keys.is_empty() {
                text.to_string()
            } else {
                format!("{text} ({})", keys.join(", "))
            }
        };
        view! {
            <button
                class="lasso-tool"
                class:active=move || tool.get() == name
                data-tool=name.as_str()
                title=title
                on:click=move |_| session.update(|s| s.editor.set_tool(name))
            >
                {text}
            </button>
        }
    };
    // `For` rows may be built from any thread in Leptos' types; this crate is single-threaded
    // wasm, so the wrapper only satisfies the bound.
    let list_runtime = SendWrapper::new(Rc::clone(&runtime));
    let runtime_theme = runtime.theme;
    view! {
        <div class="lasso" tabindex="0" node_ref=root on:keydown=on_keydown on:keyup=on_keyup
            data-theme=move || runtime_theme.get().as_str()>
            <div class="lasso-toolbar">
                {ToolName::ALL.into_iter().map(|t| tool_button(t, tool_text(t))).collect::<Vec<_>>()}
                <span class="lasso-sep"></span>
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
                {move || mask_controls(session, tool.get())}
                <span class="lasso-spacer"></span>
                <label class="lasso-opacity" title="Fill opacity">
                    "Fill"
                    <input type="range" min="0" max="1" step="0.05"
                        prop:value=move || opacity.get().to_string()
                        on:input=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                session.update(|s| s.opacity = v.clamp(0.0, 1.0));
                            }
                        }/>
                </label>
                <span class="lasso-zoom" title="Zoom (F fits)">{move || format!("{}%", zoom.get())}</span>
                <button class="lasso-zoom-fit" title="Fit the image (F)"
                    on:click=move |_| session.update(|s| s.fit())>"Fit"</button>
                <button class="lasso-zoom-actual" title="Zoom to 100 % (Shift+0)"
                    on:click=move |_| session.update(|s| s.zoom_actual())>"100 %"</button>
                <button class="lasso-zoom-selection" title="Zoom to the selection (Shift+2)"
                    on:click=move |_| session.update(|s| { s.zoom_selection(); })>"Selection"</button>
                <span class="lasso-save" data-state=move || match save_state.get() {
                    SaveState::Saved => "saved",
                    SaveState::Saving(_) => "saving",
                    SaveState::Failed(_) => "failed",
                }>{save_text}</span>
                <export::ExportPanel runtime=Rc::clone(&runtime)/>
                <health::HealthPanel runtime=Rc::clone(&runtime)/>
                <button class="lasso-help-toggle" title="Every hotkey (?)"
                    on:click={
                        let open = runtime.help_open;
                        move |_| open.update(|o| *o = !*o)
                    }>"?"</button>
                <uploads::Uploads runtime=Rc::clone(&runtime)/>
            </div>
            <storage::StorageWarning runtime=Rc::clone(&runtime)/>
            <help::HelpOverlay runtime=Rc::clone(&runtime)/>
            <Show when=move || banner.with(|b| b.is_some())>
                <div class="lasso-banner" role="alert">
                    <span>{move || banner.get().unwrap_or_default()}</span>
                    <button on:click=move |_| banner.set(None)>"Dismiss"</button>
                </div>
            </Show>
            <div class="lasso-main">
                <canvas::Stage runtime=Rc::clone(&runtime) root=root/>
                <aside class="lasso-side">
                    <team::TeamPanel runtime=Rc::clone(&runtime)/>
                    <labels::ClassesPanel runtime=Rc::clone(&runtime)/>
                    <h2>"Annotations"</h2>
                    <div class="lasso-list-controls">
                        <select class="lasso-list-class" title="Show one class" aria-label="Show one class"
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                list_class.set((!v.is_empty()).then_some(v));
                            }>
                            <option value="">"All classes"</option>
                            {move || labels.get().into_iter().map(|l| view! {
                                <option value=l.name.clone()>{l.name.clone()}</option>
                            }).collect::<Vec<_>>()}
                        </select>
                        <select class="lasso-list-order" title="Order of the list" aria-label="Order of the list"
                            on:change=move |ev| {
                                if let Some(o) = lasso_core::edit::list::ListOrder::parse(&event_target_value(&ev)) {
                                    list_order.set(o);
                                }
                            }>
                            <option value="task">"As drawn"</option>
                            <option value="class">"By class"</option>
                            <option value="largest">"Largest first"</option>
                        </select>
                    </div>
                    <ul class="lasso-list">
                        <For
                            each=move || rows.get()
                            key=|r| (r.id.clone(), r.number, r.label.clone(), r.size.clone(), r.hidden, r.locked, r.selected, r.score.clone())
                            children=move |r| {
                                let id = r.id.clone();
                                let runtime = SendWrapper::new(Rc::clone(&list_runtime));
                                let review = r.score.clone().map(|score| {
                                    let (accept_id, reject_id) = (r.id.clone(), r.id.clone());
                                    let (ra, rr) = (runtime.clone(), runtime.clone());
                                    view! {
                                        <span class="lasso-item-score">{score}</span>
                                        <button class="lasso-item-accept" title="Accept prediction"
                                            on:click=move |ev| {
                                                ev.stop_propagation();
                                                let id = accept_id.clone();
                                                crate::datasets::commit(&ra, |t| lasso_core::formats::predictions::accept(t, &id));
                                            }>"✓"</button>
                                        <button class="lasso-item-reject" title="Reject prediction"
                                            on:click=move |ev| {
                                                ev.stop_propagation();
                                                let id = reject_id.clone();
                                                crate::datasets::commit(&rr, |t| lasso_core::formats::predictions::reject(t, &id));
                                            }>"✗"</button>
                                    }
                                });
                                view! {
                                    <li
                                        class="lasso-item"
                                        class:selected=r.selected
                                        data-id=r.id.0.clone()
                                        data-label=r.label.clone()
                                        on:click=move |_| {
                                            let id = id.clone();
                                            runtime.dispatch(move |ed| lasso_core::edit::Outcome {
                                                selection_changed: ed.select(vec![id]),
                                                redraw: true,
                                                ..Default::default()
                                            });
                                        }
                                    >
                                        <span class="lasso-item-number">{format!("{}", r.number)}</span>
                                        <span class="lasso-swatch" style:background=r.color.clone()></span>
                                        <span class="lasso-item-label">{r.label.clone()}</span>
                                        <span class="lasso-item-kind">{r.kind}</span>
                                        <span class="lasso-item-size">{r.size.clone()}</span>
                                        {r.hidden.then(|| view! { <span class="lasso-item-hidden" title="Hidden">"hidden"</span> })}
                                        {r.locked.then(|| view! { <span class="lasso-item-locked" title="Locked">"locked"</span> })}
                                        {review}
                                    </li>
                                }
                            }
                        />
                    </ul>
                    <Show when=move || { hidden_rows.get() > 0 }>
                        <p class="lasso-list-more">
                            {move || format!("… and {} more (select on the canvas)", hidden_rows.get())}
                        </p>
                    </Show>
                    <model::ModelPanel runtime=Rc::clone(&runtime)/>
                    <predictions::PredictionsPanel runtime=Rc::clone(&runtime)/>
                    <attributes::AttributesPanel runtime=Rc::clone(&runtime)/>
                    <local::LocalDatasets runtime=Rc::clone(&runtime)/>
                </aside>
            </div>
            <div class="lasso-status">
                <span class="lasso-image-size" title="Image size in pixels">{move || {
                    let (w, h) = session.with(|s| (s.editor.task().image.width, s.editor.task().image.height));
                    if w == 0 { String::new() } else { format!("{w} × {h} px") }
                }}</span>
                <span class="lasso-status-zoom">{move || format!("{}%", zoom.get())}</span>
                <span class="lasso-coords">{move || coords.get()}</span>
                <span class="lasso-hint">{move || hint.get()}</span>
            </div>
        </div>
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
