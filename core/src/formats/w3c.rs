//! W3C Web Annotations (the data model Annotorious reads and writes): `w3c.json` holds a JSON
//! array of annotations, each with its class as a `tagging` body and its shape as a selector on
//! the image — a media-fragment box (`xywh=pixel:x,y,w,h`) or an SVG polygon, polyline or path
//! (polygons with holes or several parts as one path, filled even-odd). Whole-image tags are
//! annotations whose target is the image itself. Readers also take a single annotation, an
//! `AnnotationPage`/`AnnotationCollection` (`items`/`first.items`) and `xywh=percent:` boxes.

use super::common::{base_name, export_image_name};
use super::json_path::At;
use super::{xml, Dataset, DatasetFiles, Export, FileTree, FormatError};
use crate::model::{
    Annotation, BoxShape, ImageRef, Label, LabelSet, Point, PolygonPart, PolygonShape, Shape, Task,
};
use geo::{Contains, Coord, LineString, Polygon as GeoPolygon};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The file of a W3C annotation dataset.
pub const FILE: &str = "w3c.json";

/// The JSON-LD context of the Web Annotation model.
const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// The media fragments specification a box selector conforms to.
const MEDIA_FRAGMENTS: &str = "http://www.w3.org/TR/media-frags/";

/// Writes every annotation (and every task's tags) as a Web Annotation.
pub fn export(dataset: &Dataset) -> Result<Export, FormatError> {
    let mut out = Vec::new();
    let mut images = Vec::new();
    for task in &dataset.tasks {
        let name = export_image_name(task);
        let source = if task.image.src.is_empty() {
            name.clone()
        } else {
            task.image.src.clone()
        };
        images.push((task.id.clone(), format!("images/{name}")));
        for a in &task.annotations {
            let Some(selector) = selector(&a.shape) else {
                continue;
            };
            out.push(json!({
                "@context": CONTEXT,
                "type": "Annotation",
                "id": format!("#{}", a.id.0),
                "body": [{"type": "TextualBody", "purpose": "tagging", "value": a.label}],
                "target": {"source": source, "selector": selector},
            }));
        }
        if !task.tags.is_empty() {
            let bodies: Vec<Value> = task
                .tags
                .iter()
                .map(|t| json!({"type": "TextualBody", "purpose": "tagging", "value": t}))
                .collect();
            out.push(json!({
                "@context": CONTEXT,
                "type": "Annotation",
                "id": format!("#{}-tags", task.id),
                "body": bodies,
                "target": source,
            }));
        }
    }
    let text =
        serde_json::to_vec_pretty(&out).map_err(|e| FormatError::file(FILE, e.to_string()))?;
    let mut files = FileTree::new();
    files.insert(FILE, text);
    Ok(Export { files, images })
}

/// The selector of a shape, written as Annotorious writes it; `None` for shapes the model has
/// no selector for (keypoints, masks).
fn selector(shape: &Shape) -> Option<Value> {
    let svg =
        |inner: String| json!({"type": "SvgSelector", "value": format!("<svg>{inner}</svg>")});
    Some(match shape {
        Shape::Box(b) => json!({
            "type": "FragmentSelector",
            "conformsTo": MEDIA_FRAGMENTS,
            "value": format!("xywh=pixel:{},{},{},{}", b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0),
        }),
        Shape::RotatedBox(r) => svg(format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" transform=\"rotate({} {} {})\" />",
            r.cx - r.w / 2.0,
            r.cy - r.h / 2.0,
            r.w,
            r.h,
            r.angle,
            r.cx,
            r.cy
        )),
        Shape::Polygon(p) => match p.parts.as_slice() {
            [part] if part.holes.is_empty() => {
                svg(format!("<polygon points=\"{}\" />", points(&part.exterior)))
            }
            parts => svg(format!(
                "<g>{}</g>",
                parts
                    .iter()
                    .map(|part| {
                        let rings: Vec<String> = std::iter::once(&part.exterior)
                            .chain(&part.holes)
                            .map(|ring| format!("{} Z", path_of(ring)))
                            .collect();
                        format!("<path fill-rule=\"evenodd\" d=\"{}\" />", rings.join(" "))
                    })
                    .collect::<String>()
            )),
        },
        // An open path: Annotorious reads paths without `Z` as lines.
        Shape::Polyline { points: line } => svg(format!("<path d=\"{}\" />", path_of(line))),
        Shape::Keypoints { .. } | Shape::Mask(_) => return None,
    })
}

