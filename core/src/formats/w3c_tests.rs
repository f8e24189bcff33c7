//! Tests of the W3C Web Annotation format: round trips, what Annotorious writes, errors.

use super::*;
use crate::formats::ImageFile;
use crate::model::RotatedBox;

fn pt(x: f64, y: f64) -> Point {
    Point::new(x, y)
}

fn ring(xy: &[(f64, f64)]) -> Vec<Point> {
    xy.iter().map(|&(x, y)| pt(x, y)).collect()
}

fn sample() -> Dataset {
    let square = ring(&[(10.0, 10.0), (90.0, 10.0), (90.0, 90.0), (10.0, 90.0)]);
    let hole = ring(&[(40.0, 40.0), (60.0, 40.0), (60.0, 60.0), (40.0, 60.0)]);
    let far = ring(&[(200.0, 10.0), (250.0, 10.0), (250.0, 60.0)]);
    let labels = LabelSet {
        labels: vec![Label::new("cat", "#e6194b"), Label::new("dog", "#3cb44b")],
        tags: vec!["indoor".into()],
        multi_tag: true,
    };
    Dataset {
        labels: labels.clone(),
        tasks: vec![Task {
            id: "a".into(),
            image: ImageRef {
                src: "https://images.example.org/a.jpg".into(),
                name: "a.jpg".into(),
                width: 300,
                height: 200,
                ..Default::default()
            },
            labels,
            annotations: vec![
                Annotation::new(
                    "b1",
                    "cat",
                    Shape::Box(BoxShape {
                        x0: 1.5,
                        y0: 2.0,
                        x1: 31.5,
                        y1: 42.25,
                    }),
                ),
                Annotation::new(
                    "p1",
                    "dog",
                    Shape::Polygon(PolygonShape {
                        parts: vec![
                            PolygonPart {
                                exterior: square.clone(),
                                holes: vec![hole],
                            },
                            PolygonPart {
                                exterior: far,
                                holes: vec![],
                            },
                        ],
                    }),
                ),
                Annotation::new(
                    "p2",
                    "cat",
                    Shape::Polygon(PolygonShape {
                        parts: vec![PolygonPart {
                            exterior: square,
                            holes: vec![],
                        }],
                    }),
                ),
                Annotation::new(
                    "l1",
                    "cat",
                    Shape::Polyline {
                        points: ring(&[(0.0, 0.0), (5.0, 7.5), (10.0, -1.0)]),
                    },
                ),
                Annotation::new("k1", "cat", Shape::Keypoints { points: vec![] }),
            ],
            tags: vec!["indoor".into()],
        }],
        ..Default::default()
    }
}

fn read(text: &str, images: &[(&str, u32, u32)]) -> Result<Dataset, FormatError> {
    let mut files = DatasetFiles::default();
    files.files.insert(FILE, text);
    for &(path, width, height) in images {
        files.images.insert(
            path.into(),
            ImageFile {
                path: path.into(),
                width,
                height,
            },
        );
    }
    import(&files)
}

#[test]
fn every_shape_it_can_hold_round_trips() {
    let ds = sample();
    let out = export(&ds).unwrap();
    assert_eq!(
        out.images,
        vec![("a".to_string(), "images/a.jpg".to_string())]
    );
    let text = std::str::from_utf8(out.files.get(FILE).unwrap()).unwrap();
    let back = read(text, &[("images/a.jpg", 300, 200)]).unwrap();
    let task = &back.tasks[0];
    assert_eq!(
        (task.id.as_str(), task.image.width, task.image.src.as_str()),
        ("a", 300, "https://images.example.org/a.jpg")
    );
    assert_eq!(task.tags, vec!["indoor".to_string()]);
    let want: Vec<&Annotation> = ds.tasks[0]
        .annotations
        .iter()
        .filter(|a| !matches!(a.shape, Shape::Keypoints { .. }))
        .collect();
    assert_eq!(task.annotations.len(), want.len());
    for (got, want) in task.annotations.iter().zip(want) {
        assert_eq!(
            (&got.id, &got.label, &got.shape),
            (&want.id, &want.label, &want.shape)
        );
    }
    let names: Vec<&str> = back.labels.labels.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["cat", "dog"]);
}

