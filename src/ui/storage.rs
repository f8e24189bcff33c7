//! The storage warning: shown while edits cannot reach IndexedDB (full disk, private mode), with
//! the offer to export everything at once, so nothing is lost when the page closes.

use crate::app::Runtime;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::rc::Rc;

/// A warning bar with an "Export everything" button, visible while storage is failing.
#[component]
pub fn StorageWarning(runtime: Rc<Runtime>) -> impl IntoView {
    let warning = runtime.storage_warning;
    let words = super::words::Words(runtime.locale);
    let runtime = SendWrapper::new(runtime);
    view! {
        <Show when=move || warning.with(|w| w.is_some())>
            <div class="lasso-storage-warning" role="alert">
                <span>{move || warning.get().unwrap_or_default()}</span>
                <button class="lasso-export-all" on:click={
                    let runtime = runtime.clone();
                    move |_| {
                        let runtime = Rc::clone(&runtime);
                        wasm_bindgen_futures::spawn_local(async move {
                            crate::export::offer(&runtime.shared).await;
                        });
                    }
                }>{move || words.t("storage.export_all")}</button>
            </div>
        </Show>
    }
}
