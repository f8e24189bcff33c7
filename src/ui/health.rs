//! The dataset health page: `formats::health` of every image labelled in this browser (local
//! folders and opened tasks) or of the project's accepted results — classes with their objects
//! and images per split and those that need more examples, COCO sizes, box aspects, image
//! sizes, objects per image — with bars to compare at a glance.

use crate::app::Runtime;
use lasso_core::formats::archive;
use lasso_core::formats::health::{health, Health, Spread, ASPECT_BINS, TINY_PX};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::rc::Rc;

/// Which images the page covers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Browser,
    Accepted,
}

async fn load(runtime: &Rc<Runtime>, scope: Scope) -> Result<Health, String> {
    let tasks = match scope {
        Scope::Accepted => crate::app::review::accepted_tasks(runtime).await?,
        Scope::Browser => {
            let (tasks, problems) = crate::export::every_task(runtime).await;
            if let Some(problem) = problems.first() {
                return Err(format!("Could not read every stored task: {problem}"));
            }
            tasks
        }
    };
    Ok(health(&archive::many(tasks)))
}

/// A row of labelled bars, each `value / max` of the width; `flag` colours a bar as a warning.
fn bars(class: &'static str, rows: Vec<(String, usize, bool)>) -> impl IntoView {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let rows = rows
        .into_iter()
        .map(|(name, value, flag)| {
            let width = (value as f64 / max as f64 * 100.0).round();
            let color = if flag { "#ef5350" } else { "#42a5f5" };
            view! {
                <tr data-name=name.clone() data-value=value.to_string()>
                    <td>{name.clone()}</td>
                    <td class="lasso-health-count">{value}</td>
                    <td>
                        <svg class="lasso-health-bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img"
                            aria-label=format!("{name}: {value}")>
                            <rect x="0" y="0" width=width height="10" fill=color></rect>
                        </svg>
                    </td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! { <table class=format!("lasso-health-bars {class}")><tbody>{rows}</tbody></table> }
}

fn spread(s: &Spread) -> String {
    format!(
        "min {:.0} · median {:.0} · max {:.0}",
        s.min, s.median, s.max
    )
}

fn report(h: Health) -> impl IntoView {
    let classes: Vec<(String, usize, bool)> = h
        .classes
        .iter()
        .map(|(name, c)| (name.clone(), c.objects, c.needs_more))
        .collect();
    let needing: Vec<String> = h
        .classes
        .iter()
        .filter(|(_, c)| c.needs_more)
        .map(|(name, c)| format!("{name} ({} images)", c.images))
        .collect();
    let splits = h
        .classes
        .iter()
        .map(|(name, c)| {
            let per = c
                .per_split
                .iter()
                .map(|(s, n)| format!("{s} {n}"))
                .collect::<Vec<_>>()
                .join(" · ");
            view! { <tr data-class=name.clone()><td>{name.clone()}</td><td>{c.images}</td><td>{per}</td></tr> }
        })
        .collect::<Vec<_>>();
    let sizes = ["small", "medium", "large"]
        .iter()
        .map(|s| (s.to_string(), h.size.get(*s).copied().unwrap_or(0), false))
        .collect();
    let aspects = ASPECT_BINS
        .iter()
        .map(|(b, _)| (b.to_string(), h.aspect.get(*b).copied().unwrap_or(0), false))
        .collect();
    let images = h
        .image_sizes
        .iter()
        .map(|(s, n)| (s.clone(), *n, s.starts_with("0×")))
        .collect();
    view! {
        <p class="lasso-health-summary">
            {format!(
                "{} images, {} objects; {} images without objects; {} tiny objects (under {TINY_PX} px); objects per image {}",
                h.images, h.objects, h.empty_images, h.tiny_objects, spread(&h.objects_per_image)
            )}
        </p>
        <Show when={let none = needing.is_empty(); move || !none}>
            <p class="lasso-health-needs">{format!("Needs more examples: {}", needing.join(", "))}</p>
        </Show>
        <h4>"Objects per class"</h4>
        {bars("lasso-health-classes", classes)}
        <table class="lasso-health-splits">
            <thead><tr><th>"Class"</th><th>"Images"</th><th>"Objects per split"</th></tr></thead>
            <tbody>{splits}</tbody>
        </table>
        <h4>"Box sizes (COCO)"</h4>
        {bars("lasso-health-sizes", sizes)}
        <h4>"Box aspect (width : height)"</h4>
        {bars("lasso-health-aspects", aspects)}
        <p>{format!("Box width {} px; height {} px", spread(&h.box_width), spread(&h.box_height))}</p>
        <h4>"Image sizes"</h4>
        {bars("lasso-health-images", images)}
    }
}

/// The toolbar's Health button and its page.
#[component]
pub fn HealthPanel(runtime: Rc<Runtime>) -> impl IntoView {
    let open = RwSignal::new(false);
    let scope = RwSignal::new(Scope::Browser);
    let report_of: RwSignal<Option<Health>> = RwSignal::new(None);
    // Whether a project is open, read when the page opens (a project may be joined later).
    let in_team = RwSignal::new(false);
    let runtime = SendWrapper::new(runtime);
    let toggle_runtime = runtime.clone();
    let toggle = move |_| {
        in_team.set(toggle_runtime.team.borrow().is_some());
        open.update(|o| *o = !*o);
    };
    Effect::new(move |_| {
        let chosen = scope.get();
        if !open.get() {
            return;
        }
        let runtime = Rc::clone(&runtime);
        report_of.set(None);
        wasm_bindgen_futures::spawn_local(async move {
            match load(&runtime, chosen).await {
                Ok(h) => {
                    report_of.try_set(Some(h));
                }
                Err(e) => runtime.fail(e),
            }
        });
    });
    view! {
        <button class="lasso-health-toggle" title="Dataset health: classes, splits, box sizes"
            on:click=toggle>"Health"</button>
        <Show when=move || open.get()>
            <div class="lasso-health lasso-gallery" role="dialog" aria-label="Dataset health">
                <h3>"Dataset health"</h3>
                <div class="lasso-health-actions">
                    <select class="lasso-health-scope" style:display=move || if in_team.get() { "" } else { "none" }
                        on:change=move |ev| scope.set(if event_target_value(&ev) == "accepted" {
                            Scope::Accepted
                        } else {
                            Scope::Browser
                        })>
                        <option value="browser" selected>"Every image in this browser"</option>
                        <option value="accepted">"Accepted in the project"</option>
                    </select>
                    <button class="lasso-health-close" on:click=move |_| open.set(false)>"Close"</button>
                </div>
                {move || match report_of.get() {
                    Some(h) => report(h).into_any(),
                    None => view! { <p class="lasso-health-loading">"Reading…"</p> }.into_any(),
                }}
            </div>
        </Show>
    }
}
