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
    /// Grow or shrink the selected boxes by this many image pixels (`Alt`+arrows; Shift
    /// multiplies by 10).
    Resize {
        /// Wider.
        dw: i32,
        /// Taller.
        dh: i32,
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
    /// Zoom to 100 % (`Shift+0`).
    ZoomActual,
    /// Zoom to the selection (`Shift+2`).
    ZoomSelection,
    /// Show or hide the list of every hotkey (`?`).
    Help,
}

/// The remappable actions, as the `hotkeys` mount option spells them (the help overlay lists
/// them in this order with their current keys; the message catalogue describes each as
/// `action.<name>`).
pub const ACTION_NAMES: [&str; 30] = [
    "select",
    "box",
    "rotated_box",
    "polygon",
    "polyline",
    "keypoints",
    "brush",
    "eraser",
    "wand",
    "segment",
    "scissors",
    "delete",
    "cancel",
    "finish",
    "fit",
    "zoom_100",
    "zoom_selection",
    "hide",
    "lock",
    "visibility",
    "next_shape",
    "next_image",
    "prev_image",
    "brush_smaller",
    "brush_larger",
    "nudge_left",
    "nudge_right",
    "nudge_up",
    "nudge_down",
    "help",
];

/// The chords every editor has, not remappable, with the catalogue id of what each does (for
/// the help overlay).
pub const FIXED_CHORDS: [(&str, &str); 7] = [
    ("alt+arrows", "chord.resize"),
    ("ctrl+z", "chord.undo"),
    ("ctrl+shift+z, ctrl+y", "chord.redo"),
    ("ctrl+c", "chord.copy"),
    ("ctrl+v", "chord.paste"),
    ("ctrl+]", "chord.forward"),
    ("ctrl+[", "chord.back"),
];

/// A key as the keymap stores and looks it up: letters in lower case. Only ASCII letters are
/// folded here; the browser folds the others (`toLowerCase`) before it hands a key over, so the
/// web module carries no Unicode case tables (some 24 KB) for the few keyboards that have them.
fn fold(key: &str) -> String {
    key.to_ascii_lowercase()
}

/// A key name as people read it: `shift+0` → `Shift+0`, `arrowleft` → `←`, `alt+arrows` →
/// `Alt+←↑→↓`, `b` → `B`.
pub fn key_label(key: &str) -> String {
    key.split('+')
        .map(|part| match part {
            "arrowleft" => "←".to_string(),
            "arrowright" => "→".to_string(),
            "arrowup" => "↑".to_string(),
            "arrowdown" => "↓".to_string(),
            // The four arrow keys together, in any language.
            "arrows" => "←↑→↓".to_string(),
            "pagedown" => "PageDown".to_string(),
            "pageup" => "PageUp".to_string(),
            _ => {
                // ASCII only: see `fold`.
                let mut chars = part.chars();
                chars.next().map_or_else(String::new, |c| {
                    std::iter::once(c.to_ascii_uppercase())
                        .chain(chars)
                        .collect::<String>()
                })
            }
        })
        .collect::<Vec<_>>()
        .join("+")
}

impl Action {
    /// The action a `hotkeys` option name stands for (see [`ACTION_NAMES`]), or `label_<n>`
    /// for the n-th label (1-based).
    pub fn from_name(name: &str) -> Option<Action> {
        if let Some(t) = ToolName::parse(name) {
            return Some(Action::Tool(t));
        }
        if let Some(n) = name.strip_prefix("label_") {
            return match n.parse::<usize>() {
                Ok(n) if n >= 1 => Some(Action::Label(n - 1)),
                _ => None,
            };
        }
        Some(match name {
            "delete" => Action::Delete,
            "cancel" => Action::Cancel,
            "finish" => Action::Finish,
            "fit" => Action::Fit,
            "zoom_100" => Action::ZoomActual,
            "zoom_selection" => Action::ZoomSelection,
            "hide" => Action::Hide,
            "lock" => Action::Lock,
            "visibility" => Action::ToggleVisibility,
            "next_shape" => Action::Cycle { back: false },
            "next_image" => Action::NextImage,
            "prev_image" => Action::PrevImage,
            "brush_smaller" => Action::BrushSize { larger: false },
            "brush_larger" => Action::BrushSize { larger: true },
            "nudge_left" => Action::Nudge { dx: -1, dy: 0 },
            "nudge_right" => Action::Nudge { dx: 1, dy: 0 },
            "nudge_up" => Action::Nudge { dx: 0, dy: -1 },
            "nudge_down" => Action::Nudge { dx: 0, dy: 1 },
            "help" => Action::Help,
            _ => return None,
        })
    }
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
        plain.insert("s".to_string(), Action::Tool(ToolName::Segment));
        plain.insert("x".to_string(), Action::Tool(ToolName::Scissors));
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
        plain.insert("shift+0".to_string(), Action::ZoomActual);
        plain.insert("shift+2".to_string(), Action::ZoomSelection);
        plain.insert("?".to_string(), Action::Help);
        Self { plain }
    }
}

