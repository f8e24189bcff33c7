//! A prediction file about one image: a dataset file in any format (or a COCO results list,
//! as detectors write it) read as the annotations it holds for a task's image, to be added as
//! predictions to review (`loadPredictions`, the predictions panel).

use super::{archive, DatasetFiles, ExportOptions, FormatName};
use crate::model::{Annotation, Task};

/// The annotations `text` (a file of `format`) holds for `task`'s image, each shape checked
/// (`predictions[3].shape.x0: …` names one that is not usable).
pub fn read(task: &Task, text: &str, format: FormatName) -> Result<Vec<Annotation>, String> {
    let files = prediction_files(task, text, format)?;
    let dataset = super::import(format, &files).map_err(|e| e.to_string())?;
    let found = super::predictions::for_task(task, &dataset).ok_or_else(|| {
        format!(
            "the file has no annotations for the image {:?}",
            task.image.name
        )
    })?;
    for (i, a) in found.annotations.iter().enumerate() {
        crate::validate::shape(&format!("predictions[{i}].shape"), &a.shape)
            .map_err(|e| format!("the predictions cannot be loaded: {e}"))?;
    }
    Ok(found.annotations.clone())
}

/// The file name a single-file import of `format` is read from.
fn import_path(format: FormatName) -> &'static str {
    match format {
        FormatName::Lasso => super::lasso_json::FILE,
        FormatName::LabelStudio => super::label_studio::FILE,
        FormatName::Cvat => super::cvat::FILE,
        FormatName::Coco => super::coco::DEFAULT_FILE,
        FormatName::Csv => "annotations.csv",
        FormatName::W3c => super::w3c::FILE,
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
    let image = |path: String| super::ImageFile {
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
            let out = super::export(format, &archive::single(&bare), &ExportOptions::default())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Origin, Shape};

    fn task() -> Task {
        serde_json::from_value(serde_json::json!({
            "id": "7",
            "image": {"src": "photos/cat.jpg", "name": "cat.jpg", "width": 200, "height": 100},
            "labels": [{"name": "cat", "color": "#e6194b"}, {"name": "dog", "color": "#3cb44b"}],
        }))
        .unwrap()
    }

    fn boxes(found: &[Annotation]) -> Vec<(String, [f64; 4])> {
        found
            .iter()
            .map(|a| match &a.shape {
                Shape::Box(b) => (a.label.clone(), [b.x0, b.y0, b.x1, b.y1]),
                other => panic!("not a box: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_coco_results_list_is_read_for_the_task_id_with_its_scores() {
        let text = r#"[
            {"image_id": 7, "category_id": 2, "bbox": [10, 20, 30, 40], "score": 0.9},
            {"image_id": 8, "category_id": 1, "bbox": [0, 0, 5, 5], "score": 0.8}
        ]"#;
        let found = read(&task(), text, FormatName::Coco).unwrap();
        assert_eq!(
            boxes(&found),
            vec![("dog".into(), [10.0, 20.0, 40.0, 60.0])]
        );
        assert!(matches!(found[0].origin, Origin::Prediction { .. }));
        assert_eq!(super::super::predictions::score(&found[0]), Some(0.9));
    }

    #[test]
    fn yolo_lines_use_the_label_sets_class_ids() {
        let found = read(&task(), "0 0.5 0.5 0.2 0.4 0.75\n", FormatName::Yolo).unwrap();
        assert_eq!(
            boxes(&found),
            vec![("cat".into(), [80.0, 30.0, 120.0, 70.0])]
        );
    }

    #[test]
    fn results_about_other_images_and_unreadable_lines_are_named() {
        let two = r#"[{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1]},
                      {"image_id": 2, "category_id": 1, "bbox": [0, 0, 1, 1]}]"#;
        let e = read(&task(), two, FormatName::Coco).unwrap_err();
        assert!(e.contains("name 2 images") && e.contains("\"7\""), "{e}");
        let e = read(&task(), "0 0.5 0.5 wide 0.4\n", FormatName::Yolo).unwrap_err();
        assert!(e.contains("labels/") && e.contains("line 1"), "{e}");
    }
}
