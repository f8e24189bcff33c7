//! Times the raster operations pycocotools also has, on the benchmark inputs, and writes the
//! inputs with our median times as JSON for `core/bench/pycocotools_ratio.py`.
//!
//! Usage: `cargo run --release -p lasso-core --features timing --bin lasso-core-timing -- OUT.json`
//!
//! A binary (behind the `timing` feature) rather than an example so that it builds without the
//! test-only dependencies, also for `wasm32-wasip1`: `core/bench/wasm_ratio.mjs` runs the same
//! timings under V8's WebAssembly and prints the wasm/native ratio.

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
    let timings = json!({
        "polygon_to_rle": median(31, || polygon_to_rle(&star, 4096, 4096)),
        "rle_decode": median(31, || rle.decode()),
        "iou_100x100": median(31, || iou(&masks, &masks, &crowd)),
    });
    let doc = json!({
        "star": star, "size": 4096, "scattered": scattered, "scattered_size": 1024,
        "ours": timings, "star_counts": rle.to_compressed(),
    });
    if let Err(e) = std::fs::write(&out, doc.to_string()) {
        eprintln!("cannot write {out}: {e}");
        std::process::exit(1);
    }
}
