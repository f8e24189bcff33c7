//! Tool state machines replayed as event tables.

use super::*;
use crate::history;
use crate::model::{Annotation, AnnotationId, AttributeKind, AttributeValue};
use crate::model::{BoxShape, ImageRef, Label, LabelSet, RotatedBox};

pub(super) fn task() -> Task {
    Task {
        id: "t".into(),
        image: ImageRef {
            src: "x.png".into(),
            name: "x.png".into(),
            width: 100,
            height: 80,
            ..Default::default()
        },
        labels: LabelSet {
            labels: vec![Label::new("cat", "#f00"), Label::new("dog", "#0f0")],
            ..LabelSet::default()
        },
        ..Task::default()
    }
}

pub(super) fn ev(kind: PointerKind, x: f64, y: f64) -> PointerEvent {
    PointerEvent {
        kind,
        pos: Point::new(x, y),
        mods: Modifiers::default(),
        scale: 1.0,
    }
}

pub(super) fn drag(ed: &mut Editor, from: (f64, f64), to: (f64, f64)) -> Vec<Op> {
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
    assert_eq!(ed.tool().name(), ToolName::Box);
    assert!(!ed.tool().is_busy(), "{:?}", ed.tool());
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

#[test]
fn external_op_changes_the_task_but_not_the_undo_history() {
    let mut ed = Editor::new(task(), "a");
    drag(&mut ed, (10.0, 10.0), (30.0, 30.0));
    let remote = Annotation::new(
        "b-1",
        "dog",
        Shape::Box(BoxShape::from_corners(
            Point::new(50.0, 50.0),
            Point::new(60.0, 60.0),
        )),
    );
    let out = ed
        .apply_external(&Op::Add {
            annotation: remote.clone(),
            index: None,
        })
        .unwrap();
    assert!(
        out.committed.is_empty(),
        "an external op is not journaled again"
    );
    assert_eq!(ed.task().annotations.len(), 2);
    // Undo takes back this session's own box, not the other tab's.
    ed.undo().unwrap();
    assert_eq!(ed.task().annotations, vec![remote.clone()]);
    // An op that does not apply is an error and leaves the task as it was.
    assert!(ed
        .apply_external(&Op::Add {
            annotation: remote,
            index: None
        })
        .is_err());
    assert_eq!(ed.task().annotations.len(), 1);
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
    assert!(matches!(
        ed.overlay(1.0).preview,
        Some(Shape::RotatedBox(_))
    ));
    ed.cancel();
    assert!(ed.overlay(1.0).preview.is_none());
    ed.pointer(ev(PointerKind::Up, 50.0, 50.0));
    assert!(ed.task().annotations.is_empty());
    assert_eq!(ed.tool().name(), ToolName::RotatedBox);
}

#[test]
fn box_tools_show_guides_at_the_pointer_clamped_to_the_image() {
    let mut ed = Editor::new(task(), "s");
    assert!(ed.overlay(1.0).guides.is_none(), "no pointer yet");
    let out = ed.pointer(ev(PointerKind::Move, 30.0, 40.0));
    assert!(out.redraw);
    assert_eq!(ed.overlay(1.0).guides, Some(Point::new(30.0, 40.0)));
    ed.pointer(ev(PointerKind::Move, 130.0, -5.0));
    assert_eq!(ed.overlay(1.0).guides, Some(Point::new(100.0, 0.0)));
    ed.set_tool(ToolName::RotatedBox);
    assert!(ed.overlay(1.0).guides.is_some());
    ed.set_tool(ToolName::Select);
    assert!(ed.overlay(1.0).guides.is_none());
    ed.set_tool(ToolName::Box);
    assert!(ed.pointer_left().redraw);
    assert!(ed.overlay(1.0).guides.is_none());
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

fn click(ed: &mut Editor, x: f64, y: f64) -> Vec<Op> {
    click_mods(ed, x, y, Modifiers::default())
}

fn click_mods(ed: &mut Editor, x: f64, y: f64, mods: Modifiers) -> Vec<Op> {
    let mut ops = ed.pointer(ev_mods(PointerKind::Down, x, y, mods)).committed;
    ops.extend(ed.pointer(ev_mods(PointerKind::Up, x, y, mods)).committed);
    ops
}

fn pts(v: &[(f64, f64)]) -> Vec<Point> {
    v.iter().map(|&(x, y)| Point::new(x, y)).collect()
}

fn only_polygon(ed: &Editor) -> crate::model::PolygonShape {
    assert_eq!(
        ed.task().annotations.len(),
        1,
        "{:?}",
        ed.task().annotations
    );
    match &ed.task().annotations[0].shape {
        Shape::Polygon(p) => p.clone(),
        s => panic!("not a polygon: {s:?}"),
    }
}

#[test]
fn polygon_closes_by_clicking_the_first_vertex() {
    let mut ed = Editor::new(task(), "s");
    ed.set_tool(ToolName::Polygon);
    for (x, y) in [(10.0, 10.0), (50.0, 10.0), (50.0, 40.0)] {
        assert!(click(&mut ed, x, y).is_empty());
    }
    assert_eq!(ed.overlay(1.0).vertices.len(), 3);
    let ops = click(&mut ed, 12.0, 11.0); // within 8 screen px of the first vertex
    assert_eq!(ops.len(), 1);
    let p = only_polygon(&ed);
    assert_eq!(
        p.parts[0].exterior,
        pts(&[(10.0, 10.0), (50.0, 10.0), (50.0, 40.0)])
    );
    assert_eq!(ed.selection().len(), 1);
    assert!(!ed.tool().is_busy());
    assert!(ed.overlay(1.0).vertices.is_empty());
}

#[test]
fn polygon_finishes_with_enter_and_with_a_double_click() {
    let mut ed = Editor::new(task(), "s");
    ed.set_tool(ToolName::Polygon);
    for (x, y) in [(10.0, 10.0), (50.0, 10.0), (50.0, 40.0)] {
        click(&mut ed, x, y);
    }
    assert_eq!(ed.finish_shape().committed.len(), 1);
    assert_eq!(only_polygon(&ed).parts[0].exterior.len(), 3);

    let mut ed = Editor::new(task(), "s");
    ed.set_tool(ToolName::Polygon);
    for (x, y) in [(10.0, 10.0), (50.0, 10.0), (50.0, 40.0), (20.0, 40.0)] {
        click(&mut ed, x, y);
    }
    // The double-click's second press lands on the last vertex: finish, no duplicate vertex.
    let ops = click(&mut ed, 20.0, 40.0);
    assert_eq!(ops.len(), 1);
    assert_eq!(
        only_polygon(&ed).parts[0].exterior,
        pts(&[(10.0, 10.0), (50.0, 10.0), (50.0, 40.0), (20.0, 40.0)])
    );
}

#[test]
fn polygon_with_fewer_than_three_points_or_no_area_is_discarded() {
    let mut ed = Editor::new(task(), "s");
    ed.set_tool(ToolName::Polygon);
    click(&mut ed, 10.0, 10.0);
    click(&mut ed, 50.0, 10.0);
    assert!(ed.finish_shape().committed.is_empty());
    assert!(ed.task().annotations.is_empty());
    assert!(!ed.tool().is_busy());
    // A double-click after two vertices does not finish or duplicate: still drawing.
    click(&mut ed, 10.0, 10.0);
    click(&mut ed, 50.0, 10.0);
    click(&mut ed, 50.0, 10.0);
    assert_eq!(ed.overlay(1.0).vertices.len(), 2);
    // Three collinear points enclose nothing.
    click(&mut ed, 90.0, 10.0);
    assert!(ed.finish_shape().committed.is_empty());
    assert!(ed.task().annotations.is_empty());
    assert!(!ed.can_undo());
}

#[test]
fn polygon_backspace_removes_vertices_and_escape_cancels() {
    let mut ed = Editor::new(task(), "s");
    ed.set_tool(ToolName::Polygon);
    for (x, y) in [(10.0, 10.0), (50.0, 10.0), (50.0, 40.0)] {
        click(&mut ed, x, y);
    }
    assert!(ed.delete().redraw);
    assert_eq!(ed.overlay(1.0).vertices, pts(&[(10.0, 10.0), (50.0, 10.0)]));
    ed.delete();
    ed.delete();
    assert!(
        !ed.tool().is_busy(),
        "removing the last vertex abandons the shape"
    );
    for (x, y) in [(10.0, 10.0), (50.0, 10.0), (50.0, 40.0)] {
        click(&mut ed, x, y);
    }
    assert!(ed.cancel().redraw);
    assert!(!ed.tool().is_busy());
    assert!(ed.finish_shape().committed.is_empty());
    assert!(ed.task().annotations.is_empty());
    assert_eq!(ed.tool().name(), ToolName::Polygon);
}

#[test]
fn polygon_vertices_are_clamped_into_the_image() {
    let mut ed = Editor::new(task(), "s");
    ed.set_tool(ToolName::Polygon);
    for (x, y) in [(-20.0, 10.0), (150.0, 10.0), (150.0, 200.0)] {
        click(&mut ed, x, y);
    }
    ed.finish_shape();
    assert_eq!(
        only_polygon(&ed).parts[0].exterior,
        pts(&[(0.0, 10.0), (100.0, 10.0), (100.0, 80.0)])
    );
}

#[test]
fn freehand_drag_adds_vertices_at_the_minimum_screen_spacing() {
    let mut ed = Editor::new(task(), "s");
    ed.set_tool(ToolName::Polygon);
    // Zoomed 2×: 6 screen px are 3 image px.
    let z = |kind, x, y| PointerEvent {
        scale: 2.0,
        ..ev(kind, x, y)
    };
    ed.pointer(z(PointerKind::Down, 10.0, 10.0));
    for i in 1..=20 {
        ed.pointer(z(PointerKind::Move, 10.0 + f64::from(i), 10.0));
    }
    ed.pointer(z(PointerKind::Up, 30.0, 10.0));
    // Moves without the button add nothing.
    ed.pointer(z(PointerKind::Move, 30.0, 30.0));
    ed.pointer(z(PointerKind::Move, 35.0, 35.0));
    let v = ed.overlay(1.0).vertices;
    assert_eq!(
        v.iter().map(|p| p.x).collect::<Vec<_>>(),
        vec![10.0, 13.0, 16.0, 19.0, 22.0, 25.0, 28.0]
    );
    // The preview ends at the pointer (rubber line).
    match ed.overlay(1.0).preview {
        Some(Shape::Polyline { points }) => {
            assert_eq!(points.last(), Some(&Point::new(35.0, 35.0)))
        }
        p => panic!("{p:?}"),
    }
    click(&mut ed, 20.0, 40.0);
    assert_eq!(ed.finish_shape().committed.len(), 1);
    assert_eq!(only_polygon(&ed).parts[0].exterior.len(), 8);
}

#[test]
fn polyline_finishes_with_enter_or_double_click_and_needs_two_points() {
    let mut ed = Editor::new(task(), "s");
    ed.set_tool(ToolName::Polyline);
    click(&mut ed, 10.0, 10.0);
    assert!(
        ed.finish_shape().committed.is_empty(),
        "one point is no line"
    );
    click(&mut ed, 10.0, 10.0);
    click(&mut ed, 40.0, 10.0);
    click(&mut ed, 40.0, 30.0);
    // Clicking the first vertex does not close a polyline: it adds a vertex.
    click(&mut ed, 10.0, 10.0);
    let ops = click(&mut ed, 10.0, 10.0); // double-click finishes
    assert_eq!(ops.len(), 1);
    match &ed.task().annotations[0].shape {
        Shape::Polyline { points } => assert_eq!(
            points,
            &pts(&[(10.0, 10.0), (40.0, 10.0), (40.0, 30.0), (10.0, 10.0)])
        ),
        s => panic!("{s:?}"),
    }
    click(&mut ed, 10.0, 50.0);
    click(&mut ed, 60.0, 50.0);
    assert_eq!(ed.finish_shape().committed.len(), 1);
    assert_eq!(ed.task().annotations.len(), 2);
}

#[test]
fn alt_draws_a_hole_in_the_selected_polygon_as_one_op() {
    let mut ed = Editor::new(task(), "s");
    ed.set_tool(ToolName::Polygon);
    for (x, y) in [(10.0, 10.0), (90.0, 10.0), (90.0, 70.0), (10.0, 70.0)] {
        click(&mut ed, x, y);
    }
    ed.finish_shape();
    let before = ed.task().clone();
    let alt = Modifiers {
        alt: true,
        ..Modifiers::default()
    };
    click_mods(&mut ed, 30.0, 30.0, alt);
    click(&mut ed, 60.0, 30.0);
    click(&mut ed, 60.0, 50.0);
    let out = ed.finish_shape();
    assert_eq!(out.committed.len(), 1);
    assert!(matches!(out.committed[0], Op::SetShape { .. }));
    let p = only_polygon(&ed);
    assert_eq!(
        p.parts[0].holes,
        vec![pts(&[(30.0, 30.0), (60.0, 30.0), (60.0, 50.0)])]
    );
    ed.undo().unwrap();
    assert_eq!(ed.task(), &before);

    // A hole reaching outside the polygon is refused.
    ed.redo().unwrap();
    click_mods(&mut ed, 30.0, 30.0, alt);
    click(&mut ed, 95.0, 30.0);
    click(&mut ed, 60.0, 50.0);
    assert!(ed.finish_shape().committed.is_empty());
    assert_eq!(only_polygon(&ed).parts[0].holes.len(), 1);

    // Without a selected polygon under the pointer, Alt draws an ordinary polygon.
    ed.select(Vec::new());
    click_mods(&mut ed, 30.0, 30.0, alt);
    click(&mut ed, 60.0, 30.0);
    click(&mut ed, 60.0, 50.0);
    ed.finish_shape();
    assert_eq!(ed.task().annotations.len(), 2);
}

#[test]
fn keymap_drawing_and_editing_keys() {
    let k = Keymap::default();
    let none = Modifiers::default();
    let shift = Modifiers {
        shift: true,
        ..none
    };
    let ctrl = Modifiers { ctrl: true, ..none };
    assert_eq!(k.action("Enter", none), Some(Action::Finish));
    assert_eq!(k.action("Backspace", none), Some(Action::Delete));
    assert_eq!(k.action("P", none), Some(Action::Tool(ToolName::Polygon)));
    assert_eq!(k.action("l", none), Some(Action::Tool(ToolName::Polyline)));
    assert_eq!(
        k.action("ArrowLeft", none),
        Some(Action::Nudge { dx: -1, dy: 0 })
    );
    assert_eq!(
        k.action("ArrowDown", shift),
        Some(Action::Nudge { dx: 0, dy: 10 })
    );
    assert_eq!(k.action("Tab", shift), Some(Action::Cycle { back: true }));
    let alt = Modifiers { alt: true, ..none };
    assert_eq!(
        k.action("ArrowRight", alt),
        Some(Action::Resize { dw: 1, dh: 0 })
    );
    assert_eq!(
        k.action("ArrowUp", Modifiers { shift: true, ..alt }),
        Some(Action::Resize { dw: 0, dh: -10 })
    );
    assert_eq!(
        k.action("b", alt),
        None,
        "other Alt chords are the browser's"
    );
    assert_eq!(k.action("c", ctrl), Some(Action::Copy));
    assert_eq!(k.action("v", ctrl), Some(Action::Paste));
    assert_eq!(k.action("]", ctrl), Some(Action::BringForward));
    assert_eq!(k.action("PageDown", none), Some(Action::NextImage));
    assert_eq!(k.action("h", none), Some(Action::Hide));
}

#[test]
fn hit_tests_cover_every_shape_kind() {
    use crate::model::{Keypoint, MaskRle, Visibility};
    let tol = 2.0;
    let poly = Shape::Polygon(crate::model::PolygonShape {
        parts: vec![crate::model::PolygonPart {
            exterior: pts(&[(0.0, 0.0), (40.0, 0.0), (40.0, 40.0), (0.0, 40.0)]),
            holes: vec![pts(&[
                (10.0, 10.0),
                (30.0, 10.0),
                (30.0, 30.0),
                (10.0, 30.0),
            ])],
        }],
    });
    assert!(crate::geometry::covers(&poly, Point::new(5.0, 5.0), tol));
    assert!(
        !crate::geometry::covers(&poly, Point::new(20.0, 20.0), tol),
        "inside the hole"
    );
    assert!(
        crate::geometry::covers(&poly, Point::new(20.0, 11.0), tol),
        "on the hole's edge"
    );
    assert!(!crate::geometry::covers(&poly, Point::new(45.0, 20.0), tol));
    let rot = Shape::RotatedBox(RotatedBox {
        cx: 50.0,
        cy: 50.0,
        w: 40.0,
        h: 4.0,
        angle: 90.0,
    });
    assert!(crate::geometry::covers(&rot, Point::new(50.0, 65.0), tol));
    assert!(!crate::geometry::covers(&rot, Point::new(65.0, 50.0), tol));
    let line = Shape::Polyline {
        points: pts(&[(0.0, 0.0), (10.0, 0.0)]),
    };
    assert!(crate::geometry::covers(&line, Point::new(5.0, 1.5), tol));
    assert!(!crate::geometry::covers(&line, Point::new(5.0, 3.0), tol));
    let kp = Shape::Keypoints {
        points: vec![
            Keypoint {
                name: "a".into(),
                x: 5.0,
                y: 5.0,
                visibility: Visibility::Visible,
            },
            Keypoint {
                name: "b".into(),
                x: 20.0,
                y: 5.0,
                visibility: Visibility::NotLabeled,
            },
        ],
    };
    assert!(crate::geometry::covers(&kp, Point::new(6.0, 6.0), tol));
    assert!(
        !crate::geometry::covers(&kp, Point::new(20.0, 5.0), tol),
        "unlabelled points are not there"
    );
    // 3×2 mask, column-major: pixel (1,0) and (1,1) set.
    let mask = Shape::Mask(MaskRle {
        width: 3,
        height: 2,
        counts: vec![2, 2, 2],
    });
    assert!(crate::geometry::covers(&mask, Point::new(1.5, 0.5), tol));
    assert!(!crate::geometry::covers(&mask, Point::new(0.5, 0.5), tol));
    let bounds = |s: &Shape| crate::geometry::bounds(s).map(|b| (b.x0, b.y0, b.x1, b.y1));
    assert_eq!(bounds(&mask), Some((1.0, 0.0, 2.0, 2.0)));
    assert_eq!(bounds(&rot).map(|b| b.1.round()), Some(30.0));
}

fn pose_task() -> Task {
    let mut t = task();
    let mut face = Label::new("face", "#00f");
    face.keypoints = vec!["left_eye".into(), "right_eye".into(), "nose".into()];
    face.skeleton = vec![[0, 1], [1, 2], [2, 0]];
    t.labels.labels.push(face);
    t
}

fn only_keypoints(ed: &Editor) -> Vec<crate::model::Keypoint> {
    assert_eq!(
        ed.task().annotations.len(),
        1,
        "{:?}",
        ed.task().annotations
    );
    match &ed.task().annotations[0].shape {
        Shape::Keypoints { points } => points.clone(),
        s => panic!("not keypoints: {s:?}"),
    }
}

#[test]
fn keypoints_are_placed_in_the_labels_order_and_added_after_the_last() {
    use crate::model::Visibility;
    let mut ed = Editor::new(pose_task(), "s");
    ed.set_label("face");
    ed.set_tool(ToolName::Keypoints);
    assert_eq!(ed.overlay(1.0).next_keypoint.as_deref(), Some("left_eye"));
    assert!(click(&mut ed, 10.0, 10.0).is_empty());
    assert_eq!(ed.overlay(1.0).next_keypoint.as_deref(), Some("right_eye"));
    let shift = Modifiers {
        shift: true,
        ..Modifiers::default()
    };
    assert!(click_mods(&mut ed, 30.0, 10.0, shift).is_empty());
    assert_eq!(ed.overlay(1.0).vertices.len(), 2);
    let ops = click(&mut ed, 20.0, 200.0); // clamped to the image's bottom edge
    assert_eq!(ops.len(), 1);
    let k = only_keypoints(&ed);
    assert_eq!(
        k.iter()
            .map(|k| (k.name.as_str(), k.x, k.y, k.visibility))
            .collect::<Vec<_>>(),
        vec![
            ("left_eye", 10.0, 10.0, Visibility::Visible),
            ("right_eye", 30.0, 10.0, Visibility::Occluded),
            ("nose", 20.0, 80.0, Visibility::Visible),
        ]
    );
    assert_eq!(ed.task().annotations[0].label, "face");
    assert!(!ed.tool().is_busy());
    assert_eq!(ed.selection().len(), 1);
}

#[test]
fn keypoints_visibility_toggle_backspace_enter_and_cancel() {
    use crate::model::Visibility;
    let mut ed = Editor::new(pose_task(), "s");
    ed.set_label("face");
    ed.set_tool(ToolName::Keypoints);
    assert!(!ed.toggle_visibility().redraw, "nothing placed yet");
    click(&mut ed, 10.0, 10.0);
    click(&mut ed, 30.0, 10.0);
    ed.toggle_visibility();
    ed.toggle_visibility(); // visible → occluded → not labelled
    assert_eq!(ed.overlay(1.0).vertices, pts(&[(10.0, 10.0)]));
    ed.delete(); // Backspace removes the last placed point
    assert_eq!(ed.overlay(1.0).next_keypoint.as_deref(), Some("right_eye"));
    // Enter finishes early: the rest are not labelled.
    assert_eq!(ed.finish_shape().committed.len(), 1);
    let k = only_keypoints(&ed);
    assert_eq!(
        k.iter().map(|k| k.visibility).collect::<Vec<_>>(),
        vec![
            Visibility::Visible,
            Visibility::NotLabeled,
            Visibility::NotLabeled
        ]
    );
    // Esc drops the points being placed.
    click(&mut ed, 50.0, 50.0);
    ed.cancel();
    assert!(ed.finish_shape().committed.is_empty());
    assert_eq!(ed.task().annotations.len(), 1);
    // A shape whose only point is not labelled is discarded.
    click(&mut ed, 50.0, 50.0);
    ed.toggle_visibility();
    ed.toggle_visibility();
    assert!(ed.finish_shape().committed.is_empty());
    assert_eq!(ed.task().annotations.len(), 1);
}

#[test]
fn keypoints_without_names_are_numbered_until_enter() {
    let mut ed = Editor::new(task(), "s");
    ed.set_tool(ToolName::Keypoints);
    assert_eq!(ed.overlay(1.0).next_keypoint, None);
    for i in 0..4 {
        assert!(click(&mut ed, 10.0 + f64::from(i), 10.0).is_empty());
    }
    assert_eq!(ed.finish_shape().committed.len(), 1);
    let names: Vec<String> = only_keypoints(&ed).into_iter().map(|k| k.name).collect();
    assert_eq!(names, ["1", "2", "3", "4"]);
}

// ---- select / edit ----

fn with_shapes(shapes: Vec<Shape>) -> Editor {
    let mut t = task();
    for (i, s) in shapes.into_iter().enumerate() {
        t.annotations
            .push(Annotation::new(format!("a{i}"), "cat", s));
    }
    let mut ed = Editor::new(t, "s");
    ed.set_tool(ToolName::Select);
    ed
}

fn id(s: &str) -> AnnotationId {
    AnnotationId(s.into())
}

fn bx(x0: f64, y0: f64, x1: f64, y1: f64) -> Shape {
    Shape::Box(BoxShape { x0, y0, x1, y1 })
}

fn shape_of(ed: &Editor, i: &str) -> Shape {
    ed.task().annotation(&id(i)).unwrap().shape.clone()
}

fn square_polygon() -> Shape {
    Shape::Polygon(crate::model::PolygonShape::simple(pts(&[
        (10.0, 10.0),
        (50.0, 10.0),
        (50.0, 50.0),
        (10.0, 50.0),
    ])))
}

#[test]
fn select_drag_moves_a_shape_as_one_step_and_keeps_it_in_the_image() {
    let mut ed = with_shapes(vec![bx(10.0, 10.0, 40.0, 40.0)]);
    let ops = drag(&mut ed, (25.0, 25.0), (50.0, 40.0));
    assert_eq!(ops.len(), 1, "one op per drag");
    assert_eq!(shape_of(&ed, "a0"), bx(35.0, 25.0, 65.0, 55.0));
    assert_eq!(
        ed.selection(),
        &[id("a0")],
        "dragging an unselected shape selects it"
    );
    ed.undo().unwrap();
    assert_eq!(shape_of(&ed, "a0"), bx(10.0, 10.0, 40.0, 40.0));
    // Dragged far past the bottom-right corner (image 100×80): stops at the edge.
    drag(&mut ed, (25.0, 25.0), (400.0, 400.0));
    assert_eq!(shape_of(&ed, "a0"), bx(70.0, 50.0, 100.0, 80.0));
}

#[test]
fn select_shift_click_then_drag_moves_both_and_mid_drag_preview_shows_them() {
    let mut ed = with_shapes(vec![bx(10.0, 10.0, 20.0, 20.0), bx(40.0, 10.0, 50.0, 20.0)]);
    click(&mut ed, 15.0, 15.0);
    let shift = Modifiers {
        shift: true,
        ..Modifiers::default()
    };
    click_mods(&mut ed, 45.0, 15.0, shift);
    assert_eq!(ed.selection(), &[id("a0"), id("a1")]);
    ed.pointer(ev(PointerKind::Down, 45.0, 15.0));
    ed.pointer(ev(PointerKind::Move, 45.0, 25.0));
    let o = ed.overlay(1.0);
    assert_eq!(o.editing.len(), 2);
    assert_eq!(
        shape_of(&ed, "a0"),
        bx(10.0, 10.0, 20.0, 20.0),
        "not committed yet"
    );
    let out = ed.pointer(ev(PointerKind::Up, 45.0, 25.0));
    assert_eq!(out.committed.len(), 1);
    assert!(matches!(&out.committed[0], Op::Batch { ops } if ops.len() == 2));
    assert_eq!(shape_of(&ed, "a1"), bx(40.0, 20.0, 50.0, 30.0));
    // Shift-click on a selected shape removes it from the selection.
    click_mods(&mut ed, 15.0, 25.0, shift);
    assert_eq!(ed.selection(), &[id("a1")]);
}

#[test]
fn select_cancel_mid_drag_leaves_everything_as_it_was() {
    let mut ed = with_shapes(vec![bx(10.0, 10.0, 30.0, 20.0)]);
    let before = ed.task().clone();
    ed.pointer(ev(PointerKind::Down, 20.0, 15.0));
    ed.pointer(ev(PointerKind::Move, 60.0, 50.0));
    assert!(ed.tool().is_busy());
    assert!(ed.cancel().redraw);
    assert!(ed.overlay(1.0).editing.is_empty());
    assert!(ed
        .pointer(ev(PointerKind::Up, 60.0, 50.0))
        .committed
        .is_empty());
    assert_eq!(ed.task(), &before);
    assert!(!ed.can_undo());
}

#[test]
fn select_resize_handles_move_one_side_and_degenerate_results_are_dropped() {
    let mut ed = with_shapes(vec![bx(10.0, 10.0, 30.0, 20.0)]);
    click(&mut ed, 20.0, 15.0);
    assert_eq!(ed.overlay(1.0).handles.len(), 8);
    // Bottom-right corner handle.
    drag(&mut ed, (30.0, 20.0), (60.0, 40.0));
    assert_eq!(shape_of(&ed, "a0"), bx(10.0, 10.0, 60.0, 40.0));
    // Top edge handle (middle of the top side) dragged past the bottom: the box flips.
    drag(&mut ed, (35.0, 10.0), (35.0, 50.0));
    assert_eq!(shape_of(&ed, "a0"), bx(10.0, 40.0, 60.0, 50.0));
    // Right handle pushed out of the image: clipped.
    drag(&mut ed, (60.0, 45.0), (150.0, 45.0));
    assert_eq!(shape_of(&ed, "a0"), bx(10.0, 40.0, 100.0, 50.0));
    // Left handle dragged onto the right side: nothing left, no op.
    let steps_before = ed.task().clone();
    assert!(drag(&mut ed, (10.0, 45.0), (100.0, 45.0)).is_empty());
    assert_eq!(ed.task(), &steps_before);
}

#[test]
fn select_handles_keep_a_constant_screen_size() {
    let mut ed = with_shapes(vec![bx(10.0, 10.0, 30.0, 20.0)]);
    click(&mut ed, 20.0, 15.0);
    let zoomed = |kind, x, y| PointerEvent {
        scale: 4.0,
        ..ev(kind, x, y)
    };
    // At 4× zoom, 2.2 image px from the corner are 9 screen px: beyond the 7 px grip, so the
    // press lands inside the box and the drag moves it instead of resizing.
    for e in [
        zoomed(PointerKind::Down, 28.0, 19.0),
        zoomed(PointerKind::Move, 33.0, 19.0),
        zoomed(PointerKind::Up, 33.0, 19.0),
    ] {
        ed.pointer(e);
    }
    assert_eq!(shape_of(&ed, "a0"), bx(15.0, 10.0, 35.0, 20.0));
    // At 1× the same offset is 2.2 screen px: the corner handle is grabbed.
    drag(&mut ed, (33.0, 19.0), (45.0, 30.0));
    assert_eq!(shape_of(&ed, "a0"), bx(15.0, 10.0, 45.0, 30.0));
}

#[test]
fn select_rotate_handle_turns_a_rotated_box_and_shift_snaps() {
    let r0 = RotatedBox {
        cx: 50.0,
        cy: 40.0,
        w: 20.0,
        h: 10.0,
        angle: 0.0,
    };
    let mut ed = with_shapes(vec![Shape::RotatedBox(r0)]);
    click(&mut ed, 50.0, 40.0);
    let (stem, handle) = ed.overlay(1.0).rotate_handle.unwrap();
    assert_eq!((stem.x, stem.y), (50.0, 35.0));
    assert_eq!((handle.x, handle.y), (50.0, 35.0 - 24.0));
    // Half as far at 2× zoom: the offset is in screen pixels.
    assert_eq!(ed.overlay(2.0).rotate_handle.unwrap().1.y, 35.0 - 12.0);
    drag(&mut ed, (50.0, 11.0), (80.0, 40.0)); // handle dragged to the right of the centre
    let Shape::RotatedBox(r) = shape_of(&ed, "a0") else {
        panic!()
    };
    assert!((r.angle - 90.0).abs() < 1e-9, "{r:?}");
    assert_eq!((r.cx, r.cy, r.w, r.h), (50.0, 40.0, 20.0, 10.0));
    ed.undo().unwrap();
    let shift = Modifiers {
        shift: true,
        ..Modifiers::default()
    };
    for e in [
        ev_mods(PointerKind::Down, 50.0, 11.0, shift),
        ev_mods(PointerKind::Move, 61.0, 20.0, shift),
        ev_mods(PointerKind::Up, 61.0, 20.0, shift),
    ] {
        ed.pointer(e);
    }
    let Shape::RotatedBox(r) = shape_of(&ed, "a0") else {
        panic!()
    };
    assert_eq!(r.angle % 15.0, 0.0, "{r:?}");
    assert!(r.angle > 0.0 && r.angle < 90.0);
}

#[test]
fn select_resizes_a_turned_rotated_box_along_its_own_axes() {
    let mut ed = with_shapes(vec![Shape::RotatedBox(RotatedBox {
        cx: 50.0,
        cy: 40.0,
        w: 20.0,
        h: 10.0,
        angle: 90.0,
    })]);
    click(&mut ed, 50.0, 40.0);
    // Turned 90° clockwise: the box's own right side (handle 3) now faces down, at y = 50.
    let handles = ed.overlay(1.0).handles;
    assert!((handles[3].x - 50.0).abs() < 1e-9 && (handles[3].y - 50.0).abs() < 1e-9);
    drag(&mut ed, (50.0, 50.0), (50.0, 60.0));
    let Shape::RotatedBox(r) = shape_of(&ed, "a0") else {
        panic!()
    };
    assert!(
        (r.w - 30.0).abs() < 1e-9 && (r.h - 10.0).abs() < 1e-9,
        "{r:?}"
    );
    assert!(
        (r.cx - 50.0).abs() < 1e-9 && (r.cy - 45.0).abs() < 1e-9,
        "{r:?}"
    );
    assert_eq!(r.angle, 90.0);
}

#[test]
fn select_polygon_vertex_drag_insert_on_edge_and_remove() {
    let mut ed = with_shapes(vec![square_polygon()]);
    click(&mut ed, 30.0, 30.0);
    assert_eq!(ed.overlay(1.0).handles.len(), 4);
    // Drag the top-right vertex.
    drag(&mut ed, (50.0, 10.0), (60.0, 5.0));
    let ring = |ed: &Editor| match shape_of(ed, "a0") {
        Shape::Polygon(p) => p.parts[0].exterior.clone(),
        s => panic!("{s:?}"),
    };
    assert_eq!(ring(&ed)[1], Point::new(60.0, 5.0));
    ed.undo().unwrap();
    // Click on the bottom edge inserts a vertex there and selects it.
    let ops = click(&mut ed, 30.0, 51.0);
    assert_eq!(ops.len(), 1);
    assert_eq!(
        ring(&ed),
        pts(&[
            (10.0, 10.0),
            (50.0, 10.0),
            (50.0, 50.0),
            (30.0, 50.0),
            (10.0, 50.0)
        ])
    );
    assert_eq!(
        ed.overlay(1.0).selected_vertex,
        Some(Point::new(30.0, 50.0))
    );
    // Delete removes the selected vertex, not the polygon.
    assert_eq!(ed.delete().committed.len(), 1);
    assert_eq!(ring(&ed).len(), 4);
    assert_eq!(ed.task().annotations.len(), 1);
    // Alt-click removes a vertex.
    let alt = Modifiers {
        alt: true,
        ..Modifiers::default()
    };
    assert_eq!(click_mods(&mut ed, 10.0, 50.0, alt).len(), 1);
    assert_eq!(ring(&ed), pts(&[(10.0, 10.0), (50.0, 10.0), (50.0, 50.0)]));
    // A triangle keeps its three vertices.
    assert!(click_mods(&mut ed, 10.0, 10.0, alt).is_empty());
    assert_eq!(ring(&ed).len(), 3);
}

#[test]
fn select_polyline_edge_insert_and_keypoint_drag_and_visibility() {
    use crate::model::{Keypoint, Visibility};
    let kp = |name: &str, x, y| Keypoint {
        name: name.into(),
        x,
        y,
        visibility: Visibility::Visible,
    };
    let mut ed = with_shapes(vec![
        Shape::Polyline {
            points: pts(&[(10.0, 70.0), (90.0, 70.0)]),
        },
        Shape::Keypoints {
            points: vec![kp("a", 20.0, 20.0), kp("b", 40.0, 20.0)],
        },
    ]);
    click(&mut ed, 50.0, 70.0);
    assert_eq!(ed.selection(), &[id("a0")]);
    click(&mut ed, 50.0, 71.0);
    assert_eq!(
        shape_of(&ed, "a0"),
        Shape::Polyline {
            points: pts(&[(10.0, 70.0), (50.0, 70.0), (90.0, 70.0)])
        }
    );
    click(&mut ed, 40.0, 20.0);
    assert_eq!(ed.selection(), &[id("a1")]);
    drag(&mut ed, (40.0, 20.0), (45.0, 30.0));
    let Shape::Keypoints { points } = shape_of(&ed, "a1") else {
        panic!()
    };
    assert_eq!((points[1].x, points[1].y), (45.0, 30.0));
    // The dragged point stays selected; I cycles its visibility as one op.
    assert_eq!(ed.toggle_visibility().committed.len(), 1);
    let Shape::Keypoints { points } = shape_of(&ed, "a1") else {
        panic!()
    };
    assert_eq!(points[1].visibility, Visibility::Occluded);
}

#[test]
fn select_rubber_band_selects_shapes_inside_and_shift_adds() {
    let mut ed = with_shapes(vec![
        bx(10.0, 10.0, 20.0, 20.0),
        bx(30.0, 10.0, 40.0, 20.0),
        bx(60.0, 10.0, 70.0, 20.0),
    ]);
    drag(&mut ed, (5.0, 5.0), (45.0, 25.0));
    assert_eq!(ed.selection(), &[id("a0"), id("a1")]);
    assert!(ed.overlay(1.0).rubber_band.is_none());
    let shift = Modifiers {
        shift: true,
        ..Modifiers::default()
    };
    for e in [
        ev_mods(PointerKind::Down, 55.0, 5.0, shift),
        ev_mods(PointerKind::Move, 65.0, 15.0, shift),
    ] {
        ed.pointer(e);
    }
    assert!(ed.overlay(1.0).rubber_band.is_some());
    ed.pointer(ev_mods(PointerKind::Move, 75.0, 25.0, shift));
    ed.pointer(ev_mods(PointerKind::Up, 75.0, 25.0, shift));
    assert_eq!(ed.selection(), &[id("a0"), id("a1"), id("a2")]);
    // A band that only crosses a shape does not select it.
    drag(&mut ed, (5.0, 5.0), (15.0, 25.0));
    assert!(ed.selection().is_empty());
}

#[test]
fn nudge_cycle_hide_lock_and_order() {
    let mut ed = with_shapes(vec![bx(10.0, 10.0, 20.0, 20.0), bx(30.0, 10.0, 40.0, 20.0)]);
    assert!(ed.nudge(1.0, 0.0).committed.is_empty(), "nothing selected");
    assert!(ed.cycle(false).selection_changed);
    assert_eq!(ed.selection(), &[id("a0")]);
    ed.cycle(false);
    assert_eq!(ed.selection(), &[id("a1")]);
    ed.cycle(false);
    assert_eq!(ed.selection(), &[id("a0")], "Tab wraps");
    ed.cycle(true);
    assert_eq!(ed.selection(), &[id("a1")]);
    ed.nudge(-10.0, 1.0);
    assert_eq!(shape_of(&ed, "a1"), bx(20.0, 11.0, 30.0, 21.0));
    ed.nudge(0.0, -100.0); // kept inside the image
    assert_eq!(shape_of(&ed, "a1"), bx(20.0, 0.0, 30.0, 10.0));
    // Send back / bring forward.
    ed.send_back();
    assert!(ed.task().annotation(&id("a1")).unwrap().z < 0);
    ed.bring_forward();
    assert_eq!(ed.task().annotation(&id("a1")).unwrap().z, 1);
    // Hide with H, H again shows; hidden shapes are skipped by Tab and clicks.
    ed.toggle_hidden();
    assert!(ed.task().annotation(&id("a1")).unwrap().hidden);
    ed.select(vec![]);
    ed.cycle(false);
    ed.cycle(false);
    assert_eq!(ed.selection(), &[id("a0")]);
    ed.select(vec![id("a1")]);
    ed.toggle_hidden();
    assert!(!ed.task().annotation(&id("a1")).unwrap().hidden);
    // Locked shapes neither move nor get handles nor get deleted.
    ed.toggle_locked();
    assert!(ed.nudge(1.0, 1.0).committed.is_empty());
    assert!(ed.overlay(1.0).handles.is_empty());
    assert!(drag(&mut ed, (25.0, 5.0), (50.0, 50.0)).is_empty());
    ed.select(vec![id("a1")]);
    assert!(ed.delete().committed.is_empty());
    ed.toggle_locked();
    assert!(
        !ed.task().annotation(&id("a1")).unwrap().locked,
        "{:?}",
        ed.task()
    );
    assert_eq!(ed.delete().committed.len(), 1, "{:?}", ed.tool());
    assert_eq!(ed.task().annotations.len(), 1);
}

#[test]
fn copy_paste_offsets_in_the_same_task_and_keeps_place_in_another() {
    let mut ed = with_shapes(vec![bx(10.0, 10.0, 20.0, 20.0)]);
    assert!(!ed.copy(), "nothing selected");
    ed.select(vec![id("a0")]);
    assert!(ed.copy());
    let out = ed.paste();
    assert_eq!(out.committed.len(), 1);
    assert_eq!(ed.task().annotations.len(), 2);
    let pasted = ed.selection()[0].clone();
    assert_ne!(pasted, id("a0"));
    assert_eq!(shape_of(&ed, &pasted.0), bx(20.0, 20.0, 30.0, 30.0));
    // Another task (as when the next image is opened): pasted in place, label kept.
    let clip = ed.clipboard().clone();
    let mut other = task();
    other.id = "t2".into();
    let mut ed2 = Editor::new(other, "s");
    ed2.set_clipboard(clip);
    ed2.paste();
    assert_eq!(ed2.task().annotations.len(), 1);
    assert_eq!(ed2.task().annotations[0].shape, bx(10.0, 10.0, 20.0, 20.0));
    assert_eq!(ed2.task().annotations[0].label, "cat");
    ed2.undo().unwrap();
    assert!(ed2.task().annotations.is_empty());
}

#[test]
fn attributes_are_checked_against_the_label() {
    use crate::model::AttributeDef;
    let mut t = task();
    t.labels.labels[0].attributes = vec![
        AttributeDef {
            name: "pose".into(),
            kind: AttributeKind::Choice {
                options: vec!["front".into(), "side".into()],
            },
        },
        AttributeDef {
            name: "age".into(),
            kind: AttributeKind::Number {
                min: Some(0.0),
                max: Some(30.0),
            },
        },
    ];
    t.annotations
        .push(Annotation::new("a0", "cat", bx(1.0, 1.0, 5.0, 5.0)));
    let mut ed = Editor::new(t, "s");
    let a0 = id("a0");
    let ok = ed
        .set_attribute(&a0, "pose", Some(AttributeValue::Text("side".into())))
        .unwrap();
    assert_eq!(ok.committed.len(), 1);
    assert!(ed
        .set_attribute(&a0, "pose", Some(AttributeValue::Text("back".into())))
        .unwrap_err()
        .contains("not one of"));
    assert!(ed
        .set_attribute(&a0, "age", Some(AttributeValue::Number(31.0)))
        .is_err());
    assert!(ed
        .set_attribute(&a0, "colour", Some(AttributeValue::Bool(true)))
        .unwrap_err()
        .contains("no attribute"));
    ed.set_attribute(&a0, "pose", None).unwrap();
    assert!(ed.task().annotations[0].attributes.is_empty());
    ed.undo().unwrap();
    assert_eq!(
        ed.task().annotations[0].attributes.get("pose"),
        Some(&AttributeValue::Text("side".into()))
    );
}

#[test]
fn double_click_finishes_only_polygons_and_polylines() {
    let mut ed = Editor::new(pose_task(), "s");
    ed.set_label("face");
    ed.set_tool(ToolName::Keypoints);
    click(&mut ed, 10.0, 10.0);
    assert!(ed.double_click().committed.is_empty());
    assert!(ed.tool().is_busy(), "keypoints keep being placed");
    ed.set_tool(ToolName::Polyline);
    click(&mut ed, 10.0, 10.0);
    click(&mut ed, 30.0, 10.0);
    assert_eq!(ed.double_click().committed.len(), 1);
}

#[test]
fn deleting_several_and_undoing_restores_the_list_order() {
    let mut ed = Editor::new(task(), "t");
    ed.set_tool(ToolName::Box);
    for x in [5.0, 25.0, 45.0, 65.0] {
        drag(&mut ed, (x, 10.0), (x + 15.0, 40.0));
    }
    let before: Vec<AnnotationId> = ed.task().annotations.iter().map(|a| a.id.clone()).collect();
    ed.select(vec![
        before[2].clone(),
        before[0].clone(),
        before[3].clone(),
    ]);
    ed.delete_selection();
    assert_eq!(ed.task().annotations.len(), 1);
    ed.undo().unwrap();
    let after: Vec<AnnotationId> = ed.task().annotations.iter().map(|a| a.id.clone()).collect();
    assert_eq!(after, before);
}

// ---- brush, eraser, wand ----

fn mask_pixels(ed: &Editor, i: usize) -> crate::raster::mask::RunMask {
    match &ed.task().annotations[i].shape {
        Shape::Mask(m) => {
            crate::raster::mask::RunMask::from_rle(&crate::raster::rle::Rle::from_model(m).unwrap())
        }
        s => panic!("not a mask: {s:?}"),
    }
}

#[test]
fn brush_stroke_makes_a_new_mask_then_paints_the_selected_one_and_eraser_clears() {
    let mut ed = Editor::new(task(), "s");
    ed.set_tool(ToolName::Brush);
    ed.set_mask_options(mask_tool::MaskOptions {
        radius: 3.0,
        ..Default::default()
    });
    assert!(ed.overlay(1.0).brush.is_none(), "no pointer yet");
    ed.pointer(ev(PointerKind::Move, 10.0, 10.0));
    assert_eq!(ed.overlay(1.0).brush, Some((Point::new(10.0, 10.0), 3.0)));
    let ops = drag(&mut ed, (10.0, 10.0), (40.0, 10.0));
    assert_eq!(ops.len(), 1);
    let m = mask_pixels(&ed, 0);
    assert!(m.contains(10, 10) && m.contains(25, 11) && m.contains(40, 10));
    assert!(!m.contains(25, 20) && !m.contains(50, 10));
    let area = m.area();
    assert_eq!(ed.selection().len(), 1, "the new mask is selected");
    // A second stroke paints the same (selected) mask: one MaskStroke, still one annotation.
    let ops = drag(&mut ed, (25.0, 10.0), (25.0, 40.0));
    assert!(matches!(ops[..], [Op::MaskStroke { .. }]));
    assert_eq!(ed.task().annotations.len(), 1);
    assert!(mask_pixels(&ed, 0).contains(25, 35));
    // The eraser clears a piece; undo puts it back exactly.
    let before = ed.task().clone();
    ed.set_tool(ToolName::Eraser);
    drag(&mut ed, (25.0, 30.0), (25.0, 45.0));
    assert!(!mask_pixels(&ed, 0).contains(25, 35));
    assert!(mask_pixels(&ed, 0).contains(10, 10));
    ed.undo().unwrap();
    assert_eq!(ed.task(), &before);
    ed.undo().unwrap();
    assert_eq!(mask_pixels(&ed, 0).area(), area);
}

#[test]
fn eraser_without_a_selected_mask_and_cancelled_strokes_change_nothing() {
    let mut ed = Editor::new(task(), "s");
    ed.set_tool(ToolName::Eraser);
    assert!(drag(&mut ed, (10.0, 10.0), (40.0, 10.0)).is_empty());
    ed.set_tool(ToolName::Brush);
    ed.pointer(ev(PointerKind::Down, 10.0, 10.0));
    ed.pointer(ev(PointerKind::Move, 30.0, 10.0));
    assert!(!ed.overlay(1.0).brush_path.is_empty());
    ed.cancel();
    assert!(ed
        .pointer(ev(PointerKind::Up, 30.0, 10.0))
        .committed
        .is_empty());
    assert!(ed.task().annotations.is_empty());
    // A stroke wholly outside the image paints nothing.
    assert!(drag(&mut ed, (200.0, 200.0), (300.0, 200.0)).is_empty());
    // A click (no drag) paints one disc.
    click(&mut ed, 50.0, 50.0);
    assert_eq!(ed.task().annotations.len(), 1);
    assert!(mask_pixels(&ed, 0).contains(50, 50));
}

#[test]
fn exclusive_painting_removes_the_pixels_from_other_masks_in_one_step() {
    let mut ed = Editor::new(task(), "s");
    ed.set_tool(ToolName::Brush);
    ed.set_mask_options(mask_tool::MaskOptions {
        radius: 4.0,
        exclusive: true,
        ..Default::default()
    });
    drag(&mut ed, (10.0, 20.0), (60.0, 20.0)); // first mask
    ed.select(vec![]);
    let ops = drag(&mut ed, (30.0, 5.0), (30.0, 40.0)); // second, crossing the first
    assert_eq!(ops.len(), 1, "one step");
    assert!(matches!(&ops[0], Op::Batch { ops } if ops.len() == 2));
    let (first, second) = (mask_pixels(&ed, 0), mask_pixels(&ed, 1));
    assert!(!first.contains(30, 20) && second.contains(30, 20));
    assert!(first.contains(10, 20));
}

#[test]
fn brush_size_keys_step_within_range() {
    let mut ed = Editor::new(task(), "s");
    let r0 = ed.mask_options().radius;
    ed.step_brush(true);
    assert!((ed.mask_options().radius - r0 * mask_tool::BRUSH_STEP).abs() < 1e-9);
    for _ in 0..100 {
        ed.step_brush(false);
    }
    assert_eq!(ed.mask_options().radius, mask_tool::BRUSH_RADIUS_RANGE.0);
    let k = Keymap::default();
    assert_eq!(
        k.action("]", Modifiers::default()),
        Some(Action::BrushSize { larger: true })
    );
    assert_eq!(
        k.action("w", Modifiers::default()),
        Some(Action::Tool(ToolName::Wand))
    );
}

#[test]
fn wand_selects_the_similar_region_and_shift_adds_to_the_selected_mask() {
    // 100×80 image: left half dark, right half light, a light square in the dark half.
    let (w, h) = (100u32, 80u32);
    let mut rgba = vec![0u8; (w * h * 4) as usize];
    for y in 0..h {
        for x in 0..w {
            let light = x >= 50 || (10..20).contains(&x) && (10..20).contains(&y);
            let v = if light { 220 } else { 20 };
            let i = ((y * w + x) * 4) as usize;
            rgba[i..i + 4].copy_from_slice(&[v, v, v, 255]);
        }
    }
    let mut ed = Editor::new(task(), "s");
    ed.set_tool(ToolName::Wand);
    assert!(
        click(&mut ed, 70.0, 40.0).is_empty(),
        "no pixels yet: nothing"
    );
    ed.set_pixels(mask_tool::Pixels {
        width: w,
        height: h,
        rgba: std::sync::Arc::new(rgba),
        ..Default::default()
    });
    click(&mut ed, 70.0, 40.0);
    let m = mask_pixels(&ed, 0);
    assert_eq!(m.area(), 50 * 80, "the right half, not the separate square");
    let shift = Modifiers {
        shift: true,
        ..Modifiers::default()
    };
    let ops = click_mods(&mut ed, 15.0, 15.0, shift);
    assert!(matches!(ops[..], [Op::MaskStroke { .. }]));
    assert_eq!(ed.task().annotations.len(), 1);
    assert_eq!(mask_pixels(&ed, 0).area(), 50 * 80 + 100);
    // Outside the image: nothing.
    assert!(click(&mut ed, -5.0, 10.0).is_empty());
}

#[test]
fn the_wand_on_pixels_of_a_window_masks_the_image_pixels_they_cover() {
    // A 200 × 160 image, dark left of x = 100, light from it; the wand sees only the part in
    // view — image (50, 20) to (170, 120) at half resolution, as for a tiled image.
    let mut t = task();
    t.image.width = 200;
    t.image.height = 160;
    let (gw, gh) = (60u32, 50u32);
    let window = mask_tool::PixelWindow {
        x0: 50,
        y0: 20,
        scale: 0.5,
    };
    let mut rgba = vec![0u8; (gw * gh * 4) as usize];
    for gy in 0..gh {
        for gx in 0..gw {
            let centre = window.centre_of((gx, gy));
            let v = if centre.x >= 100.0 { 220 } else { 20 };
            let i = ((gy * gw + gx) * 4) as usize;
            rgba[i..i + 4].copy_from_slice(&[v, v, v, 255]);
        }
    }
    let mut ed = Editor::new(t, "s");
    ed.set_tool(ToolName::Wand);
    ed.set_pixels(mask_tool::Pixels {
        width: gw,
        height: gh,
        rgba: std::sync::Arc::new(rgba),
        window,
    });
    click(&mut ed, 150.0, 60.0);
    let m = mask_pixels(&ed, 0);
    assert_eq!((m.width(), m.height()), (200, 160), "over the whole image");
    // Every image pixel whose centre is on a light grid pixel: x 100..170, y 20..120.
    assert_eq!(m.bounds(), Some((100, 20, 169, 119)));
    assert_eq!(m.area(), 70 * 100);
    // Outside the window: nothing.
    assert!(click(&mut ed, 190.0, 150.0).is_empty());
}

#[test]
fn convert_mask_to_polygon_and_back_keeps_the_pixels() {
    let mut ed = Editor::new(task(), "s");
    ed.set_tool(ToolName::Brush);
    drag(&mut ed, (20.0, 20.0), (60.0, 30.0));
    let painted = mask_pixels(&ed, 0);
    assert_eq!(ed.convert_selection().committed.len(), 1);
    assert!(matches!(ed.task().annotations[0].shape, Shape::Polygon(_)));
    ed.convert_selection();
    assert_eq!(
        mask_pixels(&ed, 0),
        painted,
        "mask → polygon → mask is lossless"
    );
    ed.undo().unwrap();
    ed.undo().unwrap();
    assert_eq!(mask_pixels(&ed, 0), painted);
    // Boxes are left alone.
    ed.set_tool(ToolName::Box);
    drag(&mut ed, (70.0, 10.0), (90.0, 30.0));
    assert!(ed.convert_selection().committed.is_empty());
}

#[test]
fn zoom_keys_are_shift_digits_and_plain_digits_stay_labels() {
    let k = Keymap::default();
    let shift = Modifiers {
        shift: true,
        ..Modifiers::default()
    };
    assert_eq!(k.action("0", shift), Some(Action::ZoomActual));
    assert_eq!(k.action("2", shift), Some(Action::ZoomSelection));
    assert_eq!(k.action("2", Modifiers::default()), Some(Action::Label(1)));
    assert_eq!(k.action("0", Modifiers::default()), None);
}

#[test]
fn remapped_hotkeys_replace_the_defaults() {
    let mut k = Keymap::default();
    k.remap([
        ("box", vec!["X".to_string()]),
        ("polygon", vec!["b".to_string(), "shift+p".to_string()]),
        ("hide", vec![]),
    ])
    .unwrap();
    let none = Modifiers::default();
    let shift = Modifiers {
        shift: true,
        ..Modifiers::default()
    };
    assert_eq!(k.action("x", none), Some(Action::Tool(ToolName::Box)));
    // The old key of box now belongs to polygon; polygon's own default is gone.
    assert_eq!(k.action("b", none), Some(Action::Tool(ToolName::Polygon)));
    assert_eq!(k.action("p", none), None);
    assert_eq!(k.action("P", shift), Some(Action::Tool(ToolName::Polygon)));
    assert_eq!(k.action("h", none), None, "hide unbound");
    // Untouched actions keep their keys.
    assert_eq!(k.action("v", none), Some(Action::Tool(ToolName::Select)));
    assert_eq!(k.keys_for(Action::Tool(ToolName::Box)), vec!["x"]);
    let err = k
        .remap([
            ("boxx", vec!["q".to_string()]),
            ("box", vec!["q".to_string()]),
        ])
        .unwrap_err();
    assert!(err.contains("boxx"), "{err}");
    assert_eq!(
        k.action("x", none),
        Some(Action::Tool(ToolName::Box)),
        "a failed remap changes nothing"
    );
    assert_eq!(Action::from_name("label_3"), Some(Action::Label(2)));
    assert_eq!(Action::from_name("label_0"), None);
    for name in keymap::ACTION_NAMES {
        assert!(Action::from_name(name).is_some(), "{name}");
    }
    // Every tool can be remapped by name.
    for t in ToolName::ALL {
        assert!(keymap::ACTION_NAMES.contains(&t.as_str()), "{t:?}");
    }
}

#[test]
fn the_help_lists_every_action_with_its_keys_now() {
    let mut k = Keymap::default();
    let keys = |k: &Keymap, name: &str| {
        k.help()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, keys)| keys)
            .unwrap()
    };
    assert_eq!(keys(&k, "box"), ["b"]);
    assert_eq!(keys(&k, "help"), ["?"]);
    assert_eq!(keys(&k, "delete"), ["backspace", "delete"]);
    assert_eq!(keys(&k, "label_3"), ["3"]);
    assert_eq!(k.help().len(), keymap::ACTION_NAMES.len() + 9);
    k.remap([("box", vec!["q".to_string()])]).unwrap();
    assert_eq!(keys(&k, "box"), ["q"]);
    // ASCII letters fold here; others come folded from the browser and are taken as they are.
    k.remap([("box", vec!["Q".to_string(), "ö".to_string()])])
        .unwrap();
    assert_eq!(keys(&k, "box"), ["q", "ö"]);
    assert_eq!(
        k.action("Q", Modifiers::default()),
        Some(Action::Tool(ToolName::Box))
    );
    assert_eq!(
        k.action("ö", Modifiers::default()),
        Some(Action::Tool(ToolName::Box))
    );
    assert_eq!(keymap::key_label("ö"), "ö");
    let labels: Vec<String> = [
        "shift+0",
        "arrowleft",
        "pagedown",
        "b",
        "ctrl+shift+z",
        "alt+arrows",
    ]
    .iter()
    .map(|k| keymap::key_label(k))
    .collect();
    assert_eq!(
        labels,
        ["Shift+0", "←", "PageDown", "B", "Ctrl+Shift+Z", "Alt+←↑→↓"]
    );
    assert_eq!(
        k.action(
            "?",
            Modifiers {
                shift: true,
                ..Modifiers::default()
            }
        ),
        Some(Action::Help)
    );
}

