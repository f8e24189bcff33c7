//! Render planning: culling, batching, level of detail, incremental scene updates, plan reuse
//! and mask bitmaps.

use super::*;
use crate::history::{Flags, Op};
use crate::model::Origin;
use crate::model::{
    Annotation, BoxShape, ImageRef, Label, LabelSet, PolygonPart, PolygonShape, Task,
};

fn task(annotations: Vec<Annotation>) -> Task {
    Task {
        id: "t".into(),
        image: ImageRef {
            src: "x.png".into(),
            name: "x.png".into(),
            width: 1000,
            height: 1000,
            ..ImageRef::default()
        },
        labels: LabelSet {
            labels: vec![Label::new("cat", "#ff0000"), Label::new("dog", "#00ff00")],
            ..LabelSet::default()
        },
        annotations,
        ..Task::default()
    }
}

fn boxed(id: &str, label: &str, x0: f64, y0: f64, x1: f64, y1: f64) -> Annotation {
    Annotation::new(
        id,
        label,
        Shape::Box(BoxShape::from_corners(
            Point::new(x0, y0),
            Point::new(x1, y1),
        )),
    )
}

fn square(cx: f64, cy: f64, r: f64, clockwise: bool) -> Vec<Point> {
    let mut ring = vec![
        Point::new(cx - r, cy - r),
        Point::new(cx + r, cy - r),
        Point::new(cx + r, cy + r),
        Point::new(cx - r, cy + r),
    ];
    if !clockwise {
        ring.reverse();
    }
    ring
}

fn plan_of(doc: &Document, region: (f64, f64, f64, f64), scale: f64) -> RenderPlan {
    plan(&PlanInput {
        doc,
        exclude: &[],
        region,
        scale,
    })
}

/// The rings of a batch's area commands as point lists (rects as 4 points).
fn rings(cmds: &[f64]) -> Vec<Vec<Point>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < cmds.len() {
        if cmds[i] == CMD_RECT {
            let (x, y, w, h) = (cmds[i + 1], cmds[i + 2], cmds[i + 3], cmds[i + 4]);
            out.push(vec![
                Point::new(x, y),
                Point::new(x + w, y),
                Point::new(x + w, y + h),
                Point::new(x, y + h),
            ]);
            i += 5;
        } else {
            let n = cmds[i + 1] as usize;
            out.push(
                (0..n)
                    .map(|k| Point::new(cmds[i + 2 + 2 * k], cmds[i + 3 + 2 * k]))
                    .collect(),
            );
            i += 2 + 2 * n;
        }
    }
    out
}

#[test]
fn one_batch_per_colour_and_only_what_the_region_meets() {
    let t = task(vec![
        boxed("a", "cat", 10.0, 10.0, 20.0, 20.0),
        boxed("b", "dog", 30.0, 30.0, 40.0, 40.0),
        boxed("c", "cat", 50.0, 50.0, 60.0, 60.0),
        boxed("far", "cat", 900.0, 900.0, 950.0, 950.0),
    ]);
    let doc = Document::new(t.clone());
    let p = plan_of(&doc, (0.0, 0.0, 100.0, 100.0), 1.0);
    assert_eq!(p.shapes, 3);
    assert_eq!(p.batches.len(), 2);
    let cat = &p.batches[0];
    assert_eq!(cat.color, "#ff0000");
    assert_eq!(rings(&cat.areas).len(), 2, "a and c share one batch");
    assert_eq!(p.batches[1].color, "#00ff00");
    assert_eq!(rings(&p.batches[1].areas).len(), 1);
}

