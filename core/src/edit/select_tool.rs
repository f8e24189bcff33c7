//! The select tool: a click picks the topmost visible shape under the pointer (Shift adds or
//! removes it); a click on empty image clears the selection.

use super::hit::topmost_at;
use super::{Context, PointerEvent, PointerKind, ToolOutput, DRAG_THRESHOLD_PX};
use crate::model::{AnnotationId, Point};

/// How close, in screen pixels, a click must be to a thin shape (line, point) to hit it.
pub const HIT_TOLERANCE_PX: f64 = 4.0;

/// State of the select tool.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum SelectTool {
    /// Waiting for a press.
    #[default]
    Idle,
    /// Pressed, waiting to see whether it is a click.
    Pointing {
        /// Where the press was.
        at: Point,
    },
}

impl SelectTool {
    /// Handles a pointer event.
    pub fn pointer(&mut self, ctx: &Context<'_>, ev: PointerEvent) -> ToolOutput {
        match (self.clone(), ev.kind) {
            (SelectTool::Idle, PointerKind::Down) => {
                *self = SelectTool::Pointing { at: ev.pos };
                ToolOutput::default()
            }
            (SelectTool::Pointing { at }, PointerKind::Move) => {
                if (ev.pos.x - at.x).hypot(ev.pos.y - at.y) >= ev.image_tolerance(DRAG_THRESHOLD_PX)
                {
                    *self = SelectTool::Idle;
                }
                ToolOutput::default()
            }
            (SelectTool::Pointing { at }, PointerKind::Up) => {
                *self = SelectTool::Idle;
                let hit = topmost_at(ctx.task, at, ev.image_tolerance(HIT_TOLERANCE_PX));
                let mut selection: Vec<AnnotationId> = if ev.mods.shift {
                    ctx.selection.to_vec()
                } else {
                    Vec::new()
                };
                if let Some(id) = hit {
                    if let Some(i) = selection.iter().position(|s| *s == id) {
                        selection.remove(i);
                    } else {
                        selection.push(id);
                    }
                }
                ToolOutput {
                    ops: Vec::new(),
                    select: Some(selection),
                    select_added: false,
                }
            }
            _ => ToolOutput::default(),
        }
    }
}