#[test]
fn select_click_without_drag_selects_and_commits_nothing() {
    let mut ed = with_shapes(vec![bx(10.0, 10.0, 40.0, 40.0)]);
    let ops = click(&mut ed, 25.0, 25.0);
    assert!(ops.is_empty(), "a click moves nothing: {ops:?}");
    assert_eq!(ed.selection(), &[id("a0")]);
    // A press that moves less than the drag threshold (in screen pixels) is still a click.
    let mut small = Vec::new();
    for e in [
        ev(PointerKind::Down, 25.0, 25.0),
        ev(PointerKind::Move, 26.0, 26.0),
        ev(PointerKind::Up, 26.0, 26.0),
    ] {
        small.extend(ed.pointer(e).committed);
    }
    assert!(small.is_empty());
    assert_eq!(shape_of(&ed, "a0"), bx(10.0, 10.0, 40.0, 40.0));
    assert!(!ed.can_undo());
}

#[test]
fn select_resize_dragged_outside_the_image_stops_at_its_edge() {
    let mut ed = with_shapes(vec![bx(10.0, 10.0, 40.0, 40.0)]);
    click(&mut ed, 25.0, 25.0);
    // The bottom-right handle dragged far outside the 100 × 80 image.
    let ops = drag(&mut ed, (40.0, 40.0), (500.0, 400.0));
    assert_eq!(ops.len(), 1);
    assert_eq!(shape_of(&ed, "a0"), bx(10.0, 10.0, 100.0, 80.0));
    ed.undo().unwrap();
    assert_eq!(shape_of(&ed, "a0"), bx(10.0, 10.0, 40.0, 40.0));
}

