//! Tool state machines replayed as event tables.

use super::*;
use crate::history;
use crate::model::{BoxShape, ImageRef, Label, LabelSet, RotatedBox};

fn task() -> Task {
    Task {
        id: "t".into(),
        image: ImageRef {
            src: "x.png".into(),
            name: "x.png".into(),
            width: 100,
            height: 80,
        },
        labels: LabelSet {
            labels: vec![Label::new("cat", "#f00"), Label::new("dog", "#0f0")],
            ..LabelSet::default()
        },
        ..Task::default()
    }
}

fn ev(kind: PointerKind, x: f64, y: f64) -> PointerEvent {
    PointerEvent {
        kind,
        pos: Point::new(x, y),
        mods: Modifiers::default(),
        scale: 1.0,
    }
}

fn drag(ed: &mut Editor, from: (f64, f64), to: (f64, f64)) -> Vec<Op> {
    let mut ops = Vec::new();
    for e in [
        ev(PointerKind::Down, from.0, from.1),
        ev(
            PointerKind::Move,
            (from.0 + to.0) / 2.0,
            (from.1 + to.1) / 2.0,
        ),
        ev(PointerKind::Move, to.0, to.1),
        ev(PointerKind::Up, to.0, to.1),
    ] {
        ops.extend(ed.pointer(e).committed);
    }
    ops
}

fn only_box(ed: &Editor) -> BoxShape {
    assert_eq!(
        ed.task().annotations.len(),
        1,
        "{:?}",
        ed.task().annotations
    );
    match &ed.task().annotations[0].shape {
        Shape::Box(b) => *b,
        s => panic!("not a box: {s:?}"),
    }
}

#[test]
fn box_drag_adds_one_box_with_current_label_and_selects_it() {
    let mut ed = Editor::new(task(), "s");
    ed.set_label("dog");
    let ops = drag(&mut ed, (30.0, 20.0), (10.0, 5.0));
    assert_eq!(ops.len(), 1);
    assert_eq!(
        only_box(&ed),
        BoxShape {
            x0: 10.0,
            y0: 5.0,
            x1: 30.0,
            y1: 20.0
        }
    );
    let a = &ed.task().annotations[0];
    assert_eq!(a.label, "dog");
    assert_eq!(a.id.0, "s-1");
    assert_eq!(ed.selection(), std::slice::from_ref(&a.id));
}

#[test]
fn box_click_without_drag_draws_nothing() {
    let mut ed = Editor::new(task(), "s");
    ed.pointer(ev(PointerKind::Down, 10.0, 10.0));
    ed.pointer(ev(PointerKind::Move, 11.0, 11.0));
    let out = ed.pointer(ev(PointerKind::Up, 11.0, 11.0));
    assert!(out.committed.is_empty());
    assert!(ed.task().annotations.is_empty());
    assert_eq!(ed.tool(), &Tool::Box(box_tool::BoxTool::Idle));
}

#[test]
fn box_threshold_is_in_screen_pixels() {
    let mut ed = Editor::new(task(), "s");
    // At 10x zoom a 1 image-pixel move is 10 screen pixels: a drag.
    let mut e = ev(PointerKind::Down, 10.0, 10.0);
    e.scale = 10.0;
    ed.pointer(e);
    e.kind = PointerKind::Move;
    e.pos = Point::new(11.5, 11.5);
    ed.pointer(e);
    assert!(ed.preview().is_some());
}

#[test]
fn box_is_clipped_to_the_image() {
    let mut ed = Editor::new(task(), "s");
    drag(&mut ed, (-20.0, -10.0), (150.0, 50.0));
    assert_eq!(
        only_box(&ed),
        BoxShape {
            x0: 0.0,
            y0: 0.0,
            x1: 100.0,
            y1: 50.0
        }
    );
}

#[test]
fn box_entirely_outside_the_image_is_discarded() {
    let mut ed = Editor::new(task(), "s");
    let ops = drag(&mut ed, (120.0, 10.0), (160.0, 40.0));
    assert!(ops.is_empty());
    assert!(ed.task().annotations.is_empty());
}

#[test]
fn box_with_shift_is_square() {
    let mut ed = Editor::new(task(), "s");
    let mut e = ev(PointerKind::Down, 10.0, 10.0);
    ed.pointer(e);
    e.mods.shift = true;
    e.kind = PointerKind::Move;
    e.pos = Point::new(40.0, 20.0);
    ed.pointer(e);
    e.kind = PointerKind::Up;
    ed.pointer(e);
    assert_eq!(
        only_box(&ed),
        BoxShape {
            x0: 10.0,
            y0: 10.0,
            x1: 40.0,
            y1: 40.0
        }
    );
}

