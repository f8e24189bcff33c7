//! The quality report page for managers: per annotator their agreement with the others and
//! with gold, how often their work was sent back and their active time per task, with bars to
//! compare at a glance; per class the agreement; the whole as CSV.

use super::words::Words;
use crate::app::Runtime;
use lasso_core::quality::report::Figures;
use lasso_core::quality::team_report::QualityReport;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::rc::Rc;

/// Reads the report from the server.
pub async fn load(runtime: &Rc<Runtime>) -> Result<QualityReport, String> {
    let w = Words(runtime.locale);
    let (Some(cloud), Some(team)) = (runtime.cloud(), runtime.team.borrow().clone()) else {
        return Err(w.t("quality.no_project").to_string());
    };
    crate::cloud::review::quality(&cloud, &team.project)
        .await
        .map_err(|e| w.f("quality.failed", &[("error", &e)]))
}

fn pct(w: Words, f: Option<&Figures>, pick: fn(&Figures) -> f64) -> String {
    f.map(|f| percent(w, pick(f))).unwrap_or_else(|| "–".into())
}

/// A fraction (0–1) as a whole percentage, written the language's way.
fn percent(w: Words, fraction: f64) -> String {
    w.f("number.percent", &[("n", &w.num(fraction * 100.0, 0))])
}

/// A horizontal bar of `value` (0–1) in `color`, labelled.
fn bar(w: Words, value: Option<f64>, color: &'static str) -> impl IntoView {
    let width = value.map_or(0.0, |v| (v.clamp(0.0, 1.0) * 100.0).round());
    view! {
        <svg class="lasso-quality-bar" viewBox="0 0 100 8" preserveAspectRatio="none" role="img"
            aria-label=value.map(|v| percent(w, v)).unwrap_or_default()>
            <rect x="0" y="0" width="100" height="8" fill="#3a3c42"></rect>
            <rect x="0" y="0" width=width height="8" fill=color></rect>
        </svg>
    }
}

fn table(w: Words, report: QualityReport) -> impl IntoView {
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
                    <td>{w.num(a.submitted as f64, 0)}</td>
                    <td>{w.num(a.mean_active_s, 0)}</td>
                    <td>{w.f("quality.sent_back", &[
                        ("rate", &percent(w, a.rejection_rate)),
                        ("rejections", &w.num(a.rejections as f64, 0)),
                        ("decisions", &w.num(a.decisions as f64, 0)),
                    ])}</td>
                    <td>{pct(w, a.agreement.as_ref(), |f| f.f1)}{bar(w, f1, "#42a5f5")}</td>
                    <td>{pct(w, a.gold.as_ref(), |f| f.precision)}" / "{pct(w, a.gold.as_ref(), |f| f.recall)}{bar(w, gold, "#ffca28")}</td>
                    <td>{a.gold.as_ref().map(|g| w.num(g.mean_iou, 2)).unwrap_or_else(|| "–".into())}</td>
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
                    <td>{w.num((f.first + f.second) as f64, 0)}</td>
                    <td>{percent(w, f.f1)}{bar(w, Some(f.f1), "#66bb6a")}</td>
                    <td>{w.num(f.mean_iou, 2)}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <table class="lasso-quality-people">
            <thead><tr><th>{w.t("team.annotator")}</th><th>{w.t("quality.tasks")}</th><th>{w.t("team.active_per_task")}</th><th>{w.t("quality.sent_back_column")}</th>
                <th>{w.t("quality.agreement")}</th><th>{w.t("quality.gold_pr")}</th><th>{w.t("quality.gold_iou")}</th></tr></thead>
            <tbody>{people}</tbody>
        </table>
        <table class="lasso-quality-classes">
            <thead><tr><th>{w.t("health.class")}</th><th>{w.t("quality.shapes")}</th><th>{w.t("quality.agreement")}</th><th>{w.t("review.mean_iou")}</th></tr></thead>
            <tbody>{classes}</tbody>
        </table>
    }
}

/// The report, opened from the team panel; `open` shows or hides it.
#[component]
pub fn QualityPanel(runtime: Rc<Runtime>, open: RwSignal<bool>) -> impl IntoView {
    let report: RwSignal<Option<QualityReport>> = RwSignal::new(None);
    let w = Words(runtime.locale);
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
            <div class="lasso-quality lasso-gallery" role="dialog" aria-label=move || w.t("quality.title")>
                <h3>{move || w.t("team.quality")}</h3>
                <div class="lasso-quality-actions">
                    <button class="lasso-quality-csv" on:click=csv>{move || w.t("quality.csv")}</button>
                    <button class="lasso-quality-close" on:click=move |_| open.set(false)>{move || w.t("help.close")}</button>
                </div>
                {move || report.get().map(|r| table(w, r))}
            </div>
        </Show>
    }
}
