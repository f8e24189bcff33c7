//! Journal compaction as a function the module exports, so that a worker running this module
//! folds a task's journal into its snapshot (decoding, replaying and encoding the whole task)
//! while the page's main thread stays free for input. IndexedDB orders the worker's
//! transactions with the page's appends; the compaction itself is [`Store::compact`].

use super::Store;
use wasm_bindgen::prelude::*;

/// Folds the journal of task `task` in the IndexedDB database `database` into its snapshot;
/// resolves to the number of journal rows folded (0: nothing to fold, or an op that no longer
/// applies keeps the journal as it is).
#[wasm_bindgen(js_name = compactStoredTask)]
pub async fn compact_stored_task(database: String, task: String) -> Result<u32, JsValue> {
    let error = |e: super::StoreError| JsValue::from_str(&e.to_string());
    let store = Store::open(&database).await.map_err(error)?;
    let compacted = store.compact(&task).await.map_err(error)?;
    Ok(compacted.map_or(0, |c| u32::try_from(c.folded).unwrap_or(u32::MAX)))
}
