//! The tools by name (as `setTool` takes them) and the active tool with its state: which
//! gesture it is in the middle of, and which gestures hold the pointer.

use super::*;

/// The tools, by the names the JS API's `setTool` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolName {
    /// Select and edit.
    Select,
    /// Axis-aligned box.
    Box,
    /// Rotated box.
    RotatedBox,
    /// Polygon.
    Polygon,
    /// Polyline.
    Polyline,
    /// Keypoints (with the label's skeleton).
    Keypoints,
    /// Mask brush.
    Brush,
    /// Mask eraser.
    Eraser,
    /// Magic wand (mask of a similar-coloured region).
    Wand,
    /// Interactive segmentation by a model (clicks and a box as prompts).
    Segment,
    /// Intelligent scissors (a live wire along the image's edges, closing into a polygon).
    Scissors,
}

impl ToolName {
    /// Every tool, in toolbar order.
    pub const ALL: [ToolName; 11] = [
        ToolName::Select,
        ToolName::Box,
        ToolName::RotatedBox,
        ToolName::Polygon,
        ToolName::Polyline,
        ToolName::Keypoints,
        ToolName::Brush,
        ToolName::Eraser,
        ToolName::Wand,
        ToolName::Segment,
        ToolName::Scissors,
    ];

    /// Parses a tool name as used by `setTool` (`"select"`, `"box"`, `"rotated_box"`, ...).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// The name `setTool` accepts.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Select => "select",
            Self::Box => "box",
            Self::RotatedBox => "rotated_box",
            Self::Polygon => "polygon",
            Self::Polyline => "polyline",
            Self::Keypoints => "keypoints",
            Self::Brush => "brush",
            Self::Eraser => "eraser",
            Self::Wand => "wand",
            Self::Segment => "segment",
            Self::Scissors => "scissors",
        }
    }

    /// Whether the tool paints masks or reads the image's pixels (brush, eraser, wand,
    /// segmentation, scissors): the tools whose code an app may load on first use (see
    /// [`super::pixel_tools_ready`]).
    pub fn is_pixel_tool(&self) -> bool {
        matches!(
            self,
            Self::Brush | Self::Eraser | Self::Wand | Self::Segment | Self::Scissors
        )
    }

    /// Whether the tool draws boxes (and so shows crosshair guides).
    pub fn draws_boxes(&self) -> bool {
        matches!(self, Self::Box | Self::RotatedBox)
    }
}

/// A key a tool may take before the editor's own command for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToolKey {
    /// `Delete`/`Backspace`: the last vertex or point placed, or the selected vertex.
    RemoveLast,
    /// `I`: cycle a keypoint's visibility.
    CycleVisibility,
}

