//! COCO instances JSON: boxes, polygons, RLE masks, keypoints with skeletons, `iscrowd`, `info`,
//! `licenses` and each image's licence.
//!
//! Layout written: `annotations/instances_default.json` with images under `images/`, or, when the
//! dataset has splits, one `annotations/instances_<train|val|test>.json` per split with images
//! under `images/<split>/` (tasks in no split stay in `instances_default.json`). `file_name` is
//! the image's path relative to its images folder. Reading takes every `*.json` under
//! `annotations/` (else every `*.json` in the folder), so Roboflow's
//! `train/_annotations.coco.json` layout reads too.
//!
//! How each shape is written:
//! - boxes: `bbox` `[x, y, w, h]` and, so that `annToMask` works, a one-rectangle polygon
//!   segmentation; reading turns a segmentation that is exactly the `bbox` rectangle back into a
//!   box (so an axis-aligned rectangular polygon also reads back as a box);
//! - rotated boxes: their four corners as a polygon (COCO has no rotation; they read back as
//!   polygons);
//! - polygons: one flat `[x0, y0, x1, y1, …]` list per part. COCO polygons cannot hold holes
//!   (pycocotools merges the listed rings by union), so a polygon with holes is written as a
//!   compressed RLE of its rasterised area instead, and reads back as a mask;
//!   With `polygons_as_rle` every polygon and rotated box is written as that RLE (pycocotools'
//!   `frPyObjects` of its rings, merged: byte for byte what training code computes);
//! - masks: compressed RLE (`counts` a string), or with [`MaskEncoding::Polygon`] the outlines
//!   traced along pixel edges (exact under pycocotools' rasterisation), except masks with holes,
//!   which stay RLE for the same reason;
//! - keypoints: `[x, y, v] * n` in the order of the category's `keypoints`, the category's
//!   skeleton 1-based, `num_keypoints` the placed ones, `bbox` their bounds;
//! - polylines: COCO has no place for them; they are not written.
//!
//! `iscrowd: 1` reads as the attribute `iscrowd = true` and is written back from it; a `score`
//! marks a prediction; other attributes go in CVAT's `attributes` object. `area` is pycocotools'
//! mask area for polygons and masks and `w × h` for boxes. Category ids are 1-based positions in
//! the label set; image and annotation ids are kept when the tasks' and annotations' ids are
//! distinct numbers, else numbered from 1.

use super::common::{self, finite, join, ImageIndex};
use super::{
    Dataset, DatasetFiles, DatasetInfo, Export, ExportOptions, FileTree, FormatError, MaskEncoding,
    Split,
};
use crate::model::{
    Annotation, AnnotationId, AttributeValue, BoxShape, ImageLicense, ImageRef, Keypoint, Label,
    MaskRle, Origin, Point, PolygonPart, PolygonShape, Shape, Task, Visibility,
};
use crate::raster::{mask_to_polygons, shape_polygon_to_rle, Rle, RunMask};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

mod evaluated;
mod read;
pub use evaluated::{evaluated, image_order, Evaluated};
pub use read::import;

/// The attribute that carries COCO's `iscrowd`.
pub const ISCROWD: &str = "iscrowd";

/// The annotation file written when the dataset has no splits.
pub const DEFAULT_FILE: &str = "annotations/instances_default.json";

#[derive(Serialize, Deserialize, Default)]
struct CocoInfo {
    #[serde(default)]
    description: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    contributor: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    date_created: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    year: Option<Value>,
}

#[derive(Serialize, Deserialize)]
struct CocoLicense {
    id: u64,
    #[serde(default)]
    name: String,
    #[serde(default)]
    url: String,
}

#[derive(Serialize, Deserialize)]
struct CocoImage {
    id: u64,
    file_name: String,
    width: u32,
    height: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    license: Option<u64>,
}

#[derive(Serialize, Deserialize)]
struct CocoCategory {
    id: u64,
    name: String,
    #[serde(default)]
    supercategory: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    keypoints: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    skeleton: Vec<[u64; 2]>,
}

