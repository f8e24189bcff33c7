//! The team panel of a project: the project's instructions beside the canvas, the open task
//! and its status, "Next task" and "Submit", and for managers the project's progress.

use super::words::Words;
use crate::app::team::{self, TeamView};
use crate::app::Runtime;
use lasso_core::team::wire::{Progress, TaskStatus};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::rc::Rc;

fn status_text(w: Words, view: &TeamView) -> String {
    match &view.grant {
        Some(g) => {
            let status = w.dynamic(&format!("status.{}", g.status.as_str()));
            w.f(
                "team.task_status",
                &[("task", &g.task), ("status", &status)],
            )
        }
        None if view.done => w.t("team.none_left").to_string(),
        None => w.t("team.none_open").to_string(),
    }
}

/// Shown when the editor works in a project.
#[component]
pub fn TeamPanel(runtime: Rc<Runtime>) -> impl IntoView {
    let view_signal = runtime.team_view;
    let w = Words(runtime.locale);
    let progress: RwSignal<Option<Progress>> = RwSignal::new(None);
    let gallery_open = RwSignal::new(false);
    let gallery_runtime = Rc::clone(&runtime);
    let editor_open = RwSignal::new(false);
    let editor_runtime = Rc::clone(&runtime);
    let review_open = RwSignal::new(false);
    let quality_open = RwSignal::new(false);
    let quality_runtime = Rc::clone(&runtime);
    // Someone who reviews but does not annotate starts with the review panel open.
    Effect::new(move |_| {
        let reviewer_only = view_signal.with(|v| {
            v.project
                .as_ref()
                .is_some_and(|p| p.roles.may_review() && !p.roles.may_annotate())
        });
        if reviewer_only {
            review_open.set(true);
        }
    });
    let review_runtime = Rc::clone(&runtime);
    let rework_runtime = SendWrapper::new(Rc::clone(&runtime));
    let checks_runtime = SendWrapper::new(Rc::clone(&runtime));
    let examples = example_urls(&runtime);
    let runtime = SendWrapper::new(runtime);
    let (r_next, r_submit, r_progress) = (runtime.clone(), runtime.clone(), runtime.clone());
    let on_next = move |_| {
        let runtime = Rc::clone(&r_next);
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = team::next_task(&runtime).await {
                runtime.fail(e);
            }
        });
    };
    let on_submit = move |_| {
        let runtime = Rc::clone(&r_submit);
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = team::submit(&runtime).await {
                runtime.fail(e);
            }
        });
    };
    let on_progress = move |_| {
        let runtime = Rc::clone(&r_progress);
        wasm_bindgen_futures::spawn_local(async move {
            let (Some(cloud), Some(team)) = (runtime.cloud(), runtime.team.borrow().clone()) else {
                return;
            };
            match crate::cloud::team::progress(&cloud, &team.project).await {
                Ok(text) => match serde_json::from_str::<Progress>(&text) {
                    Ok(p) => progress.set(Some(p)),
                    Err(e) => runtime.fail(w.f("team.progress_unreadable", &[("error", &e)])),
                },
                Err(e) => runtime.fail(w.f("team.progress_failed", &[("error", &e)])),
            }
        });
    };
    let manager =
        move || view_signal.with(|v| v.project.as_ref().is_some_and(|p| p.roles.may_manage()));
    let reviewer =
        move || view_signal.with(|v| v.project.as_ref().is_some_and(|p| p.roles.may_review()));
    let can_submit = move || {
        view_signal.with(|v| {
            !v.busy
                && v.grant.as_ref().is_some_and(|g| {
                    matches!(g.status, TaskStatus::InProgress | TaskStatus::Rework)
                })
        })
    };
    view! {
        <Show when=move || view_signal.with(|v| v.project.is_some())>
            <section class="lasso-team">
                <h2 class="lasso-team-title">{move || view_signal.with(|v| {
                    v.project.as_ref().map(|p| {
                        let title = if p.project.title.is_empty() { p.id.clone() } else { p.project.title.clone() };
                        let roles: Vec<String> = p.roles.list().iter().map(|r| w.dynamic(&format!("role.{}", r.as_str()))).collect();
                        format!("{title} ({})", roles.join(", "))
                    }).unwrap_or_default()
                })}</h2>
                <p class="lasso-team-instructions">{move || view_signal.with(|v| {
                    v.project.as_ref().map(|p| p.project.instructions.text.clone()).unwrap_or_default()
                })}</p>
                <ul class="lasso-team-guides">
                    {move || view_signal.with(|v| {
                        v.project.as_ref().map(|p| {
                            p.project.instructions.classes.iter().map(|(class, guide)| {
                                let pictures = guide.examples.iter().map(|src| {
                                    let src = src.clone();
                                    view! {
                                        <img class="lasso-team-example" alt=src.clone()
                                            src=move || examples.with(|m| m.get(&src).cloned().unwrap_or_default())/>
                                    }
                                }).collect::<Vec<_>>();
                                view! {
                                    <li data-class=class.clone()><b>{class.clone()}</b>": "{guide.text.clone()}{pictures}</li>
                                }
                            }).collect::<Vec<_>>()
                        }).unwrap_or_default()
                    })}
                </ul>
                <p class="lasso-team-status"
                    data-status=move || view_signal.with(|v| v.grant.as_ref().map(|g| g.status.as_str()).unwrap_or(if v.done { "none" } else { "" }))
                    data-task=move || view_signal.with(|v| v.grant.as_ref().map(|g| g.task.clone()).unwrap_or_default())>
                    {move || view_signal.with(|v| status_text(w, v))}
                </p>
                <div class="lasso-team-actions">
                    <button class="lasso-team-next" title=move || w.t("team.next_title")
                        prop:disabled=move || view_signal.with(|v| v.busy)
                        on:click=on_next.clone()>{move || w.t("team.next")}</button>
                    <button class="lasso-team-submit" title=move || w.t("team.submit_title")
                        prop:disabled=move || !can_submit()
                        on:click=on_submit.clone()>{move || w.t("team.submit")}</button>
                    <button class="lasso-team-gallery-button"
                        style:display=move || if reviewer() { "" } else { "none" }
                        on:click=move |_| gallery_open.update(|o| *o = !*o)>{move || w.t("team.gallery")}</button>
                    <button class="lasso-team-project-button"
                        style:display=move || if manager() { "" } else { "none" }
                        on:click=move |_| editor_open.update(|o| *o = !*o)>{move || w.t("team.project")}</button>
                    <button class="lasso-team-quality-button"
                        style:display=move || if manager() { "" } else { "none" }
                        on:click=move |_| quality_open.update(|o| *o = !*o)>{move || w.t("team.quality")}</button>
                    <button class="lasso-team-progress-button"
                        style:display=move || if manager() { "" } else { "none" }
                        on:click=on_progress.clone()>{move || w.t("team.progress")}</button>
                </div>
                <button class="lasso-team-review-button"
                    style:display=move || if reviewer() { "" } else { "none" }
                    on:click=move |_| review_open.update(|o| *o = !*o)>{move || w.t("review.title")}</button>
                <Rework runtime=Rc::clone(&rework_runtime)/>
                <super::checks::ChecksPanel runtime=Rc::clone(&checks_runtime)/>
                {move || progress.get().map(|p| progress_table(w, p))}
            </section>
        </Show>
        <super::review::ReviewPanel runtime=review_runtime open=review_open/>
        <super::quality::QualityPanel runtime=quality_runtime open=quality_open/>
        <super::gallery::Gallery runtime=gallery_runtime open=gallery_open/>
        <super::project_editor::ProjectEditor runtime=editor_runtime open=editor_open/>
    }
}

