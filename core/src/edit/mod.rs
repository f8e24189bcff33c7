//! Editing: tools as state machines that turn pointer and key events into [`Op`]s.
//!
//! Nothing here knows about the DOM. The browser translates its events into [`PointerEvent`]s in
//! image coordinates and [`Action`]s (through the [`keymap`]), hands them to an [`Editor`], draws
//! [`Editor::preview`] on its overlay, and journals every op the editor returns.

pub mod box_tool;
mod commands;
pub mod hit;
pub mod keymap;
pub mod keypoint_tool;
pub mod list;
pub mod mask_tool;
mod pixel_tools;
pub mod poly_tool;
pub mod scissors_tool;
pub mod segment_tool;
pub mod select_tool;
pub mod shape_edit;

use crate::document::Document;
use crate::history::{ApplyError, Flags, History, Op};
use crate::model::{Annotation, AnnotationId, AttributeKind, AttributeValue, Point, Shape, Task};
use serde::{Deserialize, Serialize};

mod tool;
pub use tool::{BoxDrawing, LineDrawing, Painting, Tool, ToolBehavior, ToolKey, ToolName, Wand};

pub use keymap::{Action, Keymap};
pub use pixel_tools::{install_pixel_tools, pixel_tools_ready, Loading};

/// How far (in screen pixels) the pointer must move after a press before a click becomes a drag.
pub const DRAG_THRESHOLD_PX: f64 = 3.0;

/// Keyboard modifiers held during an event.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Modifiers {
    /// Shift.
    pub shift: bool,
    /// Alt (Option).
    pub alt: bool,
    /// Control or Command.
    pub ctrl: bool,
}

/// What happened to the pointer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointerKind {
    /// A button went down.
    Down,
    /// The pointer moved (with or without a button held).
    Move,
    /// A button went up.
    Up,
}

/// A pointer event in image coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PointerEvent {
    /// Down, move or up.
    pub kind: PointerKind,
    /// Position in image pixels.
    pub pos: Point,
    /// Modifiers held.
    pub mods: Modifiers,
    /// Screen pixels per image pixel at the time of the event, to turn screen tolerances into
    /// image distances.
    pub scale: f64,
}

impl PointerEvent {
    /// A tolerance of `px` screen pixels expressed in image pixels.
    pub fn image_tolerance(&self, px: f64) -> f64 {
        if self.scale > 0.0 {
            px / self.scale
        } else {
            px
        }
    }
}

/// What the interactive layer draws on top of the scene: the gesture in progress and the
/// affordances of the active tool. Sizes of handles are in screen pixels (the painter keeps them
/// constant); positions are image pixels.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Overlay {
    /// The shape being drawn, with the current label's style.
    pub preview: Option<Shape>,
    /// Crosshair guide lines through this point, across the whole image.
    pub guides: Option<Point>,
    /// Vertices placed so far by a click-by-click tool (polygon, polyline, keypoints).
    pub vertices: Vec<Point>,
    /// Rubber-band selection rectangle.
    pub rubber_band: Option<crate::model::BoxShape>,
    /// Brush or eraser outline: centre and radius in image pixels.
    pub brush: Option<(Point, f64)>,
    /// The name of the keypoint the next click places (for a hint by the cursor).
    pub next_keypoint: Option<String>,
    /// Shapes drawn in place of the stored ones while they are moved or reshaped.
    pub editing: Vec<(AnnotationId, Shape)>,
    /// Resize handles or vertices of the single selected shape (drawn at a constant screen size).
    pub handles: Vec<Point>,
    /// The rotate handle of a selected rotated box: the middle of its top edge and the handle.
    pub rotate_handle: Option<(Point, Point)>,
    /// The selected vertex.
    pub selected_vertex: Option<Point>,
    /// The brush or eraser stroke being painted (its path; the width is `brush`'s radius).
    pub brush_path: Vec<Point>,
    /// Segmentation prompts: clicks, positive (`true`) or negative.
    pub prompts: Vec<(Point, bool)>,
}

/// Annotations copied with `Ctrl+C`, kept by the editor so they can be pasted into any task.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Clipboard {
    /// The task they were copied from.
    pub task_id: String,
    /// The annotations as copied.
    pub annotations: Vec<Annotation>,
}

/// How far, in image pixels, a paste into the task it was copied from is offset, so the copies
/// do not hide the originals.
pub const PASTE_OFFSET: f64 = 10.0;

