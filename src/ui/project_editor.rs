//! The project editor for managers: title, instructions for annotators, overlap, and the
//! class editor (name, colour, hotkey; add, remove, reorder by removing and adding), the
//! image tags, checks, gold tasks and the model backend. Saving replaces `project.json`; the open task takes the new classes.

use super::words::Words;
use crate::app::Runtime;
use crate::on_demand::{at_once, json};
use lasso_core::model::Label;
use lasso_core::team::Project;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::rc::Rc;

/// Colours offered to new classes, in turn.
const PALETTE: [&str; 8] = [
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#bfef45",
];

/// The path of a bad value (see `crate::on_demand::json`) as the field path the rest of the app shows (`[2].name`).
fn json_path(path: &str) -> String {
    if path == "." {
        String::new()
    } else if path.starts_with('[') {
        path.to_string()
    } else {
        format!(".{path}")
    }
}

/// The editor, opened from the team panel; `open` shows or hides it.
#[component]
pub fn ProjectEditor(runtime: Rc<Runtime>, open: RwSignal<bool>) -> impl IntoView {
    let view_signal = runtime.team_view;
    let w = Words(runtime.locale);
    let draft: RwSignal<Option<Project>> = RwSignal::new(None);
    // A fresh draft from the project each time the editor opens.
    Effect::new(move |_| {
        if open.get() {
            draft
                .set(view_signal.with_untracked(|v| v.project.as_ref().map(|p| p.project.clone())));
        }
    });
    let edit = move |f: &dyn Fn(&mut Project)| {
        draft.update(|d| {
            if let Some(d) = d.as_mut() {
                f(d);
            }
        })
    };
    let runtime = SendWrapper::new(runtime);
    let on_save = move |_| {
        let Some(project) = draft.get_untracked() else {
            return;
        };
        let runtime = Rc::clone(&runtime);
        wasm_bindgen_futures::spawn_local(async move {
            match crate::app::team::save_project(&runtime, project).await {
                Ok(()) => open.set(false),
                Err(e) => runtime.fail(e),
            }
        });
    };
    let classes = move || {
        draft.with(|d| {
            d.as_ref()
                .map(|p| p.labels.labels.clone())
                .unwrap_or_default()
        })
    };
    // Everything a class carries (shape kinds, attributes, keypoints, skeleton) as JSON, for
    // what the rows above do not show; an error names the field and keeps the draft.
    let json_error: RwSignal<Option<String>> = RwSignal::new(None);
    let classes_json = move || {
        draft.with(|d| {
            d.as_ref()
                .and_then(|p| serde_json::to_string_pretty(&p.labels.labels).ok())
                .unwrap_or_default()
        })
    };
    let on_json = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        match serde_json::from_str::<Vec<Label>>(&text) {
            Ok(labels) => {
                json_error.set(None);
                edit(&|p| p.labels.labels = labels.clone());
            }
            Err(e) => {
                // `mount` loaded the chunk that places it (see `on_demand::formats::preload`).
                let path = at_once(json::bad_path(json::Shape::Labels, text))
                    .and_then(Result::ok)
                    .flatten();
                json_error.set(Some(match path {
                    Some(path) => format!("classes{}: {e}", json_path(&path)),
                    None => format!("classes: {e}"),
                }))
            }
        }
    };
    let guide = move |name: &str| {
        draft.with(|d| {
            d.as_ref()
                .and_then(|p| p.instructions.classes.get(name).map(|g| g.text.clone()))
                .unwrap_or_default()
        })
    };
    view! {
        <Show when=move || open.get() && draft.with(|d| d.is_some())>
            <div class="lasso-project-editor lasso-gallery" role="dialog" aria-label=move || w.t("project.title")>
                <label>{move || w.t("project.name")} " "
                    <input class="lasso-project-title" type="text"
                        prop:value=move || draft.with(|d| d.as_ref().map(|p| p.title.clone()).unwrap_or_default())
                        on:change=move |ev| { let v = event_target_value(&ev); edit(&|p| p.title = v.clone()); }/>
                </label>
                <label>{move || w.t("project.overlap")} " "
                    <input class="lasso-project-overlap" type="number" min="1" max="16"
                        prop:value=move || draft.with(|d| d.as_ref().map(|p| p.overlap.to_string()).unwrap_or_default())
                        on:change=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse::<u32>() { edit(&|p| p.overlap = n); }
                        }/>
                </label>
                <label class="lasso-project-instructions-label">{move || w.t("project.instructions")}
                    <textarea class="lasso-project-instructions" rows="3"
                        prop:value=move || draft.with(|d| d.as_ref().map(|p| p.instructions.text.clone()).unwrap_or_default())
                        on:change=move |ev| { let v = event_target_value(&ev); edit(&|p| p.instructions.text = v.clone()); }>
                    </textarea>
                </label>
                <h3>{move || w.t("classes.title")}</h3>
                <ul class="lasso-project-classes">
                    {move || classes().into_iter().enumerate().map(|(i, l)| view! {
                        <li class="lasso-project-class" data-class=l.name.clone()>
                            <input type="color" prop:value=l.color.clone() aria-label=w.f("project.color", &[("name", &l.name)])
                                on:change=move |ev| { let v = event_target_value(&ev); edit(&|p| if let Some(l) = p.labels.labels.get_mut(i) { l.color = v.clone(); }); }/>
                            <input class="lasso-project-class-name" type="text" prop:value=l.name.clone() aria-label=w.t("project.class_name")
                                on:change=move |ev| { let v = event_target_value(&ev); edit(&|p| if let Some(l) = p.labels.labels.get_mut(i) { l.name = v.trim().to_string(); }); }/>
                            <input class="lasso-project-class-key" type="text" size="2" placeholder=w.t("project.key") aria-label=w.t("project.key")
                                prop:value=l.hotkey.clone().unwrap_or_default()
                                on:change=move |ev| { let v = event_target_value(&ev); edit(&|p| if let Some(l) = p.labels.labels.get_mut(i) { l.hotkey = (!v.trim().is_empty()).then(|| v.trim().to_string()); }); }/>
                            <input class="lasso-project-class-guide" type="text" placeholder=w.t("project.guide") aria-label=w.t("project.guide")
                                prop:value=guide(&l.name)
                                on:change={
                                    let name = l.name.clone();
                                    move |ev| {
                                        let v = event_target_value(&ev);
                                        edit(&|p| {
                                            let entry = p.instructions.classes.entry(name.clone()).or_default();
                                            entry.text = v.clone();
                                            if entry.text.is_empty() && entry.examples.is_empty() {
                                                p.instructions.classes.remove(&name);
                                            }
                                        });
                                    }
                                }/>
                            <button class="lasso-project-class-remove" title=w.t("project.remove_class") aria-label=w.t("project.remove_class")
                                on:click=move |_| edit(&|p| { if i < p.labels.labels.len() { p.labels.labels.remove(i); } })>"✕"</button>
                        </li>
                    }).collect::<Vec<_>>()}
                </ul>
                <div class="lasso-project-add">
                    <input class="lasso-project-new-class" type="text" placeholder=move || w.t("project.new_class") aria-label=move || w.t("project.new_class")/>
                    <button class="lasso-project-add-class" on:click=move |ev| {
                        let Some((input, name)) = super::input_before(&ev) else { return };
                        if name.is_empty() { return; }
                        edit(&|p| {
                            if p.labels.get(&name).is_none() {
                                let color = PALETTE[p.labels.labels.len() % PALETTE.len()];
                                p.labels.labels.push(Label::new(name.clone(), color));
                            }
                        });
                        input.set_value("");
                    }>{move || w.t("project.add_class")}</button>
                </div>
                <details class="lasso-project-json">
                    <summary>{move || w.t("project.json")}</summary>
                    <textarea class="lasso-project-classes-json" rows="8" prop:value=classes_json on:change=on_json></textarea>
                    <p class="lasso-project-json-error">{move || json_error.get().unwrap_or_default()}</p>
                </details>
                <label>{move || w.t("project.tags")} " "
                    <input class="lasso-project-tags" type="text"
                        prop:value=move || draft.with(|d| d.as_ref().map(|p| p.labels.tags.join(", ")).unwrap_or_default())
                        on:change=move |ev| {
                            let tags: Vec<String> = event_target_value(&ev).split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
                            edit(&|p| p.labels.tags = tags.clone());
                        }/>
                </label>
                <ChecksEditor draft=draft words=w/>
                <super::model_settings::ModelSettings draft=draft words=w/>
                <fieldset class="lasso-project-gold">
                    <legend>{move || w.t("project.gold")}</legend>
                    <label>{move || w.t("project.gold_rate")} " "<input type="number" min="0" max="1" step="0.05" class="lasso-gold-rate"
                        prop:value=move || draft.with(|d| d.as_ref().map(|p| p.gold.rate.to_string()).unwrap_or_default())
                        on:change=move |ev| {
                            if let Ok(v) = event_target_value(&ev).trim().parse::<f64>() { edit(&|p| p.gold.rate = v); }
                        }/></label>
                    <label>" "{move || w.t("project.gold_tasks")} " "<input type="text" class="lasso-gold-tasks"
                        prop:value=move || draft.with(|d| d.as_ref().map(|p| p.gold.tasks.join(", ")).unwrap_or_default())
                        on:change=move |ev| {
                            let tasks: Vec<String> = event_target_value(&ev).split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
                            edit(&|p| p.gold.tasks = tasks.clone());
                        }/></label>
                </fieldset>
                <div class="lasso-project-actions">
                    <button class="lasso-project-save" on:click=on_save.clone()>{move || w.t("project.save")}</button>
                    <button class="lasso-project-cancel" on:click=move |_| open.set(false)>{move || w.t("project.cancel")}</button>
                </div>
            </div>
        </Show>
    }
}

