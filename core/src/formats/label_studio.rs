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

/// A labelling config with one control per result type, every class in each.
fn label_config(labels: &LabelSet, names: &ControlNames) -> String {
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

/// Reads Label Studio tasks: `label_studio.json`, or the only `.json` file of the folder.
pub fn import(files: &DatasetFiles) -> Result<Dataset, FormatError> {
    let file = common::main_file(files, FILE, "json")?;
    let text = files.files.text(&file)?;
    let value: Value = serde_json::from_str(text).map_err(|e| FormatError::json(&file, &e))?;
    let LabelConfig {
        labels: config_labels,
        tags: config_tags,
        multi_tag,
    } = match files.files.text(CONFIG_FILE) {
        Ok(xml) => read_label_config(xml),
        Err(_) => LabelConfig::default(),
    };
    let mut labels = LabelNames::default();
    for (name, color) in config_labels {
        labels.add(&name, color);
    }
    let root = At::root(&value, &file);
    let tasks_json: Vec<Child> = match &value {
        Value::Array(_) => root.items()?,
        Value::Object(_) => vec![Child::whole(&value, &file)],
        _ => return Err(root.error("expected an array of tasks")),
    };
    let mut tasks = Vec::with_capacity(tasks_json.len());
    let mut tags = config_tags;
    for (i, t) in tasks_json.iter().enumerate() {
        let task = import_task(i, t.at(), files, &mut labels)?;
        for tag in &task.tags {
            if !tags.contains(tag) {
                tags.push(tag.clone());
            }
        }
        tasks.push(task);
    }
    let mut seen_ids = std::collections::HashSet::new();
    for (t, child) in tasks.iter().zip(&tasks_json) {
        if !seen_ids.insert(t.id.clone()) {
            return Err(child
                .at()
                .error(format!("task id {:?} appears twice", t.id)));
        }
    }
    let label_set = LabelSet {
        labels: labels.into_labels(),
        tags,
        multi_tag,
    };
    for t in &mut tasks {
        t.labels = label_set.clone();
    }
    Ok(Dataset {
        labels: label_set,
        tasks,
        ..Default::default()
    })
}

#[derive(Default)]
struct LabelNames {
    labels: Vec<Label>,
}

impl LabelNames {
    fn add(&mut self, name: &str, color: Option<String>) {
        if self.labels.iter().all(|l| l.name != name) {
            let color = color
                .filter(|c| palette::parse_hex(c).is_some())
                .unwrap_or_else(|| palette::color(self.labels.len()));
            self.labels.push(Label::new(name, color));
        }
    }

    fn keypoint(&mut self, label: &str, name: &str) {
        self.add(label, None);
        if let Some(l) = self.labels.iter_mut().find(|l| l.name == label) {
            if !l.keypoints.iter().any(|k| k == name) {
                l.keypoints.push(name.to_string());
            }
        }
    }

    fn into_labels(self) -> Vec<Label> {
        self.labels
    }
}

/// The image name a task's `data.image` stands for: the path under `images/` for our own
/// exports, else the last path segment without a query (`/data/upload/3/x.jpg`, URLs,
/// `/data/local-files/?d=dir/x.jpg`).
fn image_name(src: &str) -> String {
    if let Some(rest) = src.strip_prefix("images/") {
        return rest.to_string();
    }
    let src = match src.split_once("?d=") {
        Some((_, local)) => local,
        None => src.split(['?', '#']).next().unwrap_or(src),
    };
    src.rsplit('/').next().unwrap_or(src).to_string()
}

fn import_task(
    index: usize,
    t: &At<'_>,
    files: &DatasetFiles,
    labels: &mut LabelNames,
) -> Result<Task, FormatError> {
    t.object()?;
    let data = t
        .get("data")
        .ok_or_else(|| t.error_at("data", "missing: a task needs data with its image"))?;
    let data_obj = data.at().object()?;
    // The image is `data.image`, or whatever single string the config's `$name` points at.
    let src = match data_obj.get("image").and_then(Value::as_str) {
        Some(s) => s.to_string(),
        None => data_obj
            .values()
            .find_map(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| data.at().error_at("image", "missing: no image URL in data"))?,
    };
    let name = image_name(&src);
    let id = match t
        .get("meta")
        .and_then(|m| m.at().opt_string("lasso_task_id").ok().flatten())
    {
        Some(id) => id,
        None => t
            .opt_string("id")?
            .unwrap_or_else(|| (index + 1).to_string()),
    };
    let (mut width, mut height) = files
        .images
        .values()
        .find(|f| f.path == src || f.path.ends_with(&format!("/{name}")) || f.path == name)
        .map(|f| (f.width, f.height))
        .unwrap_or((0, 0));
    if let Some(meta) = t.get("meta") {
        let size = |key| meta.opt_number(key).ok().flatten().and_then(dimension);
        if let (Some(w), Some(h), 0) = (size("image_width"), size("image_height"), width) {
            (width, height) = (w, h);
        }
    }
    let mut reader = TaskReader {
        anns: Vec::new(),
        tags: Vec::new(),
        labels,
        per_region: Vec::new(),
    };
    // The newest annotation not cancelled, as Label Studio's converter orders them.
    let key = if t.get("annotations").is_some() {
        "annotations"
    } else {
        "completions"
    };
    let annotations = t.items_of(key)?;
    let chosen = annotations
        .iter()
        .filter(|a| {
            let v = a.at().value;
            !(v.get("was_cancelled").and_then(Value::as_bool) == Some(true)
                || v.get("skipped").and_then(Value::as_bool) == Some(true))
        })
        .enumerate()
        .max_by(|(i, a), (j, b)| {
            let ka = a
                .at()
                .value
                .get("created_at")
                .and_then(Value::as_str)
                .unwrap_or("");
            let kb = b
                .at()
                .value
                .get("created_at")
                .and_then(Value::as_str)
                .unwrap_or("");
            ka.cmp(kb).then(i.cmp(j))
        })
        .map(|(_, a)| a);
    if let Some(a) = chosen {
        a.at().object()?;
        for r in a.at().items_of("result")? {
            reader.read(r.at(), None, &mut width, &mut height)?;
        }
    }
    for p in t.items_of("predictions")? {
        let p = p.at();
        p.object()?;
        let model = p.opt_string("model_version")?.unwrap_or_default();
        let score = p.opt_number("score")?.unwrap_or(1.0);
        for r in p.items_of("result")? {
            reader.read(
                r.at(),
                Some((score, model.clone())),
                &mut width,
                &mut height,
            )?;
        }
    }
    reader.finish();
    let TaskReader { anns, tags, .. } = reader;
    Ok(Task {
        id,
        image: ImageRef {
            src,
            name,
            width,
            height,
            ..Default::default()
        },
        labels: LabelSet::default(),
        annotations: anns,
        tags,
    })
}

struct TaskReader<'l> {
    anns: Vec<Annotation>,
    tags: Vec<String>,
    labels: &'l mut LabelNames,
    /// `(region id, attribute name, value)` from per-region results, attached at the end.
    per_region: Vec<(String, String, AttributeValue)>,
}

