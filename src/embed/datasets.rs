//! Datasets in and out of the open task: `exportAs` text, zip exports (with the image when it
//! can be read) and predictions loaded from a dataset file. Formats themselves live in
//! `lasso_core::formats`; this module only picks files and moves bytes.

use crate::session::Runtime;
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

/// The formats whose export works for `task`, in the CLI's order.
pub fn exportable(task: &Task) -> Vec<FormatName> {
    let ds = archive::single(task);
    FormatName::ALL
        .into_iter()
        .filter(|f| {
            // A format reports "not supported" when it has no exporter; other errors are about
            // this task (e.g. an unknown image size) and the format stays listed.
            match formats::export(*f, &ds, &ExportOptions::default()) {
                Ok(_) => true,
                Err(e) => !e.message.contains("not supported"),
            }
        })
        .collect()
}

/// The open task in `format` as text (`exportAs`).
pub fn export_text(runtime: &Runtime, format: &str) -> Result<String, String> {
    let format = parse_format(format)?;
    let task = current_task(runtime);
    let out = formats::export(format, &archive::single(&task), &ExportOptions::default())
        .map_err(|e| e.to_string())?;
    archive::main_text(format, &out).map_err(|e| e.to_string())
}

/// The open task exported as a zip archive; `progress(done, total)` is called per entry.
pub async fn export_zip(
    runtime: &Rc<Runtime>,
    options: &ZipOptions,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<u8>, String> {
    let format = parse_format(&options.format)?;
    let task = current_task(runtime);
    let out = formats::export(format, &archive::single(&task), &ExportOptions::default())
        .map_err(|e| e.to_string())?;
    let mut images = Vec::new();
    if options.images {
        for (task_id, path) in &out.images {
            if task_id != &task.id || task.image.src.is_empty() {
                continue;
            }
            let url = crate::cloud::display_src(runtime, &task.image.src).await;
            let bytes = crate::cloud::http::fetch_bytes(&url)
                .await
                .map_err(|e| format!("Could not read the image for the export: {e}"))?;
            images.push((path.clone(), bytes));
        }
    }
    archive::to_zip(&out, &images, &mut progress).map_err(|e| e.to_string())
}

/// The file name a single-file import of `format` is read from.
fn import_path(format: FormatName) -> &'static str {
    match format {
        FormatName::Lasso => formats::lasso_json::FILE,
        FormatName::LabelStudio => formats::label_studio::FILE,
        FormatName::Cvat => formats::cvat::FILE,
        FormatName::Voc | FormatName::Masks => "annotations.xml",
        FormatName::Csv => "annotations.csv",
        _ => "annotations.json",
    }
}

/// Parses `text` as a dataset in `format` and returns the op adding the annotations it holds
/// for the open task as predictions, with how many there are.
pub fn predictions_op(runtime: &Runtime, text: &str, format: &str) -> Result<(Op, usize), String> {
    let format = parse_format(format)?;
    let mut files = DatasetFiles::default();
    files
        .files
        .insert(import_path(format), text.as_bytes().to_vec());
    let task = current_task(runtime);
    files.images.insert(
        format!("images/{}", task.image.name),
        formats::ImageFile {
            path: format!("images/{}", task.image.name),
            width: task.image.width,
            height: task.image.height,
        },
    );
    let dataset = formats::import(format, &files).map_err(|e| e.to_string())?;
    let found = predictions::for_task(&task, &dataset).ok_or_else(|| {
        format!(
            "the file has no annotations for the image {:?}",
            task.image.name
        )
    })?;
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
        runtime.fail(format!("Could not apply the review: {e}"));
    }
}
