//! Paints the image, the annotations and the interactive overlay on a 2D canvas.
//!
//! What to draw is decided in the core ([`lasso_core::render_plan`]): the painter asks for a
//! plan of the region around the view (annotations found through the spatial index, batched
//! into one path per label colour and stacking level, tiny shapes as a density raster of their classes, outlines simplified
//! for the zoom), turns each batch into `Path2D`s once, and reuses them while the view pans or
//! zooms within the planned region and zoom bucket. A frame is then one fill and one stroke per
//! colour. Masks are drawn from bitmaps cached per mask and zoom step, rebuilt when an op
//! touches the mask. Selected shapes and shapes being edited are drawn one by one on top, with
//! handles of a constant screen size. Nothing is drawn unless the session changed (no loop).

use super::canvas;
use crate::state::{Session, Shared};
use lasso_core::document::Document;
use lasso_core::edit::{Overlay, ToolName};
use lasso_core::model::{AnnotationId, Keypoint, Label, MaskRle, Point, Shape, Visibility};
use lasso_core::render_plan::frame::{self, FrameInput, LastFrame};
use lasso_core::render_plan::{self, Dirty, PlanInput, PlanKey, Scene};
use leptos::prelude::WithUntracked;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlImageElement, Path2d};

mod layer;
use layer::{patch_layer, raster_layer, LayerSpec};

mod painter;
use painter::Painter;

mod progressive;
mod slicing;

/// Outline width of shapes, in CSS pixels.
const STROKE_PX: f64 = 2.0;
/// Outline width of selected shapes, in CSS pixels.
const SELECTED_STROKE_PX: f64 = 3.0;
/// Side of resize handles and vertex markers, in CSS pixels.
const HANDLE_PX: f64 = 8.0;
/// Radius of keypoints, in CSS pixels.
const KEYPOINT_PX: f64 = 5.0;
/// Radius of the rotate handle, in CSS pixels.
const ROTATE_PX: f64 = 5.0;
/// Size of the score text on predictions, in CSS pixels.
const SCORE_FONT_PX: f64 = 11.0;

/// Subpaths per `Path2D`: filling one path of ~100,000 subpaths costs far more than filling
/// fifty paths of 2,000 (the rasteriser's work grows faster than linearly with path size).
const CHUNK_SUBPATHS: usize = 2000;

/// The paths of flat commands, in chunks of [`CHUNK_SUBPATHS`], each parsed by the browser
/// from SVG path data (one call per chunk instead of one per vertex).
fn paths(cmds: &[f64]) -> Vec<Path2d> {
    render_plan::svg_paths(cmds, CHUNK_SUBPATHS)
        .iter()
        .filter_map(|d| Path2d::new_with_path_string(d).ok())
        .collect()
}

/// One planned batch turned into paths.
struct BuiltBatch {
    color: String,
    areas: Vec<Path2d>,
    lines: Vec<Path2d>,
}

/// The plan's rasters on canvases: shapes too small to see (density) and small shapes in
/// their stacking order (solid), drawn in that order under the batches.
#[derive(Default)]
struct Rasters {
    density: Option<BuiltDensity>,
    solid: Option<BuiltDensity>,
}

/// The plan's rasters put on canvases.
fn build_rasters(plan: &render_plan::RenderPlan) -> Rasters {
    Rasters {
        density: build_density(plan.density.as_ref()),
        solid: build_density(plan.solid.as_ref()),
    }
}

