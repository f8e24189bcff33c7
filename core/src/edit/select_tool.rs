//! The select tool: picks, moves, resizes, rotates and reshapes annotations.
//!
//! ```text
//! Idle -down-> Pointing{at, target}
//! Pointing -up (a click)-> Idle: select the shape (Shift toggles it), select or Alt-remove a
//!     vertex, insert a vertex on an edge of the selected shape, clear on empty image
//! Pointing -move > 3 px-> Moving | Resizing | Rotating | DraggingVertex | RubberBand (by target)
//! busy -up-> Idle [one SetShape per changed shape, as one step]       any -cancel-> Idle
//! ```
//! What lies under the press is found in this order: the rotate handle, the eight resize
//! handles, a vertex, an edge of the single selected unlocked shape, then the topmost shape
//! (the document's spatial index, [`crate::geometry::SpatialIndex::hit`]), then empty image.
//! Tolerances are screen pixels turned into image pixels with the event's zoom, so handles work
//! alike at every zoom.

use super::box_tool::MIN_BOX_SIDE;
use super::hit::dist;
use super::shape_edit::{self, VertexRef};
use super::{Context, PointerEvent, PointerKind, ToolOutput, DRAG_THRESHOLD_PX};
use crate::document::Document;
use crate::history::Op;
use crate::model::{AnnotationId, BoxShape, Point, Shape, Task};

/// How close, in screen pixels, a click must be to a thin shape (line, point, edge) to hit it.
pub const HIT_TOLERANCE_PX: f64 = 4.0;

/// How close, in screen pixels, a press must be to a handle or vertex to grab it.
pub const HANDLE_TOLERANCE_PX: f64 = 7.0;

/// What a press landed on.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// Resize handle `handle` (see [`shape_edit::HANDLE_SIGNS`]) of the selected shape.
    Handle {
        /// The shape.
        id: AnnotationId,
        /// Which handle.
        handle: usize,
    },
    /// The rotate handle of the selected rotated box.
    Rotate(AnnotationId),
    /// A vertex of the selected shape.
    Vertex(AnnotationId, VertexRef),
    /// An edge of the selected shape: where a vertex would be inserted, and the point.
    Edge(AnnotationId, VertexRef, Point),
    /// A shape.
    Shape(AnnotationId),
    /// Empty image.
    Empty,
}

/// State of the select tool's gesture.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum SelectState {
    /// Waiting for a press.
    #[default]
    Idle,
    /// Pressed, not yet a drag.
    Pointing {
        /// Where the press was.
        at: Point,
        /// What it landed on.
        target: Target,
    },
    /// Moving the selected shapes.
    Moving {
        /// Where the drag started.
        at: Point,
        /// The shapes as they were.
        originals: Vec<(AnnotationId, Shape)>,
        /// The offset so far (kept inside the image).
        delta: (f64, f64),
    },
    /// Dragging a resize handle, the rotate handle or a vertex of one shape.
    Reshaping {
        /// The shape.
        id: AnnotationId,
        /// Its geometry before the drag.
        original: Shape,
        /// Its geometry now.
        current: Shape,
        /// What is dragged.
        grip: Grip,
    },
    /// Dragging a selection rectangle.
    RubberBand {
        /// Where the drag started.
        at: Point,
        /// Where the pointer is.
        to: Point,
        /// Shift held: add to the selection.
        additive: bool,
    },
}

/// The part of a shape being dragged.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Grip {
    /// A resize handle.
    Handle(usize),
    /// The rotate handle.
    Rotate,
    /// A vertex.
    Vertex(VertexRef),
}

/// The select tool: the gesture in progress and the selected vertex, if any.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SelectTool {
    /// The gesture.
    pub state: SelectState,
    vertex: Option<(AnnotationId, VertexRef)>,
}

impl SelectTool {
    /// Whether a gesture is in progress.
    pub fn is_busy(&self) -> bool {
        self.state != SelectState::Idle
    }