#[test]
fn polyline_escape_mid_drawing_and_a_single_vertex_add_nothing() {
    let mut ed = Editor::new(task(), "s");
    ed.set_tool(ToolName::Polyline);
    click(&mut ed, 10.0, 10.0);
    click(&mut ed, 30.0, 10.0);
    assert!(ed.tool().is_busy());
    assert!(ed.cancel().committed.is_empty());
    assert!(!ed.tool().is_busy());
    assert!(ed.overlay(1.0).vertices.is_empty());
    click(&mut ed, 10.0, 10.0);
    assert!(ed.finish_shape().committed.is_empty());
    assert!(ed.task().annotations.is_empty());
    assert!(!ed.can_undo());
}

#[test]
fn label_hide_and_lock_act_on_every_shape_of_the_label_as_one_step() {
    let mut ed = Editor::new(task(), "s");
    drag(&mut ed, (10.0, 10.0), (20.0, 20.0));
    drag(&mut ed, (30.0, 30.0), (40.0, 40.0));
    ed.set_label("dog");
    drag(&mut ed, (50.0, 50.0), (60.0, 60.0));
    let dog = ed.selection()[0].clone();
    ed.select(vec![ed.task().annotations[0].id.clone(), dog.clone()]);
    assert!(!ed.label_all("cat", |a| a.hidden));
    assert!(
        !ed.label_all("bird", |a| a.hidden),
        "a label without shapes"
    );

    let out = ed.toggle_label_hidden("cat");
    assert_eq!(out.committed.len(), 1, "one undo step");
    let flags = |ed: &Editor| -> Vec<(String, bool, bool)> {
        ed.task()
            .annotations
            .iter()
            .map(|a| (a.label.clone(), a.hidden, a.locked))
            .collect()
    };
    assert_eq!(
        flags(&ed),
        [
            ("cat".into(), true, false),
            ("cat".into(), true, false),
            ("dog".into(), false, false)
        ]
    );
    assert!(ed.label_all("cat", |a| a.hidden));
    assert_eq!(
        ed.selection(),
        std::slice::from_ref(&dog),
        "hidden shapes leave the selection"
    );
    assert!(out.selection_changed);

    ed.toggle_label_locked("dog");
    assert_eq!(flags(&ed)[2], ("dog".into(), false, true));
    let state = |name: &str, count, hidden, locked| LabelState {
        name: name.into(),
        count,
        hidden,
        locked,
    };
    assert_eq!(
        ed.label_states(),
        [state("cat", 2, true, false), state("dog", 1, false, true)]
    );
    assert_eq!(ed.selection(), [dog], "a locked shape stays selected");
    // Toggling again shows them all, even if only some were hidden.
    let first = ed.task().annotations[0].id.clone();
    ed.select(vec![first]);
    ed.toggle_label_hidden("cat");
    assert!(!ed.label_all("cat", |a| a.hidden));
    ed.undo().unwrap();
    assert!(ed.label_all("cat", |a| a.hidden));
    ed.undo().unwrap();
    ed.undo().unwrap();
    assert!(flags(&ed).iter().all(|(_, h, l)| !h && !l));
    assert!(ed.toggle_label_hidden("bird").committed.is_empty());
}

