//! The project's checks beside the canvas: a button that runs them on the open task, and the
//! failures, each selecting (and showing) its shape on click. Submitting runs them too.

use super::words::Words;
use crate::app::team;
use crate::app::Runtime;
use lasso_core::model::AnnotationId;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::rc::Rc;

/// Selects annotation `id` and brings it into view.
fn show(runtime: &Rc<Runtime>, id: &str) {
    let id = AnnotationId(id.to_owned());
    runtime.dispatch(|e| {
        let changed = e.select(vec![id]);
        lasso_core::edit::Outcome {
            selection_changed: changed,
            ..Default::default()
        }
    });
    runtime.session.update(|s| {
        s.zoom_selection();
    });
}

/// The checks panel of a team task.
#[component]
pub fn ChecksPanel(runtime: Rc<Runtime>) -> impl IntoView {
    let view_signal = runtime.team_view;
    let w = Words(runtime.locale);
    let runtime = SendWrapper::new(runtime);
    let run = {
        let runtime = runtime.clone();
        move |_| {
            team::run_checks(&runtime);
        }
    };
    let has_task = move || view_signal.with(|v| v.grant.is_some());
    let rows = move || {
        let runtime = runtime.clone();
        view_signal.with(|v| {
            v.failures.as_ref().map(|list| {
                let items = list
                    .iter()
                    .map(|f| {
                        let id = f.annotation.clone();
                        let runtime = runtime.clone();
                        view! {
                            <li class="lasso-check-failure" data-check=f.check.clone() data-annotation=f.annotation.clone()>
                                <button on:click=move |_| show(&runtime, &id)>{f.message.clone()}</button>
                            </li>
                        }
                    })
                    .collect::<Vec<_>>();
                let summary = if list.is_empty() {
                    w.t("checks.pass").to_string()
                } else {
                    w.n("checks.fail", list.len(), &[])
                };
                view! {
                    <p class="lasso-checks-summary" data-failures=list.len()>{summary}</p>
                    <ul class="lasso-check-failures">{items}</ul>
                }
            })
        })
    };
    view! {
        <div class="lasso-checks" style:display=move || if has_task() { "" } else { "none" }>
            <button class="lasso-checks-run" title=move || w.t("checks.run_title") on:click=run>{move || w.t("checks.run")}</button>
            {rows}
        </div>
    }
}
