//! Times the geometry hot paths with plain loops (no criterion), so the same program can run
//! natively and as WebAssembly under Node's WASI to compare the two.
//!
//! Usage: `cargo run --release -p lasso-core --example geometry_timing`, and for wasm
//! `cargo build --release -p lasso-core --example geometry_timing --target wasm32-wasip1`
//! then `node core/bench/wasi_run.mjs <target>/wasm32-wasip1/release/examples/geometry_timing.wasm`.

use lasso_core::geometry::{iou, SpatialIndex};
use lasso_core::model::{Annotation, BoxShape, Point, PolygonShape, Shape};
use std::hint::black_box;
use std::time::Instant;

/// A small deterministic generator (xorshift), the same as the criterion benchmarks use.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

const SIDE: f64 = 16_000.0;

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

fn star(n: usize, cx: f64, cy: f64, radius: f64) -> Shape {
    Shape::Polygon(PolygonShape::simple(
        (0..n)
            .map(|i| {
                let t = i as f64 * std::f64::consts::TAU / n as f64;
                let r = radius * (0.8 + 0.15 * (5.0 * t).sin() + 0.05 * (13.0 * t).cos());
                Point::new(cx + r * t.cos(), cy + r * t.sin())
            })
            .collect(),
    ))
}

fn main() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let boxes: Vec<Annotation> = (0..100_000)
        .map(|i| {
            let (x, y) = (rng.next() * SIDE, rng.next() * SIDE);
            let (w, h) = (8.0 + rng.next() * 40.0, 8.0 + rng.next() * 40.0);
            Annotation::new(
                format!("b{i}"),
                "car",
                Shape::Box(BoxShape::from_corners(
                    Point::new(x, y),
                    Point::new(x + w, y + h),
                )),
            )
        })
        .collect();
    let build = median(5, || SpatialIndex::from_annotations(boxes.iter()));
    let index = SpatialIndex::from_annotations(boxes.iter());
    let probes: Vec<Point> = (0..10_000)
        .map(|_| Point::new(rng.next() * SIDE, rng.next() * SIDE))
        .collect();
    let hit = median(9, || {
        probes
            .iter()
            .filter(|p| index.hit(**p, 4.0, 1.0).is_some())
            .count()
    }) / probes.len() as f64;
    let viewport = median(9, || {
        probes[..100]
            .iter()
            .map(|p| index.visible_in(p.x, p.y, p.x + 1920.0, p.y + 1080.0).len())
            .sum::<usize>()
    }) / 100.0;
    let (a, b) = (
        star(256, 500.0, 500.0, 300.0),
        star(256, 600.0, 550.0, 300.0),
    );
    let polygon_iou = median(9, || (0..20).map(|_| iou(&a, &b, 2000, 2000)).sum::<f64>()) / 20.0;
    println!("index build 100,000 boxes: {:.2} ms", build * 1e3);
    println!("hit test among 100,000 boxes: {:.2} µs", hit * 1e6);
    println!("viewport query 1920×1080: {:.1} µs", viewport * 1e6);
    println!(
        "IoU of two polygons of 256 vertices: {:.1} µs",
        polygon_iou * 1e6
    );
}
