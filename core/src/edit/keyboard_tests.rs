//! Labelling from the keyboard: a box placed with `Enter`, moved by arrows, sized by
//! `Alt`+arrows, and `Tab` going through the shapes until it is done; every key's action has
//! its words in the catalogue.

use super::*;
use crate::model::{BoxShape, ImageRef, Task};

fn task() -> Task {
    Task {
        id: "t".into(),
        image: ImageRef {
            src: "a.png".into(),
            width: 100,
            height: 80,
            ..Default::default()
        },
        labels: crate::model::LabelSet {
            labels: vec![crate::model::Label::new("cat", "#ff0000")],
            ..Default::default()
        },
        ..Default::default()
    }
}

#[test]
fn boxes_can_be_drawn_moved_and_sized_from_the_keyboard() {
    let mut ed = Editor::new(task(), "s");
    ed.set_tool(ToolName::Box);
    let view = BoxShape {
        x0: -20.0,
        y0: 0.0,
        x1: 80.0,
        y1: 60.0,
    };
    // Enter places a box a quarter of the visible image in its middle, selected.
    ed.enter(view);
    let a = ed.task().annotations.last().unwrap().clone();
    assert_eq!(ed.selection(), std::slice::from_ref(&a.id));
    assert_eq!(
        a.shape,
        Shape::Box(BoxShape {
            x0: 30.0,
            y0: 23.0,
            x1: 50.0,
            y1: 38.0
        })
    );
    ed.nudge(5.0, 0.0);
    ed.resize(10.0, -3.0);
    assert_eq!(
        ed.task().annotation(&a.id).unwrap().shape,
        Shape::Box(BoxShape {
            x0: 35.0,
            y0: 23.0,
            x1: 65.0,
            y1: 35.0
        })
    );
    // Never thinner than a pixel, never past the image.
    ed.resize(-100.0, 1000.0);
    let Shape::Box(b) = ed.task().annotation(&a.id).unwrap().shape.clone() else {
        panic!()
    };
    assert_eq!(
        (b.x1 - b.x0, b.y1),
        (1.0, f64::from(ed.task().image.height))
    );
    // One undo step each.
    ed.undo().unwrap();
    ed.undo().unwrap();
    ed.undo().unwrap();
    assert_eq!(ed.task().annotation(&a.id).unwrap().shape, a.shape);
    // The rotated-box tool places a rotated box, which sizes about its centre.
    ed.set_tool(ToolName::RotatedBox);
    ed.enter(view);
    let r = ed.task().annotations.last().unwrap().clone();
    ed.resize(4.0, 2.0);
    let Shape::RotatedBox(turned) = ed.task().annotation(&r.id).unwrap().shape.clone() else {
        panic!()
    };
    assert_eq!(
        (turned.cx, turned.cy, turned.w, turned.h),
        (40.0, 30.5, 24.0, 17.0)
    );
    // Tab goes through both shapes, then is done (the page moves the focus on).
    ed.select(Vec::new());
    assert!(!ed.cycle_done(false));
    ed.cycle(false);
    assert!(!ed.cycle_done(false) && ed.cycle_done(true));
    ed.cycle(false);
    assert!(ed.cycle_done(false));
    // From several selected, Tab picks one first.
    let all: Vec<_> = ed.task().annotations.iter().map(|a| a.id.clone()).collect();
    ed.select(all);
    assert!(!ed.cycle_done(false));
    // Other tools: Enter finishes their shape, and places nothing.
    ed.set_tool(ToolName::Polygon);
    let n = ed.task().annotations.len();
    ed.enter(view);
    assert_eq!(ed.task().annotations.len(), n);
}

#[test]
fn every_tool_action_chord_and_shape_kind_has_its_words() {
    for tool in crate::edit::ToolName::ALL {
        assert!(
            crate::i18n::lookup(crate::i18n::Locale::En, &format!("tool.{}", tool.as_str()))
                .is_some(),
            "{tool:?}"
        );
    }
    for name in crate::edit::keymap::ACTION_NAMES {
        assert!(
            crate::i18n::lookup(crate::i18n::Locale::En, &format!("action.{name}")).is_some(),
            "{name}"
        );
    }
    for (_, id) in crate::edit::keymap::FIXED_CHORDS {
        assert!(
            crate::i18n::lookup(crate::i18n::Locale::En, id).is_some(),
            "{id}"
        );
    }
    for kind in <crate::model::Shape as crate::tagged::Tagged>::VARIANTS {
        assert!(
            crate::i18n::lookup(crate::i18n::Locale::Uk, &format!("kind.{kind}")).is_some(),
            "{kind}"
        );
    }
}