/// What a tool asks the editor to do after an event.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ToolOutput {
    /// Ops to commit as one undo step (empty: nothing to commit).
    pub ops: Vec<Op>,
    /// New selection, when the tool changed it.
    pub select: Option<Vec<AnnotationId>>,
    /// Select the annotations these ops add, once the editor has given them ids.
    pub select_added: bool,
}

impl ToolOutput {
    /// A new annotation of the current label with `shape`, selected once added: what a tool
    /// gives when it completes a shape.
    pub fn added(ctx: &Context<'_>, shape: Shape) -> ToolOutput {
        ToolOutput {
            ops: vec![Op::Add {
                annotation: Editor::draft(ctx.label, shape),
                index: None,
            }],
            select: None,
            select_added: true,
        }
    }
}

/// What the editor did with an event: the ops it committed (to journal) and whether the view
/// must be redrawn.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Outcome {
    /// Ops applied to the task, in order. The caller journals them.
    pub committed: Vec<Op>,
    /// Whether the selection changed.
    pub selection_changed: bool,
    /// Whether anything visible changed (task, selection or preview).
    pub redraw: bool,
    /// An edit that could not be applied (the document is unchanged): the caller tells the
    /// person; it is never dropped silently.
    pub refused: Option<String>,
}

/// Everything a tool may read while handling an event.
pub struct Context<'a> {
    /// The document being edited (the task and its indexes).
    pub doc: &'a Document,
    /// The task being edited (`doc.task()`).
    pub task: &'a Task,
    /// The current label.
    pub label: &'a str,
    /// The current selection.
    pub selection: &'a [AnnotationId],
    /// Brush radius, exclusive painting and wand tolerance.
    pub mask: &'a mask_tool::MaskOptions,
    /// The image's pixels, once loaded (the magic wand reads them).
    pub pixels: Option<&'a mask_tool::Pixels>,
    /// Screen pixels per image pixel (handle sizes).
    pub scale: f64,
}

/// A class's annotations at a glance (see [`Editor::label_states`]).
#[derive(Clone, Debug, PartialEq)]
pub struct LabelState {
    /// The class name.
    pub name: String,
    /// How many annotations have it.
    pub count: usize,
    /// It has annotations and all are hidden.
    pub hidden: bool,
    /// It has annotations and all are locked.
    pub locked: bool,
}

/// An editing session over one task: the task, its history, the current tool, label and selection.
#[derive(Clone, Debug)]
pub struct Editor {
    doc: Document,
    history: History,
    tool: Tool,
    label: String,
    selection: Vec<AnnotationId>,
    id_prefix: String,
    next_id: u64,
    cursor: Option<Point>,
    clipboard: Clipboard,
    mask_options: mask_tool::MaskOptions,
    pixels: Option<mask_tool::Pixels>,
}

impl Editor {
    /// Starts editing `task`. New annotation ids are `"{id_prefix}-{n}"`; give each session a
    /// unique prefix so ids from two tabs or annotators never collide.
    ///
    /// A document already indexed (a task loaded from the journal) is taken as it is.
    pub fn new(task: impl Into<Document>, id_prefix: impl Into<String>) -> Self {
        let doc: Document = task.into();
        let label = doc
            .task()
            .labels
            .labels
            .first()
            .map(|l| l.name.clone())
            .unwrap_or_default();
        Self {
            doc,
            history: History::new(),
            tool: Tool::new(ToolName::Box),
            label,
            selection: Vec::new(),
            id_prefix: id_prefix.into(),
            next_id: 1,
            cursor: None,
            clipboard: Clipboard::default(),
            mask_options: mask_tool::MaskOptions::default(),
            pixels: None,
        }
    }

    /// Records the image's size in pixels once it is decoded, when the task did not give one.
    /// The size is image metadata, not an edit, so it is not journaled.
    pub fn set_image_size(&mut self, width: u32, height: u32) {
        self.doc.set_image_size(width, height);
    }

    /// Records the image's georeferencing when the task has none (see `Document::set_image_geo`).
    pub fn set_image_geo(&mut self, geo: crate::model::GeoRef) {
        self.doc.set_image_geo(geo);
    }

    /// The task as it stands.
    pub fn task(&self) -> &Task {
        self.doc.task()
    }

    /// The task with its indexes (spatial index, id map, revisions, label tallies).
    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// The active tool.
    pub fn tool(&self) -> &Tool {
        &self.tool
    }

    /// The current label name.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The selected annotation ids.
    pub fn selection(&self) -> &[AnnotationId] {
        &self.selection
    }

