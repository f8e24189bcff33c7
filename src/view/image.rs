//! Loads the task's image into an `<img>` element the renderer can draw; an image the browser
//! cannot show (TIFF) is decoded by the core and shown as a PNG of the same pixels; a tiled
//! image (Deep Zoom, IIIF) is shown from its tiles (`super::tiles`), each requested here.

use crate::state::Shared;
use lasso_core::model::ImageKind;
use leptos::prelude::*;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::HtmlImageElement;

/// Starts loading `src`, served as `kind`; on load records the image's size in the task, fits
/// the view and redraws. A failure is reported in the banner, naming the URL.
pub fn load(runtime: Rc<Shared>, src: &str, kind: ImageKind) {
    forget(&runtime, src);
    if !src.is_empty() {
        show(runtime, src, kind);
    }
}

/// Drops what is held of the image shown so far; `src` is the one being opened now.
pub(super) fn forget(runtime: &Shared, src: &str) {
    *runtime.image_src.borrow_mut() = src.to_string();
    forget_whole(runtime);
    *runtime.tiles.borrow_mut() = None;
    *runtime.tile_file.borrow_mut() = Default::default();
}

/// Drops the whole image and its full-resolution bitmap (tiles show it instead).
pub(super) fn forget_whole(runtime: &Shared) {
    *runtime.image.borrow_mut() = None;
    if let Some(bitmap) = runtime.image_bitmap.borrow_mut().take() {
        bitmap.close();
    }
}

/// Shows `src` as `kind` says: from tiles, or whole.
pub(super) fn show(runtime: Rc<Shared>, src: &str, kind: ImageKind) {
    match kind {
        ImageKind::Dzi | ImageKind::Iiif | ImageKind::Cog => {
            super::tiled_image::open(runtime, src, kind)
        }
        ImageKind::Plain => load_whole(runtime, src),
    }
}

/// Requests one tile of a tiled image; `arrived` runs once it is decoded, `failed` if it
/// cannot be had. The element is the request: emptying its `src` abandons it.
pub fn request(
    url: &str,
    arrived: impl FnOnce() + 'static,
    failed: impl FnOnce() + 'static,
) -> Option<HtmlImageElement> {
    let img = prepared(arrived, failed)?;
    img.set_src(url);
    Some(img)
}

/// An image element ready to request a tile (its handlers set), for a URL known later;
/// abandoning it removes its handlers.
pub fn prepared(
    arrived: impl FnOnce() + 'static,
    failed: impl FnOnce() + 'static,
) -> Option<HtmlImageElement> {
    let img = HtmlImageElement::new().ok()?;
    img.set_cross_origin(Some("anonymous"));
    img.set_decoding("async");
    let on_load = Closure::once_into_js(arrived);
    let on_error = Closure::once_into_js(failed);
    img.set_onload(Some(on_load.unchecked_ref()));
    img.set_onerror(Some(on_error.unchecked_ref()));
    Some(img)
}

/// A plain image, decoded whole (a TIFF through the core).
pub(super) fn load_whole(runtime: Rc<Shared>, src: &str) {
    let Ok(img) = HtmlImageElement::new() else {
        runtime.fail_say("image.no_element", &[]);
        return;
    };
    img.set_cross_origin(Some("anonymous"));
    let on_load = {
        let runtime = Rc::clone(&runtime);
        let img = img.clone();
        let src = src.to_string();
        Closure::<dyn FnMut()>::new(move || {
            if *runtime.image_src.borrow() != src || runtime.tiles.borrow().is_some() {
                return; // another image was opened meanwhile, or its tiles came first
            }
            let (w, h) = (img.natural_width(), img.natural_height());
            *runtime.image.borrow_mut() = Some(img.clone());
            runtime.session.update(|s| {
                s.editor.set_image_size(w, h);
                s.image_ready = true;
                s.fit();
            });
            // A local image being cut into tiles is soon shown from them instead.
            if runtime.cutting.with_untracked(|c| c.is_empty()) {
                decode_large_off_thread(&runtime);
            }
        })
    };
    let on_error = {
        let runtime = Rc::clone(&runtime);
        let src = src.to_string();
        Closure::<dyn FnMut()>::new(move || {
            let runtime = Rc::clone(&runtime);
            let src = src.clone();
            wasm_bindgen_futures::spawn_local(async move {
                // The browser cannot show every format (TIFF): decoded here, shown as a PNG.
                if !src.starts_with("blob:") {
                    if let Ok(url) = displayable_copy(&src).await {
                        if *runtime.image_src.borrow() == src {
                            load(runtime, &url, ImageKind::Plain);
                        }
                        return;
                    }
                }
                runtime.fail_say("image.load_failed", &[("src", &src)]);
            });
        })
    };
    img.set_onload(Some(on_load.as_ref().unchecked_ref()));
    img.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // The element keeps the handlers for its lifetime; they run once.
    on_load.forget();
    on_error.forget();
    img.set_src(src);
}

