//! Writes datasets exported by lasso-core, and the shapes they hold in pixels, for the Python
//! consumer tests (`tests/python/test_label_studio_consumer.py`) to load with the real readers
//! and compare.
//!
//! Usage: `cargo run -p lasso-core --example label_studio_fixtures -- OUT_DIR`
//! writes `OUT_DIR/label_studio/` (the Label Studio export) and `OUT_DIR/expected.json`.

use lasso_core::formats::{export, Dataset, ExportOptions, FormatName};
use lasso_core::model::{
    Annotation, BoxShape, ImageRef, Label, LabelSet, Point, PolygonShape, RotatedBox, Shape, Task,
};
use serde_json::{json, Value};
use std::path::Path;

/// A small deterministic generator (xorshift64*), so the fixtures are the same on every run.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + self.unit() * (hi - lo)
    }
}

const CLASSES: [&str; 3] = ["car", "person", "traffic light"];

/// Images of several sizes (square ones get rotated boxes too) with boxes and polygons.
fn dataset(g: &mut Gen) -> Dataset {
    let labels = LabelSet {
        labels: CLASSES
            .iter()
            .enumerate()
            .map(|(i, n)| Label::new(*n, ["#ff0000", "#00ff00", "#0000ff"][i]))
            .collect(),
        ..Default::default()
    };
    let sizes = [(640, 480), (100, 100), (1920, 1080), (333, 517), (256, 256)];
    let mut tasks = Vec::new();
    for (i, &(w, h)) in sizes.iter().enumerate() {
        let (wf, hf) = (f64::from(w), f64::from(h));
        let mut annotations = Vec::new();
        for k in 0..12 {
            let label = CLASSES[(g.next() % 3) as usize];
            let id = format!("i{i}a{k}");
            let shape = match k % 3 {
                0 => {
                    let (x0, y0) = (g.range(0.0, wf * 0.7), g.range(0.0, hf * 0.7));
                    Shape::Box(BoxShape {
                        x0,
                        y0,
                        x1: x0 + g.range(1.0, wf * 0.3),
                        y1: y0 + g.range(1.0, hf * 0.3),
                    })
                }
                1 if w == h => Shape::RotatedBox(RotatedBox {
                    cx: g.range(wf * 0.3, wf * 0.7),
                    cy: g.range(hf * 0.3, hf * 0.7),
                    w: g.range(2.0, wf * 0.3),
                    h: g.range(2.0, hf * 0.3),
                    angle: g.range(1.0, 359.0),
                }),
                _ => {
                    let (cx, cy, r) = (g.range(0.2, 0.8) * wf, g.range(0.2, 0.8) * hf, 0.15);
                    let n = 3 + (g.next() % 6) as usize;
                    let ring = (0..n)
                        .map(|j| {
                            let t = std::f64::consts::TAU * j as f64 / n as f64;
                            let s = g.range(0.3, 1.0) * r;
                            Point::new(cx + s * wf * t.cos(), cy + s * hf * t.sin())
                        })
                        .collect();
                    Shape::Polygon(PolygonShape::simple(ring))
                }
            };
            annotations.push(Annotation::new(id, label, shape));
        }
        tasks.push(Task {
            id: format!("task{i}"),
            image: ImageRef {
                src: String::new(),
                name: format!("img{i}.jpg"),
                width: w,
                height: h,
                ..Default::default()
            },
            labels: labels.clone(),
            annotations,
            tags: vec![],
        });
    }
    Dataset {
        labels,
        tasks,
        ..Default::default()
    }
}

/// The shapes of each image in pixels, computed from the model (not from any export).
fn expected(ds: &Dataset) -> Value {
    let mut images = serde_json::Map::new();
    for t in &ds.tasks {
        let objects: Vec<Value> = t
            .annotations
            .iter()
            .map(|a| match &a.shape {
                Shape::Box(b) => json!({
                    "label": a.label, "kind": "box",
                    "bbox": [b.x0, b.y0, b.width(), b.height()],
                }),
                Shape::RotatedBox(r) => {
                    let c = r.corners();
                    json!({
                        "label": a.label, "kind": "rotated",
                        "points": c.iter().map(|p| [p.x, p.y]).collect::<Vec<_>>(),
                    })
                }
                Shape::Polygon(p) => json!({
                    "label": a.label, "kind": "polygon",
                    "points": p.parts[0].exterior.iter().map(|p| [p.x, p.y]).collect::<Vec<_>>(),
                }),
                other => json!({ "label": a.label, "kind": format!("{:?}", other.kind()) }),
            })
            .collect();
        images.insert(
            t.image.name.clone(),
            json!({ "width": t.image.width, "height": t.image.height, "objects": objects }),
        );
    }
    json!({ "classes": CLASSES, "images": images })
}

fn write_export(root: &Path, dir: &str, format: FormatName, ds: &Dataset) {
    let out = export(format, ds, &ExportOptions::default())
        .unwrap_or_else(|e| panic!("export {format}: {e}"));
    for (path, bytes) in out.files.iter() {
        let p = root.join(dir).join(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(&p, bytes).expect("write fixture");
    }
}

fn main() {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "format_fixtures".into());
    let root = Path::new(&out);
    let mut g = Gen(0xF0_12_3A_75_00_5E_ED);
    let ds = dataset(&mut g);
    write_export(root, "label_studio", FormatName::LabelStudio, &ds);
    std::fs::create_dir_all(root).expect("create folder");
    std::fs::write(
        root.join("expected.json"),
        serde_json::to_vec_pretty(&expected(&ds)).expect("json"),
    )
    .expect("write expected.json");
}
