//! YOLO: detect, segment, OBB and pose round trips, data.yaml forms, predictions, bad lines.

use super::support::{files_of, label_names, labels, mask, task};
use lasso_core::formats::{
    export, import, Dataset, DatasetFiles, ExportOptions, FormatName, ImageFile, Split,
};
use lasso_core::model::{
    Annotation, BoxShape, Keypoint, Origin, Point, PolygonPart, PolygonShape, RotatedBox, Shape,
    Visibility,
};
use lasso_core::raster::shape_polygon_to_rle;
use proptest::prelude::*;

fn pts(xy: &[(f64, f64)]) -> Vec<Point> {
    xy.iter().map(|&(x, y)| Point::new(x, y)).collect()
}

fn round_trip(ds: &Dataset, f: FormatName) -> Dataset {
    let out = export(f, ds, &ExportOptions::default()).unwrap();
    import(f, &files_of(&out, ds)).unwrap()
}

/// Coordinates are written with 6 decimals of the image size.
fn close(a: f64, b: f64, size: u32) -> bool {
    (a - b).abs() <= 1e-6 * f64::from(size) + 1e-9
}

fn same_box(a: &BoxShape, b: &BoxShape, w: u32, h: u32) -> bool {
    close(a.x0, b.x0, w) && close(a.x1, b.x1, w) && close(a.y0, b.y0, h) && close(a.y1, b.y1, h)
}

fn b(x0: f64, y0: f64, x1: f64, y1: f64) -> Shape {
    Shape::Box(BoxShape { x0, y0, x1, y1 })
}

fn detect_sample() -> Dataset {
    let mut ds = Dataset {
        labels: labels(&["cat", "dog", "yes"]),
        ..Default::default()
    };
    ds.tasks = vec![
        task(
            "a",
            "a.jpg",
            640,
            480,
            vec![
                Annotation::new("1", "cat", b(10.5, 20.0, 100.25, 200.0)),
                Annotation::new("2", "yes", b(0.0, 0.0, 640.0, 480.0)),
            ],
        ),
        task(
            "b",
            "b.png",
            33,
            17,
            vec![Annotation::new("1", "dog", b(1.0, 2.0, 3.0, 4.0))],
        ),
        task("c", "c.png", 10, 10, vec![]),
    ];
    ds
}

#[test]
fn detect_round_trips_boxes_names_and_splits() {
    let mut ds = detect_sample();
    ds.splits.insert("a".into(), Split::Train);
    ds.splits.insert("b".into(), Split::Valid);
    ds.splits.insert("c".into(), Split::Test);
    let out = export(FormatName::Yolo, &ds, &ExportOptions::default()).unwrap();
    let yaml = std::str::from_utf8(out.files.get("data.yaml").unwrap()).unwrap();
    assert!(
        yaml.contains("train: images/train\nval: images/val\ntest: images/test\n"),
        "{yaml}"
    );
    // "yes" would be read as a boolean by YAML 1.1 readers if written plain.
    assert!(
        yaml.contains("names:\n  0: cat\n  1: dog\n  2: \"yes\"\n"),
        "{yaml}"
    );
    assert_eq!(
        std::str::from_utf8(out.files.get("labels/val/b.txt").unwrap()).unwrap(),
        "1 0.060606 0.176471 0.060606 0.117647\n"
    );
    assert_eq!(out.files.get("labels/test/c.txt"), Some(&b""[..]));
    let back = import(FormatName::Yolo, &files_of(&out, &ds)).unwrap();
    assert_eq!(label_names(&back), label_names(&ds));
    assert_eq!(back.tasks.len(), 3);
    for t in &ds.tasks {
        let u = back
            .tasks
            .iter()
            .find(|u| u.image.name == t.image.name)
            .unwrap();
        assert_eq!(back.splits[&u.id], ds.splits[&t.id]);
        assert_eq!(t.annotations.len(), u.annotations.len());
        for (x, y) in t.annotations.iter().zip(&u.annotations) {
            assert_eq!(x.label, y.label);
            match (&x.shape, &y.shape) {
                (Shape::Box(p), Shape::Box(q)) => {
                    assert!(same_box(p, q, t.image.width, t.image.height), "{p:?} {q:?}")
                }
                other => panic!("{other:?}"),
            }
        }
    }
}

