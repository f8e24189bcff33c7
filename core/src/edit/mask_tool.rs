//! The mask tools: brush, eraser and magic wand.
//!
//! ```text
//! Brush/Eraser: Idle -down-> Painting{path} -move-> Painting{path + p} -up-> Idle [one op]
//!               Painting -cancel-> Idle (nothing painted)
//! Wand:         -down-> [Add a mask of the similar region, or Shift: add it to the selected mask]
//! ```
//! A brush stroke paints the selected mask (one unlocked mask selected) or, with none, makes a
//! new mask of the current label. The eraser clears pixels of the selected mask. With
//! [`MaskOptions::exclusive`] on, painting also removes the stroke's pixels from every other
//! visible, unlocked mask, in the same step. Strokes are `MaskStroke` deltas, so undo costs the
//! stroke, not the mask. The pixel work is `raster`'s (`brush::stroke`, `flood::flood_fill`).

use super::{Context, Editor, PointerEvent, PointerKind, ToolOutput};
use crate::history::Op;
use crate::model::{Annotation, AnnotationId, MaskRle, Point, Shape, Task};
use crate::raster::brush;
use crate::raster::flood;
use crate::raster::mask::RunMask;
use crate::raster::rle::Rle;
use std::sync::Arc;

/// Smallest and largest brush radius, in image pixels.
pub const BRUSH_RADIUS_RANGE: (f64, f64) = (1.0, 400.0);

/// How much `[` and `]` shrink or grow the brush.
pub const BRUSH_STEP: f64 = 1.25;

/// Settings of the mask tools, kept by the editor across tool switches.
#[derive(Clone, Debug, PartialEq)]
pub struct MaskOptions {
    /// Brush and eraser radius in image pixels.
    pub radius: f64,
    /// Painting removes the painted pixels from other masks.
    pub exclusive: bool,
    /// Magic wand: largest per-channel difference from the clicked colour.
    pub tolerance: u8,
    /// Segmentation by a model: its candidate is added as polygons tracing it, not as a mask.
    pub segment_polygons: bool,
}

impl Default for MaskOptions {
    fn default() -> Self {
        Self {
            radius: 8.0,
            exclusive: false,
            tolerance: 24,
            segment_polygons: false,
        }
    }
}

impl MaskOptions {
    /// Grows (`up`) or shrinks the brush by one step, within [`BRUSH_RADIUS_RANGE`].
    pub fn step_radius(&mut self, up: bool) {
        let r = if up {
            self.radius * BRUSH_STEP
        } else {
            self.radius / BRUSH_STEP
        };
        self.radius = r.clamp(BRUSH_RADIUS_RANGE.0, BRUSH_RADIUS_RANGE.1);
    }
}

/// The image's pixels (RGBA, row-major), which the magic wand and the scissors read: the whole
/// image, or — for a tiled image too large to hold — the part in view at the view's resolution
/// (its [`PixelWindow`]).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Pixels {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width × height × 4` bytes.
    pub rgba: Arc<Vec<u8>>,
    /// Where these pixels lie in the image.
    pub window: PixelWindow,
}

/// Where a grid of pixels lies in the image: its top-left corner in image pixels and its
/// pixels per image pixel (1 for the image itself; less for a zoomed-out view of a tiled one).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PixelWindow {
    /// Image column of the grid's left edge.
    pub x0: u32,
    /// Image row of the grid's top edge.
    pub y0: u32,
    /// Grid pixels per image pixel, in `(0, 1]`.
    pub scale: f64,
}

impl Default for PixelWindow {
    fn default() -> Self {
        PixelWindow {
            x0: 0,
            y0: 0,
            scale: 1.0,
        }
    }
}

impl PixelWindow {
    /// Whether the grid is the image's own pixels.
    pub fn is_identity(&self) -> bool {
        *self == PixelWindow::default()
    }

    /// The grid pixel under image point `p`, unclamped (negative outside to the left or top).
    pub fn grid_of(&self, p: Point) -> (f64, f64) {
        (
            ((p.x - f64::from(self.x0)) * self.scale).floor(),
            ((p.y - f64::from(self.y0)) * self.scale).floor(),
        )
    }

    /// The centre of grid pixel `(gx, gy)` in image pixels.
    pub fn centre_of(&self, (gx, gy): (u32, u32)) -> Point {
        Point::new(
            f64::from(self.x0) + (f64::from(gx) + 0.5) / self.scale,
            f64::from(self.y0) + (f64::from(gy) + 0.5) / self.scale,
        )
    }