#[derive(Serialize, Deserialize)]
struct CocoAnnotation {
    id: u64,
    image_id: u64,
    category_id: u64,
    #[serde(default)]
    segmentation: Value,
    #[serde(default)]
    area: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bbox: Option<Vec<f64>>,
    #[serde(default)]
    iscrowd: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    keypoints: Option<Vec<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    num_keypoints: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    attributes: BTreeMap<String, AttributeValue>,
}

#[derive(Serialize, Deserialize)]
struct CocoFile {
    #[serde(default)]
    info: CocoInfo,
    #[serde(default)]
    licenses: Vec<CocoLicense>,
    images: Vec<CocoImage>,
    #[serde(default)]
    annotations: Vec<CocoAnnotation>,
    categories: Vec<CocoCategory>,
}

// ---------------------------------------------------------------------------------------------
// Export

/// Writes the dataset as COCO instances JSON (one file per split).
pub fn export(dataset: &Dataset, options: &ExportOptions) -> Result<Export, FormatError> {
    let classes = common::classes(dataset);
    let class_id: HashMap<&str, u64> = classes
        .iter()
        .enumerate()
        .map(|(i, l)| (l.name.as_str(), i as u64 + 1))
        .collect();
    let keypoint_names = keypoint_names(dataset, &classes);
    let categories: Vec<CocoCategory> = classes
        .iter()
        .enumerate()
        .map(|(i, l)| CocoCategory {
            id: i as u64 + 1,
            name: l.name.clone(),
            supercategory: l.group.clone().unwrap_or_default(),
            keypoints: keypoint_names[i].clone(),
            skeleton: l
                .skeleton
                .iter()
                .map(|[a, b]| [*a as u64 + 1, *b as u64 + 1])
                .collect(),
        })
        .collect();
    let licenses = licenses(dataset);
    let image_ids = numeric_ids(dataset.tasks.iter().map(|t| t.id.as_str()));
    let ann_ids = numeric_ids(
        dataset
            .tasks
            .iter()
            .flat_map(|t| t.annotations.iter().map(|a| a.id.0.as_str())),
    );

    // Tasks grouped by output file, in task order.
    let mut groups: BTreeMap<Option<Split>, Vec<usize>> = BTreeMap::new();
    for (i, task) in dataset.tasks.iter().enumerate() {
        groups
            .entry(dataset.splits.get(&task.id).copied())
            .or_default()
            .push(i);
    }
    let mut files = FileTree::new();
    let mut images = Vec::new();
    let ann_offsets: Vec<usize> = dataset
        .tasks
        .iter()
        .scan(0usize, |acc, t| {
            let start = *acc;
            *acc += t.annotations.len();
            Some(start)
        })
        .collect();
    for (split, task_indices) in &groups {
        let (file, image_dir) = match split {
            Some(s) => (
                format!("annotations/instances_{}.json", common::split_dir(*s)),
                format!("images/{}", common::split_dir(*s)),
            ),
            None => (DEFAULT_FILE.to_string(), "images".to_string()),
        };
        let mut coco_images = Vec::new();
        let mut coco_anns = Vec::new();
        for &ti in task_indices {
            let task = &dataset.tasks[ti];
            let image_id = image_ids[ti];
            let name = common::export_image_name(task);
            images.push((task.id.clone(), join(&image_dir, &name)));
            coco_images.push(CocoImage {
                id: image_id,
                file_name: name,
                width: task.image.width,
                height: task.image.height,
                license: task
                    .image
                    .license
                    .as_ref()
                    .and_then(|l| licenses.iter().position(|x| x == l))
                    .map(|i| i as u64 + 1),
            });
            for (ai, a) in task.annotations.iter().enumerate() {
                let id = ann_ids[ann_offsets[ti] + ai];
                let category = class_id.get(a.label.as_str()).copied().unwrap_or(0);
                let names = &keypoint_names[category.saturating_sub(1) as usize];
                if let Some(ann) = annotation(a, task, image_id, id, category, names, options)? {
                    coco_anns.push(ann);
                }
            }
        }
        let coco = CocoFile {
            info: info(&dataset.info),
            licenses: licenses
                .iter()
                .enumerate()
                .map(|(i, l)| CocoLicense {
                    id: i as u64 + 1,
                    name: l.name.clone(),
                    url: l.url.clone(),
                })
                .collect(),
            images: coco_images,
            annotations: coco_anns,
            categories: categories
                .iter()
                .map(|c| CocoCategory {
                    id: c.id,
                    name: c.name.clone(),
                    supercategory: c.supercategory.clone(),
                    keypoints: c.keypoints.clone(),
                    skeleton: c.skeleton.clone(),
                })
                .collect(),
        };
        let bytes =
            serde_json::to_vec(&coco).map_err(|e| FormatError::file(&file, e.to_string()))?;
        files.insert(file, bytes);
    }
    Ok(Export { files, images })
}

