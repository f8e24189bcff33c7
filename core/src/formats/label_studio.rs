//! Label Studio JSON tasks: one task per image with `data.image`, human `annotations[].result[]`
//! and model `predictions[].result[]`, coordinates in percent of the image.
//!
//! Mapping (export, and what import reads back):
//! - Box and rotated box → `rectanglelabels` with `x, y, width, height` in percent and `rotation`
//!   in degrees. Label Studio anchors `x, y` at the box's own top-left corner and rotates about
//!   it, so `x, y` is the first of [`RotatedBox::corners`] and the centre is that corner plus the
//!   half-diagonal turned by the angle. A rotation of 0 reads back as an axis-aligned box.
//! - Polygon → one `polygonlabels` result per part (percent `points`, `closed: true`); holes
//!   cannot be written and are dropped. Parts after the first get the id `ID_pN` and are joined
//!   again on import. Polyline → `polygonlabels` with `closed: false` (Label Studio's open path).
//! - Keypoints → one `keypointlabels` result per placed point, id `ID_kpN`, the point's name in
//!   the region's `meta.text`; joined again on import. Occlusion is not kept.
//! - Mask → `brushlabels` with `format: "rle"` (Label Studio's own brush RLE, [`ls_brush`]).
//! - Image tags → a `choices` result (`from_name` `tags`). Per-region `choices`, `textarea` and
//!   `number` results (same id as a region) become that annotation's attributes on import.
//! - Predictions (origin [`Origin::Prediction`]) → one `predictions[]` entry per model
//!   (`model_version`), each result with its `score`; the entry's `score` is their mean.
//!
//! Each task keeps its Lasso id and image size in `meta` (`lasso_task_id`, `image_width`,
//! `image_height`), so images without regions keep their size too.
//!
//! The export also writes `label_config.xml`, a labelling config whose control names match the
//! results' `from_name`s, so the tasks import into Label Studio as they are. Import reads
//! whatever `from_name`/`to_name` the results carry, takes the result type from `type` or from
//! the value's keys, takes the newest annotation that was not cancelled, and reads class colours
//! from `label_config.xml` when it is there. Not kept: hidden/locked flags and `z` (results are
//! written in draw order).

use super::json_path::{At, Child};
use super::{common, palette, Dataset, DatasetFiles, Export, FileTree, FormatError};
use crate::model::{
    Annotation, AttributeValue, BoxShape, ImageRef, Keypoint, Label, LabelSet, MaskRle, Origin,
    Point, PolygonPart, PolygonShape, RotatedBox, Shape, Task, Visibility,
};
use crate::raster::{ls_brush, Rle, RunMask};
use serde_json::{json, Value};

mod read;
pub use read::import;

/// The tasks file of an export.
pub const FILE: &str = "label_studio.json";
/// The labelling config written beside it.
pub const CONFIG_FILE: &str = "label_config.xml";

/// The `from_name`/`to_name` of written results, one control per result type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControlNames {
    /// The `Image` object (`to_name`).
    pub image: String,
    /// `RectangleLabels`.
    pub rectangle: String,
    /// `PolygonLabels`.
    pub polygon: String,
    /// `KeyPointLabels`.
    pub keypoint: String,
    /// `BrushLabels`.
    pub brush: String,
    /// `Choices` for image tags.
    pub tags: String,
}

impl Default for ControlNames {
    fn default() -> Self {
        Self {
            image: "image".into(),
            rectangle: "label".into(),
            polygon: "polygon".into(),
            keypoint: "keypoint".into(),
            brush: "brush".into(),
            tags: "tags".into(),
        }
    }
}

fn pct(v: f64, size: u32) -> f64 {
    v / f64::from(size) * 100.0
}

fn px(v: f64, size: u32) -> f64 {
    v * f64::from(size) / 100.0
}

/// Writes the dataset as Label Studio tasks (`label_studio.json`) and a labelling config.
pub fn export(dataset: &Dataset) -> Result<Export, FormatError> {
    export_with(dataset, &ControlNames::default())
}

/// [`export`] with chosen control names.
pub fn export_with(dataset: &Dataset, names: &ControlNames) -> Result<Export, FormatError> {
    let mut tasks = Vec::with_capacity(dataset.tasks.len());
    let mut images = Vec::with_capacity(dataset.tasks.len());
    for (i, task) in dataset.tasks.iter().enumerate() {
        let image_path = format!("images/{}", task.image.name);
        images.push((task.id.clone(), image_path.clone()));
        tasks.push(export_task(i, task, &image_path, dataset, names)?);
    }
    let json = serde_json::to_vec_pretty(&Value::Array(tasks))
        .map_err(|e| FormatError::file(FILE, e.to_string()))?;
    let mut files = FileTree::new();
    files.insert(FILE, json);
    files.insert(CONFIG_FILE, label_config(&dataset.labels, names));
    Ok(Export { files, images })
}

