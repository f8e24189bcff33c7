//! The upload status line and the "upload image" picker, shown when a cloud is configured.

use crate::cloud::{self, UploadStatus};
use crate::session::Runtime;
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

fn text_of(status: &UploadStatus) -> String {
    match (&status.active, status.pending) {
        (Some((key, fraction)), _) => {
            let name = key.rsplit('/').next().unwrap_or(key);
            format!("Uploading {name} {:.0}%", fraction * 100.0)
        }
        (None, 0) => "Uploaded".to_string(),
        (None, 1) => "1 upload pending".to_string(),
        (None, n) => format!("{n} uploads pending"),
    }
}

/// Status line (state, pending count, progress, last error as tooltip) and image picker.
#[component]
pub fn Uploads(runtime: Rc<Runtime>) -> impl IntoView {
    let uploads = runtime.uploads;
    let runtime = SendWrapper::new(runtime);
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
        wasm_bindgen_futures::spawn_local(async move {
            let labels = runtime
                .session
                .with_untracked(|s| s.editor.task().labels.clone());
            for file in files {
                if let Err(e) =
                    cloud::upload_file(&runtime, &file, labels.clone(), Vec::new()).await
                {
                    runtime.fail(format!("Cannot queue {}: {e}", file.name()));
                }
            }
        });
    };
    move || {
        uploads.get().map(|status| {
            let fraction = status.active.as_ref().map(|(_, f)| *f);
            view! {
                <span class="lasso-upload" data-state=state_of(&status)
                    data-pending=status.pending title=status.error.clone().unwrap_or_default()>
                    {text_of(&status)}
                </span>
                {fraction.map(|f| view! { <progress class="lasso-upload-progress" max="1" value=f></progress> })}
                <label class="lasso-upload-image" title="Upload images to the bucket">
                    "Upload image"
                    <input type="file" accept="image/*" multiple on:change=on_pick.clone()/>
                </label>
            }
        })
    }
}