/// The ids of the items when they are distinct positive integers, else 1, 2, 3, ….
fn numeric_ids<'a>(ids: impl Iterator<Item = &'a str> + Clone) -> Vec<u64> {
    let parsed: Option<Vec<u64>> = ids
        .clone()
        .map(|s| s.parse::<u64>().ok().filter(|&n| n > 0))
        .collect();
    if let Some(parsed) = parsed {
        let distinct: HashSet<u64> = parsed.iter().copied().collect();
        if distinct.len() == parsed.len() {
            return parsed;
        }
    }
    (1..=ids.count() as u64).collect()
}

/// Distinct image licences in order of first use.
fn licenses(dataset: &Dataset) -> Vec<ImageLicense> {
    let mut out: Vec<ImageLicense> = Vec::new();
    for t in &dataset.tasks {
        if let Some(l) = &t.image.license {
            if !out.contains(l) {
                out.push(l.clone());
            }
        }
    }
    out
}

fn info(info: &DatasetInfo) -> CocoInfo {
    let year = info
        .date_created
        .get(..4)
        .and_then(|y| y.parse::<u32>().ok())
        .map(Value::from);
    CocoInfo {
        description: info.description.clone(),
        version: info.version.clone(),
        contributor: info.contributor.clone(),
        url: info.url.clone(),
        date_created: info.date_created.clone(),
        year,
    }
}

/// Each class's keypoint names: the label's own, else the names its keypoint annotations use.
fn keypoint_names(dataset: &Dataset, classes: &[Label]) -> Vec<Vec<String>> {
    classes
        .iter()
        .map(|l| {
            if !l.keypoints.is_empty() {
                return l.keypoints.clone();
            }
            let mut names: Vec<String> = Vec::new();
            for a in dataset.tasks.iter().flat_map(|t| &t.annotations) {
                if let (true, Shape::Keypoints { points }) = (a.label == l.name, &a.shape) {
                    for p in points {
                        if !names.contains(&p.name) {
                            names.push(p.name.clone());
                        }
                    }
                }
            }
            names
        })
        .collect()
}

fn rle_json(rle: &Rle) -> Value {
    json!({"size": [rle.height, rle.width], "counts": rle.to_compressed()})
}

fn xywh(b: [f64; 4]) -> Vec<f64> {
    vec![b[0], b[1], b[2] - b[0], b[3] - b[1]]
}

fn flat(ring: &[Point]) -> Vec<f64> {
    ring.iter().flat_map(|p| [p.x, p.y]).collect()
}

