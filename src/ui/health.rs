//! The dataset health page: `formats::health` of every image labelled in this browser (local
//! folders and opened tasks), of the whole project (every task: the accepted result, else the
//! latest, else the image alone) or of the project's accepted results — classes with their objects
//! and images per split and those that need more examples, COCO sizes, box aspects, image
//! sizes, objects per image — with bars to compare at a glance; on request every image is read
//! for the pixel checks (unreadable, blank, duplicate and near-duplicate pictures).

use crate::app::sources::HEALTH_POLICY;
use crate::app::Runtime;
use lasso_core::dataset::looks::{looks, pixel_health, PixelHealth};
use lasso_core::formats::health::{health, Health, Spread, ASPECT_BINS, TINY_PX};
use lasso_core::formats::{archive, export_image_name};
use lasso_core::model::Task;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::rc::Rc;

/// Which images the page covers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Browser,
    Project,
    Accepted,
}

impl Scope {
    fn parse(value: &str) -> Self {
        match value {
            "project" => Scope::Project,
            "accepted" => Scope::Accepted,
            _ => Scope::Browser,
        }
    }
}

/// The tasks `scope` covers; `progress(done, total)` while the project's tasks are read.
async fn tasks_of(
    runtime: &Rc<Runtime>,
    scope: Scope,
    progress: impl FnMut(usize, usize),
) -> Result<Vec<Task>, String> {
    Ok(match scope {
        Scope::Project => {
            crate::app::sources::project_tasks(runtime, HEALTH_POLICY, progress).await?
        }
        Scope::Accepted => crate::app::review::accepted_tasks(runtime).await?,
        Scope::Browser => {
            let (tasks, problems) = crate::export::every_image(runtime).await;
            if let Some(problem) = problems.first() {
                return Err(format!("Could not read every stored task: {problem}"));
            }
            tasks
        }
    })
}

async fn load(
    runtime: &Rc<Runtime>,
    scope: Scope,
    progress: impl FnMut(usize, usize),
) -> Result<Health, String> {
    Ok(health(&archive::many(
        tasks_of(runtime, scope, progress).await?,
    )))
}

/// Reads every image of the scope (each file once) for the pixel checks; `progress(done,
/// total)` after each.
async fn check_pixels(
    runtime: &Rc<Runtime>,
    scope: Scope,
    mut progress: impl FnMut(usize, usize),
) -> Result<PixelHealth, String> {
    let tasks = tasks_of(runtime, scope, |_, _| ()).await?;
    let mut seen = std::collections::BTreeSet::new();
    let images: Vec<(String, String)> = tasks
        .iter()
        .filter(|t| !t.image.src.is_empty() && seen.insert(t.image.src.clone()))
        .map(|t| (export_image_name(t), t.image.src.clone()))
        .collect();
    let mut found = Vec::with_capacity(images.len());
    for (done, (name, src)) in images.iter().enumerate() {
        progress(done, images.len());
        // Let the page draw the progress between images.
        crate::timer::sleep(0).await;
        let one = crate::datasets::image_bytes(runtime, src)
            .await
            .and_then(|bytes| looks(&bytes));
        found.push((name.clone(), one));
    }
    Ok(pixel_health(found))
}