    /// The selected vertex, if it belongs to the only selected shape.
    pub fn selected_vertex(&self, selection: &[AnnotationId]) -> Option<(AnnotationId, VertexRef)> {
        match (&self.vertex, selection) {
            (Some((id, v)), [sel]) if id == sel => Some((id.clone(), *v)),
            _ => None,
        }
    }

    /// Forgets the selected vertex (after it was removed).
    pub fn clear_vertex(&mut self) {
        self.vertex = None;
    }

    /// Shapes shown in place of the stored ones while a gesture is in progress.
    pub fn editing(&self) -> Vec<(AnnotationId, Shape)> {
        match &self.state {
            SelectState::Moving {
                originals, delta, ..
            } => originals
                .iter()
                .filter_map(|(id, s)| {
                    shape_edit::translate(s, delta.0, delta.1).map(|s| (id.clone(), s))
                })
                .collect(),
            SelectState::Reshaping { id, current, .. } => vec![(id.clone(), current.clone())],
            _ => Vec::new(),
        }
    }

    /// The selection rectangle being dragged.
    pub fn rubber_band(&self) -> Option<BoxShape> {
        match &self.state {
            SelectState::RubberBand { at, to, .. } => Some(BoxShape::from_corners(*at, *to)),
            _ => None,
        }
    }

    /// Handles a pointer event.
    pub fn pointer(&mut self, ctx: &Context<'_>, ev: PointerEvent) -> ToolOutput {
        if !(ev.pos.x.is_finite() && ev.pos.y.is_finite()) {
            return ToolOutput::default();
        }
        match (std::mem::take(&mut self.state), ev.kind) {
            (SelectState::Idle, PointerKind::Down) => {
                self.state = SelectState::Pointing {
                    at: ev.pos,
                    target: target_at(ctx, ev),
                };
                ToolOutput::default()
            }
            (SelectState::Pointing { at, target }, PointerKind::Move) => {
                if dist(ev.pos, at) < ev.image_tolerance(DRAG_THRESHOLD_PX) {
                    self.state = SelectState::Pointing { at, target };
                    return ToolOutput::default();
                }
                let out = self.start_drag(ctx, ev, at, target);
                self.drag(ctx.task, ev);
                out
            }
            (SelectState::Pointing { target, .. }, PointerKind::Up) => self.click(ctx, ev, target),
            (state, PointerKind::Move) => {
                self.state = state;
                self.drag(ctx.task, ev);
                ToolOutput::default()
            }
            (state, PointerKind::Up) => {
                self.state = state;
                self.drag(ctx.task, ev);
                self.end_drag(ctx)
            }
            (state, PointerKind::Down) => {
                // A second button went down mid-gesture: keep going.
                self.state = state;
                ToolOutput::default()
            }
        }
    }

    fn start_drag(
        &mut self,
        ctx: &Context<'_>,
        ev: PointerEvent,
        at: Point,
        target: Target,
    ) -> ToolOutput {
        let reshape = |id: AnnotationId, grip: Grip| {
            ctx.doc.annotation(&id).map(|a| SelectState::Reshaping {
                id,
                original: a.shape.clone(),
                current: a.shape.clone(),
                grip,
            })
        };
        let mut out = ToolOutput::default();
        self.state = match target {
            Target::Handle { id, handle } => reshape(id, Grip::Handle(handle)),
            Target::Rotate(id) => reshape(id, Grip::Rotate),
            Target::Vertex(id, v) => {
                self.vertex = Some((id.clone(), v));
                reshape(id, Grip::Vertex(v))
            }
            Target::Edge(id, ..) => Some(self.start_move(ctx, at, vec![id])),
            Target::Shape(id) => {
                let ids = if ctx.selection.contains(&id) {
                    ctx.selection.to_vec()
                } else if ev.mods.shift {
                    let mut s = ctx.selection.to_vec();
                    s.push(id);
                    s
                } else {
                    vec![id]
                };
                out.select = Some(ids.clone());
                Some(self.start_move(ctx, at, ids))
            }
            Target::Empty => Some(SelectState::RubberBand {
                at,
                to: ev.pos,
                additive: ev.mods.shift,
            }),
        }
        .unwrap_or_default();
        out
    }