impl Keymap {
    /// Rebinds `key` to `action` (the old binding of `key` is replaced).
    pub fn bind(&mut self, key: &str, action: Action) {
        self.plain.insert(fold(key), action);
    }

    /// Applies the host's remapping: for each action name (see [`Action::from_name`]) the keys
    /// that trigger it from now on, replacing its default keys; an empty list unbinds it. A key
    /// taken from another action stops triggering that one. Chords are written `shift+<key>`.
    /// Unknown action names are an error that names them; nothing is changed then.
    pub fn remap<'a>(
        &mut self,
        bindings: impl IntoIterator<Item = (&'a str, Vec<String>)>,
    ) -> Result<(), String> {
        let mut parsed = Vec::new();
        let mut unknown = Vec::new();
        for (name, keys) in bindings {
            match Action::from_name(name) {
                Some(a) => parsed.push((a, keys)),
                None => unknown.push(name.to_string()),
            }
        }
        if !unknown.is_empty() {
            return Err(format!(
                "hotkeys: unknown action {} (known: {}, label_1 … label_9)",
                unknown.join(", "),
                ACTION_NAMES.join(", ")
            ));
        }
        for (action, _) in &parsed {
            self.plain.retain(|_, a| a != action);
        }
        for (action, keys) in parsed {
            for key in keys {
                let key = fold(key.trim());
                if !key.is_empty() {
                    self.plain.insert(key, action);
                }
            }
        }
        Ok(())
    }

    /// Every remappable action with its keys now, in [`ACTION_NAMES`] order, then the labels'
    /// keys (`label_1` …): what the help overlay lists.
    pub fn help(&self) -> Vec<(String, Vec<String>)> {
        let mut rows: Vec<(String, Vec<String>)> = ACTION_NAMES
            .iter()
            .filter_map(|name| {
                let action = Action::from_name(name)?;
                let keys = self
                    .keys_for(action)
                    .iter()
                    .map(|k| k.to_string())
                    .collect();
                Some((name.to_string(), keys))
            })
            .collect();
        for n in 0..9 {
            let keys: Vec<String> = self
                .keys_for(Action::Label(n))
                .iter()
                .map(|k| k.to_string())
                .collect();
            if !keys.is_empty() {
                rows.push((format!("label_{}", n + 1), keys));
            }
        }
        rows
    }

    /// The keys bound to an action, for tooltips (`shift+0`, `b`, …).
    pub fn keys_for(&self, action: Action) -> Vec<&str> {
        self.plain
            .iter()
            .filter(|(_, a)| **a == action)
            .map(|(k, _)| k.as_str())
            .collect()
    }

    /// The action for a key press, if any. Ctrl+Z undoes, Ctrl+Shift+Z and Ctrl+Y redo,
    /// Ctrl+C/Ctrl+V copy and paste, Ctrl+] / Ctrl+[ bring forward / send back, Alt+arrows
    /// resize; other Ctrl/Alt chords are left to the browser. Shift turns a nudge or a resize
    /// into ten and Tab backwards.
    pub fn action(&self, key: &str, mods: Modifiers) -> Option<Action> {
        let key = fold(key);
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
            let step = if mods.shift { NUDGE_SHIFT_FACTOR } else { 1 };
            return match key.as_str() {
                "arrowleft" => Some(Action::Resize { dw: -step, dh: 0 }),
                "arrowright" => Some(Action::Resize { dw: step, dh: 0 }),
                "arrowup" => Some(Action::Resize { dw: 0, dh: -step }),
                "arrowdown" => Some(Action::Resize { dw: 0, dh: step }),
                _ => None,
            };
        }
        if mods.shift {
            if let Some(a) = self.plain.get(&format!("shift+{key}")) {
                return Some(*a);
            }
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
