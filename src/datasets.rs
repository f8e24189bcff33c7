//! Datasets in and out of the open task: `exportAs` text, zip exports (with the image when it
//! can be read) and predictions loaded from a dataset file. Formats themselves live in
//! `lasso_core::formats`; this module only picks files and moves bytes.

use crate::app::Runtime;
use lasso_core::dataset::Recipe;
use lasso_core::formats::{self, archive, predictions, DatasetFiles, ExportOptions, FormatName};
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
pub fn losses(locale: lasso_core::i18n::Locale, task: &Task, format: &str) -> Vec<String> {
    match parse_format(format) {
        Ok(f) => formats::registry::losses(locale, formats::registry::get(f), task),
        Err(_) => Vec::new(),
    }
}

/// The open task in `format` as text (`exportAs`).
pub fn export_text(runtime: &Runtime, format: &str) -> Result<String, String> {
    let format = parse_format(format)?;
    let task = current_task(runtime);
    let out = formats::export(format, &archive::single(&task), &ExportOptions::default())
        .map_err(|e| e.to_string())?;
    archive::main_text(format, &out).map_err(|e| e.to_string())
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
        crate::app::review::accepted_tasks(runtime).await?
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
            let size = imagesize::blob_size(&bytes).map_err(|e| {
                runtime.say("export.size_failed", &[("task", &task.id), ("error", &e)])
            })?;
            // Upright, as the browser shows the photo (EXIF orientation applied).
            let (w, h) = lasso_core::orientation::upright(
                &bytes,
                u32::try_from(size.width).unwrap_or(0),
                u32::try_from(size.height).unwrap_or(0),
            );
            task.image.width = w;
            task.image.height = h;
        }
        if options.images {
            bytes_of.insert(task.id.clone(), bytes);
        }
    }
    let mut dataset = archive::many(tasks);
    if !options.pipeline.is_empty() && !options.images {
        return Err("preprocessing and augmentation rewrite the images: include them".into());
    }
    let recipe = Recipe {
        split: options.split,
        seed: options.seed,
        pipeline: options.pipeline.clone(),
        ..Recipe::new(format)
    };
    let (followed, out) = recipe.follow(&mut dataset).map_err(|e| e.to_string())?;
    let src_of: std::collections::HashMap<&str, &str> = dataset
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
    let mut images: Vec<(String, Vec<u8>)> = out
        .images
        .iter()
        .filter(|(task_id, _)| !followed.applied.plans.contains_key(task_id))
        .filter_map(|(task_id, path)| {
            let bytes = source_bytes.get(*src_of.get(task_id.as_str())?)?;
            Some((path.clone(), bytes.clone()))
        })
        .collect();
    let groups =
        lasso_core::dataset::render_groups(&out.images, &dataset.tasks, &followed.applied.plans);
    let renderer = if groups.is_empty() {
        crate::pipeline_worker::Renderer::Inline
    } else {
        crate::pipeline_worker::Renderer::start()
    };
    let total = groups.len();
    for (done, (src, outputs)) in groups.into_iter().enumerate() {
        progress(done, total);
        let Some(bytes) = source_bytes.get(src) else {
            continue;
        };
        let plans: Vec<(lasso_core::dataset::ImagePlan, String)> = outputs
            .iter()
            .map(|(path, plan)| ((*plan).clone(), (*path).to_string()))
            .collect();
        let rendered = renderer
            .render(bytes, &plans)
            .await
            .map_err(|e| format!("{src}: {e}"))?;
        images.extend(
            outputs
                .into_iter()
                .map(|(path, _)| path.to_string())
                .zip(rendered),
        );
    }
    archive::to_zip(&out, &images, &mut progress).map_err(|e| e.to_string())
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

/// The file name a single-file import of `format` is read from.
fn import_path(format: FormatName) -> &'static str {
    match format {
        FormatName::Lasso => formats::lasso_json::FILE,
        FormatName::LabelStudio => formats::label_studio::FILE,
        FormatName::Cvat => formats::cvat::FILE,
        FormatName::Coco => formats::coco::DEFAULT_FILE,
        FormatName::Csv => "annotations.csv",
        FormatName::W3c => formats::w3c::FILE,
        _ => "annotations.xml",
    }
}

