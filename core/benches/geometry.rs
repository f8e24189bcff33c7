//! Geometry benchmarks at the sizes users reach: a spatial index over 100,000 boxes (build,
//! hit test, viewport and rubber-band queries, vertex picking, incremental update) and IoU of
//! polygons, rotated boxes and boxes.

use criterion::{criterion_group, criterion_main, Criterion};
use lasso_core::geometry::{iou, SpatialIndex};
use lasso_core::model::{Annotation, BoxShape, Point, PolygonShape, RotatedBox, Shape};
use std::hint::black_box;

/// A small deterministic generator (xorshift), so runs compare like with like.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The image side for the 100,000-box scene: about 25 boxes per 256² tile, as in dense
/// aerial photos.
const SIDE: f64 = 16_000.0;

fn boxes(n: usize) -> Vec<Annotation> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..n)
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
        .collect()
}

/// A star-shaped polygon of `n` vertices around `(cx, cy)` with a wavy outline and a little
/// noise, like an object traced from a mask: its edges cross another such outline a few dozen
/// times, not at every vertex.
fn star(n: usize, cx: f64, cy: f64, radius: f64, seed: u64) -> Shape {
    let mut rng = Rng(seed);
    let phase = rng.next() * std::f64::consts::TAU;
    Shape::Polygon(PolygonShape::simple(
        (0..n)
            .map(|i| {
                let t = i as f64 * std::f64::consts::TAU / n as f64;
                let wave = 0.15 * (5.0 * t + phase).sin() + 0.05 * (13.0 * t).cos();
                // Noise stays below the vertex spacing so the outline never crosses itself.
                let r = radius * (0.8 + wave)
                    + rng.next() * 0.2 * radius * std::f64::consts::TAU / n as f64;
                Point::new(cx + r * t.cos(), cy + r * t.sin())
            })
            .collect(),
    ))
}

fn index(c: &mut Criterion) {
    let boxes = boxes(100_000);
    c.bench_function("index build 100,000 boxes", |b| {
        b.iter(|| SpatialIndex::from_annotations(black_box(&boxes).iter()))
    });
    let index = SpatialIndex::from_annotations(boxes.iter());
    let mut rng = Rng(7);
    c.bench_function("hit test among 100,000 boxes", |b| {
        b.iter(|| {
            let p = Point::new(rng.next() * SIDE, rng.next() * SIDE);
            index.hit(black_box(p), 4.0, 1.0)
        })
    });
    c.bench_function("hit test among 100,000 boxes, zoomed out 1/16", |b| {
        b.iter(|| {
            let p = Point::new(rng.next() * SIDE, rng.next() * SIDE);
            index.hit(black_box(p), 4.0, 1.0 / 16.0)
        })
    });
    c.bench_function("viewport query 1920×1080 among 100,000 boxes", |b| {
        b.iter(|| {
            let (x, y) = (rng.next() * (SIDE - 1920.0), rng.next() * (SIDE - 1080.0));
            index.visible_in(x, y, x + 1920.0, y + 1080.0).len()
        })
    });
    c.bench_function("rubber band (touching) 500×500 among 100,000 boxes", |b| {
        b.iter(|| {
            let (x, y) = (rng.next() * (SIDE - 500.0), rng.next() * (SIDE - 500.0));
            index.touching(x, y, x + 500.0, y + 500.0).len()
        })
    });
    c.bench_function("nearest vertex among 100,000 boxes", |b| {
        b.iter(|| {
            let p = Point::new(rng.next() * SIDE, rng.next() * SIDE);
            index.nearest_vertex(black_box(p), 8.0, 1.0)
        })
    });
    let mut moving = index;
    let mut k = 0usize;
    c.bench_function("update one box in an index of 100,000", |b| {
        b.iter(|| {
            k = (k + 7919) % boxes.len();
            let mut a = boxes[k].clone();
            if let Shape::Box(ref mut s) = a.shape {
                s.x0 += 1.0;
                s.x1 += 1.0;
            }
            moving.upsert(black_box(&a));
        })
    });

    let polygons: Vec<Annotation> = (0..10_000)
        .map(|i| {
            let (x, y) = ((i % 100) as f64 * 160.0, (i / 100) as f64 * 160.0);
            Annotation::new(
                format!("p{i}"),
                "roof",
                star(64, x + 80.0, y + 80.0, 70.0, i as u64 + 1),
            )
        })
        .collect();
    let polygon_index = SpatialIndex::from_annotations(polygons.iter());
    c.bench_function("hit test among 10,000 polygons of 64 vertices", |b| {
        b.iter(|| {
            let p = Point::new(rng.next() * SIDE, rng.next() * SIDE);
            polygon_index.hit(black_box(p), 4.0, 1.0)
        })
    });
}

fn overlap(c: &mut Criterion) {
    for n in [16, 256, 4096] {
        let a = star(n, 500.0, 500.0, 300.0, 1);
        let b = star(n, 600.0, 550.0, 300.0, 2);
        c.bench_function(&format!("IoU of two polygons of {n} vertices"), |bench| {
            bench.iter(|| iou(black_box(&a), black_box(&b), 2000, 2000))
        });
    }
    let mut rng = Rng(11);
    let scattered: Vec<Shape> = (0..100)
        .map(|i| star(64, rng.next() * 2000.0, rng.next() * 2000.0, 60.0, i + 1))
        .collect();
    c.bench_function(
        "IoU matrix 100×100 polygons of 64 vertices, scattered",
        |bench| {
            bench.iter(|| {
                let mut sum = 0.0;
                for a in &scattered {
                    for b in &scattered {
                        sum += iou(black_box(a), black_box(b), 2000, 2000);
                    }
                }
                sum
            })
        },
    );
    let r = |cx, angle| {
        Shape::RotatedBox(RotatedBox {
            cx,
            cy: 100.0,
            w: 80.0,
            h: 30.0,
            angle,
        })
    };
    let (ra, rb) = (r(100.0, 20.0), r(120.0, -35.0));
    c.bench_function("IoU of two rotated boxes", |b| {
        b.iter(|| iou(black_box(&ra), black_box(&rb), 2000, 2000))
    });
    let ba = Shape::Box(BoxShape::from_corners(
        Point::new(0.0, 0.0),
        Point::new(50.0, 40.0),
    ));
    let bb = Shape::Box(BoxShape::from_corners(
        Point::new(20.0, 10.0),
        Point::new(70.0, 60.0),
    ));
    c.bench_function("IoU of two boxes", |b| {
        b.iter(|| iou(black_box(&ba), black_box(&bb), 2000, 2000))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(2));
    targets = index, overlap
}
criterion_main!(benches);
