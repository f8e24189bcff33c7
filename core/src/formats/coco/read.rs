//! Reading COCO instances JSON (see the parent module for the layout and each shape's form).

use super::*;

// ---------------------------------------------------------------------------------------------
// Import

/// Reads every COCO annotation file of the folder (see the module docs for which); all or nothing.
pub fn import(files: &DatasetFiles) -> Result<Dataset, FormatError> {
    let json_files = |under: &str| -> Vec<String> {
        files
            .files
            .paths()
            .filter(|p| p.ends_with(".json") && p.starts_with(under))
            .map(str::to_string)
            .collect()
    };
    let mut paths = json_files("annotations/");
    if paths.is_empty() {
        paths = json_files("");
    }
    if paths.is_empty() {
        return Err(FormatError::dataset(
            "no COCO annotation file (*.json) found; expected annotations/instances_*.json",
        ));
    }
    let mut parsed = Vec::new();
    for path in &paths {
        parsed.push((path.as_str(), parse(files, path)?));
    }
    let index = ImageIndex::new(files);
    let mut dataset = Dataset::default();
    let mut label_of_name: HashMap<String, usize> = HashMap::new();
    // Task ids are the COCO image ids when they are distinct across files.
    let mut all_ids: Vec<u64> = parsed
        .iter()
        .flat_map(|(_, c)| c.images.iter().map(|i| i.id))
        .collect();
    let total = all_ids.len();
    all_ids.sort_unstable();
    all_ids.dedup();
    let prefix_ids = all_ids.len() != total;
    for (path, coco) in parsed {
        read_file(
            path,
            coco,
            &index,
            prefix_ids,
            &mut dataset,
            &mut label_of_name,
        )?;
    }
    Ok(dataset)
}

fn parse(files: &DatasetFiles, path: &str) -> Result<CocoFile, FormatError> {
    let text = files.files.text(path)?;
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let place = e.path().to_string();
        let inner = e.into_inner();
        // serde_json's message ends with the line and column, so the path is the place to name.
        let location = if place == "." || place.is_empty() {
            format!("line {}, column {}", inner.line(), inner.column())
        } else {
            format!("$.{place}")
        };
        FormatError::at(path, location, inner.to_string())
    })
}

