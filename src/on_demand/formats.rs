//! The `formats` chunk: every dataset format's reader and writer (`lasso_core::formats`), the
//! recipe that builds a dataset export, and zip archives.

use super::NotLoaded;
use lasso_core::dataset::{ImagePlan, Recipe};
use lasso_core::formats::{self, archive, Export, ExportOptions, FormatName};
use lasso_core::history::Op;
use lasso_core::i18n::Locale;
use lasso_core::model::Task;

split! {
    formats, preload preload_text;
    /// `task` exported as `format`, as the text of its one file (`exportAs`).
    pub fn export_text(task: Task, format: FormatName) -> Result<Result<String, String>, NotLoaded> {
        let out = formats::export(format, &archive::single(&task), &ExportOptions::default())
            .map_err(|e| e.to_string());
        Ok(out.and_then(|out| archive::main_text(format, &out).map_err(|e| e.to_string())))
    }
}

split! {
    formats, preload preload_lasso;
    /// `task` as Lasso JSON, indented (`exportAs("lasso")`).
    pub fn lasso_text(task: Task) -> Result<Result<String, String>, NotLoaded> {
        Ok(serde_json::to_string_pretty(&task).map_err(|e| e.to_string()))
    }
}

split! {
    formats, preload preload_predictions;
    /// The op adding what `text` (a file of `format`) holds for `task`'s image as predictions,
    /// with how many there are.
    pub fn prediction_op(
        task: Task,
        text: String,
        format: FormatName,
    ) -> Result<Result<(Op, usize), String>, NotLoaded> {
        let found = match formats::prediction_file::read(&task, &text, format) {
            Ok(found) => found,
            Err(e) => return Ok(Err(e)),
        };
        let count = found.len();
        Ok(formats::predictions::add(&task, found, format.as_str())
            .map(|op| (op, count))
            .ok_or_else(|| "the file has no annotations for this image".to_string()))
    }
}

/// Loads what the host's sync methods (`exportAs`, `loadPredictions`) call, so they answer at
/// once; `mount` waits for it.
pub async fn preload() -> Result<(), NotLoaded> {
    preload_text().await?;
    preload_lasso().await?;
    preload_predictions().await?;
    super::json::preload_bad_path().await?;
    Ok(())
}

split! {
    formats;
    /// What exporting `task` as `format` would not keep, one line each in words of `locale`.
    pub fn losses(locale: Locale, task: Task, format: FormatName) -> Result<Vec<String>, NotLoaded> {
        Ok(formats::registry::losses(
            locale,
            formats::registry::get(format),
            &task,
        ))
    }
}

/// A dataset export planned: the export's files, and the images to render from each source
/// image (by its `src`): output path and plan.
pub struct ZipPlan {
    /// The annotation files and where each task's image goes.
    pub export: Export,
    /// The tasks as the recipe left them (ids and image sources).
    pub tasks: Vec<Task>,
    /// Tasks whose images are rendered (tiles, resized or augmented copies) rather than copied.
    pub rendered: std::collections::BTreeSet<String>,
    /// Source `src` → its outputs (path, plan), in export order.
    pub groups: Vec<(String, Vec<(String, ImagePlan)>)>,
}

split! {
    formats;
    /// `tasks` as one dataset, followed through `recipe` (split, pipeline, export).
    pub fn plan_zip(tasks: Vec<Task>, recipe: Recipe) -> Result<Result<ZipPlan, String>, NotLoaded> {
        let mut dataset = archive::many(tasks);
        let (followed, export) = match recipe.follow(&mut dataset) {
            Ok(done) => done,
            Err(e) => return Ok(Err(e.to_string())),
        };
        let groups =
            lasso_core::dataset::render_groups(&export.images, &dataset.tasks, &followed.applied.plans)
                .into_iter()
                .map(|(src, outputs)| {
                    let outputs = outputs
                        .into_iter()
                        .map(|(path, plan)| (path.to_string(), plan.clone()))
                        .collect();
                    (src.to_string(), outputs)
                })
                .collect();
        Ok(Ok(ZipPlan {
            rendered: followed.applied.plans.keys().cloned().collect(),
            export,
            tasks: dataset.tasks,
            groups,
        }))
    }
}

split! {
    formats;
    /// The zip archive of `export` with `images` (path, bytes); `progress(done, total)` per entry.
    pub fn pack_zip(
        export: &Export,
        images: &[(String, Vec<u8>)],
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Result<Vec<u8>, String>, NotLoaded> {
        Ok(archive::to_zip(export, images, progress).map_err(|e| e.to_string()))
    }
}