#[test]
fn segment_writes_one_line_per_part_drops_holes_and_traces_masks() {
    let poly = PolygonShape {
        parts: vec![
            PolygonPart {
                exterior: pts(&[(1.0, 1.0), (9.0, 1.0), (9.0, 9.0), (1.0, 9.0)]),
                holes: vec![pts(&[(3.0, 3.0), (5.0, 3.0), (5.0, 5.0)])],
            },
            PolygonPart {
                exterior: pts(&[(12.0, 2.0), (18.0, 4.0), (14.0, 9.0)]),
                holes: vec![],
            },
        ],
    };
    let m = mask(20, 10, |x, y| (x + y) % 7 < 3 && x > 2);
    let ds = Dataset {
        labels: labels(&["a", "b"]),
        tasks: vec![task(
            "t",
            "t.png",
            20,
            10,
            vec![
                Annotation::new("1", "a", Shape::Polygon(poly.clone())),
                Annotation::new("2", "b", m.clone()),
            ],
        )],
        ..Default::default()
    };
    let back = round_trip(&ds, FormatName::YoloSeg);
    let anns = &back.tasks[0].annotations;
    let parts: Vec<&Annotation> = anns.iter().filter(|a| a.label == "a").collect();
    assert_eq!(parts.len(), 2);
    for (a, part) in parts.iter().zip(&poly.parts) {
        let Shape::Polygon(p) = &a.shape else {
            panic!()
        };
        assert!(p.parts[0].holes.is_empty());
        assert_eq!(p.parts[0].exterior.len(), part.exterior.len());
        for (q, r) in p.parts[0].exterior.iter().zip(&part.exterior) {
            assert!(close(q.x, r.x, 20) && close(q.y, r.y, 10));
        }
    }
    // The traced mask's parts rasterise back to the mask (it has no holes).
    let traced: Vec<PolygonPart> = anns
        .iter()
        .filter(|a| a.label == "b")
        .flat_map(|a| match &a.shape {
            Shape::Polygon(p) => p.parts.clone(),
            _ => panic!(),
        })
        .collect();
    assert!(traced.len() > 1);
    let Shape::Mask(want) = m else { panic!() };
    let got = shape_polygon_to_rle(&PolygonShape { parts: traced }, 10, 20);
    assert_eq!(got.to_model(), want);
}

#[test]
fn obb_round_trips_rotated_boxes_and_writes_boxes_as_corners() {
    let r = RotatedBox {
        cx: 50.0,
        cy: 40.0,
        w: 30.0,
        h: 10.0,
        angle: 25.0,
    };
    let ds = Dataset {
        labels: labels(&["ship"]),
        tasks: vec![task(
            "t",
            "t.png",
            100,
            80,
            vec![
                Annotation::new("1", "ship", Shape::RotatedBox(r)),
                Annotation::new("2", "ship", b(10.0, 10.0, 20.0, 30.0)),
            ],
        )],
        ..Default::default()
    };
    let back = round_trip(&ds, FormatName::YoloObb);
    let anns = &back.tasks[0].annotations;
    let Shape::RotatedBox(q) = anns[0].shape else {
        panic!()
    };
    for (c, d) in q.corners().iter().zip(r.corners()) {
        assert!(
            (c.x - d.x).abs() < 1e-3 && (c.y - d.y).abs() < 1e-3,
            "{q:?}"
        );
    }
    let Shape::RotatedBox(q) = anns[1].shape else {
        panic!()
    };
    assert!(
        (q.cx - 15.0).abs() < 1e-4 && (q.cy - 20.0).abs() < 1e-4,
        "{q:?}"
    );
    assert!((q.w - 10.0).abs() < 1e-4 && (q.h - 20.0).abs() < 1e-4 && q.angle.abs() < 1e-6);
}