#[test]
fn tags_single_choice_replace_multi_choice_toggle_and_unknown_ones_are_ignored() {
    let mut t = task();
    t.labels.tags = vec!["day".into(), "night".into(), "blurry".into()];
    let mut ed = Editor::new(t.clone(), "s");
    assert_eq!(ed.toggle_tag("night").committed.len(), 1);
    assert_eq!(ed.task().tags, ["night"]);
    ed.toggle_tag("day");
    assert_eq!(ed.task().tags, ["day"], "single choice replaces");
    ed.toggle_tag("day");
    assert!(
        ed.task().tags.is_empty(),
        "choosing the chosen one clears it"
    );
    assert!(ed.toggle_tag("rainy").committed.is_empty());
    ed.undo().unwrap();
    assert_eq!(ed.task().tags, ["day"]);

    t.labels.multi_tag = true;
    let mut ed = Editor::new(t, "s");
    ed.toggle_tag("blurry");
    ed.toggle_tag("day");
    assert_eq!(
        ed.task().tags,
        ["day", "blurry"],
        "in the label set's order"
    );
    ed.toggle_tag("blurry");
    assert_eq!(ed.task().tags, ["day"]);
    ed.undo().unwrap();
    ed.undo().unwrap();
    assert_eq!(ed.task().tags, ["blurry"]);
}

