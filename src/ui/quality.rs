//! The quality report page for managers: per annotator their agreement with the others and
//! with gold, how often their work was sent back and their active time per task, with bars to
//! compare at a glance; per class the agreement; the whole as CSV.

use crate::app::Runtime;
use lasso_core::quality::report::Figures;
use lasso_core::quality::team_report::QualityReport;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::rc::Rc;

/// Reads the report from the server.
pub async fn load(runtime: &Rc<Runtime>) -> Result<QualityReport, String> {
    let (Some(cloud), Some(team)) = (runtime.cloud(), runtime.team.borrow().clone()) else {
        return Err("the quality report needs a project".into());
    };
    crate::cloud::review::quality(&cloud, &team.project)
        .await
        .map_err(|e| format!("Cannot read the quality report: {e}"))
}

fn pct(f: Option<&Figures>, pick: fn(&Figures) -> f64) -> String {
    f.map(|f| format!("{:.0}%", pick(f) * 100.0))
        .unwrap_or_else(|| "–".into())
}

/// A horizontal bar of `value` (0–1) in `color`, labelled.
fn bar(value: Option<f64>, color: &'static str) -> impl IntoView {
    let width = value.map_or(0.0, |v| (v.clamp(0.0, 1.0) * 100.0).round());
    view! {
        <svg class="lasso-quality-bar" viewBox="0 0 100 8" preserveAspectRatio="none" role="img"
            aria-label=value.map(|v| format!("{:.0}%", v * 100.0)).unwrap_or_default()>
            <rect x="0" y="0" width="100" height="8" fill="#3a3c42"></rect>
            <rect x="0" y="0" width=width height="8" fill=color></rect>
        </svg>
    }
}

fn table(report: QualityReport) -> impl IntoView {
    let people = report
        .annotators
        .iter()
        .map(|(user, a)| {
            let f1 = a.agreement.as_ref().map(|f| f.f1);
            let gold = a.gold.as_ref().map(|f| f.f1);
            view! {
                <tr class="lasso-quality-annotator" data-user=user.clone()
                    data-gold-recall=a.gold.as_ref().map(|g| g.recall.to_string()).unwrap_or_default()
                    data-rejection-rate=a.rejection_rate.to_string()>
                    <td>{user.clone()}</td>
                    <td>{a.submitted}</td>
                    <td>{format!("{:.0}", a.mean_active_s)}</td>
                    <td>{format!("{:.0}% ({} of {})", a.rejection_rate * 100.0, a.rejections, a.decisions)}</td>
                    <td>{pct(a.agreement.as_ref(), |f| f.f1)}{bar(f1, "#42a5f5")}</td>
                    <td>{pct(a.gold.as_ref(), |f| f.precision)}" / "{pct(a.gold.as_ref(), |f| f.recall)}{bar(gold, "#ffca28")}</td>
                    <td>{a.gold.as_ref().map(|g| format!("{:.2}", g.mean_iou)).unwrap_or_else(|| "–".into())}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    let classes = report
        .classes
        .iter()
        .map(|(class, f)| {
            view! {
                <tr data-class=class.clone()>
                    <td>{class.clone()}</td>
                    <td>{f.first + f.second}</td>
                    <td>{format!("{:.0}%", f.f1 * 100.0)}{bar(Some(f.f1), "#66bb6a")}</td>
                    <td>{format!("{:.2}", f.mean_iou)}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <table class="lasso-quality-people">
            <thead><tr><th>"Annotator"</th><th>"Tasks"</th><th>"Active s/task"</th><th>"Sent back"</th>
                <th>"Agreement F1"</th><th>"Gold precision / recall"</th><th>"Gold IoU"</th></tr></thead>
            <tbody>{people}</tbody>
        </table>
        <table class="lasso-quality-classes">
            <thead><tr><th>"Class"</th><th>"Shapes"</th><th>"Agreement F1"</th><th>"Mean IoU"</th></tr></thead>
            <tbody>{classes}</tbody>
        </table>
    }
}

/// The report, opened from the team panel; `open` shows or hides it.
#[component]
pub fn QualityPanel(runtime: Rc<Runtime>, open: RwSignal<bool>) -> impl IntoView {
    let report: RwSignal<Option<QualityReport>> = RwSignal::new(None);
    let runtime = SendWrapper::new(runtime);
    Effect::new(move |_| {
        if !open.get() {
            return;
        }
        let runtime = Rc::clone(&runtime);
        wasm_bindgen_futures::spawn_local(async move {
            match load(&runtime).await {
                Ok(r) => report.set(Some(r)),
                Err(e) => runtime.fail(e),
            }
        });
    });
    let csv = move |_| {
        if let Some(r) = report.get_untracked() {
            let saved = r.to_csv().and_then(|text| {
                crate::export::download("lasso-quality.csv", text.as_bytes(), "text/csv")
            });
            if let Err(e) = saved {
                web_sys::console::error_1(&wasm_bindgen::JsValue::from_str(&e));
            }
        }
    };
    view! {
        <Show when=move || open.get()>
            <div class="lasso-quality lasso-gallery" role="dialog" aria-label="Quality report">
                <h3>"Quality"</h3>
                <div class="lasso-quality-actions">
                    <button class="lasso-quality-csv" on:click=csv>"Download CSV"</button>
                    <button class="lasso-quality-close" on:click=move |_| open.set(false)>"Close"</button>
                </div>
                {move || report.get().map(table)}
            </div>
        </Show>
    }
}