#[test]
fn pose_round_trips_keypoints_with_names_and_visibility() {
    let kp = |name: &str, x: f64, y: f64, v: Visibility| Keypoint {
        name: name.into(),
        x,
        y,
        visibility: v,
    };
    let mut ds = Dataset {
        labels: labels(&["person"]),
        ..Default::default()
    };
    ds.labels.labels[0].keypoints = vec!["nose".into(), "eye".into(), "ear".into()];
    ds.tasks = vec![task(
        "t",
        "t.png",
        200,
        100,
        vec![Annotation::new(
            "1",
            "person",
            Shape::Keypoints {
                points: vec![
                    kp("nose", 20.0, 30.0, Visibility::Visible),
                    kp("eye", 25.0, 28.0, Visibility::Occluded),
                    kp("ear", 0.0, 0.0, Visibility::NotLabeled),
                ],
            },
        )],
    )];
    let out = export(FormatName::YoloPose, &ds, &ExportOptions::default()).unwrap();
    let yaml = std::str::from_utf8(out.files.get("data.yaml").unwrap()).unwrap();
    assert!(yaml.contains("kpt_shape: [3, 3]"), "{yaml}");
    let line = std::str::from_utf8(out.files.get("labels/t.txt").unwrap()).unwrap();
    assert_eq!(
        line,
        "0 0.112500 0.290000 0.025000 0.020000 0.100000 0.300000 2 0.125000 0.280000 1 0 0 0\n"
    );
    let back = import(FormatName::YoloPose, &files_of(&out, &ds)).unwrap();
    assert_eq!(
        back.labels.labels[0].keypoints,
        ds.labels.labels[0].keypoints
    );
    let Shape::Keypoints { points } = &back.tasks[0].annotations[0].shape else {
        panic!()
    };
    let Shape::Keypoints { points: want } = &ds.tasks[0].annotations[0].shape else {
        panic!()
    };
    for (p, q) in points.iter().zip(want) {
        assert_eq!((&p.name, p.visibility), (&q.name, q.visibility));
        assert!(close(p.x, q.x, 200) && close(p.y, q.y, 100));
    }
}

fn yolo_files(yaml: &str, labels: &[(&str, &str)], images: &[&str]) -> DatasetFiles {
    let mut files = DatasetFiles::default();
    files.files.insert("data.yaml", yaml);
    for (p, t) in labels {
        files.files.insert(*p, *t);
    }
    for p in images {
        files.images.insert(
            p.to_string(),
            ImageFile {
                path: p.to_string(),
                width: 100,
                height: 50,
            },
        );
    }
    files
}

#[test]
fn names_as_a_list_confidence_column_and_roboflow_layout_read() {
    let files = yolo_files(
        "names: ['a', 'b']\nnc: 2\n",
        &[(
            "train/labels/x.txt",
            "1 0.5 0.5 0.2 0.4 0.87\n\n0 0.1 0.1 0.1 0.1\n",
        )],
        &["train/images/x.jpg", "train/images/y.jpg"],
    );
    let ds = import(FormatName::Yolo, &files).unwrap();
    assert_eq!(label_names(&ds), ["a", "b"]);
    assert_eq!(ds.tasks.len(), 2);
    let x = &ds.tasks[0];
    assert_eq!(
        (x.image.src.as_str(), ds.splits[&x.id]),
        ("train/images/x.jpg", Split::Train)
    );
    assert_eq!(x.annotations[0].label, "b");
    assert_eq!(
        x.annotations[0].origin,
        Origin::Prediction {
            score: 0.87,
            model: String::new()
        }
    );
    assert_eq!(x.annotations[0].shape, b(40.0, 15.0, 60.0, 35.0));
    assert_eq!(x.annotations[1].origin, Origin::Human);
    assert!(ds.tasks[1].annotations.is_empty());
}