/// What every tool does, whatever its state: the one interface the editor dispatches through.
/// A tool is a state machine (a state enum per tool, see the tool modules) that owns its own
/// parameters (which kind of box or line it draws, whether it paints or erases); it turns
/// events into ops and never mutates the document itself.
///
/// Cancel and interrupt are the same for every tool: the state is thrown away
/// ([`Tool::reset`]), which is exact because nothing is committed before a gesture completes.
pub trait ToolBehavior {
    /// Handles a pointer event.
    fn pointer(&mut self, ctx: &Context<'_>, ev: PointerEvent) -> ToolOutput;
    /// `Enter` or a double-click: completes a shape drawn by clicks.
    fn finish(&mut self, _ctx: &Context<'_>) -> ToolOutput {
        ToolOutput::default()
    }
    /// A key the tool handles in its current state (`Some`, with the ops it makes, possibly
    /// none), or `None` to let the editor's command have it.
    fn key(&mut self, _ctx: &Context<'_>, _key: ToolKey) -> Option<ToolOutput> {
        None
    }
    /// In the middle of something that `Esc` cancels.
    fn is_busy(&self) -> bool;
    /// The name of the state the tool is in (`idle`, `pointing`, `dragging`…), for tests that
    /// replay events and check the path of states.
    fn state(&self) -> &'static str;
    /// In a gesture that lasts while a button is held (a drag, a rubber band, a stroke): what
    /// losing the pointer must end. Drawing by clicks is not held.
    fn holds_pointer(&self) -> bool {
        false
    }
    /// Adds what the tool shows to the overlay: the shape being drawn, its vertices, shapes
    /// being edited, the brush's path.
    fn overlay(&self, _ctx: &Context<'_>, _overlay: &mut Overlay) {}
}

/// The box tools: axis-aligned or rotated boxes dragged out corner to corner.
#[derive(Clone, Debug, PartialEq)]
pub struct BoxDrawing {
    /// Which kind of box the drag makes.
    pub kind: box_tool::BoxKind,
    /// Where the gesture is.
    pub state: box_tool::BoxTool,
}

impl ToolBehavior for BoxDrawing {
    fn pointer(&mut self, ctx: &Context<'_>, ev: PointerEvent) -> ToolOutput {
        self.state.pointer_as(ctx, ev, self.kind)
    }
    fn is_busy(&self) -> bool {
        !matches!(self.state, box_tool::BoxTool::Idle)
    }
    fn state(&self) -> &'static str {
        match self.state {
            box_tool::BoxTool::Idle => "idle",
            box_tool::BoxTool::Pointing { .. } => "pointing",
            box_tool::BoxTool::Dragging { .. } => "dragging",
        }
    }
    fn holds_pointer(&self) -> bool {
        self.is_busy()
    }
    fn overlay(&self, ctx: &Context<'_>, overlay: &mut Overlay) {
        overlay.preview = self.state.preview(ctx.task).map(|b| self.kind.shape(b));
    }
}

/// The polygon and polyline tools: vertices placed by clicks.
#[derive(Clone, Debug, PartialEq)]
pub struct LineDrawing {
    /// Closed polygon or open line.
    pub kind: poly_tool::PolyKind,
    /// The vertices placed so far.
    pub state: poly_tool::PolyTool,
}

impl ToolBehavior for LineDrawing {
    fn pointer(&mut self, ctx: &Context<'_>, ev: PointerEvent) -> ToolOutput {
        self.state.pointer(ctx, ev, self.kind)
    }
    fn finish(&mut self, ctx: &Context<'_>) -> ToolOutput {
        self.state.finish(ctx, self.kind)
    }
    fn key(&mut self, _ctx: &Context<'_>, key: ToolKey) -> Option<ToolOutput> {
        (key == ToolKey::RemoveLast && self.state.remove_last()).then(ToolOutput::default)
    }
    fn is_busy(&self) -> bool {
        self.state.is_busy()
    }
    fn state(&self) -> &'static str {
        match self.state {
            poly_tool::PolyTool::Idle => "idle",
            poly_tool::PolyTool::Drawing { .. } => "drawing",
        }
    }
    fn overlay(&self, _ctx: &Context<'_>, overlay: &mut Overlay) {
        overlay.preview = self.state.preview();
        overlay.vertices = self.state.vertices().to_vec();
    }
}

impl ToolBehavior for keypoint_tool::KeypointTool {
    fn pointer(&mut self, ctx: &Context<'_>, ev: PointerEvent) -> ToolOutput {
        keypoint_tool::KeypointTool::pointer(self, ctx, ev)
    }
    fn finish(&mut self, ctx: &Context<'_>) -> ToolOutput {
        keypoint_tool::KeypointTool::finish(self, ctx)
    }
    fn key(&mut self, _ctx: &Context<'_>, key: ToolKey) -> Option<ToolOutput> {
        let changed = match key {
            ToolKey::RemoveLast => self.remove_last(),
            ToolKey::CycleVisibility => self.toggle_last(),
        };
        changed.then(ToolOutput::default)
    }
    fn is_busy(&self) -> bool {
        keypoint_tool::KeypointTool::is_busy(self)
    }
    fn state(&self) -> &'static str {
        match self {
            keypoint_tool::KeypointTool::Idle => "idle",
            keypoint_tool::KeypointTool::Placing { .. } => "placing",
        }
    }
    fn overlay(&self, ctx: &Context<'_>, overlay: &mut Overlay) {
        overlay.preview = self.preview();
        overlay.vertices = self.vertices();
        overlay.next_keypoint = self.next_name(ctx);
    }
}

