//! Local datasets: folders or files the user opened, kept as blobs so work on them survives
//! reloads and works offline.
//!
//! Rows hold a `Blob`, which serde cannot carry, so they are built and read as plain JS objects.
//! Deleting a dataset deletes its images but keeps the annotations of its tasks: opening the same
//! folder again gives the same task ids and brings them back.

use super::schema::{BY_DATASET, DATASETS, IMAGES, PYRAMIDS, TILES};
use super::{finish, Store, StoreError};
use js_sys::{Object, Reflect};
use rexie::{KeyRange, TransactionMode};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Blob;

/// A local dataset as listed to the user.
#[derive(Clone, Debug, PartialEq)]
pub struct DatasetInfo {
    /// Stable id (the folder's name), part of every task id of its images.
    pub id: String,
    /// Name shown to the user.
    pub name: String,
    /// When it was imported, in milliseconds since the epoch.
    pub created: f64,
    /// Number of images.
    pub count: u32,
    /// Total size of its images in bytes.
    pub bytes: f64,
}

/// One image of a local dataset, without its bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageInfo {
    /// The task id of the image (see `lasso_core::import::local_task_id`).
    pub id: String,
    /// The dataset it belongs to.
    pub dataset: String,
    /// Path relative to the dataset's root.
    pub path: String,
    /// Its class in a folder-per-class layout.
    pub class: Option<String>,
    /// Size in bytes.
    pub size: f64,
}

/// An image to import: its info and its bytes.
pub struct NewImage {
    /// Where it goes.
    pub info: ImageInfo,
    /// The file's bytes.
    pub blob: Blob,
}

/// Sets `key` of a row being built.
pub(super) fn set(o: &Object, key: &str, value: &JsValue) -> Result<(), StoreError> {
    Reflect::set(o, &JsValue::from_str(key), value)
        .map(|_| ())
        .map_err(|e| StoreError::other(format!("cannot build a row ({key}): {e:?}")))
}

/// Field `key` of a row read (undefined when absent).
pub(super) fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn get_string(o: &JsValue, key: &str) -> String {
    get(o, key).as_string().unwrap_or_default()
}

fn dataset_row(d: &DatasetInfo) -> Result<JsValue, StoreError> {
    let o = Object::new();
    set(&o, "id", &JsValue::from_str(&d.id))?;
    set(&o, "name", &JsValue::from_str(&d.name))?;
    set(&o, "created", &JsValue::from_f64(d.created))?;
    set(&o, "count", &JsValue::from_f64(f64::from(d.count)))?;
    set(&o, "bytes", &JsValue::from_f64(d.bytes))?;
    Ok(o.into())
}

fn dataset_from_row(v: &JsValue) -> DatasetInfo {
    DatasetInfo {
        id: get_string(v, "id"),
        name: get_string(v, "name"),
        created: get(v, "created").as_f64().unwrap_or(0.0),
        count: get(v, "count").as_f64().unwrap_or(0.0) as u32,
        bytes: get(v, "bytes").as_f64().unwrap_or(0.0),
    }
}

fn image_from_row(v: &JsValue) -> ImageInfo {
    ImageInfo {
        id: get_string(v, "id"),
        dataset: get_string(v, "dataset"),
        path: get_string(v, "path"),
        class: get(v, "class").as_string(),
        size: get(v, "size").as_f64().unwrap_or(0.0),
    }
}

fn dataset_range(id: &str) -> Result<KeyRange, StoreError> {
    KeyRange::only(&JsValue::from_str(id))
        .map_err(|e| StoreError::other(format!("bad dataset id {id:?}: {e}")))
}

