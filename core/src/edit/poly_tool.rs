//! The polygon and polyline tools: vertices placed click by click, or continuously while the
//! button is held and dragged (freehand).
//!
//! ```text
//! Idle -down-> Drawing{points=[p], pressed}
//! Drawing -down-> Drawing (adds a vertex) | Idle [Add] (on the first vertex: polygon closes;
//!                                                   on the last vertex: a double-click finishes)
//! Drawing -move, button held, ≥ FREEHAND_SPACING_PX from the last vertex-> Drawing (adds one)
//! Drawing -finish (Enter, double-click)-> Idle [Add]   Drawing -backspace-> fewer vertices
//! any -cancel (Esc)-> Idle
//! ```
//! Vertices are clamped into the image. A polygon needs three vertices enclosing some area and a
//! polyline two distinct vertices; anything less is discarded when finished. With Alt held at the
//! first click inside the selected polygon, the ring drawn becomes a hole of that polygon (one
//! `SetShape`), provided every vertex of the hole lies inside the part it was started in.

use super::hit::{dist, point_in_ring, ring_area};
use super::{Context, PointerEvent, PointerKind, ToolOutput};
use crate::history::Op;
use crate::model::{AnnotationId, Point, PolygonShape, Shape, Task};

/// Distance in screen pixels within which a click on the first vertex closes a polygon, and a
/// click on the last vertex (a double-click) finishes the shape.
pub const CLOSE_TOLERANCE_PX: f64 = 8.0;

/// Smallest spacing in screen pixels between vertices added by a freehand drag.
pub const FREEHAND_SPACING_PX: f64 = 6.0;

/// Whether the tool draws closed polygons or open polylines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolyKind {
    /// Closed polygon (at least three vertices).
    Polygon,
    /// Open polyline (at least two vertices).
    Polyline,
}

impl PolyKind {
    fn min_points(self) -> usize {
        match self {
            PolyKind::Polygon => 3,
            PolyKind::Polyline => 2,
        }
    }
}

/// The polygon a hole is being drawn into.
#[derive(Clone, Debug, PartialEq)]
pub struct HoleTarget {
    /// The selected polygon annotation.
    pub id: AnnotationId,
    /// Index of the part whose exterior contains the first vertex.
    pub part: usize,
}

/// State of the polygon/polyline tool.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum PolyTool {
    /// Waiting for the first click.
    #[default]
    Idle,
    /// Placing vertices.
    Drawing {
        /// Vertices placed so far, in image pixels.
        points: Vec<Point>,
        /// The pointer position, for the rubber line to the next vertex.
        hover: Option<Point>,
        /// The button is held: dragging adds vertices.
        pressed: bool,
        /// Drawing a hole into this polygon instead of a new shape.
        hole: Option<HoleTarget>,
    },
}

impl PolyTool {
    /// Whether a shape is being drawn.
    pub fn is_busy(&self) -> bool {
        matches!(self, PolyTool::Drawing { .. })
    }

    /// The vertices placed so far.
    pub fn vertices(&self) -> &[Point] {
        match self {
            PolyTool::Drawing { points, .. } => points,
            PolyTool::Idle => &[],
        }
    }

    /// The line drawn so far, with a rubber segment to the pointer.
    pub fn preview(&self) -> Option<Shape> {
        match self {
            PolyTool::Drawing { points, hover, .. } => {
                let mut points = points.clone();
                points.extend(*hover);
                Some(Shape::Polyline { points })
            }
            PolyTool::Idle => None,
        }
    }

