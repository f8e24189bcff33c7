//! Times the raster operations pycocotools also has and COCO's AP of one annotator against
//! another (`COCOeval`, boxes and masks, 200 images × 30 polygons), on the benchmark inputs,
//! and writes the inputs with our median times and figures as JSON for
//! `core/bench/pycocotools_ratio.py`.
//!
//! Usage: `cargo run --release -p lasso-core --features timing --bin lasso-core-timing -- OUT.json`
//!
//! A binary (behind the `timing` feature) rather than an example so that it builds without the
//! test-only dependencies, also for `wasm32-wasip1`: `core/bench/wasm_ratio.mjs` runs the same
//! timings under V8's WebAssembly and prints the wasm/native ratio.

use lasso_core::formats::{self, Dataset, ExportOptions, FormatName};
use lasso_core::model::{
    Annotation, ImageRef, Label, LabelSet, Origin, Point, PolygonShape, Shape, Task,
};
use lasso_core::quality::{coco_scores, IouType};
use lasso_core::raster::rle::{iou, Rle};
use lasso_core::raster::{polygon_to_rle, samples};
use serde_json::json;
use std::hint::black_box;
use std::time::Instant;

/// Median wall time of `f` over `runs` runs, in seconds.
fn median<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(|a, b| a.total_cmp(b));
    times[times.len() / 2]
}

/// Two annotators' versions of 200 images with 30 polygons each (the second moved a little,
/// with scores), for COCOeval: a deterministic generator, so both sides read the same inputs.
fn annotators() -> (Vec<Task>, Vec<Task>) {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut unit = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let (mut reference, mut candidate) = (Vec::new(), Vec::new());
    for i in 0..200 {
        let image = ImageRef {
            src: format!("{i}.jpg"),
            name: format!("{i}.jpg"),
            width: 640,
            height: 480,
            ..Default::default()
        };
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for k in 0..30 {
            let (cx, cy, r) = (
                40.0 + unit() * 560.0,
                40.0 + unit() * 400.0,
                5.0 + unit() * 35.0,
            );
            let label = ["car", "person", "dog"][k % 3];
            let ring = |dx: f64, dy: f64| {
                (0..8)
                    .map(|j| {
                        let t = j as f64 / 8.0 * std::f64::consts::TAU;
                        Point::new(cx + dx + r * t.cos(), cy + dy + r * t.sin())
                    })
                    .collect::<Vec<_>>()
            };
            a.push(Annotation::new(
                format!("a{k}"),
                label,
                Shape::Polygon(PolygonShape::simple(ring(0.0, 0.0))),
            ));
            let mut moved = Annotation::new(
                format!("b{k}"),
                label,
                Shape::Polygon(PolygonShape::simple(ring(
                    (unit() - 0.5) * 8.0,
                    (unit() - 0.5) * 8.0,
                ))),
            );
            moved.origin = Origin::Prediction {
                score: unit(),
                model: String::new(),
            };
            b.push(moved);
        }
        let task = |annotations| Task {
            id: format!("{}", i + 1),
            image: image.clone(),
            annotations,
            ..Task::default()
        };
        reference.push(task(a));
        candidate.push(task(b));
    }
    (reference, candidate)
}

/// A version as COCO JSON, as the exporter writes it.
fn coco_json(tasks: &[Task]) -> serde_json::Value {
    let dataset = Dataset {
        labels: LabelSet {
            labels: ["car", "person", "dog"]
                .iter()
                .map(|c| Label::new(*c, "#888888"))
                .collect(),
            ..LabelSet::default()
        },
        tasks: tasks.to_vec(),
        ..Dataset::default()
    };
    let export = formats::export(FormatName::Coco, &dataset, &ExportOptions::default());
    export
        .ok()
        .and_then(|e| {
            e.files
                .iter()
                .next()
                .and_then(|(_, bytes)| serde_json::from_slice(bytes).ok())
        })
        .unwrap_or_default()
}

fn main() {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "raster_timing.json".into());
    let star = samples::star_polygon(1000, 4096);
    let scattered = samples::scattered_polygons(100, 1024);
    let rle = polygon_to_rle(&star, 4096, 4096);
    let masks: Vec<Rle> = scattered
        .iter()
        .map(|p| polygon_to_rle(p, 1024, 1024))
        .collect();
    let crowd = [false; 100];
    let (reference, candidate) = annotators();
    let stats = |kind| coco_scores(&reference, &candidate, kind).map(|s| s.stats.to_vec());
    let timings = json!({
        "polygon_to_rle": median(31, || polygon_to_rle(&star, 4096, 4096)),
        "rle_decode": median(31, || rle.decode()),
        "iou_100x100": median(31, || iou(&masks, &masks, &crowd)),
        "cocoeval_bbox": median(5, || stats(IouType::Bbox)),
        "cocoeval_segm": median(5, || stats(IouType::Segm)),
    });
    let doc = json!({
        "star": star, "size": 4096, "scattered": scattered, "scattered_size": 1024,
        "ours": timings, "star_counts": rle.to_compressed(),
        "cocoeval": {
            "reference": coco_json(&reference),
            "candidate": coco_json(&candidate),
            "bbox": stats(IouType::Bbox).unwrap_or_default(),
            "segm": stats(IouType::Segm).unwrap_or_default(),
        },
    });
    if let Err(e) = std::fs::write(&out, doc.to_string()) {
        eprintln!("cannot write {out}: {e}");
        std::process::exit(1);
    }
}
