//! Ultralytics YOLO datasets: detect, segment, oriented boxes (OBB) and pose.
//!
//! Layout: `data.yaml` (`path`, `train`/`val`/`test` image folders, `names` as a mapping
//! `id: name`, and for pose `kpt_shape: [n, 3]` and `kpt_names`), images under `images/` and one
//! `labels/…/<stem>.txt` per image, found by replacing the last `images` folder of the image's
//! path with `labels` (so Roboflow's `train/images/` layout reads as well). With splits the
//! folders are `images/<train|val|test>/` and `labels/<train|val|test>/`; without, `images/` and
//! `labels/` (both `train` and `val` then name `images`). `names` reads as a list or a mapping.
//!
//! One object per line, coordinates normalised by the image's width and height:
//! - detect: `class cx cy w h`. Every shape with an area is written as its bounding box.
//! - segment: `class x1 y1 x2 y2 …`, one line per polygon *part*: YOLO cannot hold holes, so a
//!   polygon's holes are dropped, and a mask is traced into polygons (holes dropped too); boxes
//!   and rotated boxes are written as their corners. A multi-part polygon reads back as one
//!   polygon per part.
//! - OBB: `class x1 y1 x2 y2 x3 y3 x4 y4`, the corners of rotated boxes, boxes, and the minimum
//!   rotated rectangle of polygons and masks; reads back as rotated boxes.
//! - pose: `class cx cy w h x1 y1 v1 …` with `kpt_shape: [n, 3]` (or `[n, 2]` on import, where
//!   a point at 0,0 is unplaced); the box is the bounds of the placed points.
//!
//! Polylines, and in detect/segment/OBB keypoints, have no YOLO form and are not written. Numbers
//! are written with 6 decimals (as Ultralytics does), so coordinates round-trip within
//! `1e-6 ×` the image size. A trailing confidence column is read (predictions: the annotation's
//! origin becomes a prediction with that score) but never written, because training readers
//! refuse it. Images without a label file, and empty label files, have no objects.

use super::common::{self, join};
use super::{Dataset, DatasetFiles, Export, FileTree, FormatError, ImageFile, Split};
use crate::model::{
    Annotation, BoxShape, Keypoint, Label, Origin, Point, PolygonShape, RotatedBox, Shape, Task,
    Visibility,
};
use crate::raster::{mask_to_polygons, Rle, RunMask};
use serde_norway::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The dataset description file.
pub const DATA_YAML: &str = "data.yaml";

/// Which YOLO task a dataset is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YoloTask {
    /// Axis-aligned boxes.
    Detect,
    /// Polygons.
    Segment,
    /// Oriented boxes as four corners.
    Obb,
    /// Box plus keypoints.
    Pose,
}

// ---------------------------------------------------------------------------------------------
// Export

/// Writes the dataset as a YOLO dataset for `task`.
pub fn export(dataset: &Dataset, task: YoloTask) -> Result<Export, FormatError> {
    let classes = common::classes(dataset);
    let class_id: BTreeMap<&str, usize> = classes
        .iter()
        .enumerate()
        .map(|(i, l)| (l.name.as_str(), i))
        .collect();
    let kpt_names = keypoint_names(dataset, &classes);
    let kpt_count = kpt_names.values().map(Vec::len).max().unwrap_or(0);
    let mut files = FileTree::new();
    let mut images = Vec::new();
    let mut used_splits: Vec<Split> = Vec::new();
    for t in &dataset.tasks {
        let split = dataset.splits.get(&t.id).copied();
        if let Some(s) = split {
            if !used_splits.contains(&s) {
                used_splits.push(s);
            }
        }
        let sub = split.map_or("", common::split_dir);
        let name = common::export_image_name(t);
        images.push((t.id.clone(), join(&join("images", sub), &name)));
        let label_path = join(
            &join("labels", sub),
            &format!("{}.txt", common::without_ext(&name)),
        );
        let mut text = String::new();
        for a in &t.annotations {
            let class = class_id.get(a.label.as_str()).copied().unwrap_or(0);
            let names = kpt_names.get(&class).map(Vec::as_slice).unwrap_or(&[]);
            write_annotation(&mut text, a, t, class, task, names, kpt_count)?;
        }
        files.insert(label_path, text);
    }
    used_splits.sort();
    files.insert(
        DATA_YAML,
        data_yaml(&classes, &used_splits, task, &kpt_names, kpt_count),
    );
    Ok(Export { files, images })
}

