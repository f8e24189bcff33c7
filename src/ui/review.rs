//! Review on screen: the panel (queue, layers, the image's agreement, issues, accept and
//! reject) and the overlay over the canvas (each annotator's shapes in their colour, the
//! disagreements marked, the issues pinned — also for an annotator reworking a task).

use super::words::Words;
use crate::app::review::{self, ReviewView};
use crate::app::Runtime;
use lasso_core::model::Point;
use lasso_core::render_plan::outline::outline_svg;
use lasso_core::team::review::Issue;
use lasso_core::team::wire::TaskStatus;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::rc::Rc;

type Act = SendWrapper<Rc<dyn Fn(&'static str)>>;

/// The review panel, opened from the team panel by reviewers and managers.
#[component]
pub fn ReviewPanel(runtime: Rc<Runtime>, open: RwSignal<bool>) -> impl IntoView {
    let view_signal = runtime.review_view;
    let w = Words(runtime.locale);
    let comment = RwSignal::new(String::new());
    let issue_text = RwSignal::new(String::new());
    let rt = SendWrapper::new(Rc::clone(&runtime));
    // Every button goes through one dispatcher: the action's name, run against the runtime.
    let act: Act = {
        let rt = rt.clone();
        SendWrapper::new(Rc::new(move |what: &'static str| {
            let runtime = Rc::clone(&rt);
            wasm_bindgen_futures::spawn_local(async move {
                let result = match what {
                    "queue" => review::load_queue(&runtime).await.map(|_| ()),
                    "accept" => review::accept(&runtime).await.map(|_| ()),
                    "reject" => {
                        let text = comment.get_untracked();
                        review::reject(&runtime, &text, None, None).await.map(|_| {
                            comment.set(String::new());
                        })
                    }
                    "export" => export_accepted(&runtime).await,
                    "gold" => review::mark_gold(&runtime).await,
                    _ => Ok(()),
                };
                if let Err(e) = result {
                    runtime.fail(e);
                }
            });
        }))
    };
    // Opening the panel reads the queue.
    {
        let act = act.clone();
        Effect::new(move |_| {
            if open.get() {
                act("queue");
            }
        });
    }
    let open_task = {
        let rt = rt.clone();
        move |id: String| {
            let runtime = Rc::clone(&rt);
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = review::open_review(&runtime, &id).await {
                    runtime.fail(e);
                }
            });
        }
    };
    let add_issue = {
        let rt = rt.clone();
        move || {
            if review::add_issue(&rt, &issue_text.get_untracked()) {
                issue_text.set(String::new());
            }
        }
    };
    let add_on_enter = add_issue.clone();
    let (a_accept, a_reject, a_export, a_refresh, a_gold) = (
        act.clone(),
        act.clone(),
        act.clone(),
        act.clone(),
        act.clone(),
    );
    let team_signal = runtime.team_view;
    // Managers may make an accepted task gold; it says so once it is.
    let gold_state = move || {
        let task = view_signal.with(|v| v.task.clone());
        team_signal.with(|t| {
            let p = t.project.as_ref()?;
            let task = task?;
            p.roles
                .may_manage()
                .then(|| p.project.gold.tasks.contains(&task))
        })
    };
    let busy = move || view_signal.with(|v| v.busy);
    let queue_rows = move || {
        let open_task = open_task.clone();
        view_signal.with(|v| {
            v.queue
                .as_ref()
                .map(|q| {
                    q.tasks
                        .iter()
                        .map(|e| {
                            let id = e.task.clone();
                            let key = e.task.clone();
                            let who: Vec<String> = e
                                .people
                                .iter()
                                .map(|p| format!("{} ({})", p.user, w.dynamic(&format!("status.{}", p.status.as_str()))))
                                .collect();
                            let open_task = open_task.clone();
                            view! {
                                <li class="lasso-review-queue-item" data-task=key>
                                    <button on:click=move |_| open_task(id.clone())>{e.task.clone()}</button>
                                    " "{who.join(", ")}{if e.complete { "" } else { w.t("review.waiting") }}
                                </li>
                            }
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <section class="lasso-review" aria-label=move || w.t("review.title")
            style:display=move || if open.get() { "" } else { "none" }>
                <h3>{move || w.t("review.title")}</h3>
                <div class="lasso-review-queue">
                    <p>{move || view_signal.with(|v| match &v.queue {
                        Some(q) if q.tasks.is_empty() => w.t("review.nothing").to_string(),
                        Some(q) => w.n("review.queue", q.tasks.len(), &[]),
                        None => w.t("review.reading").to_string(),
                    })}
                    " "<button class="lasso-review-refresh" on:click={let a = a_refresh.clone(); move |_| a("queue")}>{move || w.t("review.refresh")}</button></p>
                    <ul>{queue_rows.clone()}</ul>
                </div>
                <Show when=move || view_signal.with(ReviewView::active)>
                    <div class="lasso-review-task" data-task=move || view_signal.with(|v| v.task.clone().unwrap_or_default())>
                        <h4>{move || view_signal.with(|v| w.f("review.task", &[("task", &v.task.clone().unwrap_or_default())]))}</h4>
                        <p class="lasso-review-accepted">{move || view_signal.with(|v| v.accepted.as_ref().map(|a| w.f("review.accepted", &[("by", &a.by), ("from", &a.from)])).unwrap_or_default())}
                            <button class="lasso-review-gold" title=move || w.t("review.gold_title")
                                style:display=move || if gold_state() == Some(false) && view_signal.with(|v| v.accepted.is_some()) { "" } else { "none" }
                                on:click={let a = a_gold.clone(); move |_| a("gold")}>{move || w.t("review.gold")}</button>
                            <span class="lasso-review-is-gold" style:display=move || if gold_state() == Some(true) { "" } else { "none" }>" "{move || w.t("review.is_gold")}</span>
                        </p>
                        <Layers view=view_signal words=w/>
                        <StartFrom runtime=Rc::clone(&rt)/>
                        <AgreementFigures view=view_signal words=w/>
                        <div class="lasso-review-issues">
                            <button class="lasso-review-pin" title=move || w.t("review.pin_title")
                                prop:disabled=busy
                                on:click=move |_| view_signal.update(|v| v.pinning = !v.pinning)>
                                {move || w.t(if view_signal.with(|v| v.pinning) { "review.pinning" } else { "review.pin" })}
                            </button>
                                <span class="lasso-review-pending"
                                    style:display=move || if view_signal.with(|v| v.pending.is_some()) { "" } else { "none" }>
                                    {move || view_signal.with(|v| v.pending.as_ref().map(|p| match &p.annotation {
                                        Some(a) => w.f("review.on_shape", &[("shape", a)]),
                                        None => w.f("review.at", &[("x", &w.num(p.at.x, 0)), ("y", &w.num(p.at.y, 0))]),
                                    }).unwrap_or_default())}
                                    <input class="lasso-review-issue-text" placeholder=move || w.t("review.issue_placeholder")
                                        aria-label=move || w.t("review.issue_placeholder")
                                        prop:value=move || issue_text.get()
                                        on:input=move |ev| issue_text.set(event_target_value(&ev))
                                        on:keydown={let add = add_on_enter.clone(); move |ev: web_sys::KeyboardEvent| {
                                            ev.stop_propagation();
                                            if ev.key() == "Enter" { add(); }
                                        }}/>
                                    <button class="lasso-review-issue-add" on:click={let add = add_issue.clone(); move |_| add()}>{move || w.t("review.add")}</button>
                                </span>
                            <ol class="lasso-review-issue-list">
                                {move || view_signal.with(|v| v.issues.iter().map(|i| view! {
                                    <li data-issue=i.id.clone()>{i.text.clone()}</li>
                                }).collect::<Vec<_>>())}
                            </ol>
                        </div>
                        <div class="lasso-review-decide">
                            <input class="lasso-review-comment" placeholder=move || w.t("review.comment_placeholder")
                                aria-label=move || w.t("review.comment_placeholder")
                                prop:value=move || comment.get()
                                on:input=move |ev| comment.set(event_target_value(&ev))
                                on:keydown=move |ev: web_sys::KeyboardEvent| ev.stop_propagation()/>
                            <button class="lasso-review-reject" prop:disabled=busy
                                title=move || w.t("review.reject_title")
                                on:click={let a = a_reject.clone(); move |_| a("reject")}>{move || w.t("review.reject")}</button>
                            <button class="lasso-review-accept" prop:disabled=busy
                                title=move || w.t("review.accept_title")
                                on:click={let a = a_accept.clone(); move |_| a("accept")}>{move || w.t("review.accept")}</button>
                        </div>
                    </div>
                </Show>
                <button class="lasso-review-export" title=move || w.t("review.export_title")
                    on:click={let a = a_export.clone(); move |_| a("export")}>{move || w.t("review.export")}</button>
        </section>
    }
}

/// Downloads every accepted result of the project as a COCO dataset with its images.
async fn export_accepted(runtime: &Rc<Runtime>) -> Result<(), String> {
    let options = crate::datasets::ZipOptions {
        format: "coco".into(),
        images: true,
        split: None,
        seed: 0,
        all: false,
        accepted: true,
        pipeline: Default::default(),
    };
    let bytes = crate::datasets::export_zip(runtime, &options, |_, _| {}).await?;
    crate::export::download("lasso-accepted-coco.zip", &bytes, "application/zip")
}

/// The layers: one row per annotator with a toggle, their colour, status, and whether their
/// result is the one a rejection sends back.
#[component]
fn Layers(view: RwSignal<ReviewView>, words: Words) -> impl IntoView {
    let w = words;
    let view_signal = view;
    let toggle_all = move |_| {
        view_signal.update(|v| {
            let show = v.layers.iter().any(|l| !l.visible);
            for l in &mut v.layers {
                l.visible = show;
            }
        })
    };
    view! {
        <div class="lasso-review-layers">
            <button class="lasso-review-all-layers" on:click=toggle_all>{move || w.t("review.all_layers")}</button>
            <ul>
                {move || view_signal.with(|v| v.layers.iter().enumerate().map(|(i, l)| {
                    let user = l.user.clone();
                    let target = v.target.as_deref() == Some(l.user.as_str());
                    let reworking = l.status == TaskStatus::Rework;
                    view! {
                        <li class="lasso-review-layer" data-user=user.clone() data-status=l.status.as_str()>
                            <label>
                                <input type="checkbox" class="lasso-review-layer-toggle" prop:checked=l.visible
                                    on:change=move |_| view_signal.update(|v| if let Some(l) = v.layers.get_mut(i) { l.visible = !l.visible; })/>
                                <span class="lasso-review-swatch" style:background=l.color.clone()></span>
                                {w.n("review.layer", l.task.annotations.len(), &[("user", &l.user), ("status", &w.dynamic(&format!("status.{}", l.status.as_str())))])}
                            </label>
                            <label title=move || w.t("review.target_title")>
                                <input type="radio" name="lasso-review-target" class="lasso-review-target" prop:checked=target
                                    on:change={let user = user.clone(); move |_| view_signal.update(|v| v.target = Some(user.clone()))}/>
                                " "{w.t(if reworking { "review.reworking" } else { "review.this" })}
                            </label>
                        </li>
                    }
                }).collect::<Vec<_>>())}
            </ul>
        </div>
    }
}

/// Replaces the reviewer's copy with the consensus or one person's result.
#[component]
fn StartFrom(runtime: Rc<Runtime>) -> impl IntoView {
    let view_signal = runtime.review_view;
    let w = Words(runtime.locale);
    let choice = RwSignal::new("consensus".to_string());
    let runtime = SendWrapper::new(runtime);
    let apply = move |_| {
        if let Err(e) = review::start_from(&runtime, &choice.get_untracked()) {
            runtime.fail(e);
        }
    };
    view! {
        <div class="lasso-review-start">
            <label>{move || w.t("review.copy_from")} " "
                <select class="lasso-review-source" on:change=move |ev| choice.set(event_target_value(&ev))>
                    <option value="consensus">{move || w.t("review.consensus")}</option>
                    {move || view_signal.with(|v| v.layers.iter().map(|l| view! {
                        <option value=l.user.clone()>{w.f("review.result_of", &[("user", &l.user)])}</option>
                    }).collect::<Vec<_>>())}
                </select>
            </label>
            <button class="lasso-review-start-from" title=move || w.t("review.use_title") on:click=apply>{move || w.t("review.use")}</button>
        </div>
    }
}

/// The image's agreement: each pair's figures and how many shapes disagree.
#[component]
fn AgreementFigures(view: RwSignal<ReviewView>, words: Words) -> impl IntoView {
    let w = words;
    view! {
        <div class="lasso-review-agreement">
            {move || view.with(|v| v.agreement.as_ref().map(|a| {
                let rows = a.pairs.iter().map(|p| view! {
                    <tr data-pair=format!("{}/{}", p.first, p.second)>
                        <td>{format!("{} / {}", p.first, p.second)}</td>
                        <td>{w.num(p.figures.matched as f64, 0)}</td>
                        <td>{w.num(p.figures.f1, 2)}</td>
                        <td>{w.num(p.figures.mean_iou, 2)}</td>
                    </tr>
                }).collect::<Vec<_>>();
                view! {
                    <p class="lasso-review-flagged" data-flagged=a.flagged.len()>
                        {w.n("review.flagged", a.flagged.len(), &[("iou", &w.num(a.strict, 2))])}
                    </p>
                    <table>
                        <thead><tr><th>{w.t("review.pair")}</th><th>{w.t("review.matched")}</th><th>"F1"</th><th>{w.t("review.mean_iou")}</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
            }))}
        </div>
    }
}

/// One outline of the overlay.
#[derive(Clone, PartialEq)]
struct Outline {
    d: String,
    color: String,
    flagged: bool,
    user: String,
    id: String,
}

/// The overlay over the canvas: review layers, disagreements, pinned issues (the reviewer's
/// draft, or the review an annotator reworks). Clicks reach it only while pinning.
#[component]
pub fn ReviewOverlay(runtime: Rc<Runtime>) -> impl IntoView {
    let (review_signal, team_signal, session) =
        (runtime.review_view, runtime.team_view, runtime.session);
    let outlines = Memo::new(move |_| {
        review_signal.with(|v| {
            let flagged: std::collections::HashSet<(String, String)> = v
                .agreement
                .as_ref()
                .map(|a| {
                    a.flagged
                        .iter()
                        .map(|f| (f.user.clone(), f.annotation.clone()))
                        .collect()
                })
                .unwrap_or_default();
            v.layers
                .iter()
                .filter(|l| l.visible)
                .flat_map(|l| {
                    l.task.annotations.iter().map(|a| Outline {
                        d: outline_svg(&a.shape),
                        color: l.color.clone(),
                        flagged: flagged.contains(&(l.user.clone(), a.id.0.clone())),
                        user: l.user.clone(),
                        id: a.id.0.clone(),
                    })
                })
                .collect::<Vec<_>>()
        })
    });
    // The pins: the reviewer's draft while reviewing, else the review of a task reworked.
    let pins = move || -> Vec<(Issue, bool)> {
        if review_signal.with(ReviewView::active) {
            let mut list: Vec<(Issue, bool)> =
                review_signal.with(|v| v.issues.iter().map(|i| (i.clone(), false)).collect());
            if let Some(p) = review_signal.with(|v| v.pending.clone()) {
                list.push((
                    Issue {
                        id: "new".into(),
                        x: p.at.x,
                        y: p.at.y,
                        annotation: p.annotation,
                        text: String::new(),
                        resolved: false,
                    },
                    false,
                ));
            }
            return list;
        }
        team_signal.with(|v| {
            let Some(g) = v.grant.as_ref().filter(|g| g.status == TaskStatus::Rework) else {
                return Vec::new();
            };
            g.review
                .as_ref()
                .map(|r| {
                    r.issues
                        .iter()
                        .map(|i| (i.clone(), i.resolved || v.resolved.contains(&i.id)))
                        .collect()
                })
                .unwrap_or_default()
        })
    };
    let transform = move || {
        session.with(|s| {
            let o = s.viewport.offset();
            format!(
                "matrix({s},0,0,{s},{x},{y})",
                s = s.viewport.scale(),
                x = o.x,
                y = o.y
            )
        })
    };
    let scale = move || session.with(|s| s.viewport.scale()).max(1e-9);
    let pinning = move || review_signal.with(|v| v.pinning);
    let click_runtime = SendWrapper::new(runtime);
    let on_click = move |ev: web_sys::MouseEvent| {
        if !review_signal.with_untracked(|v| v.pinning) {
            return;
        }
        // Relative to the overlay itself (a click may land on one of its shapes).
        let Some(el) = ev
            .current_target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        else {
            return;
        };
        let rect = el.get_bounding_client_rect();
        let screen = Point::new(
            f64::from(ev.client_x()) - rect.left(),
            f64::from(ev.client_y()) - rect.top(),
        );
        let at = session.with_untracked(|s| s.viewport.to_image(screen));
        review::pin_at(&click_runtime, at);
    };
    view! {
        <svg class="lasso-review-overlay" data-pinning=move || pinning().to_string()
            style:pointer-events=move || if pinning() { "auto" } else { "none" }
            style:cursor=move || if pinning() { "crosshair" } else { "" }
            on:click=on_click>
            <g transform=transform>
                {move || outlines.get().into_iter().map(|o| view! {
                    <path class=if o.flagged { "lasso-review-shape lasso-review-flag" } else { "lasso-review-shape" }
                        data-user=o.user data-annotation=o.id
                        d=o.d stroke=o.color fill="none" vector-effect="non-scaling-stroke"></path>
                }).collect::<Vec<_>>()}
                {move || {
                    let r = 11.0 / scale();
                    pins().into_iter().enumerate().map(|(n, (i, resolved))| view! {
                        <g class=if resolved { "lasso-pin lasso-pin-resolved" } else { "lasso-pin" } data-issue=i.id.clone()>
                            <circle cx=i.x cy=i.y r=r></circle>
                            <text x=i.x y=i.y font-size=r * 1.3 text-anchor="middle" dominant-baseline="central">{(n + 1).to_string()}</text>
                            <title>{i.text.clone()}</title>
                        </g>
                    }).collect::<Vec<_>>()
                }}
            </g>
        </svg>
    }
}