#[test]
fn predictions_under_review_are_drawn_one_by_one_and_join_the_batches_once_accepted() {
    let mut predicted = boxed("p", "cat", 30.0, 30.0, 40.0, 40.0);
    predicted.origin = Origin::Prediction {
        score: 0.8,
        model: "m".into(),
    };
    let mut t = task(vec![boxed("a", "cat", 10.0, 10.0, 20.0, 20.0), predicted]);
    let doc = Document::new(t.clone());
    let p = plan_of(&doc, (0.0, 0.0, 100.0, 100.0), 1.0);
    assert_eq!(p.shapes, 2);
    assert_eq!(p.singles, vec![AnnotationId("p".into())]);
    assert_eq!(
        rings(&p.batches[0].areas).len(),
        1,
        "only the human box is batched"
    );
    t.annotations[1].origin = Origin::Human;
    let doc = Document::new(t.clone());
    let p = plan_of(&doc, (0.0, 0.0, 100.0, 100.0), 1.0);
    assert!(p.singles.is_empty());
    assert_eq!(rings(&p.batches[0].areas).len(), 2);
}

#[test]
fn batches_follow_z_then_label_order_and_exclusions_and_hidden_are_left_out() {
    let mut top = boxed("top", "cat", 0.0, 0.0, 10.0, 10.0);
    top.z = 1;
    let mut hidden = boxed("hidden", "dog", 0.0, 0.0, 10.0, 10.0);
    hidden.hidden = true;
    let t = task(vec![
        top,
        boxed("dog", "dog", 0.0, 0.0, 10.0, 10.0),
        boxed("cat", "cat", 0.0, 0.0, 10.0, 10.0),
        boxed("sel", "cat", 0.0, 0.0, 10.0, 10.0),
        hidden,
    ]);
    let doc = Document::new(t.clone());
    let exclude = [AnnotationId("sel".into())];
    let p = plan(&PlanInput {
        doc: &doc,
        exclude: &exclude,
        region: (0.0, 0.0, 100.0, 100.0),
        scale: 1.0,
    });
    let order: Vec<(i64, &str, usize)> = p
        .batches
        .iter()
        .map(|b| (b.z, b.color.as_str(), rings(&b.areas).len()))
        .collect();
    assert_eq!(
        order,
        vec![(0, "#ff0000", 1), (0, "#00ff00", 1), (1, "#ff0000", 1)]
    );
    assert_eq!(p.shapes, 3);
}

#[test]
fn shapes_smaller_than_a_dot_on_screen_become_dots() {
    let t = task(vec![boxed("a", "cat", 10.0, 10.0, 13.0, 13.0)]);
    let doc = Document::new(t.clone());
    // At scale 0.5 the 3-pixel box is 1.5 screen pixels: a dot.
    let far = plan_of(&doc, (0.0, 0.0, 1000.0, 1000.0), 0.5);
    assert_eq!(far.dots, 1);
    assert!(far.batches.is_empty(), "dots are not batched");
    // One cell of DOT_PX screen pixels holding the box's centre, in the class colour.
    let d = far.density.as_ref().unwrap();
    let cell = DOT_PX / 0.5;
    assert_eq!((d.cell, d.cols, d.rows), (cell, 1, 1));
    assert!(d.x0 <= 11.5 && 11.5 < d.x0 + cell && d.y0 <= 11.5 && 11.5 < d.y0 + cell);
    assert_eq!(&d.rgba[..3], &parse_hex_color("#ff0000"));
    // At scale 1 it is 3 screen pixels: painted into the solid raster, one cell per screen
    // pixel over its bounds, no outline.
    let small = plan_of(&doc, (0.0, 0.0, 1000.0, 1000.0), 1.0);
    assert_eq!((small.dots, small.solids), (0, 1));
    assert!(small.batches.is_empty());
    let raster = small.solid.as_ref().unwrap();
    assert_eq!(
        (raster.x0, raster.y0, raster.cell, raster.cols, raster.rows),
        (10.0, 10.0, 1.0, 3, 3)
    );
    assert_eq!(&raster.rgba[..3], &parse_hex_color("#ff0000"));
    // At scale 4 it is 12 screen pixels: fill and outline.
    let near = plan_of(&doc, (0.0, 0.0, 1000.0, 1000.0), 4.0);
    assert_eq!((near.dots, near.solids), (0, 0));
    assert!(near.solid.is_none());
    assert_eq!(
        rings(&near.batches[0].areas),
        vec![square(11.5, 11.5, 1.5, true)]
    );
}