/// A raster of the plan on a canvas, and where it goes in image pixels.
struct BuiltDensity {
    canvas: HtmlCanvasElement,
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

/// A raster put on a canvas (`None` without one, or when no canvas can be made).
fn build_density(density: Option<&render_plan::Density>) -> Option<BuiltDensity> {
    let d = density?;
    let canvas = canvas::new()?;
    canvas::put_rgba(&canvas, d.cols, d.rows, &d.rgba).ok()?;
    Some(BuiltDensity {
        canvas,
        x: d.x0,
        y: d.y0,
        w: f64::from(d.cols) * d.cell,
        h: f64::from(d.rows) * d.cell,
    })
}

/// The plan's batches turned into paths.
fn build_batches(batches: &[render_plan::Batch]) -> Vec<BuiltBatch> {
    batches
        .iter()
        .map(|b| BuiltBatch {
            color: b.color.clone(),
            areas: paths(&b.areas),
            lines: paths(&b.lines),
        })
        .collect()
}

/// The plan in use and the paths built from it.
struct Cached {
    key: PlanKey,
    batches: Vec<BuiltBatch>,
    rasters: Rasters,
    masks: Vec<AnnotationId>,
    singles: Vec<AnnotationId>,
    shapes: usize,
    /// Visible shapes whose bounds meet the planned region, excluded ones too (kept up to date
    /// through partial redraws, so the figures need no query of the whole index).
    visible_in_region: usize,
    dots: usize,
    solids: usize,
    /// The layer was patched after edits: the paths no longer match the scene, so a full
    /// redraw of the layer must plan anew.
    stale: bool,
}

/// A mask's bitmap: the revision and zoom step it was made for, where it goes in image pixels.
struct MaskImage {
    revision: u64,
    step: u32,
    color: String,
    canvas: Option<HtmlCanvasElement>,
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

/// Figures of the last frame, for the benchmark page and tests.
#[derive(Clone, Copy, Debug, Default)]
pub struct FrameStats {
    /// Annotations in the plan drawn (all forms).
    pub shapes: usize,
    /// Of those, drawn as dots.
    pub dots: usize,
    /// Of those, painted into the solid raster in stacking order (no outline).
    pub solids: usize,
    /// Batches (fills/strokes per colour) drawn.
    pub batches: usize,
    /// Whether this frame made a new plan (rather than reusing the paths).
    pub replanned: bool,
    /// Whether this frame drew the layer bitmap anew (rather than reusing it).
    pub rastered: bool,
    /// How many frames have been drawn.
    pub frames: u64,
    /// Milliseconds the last frame took to issue (not counting rasterisation).
    pub ms: f64,
    /// Of those, milliseconds spent planning in the core (full plan or dirty region).
    pub plan_ms: f64,
    /// Milliseconds spent building `Path2D`s from the plan.
    pub path_ms: f64,
    /// Milliseconds spent issuing the layer's fills, strokes and mask bitmaps.
    pub draw_ms: f64,
    /// Whether this frame only redrew a dirty rectangle of the layer (after edits or a
    /// selection change) rather than all of it.
    pub partial: bool,
    /// Annotations drawn again in that rectangle (0 when not partial).
    pub redrawn: usize,
    /// The redrawn rectangle's area in layer pixels (0 when not partial).
    pub redrawn_px: f64,
    /// A plan of a large document is being made a slice per frame; the layer drawn is the
    /// previous one, stretched.
    pub slicing: bool,
}

/// The renderer's state between frames: the scene index, the plan in use, mask bitmaps.
#[derive(Default)]
pub struct RenderState {
    /// What the renderer has seen of the document (its change log since the last frame).
    pub scene: Scene,
    cached: Option<Cached>,
    masks: HashMap<AnnotationId, MaskImage>,
    /// The canvas being drawn on (set by the stage).
    pub canvas: Option<HtmlCanvasElement>,
    /// Figures of the last frame.
    pub stats: FrameStats,
    /// The image halved again and again (level `k` is `1 / 2^(k+1)` of it), for zoomed-out
    /// frames: drawing a small copy costs far less than scaling the whole image down.
    pyramid: Vec<HtmlCanvasElement>,
    /// The image the pyramid was made from.
    pyramid_of: Option<HtmlImageElement>,
    /// The planned shapes as a bitmap.
    layer: Option<Layer>,
    /// Grows with every new plan.
    plan_id: u64,
    /// The layer was drawn at another zoom: redraw it sharp once zooming pauses.
    pub settle_wanted: bool,
    /// Redraw the layer sharp in the next frame.
    pub settle_now: bool,
    /// When the last wheel or pinch zoom step came ([`now_ms`]): during such a gesture (steps
    /// less than [`SETTLE_MS`] apart) a layer that still covers the view is stretched, even
    /// across zoom buckets, and planned anew once the gesture pauses.
    pub wheel_at: Option<f64>,
    /// A plan of a large document being made a slice per frame.
    pending: Option<slicing::PendingPlan>,
    /// Finish any plan in this frame rather than a slice per frame (`drawNow`).
    pub at_once: bool,
    /// A frame for the next slice is requested.
    slice_requested: bool,
    /// A large document's layer being rasterised a few paths per frame.
    rastering: Option<progressive::Rastering>,
    /// The layer of a new plan is to be rasterised from the next frame on.
    raster_next: bool,
}

impl RenderState {
    /// Forgets the plan and the index (another task was opened).
    pub fn invalidate(&mut self) {
        self.scene = Scene::default();
        self.cached = None;
        self.masks.clear();
        self.pyramid.clear();
        self.pyramid_of = None;
        self.layer = None;
        self.pending = None;
        self.rastering = None;
        self.raster_next = false;
    }

