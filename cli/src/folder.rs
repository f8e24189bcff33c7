//! Dataset folders on disk: reading one into [`DatasetFiles`] and writing an [`Export`].

use super::{render, Failure};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use lasso_core::dataset::{render_groups, ImagePlan};
use lasso_core::formats::{Dataset, DatasetFiles, Export, FormatError, ImageFile};
use std::collections::BTreeMap;
use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Image file extensions (lower case).
const IMAGE_EXTENSIONS: [&str; 9] = [
    "jpg", "jpeg", "png", "bmp", "gif", "webp", "tif", "tiff", "jfif",
];

/// Annotation file extensions (lower case); PNGs count as annotations under label folders.
const ANNOTATION_EXTENSIONS: [&str; 7] = ["json", "xml", "txt", "yaml", "yml", "csv", "png"];

/// Folder names whose PNGs are masks, not images.
const MASK_FOLDERS: [&str; 6] = [
    "labels",
    "masks",
    "annotations",
    "segmentationclass",
    "segmentationobject",
    "segmentation",
];

/// A progress bar on stderr, hidden when stderr is not a terminal (CI logs stay clean).
pub fn bar(len: u64, what: &str) -> ProgressBar {
    let target = if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(len), target);
    if let Ok(style) = ProgressStyle::with_template("{msg:>16} [{bar:40}] {pos}/{len} {eta}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_string());
    bar
}

/// A spinner for steps without a count.
pub fn spinner(what: &str) -> ProgressBar {
    let bar = bar(0, what);
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Failure + '_ {
    move |e| Failure::Io(path.to_path_buf(), e)
}

/// Every file under `dir` (hidden ones skipped), as `/`-separated relative paths.
fn walk(root: &Path) -> Result<Vec<(String, PathBuf)>, Failure> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(io(&dir))? {
            let entry = entry.map_err(io(&dir))?;
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if entry.file_type().map_err(io(&path))?.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(root) {
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push((rel.join("/"), path));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn extension(path: &str) -> String {
    path.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Reads the annotation files and image sizes of a dataset folder.
pub fn read(root: &Path) -> Result<DatasetFiles, Failure> {
    let entries = walk(root)?;
    let bar = bar(entries.len() as u64, "reading files");
    let mut files = DatasetFiles::default();
    for (rel, path) in entries {
        bar.inc(1);
        let ext = extension(&rel);
        let in_mask_folder = rel
            .split('/')
            .rev()
            .skip(1)
            .any(|d| MASK_FOLDERS.contains(&d.to_ascii_lowercase().as_str()));
        let is_annotation =
            ANNOTATION_EXTENSIONS.contains(&ext.as_str()) && (ext != "png" || in_mask_folder);
        if is_annotation {
            let bytes = std::fs::read(&path).map_err(io(&path))?;
            files.files.insert(rel, bytes);
        } else if IMAGE_EXTENSIONS.contains(&ext.as_str()) {
            let size = imagesize::size(&path).map_err(|e| {
                Failure::Io(
                    path.clone(),
                    std::io::Error::other(format!("cannot read the image size: {e}")),
                )
            })?;
            // Photos turned by their EXIF orientation count at their upright size, as they
            // are shown and trained on.
            let (width, height) = lasso_core::orientation::upright(
                &head(&path).map_err(io(&path))?,
                u32::try_from(size.width).unwrap_or(u32::MAX),
                u32::try_from(size.height).unwrap_or(u32::MAX),
            );
            files.images.insert(
                rel.clone(),
                ImageFile {
                    path: rel,
                    width,
                    height,
                },
            );
        }
    }
    bar.finish_and_clear();
    Ok(files)
}

/// The first bytes of a file, where a JPEG keeps its EXIF (APP1 is at most 64 KiB).
fn head(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(128 * 1024)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Writes the annotation files and copies each task's image to its new place, or renders it
/// where `plans` has a plan for the task; returns how many images were written. Images missing
/// from `input` are reported on stderr and skipped.
pub fn write(
    input: &Path,
    output: &Path,
    dataset: &Dataset,
    export: &Export,
    plans: &BTreeMap<String, ImagePlan>,
) -> Result<usize, Failure> {
    let target = |rel: &str| -> Result<PathBuf, Failure> {
        // Paths come from dataset files: refuse ones that would leave the output folder.
        if rel.split('/').any(|s| s == "..") || rel.starts_with('/') {
            return Err(Failure::Io(
                PathBuf::from(rel),
                std::io::Error::other("path leaves the output folder"),
            ));
        }
        let path = output.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        Ok(path)
    };
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for (task, rel) in &export.images {
        if let Some(other) = seen.insert(rel.as_str(), task.as_str()) {
            return Err(Failure::Format(FormatError::dataset(format!(
                "the images of tasks {other} and {task} would both be written to {rel}; rename one"
            ))));
        }
    }
    for (rel, bytes) in export.files.iter() {
        let path = target(rel)?;
        std::fs::write(&path, bytes).map_err(io(&path))?;
    }
    let src: HashMap<&str, &str> = dataset
        .tasks
        .iter()
        .map(|t| (t.id.as_str(), t.image.src.as_str()))
        .collect();
    let bar = bar(export.images.len() as u64, "writing images");
    let (mut copied, mut missing) = (0usize, 0usize);
    for (task, rel) in &export.images {
        if plans.contains_key(task) {
            continue; // rendered below, by source
        }
        let from = src.get(task.as_str()).map(|s| input.join(s));
        bar.inc(1);
        match from {
            Some(from) if from.is_file() => {
                let to = target(rel)?;
                std::fs::copy(&from, &to).map_err(io(&from))?;
                copied += 1;
            }
            _ => {
                missing += 1;
                if missing <= 10 {
                    bar.suspend(|| {
                        eprintln!(
                            "lasso: warning: image of task {task} not found in {}",
                            input.display()
                        )
                    });
                }
            }
        }
    }
    let mut groups = Vec::new();
    for (source, outputs) in render_groups(&export.images, &dataset.tasks, plans) {
        let from = input.join(source);
        if !from.is_file() {
            missing += outputs.len();
            bar.inc(outputs.len() as u64);
            bar.suspend(|| {
                eprintln!(
                    "lasso: warning: image {source} not found in {}",
                    input.display()
                )
            });
            continue;
        }
        let outputs = outputs
            .into_iter()
            .map(|(rel, plan)| Ok((target(rel)?, plan)))
            .collect::<Result<Vec<_>, Failure>>()?;
        groups.push(render::Group {
            source: from,
            outputs,
        });
    }
    copied += render::write(&groups, &bar)?;
    bar.finish_and_clear();
    if missing > 10 {
        eprintln!("lasso: warning: {missing} images not found in total");
    }
    Ok(copied)
}