/// One annotation in COCO form, or `None` for shapes COCO cannot hold (polylines).
fn annotation(
    a: &Annotation,
    task: &Task,
    image_id: u64,
    id: u64,
    category_id: u64,
    keypoint_names: &[String],
    options: &ExportOptions,
) -> Result<Option<CocoAnnotation>, FormatError> {
    let (w, h) = (task.image.width, task.image.height);
    let where_ = || {
        format!(
            "annotation {} of image {} ({})",
            a.id, task.image.name, task.id
        )
    };
    let mut keypoints = None;
    let mut num_keypoints = None;
    let (segmentation, bbox, area) = match &a.shape {
        Shape::Box(b) => {
            let poly = vec![b.x0, b.y0, b.x1, b.y0, b.x1, b.y1, b.x0, b.y1];
            (
                json!([poly]),
                xywh([b.x0, b.y0, b.x1, b.y1]),
                b.width() * b.height(),
            )
        }
        Shape::RotatedBox(r) => {
            let corners = r.corners();
            let shape = PolygonShape::simple(corners.to_vec());
            let rle = shape_polygon_to_rle(&shape, h, w);
            let b = common::point_bounds(&corners).unwrap_or_default();
            if options.polygons_as_rle {
                (rle_json(&rle), rle.bbox().to_vec(), rle.area() as f64)
            } else {
                (json!([flat(&corners)]), xywh(b), rle.area() as f64)
            }
        }
        Shape::Polygon(p) => {
            let rle = shape_polygon_to_rle(p, h, w);
            let b = common::point_bounds(p.parts.iter().flat_map(|part| &part.exterior))
                .unwrap_or_default();
            if options.polygons_as_rle || p.parts.iter().any(|part| !part.holes.is_empty()) {
                (rle_json(&rle), rle.bbox().to_vec(), rle.area() as f64)
            } else {
                let rings: Vec<Vec<f64>> =
                    p.parts.iter().map(|part| flat(&part.exterior)).collect();
                (json!(rings), xywh(b), rle.area() as f64)
            }
        }
        Shape::Mask(m) => {
            let rle = Rle::from_model(m)
                .map_err(|e| FormatError::dataset(format!("{}: {e}", where_())))?;
            if m.width != w || m.height != h {
                return Err(FormatError::dataset(format!(
                    "{}: mask is {}×{} but the image is {w}×{h}",
                    where_(),
                    m.width,
                    m.height
                )));
            }
            let polygons = match options.masks {
                MaskEncoding::Polygon => {
                    let parts = mask_to_polygons(&RunMask::from_rle(&rle));
                    let simple = !parts.is_empty() && parts.iter().all(|p| p.holes.is_empty());
                    simple.then(|| parts.iter().map(|p| flat(&p.exterior)).collect::<Vec<_>>())
                }
                MaskEncoding::Rle => None,
            };
            let segmentation = polygons.map_or_else(|| rle_json(&rle), |p| json!(p));
            (segmentation, rle.bbox().to_vec(), rle.area() as f64)
        }
        Shape::Keypoints { points } => {
            let mut flat_kp = Vec::with_capacity(keypoint_names.len() * 3);
            let mut placed = Vec::new();
            for name in keypoint_names {
                match points.iter().find(|p| &p.name == name) {
                    Some(p) if p.visibility != Visibility::NotLabeled => {
                        let v = if p.visibility == Visibility::Visible {
                            2.0
                        } else {
                            1.0
                        };
                        flat_kp.extend([p.x, p.y, v]);
                        placed.push(Point::new(p.x, p.y));
                    }
                    _ => flat_kp.extend([0.0, 0.0, 0.0]),
                }
            }
            num_keypoints = Some(placed.len() as u32);
            keypoints = Some(flat_kp);
            let b = common::point_bounds(&placed).unwrap_or_default();
            let bbox = xywh(b);
            let area = bbox[2] * bbox[3];
            (json!([]), bbox, area)
        }
        Shape::Polyline { .. } => return Ok(None),
    };
    for v in bbox.iter().chain(keypoints.iter().flatten()) {
        if !v.is_finite() {
            return Err(FormatError::dataset(format!(
                "{}: a coordinate is not a finite number",
                where_()
            )));
        }
    }
    let mut attributes = a.attributes.clone();
    let iscrowd = match attributes.remove(ISCROWD) {
        Some(AttributeValue::Bool(b)) => u8::from(b),
        Some(AttributeValue::Number(n)) => u8::from(n != 0.0),
        Some(AttributeValue::Text(t)) => u8::from(t == "1" || t == "true"),
        None => 0,
    };
    let score = match &a.origin {
        Origin::Prediction { score, .. } => Some(*score),
        Origin::Human => None,
    };
    Ok(Some(CocoAnnotation {
        id,
        image_id,
        category_id,
        segmentation,
        area,
        bbox: Some(bbox),
        iscrowd: json!(iscrowd),
        keypoints,
        num_keypoints,
        score,
        attributes,
    }))
}
