//! The layer bitmap: planned shapes rasterised over the planned region, patched where edits left it stale, masks cached as bitmaps per zoom step.

use super::*;

/// Largest side of the layer bitmap, in pixels (a larger region is drawn at a lower scale).
const MAX_LAYER_PX: f64 = 4096.0;

/// What a layer bitmap is drawn from: the plan in use (its paths), the document, and the
/// layer's look — the same for a layer drawn at once and one drawn a few paths per frame.
pub(super) struct LayerSpec<'a> {
    /// The plan and its paths.
    pub cached: &'a Cached,
    /// The document the plan was made from (masks and single shapes are read from it).
    pub doc: &'a Document,
    /// Fill opacity of shapes.
    pub opacity: f64,
    /// Layer pixels per image pixel wanted (less for a very large region).
    pub px_scale: f64,
    /// Device pixels per CSS pixel.
    pub dpr: f64,
    /// The image's width and height, which clip the layer.
    pub image: (f64, f64),
    /// Which plan the layer shows.
    pub plan_id: u64,
}

/// Draws a plan into a layer bitmap (reusing the old layer's canvas).
pub(super) fn raster_layer(
    old: Option<Layer>,
    spec: &LayerSpec<'_>,
    masks: &mut HashMap<AnnotationId, MaskImage>,
) -> Option<Layer> {
    let (layer, ctx) = empty_layer(old.map(|l| l.canvas), spec)?;
    let cached = spec.cached;
    paint_planned(
        &ctx,
        &cached.batches,
        &cached.rasters,
        &cached.masks,
        &cached.singles,
        spec.doc,
        masks,
        spec.opacity,
        layer.k / spec.dpr,
    );
    trim_masks(masks, cached);
    Some(layer)
}

/// Forgets mask bitmaps of masks the plan no longer has, once they pile up.
pub(super) fn trim_masks(masks: &mut HashMap<AnnotationId, MaskImage>, cached: &Cached) {
    if masks.len() > 2 * cached.masks.len() + 64 {
        let keep: std::collections::HashSet<&AnnotationId> = cached.masks.iter().collect();
        masks.retain(|id, _| keep.contains(id));
    }
}

/// A cleared layer bitmap over the plan's region (within the image) at the spec's layer
/// pixels per image pixel (less for a very large region), on `canvas` or a new one, and its
/// context transformed to image pixels.
pub(super) fn empty_layer(
    canvas: Option<HtmlCanvasElement>,
    spec: &LayerSpec<'_>,
) -> Option<(Layer, CanvasRenderingContext2d)> {
    let LayerSpec {
        cached,
        opacity,
        px_scale,
        image,
        plan_id,
        ..
    } = *spec;
    let (mut x0, mut y0, mut x1, mut y1) = cached.key.region;
    if image.0 > 0.0 && image.1 > 0.0 {
        x0 = x0.max(0.0);
        y0 = y0.max(0.0);
        x1 = x1.min(image.0);
        y1 = y1.min(image.1);
    }
    let (rw, rh) = ((x1 - x0).max(1.0), (y1 - y0).max(1.0));
    let k = px_scale.min(MAX_LAYER_PX / rw).min(MAX_LAYER_PX / rh);
    let (lw, lh) = ((rw * k).ceil().max(1.0), (rh * k).ceil().max(1.0));
    let canvas = match canvas {
        Some(c) => c,
        None => canvas::new()?,
    };
    if canvas.width() != lw as u32 || canvas.height() != lh as u32 {
        canvas.set_width(lw as u32);
        canvas.set_height(lh as u32);
    }
    let ctx = canvas::context(&canvas)?;
    ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).ok();
    ctx.clear_rect(0.0, 0.0, lw, lh);
    ctx.set_transform(k, 0.0, 0.0, k, -x0 * k, -y0 * k).ok();
    let layer = Layer {
        canvas,
        plan_id,
        opacity,
        px_scale,
        k,
        x: x0,
        y: y0,
        w: lw / k,
        h: lh / k,
    };
    Some((layer, ctx))
}