#[test]
fn rotated_boxes_are_rects_turned_about_their_centre() {
    let mut ds = sample();
    let r = RotatedBox {
        cx: 50.0,
        cy: 40.0,
        w: 20.0,
        h: 10.0,
        angle: 30.0,
    };
    ds.tasks[0].annotations = vec![Annotation::new("r", "cat", Shape::RotatedBox(r))];
    let out = export(&ds).unwrap();
    let text = std::str::from_utf8(out.files.get(FILE).unwrap()).unwrap();
    assert!(text.contains(r#"<rect x=\"40\" y=\"35\" width=\"20\" height=\"10\" transform=\"rotate(30 50 40)\" />"#), "{text}");
    let back = read(text, &[]).unwrap();
    let Shape::RotatedBox(got) = &back.tasks[0].annotations[0].shape else {
        panic!("a rotated box")
    };
    for (g, w) in [
        (got.cx, r.cx),
        (got.cy, r.cy),
        (got.w, r.w),
        (got.h, r.h),
        (got.angle, r.angle),
    ] {
        assert!((g - w).abs() < 1e-9, "{got:?}");
    }
    // Turned about another point, the centre moves with it.
    let about_corner = r#"[{"body": [{"purpose": "tagging", "value": "cat"}], "target": {"source": "a.jpg",
        "selector": {"type": "SvgSelector", "value": "<svg><rect x='0' y='0' width='10' height='4' transform='rotate(90 0 0)'/></svg>"}}}]"#;
    let Shape::RotatedBox(turned) = &read(about_corner, &[]).unwrap().tasks[0].annotations[0].shape
    else {
        panic!()
    };
    assert!(
        (turned.cx + 2.0).abs() < 1e-9 && (turned.cy - 5.0).abs() < 1e-9,
        "{turned:?}"
    );
}

/// What Annotorious writes: a box as a media fragment, a polygon as SVG, ids as `#uuid`,
/// bodies with purposes (a comment is not the class).
const ANNOTORIOUS: &str = r##"[
  {"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation",
   "id": "#a88b22d0-6106-4872-9435-c78b5e89fede",
   "body": [{"type": "TextualBody", "purpose": "commenting", "value": "a fine cat"},
            {"type": "TextualBody", "purpose": "tagging", "value": "cat"}],
   "target": {"source": "http://localhost/images/640px-Hallstatt.jpg",
              "selector": {"type": "FragmentSelector", "conformsTo": "http://www.w3.org/TR/media-frags/",
                           "value": "xywh=pixel:270,120,90,95"}}},
  {"type": "Annotation", "id": "#b", "body": {"type": "TextualBody", "purpose": "tagging", "value": "roof"},
   "target": {"source": "http://localhost/images/640px-Hallstatt.jpg",
              "selector": [{"type": "SvgSelector", "value": "<svg><polygon points='10,10 50.5,10 50.5,40'></polygon></svg>"}]}},
  {"type": "Annotation", "id": "#c", "body": [{"value": "lake", "purpose": "tagging"}],
   "target": {"source": "http://localhost/images/640px-Hallstatt.jpg",
              "selector": {"type": "FragmentSelector", "value": "xywh=percent:50,50,25,10"}}},
  {"type": "Annotation", "id": "#d", "body": [{"value": "hole", "purpose": "tagging"}],
   "target": {"source": "http://localhost/images/640px-Hallstatt.jpg",
              "selector": {"type": "SvgSelector", "value": "<svg><path d='M0 0 h100 v100 H0 Z m25 25 l50 0 l0 50 l-50 0 z'/></svg>"}}},
  {"type": "Annotation", "id": "#e", "body": [{"value": "wire", "purpose": "tagging"}],
   "target": {"source": "http://localhost/images/640px-Hallstatt.jpg",
              "selector": {"type": "SvgSelector", "value": "<svg><path d=\"M 1 2 L 3 4 L 5 6\" /></svg>"}}},
  {"type": "Annotation", "id": "#f", "body": [{"value": "islands", "purpose": "tagging"}],
   "target": {"source": "http://localhost/images/640px-Hallstatt.jpg",
              "selector": {"type": "SvgSelector", "value": "<svg><g><path fill-rule=\"evenodd\" d=\"M 0,0 L 10,0 L 10,10 Z\" /><path fill-rule=\"evenodd\" d=\"M 20,0 L 30,0 L 30,10 Z\" /></g></svg>"}}}
]"##;

