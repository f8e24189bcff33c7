//! The tools as tables: events in, the path of states and the ops out, each row replayed by one
//! [`check`] helper. A row says what a person does and what must come of it.

use super::*;
use crate::model::{BoxShape, ImageRef, Label, LabelSet};

/// One thing a person does.
#[derive(Clone, Copy, Debug)]
enum Step {
    /// Press at image pixel (x, y).
    Down(f64, f64),
    /// Move there (button held or not).
    Move(f64, f64),
    /// Release there.
    Up(f64, f64),
    /// `Enter`.
    Finish,
    /// `Esc`.
    Cancel,
    /// The pointer is lost (cancelled, capture lost, window blurred).
    Interrupt,
    /// `Delete`.
    Delete,
}

/// One row: the tool, what is in the task and selected first, the steps, the state after each
/// step, and the kinds of the ops committed (a batch as `batch(…)`).
struct Row {
    name: &'static str,
    tool: ToolName,
    boxes: &'static [(&'static str, [f64; 4])],
    selected: &'static [&'static str],
    steps: &'static [Step],
    path: &'static [&'static str],
    ops: &'static [&'static str],
}

fn task() -> Task {
    Task {
        id: "t".into(),
        image: ImageRef {
            src: "x.png".into(),
            name: "x.png".into(),
            width: 200,
            height: 100,
            ..Default::default()
        },
        labels: LabelSet {
            labels: vec![Label::new("cat", "#f00")],
            ..LabelSet::default()
        },
        ..Task::default()
    }
}

fn op_kind(op: &Op) -> String {
    match op {
        Op::Batch { ops } => format!(
            "batch({})",
            ops.iter().map(op_kind).collect::<Vec<_>>().join(", ")
        ),
        Op::Add { .. } => "add".into(),
        Op::Remove { .. } => "remove".into(),
        Op::SetShape { .. } => "set_shape".into(),
        Op::Relabel { .. } => "relabel".into(),
        Op::SetAttribute { .. } => "set_attribute".into(),
        Op::SetFlags { .. } => "set_flags".into(),
        Op::SetTags { .. } => "set_tags".into(),
        Op::SetLabels { .. } => "set_labels".into(),
        Op::MaskStroke { .. } => "mask_stroke".into(),
    }
}