/// Redraws only the part of the layer a change left stale: the layer pixels of `rect` (image
/// pixels, padded by the outline width) are cleared and, clipped to them, the annotations whose
/// bounds meet them are planned and drawn again in stacking order. `input.region` is replaced
/// by the padded rectangle. Returns how many annotations were drawn and the pixels redrawn.
#[allow(clippy::too_many_arguments)]
pub(super) fn patch_layer(
    layer: &Layer,
    rect: (f64, f64, f64, f64),
    input: &PlanInput,
    masks: &mut HashMap<AnnotationId, MaskImage>,
    opacity: f64,
    dpr: f64,
    timing: &mut Timing,
) -> (usize, f64) {
    let k = layer.k;
    let scale = k / dpr;
    // Outlines reach half a (selected) stroke past the bounds; dots may be a bit larger.
    let pad = (SELECTED_STROKE_PX + DOT_PAD_PX) / scale;
    let size = (
        f64::from(layer.canvas.width()),
        f64::from(layer.canvas.height()),
    );
    let Some((px, py, pw, ph)) =
        render_plan::dirty_layer_rect(rect, pad, (layer.x, layer.y), k, size)
    else {
        return (0, 0.0);
    };
    let Some(ctx) = canvas::context(&layer.canvas) else {
        return (0, 0.0);
    };
    // The cleared pixels in image coordinates, grown by `pad` again: shapes whose outline
    // reaches into the cleared pixels are drawn again too.
    let region = (
        layer.x + px / k - pad,
        layer.y + py / k - pad,
        layer.x + (px + pw) / k + pad,
        layer.y + (py + ph) / k + pad,
    );
    let t0 = now_ms();
    let plan = render_plan::plan(&PlanInput { region, ..*input });
    let t1 = now_ms();
    let batches = build_batches(&plan.batches);
    let rasters = build_rasters(&plan);
    let t2 = now_ms();
    ctx.save();
    ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).ok();
    ctx.clear_rect(px, py, pw, ph);
    ctx.begin_path();
    ctx.rect(px, py, pw, ph);
    ctx.clip();
    ctx.set_transform(k, 0.0, 0.0, k, -layer.x * k, -layer.y * k)
        .ok();
    paint_planned(
        &ctx,
        &batches,
        &rasters,
        &plan.masks,
        &plan.singles,
        input.doc,
        masks,
        opacity,
        scale,
    );
    ctx.restore();
    timing.plan_ms = t1 - t0;
    timing.path_ms = t2 - t1;
    timing.draw_ms = now_ms() - t2;
    (plan.shapes, pw * ph)
}

/// Extra padding of a redrawn rectangle, in CSS pixels, for dots and anti-aliasing.
const DOT_PAD_PX: f64 = 3.0;

/// Issues the planned masks, the rasters of small shapes (density, then solid), batches (one fill
/// and one stroke per colour and chunk) and single shapes, on a context already transformed to
/// image pixels at `scale` CSS pixels per image pixel.
#[allow(clippy::too_many_arguments)]
fn paint_planned(
    ctx: &CanvasRenderingContext2d,
    batches: &[BuiltBatch],
    rasters: &Rasters,
    planned_masks: &[AnnotationId],
    singles: &[AnnotationId],
    doc: &Document,
    masks: &mut HashMap<AnnotationId, MaskImage>,
    opacity: f64,
    scale: f64,
) {
    paint_base(ctx, rasters, planned_masks, doc, masks, opacity, scale);
    paint_paths(ctx, batches, 0, usize::MAX, opacity, scale);
    paint_singles(ctx, singles, doc, opacity, scale);
}