/// `M x,y L x,y …`.
fn path_of(ps: &[Point]) -> String {
    ps.iter()
        .enumerate()
        .map(|(i, p)| format!("{} {},{}", if i == 0 { "M" } else { "L" }, p.x, p.y))
        .collect::<Vec<_>>()
        .join(" ")
}

fn points(ps: &[Point]) -> String {
    ps.iter()
        .map(|p| format!("{},{}", p.x, p.y))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads `w3c.json` (or the one `.json`/`.jsonld` file of the folder).
pub fn import(files: &DatasetFiles) -> Result<Dataset, FormatError> {
    let file = if files.files.get(FILE).is_some() {
        FILE.to_string()
    } else {
        let found: Vec<&str> = files
            .files
            .paths()
            .filter(|p| p.ends_with(".json") || p.ends_with(".jsonld"))
            .collect();
        match found.as_slice() {
            [one] => (*one).to_string(),
            _ => {
                return Err(FormatError::dataset(format!(
                    "no {FILE} (Web Annotations) found"
                )))
            }
        }
    };
    let text = files.files.text(&file)?;
    let doc: Value = serde_json::from_str(text).map_err(|e| FormatError::json(&file, &e))?;
    let root = At::root(&doc, &file);
    let list = annotations_of(&root)?;
    let mut dataset = Dataset::default();
    let mut task_of: BTreeMap<String, usize> = BTreeMap::new();
    let mut labels: Vec<String> = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let (source, selector) = target(item)?;
        let at = *task_of.entry(source.clone()).or_insert_with(|| {
            let name = base_name(&source).to_string();
            let (width, height) = files
                .images
                .values()
                .find(|im| base_name(&im.path) == name)
                .map_or((0, 0), |im| (im.width, im.height));
            // The file's stem, made unique where two folders hold images of one name.
            let stem = name
                .rsplit_once('.')
                .map_or(name.as_str(), |(stem, _)| stem);
            let taken = |id: &str| dataset.tasks.iter().any(|t| t.id == id);
            let id = (1..)
                .map(|n| {
                    if n == 1 {
                        stem.to_string()
                    } else {
                        format!("{stem}-{n}")
                    }
                })
                .find(|id| !taken(id))
                .unwrap_or_default();
            dataset.tasks.push(Task {
                id,
                image: ImageRef {
                    src: source.clone(),
                    name: name.clone(),
                    width,
                    height,
                    ..Default::default()
                },
                ..Default::default()
            });
            dataset.tasks.len() - 1
        });
        let values = tagging_values(item)?;
        let task = &mut dataset.tasks[at];
        let Some(selector) = selector else {
            // The whole image: its tags.
            for v in values {
                if !task.tags.contains(&v) {
                    task.tags.push(v);
                }
            }
            continue;
        };
        let label = values
            .into_iter()
            .next()
            .ok_or_else(|| item.error("no tagging body names the annotation's class"))?;
        let shape = shape_of(&selector, &task.image)?;
        if !labels.contains(&label) {
            labels.push(label.clone());
        }
        let id = item
            .opt_string("id")?
            .map(|id| id.trim_start_matches('#').to_string())
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| format!("w3c-{i}"));
        task.annotations.push(Annotation::new(id, label, shape));
    }
    let tags: Vec<String> = dataset
        .tasks
        .iter()
        .flat_map(|t| t.tags.iter().cloned())
        .fold(Vec::new(), |mut all, t| {
            if !all.contains(&t) {
                all.push(t);
            }
            all
        });
    dataset.labels = LabelSet {
        labels: labels
            .iter()
            .enumerate()
            .map(|(i, name)| Label::new(name, super::palette::color(i)))
            .collect(),
        tags,
        multi_tag: true,
    };
    for task in &mut dataset.tasks {
        task.labels = dataset.labels.clone();
    }
    Ok(dataset)
}

/// The annotations of a document: an array, one annotation, or a page or collection of them.
fn annotations_of<'a>(root: &At<'a>) -> Result<Vec<At<'a>>, FormatError> {
    if root.value.is_array() {
        return root.items();
    }
    if let Some(items) = root.get("items") {
        return items.items();
    }
    if let Some(items) = root.get("first").and_then(|f| f.get("items")) {
        return items.items();
    }
    if root.get("target").is_some() {
        return Ok(vec![root.clone()]);
    }
    Err(root.error("expected Web Annotations: an array, an annotation or an AnnotationPage"))
}

