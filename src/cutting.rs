//! Cutting a huge local image into a tile pyramid kept beside it, as a function the module
//! exports for a worker running it: the stored file is read a part at a time
//! ([`crate::blob_reader`]), cut by `lasso_core::tiles::cut`, and each batch of tiles stored
//! before the next is made, while the page stays free for input (`crate::view::local_tiles`
//! asks for it and shows the tiles).

use crate::store::{Store, StoredPyramid};
use crate::sync::CutProgress;
use wasm_bindgen::prelude::*;

/// Cuts the stored image `image` (its task id) of the IndexedDB database `database` into a
/// tile pyramid kept beside it (`lasso_core::tiles::cut`), reading the file a part at a time;
/// tells its progress ([`CutProgress`]) after each batch of tiles and
/// resolves to `{width, height, format, bytes}`. A failed cut leaves no tiles behind.
#[wasm_bindgen(js_name = cutStoredImage)]
pub async fn cut_stored_image(database: String, image: String) -> Result<JsValue, JsValue> {
    let store = Store::open(&database)
        .await
        .map_err(|e| JsValue::from_str(&e.to_string()))?;
    match cut(&store, &database, &image).await {
        Ok(pyramid) => Ok(pyramid_js(&pyramid)),
        Err(e) => {
            // Tiles of a cut that stopped half way would only take space.
            let _ = store.delete_pyramid(&image).await;
            Err(JsValue::from_str(&e))
        }
    }
}

async fn cut(store: &Store, database: &str, image: &str) -> Result<StoredPyramid, String> {
    let blob = store
        .image_blob(image)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no stored image {image:?}"))?;
    store
        .delete_pyramid(image)
        .await
        .map_err(|e| e.to_string())?;
    let reader = crate::blob_reader::BlobReader::new(blob)?;
    let mut job = lasso_core::tiles::cut::CutJob::open(reader)?;
    let progress = CutProgress::sender(database);
    let mut bytes = 0.0;
    while let Some(tiles) = job.next_tiles()? {
        bytes += store
            .put_tiles(image, &tiles, job.format())
            .await
            .map_err(|e| e.to_string())?;
        if let Some(progress) = &progress {
            let (done, total) = job.progress();
            progress.post(image, done, total);
        }
    }
    let pyramid = StoredPyramid {
        image: image.to_string(),
        width: job.pyramid().width,
        height: job.pyramid().height,
        format: job.format(),
        bytes,
    };
    store
        .finish_pyramid(&pyramid)
        .await
        .map_err(|e| e.to_string())?;
    Ok(pyramid)
}

/// The pyramid as the worker answers it (`{width, height, format, bytes}`).
fn pyramid_js(p: &StoredPyramid) -> JsValue {
    let o = js_sys::Object::new();
    for (key, value) in [
        ("width", JsValue::from(p.width)),
        ("height", JsValue::from(p.height)),
        ("format", JsValue::from_str(p.format.extension())),
        ("bytes", JsValue::from_f64(p.bytes)),
    ] {
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(key), &value);
    }
    o.into()
}
