//! How the editor reaches the pixel tools: brush, eraser, magic wand, segmentation and
//! scissors (they paint masks or read the image's pixels). Their code is most of the tools'
//! weight and a labeller drawing boxes and polygons never runs it, so with the crate feature
//! `pixel-tools-on-demand` the editor reaches them only through a table that
//! [`install_pixel_tools`] fills: a web build calls it from a module it loads on first use,
//! and that module alone then holds their code. Until then a pixel tool is [`Loading`]: it
//! takes no event (the app holds them back, see [`pixel_tools_ready`]). Without the feature
//! they are reached directly and are always ready.

use super::tool::{Tool, ToolBehavior};
use super::{Context, PointerEvent, ToolOutput};

/// The pixel tools behind the common interface (`None` for the other tools): the one place
/// that names their code.
fn direct(tool: &Tool) -> Option<&dyn ToolBehavior> {
    match tool {
        Tool::Paint(t) => Some(t),
        Tool::Wand(t) => Some(t),
        Tool::Segment(t) => Some(t),
        Tool::Scissors(t) => Some(t),
        Tool::Select(_) | Tool::Box(_) | Tool::Line(_) | Tool::Keypoints(_) => None,
    }
}

/// [`direct`] for handing an event.
fn direct_mut(tool: &mut Tool) -> Option<&mut dyn ToolBehavior> {
    match tool {
        Tool::Paint(t) => Some(t),
        Tool::Wand(t) => Some(t),
        Tool::Segment(t) => Some(t),
        Tool::Scissors(t) => Some(t),
        Tool::Select(_) | Tool::Box(_) | Tool::Line(_) | Tool::Keypoints(_) => None,
    }
}

/// A pixel tool whose code is not installed yet: it takes nothing and shows nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Loading;

impl ToolBehavior for Loading {
    fn pointer(&mut self, _ctx: &Context<'_>, _ev: PointerEvent) -> ToolOutput {
        ToolOutput::default()
    }
    fn is_busy(&self) -> bool {
        false
    }
    fn state(&self) -> &'static str {
        "loading"
    }
}

#[cfg(feature = "pixel-tools-on-demand")]
mod table {
    use super::*;
    use std::sync::OnceLock;

    /// The pixel tools' entry points, set once their code is in.
    struct Table {
        get: fn(&Tool) -> Option<&dyn ToolBehavior>,
        get_mut: fn(&mut Tool) -> Option<&mut dyn ToolBehavior>,
    }

    static INSTALLED: OnceLock<Table> = OnceLock::new();

    pub fn install() {
        let _ = INSTALLED.set(Table {
            get: direct,
            get_mut: direct_mut,
        });
    }

    pub fn ready() -> bool {
        INSTALLED.get().is_some()
    }

    pub fn get(tool: &Tool) -> Option<&dyn ToolBehavior> {
        (INSTALLED.get()?.get)(tool)
    }

    pub fn get_mut(tool: &mut Tool) -> Option<&mut dyn ToolBehavior> {
        (INSTALLED.get()?.get_mut)(tool)
    }
}

#[cfg(not(feature = "pixel-tools-on-demand"))]
mod table {
    use super::*;

    pub fn install() {}

    pub fn ready() -> bool {
        true
    }

    pub fn get(tool: &Tool) -> Option<&dyn ToolBehavior> {
        direct(tool)
    }

    pub fn get_mut(tool: &mut Tool) -> Option<&mut dyn ToolBehavior> {
        direct_mut(tool)
    }
}

/// Makes the pixel tools work: what the module holding their code runs when it loads (a no-op
/// without the feature `pixel-tools-on-demand`).
pub fn install_pixel_tools() {
    table::install();
}

/// Whether the pixel tools take events: always without the feature, after
/// [`install_pixel_tools`] with it. Input for a pixel tool that is not ready must wait.
pub fn pixel_tools_ready() -> bool {
    table::ready()
}

/// A pixel tool behind the common interface, or [`Loading`] while its code is not in.
pub(super) fn behavior(tool: &Tool) -> &dyn ToolBehavior {
    table::get(tool).unwrap_or(&Loading)
}

/// [`behavior`] for handing an event.
pub(super) fn behavior_mut(tool: &mut Tool) -> &mut dyn ToolBehavior {
    match table::get_mut(tool) {
        Some(t) => t,
        // A zero-sized value: leaking it allocates nothing.
        None => Box::leak(Box::new(Loading)),
    }
}

/// Run with `--features pixel-tools-on-demand` (`cargo xtask test` does): the table is global,
/// so this module's test is the only one of that run.
#[cfg(all(test, feature = "pixel-tools-on-demand"))]
mod tests {
    use super::super::tests::{drag, ev, task};
    use super::super::{Editor, PointerKind, ToolName};
    use super::*;

    #[test]
    fn a_pixel_tool_takes_events_only_once_installed_and_the_others_always() {
        let mut ed = Editor::new(task(), "s");
        ed.set_tool(ToolName::Box);
        assert_eq!(drag(&mut ed, (10.0, 10.0), (40.0, 30.0)).len(), 1);
        for name in ToolName::ALL.into_iter().filter(ToolName::is_pixel_tool) {
            ed.set_tool(name);
            assert!(!pixel_tools_ready());
            assert_eq!(ed.tool().behavior().state(), "loading", "{name:?}");
            assert!(ed
                .pointer(ev(PointerKind::Down, 50.0, 50.0))
                .committed
                .is_empty());
            assert!(!ed.tool().is_busy() && !ed.tool().holds_pointer());
            assert!(ed.finish_shape().committed.is_empty());
        }
        assert_eq!(
            ed.task().annotations.len(),
            1,
            "nothing drawn while loading"
        );

        install_pixel_tools();
        assert!(pixel_tools_ready());
        ed.set_tool(ToolName::Brush);
        assert_eq!(ed.tool().behavior().state(), "idle");
        assert_eq!(drag(&mut ed, (60.0, 60.0), (80.0, 60.0)).len(), 1);
        assert_eq!(ed.task().annotations.len(), 2);
        assert_eq!(
            ed.task().annotations[1].shape.kind(),
            crate::model::ShapeKind::Mask
        );
    }
}
