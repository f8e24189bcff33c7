//! Hotkeys: which key does what, configurable by the host.
//!
//! Keys are named as the DOM's `KeyboardEvent.key` names them (`"b"`, `"Delete"`, `"ArrowLeft"`),
//! with letters compared case-insensitively, so the browser only has to pass the event's `key`
//! and modifiers.

use super::{Modifiers, ToolName};
use std::collections::BTreeMap;

/// Something a key can ask the editor (or its view) to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Switch tool.
    Tool(ToolName),
    /// Pick the n-th label (0-based).
    Label(usize),
    /// Delete the selection.
    Delete,
    /// Cancel the gesture or clear the selection.
    Cancel,
    /// Undo.
    Undo,
    /// Redo.
    Redo,
    /// Fit the image to the view.
    Fit,
    /// Finish the shape being drawn (`Enter`).
    Finish,
    /// Move the selection by this many image pixels (arrows; Shift multiplies by 10).
    Nudge {
        /// Rightwards.
        dx: i32,
        /// Downwards.
        dy: i32,
    },
    /// Select the next shape (`Tab`), or the previous one with Shift.
    Cycle {
        /// Go backwards.
        back: bool,
    },
    /// Hide the selection (`H`).
    Hide,
    /// Lock or unlock the selection (no default key; the attributes panel has a switch).
    Lock,
    /// Copy the selection to the editor's clipboard (`Ctrl+C`).
    Copy,
    /// Paste the clipboard (`Ctrl+V`), also onto another image.
    Paste,
    /// Draw the selection above the others (`Ctrl+]`).
    BringForward,
    /// Draw the selection below the others (`Ctrl+[`).
    SendBack,
    /// Cycle a keypoint's visibility, visible → occluded → not labelled (`I`): the last placed
    /// point while placing keypoints, the selected keypoint while editing.
    ToggleVisibility,
    /// Next image of the task list (`PageDown`).
    NextImage,
    /// Previous image of the task list (`PageUp`).
    PrevImage,
    /// Grow (`]`) or shrink (`[`) the brush.
    BrushSize {
        /// Grow rather than shrink.
        larger: bool,
    },
}

/// How many pixels Shift+arrow moves, relative to a plain arrow.
pub const NUDGE_SHIFT_FACTOR: i32 = 10;

/// A table from key names to actions.
#[derive(Clone, Debug, PartialEq)]
pub struct Keymap {
    plain: BTreeMap<String, Action>,
}

impl Default for Keymap {
    /// The default hotkeys of the public contract.
    fn default() -> Self {
        let mut plain = BTreeMap::new();
        plain.insert("v".to_string(), Action::Tool(ToolName::Select));
        plain.insert("b".to_string(), Action::Tool(ToolName::Box));
        plain.insert("o".to_string(), Action::Tool(ToolName::RotatedBox));
        plain.insert("p".to_string(), Action::Tool(ToolName::Polygon));
        plain.insert("l".to_string(), Action::Tool(ToolName::Polyline));
        plain.insert("k".to_string(), Action::Tool(ToolName::Keypoints));
        plain.insert("m".to_string(), Action::Tool(ToolName::Brush));
        plain.insert("e".to_string(), Action::Tool(ToolName::Eraser));
        plain.insert("w".to_string(), Action::Tool(ToolName::Wand));
        plain.insert("[".to_string(), Action::BrushSize { larger: false });
        plain.insert("]".to_string(), Action::BrushSize { larger: true });
        plain.insert("enter".to_string(), Action::Finish);
        plain.insert("h".to_string(), Action::Hide);
        plain.insert("i".to_string(), Action::ToggleVisibility);
        plain.insert("tab".to_string(), Action::Cycle { back: false });
        plain.insert("pagedown".to_string(), Action::NextImage);
        plain.insert("pageup".to_string(), Action::PrevImage);
        for (key, dx, dy) in [
            ("arrowleft", -1, 0),
            ("arrowright", 1, 0),
            ("arrowup", 0, -1),
            ("arrowdown", 0, 1),
        ] {
            plain.insert(key.to_string(), Action::Nudge { dx, dy });
        }
        plain.insert("delete".to_string(), Action::Delete);
        plain.insert("backspace".to_string(), Action::Delete);
        plain.insert("escape".to_string(), Action::Cancel);
        plain.insert("f".to_string(), Action::Fit);
        for n in 1..=9 {
            plain.insert(n.to_string(), Action::Label(n - 1));
        }
        Self { plain }
    }
}

impl Keymap {
    /// Rebinds `key` to `action` (the old binding of `key` is replaced).
    pub fn bind(&mut self, key: &str, action: Action) {
        self.plain.insert(key.to_lowercase(), action);
    }

    /// The action for a key press, if any. Ctrl+Z undoes, Ctrl+Shift+Z and Ctrl+Y redo,
    /// Ctrl+C/Ctrl+V copy and paste, Ctrl+] / Ctrl+[ bring forward / send back; other Ctrl/Alt
    /// chords are left to the browser. Shift turns a nudge into ten and Tab backwards.
    pub fn action(&self, key: &str, mods: Modifiers) -> Option<Action> {
        let key = key.to_lowercase();
        if mods.ctrl {
            return match (key.as_str(), mods.shift) {
                ("z", false) => Some(Action::Undo),
                ("z", true) | ("y", false) => Some(Action::Redo),
                ("c", false) => Some(Action::Copy),
                ("v", false) => Some(Action::Paste),
                ("]", _) => Some(Action::BringForward),
                ("[", _) => Some(Action::SendBack),
                _ => None,
            };
        }
        if mods.alt {
            return None;
        }
        match self.plain.get(&key).copied()? {
            Action::Nudge { dx, dy } if mods.shift => Some(Action::Nudge {
                dx: dx * NUDGE_SHIFT_FACTOR,
                dy: dy * NUDGE_SHIFT_FACTOR,
            }),
            Action::Cycle { .. } => Some(Action::Cycle { back: mods.shift }),
            a => Some(a),
        }
    }
}