/// The target's image and its selector (`None`: the whole image).
fn target<'a>(item: &At<'a>) -> Result<(String, Option<At<'a>>), FormatError> {
    let target = item
        .get("target")
        .ok_or_else(|| item.error_at("target", "missing: what the annotation is about"))?;
    let target = match target.value {
        Value::Array(_) => target
            .items()?
            .into_iter()
            .next()
            .ok_or_else(|| target.error("an empty list of targets"))?,
        _ => target,
    };
    if let Some(source) = target.value.as_str() {
        return Ok((source.to_string(), None));
    }
    let source = target
        .opt_string("source")?
        .or(target.opt_string("id")?)
        .ok_or_else(|| target.error_at("source", "missing: the image the annotation is on"))?;
    let selector = match target.get("selector") {
        Some(s) if s.value.is_array() => {
            let all = s.items()?;
            let known = all.iter().find(|s| {
                matches!(
                    s.value.get("type").and_then(Value::as_str),
                    Some("FragmentSelector" | "SvgSelector")
                )
            });
            Some(
                known
                    .cloned()
                    .ok_or_else(|| s.error("no FragmentSelector or SvgSelector"))?,
            )
        }
        other => other,
    };
    Ok((source, selector))
}

/// The values of the `tagging` (or `classifying`) bodies, else of every textual body.
fn tagging_values(item: &At) -> Result<Vec<String>, FormatError> {
    let bodies = match item.get("body") {
        None => return Ok(Vec::new()),
        Some(b) if b.value.is_array() => b.items()?,
        Some(b) => vec![b],
    };
    let mut tagged = Vec::new();
    let mut other = Vec::new();
    for b in &bodies {
        let Some(value) = b.opt_string("value")? else {
            continue;
        };
        match b.value.get("purpose").and_then(Value::as_str) {
            Some("tagging" | "classifying") => tagged.push(value),
            Some("commenting" | "replying" | "describing") => {}
            _ => other.push(value),
        }
    }
    Ok(if tagged.is_empty() { other } else { tagged })
}

/// The shape a selector describes, in pixels of `image`.
fn shape_of(selector: &At, image: &ImageRef) -> Result<Shape, FormatError> {
    let kind = selector.opt_string("type")?.unwrap_or_default();
    let value = selector
        .opt_string("value")?
        .ok_or_else(|| selector.error_at("value", "missing"))?;
    match kind.as_str() {
        "FragmentSelector" => {
            fragment_box(&value, image).map_err(|m| selector.error_at("value", m))
        }
        "SvgSelector" => svg_shape(&value).map_err(|m| selector.error_at("value", m)),
        other => Err(selector.error_at("type", format!("{other:?} selectors are not read"))),
    }
}