    fn start_move(&mut self, ctx: &Context<'_>, at: Point, ids: Vec<AnnotationId>) -> SelectState {
        self.vertex = None;
        let originals = ids
            .iter()
            .filter_map(|id| ctx.doc.annotation(id))
            .filter(|a| !a.locked && shape_edit::translate(&a.shape, 0.0, 0.0).is_some())
            .map(|a| (a.id.clone(), a.shape.clone()))
            .collect();
        SelectState::Moving {
            at,
            originals,
            delta: (0.0, 0.0),
        }
    }

    fn drag(&mut self, task: &Task, ev: PointerEvent) {
        let p = ev.pos;
        match &mut self.state {
            SelectState::Moving {
                at,
                originals,
                delta,
            } => {
                *delta = clamp_delta(task, originals, p.x - at.x, p.y - at.y);
            }
            SelectState::Reshaping {
                original,
                current,
                grip,
                ..
            } => {
                let inside = super::poly_tool::clamp(task, p);
                let next = match *grip {
                    Grip::Handle(h) => shape_edit::resize(original, h, inside),
                    Grip::Rotate => shape_edit::rotate_towards(original, p, ev.mods.shift),
                    Grip::Vertex(v) => shape_edit::move_vertex(original, v, inside),
                };
                if let Some(next) = next {
                    *current = next;
                }
            }
            SelectState::RubberBand { to, .. } => *to = p,
            _ => {}
        }
    }

