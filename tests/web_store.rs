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
    assert_eq!(loaded.task().annotations, vec![moved]);
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
    op.apply_to_task(&mut task).unwrap();
    store.put_snapshot(&task, seq).await.unwrap();
    let loaded = store.load("t").await.unwrap().unwrap();
    assert_eq!(
        loaded.task().annotations.len(),
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
    assert_eq!(loaded.task().annotations.len(), 1);
}

fn add(id: &str, x: f64) -> Op {
    Op::Add {
        annotation: boxed(id, x),
        index: None,
    }
}

/// Writes a database exactly as schema version 1 did (the walking skeleton's layout).
async fn write_v1_database(name: &str, task: &Task, ops: &[Op]) {
    let rows: Vec<serde_json::Value> = ops
        .iter()
        .map(|op| serde_json::json!({"task": task.id, "op": serde_json::to_string(op).unwrap()}))
        .collect();
    let fixture = serde_json::json!({
        "snapshot": {"id": task.id, "task": serde_json::to_string(task).unwrap(), "seq": 0.0},
        "journal": rows,
    });
    write_golden_database(name, &fixture).await;
}

use serde::Serialize;

#[wasm_bindgen_test]
async fn a_version_1_database_is_upgraded_and_keeps_its_data() {
    let name = unique_db("migrate");
    let task = Task {
        id: "old".into(),
        ..Task::default()
    };
    write_v1_database(&name, &task, &[add("a", 0.0), add("b", 30.0)]).await;

    let store = Store::open(&name).await.unwrap();
    let loaded = store.load("old").await.unwrap().unwrap();
    let ids: Vec<&str> = loaded
        .task()
        .annotations
        .iter()
        .map(|a| a.id.0.as_str())
        .collect();
    assert_eq!(ids, ["a", "b"], "version 1 snapshot and journal survive");
    assert_eq!(loaded.replayed, 2);
    assert_eq!(
        store.setting::<u32>("schema").await.unwrap(),
        Some(lasso::store::schema::VERSION)
    );
    // The stores version 2 added exist and work.
    assert!(store.datasets().await.unwrap().is_empty());
    // Old journal rows and new ones share one sequence.
    store.append("old", &add("c", 60.0)).await.unwrap();
    let loaded = store.load("old").await.unwrap().unwrap();
    assert_eq!(loaded.task().annotations.len(), 3);
}

#[wasm_bindgen_test]
async fn compaction_folds_the_journal_and_loading_gives_the_same_task() {
    let store = Store::open(&unique_db("compact")).await.unwrap();
    let task = Task {
        id: "t".into(),
        ..Task::default()
    };
    store.put_snapshot(&task, 0.0).await.unwrap();
    for i in 0..20 {
        store
            .append("t", &add(&format!("s{i}"), f64::from(i)))
            .await
            .unwrap();
    }
    store
        .append(
            "t",
            &Op::Remove {
                annotation: boxed("s3", 3.0),
                index: Some(3),
            },
        )
        .await
        .unwrap();
    let before = store.load("t").await.unwrap().unwrap();
    assert_eq!(store.journal_len("t").await.unwrap(), 21);

    let done = store.compact("t").await.unwrap().unwrap();
    assert_eq!(done.folded, 21);
    assert_eq!(store.journal_len("t").await.unwrap(), 0);
    let after = store.load("t").await.unwrap().unwrap();
    assert_eq!(after.task(), before.task());
    assert_eq!(after.replayed, 0);
    assert_eq!(after.task().annotations.len(), 19);
    assert!(
        store.compact("t").await.unwrap().is_none(),
        "nothing left to fold"
    );

    // Appends after a compaction replay over the new snapshot.
    store.append("t", &add("late", 90.0)).await.unwrap();
    let last = store.load("t").await.unwrap().unwrap();
    assert_eq!(last.replayed, 1);
    assert_eq!(last.task().annotations.len(), 20);
}

#[wasm_bindgen_test]
async fn a_journal_with_an_op_that_does_not_apply_is_not_compacted() {
    let store = Store::open(&unique_db("nocompact")).await.unwrap();
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
    store.append("t", &add("a", 0.0)).await.unwrap();
    store.append("t", &add("a", 0.0)).await.unwrap();
    assert!(store.compact("t").await.unwrap().is_none());
    assert_eq!(
        store.journal_len("t").await.unwrap(),
        2,
        "the bad op stays to be reported"
    );
}

