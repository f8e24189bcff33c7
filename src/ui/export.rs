//! The export panel: pick a format (every format whose export works for this task), whether to
//! include the image, a seeded train/valid/test split, resizing, grayscale and augmented copies,
//! then download a zip built in the page (progress shown while it is
//! written).

use super::words::Words;
use crate::app::Runtime;
use crate::datasets::{self, ZipOptions};
use lasso_core::dataset::{Augment, Pipeline, Resize, ResizeMode};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::rc::Rc;

/// The toolbar's Export button; its panel's code loads when the button is approached (see
/// `later::Fetch::OnIntent`) and the panel, once opened, stays mounted (hidden while closed),
/// keeping the choices made in it.
#[component]
pub fn ExportPanel(runtime: Rc<Runtime>) -> impl IntoView {
    use super::later::{when, Fetch, Toggles};
    let words = Words(runtime.locale);
    let toggles = Toggles::new();
    let open = toggles.open;
    let opened = RwSignal::new(false);
    let intent = RwSignal::new(false);
    view! {
        <button class="lasso-export-toggle" aria-expanded=move || open.get().to_string()
            on:pointerenter=move |_| intent.set(true)
            on:focus=move |_| intent.set(true)
            on:click=move |_| {
                opened.set(true);
                open.update(|o| *o = !*o);
            }>{move || words.t("export.button")}</button>
        {when(&runtime, move || opened.get(), toggles, Fetch::OnIntent(intent), super::later::export_dialog)}
    }
}