    fn end_drag(&mut self, ctx: &Context<'_>) -> ToolOutput {
        let edits = self.editing();
        match std::mem::take(&mut self.state) {
            SelectState::Moving { originals, .. } => {
                let ops = originals
                    .into_iter()
                    .zip(edits)
                    .filter(|((_, before), (_, after))| before != after)
                    .map(|((id, before), (_, after))| Op::SetShape { id, before, after })
                    .collect();
                ToolOutput {
                    ops,
                    ..ToolOutput::default()
                }
            }
            SelectState::Reshaping {
                id,
                original,
                current,
                ..
            } => {
                if original == current || degenerate(&current) {
                    return ToolOutput::default();
                }
                ToolOutput {
                    ops: vec![Op::SetShape {
                        id,
                        before: original,
                        after: current,
                    }],
                    ..ToolOutput::default()
                }
            }
            SelectState::RubberBand { at, to, additive } => {
                let b = BoxShape::from_corners(at, to);
                let mut ids = if additive {
                    ctx.selection.to_vec()
                } else {
                    Vec::new()
                };
                for id in ctx.doc.index().contained_in(b.x0, b.y0, b.x1, b.y1) {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                self.vertex = None;
                ToolOutput {
                    select: Some(ids),
                    ..ToolOutput::default()
                }
            }
            _ => ToolOutput::default(),
        }
    }

    fn click(&mut self, ctx: &Context<'_>, ev: PointerEvent, target: Target) -> ToolOutput {
        match target {
            Target::Handle { .. } | Target::Rotate(_) => ToolOutput::default(),
            Target::Vertex(id, v) => {
                if ev.mods.alt {
                    self.vertex = None;
                    return remove_vertex_op(ctx.doc, &id, v);
                }
                self.vertex = Some((id, v));
                ToolOutput::default()
            }
            Target::Edge(id, v, p) => {
                let Some(a) = ctx.doc.annotation(&id) else {
                    return ToolOutput::default();
                };
                let Some(after) = shape_edit::insert_vertex(&a.shape, v, p) else {
                    return ToolOutput::default();
                };
                self.vertex = Some((id.clone(), v));
                ToolOutput {
                    ops: vec![Op::SetShape {
                        id,
                        before: a.shape.clone(),
                        after,
                    }],
                    ..ToolOutput::default()
                }
            }
            Target::Shape(id) => {
                self.vertex = None;
                let mut selection: Vec<AnnotationId> = if ev.mods.shift {
                    ctx.selection.to_vec()
                } else {
                    Vec::new()
                };
                if let Some(i) = selection.iter().position(|s| *s == id) {
                    selection.remove(i);
                } else {
                    selection.push(id);
                }
                ToolOutput {
                    select: Some(selection),
                    ..ToolOutput::default()
                }
            }
            Target::Empty => {
                self.vertex = None;
                ToolOutput {
                    select: (!ev.mods.shift).then(Vec::new),
                    ..ToolOutput::default()
                }
            }
        }
    }
}

/// The op that removes vertex `v` of annotation `id` (none if the shape would become invalid or
/// the annotation is locked).
pub fn remove_vertex_op(doc: &Document, id: &AnnotationId, v: VertexRef) -> ToolOutput {
    let Some(a) = doc.annotation(id).filter(|a| !a.locked) else {
        return ToolOutput::default();
    };
    match shape_edit::remove_vertex(&a.shape, v) {
        Some(after) => ToolOutput {
            ops: vec![Op::SetShape {
                id: id.clone(),
                before: a.shape.clone(),
                after,
            }],
            ..ToolOutput::default()
        },
        None => ToolOutput::default(),
    }
}

/// What lies under the press (see the module doc for the order).
fn target_at(ctx: &Context<'_>, ev: PointerEvent) -> Target {
    let p = ev.pos;
    let grab = ev.image_tolerance(HANDLE_TOLERANCE_PX);
    let tol = ev.image_tolerance(HIT_TOLERANCE_PX);
    if let [id] = ctx.selection {
        if let Some(a) = ctx.doc.annotation(id).filter(|a| !a.locked && !a.hidden) {
            let shape = &a.shape;
            if let Some((_, h)) = shape_edit::rotate_handle(shape, ev.scale) {
                if dist(h, p) <= grab {
                    return Target::Rotate(id.clone());
                }
            }
            if let Some(handles) = shape_edit::resize_handles(shape) {
                let nearest = handles
                    .iter()
                    .enumerate()
                    .map(|(i, h)| (i, dist(*h, p)))
                    .min_by(|a, b| a.1.total_cmp(&b.1));
                if let Some((handle, _)) = nearest.filter(|(_, d)| *d <= grab) {
                    return Target::Handle {
                        id: id.clone(),
                        handle,
                    };
                }
            }
            if let Some(v) = shape_edit::vertex_at(shape, p, grab) {
                return Target::Vertex(id.clone(), v);
            }
            if let Some((v, q)) = shape_edit::edge_at(shape, p, tol) {
                return Target::Edge(id.clone(), v, q);
            }
        }
    }
    match ctx.doc.index().hit(p, HIT_TOLERANCE_PX, ev.scale) {
        Some(hit) => Target::Shape(hit.id),
        None => Target::Empty,
    }
}

/// The offset `(dx, dy)` limited so that shapes inside the image stay inside it.
pub(crate) fn clamp_delta(
    task: &Task,
    shapes: &[(AnnotationId, Shape)],
    dx: f64,
    dy: f64,
) -> (f64, f64) {
    let (w, h) = (f64::from(task.image.width), f64::from(task.image.height));
    let Some((x0, y0, x1, y1)) = shapes
        .iter()
        .filter_map(|(_, s)| crate::geometry::bounds(s))
        .map(|b| (b.x0, b.y0, b.x1, b.y1))
        .reduce(|a, b| (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3)))
    else {
        return (dx, dy);
    };
    if w <= 0.0 || h <= 0.0 || x0 < 0.0 || y0 < 0.0 || x1 > w || y1 > h {
        return (dx, dy);
    }
    (dx.clamp(-x0, w - x1), dy.clamp(-y0, h - y1))
}

/// Whether a reshaped shape is too small to keep.
fn degenerate(shape: &Shape) -> bool {
    match shape {
        Shape::Box(b) => b.width() < MIN_BOX_SIDE || b.height() < MIN_BOX_SIDE,
        Shape::RotatedBox(r) => r.w < MIN_BOX_SIDE || r.h < MIN_BOX_SIDE,
        _ => false,
    }
}