fn keypoint_names(dataset: &Dataset, classes: &[Label]) -> BTreeMap<usize, Vec<String>> {
    let mut out = BTreeMap::new();
    for (i, l) in classes.iter().enumerate() {
        let mut names = l.keypoints.clone();
        for a in dataset.tasks.iter().flat_map(|t| &t.annotations) {
            if let (true, Shape::Keypoints { points }) = (a.label == l.name, &a.shape) {
                for p in points {
                    if !names.contains(&p.name) {
                        names.push(p.name.clone());
                    }
                }
            }
        }
        if !names.is_empty() {
            out.insert(i, names);
        }
    }
    out
}

/// YAML scalars that need quoting are written as JSON strings (valid YAML).
fn yaml_str(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ' ')
        && !s.starts_with([' ', '-'])
        && !s.ends_with(' ')
        && s.parse::<f64>().is_err()
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

fn data_yaml(
    classes: &[Label],
    splits: &[Split],
    task: YoloTask,
    kpt_names: &BTreeMap<usize, Vec<String>>,
    kpt_count: usize,
) -> String {
    let mut y = String::from("path: .\n");
    if splits.is_empty() {
        y.push_str("train: images\nval: images\n");
    } else {
        for s in [Split::Train, Split::Valid, Split::Test] {
            let key = common::split_dir(s);
            // Ultralytics needs `train` and `val`: a missing one names another split's folder.
            let dir = if splits.contains(&s) {
                Some(key)
            } else if s != Split::Test {
                splits.first().map(|f| common::split_dir(*f))
            } else {
                None
            };
            if let Some(dir) = dir {
                let _ = writeln!(y, "{key}: images/{dir}");
            }
        }
    }
    if task == YoloTask::Pose {
        let _ = writeln!(y, "kpt_shape: [{kpt_count}, 3]");
        y.push_str("kpt_names:\n");
        for (class, names) in kpt_names {
            let list: Vec<String> = names.iter().map(|n| yaml_str(n)).collect();
            let _ = writeln!(y, "  {class}: [{}]", list.join(", "));
        }
    }
    let _ = writeln!(y, "nc: {}", classes.len());
    y.push_str("names:\n");
    for (i, l) in classes.iter().enumerate() {
        let _ = writeln!(y, "  {i}: {}", yaml_str(&l.name));
    }
    y
}

fn push_xy(line: &mut String, p: Point, w: f64, h: f64) {
    let _ = write!(line, " {:.6} {:.6}", p.x / w, p.y / h);
}

fn push_box(line: &mut String, b: [f64; 4], w: f64, h: f64) {
    let _ = write!(
        line,
        " {:.6} {:.6} {:.6} {:.6}",
        (b[0] + b[2]) / 2.0 / w,
        (b[1] + b[3]) / 2.0 / h,
        (b[2] - b[0]) / w,
        (b[3] - b[1]) / h
    );
}

fn box_corners(b: &BoxShape) -> Vec<Point> {
    vec![
        Point::new(b.x0, b.y0),
        Point::new(b.x1, b.y0),
        Point::new(b.x1, b.y1),
        Point::new(b.x0, b.y1),
    ]
}

fn mask_parts(m: &crate::model::MaskRle) -> Result<Vec<Vec<Point>>, String> {
    let rle = Rle::from_model(m).map_err(|e| e.to_string())?;
    Ok(mask_to_polygons(&RunMask::from_rle(&rle))
        .into_iter()
        .map(|p| p.exterior)
        .collect())
}

