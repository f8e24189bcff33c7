//! Browser tests of the IndexedDB store (run by wasm-bindgen-test in headless Chromium).
#![cfg(target_arch = "wasm32")]

use lasso::store::Store;
use lasso_core::history::Op;
use lasso_core::model::{Annotation, BoxShape, Point, Shape, Task};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn unique_db(name: &str) -> String {
    format!("{name}-{}", js_sys::Math::random())
}

fn boxed(id: &str, x: f64) -> Annotation {
    Annotation::new(
        id,
        "cat",
        Shape::Box(BoxShape::from_corners(
            Point::new(x, 1.0),
            Point::new(x + 10.0, 11.0),
        )),
    )
}

#[wasm_bindgen_test]
async fn unknown_task_loads_as_none() {
    let store = Store::open(&unique_db("none")).await.unwrap();
    assert!(store.load("nope").await.unwrap().is_none());
}

#[wasm_bindgen_test]
async fn journal_replays_over_snapshot_in_order() {
    let store = Store::open(&unique_db("replay")).await.unwrap();
    let task = Task {
        id: "t1".into(),
        ..Task::default()
    };
    store.put_snapshot(&task, 0.0).await.unwrap();
    let a = boxed("a", 0.0);
    let moved = boxed("a", 5.0);
    let ops = [
        Op::Add {
            annotation: a.clone(),
            index: None,
        },
        Op::Add {
            annotation: boxed("b", 20.0),
            index: None,
        },
        Op::SetShape {
            id: a.id.clone(),
            before: a.shape.clone(),
            after: moved.shape.clone(),
        },
        Op::Remove {
            annotation: boxed("b", 20.0),
            index: None,
        },
    ];
    let mut last = 0.0;
    for op in &ops {
        let seq = store.append("t1", op).await.unwrap();
        assert!(seq > last, "sequence numbers grow: {seq} after {last}");
        last = seq;
    }
    // Another task's journal does not leak into this one.
    store
        .append(
            "t2",
            &Op::Add {
                annotation: boxed("z", 0.0),
                index: None,
            },
        )
        .await
        .unwrap();

    let loaded = store.load("t1").await.unwrap().unwrap();
    assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
    assert_eq!(loaded.task.annotations, vec![moved]);
}

#[wasm_bindgen_test]
async fn snapshot_seq_skips_ops_already_folded_in() {
    let store = Store::open(&unique_db("fold")).await.unwrap();
    let mut task = Task {
        id: "t".into(),
        ..Task::default()
    };
    store.put_snapshot(&task, 0.0).await.unwrap();
    let op = Op::Add {
        annotation: boxed("a", 0.0),
        index: None,
    };
    let seq = store.append("t", &op).await.unwrap();
    op.apply(&mut task).unwrap();
    store.put_snapshot(&task, seq).await.unwrap();
    let loaded = store.load("t").await.unwrap().unwrap();
    assert_eq!(
        loaded.task.annotations.len(),
        1,
        "the op is not applied twice"
    );
}

#[wasm_bindgen_test]
async fn an_op_that_no_longer_applies_is_reported_not_fatal() {
    let store = Store::open(&unique_db("conflict")).await.unwrap();
    store
        .put_snapshot(
            &Task {
                id: "t".into(),
                ..Task::default()
            },
            0.0,
        )
        .await
        .unwrap();
    store
        .append(
            "t",
            &Op::Remove {
                annotation: boxed("ghost", 0.0),
                index: None,
            },
        )
        .await
        .unwrap();
    store
        .append(
            "t",
            &Op::Add {
                annotation: boxed("a", 0.0),
                index: None,
            },
        )
        .await
        .unwrap();
    let loaded = store.load("t").await.unwrap().unwrap();
    assert_eq!(loaded.skipped.len(), 1);
    assert!(loaded.skipped[0].contains("ghost"), "{}", loaded.skipped[0]);
    assert_eq!(loaded.task.annotations.len(), 1);
}
