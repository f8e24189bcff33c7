//! Small pieces several formats share: class lists, label colours, split folder names, finding
//! an image file by the name an annotation file gives it, file names and main files, box bounds
//! of shapes, and reading numbers safely.

use super::{Dataset, DatasetFiles, FormatError, ImageFile, Split};
use crate::model::{Label, Point, Shape, Task};
use crate::raster::Rle;
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

/// The file name without its last extension (a name that only starts with a dot, such as
/// `.hidden`, has none).
pub(crate) fn stem(path: &str) -> &str {
    let base = base_name(path);
    match base.rfind('.') {
        Some(i) if i > 0 => &base[..i],
        _ => base,
    }
}

/// The path without the last extension of its file name (folders kept).
pub(crate) fn without_ext(path: &str) -> &str {
    match path.rsplit_once('.') {
        Some((s, ext)) if !ext.contains('/') => s,
        _ => path,
    }
}

/// The image's file name in an export: its name, else the last part of its source, cleaned of
/// `./` and backslashes; `<task id>.jpg` when both are empty.
pub fn export_image_name(task: &Task) -> String {
    let name = normalise(if task.image.name.is_empty() {
        base_name(&task.image.src)
    } else {
        &task.image.name
    });
    if name.is_empty() {
        format!("{}.jpg", task.id)
    } else {
        name
    }
}

/// The axis-aligned box of a shape as box formats (VOC, CSV) write it, or `None` for shapes
/// without area (polylines, keypoints, empty masks).
pub(crate) fn box_bounds(shape: &Shape) -> Option<[f64; 4]> {
    match shape {
        Shape::Box(b) => Some([b.x0, b.y0, b.x1, b.y1]),
        Shape::RotatedBox(r) => point_bounds(&r.corners()),
        Shape::Polygon(p) => point_bounds(p.parts.iter().flat_map(|x| &x.exterior)),
        Shape::Mask(m) => {
            let rle = Rle::from_model(m).ok()?;
            (rle.area() > 0).then(|| {
                let [x, y, w, h] = rle.bbox();
                [x, y, x + w, y + h]
            })
        }
        Shape::Polyline { .. } | Shape::Keypoints { .. } => None,
    }
}

/// The one annotation file of a single-file format: `preferred` when present, else the only
/// `.ext` file at the root; none or several is an error that says what to do.
pub(crate) fn main_file(
    files: &DatasetFiles,
    preferred: &str,
    ext: &str,
) -> Result<String, FormatError> {
    if files.files.get(preferred).is_some() {
        return Ok(preferred.to_string());
    }
    let suffix = format!(".{ext}");
    let found: Vec<&str> = files
        .files
        .paths()
        .filter(|p| p.ends_with(&suffix) && !p.contains('/'))
        .collect();
    match found.as_slice() {
        [one] => Ok(one.to_string()),
        [] => Err(FormatError::dataset(format!(
            "no {preferred} (or other {suffix} file) found"
        ))),
        many => Err(FormatError::dataset(format!(
            "several {suffix} files ({}); name the annotations file {preferred}",
            many.join(", ")
        ))),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BoxShape, ImageRef, MaskRle, PolygonShape};

    #[test]
    fn names_and_extensions() {
        assert_eq!(stem("a/b/cat.01.png"), "cat.01");
        assert_eq!(stem(".hidden"), ".hidden");
        assert_eq!(without_ext("images/train/x.jpg"), "images/train/x");
        assert_eq!(without_ext("a.b/noext"), "a.b/noext");
        let mut task = Task {
            id: "t7".into(),
            image: ImageRef {
                src: "https://host/data/./img.png".into(),
                ..ImageRef::default()
            },
            ..Task::default()
        };
        assert_eq!(export_image_name(&task), "img.png");
        task.image.name = ".\\cats\\a.jpg".into();
        assert_eq!(export_image_name(&task), "cats/a.jpg");
        task.image = ImageRef::default();
        assert_eq!(export_image_name(&task), "t7.jpg");
    }

    #[test]
    fn box_bounds_of_each_shape_kind() {
        let b = Shape::Box(BoxShape::from_corners(
            Point::new(3.0, 1.0),
            Point::new(1.0, 4.0),
        ));
        assert_eq!(box_bounds(&b), Some([1.0, 1.0, 3.0, 4.0]));
        let p = Shape::Polygon(PolygonShape::simple(vec![
            Point::new(2.0, 2.0),
            Point::new(5.0, 2.0),
            Point::new(4.0, 6.0),
        ]));
        assert_eq!(box_bounds(&p), Some([2.0, 2.0, 5.0, 6.0]));
        // A 2 × 3 mask with pixel (1, 2) set (column-major runs, zeros first).
        let m = Shape::Mask(MaskRle {
            width: 2,
            height: 3,
            counts: vec![5, 1],
        });
        assert_eq!(box_bounds(&m), Some([1.0, 2.0, 2.0, 3.0]));
        let empty = Shape::Mask(MaskRle {
            width: 2,
            height: 3,
            counts: vec![6],
        });
        assert_eq!(box_bounds(&empty), None);
    }

    #[test]
    fn main_file_prefers_its_name_then_the_only_file_and_says_what_to_do_otherwise() {
        let mut files = DatasetFiles::default();
        let e = main_file(&files, "annotations.xml", "xml").unwrap_err();
        assert!(e.message.contains("no annotations.xml"), "{e}");
        files.files.insert("sub/inner.xml", "<a/>");
        files.files.insert("mine.xml", "<a/>");
        assert_eq!(
            main_file(&files, "annotations.xml", "xml").unwrap(),
            "mine.xml"
        );
        files.files.insert("other.xml", "<a/>");
        let e = main_file(&files, "annotations.xml", "xml").unwrap_err();
        assert!(e.message.contains("mine.xml, other.xml"), "{e}");
        assert!(
            e.message
                .contains("name the annotations file annotations.xml"),
            "{e}"
        );
        files.files.insert("annotations.xml", "<a/>");
        assert_eq!(
            main_file(&files, "annotations.xml", "xml").unwrap(),
            "annotations.xml"
        );
    }
}
