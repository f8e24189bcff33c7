//! The dataset health page: `formats::health` of every image labelled in this browser (local
//! folders and opened tasks), of the whole project (every task: the accepted result, else the
//! latest, else the image alone) or of the project's accepted results — classes with their objects
//! and images per split and those that need more examples, COCO sizes, box aspects, image
//! sizes, objects per image — with bars to compare at a glance; on request every image is read
//! for the pixel checks (unreadable, blank, duplicate and near-duplicate pictures).

use super::words::Words;
use crate::app::sources::HEALTH_POLICY;
use crate::app::Runtime;
use lasso_core::dataset::looks::{pixel_health, PixelHealth};
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
    let words = Words(runtime.locale);
    Ok(match scope {
        Scope::Project => {
            crate::app::sources::project_tasks(runtime, HEALTH_POLICY, progress).await?
        }
        Scope::Accepted => crate::app::review::accepted_tasks(runtime).await?,
        Scope::Browser => {
            let (tasks, problems) = crate::export::every_image(runtime).await;
            if let Some(problem) = problems.first() {
                return Err(words.f("health.unread", &[("problem", problem)]));
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
        let one = match crate::datasets::image_bytes(runtime, src).await {
            Ok(bytes) => crate::on_demand::pixels::looks(&bytes)
                .await
                .map_err(|_| runtime.part_unavailable())?,
            Err(e) => Err(e),
        };
        found.push((name.clone(), one));
    }
    Ok(pixel_health(found))
}

fn pixel_report(w: Words, p: PixelHealth) -> impl IntoView {
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
            <h4>{w.f("health.unreadable", &[("n", &w.num(p.unreadable.len() as f64, 0))])}</h4>
            <ul class="lasso-health-unreadable">{unreadable}</ul>
            <h4>{w.f("health.blank", &[("n", &w.num(p.blank.len() as f64, 0))])}</h4>
            <ul class="lasso-health-blank">{blank}</ul>
            <h4>{w.f("health.duplicates", &[("n", &w.num(p.duplicates.len() as f64, 0))])}</h4>
            <ul class="lasso-health-duplicates">{duplicates}</ul>
        </div>
    }
}

/// A row of labelled bars, each `value / max` of the width; `flag` colours a bar as a warning.
fn bars(w: Words, class: &'static str, rows: Vec<(String, usize, bool)>) -> impl IntoView {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let rows = rows
        .into_iter()
        .map(|(name, value, flag)| {
            let width = (value as f64 / max as f64 * 100.0).round();
            let color = if flag { "#ef5350" } else { "#42a5f5" };
            view! {
                <tr data-name=name.clone() data-value=value.to_string()>
                    <td>{name.clone()}</td>
                    <td class="lasso-health-count">{w.num(value as f64, 0)}</td>
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

fn spread(w: Words, s: &Spread) -> String {
    let (min, median, max) = (w.num(s.min, 0), w.num(s.median, 0), w.num(s.max, 0));
    w.f(
        "health.spread",
        &[("min", &min), ("median", &median), ("max", &max)],
    )
}

fn report(w: Words, h: Health) -> impl IntoView {
    let classes: Vec<(String, usize, bool)> = h
        .classes
        .iter()
        .map(|(name, c)| (name.clone(), c.objects, c.needs_more))
        .collect();
    let needing: Vec<String> = h
        .classes
        .iter()
        .filter(|(_, c)| c.needs_more)
        .map(|(name, c)| w.n("health.needing", c.images, &[("name", name)]))
        .collect();
    let splits = h
        .classes
        .iter()
        .map(|(name, c)| {
            let per = c
                .per_split
                .iter()
                .map(|(s, n)| format!("{s} {}", w.num(*n as f64, 0)))
                .collect::<Vec<_>>()
                .join(" · ");
            view! { <tr data-class=name.clone()><td>{name.clone()}</td><td>{w.num(c.images as f64, 0)}</td><td>{per}</td></tr> }
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
            {summary(w, &h)}
        </p>
        <Show when={let none = needing.is_empty(); move || !none}>
            <p class="lasso-health-needs">{w.f("health.needs", &[("classes", &needing.join(", "))])}</p>
        </Show>
        <h4>{w.t("health.per_class")}</h4>
        {bars(w, "lasso-health-classes", classes)}
        <table class="lasso-health-splits">
            <thead><tr><th>{w.t("health.class")}</th><th>{w.t("health.images_column")}</th><th>{w.t("health.per_split")}</th></tr></thead>
            <tbody>{splits}</tbody>
        </table>
        <div style:display=if has_tags { "" } else { "none" }>
            <h4>{w.t("health.per_tag")}</h4>
            {bars(w, "lasso-health-tags", tags)}
        </div>
        <h4>{w.t("health.box_sizes")}</h4>
        {bars(w, "lasso-health-sizes", sizes)}
        <h4>{w.t("health.box_aspect")}</h4>
        {bars(w, "lasso-health-aspects", aspects)}
        <p>{w.f("health.box_spread", &[("width", &spread(w, &h.box_width)), ("height", &spread(w, &h.box_height))])}</p>
        <h4>{w.t("health.image_sizes")}</h4>
        {bars(w, "lasso-health-images", images)}
    }
}

/// "3 images, 12 objects; 1 image without objects; …", counted in the interface's language.
fn summary(w: Words, h: &Health) -> String {
    let px = w.num(TINY_PX, 0);
    let (images, objects, empty, tiny) = (
        w.n("health.images", h.images, &[]),
        w.n("health.objects", h.objects, &[]),
        w.n("health.empty", h.empty_images, &[]),
        w.n("health.tiny", h.tiny_objects, &[("px", &px)]),
    );
    w.f(
        "health.summary",
        &[
            ("images", &images),
            ("objects", &objects),
            ("empty", &empty),
            ("tiny", &tiny),
            ("spread", &spread(w, &h.objects_per_image)),
        ],
    )
}

/// The toolbar's Health button; the page's code loads when the button is approached or at the
/// latest when it opens.
#[component]
pub fn HealthPanel(runtime: Rc<Runtime>) -> impl IntoView {
    use super::later::{when, Fetch, Toggles};
    let w = Words(runtime.locale);
    let toggles = Toggles::new();
    let open = toggles.open;
    let opened = RwSignal::new(false);
    // Whether a project is open, read when the page opens (a project may be joined later).
    let in_team = toggles.in_team;
    let team = SendWrapper::new(Rc::clone(&runtime));
    let toggle = move |_| {
        in_team.set(team.team.borrow().is_some());
        opened.set(true);
        open.update(|o| *o = !*o);
    };
    let intent = RwSignal::new(false);
    view! {
        <button class="lasso-health-toggle" title=move || w.t("health.toggle_title")
            aria-expanded=move || open.get().to_string()
            on:pointerenter=move |_| intent.set(true)
            on:focus=move |_| intent.set(true)
            on:click=toggle>{move || w.t("health.toggle")}</button>
        {when(&runtime, move || opened.get(), toggles, Fetch::OnIntent(intent), super::later::health_page)}
    }
}

/// The health page, shown while `open`; `in_team` offers the project's scopes.
#[component]
pub fn HealthPage(
    runtime: Rc<Runtime>,
    open: RwSignal<bool>,
    in_team: RwSignal<bool>,
) -> impl IntoView {
    let w = Words(runtime.locale);
    let scope = RwSignal::new(Scope::Browser);
    let report_of: RwSignal<Option<Health>> = RwSignal::new(None);
    let pixels_of: RwSignal<Option<PixelHealth>> = RwSignal::new(None);
    let checking = RwSignal::new(None::<(usize, usize)>);
    let reading = RwSignal::new(None::<(usize, usize)>);
    let runtime = SendWrapper::new(runtime);
    let pixels_runtime = runtime.clone();
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
        <Show when=move || open.get()>
            <div class="lasso-health lasso-gallery" role="dialog" aria-label=move || w.t("health.title")>
                <h3>{move || w.t("health.title")}</h3>
                <div class="lasso-health-actions">
                    <select class="lasso-health-scope" style:display=move || if in_team.get() { "" } else { "none" }
                        on:change=move |ev| scope.set(Scope::parse(&event_target_value(&ev)))>
                        <option value="browser" selected>{move || w.t("export.everything")}</option>
                        <option value="project" title=move || w.t("health.project_title")>
                            {move || w.t("health.project")}</option>
                        <option value="accepted">{move || w.t("health.accepted")}</option>
                    </select>
                    <button class="lasso-health-pixels-start" title=move || w.t("health.pixels_title")
                        prop:disabled=move || checking.get().is_some()
                        on:click=start_pixels.clone()>{move || w.t("health.pixels")}</button>
                    <button class="lasso-health-close" on:click=move |_| open.set(false)>{move || w.t("help.close")}</button>
                </div>
                <Show when=move || checking.get().is_some()>
                    <progress class="lasso-health-progress"
                        prop:max=move || checking.get().map_or(1, |p| p.1).to_string()
                        prop:value=move || checking.get().map_or(0, |p| p.0).to_string()></progress>
                </Show>
                {move || pixels_of.get().map(|p| pixel_report(w, p))}
                {move || match report_of.get() {
                    Some(h) => report(w, h).into_any(),
                    None => view! {
                        <p class="lasso-health-loading">{move || match reading.get() {
                            Some((done, total)) => w.n("health.reading_of", total, &[("done", &w.num(done as f64, 0))]),
                            None => w.t("health.reading").to_string(),
                        }}</p>
                    }.into_any(),
                }}
            </div>
        </Show>
    }
}