fn read_file(
    path: &str,
    coco: CocoFile,
    index: &ImageIndex<'_>,
    prefix_ids: bool,
    dataset: &mut Dataset,
    label_of_name: &mut HashMap<String, usize>,
) -> Result<(), FormatError> {
    let err = |location: String, message: String| FormatError::at(path, location, message);
    if dataset.info == DatasetInfo::default() {
        dataset.info = DatasetInfo {
            description: coco.info.description,
            version: coco.info.version,
            contributor: coco.info.contributor,
            url: coco.info.url,
            date_created: coco.info.date_created,
        };
    }
    let licenses: HashMap<u64, ImageLicense> = coco
        .licenses
        .into_iter()
        .map(|l| {
            (
                l.id,
                ImageLicense {
                    name: l.name,
                    url: l.url,
                },
            )
        })
        .collect();

    // Categories → labels (merged by name across files).
    let mut category: HashMap<u64, usize> = HashMap::new();
    for (i, c) in coco.categories.iter().enumerate() {
        if category.contains_key(&c.id) {
            return Err(err(
                format!("$.categories[{i}].id"),
                format!("category id {} is used twice", c.id),
            ));
        }
        let n = c.keypoints.len() as u64;
        let mut skeleton = Vec::with_capacity(c.skeleton.len());
        for (k, &[a, b]) in c.skeleton.iter().enumerate() {
            if a == 0 || b == 0 || a > n || b > n {
                return Err(err(
                    format!("$.categories[{i}].skeleton[{k}]"),
                    format!("skeleton edge [{a}, {b}] must name keypoints 1 to {n} (COCO counts from 1)"),
                ));
            }
            skeleton.push([a as usize - 1, b as usize - 1]);
        }
        let label_index = match label_of_name.get(&c.name) {
            Some(&li) => li,
            None => {
                let li = dataset.labels.labels.len();
                let mut label = common::new_label(&c.name, li);
                label.keypoints = c.keypoints.clone();
                label.skeleton = skeleton;
                label.group = (!c.supercategory.is_empty()).then(|| c.supercategory.clone());
                dataset.labels.labels.push(label);
                label_of_name.insert(c.name.clone(), li);
                li
            }
        };
        category.insert(c.id, label_index);
    }

    // Images → tasks.
    let split = common::split_of_name(common::stem(path))
        .or_else(|| common::split_of_name(common::parent(path)));
    let dir = common::parent(path);
    let split_folder = common::stem(path)
        .strip_prefix("instances_")
        .unwrap_or("")
        .to_string();
    let mut task_of_image: HashMap<u64, usize> = HashMap::new();
    let first_task = dataset.tasks.len();
    for (i, im) in coco.images.iter().enumerate() {
        if task_of_image.contains_key(&im.id) {
            return Err(err(
                format!("$.images[{i}].id"),
                format!("image id {} is used twice", im.id),
            ));
        }
        if im.width == 0 || im.height == 0 {
            return Err(err(
                format!("$.images[{i}]"),
                format!("image size {}×{} must be positive", im.width, im.height),
            ));
        }
        let license = match im.license {
            None => None,
            Some(id) => match licenses.get(&id) {
                Some(l) => Some(l.clone()),
                // COCO files often name licence ids without a `licenses` list: nothing to keep.
                None if licenses.is_empty() => None,
                None => {
                    return Err(err(
                        format!("$.images[{i}].license"),
                        format!("licence id {id} is not in `licenses`"),
                    ))
                }
            },
        };
        let name = common::normalise(&im.file_name);
        let candidates = [
            join(dir, &name),
            join(&join("images", &split_folder), &name),
            join("images", &name),
            name.clone(),
        ];
        let src = index
            .find(&candidates, &name)
            .map_or_else(|| name.clone(), |f| f.path.clone());
        let id = if prefix_ids {
            format!("{}/{}", path.strip_suffix(".json").unwrap_or(path), im.id)
        } else {
            im.id.to_string()
        };
        if let Some(s) = split {
            dataset.splits.insert(id.clone(), s);
        }
        task_of_image.insert(im.id, dataset.tasks.len());
        dataset.tasks.push(Task {
            id,
            image: ImageRef {
                src,
                name,
                width: im.width,
                height: im.height,
                license,
                ..Default::default()
            },
            ..Default::default()
        });
    }

    // Annotations.
    for (i, a) in coco.annotations.into_iter().enumerate() {
        let place = |field: &str| format!("$.annotations[{i}]{field}");
        let Some(&ti) = task_of_image.get(&a.image_id) else {
            return Err(err(
                place(".image_id"),
                format!("image id {} is not in `images`", a.image_id),
            ));
        };
        let Some(&li) = category.get(&a.category_id) else {
            return Err(err(
                place(".category_id"),
                format!("category id {} is not in `categories`", a.category_id),
            ));
        };
        debug_assert!(ti >= first_task);
        let task = &dataset.tasks[ti];
        let (w, h) = (task.image.width, task.image.height);
        let label = &dataset.labels.labels[li];
        let bbox = match &a.bbox {
            None => None,
            Some(b) if b.len() != 4 => {
                return Err(err(
                    place(".bbox"),
                    format!(
                        "bbox has {} numbers; expected [x, y, width, height]",
                        b.len()
                    ),
                ))
            }
            Some(b) => {
                for (k, v) in b.iter().enumerate() {
                    finite(*v, path, &place(&format!(".bbox[{k}]")))?;
                }
                if b[2] < 0.0 || b[3] < 0.0 {
                    return Err(err(
                        place(".bbox"),
                        format!("bbox width and height must not be negative: {b:?}"),
                    ));
                }
                Some([b[0], b[1], b[0] + b[2], b[1] + b[3]])
            }
        };
        let segmentation =
            read_segmentation(&a.segmentation, bbox, w, h, path, &place(".segmentation"))?;
        let mut attributes = a.attributes;
        match &a.iscrowd {
            Value::Null => {}
            Value::Bool(b) => {
                if *b {
                    attributes.insert(ISCROWD.into(), AttributeValue::Bool(true));
                }
            }
            Value::Number(n) if n.as_u64() == Some(0) || n.as_u64() == Some(1) => {
                if n.as_u64() == Some(1) {
                    attributes.insert(ISCROWD.into(), AttributeValue::Bool(true));
                }
            }
            other => {
                return Err(err(
                    place(".iscrowd"),
                    format!("iscrowd must be 0 or 1, not {other}"),
                ))
            }
        }
        let origin = match a.score {
            Some(s) => Origin::Prediction {
                score: finite(s, path, &place(".score"))?,
                model: String::new(),
            },
            None => Origin::Human,
        };
        let mut shapes: Vec<(String, Shape)> = Vec::new();
        let has_keypoints = a.keypoints.as_ref().is_some_and(|k| !k.is_empty());
        if let (true, Some(kp)) = (has_keypoints, &a.keypoints) {
            let points = read_keypoints(kp, label, path, &place(".keypoints"))?;
            shapes.push((a.id.to_string(), Shape::Keypoints { points }));
            if let Some(Segment::Shape(s)) = segmentation {
                shapes.push((format!("{}-segmentation", a.id), s));
            }
        } else {
            match segmentation {
                Some(Segment::Shape(s)) => shapes.push((a.id.to_string(), s)),
                Some(Segment::Bbox) | None => match bbox {
                    Some([x0, y0, x1, y1]) => {
                        shapes.push((a.id.to_string(), Shape::Box(BoxShape { x0, y0, x1, y1 })))
                    }
                    None => {
                        return Err(err(
                            place(""),
                            "annotation has neither a segmentation, a bbox nor keypoints".into(),
                        ))
                    }
                },
            }
        }
        let label_name = label.name.clone();
        let task = &mut dataset.tasks[ti];
        for (id, shape) in shapes {
            if task.annotations.iter().any(|x| x.id.0 == id) {
                return Err(err(
                    place(".id"),
                    format!("annotation id {id} is used twice on one image"),
                ));
            }
            task.annotations.push(Annotation {
                id: AnnotationId(id),
                label: label_name.clone(),
                shape,
                attributes: attributes.clone(),
                origin: origin.clone(),
                hidden: false,
                locked: false,
                z: 0,
            });
        }
    }
    Ok(())
}

