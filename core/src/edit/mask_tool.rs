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

/// The image's pixels (RGBA, row-major), which the magic wand reads.
#[derive(Clone, Debug, PartialEq)]
pub struct Pixels {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width × height × 4` bytes.
    pub rgba: Arc<Vec<u8>>,
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
    let (x, y) = (ev.pos.x.floor() as u32, ev.pos.y.floor() as u32);
    let Ok(region) = flood::flood_fill(&px.rgba, px.width, px.height, x, y, options.tolerance)
    else {
        return ToolOutput::default();
    };
    if region.is_empty() {
        return ToolOutput::default();
    }
    if ev.mods.shift {
        if let Some(a) = selected_mask(ctx) {
            let Shape::Mask(m) = &a.shape else {
                return ToolOutput::default();
            };
            let empty = RunMask::empty(px.width, px.height);
            let ops = run_mask(m)
                .filter(|cur| cur.width() == px.width && cur.height() == px.height)
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