/// The brush and the eraser: strokes painted into a mask.
#[derive(Clone, Debug, PartialEq)]
pub struct Painting {
    /// Paint or erase.
    pub paint: mask_tool::Paint,
    /// The stroke under way.
    pub state: mask_tool::BrushTool,
}

impl ToolBehavior for Painting {
    fn pointer(&mut self, ctx: &Context<'_>, ev: PointerEvent) -> ToolOutput {
        self.state.pointer(ctx, ev, self.paint, ctx.mask)
    }
    fn is_busy(&self) -> bool {
        self.state.is_busy()
    }
    fn state(&self) -> &'static str {
        match self.state {
            mask_tool::BrushTool::Idle => "idle",
            mask_tool::BrushTool::Painting { .. } => "painting",
        }
    }
    fn holds_pointer(&self) -> bool {
        self.is_busy()
    }
    fn overlay(&self, _ctx: &Context<'_>, overlay: &mut Overlay) {
        overlay.brush_path = self.state.path().to_vec();
    }
}

/// The magic wand: one click fills a region of similar colour (no state between clicks).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Wand;

impl ToolBehavior for Wand {
    fn pointer(&mut self, ctx: &Context<'_>, ev: PointerEvent) -> ToolOutput {
        mask_tool::wand_click(ctx, ev, ctx.pixels, ctx.mask)
    }
    fn is_busy(&self) -> bool {
        false
    }
    fn state(&self) -> &'static str {
        "idle"
    }
}

impl ToolBehavior for segment_tool::SegmentTool {
    fn pointer(&mut self, ctx: &Context<'_>, ev: PointerEvent) -> ToolOutput {
        segment_tool::SegmentTool::pointer(self, ctx, ev)
    }
    fn finish(&mut self, ctx: &Context<'_>) -> ToolOutput {
        segment_tool::SegmentTool::finish(self, ctx, ctx.mask.segment_polygons)
    }
    fn key(&mut self, _ctx: &Context<'_>, key: ToolKey) -> Option<ToolOutput> {
        // Backspace takes the last click back.
        (key == ToolKey::RemoveLast && self.prompts.points.pop().is_some()).then(|| {
            self.generation += 1;
            if self.prompts.is_empty() {
                self.candidate = None;
            }
            ToolOutput::default()
        })
    }
    fn is_busy(&self) -> bool {
        segment_tool::SegmentTool::is_busy(self)
    }
    fn state(&self) -> &'static str {
        match (self.prompts.is_empty(), self.candidate.is_some()) {
            (true, _) => "idle",
            (false, false) => "prompting",
            (false, true) => "candidate",
        }
    }
    fn overlay(&self, _ctx: &Context<'_>, overlay: &mut Overlay) {
        overlay.preview = self.candidate.clone().map(Shape::Mask);
        overlay.prompts = self.prompts.points.clone();
        overlay.rubber_band = self.shown_box();
    }
}

impl ToolBehavior for scissors_tool::ScissorsTool {
    fn pointer(&mut self, ctx: &Context<'_>, ev: PointerEvent) -> ToolOutput {
        scissors_tool::ScissorsTool::pointer(self, ctx, ev)
    }
    fn finish(&mut self, ctx: &Context<'_>) -> ToolOutput {
        scissors_tool::ScissorsTool::finish(self, ctx)
    }
    fn key(&mut self, _ctx: &Context<'_>, key: ToolKey) -> Option<ToolOutput> {
        (key == ToolKey::RemoveLast && self.remove_last()).then(ToolOutput::default)
    }
    fn is_busy(&self) -> bool {
        scissors_tool::ScissorsTool::is_busy(self)
    }
    fn state(&self) -> &'static str {
        if self.is_busy() {
            "tracing"
        } else {
            "idle"
        }
    }
    fn overlay(&self, _ctx: &Context<'_>, overlay: &mut Overlay) {
        overlay.preview = self.preview();
        overlay.vertices = self.anchor_points();
    }
}

