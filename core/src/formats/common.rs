//! Small pieces several formats share: class lists, label colours, split folder names, finding
//! an image file by the name an annotation file gives it, and reading numbers safely.

use super::{Dataset, DatasetFiles, FormatError, ImageFile, Split};
use crate::model::{Label, Point};
use std::collections::{BTreeMap, HashSet};

/// Colours given to classes read from formats that store none (a 20-colour qualitative palette).
const PALETTE: [&str; 20] = [
    "#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6",
    "#bcf60c", "#fabebe", "#008080", "#e6beff", "#9a6324", "#fffac8", "#800000", "#aaffc3",
    "#808000", "#ffd8b1", "#000075", "#808080",
];

/// The colour of the `index`-th class read from a format without colours.
pub(crate) fn color(index: usize) -> String {
    PALETTE[index % PALETTE.len()].to_string()
}

/// A new label named `name`, coloured by its position.
pub(crate) fn new_label(name: &str, index: usize) -> Label {
    Label::new(name, color(index))
}

/// The classes an export writes, in class-id order: the label set's labels, then any label an
/// annotation uses that the set lacks (in order of first use), so that exports never drop objects
/// and existing ids stay stable.
pub(crate) fn classes(dataset: &Dataset) -> Vec<Label> {
    let mut out = dataset.labels.labels.clone();
    let mut known: HashSet<String> = out.iter().map(|l| l.name.clone()).collect();
    for task in &dataset.tasks {
        for a in &task.annotations {
            if known.insert(a.label.clone()) {
                let index = out.len();
                out.push(new_label(&a.label, index));
            }
        }
    }
    out
}

/// The folder name of a split in YOLO and COCO layouts (`train`, `val`, `test`).
pub(crate) fn split_dir(split: Split) -> &'static str {
    match split {
        Split::Train => "train",
        Split::Valid => "val",
        Split::Test => "test",
    }
}

/// The split a file or folder name speaks of (`train…`, `val…`/`valid…`, `test…`), if any.
pub(crate) fn split_of_name(name: &str) -> Option<Split> {
    let lower = name.to_ascii_lowercase();
    if lower.contains("train") {
        Some(Split::Train)
    } else if lower.contains("val") {
        Some(Split::Valid)
    } else if lower.contains("test") {
        Some(Split::Test)
    } else {
        None
    }
}

/// Finds image files by the names annotation files give them.
pub(crate) struct ImageIndex<'a> {
    images: &'a BTreeMap<String, ImageFile>,
    by_base: BTreeMap<&'a str, Vec<&'a ImageFile>>,
}

impl<'a> ImageIndex<'a> {
    /// Indexes the images of a dataset folder.
    pub(crate) fn new(files: &'a DatasetFiles) -> Self {
        let mut by_base: BTreeMap<&str, Vec<&ImageFile>> = BTreeMap::new();
        for (path, image) in &files.images {
            by_base.entry(base_name(path)).or_default().push(image);
        }
        Self {
            images: &files.images,
            by_base,
        }
    }

    /// The image at the first of `candidates` that exists, else the only image whose file name
    /// is the base name of `name`.
    pub(crate) fn find(&self, candidates: &[String], name: &str) -> Option<&'a ImageFile> {
        for c in candidates {
            if let Some(image) = self.images.get(normalise(c).as_str()) {
                return Some(image);
            }
        }
        match self.by_base.get(base_name(name)).map(Vec::as_slice) {
            Some([only]) => Some(only),
            _ => None,
        }
    }
}

/// The part of a `/`-separated path after its last `/`.
pub(crate) fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The file name without its last extension.
pub(crate) fn stem(path: &str) -> &str {
    let base = base_name(path);
    base.rsplit_once('.').map_or(base, |(s, _)| s)
}

/// The folder of a `/`-separated path (empty at the root).
pub(crate) fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(p, _)| p)
}

/// Joins folder and name with `/` (no stray `/` when either is empty).
pub(crate) fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else if name.is_empty() {
        dir.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Drops `./` segments and backslashes so names from other tools match our paths.
pub(crate) fn normalise(path: &str) -> String {
    let path = path.replace('\\', "/");
    path.split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// A number that must be finite, or an error at `file`/`location`.
pub(crate) fn finite(value: f64, file: &str, location: &str) -> Result<f64, FormatError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(FormatError::at(
            file,
            location,
            format!("{value} is not a finite number"),
        ))
    }
}

/// The axis-aligned bounds of points, or `None` when there are none.
pub(crate) fn point_bounds<'p>(points: impl IntoIterator<Item = &'p Point>) -> Option<[f64; 4]> {
    let mut it = points.into_iter();
    let first = it.next()?;
    let mut b = [first.x, first.y, first.x, first.y];
    for p in it {
        b = [b[0].min(p.x), b[1].min(p.y), b[2].max(p.x), b[3].max(p.y)];
    }
    Some(b)
}