    /// Whether undo/redo have anything to do.
    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    /// Whether there is anything to redo.
    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// Switches tool; an unfinished gesture of the old tool is dropped.
    pub fn set_tool(&mut self, name: ToolName) {
        if self.tool.name() != name {
            self.tool = Tool::new(name);
        }
    }

    /// Picks the label new shapes get. Returns false (and changes nothing) for an unknown label.
    pub fn set_label(&mut self, name: &str) -> bool {
        if self.doc.task().labels.get(name).is_none() {
            return false;
        }
        self.label = name.to_string();
        true
    }

    /// Picks the `n`-th label (0-based), as the `1`–`9` keys do.
    pub fn set_label_index(&mut self, n: usize) -> bool {
        match self.doc.task().labels.labels.get(n) {
            Some(l) => {
                self.label = l.name.clone();
                true
            }
            None => false,
        }
    }

    /// Replaces the selection, keeping only ids that exist.
    pub fn select(&mut self, ids: Vec<AnnotationId>) -> bool {
        let ids: Vec<_> = ids
            .into_iter()
            .filter(|id| self.doc.position(id).is_some())
            .collect();
        let changed = ids != self.selection;
        self.selection = ids;
        changed
    }

    /// A fresh annotation id.
    pub fn new_id(&mut self) -> AnnotationId {
        loop {
            let id = AnnotationId(format!("{}-{}", self.id_prefix, self.next_id));
            self.next_id += 1;
            if self.doc.position(&id).is_none() {
                return id;
            }
        }
    }

    /// The shape being drawn, if a gesture is in progress.
    pub fn preview(&self) -> Option<Shape> {
        let mut overlay = Overlay::default();
        self.tool
            .behavior()
            .overlay(&self.context_at(1.0), &mut overlay);
        overlay.preview
    }

    /// Everything the interactive layer draws for the active tool, at zoom `scale` (screen
    /// pixels per image pixel; it places the rotate handle a fixed screen distance away).
    pub fn overlay(&self, scale: f64) -> Overlay {
        let guides = if self.tool.name().draws_boxes() {
            self.cursor.map(|c| self.clamp_to_image(c))
        } else {
            None
        };
        let mut overlay = Overlay {
            guides,
            ..Overlay::default()
        };
        if matches!(self.tool, Tool::Paint(_)) {
            overlay.brush = self.cursor.map(|c| (c, self.mask_options.radius));
        }
        self.tool
            .behavior()
            .overlay(&self.context_at(scale), &mut overlay);
        overlay
    }

    /// The pointer left the drawing area: guides follow it no more.
    pub fn pointer_left(&mut self) -> Outcome {
        let had = self.cursor.take().is_some();
        Outcome {
            redraw: had && self.tool.name().draws_boxes(),
            ..Outcome::default()
        }
    }

    /// `p` moved inside the image (unchanged while the image size is unknown).
    pub fn clamp_to_image(&self, p: Point) -> Point {
        let (w, h) = (
            f64::from(self.doc.task().image.width),
            f64::from(self.doc.task().image.height),
        );
        if w <= 0.0 || h <= 0.0 {
            return p;
        }
        Point::new(p.x.clamp(0.0, w), p.y.clamp(0.0, h))
    }

    /// Handles a pointer event with the active tool.
    pub fn pointer(&mut self, ev: PointerEvent) -> Outcome {
        let before = self.overlay(ev.scale);
        self.cursor = Some(ev.pos);
        let out = self.with_tool(ev.scale, |tool, ctx| tool.pointer(ctx, ev));
        let mut outcome = self.finish(out);
        outcome.redraw |= before != self.overlay(ev.scale);
        outcome
    }

    /// Finishes the shape in progress (`Enter`, double-click).
    pub fn finish_shape(&mut self) -> Outcome {
        // Only shapes drawn by clicks (or proposed by a model) are finished by a key.
        if !matches!(
            self.tool,
            Tool::Line(_) | Tool::Keypoints(_) | Tool::Segment(_) | Tool::Scissors(_)
        ) {
            return Outcome::default();
        }
        let out = self.with_tool(1.0, |tool, ctx| tool.finish(ctx));
        let mut outcome = self.finish(out);
        outcome.redraw = true;
        outcome
    }

    /// A double-click: finishes a polygon or polyline (other tools ignore it, so two quick
    /// keypoint clicks never end a skeleton early).
    pub fn double_click(&mut self) -> Outcome {
        match self.tool.name() {
            ToolName::Polygon | ToolName::Polyline => self.finish_shape(),
            _ => Outcome::default(),
        }
    }

