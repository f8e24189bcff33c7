//! The box tools: press, drag, release draws an axis-aligned box with the current label. The
//! rotated-box tool is the same gesture; its box becomes a [`RotatedBox`] with angle 0, which the
//! select tool then turns by its rotate handle.
//!
//! ```text
//! Idle -down-> Pointing{at} -move > 3 px-> Dragging{at, to} -up-> Idle [Add]
//! Pointing -up-> Idle (a click draws nothing)      any -cancel-> Idle
//! ```
//! The box is clipped to the image; a box thinner than one image pixel after clipping is dropped.

use super::{Context, Editor, PointerEvent, PointerKind, ToolOutput, DRAG_THRESHOLD_PX};
use crate::history::Op;
use crate::model::{BoxShape, Point, RotatedBox, Shape, Task};

/// Which shape a box gesture makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoxKind {
    /// [`Shape::Box`].
    Axis,
    /// [`Shape::RotatedBox`] with angle 0.
    Rotated,
}

impl BoxKind {
    /// The shape this kind makes of a dragged box.
    pub fn shape(self, b: BoxShape) -> Shape {
        match self {
            BoxKind::Axis => Shape::Box(b),
            BoxKind::Rotated => Shape::RotatedBox(RotatedBox {
                cx: (b.x0 + b.x1) / 2.0,
                cy: (b.y0 + b.y1) / 2.0,
                w: b.width(),
                h: b.height(),
                angle: 0.0,
            }),
        }
    }
}

/// Smallest side, in image pixels, of a box worth keeping.
pub const MIN_BOX_SIDE: f64 = 1.0;

/// State of the box tool.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum BoxTool {
    /// Waiting for a press.
    #[default]
    Idle,
    /// Pressed, not yet moved far enough to be a drag.
    Pointing {
        /// Where the press was.
        at: Point,
    },
    /// Dragging out a box.
    Dragging {
        /// Where the press was.
        at: Point,
        /// Where the pointer is.
        to: Point,
        /// Shift held: keep the box square.
        square: bool,
    },
}

impl BoxTool {
    /// Handles a pointer event of the axis-aligned box tool.
    pub fn pointer(&mut self, ctx: &Context<'_>, ev: PointerEvent) -> ToolOutput {
        self.pointer_as(ctx, ev, BoxKind::Axis)
    }

    /// Handles a pointer event, drawing a box of `kind`.
    pub fn pointer_as(&mut self, ctx: &Context<'_>, ev: PointerEvent, kind: BoxKind) -> ToolOutput {
        match (self.clone(), ev.kind) {
            (BoxTool::Idle, PointerKind::Down) => {
                *self = BoxTool::Pointing { at: ev.pos };
                ToolOutput::default()
            }
            (BoxTool::Pointing { at }, PointerKind::Move) => {
                let moved = (ev.pos.x - at.x).hypot(ev.pos.y - at.y);
                if moved >= ev.image_tolerance(DRAG_THRESHOLD_PX) {
                    *self = BoxTool::Dragging {
                        at,
                        to: ev.pos,
                        square: ev.mods.shift,
                    };
                }
                ToolOutput::default()
            }
            (BoxTool::Pointing { .. }, PointerKind::Up) => {
                *self = BoxTool::Idle;
                ToolOutput::default()
            }
            (BoxTool::Dragging { at, .. }, PointerKind::Move) => {
                *self = BoxTool::Dragging {
                    at,
                    to: ev.pos,
                    square: ev.mods.shift,
                };
                ToolOutput::default()
            }
            (BoxTool::Dragging { at, .. }, PointerKind::Up) => {
                *self = BoxTool::Idle;
                let Some(b) = finished_box(ctx.task, at, ev.pos, ev.mods.shift) else {
                    return ToolOutput::default();
                };
                ToolOutput {
                    ops: vec![Op::Add {
                        annotation: Editor::draft(ctx.label, kind.shape(b)),
                        index: None,
                    }],
                    select: None,
                    select_added: true,
                }
            }
            _ => ToolOutput::default(),
        }
    }

    /// The box being dragged, clipped to the image, for the overlay.
    pub fn preview(&self, task: &Task) -> Option<BoxShape> {
        match self {
            BoxTool::Dragging { at, to, square } => Some(clip(task, drag_box(*at, *to, *square))),
            _ => None,
        }
    }
}

fn drag_box(at: Point, to: Point, square: bool) -> BoxShape {
    if !square {
        return BoxShape::from_corners(at, to);
    }
    let side = (to.x - at.x).abs().max((to.y - at.y).abs());
    let to = Point::new(
        at.x + side * (to.x - at.x).signum(),
        at.y + side * (to.y - at.y).signum(),
    );
    BoxShape::from_corners(at, to)
}

/// Clamps a box to the image (a task whose image size is still unknown clips nothing).
pub fn clip(task: &Task, b: BoxShape) -> BoxShape {
    let (w, h) = (f64::from(task.image.width), f64::from(task.image.height));
    if w <= 0.0 || h <= 0.0 {
        return b;
    }
    BoxShape {
        x0: b.x0.clamp(0.0, w),
        y0: b.y0.clamp(0.0, h),
        x1: b.x1.clamp(0.0, w),
        y1: b.y1.clamp(0.0, h),
    }
}

fn finished_box(task: &Task, at: Point, to: Point, square: bool) -> Option<BoxShape> {
    if ![at.x, at.y, to.x, to.y].iter().all(|v| v.is_finite()) {
        return None;
    }
    let b = clip(task, drag_box(at, to, square));
    (b.width() >= MIN_BOX_SIDE && b.height() >= MIN_BOX_SIDE).then_some(b)
}
