//! The model panel: "Predict" asks the model backend about the open image (its answer arrives
//! as predictions under review), with the round trip and what was left out; shown only when a
//! backend is configured (`ml` option or the project's).

use crate::app::Runtime;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::rc::Rc;

/// The panel.
#[component]
pub fn ModelPanel(runtime: Rc<Runtime>) -> impl IntoView {
    let view = runtime.ml_view;
    let words = super::words::Words(runtime.locale);
    let runtime = SendWrapper::new(runtime);
    let predict = move |_| {
        let runtime = Rc::clone(&runtime);
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = crate::app::ml::predict(&runtime).await {
                runtime.fail(e);
            }
        });
    };
    view! {
        <section class="lasso-model" style:display=move || if view.with(|v| v.configured) { "" } else { "none" }>
            <h2>{move || words.t("model.title")}</h2>
            <button class="lasso-predict" title=move || words.t("model.predict_title")
                prop:disabled=move || view.with(|v| v.busy())
                on:click=predict>
                {move || words.t(if view.with(|v| v.busy()) { "model.predicting" } else { "model.predict" })}
            </button>
            <p class="lasso-model-last">{move || view.with(|v| v.last.clone().unwrap_or_default())}</p>
        </section>
    }
}
