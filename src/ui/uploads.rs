//! The upload status line and the "upload image" picker, shown when a cloud is configured.

use super::words::Words;
use crate::app::Runtime;
use crate::cloud::{self, UploadStatus};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::rc::Rc;
use wasm_bindgen::JsCast;

/// `data-state` of the status line: `idle`, `pending`, `uploading`, `offline` or `error`.
fn state_of(status: &UploadStatus) -> &'static str {
    match (&status.active, &status.error, status.pending) {
        (Some(_), _, _) => "uploading",
        (None, Some(e), n) if n > 0 && e.starts_with("Offline") => "offline",
        (None, Some(_), n) if n > 0 => "error",
        (None, _, 0) => "idle",
        _ => "pending",
    }
}

fn text_of(words: Words, status: &UploadStatus) -> String {
    match (&status.active, status.pending) {
        (Some((key, fraction)), _) => {
            let name = key.rsplit('/').next().unwrap_or(key);
            let percent = words.num(fraction * 100.0, 0);
            words.f("upload.active", &[("name", &name), ("percent", &percent)])
        }
        (None, 0) => words.t("upload.done").to_string(),
        (None, n) => words.n("upload.pending", n, &[]),
    }
}

/// The upload state for the status bar (state, pending count, progress, the last error as
/// tooltip), shown when a cloud is configured.
#[component]
pub fn UploadState(runtime: Rc<Runtime>) -> impl IntoView {
    let uploads = runtime.uploads;
    let words = Words(runtime.locale);
    let status = move || uploads.get().unwrap_or_default();
    view! {
        <Show when=move || uploads.with(|u| u.is_some())>
            <span class="lasso-upload" data-state=move || state_of(&status())
                data-pending=move || status().pending
                title=move || status().error.unwrap_or_default()>
                {move || text_of(words, &status())}
            </span>
            {move || status().active.map(|(_, f)| view! {
                <progress class="lasso-upload-progress" max="1" value=f></progress>
            })}
        </Show>
    }
}

/// One manifest of `GET /tasks`.
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
struct Listed {
    key: String,
}

#[derive(serde::Deserialize)]
struct Listing {
    tasks: Vec<Listed>,
}

/// Fetches the bucket's task list into `tasks`.
fn refresh_tasks(runtime: &Rc<Runtime>, words: Words, tasks: RwSignal<Vec<String>>) {
    let Some(cloud) = runtime.cloud() else {
        return;
    };
    let runtime = Rc::clone(runtime);
    wasm_bindgen_futures::spawn_local(async move {
        match cloud::list_tasks(&cloud).await {
            Ok(text) => match serde_json::from_str::<Listing>(&text) {
                Ok(listing) => {
                    let keys: Vec<String> = listing.tasks.into_iter().map(|t| t.key).collect();
                    crate::app::strip::show_bucket(&runtime, keys.clone());
                    tasks.set(keys);
                }
                Err(e) => runtime.fail(words.f("upload.list_wrong", &[("error", &e)])),
            },
            Err(e) => runtime.fail(words.f("upload.list_failed", &[("error", &e)])),
        }
    });
}

/// The image picker, the tags uploads carry and the bucket's task list, shown when a cloud is
/// configured.
#[component]
pub fn Uploads(runtime: Rc<Runtime>) -> impl IntoView {
    let uploads = runtime.uploads;
    let words = Words(runtime.locale);
    let tasks = RwSignal::new(Vec::<String>::new());
    // Listed once the cloud is up (it starts after the UI is mounted).
    let listed = RwSignal::new(false);
    {
        let runtime = SendWrapper::new(Rc::clone(&runtime));
        Effect::new(move |_| {
            if uploads.with(|u| u.is_some()) && !listed.get_untracked() {
                listed.set(true);
                refresh_tasks(&runtime, words, tasks);
            }
        });
    }
    let on_open = {
        let runtime = SendWrapper::new(Rc::clone(&runtime));
        move |ev: leptos::ev::Event| {
            let Some(select) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            else {
                return;
            };
            let key = select.value();
            select.set_value("");
            if key.is_empty() {
                return;
            }
            runtime.open_key_in_background(key);
        }
    };
    let runtime = SendWrapper::new(runtime);
    let tags_input = NodeRef::<leptos::html::Input>::new();
    let on_pick = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(files) = input.files() else { return };
        let runtime = Rc::clone(&runtime);
        let files: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
        input.set_value("");
        let tags = tags_input
            .get_untracked()
            .map(|t| lasso_core::model::tags_from_text(&t.value()))
            .unwrap_or_default();
        wasm_bindgen_futures::spawn_local(async move {
            let labels = runtime
                .session
                .with_untracked(|s| s.editor.task().labels.clone());
            let Some(cloud) = runtime.cloud() else {
                runtime.fail(words.t("upload.no_cloud").to_string());
                return;
            };
            for file in files {
                if let Err(e) =
                    cloud::upload_file(&runtime.shared, &cloud, &file, labels.clone(), tags.clone())
                        .await
                {
                    runtime.fail(words.f(
                        "upload.cannot_queue",
                        &[("name", &file.name()), ("error", &e)],
                    ));
                }
            }
        });
    };
    view! {
        <Show when=move || uploads.with(|u| u.is_some())>
            <select class="lasso-tasks" title=move || words.t("upload.open_title")
                aria-label=move || words.t("upload.open_title") on:change=on_open.clone()>
                <option value="">{move || words.t("upload.bucket_tasks")}</option>
                {move || tasks.get().into_iter().map(|key| {
                    let name = key.rsplit('/').next().unwrap_or(&key).trim_end_matches(".json").to_string();
                    view! { <option value=key.clone()>{name}</option> }
                }).collect::<Vec<_>>()}
            </select>
            <input class="lasso-upload-tags" type="text" node_ref=tags_input
                placeholder=move || words.t("upload.tags_placeholder")
                title=move || words.t("upload.tags_title") aria-label=move || words.t("upload.tags_title")/>
            <label class="lasso-upload-image" title=move || words.t("upload.image_title")>
                {move || words.t("upload.image")}
                <input type="file" accept="image/*" multiple on:change=on_pick.clone()/>
            </label>
        </Show>
    }
}
