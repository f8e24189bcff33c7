//! CVAT for images 1.1 XML (`annotations.xml`): `<meta>` with the label set, then one `<image>`
//! per task holding `<box>`, `<polygon>`, `<polyline>`, `<points>`, `<skeleton>`, `<mask>` and
//! `<tag>` elements.
//!
//! Mapping:
//! - Box → `<box xtl ytl xbr ybr>`; rotated box → the same box unrotated plus `rotation`
//!   (degrees, clockwise, about the centre, as CVAT turns it). A rotation of 0 reads back as an
//!   axis-aligned box.
//! - Polygon → one `<polygon>` per part (holes cannot be written and are dropped); the parts of
//!   one annotation share a `group_id`, and polygons of one label and group are joined on import.
//! - Polyline → `<polyline>`; keypoints → `<skeleton>` with one `<points label=NAME>` per point
//!   (`outside` for points not placed, `occluded`), and the label's keypoints as sublabels in the
//!   meta. A plain `<points>` element reads as keypoints named `0`, `1`, ….
//! - Mask → `<mask rle left top width height>`: CVAT's own RLE, row-major over the mask's
//!   bounding box (inclusive pixel bounds), starting with a run of zeros (`mask2Rle` in
//!   cvat-core); empty masks are not written, as CVAT drops them. `<ellipse>` reads as a
//!   64-gon.
//! - `occluded="1"` ↔ the bool attribute `occluded`; `z_order` ↔ `z`; other attributes ↔
//!   `<attribute name>` children. Predictions are written with `source="auto"` and their score
//!   and model as the `score` and `model` attributes, and read back from them.
//! - Image tags ↔ `<tag label>` and labels of type `tag`; splits ↔ the image's `subset`.
//!
//! CVAT has no shape ids: imported annotations are numbered per image. Hidden/locked flags are
//! not kept. CVAT for video (`<track>`) files are refused with a message saying so.

use super::xml::{self, escape, Element};
use super::{
    common, palette, Dataset, DatasetFiles, DatasetInfo, Export, FileTree, FormatError, Split,
};
use crate::model::{
    Annotation, AttributeDef, AttributeKind, AttributeValue, BoxShape, ImageRef, Keypoint, Label,
    LabelSet, MaskRle, Origin, Point, PolygonPart, PolygonShape, RotatedBox, Shape, Task,
    Visibility,
};
use crate::raster::{Rle, RunMask};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The annotation file of a CVAT export.
pub const FILE: &str = "annotations.xml";

/// Image areas above this many pixels are refused for masks (a guard against hostile sizes).
const MAX_MASK_PIXELS: u64 = 1 << 28;

fn num(v: f64) -> String {
    // Shortest text that reads back as the same f64, so a round trip is exact.
    format!("{v}")
}

fn subset_name(split: Split) -> &'static str {
    match split {
        Split::Train => "Train",
        Split::Valid => "Validation",
        Split::Test => "Test",
    }
}

fn subset_of(name: &str) -> Option<Split> {
    match name.to_ascii_lowercase().as_str() {
        "train" | "training" => Some(Split::Train),
        "validation" | "valid" | "val" => Some(Split::Valid),
        "test" | "testing" => Some(Split::Test),
        _ => None,
    }
}

