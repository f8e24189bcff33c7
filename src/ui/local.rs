//! The "local datasets" panel: open a folder (directory picker or `webkitdirectory` input) or
//! files, drop images on it, list the stored datasets with their sizes, open an image, delete a
//! dataset after confirmation. All work is done by [`crate::local`].

use crate::app::Runtime;
use crate::local;
use crate::store::ImageInfo;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::rc::Rc;
use wasm_bindgen::JsCast;

/// The side panel listing local datasets.
#[component]
pub fn LocalDatasets(runtime: Rc<Runtime>) -> impl IntoView {
    let datasets = runtime.local_datasets;
    let words = super::words::Words(runtime.locale);
    let open_images = RwSignal::new(None::<(String, Vec<ImageInfo>)>);
    let folder_input = NodeRef::<leptos::html::Input>::new();
    // Leptos has no typed `webkitdirectory` attribute; set it once the input exists.
    Effect::new(move |_| {
        if let Some(input) = folder_input.get() {
            let _ = input.set_attribute("webkitdirectory", "");
        }
    });
    let rt = SendWrapper::new(runtime);
    let import = {
        let rt = rt.clone();
        move |files: Vec<local::PickedFile>| {
            let runtime = Rc::clone(&rt);
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(images) = local::import_picked(&runtime, files).await {
                    if let Some(first) = images.first() {
                        crate::app::open::open_in_background(&runtime, local::task_of(first));
                    }
                    crate::app::strip::show_local(&runtime, images);
                }
            });
        }
    };
    let on_open_folder = {
        let rt = rt.clone();
        let import = import.clone();
        move |_| {
            if local::has_directory_picker() {
                let runtime = Rc::clone(&rt);
                let import = import.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    match local::pick_directory().await {
                        Ok(files) => import(files),
                        Err(e) => runtime.fail(words.f("local.open_failed", &[("error", &e)])),
                    }
                });
            } else if let Some(input) = folder_input.get() {
                input.click();
            }
        }
    };
    let on_input = {
        let import = import.clone();
        move |ev: leptos::ev::Event| {
            let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            if let Some(list) = input.files() {
                import(local::from_file_list(&list));
            }
            input.set_value("");
        }
    };
    let on_drop = {
        let import = import.clone();
        move |ev: leptos::ev::DragEvent| {
            ev.prevent_default();
            if let Some(list) = ev.data_transfer().and_then(|d| d.files()) {
                import(local::from_file_list(&list));
            }
        }
    };
    let show_images = {
        let rt = rt.clone();
        move |id: String| {
            let runtime = Rc::clone(&rt);
            wasm_bindgen_futures::spawn_local(async move {
                let store = runtime.store.borrow().clone();
                let Some(store) = store else { return };
                match store.dataset_images(&id).await {
                    Ok(images) => {
                        crate::app::strip::show_local(&runtime, images.clone());
                        open_images.set(Some((id, images)));
                    }
                    Err(e) => {
                        runtime.fail_say("local.dataset_failed", &[("id", &id), ("error", &e)])
                    }
                }
            });
        }
    };
    let delete = {
        let rt = rt.clone();
        move |id: String, name: String, size: String| {
            let question = words.f("local.confirm_delete", &[("name", &name), ("size", &size)]);
            let confirmed = web_sys::window()
                .and_then(|w| w.confirm_with_message(&question).ok())
                .unwrap_or(false);
            if !confirmed {
                return;
            }
            let runtime = Rc::clone(&rt);
            wasm_bindgen_futures::spawn_local(async move {
                let store = runtime.store.borrow().clone();
                let Some(store) = store else { return };
                if let Err(e) = store.delete_dataset(&id).await {
                    runtime.fail_say("local.delete_failed", &[("id", &id), ("error", &e)]);
                }
                if open_images.with_untracked(|o| o.as_ref().is_some_and(|(d, _)| *d == id)) {
                    open_images.set(None);
                }
                local::refresh(&runtime).await;
            });
        }
    };
    let open_image = {
        let rt = rt.clone();
        move |image: ImageInfo| crate::app::open::open_in_background(&rt, local::task_of(&image))
    };
    view! {
        <section class="lasso-local"
            on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default()
            on:drop=on_drop>
            <h2>{move || words.t("local.title")}</h2>
            <div class="lasso-local-actions">
                <button class="lasso-open-folder" on:click=on_open_folder>{move || words.t("local.open_folder")}</button>
                <label class="lasso-open-files">
                    {move || words.t("local.open_files")}
                    <input type="file" multiple accept="image/*" hidden on:change=on_input.clone()/>
                </label>
                <input type="file" class="lasso-folder-input" multiple hidden
                    node_ref=folder_input on:change=on_input/>
            </div>
            <p class="lasso-local-hint">{move || words.t("local.hint")}</p>
            <ul class="lasso-datasets">
                <For
                    each=move || datasets.get()
                    key=|d| (d.id.clone(), d.count, d.bytes as u64)
                    children={
                        let show_images = show_images.clone();
                        let delete = delete.clone();
                        move |d| {
                            let size = local::human_size(d.bytes);
                            let (id, id2, name) = (d.id.clone(), d.id.clone(), d.name.clone());
                            let size2 = size.clone();
                            let show_images = show_images.clone();
                            let delete = delete.clone();
                            view! {
                                <li class="lasso-dataset" data-id=d.id.clone()>
                                    <button class="lasso-dataset-open" on:click=move |_| show_images(id.clone())>
                                        {d.name.clone()}
                                    </button>
                                    <span class="lasso-dataset-size">
                                        {move || words.n("local.size", d.count as usize, &[("size", &size)])}
                                    </span>
                                    <button class="lasso-dataset-delete" title=move || words.t("local.delete_title")
                                        on:click=move |_| delete(id2.clone(), name.clone(), size2.clone())>
                                        {move || words.t("local.delete")}
                                    </button>
                                </li>
                            }
                        }
                    }
                />
            </ul>
            {move || open_images.get().map(|(_, images)| {
                let open_image = open_image.clone();
                view! {
                    <ul class="lasso-images">
                        {images.into_iter().map(|image| {
                            let open_image = open_image.clone();
                            let label = match &image.class {
                                Some(c) => format!("{} [{c}]", image.path),
                                None => image.path.clone(),
                            };
                            let path = image.path.clone();
                            view! {
                                <li><button class="lasso-image" data-path=path
                                    on:click=move |_| open_image(image.clone())>{label}</button></li>
                            }
                        }).collect::<Vec<_>>()}
                    </ul>
                }
            })}
        </section>
    }
}