#[test]
fn exteriors_are_positive_and_holes_negative_whatever_their_input_direction() {
    for (ext_cw, hole_cw) in [(true, true), (false, false), (true, false), (false, true)] {
        let poly = Shape::Polygon(PolygonShape {
            parts: vec![PolygonPart {
                exterior: square(100.0, 100.0, 50.0, ext_cw),
                holes: vec![square(100.0, 100.0, 10.0, hole_cw)],
            }],
        });
        let t = task(vec![Annotation::new("p", "cat", poly)]);
        let doc = Document::new(t.clone());
        let p = plan_of(&doc, (0.0, 0.0, 1000.0, 1000.0), 1.0);
        let r = rings(&p.batches[0].areas);
        assert_eq!(r.len(), 2);
        assert!(signed_area2(&r[0]) > 0.0, "exterior {ext_cw} {hole_cw}");
        assert!(signed_area2(&r[1]) < 0.0, "hole {ext_cw} {hole_cw}");
    }
}

#[test]
fn outlines_drop_vertices_closer_than_the_tolerance_on_screen() {
    // A circle of 50 vertices, radius 20: neighbours are about 2.5 pixels apart.
    let ring: Vec<Point> = (0..50)
        .map(|i| {
            let a = std::f64::consts::TAU * f64::from(i) / 50.0;
            Point::new(500.0 + 20.0 * a.cos(), 500.0 + 20.0 * a.sin())
        })
        .collect();
    let t = task(vec![Annotation::new(
        "p",
        "cat",
        Shape::Polygon(PolygonShape::simple(ring.clone())),
    )]);
    let doc = Document::new(t.clone());
    let full = plan_of(&doc, (0.0, 0.0, 1000.0, 1000.0), 1.0);
    assert_eq!(rings(&full.batches[0].areas)[0].len(), 50);
    let coarse = plan_of(&doc, (0.0, 0.0, 1000.0, 1000.0), 0.25);
    // 10 screen pixels across: outlined, simplified.
    let kept = &rings(&coarse.batches[0].areas)[0];
    assert!(kept.len() >= 3 && kept.len() < 50, "{}", kept.len());
    let tol = SIMPLIFY_PX / 0.25;
    for w in kept.windows(2) {
        assert!((w[0].x - w[1].x).hypot(w[0].y - w[1].y) >= tol);
    }
    // Every kept vertex is one of the input's.
    assert!(kept.iter().all(|p| ring.contains(p)));
}

#[test]
fn open_lines_keep_their_end_points() {
    let points: Vec<Point> = (0..20).map(|i| Point::new(f64::from(i), 0.0)).collect();
    let t = task(vec![Annotation::new(
        "l",
        "dog",
        Shape::Polyline {
            points: points.clone(),
        },
    )]);
    let doc = Document::new(t.clone());
    let p = plan_of(&doc, (0.0, -10.0, 100.0, 10.0), 0.2);
    let b = &p.batches[0];
    assert!(b.areas.is_empty());
    let line = &rings(&b.lines)[0];
    assert_eq!(line.first(), points.first());
    assert_eq!(line.last(), points.last());
    assert!(line.len() < points.len());
}

#[test]
fn masks_and_keypoints_are_listed_for_the_painter_in_stacking_order() {
    let mask = MaskRle {
        width: 4,
        height: 4,
        counts: vec![5, 2, 9],
    };
    let mut low = Annotation::new("m2", "cat", Shape::Mask(mask.clone()));
    low.z = -1;
    let t = task(vec![
        Annotation::new("m1", "cat", Shape::Mask(mask)),
        Annotation::new(
            "k",
            "cat",
            Shape::Keypoints {
                points: vec![crate::model::Keypoint {
                    name: "nose".into(),
                    x: 1.0,
                    y: 1.0,
                    visibility: crate::model::Visibility::Visible,
                }],
            },
        ),
        low,
    ]);
    let doc = Document::new(t.clone());
    let p = plan_of(&doc, (0.0, 0.0, 10.0, 10.0), 1.0);
    assert_eq!(
        p.masks,
        vec![AnnotationId("m2".into()), AnnotationId("m1".into())]
    );
    assert_eq!(p.singles, vec![AnnotationId("k".into())]);
    assert!(p.batches.is_empty());
}

