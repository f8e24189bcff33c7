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
}

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

    /// The action for a key press, if any. Ctrl+Z undoes, Ctrl+Shift+Z and Ctrl+Y redo; other
    /// Ctrl/Alt chords are left to the browser.
    pub fn action(&self, key: &str, mods: Modifiers) -> Option<Action> {
        let key = key.to_lowercase();
        if mods.ctrl {
            return match (key.as_str(), mods.shift) {
                ("z", false) => Some(Action::Undo),
                ("z", true) | ("y", false) => Some(Action::Redo),
                _ => None,
            };
        }
        if mods.alt {
            return None;
        }
        self.plain.get(&key).copied()
    }
}