    /// Handles a pointer event.
    pub fn pointer(&mut self, ctx: &Context<'_>, ev: PointerEvent, kind: PolyKind) -> ToolOutput {
        let p = clamp(ctx.task, ev.pos);
        if !(p.x.is_finite() && p.y.is_finite()) {
            return ToolOutput::default();
        }
        match (self, ev.kind) {
            (this @ PolyTool::Idle, PointerKind::Down) => {
                let hole = if kind == PolyKind::Polygon && ev.mods.alt {
                    hole_target(ctx, p)
                } else {
                    None
                };
                *this = PolyTool::Drawing {
                    points: vec![p],
                    hover: None,
                    pressed: true,
                    hole,
                };
                ToolOutput::default()
            }
            (this @ PolyTool::Drawing { .. }, PointerKind::Down) => {
                let tol = ev.image_tolerance(CLOSE_TOLERANCE_PX);
                let PolyTool::Drawing {
                    points, pressed, ..
                } = this
                else {
                    return ToolOutput::default();
                };
                let n = points.len();
                let near = |q: &Point| dist(*q, p) <= tol;
                if kind == PolyKind::Polygon && n >= 3 && near(&points[0]) {
                    return this.finish(ctx, kind);
                }
                if points.last().is_some_and(near) {
                    // A second click on the last vertex is a double-click: finish if there is
                    // enough to keep, never add a duplicate vertex.
                    if n >= kind.min_points() {
                        return this.finish(ctx, kind);
                    }
                    *pressed = true;
                    return ToolOutput::default();
                }
                points.push(p);
                *pressed = true;
                ToolOutput::default()
            }
            (
                PolyTool::Drawing {
                    points,
                    hover,
                    pressed,
                    ..
                },
                PointerKind::Move,
            ) => {
                *hover = Some(p);
                if *pressed
                    && points
                        .last()
                        .is_some_and(|l| dist(*l, p) >= ev.image_tolerance(FREEHAND_SPACING_PX))
                {
                    points.push(p);
                }
                ToolOutput::default()
            }
            (PolyTool::Drawing { pressed, .. }, PointerKind::Up) => {
                *pressed = false;
                ToolOutput::default()
            }
            _ => ToolOutput::default(),
        }
    }

    /// Removes the last vertex (Backspace); with none left the drawing is abandoned.
    pub fn remove_last(&mut self) -> bool {
        let PolyTool::Drawing { points, .. } = self else {
            return false;
        };
        points.pop();
        if points.is_empty() {
            *self = PolyTool::Idle;
        }
        true
    }

    /// Finishes the shape (Enter, double-click, click on the first vertex). Too few vertices:
    /// nothing is added and the tool is idle again.
    pub fn finish(&mut self, ctx: &Context<'_>, kind: PolyKind) -> ToolOutput {
        let PolyTool::Drawing { points, hole, .. } = std::mem::take(self) else {
            return ToolOutput::default();
        };
        let points = cleaned(points, kind);
        if points.len() < kind.min_points() {
            return ToolOutput::default();
        }
        match kind {
            PolyKind::Polyline => ToolOutput::added(ctx, Shape::Polyline { points }),
            PolyKind::Polygon => {
                if ring_area(&points).abs() <= f64::EPSILON {
                    return ToolOutput::default();
                }
                match hole {
                    Some(target) => add_hole(ctx, target, points),
                    None => ToolOutput::added(ctx, Shape::Polygon(PolygonShape::simple(points))),
                }
            }
        }
    }
}

fn add_hole(ctx: &Context<'_>, target: HoleTarget, ring: Vec<Point>) -> ToolOutput {
    let Some(a) = ctx.doc.annotation(&target.id) else {
        return ToolOutput::default();
    };
    let Shape::Polygon(poly) = &a.shape else {
        return ToolOutput::default();
    };
    let Some(part) = poly.parts.get(target.part) else {
        return ToolOutput::default();
    };
    if !ring.iter().all(|p| point_in_ring(*p, &part.exterior)) {
        return ToolOutput::default();
    }
    let mut after = poly.clone();
    after.parts[target.part].holes.push(ring);
    ToolOutput {
        ops: vec![Op::SetShape {
            id: a.id.clone(),
            before: a.shape.clone(),
            after: Shape::Polygon(after),
        }],
        select: Some(vec![a.id.clone()]),
        select_added: false,
    }
}

/// The selected polygon (exactly one, unlocked) and the part whose exterior contains `p`.
fn hole_target(ctx: &Context<'_>, p: Point) -> Option<HoleTarget> {
    let [id] = ctx.selection else { return None };
    let a = ctx.doc.annotation(id)?;
    if a.locked || a.hidden {
        return None;
    }
    let Shape::Polygon(poly) = &a.shape else {
        return None;
    };
    let part = poly
        .parts
        .iter()
        .position(|part| point_in_ring(p, &part.exterior))?;
    Some(HoleTarget {
        id: id.clone(),
        part,
    })
}

/// Drops repeated vertices (and, for a polygon, a last vertex equal to the first).
fn cleaned(points: Vec<Point>, kind: PolyKind) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    for p in points {
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    if kind == PolyKind::Polygon && out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    out
}

/// `p` moved into the image (unchanged while the image size is unknown).
pub(crate) fn clamp(task: &Task, p: Point) -> Point {
    let (w, h) = (f64::from(task.image.width), f64::from(task.image.height));
    if w <= 0.0 || h <= 0.0 {
        return p;
    }
    Point::new(p.x.clamp(0.0, w), p.y.clamp(0.0, h))
}