    /// Draws the image at zoom `scale` from the smallest copy that still has a pixel per
    /// screen pixel, making the copies on first use.
    fn draw_image(
        &mut self,
        ctx: &CanvasRenderingContext2d,
        img: &HtmlImageElement,
        bitmap: Option<&web_sys::ImageBitmap>,
        scale: f64,
    ) {
        let (w, h) = (
            f64::from(img.natural_width()),
            f64::from(img.natural_height()),
        );
        let step = render_plan::mask_step(scale);
        if step < 2 || w < 2.0 || h < 2.0 {
            match bitmap {
                Some(bitmap) => ctx.draw_image_with_image_bitmap(bitmap, 0.0, 0.0).ok(),
                None => ctx.draw_image_with_html_image_element(img, 0.0, 0.0).ok(),
            };
            return;
        }
        if self.pyramid_of.as_ref() != Some(img) {
            self.pyramid.clear();
            self.pyramid_of = Some(img.clone());
        }
        let level = step.trailing_zeros() as usize; // step = 2^level, level >= 1
        while self.pyramid.len() < level {
            let k = self.pyramid.len() + 1;
            let (lw, lh) = (
                (w / f64::from(1u32 << k)).ceil().max(1.0),
                (h / f64::from(1u32 << k)).ceil().max(1.0),
            );
            let Some(canvas) = canvas::new() else {
                break;
            };
            canvas.set_width(lw as u32);
            canvas.set_height(lh as u32);
            let Some(c2) = canvas::context(&canvas) else {
                break;
            };
            c2.set_image_smoothing_enabled(true);
            let drawn = match self.pyramid.last() {
                Some(prev) => {
                    c2.draw_image_with_html_canvas_element_and_dw_and_dh(prev, 0.0, 0.0, lw, lh)
                }
                None => c2.draw_image_with_html_image_element_and_dw_and_dh(img, 0.0, 0.0, lw, lh),
            };
            if drawn.is_err() {
                break;
            }
            self.pyramid.push(canvas);
        }
        match self.pyramid.get(level - 1) {
            Some(copy) => ctx
                .draw_image_with_html_canvas_element_and_dw_and_dh(copy, 0.0, 0.0, w, h)
                .ok(),
            None => ctx.draw_image_with_html_image_element(img, 0.0, 0.0).ok(),
        };
    }
}

/// Milliseconds since the page started (`performance.now()`), 0 where it is missing.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// How long zooming must pause before the stretched layer is redrawn sharp, in milliseconds.
const SETTLE_MS: i32 = 150;

/// Draws one frame at once on the stage's canvas, sized to the view in device pixels; if the
/// shapes were drawn from a stretched layer, a sharp frame follows once nothing else is drawn
/// for [`SETTLE_MS`].
pub fn paint(shared: &Rc<Shared>, render: &Rc<RefCell<RenderState>>) {
    paint_frame(shared, render);
    super::tiles::pump(shared);
    let more = {
        let st = render.borrow();
        slicing::pending(&st) || st.rastering.is_some() || st.raster_next
    };
    if more {
        // The next slice of the plan in the next frame (one request at a time).
        if std::mem::replace(&mut render.borrow_mut().slice_requested, true) {
            return;
        }
        let (shared, render) = (Rc::clone(shared), Rc::clone(render));
        let next = Closure::once_into_js(move || {
            render.borrow_mut().slice_requested = false;
            paint(&shared, &render);
        });
        if let Some(w) = web_sys::window() {
            w.request_animation_frame(next.unchecked_ref()).ok();
        }
        return;
    }
    let (wanted, frames) = {
        let st = render.borrow();
        (st.settle_wanted, st.stats.frames)
    };
    if !wanted {
        return;
    }
    let (shared, render) = (Rc::clone(shared), Rc::clone(render));
    let settle = Closure::once_into_js(move || {
        let due = {
            let mut st = render.borrow_mut();
            let due = st.stats.frames == frames && st.settle_wanted;
            st.settle_now = due;
            due
        };
        if due {
            // Through `paint`: a sharp plan made a slice per frame asks for the next frames.
            paint(&shared, &render);
        }
    });
    if let Some(w) = web_sys::window() {
        w.set_timeout_with_callback_and_timeout_and_arguments_0(settle.unchecked_ref(), SETTLE_MS)
            .ok();
    }
}

fn paint_frame(runtime: &Shared, render: &RefCell<RenderState>) {
    let Some(canvas) = render.borrow().canvas.clone() else {
        return;
    };
    let dpr = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0);
    runtime.session.with_untracked(|s| {
        let (w, h) = s.view_size;
        let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
        if canvas.width() != pw || canvas.height() != ph {
            canvas.set_width(pw);
            canvas.set_height(ph);
        }
        let style = web_sys::HtmlElement::style(&canvas);
        style.set_property("width", &format!("{w}px")).ok();
        style.set_property("height", &format!("{h}px")).ok();
        let Some(ctx) = canvas::context(&canvas) else {
            return;
        };
        let image = runtime.image.borrow();
        let bitmap = runtime.image_bitmap.borrow();
        let mut state = render.borrow_mut();
        let backdrop = match image.as_ref() {
            Some(img) => Backdrop::Whole(img, bitmap.as_ref()),
            None => Backdrop::Tiles(runtime),
        };
        draw(&ctx, s, backdrop, dpr, &mut state);
    });
}

/// What is under the annotations.
pub enum Backdrop<'a> {
    /// A plain image, decoded whole, and its full-resolution bitmap once decoded off the
    /// main thread (large images).
    Whole(&'a HtmlImageElement, Option<&'a web_sys::ImageBitmap>),
    /// The tiles at hand of a tiled image (nothing while none is open).
    Tiles(&'a Shared),
}

/// Draws everything for one frame. `dpr` is the device pixel ratio.
pub fn draw(
    ctx: &CanvasRenderingContext2d,
    session: &Session,
    backdrop: Backdrop,
    dpr: f64,
    state: &mut RenderState,
) {
    let started = now_ms();
    let (w, h) = session.view_size;
    ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).ok();
    ctx.clear_rect(0.0, 0.0, w * dpr, h * dpr);
    let scale = session.viewport.scale();
    let offset = session.viewport.offset();
    ctx.set_transform(
        dpr * scale,
        0.0,
        0.0,
        dpr * scale,
        dpr * offset.x,
        dpr * offset.y,
    )
    .ok();
    ctx.set_image_smoothing_enabled(scale < 2.0);
    match backdrop {
        Backdrop::Whole(img, bitmap) => state.draw_image(ctx, img, bitmap, scale),
        Backdrop::Tiles(shared) => super::tiles::draw(ctx, shared),
    }
    let overlay = session.editor.overlay(scale);
    let painter = Painter {
        ctx,
        scale,
        opacity: session.opacity,
    };
    let doc = session.editor.document();
    let task = doc.task();
    let selection = session.editor.selection();
    state.scene.update(doc);
    let mut exclude: Vec<AnnotationId> = selection.to_vec();
    for (id, _) in &overlay.editing {
        if !exclude.contains(id) {
            exclude.push(id.clone());
        }
    }
    let visible = session.viewport.visible_image_rect(w, h);
    let version = state.scene.version();
    let mut timing = Timing::default();
    // Edits and selection changes since the last frame: when the layer still fits the view,
    // only the stale rectangle of it is redrawn.
    let dirty = state.scene.take_dirty();
    let changes: &[render_plan::Change] = match &dirty {
        Some(Dirty::Region { changes, .. }) => changes,
        _ => &[],
    };
    let px_scale = scale * dpr;
    // What to do with the kept plan and layer is decided in the core (`render_plan::frame`);
    // this function only carries it out.
    let last = state.cached.as_ref().map(|c| LastFrame {
        key: c.key.clone(),
        stale: c.stale,
        layer_ok: state
            .layer
            .as_ref()
            .is_some_and(|l| l.plan_id == state.plan_id && l.opacity == session.opacity),
        sharp: state
            .layer
            .as_ref()
            .is_some_and(|l| (l.px_scale - px_scale).abs() <= 1e-9 * px_scale),
    });
    let decision = frame::decide(
        last.as_ref(),
        &FrameInput {
            dirty: dirty.as_ref(),
            version,
            exclude: &exclude,
            visible,
            scale,
            zooming: state
                .wheel_at
                .is_some_and(|t| started - t < f64::from(SETTLE_MS)),
            settle_now: state.settle_now,
        },
        |id| doc.index().bounds(id),
    );
    let sharp = last.as_ref().is_some_and(|l| l.sharp);
    if let (Some(c), Some(key)) = (state.cached.as_mut(), decision.key.clone()) {
        c.key = key;
        c.stale = decision.stale;
    }
    let t0 = now_ms();
    let planned = if decision.replan {
        let at_once = state.at_once;
        slicing::plan_for(state, doc, &exclude, (version, visible, scale), at_once)
    } else {
        None
    };
    // A large document's plan made a slice per frame: until it is complete, the previous
    // layer stands in, stretched.
    let slicing = decision.replan && planned.is_none();
    timing.plan_ms = now_ms() - t0;
    let replanned = planned.is_some();
    if let Some((key, plan, built)) = planned {
        let t1 = now_ms();
        let batches = built.unwrap_or_else(|| build_batches(&plan.batches));
        let rasters = build_rasters(&plan);
        timing.path_ms = now_ms() - t1;
        let visible_in_region = plan.shapes + excluded_in(doc.index(), &exclude, key.region);
        state.cached = Some(Cached {
            key,
            batches,
            rasters,
            masks: plan.masks,
            singles: plan.singles,
            shapes: plan.shapes,
            visible_in_region,
            dots: plan.dots,
            solids: plan.solids,
            stale: false,
        });
        state.plan_id += 1;
    }
    let Some(cached) = state.cached.as_ref() else {
        return;
    };
    // The planned shapes live in a layer bitmap of the planned region: panning draws it under a
    // new transform; zooming draws it stretched and it is redrawn sharp once zooming pauses.
    let mut rastered = decision.raster && !slicing;
    // A large document's layer is rasterised a few paths per frame; the previous layer stays
    // on screen meanwhile.
    let mut slicing = slicing;
    let mut patched_shapes = None;
    let (iw, ih) = (f64::from(task.image.width), f64::from(task.image.height));
    let large = !state.at_once && doc.index().len() >= slicing::SLICE_FROM;
    if rastered && large && replanned {
        // A large document's new plan became paths in this frame: its layer starts in the next.
        rastered = false;
        slicing = true;
        state.raster_next = true;
    } else if rastered {
        state.raster_next = false;
    }
    if rastered {
        let t0 = now_ms();
        let spec = LayerSpec {
            cached,
            doc,
            opacity: session.opacity,
            px_scale,
            dpr,
            image: (iw, ih),
            plan_id: state.plan_id,
        };
        if !large {
            state.rastering = None;
            state.layer = raster_layer(state.layer.take(), &spec, &mut state.masks);
        } else {
            let going_on = state
                .rastering
                .as_ref()
                .is_some_and(|r| r.is_for(state.plan_id, px_scale, session.opacity));
            if !going_on {
                state.rastering = progressive::start(&spec, &mut state.masks);
            }
            let done = state
                .rastering
                .as_mut()
                .and_then(|r| progressive::go_on(r, cached, doc));
            if let Some(layer) = done {
                state.rastering = None;
                state.layer = Some(layer);
            } else if state.rastering.is_some() {
                rastered = false;
                slicing = true;
            }
        }
        timing.draw_ms = now_ms() - t0;
    } else if let (Some(rect), Some(layer)) = (decision.patch, state.layer.as_ref()) {
        timing.partial = true;
        let (redrawn, area) = patch_layer(
            layer,
            rect,
            &PlanInput {
                doc,
                exclude: &exclude,
                region: rect,
                scale: render_plan::bucket_scale(cached.key.bucket),
            },
            &mut state.masks,
            session.opacity,
            dpr,
            &mut timing,
        );
        timing.redrawn = redrawn;
        timing.redrawn_px = area;
        // The plan's count after the edit, for the figures: followed through the changes, not
        // planned or counted again.
        let region = cached.key.region;
        let visible = cached
            .visible_in_region
            .saturating_add_signed(render_plan::count_delta(changes, region));
        let shapes = visible.saturating_sub(excluded_in(doc.index(), &exclude, region));
        patched_shapes = Some((visible, shapes));
    }
    state.settle_now = false;
    state.settle_wanted = !rastered && !sharp && !slicing;
    if let Some(l) = &state.layer {
        ctx.set_image_smoothing_enabled(true);
        ctx.draw_image_with_html_canvas_element_and_dw_and_dh(&l.canvas, l.x, l.y, l.w, l.h)
            .ok();
        ctx.set_image_smoothing_enabled(scale < 2.0);
    }
    // Selected shapes and shapes being edited, one by one on top.
    for id in &exclude {
        let Some(a) = doc.annotation(id) else {
            continue;
        };
        if a.hidden {
            continue;
        }
        let shape = overlay
            .editing
            .iter()
            .find(|(e, _)| e == id)
            .map(|(_, s)| s)
            .unwrap_or(&a.shape);
        let label = task.labels.get(&a.label);
        let color = label.map(|l| l.color.as_str()).unwrap_or("#ffffff");
        let score = lasso_core::formats::predictions::score(a);
        painter.shape(shape, color, label, selection.contains(id), score.is_some());
        painter.score_tag(shape, score, color);
    }
    let label = task.labels.get(session.editor.label());
    let color = label.map(|l| l.color.as_str()).unwrap_or("#ffffff");
    let eraser = session.editor.tool().name() == ToolName::Eraser;
    painter.overlay(
        &overlay,
        color,
        label,
        task.image.width,
        task.image.height,
        eraser,
    );
    state.stats = FrameStats {
        shapes: cached.shapes,
        dots: cached.dots,
        solids: cached.solids,
        batches: cached.batches.len(),
        replanned,
        rastered,
        frames: state.stats.frames + 1,
        ms: now_ms() - started,
        plan_ms: timing.plan_ms,
        path_ms: timing.path_ms,
        draw_ms: timing.draw_ms,
        partial: timing.partial,
        redrawn: timing.redrawn,
        redrawn_px: timing.redrawn_px,
        slicing,
    };
    if let (Some((visible, n)), Some(c)) = (patched_shapes, state.cached.as_mut()) {
        c.visible_in_region = visible;
        c.shapes = n;
        state.stats.shapes = n;
    }
}

