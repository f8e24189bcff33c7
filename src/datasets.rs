//! Datasets in and out of the open task: `exportAs` text, zip exports (with the image when it
//! can be read) and predictions loaded from a dataset file. Formats themselves live in
//! `lasso_core::formats`; this module only picks files and moves bytes.

use crate::app::Runtime;
use crate::on_demand::{self, Later, NotLoaded};
use lasso_core::dataset::Recipe;
use lasso_core::formats::FormatName;
use lasso_core::history::Op;
use lasso_core::model::Task;
use leptos::prelude::*;
use std::rc::Rc;

/// What a zip export holds.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ZipOptions {
    /// The dataset format, by its CLI name.
    pub format: String,
    /// Whether to put the image in the archive (when its bytes can be fetched).
    #[serde(default = "yes")]
    pub images: bool,
    /// Train/valid/test weights; no split when absent.
    #[serde(default)]
    pub split: Option<[f64; 3]>,
    /// Seed of the split (the same seed gives the same split).
    #[serde(default)]
    pub seed: u64,
    /// Every image this browser holds rather than only the open one.
    #[serde(default)]
    pub all: bool,
    /// Every accepted result of the project (from the bucket) instead.
    #[serde(default)]
    pub accepted: bool,
    /// Tiles, resize, grayscale and augmented copies of the training images (the same pipeline
    /// as `lasso convert --pipeline`); needs the images.
    #[serde(default)]
    pub pipeline: lasso_core::dataset::Pipeline,
}

fn yes() -> bool {
    true
}

fn parse_format(name: &str) -> Result<FormatName, String> {
    name.parse::<FormatName>()
}

fn current_task(runtime: &Runtime) -> Task {
    runtime.session.with_untracked(|s| s.editor.task().clone())
}

/// What exporting `task` as `format` (a name) would not keep, one line each in words of
/// `locale` (see `formats::registry::losses`); empty when everything is kept or the name is
/// unknown.
pub async fn losses(
    locale: lasso_core::i18n::Locale,
    task: Task,
    format: &str,
) -> Result<Vec<String>, NotLoaded> {
    match parse_format(format) {
        Ok(f) => on_demand::formats::losses(locale, task, f).await,
        Err(_) => Ok(Vec::new()),
    }
}

/// The open task in `format` as text (`exportAs`; `"lasso"`: the task as Lasso JSON): at once,
/// since `mount` loaded the formats (an error says so if they are still loading).
pub fn export_text(runtime: &Runtime, format: &str) -> Result<String, String> {
    if format == "lasso" {
        return on_demand::at_once(on_demand::formats::lasso_text(current_task(runtime)))
            .ok_or_else(still_loading)??;
    }
    let format = parse_format(format)?;
    on_demand::at_once(on_demand::formats::export_text(
        current_task(runtime),
        format,
    ))
    .ok_or_else(still_loading)??
}

/// Parses `text` as a dataset in `format` and returns the op adding the annotations it holds
/// for the open task as predictions, with how many there are (at once, as [`export_text`]).
pub fn predictions_op(runtime: &Runtime, text: &str, format: &str) -> Result<(Op, usize), String> {
    let format = parse_format(format)?;
    let task = current_task(runtime);
    on_demand::at_once(on_demand::formats::prediction_op(
        task,
        text.to_string(),
        format,
    ))
    .ok_or_else(still_loading)??
}

/// Why a sync method could not answer: the formats are not in yet (called before `mount`
/// resolved, or their fetch failed then). Fetches them again, so a later call answers.
fn still_loading() -> String {
    wasm_bindgen_futures::spawn_local(async {
        let _ = on_demand::formats::preload().await;
    });
    "the dataset formats are still loading (mount() resolves once they are in): try again".into()
}