impl ToolBehavior for select_tool::SelectTool {
    fn pointer(&mut self, ctx: &Context<'_>, ev: PointerEvent) -> ToolOutput {
        select_tool::SelectTool::pointer(self, ctx, ev)
    }
    fn key(&mut self, ctx: &Context<'_>, key: ToolKey) -> Option<ToolOutput> {
        let (id, v) = self.selected_vertex(ctx.selection)?;
        match key {
            ToolKey::RemoveLast => {
                self.clear_vertex();
                Some(select_tool::remove_vertex_op(ctx.doc, &id, v))
            }
            ToolKey::CycleVisibility => {
                let a = ctx.doc.annotation(&id).filter(|a| !a.locked)?;
                let Shape::Keypoints { points } = &a.shape else {
                    return None;
                };
                let mut points = points.clone();
                let k = points.get_mut(v.index)?;
                k.visibility = keypoint_tool::next_visibility(k.visibility);
                if k.visibility == crate::model::Visibility::NotLabeled {
                    self.clear_vertex();
                    (k.x, k.y) = (0.0, 0.0);
                }
                Some(ToolOutput {
                    ops: vec![Op::SetShape {
                        id,
                        before: a.shape.clone(),
                        after: Shape::Keypoints { points },
                    }],
                    ..ToolOutput::default()
                })
            }
        }
    }
    fn is_busy(&self) -> bool {
        select_tool::SelectTool::is_busy(self)
    }
    fn state(&self) -> &'static str {
        use select_tool::SelectState;
        match self.state {
            SelectState::Idle => "idle",
            SelectState::Pointing { .. } => "pointing",
            SelectState::Moving { .. } => "moving",
            SelectState::Reshaping { .. } => "reshaping",
            SelectState::RubberBand { .. } => "rubber band",
        }
    }
    fn holds_pointer(&self) -> bool {
        select_tool::SelectTool::is_busy(self)
    }
    fn overlay(&self, ctx: &Context<'_>, overlay: &mut Overlay) {
        overlay.editing = self.editing();
        overlay.rubber_band = self.rubber_band();
        let [id] = ctx.selection else {
            return;
        };
        let shape = overlay
            .editing
            .iter()
            .find(|(e, _)| e == id)
            .map(|(_, s)| s.clone())
            .or_else(|| {
                ctx.doc
                    .annotation(id)
                    .filter(|a| !a.locked && !a.hidden)
                    .map(|a| a.shape.clone())
            });
        if let Some(shape) = shape {
            overlay.handles = match shape_edit::resize_handles(&shape) {
                Some(h) => h.to_vec(),
                None => shape_edit::vertices(&shape)
                    .into_iter()
                    .map(|(_, p)| p)
                    .collect(),
            };
            overlay.rotate_handle = shape_edit::rotate_handle(&shape, ctx.scale);
            overlay.selected_vertex = self
                .selected_vertex(ctx.selection)
                .and_then(|(_, v)| shape_edit::vertex_position(&shape, v));
        }
    }
}

/// The active tool and its state.
#[derive(Clone, Debug, PartialEq)]
pub enum Tool {
    /// Select/edit tool.
    Select(select_tool::SelectTool),
    /// Box or rotated-box tool.
    Box(BoxDrawing),
    /// Polygon or polyline tool.
    Line(LineDrawing),
    /// Keypoints tool.
    Keypoints(keypoint_tool::KeypointTool),
    /// Brush or eraser.
    Paint(Painting),
    /// Magic wand.
    Wand(Wand),
    /// Interactive segmentation by a model.
    Segment(segment_tool::SegmentTool),
    /// Intelligent scissors.
    Scissors(scissors_tool::ScissorsTool),
}