#[test]
fn the_document_follows_ops_like_a_rebuild() {
    let t = task(vec![
        boxed("a", "cat", 10.0, 10.0, 20.0, 20.0),
        boxed("b", "dog", 30.0, 30.0, 40.0, 40.0),
        boxed("c", "cat", 50.0, 50.0, 60.0, 60.0),
    ]);
    let mut doc = Document::new(t.clone());
    let mut scene = Scene::new(&doc);
    let before = scene.version();
    let b = t.annotations[1].clone();
    let ops = vec![
        Op::SetShape {
            id: AnnotationId("a".into()),
            before: t.annotations[0].shape.clone(),
            after: Shape::Box(BoxShape::from_corners(
                Point::new(700.0, 700.0),
                Point::new(710.0, 710.0),
            )),
        },
        Op::Remove {
            annotation: b,
            index: Some(1),
        },
        Op::Add {
            annotation: boxed("d", "dog", 5.0, 5.0, 8.0, 8.0),
            index: None,
        },
        Op::SetFlags {
            id: AnnotationId("c".into()),
            before: Flags::default(),
            after: Flags {
                hidden: true,
                ..Flags::default()
            },
        },
    ];
    for op in &ops {
        op.apply(&mut doc).unwrap();
    }
    assert!(scene.update(&doc));
    assert!(scene.version() > before);
    assert_eq!(doc.index().len(), doc.task().annotations.len());
    assert!(doc.annotation_revision(&AnnotationId("a".into())) > 0);
    assert!(doc.annotation_revision(&AnnotationId("d".into())) > 0);
    assert_eq!(doc.annotation_revision(&AnnotationId("zz".into())), 0);
    let region = (0.0, 0.0, 100.0, 100.0);
    let incremental = plan_of(&doc, region, 1.0);
    let fresh = plan_of(&Document::new(doc.task().clone()), region, 1.0);
    assert_eq!(incremental, fresh);
    // Only d is left near the origin: a moved away, b removed, c hidden.
    assert_eq!(incremental.shapes, 1);
    // d is 3 pixels across: painted in its class colour into the solid raster.
    assert!(incremental.batches.is_empty());
    let solid = incremental.solid.as_ref().unwrap();
    assert_eq!(&solid.rgba[..3], &parse_hex_color("#00ff00"));
    // Undo everything: back to the first plan.
    for op in ops.iter().rev() {
        op.invert().apply(&mut doc).unwrap();
    }
    assert!(scene.update(&doc));
    assert_eq!(
        plan_of(&doc, region, 1.0),
        plan_of(&Document::new(doc.task().clone()), region, 1.0)
    );
    assert_eq!(plan_of(&doc, region, 1.0).shapes, 3);
    assert_eq!(doc.task(), &t);
}

#[test]
fn a_scene_catches_up_only_when_the_document_changed_or_is_another() {
    let t = task(vec![boxed("a", "cat", 10.0, 10.0, 20.0, 20.0)]);
    let doc = Document::new(t);
    let mut scene = Scene::new(&doc);
    assert!(!scene.update(&doc));
    let mut other = task(vec![]);
    other.id = "other".into();
    let other = Document::new(other);
    assert!(scene.update(&other));
    assert_eq!(scene.take_dirty(), Some(Dirty::All));
    assert_eq!(plan_of(&other, (0.0, 0.0, 100.0, 100.0), 1.0).shapes, 0);
}

