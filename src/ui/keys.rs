//! Keyboard: hotkeys act only while the editor has focus and never while the user types in a
//! text field; Enter, Space and Tab on a button are the button's, and Tab past the last shape
//! moves the focus on.

use crate::app::Runtime;
use lasso_core::edit::{Action, Modifiers};
use leptos::prelude::*;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;

/// Whether the key press is on a control that the browser operates with this key: Enter and
/// Space press a button, Tab moves on from it — those stay the browser's.
fn is_control_key(ev: &KeyboardEvent) -> bool {
    let on_control = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "BUTTON" | "A" | "SUMMARY"));
    on_control && matches!(ev.key().as_str(), "Enter" | " " | "Tab")
}

fn is_typing(ev: &KeyboardEvent) -> bool {
    let Some(el) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return false;
    };
    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || el.is_content_editable()
}

/// `key` in lower case as the browser folds it (every script's letters): the core's keymap
/// folds only ASCII, to keep Unicode's case tables out of the module.
pub fn fold_key(key: &str) -> String {
    String::from(js_sys::JsString::from(key).to_lower_case())
}

/// The editor root's `keydown` handler.
pub fn keydown_handler(runtime: Rc<Runtime>) -> impl FnMut(KeyboardEvent) + 'static {
    move |ev: KeyboardEvent| {
        if is_typing(&ev) || is_control_key(&ev) {
            return;
        }
        if ev.key() == " " {
            ev.prevent_default();
            runtime.space_held.set(true);
            return;
        }
        let mods = Modifiers {
            shift: ev.shift_key(),
            alt: ev.alt_key(),
            ctrl: ev.ctrl_key() || ev.meta_key(),
        };
        // Shift+digit is named by the digit whatever the layout puts on that key ("!" or "&").
        let code = ev.code();
        let key = match code.strip_prefix("Digit") {
            Some(d) if mods.shift => d.to_string(),
            _ => fold_key(&ev.key()),
        };
        let action = runtime
            .session
            .with_untracked(|s| s.keymap.action(&key, mods));
        let Some(action) = action else { return };
        // Tab past the last shape (or with none) leaves the editor, as it leaves any widget.
        if let Action::Cycle { back } = action {
            if runtime
                .session
                .with_untracked(|s| s.editor.cycle_done(back))
            {
                return;
            }
        }
        ev.prevent_default();
        // Esc closes the hotkey list first.
        if action == Action::Cancel && runtime.help_open.get_untracked() {
            runtime.help_open.set(false);
            return;
        }
        match action {
            Action::Tool(t) => runtime.session.update(|s| s.editor.set_tool(t)),
            Action::Label(n) => runtime.session.update(|s| {
                s.editor.set_label_index(n);
            }),
            Action::Delete => runtime.tool_input(|ed| ed.delete()),
            Action::Finish => {
                // The visible part of the image: where a box placed from the keyboard goes.
                let (x0, y0, x1, y1) = runtime.session.with_untracked(|s| {
                    s.viewport.visible_image_rect(s.view_size.0, s.view_size.1)
                });
                let view = lasso_core::model::BoxShape::from_corners(
                    lasso_core::model::Point::new(x0, y0),
                    lasso_core::model::Point::new(x1, y1),
                );
                runtime.tool_input(move |ed| ed.enter(view))
            }
            Action::Resize { dw, dh } => {
                runtime.dispatch(|ed| ed.resize(f64::from(dw), f64::from(dh)))
            }
            Action::Cancel => runtime.tool_input(|ed| ed.cancel()),
            Action::Undo => runtime.undo(),
            Action::Redo => runtime.redo(),
            Action::Fit => runtime.session.update(|s| s.fit()),
            Action::Nudge { dx, dy } => {
                runtime.dispatch(|ed| ed.nudge(f64::from(dx), f64::from(dy)))
            }
            Action::Cycle { back } => runtime.dispatch(|ed| ed.cycle(back)),
            Action::Hide => runtime.dispatch(|ed| ed.toggle_hidden()),
            Action::Lock => runtime.dispatch(|ed| ed.toggle_locked()),
            Action::Copy => runtime.session.update(|s| {
                s.editor.copy();
            }),
            Action::Paste => runtime.dispatch(|ed| ed.paste()),
            Action::BringForward => runtime.dispatch(|ed| ed.bring_forward()),
            Action::SendBack => runtime.dispatch(|ed| ed.send_back()),
            Action::ToggleVisibility => runtime.dispatch(|ed| ed.toggle_visibility()),
            Action::NextImage => runtime.step_task(1),
            Action::PrevImage => runtime.step_task(-1),
            Action::BrushSize { larger } => runtime.dispatch(|ed| ed.step_brush(larger)),
            Action::ZoomActual => runtime.session.update(|s| s.zoom_actual()),
            Action::ZoomSelection => runtime.session.update(|s| {
                s.zoom_selection();
            }),
            Action::Help => runtime.help_open.update(|open| *open = !*open),
        }
    }
}

/// The editor root's `keyup` handler (ends Space-panning).
pub fn keyup_handler(runtime: Rc<Runtime>) -> impl FnMut(KeyboardEvent) + 'static {
    move |ev: KeyboardEvent| {
        if ev.key() == " " {
            runtime.space_held.set(false);
        }
    }
}