#[wasm_bindgen_test]
async fn a_quota_error_is_typed_and_writes_nothing() {
    let store = Store::open(&unique_db("quota")).await.unwrap();
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
    store.inject_quota_failures(1);
    let err = store.append("t", &add("lost", 0.0)).await.unwrap_err();
    assert!(err.is_quota(), "{err}");
    assert!(err.to_string().contains("QuotaExceeded"), "{err}");
    // The store keeps working once space is back.
    store.append("t", &add("kept", 0.0)).await.unwrap();
    let loaded = store.load("t").await.unwrap().unwrap();
    let ids: Vec<&str> = loaded
        .task()
        .annotations
        .iter()
        .map(|a| a.id.0.as_str())
        .collect();
    assert_eq!(ids, ["kept"]);
}

#[wasm_bindgen_test]
async fn batch_append_keeps_order() {
    let store = Store::open(&unique_db("batch")).await.unwrap();
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
    let ops: Vec<(String, Op)> = (0..5)
        .map(|i| ("t".to_string(), add(&format!("b{i}"), f64::from(i))))
        .collect();
    let seqs = store.append_all(&ops).await.unwrap();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    let loaded = store.load("t").await.unwrap().unwrap();
    assert_eq!(loaded.task().annotations.len(), 5);
    assert_eq!(loaded.task().annotations[4].id.0, "b4");
}

#[wasm_bindgen_test]
async fn local_datasets_keep_blobs_and_delete_cleanly() {
    use lasso::store::{ImageInfo, NewImage};
    let store = Store::open(&unique_db("local")).await.unwrap();
    let blob = |bytes: &[u8]| {
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes).into());
        web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap()
    };
    let image = |path: &str, bytes: &[u8]| NewImage {
        info: ImageInfo {
            id: lasso_core::import::local_task_id("pets", path),
            dataset: "pets".into(),
            path: path.into(),
            class: lasso_core::import::class_from_path(path),
            size: bytes.len() as f64,
        },
        blob: blob(bytes),
    };
    let info = store
        .put_dataset(
            "pets",
            "pets",
            vec![
                image("dogs/b.png", &[1, 2, 3]),
                image("cats/a.png", &[9; 10]),
            ],
        )
        .await
        .unwrap();
    assert_eq!((info.count, info.bytes), (2, 13.0));
    assert_eq!(store.datasets().await.unwrap(), vec![info]);
    let images = store.dataset_images("pets").await.unwrap();
    let listed: Vec<(&str, Option<&str>)> = images
        .iter()
        .map(|i| (i.path.as_str(), i.class.as_deref()))
        .collect();
    assert_eq!(
        listed,
        [("cats/a.png", Some("cats")), ("dogs/b.png", Some("dogs"))]
    );
    let stored = store.image_blob(&images[1].id).await.unwrap().unwrap();
    let bytes = wasm_bindgen_futures::JsFuture::from(stored.array_buffer())
        .await
        .unwrap();
    assert_eq!(js_sys::Uint8Array::new(&bytes).to_vec(), vec![1, 2, 3]);

    store.delete_dataset("pets").await.unwrap();
    assert!(store.datasets().await.unwrap().is_empty());
    assert!(store.dataset_images("pets").await.unwrap().is_empty());
    assert!(store.image_blob(&images[0].id).await.unwrap().is_none());
}

#[wasm_bindgen_test]
async fn a_pyramid_counts_only_when_complete_and_goes_with_its_image() {
    use lasso::store::{ImageInfo, NewImage, StoredPyramid};
    use lasso_core::tiles::cut::{EncodedTile, TileFormat};
    use lasso_core::tiles::TileId;
    let store = Store::open(&unique_db("pyramids")).await.unwrap();
    let id = lasso_core::import::local_task_id("scans", "big.png");
    let import = || NewImage {
        info: ImageInfo {
            id: id.clone(),
            dataset: "scans".into(),
            path: "big.png".into(),
            class: None,
            size: 3.0,
        },
        blob: web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(
            &js_sys::Uint8Array::from(&[1u8, 2, 3][..]).into(),
        ))
        .unwrap(),
    };
    store
        .put_dataset("scans", "scans", vec![import()])
        .await
        .unwrap();
    let tile = |level, col| EncodedTile {
        id: TileId { level, col, row: 0 },
        bytes: vec![level as u8; 5],
    };
    let bytes = store
        .put_tiles(&id, &[tile(0, 0), tile(1, 1)], TileFormat::Png)
        .await
        .unwrap();
    assert_eq!(bytes, 10.0);
    // Tiles without the pyramid's row: a cut that did not finish, not a pyramid.
    assert_eq!(store.pyramid(&id).await.unwrap(), None);
    let pyramid = StoredPyramid {
        image: id.clone(),
        width: 300,
        height: 200,
        format: TileFormat::Png,
        bytes,
    };
    store.finish_pyramid(&pyramid).await.unwrap();
    assert_eq!(store.pyramid(&id).await.unwrap(), Some(pyramid.clone()));
    let kept = store.tile(&id, tile(1, 1).id).await.unwrap().unwrap();
    assert_eq!(kept.type_(), "image/png");
    assert_eq!(kept.size(), 5.0);
    assert!(store.tile(&id, tile(1, 0).id).await.unwrap().is_none());

    // The same path imported again may be another file: its pyramid no longer counts.
    store
        .put_dataset("scans", "scans", vec![import()])
        .await
        .unwrap();
    assert_eq!(store.pyramid(&id).await.unwrap(), None);
    store.finish_pyramid(&pyramid).await.unwrap();
    // Deleting the dataset deletes the pyramid and its tiles.
    store.delete_dataset("scans").await.unwrap();
    assert_eq!(store.pyramid(&id).await.unwrap(), None);
    assert!(store.tile(&id, tile(0, 0).id).await.unwrap().is_none());
}