#[test]
fn plans_are_reused_for_small_pans_and_zooms_in_one_bucket_only() {
    let visible = (100.0, 100.0, 300.0, 200.0);
    let key = PlanKey::for_view(3, &[], visible, 1.0);
    let (x0, y0, x1, y1) = key.region;
    assert!(
        x0 <= 0.0 && y0 <= 50.0 && x1 >= 400.0 && y1 >= 250.0,
        "{:?}",
        key.region
    );
    assert!(key.reusable_for(3, &[], visible, 1.0));
    assert!(key.reusable_for(3, &[], (150.0, 120.0, 350.0, 220.0), 1.1));
    assert!(!key.reusable_for(4, &[], visible, 1.0), "data changed");
    assert!(!key.reusable_for(3, &[AnnotationId("a".into())], visible, 1.0));
    assert!(!key.reusable_for(3, &[], visible, 1.5), "another bucket");
    assert!(!key.reusable_for(3, &[], (1000.0, 100.0, 1200.0, 200.0), 1.0));
    // While zooming, the bitmap of another bucket may stand in if it covers the view.
    assert!(key.stretchable_for(3, &[], (200.0, 150.0, 250.0, 180.0)));
    assert!(!key.stretchable_for(4, &[], visible), "data changed");
    assert!(!key.stretchable_for(3, &[AnnotationId("a".into())], visible));
    assert!(
        !key.stretchable_for(3, &[], (1000.0, 100.0, 1200.0, 200.0)),
        "view outside"
    );
}

#[test]
fn buckets_are_a_square_root_of_two_apart() {
    for s in [0.01, 0.1, 0.7, 1.0, 1.3, 4.0, 33.0] {
        let b = scale_bucket(s);
        assert!(
            bucket_scale(b) <= s + 1e-12 && s < bucket_scale(b + 1),
            "{s}"
        );
    }
    assert_eq!(scale_bucket(0.0), 0);
    assert_eq!(scale_bucket(f64::NAN), 0);
}

#[test]
fn mask_bitmaps_hold_exactly_the_set_pixels_over_their_bounds() {
    // 5 × 4 mask (column-major): pixels (1,1), (1,2), (3,0), (3,3) and column 4 rows 0-1.
    let (w, h) = (5u32, 4u32);
    let set = [(1, 1), (1, 2), (3, 0), (3, 3), (4, 0), (4, 1)];
    let mut flat = vec![0u8; (w * h) as usize];
    for (x, y) in set {
        flat[(x * h + y) as usize] = 1;
    }
    let mut counts = Vec::new();
    let mut current = 0u8;
    let mut run = 0u32;
    for v in &flat {
        if *v != current {
            counts.push(run);
            run = 0;
            current = *v;
        }
        run += 1;
    }
    counts.push(run);
    let m = MaskRle {
        width: w,
        height: h,
        counts,
    };
    let b = mask_bitmap(&m, [10, 20, 30], 1).unwrap();
    assert_eq!((b.x, b.y, b.width, b.height, b.step), (1, 0, 4, 4, 1));
    for row in 0..4 {
        for col in 0..4 {
            let at = ((row * 4 + col) * 4) as usize;
            let on = set.contains(&(col + 1, row));
            let want = if on { [10, 20, 30, 255] } else { [0, 0, 0, 0] };
            assert_eq!(&b.rgba[at..at + 4], &want, "({col},{row})");
        }
    }
    // Step 2: a block is set when any of its pixels is.
    let half = mask_bitmap(&m, [1, 2, 3], 2).unwrap();
    assert_eq!((half.x, half.y, half.width, half.height), (0, 0, 3, 2));
    let alpha: Vec<u8> = half.rgba.chunks(4).map(|p| p[3]).collect();
    assert_eq!(alpha, vec![255, 255, 255, 255, 255, 0]);
    let empty = MaskRle {
        width: 2,
        height: 2,
        counts: vec![4],
    };
    assert_eq!(mask_bitmap(&empty, [0, 0, 0], 1), None);
}

