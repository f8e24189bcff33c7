//! Reading Label Studio JSON exports and predictions (percent coordinates back to pixels, brush RLE, rotation about the top-left corner).

use super::*;

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
