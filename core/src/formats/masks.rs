//! Segmentation mask PNGs, laid out as Pascal VOC does:
//!
//! - `SegmentationClass/<image stem>.png`: semantic masks, an 8-bit palette PNG per image whose
//!   pixel value is the class index (0 = background, class `i` of the label set = `i + 1`) and
//!   whose palette holds the class colours;
//! - `SegmentationObject/<image stem>.png`: instance masks, a 16-bit grayscale PNG per image whose
//!   pixel value is the instance number (0 = background);
//! - `class_map.csv` (`index,name,r,g,b`) and `labelmap.txt` (`name:r,g,b::`, as CVAT and
//!   Datumaro write it) name the classes; `instances.csv` (`image,instance,class,id`) gives each
//!   instance its class and annotation id.
//!
//! Export rasterises every human annotation with an area (boxes, rotated boxes and polygons as
//! pycocotools rasterises polygons, masks as they are) in draw order (`z`), so a later shape
//! covers an earlier one. Predictions not yet accepted are left out: these files are training
//! targets. Lines and keypoints have no area and are not written.
//!
//! Import gives one mask annotation per instance when `SegmentationObject/` is there (the class
//! from `instances.csv`, else from the majority class under it in `SegmentationClass/`, as VOC
//! pairs them), otherwise one per class present in each semantic PNG. Palette, 8-bit and 16-bit
//! grayscale PNGs give values directly; RGB(A) PNGs are mapped through the class colours. The
//! value 255 in 8-bit masks is VOC's "void" border unless a class has that index, and is skipped.

use super::{common, palette, Dataset, DatasetFiles, Export, FileTree, FormatError};
use crate::model::PolygonShape;
use crate::model::{Annotation, ImageRef, Label, LabelSet, MaskRle, Origin, Shape, Task};
use crate::raster::{shape_polygon_to_rle, Rle, RunMask};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Folder of semantic masks.
pub const CLASS_DIR: &str = "SegmentationClass";
/// Folder of instance masks.
pub const OBJECT_DIR: &str = "SegmentationObject";
/// Class table `index,name,r,g,b`.
pub const CLASS_MAP: &str = "class_map.csv";
/// CVAT/Datumaro label map.
pub const LABEL_MAP: &str = "labelmap.txt";
/// Instance table `image,instance,class,id`.
pub const INSTANCES: &str = "instances.csv";

/// Masks larger than this many pixels are refused (a guard against hostile PNG headers).
const MAX_PIXELS: u64 = 1 << 28;

/// The pixel set of a shape, or `None` for shapes without area.
fn shape_pixels(shape: &Shape, w: u32, h: u32) -> Option<RunMask> {
    let polygon = |corners: Vec<crate::model::Point>| {
        RunMask::from_rle(&shape_polygon_to_rle(&PolygonShape::simple(corners), h, w))
    };
    match shape {
        Shape::Box(b) => Some(polygon(vec![
            crate::model::Point::new(b.x0, b.y0),
            crate::model::Point::new(b.x1, b.y0),
            crate::model::Point::new(b.x1, b.y1),
            crate::model::Point::new(b.x0, b.y1),
        ])),
        Shape::RotatedBox(r) => Some(polygon(r.corners().to_vec())),
        Shape::Polygon(p) => Some(RunMask::from_rle(&shape_polygon_to_rle(p, h, w))),
        Shape::Mask(m) => {
            let rle = Rle::from_model(m).ok()?;
            if rle.width == w && rle.height == h {
                Some(RunMask::from_rle(&rle))
            } else {
                // A mask of another size (the image was replaced): place it at the top left.
                let src = RunMask::from_rle(&rle).to_row_major();
                let mut px = vec![0u8; w as usize * h as usize];
                for y in 0..rle.height.min(h) {
                    for x in 0..rle.width.min(w) {
                        px[(y * w + x) as usize] = src[(y * rle.width + x) as usize];
                    }
                }
                Some(RunMask::from_row_major(&px, w, h))
            }
        }
        Shape::Polyline { .. } | Shape::Keypoints { .. } => None,
    }
}

