//! The keypoints tool: places a label's named keypoints one click at a time.
//!
//! ```text
//! Idle -down-> Placing{[first]} -down-> Placing{[.., next]} -down on the last name-> Idle [Add]
//! Placing -finish (Enter)-> Idle [Add, the rest not labelled]   Placing -backspace-> one fewer
//! any -cancel (Esc)-> Idle
//! ```
//! A label with `keypoints` names is placed in that order and the shape is added as soon as the
//! last one is placed; its `skeleton` edges are drawn between placed points. A label without
//! names gets points named `1`, `2`, … until `Enter`.
//!
//! Visibility: a plain click places a visible point, Shift-click an occluded one, and the
//! [`Action::ToggleVisibility`](super::Action::ToggleVisibility) key (`I`) cycles the last placed
//! point through visible → occluded → not labelled. Points that are not labelled are stored at
//! (0, 0), as COCO stores them.

use super::{Context, Editor, PointerEvent, PointerKind, ToolOutput};
use crate::history::Op;
use crate::model::{Keypoint, Point, Shape, Visibility};

/// State of the keypoints tool.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum KeypointTool {
    /// Waiting for the first click.
    #[default]
    Idle,
    /// Some points are placed.
    Placing {
        /// The points placed so far, in the label's order.
        points: Vec<Keypoint>,
    },
}

/// The next visibility in the cycle visible → occluded → not labelled → visible.
pub fn next_visibility(v: Visibility) -> Visibility {
    match v {
        Visibility::Visible => Visibility::Occluded,
        Visibility::Occluded => Visibility::NotLabeled,
        Visibility::NotLabeled => Visibility::Visible,
    }
}

/// The keypoint names of a label (empty: free points).
fn names(ctx: &Context<'_>) -> Vec<String> {
    ctx.task
        .labels
        .get(ctx.label)
        .map(|l| l.keypoints.clone())
        .unwrap_or_default()
}

impl KeypointTool {
    /// Whether points are being placed.
    pub fn is_busy(&self) -> bool {
        matches!(self, KeypointTool::Placing { .. })
    }

    /// The points placed so far as a shape, for the overlay.
    pub fn preview(&self) -> Option<Shape> {
        match self {
            KeypointTool::Placing { points } => Some(Shape::Keypoints {
                points: points.clone(),
            }),
            KeypointTool::Idle => None,
        }
    }

    /// Positions of the placed points that are labelled.
    pub fn vertices(&self) -> Vec<Point> {
        match self {
            KeypointTool::Placing { points } => points
                .iter()
                .filter(|k| k.visibility != Visibility::NotLabeled)
                .map(|k| Point::new(k.x, k.y))
                .collect(),
            KeypointTool::Idle => Vec::new(),
        }
    }

    /// The name of the point the next click places, if the label names its points.
    pub fn next_name(&self, ctx: &Context<'_>) -> Option<String> {
        let placed = match self {
            KeypointTool::Placing { points } => points.len(),
            KeypointTool::Idle => 0,
        };
        names(ctx).get(placed).cloned()
    }

    /// Handles a pointer event: a press places the next point.
    pub fn pointer(&mut self, ctx: &Context<'_>, ev: PointerEvent) -> ToolOutput {
        if ev.kind != PointerKind::Down || !(ev.pos.x.is_finite() && ev.pos.y.is_finite()) {
            return ToolOutput::default();
        }
        let names = names(ctx);
        let mut points = match std::mem::take(self) {
            KeypointTool::Placing { points } => points,
            KeypointTool::Idle => Vec::new(),
        };
        let name = names
            .get(points.len())
            .cloned()
            .unwrap_or_else(|| (points.len() + 1).to_string());
        let p = super::poly_tool::clamp(ctx.task, ev.pos);
        points.push(Keypoint {
            name,
            x: p.x,
            y: p.y,
            visibility: if ev.mods.shift {
                Visibility::Occluded
            } else {
                Visibility::Visible
            },
        });
        *self = KeypointTool::Placing { points };
        if !names.is_empty() && self.placed() >= names.len() {
            return self.finish(ctx);
        }
        ToolOutput::default()
    }

    fn placed(&self) -> usize {
        match self {
            KeypointTool::Placing { points } => points.len(),
            KeypointTool::Idle => 0,
        }
    }

    /// Cycles the visibility of the last placed point; false when nothing is placed.
    pub fn toggle_last(&mut self) -> bool {
        let KeypointTool::Placing { points } = self else {
            return false;
        };
        let Some(last) = points.last_mut() else {
            return false;
        };
        last.visibility = next_visibility(last.visibility);
        if last.visibility == Visibility::NotLabeled {
            (last.x, last.y) = (0.0, 0.0);
        }
        true
    }

    /// Removes the last placed point (Backspace); with none left the tool is idle.
    pub fn remove_last(&mut self) -> bool {
        let KeypointTool::Placing { points } = self else {
            return false;
        };
        points.pop();
        if points.is_empty() {
            *self = KeypointTool::Idle;
        }
        true
    }

    /// Adds the shape (Enter, or the last named point placed). Names not placed yet are added
    /// as not labelled; a shape with no labelled point is discarded.
    pub fn finish(&mut self, ctx: &Context<'_>) -> ToolOutput {
        let KeypointTool::Placing { mut points } = std::mem::take(self) else {
            return ToolOutput::default();
        };
        for name in names(ctx).into_iter().skip(points.len()) {
            points.push(Keypoint {
                name,
                x: 0.0,
                y: 0.0,
                visibility: Visibility::NotLabeled,
            });
        }
        if points
            .iter()
            .all(|k| k.visibility == Visibility::NotLabeled)
        {
            return ToolOutput::default();
        }
        ToolOutput {
            ops: vec![Op::Add {
                annotation: Editor::draft(ctx.label, Shape::Keypoints { points }),
                index: None,
            }],
            select: None,
            select_added: true,
        }
    }
}