#[test]
fn mask_steps_and_colours() {
    assert_eq!(mask_step(2.0), 1);
    assert_eq!(mask_step(1.0), 1);
    assert_eq!(mask_step(0.5), 2);
    assert_eq!(mask_step(0.3), 2);
    assert_eq!(mask_step(0.25), 4);
    assert_eq!(parse_hex_color("#e6194b"), [0xe6, 0x19, 0x4b]);
    assert_eq!(parse_hex_color("#f00"), [255, 0, 0]);
    assert_eq!(parse_hex_color("red"), [255, 255, 255]);
}

#[test]
fn dirty_region_is_the_union_of_old_and_new_bounds_of_what_ops_touch() {
    let t = task(vec![
        boxed("a", "cat", 10.0, 10.0, 20.0, 20.0),
        boxed("b", "dog", 30.0, 30.0, 40.0, 40.0),
    ]);
    let mut doc = Document::new(t.clone());
    let mut scene = Scene::new(&doc);
    assert_eq!(scene.take_dirty(), Some(Dirty::All));
    assert_eq!(scene.take_dirty(), None);
    let since = scene.version();
    let moved = Op::SetShape {
        id: AnnotationId("a".into()),
        before: t.annotations[0].shape.clone(),
        after: Shape::Box(BoxShape::from_corners(
            Point::new(100.0, 110.0),
            Point::new(120.0, 130.0),
        )),
    };
    moved.apply(&mut doc).unwrap();
    scene.update(&doc);
    assert_eq!(
        scene.take_dirty(),
        Some(Dirty::Region {
            since,
            rect: (10.0, 10.0, 120.0, 130.0),
            changes: vec![(
                Some((10.0, 10.0, 20.0, 20.0)),
                Some((100.0, 110.0, 120.0, 130.0))
            )],
        })
    );
    // Two catch-ups before a frame: the regions add up and `since` stays the first version.
    let since = scene.version();
    let add = Op::Add {
        annotation: boxed("c", "cat", 200.0, 5.0, 210.0, 15.0),
        index: None,
    };
    add.apply(&mut doc).unwrap();
    scene.update(&doc);
    let remove = Op::Remove {
        annotation: doc.task().annotations[1].clone(),
        index: Some(1),
    };
    remove.apply(&mut doc).unwrap();
    scene.update(&doc);
    let changes = vec![
        (None, Some((200.0, 5.0, 210.0, 15.0))),
        (Some((30.0, 30.0, 40.0, 40.0)), None),
    ];
    assert_eq!(
        scene.take_dirty(),
        Some(Dirty::Region {
            since,
            rect: (30.0, 5.0, 210.0, 40.0),
            changes: changes.clone(),
        })
    );
    // A plan's count follows the changes without querying the index: over the whole image one
    // shape came and one went; over the left part only one went; the rectangle's edge counts.
    assert_eq!(count_delta(&changes, (0.0, 0.0, 1000.0, 1000.0)), 0);
    assert_eq!(count_delta(&changes, (0.0, 0.0, 150.0, 150.0)), -1);
    assert_eq!(count_delta(&changes, (210.0, 15.0, 300.0, 300.0)), 1);
    // Hiding is leaving the count; the region still covers where it was drawn.
    let hide = Op::SetFlags {
        id: AnnotationId("c".into()),
        before: Flags::default(),
        after: Flags {
            hidden: true,
            ..Flags::default()
        },
    };
    hide.apply(&mut doc).unwrap();
    scene.update(&doc);
    let Some(Dirty::Region { rect, changes, .. }) = scene.take_dirty() else {
        panic!("a region");
    };
    assert_eq!(rect, (200.0, 5.0, 210.0, 15.0));
    assert_eq!(changes, vec![(Some((200.0, 5.0, 210.0, 15.0)), None)]);
    // Counting the index afresh agrees with the running count.
    let index = doc.index();
    assert_eq!(index.visible_in(0.0, 0.0, 1000.0, 1000.0).len(), 1);
    // Another task: everything.
    let mut other = doc.task().clone();
    other.id = "other".into();
    scene.update(&Document::new(other));
    assert_eq!(scene.take_dirty(), Some(Dirty::All));
}