/// One row of [`interrupt_table`]: a tool, the events before the pointer is lost, whether
/// something held was under way, and whether the tool is still busy after the interrupt.
struct InterruptCase {
    tool: ToolName,
    events: Vec<PointerEvent>,
    held: bool,
    busy_after: bool,
}

/// Replays each case, interrupts, and checks the tool's state, that nothing was committed and
/// that the document is what it was before the press; then the same tool draws again.
fn check_interrupts(cases: Vec<InterruptCase>) {
    for case in cases {
        let mut ed = Editor::new(task(), "s");
        // One box to select, move or resize.
        drag(&mut ed, (40.0, 40.0), (60.0, 60.0));
        let before = ed.task().clone();
        let revision = ed.document().revision();
        ed.set_tool(case.tool);
        let mut committed = Vec::new();
        for e in &case.events {
            committed.extend(ed.pointer(*e).committed);
        }
        assert!(
            committed.is_empty(),
            "{:?}: committed before the interrupt",
            case.tool
        );
        assert_eq!(ed.tool().holds_pointer(), case.held, "{:?}", case.tool);
        let out = ed.interrupt();
        assert!(out.committed.is_empty(), "{:?}", case.tool);
        assert_eq!(ed.tool().is_busy(), case.busy_after, "{:?}", case.tool);
        assert_eq!(ed.task(), &before, "{:?}: the document changed", case.tool);
        assert_eq!(ed.document().revision(), revision, "{:?}", case.tool);
        assert!(ed.preview().is_none() || case.busy_after, "{:?}", case.tool);
    }
}