/// A COCO results list (`[{image_id, category_id, bbox, score, segmentation?}]`, as detectors
/// write it) as a COCO file about the open image: the results for the task's numeric id, or all
/// of them when they name one image; categories are the label set's 1-based positions, as our
/// COCO export numbers them.
fn coco_results(task: &Task, results: Vec<serde_json::Value>) -> Result<String, String> {
    let image_of = |r: &serde_json::Value| r.get("image_id").and_then(serde_json::Value::as_u64);
    let ids: std::collections::BTreeSet<u64> = results.iter().filter_map(image_of).collect();
    let image_id = match (
        task.id.parse::<u64>().ok().filter(|id| ids.contains(id)),
        ids.len(),
    ) {
        (Some(id), _) => id,
        (None, 1) => ids.into_iter().next().unwrap_or(1),
        (None, n) => {
            return Err(format!(
                "the results name {n} images and none is this task's id {:?}",
                task.id
            ))
        }
    };
    let annotations: Vec<serde_json::Value> = results
        .into_iter()
        .filter(|r| image_of(r) == Some(image_id))
        .enumerate()
        .map(|(i, mut r)| {
            if let Some(o) = r.as_object_mut() {
                o.entry("id").or_insert(serde_json::json!(i + 1));
                o.entry("iscrowd").or_insert(serde_json::json!(0));
            }
            r
        })
        .collect();
    let categories: Vec<serde_json::Value> = task
        .labels
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| serde_json::json!({"id": i + 1, "name": l.name}))
        .collect();
    let file = serde_json::json!({
        "images": [{"id": image_id, "file_name": task.image.name,
                    "width": task.image.width, "height": task.image.height}],
        "categories": categories,
        "annotations": annotations,
    });
    Ok(file.to_string())
}

/// The files a prediction file of `format` is read from, beside the open image.
fn prediction_files(task: &Task, text: &str, format: FormatName) -> Result<DatasetFiles, String> {
    let mut files = DatasetFiles::default();
    let image = |path: String| formats::ImageFile {
        path,
        width: task.image.width,
        height: task.image.height,
    };
    match format {
        FormatName::Yolo | FormatName::YoloSeg | FormatName::YoloObb | FormatName::YoloPose => {
            // The layout of this task's own YOLO export (data.yaml with the label set's class
            // ids), with the given lines as the image's label file.
            let mut bare = task.clone();
            bare.annotations.clear();
            let out = formats::export(format, &archive::single(&bare), &ExportOptions::default())
                .map_err(|e| e.to_string())?;
            for (path, bytes) in out.files.iter() {
                if !path.ends_with(".txt") {
                    files.files.insert(path, bytes);
                }
            }
            for (_, path) in &out.images {
                let labels = path.replacen("images/", "labels/", 1);
                let stem = labels.rsplit_once('.').map_or(labels.as_str(), |(s, _)| s);
                files
                    .files
                    .insert(format!("{stem}.txt"), text.as_bytes().to_vec());
                files.images.insert(path.clone(), image(path.clone()));
            }
        }
        _ => {
            let body = match (format, serde_json::from_str::<serde_json::Value>(text)) {
                (FormatName::Coco, Ok(serde_json::Value::Array(results))) => {
                    coco_results(task, results)?
                }
                _ => text.to_string(),
            };
            files.files.insert(import_path(format), body.into_bytes());
            let path = format!("images/{}", task.image.name);
            files.images.insert(path.clone(), image(path));
        }
    }
    Ok(files)
}

/// Parses `text` as a dataset in `format` and returns the op adding the annotations it holds
/// for the open task as predictions, with how many there are.
pub fn predictions_op(runtime: &Runtime, text: &str, format: &str) -> Result<(Op, usize), String> {
    let format = parse_format(format)?;
    let task = current_task(runtime);
    let files = prediction_files(&task, text, format)?;
    let dataset = formats::import(format, &files).map_err(|e| e.to_string())?;
    let found = predictions::for_task(&task, &dataset).ok_or_else(|| {
        format!(
            "the file has no annotations for the image {:?}",
            task.image.name
        )
    })?;
    for (i, a) in found.annotations.iter().enumerate() {
        lasso_core::validate::shape(&format!("predictions[{i}].shape"), &a.shape)
            .map_err(|e| format!("the predictions cannot be loaded: {e}"))?;
    }
    let count = found.annotations.len();
    let op = predictions::add(&task, found.annotations.clone(), format.as_str())
        .ok_or_else(|| "the file has no annotations for this image".to_string())?;
    Ok((op, count))
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