/// Writes the dataset as `annotations.xml`; images go under `images/`.
pub fn export(dataset: &Dataset) -> Result<Export, FormatError> {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<annotations>\n");
    out.push_str("  <version>1.1</version>\n  <meta>\n    <task>\n");
    let name = if dataset.info.description.is_empty() {
        "lasso"
    } else {
        &dataset.info.description
    };
    let _ = writeln!(out, "      <name>{}</name>", escape(name));
    let _ = writeln!(out, "      <size>{}</size>", dataset.tasks.len());
    out.push_str("      <mode>annotation</mode>\n      <labels>\n");
    write_labels(&mut out, &dataset.labels);
    out.push_str("      </labels>\n    </task>\n  </meta>\n");
    let mut images = Vec::with_capacity(dataset.tasks.len());
    for (i, task) in dataset.tasks.iter().enumerate() {
        images.push((task.id.clone(), format!("images/{}", task.image.name)));
        let _ = write!(
            out,
            "  <image id=\"{i}\" name=\"{}\" width=\"{}\" height=\"{}\"",
            escape(&task.image.name),
            task.image.width,
            task.image.height
        );
        if let Some(split) = dataset.splits.get(&task.id) {
            let _ = write!(out, " subset=\"{}\"", subset_name(*split));
        }
        out.push_str(">\n");
        let mut ordered: Vec<&Annotation> = task.annotations.iter().collect();
        ordered.sort_by_key(|a| a.z);
        let mut group = 0u32;
        for a in ordered {
            write_shape(&mut out, a, &dataset.labels, &mut group);
        }
        for tag in &task.tags {
            let _ = writeln!(
                out,
                "    <tag label=\"{}\" source=\"manual\">\n    </tag>",
                escape(tag)
            );
        }
        out.push_str("  </image>\n");
    }
    out.push_str("</annotations>\n");
    let mut files = FileTree::new();
    files.insert(FILE, out);
    Ok(Export { files, images })
}

fn write_labels(out: &mut String, labels: &LabelSet) {
    for l in &labels.labels {
        let kind = if l.keypoints.is_empty() {
            "any"
        } else {
            "skeleton"
        };
        let _ = write!(
            out,
            "        <label>\n          <name>{}</name>\n          <color>{}</color>\n          <type>{kind}</type>\n          <attributes>\n",
            escape(&l.name),
            escape(&l.color)
        );
        for a in &l.attributes {
            let (input, values) = match &a.kind {
                AttributeKind::Text => ("text", String::new()),
                AttributeKind::Bool => ("checkbox", "false".to_string()),
                AttributeKind::Choice { options } => ("select", options.join("\n")),
                AttributeKind::Number { min, max } => (
                    "number",
                    format!(
                        "{}\n{}\n1",
                        num(min.unwrap_or(f64::MIN)),
                        num(max.unwrap_or(f64::MAX))
                    ),
                ),
            };
            let _ = write!(
                out,
                "            <attribute>\n              <name>{}</name>\n              <mutable>False</mutable>\n              <input_type>{input}</input_type>\n              <values>{}</values>\n            </attribute>\n",
                escape(&a.name),
                escape(&values)
            );
        }
        out.push_str("          </attributes>\n        </label>\n");
        for k in &l.keypoints {
            let _ = write!(
                out,
                "        <label>\n          <name>{}</name>\n          <color>{}</color>\n          <type>points</type>\n          <parent>{}</parent>\n        </label>\n",
                escape(k),
                escape(&l.color),
                escape(&l.name)
            );
        }
    }
    for (i, t) in labels.tags.iter().enumerate() {
        let _ = write!(
            out,
            "        <label>\n          <name>{}</name>\n          <color>{}</color>\n          <type>tag</type>\n        </label>\n",
            escape(t),
            palette::color(labels.labels.len() + i)
        );
    }
}

fn points_attr(points: &[Point]) -> String {
    points
        .iter()
        .map(|p| format!("{},{}", num(p.x), num(p.y)))
        .collect::<Vec<_>>()
        .join(";")
}