#[wasm_bindgen_test]
async fn settings_round_trip() {
    let store = Store::open(&unique_db("settings")).await.unwrap();
    assert_eq!(store.setting::<String>("last").await.unwrap(), None);
    store
        .set_setting("last", &"pets".to_string())
        .await
        .unwrap();
    assert_eq!(
        store.setting::<String>("last").await.unwrap().as_deref(),
        Some("pets")
    );
}

#[wasm_bindgen_test]
fn large_tasks_compact_less_often_so_each_op_pays_about_the_same() {
    use lasso::app::journal::{compaction_threshold, COMPACT_EVERY};
    assert_eq!(compaction_threshold(0), COMPACT_EVERY);
    assert_eq!(compaction_threshold(10_000), COMPACT_EVERY);
    assert_eq!(compaction_threshold(100_000), 1_000);
    assert_eq!(compaction_threshold(1_000_000), 10_000);
}

/// Writes a snapshot row and journal rows (`{snapshot, journal}` as in the golden journals of
/// `core/tests/journal/golden/`) into a version 1 database exactly as they are, sequence numbers
/// included where the rows have them.
async fn write_golden_database(name: &str, fixture: &serde_json::Value) {
    use rexie::{Index, ObjectStore, Rexie, TransactionMode};
    let db = Rexie::builder(name)
        .version(1)
        .add_object_store(ObjectStore::new("tasks").key_path("id"))
        .add_object_store(
            ObjectStore::new("journal")
                .key_path("seq")
                .auto_increment(true)
                .add_index(Index::new("by_task", "task")),
        )
        .build()
        .await
        .unwrap();
    let tx = db
        .transaction(&["tasks", "journal"], TransactionMode::ReadWrite)
        .unwrap();
    let to_js = |v: &serde_json::Value| {
        v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .unwrap()
    };
    tx.store("tasks")
        .unwrap()
        .put(&to_js(&fixture["snapshot"]), None)
        .await
        .unwrap();
    for row in fixture["journal"].as_array().unwrap() {
        tx.store("journal")
            .unwrap()
            .add(&to_js(row), None)
            .await
            .unwrap();
    }
    tx.done().await.unwrap();
    db.close();
}

#[wasm_bindgen_test]
async fn golden_journals_of_earlier_releases_load_to_the_tasks_they_held() {
    for (file, text) in [
        (
            "v1-every-op",
            include_str!("../core/tests/journal/golden/v1-every-op.json"),
        ),
        (
            "v1-compacted-with-conflicts",
            include_str!("../core/tests/journal/golden/v1-compacted-with-conflicts.json"),
        ),
    ] {
        let fixture: serde_json::Value = serde_json::from_str(text).unwrap();
        let name = unique_db(file);
        write_golden_database(&name, &fixture).await;
        let store = Store::open(&name).await.unwrap();
        let id = fixture["snapshot"]["id"].as_str().unwrap();
        let loaded = store.load(id).await.unwrap().unwrap();
        let expected: Task = serde_json::from_value(fixture["expected"].clone()).unwrap();
        assert_eq!(loaded.task(), &expected, "{file}");
        assert_eq!(
            loaded.skipped.len(),
            fixture["skipped"].as_array().unwrap().len(),
            "{file}: {:?}",
            loaded.skipped
        );
        // Today's appends land after the old rows and replay over them.
        store.append(id, &add("appended", 60.0)).await.unwrap();
        let again = store.load(id).await.unwrap().unwrap();
        assert_eq!(
            again.task().annotations.len(),
            expected.annotations.len() + 1
        );
    }
}
