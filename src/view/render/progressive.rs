//! Rasterising a large document's layer a few paths per frame. A canvas records its drawing
//! calls and rasterises them when the bitmap is next needed, so the cost of 100,000 outlines
//! lands in whichever task first shows the layer — most of a second on a machine without a
//! GPU. Here the new layer is drawn on its own canvas, a chunk of paths at a time, each chunk
//! rasterised at once (by reading one pixel back) so the frame's time can be measured; the
//! previous layer stays on screen until the new one is complete.

use super::layer::{
    empty_layer, paint_base, paint_paths, paint_singles, path_count, trim_masks, LayerSpec,
};
use super::*;

/// Milliseconds of rasterising a frame may spend on a layer drawn a few paths per frame.
pub const RASTER_BUDGET_MS: f64 = 24.0;

/// A layer being rasterised a few paths per frame.
pub struct Rastering {
    layer: Layer,
    ctx: CanvasRenderingContext2d,
    next: usize,
    total: usize,
    dpr: f64,
}

impl Rastering {
    /// Whether this is the raster of plan `plan_id` at `px_scale` layer pixels per image pixel.
    pub fn is_for(&self, plan_id: u64, px_scale: f64, opacity: f64) -> bool {
        self.layer.plan_id == plan_id
            && (self.layer.px_scale - px_scale).abs() <= 1e-9 * px_scale
            && self.layer.opacity == opacity
    }
}

/// Starts a layer of the spec's plan on a new canvas, with what lies under the outlines
/// (masks, the rasters of small shapes) drawn at once.
pub fn start(
    spec: &LayerSpec<'_>,
    masks: &mut HashMap<AnnotationId, MaskImage>,
) -> Option<Rastering> {
    let (layer, ctx) = empty_layer(None, spec)?;
    let cached = spec.cached;
    paint_base(
        &ctx,
        &cached.rasters,
        &cached.masks,
        spec.doc,
        masks,
        spec.opacity,
        layer.k / spec.dpr,
    );
    trim_masks(masks, cached);
    Some(Rastering {
        layer,
        ctx,
        next: 0,
        total: path_count(&cached.batches),
        dpr: spec.dpr,
    })
}

/// Rasterises more of the outlines, a path at a time while the next is expected to end within
/// [`RASTER_BUDGET_MS`] (at least one per frame);
/// the layer once every path and the single shapes on top are drawn.
pub fn go_on(r: &mut Rastering, cached: &Cached, doc: &Document) -> Option<Layer> {
    let started = now_ms();
    let scale = r.layer.k / r.dpr;
    // The slowest path of this frame so far: the next one is not started when it would not
    // end within the budget.
    let mut slowest: f64 = 0.0;
    while r.next < r.total {
        let t = now_ms();
        paint_paths(&r.ctx, &cached.batches, r.next, 1, r.layer.opacity, scale);
        r.next += 1;
        // Reading a pixel back makes the canvas rasterise what was drawn, now.
        let _ = r.ctx.get_image_data(0.0, 0.0, 1.0, 1.0);
        let now = now_ms();
        slowest = slowest.max(now - t);
        if now - started + slowest > RASTER_BUDGET_MS {
            return None;
        }
    }
    paint_singles(&r.ctx, &cached.singles, doc, r.layer.opacity, scale);
    Some(r.layer.clone())
}
