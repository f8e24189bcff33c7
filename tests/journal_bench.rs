//! Journal append latency at 100 and 100,000 shapes, in headless Chromium.
//!
//! For each size the task is stored as a snapshot and loaded (snapshot + replay), then ops are
//! appended one transaction each, as the editor does, and the time until each append is durable
//! is recorded. The figures (median and 95th percentile per append, plus the load and one
//! compaction for scale) are printed; run them with `cargo xtask bench-journal`. What is
//! asserted is only that the appended work is all there afterwards: timings vary by machine.
#![cfg(target_arch = "wasm32")]

use lasso::store::Store;
use lasso_core::history::Op;
use lasso_core::model::{Annotation, AnnotationId, BoxShape, Point, Shape, Task};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Ops appended per size.
const APPENDS: usize = 200;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

fn boxed(id: &str, x: f64, y: f64) -> Annotation {
    Annotation::new(
        id,
        "cat",
        Shape::Box(BoxShape::from_corners(
            Point::new(x, y),
            Point::new(x + 10.0, y + 10.0),
        )),
    )
}

/// A task with `n` boxes laid out on a grid.
fn task_with(n: usize) -> Task {
    let mut task = Task {
        id: format!("bench-{n}"),
        ..Task::default()
    };
    task.annotations = (0..n)
        .map(|i| {
            boxed(
                &format!("s{i}"),
                (i % 1000) as f64 * 12.0,
                (i / 1000) as f64 * 12.0,
            )
        })
        .collect();
    task
}

/// The value at quantile `q` (0–1) of sorted samples (nearest rank).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Stores a task of `n` shapes, loads it, appends [`APPENDS`] ops (adds and moves, alternating)
/// and returns the sorted per-append latencies in ms, after checking the result loads whole.
async fn measure(n: usize) -> Vec<f64> {
    let store = Store::open(&format!("bench-{n}-{}", js_sys::Math::random()))
        .await
        .unwrap();
    let task = task_with(n);
    let t0 = now_ms();
    store.put_snapshot(&task, 0.0).await.unwrap();
    let t1 = now_ms();
    let loaded = store.load(&task.id).await.unwrap().unwrap();
    let t2 = now_ms();
    assert_eq!(loaded.task().annotations.len(), n);

    let mut samples = Vec::with_capacity(APPENDS);
    for i in 0..APPENDS {
        let op = if i % 2 == 0 {
            Op::Add {
                annotation: boxed(&format!("new{i}"), 5.0, 5.0),
                index: None,
            }
        } else {
            // Each move touches a different shape, so its `before` is the stored one.
            let at = (i / 2) % n;
            let before = loaded.task().annotations[at].shape.clone();
            Op::SetShape {
                id: AnnotationId(format!("s{at}")),
                before,
                after: boxed("moved", 1.0, 2.0).shape,
            }
        };
        let start = now_ms();
        store.append(&task.id, &op).await.unwrap();
        samples.push(now_ms() - start);
    }

    let t3 = now_ms();
    let compacted = store.compact(&task.id).await.unwrap();
    let t4 = now_ms();
    assert_eq!(compacted.map(|c| c.folded), Some(APPENDS));
    let after = store.load(&task.id).await.unwrap().unwrap();
    assert_eq!(after.task().annotations.len(), n + APPENDS / 2);
    assert_eq!(after.replayed, 0);

    samples.sort_by(|a, b| a.total_cmp(b));
    console_log!(
        "journal append at {n} shapes: median {:.2} ms, p95 {:.2} ms, max {:.2} ms over {APPENDS} appends \
         (snapshot write {:.0} ms, load {:.0} ms, compaction of {APPENDS} ops {:.0} ms)",
        quantile(&samples, 0.5),
        quantile(&samples, 0.95),
        quantile(&samples, 1.0),
        t1 - t0,
        t2 - t1,
        t4 - t3,
    );
    samples
}

#[wasm_bindgen_test]
async fn journal_append_latency_at_100_and_100000_shapes() {
    for n in [100, 100_000] {
        let samples = measure(n).await;
        assert_eq!(samples.len(), APPENDS);
    }
}