#[test]
fn dirty_layer_rect_pads_rounds_outwards_and_clips_to_the_layer() {
    // Layer origin (100, 50) in image pixels, 2 layer pixels per image pixel, 400 × 300 pixels.
    let r = dirty_layer_rect(
        (110.2, 60.0, 120.0, 70.6),
        1.0,
        (100.0, 50.0),
        2.0,
        (400.0, 300.0),
    );
    assert_eq!(r, Some((18.0, 18.0, 24.0, 26.0)));
    // Sticking out on the left/top: clipped at 0.
    let r = dirty_layer_rect(
        (90.0, 40.0, 101.0, 51.0),
        0.0,
        (100.0, 50.0),
        2.0,
        (400.0, 300.0),
    );
    assert_eq!(r, Some((0.0, 0.0, 2.0, 2.0)));
    // Entirely off the layer or empty: nothing to redraw.
    assert_eq!(
        dirty_layer_rect(
            (500.0, 0.0, 600.0, 10.0),
            1.0,
            (100.0, 50.0),
            2.0,
            (400.0, 300.0)
        ),
        None
    );
    assert_eq!(
        dirty_layer_rect(
            (f64::NAN, 0.0, 1.0, 1.0),
            1.0,
            (0.0, 0.0),
            1.0,
            (10.0, 10.0)
        ),
        None
    );
    assert_eq!(
        union_rect(Some((0.0, 5.0, 1.0, 6.0)), Some((-1.0, 7.0, 0.5, 9.0))),
        Some((-1.0, 5.0, 1.0, 9.0))
    );
    assert_eq!(
        union_rect(None, Some((1.0, 1.0, 2.0, 2.0))),
        Some((1.0, 1.0, 2.0, 2.0))
    );
}

#[test]
fn svg_path_data_follows_the_commands_in_chunks() {
    let cmds = [
        CMD_RECT, 1.0, 2.5, 3.0, 4.0, // a rectangle
        CMD_RING, 3.0, 0.0, 0.0, 10.0, 0.0, -0.0005, 7.1234, // a closed triangle
        CMD_LINE, 2.0, -1.25, 0.5, 2.0, 3.0, // an open line
    ];
    assert_eq!(
        svg_paths(&cmds, 100),
        vec!["M1 2.5h3v4h-3ZM0 0L10 0L-0.001 7.123ZM-1.25 0.5L2 3".to_string()]
    );
    assert_eq!(
        svg_paths(&cmds, 2),
        vec![
            "M1 2.5h3v4h-3ZM0 0L10 0L-0.001 7.123Z".to_string(),
            "M-1.25 0.5L2 3".to_string()
        ]
    );
    assert_eq!(
        svg_rects(&[0.0, 0.0, 1.0, 1.0, 5.0, 5.0, 0.25, 0.5], 1),
        vec![
            "M0 0h1v1h-1Z".to_string(),
            "M5 5h0.25v0.5h-0.25Z".to_string()
        ]
    );
    assert!(svg_paths(&[], 10).is_empty());
    // The same strings a chunk at a time, each resuming where the last one stopped.
    let (first, next) = svg_path_chunk(&cmds, 0, 2);
    assert_eq!(
        (first.as_str(), next),
        ("M1 2.5h3v4h-3ZM0 0L10 0L-0.001 7.123Z", 13)
    );
    let (second, end) = svg_path_chunk(&cmds, next, 2);
    assert_eq!((second.as_str(), end), ("M-1.25 0.5L2 3", cmds.len()));
}

/// A random edit of a list of `len` annotations: add (at a position or at the end) or remove
/// (by a number that picks an existing annotation).
#[derive(Clone, Debug)]
enum ListEdit {
    Add(Option<usize>),
    Remove(usize),
}