/// A segmentation read from COCO: a shape, or the `bbox` rectangle (which adds nothing).
enum Segment {
    Shape(Shape),
    Bbox,
}

fn read_segmentation(
    value: &Value,
    bbox: Option<[f64; 4]>,
    w: u32,
    h: u32,
    file: &str,
    place: &str,
) -> Result<Option<Segment>, FormatError> {
    let err = |location: String, message: String| FormatError::at(file, location, message);
    match value {
        Value::Null => Ok(None),
        Value::Array(rings) if rings.is_empty() => Ok(None),
        Value::Array(rings) => {
            let mut parts = Vec::new();
            for (r, ring) in rings.iter().enumerate() {
                let at = format!("{place}[{r}]");
                let Some(numbers) = ring.as_array() else {
                    return Err(err(at, "a polygon must be a list of numbers".into()));
                };
                if numbers.len() % 2 != 0 {
                    return Err(err(
                        at,
                        format!(
                            "a polygon needs x, y pairs; it has {} numbers",
                            numbers.len()
                        ),
                    ));
                }
                let mut exterior = Vec::with_capacity(numbers.len() / 2);
                for (k, pair) in numbers.chunks_exact(2).enumerate() {
                    let coord = |v: &Value, j: usize| -> Result<f64, FormatError> {
                        let loc = format!("{at}[{}]", 2 * k + j);
                        let n = v
                            .as_f64()
                            .ok_or_else(|| err(loc.clone(), format!("{v} is not a number")))?;
                        finite(n, file, &loc)
                    };
                    exterior.push(Point::new(coord(&pair[0], 0)?, coord(&pair[1], 1)?));
                }
                // Rings of fewer than three points enclose nothing (some public datasets have them).
                if exterior.len() >= 3 {
                    parts.push(PolygonPart {
                        exterior,
                        holes: Vec::new(),
                    });
                }
            }
            if parts.is_empty() {
                return Ok(None);
            }
            if let ([only], Some(b)) = (parts.as_slice(), bbox) {
                if is_rectangle(&only.exterior, b) {
                    return Ok(Some(Segment::Bbox));
                }
            }
            Ok(Some(Segment::Shape(Shape::Polygon(PolygonShape { parts }))))
        }
        Value::Object(map) => {
            let size = map
                .get("size")
                .and_then(Value::as_array)
                .and_then(|s| match s.as_slice() {
                    [a, b] => Some((a.as_u64()?, b.as_u64()?)),
                    _ => None,
                })
                .ok_or_else(|| {
                    err(
                        format!("{place}.size"),
                        "RLE needs `size`: [height, width]".into(),
                    )
                })?;
            if size != (u64::from(h), u64::from(w)) {
                return Err(err(
                    format!("{place}.size"),
                    format!(
                        "RLE size [{}, {}] differs from the image's [height {h}, width {w}]",
                        size.0, size.1
                    ),
                ));
            }
            let at = format!("{place}.counts");
            let rle =
                match map.get("counts") {
                    Some(Value::String(s)) => {
                        Rle::from_compressed(s, h, w).map_err(|e| err(at, e.to_string()))?
                    }
                    Some(Value::Array(runs)) => {
                        let mut counts = Vec::with_capacity(runs.len());
                        for (k, run) in runs.iter().enumerate() {
                            let n =
                                run.as_u64()
                                    .and_then(|n| u32::try_from(n).ok())
                                    .ok_or_else(|| {
                                        err(
                                format!("{at}[{k}]"),
                                format!("{run} is not a run length (a whole number below 2^32)"),
                            )
                                    })?;
                            counts.push(n);
                        }
                        let rle = Rle {
                            height: h,
                            width: w,
                            counts,
                        };
                        rle.check().map_err(|e| err(at, e.to_string()))?;
                        rle
                    }
                    _ => {
                        return Err(err(
                            at,
                            "RLE `counts` must be a string or a list of run lengths".into(),
                        ))
                    }
                };
            Ok(Some(Segment::Shape(Shape::Mask(MaskRle {
                width: w,
                height: h,
                counts: rle.counts,
            }))))
        }
        other => Err(err(
            place.to_string(),
            format!("segmentation must be a list of polygons or an RLE object, not {other}"),
        )),
    }
}

