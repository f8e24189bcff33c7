//! Off-screen canvases the view draws with: a new one, its 2D context, and one filled with
//! RGBA pixels the core made (mask bitmaps, the density raster, decoded TIFF tiles).

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// A new canvas element, not in the document.
pub fn new() -> Option<HtmlCanvasElement> {
    web_sys::window()?
        .document()?
        .create_element("canvas")
        .ok()?
        .dyn_into()
        .ok()
}

/// The canvas's 2D context.
pub fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
}

/// Sizes `canvas` to `width × height` and puts `rgba` (row by row) on it.
pub fn put_rgba(
    canvas: &HtmlCanvasElement,
    width: u32,
    height: u32,
    rgba: &[u8],
) -> Result<(), String> {
    canvas.set_width(width);
    canvas.set_height(height);
    let ctx = context(canvas).ok_or("no 2D canvas context")?;
    let data = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
        wasm_bindgen::Clamped(rgba),
        width,
        height,
    )
    .map_err(crate::cloud::http::describe)?;
    ctx.put_image_data(&data, 0.0, 0.0)
        .map_err(crate::cloud::http::describe)
}
