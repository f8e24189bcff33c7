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
}

impl ToolName {
    /// Every tool, in toolbar order.
    pub const ALL: [ToolName; 9] = [
        ToolName::Select,
        ToolName::Box,
        ToolName::RotatedBox,
        ToolName::Polygon,
        ToolName::Polyline,
        ToolName::Keypoints,
        ToolName::Brush,
        ToolName::Eraser,
        ToolName::Wand,
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
        }
    }

    /// Whether the tool draws boxes (and so shows crosshair guides).
    pub fn draws_boxes(&self) -> bool {
        matches!(self, Self::Box | Self::RotatedBox)
    }
}

/// The active tool and its state.
#[derive(Clone, Debug, PartialEq)]
pub enum Tool {
    /// Select/edit tool.
    Select(select_tool::SelectTool),
    /// Box tool.
    Box(box_tool::BoxTool),
    /// Rotated-box tool (the box gesture, making a rotated box).
    RotatedBox(box_tool::BoxTool),
    /// Polygon tool.
    Polygon(poly_tool::PolyTool),
    /// Polyline tool.
    Polyline(poly_tool::PolyTool),
    /// Keypoints tool.
    Keypoints(keypoint_tool::KeypointTool),
    /// Brush tool.
    Brush(mask_tool::BrushTool),
    /// Eraser tool.
    Eraser(mask_tool::BrushTool),
    /// Magic wand (no state between clicks).
    Wand,
}

impl Tool {
    pub(super) fn new(name: ToolName) -> Self {
        match name {
            ToolName::Select => Tool::Select(Default::default()),
            ToolName::Box => Tool::Box(Default::default()),
            ToolName::RotatedBox => Tool::RotatedBox(Default::default()),
            ToolName::Polygon => Tool::Polygon(Default::default()),
            ToolName::Polyline => Tool::Polyline(Default::default()),
            ToolName::Keypoints => Tool::Keypoints(Default::default()),
            ToolName::Brush => Tool::Brush(Default::default()),
            ToolName::Eraser => Tool::Eraser(Default::default()),
            ToolName::Wand => Tool::Wand,
        }
    }

    /// The tool's name.
    pub fn name(&self) -> ToolName {
        match self {
            Tool::Select(_) => ToolName::Select,
            Tool::Box(_) => ToolName::Box,
            Tool::RotatedBox(_) => ToolName::RotatedBox,
            Tool::Polygon(_) => ToolName::Polygon,
            Tool::Polyline(_) => ToolName::Polyline,
            Tool::Keypoints(_) => ToolName::Keypoints,
            Tool::Brush(_) => ToolName::Brush,
            Tool::Eraser(_) => ToolName::Eraser,
            Tool::Wand => ToolName::Wand,
        }
    }

    /// Whether a gesture or a shape is in progress (Esc would cancel it).
    /// Whether a gesture that lasts while a button is held is under way (a drag, a rubber band,
    /// a brush stroke): what losing the pointer must end. Multi-click drawing (polygons,
    /// keypoints) is not held and survives it.
    pub fn holds_pointer(&self) -> bool {
        match self {
            Tool::Select(t) => t.is_busy(),
            Tool::Box(t) | Tool::RotatedBox(t) => !matches!(t, box_tool::BoxTool::Idle),
            Tool::Brush(t) | Tool::Eraser(t) => t.is_busy(),
            Tool::Polygon(_) | Tool::Polyline(_) | Tool::Keypoints(_) | Tool::Wand => false,
        }
    }

    /// Whether the tool is in the middle of something (`Esc` cancels it).
    pub fn is_busy(&self) -> bool {
        match self {
            Tool::Select(t) => t.is_busy(),
            Tool::Box(t) | Tool::RotatedBox(t) => !matches!(t, box_tool::BoxTool::Idle),
            Tool::Polygon(t) | Tool::Polyline(t) => t.is_busy(),
            Tool::Keypoints(t) => t.is_busy(),
            Tool::Brush(t) | Tool::Eraser(t) => t.is_busy(),
            Tool::Wand => false,
        }
    }
}