/// Whether `ring` is exactly the rectangle `[x0, y0, x1, y1]` as the exporter writes boxes.
fn is_rectangle(ring: &[Point], b: [f64; 4]) -> bool {
    let close = |a: f64, c: f64| (a - c).abs() <= 1e-6 * (1.0 + c.abs());
    let want = [(b[0], b[1]), (b[2], b[1]), (b[2], b[3]), (b[0], b[3])];
    ring.len() == 4
        && ring
            .iter()
            .zip(want)
            .all(|(p, (x, y))| close(p.x, x) && close(p.y, y))
}

fn read_keypoints(
    values: &[f64],
    label: &Label,
    file: &str,
    place: &str,
) -> Result<Vec<Keypoint>, FormatError> {
    let n = label.keypoints.len();
    if values.len() != 3 * n {
        return Err(FormatError::at(
            file,
            place,
            format!(
                "{} numbers, but category {:?} has {n} keypoints (x, y, v each)",
                values.len(),
                label.name
            ),
        ));
    }
    let mut points = Vec::with_capacity(n);
    for (k, (xyv, name)) in values.chunks_exact(3).zip(&label.keypoints).enumerate() {
        let x = finite(xyv[0], file, &format!("{place}[{}]", 3 * k))?;
        let y = finite(xyv[1], file, &format!("{place}[{}]", 3 * k + 1))?;
        let visibility = match xyv[2] {
            0.0 => Visibility::NotLabeled,
            1.0 => Visibility::Occluded,
            2.0 => Visibility::Visible,
            v => {
                return Err(FormatError::at(
                    file,
                    format!("{place}[{}]", 3 * k + 2),
                    format!("visibility must be 0, 1 or 2, not {v}"),
                ))
            }
        };
        points.push(Keypoint {
            name: name.clone(),
            x,
            y,
            visibility,
        });
    }
    Ok(points)
}