/// Plain images from this many pixels on are also decoded at full resolution off the main
/// thread (see [`Shared::image_bitmap`]); smaller ones decode quickly enough where drawn. Only
/// images already in the browser (`blob:` URLs: local files, stored images) are: reading a
/// remote one again would download it twice.
const BITMAP_FROM_PIXELS: f64 = 16.0e6;

/// Decodes the whole image shown at full resolution off the main thread if it is a large one
/// the browser already holds (see [`BITMAP_FROM_PIXELS`]).
pub(super) fn decode_large_off_thread(runtime: &Rc<Shared>) {
    let Some(img) = runtime.image.borrow().clone() else {
        return;
    };
    let src = runtime.image_src.borrow().clone();
    let (w, h) = (img.natural_width(), img.natural_height());
    if f64::from(w) * f64::from(h) >= BITMAP_FROM_PIXELS && src.starts_with("blob:") {
        decode_off_thread(Rc::clone(runtime), src, (w, h));
    }
}

/// Reads the image at `src` again (a blob the browser already holds) and has the browser
/// decode it off the main thread; the bitmap is kept if the image is still the one open and
/// has the element's size (both upright by EXIF). On failure the element is drawn, as before.
fn decode_off_thread(runtime: Rc<Shared>, src: String, size: (u32, u32)) {
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(bitmap) = full_resolution_bitmap(&src).await else {
            return;
        };
        if *runtime.image_src.borrow() != src || (bitmap.width(), bitmap.height()) != size {
            bitmap.close();
            return;
        }
        *runtime.image_bitmap.borrow_mut() = Some(bitmap);
        runtime.tiles_arrived.update(|n| *n += 1);
    });
}

/// The image at `src`, decoded by `createImageBitmap` from its bytes (off the main thread).
async fn full_resolution_bitmap(src: &str) -> Result<web_sys::ImageBitmap, String> {
    bitmap_of(&crate::cloud::http::fetch_blob(src).await?).await
}

/// The image file `blob`, decoded by the browser off the main thread (`createImageBitmap`).
pub(super) async fn bitmap_of(blob: &web_sys::Blob) -> Result<web_sys::ImageBitmap, String> {
    use wasm_bindgen_futures::JsFuture;
    let describe = crate::cloud::http::describe;
    let window = web_sys::window().ok_or("no window")?;
    JsFuture::from(
        window
            .create_image_bitmap_with_blob(blob)
            .map_err(describe)?,
    )
    .await
    .map_err(describe)?
    .dyn_into()
    .map_err(describe)
}

/// A Blob URL of a PNG made from the TIFF at `src` (upright, full resolution); an error when
/// `src` cannot be read or is not a TIFF.
async fn displayable_copy(src: &str) -> Result<String, String> {
    let bytes = crate::cloud::http::fetch_bytes(src).await?;
    if !lasso_core::dataset::pixels::is_tiff(&bytes) {
        return Err(format!("{src} is not a TIFF"));
    }
    let png = crate::on_demand::pixels::displayable_png(&bytes).await??;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(png.as_slice()).into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/png");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(crate::cloud::http::describe)?;
    web_sys::Url::create_object_url_with_blob(&blob).map_err(crate::cloud::http::describe)
}