fn encode_png(
    w: u32,
    h: u32,
    color: png::ColorType,
    depth: png::BitDepth,
    palette: Option<Vec<u8>>,
    data: &[u8],
    file: &str,
) -> Result<Vec<u8>, FormatError> {
    let mut out = Vec::new();
    let err = |e: png::EncodingError| FormatError::file(file, format!("PNG encoding: {e}"));
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(color);
    enc.set_depth(depth);
    if let Some(p) = palette {
        enc.set_palette(p);
    }
    let mut writer = enc.write_header().map_err(err)?;
    writer.write_image_data(data).map_err(err)?;
    writer.finish().map_err(err)?;
    Ok(out)
}

/// Writes semantic and instance PNGs, the class map, the label map and the instance table.
pub fn export(dataset: &Dataset) -> Result<Export, FormatError> {
    let classes = &dataset.labels.labels;
    if classes.len() > 254 {
        return Err(FormatError::dataset(format!(
            "{} classes do not fit an 8-bit mask (at most 254 besides background and void)",
            classes.len()
        )));
    }
    let rgb = |l: &Label| palette::parse_hex(&l.color).unwrap_or([128, 128, 128]);
    let mut pal = vec![0u8, 0, 0];
    for l in classes {
        pal.extend(rgb(l));
    }
    let mut files = FileTree::new();
    let mut class_map = String::from("index,name,r,g,b\n0,background,0,0,0\n");
    let mut label_map = String::from("# label:color_rgb:parts:actions\nbackground:0,0,0::\n");
    for (i, l) in classes.iter().enumerate() {
        let [r, g, b] = rgb(l);
        let _ = writeln!(class_map, "{},{},{r},{g},{b}", i + 1, csv_field(&l.name));
        let _ = writeln!(label_map, "{}:{r},{g},{b}::", l.name.replace(':', "_"));
    }
    let mut instances = String::from("image,instance,class,id\n");
    let mut images = Vec::new();
    let mut stems = std::collections::HashSet::new();
    for task in &dataset.tasks {
        let (w, h) = (task.image.width, task.image.height);
        let s = common::stem(&task.image.name).to_string();
        if !stems.insert(s.clone()) {
            return Err(FormatError::dataset(format!(
                "two images are named {s:?} (without extension); mask files would collide"
            )));
        }
        images.push((task.id.clone(), format!("JPEGImages/{}", task.image.name)));
        if w == 0 || h == 0 || u64::from(w) * u64::from(h) > MAX_PIXELS {
            return Err(FormatError::dataset(format!(
                "task {:?}: image size {w}×{h} cannot be written as a mask",
                task.id
            )));
        }
        let mut ordered: Vec<&Annotation> = task
            .annotations
            .iter()
            .filter(|a| a.origin == Origin::Human)
            .collect();
        ordered.sort_by_key(|a| a.z);
        let mut class_px = vec![0u8; w as usize * h as usize];
        let mut object_px = vec![0u16; w as usize * h as usize];
        let mut instance = 0u16;
        for a in ordered {
            let Some(class) = classes.iter().position(|l| l.name == a.label) else {
                return Err(FormatError::dataset(format!(
                    "task {:?}: annotation {} has the label {:?}, which is not in the label set",
                    task.id, a.id, a.label
                )));
            };
            let Some(mask) = shape_pixels(&a.shape, w, h) else {
                continue;
            };
            if mask.is_empty() {
                continue;
            }
            instance = instance.checked_add(1).ok_or_else(|| {
                FormatError::dataset(format!("task {:?}: more than 65535 instances", task.id))
            })?;
            let _ = writeln!(
                instances,
                "{},{instance},{},{}",
                csv_field(&s),
                csv_field(&a.label),
                csv_field(&a.id.0)
            );
            for x in 0..w {
                for &(y0, y1) in mask.column(x) {
                    for y in y0..y1 {
                        let i = y as usize * w as usize + x as usize;
                        class_px[i] = class as u8 + 1;
                        object_px[i] = instance;
                    }
                }
            }
        }
        let class_file = format!("{CLASS_DIR}/{s}.png");
        let png = encode_png(
            w,
            h,
            png::ColorType::Indexed,
            png::BitDepth::Eight,
            Some(pal.clone()),
            &class_px,
            &class_file,
        )?;
        files.insert(class_file, png);
        let object_file = format!("{OBJECT_DIR}/{s}.png");
        let be: Vec<u8> = object_px.iter().flat_map(|v| v.to_be_bytes()).collect();
        let png = encode_png(
            w,
            h,
            png::ColorType::Grayscale,
            png::BitDepth::Sixteen,
            None,
            &be,
            &object_file,
        )?;
        files.insert(object_file, png);
    }
    files.insert(CLASS_MAP, class_map);
    files.insert(LABEL_MAP, label_map);
    files.insert(INSTANCES, instances);
    Ok(Export { files, images })
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Splits one CSV line into fields (double-quoted fields may hold commas and `""`).
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    out.push(field);
    out
}

