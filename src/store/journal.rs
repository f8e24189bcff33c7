//! Task snapshots and the op journal: append, load (snapshot + replay) and compaction.
//!
//! Appending an op writes one small row and never touches the snapshot, so it costs the same
//! whatever the size of the task. Compaction reads in one read-only transaction, folds the
//! journal in memory, then writes the new snapshot and deletes exactly the rows it folded in a
//! short read-write transaction, so appends made meanwhile are kept and wait only for the write.

use super::schema::{BY_TASK, JOURNAL, TASKS};
use super::{finish, Store, StoreError};
use lasso_core::document::Document;
use lasso_core::history::Op;
use lasso_core::journal::{self, Entry};
use lasso_core::model::Task;
use rexie::{KeyRange, TransactionMode};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

#[derive(Serialize, Deserialize)]
struct SnapshotRow {
    id: String,
    /// The task in the journal format `v` (see `lasso_core::journal`).
    task: String,
    /// The journal sequence number up to which the snapshot already includes ops.
    seq: f64,
    /// The journal format that wrote `task` (absent in rows written before it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    v: Option<u32>,
}

#[derive(Serialize, Deserialize)]
struct JournalRow {
    /// Sequence number, assigned by IndexedDB on insert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    seq: Option<f64>,
    task: String,
    /// The op in the journal format `v`.
    op: String,
    /// The journal format that wrote `op` (absent in rows written before it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    v: Option<u32>,
}

/// What loading a task found.
pub struct Loaded {
    /// The task with every journaled op applied, indexed by the replay (the editor takes it
    /// as it is, so a large task is indexed once).
    pub document: Document,
    /// Ops that could not be applied (kept in the journal, reported to the user).
    pub skipped: Vec<String>,
    /// The highest sequence number folded into `task` (snapshot or journal).
    pub seq: f64,
    /// How many journal rows were replayed over the snapshot.
    pub replayed: usize,
}

/// What a compaction did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Compacted {
    /// Journal rows folded into the snapshot and deleted.
    pub folded: usize,
    /// The snapshot's new sequence number.
    pub seq: f64,
}

impl Loaded {
    /// The loaded task.
    pub fn task(&self) -> &Task {
        self.document.task()
    }
}

/// A task's snapshot and journal as read in one transaction.
struct Replay {
    loaded: Loaded,
    /// Primary keys of the replayed journal rows, oldest first.
    keys: Vec<f64>,
}

impl Store {
    /// Loads a stored task with its journal replayed, or `None` if the task was never stored.
    pub async fn load(&self, task_id: &str) -> Result<Option<Loaded>, StoreError> {
        Ok(self.replay(task_id).await?.map(|r| r.loaded))
    }

    async fn replay(&self, task_id: &str) -> Result<Option<Replay>, StoreError> {
        let tx = self
            .db
            .transaction(&[TASKS, JOURNAL], TransactionMode::ReadOnly)?;
        let Some(row) = tx.store(TASKS)?.get(JsValue::from_str(task_id)).await? else {
            return Ok(None);
        };
        let row: SnapshotRow = serde_wasm_bindgen::from_value(row)?;
        let task = journal::decode_snapshot(row.v, &row.task)
            .map_err(|e| StoreError::other(format!("stored snapshot of task {task_id} is {e}")))?;
        let range = KeyRange::only(&JsValue::from_str(task_id))
            .map_err(|e| StoreError::other(format!("bad task id {task_id:?}: {e}")))?;
        let entries = tx
            .store(JOURNAL)?
            .index(BY_TASK)?
            .get_all(Some(range), None)
            .await?;
        // The index orders entries of one task by primary key, i.e. in journal order.
        let rows = entries
            .into_iter()
            .map(serde_wasm_bindgen::from_value::<JournalRow>)
            .collect::<Result<Vec<_>, _>>()?;
        let replayed = journal::replay(
            task,
            row.seq,
            rows.iter().map(|r| Entry {
                seq: r.seq.unwrap_or(0.0),
                version: r.v,
                op: &r.op,
            }),
        );
        Ok(Some(Replay {
            loaded: Loaded {
                document: replayed.document,
                skipped: replayed.skipped,
                seq: replayed.seq,
                replayed: replayed.replayed.len(),
            },
            keys: replayed.replayed,
        }))
    }

    /// Stores a task as a fresh snapshot that includes journal entries up to `seq` (used the
    /// first time a task is opened, with `seq` 0).
    pub async fn put_snapshot(&self, task: &Task, seq: f64) -> Result<(), StoreError> {
        let row = snapshot_row(task, seq)?;
        let tx = self.db.transaction(&[TASKS], TransactionMode::ReadWrite)?;
        tx.store(TASKS)?.put(&row, None).await?;
        finish(tx).await?;
        Ok(())
    }

    /// Appends one op to a task's journal in its own transaction and returns its sequence
    /// number once the transaction has completed (the op is durable).
    pub async fn append(&self, task_id: &str, op: &Op) -> Result<f64, StoreError> {
        self.injected_failure()?;
        let row = journal_row(task_id, op)?;
        let keys = add_and_commit(&self.db, vec![row]).await?;
        Ok(keys.first().copied().unwrap_or(0.0))
    }

    /// Appends several ops in one transaction (all or none), in order, and returns their
    /// sequence numbers. Used to flush the queue when the page is being hidden, where there is
    /// no time for one transaction after another.
    pub async fn append_all(&self, ops: &[(String, Op)]) -> Result<Vec<f64>, StoreError> {
        self.injected_failure()?;
        let rows = ops
            .iter()
            .map(|(task, op)| journal_row(task, op))
            .collect::<Result<Vec<_>, _>>()?;
        add_and_commit(&self.db, rows).await
    }