/// The export panel, shown while `open`.
#[component]
pub fn ExportDialog(runtime: Rc<Runtime>, open: RwSignal<bool>) -> impl IntoView {
    let session = runtime.session;
    let words = Words(runtime.locale);
    let format = RwSignal::new(String::from("coco"));
    let images = RwSignal::new(true);
    let progress = RwSignal::new(None::<(usize, usize)>);
    let split = RwSignal::new(false);
    let ratios = RwSignal::new([0.8f64, 0.1, 0.1]);
    let seed = RwSignal::new(0u64);
    let all = RwSignal::new(false);
    // Preprocessing and augmentation (the CLI's pipeline): 0 px and 0 copies are off.
    let resize = RwSignal::new(0u32);
    let resize_mode = RwSignal::new(ResizeMode::Letterbox);
    let grayscale = RwSignal::new(false);
    let copies = RwSignal::new(0u32);
    // Every format can be written; what one cannot keep of this task is said beside it (from
    // the formats chunk, loaded when the panel first asks).
    let formats = Memo::new(move |_| {
        lasso_core::formats::FormatName::ALL
            .map(|f| f.as_str().to_string())
            .to_vec()
    });
    let doc = runtime.watch.doc;
    let losses = LocalResource::new(move || {
        doc.with(|_| ());
        let chosen = format.get();
        let locale = words.locale();
        let task = session.with_untracked(|s| s.editor.task().clone());
        async move {
            datasets::losses(locale, task, &chosen)
                .await
                .unwrap_or_default()
        }
    });
    let losses = move || losses.get().unwrap_or_default();
    let runtime = SendWrapper::new(runtime);
    let start = move |_| {
        let runtime = Rc::clone(&runtime);
        let mut chosen = format.get_untracked();
        let available = formats.get_untracked();
        if !available.contains(&chosen) {
            chosen = available.first().cloned().unwrap_or_default();
        }
        let options = ZipOptions {
            format: chosen.clone(),
            images: images.get_untracked(),
            split: split.get_untracked().then(|| ratios.get_untracked()),
            seed: seed.get_untracked(),
            all: all.get_untracked(),
            accepted: false,
            pipeline: pipeline(
                resize.get_untracked(),
                resize_mode.get_untracked(),
                grayscale.get_untracked(),
                copies.get_untracked(),
            ),
        };
        progress.set(Some((0, 1)));
        wasm_bindgen_futures::spawn_local(async move {
            let result = datasets::export_zip(&runtime, &options, |done, total| {
                progress.try_set(Some((done, total)));
            })
            .await;
            let name = if all.get_untracked() {
                format!("lasso-dataset-{chosen}.zip")
            } else {
                runtime
                    .session
                    .with_untracked(|s| format!("{}-{chosen}.zip", s.editor.task().id))
            };
            let outcome =
                result.and_then(|bytes| crate::export::download(&name, &bytes, "application/zip"));
            if let Err(e) = outcome {
                runtime.fail(words.f("export.failed", &[("error", &e)]));
            }
            progress.try_set(None);
        });
    };
    view! {
        <Show when=move || open.get()>
            <div class="lasso-export" role="dialog" aria-label=move || words.t("export.button")>
                <label>
                    {move || words.t("export.format")} " "
                    <select class="lasso-export-format"
                        on:change=move |ev| format.set(event_target_value(&ev))>
                        <For
                            each=move || formats.get()
                            key=|f| f.clone()
                            children=move |f| {
                                let value = f.clone();
                                let selected = f.clone();
                                view! {
                                    <option value=value prop:selected=move || format.get() == selected>{f}</option>
                                }
                            }
                        />
                    </select>
                </label>
                <Show when=move || !losses().is_empty()>
                    <ul class="lasso-export-losses" aria-label=move || words.t("export.losses")>
                        {move || losses().into_iter().map(|l| view! { <li>{l}</li> }).collect::<Vec<_>>()}
                    </ul>
                </Show>
                <label>
                    <input type="checkbox" class="lasso-export-images"
                        prop:checked=move || images.get()
                        on:change=move |ev| images.set(event_target_checked(&ev))/>
                    {move || words.t("export.images")}
                </label>
                <label title=move || words.t("export.everything_title")>
                    <input type="checkbox" class="lasso-export-all"
                        prop:checked=move || all.get()
                        on:change=move |ev| all.set(event_target_checked(&ev))/>
                    {move || words.t("export.everything")}
                </label>
                <label>
                    <input type="checkbox" class="lasso-export-split"
                        prop:checked=move || split.get()
                        on:change=move |ev| split.set(event_target_checked(&ev))/>
                    {move || words.t("export.split")}
                </label>
                <Show when=move || split.get()>
                    <div class="lasso-export-ratios">
                        {[("train", "export.train"), ("valid", "export.valid"), ("test", "export.test")].into_iter().enumerate().map(|(i, (name, word))| view! {
                            <label>
                                {move || words.t(word)}
                                <input type="number" min="0" step="0.05" class=format!("lasso-export-{name}")
                                    prop:value=move || ratios.get()[i].to_string()
                                    on:change=move |ev| {
                                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                            ratios.update(|r| r[i] = v.max(0.0));
                                        }
                                    }/>
                            </label>
                        }).collect::<Vec<_>>()}
                        <label>
                            {move || words.t("export.seed")}
                            <input type="number" min="0" step="1" class="lasso-export-seed"
                                prop:value=move || seed.get().to_string()
                                on:change=move |ev| {
                                    if let Ok(v) = event_target_value(&ev).parse::<u64>() {
                                        seed.set(v);
                                    }
                                }/>
                        </label>
                    </div>
                </Show>
                <fieldset class="lasso-export-pipeline">
                    <legend>{move || words.t("export.pipeline")}</legend>
                    <label title=move || words.t("export.resize_title")>
                        {move || words.t("export.resize")} " "
                        <input type="number" min="0" step="32" class="lasso-export-resize"
                            prop:value=move || resize.get().to_string()
                            on:change=move |ev| resize.set(event_target_value(&ev).parse().unwrap_or(0))/>
                        " " {move || words.t("export.px")} " "
                        <select class="lasso-export-resize-mode"
                            on:change=move |ev| resize_mode.set(match event_target_value(&ev).as_str() {
                                "stretch" => ResizeMode::Stretch,
                                "fit" => ResizeMode::Fit,
                                _ => ResizeMode::Letterbox,
                            })>
                            <option value="letterbox" selected>{move || words.t("export.letterbox")}</option>
                            <option value="fit">{move || words.t("export.fit")}</option>
                            <option value="stretch">{move || words.t("export.stretch")}</option>
                        </select>
                    </label>
                    <label>
                        <input type="checkbox" class="lasso-export-grayscale"
                            prop:checked=move || grayscale.get()
                            on:change=move |ev| grayscale.set(event_target_checked(&ev))/>
                        {move || words.t("export.grayscale")}
                    </label>
                    <label title=move || words.t("export.augment_title")>
                        {move || words.t("export.augment")} " "
                        <input type="number" min="0" max="100" step="1" class="lasso-export-augment"
                            prop:value=move || copies.get().to_string()
                            on:change=move |ev| copies.set(event_target_value(&ev).parse::<u32>().unwrap_or(0).min(100))/>
                    </label>
                </fieldset>
                <button class="lasso-export-start"
                    prop:disabled=move || progress.get().is_some()
                    on:click=start.clone()>{move || words.t("export.download")}</button>
                <Show when=move || progress.get().is_some()>
                    <progress class="lasso-export-progress"
                        prop:max=move || progress.get().map_or(1, |p| p.1).to_string()
                        prop:value=move || progress.get().map_or(0, |p| p.0).to_string()></progress>
                </Show>
            </div>
        </Show>
    }
}

/// The pipeline the panel's fields describe (the standard augmentation operations).
fn pipeline(side: u32, mode: ResizeMode, grayscale: bool, copies: u32) -> Pipeline {
    Pipeline {
        tile: None,
        resize: (side > 0).then_some(Resize {
            width: side,
            height: side,
            mode,
        }),
        grayscale,
        augment: (copies > 0).then(|| Augment {
            copies,
            ..Augment::default()
        }),
    }
}