fn write_shape(out: &mut String, a: &Annotation, labels: &LabelSet, group: &mut u32) {
    let occluded = matches!(
        a.attributes.get("occluded"),
        Some(AttributeValue::Bool(true))
    );
    let mut attrs: Vec<(String, String)> = a
        .attributes
        .iter()
        .filter(|(k, v)| !(k.as_str() == "occluded" && matches!(v, AttributeValue::Bool(_))))
        .map(|(k, v)| (k.clone(), attribute_text(v)))
        .collect();
    let source = match &a.origin {
        Origin::Human => "manual",
        Origin::Prediction { score, model } => {
            attrs.retain(|(k, _)| k != "score" && k != "model");
            attrs.push(("score".into(), num(*score)));
            if !model.is_empty() {
                attrs.push(("model".into(), model.clone()));
            }
            "auto"
        }
    };
    let common = format!(
        "label=\"{}\" source=\"{source}\" occluded=\"{}\" z_order=\"{}\"",
        escape(&a.label),
        u8::from(occluded),
        a.z
    );
    let body = |out: &mut String, tag: &str, geometry: String| {
        let _ = writeln!(out, "    <{tag} {common} {geometry}>");
        for (k, v) in &attrs {
            let _ = writeln!(
                out,
                "      <attribute name=\"{}\">{}</attribute>",
                escape(k),
                escape(v)
            );
        }
        let _ = writeln!(out, "    </{tag}>");
    };
    match &a.shape {
        Shape::Box(b) => body(
            out,
            "box",
            format!(
                "xtl=\"{}\" ytl=\"{}\" xbr=\"{}\" ybr=\"{}\"",
                num(b.x0),
                num(b.y0),
                num(b.x1),
                num(b.y1)
            ),
        ),
        Shape::RotatedBox(r) => body(
            out,
            "box",
            format!(
                "xtl=\"{}\" ytl=\"{}\" xbr=\"{}\" ybr=\"{}\" rotation=\"{}\"",
                num(r.cx - r.w / 2.0),
                num(r.cy - r.h / 2.0),
                num(r.cx + r.w / 2.0),
                num(r.cy + r.h / 2.0),
                num(r.angle.rem_euclid(360.0))
            ),
        ),
        Shape::Polygon(p) => {
            let grouped = p.parts.len() > 1;
            if grouped {
                *group += 1;
            }
            for part in &p.parts {
                let mut geometry = format!("points=\"{}\"", points_attr(&part.exterior));
                if grouped {
                    let _ = write!(geometry, " group_id=\"{group}\"");
                }
                body(out, "polygon", geometry);
            }
        }
        Shape::Polyline { points } => body(
            out,
            "polyline",
            format!("points=\"{}\"", points_attr(points)),
        ),
        Shape::Keypoints { points } => {
            let _ = writeln!(out, "    <skeleton {common}>");
            let names: Vec<String> = match labels.get(&a.label) {
                Some(l) if !l.keypoints.is_empty() => l.keypoints.clone(),
                _ => points.iter().map(|p| p.name.clone()).collect(),
            };
            // Points in the label's order; points the label does not name follow.
            let mut ordered: Vec<&Keypoint> = names
                .iter()
                .filter_map(|n| points.iter().find(|p| &p.name == n))
                .collect();
            ordered.extend(points.iter().filter(|p| !names.contains(&p.name)));
            for p in ordered {
                let _ = writeln!(
                    out,
                    "      <points label=\"{}\" source=\"{source}\" outside=\"{}\" occluded=\"{}\" points=\"{},{}\">\n      </points>",
                    escape(&p.name),
                    u8::from(p.visibility == Visibility::NotLabeled),
                    u8::from(p.visibility == Visibility::Occluded),
                    num(p.x),
                    num(p.y)
                );
            }
            for (k, v) in &attrs {
                let _ = writeln!(
                    out,
                    "      <attribute name=\"{}\">{}</attribute>",
                    escape(k),
                    escape(v)
                );
            }
            out.push_str("    </skeleton>\n");
        }
        Shape::Mask(m) => {
            if let Some((rle, left, top, w, h)) = Rle::from_model(m)
                .ok()
                .and_then(|r| encode_mask(&RunMask::from_rle(&r)))
            {
                let counts: Vec<String> = rle.iter().map(u32::to_string).collect();
                body(
                    out,
                    "mask",
                    format!(
                        "rle=\"{}\" left=\"{left}\" top=\"{top}\" width=\"{w}\" height=\"{h}\"",
                        counts.join(", ")
                    ),
                );
            }
        }
    }
}