    /// How many journal rows a task has beyond its snapshot's.
    pub async fn journal_len(&self, task_id: &str) -> Result<u32, StoreError> {
        let range = KeyRange::only(&JsValue::from_str(task_id))
            .map_err(|e| StoreError::other(format!("bad task id {task_id:?}: {e}")))?;
        let tx = self.db.transaction(&[JOURNAL], TransactionMode::ReadOnly)?;
        let n = tx
            .store(JOURNAL)?
            .index(BY_TASK)?
            .count(Some(range))
            .await?;
        Ok(n)
    }

    /// Folds a task's journal into its snapshot and deletes the folded rows. Returns `None` when
    /// there is nothing to fold, or when some journaled op no longer applies (those rows are
    /// kept, so the user is told about them on every load rather than losing them once).
    pub async fn compact(&self, task_id: &str) -> Result<Option<Compacted>, StoreError> {
        let Some(replay) = self.replay(task_id).await? else {
            return Ok(None);
        };
        if replay.keys.is_empty() || !replay.loaded.skipped.is_empty() {
            return Ok(None);
        }
        let seq = replay.loaded.seq;
        let row = snapshot_row(replay.loaded.document.task(), seq)?;
        let tx = self
            .db
            .transaction(&[TASKS, JOURNAL], TransactionMode::ReadWrite)?;
        let tasks = tx.store(TASKS)?;
        // Another tab may have compacted meanwhile: never move a snapshot backwards.
        if let Some(current) = tasks.get(JsValue::from_str(task_id)).await? {
            let current: SnapshotRow = serde_wasm_bindgen::from_value(current)?;
            if current.seq >= seq {
                return Ok(None);
            }
        }
        tasks.put(&row, None).await?;
        let journal = tx.store(JOURNAL)?;
        for key in &replay.keys {
            journal.delete(JsValue::from_f64(*key)).await?;
        }
        finish(tx).await?;
        Ok(Some(Compacted {
            folded: replay.keys.len(),
            seq,
        }))
    }

    /// Every stored task id.
    pub async fn task_ids(&self) -> Result<Vec<String>, StoreError> {
        let tx = self.db.transaction(&[TASKS], TransactionMode::ReadOnly)?;
        let keys = tx.store(TASKS)?.get_all_keys(None, None).await?;
        Ok(keys.into_iter().filter_map(|k| k.as_string()).collect())
    }
}

fn snapshot_row(task: &Task, seq: f64) -> Result<JsValue, StoreError> {
    let json = journal::encode_snapshot(task)
        .map_err(|e| StoreError::other(format!("task {}: {e}", task.id)))?;
    Ok(serde_wasm_bindgen::to_value(&SnapshotRow {
        id: task.id.clone(),
        task: json,
        seq,
        v: Some(journal::FORMAT),
    })?)
}

fn journal_row(task_id: &str, op: &Op) -> Result<JsValue, StoreError> {
    let json = journal::encode_op(op)
        .map_err(|e| StoreError::other(format!("op of task {task_id}: {e}")))?;
    Ok(serde_wasm_bindgen::to_value(&JournalRow {
        seq: None,
        task: task_id.to_string(),
        op: json,
        v: Some(journal::FORMAT),
    })?)
}

/// Adds journal rows in one transaction and asks for its commit in the same turn as the adds,
/// without waiting for their results first: a page closed right after an edit has then already
/// handed IndexedDB the whole write (waiting one round trip before `commit()` measurably lost
/// the last op when the tab closed right after a mouse-up). Returns the rows' keys, in order,
/// once the transaction is durable.
async fn add_and_commit(db: &rexie::Rexie, rows: Vec<JsValue>) -> Result<Vec<f64>, StoreError> {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::Poll;
    let tx = db.transaction(&[JOURNAL], TransactionMode::ReadWrite)?;
    let journal = tx.store(JOURNAL)?;
    type Pending<'a> = Pin<Box<dyn Future<Output = rexie::Result<JsValue>> + 'a>>;
    let mut adds: Vec<(Pending<'_>, Option<rexie::Result<JsValue>>)> = rows
        .iter()
        .map(|row| (Box::pin(journal.add(row, None)) as Pending<'_>, None))
        .collect();
    let mut commit = std::pin::pin!(tx.commit());
    let mut committed = None;
    // Polled in order: every add issues its request on its first poll, then the commit.
    std::future::poll_fn(|cx| {
        for (future, out) in adds.iter_mut() {
            if out.is_none() {
                if let Poll::Ready(r) = future.as_mut().poll(cx) {
                    *out = Some(r);
                }
            }
        }
        if committed.is_none() {
            if let Poll::Ready(r) = commit.as_mut().poll(cx) {
                committed = Some(r);
            }
        }
        if committed.is_some() && adds.iter().all(|(_, out)| out.is_some()) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    let mut keys = Vec::with_capacity(adds.len());
    for (_, out) in adds {
        match out {
            Some(Ok(key)) => keys.push(key.as_f64().unwrap_or(0.0)),
            Some(Err(e)) => return Err(e.into()),
            None => return Err(StoreError::other("journal write did not finish")),
        }
    }
    match committed {
        Some(Ok(())) => Ok(keys),
        Some(Err(rexie::Error::TransactioncommitFailed)) | None => Err(StoreError::other(
            "IndexedDB aborted the journal write (often because the disk or the storage quota is full); nothing of it was written",
        )),
        Some(Err(e)) => Err(e.into()),
    }
}