#[test]
fn cancel_mid_drag_draws_nothing_and_keeps_tool() {
    let mut ed = Editor::new(task(), "s");
    ed.pointer(ev(PointerKind::Down, 10.0, 10.0));
    ed.pointer(ev(PointerKind::Move, 40.0, 40.0));
    assert!(ed.preview().is_some());
    let out = ed.cancel();
    assert!(out.redraw);
    assert!(ed.preview().is_none());
    ed.pointer(ev(PointerKind::Up, 40.0, 40.0));
    assert!(ed.task().annotations.is_empty());
    assert_eq!(ed.tool().name(), ToolName::Box);
}

#[test]
fn select_click_picks_topmost_and_delete_removes_it_as_one_step() {
    let mut ed = Editor::new(task(), "s");
    drag(&mut ed, (10.0, 10.0), (50.0, 50.0));
    drag(&mut ed, (30.0, 30.0), (70.0, 70.0));
    ed.set_tool(ToolName::Select);
    ed.pointer(ev(PointerKind::Down, 20.0, 20.0));
    let out = ed.pointer(ev(PointerKind::Up, 20.0, 20.0));
    assert!(out.selection_changed);
    assert_eq!(ed.selection(), &[AnnotationId("s-1".into())]);
    // Where both overlap, the later one is on top.
    ed.pointer(ev(PointerKind::Down, 40.0, 40.0));
    ed.pointer(ev(PointerKind::Up, 40.0, 40.0));
    assert_eq!(ed.selection(), &[AnnotationId("s-2".into())]);
    let out = ed.delete_selection();
    assert_eq!(out.committed.len(), 1);
    assert_eq!(ed.task().annotations.len(), 1);
    assert_eq!(ed.task().annotations[0].id.0, "s-1");
    assert!(ed.selection().is_empty());
    ed.undo().unwrap();
    assert_eq!(ed.task().annotations.len(), 2);
}

#[test]
fn select_click_on_empty_image_clears_selection() {
    let mut ed = Editor::new(task(), "s");
    drag(&mut ed, (10.0, 10.0), (20.0, 20.0));
    assert_eq!(ed.selection().len(), 1);
    ed.set_tool(ToolName::Select);
    ed.pointer(ev(PointerKind::Down, 90.0, 70.0));
    ed.pointer(ev(PointerKind::Up, 90.0, 70.0));
    assert!(ed.selection().is_empty());
}

#[test]
fn locked_annotations_are_not_deleted() {
    let mut ed = Editor::new(task(), "s");
    drag(&mut ed, (10.0, 10.0), (20.0, 20.0));
    let id = ed.selection()[0].clone();
    let before = history::Flags::of(&ed.task().annotations[0]);
    ed.commit(Op::SetFlags {
        id,
        before,
        after: history::Flags {
            locked: true,
            ..before
        },
    })
    .unwrap();
    let out = ed.delete_selection();
    assert!(out.committed.is_empty());
    assert_eq!(ed.task().annotations.len(), 1);
}

#[test]
fn unknown_label_is_refused() {
    let mut ed = Editor::new(task(), "s");
    assert!(!ed.set_label("horse"));
    assert_eq!(ed.label(), "cat");
    assert!(ed.set_label_index(1));
    assert_eq!(ed.label(), "dog");
    assert!(!ed.set_label_index(5));
}

#[test]
fn ids_skip_ones_already_taken() {
    let mut t = task();
    t.annotations.push(Annotation::new(
        "s-1",
        "cat",
        Shape::Box(BoxShape::default()),
    ));
    let mut ed = Editor::new(t, "s");
    assert_eq!(ed.new_id().0, "s-2");
}

#[test]
fn keymap_defaults_and_chords() {
    let k = Keymap::default();
    let none = Modifiers::default();
    let ctrl = Modifiers { ctrl: true, ..none };
    let ctrl_shift = Modifiers {
        ctrl: true,
        shift: true,
        ..none
    };
    assert_eq!(k.action("B", none), Some(Action::Tool(ToolName::Box)));
    assert_eq!(k.action("v", none), Some(Action::Tool(ToolName::Select)));
    assert_eq!(k.action("3", none), Some(Action::Label(2)));
    assert_eq!(k.action("Delete", none), Some(Action::Delete));
    assert_eq!(k.action("z", ctrl), Some(Action::Undo));
    assert_eq!(k.action("Z", ctrl_shift), Some(Action::Redo));
    assert_eq!(k.action("b", ctrl), None);
    let mut k = k;
    k.bind("x", Action::Delete);
    assert_eq!(k.action("X", none), Some(Action::Delete));
}