impl Tool {
    pub(super) fn new(name: ToolName) -> Self {
        use box_tool::BoxKind;
        use poly_tool::PolyKind;
        let boxes = |kind| {
            Tool::Box(BoxDrawing {
                kind,
                state: Default::default(),
            })
        };
        let lines = |kind| {
            Tool::Line(LineDrawing {
                kind,
                state: Default::default(),
            })
        };
        let paint = |paint| {
            Tool::Paint(Painting {
                paint,
                state: Default::default(),
            })
        };
        match name {
            ToolName::Select => Tool::Select(Default::default()),
            ToolName::Box => boxes(BoxKind::Axis),
            ToolName::RotatedBox => boxes(BoxKind::Rotated),
            ToolName::Polygon => lines(PolyKind::Polygon),
            ToolName::Polyline => lines(PolyKind::Polyline),
            ToolName::Keypoints => Tool::Keypoints(Default::default()),
            ToolName::Brush => paint(mask_tool::Paint::Brush),
            ToolName::Eraser => paint(mask_tool::Paint::Eraser),
            ToolName::Wand => Tool::Wand(Wand),
            ToolName::Segment => Tool::Segment(Default::default()),
            ToolName::Scissors => Tool::Scissors(Default::default()),
        }
    }

    /// The tool's name.
    pub fn name(&self) -> ToolName {
        match self {
            Tool::Select(_) => ToolName::Select,
            Tool::Box(t) => match t.kind {
                box_tool::BoxKind::Axis => ToolName::Box,
                box_tool::BoxKind::Rotated => ToolName::RotatedBox,
            },
            Tool::Line(t) => match t.kind {
                poly_tool::PolyKind::Polygon => ToolName::Polygon,
                poly_tool::PolyKind::Polyline => ToolName::Polyline,
            },
            Tool::Keypoints(_) => ToolName::Keypoints,
            Tool::Paint(t) => match t.paint {
                mask_tool::Paint::Brush => ToolName::Brush,
                mask_tool::Paint::Eraser => ToolName::Eraser,
            },
            Tool::Wand(_) => ToolName::Wand,
            Tool::Segment(_) => ToolName::Segment,
            Tool::Scissors(_) => ToolName::Scissors,
        }
    }

    /// The tool behind the common interface.
    pub fn behavior(&self) -> &dyn ToolBehavior {
        match self {
            Tool::Select(t) => t,
            Tool::Box(t) => t,
            Tool::Line(t) => t,
            Tool::Keypoints(t) => t,
            Tool::Paint(_) | Tool::Wand(_) | Tool::Segment(_) | Tool::Scissors(_) => {
                super::pixel_tools::behavior(self)
            }
        }
    }

    /// The tool behind the common interface, to hand it an event.
    pub fn behavior_mut(&mut self) -> &mut dyn ToolBehavior {
        match self {
            Tool::Select(t) => t,
            Tool::Box(t) => t,
            Tool::Line(t) => t,
            Tool::Keypoints(t) => t,
            Tool::Paint(_) | Tool::Wand(_) | Tool::Segment(_) | Tool::Scissors(_) => {
                super::pixel_tools::behavior_mut(self)
            }
        }
    }

    /// Throws the state away: what cancel and interrupt do (nothing was committed yet).
    pub fn reset(&mut self) {
        *self = Tool::new(self.name());
    }

    /// Whether a gesture that lasts while a button is held is under way (see
    /// [`ToolBehavior::holds_pointer`]).
    pub fn holds_pointer(&self) -> bool {
        self.behavior().holds_pointer()
    }

    /// Whether the tool is in the middle of something (`Esc` cancels it).
    pub fn is_busy(&self) -> bool {
        self.behavior().is_busy()
    }
}
