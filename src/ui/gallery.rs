//! The project's gallery for leads and reviewers: thumbnails of the tasks with everyone's
//! status, filtered by status, annotator, class present in submitted work and image tag.

use super::words::Words;
use crate::app::Runtime;
use lasso_core::team::wire::{GalleryPage, GalleryQuery, TaskStatus};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::rc::Rc;

/// Tasks per page.
const PAGE: usize = 60;

fn status_of(value: &str) -> Option<TaskStatus> {
    match value {
        "new" => Some(TaskStatus::New),
        "in_progress" => Some(TaskStatus::InProgress),
        "submitted" => Some(TaskStatus::Submitted),
        "rework" => Some(TaskStatus::Rework),
        "accepted" => Some(TaskStatus::Accepted),
        _ => None,
    }
}

fn non_empty(v: String) -> Option<String> {
    (!v.trim().is_empty()).then(|| v.trim().to_string())
}

/// The gallery, opened from the team panel; `open` shows or hides it.
#[component]
pub fn Gallery(runtime: Rc<Runtime>, open: RwSignal<bool>) -> impl IntoView {
    let view_signal = runtime.team_view;
    let w = Words(runtime.locale);
    let (status, annotator, class, tag) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let page: RwSignal<Option<GalleryPage>> = RwSignal::new(None);
    let act_runtime = SendWrapper::new(Rc::clone(&runtime));
    let runtime = SendWrapper::new(runtime);
    let load = move |offset: usize| {
        let runtime = Rc::clone(&runtime);
        let query = GalleryQuery {
            status: status_of(&status.get_untracked()),
            annotator: non_empty(annotator.get_untracked()),
            class: non_empty(class.get_untracked()),
            tag: non_empty(tag.get_untracked()),
            offset,
            limit: Some(PAGE),
        };
        wasm_bindgen_futures::spawn_local(async move {
            let (Some(cloud), Some(team)) = (runtime.cloud(), runtime.team.borrow().clone()) else {
                return;
            };
            match crate::cloud::team::gallery(&cloud, &team.project, &query).await {
                Ok(p) => page.set(Some(p)),
                Err(e) => runtime.fail(w.f("gallery.failed", &[("error", &e)])),
            }
        });
    };
    let load = Rc::new(load);
    let (l_show, l_prev, l_next) = (load.clone(), load.clone(), load.clone());
    let (l_show, l_prev, l_next) = (
        SendWrapper::new(l_show),
        SendWrapper::new(l_prev),
        SendWrapper::new(l_next),
    );
    let labels = move || {
        view_signal.with(|v| {
            v.project
                .as_ref()
                .map(|p| {
                    p.project
                        .labels
                        .labels
                        .iter()
                        .map(|l| l.name.clone())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let tags = move || {
        view_signal.with(|v| {
            v.project
                .as_ref()
                .map(|p| p.project.labels.tags.clone())
                .unwrap_or_default()
        })
    };
    let manager =
        move || view_signal.with(|v| v.project.as_ref().is_some_and(|p| p.roles.may_manage()));
    // Assigning and taking back (managers), then the same page is read again.
    let act = {
        let reload = load.clone();
        let runtime = act_runtime;
        move |task: String, user: String, give: bool| {
            let (runtime, reload) = (Rc::clone(&runtime), reload.clone());
            let at = page.with_untracked(|p| p.as_ref().map_or(0, |p| p.offset));
            wasm_bindgen_futures::spawn_local(async move {
                let (Some(cloud), Some(team)) = (runtime.cloud(), runtime.team.borrow().clone())
                else {
                    return;
                };
                match crate::cloud::team::assign(&cloud, &team.project, &task, &user, give).await {
                    Ok(()) => reload(at),
                    Err(e) => runtime
                        .fail(w.f("gallery.assign_failed", &[("task", &task), ("error", &e)])),
                }
            });
        }
    };
    let act = SendWrapper::new(Rc::new(act));
    let offset = move || page.with(|p| p.as_ref().map_or(0, |p| p.offset));
    let total = move || page.with(|p| p.as_ref().map_or(0, |p| p.total));
    let on_show = move |_| l_show(0);
    let on_prev = move |_| l_prev(offset().saturating_sub(PAGE));
    let on_next = move |_| l_next(offset() + PAGE);
    let no_prev = move || offset() == 0;
    let no_next = move || offset() + PAGE >= total();
    view! {
        <Show when=move || open.get()>
            <div class="lasso-gallery" role="dialog" aria-label=move || w.t("gallery.title")>
                <div class="lasso-gallery-filters">
                    <label>{move || w.t("gallery.status")} " "
                        <select class="lasso-gallery-status" on:change=move |ev| status.set(event_target_value(&ev))>
                            <option value="">{move || w.t("gallery.any")}</option>
                            <option value="new">{move || w.t("status.new")}</option>
                            <option value="in_progress">{move || w.t("status.in_progress")}</option>
                            <option value="submitted">{move || w.t("status.submitted")}</option>
                            <option value="rework">{move || w.t("status.rework")}</option>
                            <option value="accepted">{move || w.t("status.accepted")}</option>
                        </select>
                    </label>
                    <label>{move || w.t("health.class")} " "
                        <select class="lasso-gallery-class" on:change=move |ev| class.set(event_target_value(&ev))>
                            <option value="">{move || w.t("gallery.any")}</option>
                            {labels().into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect::<Vec<_>>()}
                        </select>
                    </label>
                    <label>{move || w.t("gallery.tag")} " "
                        <select class="lasso-gallery-tag" on:change=move |ev| tag.set(event_target_value(&ev))>
                            <option value="">{move || w.t("gallery.any")}</option>
                            {tags().into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect::<Vec<_>>()}
                        </select>
                    </label>
                    <label>{move || w.t("team.annotator")} " "
                        <input class="lasso-gallery-annotator" type="text" size="10"
                            on:input=move |ev| annotator.set(event_target_value(&ev))/>
                    </label>
                    <button class="lasso-gallery-show" on:click=on_show.clone()>{move || w.t("gallery.show")}</button>
                    <button class="lasso-gallery-close" on:click=move |_| open.set(false)>{move || w.t("help.close")}</button>
                </div>
                <p class="lasso-gallery-count" data-total=move || total().to_string()>
                    {move || page.with(|p| match p {
                        Some(p) if p.total == 0 => w.t("gallery.none").to_string(),
                        Some(p) => w.f("gallery.count", &[
                            ("from", &w.num((p.offset + 1) as f64, 0)),
                            ("to", &w.num((p.offset + p.entries.len()) as f64, 0)),
                            ("total", &w.num(p.total as f64, 0)),
                        ]),
                        None => w.t("gallery.hint").to_string(),
                    })}
                </p>
                <ul class="lasso-gallery-grid">
                    {let act = act.clone(); move || page.get().map(|p| p.entries.into_iter().map(|e| {
                        let people = e.people.iter()
                            .map(|p| format!("{} {}", p.user, w.dynamic(&format!("status.{}", p.status.as_str()))))
                            .collect::<Vec<_>>().join(", ");
                        let holders: Vec<String> = e.people.iter()
                            .filter(|p| p.status == TaskStatus::InProgress)
                            .map(|p| p.user.clone())
                            .collect();
                        let manage = manager().then(|| {
                            let (give, task) = (act.clone(), e.task.clone());
                            let takes = holders.into_iter().map(|user| {
                                let (back, task, u) = (act.clone(), e.task.clone(), user.clone());
                                view! {
                                    <button class="lasso-gallery-unassign" data-user=user.clone()
                                        title=w.f("gallery.take_back_title", &[("user", &user)])
                                        on:click=move |_| back(task.clone(), u.clone(), false)>{w.f("gallery.take_back", &[("user", &user)])}</button>
                                }
                            }).collect::<Vec<_>>();
                            view! {
                                <span class="lasso-gallery-assign">
                                    <input class="lasso-gallery-assign-user" type="text" size="8" placeholder=w.t("gallery.user")
                                        aria-label=w.t("gallery.user")/>
                                    <button class="lasso-gallery-assign-button" on:click=move |ev| {
                                        if let Some((_, user)) = super::input_before(&ev).filter(|(_, u)| !u.is_empty()) {
                                            give(task.clone(), user, true);
                                        }
                                    }>{w.t("gallery.assign")}</button>
                                </span>
                                {takes}
                            }
                        });
                        view! {
                            <li class="lasso-gallery-item" data-task=e.task.clone()>
                                <img src=e.image_url.clone() alt=e.task.clone() loading="lazy"/>
                                <span class="lasso-gallery-task">{e.task.clone()}</span>
                                <span class="lasso-gallery-people">{if people.is_empty() { w.t("status.new").to_string() } else { people }}</span>
                                {manage}
                            </li>
                        }
                    }).collect::<Vec<_>>()).unwrap_or_default()}
                </ul>
                <div class="lasso-gallery-pages">
                    <button prop:disabled=no_prev on:click=on_prev.clone()>{move || w.t("gallery.previous")}</button>
                    <button prop:disabled=no_next on:click=on_next.clone()>{move || w.t("gallery.next")}</button>
                </div>
            </div>
        </Show>
    }
}
