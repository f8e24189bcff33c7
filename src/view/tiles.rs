//! What the page does with the open tiled image after each frame — start and cancel tile
//! requests, draw the tiles at hand, read the pixels in view — through functions that
//! [`super::tiled_image::show`] installs from the `tiles` chunk when it shows one. Until then
//! there is no tiled image, and each of these does nothing.

use crate::state::Shared;
use lasso_core::edit::mask_tool::Pixels;
use lasso_core::tiles::LoaderStats;
use std::cell::Cell;
use std::rc::Rc;
use web_sys::CanvasRenderingContext2d;

/// The functions that work on the open tiled image (in `runtime.tiles`); see the wrappers
/// below for what each does.
#[derive(Clone, Copy)]
pub struct TileOps {
    /// See [`pump`].
    pub pump: fn(&Rc<Shared>),
    /// See [`draw`].
    pub draw: fn(&CanvasRenderingContext2d, &Shared),
    /// See [`draw_overview`].
    pub draw_overview: fn(&CanvasRenderingContext2d, &Shared, f64) -> bool,
    /// See [`view_pixels`].
    pub view_pixels: fn(&Shared) -> Result<Option<Pixels>, String>,
    /// See [`status`].
    pub status: fn(&Shared) -> Option<(LoaderStats, bool)>,
    /// See [`retry_failed`].
    pub retry_failed: fn(&Rc<Shared>),
}

thread_local! {
    /// Set once a tiled image was shown (the page has one thread: a thread-local is page-wide).
    static OPS: Cell<Option<TileOps>> = const { Cell::new(None) };
}

/// Makes the wrappers below call `ops` (done by the `tiles` chunk when it shows an image).
pub fn install(ops: TileOps) {
    OPS.set(Some(ops));
}

/// Starts and cancels tile requests for the current view (after every frame, after a tile
/// arrives or fails, and when a retry is due).
pub fn pump(runtime: &Rc<Shared>) {
    if let Some(ops) = OPS.get() {
        (ops.pump)(runtime);
    }
}

/// Draws the tiles at hand for the view (the context maps image pixels to the canvas).
pub fn draw(ctx: &CanvasRenderingContext2d, runtime: &Shared) {
    if let Some(ops) = OPS.get() {
        (ops.draw)(ctx, runtime);
    }
}

/// The coarse whole image from the overview tiles, for the minimap; false until all of them
/// arrived (it is drawn again as they do).
pub fn draw_overview(ctx: &CanvasRenderingContext2d, runtime: &Shared, scale: f64) -> bool {
    OPS.get()
        .is_some_and(|ops| (ops.draw_overview)(ctx, runtime, scale))
}

/// The pixels of the tiled image in view, at the view's resolution (at most full resolution),
/// from the tiles at hand — what the magic wand and the scissors work on; `None` when no part
/// of the image is in view. Fails when the browser does not let the page read a tile's pixels
/// (tiles from another origin served without CORS).
pub fn view_pixels(runtime: &Shared) -> Result<Option<Pixels>, String> {
    match OPS.get() {
        Some(ops) => (ops.view_pixels)(runtime),
        None => Ok(None),
    }
}

/// Counts of the tiled image's tiles and whether the view is sharp, for `viewport()`.
pub fn status(runtime: &Shared) -> Option<(LoaderStats, bool)> {
    OPS.get().and_then(|ops| (ops.status)(runtime))
}

/// After going offline and back: tiles given up are tried again.
pub fn retry_failed(runtime: &Rc<Shared>) {
    if let Some(ops) = OPS.get() {
        (ops.retry_failed)(runtime);
    }
}