fn export_task(
    index: usize,
    task: &Task,
    image_path: &str,
    dataset: &Dataset,
    names: &ControlNames,
) -> Result<Value, FormatError> {
    let (w, h) = (task.image.width, task.image.height);
    if (w == 0 || h == 0) && !task.annotations.is_empty() {
        return Err(FormatError::dataset(format!(
            "task {:?} ({}): the image size is unknown, so percent coordinates cannot be written",
            task.id, task.image.name
        )));
    }
    let mut ordered: Vec<&Annotation> = task.annotations.iter().collect();
    ordered.sort_by_key(|a| a.z);
    let mut human = Vec::new();
    // Models in order of first appearance, so a round trip keeps the annotation order.
    let mut by_model: Vec<(&str, Vec<(&Annotation, f64)>)> = Vec::new();
    for a in ordered {
        match &a.origin {
            Origin::Human => human.extend(results_of(a, w, h, None, dataset, names)),
            Origin::Prediction { score, model } => {
                match by_model.iter_mut().find(|(m, _)| *m == model.as_str()) {
                    Some((_, list)) => list.push((a, *score)),
                    None => by_model.push((model.as_str(), vec![(a, *score)])),
                }
            }
        }
    }
    if !task.tags.is_empty() {
        human.push(json!({
            "id": format!("{}_tags", task.id),
            "type": "choices",
            "from_name": names.tags,
            "to_name": names.image,
            "origin": "manual",
            "value": { "choices": task.tags },
        }));
    }
    let predictions: Vec<Value> = by_model
        .into_iter()
        .map(|(model, anns)| {
            let mean = anns.iter().map(|(_, s)| s).sum::<f64>() / anns.len() as f64;
            let result: Vec<Value> = anns
                .iter()
                .flat_map(|(a, s)| results_of(a, w, h, Some(*s), dataset, names))
                .collect();
            json!({ "model_version": model, "score": mean, "result": result })
        })
        .collect();
    let id: u64 = task.id.parse().unwrap_or(index as u64 + 1);
    Ok(json!({
        "id": id,
        "data": { names.image.as_str(): image_path },
        "meta": { "lasso_task_id": task.id, "image_width": w, "image_height": h },
        "annotations": [{ "id": id, "result": human, "was_cancelled": false }],
        "predictions": predictions,
    }))
}

fn result(
    id: String,
    kind: &str,
    from_name: &str,
    names: &ControlNames,
    (w, h): (u32, u32),
    score: Option<f64>,
    value: Value,
) -> Value {
    let mut r = json!({
        "id": id,
        "type": kind,
        "from_name": from_name,
        "to_name": names.image,
        "original_width": w,
        "original_height": h,
        "image_rotation": 0,
        "origin": if score.is_some() { "prediction" } else { "manual" },
        "value": value,
    });
    if let (Some(s), Some(obj)) = (score, r.as_object_mut()) {
        obj.insert("score".into(), json!(s));
    }
    r
}

fn results_of(
    a: &Annotation,
    w: u32,
    h: u32,
    score: Option<f64>,
    _dataset: &Dataset,
    names: &ControlNames,
) -> Vec<Value> {
    let id = a.id.0.clone();
    let label = [a.label.as_str()];
    let rect = |x: f64, y: f64, bw: f64, bh: f64, rotation: f64| {
        let value = json!({
            "x": pct(x, w), "y": pct(y, h), "width": pct(bw, w), "height": pct(bh, h),
            "rotation": rotation, "rectanglelabels": label,
        });
        vec![result(
            id.clone(),
            "rectanglelabels",
            &names.rectangle,
            names,
            (w, h),
            score,
            value,
        )]
    };
    let points_pct = |ring: &[Point]| -> Vec<[f64; 2]> {
        ring.iter().map(|p| [pct(p.x, w), pct(p.y, h)]).collect()
    };
    match &a.shape {
        Shape::Box(b) => rect(b.x0, b.y0, b.width(), b.height(), 0.0),
        Shape::RotatedBox(r) => {
            let tl = r.corners()[0];
            rect(tl.x, tl.y, r.w, r.h, r.angle.rem_euclid(360.0))
        }
        Shape::Polygon(p) => p
            .parts
            .iter()
            .enumerate()
            .map(|(k, part)| {
                let rid = if k == 0 {
                    id.clone()
                } else {
                    format!("{id}_p{k}")
                };
                let value = json!({
                    "points": points_pct(&part.exterior), "closed": true, "polygonlabels": label,
                });
                result(
                    rid,
                    "polygonlabels",
                    &names.polygon,
                    names,
                    (w, h),
                    score,
                    value,
                )
            })
            .collect(),
        Shape::Polyline { points } => {
            let value = json!({
                "points": points_pct(points), "closed": false, "polygonlabels": label,
            });
            vec![result(
                id.clone(),
                "polygonlabels",
                &names.polygon,
                names,
                (w, h),
                score,
                value,
            )]
        }
        Shape::Keypoints { points } => {
            let size = keypoint_size(w);
            points
                .iter()
                .enumerate()
                .filter(|(_, p)| p.visibility != Visibility::NotLabeled)
                .map(|(i, p)| {
                    let value = json!({
                        "x": pct(p.x, w), "y": pct(p.y, h), "width": size,
                        "keypointlabels": label,
                    });
                    let mut r = result(
                        format!("{id}_kp{i}"),
                        "keypointlabels",
                        &names.keypoint,
                        names,
                        (w, h),
                        score,
                        value,
                    );
                    if let Some(obj) = r.as_object_mut() {
                        obj.insert("meta".into(), json!({ "text": [p.name] }));
                    }
                    r
                })
                .collect()
        }
        Shape::Mask(m) => {
            let pixels = Rle::from_model(m)
                .map(|rle| RunMask::from_rle(&rle).to_row_major())
                .unwrap_or_else(|_| vec![0; m.width as usize * m.height as usize]);
            let value = json!({
                "format": "rle", "rle": ls_brush::encode_mask(&pixels), "brushlabels": label,
            });
            vec![result(
                id.clone(),
                "brushlabels",
                &names.brush,
                names,
                (m.width, m.height),
                score,
                value,
            )]
        }
    }
}

