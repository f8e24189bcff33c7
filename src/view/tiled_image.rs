//! Opening and showing a tiled image: reads the descriptor (Deep Zoom, IIIF) or a TIFF's
//! directories (by range requests), then carries out what the core's [`TileLoader`] decides
//! after each frame — starting tile requests (image elements; for a TIFF, range requests
//! decoded by the core onto a canvas; for a pyramid cut in this browser, tiles read from its
//! storage), abandoning those that left the view, retrying failures after their pause — and
//! draws the tiles at hand, coarser ones standing in for missing sharp ones.
//!
//! Everything after [`open`] and [`show`] runs from the `tiles` chunk: the page reaches it
//! through the functions [`show`] installs in [`super::tiles`], so an editor that never opens
//! a tiled image never downloads this code.

use super::tiles::TileOps;
use crate::on_demand::{split, NotLoaded};
use crate::state::{Shared, TileHandle};
use lasso_core::edit::mask_tool::{PixelWindow, Pixels};
use lasso_core::model::ImageKind;
use lasso_core::tiles::cog::{self, Opened, Step};
use lasso_core::tiles::sparse::SparseFile;
use lasso_core::tiles::{self, Rect, Scheme, TileId, TileLoader, TileSource};
use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

thread_local! {
    /// A retry timer is set (the page has one thread: a thread-local is a page-wide flag).
    static RETRY_PENDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Decoded tiles kept per image, in bytes (the overview level aside): about 1,000 tiles of
/// 256 × 256, several screens' worth, well under the tab's memory goal.
const TILE_BUDGET: usize = 256 << 20;

/// Reads the descriptor of the tiled image at `src` (or a TIFF's directories) and shows the
/// image from its tiles; a TIFF in strips is decoded whole instead. A failure names the URL
/// and what is wrong.
pub fn open(runtime: Rc<Shared>, src: &str, kind: ImageKind) {
    let src = src.to_string();
    wasm_bindgen_futures::spawn_local(async move {
        match opening(Rc::clone(&runtime), src.clone(), kind).await {
            Ok(open) => open.await,
            Err(NotLoaded) => {
                if *runtime.image_src.borrow() == src {
                    let why = runtime.part_unavailable();
                    runtime.fail_say("image.tiles_failed", &[("src", &src), ("error", &why)]);
                }
            }
        }
    });
}

/// What [`open`] waits for.
type Opening = Pin<Box<dyn Future<Output = ()>>>;

split! {
    tiles;
    /// The opening of [`open`], made in the `tiles` chunk (with the descriptor readers): only
    /// a tiled image needs it.
    fn opening(runtime: Rc<Shared>, src: String, kind: ImageKind) -> Result<Opening, NotLoaded> {
        Ok(Box::pin(async move { open_now(runtime, src, kind).await }))
    }
}

async fn open_now(runtime: Rc<Shared>, src: String, kind: ImageKind) {
    let source = match kind {
        ImageKind::Cog => open_tiff(&runtime, &src).await,
        _ => {
            // Tiles of a pyramid in the bucket are named by key, each signed when requested.
            let keys_beside = runtime
                .tile_signing
                .borrow()
                .as_ref()
                .map(|s| s.descriptor.clone());
            open_descriptor(&runtime, &src, kind, keys_beside.as_deref())
                .await
                .map(Some)
        }
    };
    if *runtime.image_src.borrow() != src {
        return; // another image was opened meanwhile
    }
    match source {
        Ok(Some(source)) => show_now(&runtime, source),
        Ok(None) => super::image::load_whole(runtime, &src),
        Err(e) => runtime.fail_say("image.tiles_failed", &[("src", &src), ("error", &e)]),
    }
}

split! {
    tiles;
    /// Shows the image from `source`'s tiles (see [`show_now`]) once the `tiles` chunk is in,
    /// if `src` is still the image open then; whether it did.
    pub(super) fn show(runtime: Rc<Shared>, src: String, source: TileSource) -> Result<bool, NotLoaded> {
        if *runtime.image_src.borrow() != src {
            return Ok(false); // another image was opened while the chunk was fetched
        }
        show_now(&runtime, source);
        Ok(true)
    }
}

/// What the page calls each frame while a tiled image is open ([`super::tiles`]).
fn tile_ops() -> TileOps {
    TileOps {
        pump,
        draw,
        draw_overview,
        view_pixels,
        status,
        retry_failed,
    }
}

/// Shows the image from `source`'s tiles: records its size (and placement) in the task and
/// fits the view, unless the image was already shown (whole, while its tiles were cut).
fn show_now(runtime: &Shared, source: TileSource) {
    super::tiles::install(tile_ops());
    let (w, h) = (source.pyramid.width, source.pyramid.height);
    let geo = source.geo.clone();
    *runtime.tiles.borrow_mut() = Some(TileLoader::new(source, TILE_BUDGET));
    runtime.session.update(|s| {
        s.editor.set_image_size(w, h);
        if let Some(geo) = geo {
            s.editor.set_image_geo(geo);
        }
        if !s.image_ready {
            s.image_ready = true;
            s.fit();
        }
    });
    runtime.tiles_arrived.update(|n| *n += 1);
}

/// A Deep Zoom or IIIF descriptor, fetched and read; its tiles named beside `tiles_beside`
/// (an object key) where given, else beside its URL.
async fn open_descriptor(
    runtime: &Shared,
    src: &str,
    kind: ImageKind,
    tiles_beside: Option<&str>,
) -> Result<TileSource, String> {
    let url = match kind {
        ImageKind::Iiif => tiles::info_url(src),
        _ => src.to_string(),
    };
    let bytes = crate::cloud::http::fetch_bytes(&url).await?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{url} is not text"))?;
    crate::on_demand::pixels::tile_descriptor(kind, &text, tiles_beside.unwrap_or(&url))
        .await
        .map_err(|_| runtime.part_unavailable())?
}

/// A TIFF's directories, read by range requests; `None` for a TIFF in strips. The bytes read
/// become `runtime.tile_file` only if this image is still the one being opened.
pub(super) async fn open_tiff(runtime: &Shared, src: &str) -> Result<Option<TileSource>, String> {
    let mut file = SparseFile::default();
    loop {
        let opened = crate::on_demand::pixels::open_tiff(&file, src)
            .await
            .map_err(|_| runtime.part_unavailable())?;
        match opened? {
            Step::Done(Opened::Tiled(source)) => {
                if *runtime.image_src.borrow() == src {
                    *runtime.tile_file.borrow_mut() = file;
                }
                return Ok(Some(source));
            }
            Step::Done(Opened::Stripped) => return Ok(None),
            Step::Fetch { offset, len } => {
                let (start, bytes) = fetch_range(src, offset, len, None).await?;
                file.add(start, bytes);
            }
        }
    }
}

/// `len` bytes at `offset` of the TIFF (or the whole file, from 0, where the server ignores
/// ranges); an error when nothing new came.
async fn fetch_range(
    src: &str,
    offset: u64,
    len: u64,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<(u64, Vec<u8>), String> {
    let (start, bytes) = crate::cloud::http::fetch_range(src, offset, len, signal).await?;
    if bytes.is_empty() || start + (bytes.len() as u64) <= offset {
        return Err(format!(
            "{src} ends before byte {offset}: the file is cut short"
        ));
    }
    Ok((start, bytes))
}

/// The view in image pixels and device pixels per image pixel.
fn view_of(runtime: &Shared) -> (Rect, f64) {
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
    runtime.session.with_untracked(|s| {
        let (x0, y0, x1, y1) = s.viewport.visible_image_rect(s.view_size.0, s.view_size.1);
        let rect = Rect {
            x: x0.min(x1),
            y: y0.min(y1),
            w: (x1 - x0).abs(),
            h: (y1 - y0).abs(),
        };
        (rect, s.viewport.scale() * dpr)
    })
}

/// Starts and cancels tile requests for the current view (after every frame, after a tile
/// arrives or fails, and when a retry is due).
fn pump(runtime: &Rc<Shared>) {
    let (view, resolution) = view_of(runtime);
    let requests = {
        let mut tiles = runtime.tiles.borrow_mut();
        let Some(loader) = tiles.as_mut() else {
            return;
        };
        loader.request(&view, resolution, super::render::now_ms())
    };
    for handle in requests.cancel {
        // Dropping the source ends an image's request; a TIFF tile's range request is aborted.
        match handle {
            TileHandle::Image(img) => {
                img.set_onload(None);
                img.set_onerror(None);
                img.set_src("");
            }
            TileHandle::Canvas(_, abort) => abort.abort(),
        }
    }
    for (id, url) in requests.start {
        if let Some(img) = start(runtime, id, &url) {
            if let Some(loader) = runtime.tiles.borrow_mut().as_mut() {
                loader.started(id, img);
            }
        }
    }
    // One timer for the next retry, however many frames ask for it meanwhile.
    if let Some(wait) = requests
        .retry_in_ms
        .filter(|_| !RETRY_PENDING.replace(true))
    {
        let runtime = Rc::clone(runtime);
        let again = Closure::once_into_js(move || {
            RETRY_PENDING.set(false);
            pump(&runtime);
        });
        if let Some(w) = web_sys::window() {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                again.unchecked_ref(),
                wait.ceil() as i32,
            )
            .ok();
        }
    }
}

/// Requests one tile; its arrival redraws, its failure is reported to the loader (and, on the
/// last try, in the banner).
fn start(runtime: &Rc<Shared>, id: TileId, url: &str) -> Option<TileHandle> {
    let arrived = {
        let runtime = Rc::clone(runtime);
        move || {
            let kept = runtime
                .tiles
                .borrow_mut()
                .as_mut()
                .is_some_and(|l| l.arrived(id));
            if kept {
                runtime.tiles_arrived.update(|n| *n += 1);
            }
            pump(&runtime);
        }
    };
    let failed = {
        let runtime = Rc::clone(runtime);
        move || {
            let message = runtime
                .tiles
                .borrow_mut()
                .as_mut()
                .and_then(|l| l.failed(id, super::render::now_ms()));
            if let Some(message) = message {
                runtime.fail(message);
            }
            pump(&runtime);
        }
    };
    // Tiles drawn on a canvas: a TIFF's (decoded here), a stored pyramid's (read from storage).
    let stored = runtime
        .tiles
        .borrow()
        .as_ref()
        .and_then(|l| match &l.source().scheme {
            Scheme::Cog { .. } => Some(None),
            Scheme::Stored { image, .. } => Some(Some(image.clone())),
            _ => None,
        });
    let Some(stored) = stored else {
        let signing = runtime.tile_signing.borrow().clone();
        let Some(signing) = signing else {
            return super::image::request(url, arrived, failed).map(TileHandle::Image);
        };
        // The tile's key, signed first; a request abandoned meanwhile is not sent.
        let img = super::image::prepared(arrived, failed.clone())?;
        let (pending, key) = (img.clone(), url.to_string());
        wasm_bindgen_futures::spawn_local(async move {
            match (signing.sign)(key).await {
                Ok(signed) if pending.onload().is_some() => pending.set_src(&signed),
                Ok(_) => {}
                Err(e) => {
                    web_sys::console::warn_1(&e.into());
                    failed();
                }
            }
        });
        return Some(TileHandle::Image(img));
    };
    let canvas = super::canvas::new()?;
    let abort = web_sys::AbortController::new().ok()?;
    let signal = abort.signal();
    let (runtime, target, url) = (Rc::clone(runtime), canvas.clone(), url.to_string());
    wasm_bindgen_futures::spawn_local(async move {
        let drawn = match &stored {
            Some(image) => stored_tile(&runtime, image, id, &target, &signal).await,
            None => tiff_tile(&runtime, &url, id, &target, &signal).await,
        };
        match drawn {
            Ok(()) => arrived(),
            Err(e) => {
                // An abandoned tile is not a failure worth a word.
                if !signal.aborted() {
                    web_sys::console::warn_1(&e.into());
                }
                failed();
            }
        }
    });
    Some(TileHandle::Canvas(canvas, abort))
}

/// Fetches the bytes of one tile of a TIFF, decodes it in the core and puts it on `canvas`.
async fn tiff_tile(
    runtime: &Shared,
    url: &str,
    id: TileId,
    canvas: &HtmlCanvasElement,
    signal: &web_sys::AbortSignal,
) -> Result<(), String> {
    // Loaded first: the decoding below holds borrows and must not wait.
    crate::on_demand::pixels::tiff_tiles_ready()
        .await
        .map_err(|_| runtime.part_unavailable())?;
    loop {
        let step = {
            let tiles = runtime.tiles.borrow();
            let source = tiles
                .as_ref()
                .map(|l| l.source())
                .ok_or("the image was closed")?;
            let file = runtime.tile_file.borrow();
            let decode = crate::on_demand::pixels::decode_tiff_tile(&file, source, id);
            crate::on_demand::at_once(decode).ok_or("the TIFF decoder is not loaded")???
        };
        match step {
            Step::Fetch { offset, len } => {
                let (start, bytes) = fetch_range(url, offset, len, Some(signal)).await?;
                // Bytes of a file that is no longer open must not join the next one's.
                if *runtime.image_src.borrow() != url {
                    return Err("the image was closed".into());
                }
                runtime.tile_file.borrow_mut().add(start, bytes);
            }
            Step::Done(pixels) => {
                super::canvas::put_rgba(canvas, pixels.width, pixels.height, &pixels.rgba)?;
                forget_tile_bytes(runtime, id);
                return Ok(());
            }
        }
    }
}

/// Reads one tile of the pyramid stored for `image`, has the browser decode it off the main
/// thread and puts it on `canvas`.
async fn stored_tile(
    runtime: &Shared,
    image: &str,
    id: TileId,
    canvas: &HtmlCanvasElement,
    signal: &web_sys::AbortSignal,
) -> Result<(), String> {
    let store = runtime
        .store
        .borrow()
        .clone()
        .ok_or("IndexedDB is unavailable")?;
    let blob = store
        .tile(image, id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("tile {id:?} of {image} is not stored"))?;
    let bitmap = super::image::bitmap_of(&blob).await?;
    if signal.aborted() {
        bitmap.close();
        return Err("the tile left the view".into());
    }
    canvas.set_width(bitmap.width());
    canvas.set_height(bitmap.height());
    let drawn = super::canvas::context(canvas)
        .and_then(|ctx| ctx.draw_image_with_image_bitmap(&bitmap, 0.0, 0.0).ok());
    bitmap.close();
    drawn.ok_or_else(|| format!("tile {id:?} of {image} could not be drawn"))
}

/// Drops a decoded tile's compressed bytes from what is held of the TIFF.
fn forget_tile_bytes(runtime: &Shared, id: TileId) {
    let range = runtime
        .tiles
        .borrow()
        .as_ref()
        .and_then(|l| cog::tile_bytes(l.source(), id));
    if let Some((offset, count)) = range {
        runtime
            .tile_file
            .borrow_mut()
            .forget(offset, offset + count);
    }
}

/// Draws the tiles at hand for the view (the context maps image pixels to the canvas).
fn draw(ctx: &CanvasRenderingContext2d, runtime: &Shared) {
    let (view, resolution) = view_of(runtime);
    let tiles = runtime.tiles.borrow();
    let Some(loader) = tiles.as_ref() else {
        return;
    };
    for (r, tile) in loader.drawable(&view, resolution) {
        paint(ctx, &tile, r.x, r.y, r.w, r.h);
    }
}

/// Draws one tile into a rectangle.
fn paint(ctx: &CanvasRenderingContext2d, tile: &TileHandle, x: f64, y: f64, w: f64, h: f64) {
    match tile {
        TileHandle::Image(img) => {
            ctx.draw_image_with_html_image_element_and_dw_and_dh(img, x, y, w, h)
        }
        TileHandle::Canvas(c, _) => {
            ctx.draw_image_with_html_canvas_element_and_dw_and_dh(c, x, y, w, h)
        }
    }
    .ok();
}

/// The coarse whole image from the overview tiles, for the minimap; false until all of them
/// arrived (it is drawn again as they do).
fn draw_overview(ctx: &CanvasRenderingContext2d, runtime: &Shared, scale: f64) -> bool {
    let tiles = runtime.tiles.borrow();
    let Some(loader) = tiles.as_ref() else {
        return false;
    };
    let p = &loader.source().pyramid;
    let whole = Rect {
        x: 0.0,
        y: 0.0,
        w: f64::from(p.width),
        h: f64::from(p.height),
    };
    let drawn = loader.drawable(&whole, scale);
    for (r, tile) in &drawn {
        paint(
            ctx,
            tile,
            r.x * scale,
            r.y * scale,
            r.w * scale,
            r.h * scale,
        );
    }
    loader.sharp(&whole, scale)
}

/// The pixels of the tiled image in view, at the view's resolution (at most full resolution),
/// from the tiles at hand — what the magic wand and the scissors work on; `None` when no part
/// of the image is in view. Fails when the browser does not let the page read a tile's pixels
/// (tiles from another origin served without CORS).
fn view_pixels(runtime: &Shared) -> Result<Option<Pixels>, String> {
    let scale = runtime
        .session
        .with_untracked(|s| s.viewport.scale())
        .min(1.0);
    let (view, _) = view_of(runtime);
    let tiles = runtime.tiles.borrow();
    let Some(loader) = tiles.as_ref() else {
        return Ok(None);
    };
    let p = &loader.source().pyramid;
    let x0 = view.x.floor().max(0.0) as u32;
    let y0 = view.y.floor().max(0.0) as u32;
    let x1 = ((view.x + view.w).ceil().max(0.0) as u32).min(p.width);
    let y1 = ((view.y + view.h).ceil().max(0.0) as u32).min(p.height);
    if x1 <= x0 || y1 <= y0 || scale.is_nan() || scale <= 0.0 {
        return Ok(None);
    }
    let width = (f64::from(x1 - x0) * scale).ceil().max(1.0) as u32;
    let height = (f64::from(y1 - y0) * scale).ceil().max(1.0) as u32;
    let canvas = super::canvas::new().ok_or("no document to make a canvas in")?;
    canvas.set_width(width);
    canvas.set_height(height);
    let ctx = super::canvas::context(&canvas).ok_or("no 2D canvas context")?;
    ctx.scale(scale, scale)
        .map_err(crate::cloud::http::describe)?;
    ctx.translate(-f64::from(x0), -f64::from(y0))
        .map_err(crate::cloud::http::describe)?;
    let region = Rect {
        x: f64::from(x0),
        y: f64::from(y0),
        w: f64::from(x1 - x0),
        h: f64::from(y1 - y0),
    };
    for (r, tile) in loader.drawable(&region, scale) {
        paint(&ctx, &tile, r.x, r.y, r.w, r.h);
    }
    let data = ctx
        .get_image_data(0.0, 0.0, f64::from(width), f64::from(height))
        .map_err(|_| {
            "the browser does not let the page read these tiles' pixels (tiles from another \
             origin served without CORS)"
                .to_string()
        })?;
    Ok(Some(Pixels {
        width,
        height,
        rgba: std::sync::Arc::new(data.data().0),
        window: PixelWindow { x0, y0, scale },
    }))
}

/// Counts of the tiled image's tiles and whether the view is sharp, for `viewport()`.
fn status(runtime: &Shared) -> Option<(tiles::LoaderStats, bool)> {
    let (view, resolution) = view_of(runtime);
    let tiles = runtime.tiles.borrow();
    let loader = tiles.as_ref()?;
    Some((loader.stats(), loader.sharp(&view, resolution)))
}

/// After going offline and back: tiles given up are tried again.
fn retry_failed(runtime: &Rc<Shared>) {
    if let Some(loader) = runtime.tiles.borrow_mut().as_mut() {
        loader.forget_failures();
    }
    pump(runtime);
}