/// A decoded mask PNG: values per pixel, row-major.
struct Decoded {
    width: u32,
    height: u32,
    /// Palette index, gray level, or (for RGB) an index into `colors`.
    values: Vec<u32>,
    /// For RGB(A) images: the colour of each value.
    colors: Option<Vec<[u8; 3]>>,
    /// Whether values are 8-bit (so 255 may be VOC's void).
    eight_bit: bool,
}

fn decode_png(bytes: &[u8], file: &str) -> Result<Decoded, FormatError> {
    let err = |e: png::DecodingError| FormatError::file(file, format!("not a readable PNG: {e}"));
    let decoder =
        png::Decoder::new_with_limits(std::io::Cursor::new(bytes), png::Limits { bytes: 1 << 30 });
    let mut reader = decoder.read_info().map_err(err)?;
    let (w, h) = (reader.info().width, reader.info().height);
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(FormatError::file(file, format!("{w}×{h} is too large")));
    }
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| FormatError::file(file, "PNG too large"))?;
    let mut buf = vec![0u8; size];
    let info = reader.next_frame(&mut buf).map_err(err)?;
    let (depth, line) = (info.bit_depth as u8, info.line_size);
    let sample = |row: &[u8], i: usize, bits: u8| -> u32 {
        match bits {
            16 => u32::from(u16::from_be_bytes([row[2 * i], row[2 * i + 1]])),
            8 => u32::from(row[i]),
            b => {
                let per = 8 / b as usize;
                let byte = row[i / per];
                let shift = 8 - b as usize * (i % per + 1);
                u32::from((byte >> shift) & ((1u8 << b) - 1))
            }
        }
    };
    let mut values = Vec::with_capacity(w as usize * h as usize);
    let mut colors: Option<Vec<[u8; 3]>> = None;
    match info.color_type {
        png::ColorType::Indexed | png::ColorType::Grayscale => {
            for y in 0..h as usize {
                let row = &buf[y * line..(y + 1) * line];
                for x in 0..w as usize {
                    values.push(sample(row, x, depth));
                }
            }
        }
        png::ColorType::Rgb | png::ColorType::Rgba | png::ColorType::GrayscaleAlpha => {
            let channels = match info.color_type {
                png::ColorType::Rgb => 3,
                png::ColorType::Rgba => 4,
                _ => 2,
            };
            let bytes_per = channels * (depth as usize / 8).max(1);
            let mut table: Vec<[u8; 3]> = Vec::new();
            let mut index: BTreeMap<[u8; 3], u32> = BTreeMap::new();
            for y in 0..h as usize {
                let row = &buf[y * line..(y + 1) * line];
                for x in 0..w as usize {
                    let px = &row[x * bytes_per..(x + 1) * bytes_per];
                    let step = bytes_per / channels;
                    let c = if channels == 2 {
                        [px[0], px[0], px[0]]
                    } else {
                        [px[0], px[step], px[2 * step]]
                    };
                    let v = *index.entry(c).or_insert_with(|| {
                        table.push(c);
                        table.len() as u32 - 1
                    });
                    values.push(v);
                }
            }
            colors = Some(table);
        }
    }
    Ok(Decoded {
        width: w,
        height: h,
        values,
        colors,
        eight_bit: depth <= 8,
    })
}