#[test]
fn bad_lines_name_file_and_line() {
    let yaml = "names:\n  0: a\n";
    let cases = [
        ("0 0.5 0.5 0.2\n", "line 1", "3 numbers"),
        (
            "0 0.5 0.5 0.2 0.1\n3 0.5 0.5 0.2 0.1\n",
            "line 2",
            "class 3",
        ),
        ("x 0.5 0.5 0.2 0.1\n", "line 1", "not a class id"),
        ("0 0.5 NaN 0.2 0.1\n", "line 1", "finite"),
        ("0 0.5 abc 0.2 0.1\n", "line 1", "not a number"),
        ("0 0.5 0.5 -0.2 0.1\n", "line 1", "negative"),
    ];
    for (text, line, words) in cases {
        let files = yolo_files(yaml, &[("labels/x.txt", text)], &["images/x.jpg"]);
        let err = import(FormatName::Yolo, &files).unwrap_err();
        assert_eq!(
            (err.file.as_str(), err.location.as_str()),
            ("labels/x.txt", line),
            "{err}"
        );
        assert!(err.message.contains(words), "{text}: {err}");
    }
    let files = yolo_files(yaml, &[("labels/x.txt", "0 0.1 0.1 0.2 0.2\n")], &[]);
    let err = import(FormatName::Yolo, &files).unwrap_err();
    assert!(err.message.contains("without an image"), "{err}");
    let files = yolo_files("names: [a\n", &[], &[]);
    let err = import(FormatName::Yolo, &files).unwrap_err();
    assert_eq!(err.file, "data.yaml");
    let files = yolo_files("names:\n  0: a\n  2: b\n", &[], &[]);
    assert!(import(FormatName::Yolo, &files)
        .unwrap_err()
        .message
        .contains("without gaps"));
    let files = yolo_files(
        yaml,
        &[("labels/x.txt", "0 0.1 0.1 0.2\n")],
        &["images/x.jpg"],
    );
    assert!(import(FormatName::YoloSeg, &files)
        .unwrap_err()
        .message
        .contains("3 points"));
    assert!(import(FormatName::YoloPose, &files)
        .unwrap_err()
        .message
        .contains("kpt_shape"));
}

fn arb_dataset(seg: bool) -> impl Strategy<Value = Dataset> {
    proptest::collection::vec(
        (1u32..2000, 1u32..2000).prop_flat_map(move |(w, h)| {
            let point =
                (0.0..=f64::from(w), 0.0..=f64::from(h)).prop_map(|(x, y)| Point::new(x, y));
            let shape = if seg {
                proptest::collection::vec(point, 3..8)
                    .prop_map(|p| Shape::Polygon(PolygonShape::simple(p)))
                    .boxed()
            } else {
                (point.clone(), point)
                    .prop_map(|(a, c)| Shape::Box(BoxShape::from_corners(a, c)))
                    .boxed()
            };
            (
                Just((w, h)),
                proptest::collection::vec((0usize..3, shape), 0..6),
            )
        }),
        1..6,
    )
    .prop_map(|images| {
        let mut ds = Dataset {
            labels: labels(&["a", "b", "c"]),
            ..Default::default()
        };
        for (i, ((w, h), shapes)) in images.into_iter().enumerate() {
            let anns = shapes
                .into_iter()
                .enumerate()
                .map(|(k, (c, s))| Annotation::new((k + 1).to_string(), ["a", "b", "c"][c], s))
                .collect();
            ds.tasks
                .push(task(&format!("im{i}"), &format!("im{i}.jpg"), w, h, anns));
        }
        ds
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn generated_detect_and_segment_datasets_round_trip(ds in arb_dataset(false), seg in arb_dataset(true)) {
        for (ds, f) in [(ds, FormatName::Yolo), (seg, FormatName::YoloSeg)] {
            let back = round_trip(&ds, f);
            prop_assert_eq!(back.tasks.len(), ds.tasks.len());
            for (t, u) in ds.tasks.iter().zip(&back.tasks) {
                prop_assert_eq!(&t.id, &u.id);
                prop_assert_eq!(t.annotations.len(), u.annotations.len());
                let (w, h) = (t.image.width, t.image.height);
                for (a, c) in t.annotations.iter().zip(&u.annotations) {
                    prop_assert_eq!(&a.label, &c.label);
                    match (&a.shape, &c.shape) {
                        (Shape::Box(p), Shape::Box(q)) => prop_assert!(same_box(p, q, w, h), "{:?} {:?}", p, q),
                        (Shape::Polygon(p), Shape::Polygon(q)) => {
                            let (p, q) = (&p.parts[0].exterior, &q.parts[0].exterior);
                            prop_assert_eq!(p.len(), q.len());
                            for (m, n) in p.iter().zip(q) {
                                prop_assert!(close(m.x, n.x, w) && close(m.y, n.y, h));
                            }
                        }
                        other => prop_assert!(false, "{:?}", other),
                    }
                }
            }
        }
    }
}
