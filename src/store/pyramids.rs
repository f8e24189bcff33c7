//! Tile pyramids cut from huge local images (`lasso_core::tiles::cut`), kept beside the image
//! so that reopening it shows tiles at once. A pyramid row is written complete only after all
//! its tiles: a cut that stopped half way (the tab closed, the disk full) is cut again.

use super::local::{get, set};
use super::schema::{BY_IMAGE, PYRAMIDS, TILES};
use super::{finish, Store, StoreError};
use js_sys::Object;
use lasso_core::tiles::cut::{tile_key, EncodedTile, TileFormat};
use lasso_core::tiles::TileId;
use rexie::{KeyRange, TransactionMode};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Blob;

/// A pyramid kept for an image.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredPyramid {
    /// The image's task id.
    pub image: String,
    /// Full-resolution width.
    pub width: u32,
    /// Full-resolution height.
    pub height: u32,
    /// How its tiles are written.
    pub format: TileFormat,
    /// Bytes of all its tiles.
    pub bytes: f64,
}

fn image_range(image: &str) -> Result<KeyRange, StoreError> {
    KeyRange::only(&JsValue::from_str(image))
        .map_err(|e| StoreError::other(format!("bad image id {image:?}: {e}")))
}

/// A tile's file as a blob of its MIME type.
fn tile_blob(bytes: &[u8], format: TileFormat) -> Result<Blob, StoreError> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes).into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(format.mime());
    Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|e| StoreError::other(format!("cannot make a tile blob: {e:?}")))
}

impl Store {
    /// The complete pyramid kept for `image`, if any.
    pub async fn pyramid(&self, image: &str) -> Result<Option<StoredPyramid>, StoreError> {
        let tx = self
            .db
            .transaction(&[PYRAMIDS], TransactionMode::ReadOnly)?;
        let Some(row) = tx.store(PYRAMIDS)?.get(JsValue::from_str(image)).await? else {
            return Ok(None);
        };
        if get(&row, "complete").as_bool() != Some(true) {
            return Ok(None);
        }
        let number = |key: &str| get(&row, key).as_f64().unwrap_or(0.0);
        let format = get(&row, "format")
            .as_string()
            .and_then(|f| TileFormat::from_extension(&f))
            .ok_or_else(|| StoreError::other(format!("pyramid {image:?}: no tile format")))?;
        Ok(Some(StoredPyramid {
            image: image.to_string(),
            width: number("width") as u32,
            height: number("height") as u32,
            format,
            bytes: number("bytes"),
        }))
    }

    /// Stores a batch of tiles of the pyramid being cut from `image`, in one transaction;
    /// returns their bytes.
    pub async fn put_tiles(
        &self,
        image: &str,
        tiles: &[EncodedTile],
        format: TileFormat,
    ) -> Result<f64, StoreError> {
        let tx = self.db.transaction(&[TILES], TransactionMode::ReadWrite)?;
        let store = tx.store(TILES)?;
        let mut bytes = 0.0;
        for tile in tiles {
            let o = Object::new();
            set(&o, "key", &JsValue::from_str(&tile_key(image, tile.id)))?;
            set(&o, "image", &JsValue::from_str(image))?;
            set(&o, "blob", &tile_blob(&tile.bytes, format)?.into())?;
            store.put(&o.into(), None).await?;
            bytes += tile.bytes.len() as f64;
        }
        finish(tx).await?;
        Ok(bytes)
    }

    /// Records `pyramid` as complete: every one of its tiles is stored.
    pub async fn finish_pyramid(&self, pyramid: &StoredPyramid) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(&[PYRAMIDS], TransactionMode::ReadWrite)?;
        let o = Object::new();
        set(&o, "id", &JsValue::from_str(&pyramid.image))?;
        set(&o, "width", &JsValue::from_f64(f64::from(pyramid.width)))?;
        set(&o, "height", &JsValue::from_f64(f64::from(pyramid.height)))?;
        set(&o, "format", &JsValue::from_str(pyramid.format.extension()))?;
        set(&o, "complete", &JsValue::TRUE)?;
        set(&o, "bytes", &JsValue::from_f64(pyramid.bytes))?;
        tx.store(PYRAMIDS)?.put(&o.into(), None).await?;
        finish(tx).await
    }

    /// One stored tile of `image`'s pyramid.
    pub async fn tile(&self, image: &str, id: TileId) -> Result<Option<Blob>, StoreError> {
        let tx = self.db.transaction(&[TILES], TransactionMode::ReadOnly)?;
        let key = JsValue::from_str(&tile_key(image, id));
        let Some(row) = tx.store(TILES)?.get(key).await? else {
            return Ok(None);
        };
        Ok(get(&row, "blob").dyn_into::<Blob>().ok())
    }

    /// Deletes the pyramid of `image` and its tiles, complete or not.
    pub async fn delete_pyramid(&self, image: &str) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(&[PYRAMIDS, TILES], TransactionMode::ReadWrite)?;
        delete_pyramid_in(&tx, image).await?;
        finish(tx).await
    }
}

/// Deletes the pyramid of `image` within `tx` (which covers both stores).
pub(crate) async fn delete_pyramid_in(
    tx: &rexie::Transaction,
    image: &str,
) -> Result<(), StoreError> {
    let tiles = tx.store(TILES)?;
    let keys = tiles
        .index(BY_IMAGE)?
        .get_all_keys(Some(image_range(image)?), None)
        .await?;
    for key in keys {
        tiles.delete(key).await?;
    }
    tx.store(PYRAMIDS)?.delete(JsValue::from_str(image)).await?;
    Ok(())
}