/// Classes by mask value, read from `class_map.csv`, else `labelmap.txt` (by line order).
fn read_classes(files: &DatasetFiles) -> Result<Vec<(u32, Label)>, FormatError> {
    if files.files.get(CLASS_MAP).is_some() {
        let text = files.files.text(CLASS_MAP)?;
        let mut out = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if n == 0 || line.trim().is_empty() {
                continue;
            }
            let f = csv_fields(line);
            let place = format!("line {}", n + 1);
            if f.len() < 2 {
                return Err(FormatError::at(
                    CLASS_MAP,
                    place,
                    "expected index,name,r,g,b",
                ));
            }
            let index: u32 = f[0].trim().parse().map_err(|_| {
                FormatError::at(
                    CLASS_MAP,
                    &place,
                    format!("index {:?} is not a number", f[0]),
                )
            })?;
            let mut rgb = [0u8; 3];
            for (k, c) in rgb.iter_mut().enumerate() {
                if let Some(v) = f.get(2 + k) {
                    *c = v.trim().parse().map_err(|_| {
                        FormatError::at(CLASS_MAP, &place, format!("colour {v:?} is not 0..=255"))
                    })?;
                }
            }
            if index != 0 {
                out.push((index, Label::new(f[1].clone(), to_hex(rgb))));
            }
        }
        return Ok(out);
    }
    if files.files.get(LABEL_MAP).is_some() {
        let text = files.files.text(LABEL_MAP)?;
        let mut out = Vec::new();
        let mut index = 0u32;
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.split(':');
            let name = parts.next().unwrap_or_default().trim().to_string();
            let rgb: Vec<u8> = parts
                .next()
                .unwrap_or_default()
                .split(',')
                .filter_map(|v| v.trim().parse().ok())
                .collect();
            let color = match rgb.as_slice() {
                [r, g, b] => to_hex([*r, *g, *b]),
                _ => {
                    return Err(FormatError::at(
                        LABEL_MAP,
                        format!("line {}", n + 1),
                        "expected name:r,g,b::",
                    ))
                }
            };
            if index != 0 {
                out.push((index, Label::new(name, color)));
            }
            index += 1;
        }
        return Ok(out);
    }
    Ok(Vec::new())
}

fn to_hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The class of each mask value, by value; unknown values get classes named `class_N`.
struct ClassTable {
    by_value: BTreeMap<u32, Label>,
}

impl ClassTable {
    fn label(&mut self, value: u32) -> String {
        let n = self.by_value.len();
        self.by_value
            .entry(value)
            .or_insert_with(|| Label::new(format!("class_{value}"), palette::color(n)))
            .name
            .clone()
    }

    /// Adds a class of that name at an unused value unless one of that name exists already.
    /// Values come from the class map, which may hold any `u32`, so the free value is searched
    /// for rather than taken as `max + 1` (which could overflow).
    fn ensure_named(&mut self, name: &str) {
        if self.by_value.values().any(|l| l.name == name) {
            return;
        }
        let after_max = self
            .by_value
            .keys()
            .max()
            .map_or(Some(1), |m| m.checked_add(1));
        let value = after_max.or_else(|| (1..=u32::MAX).find(|v| !self.by_value.contains_key(v)));
        if let Some(value) = value {
            let n = self.by_value.len();
            self.by_value
                .insert(value, Label::new(name.to_string(), palette::color(n)));
        }
    }

