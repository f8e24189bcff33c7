//! Key/value settings (small JSON values, e.g. the schema version or the last opened dataset).

use super::schema::SETTINGS;
use super::{finish, Store, StoreError};
use rexie::TransactionMode;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

#[derive(Serialize, Deserialize)]
struct SettingRow {
    key: String,
    /// The value as JSON.
    value: String,
}

impl Store {
    /// The setting `key`, or `None` if it was never set.
    pub async fn setting<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        let tx = self
            .db
            .transaction(&[SETTINGS], TransactionMode::ReadOnly)?;
        let Some(row) = tx.store(SETTINGS)?.get(JsValue::from_str(key)).await? else {
            return Ok(None);
        };
        let row: SettingRow = serde_wasm_bindgen::from_value(row)?;
        serde_json::from_str(&row.value)
            .map(Some)
            .map_err(|e| StoreError::other(format!("setting {key:?} is unreadable: {e}")))
    }

    /// Sets `key` to `value`, durably.
    pub async fn set_setting<T: Serialize>(&self, key: &str, value: &T) -> Result<(), StoreError> {
        let value = serde_json::to_string(value)
            .map_err(|e| StoreError::other(format!("setting {key:?}: {e}")))?;
        let row = serde_wasm_bindgen::to_value(&SettingRow {
            key: key.to_string(),
            value,
        })?;
        let tx = self
            .db
            .transaction(&[SETTINGS], TransactionMode::ReadWrite)?;
        tx.store(SETTINGS)?.put(&row, None).await?;
        finish(tx).await?;
        Ok(())
    }
}