fn attribute_text(v: &AttributeValue) -> String {
    match v {
        AttributeValue::Bool(b) => b.to_string(),
        AttributeValue::Number(n) => num(*n),
        AttributeValue::Text(t) => t.clone(),
    }
}

/// CVAT's mask RLE of a mask: runs over its bounding box, row-major, zeros first; `None` when
/// the mask is empty. Returns `(runs, left, top, width, height)`.
pub fn encode_mask(mask: &RunMask) -> Option<(Vec<u32>, u32, u32, u32, u32)> {
    let (x0, y0, x1, y1) = mask.bounds()?;
    let mut runs = vec![0u32];
    let mut current = false;
    for y in y0..=y1 {
        for x in x0..=x1 {
            let v = mask.contains(x, y);
            if v != current {
                runs.push(0);
                current = v;
            }
            if let Some(last) = runs.last_mut() {
                *last += 1;
            }
        }
    }
    Some((runs, x0, y0, x1 - x0 + 1, y1 - y0 + 1))
}

/// Decodes CVAT's mask RLE over the box `left, top, width, height` into an image-sized mask;
/// pixels outside the image are dropped. Errors when the runs do not cover the box exactly.
pub fn decode_mask(
    runs: &[u64],
    (left, top, width, height): (u32, u32, u32, u32),
    (image_w, image_h): (u32, u32),
) -> Result<RunMask, String> {
    let area = u64::from(width) * u64::from(height);
    let total: u64 = runs.iter().fold(0u64, |s, &r| s.saturating_add(r));
    if total != area {
        return Err(format!(
            "the runs cover {total} pixels, but the mask box {width}×{height} has {area}"
        ));
    }
    if u64::from(image_w) * u64::from(image_h) > MAX_MASK_PIXELS {
        return Err("the image is too large for a mask".into());
    }
    let mut pixels = vec![0u8; image_w as usize * image_h as usize];
    let mut i = 0u64;
    for (k, &run) in runs.iter().enumerate() {
        if k % 2 == 1 {
            for j in i..i + run {
                let (x, y) = (
                    u64::from(left) + j % u64::from(width),
                    u64::from(top) + j / u64::from(width),
                );
                if x < u64::from(image_w) && y < u64::from(image_h) {
                    pixels[y as usize * image_w as usize + x as usize] = 1;
                }
            }
        }
        i += run;
    }
    Ok(RunMask::from_row_major(&pixels, image_w, image_h))
}

/// Reads `annotations.xml` (or the only `.xml` file at the root).
pub fn import(files: &DatasetFiles) -> Result<Dataset, FormatError> {
    let file = common::main_file(files, FILE, "xml")?;
    let file = file.as_str();
    let root = xml::parse(files.files.text(file)?, file)?;
    if root.name != "annotations" {
        return Err(root.error(file, "expected <annotations> as the root element"));
    }
    if let Some(track) = root.child("track") {
        return Err(track.error(
            file,
            "tracks (CVAT for video) are not supported; export the task as CVAT for images",
        ));
    }
    let mut reader = Reader {
        file,
        labels: Vec::new(),
        tags: Vec::new(),
        tag_labels: Vec::new(),
    };
    if let Some(labels) = root.child("meta").and_then(|m| find(m, "labels", 4)) {
        reader.read_labels(labels)?;
    }
    let mut tasks = Vec::new();
    let mut splits = BTreeMap::new();
    let mut ids = std::collections::HashSet::new();
    for image in root.children_named("image") {
        let task = reader.read_image(image)?;
        if !ids.insert(task.id.clone()) {
            return Err(image.error(file, format!("image id {} appears twice", task.id)));
        }
        if let Some(split) = image.attr("subset").and_then(subset_of) {
            splits.insert(task.id.clone(), split);
        }
        tasks.push(task);
    }
    let labels = LabelSet {
        labels: reader.labels,
        tags: reader.tags,
        multi_tag: true,
    };
    for t in &mut tasks {
        t.labels = labels.clone();
    }
    let description = root
        .child("meta")
        .and_then(|m| m.children.first())
        .and_then(|t| t.child_text("name"))
        .unwrap_or_default()
        .to_string();
    Ok(Dataset {
        labels,
        tasks,
        info: DatasetInfo {
            description,
            ..Default::default()
        },
        splits,
    })
}