    fn value_of_color(&self, rgb: [u8; 3]) -> Option<u32> {
        if rgb == [0, 0, 0] {
            return Some(0);
        }
        self.by_value
            .iter()
            .find(|(_, l)| palette::parse_hex(&l.color) == Some(rgb))
            .map(|(v, _)| *v)
    }
}

/// Values of a decoded PNG as class values (RGB colours mapped through the class table).
fn class_values(d: &Decoded, classes: &ClassTable, file: &str) -> Result<Vec<u32>, FormatError> {
    let Some(colors) = &d.colors else {
        return Ok(d.values.clone());
    };
    let mut map = Vec::with_capacity(colors.len());
    for c in colors {
        match classes.value_of_color(*c) {
            Some(v) => map.push(v),
            None => {
                let i = d
                    .values
                    .iter()
                    .position(|&v| colors[v as usize] == *c)
                    .unwrap_or(0);
                return Err(FormatError::at(
                    file,
                    format!("pixel ({}, {})", i % d.width as usize, i / d.width as usize),
                    format!("colour {} is not a class colour", to_hex(*c)),
                ));
            }
        }
    }
    Ok(d.values.iter().map(|&v| map[v as usize]).collect())
}

fn mask_of(values: &[u32], keep: u32, w: u32, h: u32) -> MaskRle {
    let px: Vec<u8> = values.iter().map(|&v| u8::from(v == keep)).collect();
    RunMask::from_row_major(&px, w, h).to_rle().to_model()
}

