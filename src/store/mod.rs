//! IndexedDB: task snapshots, the op journal, local images, their tile pyramids and settings.
//!
//! A task is stored as a snapshot plus the ops journaled after it. Each op is appended in its own
//! transaction and counts as saved only once that transaction completes, so a crash or a closed
//! tab loses at most an op that was never reported saved. Loading replays the journal over the
//! snapshot with the same `Op::apply` the editor uses; [`Store::compact`] folds the journal into
//! a new snapshot in the background so loading stays quick. The schema and its migrations are in
//! [`schema`].

pub mod background;
mod journal;
mod local;
mod pyramids;
pub mod schema;
mod settings;

pub use journal::{Compacted, Loaded};
pub use local::{DatasetInfo, ImageInfo, NewImage};
pub use pyramids::StoredPyramid;

use rexie::Rexie;
use std::cell::Cell;
use std::fmt;

/// What kind of failure a store operation met, so the UI can say what to do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreErrorKind {
    /// The browser refused to store more (`QuotaExceededError`): free space or export.
    Quota,
    /// IndexedDB cannot be used at all (private mode, disabled storage, blocked upgrade).
    Unavailable,
    /// Anything else (unreadable row, aborted transaction).
    Other,
}

/// Why a store operation failed, in words for the banner.
#[derive(Debug, Clone)]
pub struct StoreError {
    /// The kind of failure.
    pub kind: StoreErrorKind,
    /// What failed and where.
    pub message: String,
}

impl StoreError {
    /// An error of `kind` with a message.
    pub fn new(kind: StoreErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// An error of kind [`StoreErrorKind::Other`].
    pub fn other(message: impl Into<String>) -> Self {
        Self::new(StoreErrorKind::Other, message)
    }

    /// Whether the browser refused for lack of space.
    pub fn is_quota(&self) -> bool {
        self.kind == StoreErrorKind::Quota
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<rexie::Error> for StoreError {
    fn from(e: rexie::Error) -> Self {
        // rexie's own Display says only "idb error"; the wrapped error names the DOM exception.
        let message = match &e {
            rexie::Error::IdbError(inner) => inner.to_string(),
            other => other.to_string(),
        };
        let kind = if message.contains("QuotaExceeded") || message.contains("quota") {
            StoreErrorKind::Quota
        } else {
            StoreErrorKind::Other
        };
        StoreError::new(kind, message)
    }
}

impl From<serde_wasm_bindgen::Error> for StoreError {
    fn from(e: serde_wasm_bindgen::Error) -> Self {
        StoreError::other(e.to_string())
    }
}

/// An open Lasso database.
pub struct Store {
    db: Rexie,
    name: String,
    /// Test hook: how many of the next journal writes fail as if the disk were full.
    injected_failures: Cell<u32>,
}

impl Store {
    /// Opens (creating or migrating to [`schema::VERSION`]) the database called `name`.
    pub async fn open(name: &str) -> Result<Store, StoreError> {
        let db = schema::open(name).await.map_err(|e| {
            StoreError::new(
                StoreErrorKind::Unavailable,
                format!(
                    "cannot open IndexedDB database {name:?}: {}",
                    StoreError::from(e)
                ),
            )
        })?;
        let store = Store {
            db,
            name: name.to_string(),
            injected_failures: Cell::new(0),
        };
        schema::after_open(&store).await?;
        Ok(store)
    }

    /// The database's name (also names the cross-tab channel).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Test hook: makes the next `n` journal writes fail with a quota error, as a full disk
    /// would (Chromium cannot be given a tiny quota from a test).
    pub fn inject_quota_failures(&self, n: u32) {
        self.injected_failures.set(n);
    }

    /// Consumes one injected failure, if any is pending.
    fn injected_failure(&self) -> Result<(), StoreError> {
        let n = self.injected_failures.get();
        if n == 0 {
            return Ok(());
        }
        self.injected_failures.set(n - 1);
        Err(StoreError::new(
            StoreErrorKind::Quota,
            "QuotaExceededError: the storage quota has been exceeded (simulated)",
        ))
    }
}

/// Commits a read-write transaction now (rather than when the event loop idles, so a page that
/// closes right after an edit has already asked for it) and waits until it is durable. An
/// aborted transaction is an error: nothing it wrote is kept.
pub(crate) async fn finish(tx: rexie::Transaction) -> Result<(), StoreError> {
    match tx.commit().await {
        Ok(()) => Ok(()),
        Err(rexie::Error::TransactioncommitFailed) => Err(StoreError::other(
            "IndexedDB aborted the transaction (often because the disk or the storage quota is full); nothing of it was written",
        )),
        Err(e) => Err(e.into()),
    }
}
