//! Builders and generators shared by the format tests.

use lasso_core::formats::{Dataset, DatasetFiles, Export, ImageFile};
use lasso_core::model::{Annotation, ImageRef, Label, LabelSet, Shape, Task};
use lasso_core::raster::Rle;

/// A task `id` with an image `name` of `w × h` and these annotations.
pub fn task(id: &str, name: &str, w: u32, h: u32, annotations: Vec<Annotation>) -> Task {
    Task {
        id: id.into(),
        image: ImageRef {
            src: name.into(),
            name: name.into(),
            width: w,
            height: h,
            ..Default::default()
        },
        annotations,
        ..Default::default()
    }
}

/// A label set of these class names.
pub fn labels(names: &[&str]) -> LabelSet {
    LabelSet {
        labels: names
            .iter()
            .enumerate()
            .map(|(i, n)| Label::new(*n, format!("#00000{i}")))
            .collect(),
        ..Default::default()
    }
}

/// The files an importer sees after an export: the annotation files, and each exported image
/// at its new path with its size.
pub fn files_of(export: &Export, dataset: &Dataset) -> DatasetFiles {
    let mut files = DatasetFiles {
        files: export.files.clone(),
        ..Default::default()
    };
    for (task_id, path) in &export.images {
        let task = dataset.tasks.iter().find(|t| &t.id == task_id).unwrap();
        files.images.insert(
            path.clone(),
            ImageFile {
                path: path.clone(),
                width: task.image.width,
                height: task.image.height,
            },
        );
    }
    files
}

/// A mask of `w × h` from a predicate on pixels.
pub fn mask(w: u32, h: u32, set: impl Fn(u32, u32) -> bool) -> Shape {
    let mut col_major = vec![0u8; (w * h) as usize];
    for x in 0..w {
        for y in 0..h {
            col_major[(x * h + y) as usize] = u8::from(set(x, y));
        }
    }
    Shape::Mask(Rle::encode(&col_major, h, w).to_model())
}

/// The colours of imported labels are the format's palette: compare label sets by name and
/// keypoints only.
pub fn label_names(ds: &Dataset) -> Vec<String> {
    ds.labels.labels.iter().map(|l| l.name.clone()).collect()
}