/// Reads mask PNGs: instances when `SegmentationObject/` is there, else semantic classes.
pub fn import(files: &DatasetFiles) -> Result<Dataset, FormatError> {
    let mut classes = ClassTable {
        by_value: read_classes(files)?.into_iter().collect(),
    };
    let pngs = |dir: &str| -> Vec<String> {
        files
            .files
            .paths()
            .filter(|p| {
                p.starts_with(&format!("{dir}/")) && p.to_ascii_lowercase().ends_with(".png")
            })
            .map(str::to_string)
            .collect()
    };
    let (objects, semantic) = (pngs(OBJECT_DIR), pngs(CLASS_DIR));
    if objects.is_empty() && semantic.is_empty() {
        return Err(FormatError::dataset(format!(
            "no mask PNGs found in {CLASS_DIR}/ or {OBJECT_DIR}/"
        )));
    }
    // instances.csv: (image stem, instance) → (class, id).
    let mut table: BTreeMap<(String, u32), (String, String)> = BTreeMap::new();
    if files.files.get(INSTANCES).is_some() {
        for (n, line) in files.files.text(INSTANCES)?.lines().enumerate() {
            if n == 0 || line.trim().is_empty() {
                continue;
            }
            let f = csv_fields(line);
            let instance = f.get(1).and_then(|v| v.trim().parse::<u32>().ok());
            match (f.first(), instance, f.get(2)) {
                (Some(image), Some(i), Some(class)) => {
                    let id = f.get(3).cloned().unwrap_or_default();
                    table.insert((image.clone(), i), (class.clone(), id));
                }
                _ => {
                    return Err(FormatError::at(
                        INSTANCES,
                        format!("line {}", n + 1),
                        "expected image,instance,class[,id]",
                    ))
                }
            }
        }
    }
    let main = if objects.is_empty() {
        &semantic
    } else {
        &objects
    };
    let mut tasks = Vec::new();
    for path in main {
        let s = common::stem(path).to_string();
        let decoded = decode_png(files.files.get(path).unwrap_or_default(), path)?;
        let (w, h) = (decoded.width, decoded.height);
        let class_path = format!("{CLASS_DIR}/{s}.png");
        let mut annotations = Vec::new();
        if objects.is_empty() {
            let values = class_values(&decoded, &classes, path)?;
            let present: std::collections::BTreeSet<u32> = values.iter().copied().collect();
            for v in present {
                if v == 0 || (v == 255 && decoded.eight_bit && !classes.by_value.contains_key(&255))
                {
                    continue;
                }
                let label = classes.label(v);
                let mut a = Annotation::new(
                    format!("{}", annotations.len() + 1),
                    label,
                    Shape::Mask(mask_of(&values, v, w, h)),
                );
                a.z = annotations.len() as i64;
                annotations.push(a);
            }
        } else {
            if decoded.colors.is_some() {
                return Err(FormatError::file(
                    path,
                    "instance masks must be grayscale or palette PNGs (values are instance ids)",
                ));
            }
            let semantic_values = match files.files.get(&class_path) {
                Some(bytes) => {
                    let d = decode_png(bytes, &class_path)?;
                    if (d.width, d.height) != (w, h) {
                        return Err(FormatError::file(
                            &class_path,
                            format!(
                                "size {}×{} differs from {path} ({w}×{h})",
                                d.width, d.height
                            ),
                        ));
                    }
                    Some(class_values(&d, &classes, &class_path)?)
                }
                None => None,
            };
            let present: std::collections::BTreeSet<u32> = decoded.values.iter().copied().collect();
            for v in present {
                if v == 0 || (v == 255 && decoded.eight_bit) {
                    continue;
                }
                let (label, id) = match table.get(&(s.clone(), v)) {
                    Some((class, id)) => {
                        classes.ensure_named(class);
                        (class.clone(), id.clone())
                    }
                    None => {
                        let Some(sem) = &semantic_values else {
                            return Err(FormatError::file(
                                path,
                                format!("instance {v} has no class: add it to {INSTANCES} or give a {class_path}"),
                            ));
                        };
                        // The class most of the instance's pixels have in the semantic mask.
                        let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
                        for (i, &o) in decoded.values.iter().enumerate() {
                            if o == v && sem[i] != 0 && sem[i] != 255 {
                                *counts.entry(sem[i]).or_default() += 1;
                            }
                        }
                        let Some((&class, _)) = counts.iter().max_by_key(|(_, c)| **c) else {
                            return Err(FormatError::file(
                                path,
                                format!("instance {v} lies on background in {class_path}"),
                            ));
                        };
                        (classes.label(class), String::new())
                    }
                };
                let id = if id.is_empty() || annotations.iter().any(|a: &Annotation| a.id.0 == id) {
                    format!("{v}")
                } else {
                    id
                };
                let mut a =
                    Annotation::new(id, label, Shape::Mask(mask_of(&decoded.values, v, w, h)));
                a.z = annotations.len() as i64;
                annotations.push(a);
            }
        }
        let image = files
            .images
            .values()
            .find(|f| common::stem(&f.path) == s)
            .map(|f| f.path.clone());
        let name = match &image {
            Some(p) => p
                .strip_prefix("JPEGImages/")
                .or_else(|| p.strip_prefix("images/"))
                .unwrap_or(p)
                .to_string(),
            None => format!("{s}.jpg"),
        };
        tasks.push(Task {
            id: s,
            image: ImageRef {
                src: image.unwrap_or_else(|| format!("JPEGImages/{name}")),
                name,
                width: w,
                height: h,
                ..Default::default()
            },
            labels: LabelSet::default(),
            annotations,
            tags: Vec::new(),
        });
    }
    let labels = LabelSet {
        labels: classes.by_value.into_values().collect(),
        ..Default::default()
    };
    for t in &mut tasks {
        t.labels = labels.clone();
    }
    Ok(Dataset {
        labels,
        tasks,
        ..Default::default()
    })
}

#[cfg(test)]
mod tests;
