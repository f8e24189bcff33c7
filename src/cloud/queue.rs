//! The persistent upload queue: one IndexedDB record per object key.
//!
//! Keyed by the object key, so a newer result for a task replaces the pending older one instead
//! of queueing both: the bucket receives the latest state once, never a stale one after a fresh
//! one. Each record carries a `version`; finishing an upload removes the record only if nobody
//! replaced it meanwhile, so an edit made during an upload is uploaded next. The queue has its
//! own database so that the editor's schema can evolve independently.

use lasso_core::cloud::MultipartPlan;
use rexie::{ObjectStore, Rexie, TransactionMode};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

const DB_VERSION: u32 = 1;
const JOBS: &str = "jobs";

/// Everything about a queued upload except its body.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JobMeta {
    /// Object key.
    pub key: String,
    /// Content type, signed into the URL.
    pub content_type: String,
    /// Body size in bytes.
    pub size: u64,
    /// Changes whenever the record is replaced by a newer body.
    pub version: f64,
    /// Failed attempts so far.
    pub attempts: u32,
    /// Not before this time (ms since the epoch).
    pub next_at: f64,
    /// The last failure, for the status line.
    pub error: Option<String>,
    /// For a task's result: the task id; the body is built from the task when it is sent, so
    /// queueing costs the same whatever the task's size and always sends the latest state.
    pub task: Option<String>,
    /// A multipart upload under way.
    pub plan: Option<MultipartPlan>,
}

/// A queued upload with its body (a string or a `Blob`).
pub struct Job {
    /// Metadata.
    pub meta: JobMeta,
    /// The bytes to send.
    pub body: JsValue,
}

/// The open queue database.
pub struct Queue {
    db: Rexie,
}

fn err(e: impl std::fmt::Display) -> String {
    format!("upload queue: {e}")
}

impl Queue {
    /// Opens (creating) the queue database `name`.
    pub async fn open(name: &str) -> Result<Queue, String> {
        let db = Rexie::builder(name)
            .version(DB_VERSION)
            .add_object_store(ObjectStore::new(JOBS).key_path("key"))
            .build()
            .await
            .map_err(err)?;
        Ok(Queue { db })
    }

    /// A transaction over the jobs and the jobs' store in it (keep the transaction until its
    /// requests are done).
    fn jobs(&self, mode: TransactionMode) -> Result<(rexie::Transaction, rexie::Store), String> {
        let tx = self.db.transaction(&[JOBS], mode).map_err(err)?;
        let store = tx.store(JOBS).map_err(err)?;
        Ok((tx, store))
    }

    fn record(meta: &JobMeta, body: &JsValue) -> Result<JsValue, String> {
        let obj = js_sys::Object::new();
        let meta_json = serde_json::to_string(meta).map_err(err)?;
        for (k, v) in [
            ("key", JsValue::from_str(&meta.key)),
            ("meta", JsValue::from_str(&meta_json)),
            ("body", body.clone()),
        ] {
            js_sys::Reflect::set(&obj, &k.into(), &v).map_err(|_| err("cannot build record"))?;
        }
        Ok(obj.into())
    }

    /// Adds or replaces the upload of `meta.key`; returns once it is durable.
    pub async fn put(&self, meta: &JobMeta, body: &JsValue) -> Result<(), String> {
        let record = Self::record(meta, body)?;
        let (tx, store) = self.jobs(TransactionMode::ReadWrite)?;
        store.put(&record, None).await.map_err(err)?;
        tx.done().await.map_err(err)?;
        Ok(())
    }

    /// How many uploads are queued (read without decoding them: the main module counts them
    /// while the cloud chunk, which decodes and sends them, cannot be fetched).
    pub async fn count(&self) -> Result<usize, String> {
        let (_tx, store) = self.jobs(TransactionMode::ReadOnly)?;
        let count = store.count(None).await.map_err(err)?;
        Ok(count as usize)
    }

    /// Every queued upload, oldest key first.
    pub async fn all(&self) -> Result<Vec<Job>, String> {
        let (_tx, store) = self.jobs(TransactionMode::ReadOnly)?;
        let rows = store.get_all(None, None).await.map_err(err)?;
        let mut jobs = Vec::with_capacity(rows.len());
        for row in rows {
            let meta = js_sys::Reflect::get(&row, &"meta".into())
                .ok()
                .and_then(|m| m.as_string())
                .ok_or_else(|| err("a record has no metadata"))?;
            let meta: JobMeta = serde_json::from_str(&meta).map_err(err)?;
            let body = js_sys::Reflect::get(&row, &"body".into()).unwrap_or(JsValue::NULL);
            jobs.push(Job { meta, body });
        }
        Ok(jobs)
    }

    /// Rewrites the metadata of `meta.key` if its record still has `meta.version`
    /// (a newer body is never overwritten with older progress).
    pub async fn update_meta(&self, meta: &JobMeta) -> Result<(), String> {
        self.if_current(meta, |store, row| async move {
            let meta_json = serde_json::to_string(meta).map_err(err)?;
            js_sys::Reflect::set(&row, &"meta".into(), &JsValue::from_str(&meta_json))
                .map_err(|_| err("cannot update record"))?;
            store.put(&row, None).await.map_err(err)?;
            Ok(())
        })
        .await
    }

    /// Removes `meta.key` if its record still has `meta.version`.
    pub async fn remove(&self, meta: &JobMeta) -> Result<(), String> {
        self.if_current(meta, |store, _row| async move {
            store
                .delete(JsValue::from_str(&meta.key))
                .await
                .map_err(err)?;
            Ok(())
        })
        .await
    }

    async fn if_current<'a, F, Fut>(&self, meta: &'a JobMeta, f: F) -> Result<(), String>
    where
        F: FnOnce(rexie::Store, JsValue) -> Fut,
        Fut: std::future::Future<Output = Result<(), String>> + 'a,
    {
        let (tx, store) = self.jobs(TransactionMode::ReadWrite)?;
        let row = store.get(JsValue::from_str(&meta.key)).await.map_err(err)?;
        if let Some(row) = row {
            let current = js_sys::Reflect::get(&row, &"meta".into())
                .ok()
                .and_then(|m| m.as_string())
                .and_then(|m| serde_json::from_str::<JobMeta>(&m).ok());
            if current.is_some_and(|c| c.version == meta.version) {
                f(store, row).await?;
            }
        }
        tx.done().await.map_err(err)?;
        Ok(())
    }
}