#[test]
fn interrupt_table() {
    let down = |x, y| ev(PointerKind::Down, x, y);
    let mv = |x, y| ev(PointerKind::Move, x, y);
    check_interrupts(vec![
        // A box being dragged is dropped.
        InterruptCase {
            tool: ToolName::Box,
            events: vec![down(10.0, 10.0), mv(20.0, 20.0), mv(30.0, 25.0)],
            held: true,
            busy_after: false,
        },
        InterruptCase {
            tool: ToolName::RotatedBox,
            events: vec![down(10.0, 10.0), mv(30.0, 25.0)],
            held: true,
            busy_after: false,
        },
        // A shape being moved goes back where it was.
        InterruptCase {
            tool: ToolName::Select,
            events: vec![down(50.0, 50.0), mv(55.0, 55.0), mv(70.0, 65.0)],
            held: true,
            busy_after: false,
        },
        // A rubber band disappears.
        InterruptCase {
            tool: ToolName::Select,
            events: vec![down(5.0, 5.0), mv(20.0, 20.0)],
            held: true,
            busy_after: false,
        },
        // A polygon drawn by clicks survives losing the pointer between clicks.
        InterruptCase {
            tool: ToolName::Polygon,
            events: vec![
                down(10.0, 10.0),
                ev(PointerKind::Up, 10.0, 10.0),
                down(30.0, 10.0),
                ev(PointerKind::Up, 30.0, 10.0),
            ],
            held: false,
            busy_after: true,
        },
        // Nothing under way: nothing happens.
        InterruptCase {
            tool: ToolName::Box,
            events: vec![mv(10.0, 10.0)],
            held: false,
            busy_after: false,
        },
    ]);
}

