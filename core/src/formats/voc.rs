//! Pascal VOC XML: one `Annotations/<name>.xml` per image, images in `JPEGImages/`, splits as
//! `ImageSets/Main/<train|val|test>.txt` lists of image ids.
//!
//! VOC boxes are 1-based, inclusive pixel indices: `xmin` is the first pixel column the box
//! touches and `xmax` the last, counted from 1. Our boxes are continuous (pixel `x` covers
//! `[x, x+1)`), so a box is written as the pixels it touches — `xmin = floor(x0) + 1`,
//! `xmax = ceil(x1)` — and read back as `x0 = xmin - 1`, `x1 = xmax`: boxes on whole pixels
//! round-trip exactly, others grow by less than one pixel on each side. Coordinates below 1
//! (0-based files) read as 0. Non-box shapes are written as their bounding boxes; polylines and
//! keypoints are not written. `difficult`, `truncated` and `occluded` are kept as yes/no
//! attributes of the same names.

use super::common::{self, join, ImageIndex};
use super::{Dataset, DatasetFiles, Export, FileTree, FormatError, Split};
use crate::model::{Annotation, AttributeValue, BoxShape, ImageRef, Shape, Task};
use quick_xml::escape::escape;
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt::Write as _;

/// The attributes VOC stores per object as 0/1 flags.
pub const FLAGS: [&str; 3] = ["truncated", "difficult", "occluded"];

#[derive(Deserialize, Default)]
struct VocSize {
    #[serde(default)]
    width: String,
    #[serde(default)]
    height: String,
}

#[derive(Deserialize)]
struct VocBox {
    xmin: String,
    ymin: String,
    xmax: String,
    ymax: String,
}

#[derive(Deserialize)]
struct VocObject {
    name: String,
    #[serde(default)]
    truncated: Option<String>,
    #[serde(default)]
    difficult: Option<String>,
    #[serde(default)]
    occluded: Option<String>,
    #[serde(default)]
    bndbox: Option<VocBox>,
}

#[derive(Deserialize)]
struct VocAnnotation {
    #[serde(default)]
    filename: String,
    #[serde(default)]
    size: Option<VocSize>,
    #[serde(default, rename = "object")]
    objects: Vec<VocObject>,
}

// ---------------------------------------------------------------------------------------------
// Export

fn flag(a: &Annotation, name: &str) -> u8 {
    match a.attributes.get(name) {
        Some(AttributeValue::Bool(b)) => u8::from(*b),
        Some(AttributeValue::Number(n)) => u8::from(*n != 0.0),
        Some(AttributeValue::Text(t)) => u8::from(t == "1" || t == "true"),
        None => 0,
    }
}

/// Writes one XML per image, the images' new paths, and the split lists.
pub fn export(dataset: &Dataset) -> Result<Export, FormatError> {
    let mut files = FileTree::new();
    let mut images = Vec::new();
    let mut lists: HashMap<Split, String> = HashMap::new();
    for t in &dataset.tasks {
        let name = common::export_image_name(t);
        let id = common::without_ext(&name).to_string();
        images.push((t.id.clone(), join("JPEGImages", &name)));
        if let Some(s) = dataset.splits.get(&t.id) {
            let list = lists.entry(*s).or_default();
            list.push_str(&id);
            list.push('\n');
        }
        let mut x = String::from("<annotation>\n\t<folder>JPEGImages</folder>\n");
        let _ = writeln!(x, "\t<filename>{}</filename>", escape(name.as_str()));
        let _ = writeln!(
            x,
            "\t<size>\n\t\t<width>{}</width>\n\t\t<height>{}</height>\n\t\t<depth>3</depth>\n\t</size>\n\t<segmented>0</segmented>",
            t.image.width, t.image.height
        );
        for a in &t.annotations {
            let Some([x0, y0, x1, y1]) = common::box_bounds(&a.shape) else {
                continue;
            };
            if ![x0, y0, x1, y1].iter().all(|v| v.is_finite()) {
                return Err(FormatError::dataset(format!(
                    "annotation {} of {}: a coordinate is not a finite number",
                    a.id, t.id
                )));
            }
            let _ = writeln!(
                x,
                "\t<object>\n\t\t<name>{}</name>\n\t\t<pose>Unspecified</pose>",
                escape(a.label.as_str())
            );
            for f in FLAGS {
                let _ = writeln!(x, "\t\t<{f}>{}</{f}>", flag(a, f));
            }
            let _ = writeln!(
                x,
                "\t\t<bndbox>\n\t\t\t<xmin>{}</xmin>\n\t\t\t<ymin>{}</ymin>\n\t\t\t<xmax>{}</xmax>\n\t\t\t<ymax>{}</ymax>\n\t\t</bndbox>\n\t</object>",
                x0.floor() as i64 + 1,
                y0.floor() as i64 + 1,
                x1.ceil() as i64,
                y1.ceil() as i64
            );
        }
        x.push_str("</annotation>\n");
        files.insert(format!("Annotations/{id}.xml"), x);
    }
    for (split, list) in lists {
        files.insert(
            format!("ImageSets/Main/{}.txt", common::split_dir(split)),
            list,
        );
    }
    Ok(Export { files, images })
}

// ---------------------------------------------------------------------------------------------
// Import