fn list_edit() -> impl proptest::strategy::Strategy<Value = ListEdit> {
    use proptest::prelude::*;
    prop_oneof![
        proptest::option::of(0usize..40).prop_map(ListEdit::Add),
        (0usize..1000).prop_map(ListEdit::Remove),
    ]
}

proptest::proptest! {
    /// Positions and stacking kept up to date incrementally after adds and removes (single or
    /// in batches, at any index, as undo puts them back) equal those of a document built from
    /// scratch: every id maps to its list position, and the index stacks in list order.
    #[test]
    fn incremental_positions_equal_a_rebuild(
        start in 0usize..30,
        rounds in proptest::collection::vec(proptest::collection::vec(list_edit(), 1..6), 1..8),
    ) {
        let t = task(
            (0..start)
                .map(|i| boxed(&format!("s{i}"), "cat", i as f64, 0.0, i as f64 + 1.0, 1.0))
                .collect(),
        );
        let mut doc = Document::new(t);
        let mut next = 0;
        for (r, edits) in rounds.iter().enumerate() {
            // Each op is made against the list as the ops before it left it.
            let mut working = doc.task().clone();
            let mut ops = Vec::new();
            for e in edits {
                let op = match e {
                    ListEdit::Add(index) => {
                        next += 1;
                        Op::Add {
                            annotation: boxed(&format!("n{next}"), "dog", 5.0, 5.0, 9.0, 9.0),
                            index: *index,
                        }
                    }
                    ListEdit::Remove(k) if !working.annotations.is_empty() => {
                        let i = k % working.annotations.len();
                        Op::Remove { annotation: working.annotations[i].clone(), index: Some(i) }
                    }
                    ListEdit::Remove(_) => continue,
                };
                op.apply_to_task(&mut working).unwrap();
                ops.push(op);
            }
            // Odd rounds go in as one batch (one undo step), even ones op by op.
            if r % 2 == 1 {
                Op::Batch { ops }.apply(&mut doc).unwrap();
            } else {
                for op in &ops {
                    op.apply(&mut doc).unwrap();
                }
            }
            proptest::prop_assert_eq!(doc.task(), &working);
            let fresh = Document::new(doc.task().clone());
            for (i, a) in doc.task().annotations.iter().enumerate() {
                proptest::prop_assert_eq!(doc.position(&a.id), Some(i));
                proptest::prop_assert_eq!(fresh.position(&a.id), Some(i));
            }
            let all = (-1e9, -1e9, 1e9, 1e9);
            proptest::prop_assert_eq!(
                doc.index().visible_in(all.0, all.1, all.2, all.3),
                fresh.index().visible_in(all.0, all.1, all.2, all.3)
            );
            proptest::prop_assert_eq!(doc.index().len(), doc.task().annotations.len());
        }
    }
}

#[test]
fn a_shape_drawn_on_top_has_the_commands_the_plan_gives_it() {
    let mut poly = PolygonShape::simple(square(50.0, 50.0, 20.0, true));
    poly.parts[0].holes.push(square(50.0, 50.0, 5.0, false));
    let shapes = [
        boxed("b", "cat", 10.0, 10.0, 30.0, 40.0).shape,
        Shape::Polygon(poly),
        Shape::Polyline {
            points: vec![
                Point::new(0.0, 0.0),
                Point::new(90.0, 5.0),
                Point::new(95.0, 95.0),
            ],
        },
    ];
    for shape in shapes {
        let doc = Document::new(task(vec![Annotation::new("s", "cat", shape.clone())]));
        // At a large zoom the plan keeps every vertex, as the full-detail commands do.
        let planned = plan_of(&doc, (-10.0, -10.0, 200.0, 200.0), 1000.0);
        let batch = &planned.batches[0];
        let own = shape_commands(&shape);
        assert_eq!(
            (&own.areas, &own.lines),
            (&batch.areas, &batch.lines),
            "{shape:?}"
        );
    }
}