/// The masks from their bitmaps and the rasters of small shapes: what lies under the outlines.
pub(super) fn paint_base(
    ctx: &CanvasRenderingContext2d,
    rasters: &Rasters,
    planned_masks: &[AnnotationId],
    doc: &Document,
    masks: &mut HashMap<AnnotationId, MaskImage>,
    opacity: f64,
    scale: f64,
) {
    let task = doc.task();
    // Masks from their bitmaps.
    let step = render_plan::mask_step(scale);
    ctx.set_image_smoothing_enabled(false);
    ctx.set_global_alpha(opacity.max(0.15));
    for id in planned_masks {
        let Some(a) = doc.annotation(id) else {
            continue;
        };
        let Shape::Mask(m) = &a.shape else { continue };
        let color = task
            .labels
            .get(&a.label)
            .map(|l| l.color.as_str())
            .unwrap_or("#ffffff");
        let revision = doc.annotation_revision(id);
        let entry = masks.get(id);
        let fresh =
            entry.is_some_and(|e| e.revision == revision && e.step == step && e.color == color);
        if !fresh {
            masks.insert(id.clone(), mask_image(m, color, step, revision));
        }
        if let Some(MaskImage {
            canvas: Some(c),
            x,
            y,
            w,
            h,
            ..
        }) = masks.get(id)
        {
            ctx.draw_image_with_html_canvas_element_and_dw_and_dh(c, *x, *y, *w, *h)
                .ok();
        }
    }
    ctx.set_global_alpha(1.0);
    // Shapes too small to see (one cell per DOT_PX screen pixels), then small shapes in their
    // stacking order (one cell per screen pixel): crisp.
    for d in [&rasters.density, &rasters.solid].into_iter().flatten() {
        ctx.draw_image_with_html_canvas_element_and_dw_and_dh(&d.canvas, d.x, d.y, d.w, d.h)
            .ok();
    }
    ctx.set_image_smoothing_enabled(scale < 2.0);
}

/// How many paths the batches hold (areas and lines), the units [`paint_paths`] counts in.
pub(super) fn path_count(batches: &[BuiltBatch]) -> usize {
    batches.iter().map(|b| b.areas.len() + b.lines.len()).sum()
}

/// Batched outlines, one fill and one stroke per colour and chunk: the paths numbered `from`
/// to `from + count` (areas, then lines, batch after batch, in stacking order).
pub(super) fn paint_paths(
    ctx: &CanvasRenderingContext2d,
    batches: &[BuiltBatch],
    from: usize,
    count: usize,
    opacity: f64,
    scale: f64,
) {
    let to = from.saturating_add(count);
    ctx.set_line_width(STROKE_PX / scale);
    let mut n = 0;
    for b in batches {
        let len = b.areas.len() + b.lines.len();
        if n + len <= from || n >= to {
            n += len;
            continue;
        }
        ctx.set_fill_style_str(&b.color);
        ctx.set_stroke_style_str(&b.color);
        for (i, p) in b.areas.iter().enumerate() {
            if (from..to).contains(&(n + i)) {
                ctx.set_global_alpha(opacity);
                ctx.fill_with_path_2d(p);
                ctx.set_global_alpha(1.0);
                ctx.stroke_with_path(p);
            }
        }
        for (i, p) in b.lines.iter().enumerate() {
            if (from..to).contains(&(n + b.areas.len() + i)) {
                ctx.stroke_with_path(p);
            }
        }
        n += len;
    }
}

/// Keypoints and predictions under review, one by one on top of the batches.
pub(super) fn paint_singles(
    ctx: &CanvasRenderingContext2d,
    singles: &[AnnotationId],
    doc: &Document,
    opacity: f64,
    scale: f64,
) {
    let task = doc.task();
    let painter = Painter {
        ctx,
        scale,
        opacity,
    };
    for id in singles {
        if let Some(a) = doc.annotation(id) {
            let label = task.labels.get(&a.label);
            let color = label.map(|l| l.color.as_str()).unwrap_or("#ffffff");
            // Predictions not yet reviewed: dashed outline and their score above them.
            let score = lasso_core::formats::predictions::score(a);
            painter.shape(&a.shape, color, label, false, score.is_some());
            painter.score_tag(&a.shape, score, color);
        }
    }
}

/// A mask's bitmap on its own canvas (image resolution divided by `step`).
fn mask_image(m: &MaskRle, color: &str, step: u32, revision: u64) -> MaskImage {
    let mut out = MaskImage {
        revision,
        step,
        color: color.to_string(),
        canvas: None,
        x: 0.0,
        y: 0.0,
        w: 0.0,
        h: 0.0,
    };
    let Some(b) = render_plan::mask_bitmap(m, render_plan::parse_hex_color(color), step) else {
        return out;
    };
    let Some(canvas) = canvas::new() else {
        return out;
    };
    if canvas::put_rgba(&canvas, b.width, b.height, &b.rgba).is_ok() {
        let s = f64::from(b.step);
        out.x = f64::from(b.x);
        out.y = f64::from(b.y);
        out.w = f64::from(b.width) * s;
        out.h = f64::from(b.height) * s;
        out.canvas = Some(canvas);
    }
    out
}