fn ev_mods(kind: PointerKind, x: f64, y: f64, mods: Modifiers) -> PointerEvent {
    PointerEvent {
        mods,
        ..ev(kind, x, y)
    }
}

fn only_rotated(ed: &Editor) -> RotatedBox {
    assert_eq!(ed.task().annotations.len(), 1);
    match &ed.task().annotations[0].shape {
        Shape::RotatedBox(r) => *r,
        s => panic!("not a rotated box: {s:?}"),
    }
}

#[test]
fn rotated_box_drag_makes_an_unturned_rotated_box() {
    let mut ed = Editor::new(task(), "s");
    ed.set_tool(ToolName::RotatedBox);
    let ops = drag(&mut ed, (10.0, 20.0), (40.0, 30.0));
    assert_eq!(ops.len(), 1);
    let r = only_rotated(&ed);
    assert_eq!(
        (r.cx, r.cy, r.w, r.h, r.angle),
        (25.0, 25.0, 30.0, 10.0, 0.0)
    );
    assert_eq!(ed.selection(), &[ed.task().annotations[0].id.clone()]);
    assert!(ed.undo().is_ok());
    assert!(ed.task().annotations.is_empty());
}

#[test]
fn rotated_box_is_clipped_square_with_shift_and_degenerate_ones_are_dropped() {
    let mut ed = Editor::new(task(), "s");
    ed.set_tool(ToolName::RotatedBox);
    // Dragged past the right edge (image is 100 wide): clipped.
    drag(&mut ed, (90.0, 10.0), (130.0, 20.0));
    let r = only_rotated(&ed);
    assert_eq!((r.cx, r.w), (95.0, 10.0));
    // Shift keeps a square: the larger side wins.
    let mut ed = Editor::new(task(), "s");
    ed.set_tool(ToolName::RotatedBox);
    let shift = Modifiers {
        shift: true,
        ..Modifiers::default()
    };
    for e in [
        ev_mods(PointerKind::Down, 10.0, 10.0, shift),
        ev_mods(PointerKind::Move, 30.0, 15.0, shift),
        ev_mods(PointerKind::Up, 30.0, 15.0, shift),
    ] {
        ed.pointer(e);
    }
    let r = only_rotated(&ed);
    assert_eq!((r.w, r.h), (20.0, 20.0));
    // A drag that collapses to a line after clipping is discarded.
    let mut ed = Editor::new(task(), "s");
    ed.set_tool(ToolName::RotatedBox);
    assert!(drag(&mut ed, (120.0, 10.0), (150.0, 40.0)).is_empty());
    assert!(ed.task().annotations.is_empty());
}

#[test]
fn rotated_box_cancel_mid_drag_adds_nothing() {
    let mut ed = Editor::new(task(), "s");
    ed.set_tool(ToolName::RotatedBox);
    ed.pointer(ev(PointerKind::Down, 10.0, 10.0));
    ed.pointer(ev(PointerKind::Move, 50.0, 50.0));
    assert!(matches!(ed.overlay().preview, Some(Shape::RotatedBox(_))));
    ed.cancel();
    assert!(ed.overlay().preview.is_none());
    ed.pointer(ev(PointerKind::Up, 50.0, 50.0));
    assert!(ed.task().annotations.is_empty());
    assert_eq!(ed.tool().name(), ToolName::RotatedBox);
}

#[test]
fn box_tools_show_guides_at_the_pointer_clamped_to_the_image() {
    let mut ed = Editor::new(task(), "s");
    assert!(ed.overlay().guides.is_none(), "no pointer yet");
    let out = ed.pointer(ev(PointerKind::Move, 30.0, 40.0));
    assert!(out.redraw);
    assert_eq!(ed.overlay().guides, Some(Point::new(30.0, 40.0)));
    ed.pointer(ev(PointerKind::Move, 130.0, -5.0));
    assert_eq!(ed.overlay().guides, Some(Point::new(100.0, 0.0)));
    ed.set_tool(ToolName::RotatedBox);
    assert!(ed.overlay().guides.is_some());
    ed.set_tool(ToolName::Select);
    assert!(ed.overlay().guides.is_none());
    ed.set_tool(ToolName::Box);
    assert!(ed.pointer_left().redraw);
    assert!(ed.overlay().guides.is_none());
}

#[test]
fn tool_names_round_trip() {
    for t in ToolName::ALL {
        assert_eq!(ToolName::parse(t.as_str()), Some(t));
    }
    assert_eq!(ToolName::parse("lasso"), None);
    assert_eq!(
        Keymap::default().action("O", Modifiers::default()),
        Some(Action::Tool(ToolName::RotatedBox))
    );
}