/// `xywh=[pixel:|percent:]x,y,w,h` as a box.
fn fragment_box(value: &str, image: &ImageRef) -> Result<Shape, String> {
    let spec = value
        .trim()
        .strip_prefix("xywh=")
        .ok_or_else(|| format!("{value:?} is not a media fragment xywh=…"))?;
    let (percent, numbers) = match spec.split_once(':') {
        Some(("pixel", rest)) => (false, rest),
        Some(("percent", rest)) => (true, rest),
        Some((unit, _)) => return Err(format!("unit {unit:?} is not pixel or percent")),
        None => (false, spec),
    };
    let n: Vec<f64> = numbers
        .split(',')
        .map(|v| v.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect::<Option<_>>()
        .ok_or_else(|| format!("{numbers:?} is not four numbers"))?;
    let [x, y, w, h] = n[..] else {
        return Err(format!("{numbers:?} is not four numbers"));
    };
    let (sx, sy) = if percent {
        if image.width == 0 || image.height == 0 {
            return Err("a box in percent needs the image's size, which is unknown".into());
        }
        (
            f64::from(image.width) / 100.0,
            f64::from(image.height) / 100.0,
        )
    } else {
        (1.0, 1.0)
    };
    Ok(Shape::Box(BoxShape::from_corners(
        Point::new(x * sx, y * sy),
        Point::new((x + w) * sx, (y + h) * sy),
    )))
}

/// The shape an SVG fragment draws: its first `<rect>` (a box, or a rotated box under
/// `rotate(…)`), `<polygon>`, `<polyline>`, `<line>`, `<ellipse>` (a 64-gon) or its `<path>`s (each
/// closed path a part with its holes; an open one a line).
fn svg_shape(value: &str) -> Result<Shape, String> {
    let root = xml::parse(value, "").map_err(|e| format!("not SVG: {}", e.message))?;
    let mut elements = Vec::new();
    let mut stack = vec![&root];
    while let Some(e) = stack.pop() {
        elements.push(e);
        stack.extend(e.children.iter().rev());
    }
    let first = elements
        .iter()
        .find(|e| {
            matches!(
                e.name.as_str(),
                "polygon" | "polyline" | "path" | "rect" | "line" | "ellipse"
            )
        })
        .ok_or("no rect, polygon, polyline, line, ellipse or path in the SVG")?;
    let num = |e: &xml::Element, k: &str| -> Result<f64, String> {
        let text = e.attr(k).ok_or(format!("<{}> has no {k}", e.name))?;
        text.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or(format!("<{}> {k} {text:?} is not a number", e.name))
    };
    let attr = |e: &xml::Element, k: &str| {
        e.attr(k)
            .map(str::to_string)
            .ok_or(format!("<{}> has no {k}", e.name))
    };
    match first.name.as_str() {
        "polygon" => Ok(Shape::Polygon(PolygonShape {
            parts: vec![PolygonPart {
                exterior: point_list(&attr(first, "points")?)?,
                holes: Vec::new(),
            }],
        })),
        "polyline" => Ok(Shape::Polyline {
            points: point_list(&attr(first, "points")?)?,
        }),
        "line" => Ok(Shape::Polyline {
            points: vec![
                Point::new(num(first, "x1")?, num(first, "y1")?),
                Point::new(num(first, "x2")?, num(first, "y2")?),
            ],
        }),
        "ellipse" => {
            let (cx, cy, rx, ry) = (
                num(first, "cx")?,
                num(first, "cy")?,
                num(first, "rx")?,
                num(first, "ry")?,
            );
            let ring = (0..64)
                .map(|i| {
                    let t = f64::from(i) * std::f64::consts::TAU / 64.0;
                    Point::new(cx + rx * t.cos(), cy + ry * t.sin())
                })
                .collect();
            Ok(Shape::Polygon(PolygonShape {
                parts: vec![PolygonPart {
                    exterior: ring,
                    holes: Vec::new(),
                }],
            }))
        }
        "rect" => {
            let x = first.attr("x").map_or(Ok(0.0), |_| num(first, "x"))?;
            let y = first.attr("y").map_or(Ok(0.0), |_| num(first, "y"))?;
            let (w, h) = (num(first, "width")?, num(first, "height")?);
            match first.attr("transform").map(rotation).transpose()? {
                Some((angle, centre)) if angle != 0.0 => {
                    // The rectangle turned about `centre` (its own centre unless given).
                    let (px, py) = centre.unwrap_or((x + w / 2.0, y + h / 2.0));
                    let (ox, oy) = (x + w / 2.0 - px, y + h / 2.0 - py);
                    let (sin, cos) = angle.to_radians().sin_cos();
                    Ok(Shape::RotatedBox(crate::model::RotatedBox {
                        cx: px + ox * cos - oy * sin,
                        cy: py + ox * sin + oy * cos,
                        w,
                        h,
                        angle,
                    }))
                }
                _ => Ok(Shape::Box(BoxShape::from_corners(
                    Point::new(x, y),
                    Point::new(x + w, y + h),
                ))),
            }
        }
        _ => {
            let paths: Vec<String> = elements
                .iter()
                .filter(|e| e.name == "path")
                .map(|e| attr(e, "d"))
                .collect::<Result<_, _>>()?;
            paths_shape(&paths)
        }
    }
}

/// `rotate(a [cx cy])`: the angle in degrees and the centre, if given.
fn rotation(transform: &str) -> Result<(f64, Option<(f64, f64)>), String> {
    let inner = transform
        .trim()
        .strip_prefix("rotate(")
        .and_then(|t| t.strip_suffix(')'))
        .ok_or_else(|| format!("transform {transform:?} is not a rotate(…)"))?;
    let n: Vec<f64> = inner
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .map(|t| t.parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect::<Option<_>>()
        .ok_or_else(|| format!("transform {transform:?} holds something not a number"))?;
    match n[..] {
        [a] => Ok((a, None)),
        [a, cx, cy] => Ok((a, Some((cx, cy)))),
        _ => Err(format!(
            "transform {transform:?} is not rotate(a) or rotate(a cx cy)"
        )),
    }
}

/// `x,y x,y …` (commas or spaces between numbers).
fn point_list(text: &str) -> Result<Vec<Point>, String> {
    let n: Vec<f64> = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect::<Option<_>>()
        .ok_or_else(|| format!("points {text:?} are not numbers"))?;
    if !n.len().is_multiple_of(2) || n.len() < 4 {
        return Err(format!(
            "points {text:?} are not pairs of at least two points"
        ));
    }
    Ok(n.chunks(2).map(|c| Point::new(c[0], c[1])).collect())
}

/// Paths as a shape: open (no `Z`), the first is a line; closed, each path is a part — its
/// first ring the outline, each later ring inside it a hole, any other ring a part of its own.
fn paths_shape(paths: &[String]) -> Result<Shape, String> {
    if let Some(open) = paths.first().filter(|d| !d.contains(['Z', 'z'])) {
        let rings = path_rings(open)?;
        let points = rings.into_iter().flatten().collect::<Vec<_>>();
        if points.len() < 2 {
            return Err("the path draws no line".into());
        }
        return Ok(Shape::Polyline { points });
    }
    let mut parts: Vec<PolygonPart> = Vec::new();
    for d in paths {
        let rings = path_rings(d)?;
        let mut own: Vec<PolygonPart> = Vec::new();
        for ring in rings.into_iter().filter(|r| r.len() >= 3) {
            let inside = own.iter_mut().find(|p| {
                let outline: Vec<Coord> = p
                    .exterior
                    .iter()
                    .map(|q| Coord { x: q.x, y: q.y })
                    .collect();
                let area = GeoPolygon::new(LineString::from(outline), Vec::new());
                ring.first()
                    .is_some_and(|pt| area.contains(&geo::Point::new(pt.x, pt.y)))
            });
            match inside {
                Some(part) => part.holes.push(ring),
                None => own.push(PolygonPart {
                    exterior: ring,
                    holes: Vec::new(),
                }),
            }
        }
        parts.extend(own);
    }
    if parts.is_empty() {
        return Err("the path draws no ring".into());
    }
    Ok(Shape::Polygon(PolygonShape { parts }))
}

/// The subpaths of path data (`M`, `L`, `H`, `V`, `Z`, absolute or relative), as point lists.
fn path_rings(d: &str) -> Result<Vec<Vec<Point>>, String> {
    // Commands and numbers as tokens.
    let mut tokens: Vec<String> = Vec::new();
    let mut number = String::new();
    for c in d.chars() {
        if c.is_ascii_alphabetic() && c != 'e' && c != 'E' {
            if !number.is_empty() {
                tokens.push(std::mem::take(&mut number));
            }
            tokens.push(c.to_string());
        } else if c == ','
            || c.is_whitespace()
            || (c == '-' && !number.is_empty() && !number.ends_with(['e', 'E']))
        {
            if !number.is_empty() {
                tokens.push(std::mem::take(&mut number));
            }
            if c == '-' {
                number.push(c);
            }
        } else {
            number.push(c);
        }
    }
    if !number.is_empty() {
        tokens.push(number);
    }
    let mut rings = Vec::new();
    let mut ring: Vec<Point> = Vec::new();
    let mut pos = Point::new(0.0, 0.0);
    // Where the current subpath began: `Z` returns there.
    let mut start = pos;
    let mut command = 'M';
    let mut i = 0;
    let num = |t: Option<&String>| -> Result<f64, String> {
        t.and_then(|s| s.parse::<f64>().ok())
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("path {d:?}: expected a number"))
    };
    while i < tokens.len() {
        if let Some(c) = tokens[i].chars().next().filter(|c| c.is_ascii_alphabetic()) {
            command = c;
            i += 1;
            if c == 'Z' || c == 'z' {
                if !ring.is_empty() {
                    rings.push(std::mem::take(&mut ring));
                }
                pos = start;
                continue;
            }
        }
        let relative = command.is_ascii_lowercase();
        let base = if relative { pos } else { Point::new(0.0, 0.0) };
        match command.to_ascii_uppercase() {
            'M' | 'L' => {
                let (x, y) = (num(tokens.get(i))?, num(tokens.get(i + 1))?);
                i += 2;
                if command.eq_ignore_ascii_case(&'M') && !ring.is_empty() {
                    rings.push(std::mem::take(&mut ring));
                }
                pos = Point::new(base.x + x, base.y + y);
                if command.eq_ignore_ascii_case(&'M') {
                    start = pos;
                }
                ring.push(pos);
                // Coordinates after a moveto are linetos.
                command = if relative { 'l' } else { 'L' };
            }
            'H' => {
                let x = num(tokens.get(i))?;
                i += 1;
                pos = Point::new(if relative { pos.x + x } else { x }, pos.y);
                ring.push(pos);
            }
            'V' => {
                let y = num(tokens.get(i))?;
                i += 1;
                pos = Point::new(pos.x, if relative { pos.y + y } else { y });
                ring.push(pos);
            }
            other => {
                return Err(format!(
                    "path command {other:?} is not read (only M, L, H, V, Z)"
                ))
            }
        }
    }
    if !ring.is_empty() {
        rings.push(ring);
    }
    Ok(rings)
}

#[cfg(test)]
#[path = "w3c_tests.rs"]
mod tests;
