//! The attributes panel: the single selected annotation's attributes as its label defines them,
//! and its hidden/locked switches. Every change goes through the core editor as one op.

use super::words::Words;
use crate::app::Runtime;
use lasso_core::edit::Outcome;
use lasso_core::model::{AnnotationId, AttributeDef, AttributeKind, AttributeValue, ShapeKind};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::rc::Rc;
use wasm_bindgen::JsCast;

/// What the panel shows of the selected annotation.
#[derive(Clone, PartialEq)]
struct Selected {
    id: AnnotationId,
    label: String,
    defs: Vec<AttributeDef>,
    values: Vec<Option<AttributeValue>>,
    hidden: bool,
    locked: bool,
    kind: ShapeKind,
}

fn value_text(v: &Option<AttributeValue>) -> String {
    match v {
        Some(AttributeValue::Text(t)) => t.clone(),
        Some(AttributeValue::Number(n)) => n.to_string(),
        Some(AttributeValue::Bool(b)) => b.to_string(),
        None => String::new(),
    }
}

/// The value an input's text stands for, by attribute kind (`None`: cleared).
fn parse_value(
    words: Words,
    kind: &AttributeKind,
    text: &str,
    checked: bool,
) -> Result<Option<AttributeValue>, String> {
    match kind {
        AttributeKind::Bool => Ok(Some(AttributeValue::Bool(checked))),
        _ if text.is_empty() => Ok(None),
        AttributeKind::Number { .. } => text
            .parse::<f64>()
            .map(|n| Some(AttributeValue::Number(n)))
            .map_err(|_| words.f("attr.not_number", &[("text", &format!("{text:?}"))])),
        AttributeKind::Text | AttributeKind::Choice { .. } => {
            Ok(Some(AttributeValue::Text(text.to_string())))
        }
    }
}

/// The panel under the annotation list.
#[component]
pub fn AttributesPanel(runtime: Rc<Runtime>) -> impl IntoView {
    let session = runtime.session;
    let watch = runtime.watch;
    let selected = Memo::new(move |_| {
        watch.doc.with(|_| ());
        watch.selection.with(|_| ());
        session.with_untracked(|s| {
            let [id] = s.editor.selection() else {
                return None;
            };
            let task = s.editor.task();
            let a = s.editor.document().annotation(id)?;
            let defs = task
                .labels
                .get(&a.label)
                .map(|l| l.attributes.clone())
                .unwrap_or_default();
            let values = defs
                .iter()
                .map(|d| a.attributes.get(&d.name).cloned())
                .collect();
            Some(Selected {
                id: id.clone(),
                label: a.label.clone(),
                defs,
                values,
                hidden: a.hidden,
                locked: a.locked,
                kind: a.shape.kind(),
            })
        })
    });
    let words = Words(runtime.locale);
    let runtime = SendWrapper::new(runtime);
    move || {
        let sel = selected.get()?;
        let rows = sel
            .defs
            .iter()
            .zip(sel.values.iter())
            .map(|(def, value)| {
                let runtime = SendWrapper::new(Rc::clone(&runtime));
                let id = sel.id.clone();
                let key = def.name.clone();
                let kind = def.kind.clone();
                let on_change = move |ev: leptos::ev::Event| {
                    let Some(target) = ev.target() else { return };
                    let (text, checked) = if let Some(i) = target.dyn_ref::<web_sys::HtmlInputElement>() {
                        (i.value(), i.checked())
                    } else if let Some(s) = target.dyn_ref::<web_sys::HtmlSelectElement>() {
                        (s.value(), false)
                    } else {
                        return;
                    };
                    let result = parse_value(words, &kind, &text, checked).and_then(|v| {
                        let mut result = Ok(Outcome::default());
                        runtime.session.update(|s| result = s.editor.set_attribute(&id, &key, v));
                        result
                    });
                    match result {
                        Ok(outcome) => runtime.after(outcome),
                        Err(e) => runtime.fail(words.f("attr.not_set", &[("error", &e)])),
                    }
                };
                let input = match &def.kind {
                    AttributeKind::Bool => view! {
                        <input type="checkbox" data-attr=def.name.clone()
                            prop:checked=matches!(value, Some(AttributeValue::Bool(true)))
                            on:change=on_change/>
                    }
                    .into_any(),
                    AttributeKind::Choice { options } => {
                        let current = value_text(value);
                        view! {
                            <select data-attr=def.name.clone() on:change=on_change>
                                <option value="" selected=current.is_empty()>"—"</option>
                                {options.iter().map(|o| view! {
                                    <option value=o.clone() selected=*o == current>{o.clone()}</option>
                                }).collect::<Vec<_>>()}
                            </select>
                        }
                        .into_any()
                    }
                    AttributeKind::Number { min, max } => view! {
                        <input type="number" data-attr=def.name.clone()
                            min=min.map(|m| m.to_string()) max=max.map(|m| m.to_string())
                            prop:value=value_text(value) on:change=on_change/>
                    }
                    .into_any(),
                    AttributeKind::Text => view! {
                        <input type="text" data-attr=def.name.clone()
                            prop:value=value_text(value) on:change=on_change/>
                    }
                    .into_any(),
                };
                view! { <label class="lasso-attr"><span>{def.name.clone()}</span>{input}</label> }
            })
            .collect::<Vec<_>>();
        let hide_rt = SendWrapper::new(Rc::clone(&runtime));
        let lock_rt = SendWrapper::new(Rc::clone(&runtime));
        let convert_rt = SendWrapper::new(Rc::clone(&runtime));
        let convert = match sel.kind {
            ShapeKind::Mask => Some(words.t("attr.to_polygon")),
            ShapeKind::Polygon => Some(words.t("attr.to_mask")),
            _ => None,
        }
        .map(|text| {
            view! {
                <button class="lasso-convert" on:click=move |_| convert_rt.dispatch(|ed| ed.convert_selection())>
                    {text}
                </button>
            }
        });
        Some(view! {
            <div class="lasso-attrs" data-id=sel.id.0.clone()>
                <h2>{format!("{} · {}", sel.label, sel.id)}</h2>
                {rows}
                <label class="lasso-attr">
                    <span>{words.t("attr.hidden")}</span>
                    <input type="checkbox" class="lasso-hidden" prop:checked=sel.hidden
                        on:change=move |_| hide_rt.dispatch(|ed| ed.toggle_hidden())/>
                </label>
                <label class="lasso-attr">
                    <span>{words.t("attr.locked")}</span>
                    <input type="checkbox" class="lasso-locked" prop:checked=sel.locked
                        on:change=move |_| lock_rt.dispatch(|ed| ed.toggle_locked())/>
                </label>
                {convert}
            </div>
        })
    }
}