/// How many of the excluded (selected or edited) shapes are visible with bounds meeting `region`.
fn excluded_in(
    index: &lasso_core::geometry::SpatialIndex,
    exclude: &[AnnotationId],
    region: (f64, f64, f64, f64),
) -> usize {
    let changes: Vec<render_plan::Change> = exclude
        .iter()
        .map(|id| (None, index.visible_bounds(id)))
        .collect();
    usize::try_from(render_plan::count_delta(&changes, region)).unwrap_or(0)
}

/// Where one frame's time went (see [`FrameStats`]).
#[derive(Default)]
struct Timing {
    plan_ms: f64,
    path_ms: f64,
    draw_ms: f64,
    partial: bool,
    redrawn: usize,
    redrawn_px: f64,
}

/// The planned shapes rasterised over the planned region (clipped to the image).
#[derive(Clone)]
struct Layer {
    canvas: HtmlCanvasElement,
    plan_id: u64,
    opacity: f64,
    /// Layer pixels per image pixel wanted for the view.
    px_scale: f64,
    /// Layer pixels per image pixel actually used (lower for a very large region).
    k: f64,
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

/// The RGBA pixels of a decoded image, read through an off-screen canvas (for the magic wand).
/// Fails when the browser refuses, e.g. for a cross-origin image served without CORS.
pub fn image_pixels(img: &HtmlImageElement) -> Result<(u32, u32, Vec<u8>), String> {
    let (w, h) = (img.natural_width(), img.natural_height());
    let canvas = canvas::new().ok_or("no document to make a canvas in")?;
    canvas.set_width(w);
    canvas.set_height(h);
    let ctx = canvas::context(&canvas).ok_or("no 2D canvas context")?;
    ctx.draw_image_with_html_image_element(img, 0.0, 0.0)
        .map_err(|e| format!("{e:?}"))?;
    let data = ctx
        .get_image_data(0.0, 0.0, f64::from(w), f64::from(h))
        .map_err(|_| {
            "the browser does not let the page read this image's pixels (a cross-origin image \
             without CORS)"
                .to_string()
        })?;
    Ok((w, h, data.data().0))
}