const TYPES: [&str; 6] = [
    "rectanglelabels",
    "polygonlabels",
    "keypointlabels",
    "brushlabels",
    "choices",
    "labels",
];

impl TaskReader<'_> {
    fn read(
        &mut self,
        r: &At<'_>,
        prediction: Option<(f64, String)>,
        width: &mut u32,
        height: &mut u32,
    ) -> Result<(), FormatError> {
        r.object()?;
        let Some(value) = r.get("value") else {
            // Relations and other results without a value carry nothing we keep.
            return Ok(());
        };
        let value = &value;
        let obj = value.object()?;
        let declared = r.opt_string("type")?.map(|t| t.to_ascii_lowercase());
        let kind = match declared.as_deref() {
            Some("rectangle") => "rectanglelabels".to_string(),
            Some("polygon") => "polygonlabels".to_string(),
            Some("keypoint") => "keypointlabels".to_string(),
            Some("brush") => "brushlabels".to_string(),
            Some(t) => t.to_string(),
            None => TYPES
                .iter()
                .find(|k| obj.contains_key(**k))
                .map(|k| k.to_string())
                .unwrap_or_default(),
        };
        let id = r
            .opt_string("id")?
            .unwrap_or_else(|| format!("r{}", self.anns.len() + 1));
        if let Some(w) = r.opt_number("original_width")? {
            if *width == 0 {
                *width = dimension(w)
                    .ok_or_else(|| r.error_at("original_width", "not a valid image width"))?;
            }
        }
        if let Some(h) = r.opt_number("original_height")? {
            if *height == 0 {
                *height = dimension(h)
                    .ok_or_else(|| r.error_at("original_height", "not a valid image height"))?;
            }
        }
        let from_name = r.opt_string("from_name")?.unwrap_or_default();
        match kind.as_str() {
            "choices" | "textarea" | "number" | "rating" | "taxonomy" => {
                let vals: Vec<String> = match kind.as_str() {
                    "choices" => strings(value, "choices")?,
                    "textarea" => strings(value, "text")?,
                    "number" => vec![value.number_of("number")?.to_string()],
                    "rating" => vec![value.number_of("rating")?.to_string()],
                    _ => return Ok(()),
                };
                if self.anns.iter().any(|a| a.id.0 == id) || self.per_region_id(&id) {
                    let v = match (kind.as_str(), vals.as_slice()) {
                        ("number" | "rating", [one]) => one
                            .parse()
                            .map(AttributeValue::Number)
                            .unwrap_or(AttributeValue::Text(one.clone())),
                        _ => AttributeValue::Text(vals.join(", ")),
                    };
                    self.per_region.push((id, from_name, v));
                } else if kind == "choices" {
                    for v in vals {
                        if !self.tags.contains(&v) {
                            self.tags.push(v);
                        }
                    }
                }
                return Ok(());
            }
            "rectanglelabels" | "polygonlabels" | "keypointlabels" | "brushlabels" | "labels" => {}
            _ => return Ok(()),
        }
        let label = region_label(value, &kind)?;
        let (w, h) = (*width, *height);
        if w == 0 || h == 0 {
            return Err(r.error_at(
                "original_width",
                "missing, and the image's size is not otherwise known",
            ));
        }
        let origin = match prediction {
            None => Origin::Human,
            Some((task_score, model)) => Origin::Prediction {
                score: r.opt_number("score")?.unwrap_or(task_score),
                model,
            },
        };
        let shape = match kind.as_str() {
            "rectanglelabels" | "labels" => {
                let x = px(value.number_of("x")?, w);
                let y = px(value.number_of("y")?, h);
                let bw = px(value.number_of("width")?, w);
                let bh = px(value.number_of("height")?, h);
                let rotation = value.opt_number("rotation")?.unwrap_or(0.0);
                if rotation == 0.0 {
                    Shape::Box(BoxShape::from_corners(
                        Point::new(x, y),
                        Point::new(x + bw, y + bh),
                    ))
                } else {
                    let (s, c) = rotation.to_radians().sin_cos();
                    let (hw, hh) = (bw / 2.0, bh / 2.0);
                    Shape::RotatedBox(RotatedBox {
                        cx: x + hw * c - hh * s,
                        cy: y + hw * s + hh * c,
                        w: bw,
                        h: bh,
                        angle: rotation,
                    })
                }
            }
            "polygonlabels" => {
                let points = value
                    .get("points")
                    .ok_or_else(|| value.error_at("points", "missing"))?;
                let mut ring = Vec::new();
                for p in points.at().items()? {
                    let xy = p.at().items()?;
                    if xy.len() != 2 {
                        return Err(p.at().error("expected a point [x, y]"));
                    }
                    ring.push(Point::new(
                        px(xy[0].at().number()?, w),
                        px(xy[1].at().number()?, h),
                    ));
                }
                let closed = value.value.get("closed").and_then(Value::as_bool) != Some(false);
                if !closed {
                    Shape::Polyline { points: ring }
                } else {
                    // Parts written as `ID_pN` join the polygon `ID` of the same class.
                    if let Some((base, _)) = split_suffix(&id, "_p") {
                        if let Some(a) = self.anns.iter_mut().find(|a| {
                            a.id.0 == base
                                && a.label == label
                                && matches!(a.shape, Shape::Polygon(_))
                        }) {
                            if let Shape::Polygon(p) = &mut a.shape {
                                p.parts.push(PolygonPart {
                                    exterior: ring,
                                    holes: Vec::new(),
                                });
                            }
                            return Ok(());
                        }
                    }
                    Shape::Polygon(PolygonShape::simple(ring))
                }
            }
            "keypointlabels" => {
                let x = px(value.number_of("x")?, w);
                let y = px(value.number_of("y")?, h);
                let meta_name = r
                    .value
                    .get("meta")
                    .and_then(|m| m.get("text"))
                    .and_then(|t| t.get(0))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                let (base, n) = match split_suffix(&id, "_kp") {
                    Some((b, n)) => (b.to_string(), Some(n)),
                    None => (id.clone(), None),
                };
                let name = meta_name.unwrap_or_else(|| match n {
                    Some(n) => n.to_string(),
                    None => label.clone(),
                });
                self.labels.keypoint(&label, &name);
                let point = Keypoint {
                    name,
                    x,
                    y,
                    visibility: Visibility::Visible,
                };
                if let Some(a) = self.anns.iter_mut().find(|a| {
                    a.id.0 == base && a.label == label && matches!(a.shape, Shape::Keypoints { .. })
                }) {
                    if let Shape::Keypoints { points } = &mut a.shape {
                        points.push(point);
                    }
                    return Ok(());
                }
                self.push(
                    base,
                    label,
                    Shape::Keypoints {
                        points: vec![point],
                    },
                    origin,
                );
                return Ok(());
            }
            _ => {
                // brushlabels
                let format = value.opt_string("format")?.unwrap_or_else(|| "rle".into());
                if format != "rle" {
                    return Err(value.error_at(
                        "format",
                        format!("brush format {format:?} is not supported (only \"rle\")"),
                    ));
                }
                let rle_json = value
                    .get("rle")
                    .ok_or_else(|| value.error_at("rle", "missing"))?;
                let items = rle_json.at().items()?;
                let mut bytes = Vec::with_capacity(items.len());
                for b in &items {
                    match b.at().value.as_u64() {
                        Some(v) if v <= 255 => bytes.push(v as u8),
                        _ => return Err(b.at().error("expected a byte (0..=255)")),
                    }
                }
                if u64::from(w) * u64::from(h) * 4 > ls_brush::MAX_VALUES {
                    return Err(r.error_at("original_width", "brush mask too large"));
                }
                let pixels = ls_brush::decode_mask(&bytes, w, h)
                    .map_err(|e| rle_json.at().error(e.to_string()))?;
                let rle = RunMask::from_row_major(&pixels, w, h).to_rle();
                Shape::Mask(MaskRle {
                    width: rle.width,
                    height: rle.height,
                    counts: rle.counts,
                })
            }
        };
        self.push(id, label, shape, origin);
        Ok(())
    }

    fn per_region_id(&self, id: &str) -> bool {
        self.per_region.iter().any(|(i, _, _)| i == id)
    }

    fn push(&mut self, id: String, label: String, shape: Shape, origin: Origin) {
        self.labels.add(&label, None);
        let mut a = Annotation::new(unique_id(&self.anns, id), label, shape);
        a.origin = origin;
        self.anns.push(a);
    }

    fn finish(&mut self) {
        for (id, key, v) in std::mem::take(&mut self.per_region) {
            if let Some(a) = self.anns.iter_mut().find(|a| a.id.0 == id) {
                a.attributes.insert(key, v);
            }
        }
    }
}