/// A task given back for rework: the reviewer's comment and issues, each marked resolved by
/// the annotator before they submit again.
#[component]
fn Rework(runtime: Rc<Runtime>) -> impl IntoView {
    let view_signal = runtime.team_view;
    let w = Words(runtime.locale);
    let runtime = SendWrapper::new(runtime);
    let review = move || {
        view_signal.with(|v| {
            v.grant
                .as_ref()
                .filter(|g| g.status == TaskStatus::Rework)
                .and_then(|g| g.review.clone())
        })
    };
    view! {
        {move || review().map(|r| {
            let runtime = runtime.clone();
            let rows = r.issues.iter().enumerate().map(|(n, i)| {
                let id = i.id.clone();
                let key = i.id.clone();
                let done_before = i.resolved;
                let runtime = runtime.clone();
                let checked = {
                    let id = id.clone();
                    move || done_before || view_signal.with(|v| v.resolved.contains(&id))
                };
                view! {
                    <li class="lasso-rework-issue" data-issue=key>
                        <label>
                            <input type="checkbox" class="lasso-rework-resolve" prop:checked=checked
                                prop:disabled=done_before
                                on:change=move |ev| team::resolve_issue(&runtime, &id, event_target_checked(&ev))/>
                            {format!("{}. {}", n + 1, i.text)}
                            {i.annotation.clone().map(|a| w.f("team.on_shape", &[("shape", &a)])).unwrap_or_default()}
                        </label>
                    </li>
                }
            }).collect::<Vec<_>>();
            view! {
                <div class="lasso-rework" role="note">
                    <p class="lasso-rework-comment">{w.f("team.returned", &[("by", &r.by), ("comment", &r.comment)])}</p>
                    <ol>{rows}</ol>
                </div>
            }
        })}
    }
}

