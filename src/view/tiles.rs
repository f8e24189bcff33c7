//! Tiled images (Deep Zoom, IIIF) in the browser: reads the descriptor, then carries out what
//! the core's [`TileLoader`] decides after each frame — starting tile requests as image
//! elements, abandoning those that left the view, retrying failures after their pause — and
//! draws the tiles at hand, coarser ones standing in for missing sharp ones.

use crate::state::Shared;
use lasso_core::model::ImageKind;
use lasso_core::tiles::{self, Rect, TileId, TileLoader};
use leptos::prelude::*;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{CanvasRenderingContext2d, HtmlImageElement};

/// Decoded tiles kept per image, in bytes (the overview level aside): about 1,000 tiles of
/// 256 × 256, several screens' worth, well under the tab's memory goal.
const TILE_BUDGET: usize = 256 << 20;

/// Reads the descriptor of the tiled image at `src` and shows the image from its tiles; a
/// failure names the URL and what is wrong with the descriptor.
pub fn open(runtime: Rc<Shared>, src: &str, kind: ImageKind) {
    let src = src.to_string();
    wasm_bindgen_futures::spawn_local(async move {
        let url = match kind {
            ImageKind::Iiif => tiles::info_url(&src),
            _ => src.clone(),
        };
        let source = crate::cloud::http::fetch_bytes(&url)
            .await
            .and_then(|bytes| String::from_utf8(bytes).map_err(|_| format!("{url} is not text")))
            .and_then(|text| tiles::parse(kind, &text, &url).map_err(|e| e.to_string()));
        let source = match source {
            Ok(source) => source,
            Err(e) => {
                runtime.fail(format!("Could not open the tiled image {src}: {e}"));
                return;
            }
        };
        if *runtime.image_src.borrow() != src {
            return; // another image was opened meanwhile
        }
        let (w, h) = (source.pyramid.width, source.pyramid.height);
        *runtime.tiles.borrow_mut() = Some(TileLoader::new(source, TILE_BUDGET));
        runtime.session.update(|s| {
            s.editor.set_image_size(w, h);
            s.image_ready = true;
            s.fit();
        });
    });
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
pub fn pump(runtime: &Rc<Shared>) {
    let (view, resolution) = view_of(runtime);
    let requests = {
        let mut tiles = runtime.tiles.borrow_mut();
        let Some(loader) = tiles.as_mut() else {
            return;
        };
        loader.request(&view, resolution, super::render::now_ms())
    };
    for img in requests.cancel {
        // Dropping the source ends the request.
        img.set_onload(None);
        img.set_onerror(None);
        img.set_src("");
    }
    for (id, url) in requests.start {
        if let Some(img) = start(runtime, id, &url) {
            if let Some(loader) = runtime.tiles.borrow_mut().as_mut() {
                loader.started(id, img);
            }
        }
    }
    if let Some(wait) = requests.retry_in_ms {
        let runtime = Rc::clone(runtime);
        let again = Closure::once_into_js(move || pump(&runtime));
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
fn start(runtime: &Rc<Shared>, id: TileId, url: &str) -> Option<HtmlImageElement> {
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
    super::image::request(url, arrived, failed)
}

/// Draws the tiles at hand for the view (the context maps image pixels to the canvas).
pub fn draw(ctx: &CanvasRenderingContext2d, runtime: &Shared) {
    let (view, resolution) = view_of(runtime);
    let tiles = runtime.tiles.borrow();
    let Some(loader) = tiles.as_ref() else {
        return;
    };
    for (r, img) in loader.drawable(&view, resolution) {
        ctx.draw_image_with_html_image_element_and_dw_and_dh(&img, r.x, r.y, r.w, r.h)
            .ok();
    }
}

/// The coarse whole image from the overview tiles, for the minimap; false until all of them
/// arrived (it is drawn again as they do).
pub fn draw_overview(ctx: &CanvasRenderingContext2d, runtime: &Shared, scale: f64) -> bool {
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
    for (r, img) in &drawn {
        ctx.draw_image_with_html_image_element_and_dw_and_dh(
            img,
            r.x * scale,
            r.y * scale,
            r.w * scale,
            r.h * scale,
        )
        .ok();
    }
    loader.sharp(&whole, scale)
}

/// Counts of the tiled image's tiles and whether the view is sharp, for `viewport()`.
pub fn status(runtime: &Shared) -> Option<(tiles::LoaderStats, bool)> {
    let (view, resolution) = view_of(runtime);
    let tiles = runtime.tiles.borrow();
    let loader = tiles.as_ref()?;
    Some((loader.stats(), loader.sharp(&view, resolution)))
}

/// After going offline and back: tiles given up are tried again.
pub fn retry_failed(runtime: &Rc<Shared>) {
    if let Some(loader) = runtime.tiles.borrow_mut().as_mut() {
        loader.forget_failures();
    }
    pump(runtime);
}