/// Replays every row and checks its state path and ops; all failures are reported together.
fn check(rows: &[Row]) {
    let mut failures = Vec::new();
    for row in rows {
        let mut t = task();
        for (id, [x0, y0, x1, y1]) in row.boxes {
            t.annotations.push(Annotation::new(
                *id,
                "cat",
                Shape::Box(BoxShape {
                    x0: *x0,
                    y0: *y0,
                    x1: *x1,
                    y1: *y1,
                }),
            ));
        }
        let mut ed = Editor::new(t, "s");
        ed.select(
            row.selected
                .iter()
                .map(|s| AnnotationId((*s).into()))
                .collect(),
        );
        ed.set_tool(row.tool);
        let mut path = Vec::new();
        let mut ops = Vec::new();
        for step in row.steps {
            let ev = |kind, x, y| PointerEvent {
                kind,
                pos: Point::new(x, y),
                mods: Modifiers::default(),
                scale: 1.0,
            };
            let out = match *step {
                Step::Down(x, y) => ed.pointer(ev(PointerKind::Down, x, y)),
                Step::Move(x, y) => ed.pointer(ev(PointerKind::Move, x, y)),
                Step::Up(x, y) => ed.pointer(ev(PointerKind::Up, x, y)),
                Step::Finish => ed.finish_shape(),
                Step::Cancel => ed.cancel(),
                Step::Interrupt => ed.interrupt(),
                Step::Delete => ed.delete(),
            };
            assert!(out.refused.is_none(), "{}: {:?}", row.name, out.refused);
            ops.extend(out.committed.iter().map(op_kind));
            path.push(ed.tool().behavior().state());
        }
        if path != row.path || ops != row.ops {
            failures.push(format!(
                "{}: states {path:?} (expected {:?}), ops {ops:?} (expected {:?})",
                row.name, row.path, row.ops
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

use Step::{Cancel, Delete, Down, Finish, Interrupt, Move, Up};

#[test]
fn box_tools() {
    check(&[
        Row {
            name: "drag draws one box",
            tool: ToolName::Box,
            boxes: &[],
            selected: &[],
            steps: &[
                Down(10.0, 10.0),
                Move(15.0, 12.0),
                Move(40.0, 30.0),
                Up(40.0, 30.0),
            ],
            path: &["pointing", "dragging", "dragging", "idle"],
            ops: &["add"],
        },
        Row {
            name: "a click is not a box",
            tool: ToolName::Box,
            boxes: &[],
            selected: &[],
            steps: &[Down(10.0, 10.0), Move(11.0, 11.0), Up(11.0, 11.0)],
            path: &["pointing", "pointing", "idle"],
            ops: &[],
        },
        Row {
            name: "Esc mid-drag draws nothing",
            tool: ToolName::RotatedBox,
            boxes: &[],
            selected: &[],
            steps: &[Down(10.0, 10.0), Move(40.0, 30.0), Cancel, Up(40.0, 30.0)],
            path: &["pointing", "dragging", "idle", "idle"],
            ops: &[],
        },
        Row {
            name: "a lost pointer mid-drag draws nothing",
            tool: ToolName::Box,
            boxes: &[],
            selected: &[],
            steps: &[
                Down(10.0, 10.0),
                Move(40.0, 30.0),
                Interrupt,
                Up(40.0, 30.0),
            ],
            path: &["pointing", "dragging", "idle", "idle"],
            ops: &[],
        },
    ]);
}

#[test]
fn line_tools() {
    check(&[
        Row {
            name: "three clicks and Enter make a polygon",
            tool: ToolName::Polygon,
            boxes: &[],
            selected: &[],
            steps: &[
                Down(10.0, 10.0),
                Up(10.0, 10.0),
                Down(60.0, 10.0),
                Up(60.0, 10.0),
                Down(60.0, 60.0),
                Up(60.0, 60.0),
                Finish,
            ],
            path: &[
                "drawing", "drawing", "drawing", "drawing", "drawing", "drawing", "idle",
            ],
            ops: &["add"],
        },
        Row {
            name: "a polygon survives a lost pointer between clicks",
            tool: ToolName::Polygon,
            boxes: &[],
            selected: &[],
            steps: &[
                Down(10.0, 10.0),
                Up(10.0, 10.0),
                Down(60.0, 10.0),
                Up(60.0, 10.0),
                Interrupt,
                Down(60.0, 60.0),
                Up(60.0, 60.0),
                Finish,
            ],
            path: &[
                "drawing", "drawing", "drawing", "drawing", "drawing", "drawing", "drawing", "idle",
            ],
            ops: &["add"],
        },
        Row {
            name: "Delete takes back the last vertex, not the selection",
            tool: ToolName::Polyline,
            boxes: &[("a", [150.0, 10.0, 190.0, 40.0])],
            selected: &["a"],
            steps: &[
                Down(10.0, 10.0),
                Up(10.0, 10.0),
                Down(60.0, 10.0),
                Up(60.0, 10.0),
                Delete,
                Down(60.0, 60.0),
                Up(60.0, 60.0),
                Finish,
            ],
            path: &[
                "drawing", "drawing", "drawing", "drawing", "drawing", "drawing", "drawing", "idle",
            ],
            ops: &["add"],
        },
        Row {
            name: "Esc drops the line being drawn",
            tool: ToolName::Polyline,
            boxes: &[],
            selected: &[],
            steps: &[
                Down(10.0, 10.0),
                Up(10.0, 10.0),
                Down(60.0, 10.0),
                Up(60.0, 10.0),
                Cancel,
                Finish,
            ],
            path: &["drawing", "drawing", "drawing", "drawing", "idle", "idle"],
            ops: &[],
        },
    ]);
}

#[test]
fn select_tool() {
    check(&[
        Row {
            name: "dragging a selected box moves it",
            tool: ToolName::Select,
            boxes: &[("a", [20.0, 20.0, 60.0, 60.0])],
            selected: &["a"],
            steps: &[
                Down(40.0, 40.0),
                Move(45.0, 45.0),
                Move(80.0, 50.0),
                Up(80.0, 50.0),
            ],
            path: &["pointing", "moving", "moving", "idle"],
            ops: &["set_shape"],
        },
        Row {
            name: "a move interrupted leaves the box where it was",
            tool: ToolName::Select,
            boxes: &[("a", [20.0, 20.0, 60.0, 60.0])],
            selected: &["a"],
            steps: &[
                Down(40.0, 40.0),
                Move(80.0, 50.0),
                Interrupt,
                Up(80.0, 50.0),
            ],
            path: &["pointing", "moving", "idle", "idle"],
            ops: &[],
        },
        Row {
            name: "a click on empty image, then Delete, deletes nothing",
            tool: ToolName::Select,
            boxes: &[("a", [20.0, 20.0, 60.0, 60.0])],
            selected: &["a"],
            steps: &[Down(150.0, 80.0), Up(150.0, 80.0), Delete],
            path: &["pointing", "idle", "idle"],
            ops: &[],
        },
        Row {
            name: "Delete removes the selected box as one step",
            tool: ToolName::Select,
            boxes: &[
                ("a", [20.0, 20.0, 60.0, 60.0]),
                ("b", [100.0, 20.0, 120.0, 60.0]),
            ],
            selected: &["a", "b"],
            steps: &[Delete],
            path: &["idle"],
            ops: &["batch(remove, remove)"],
        },
        Row {
            name: "a drag on empty image is a rubber band",
            tool: ToolName::Select,
            boxes: &[("a", [20.0, 20.0, 60.0, 60.0])],
            selected: &[],
            steps: &[Down(5.0, 5.0), Move(90.0, 90.0), Up(90.0, 90.0)],
            path: &["pointing", "rubber band", "idle"],
            ops: &[],
        },
    ]);
}

#[test]
fn keypoint_tool() {
    check(&[Row {
        name: "points placed by clicks, Enter keeps them as one annotation",
        tool: ToolName::Keypoints,
        boxes: &[],
        selected: &[],
        steps: &[
            Down(10.0, 10.0),
            Up(10.0, 10.0),
            Down(20.0, 30.0),
            Up(20.0, 30.0),
            Finish,
        ],
        path: &["placing", "placing", "placing", "placing", "idle"],
        ops: &["add"],
    }]);
}

#[test]
fn paint_tools() {
    check(&[
        Row {
            name: "a brush stroke is one mask",
            tool: ToolName::Brush,
            boxes: &[],
            selected: &[],
            steps: &[
                Down(30.0, 30.0),
                Move(40.0, 32.0),
                Move(60.0, 35.0),
                Up(60.0, 35.0),
            ],
            path: &["painting", "painting", "painting", "idle"],
            ops: &["add"],
        },
        Row {
            name: "a stroke cut by a lost pointer paints nothing",
            tool: ToolName::Brush,
            boxes: &[],
            selected: &[],
            steps: &[Down(30.0, 30.0), Move(40.0, 32.0), Interrupt],
            path: &["painting", "painting", "idle"],
            ops: &[],
        },
    ]);
}