/// The open task (or, with `all`, every task this browser holds, or with `accepted`, every
/// accepted result of the project) exported as a zip archive;
/// `progress(done, total)` is called per image read and per archive entry. Images whose size is
/// not known yet (never opened) are read to learn it.
pub async fn export_zip(
    runtime: &Rc<Runtime>,
    options: &ZipOptions,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<u8>, String> {
    let format = parse_format(&options.format)?;
    let mut tasks = if options.accepted {
        crate::app::remote::call(runtime, crate::app::remote::Call::Accepted)
            .await?
            .into_tasks()?
    } else if options.all {
        let (tasks, problems) = crate::export::every_image(runtime).await;
        if let Some(problem) = problems.first() {
            return Err(runtime.say("health.unread", &[("problem", problem)]));
        }
        tasks
    } else {
        vec![current_task(runtime)]
    };
    let mut bytes_of: std::collections::HashMap<String, Vec<u8>> = Default::default();
    let total = tasks.len();
    for (done, task) in tasks.iter_mut().enumerate() {
        progress(done, total);
        let unknown_size = task.image.width == 0 || task.image.height == 0;
        if task.image.src.is_empty() || !(options.images || unknown_size) {
            continue;
        }
        let bytes = image_bytes(runtime, &task.image.src).await.map_err(|e| {
            runtime.say("export.image_failed", &[("task", &task.id), ("error", &e)])
        })?;
        if unknown_size {
            // Upright, as the browser shows the photo (EXIF orientation applied).
            let (w, h) = on_demand::pixels::upright_size(&bytes)
                .await
                .map_err(|_| runtime.part_unavailable())?
                .map_err(|e| {
                    runtime.say("export.size_failed", &[("task", &task.id), ("error", &e)])
                })?;
            task.image.width = w;
            task.image.height = h;
        }
        if options.images {
            bytes_of.insert(task.id.clone(), bytes);
        }
    }
    if !options.pipeline.is_empty() && !options.images {
        return Err("preprocessing and augmentation rewrite the images: include them".into());
    }
    let recipe = Recipe {
        split: options.split,
        seed: options.seed,
        pipeline: options.pipeline.clone(),
        ..Recipe::new(format)
    };
    let plan = on_demand::formats::plan_zip(tasks, recipe)
        .await
        .map_err(|_| runtime.part_unavailable())??;
    let src_of: std::collections::HashMap<&str, &str> = plan
        .tasks
        .iter()
        .map(|t| (t.id.as_str(), t.image.src.as_str()))
        .collect();
    // Source bytes by image src: originals, tiles and copies all name their source's.
    let mut source_bytes: std::collections::HashMap<String, Vec<u8>> = Default::default();
    for task_id in bytes_of.keys().cloned().collect::<Vec<_>>() {
        if let (Some(bytes), Some(src)) = (bytes_of.remove(&task_id), src_of.get(task_id.as_str()))
        {
            source_bytes.insert((*src).to_string(), bytes);
        }
    }
    // Copied images go in as they are; the others are rendered by source image (decoded once),
    // in a worker when one can be started.
    let mut images: Vec<(String, Vec<u8>)> = plan
        .export
        .images
        .iter()
        .filter(|(task_id, _)| !plan.rendered.contains(task_id))
        .filter_map(|(task_id, path)| {
            let bytes = source_bytes.get(*src_of.get(task_id.as_str())?)?;
            Some((path.clone(), bytes.clone()))
        })
        .collect();
    let renderer = if plan.groups.is_empty() {
        crate::pipeline_worker::Renderer::Inline
    } else {
        crate::pipeline_worker::Renderer::start()
    };
    let total = plan.groups.len();
    for (done, (src, outputs)) in plan.groups.iter().enumerate() {
        progress(done, total);
        let Some(bytes) = source_bytes.get(src) else {
            continue;
        };
        let plans: Vec<(lasso_core::dataset::ImagePlan, String)> = outputs
            .iter()
            .map(|(path, plan)| (plan.clone(), path.clone()))
            .collect();
        let rendered = renderer
            .render(bytes, &plans)
            .await
            .map_err(|e| format!("{src}: {e}"))?;
        images.extend(outputs.iter().map(|(path, _)| path.clone()).zip(rendered));
    }
    on_demand::formats::pack_zip(&plan.export, &images, &mut progress)
        .await
        .map_err(|_| runtime.part_unavailable())?
}

on_demand::split! {
    formats;
    /// [`export_zip`] without progress reports (the host's `exportZip`), made in the formats
    /// chunk: a page that never exports never downloads the export's code.
    pub fn export_zip_later(
        runtime: Rc<Runtime>,
        options: ZipOptions,
    ) -> Result<Later<Result<Vec<u8>, String>>, NotLoaded> {
        Ok(Box::pin(async move { export_zip(&runtime, &options, |_, _| {}).await }))
    }
}

/// The bytes of an image: kept in IndexedDB (local folders), in the bucket, or at a URL.
pub(crate) async fn image_bytes(runtime: &Rc<Runtime>, src: &str) -> Result<Vec<u8>, String> {
    let url = if src.starts_with(crate::local::IDB_SRC) {
        crate::local::resolve_src(runtime, src).await
    } else {
        runtime.display_src(src).await
    };
    if url.is_empty() {
        return Err(format!("{src} cannot be read in this browser"));
    }
    let bytes = crate::cloud::http::fetch_bytes(&url).await;
    if url.starts_with("blob:") {
        web_sys::Url::revoke_object_url(&url).ok();
    }
    bytes
}

/// Commits a review op built from the current task; errors go to the banner.
pub fn commit(runtime: &Rc<Runtime>, build: impl FnOnce(&Task) -> Option<Op>) {
    let mut failed = None;
    runtime.dispatch(|ed| match build(ed.task()) {
        Some(op) => ed.commit(op).unwrap_or_else(|e| {
            failed = Some(e.to_string());
            Default::default()
        }),
        None => Default::default(),
    });
    if let Some(e) = failed {
        runtime.fail_say("predictions.apply_failed", &[("error", &e)]);
    }
}
