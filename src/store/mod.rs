//! IndexedDB: task snapshots and the op journal.
//!
//! A task is stored as a snapshot plus the ops journaled after it. Each op is appended in its own
//! transaction and counts as saved only once that transaction completes, so a crash or a closed
//! tab loses at most an op that was never reported saved. Loading replays the journal over the
//! snapshot with the same `Op::apply` the editor uses.

use lasso_core::history::Op;
use lasso_core::model::Task;
use rexie::{Index, KeyRange, ObjectStore, Rexie, TransactionMode};
use serde::{Deserialize, Serialize};
use std::fmt;
use wasm_bindgen::JsValue;

/// Schema version of the database.
pub const DB_VERSION: u32 = 1;
const TASKS: &str = "tasks";
const JOURNAL: &str = "journal";
const BY_TASK: &str = "by_task";

/// Why a store operation failed, in words for the banner.
#[derive(Debug, Clone)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<rexie::Error> for StoreError {
    fn from(e: rexie::Error) -> Self {
        StoreError(e.to_string())
    }
}

impl From<serde_wasm_bindgen::Error> for StoreError {
    fn from(e: serde_wasm_bindgen::Error) -> Self {
        StoreError(e.to_string())
    }
}

#[derive(Serialize, Deserialize)]
struct SnapshotRow {
    id: String,
    /// The task as Lasso JSON.
    task: String,
    /// The journal sequence number up to which the snapshot already includes ops.
    seq: f64,
}

#[derive(Serialize, Deserialize)]
struct JournalRow {
    /// Sequence number, assigned by IndexedDB on insert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    seq: Option<f64>,
    task: String,
    /// The op as JSON.
    op: String,
}

/// What loading a task found.
pub struct Loaded {
    /// The task with every journaled op applied.
    pub task: Task,
    /// Ops that could not be applied (kept in the journal, reported to the user).
    pub skipped: Vec<String>,
}

/// An open Lasso database.
pub struct Store {
    db: Rexie,
}

impl Store {
    /// Opens (creating or upgrading) the database called `name`.
    pub async fn open(name: &str) -> Result<Store, StoreError> {
        let db = Rexie::builder(name)
            .version(DB_VERSION)
            .add_object_store(ObjectStore::new(TASKS).key_path("id"))
            .add_object_store(
                ObjectStore::new(JOURNAL)
                    .key_path("seq")
                    .auto_increment(true)
                    .add_index(Index::new(BY_TASK, "task")),
            )
            .build()
            .await?;
        Ok(Store { db })
    }

    /// Loads a stored task with its journal replayed, or `None` if the task was never stored.
    pub async fn load(&self, task_id: &str) -> Result<Option<Loaded>, StoreError> {
        let tx = self
            .db
            .transaction(&[TASKS, JOURNAL], TransactionMode::ReadOnly)?;
        let Some(row) = tx.store(TASKS)?.get(JsValue::from_str(task_id)).await? else {
            return Ok(None);
        };
        let row: SnapshotRow = serde_wasm_bindgen::from_value(row)?;
        let mut task: Task = serde_json::from_str(&row.task).map_err(|e| {
            StoreError(format!(
                "stored snapshot of task {task_id} is unreadable: {e}"
            ))
        })?;
        let range = KeyRange::only(&JsValue::from_str(task_id))
            .map_err(|e| StoreError(format!("bad task id {task_id:?}: {e}")))?;
        let entries = tx
            .store(JOURNAL)?
            .index(BY_TASK)?
            .get_all(Some(range), None)
            .await?;
        let mut skipped = Vec::new();
        // The index orders entries of one task by primary key, i.e. in journal order.
        for value in entries {
            let entry: JournalRow = serde_wasm_bindgen::from_value(value)?;
            let seq = entry.seq.unwrap_or(0.0);
            if seq <= row.seq {
                continue;
            }
            let applied = serde_json::from_str::<Op>(&entry.op)
                .map_err(|e| e.to_string())
                .and_then(|op| op.apply(&mut task).map_err(|e| e.to_string()));
            if let Err(e) = applied {
                skipped.push(format!("journal entry {seq}: {e}"));
            }
        }
        Ok(Some(Loaded { task, skipped }))
    }

    /// Stores a task as a fresh snapshot (used the first time a task is opened).
    pub async fn put_snapshot(&self, task: &Task, seq: f64) -> Result<(), StoreError> {
        let json = serde_json::to_string(task).map_err(|e| StoreError(e.to_string()))?;
        let row = serde_wasm_bindgen::to_value(&SnapshotRow {
            id: task.id.clone(),
            task: json,
            seq,
        })?;
        let tx = self.db.transaction(&[TASKS], TransactionMode::ReadWrite)?;
        tx.store(TASKS)?.put(&row, None).await?;
        tx.done().await?;
        Ok(())
    }

    /// Appends one op to a task's journal in its own transaction and returns its sequence
    /// number once the transaction has completed (the op is durable).
    pub async fn append(&self, task_id: &str, op: &Op) -> Result<f64, StoreError> {
        let json = serde_json::to_string(op).map_err(|e| StoreError(e.to_string()))?;
        let row = serde_wasm_bindgen::to_value(&JournalRow {
            seq: None,
            task: task_id.to_string(),
            op: json,
        })?;
        let tx = self
            .db
            .transaction(&[JOURNAL], TransactionMode::ReadWrite)?;
        let key = tx.store(JOURNAL)?.add(&row, None).await?;
        tx.done().await?;
        Ok(key.as_f64().unwrap_or(0.0))
    }
}