/// Label Studio draws keypoints with a `width` in percent of the image width; a few pixels.
fn keypoint_size(w: u32) -> f64 {
    pct(4.0, w.max(1))
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A labelling config with one control per result type, every class in each (what the export
/// writes beside the tasks, and what ML backends are set up with).
pub fn label_config(labels: &LabelSet, names: &ControlNames) -> String {
    let mut out = String::from("<View>\n");
    out.push_str(&format!(
        "  <Image name=\"{}\" value=\"${}\"/>\n",
        xml_escape(&names.image),
        xml_escape(&names.image)
    ));
    for (tag, name) in [
        ("RectangleLabels", &names.rectangle),
        ("PolygonLabels", &names.polygon),
        ("KeyPointLabels", &names.keypoint),
        ("BrushLabels", &names.brush),
    ] {
        out.push_str(&format!(
            "  <{tag} name=\"{}\" toName=\"{}\">\n",
            xml_escape(name),
            xml_escape(&names.image)
        ));
        for l in &labels.labels {
            out.push_str(&format!(
                "    <Label value=\"{}\" background=\"{}\"/>\n",
                xml_escape(&l.name),
                xml_escape(&l.color)
            ));
        }
        out.push_str(&format!("  </{tag}>\n"));
    }
    if !labels.tags.is_empty() {
        out.push_str(&format!(
            "  <Choices name=\"{}\" toName=\"{}\" choice=\"{}\">\n",
            xml_escape(&names.tags),
            xml_escape(&names.image),
            if labels.multi_tag {
                "multiple"
            } else {
                "single"
            }
        ));
        for t in &labels.tags {
            out.push_str(&format!("    <Choice value=\"{}\"/>\n", xml_escape(t)));
        }
        out.push_str("  </Choices>\n");
    }
    out.push_str("</View>\n");
    out
}

/// What a labelling config names: classes with their colours, tags, and whether several tags
/// may be chosen.
#[derive(Default)]
struct LabelConfig {
    labels: Vec<(String, Option<String>)>,
    tags: Vec<String>,
    multi_tag: bool,
}

/// Reads a labelling config; lenient: unreadable XML gives what was read before the error.
fn read_label_config(xml: &str) -> LabelConfig {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut labels, mut tags, mut multi) = (Vec::<(String, Option<String>)>::new(), vec![], false);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let attr = |key: &[u8]| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == key)
                        .and_then(|a| {
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .ok()
                                .map(|v| v.into_owned())
                        })
                };
                match e.name().as_ref() {
                    b"Label" => {
                        if let Some(v) = attr(b"value") {
                            if !labels.iter().any(|(n, _)| *n == v) {
                                labels.push((v, attr(b"background")));
                            }
                        }
                    }
                    b"Choice" => {
                        if let Some(v) = attr(b"value") {
                            if !tags.contains(&v) {
                                tags.push(v);
                            }
                        }
                    }
                    b"Choices" => multi |= attr(b"choice").as_deref() == Some("multiple"),
                    _ => {}
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    LabelConfig {
        labels,
        tags,
        multi_tag: multi,
    }
}

#[cfg(test)]
mod tests;