fn unique_id(anns: &[Annotation], id: String) -> String {
    if anns.iter().all(|a| a.id.0 != id) {
        return id;
    }
    (2..)
        .map(|n| format!("{id}_{n}"))
        .find(|c| anns.iter().all(|a| &a.id.0 != c))
        .unwrap_or(id)
}

/// `("abc", 3)` for `"abc_p3"` with `suffix = "_p"`.
fn split_suffix<'s>(id: &'s str, suffix: &str) -> Option<(&'s str, usize)> {
    let (base, n) = id.rsplit_once(suffix)?;
    Some((base, n.parse().ok()?))
}

fn dimension(v: f64) -> Option<u32> {
    (v >= 1.0 && v <= f64::from(u32::MAX) && v.fract() == 0.0).then_some(v as u32)
}

fn strings(value: &At<'_>, key: &str) -> Result<Vec<String>, FormatError> {
    let mut out = Vec::new();
    for c in value.items_of(key)? {
        match c.at().value.as_str() {
            Some(s) => out.push(s.to_string()),
            None => return Err(c.at().error("expected a string")),
        }
    }
    Ok(out)
}

/// The class of a region: the first entry of its `<type>` list (or `labels`).
fn region_label(value: &At<'_>, kind: &str) -> Result<String, FormatError> {
    let key = if value.get(kind).is_some() {
        kind
    } else {
        "labels"
    };
    let names = strings(value, key)?;
    names
        .into_iter()
        .next()
        .ok_or_else(|| value.error_at(kind, "missing: a region needs a class"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::test_support::{assert_datasets_close, sample_dataset};

    fn files_of(export: Export) -> DatasetFiles {
        DatasetFiles {
            files: export.files,
            ..Default::default()
        }
    }

    #[test]
    fn round_trips_every_shape_tags_and_predictions() {
        let ds = sample_dataset();
        let out = export(&ds).unwrap();
        assert_eq!(out.images[1], ("t2".into(), "images/sub/b.png".into()));
        let back = import(&files_of(out)).unwrap();
        assert_datasets_close(&back, &ds, 1e-9);
    }

    #[test]
    fn rotation_is_anchored_at_the_top_left_corner() {
        // A 30×10 box at (10, 20) turned 90° clockwise about its top-left corner covers
        // x 0..10, y 20..50 on a 100×100 image.
        let json = r#"[{"id": 7, "data": {"image": "/data/upload/1/ab12-cat.jpg"},
          "annotations": [{"id": 1, "created_at": "2024-01-01T00:00:00Z", "result": [
            {"id": "wAb1", "type": "rectanglelabels", "from_name": "bbox", "to_name": "img",
             "original_width": 100, "original_height": 100, "image_rotation": 0,
             "value": {"x": 10, "y": 20, "width": 30, "height": 10, "rotation": 90,
                       "rectanglelabels": ["cat"]}}]}]}]"#;
        let mut files = DatasetFiles::default();
        files.files.insert("export.json", json);
        let ds = import(&files).unwrap();
        let t = &ds.tasks[0];
        assert_eq!(
            (t.id.as_str(), t.image.name.as_str()),
            ("7", "ab12-cat.jpg")
        );
        let Shape::RotatedBox(r) = t.annotations[0].shape else {
            panic!("{:?}", t.annotations[0].shape)
        };
        assert!(
            (r.cx - 5.0).abs() < 1e-9 && (r.cy - 35.0).abs() < 1e-9,
            "{r:?}"
        );
        let (xs, ys): (Vec<f64>, Vec<f64>) = r.corners().iter().map(|p| (p.x, p.y)).unzip();
        let min = |v: &[f64]| v.iter().cloned().fold(f64::INFINITY, f64::min);
        let max = |v: &[f64]| v.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        assert!((min(&xs) - 0.0).abs() < 1e-9 && (max(&xs) - 10.0).abs() < 1e-9);
        assert!((min(&ys) - 20.0).abs() < 1e-9 && (max(&ys) - 50.0).abs() < 1e-9);
    }

    #[test]
    fn reads_the_newest_uncancelled_annotation_and_other_control_names() {
        let json = r#"[{"id": 1, "data": {"img": "http://x/y/photo.jpg?sig=1"},
          "annotations": [
            {"created_at": "2024-02-01", "result": [
              {"id": "a", "from_name": "r", "to_name": "img", "type": "rectanglelabels",
               "original_width": 200, "original_height": 100,
               "value": {"x": 50, "y": 50, "width": 25, "height": 10, "rotation": 0,
                         "rectanglelabels": ["new"]}},
              {"id": "a", "from_name": "quality", "to_name": "img", "type": "choices",
               "value": {"choices": ["good"]}},
              {"id": "c", "from_name": "weather", "to_name": "img", "type": "choices",
               "value": {"choices": ["sunny"]}}]},
            {"created_at": "2024-03-01", "was_cancelled": true, "result": []},
            {"created_at": "2024-01-01", "result": [
              {"id": "b", "type": "rectanglelabels", "original_width": 200,
               "original_height": 100, "value": {"x": 1, "y": 1, "width": 1, "height": 1,
               "rectanglelabels": ["old"]}}]}]}]"#;
        let mut files = DatasetFiles::default();
        files.files.insert("project.json", json);
        let ds = import(&files).unwrap();
        let t = &ds.tasks[0];
        assert_eq!(t.image.name, "photo.jpg");
        assert_eq!((t.image.width, t.image.height), (200, 100));
        assert_eq!(t.annotations.len(), 1);
        assert_eq!(
            t.annotations[0].shape,
            Shape::Box(BoxShape {
                x0: 100.0,
                y0: 50.0,
                x1: 150.0,
                y1: 60.0
            })
        );
        assert_eq!(
            t.annotations[0].attributes.get("quality"),
            Some(&AttributeValue::Text("good".into()))
        );
        assert_eq!(t.tags, vec!["sunny".to_string()]);
        assert_eq!(
            ds.labels
                .labels
                .iter()
                .map(|l| l.name.as_str())
                .collect::<Vec<_>>(),
            ["new"]
        );
    }

    #[test]
    fn label_config_colours_are_read_back() {
        let out = export(&sample_dataset()).unwrap();
        let config = out.files.text(CONFIG_FILE).unwrap().to_string();
        assert!(
            config.contains("<RectangleLabels name=\"label\" toName=\"image\">"),
            "{config}"
        );
        let ds = import(&files_of(out)).unwrap();
        assert_eq!(ds.labels.labels[1].color, "#3cb44b");
    }

    fn error_of(json: &str) -> FormatError {
        let mut files = DatasetFiles::default();
        files.files.insert(FILE, json);
        import(&files).unwrap_err()
    }

    #[test]
    fn malformed_values_name_their_json_path() {
        let e = error_of(
            r#"[{"data": {"image": "a.jpg"}, "annotations": [{"result": [
              {"type": "polygonlabels", "original_width": 10, "original_height": 10,
               "value": {"points": [[1, 2]], "polygonlabels": ["x"]}},
              {"type": "rectanglelabels", "original_width": 10, "original_height": 10,
               "value": {"x": "3", "y": 1, "width": 1, "height": 1, "rectanglelabels": ["x"]}}]}]}]"#,
        );
        assert_eq!(e.file, FILE);
        assert_eq!(e.location, "$[0].annotations[0].result[1].value.x");
        assert!(e.message.contains("number"), "{e}");

        let e = error_of(
            r#"[{"data": {"image": "a.jpg"}, "annotations": [{"result": [
              {"type": "rectanglelabels", "value": {"x": 3, "y": 1, "width": 1, "height": 1,
               "rectanglelabels": ["x"]}}]}]}]"#,
        );
        assert_eq!(e.location, "$[0].annotations[0].result[0].original_width");

        let e = error_of(
            r#"[{"data": {"image": "a.jpg"}, "annotations": [{"result": [
              {"type": "brushlabels", "original_width": 4, "original_height": 4,
               "value": {"format": "rle", "rle": [0, 0, 300], "brushlabels": ["x"]}}]}]}]"#,
        );
        assert_eq!(e.location, "$[0].annotations[0].result[0].value.rle[2]");

        let e = error_of(
            r#"[{"data": {"image": "a.jpg"}, "annotations": [{"result": [
              {"type": "brushlabels", "original_width": 4, "original_height": 4,
               "value": {"format": "rle", "rle": [0, 0, 0, 64, 1], "brushlabels": ["x"]}}]}]}]"#,
        );
        assert_eq!(e.location, "$[0].annotations[0].result[0].value.rle");
        assert!(e.message.contains("brush RLE"), "{e}");

        let e = error_of(r#"[{"annotations": []}]"#);
        assert_eq!(e.location, "$[0].data");
        let e = error_of(r#"{"tasks": 1"#);
        assert!(e.location.starts_with("line 1"), "{e}");
        let e =
            error_of(r#"[{"id": 1, "data": {"image": "a"}}, {"id": 1, "data": {"image": "b"}}]"#);
        assert!(e.message.contains("twice"), "{e}");
    }
}