/// The first descendant named `name`, at most `depth` levels down.
fn find<'e>(el: &'e Element, name: &str, depth: usize) -> Option<&'e Element> {
    if let Some(c) = el.child(name) {
        return Some(c);
    }
    if depth == 0 {
        return None;
    }
    el.children.iter().find_map(|c| find(c, name, depth - 1))
}

struct Reader<'f> {
    file: &'f str,
    labels: Vec<Label>,
    tags: Vec<String>,
    /// Names of labels of type `tag` in the meta.
    tag_labels: Vec<String>,
}

impl Reader<'_> {
    fn read_labels(&mut self, labels: &Element) -> Result<(), FormatError> {
        let mut children: Vec<(String, String)> = Vec::new();
        for l in labels.children_named("label") {
            let name = l
                .child_text("name")
                .ok_or_else(|| l.error(self.file, "a label needs a <name>"))?
                .to_string();
            if let Some(parent) = l.child_text("parent").filter(|p| !p.is_empty()) {
                children.push((parent.to_string(), name));
                continue;
            }
            if l.child_text("type") == Some("tag") {
                self.tag_labels.push(name.clone());
                if !self.tags.contains(&name) {
                    self.tags.push(name);
                }
                continue;
            }
            let color = l
                .child_text("color")
                .filter(|c| palette::parse_hex(c).is_some())
                .map(str::to_string)
                .unwrap_or_else(|| palette::color(self.labels.len()));
            let mut label = Label::new(name, color);
            if let Some(attrs) = l.child("attributes") {
                for a in attrs.children_named("attribute") {
                    let name = a
                        .child_text("name")
                        .ok_or_else(|| a.error(self.file, "an attribute needs a <name>"))?;
                    let values: Vec<String> = a
                        .child_text("values")
                        .unwrap_or_default()
                        .lines()
                        .map(|v| v.trim().to_string())
                        .filter(|v| !v.is_empty())
                        .collect();
                    let kind = match a.child_text("input_type").unwrap_or("text") {
                        "checkbox" => AttributeKind::Bool,
                        "select" | "radio" => AttributeKind::Choice { options: values },
                        "number" => {
                            let bound = |i: usize| {
                                values
                                    .get(i)
                                    .and_then(|v| v.parse::<f64>().ok())
                                    .filter(|v| v.is_finite() && v.abs() < f64::MAX)
                            };
                            AttributeKind::Number {
                                min: bound(0),
                                max: bound(1),
                            }
                        }
                        _ => AttributeKind::Text,
                    };
                    label.attributes.push(AttributeDef {
                        name: name.to_string(),
                        kind,
                    });
                }
            }
            if self.labels.iter().all(|x| x.name != label.name) {
                self.labels.push(label);
            }
        }
        for (parent, name) in children {
            if let Some(l) = self.labels.iter_mut().find(|l| l.name == parent) {
                l.keypoints.push(name);
            }
        }
        Ok(())
    }

    fn label_named(&mut self, name: &str) {
        if self.labels.iter().all(|l| l.name != name) {
            let color = palette::color(self.labels.len());
            self.labels.push(Label::new(name, color));
        }
    }

    fn read_image(&mut self, image: &Element) -> Result<Task, FormatError> {
        let file = self.file;
        let id = image.required(file, "id")?.to_string();
        let name = image.required(file, "name")?.to_string();
        let dim = |key: &str| -> Result<u32, FormatError> {
            let v = image.number(file, key)?;
            if v < 0.0 || v > f64::from(u32::MAX) || v.fract() != 0.0 {
                return Err(image.error(file, format!("attribute {key}: not a pixel count")));
            }
            Ok(v as u32)
        };
        let (width, height) = (dim("width")?, dim("height")?);
        let mut anns: Vec<Annotation> = Vec::new();
        let mut tags = Vec::new();
        // (group id, label) → index of the polygon annotation that group's parts join.
        let mut groups: BTreeMap<(String, String), usize> = BTreeMap::new();
        for el in &image.children {
            if el.name == "tag" {
                let label = el.required(file, "label")?.to_string();
                if !self.tags.contains(&label) {
                    self.tags.push(label.clone());
                }
                if !tags.contains(&label) {
                    tags.push(label);
                }
                continue;
            }
            let Some(shape) = self.read_shape(el, (width, height))? else {
                continue;
            };
            let label = el.required(file, "label")?.to_string();
            if self.tag_labels.contains(&label) {
                return Err(el.error(file, format!("label {label:?} is a tag label")));
            }
            self.label_named(&label);
            let group = el.attr("group_id").filter(|g| *g != "0");
            if let (Shape::Polygon(p), Some(g)) = (&shape, group) {
                let key = (g.to_string(), label.clone());
                if let Some(&i) = groups.get(&key) {
                    if let Shape::Polygon(existing) = &mut anns[i].shape {
                        existing.parts.extend(p.parts.iter().cloned());
                    }
                    continue;
                }
                groups.insert(key, anns.len());
            }
            let mut a = Annotation::new((anns.len() + 1).to_string(), label, shape);
            a.z = el
                .opt_number(file, "z_order")?
                .map(|z| z.clamp(i64::MIN as f64, i64::MAX as f64) as i64)
                .unwrap_or(0);
            if el.attr("occluded") == Some("1") {
                a.attributes
                    .insert("occluded".into(), AttributeValue::Bool(true));
            }
            let def = self.labels.iter().find(|l| l.name == a.label);
            for at in el.children_named("attribute") {
                let key = at.required(file, "name")?.to_string();
                let text = at.text.trim().to_string();
                let kind = def
                    .and_then(|l| l.attributes.iter().find(|d| d.name == key))
                    .map(|d| &d.kind);
                let value = match kind {
                    Some(AttributeKind::Bool) => AttributeValue::Bool(text == "true"),
                    Some(AttributeKind::Number { .. }) => match text.parse::<f64>() {
                        Ok(v) if v.is_finite() => AttributeValue::Number(v),
                        _ => AttributeValue::Text(text),
                    },
                    _ => AttributeValue::Text(text),
                };
                a.attributes.insert(key, value);
            }
            if matches!(el.attr("source"), Some("auto" | "semi-auto")) {
                let score = match a.attributes.remove("score") {
                    Some(AttributeValue::Text(t)) => t.parse::<f64>().ok(),
                    Some(AttributeValue::Number(n)) => Some(n),
                    _ => None,
                }
                .filter(|s| s.is_finite())
                .unwrap_or(1.0);
                let model = match a.attributes.remove("model") {
                    Some(AttributeValue::Text(t)) => t,
                    _ => String::new(),
                };
                a.origin = Origin::Prediction { score, model };
            }
            anns.push(a);
        }
        Ok(Task {
            id,
            image: ImageRef {
                src: format!("images/{name}"),
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

    fn points(&self, el: &Element) -> Result<Vec<Point>, FormatError> {
        let text = el.required(self.file, "points")?;
        let mut out = Vec::new();
        for pair in text.split(';').filter(|p| !p.trim().is_empty()) {
            let xy: Vec<&str> = pair.split(',').collect();
            let parsed: Option<Vec<f64>> = xy
                .iter()
                .map(|v| v.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
                .collect();
            match parsed.as_deref() {
                Some([x, y]) => out.push(Point::new(*x, *y)),
                _ => {
                    return Err(el.error(
                        self.file,
                        format!("attribute points: {pair:?} is not an x,y pair of numbers"),
                    ))
                }
            }
        }
        Ok(out)
    }

    fn read_shape(&self, el: &Element, image: (u32, u32)) -> Result<Option<Shape>, FormatError> {
        let file = self.file;
        Ok(Some(match el.name.as_str() {
            "box" => {
                let (x0, y0) = (el.number(file, "xtl")?, el.number(file, "ytl")?);
                let (x1, y1) = (el.number(file, "xbr")?, el.number(file, "ybr")?);
                let rotation = el.opt_number(file, "rotation")?.unwrap_or(0.0);
                let b = BoxShape::from_corners(Point::new(x0, y0), Point::new(x1, y1));
                if rotation == 0.0 {
                    Shape::Box(b)
                } else {
                    Shape::RotatedBox(RotatedBox {
                        cx: (b.x0 + b.x1) / 2.0,
                        cy: (b.y0 + b.y1) / 2.0,
                        w: b.width(),
                        h: b.height(),
                        angle: rotation,
                    })
                }
            }
            "polygon" => Shape::Polygon(PolygonShape {
                parts: vec![PolygonPart {
                    exterior: self.points(el)?,
                    holes: Vec::new(),
                }],
            }),
            "polyline" => Shape::Polyline {
                points: self.points(el)?,
            },
            "points" => Shape::Keypoints {
                points: self
                    .points(el)?
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| Keypoint {
                        name: i.to_string(),
                        x: p.x,
                        y: p.y,
                        visibility: if el.attr("occluded") == Some("1") {
                            Visibility::Occluded
                        } else {
                            Visibility::Visible
                        },
                    })
                    .collect(),
            },
            "skeleton" => {
                let mut points = Vec::new();
                for p in el.children_named("points") {
                    let name = p.required(file, "label")?.to_string();
                    let xy = self.points(p)?;
                    let Some(at) = xy.first() else {
                        return Err(p.error(file, "a skeleton point needs one x,y"));
                    };
                    let visibility = if p.attr("outside") == Some("1") {
                        Visibility::NotLabeled
                    } else if p.attr("occluded") == Some("1") {
                        Visibility::Occluded
                    } else {
                        Visibility::Visible
                    };
                    points.push(Keypoint {
                        name,
                        x: at.x,
                        y: at.y,
                        visibility,
                    });
                }
                Shape::Keypoints { points }
            }
            "ellipse" => {
                let (cx, cy) = (el.number(file, "cx")?, el.number(file, "cy")?);
                let (rx, ry) = (el.number(file, "rx")?, el.number(file, "ry")?);
                let turn = el.opt_number(file, "rotation")?.unwrap_or(0.0).to_radians();
                let (s, c) = turn.sin_cos();
                let ring = (0..64)
                    .map(|i| {
                        let t = std::f64::consts::TAU * f64::from(i) / 64.0;
                        let (dx, dy) = (rx * t.cos(), ry * t.sin());
                        Point::new(cx + dx * c - dy * s, cy + dx * s + dy * c)
                    })
                    .collect();
                Shape::Polygon(PolygonShape::simple(ring))
            }
            "mask" => {
                let rle_text = el.required(file, "rle")?;
                let mut runs = Vec::new();
                for v in rle_text.split(',') {
                    match v.trim().parse::<u64>() {
                        Ok(n) => runs.push(n),
                        Err(_) => {
                            return Err(el.error(
                                file,
                                format!("attribute rle: {:?} is not a run length", v.trim()),
                            ))
                        }
                    }
                }
                let int = |key: &str| -> Result<u32, FormatError> {
                    let v = el.number(file, key)?;
                    if v < 0.0 || v > f64::from(u32::MAX) {
                        return Err(el.error(file, format!("attribute {key}: out of range")));
                    }
                    Ok(v as u32)
                };
                let bbox = (int("left")?, int("top")?, int("width")?, int("height")?);
                let mask = decode_mask(&runs, bbox, image).map_err(|m| el.error(file, m))?;
                let rle = mask.to_rle();
                Shape::Mask(MaskRle {
                    width: rle.width,
                    height: rle.height,
                    counts: rle.counts,
                })
            }
            // Cuboids and anything newer have no counterpart in the model.
            _ => return Ok(None),
        }))
    }
}

#[cfg(test)]
mod tests;