    /// The grid's rows `[start, end)` as the image rows whose centres fall in them.
    fn image_rows(&self, (start, end): (u32, u32)) -> (u32, u32) {
        // Image row y is in grid row floor((y + 0.5 - y0) · scale).
        let row = |g: u32| {
            (f64::from(self.y0) + f64::from(g) / self.scale - 0.5)
                .ceil()
                .max(0.0) as u32
        };
        (row(start), row(end))
    }

    /// A mask over the grid as the mask over the `width × height` image it covers: each image
    /// pixel set when the grid pixel holding its centre is.
    pub fn to_image_mask(&self, grid: &RunMask, width: u32, height: u32) -> RunMask {
        if self.is_identity() && (grid.width(), grid.height()) == (width, height) {
            return grid.clone();
        }
        let Some((gx0, _, gx1, _)) = grid.bounds() else {
            return RunMask::empty(width, height);
        };
        let first = (f64::from(self.x0) + f64::from(gx0) / self.scale - 0.5)
            .ceil()
            .max(0.0) as u32;
        let last =
            ((f64::from(self.x0) + f64::from(gx1 + 1) / self.scale - 0.5).ceil() as u32).min(width);
        let columns = (first..last)
            .filter_map(|x| {
                let g = ((f64::from(x) + 0.5 - f64::from(self.x0)) * self.scale).floor();
                let spans: Vec<(u32, u32)> = grid
                    .column(g as u32)
                    .iter()
                    .map(|&span| self.image_rows(span))
                    .collect();
                (g >= 0.0 && !spans.is_empty()).then_some((x, spans))
            })
            .collect();
        RunMask::from_columns(width, height, columns)
    }
}

impl Pixels {
    /// The grid pixel under image point `p`, if it is on the grid.
    pub fn pixel_at(&self, p: Point) -> Option<(u32, u32)> {
        let (gx, gy) = self.window.grid_of(p);
        (gx >= 0.0 && gy >= 0.0 && gx < f64::from(self.width) && gy < f64::from(self.height))
            .then_some((gx as u32, gy as u32))
    }
}

/// Brush or eraser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paint {
    /// Sets pixels.
    Brush,
    /// Clears pixels.
    Eraser,
}

/// State of the brush or eraser.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum BrushTool {
    /// Waiting for a press.
    #[default]
    Idle,
    /// Button held: the stroke's path so far.
    Painting {
        /// Pointer positions, image pixels.
        path: Vec<Point>,
    },
}

impl BrushTool {
    /// Whether a stroke is in progress.
    pub fn is_busy(&self) -> bool {
        matches!(self, BrushTool::Painting { .. })
    }

    /// The stroke's path so far.
    pub fn path(&self) -> &[Point] {
        match self {
            BrushTool::Painting { path } => path,
            BrushTool::Idle => &[],
        }
    }

    /// Handles a pointer event.
    pub fn pointer(
        &mut self,
        ctx: &Context<'_>,
        ev: PointerEvent,
        paint: Paint,
        options: &MaskOptions,
    ) -> ToolOutput {
        if !(ev.pos.x.is_finite() && ev.pos.y.is_finite()) {
            return ToolOutput::default();
        }
        match (std::mem::take(self), ev.kind) {
            (BrushTool::Idle, PointerKind::Down) => {
                *self = BrushTool::Painting { path: vec![ev.pos] };
                ToolOutput::default()
            }
            (BrushTool::Painting { mut path }, PointerKind::Move) => {
                // A new point every quarter radius keeps the path short; capsules between points
                // leave no gaps whatever the spacing.
                if path
                    .last()
                    .is_none_or(|l| super::hit::dist(*l, ev.pos) >= options.radius / 4.0)
                {
                    path.push(ev.pos);
                }
                *self = BrushTool::Painting { path };
                ToolOutput::default()
            }
            (BrushTool::Painting { mut path }, PointerKind::Up) => {
                if path.last() != Some(&ev.pos) {
                    path.push(ev.pos);
                }
                stroke_ops(ctx, &path, paint, options)
            }
            (state, _) => {
                *self = state;
                ToolOutput::default()
            }
        }
    }
}

/// The one unlocked, visible mask selected, if any.
fn selected_mask<'t>(ctx: &Context<'t>) -> Option<&'t Annotation> {
    let [id] = ctx.selection else { return None };
    ctx.doc
        .annotation(id)
        .filter(|a| !a.locked && !a.hidden && matches!(a.shape, Shape::Mask(_)))
}

fn run_mask(m: &MaskRle) -> Option<RunMask> {
    Rle::from_model(m).ok().map(|r| RunMask::from_rle(&r))
}

fn image_size(task: &Task) -> Option<(u32, u32)> {
    let (w, h) = (task.image.width, task.image.height);
    (w > 0 && h > 0).then_some((w, h))
}