    /// The segmentation prompts to send to the model and their generation, when the tool is
    /// the segmentation tool and its candidate does not answer them yet.
    pub fn segment_request(&self) -> Option<(u64, crate::ml::prompts::Prompts)> {
        match &self.tool {
            Tool::Segment(t) => t.request().map(|(g, p)| (g, p.clone())),
            _ => None,
        }
    }

    /// The model's answer to the prompts of `generation` (`None`: nothing found) as the
    /// segmentation tool's candidate; an answer to older prompts is ignored.
    pub fn segment_answer(
        &mut self,
        generation: u64,
        mask: Option<crate::model::MaskRle>,
    ) -> Outcome {
        let taken = match &mut self.tool {
            Tool::Segment(t) => t.answer(generation, mask),
            _ => false,
        };
        Outcome {
            redraw: taken,
            ..Outcome::default()
        }
    }

    /// Brush radius, exclusive painting and wand tolerance.
    pub fn mask_options(&self) -> &mask_tool::MaskOptions {
        &self.mask_options
    }

    /// Replaces the mask tools' settings (the radius is kept within its range).
    pub fn set_mask_options(&mut self, mut options: mask_tool::MaskOptions) {
        let (lo, hi) = mask_tool::BRUSH_RADIUS_RANGE;
        options.radius = if options.radius.is_finite() {
            options.radius.clamp(lo, hi)
        } else {
            self.mask_options.radius
        };
        self.mask_options = options;
    }

    /// Grows (`]`) or shrinks (`[`) the brush; the cursor circle shows the new size.
    pub fn step_brush(&mut self, larger: bool) -> Outcome {
        self.mask_options.step_radius(larger);
        Outcome {
            redraw: true,
            ..Outcome::default()
        }
    }

    /// Gives the magic wand the image's pixels (once the image is decoded).
    pub fn set_pixels(&mut self, pixels: mask_tool::Pixels) {
        self.pixels = Some(pixels);
    }

    /// Whether the magic wand has the image's pixels.
    pub fn has_pixels(&self) -> bool {
        self.pixels.is_some()
    }

    /// The clipboard, to carry it over when another task is opened.
    pub fn clipboard(&self) -> &Clipboard {
        &self.clipboard
    }

    /// Replaces the clipboard (e.g. with the one of the previously open task).
    pub fn set_clipboard(&mut self, clipboard: Clipboard) {
        self.clipboard = clipboard;
    }

    /// Runs `f` on the active tool with what tools read (borrowed field by field, so the tool
    /// can be mutable while the document is read).
    pub(super) fn with_tool<R>(
        &mut self,
        scale: f64,
        f: impl FnOnce(&mut dyn ToolBehavior, &Context<'_>) -> R,
    ) -> R {
        let ctx = Context {
            doc: &self.doc,
            task: self.doc.task(),
            label: &self.label,
            selection: &self.selection,
            mask: &self.mask_options,
            pixels: self.pixels.as_ref(),
            scale,
        };
        f(self.tool.behavior_mut(), &ctx)
    }

    /// What tools read, at zoom `scale`.
    fn context_at(&self, scale: f64) -> Context<'_> {
        Context {
            doc: &self.doc,
            task: self.doc.task(),
            label: &self.label,
            selection: &self.selection,
            mask: &self.mask_options,
            pixels: self.pixels.as_ref(),
            scale,
        }
    }

    /// Cancels the gesture in progress, or else clears the selection (`Esc`).
    pub fn cancel(&mut self) -> Outcome {
        let busy = self.tool.is_busy();
        self.tool.reset();
        if busy {
            return Outcome {
                redraw: true,
                ..Outcome::default()
            };
        }
        let changed = self.select(Vec::new());
        Outcome {
            selection_changed: changed,
            redraw: changed,
            ..Outcome::default()
        }
    }

    /// The pointer was lost mid-gesture (the browser cancelled it, capture was lost, the window
    /// lost focus): a held gesture ends as if it never started, committing nothing (its
    /// preview is dropped, the document is as before the press); a polygon being drawn by
    /// clicks is kept.
    pub fn interrupt(&mut self) -> Outcome {
        if !self.tool.holds_pointer() {
            return Outcome::default();
        }
        self.tool.reset();
        Outcome {
            redraw: true,
            ..Outcome::default()
        }
    }