#[test]
fn after_an_interrupt_the_next_drag_draws_normally() {
    let mut ed = Editor::new(task(), "s");
    ed.pointer(ev(PointerKind::Down, 10.0, 10.0));
    ed.pointer(ev(PointerKind::Move, 40.0, 30.0));
    ed.interrupt();
    // The release of the lost gesture arrives late: it must not draw anything.
    assert!(ed
        .pointer(ev(PointerKind::Up, 40.0, 30.0))
        .committed
        .is_empty());
    assert_eq!(drag(&mut ed, (20.0, 20.0), (50.0, 40.0)).len(), 1);
    assert_eq!(
        only_box(&ed),
        BoxShape {
            x0: 20.0,
            y0: 20.0,
            x1: 50.0,
            y1: 40.0
        }
    );
}

#[test]
fn a_tool_edit_that_no_longer_applies_is_reported_not_dropped() {
    let mut ed = Editor::new(task(), "s");
    let ghost = Annotation::new(
        "ghost",
        "cat",
        Shape::Box(BoxShape::from_corners(
            Point::new(1.0, 1.0),
            Point::new(5.0, 5.0),
        )),
    );
    let out = ed.finish(ToolOutput {
        ops: vec![Op::Remove {
            annotation: ghost,
            index: None,
        }],
        ..ToolOutput::default()
    });
    assert!(out.committed.is_empty());
    let why = out.refused.expect("the refusal is reported");
    assert!(why.contains("ghost"), "{why}");
    assert!(!ed.can_undo());
}
