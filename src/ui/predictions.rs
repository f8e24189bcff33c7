//! The prediction review panel: how many predictions wait, a score threshold, "Accept ≥
//! threshold" and "Reject rest". Each button is one undo step (see
//! `lasso_core::formats::predictions`); per-item accept and reject sit in the annotation list.

use crate::app::Runtime;
use crate::datasets;
use lasso_core::formats::predictions;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::rc::Rc;

/// The review panel; hidden while the task has no predictions.
#[component]
pub fn PredictionsPanel(runtime: Rc<Runtime>) -> impl IntoView {
    let session = runtime.session;
    let threshold = RwSignal::new(0.5f64);
    let words = super::words::Words(runtime.locale);
    let doc = runtime.watch.doc;
    let counts = Memo::new(move |_| {
        let t = threshold.get();
        doc.with(|_| ());
        session.with_untracked(|s| predictions::counts(s.editor.task(), t))
    });
    let accept_runtime = SendWrapper::new(Rc::clone(&runtime));
    let reject_runtime = SendWrapper::new(Rc::clone(&runtime));
    view! {
        <Show when=move || { counts.get().0 > 0 }>
            <section class="lasso-predictions">
                <h2>{move || words.t("predictions.title")}</h2>
                <p class="lasso-prediction-count">
                    {move || {
                        let (n, above) = counts.get();
                        let threshold = words.num(threshold.get(), 2);
                        let above = words.num(above as f64, 0);
                        words.n("predictions.count", n, &[("above", &above), ("threshold", &threshold)])
                    }}
                </p>
                <label class="lasso-threshold">
                    {move || words.t("predictions.score")} " "
                    <input type="range" min="0" max="1" step="0.05"
                        prop:value=move || threshold.get().to_string()
                        on:input=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                threshold.set(v.clamp(0.0, 1.0));
                            }
                        }/>
                    <span>{move || words.num(threshold.get(), 2)}</span>
                </label>
                <div class="lasso-review-buttons">
                    <button class="lasso-accept-above"
                        on:click={
                            let runtime = accept_runtime.clone();
                            move |_| {
                                let t = threshold.get_untracked();
                                datasets::commit(&runtime, |task| predictions::accept_at_least(task, t));
                            }
                        }>{move || words.t("predictions.accept")}</button>
                    <button class="lasso-reject-rest"
                        on:click={
                            let runtime = reject_runtime.clone();
                            move |_| {
                                let t = threshold.get_untracked();
                                datasets::commit(&runtime, |task| predictions::reject_below(task, t));
                            }
                        }>{move || words.t("predictions.reject")}</button>
                </div>
            </section>
        </Show>
    }
}
