//! Core benchmarks: rasterisation, RLE, IoU, brush, flood fill and hit testing at the sizes
//! users hit (4096² and 8192² images, 100,000 boxes).

use criterion::{criterion_group, criterion_main, Criterion};
use lasso_core::geometry::SpatialIndex;
use lasso_core::model::{Annotation, BoxShape, Point, Shape};
use lasso_core::raster::rle::{iou, Rle};
use lasso_core::raster::{brush, flood, polygon_to_rle, samples};
use std::hint::black_box;

fn raster(c: &mut Criterion) {
    let star = samples::star_polygon(1000, 4096);
    c.bench_function("polygon 1000 vertices -> RLE, 4096²", |b| {
        b.iter(|| polygon_to_rle(black_box(&star), 4096, 4096))
    });
    let rle = polygon_to_rle(&star, 4096, 4096);
    c.bench_function("RLE decode 4096²", |b| b.iter(|| black_box(&rle).decode()));
    let masks: Vec<Rle> = samples::scattered_polygons(100, 1024)
        .iter()
        .map(|p| polygon_to_rle(p, 1024, 1024))
        .collect();
    c.bench_function("IoU matrix 100×100 masks (1024²)", |b| {
        b.iter(|| iou(black_box(&masks), black_box(&masks), &[false; 100]))
    });
    let path = samples::brush_path(8192);
    c.bench_function("brush stroke 500 px radius 30, 8192²", |b| {
        b.iter(|| brush::stroke(8192, 8192, black_box(&path), 30.0))
    });
    let photo = samples::photo(4096);
    c.bench_function("flood fill 4096² photo", |b| {
        b.iter(|| flood::flood_fill(black_box(&photo), 4096, 4096, 100, 100, 24))
    });
}

fn hit_testing(c: &mut Criterion) {
    let boxes: Vec<Annotation> = (0..100_000u32)
        .map(|i| {
            let (x, y) = (f64::from(i % 400) * 20.0, f64::from(i / 400) * 32.0);
            Annotation::new(
                format!("b{i}"),
                "car",
                Shape::Box(BoxShape::from_corners(
                    Point::new(x, y),
                    Point::new(x + 18.0, y + 30.0),
                )),
            )
        })
        .collect();
    c.bench_function("index build 100,000 boxes", |b| {
        b.iter(|| SpatialIndex::from_annotations(black_box(&boxes).iter()))
    });
    let index = SpatialIndex::from_annotations(boxes.iter());
    let mut k = 0u32;
    c.bench_function("hit test among 100,000 boxes", |b| {
        b.iter(|| {
            k = k.wrapping_add(7919);
            let p = Point::new(f64::from(k % 8000), f64::from((k / 8000) % 8000));
            index.hit(black_box(p), 4.0, 1.0)
        })
    });
    c.bench_function("viewport query 1920×1080 among 100,000 boxes", |b| {
        b.iter(|| index.visible_in(1000.0, 1000.0, 2920.0, 2080.0).len())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = raster, hit_testing
}
criterion_main!(benches);
