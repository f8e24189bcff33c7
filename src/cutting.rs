//! Cutting a huge image into a tile pyramid kept in the browser's storage. In a worker running
//! the module (`cutStoredImage`, `cutImageFile`), the file is read a part at a time
//! ([`crate::blob_reader`]), cut by `lasso_core::tiles::cut`, and each batch of tiles stored
//! before the next is made, while the page stays free for input. In the page, [`in_worker`]
//! asks for a cut: for a local image then shown from its tiles, and for the Deep Zoom pyramid
//! an upload sends beside a huge original. The cut itself runs from the `pixels` chunk, which
//! holds the codecs it needs, so the main module carries only the entry points.

use crate::module_worker::{ModuleWorker, WorkerError};
use crate::on_demand::{self, split, NotLoaded};
use crate::store::{Store, StoredPyramid};
use crate::sync::CutProgress;
use lasso_core::tiles::cog::{Opened, Step};
use lasso_core::tiles::cut::TileFormat;
use lasso_core::tiles::rows::{probe, FileFormat};
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::prelude::*;

/// Images from this many pixels on are cut into tiles.
pub const CUT_FROM_PIXELS: u64 = 16_000_000;

/// Bytes read from the start of a file to tell its format and size.
const HEAD_BYTES: f64 = 256.0 * 1024.0;

/// Cuts the stored image `image` (its task id) of the IndexedDB database `database` into a
/// tile pyramid kept beside it, telling its progress ([`CutProgress`]) after each batch of
/// tiles; resolves to `{width, height, format, bytes}`. A failed cut leaves no tiles behind.
#[wasm_bindgen(js_name = cutStoredImage)]
pub async fn cut_stored_image(database: String, image: String) -> Result<JsValue, JsValue> {
    cutting(database, image, None)
        .await
        .map_err(|e| JsValue::from_str(&e.to_string()))?
        .await
}

/// The same for a file not kept in the store (an image being uploaded): its pyramid is kept
/// under the id `image`.
#[wasm_bindgen(js_name = cutImageFile)]
pub async fn cut_image_file(
    database: String,
    image: String,
    file: web_sys::Blob,
) -> Result<JsValue, JsValue> {
    cutting(database, image, Some(file))
        .await
        .map_err(|e| JsValue::from_str(&e.to_string()))?
        .await
}

/// A cut under way in the worker, answering as the exported functions do.
type Cutting = Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>;

split! {
    pixels;
    /// Starts the cut in the `pixels` chunk, with the codecs that make the tiles: `file`, or
    /// the stored image `image` when there is none.
    fn cutting(
        database: String,
        image: String,
        file: Option<web_sys::Blob>,
    ) -> Result<Cutting, NotLoaded> {
        Ok(Box::pin(async move {
            let store = open(&database).await?;
            let file = match file {
                Some(file) => file,
                None => store
                    .image_blob(&image)
                    .await
                    .map_err(|e| JsValue::from_str(&e.to_string()))?
                    .ok_or_else(|| JsValue::from_str(&format!("no stored image {image:?}")))?,
            };
            cut_and_answer(&store, &database, &image, file).await
        }))
    }
}

async fn open(database: &str) -> Result<Store, JsValue> {
    Store::open(database)
        .await
        .map_err(|e| JsValue::from_str(&e.to_string()))
}

async fn cut_and_answer(
    store: &Store,
    database: &str,
    image: &str,
    file: web_sys::Blob,
) -> Result<JsValue, JsValue> {
    match cut(store, database, image, file).await {
        Ok(pyramid) => Ok(pyramid_js(&pyramid)),
        Err(e) => {
            // Tiles of a cut that stopped half way would only take space.
            let _ = store.delete_pyramid(image).await;
            Err(JsValue::from_str(&e))
        }
    }
}

