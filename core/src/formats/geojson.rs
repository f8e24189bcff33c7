//! GeoJSON: one FeatureCollection per image under `geojson/<image stem>.geojson`, each
//! annotation a Feature with its class (`label`), id and, for predictions, `score`. A
//! georeferenced image's shapes are written in its map coordinates with its CRS named in the
//! collection (`crs`, as GDAL and QGIS read it); other images' in pixel coordinates (x right,
//! y down). Boxes and rotated boxes become polygons of their corners, polygons with several
//! parts multipolygons, polylines line strings, keypoints multipoints (their names in the
//! feature's `keypoints`); masks are not written. Rings are closed and wound as RFC 7946 asks:
//! outer rings counterclockwise, holes clockwise. Reading turns map coordinates back into
//! pixels through the task's georeferencing (from `crs`/`lasso:transform`, which the writer adds).

use super::common::export_image_name;
use super::json_path::At;
use super::{Dataset, DatasetFiles, Export, FileTree, FormatError};
use crate::model::{
    Annotation, BoxShape, GeoRef, ImageRef, Label, LabelSet, Origin, Point, PolygonPart,
    PolygonShape, Shape, Task,
};
use serde_json::{json, Value};

/// The folder of the per-image files.
pub const DIR: &str = "geojson/";

/// Writes one FeatureCollection per image.
pub fn export(dataset: &Dataset) -> Result<Export, FormatError> {
    let mut files = FileTree::new();
    let mut images = Vec::new();
    for task in &dataset.tasks {
        let name = export_image_name(task);
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
        images.push((task.id.clone(), format!("images/{name}")));
        let geo = task.image.geo.as_ref();
        let map = |p: &Point| -> [f64; 2] {
            let q = geo.map_or(*p, |g| g.to_map(*p));
            [q.x, q.y]
        };
        let features: Vec<Value> = task
            .annotations
            .iter()
            .filter_map(|a| {
                let geometry = geometry(&a.shape, &map)?;
                let mut properties = json!({"label": a.label, "image": name});
                if let Origin::Prediction { score, model } = &a.origin {
                    properties["score"] = json!(score);
                    if !model.is_empty() {
                        properties["model"] = json!(model);
                    }
                }
                if let Shape::Keypoints { points } = &a.shape {
                    properties["keypoints"] =
                        json!(points.iter().map(|k| k.name.clone()).collect::<Vec<_>>());
                }
                Some(json!({"type": "Feature", "id": a.id.0, "geometry": geometry, "properties": properties}))
            })
            .collect();
        let mut collection = json!({
            "type": "FeatureCollection",
            "name": stem,
            "features": features,
            "lasso:image": {"name": name, "width": task.image.width, "height": task.image.height},
        });
        if let Some(g) = geo {
            collection["lasso:transform"] = json!(g.transform);
            if let Some(crs) = &g.crs {
                collection["crs"] = json!({"type": "name", "properties": {"name": ogc_urn(crs)}});
            }
        }
        let text = serde_json::to_vec_pretty(&collection)
            .map_err(|e| FormatError::file(DIR, e.to_string()))?;
        files.insert(format!("{DIR}{stem}.geojson"), text);
    }
    Ok(Export { files, images })
}

/// `EPSG:32633` as the OGC URN GeoJSON readers take (`urn:ogc:def:crs:EPSG::32633`).
fn ogc_urn(crs: &str) -> String {
    match crs.split_once(':') {
        Some((authority, code)) => format!("urn:ogc:def:crs:{authority}::{code}"),
        None => crs.to_string(),
    }
}

/// A shape's GeoJSON geometry with every point through `map`; `None` for masks.
fn geometry(shape: &Shape, map: &dyn Fn(&Point) -> [f64; 2]) -> Option<Value> {
    let ring = |pts: &[Point], outer: bool| -> Vec<[f64; 2]> {
        let mut r: Vec<[f64; 2]> = pts.iter().map(map).collect();
        // Counterclockwise outside, clockwise inside (signed area > 0 is counterclockwise).
        if (signed_area(&r) > 0.0) != outer {
            r.reverse();
        }
        if let Some(&first) = r.first() {
            r.push(first);
        }
        r
    };
    let polygon = |part: &PolygonPart| -> Vec<Vec<[f64; 2]>> {
        std::iter::once(ring(&part.exterior, true))
            .chain(part.holes.iter().map(|h| ring(h, false)))
            .collect()
    };
    Some(match shape {
        Shape::Box(b) => {
            let corners = [
                Point::new(b.x0, b.y0),
                Point::new(b.x1, b.y0),
                Point::new(b.x1, b.y1),
                Point::new(b.x0, b.y1),
            ];
            json!({"type": "Polygon", "coordinates": [ring(&corners, true)]})
        }
        Shape::RotatedBox(r) => {
            json!({"type": "Polygon", "coordinates": [ring(&r.corners(), true)]})
        }
        Shape::Polygon(p) => match p.parts.as_slice() {
            [one] => json!({"type": "Polygon", "coordinates": polygon(one)}),
            parts => json!({
                "type": "MultiPolygon",
                "coordinates": parts.iter().map(polygon).collect::<Vec<_>>(),
            }),
        },
        Shape::Polyline { points } => json!({
            "type": "LineString",
            "coordinates": points.iter().map(map).collect::<Vec<_>>(),
        }),
        Shape::Keypoints { points } => json!({
            "type": "MultiPoint",
            "coordinates": points.iter().map(|k| map(&Point::new(k.x, k.y))).collect::<Vec<_>>(),
        }),
        Shape::Mask(_) => return None,
    })
}