impl Store {
    /// Stores a dataset and its images in one transaction (all or none). Images already stored
    /// under the same ids are replaced; the dataset's count and size cover every image it has.
    pub async fn put_dataset(
        &self,
        id: &str,
        name: &str,
        images: Vec<NewImage>,
    ) -> Result<DatasetInfo, StoreError> {
        let created = js_sys::Date::now();
        let tx = self
            .db
            .transaction(&[DATASETS, IMAGES, PYRAMIDS], TransactionMode::ReadWrite)?;
        let store = tx.store(IMAGES)?;
        let pyramids = tx.store(PYRAMIDS)?;
        for image in &images {
            let o = Object::new();
            set(&o, "id", &JsValue::from_str(&image.info.id))?;
            set(&o, "dataset", &JsValue::from_str(id))?;
            set(&o, "path", &JsValue::from_str(&image.info.path))?;
            let class = image
                .info
                .class
                .as_deref()
                .map_or(JsValue::NULL, JsValue::from_str);
            set(&o, "class", &class)?;
            set(&o, "size", &JsValue::from_f64(image.blob.size()))?;
            set(&o, "type", &JsValue::from_str(&image.blob.type_()))?;
            set(&o, "blob", &image.blob)?;
            store.put(&o.into(), None).await?;
            // A pyramid cut from an earlier file at this path no longer shows this one (its
            // tiles are replaced by the next cut, which clears them first).
            pyramids.delete(JsValue::from_str(&image.info.id)).await?;
        }
        let all = store
            .index(BY_DATASET)?
            .get_all(Some(dataset_range(id)?), None)
            .await?;
        let info = DatasetInfo {
            id: id.to_string(),
            name: name.to_string(),
            created,
            count: all.len() as u32,
            bytes: all
                .iter()
                .map(|v| get(v, "size").as_f64().unwrap_or(0.0))
                .sum(),
        };
        tx.store(DATASETS)?.put(&dataset_row(&info)?, None).await?;
        finish(tx).await?;
        Ok(info)
    }

    /// Every local dataset, oldest first.
    pub async fn datasets(&self) -> Result<Vec<DatasetInfo>, StoreError> {
        let tx = self
            .db
            .transaction(&[DATASETS], TransactionMode::ReadOnly)?;
        let rows = tx.store(DATASETS)?.get_all(None, None).await?;
        let mut out: Vec<DatasetInfo> = rows.iter().map(dataset_from_row).collect();
        out.sort_by(|a, b| a.created.total_cmp(&b.created).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    /// The images of a dataset, sorted by path.
    pub async fn dataset_images(&self, dataset: &str) -> Result<Vec<ImageInfo>, StoreError> {
        let tx = self.db.transaction(&[IMAGES], TransactionMode::ReadOnly)?;
        let rows = tx
            .store(IMAGES)?
            .index(BY_DATASET)?
            .get_all(Some(dataset_range(dataset)?), None)
            .await?;
        let mut out: Vec<ImageInfo> = rows.iter().map(image_from_row).collect();
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }

    /// The bytes of an image, by its task id.
    pub async fn image_blob(&self, id: &str) -> Result<Option<Blob>, StoreError> {
        let tx = self.db.transaction(&[IMAGES], TransactionMode::ReadOnly)?;
        let Some(row) = tx.store(IMAGES)?.get(JsValue::from_str(id)).await? else {
            return Ok(None);
        };
        Ok(get(&row, "blob").dyn_into::<Blob>().ok())
    }

    /// Deletes a dataset, its images and their tile pyramids (annotations of its tasks are
    /// kept).
    pub async fn delete_dataset(&self, id: &str) -> Result<(), StoreError> {
        let tx = self.db.transaction(
            &[DATASETS, IMAGES, PYRAMIDS, TILES],
            TransactionMode::ReadWrite,
        )?;
        let images = tx.store(IMAGES)?;
        let keys = images
            .index(BY_DATASET)?
            .get_all_keys(Some(dataset_range(id)?), None)
            .await?;
        for key in keys {
            if let Some(image) = key.as_string() {
                super::pyramids::delete_pyramid_in(&tx, &image).await?;
            }
            images.delete(key).await?;
        }
        tx.store(DATASETS)?.delete(JsValue::from_str(id)).await?;
        finish(tx).await?;
        Ok(())
    }
}
