//! The database schema, its versions and how each older version is migrated.
//!
//! | version | change |
//! | --- | --- |
//! | 1 | `tasks` {id, task: Lasso JSON string, seq} keyed by `id`; `journal` {seq (auto), task, op: JSON string} with index `by_task` |
//! | 2 | adds `datasets` {id, name, created, count, bytes}; `images` {id, dataset, path, class, size, type, blob} with index `by_dataset`; `settings` {key, value: JSON string} |
//! | 3 | adds `pyramids` {id: image's task id, width, height, format, complete, bytes} and `tiles` {key: `<image>/<level>/<col>_<row>`, image, blob} with index `by_image`: tile pyramids cut from huge local images |
//!
//! The upload queue lives in its own database (`src/cloud/queue.rs`), so uploads and the
//! editor's schema can change independently.
//!
//! Upgrades run in IndexedDB's `versionchange` transaction, declared through `rexie`: stores and
//! indexes that exist are kept with their rows, missing ones are created. Versions 2 and 3 only add
//! stores, so rows written by version 1 are read unchanged. A later version that must rewrite
//! rows does it in [`after_open`], which knows the version the rows were written by from the
//! `schema` setting (absent before version 2).

use super::{Store, StoreError};
use rexie::{Index, ObjectStore, Rexie};

/// The schema version this build writes.
pub const VERSION: u32 = 3;

/// Task snapshots.
pub(crate) const TASKS: &str = "tasks";
/// The op journal.
pub(crate) const JOURNAL: &str = "journal";
/// Journal index on the task id.
pub(crate) const BY_TASK: &str = "by_task";
/// Local datasets.
pub(crate) const DATASETS: &str = "datasets";
/// Image blobs of local datasets.
pub(crate) const IMAGES: &str = "images";
/// Image index on the dataset id.
pub(crate) const BY_DATASET: &str = "by_dataset";
/// Tile pyramids cut from local images: one row per image.
pub(crate) const PYRAMIDS: &str = "pyramids";
/// The tiles of those pyramids, one blob per tile.
pub(crate) const TILES: &str = "tiles";
/// Tile index on the image's id.
pub(crate) const BY_IMAGE: &str = "by_image";
/// Key/value settings.
pub(crate) const SETTINGS: &str = "settings";
/// The setting that records which schema version wrote the rows.
pub(crate) const SCHEMA_KEY: &str = "schema";

/// Opens `name` at [`VERSION`], creating or upgrading its stores.
pub(crate) async fn open(name: &str) -> Result<Rexie, rexie::Error> {
    Rexie::builder(name)
        .version(VERSION)
        // Version 1.
        .add_object_store(ObjectStore::new(TASKS).key_path("id"))
        .add_object_store(
            ObjectStore::new(JOURNAL)
                .key_path("seq")
                .auto_increment(true)
                .add_index(Index::new(BY_TASK, "task")),
        )
        // Version 2.
        .add_object_store(ObjectStore::new(DATASETS).key_path("id"))
        .add_object_store(
            ObjectStore::new(IMAGES)
                .key_path("id")
                .add_index(Index::new(BY_DATASET, "dataset")),
        )
        .add_object_store(ObjectStore::new(SETTINGS).key_path("key"))
        // Version 3.
        .add_object_store(ObjectStore::new(PYRAMIDS).key_path("id"))
        .add_object_store(
            ObjectStore::new(TILES)
                .key_path("key")
                .add_index(Index::new(BY_IMAGE, "image")),
        )
        .build()
        .await
}

/// Row migrations after the stores exist: reads which version wrote the rows and brings them to
/// [`VERSION`]. Rows of versions 1 and 2 need no rewrite, so this only records the version.
pub(crate) async fn after_open(store: &Store) -> Result<(), StoreError> {
    let written_by: Option<u32> = store.setting(SCHEMA_KEY).await?;
    if written_by != Some(VERSION) {
        store.set_setting(SCHEMA_KEY, &VERSION).await?;
    }
    Ok(())
}