async fn cut(
    store: &Store,
    database: &str,
    image: &str,
    file: web_sys::Blob,
) -> Result<StoredPyramid, String> {
    store
        .delete_pyramid(image)
        .await
        .map_err(|e| e.to_string())?;
    let reader = crate::blob_reader::BlobReader::new(file)?;
    let mut job = on_demand::pixels::start_cut(reader).await??;
    let progress = CutProgress::sender(database);
    let mut bytes = 0.0;
    while let Some(tiles) = on_demand::pixels::next_tiles(&mut job).await?? {
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

/// The pyramid a worker answered.
fn pyramid_of(image: &str, answer: &JsValue) -> Result<StoredPyramid, String> {
    let field = |key: &str| js_sys::Reflect::get(answer, &JsValue::from_str(key)).ok();
    let number = |key: &str| field(key).and_then(|v| v.as_f64());
    let format = field("format")
        .and_then(|f| f.as_string())
        .and_then(|f| TileFormat::from_extension(&f));
    match (number("width"), number("height"), format) {
        (Some(width), Some(height), Some(format)) => Ok(StoredPyramid {
            image: image.to_string(),
            width: width as u32,
            height: height as u32,
            format,
            bytes: number("bytes").unwrap_or(0.0),
        }),
        _ => Err("the worker's answer names no pyramid".into()),
    }
}

/// Has a worker cut `image` — the stored image of that id, or `file` — into a pyramid kept in
/// the database `database`. `Ok(None)` where no worker can run the module (the caller shows or
/// sends the image as it is); an error names what failed.
pub async fn in_worker(
    database: &str,
    image: &str,
    file: Option<&web_sys::Blob>,
) -> Result<Option<StoredPyramid>, String> {
    let Some(worker) = ModuleWorker::start() else {
        return Ok(None);
    };
    let (function, args) = match file {
        Some(file) => (
            "cutImageFile",
            js_sys::Array::of3(&database.into(), &image.into(), file),
        ),
        None => (
            "cutStoredImage",
            js_sys::Array::of2(&database.into(), &image.into()),
        ),
    };
    match worker.call(function, &args, &js_sys::Array::new()).await {
        Ok(answer) => pyramid_of(image, &answer).map(Some),
        Err(WorkerError::Unavailable) => Ok(None),
        Err(WorkerError::Failed(e)) => Err(e),
    }
}

/// The first bytes of `file`, enough to tell its format and size.
pub async fn head(file: &web_sys::Blob) -> Result<Vec<u8>, String> {
    slice(file, 0.0, HEAD_BYTES.min(file.size())).await
}

/// Bytes `start..end` of `file`.
async fn slice(file: &web_sys::Blob, start: f64, end: f64) -> Result<Vec<u8>, String> {
    let describe = |e: JsValue| format!("cannot read the file: {e:?}");
    let part = file.slice_with_f64_and_f64(start, end).map_err(describe)?;
    let buffer = wasm_bindgen_futures::JsFuture::from(part.array_buffer())
        .await
        .map_err(describe)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Whether `file` goes to the bucket with a pyramid: a photo from 16 MP on, or a TIFF that
/// cannot be read by parts as it is (in strips, or tiled without overviews) — no browser shows
/// TIFF, so its pyramid is what the editor then shows.
pub async fn pyramid_for_upload(file: &web_sys::Blob) -> Result<bool, String> {
    let head = head(file).await?;
    if large_photo(&head).is_some() {
        return Ok(true);
    }
    if probe(&head).map(|p| p.format) != Some(FileFormat::Tiff) {
        return Ok(false);
    }
    // The TIFF's directories, read from the file a range at a time.
    let mut sparse = lasso_core::tiles::sparse::SparseFile::default();
    loop {
        match on_demand::pixels::open_tiff(&sparse, "the file").await? {
            Ok(Step::Done(Opened::Tiled(source))) => return Ok(!read_as_it_is(&source)),
            Ok(Step::Done(Opened::Stripped)) | Err(_) => return Ok(true),
            Ok(Step::Fetch { offset, len }) => {
                let end = (offset + len) as f64;
                if offset as f64 >= file.size() {
                    return Ok(true);
                }
                let part = slice(file, offset as f64, end.min(file.size())).await?;
                sparse.add(offset, part);
            }
        }
    }
}

/// Most tiles the coarsest level of a tiled TIFF may have for it to be read as it is.
const OVERVIEW_TILES: u64 = 64;

/// Whether a tiled TIFF is shown well from its own tiles: it has overviews, so a view of all of
/// it needs a few tiles (without, it would need every full-resolution tile).
pub fn read_as_it_is(source: &lasso_core::tiles::TileSource) -> bool {
    source
        .pyramid
        .levels
        .first()
        .is_some_and(|l| u64::from(l.columns()) * u64::from(l.rows()) <= OVERVIEW_TILES)
}

/// Whether a PNG or JPEG starting with `head` is large enough to be cut into tiles.
pub fn large_photo(head: &[u8]) -> Option<u64> {
    let p = probe(head)?;
    let pixels = p.pixels()?;
    (matches!(p.format, FileFormat::Png | FileFormat::Jpeg) && pixels >= CUT_FROM_PIXELS)
        .then_some(pixels)
}