fn write_annotation(
    out: &mut String,
    a: &Annotation,
    t: &Task,
    class: usize,
    task: YoloTask,
    kpt_names: &[String],
    kpt_count: usize,
) -> Result<(), FormatError> {
    let (w, h) = (f64::from(t.image.width), f64::from(t.image.height));
    if w <= 0.0 || h <= 0.0 {
        return Err(FormatError::dataset(format!(
            "image {} ({}) has no known size; YOLO needs it to normalise coordinates",
            t.image.name, t.id
        )));
    }
    let bad = |e: String| FormatError::dataset(format!("annotation {} of {}: {e}", a.id, t.id));
    let mut lines: Vec<String> = Vec::new();
    let start = || format!("{class}");
    match task {
        YoloTask::Detect => {
            let b = match &a.shape {
                Shape::Box(b) => Some([b.x0, b.y0, b.x1, b.y1]),
                Shape::RotatedBox(r) => common::point_bounds(&r.corners()),
                Shape::Polygon(p) => common::point_bounds(p.parts.iter().flat_map(|x| &x.exterior)),
                Shape::Mask(m) => {
                    let rle = Rle::from_model(m).map_err(|e| bad(e.to_string()))?;
                    (rle.area() > 0).then(|| {
                        let [x, y, bw, bh] = rle.bbox();
                        [x, y, x + bw, y + bh]
                    })
                }
                Shape::Polyline { .. } | Shape::Keypoints { .. } => None,
            };
            if let Some(b) = b {
                let mut line = start();
                push_box(&mut line, b, w, h);
                lines.push(line);
            }
        }
        YoloTask::Segment => {
            let rings: Vec<Vec<Point>> = match &a.shape {
                Shape::Box(b) => vec![box_corners(b)],
                Shape::RotatedBox(r) => vec![r.corners().to_vec()],
                Shape::Polygon(p) => p.parts.iter().map(|x| x.exterior.clone()).collect(),
                Shape::Mask(m) => mask_parts(m).map_err(bad)?,
                Shape::Polyline { .. } | Shape::Keypoints { .. } => Vec::new(),
            };
            for ring in rings.iter().filter(|r| r.len() >= 3) {
                let mut line = start();
                for p in ring {
                    push_xy(&mut line, *p, w, h);
                }
                lines.push(line);
            }
        }
        YoloTask::Obb => {
            let corners = match &a.shape {
                Shape::Box(b) => Some(box_corners(b)),
                Shape::RotatedBox(r) => Some(r.corners().to_vec()),
                Shape::Polygon(p) => {
                    let pts: Vec<Point> = p.parts.iter().flat_map(|x| x.exterior.clone()).collect();
                    crate::geometry::min_rect_corners(&pts)
                }
                Shape::Mask(m) => {
                    let pts: Vec<Point> = mask_parts(m).map_err(bad)?.concat();
                    crate::geometry::min_rect_corners(&pts)
                }
                Shape::Polyline { .. } | Shape::Keypoints { .. } => None,
            };
            if let Some(c) = corners {
                let mut line = start();
                for p in c {
                    push_xy(&mut line, p, w, h);
                }
                lines.push(line);
            }
        }
        YoloTask::Pose => {
            if let Shape::Keypoints { points } = &a.shape {
                let placed: Vec<Point> = points
                    .iter()
                    .filter(|p| p.visibility != Visibility::NotLabeled)
                    .map(|p| Point::new(p.x, p.y))
                    .collect();
                let b = common::point_bounds(&placed).unwrap_or_default();
                let mut line = start();
                push_box(&mut line, b, w, h);
                for k in 0..kpt_count {
                    let p = kpt_names
                        .get(k)
                        .and_then(|n| points.iter().find(|p| &p.name == n))
                        .filter(|p| p.visibility != Visibility::NotLabeled);
                    match p {
                        Some(p) => {
                            push_xy(&mut line, Point::new(p.x, p.y), w, h);
                            let v = if p.visibility == Visibility::Visible {
                                2
                            } else {
                                1
                            };
                            let _ = write!(line, " {v}");
                        }
                        None => line.push_str(" 0 0 0"),
                    }
                }
                lines.push(line);
            }
        }
    }
    if lines.iter().any(|l| l.contains("NaN") || l.contains("inf")) {
        return Err(bad("a coordinate is not a finite number".into()));
    }
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Import

struct Meta {
    names: Vec<String>,
    kpt_shape: Option<(usize, usize)>,
    kpt_names: BTreeMap<usize, Vec<String>>,
}

fn yaml_err(file: &str, key: &str, message: impl Into<String>) -> FormatError {
    FormatError::at(file, key, message)
}

fn read_meta(files: &DatasetFiles) -> Result<(String, Meta), FormatError> {
    let path = if files.files.get(DATA_YAML).is_some() {
        DATA_YAML.to_string()
    } else {
        let yamls: Vec<&str> = files
            .files
            .paths()
            .filter(|p| p.ends_with(".yaml") || p.ends_with(".yml"))
            .collect();
        match yamls.as_slice() {
            [one] => one.to_string(),
            [] => return Err(FormatError::dataset("no data.yaml found")),
            many => {
                return Err(FormatError::dataset(format!(
                    "no data.yaml, and several YAML files ({}); which one describes the dataset?",
                    many.join(", ")
                )))
            }
        }
    };
    let text = files.files.text(&path)?;
    let doc: Value = serde_norway::from_str(text).map_err(|e| {
        let location = e
            .location()
            .map(|l| format!("line {}, column {}", l.line(), l.column()))
            .unwrap_or_default();
        FormatError::at(&path, location, e.to_string())
    })?;
    let names = match doc.get("names") {
        Some(Value::Sequence(list)) => list
            .iter()
            .enumerate()
            .map(|(i, v)| {
                scalar(v).ok_or_else(|| {
                    yaml_err(&path, &format!("names[{i}]"), "a class name must be text")
                })
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(Value::Mapping(map)) => {
            let mut by_id: BTreeMap<usize, String> = BTreeMap::new();
            for (k, v) in map {
                let id = k
                    .as_u64()
                    .or_else(|| k.as_str()?.trim().parse().ok())
                    .ok_or_else(|| {
                        yaml_err(
                            &path,
                            "names",
                            format!("class ids must be whole numbers, not {k:?}"),
                        )
                    })?;
                let name = scalar(v).ok_or_else(|| {
                    yaml_err(&path, &format!("names.{id}"), "a class name must be text")
                })?;
                by_id.insert(id as usize, name);
            }
            let count = by_id.len();
            if by_id.keys().enumerate().any(|(i, &k)| i != k) {
                return Err(yaml_err(
                    &path,
                    "names",
                    format!(
                        "class ids must be 0 to {} without gaps",
                        count.saturating_sub(1)
                    ),
                ));
            }
            by_id.into_values().collect()
        }
        None => return Err(yaml_err(&path, "names", "`names` is missing")),
        Some(_) => {
            return Err(yaml_err(
                &path,
                "names",
                "`names` must be a list or a mapping of id to name",
            ))
        }
    };
    let kpt_shape = match doc.get("kpt_shape") {
        None => None,
        Some(Value::Sequence(s)) => match s.as_slice() {
            [n, d] => match (n.as_u64(), d.as_u64()) {
                (Some(n), Some(d @ (2 | 3))) if n <= 1000 => Some((n as usize, d as usize)),
                _ => {
                    return Err(yaml_err(
                        &path,
                        "kpt_shape",
                        "kpt_shape must be [count, 2 or 3]",
                    ))
                }
            },
            _ => {
                return Err(yaml_err(
                    &path,
                    "kpt_shape",
                    "kpt_shape must be [count, 2 or 3]",
                ))
            }
        },
        Some(_) => {
            return Err(yaml_err(
                &path,
                "kpt_shape",
                "kpt_shape must be [count, 2 or 3]",
            ))
        }
    };
    let mut kpt_names = BTreeMap::new();
    if let Some(Value::Mapping(map)) = doc.get("kpt_names") {
        for (k, v) in map {
            if let (Some(id), Value::Sequence(list)) = (k.as_u64(), v) {
                let list: Option<Vec<String>> = list.iter().map(scalar).collect();
                if let Some(list) = list {
                    kpt_names.insert(id as usize, list);
                }
            }
        }
    }
    Ok((
        path,
        Meta {
            names,
            kpt_shape,
            kpt_names,
        },
    ))
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The label file of an image: its last `images` folder becomes `labels`, its extension `.txt`.
fn label_path(image: &str) -> Option<String> {
    let segments: Vec<&str> = image.split('/').collect();
    let at = segments.iter().rposition(|s| *s == "images")?;
    let mut out: Vec<&str> = segments.clone();
    out[at] = "labels";
    let joined = out.join("/");
    Some(format!("{}.txt", common::without_ext(&joined)))
}

fn split_of(path: &str) -> Option<Split> {
    path.split('/').find_map(|s| match s {
        "train" => Some(Split::Train),
        "val" | "valid" => Some(Split::Valid),
        "test" => Some(Split::Test),
        _ => None,
    })
}

/// Reads a YOLO dataset for `task`; all or nothing.
pub fn import(files: &DatasetFiles, task: YoloTask) -> Result<Dataset, FormatError> {
    let (yaml_path, meta) = read_meta(files)?;
    let mut dataset = Dataset::default();
    for (i, name) in meta.names.iter().enumerate() {
        let mut label = common::new_label(name, i);
        if task == YoloTask::Pose {
            if let Some((n, _)) = meta.kpt_shape {
                label.keypoints = meta
                    .kpt_names
                    .get(&i)
                    .filter(|k| k.len() == n)
                    .cloned()
                    .unwrap_or_else(|| (0..n).map(|k| k.to_string()).collect());
            }
        }
        dataset.labels.labels.push(label);
    }
    if task == YoloTask::Pose && meta.kpt_shape.is_none() {
        return Err(yaml_err(
            &yaml_path,
            "kpt_shape",
            "a pose dataset needs kpt_shape",
        ));
    }
    let mut labelled: BTreeMap<String, &ImageFile> = BTreeMap::new();
    for (path, image) in &files.images {
        let Some(lp) = label_path(path) else {
            continue;
        };
        if labelled.insert(lp.clone(), image).is_some() {
            return Err(FormatError::file(
                &lp,
                "two images share this label file (same name, different extensions)",
            ));
        }
        let rel = path
            .rsplit_once("images/")
            .map_or(path.as_str(), |(_, r)| r)
            .to_string();
        let split = split_of(path);
        let name = match split {
            Some(_) => rel
                .split_once('/')
                .map_or(rel.as_str(), |(_, r)| r)
                .to_string(),
            None => rel.clone(),
        };
        let id = common::without_ext(&rel).to_string();
        let annotations = match files.files.get(&lp) {
            None => Vec::new(),
            Some(_) => {
                let text = files.files.text(&lp)?;
                read_labels(text, &lp, image, &meta, task)?
            }
        };
        if let Some(s) = split {
            dataset.splits.insert(id.clone(), s);
        }
        dataset.tasks.push(Task {
            id,
            image: crate::model::ImageRef {
                src: path.clone(),
                name,
                width: image.width,
                height: image.height,
                ..Default::default()
            },
            annotations,
            ..Default::default()
        });
    }
    for path in files.files.paths() {
        let under_labels = path.split('/').any(|s| s == "labels");
        if under_labels && path.ends_with(".txt") && !labelled.contains_key(path) {
            return Err(FormatError::file(
                path,
                "label file without an image (expected the same name under images/)",
            ));
        }
    }
    Ok(dataset)
}

fn read_labels(
    text: &str,
    file: &str,
    image: &ImageFile,
    meta: &Meta,
    task: YoloTask,
) -> Result<Vec<Annotation>, FormatError> {
    let (w, h) = (f64::from(image.width), f64::from(image.height));
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let place = format!("line {}", n + 1);
        let err = |m: String| FormatError::at(file, &place, m);
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut fields = line.split_whitespace();
        let class_text = fields.next().unwrap_or_default();
        let class: usize = class_text
            .parse()
            .map_err(|_| err(format!("class {class_text:?} is not a class id")))?;
        let Some(label) = meta.names.get(class) else {
            return Err(err(format!(
                "class {class} is not in data.yaml's names (0 to {})",
                meta.names.len().saturating_sub(1)
            )));
        };
        let mut v = Vec::new();
        for f in fields {
            let x: f64 = f
                .parse()
                .map_err(|_| err(format!("{f:?} is not a number")))?;
            if !x.is_finite() {
                return Err(err(format!("{f} is not a finite number")));
            }
            v.push(x);
        }
        let score_at = |expected: usize| -> Result<Option<f64>, FormatError> {
            match v.len() {
                k if k == expected => Ok(None),
                k if k == expected + 1 => Ok(v.last().copied()),
                k => Err(err(format!(
                    "{k} numbers after the class; expected {expected} (or {} with a confidence)",
                    expected + 1
                ))),
            }
        };
        let polygon = |coords: &[f64]| -> Vec<Point> {
            coords
                .chunks_exact(2)
                .map(|c| Point::new(c[0] * w, c[1] * h))
                .collect()
        };
        let (shape, score) = match task {
            YoloTask::Detect if v.len() >= 6 => {
                // A segment line in a detect dataset (Ultralytics reads those too).
                let n = v.len() - v.len() % 2;
                let score = (v.len() % 2 == 1).then(|| v[n]);
                (
                    Shape::Polygon(PolygonShape::simple(polygon(&v[..n]))),
                    score,
                )
            }
            YoloTask::Detect => {
                let score = score_at(4)?;
                (Shape::Box(unbox(&v, w, h).map_err(&err)?), score)
            }
            YoloTask::Segment => {
                let n = v.len() - v.len() % 2;
                let score = (v.len() % 2 == 1).then(|| v[n]);
                if n < 6 {
                    return Err(err(format!(
                        "a polygon needs at least 3 points (6 numbers); this line has {n}"
                    )));
                }
                (
                    Shape::Polygon(PolygonShape::simple(polygon(&v[..n]))),
                    score,
                )
            }
            YoloTask::Obb => {
                let score = score_at(8)?;
                let c = polygon(&v[..8]);
                let corners = [c[0], c[1], c[2], c[3]];
                (Shape::RotatedBox(rotated_from_corners(&corners)), score)
            }
            YoloTask::Pose => {
                let (k, d) = meta.kpt_shape.unwrap_or((0, 3));
                let score = score_at(4 + k * d)?;
                let points = v[4..4 + k * d]
                    .chunks_exact(d)
                    .zip(&label_keypoints(meta, class, k))
                    .map(|(p, name)| {
                        let visibility = if d == 3 {
                            match p[2] {
                                x if x <= 0.0 => Visibility::NotLabeled,
                                x if x < 1.5 => Visibility::Occluded,
                                _ => Visibility::Visible,
                            }
                        } else if p[0] == 0.0 && p[1] == 0.0 {
                            Visibility::NotLabeled
                        } else {
                            Visibility::Visible
                        };
                        Keypoint {
                            name: name.clone(),
                            x: p[0] * w,
                            y: p[1] * h,
                            visibility,
                        }
                    })
                    .collect();
                (Shape::Keypoints { points }, score)
            }
        };
        let mut a = Annotation::new((out.len() + 1).to_string(), label.clone(), shape);
        if let Some(score) = score {
            a.origin = Origin::Prediction {
                score,
                model: String::new(),
            };
        }
        out.push(a);
    }
    Ok(out)
}

fn label_keypoints(meta: &Meta, class: usize, k: usize) -> Vec<String> {
    meta.kpt_names
        .get(&class)
        .filter(|n| n.len() == k)
        .cloned()
        .unwrap_or_else(|| (0..k).map(|i| i.to_string()).collect())
}

fn unbox(v: &[f64], w: f64, h: f64) -> Result<BoxShape, String> {
    let [cx, cy, bw, bh] = [v[0], v[1], v[2], v[3]];
    if bw < 0.0 || bh < 0.0 {
        return Err(format!(
            "box width and height must not be negative ({bw}, {bh})"
        ));
    }
    // Scaling before halving keeps whole-pixel boxes whole (0.3·20 − 0.4·20/2 = 2 exactly,
    // where (0.3 − 0.2)·20 = 1.9999999999999996).
    let (cx, cy, bw, bh) = (cx * w, cy * h, bw * w, bh * h);
    Ok(BoxShape {
        x0: cx - bw / 2.0,
        y0: cy - bh / 2.0,
        x1: cx + bw / 2.0,
        y1: cy + bh / 2.0,
    })
}

/// The rotated box whose corners (in our clockwise order from the box's own top-left) are
/// `c`; corners that are not a rectangle get the rectangle spanned by the first two edges.
pub fn rotated_from_corners(c: &[Point; 4]) -> RotatedBox {
    let cx = c.iter().map(|p| p.x).sum::<f64>() / 4.0;
    let cy = c.iter().map(|p| p.y).sum::<f64>() / 4.0;
    let (dx, dy) = (c[1].x - c[0].x, c[1].y - c[0].y);
    let w = dx.hypot(dy);
    let h = (c[2].x - c[1].x).hypot(c[2].y - c[1].y);
    RotatedBox {
        cx,
        cy,
        w,
        h,
        angle: dy.atan2(dx).to_degrees(),
    }
}
