//! The model backend in the project editor (managers): URL, token, the model's classes mapped
//! to the project's, predicting when a task opens, "next" in the order of the model's
//! uncertainty, and the timeout. An empty URL removes the backend.

use super::words::Words;
use lasso_core::ml::settings::{class_map_text, parse_class_map};
use lasso_core::ml::{MlSettings, Uncertainty};
use lasso_core::team::Project;
use leptos::prelude::*;

/// The fields, editing `draft`'s `ml`.
#[component]
pub fn ModelSettings(draft: RwSignal<Option<Project>>, words: Words) -> impl IntoView {
    let w = words;
    let error: RwSignal<Option<String>> = RwSignal::new(None);
    let get = move |f: fn(&MlSettings) -> String| {
        draft.with(|d| {
            d.as_ref()
                .and_then(|p| p.ml.as_ref())
                .map(f)
                .unwrap_or_default()
        })
    };
    let set = move |f: &dyn Fn(&mut MlSettings)| {
        draft.update(|d| {
            if let Some(p) = d.as_mut() {
                let ml = p.ml.get_or_insert_with(MlSettings::default);
                f(ml);
                if ml.url.trim().is_empty() {
                    p.ml = None;
                }
            }
        })
    };
    view! {
        <fieldset class="lasso-project-ml">
            <legend>{move || w.t("ml.legend")}</legend>
            <label>"URL "<input type="url" class="lasso-ml-url" placeholder="http://models:9090"
                prop:value=move || get(|m| m.url.clone())
                on:change=move |ev| { let v = event_target_value(&ev).trim().to_string(); set(&|m| m.url = v.clone()); }/></label>
            <label>" "{move || w.t("ml.token")} " "<input type="password" class="lasso-ml-token" autocomplete="off"
                prop:value=move || get(|m| m.token.clone().unwrap_or_default())
                on:change=move |ev| {
                    let v = event_target_value(&ev).trim().to_string();
                    set(&|m| m.token = (!v.is_empty()).then(|| v.clone()));
                }/></label>
            <label>" "{move || w.t("ml.classes")} " "<input type="text" class="lasso-ml-classes"
                prop:value=move || get(|m| class_map_text(&m.classes))
                on:change=move |ev| match parse_class_map(&event_target_value(&ev)) {
                    Ok(map) => { error.set(None); set(&|m| m.classes = map.clone()); }
                    Err(e) => error.set(Some(e)),
                }/></label>
            <label><input type="checkbox" class="lasso-ml-on-open"
                prop:checked=move || draft.with(|d| d.as_ref().and_then(|p| p.ml.as_ref()).is_some_and(|m| m.on_open))
                on:change=move |ev| { let v = event_target_checked(&ev); set(&|m| m.on_open = v); }/>
                " "{move || w.t("ml.on_open")}</label>
            <label>" "{move || w.t("ml.order")} " "<select class="lasso-ml-order"
                on:change=move |ev| {
                    let order = match event_target_value(&ev).as_str() {
                        "least_confident" => Some(Uncertainty::LeastConfident),
                        "entropy" => Some(Uncertainty::Entropy),
                        _ => None,
                    };
                    set(&|m| m.order = order);
                }>
                <option value="" selected=move || get(|m| format!("{:?}", m.order)) == "None">{move || w.t("ml.order_task")}</option>
                <option value="least_confident" selected=move || get(|m| format!("{:?}", m.order)) == "Some(LeastConfident)">{move || w.t("ml.order_least")}</option>
                <option value="entropy" selected=move || get(|m| format!("{:?}", m.order)) == "Some(Entropy)">{move || w.t("ml.order_entropy")}</option>
            </select></label>
            <p class="lasso-ml-error">{move || error.get().unwrap_or_default()}</p>
        </fieldset>
    }
}