#[test]
fn reads_what_annotorious_writes() {
    let ds = read(ANNOTORIOUS, &[("images/640px-Hallstatt.jpg", 640, 480)]).unwrap();
    assert_eq!(ds.tasks.len(), 1);
    let t = &ds.tasks[0];
    assert_eq!(
        (t.id.as_str(), t.image.name.as_str(), t.image.width),
        ("640px-Hallstatt", "640px-Hallstatt.jpg", 640)
    );
    let a = &t.annotations;
    assert_eq!(
        (a[0].id.0.as_str(), a[0].label.as_str()),
        ("a88b22d0-6106-4872-9435-c78b5e89fede", "cat")
    );
    assert_eq!(
        a[0].shape,
        Shape::Box(BoxShape {
            x0: 270.0,
            y0: 120.0,
            x1: 360.0,
            y1: 215.0
        })
    );
    let Shape::Polygon(roof) = &a[1].shape else {
        panic!("a polygon")
    };
    assert_eq!(
        roof.parts[0].exterior,
        ring(&[(10.0, 10.0), (50.5, 10.0), (50.5, 40.0)])
    );
    assert_eq!(
        a[2].shape,
        Shape::Box(BoxShape {
            x0: 320.0,
            y0: 240.0,
            x1: 480.0,
            y1: 288.0
        })
    );
    let Shape::Polygon(framed) = &a[3].shape else {
        panic!("a polygon")
    };
    assert_eq!(framed.parts.len(), 1);
    assert_eq!(
        framed.parts[0].holes,
        vec![ring(&[
            (25.0, 25.0),
            (75.0, 25.0),
            (75.0, 75.0),
            (25.0, 75.0)
        ])]
    );
    assert_eq!(
        a[4].shape,
        Shape::Polyline {
            points: ring(&[(1.0, 2.0), (3.0, 4.0), (5.0, 6.0)])
        }
    );
    let Shape::Polygon(islands) = &a[5].shape else {
        panic!("a polygon")
    };
    assert_eq!(islands.parts.len(), 2);
}

#[test]
fn errors_name_the_annotation_and_what_is_wrong() {
    let e = read(r#"[{"type": "Annotation", "body": []}]"#, &[]).unwrap_err();
    assert_eq!(
        (e.location.as_str(), e.file.as_str()),
        ("$[0].target", FILE),
        "{e}"
    );
    let e = read(r#"[{"body": [{"purpose": "tagging", "value": "x"}], "target": {"source": "a.jpg", "selector": {"type": "FragmentSelector", "value": "xywh=pixel:1,2"}}}]"#, &[]).unwrap_err();
    assert!(
        e.location.ends_with("selector.value") && e.message.contains("four numbers"),
        "{e}"
    );
    let e = read(r#"[{"body": [{"purpose": "tagging", "value": "x"}], "target": {"source": "a.jpg", "selector": {"type": "FragmentSelector", "value": "xywh=percent:1,2,3,4"}}}]"#, &[]).unwrap_err();
    assert!(e.message.contains("image's size"), "{e}");
    let e = read(r#"[{"target": {"source": "a.jpg", "selector": {"type": "FragmentSelector", "value": "xywh=1,2,3,4"}}}]"#, &[]).unwrap_err();
    assert!(e.message.contains("class"), "{e}");
    let e = read(r#"[{"body": [{"purpose": "tagging", "value": "x"}], "target": {"source": "a.jpg", "selector": {"type": "SvgSelector", "value": "<svg><circle r='3'/></svg>"}}}]"#, &[]).unwrap_err();
    assert!(e.message.contains("no rect, polygon"), "{e}");
    assert!(read("{\"type\": 3}", &[]).is_err());
}

#[test]
fn images_of_one_name_in_two_folders_are_two_tasks() {
    let text = r#"[
      {"body": [{"purpose": "tagging", "value": "a"}], "target": {"source": "http://h/day/x.jpg", "selector": {"type": "FragmentSelector", "value": "xywh=1,2,3,4"}}},
      {"body": [{"purpose": "tagging", "value": "a"}], "target": {"source": "http://h/night/x.jpg", "selector": {"type": "FragmentSelector", "value": "xywh=1,2,3,4"}}}
    ]"#;
    let ds = read(text, &[]).unwrap();
    let ids: Vec<&str> = ds.tasks.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["x", "x-2"]);
}