/// URLs of the instructions' example images: a URL as it is, a key of the bucket through a
/// presigned `GET` (read again whenever the project changes).
fn example_urls(runtime: &Rc<Runtime>) -> RwSignal<std::collections::BTreeMap<String, String>> {
    let urls = RwSignal::new(std::collections::BTreeMap::new());
    let view_signal = runtime.team_view;
    let runtime = SendWrapper::new(Rc::clone(runtime));
    Effect::new(move |_| {
        let sources: Vec<String> = view_signal.with(|v| {
            v.project
                .as_ref()
                .map(|p| {
                    p.project
                        .instructions
                        .classes
                        .values()
                        .flat_map(|g| g.examples.iter().cloned())
                        .collect()
                })
                .unwrap_or_default()
        });
        let runtime = Rc::clone(&runtime);
        wasm_bindgen_futures::spawn_local(async move {
            let mut found = std::collections::BTreeMap::new();
            for src in sources {
                let is_key = lasso_core::cloud::keys::check_key(&src).is_ok();
                let url = match (is_key, runtime.cloud()) {
                    (true, Some(cloud)) => crate::cloud::display_src(&runtime, &cloud, &src).await,
                    _ => src.clone(),
                };
                found.insert(src, url);
            }
            urls.set(found);
        });
    });
    urls
}

fn progress_table(w: Words, p: Progress) -> impl IntoView {
    let count = |name: &str| w.num(p.by_status.get(name).copied().unwrap_or(0) as f64, 0);
    let tasks = w.n("team.tasks", p.tasks as usize, &[]);
    let summary = w.f(
        "team.progress_summary",
        &[
            ("tasks", &tasks),
            ("complete", &w.num(p.complete_tasks as f64, 0)),
            ("new", &count("new")),
            ("in_progress", &count("in_progress")),
            ("submitted", &count("submitted")),
        ],
    );
    view! {
        <div class="lasso-progress">
            <p class="lasso-progress-summary">{summary}</p>
            <table>
                <thead><tr><th>{w.t("team.annotator")}</th><th>{w.t("status.in_progress")}</th><th>{w.t("status.submitted")}</th><th>{w.t("team.per_hour")}</th><th>{w.t("team.active_per_task")}</th></tr></thead>
                <tbody>
                    {p.annotators.into_iter().map(|(user, a)| view! {
                        <tr data-user=user.clone() data-submitted=a.submitted data-in-progress=a.in_progress>
                            <td>{user.clone()}</td>
                            <td>{w.num(a.in_progress as f64, 0)}</td>
                            <td>{w.num(a.submitted as f64, 0)}</td>
                            <td>{w.num(a.tasks_per_hour, 1)}</td>
                            <td>{w.num(a.mean_active_ms / 1000.0, 0)}</td>
                        </tr>
                    }).collect::<Vec<_>>()}
                </tbody>
            </table>
        </div>
    }
}