/// `MaskStroke` on `id` (whose mask is `current`) that sets `add` and clears `remove`, or
/// nothing when it changes no pixel.
fn mask_stroke(
    id: &AnnotationId,
    current: &RunMask,
    add: &RunMask,
    remove: &RunMask,
) -> Option<Op> {
    let added = add.subtract(current);
    let removed = remove.intersect(current);
    if added.is_empty() && removed.is_empty() {
        return None;
    }
    Some(Op::MaskStroke {
        id: id.clone(),
        added: added.to_rle().to_model(),
        removed: removed.to_rle().to_model(),
    })
}

fn stroke_ops(
    ctx: &Context<'_>,
    path: &[Point],
    paint: Paint,
    options: &MaskOptions,
) -> ToolOutput {
    let Some((w, h)) = image_size(ctx.task) else {
        return ToolOutput::default();
    };
    let stroke = brush::stroke(w, h, path, options.radius);
    if stroke.is_empty() {
        return ToolOutput::default();
    }
    let empty = RunMask::empty(w, h);
    let target = selected_mask(ctx);
    let mut ops = Vec::new();
    match paint {
        Paint::Eraser => {
            let Some(a) = target else {
                return ToolOutput::default();
            };
            let Shape::Mask(m) = &a.shape else {
                return ToolOutput::default();
            };
            if let Some(op) = run_mask(m).and_then(|cur| mask_stroke(&a.id, &cur, &empty, &stroke))
            {
                ops.push(op);
            }
            ToolOutput {
                ops,
                ..ToolOutput::default()
            }
        }
        Paint::Brush => {
            let mut select_added = false;
            match target {
                Some(a) => {
                    if let Shape::Mask(m) = &a.shape {
                        if let Some(op) =
                            run_mask(m).and_then(|cur| mask_stroke(&a.id, &cur, &stroke, &empty))
                        {
                            ops.push(op);
                        }
                    }
                }
                None => {
                    select_added = true;
                    ops.push(Op::Add {
                        annotation: Editor::draft(
                            ctx.label,
                            Shape::Mask(stroke.to_rle().to_model()),
                        ),
                        index: None,
                    });
                }
            }
            if options.exclusive {
                let painted = target.map(|a| &a.id);
                for other in ctx.task.annotations.iter() {
                    if Some(&other.id) == painted || other.locked || other.hidden {
                        continue;
                    }
                    let Shape::Mask(m) = &other.shape else {
                        continue;
                    };
                    if let Some(op) =
                        run_mask(m).and_then(|cur| mask_stroke(&other.id, &cur, &empty, &stroke))
                    {
                        ops.push(op);
                    }
                }
            }
            ToolOutput {
                ops,
                select: None,
                select_added,
            }
        }
    }
}

/// The magic wand's click: a mask of the region similar in colour to the clicked pixel — a new
/// mask of the current label, or with Shift added to the selected mask.
pub fn wand_click(
    ctx: &Context<'_>,
    ev: PointerEvent,
    pixels: Option<&Pixels>,
    options: &MaskOptions,
) -> ToolOutput {
    if ev.kind != PointerKind::Down || !(ev.pos.x >= 0.0 && ev.pos.y >= 0.0) {
        return ToolOutput::default();
    }
    let Some(px) = pixels else {
        return ToolOutput::default();
    };
    let Some((x, y)) = px.pixel_at(ev.pos) else {
        return ToolOutput::default();
    };
    let Ok(region) = flood::flood_fill(&px.rgba, px.width, px.height, x, y, options.tolerance)
    else {
        return ToolOutput::default();
    };
    // The region over the whole image (the pixels may be only the part in view).
    let (width, height) = if px.window.is_identity() {
        (px.width, px.height)
    } else {
        (ctx.task.image.width, ctx.task.image.height)
    };
    let region = px.window.to_image_mask(&region, width, height);
    if region.is_empty() {
        return ToolOutput::default();
    }
    if ev.mods.shift {
        if let Some(a) = selected_mask(ctx) {
            let Shape::Mask(m) = &a.shape else {
                return ToolOutput::default();
            };
            let empty = RunMask::empty(width, height);
            let ops = run_mask(m)
                .filter(|cur| cur.width() == width && cur.height() == height)
                .and_then(|cur| mask_stroke(&a.id, &cur, &region, &empty))
                .into_iter()
                .collect();
            return ToolOutput {
                ops,
                ..ToolOutput::default()
            };
        }
    }
    ToolOutput {
        ops: vec![Op::Add {
            annotation: Editor::draft(ctx.label, Shape::Mask(region.to_rle().to_model())),
            index: None,
        }],
        select: None,
        select_added: true,
    }
}