    /// Deletes the selected annotations as one undo step.
    pub fn delete_selection(&mut self) -> Outcome {
        // Each remove records where its annotation sits once the earlier ones are gone, so
        // undo rebuilds the list in its original order.
        let mut remaining: Vec<&AnnotationId> =
            self.doc.task().annotations.iter().map(|a| &a.id).collect();
        let mut ops: Vec<Op> = Vec::new();
        for id in &self.selection {
            let Some(a) = self.doc.annotation(id).filter(|a| !a.locked) else {
                continue;
            };
            let index = remaining.iter().position(|r| *r == id);
            if let Some(i) = index {
                remaining.remove(i);
            }
            ops.push(Op::Remove {
                annotation: a.clone(),
                index,
            });
        }
        // Locked annotations were not deleted and stay selected.
        let kept = self
            .selected_annotations()
            .filter(|a| a.locked)
            .map(|a| a.id.clone())
            .collect();
        self.finish(ToolOutput {
            ops,
            select: Some(kept),
            select_added: false,
        })
    }

    /// Undoes the last step.
    pub fn undo(&mut self) -> Result<Outcome, ApplyError> {
        let op = self.history.undo(&mut self.doc)?;
        Ok(self.after_history(op))
    }

    /// Redoes the last undone step.
    pub fn redo(&mut self) -> Result<Outcome, ApplyError> {
        let op = self.history.redo(&mut self.doc)?;
        Ok(self.after_history(op))
    }

    /// Commits an op built outside the tools (e.g. by the JS API) as one undo step.
    pub fn commit(&mut self, op: Op) -> Result<Outcome, ApplyError> {
        self.history.commit(&mut self.doc, op.clone())?;
        self.prune_selection();
        Ok(Outcome {
            committed: vec![op],
            selection_changed: false,
            redraw: true,
            refused: None,
        })
    }

    /// Applies an op made elsewhere (another tab's journaled edit) without recording it as an
    /// undo step of this session and without reporting it as committed (it is already journaled).
    pub fn apply_external(&mut self, op: &Op) -> Result<Outcome, ApplyError> {
        op.apply(&mut self.doc)?;
        let before = self.selection.len();
        self.prune_selection();
        Ok(Outcome {
            committed: Vec::new(),
            selection_changed: before != self.selection.len(),
            redraw: true,
            refused: None,
        })
    }

    fn after_history(&mut self, op: Option<Op>) -> Outcome {
        let before = self.selection.len();
        self.prune_selection();
        Outcome {
            redraw: op.is_some(),
            selection_changed: before != self.selection.len(),
            committed: op.into_iter().collect(),
            refused: None,
        }
    }

    fn prune_selection(&mut self) {
        let doc = &self.doc;
        self.selection.retain(|id| doc.contains(id));
    }

    fn finish(&mut self, out: ToolOutput) -> Outcome {
        let mut outcome = Outcome::default();
        let op = match out.ops.len() {
            0 => None,
            1 => out.ops.into_iter().next(),
            _ => Some(Op::Batch { ops: out.ops }),
        };
        let mut added = Vec::new();
        if let Some(mut op) = op {
            // Tools leave new ids empty; the editor names them so ids stay unique.
            self.assign_ids(&mut op, &mut added);
            match self.history.commit(&mut self.doc, op.clone()) {
                Ok(_) => {
                    outcome.committed.push(op);
                    outcome.redraw = true;
                }
                Err(e) => {
                    added.clear();
                    outcome.refused = Some(format!("The edit could not be applied: {e}"));
                }
            }
        }
        let select = if out.select_added && !added.is_empty() {
            Some(added)
        } else {
            out.select
        };
        if let Some(sel) = select {
            if self.select(sel) {
                outcome.selection_changed = true;
                outcome.redraw = true;
            }
        }
        outcome
    }

    fn assign_ids(&mut self, op: &mut Op, added: &mut Vec<AnnotationId>) {
        match op {
            Op::Add { annotation, .. } => {
                if annotation.id.0.is_empty() {
                    annotation.id = self.new_id();
                }
                added.push(annotation.id.clone());
            }
            Op::Batch { ops } => ops.iter_mut().for_each(|o| self.assign_ids(o, added)),
            _ => {}
        }
    }

    /// Makes a new annotation with the current label and an id the editor fills in on commit.
    pub(crate) fn draft(label: &str, shape: Shape) -> Annotation {
        Annotation::new(String::new(), label, shape)
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod tool_tables;

#[cfg(test)]
mod keyboard_tests;