/// The line of the first XML syntax error, if the text is not well-formed.
fn syntax_error(text: &str) -> Option<(String, String)> {
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => return None,
            Ok(_) => {}
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(0);
                let line = text.as_bytes()[..at.min(text.len())]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                return Some((format!("line {line}"), e.to_string()));
            }
        }
    }
}

fn number(text: &str, file: &str, place: &str) -> Result<f64, FormatError> {
    let v: f64 = text
        .trim()
        .parse()
        .map_err(|_| FormatError::at(file, place, format!("{:?} is not a number", text.trim())))?;
    common::finite(v, file, place)
}

fn size(text: &str, file: &str, place: &str) -> Result<u32, FormatError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(0);
    }
    t.parse::<u32>()
        .map_err(|_| FormatError::at(file, place, format!("{t:?} is not a size in pixels")))
}

/// Reads every `Annotations/*.xml` (else every `*.xml`); all or nothing.
pub fn import(files: &DatasetFiles) -> Result<Dataset, FormatError> {
    let xml = |under: &str| -> Vec<&str> {
        files
            .files
            .paths()
            .filter(|p| p.ends_with(".xml") && p.starts_with(under))
            .collect()
    };
    let mut paths = xml("Annotations/");
    if paths.is_empty() {
        paths = xml("");
    }
    if paths.is_empty() {
        return Err(FormatError::dataset(
            "no VOC annotation file (Annotations/*.xml) found",
        ));
    }
    let index = ImageIndex::new(files);
    let mut ds = Dataset::default();
    let mut label_index: HashMap<String, usize> = HashMap::new();
    for path in paths {
        let text = files.files.text(path)?;
        if let Some((line, message)) = syntax_error(text) {
            return Err(FormatError::at(path, line, message));
        }
        let doc: VocAnnotation = quick_xml::de::from_str(text)
            .map_err(|e| FormatError::at(path, "annotation", e.to_string()))?;
        let rel = path.strip_prefix("Annotations/").unwrap_or(path);
        let id = common::without_ext(rel).to_string();
        let name = if doc.filename.trim().is_empty() {
            format!("{id}.jpg")
        } else {
            common::normalise(doc.filename.trim())
        };
        let dir = common::parent(rel);
        let candidates = [
            join("JPEGImages", &join(dir, &name)),
            join("JPEGImages", &name),
            join(common::parent(path), &name),
            name.clone(),
        ];
        let found = index.find(&candidates, &name);
        let declared = doc.size.unwrap_or_default();
        let mut width = size(&declared.width, path, "annotation.size.width")?;
        let mut height = size(&declared.height, path, "annotation.size.height")?;
        if let Some(f) = found {
            if width == 0 || height == 0 {
                (width, height) = (f.width, f.height);
            }
        }
        let mut task = Task {
            id: id.clone(),
            image: ImageRef {
                src: found.map_or_else(|| name.clone(), |f| f.path.clone()),
                name,
                width,
                height,
                ..Default::default()
            },
            ..Default::default()
        };
        for (i, o) in doc.objects.iter().enumerate() {
            let place = |f: &str| format!("annotation.object[{i}]{f}");
            let label = o.name.trim().to_string();
            if label.is_empty() {
                return Err(FormatError::at(path, place(".name"), "object has no name"));
            }
            let Some(b) = &o.bndbox else {
                return Err(FormatError::at(path, place(""), "object has no bndbox"));
            };
            let xmin = number(&b.xmin, path, &place(".bndbox.xmin"))?;
            let ymin = number(&b.ymin, path, &place(".bndbox.ymin"))?;
            let xmax = number(&b.xmax, path, &place(".bndbox.xmax"))?;
            let ymax = number(&b.ymax, path, &place(".bndbox.ymax"))?;
            if xmax < xmin || ymax < ymin {
                return Err(FormatError::at(
                    path,
                    place(".bndbox"),
                    format!("xmax/ymax ({xmax}, {ymax}) lie before xmin/ymin ({xmin}, {ymin})"),
                ));
            }
            if !label_index.contains_key(&label) {
                let n = ds.labels.labels.len();
                ds.labels.labels.push(common::new_label(&label, n));
                label_index.insert(label.clone(), n);
            }
            let mut a = Annotation::new(
                (i + 1).to_string(),
                label,
                Shape::Box(BoxShape {
                    x0: (xmin - 1.0).max(0.0),
                    y0: (ymin - 1.0).max(0.0),
                    x1: xmax,
                    y1: ymax,
                }),
            );
            for (f, v) in FLAGS.iter().zip([&o.truncated, &o.difficult, &o.occluded]) {
                match v.as_deref().map(str::trim) {
                    None | Some("") | Some("0") => {}
                    Some("1") => {
                        a.attributes.insert((*f).into(), AttributeValue::Bool(true));
                    }
                    Some(other) => {
                        return Err(FormatError::at(
                            path,
                            place(&format!(".{f}")),
                            format!("{f} must be 0 or 1, not {other:?}"),
                        ))
                    }
                }
            }
            task.annotations.push(a);
        }
        ds.tasks.push(task);
    }
    for split in [Split::Train, Split::Valid, Split::Test] {
        let list = format!("ImageSets/Main/{}.txt", common::split_dir(split));
        if files.files.get(&list).is_some() {
            for id in files
                .files
                .text(&list)?
                .lines()
                .filter_map(|l| l.split_whitespace().next())
            {
                if ds.tasks.iter().any(|t| t.id == id) {
                    ds.splits.insert(id.to_string(), split);
                }
            }
        }
    }
    Ok(ds)
}
