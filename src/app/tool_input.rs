//! Input for a tool whose code is still on its way. The pixel tools (brush, eraser, wand,
//! segmentation, scissors) load on first use (`on_demand::pixel_tools`); a press, a stroke or
//! a key given to one of them before it is in waits here, in order, and reaches the editor
//! once it is, with the tool it was given to. Nothing the person did is lost: if the code
//! cannot be fetched, the banner says so and the input meant for the shape tools still
//! reaches them.

use super::Runtime;
use lasso_core::edit::{pixel_tools_ready, Editor, Outcome, ToolName};
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// One input for the editor's active tool.
pub type Input = Box<dyn FnOnce(&mut Editor) -> Outcome>;

/// The input waiting for the pixel tools, each with the tool it was given to.
#[derive(Default)]
pub struct Waiting {
    inputs: RefCell<Vec<(ToolName, Input)>>,
    loading: Cell<bool>,
}

impl Waiting {
    /// Whether input must wait: some already does (order is kept), or the active tool's code
    /// is not in.
    pub fn must_wait(&self, tool: ToolName) -> bool {
        self.has_input() || (tool.is_pixel_tool() && !pixel_tools_ready())
    }

    /// Whether some input waits.
    pub fn has_input(&self) -> bool {
        !self.inputs.borrow().is_empty()
    }
}

/// Holds `input` for `tool` until the pixel tools are in, fetching them if no fetch is under
/// way.
pub fn hold(runtime: &Rc<Runtime>, tool: ToolName, input: Input) {
    runtime.waiting.inputs.borrow_mut().push((tool, input));
    if runtime.waiting.loading.replace(true) {
        return;
    }
    let runtime = Rc::clone(runtime);
    wasm_bindgen_futures::spawn_local(async move {
        let loaded = crate::on_demand::pixel_tools::load().await;
        runtime.waiting.loading.set(false);
        if loaded.is_err() {
            runtime.fail(runtime.part_unavailable());
        }
        replay(&runtime);
    });
}

/// Hands the waiting input to the editor, each to the tool it was given to, and leaves the
/// tool chosen since active. Input for a pixel tool whose code could not be fetched is
/// dropped (nothing of it was committed).
fn replay(runtime: &Rc<Runtime>) {
    let now = runtime.session.with_untracked(|s| s.editor.tool().name());
    loop {
        // Taken one at a time: the editor may run code that gives more input.
        let next = {
            let mut inputs = runtime.waiting.inputs.borrow_mut();
            (!inputs.is_empty()).then(|| inputs.remove(0))
        };
        let Some((tool, input)) = next else { break };
        if tool.is_pixel_tool() && !pixel_tools_ready() {
            continue;
        }
        set_tool(runtime, tool);
        runtime.dispatch(input);
    }
    set_tool(runtime, now);
}

/// Makes `tool` the active one, unless it is.
fn set_tool(runtime: &Runtime, tool: ToolName) {
    if runtime.session.with_untracked(|s| s.editor.tool().name()) != tool {
        runtime.session.update(|s| s.editor.set_tool(tool));
    }
}