/// Twice the signed area of a ring (positive: counterclockwise with y up).
fn signed_area(r: &[[f64; 2]]) -> f64 {
    (0..r.len())
        .map(|i| {
            let (a, b) = (r[i], r[(i + 1) % r.len()]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum()
}

/// Reads every `geojson/*.geojson` (or `*.geojson` anywhere) as one image each.
pub fn import(files: &DatasetFiles) -> Result<Dataset, FormatError> {
    let paths: Vec<String> = files
        .files
        .paths()
        .filter(|p| p.ends_with(".geojson"))
        .map(str::to_string)
        .collect();
    if paths.is_empty() {
        return Err(FormatError::dataset("no .geojson files found"));
    }
    let mut dataset = Dataset::default();
    let mut names: Vec<String> = Vec::new();
    for path in &paths {
        let text = files.files.text(path)?;
        let doc: Value = serde_json::from_str(text).map_err(|e| FormatError::json(path, &e))?;
        let root = At::root(&doc, path);
        let task = read_collection(&root, path, files, &mut names)?;
        dataset.tasks.push(task);
    }
    dataset.labels = LabelSet {
        labels: names
            .iter()
            .enumerate()
            .map(|(i, n)| Label::new(n, super::palette::color(i)))
            .collect(),
        ..LabelSet::default()
    };
    for task in &mut dataset.tasks {
        task.labels = dataset.labels.clone();
    }
    Ok(dataset)
}

fn read_collection(
    root: &At,
    path: &str,
    files: &DatasetFiles,
    names: &mut Vec<String>,
) -> Result<Task, FormatError> {
    let stem = path
        .rsplit('/')
        .next()
        .unwrap_or(path)
        .trim_end_matches(".geojson")
        .to_string();
    let image = root.get("lasso:image");
    let name = match image.as_ref() {
        Some(i) => i.opt_string("name")?,
        None => None,
    }
    .unwrap_or_else(|| format!("{stem}.jpg"));
    let size = files
        .images
        .values()
        .find(|im| im.path.rsplit('/').next() == Some(name.as_str()))
        .map(|im| (im.width, im.height));
    let (width, height) = match (size, image.as_ref()) {
        (Some(s), _) => s,
        (None, Some(i)) => (
            i.opt_number("width")?.unwrap_or(0.0) as u32,
            i.opt_number("height")?.unwrap_or(0.0) as u32,
        ),
        (None, None) => (0, 0),
    };
    let geo = match root.get("lasso:transform") {
        Some(t) => {
            let n: Vec<f64> = t
                .items()?
                .iter()
                .map(|v| v.number())
                .collect::<Result<_, _>>()?;
            let transform: [f64; 6] = n
                .try_into()
                .map_err(|_| t.error("the transform has six numbers"))?;
            let crs = root
                .get("crs")
                .and_then(|c| c.get("properties"))
                .map(|p| p.opt_string("name"))
                .transpose()?
                .flatten()
                .map(|urn| urn.replace("urn:ogc:def:crs:", "").replace("::", ":"));
            Some(GeoRef { transform, crs })
        }
        None => None,
    };
    let to_pixel = |v: &At| -> Result<Point, FormatError> {
        let xy = v.items()?;
        let (x, y) = match xy.as_slice() {
            [x, y, ..] => (x.number()?, y.number()?),
            _ => return Err(v.error("a position has two numbers")),
        };
        match &geo {
            Some(g) => g
                .to_image(Point::new(x, y))
                .ok_or_else(|| v.error("the transform cannot be inverted")),
            None => Ok(Point::new(x, y)),
        }
    };
    let mut task = Task {
        id: stem.clone(),
        image: ImageRef {
            src: format!("images/{name}"),
            name,
            width,
            height,
            geo: geo.clone(),
            ..Default::default()
        },
        ..Default::default()
    };
    for (i, f) in root.items_of("features")?.iter().enumerate() {
        let props = f.get("properties");
        let label = props
            .as_ref()
            .map(|p| p.opt_string("label"))
            .transpose()?
            .flatten()
            .ok_or_else(|| f.error_at("properties.label", "missing: the feature's class"))?;
        let geometry = f
            .get("geometry")
            .ok_or_else(|| f.error_at("geometry", "missing"))?;
        let Some(shape) = shape_of(&geometry, &to_pixel, props.as_ref())? else {
            continue;
        };
        if !names.contains(&label) {
            names.push(label.clone());
        }
        let id = f.opt_string("id")?.unwrap_or_else(|| format!("{stem}-{i}"));
        let mut a = Annotation::new(id, label, shape);
        if let Some(score) = props
            .as_ref()
            .map(|p| p.opt_number("score"))
            .transpose()?
            .flatten()
        {
            let model = props
                .as_ref()
                .map(|p| p.opt_string("model"))
                .transpose()?
                .flatten()
                .unwrap_or_default();
            a.origin = Origin::Prediction { score, model };
        }
        task.annotations.push(a);
    }
    Ok(task)
}

/// The shape of a geometry; `None` for kinds with no shape (points, collections).
fn shape_of(
    g: &At,
    to_pixel: &dyn Fn(&At) -> Result<Point, FormatError>,
    props: Option<&At>,
) -> Result<Option<Shape>, FormatError> {
    let kind = g.opt_string("type")?.unwrap_or_default();
    let coords = g
        .get("coordinates")
        .ok_or_else(|| g.error_at("coordinates", "missing"))?;
    let line =
        |c: &At| -> Result<Vec<Point>, FormatError> { c.items()?.iter().map(to_pixel).collect() };
    // Rings come closed: the repeated first point is dropped.
    let ring = |c: &At| -> Result<Vec<Point>, FormatError> {
        let mut r = line(c)?;
        if r.len() > 1 && r.first() == r.last() {
            r.pop();
        }
        Ok(r)
    };
    let part = |c: &At| -> Result<PolygonPart, FormatError> {
        let rings = c.items()?;
        let (outer, holes) = rings
            .split_first()
            .ok_or_else(|| c.error("a polygon has an outer ring"))?;
        Ok(PolygonPart {
            exterior: ring(outer)?,
            holes: holes.iter().map(ring).collect::<Result<_, _>>()?,
        })
    };
    Ok(Some(match kind.as_str() {
        "Polygon" => {
            let p = part(&coords)?;
            // A written box comes back as the box it was.
            match box_of(&p) {
                Some(b) => Shape::Box(b),
                None => Shape::Polygon(PolygonShape { parts: vec![p] }),
            }
        }
        "MultiPolygon" => Shape::Polygon(PolygonShape {
            parts: coords.items()?.iter().map(part).collect::<Result<_, _>>()?,
        }),
        "LineString" => Shape::Polyline {
            points: line(&coords)?,
        },
        "MultiPoint" => {
            let names: Vec<String> = match props.and_then(|p| p.get("keypoints")) {
                Some(k) => k
                    .items()?
                    .iter()
                    .map(|n| n.value.as_str().unwrap_or_default().to_string())
                    .collect(),
                None => Vec::new(),
            };
            Shape::Keypoints {
                points: line(&coords)?
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| crate::model::Keypoint {
                        name: names.get(i).cloned().unwrap_or_else(|| format!("p{i}")),
                        x: p.x,
                        y: p.y,
                        visibility: Default::default(),
                    })
                    .collect(),
            }
        }
        _ => return Ok(None),
    }))
}

/// The axis-aligned box a four-corner ring without holes traces, if it is one (to a millionth
/// of a pixel: map coordinates turned back into pixels carry rounding).
fn box_of(p: &PolygonPart) -> Option<BoxShape> {
    if p.exterior.len() != 4 || !p.holes.is_empty() {
        return None;
    }
    let near = |a: f64, b: f64| (a - b).abs() < 1e-6;
    let x0 = p.exterior.iter().map(|q| q.x).fold(f64::INFINITY, f64::min);
    let x1 = p
        .exterior
        .iter()
        .map(|q| q.x)
        .fold(f64::NEG_INFINITY, f64::max);
    let y0 = p.exterior.iter().map(|q| q.y).fold(f64::INFINITY, f64::min);
    let y1 = p
        .exterior
        .iter()
        .map(|q| q.y)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut seen = [false; 4];
    for q in &p.exterior {
        let corner = match (
            (near(q.x, x0), near(q.x, x1)),
            (near(q.y, y0), near(q.y, y1)),
        ) {
            ((true, false), (true, false)) => 0,
            ((false, true), (true, false)) => 1,
            ((false, true), (false, true)) => 2,
            ((true, false), (false, true)) => 3,
            _ => return None,
        };
        seen[corner] = true;
    }
    let round = |v: f64| {
        let r = v.round();
        if near(v, r) {
            r
        } else {
            v
        }
    };
    (seen.iter().all(|s| *s) && x1 > x0 && y1 > y0).then(|| BoxShape {
        x0: round(x0),
        y0: round(y0),
        x1: round(x1),
        y1: round(y1),
    })
}

#[cfg(test)]
#[path = "geojson_tests.rs"]
mod tests;