fn pixel_report(p: PixelHealth) -> impl IntoView {
    let list = |items: Vec<String>| {
        items
            .into_iter()
            .map(|i| view! { <li>{i}</li> })
            .collect::<Vec<_>>()
    };
    let unreadable = list(
        p.unreadable
            .iter()
            .map(|(name, why)| format!("{name}: {why}"))
            .collect(),
    );
    let blank = list(p.blank.clone());
    let duplicates = list(p.duplicates.iter().map(|g| g.join("  ·  ")).collect());
    view! {
        <div class="lasso-health-pixels">
            <h4>{format!("Unreadable images ({})", p.unreadable.len())}</h4>
            <ul class="lasso-health-unreadable">{unreadable}</ul>
            <h4>{format!("Blank images ({})", p.blank.len())}</h4>
            <ul class="lasso-health-blank">{blank}</ul>
            <h4>{format!("Duplicate groups ({}): the same picture, resized or recompressed", p.duplicates.len())}</h4>
            <ul class="lasso-health-duplicates">{duplicates}</ul>
        </div>
    }
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
    let tags: Vec<(String, usize, bool)> =
        h.tags.iter().map(|(t, n)| (t.clone(), *n, false)).collect();
    let has_tags = !tags.is_empty();
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
        <div style:display=if has_tags { "" } else { "none" }>
            <h4>"Images per tag"</h4>
            {bars("lasso-health-tags", tags)}
        </div>
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
    let pixels_of: RwSignal<Option<PixelHealth>> = RwSignal::new(None);
    let checking = RwSignal::new(None::<(usize, usize)>);
    let reading = RwSignal::new(None::<(usize, usize)>);
    // Whether a project is open, read when the page opens (a project may be joined later).
    let in_team = RwSignal::new(false);
    let runtime = SendWrapper::new(runtime);
    let toggle_runtime = runtime.clone();
    let pixels_runtime = runtime.clone();
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
        pixels_of.set(None);
        reading.set(None);
        wasm_bindgen_futures::spawn_local(async move {
            let progress = move |done, total| {
                reading.try_set(Some((done, total)));
            };
            match load(&runtime, chosen, progress).await {
                Ok(h) => {
                    report_of.try_set(Some(h));
                }
                Err(e) => runtime.fail(e),
            }
        });
    });
    let start_pixels = move |_| {
        let runtime = Rc::clone(&pixels_runtime);
        let chosen = scope.get_untracked();
        checking.set(Some((0, 1)));
        wasm_bindgen_futures::spawn_local(async move {
            let result = check_pixels(&runtime, chosen, |done, total| {
                checking.try_set(Some((done, total)));
            })
            .await;
            match result {
                Ok(p) => {
                    pixels_of.try_set(Some(p));
                }
                Err(e) => runtime.fail(e),
            }
            checking.try_set(None);
        });
    };
    view! {
        <button class="lasso-health-toggle" title="Dataset health: classes, splits, box sizes"
            on:click=toggle>"Health"</button>
        <Show when=move || open.get()>
            <div class="lasso-health lasso-gallery" role="dialog" aria-label="Dataset health">
                <h3>"Dataset health"</h3>
                <div class="lasso-health-actions">
                    <select class="lasso-health-scope" style:display=move || if in_team.get() { "" } else { "none" }
                        on:change=move |ev| scope.set(Scope::parse(&event_target_value(&ev)))>
                        <option value="browser" selected>"Every image in this browser"</option>
                        <option value="project" title="Every task: the accepted result, else the latest one, else the image alone">
                            "The whole project"</option>
                        <option value="accepted">"Accepted in the project"</option>
                    </select>
                    <button class="lasso-health-pixels-start" title="Read every image: unreadable, blank and duplicate pictures"
                        prop:disabled=move || checking.get().is_some()
                        on:click=start_pixels.clone()>"Check pixels"</button>
                    <button class="lasso-health-close" on:click=move |_| open.set(false)>"Close"</button>
                </div>
                <Show when=move || checking.get().is_some()>
                    <progress class="lasso-health-progress"
                        prop:max=move || checking.get().map_or(1, |p| p.1).to_string()
                        prop:value=move || checking.get().map_or(0, |p| p.0).to_string()></progress>
                </Show>
                {move || pixels_of.get().map(pixel_report)}
                {move || match report_of.get() {
                    Some(h) => report(h).into_any(),
                    None => view! {
                        <p class="lasso-health-loading">{move || match reading.get() {
                            Some((done, total)) => format!("Reading… {done} of {total} tasks"),
                            None => "Reading…".to_string(),
                        }}</p>
                    }.into_any(),
                }}
            </div>
        </Show>
    }
}
