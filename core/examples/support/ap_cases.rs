//! Generated pairs of annotators for COCO AP: a reference dataset and a candidate that found
//! most of its shapes (moved a little), missed some, added some and mixed up a few classes;
//! boxes, rotated boxes, polygons (with and without holes) and masks, some crowds, scored and
//! unscored (where ties decide), written as COCO with the exporter.

use lasso_core::formats::{self, Dataset, ExportOptions, FormatName, MaskEncoding};
use lasso_core::model::{
    Annotation, AttributeValue, BoxShape, ImageRef, Label, LabelSet, Origin, Point, PolygonPart,
    PolygonShape, RotatedBox, Shape, Task,
};
use lasso_core::quality::{coco_scores, IouType};
use lasso_core::raster::polygon::shape_polygon_to_rle;
use serde_json::{json, Value};

use super::gen::Gen;

const CLASSES: [&str; 3] = ["car", "person", "dog"];

fn ring(g: &mut Gen, cx: f64, cy: f64, r: f64) -> Vec<Point> {
    let n = 3 + g.below(6) as usize;
    (0..n)
        .map(|i| {
            let a = i as f64 / n as f64 * std::f64::consts::TAU;
            let rr = r * (0.6 + 0.4 * g.unit());
            Point::new(cx + rr * a.cos(), cy + rr * a.sin())
        })
        .collect()
}

fn shape(g: &mut Gen, w: f64, h: f64) -> Shape {
    let s = 2.0 + g.unit() * w.min(h) * 0.5;
    let (x, y) = (g.unit() * (w - s), g.unit() * (h - s));
    match g.below(5) {
        0 | 1 => Shape::Box(BoxShape::from_corners(
            Point::new(x, y),
            Point::new(x + s, y + s * (0.5 + g.unit())),
        )),
        2 => Shape::RotatedBox(RotatedBox {
            cx: x + s / 2.0,
            cy: y + s / 2.0,
            w: s,
            h: s * 0.6,
            angle: g.unit() * 90.0,
        }),
        3 => {
            let exterior = ring(g, x + s / 2.0, y + s / 2.0, s / 2.0);
            let holes = if g.below(3) == 0 {
                vec![ring(g, x + s / 2.0, y + s / 2.0, s / 6.0)]
            } else {
                vec![]
            };
            Shape::Polygon(PolygonShape {
                parts: vec![PolygonPart { exterior, holes }],
            })
        }
        _ => {
            let p = PolygonShape::simple(ring(g, x + s / 2.0, y + s / 2.0, s / 2.0));
            let rle = shape_polygon_to_rle(&p, h as u32, w as u32);
            Shape::Mask(rle.to_model())
        }
    }
}

/// The same shape a little off, as a second person would draw it.
fn jitter(g: &mut Gen, s: &Shape, spread: f64) -> Shape {
    let mut d = || (g.unit() - 0.5) * spread;
    match s {
        Shape::Box(b) => Shape::Box(BoxShape::from_corners(
            Point::new(b.x0 + d(), b.y0 + d()),
            Point::new(b.x1 + d(), b.y1 + d()),
        )),
        Shape::RotatedBox(r) => Shape::RotatedBox(RotatedBox {
            cx: r.cx + d(),
            cy: r.cy + d(),
            angle: r.angle + d(),
            ..*r
        }),
        Shape::Polygon(p) => Shape::Polygon(PolygonShape {
            parts: p
                .parts
                .iter()
                .map(|part| PolygonPart {
                    exterior: part
                        .exterior
                        .iter()
                        .map(|q| Point::new(q.x + d(), q.y + d()))
                        .collect(),
                    holes: part.holes.clone(),
                })
                .collect(),
        }),
        other => other.clone(),
    }
}

fn dataset(tasks: Vec<Task>) -> Dataset {
    Dataset {
        labels: LabelSet {
            labels: CLASSES.iter().map(|c| Label::new(*c, "#888888")).collect(),
            ..LabelSet::default()
        },
        tasks,
        ..Dataset::default()
    }
}

fn coco(d: &Dataset) -> Value {
    let export = formats::export(
        FormatName::Coco,
        d,
        &ExportOptions {
            masks: MaskEncoding::Rle,
            polygons_as_rle: false,
        },
    )
    .expect("export");
    let (_, bytes) = export.files.iter().next().expect("one file");
    serde_json::from_slice(bytes).expect("JSON")
}

/// `count` cases: both datasets as COCO JSON, and lasso-core's figures for boxes and masks.
pub fn cases(g: &mut Gen, count: usize) -> Vec<Value> {
    (0..count)
        .map(|case| {
            let scored = case % 2 == 0;
            let spread = [0.5, 3.0, 10.0][case % 3];
            let mut reference = Vec::new();
            let mut candidate = Vec::new();
            for i in 0..1 + g.below(5) {
                let (w, h) = (60 + g.below(240) as u32, 60 + g.below(240) as u32);
                let image = ImageRef {
                    src: format!("{i}.png"),
                    name: format!("{i}.png"),
                    width: w,
                    height: h,
                    ..Default::default()
                };
                // Unnumbered ids every other case: COCO's image order then follows the tasks.
                let id = if case % 4 < 2 {
                    format!("{}", 10 - i)
                } else {
                    format!("t{i}")
                };
                let mut ra = Vec::new();
                let mut ca = Vec::new();
                for k in 0..g.below(9) {
                    let label = CLASSES[g.below(3) as usize];
                    let s = shape(g, f64::from(w), f64::from(h));
                    let mut a = Annotation::new(format!("{i}-{k}"), label, s.clone());
                    if g.below(12) == 0 {
                        a.attributes
                            .insert("iscrowd".into(), AttributeValue::Bool(true));
                    }
                    ra.push(a);
                    if g.below(6) == 0 {
                        continue; // missed
                    }
                    let label = if g.below(10) == 0 {
                        CLASSES[g.below(3) as usize]
                    } else {
                        label
                    };
                    let mut b = Annotation::new(format!("{i}-{k}"), label, jitter(g, &s, spread));
                    if scored {
                        b.origin = Origin::Prediction {
                            score: (g.below(20) as f64) / 20.0,
                            model: String::new(),
                        };
                    }
                    ca.push(b);
                }
                for k in 0..g.below(3) {
                    let mut b = Annotation::new(
                        format!("{i}-x{k}"),
                        CLASSES[g.below(3) as usize],
                        shape(g, f64::from(w), f64::from(h)),
                    );
                    if scored {
                        b.origin = Origin::Prediction {
                            score: g.unit(),
                            model: String::new(),
                        };
                    }
                    ca.push(b);
                }
                reference.push(Task {
                    id: id.clone(),
                    image: image.clone(),
                    annotations: ra,
                    ..Task::default()
                });
                candidate.push(Task {
                    id,
                    image,
                    annotations: ca,
                    ..Task::default()
                });
            }
            let bbox = coco_scores(&reference, &candidate, IouType::Bbox).expect("boxes");
            let segm = coco_scores(&reference, &candidate, IouType::Segm).expect("masks");
            json!({
                "reference": coco(&dataset(reference)),
                "candidate": coco(&dataset(candidate)),
                "bbox": bbox.stats,
                "segm": segm.stats,
                "bbox_classes": bbox.classes,
            })
        })
        .collect()
}