/// The checks a result must pass before it is submitted, in the project's draft.
#[component]
fn ChecksEditor(draft: RwSignal<Option<Project>>, words: Words) -> impl IntoView {
    let w = words;
    use lasso_core::quality::checks::Checks;
    let get = move |f: fn(&Checks) -> String| {
        draft.with(|d| d.as_ref().map(|p| f(&p.checks)).unwrap_or_default())
    };
    let flag =
        move |f: fn(&Checks) -> bool| draft.with(|d| d.as_ref().is_some_and(|p| f(&p.checks)));
    let set = move |f: &dyn Fn(&mut Checks)| {
        draft.update(|d| {
            if let Some(p) = d.as_mut() {
                f(&mut p.checks);
            }
        })
    };
    let number = |text: String| text.trim().parse::<f64>().ok();
    view! {
        <fieldset class="lasso-project-checks">
            <legend>{move || w.t("checks.legend")}</legend>
            <label><input type="checkbox" class="lasso-check-required"
                prop:checked=move || flag(|c| c.required_attributes)
                on:change=move |ev| { let v = event_target_checked(&ev); set(&|c| c.required_attributes = v); }/>
                " "{move || w.t("checks.required")}</label>
            <label><input type="checkbox" class="lasso-check-inside"
                prop:checked=move || flag(|c| c.inside_image)
                on:change=move |ev| { let v = event_target_checked(&ev); set(&|c| c.inside_image = v); }/>
                " "{move || w.t("checks.inside")}</label>
            <label><input type="checkbox" class="lasso-check-keypoints"
                prop:checked=move || flag(|c| c.complete_keypoints)
                on:change=move |ev| { let v = event_target_checked(&ev); set(&|c| c.complete_keypoints = v); }/>
                " "{move || w.t("checks.keypoints")}</label>
            <label>" "{move || w.t("checks.min_size")} " "<input type="number" min="0" class="lasso-check-min-size"
                prop:value=move || get(|c| c.min_size.map(|v| v.to_string()).unwrap_or_default())
                on:change=move |ev| { let v = number(event_target_value(&ev)); set(&|c| c.min_size = v); }/></label>
            <label>" "{move || w.t("checks.duplicates")} " "<input type="number" min="0" max="1" step="0.05" class="lasso-check-duplicates"
                prop:value=move || get(|c| c.duplicate_iou.map(|v| v.to_string()).unwrap_or_default())
                on:change=move |ev| { let v = number(event_target_value(&ev)); set(&|c| c.duplicate_iou = v); }/></label>
            <label>" "{move || w.t("checks.class_tags")} " "<input type="text" class="lasso-check-class-tags"
                prop:value=move || get(|c| c.class_tags.iter().map(|(k, v)| format!("{k}: {}", v.join(", "))).collect::<Vec<_>>().join("; "))
                on:change=move |ev| {
                    let text = event_target_value(&ev);
                    let map: std::collections::BTreeMap<String, Vec<String>> = text
                        .split(';')
                        .filter_map(|part| {
                            let (class, tags) = part.split_once(':')?;
                            let tags: Vec<String> = tags.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
                            (!class.trim().is_empty()).then(|| (class.trim().to_string(), tags))
                        })
                        .collect();
                    set(&|c| c.class_tags = map.clone());
                }/></label>
            <label><input type="checkbox" class="lasso-check-block"
                prop:checked=move || flag(|c| c.block)
                on:change=move |ev| { let v = event_target_checked(&ev); set(&|c| c.block = v); }/>
                " "{move || w.t("checks.block")}</label>
        </fieldset>
    }
}
