//! Shared fixtures and comparisons for the format tests.

use super::Dataset;
use crate::model::{
    Annotation, BoxShape, ImageRef, Keypoint, Label, LabelSet, MaskRle, Origin, Point, PolygonPart,
    PolygonShape, RotatedBox, Shape, Task, Visibility,
};
use crate::raster::RunMask;
use serde_json::Value;

/// Asserts two JSON trees are equal, numbers within `tol`, naming the first difference.
pub fn assert_json_close(a: &Value, b: &Value, tol: f64, path: &str) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() <= tol, "{path}: {x} != {y}");
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{path}: lengths differ\n{a}\n{b}");
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                assert_json_close(p, q, tol, &format!("{path}[{i}]"));
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            let kx: Vec<_> = x.keys().collect();
            let ky: Vec<_> = y.keys().collect();
            assert_eq!(kx, ky, "{path}: keys differ");
            for (k, v) in x {
                assert_json_close(v, &y[k], tol, &format!("{path}.{k}"));
            }
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

/// Asserts two datasets are equal up to `tol` in coordinates.
pub fn assert_datasets_close(a: &Dataset, b: &Dataset, tol: f64) {
    let a = serde_json::to_value(a).unwrap();
    let b = serde_json::to_value(b).unwrap();
    assert_json_close(&a, &b, tol, "$");
}

fn ann(id: &str, label: &str, shape: Shape) -> Annotation {
    Annotation::new(id, label, shape)
}

/// A mask of a `w × h` image with a rectangle and a separate blob set.
pub fn sample_mask(w: u32, h: u32) -> MaskRle {
    let mut px = vec![0u8; (w * h) as usize];
    for y in 2..7 {
        for x in 3..9 {
            px[(y * w + x) as usize] = 1;
        }
    }
    for (x, y) in [(15, 20), (16, 20), (16, 21), (30, 10)] {
        px[(y * w + x) as usize] = 1;
    }
    RunMask::from_row_major(&px, w, h).to_rle().to_model()
}

/// A dataset with every shape kind, tags and predictions of two models, on non-square images.
pub fn sample_dataset() -> Dataset {
    let labels = LabelSet {
        labels: vec![
            Label::new("cat", "#e6194b"),
            Label::new("dog", "#3cb44b"),
            Label {
                keypoints: vec!["nose".into(), "tail".into()],
                ..Label::new("person", "#4363d8")
            },
        ],
        tags: vec!["day".into(), "night".into()],
        multi_tag: false,
    };
    let mut pred = ann(
        "p1",
        "dog",
        Shape::Box(BoxShape {
            x0: 5.0,
            y0: 6.0,
            x1: 20.5,
            y1: 30.0,
        }),
    );
    pred.origin = Origin::Prediction {
        score: 0.75,
        model: "yolo11n".into(),
    };
    let mut pred2 = ann(
        "p2",
        "cat",
        Shape::Polygon(PolygonShape::simple(vec![
            Point::new(1.0, 1.0),
            Point::new(9.0, 1.0),
            Point::new(5.0, 8.0),
        ])),
    );
    pred2.origin = Origin::Prediction {
        score: 0.25,
        model: "sam".into(),
    };
    let t1 = Task {
        id: "t1".into(),
        image: ImageRef {
            src: "images/a.jpg".into(),
            name: "a.jpg".into(),
            width: 64,
            height: 48,
            ..Default::default()
        },
        labels: labels.clone(),
        annotations: vec![
            ann(
                "a1",
                "cat",
                Shape::Box(BoxShape {
                    x0: 1.5,
                    y0: 2.0,
                    x1: 30.0,
                    y1: 40.25,
                }),
            ),
            ann(
                "a2",
                "dog",
                Shape::RotatedBox(RotatedBox {
                    cx: 30.0,
                    cy: 20.0,
                    w: 16.0,
                    h: 8.0,
                    angle: 30.0,
                }),
            ),
            ann(
                "a3",
                "cat",
                Shape::Polygon(PolygonShape {
                    parts: vec![
                        PolygonPart {
                            exterior: vec![
                                Point::new(10.0, 10.0),
                                Point::new(20.0, 10.0),
                                Point::new(20.0, 20.0),
                            ],
                            holes: vec![],
                        },
                        PolygonPart {
                            exterior: vec![
                                Point::new(40.0, 30.0),
                                Point::new(50.0, 30.0),
                                Point::new(45.0, 40.0),
                                Point::new(41.0, 39.5),
                            ],
                            holes: vec![],
                        },
                    ],
                }),
            ),
            ann(
                "a4",
                "dog",
                Shape::Polyline {
                    points: vec![Point::new(0.0, 0.0), Point::new(63.0, 47.0)],
                },
            ),
            ann(
                "a5",
                "person",
                Shape::Keypoints {
                    points: vec![
                        Keypoint {
                            name: "nose".into(),
                            x: 12.0,
                            y: 13.0,
                            visibility: Visibility::Visible,
                        },
                        Keypoint {
                            name: "tail".into(),
                            x: 22.5,
                            y: 33.0,
                            visibility: Visibility::Visible,
                        },
                    ],
                },
            ),
            ann("a6", "dog", Shape::Mask(sample_mask(64, 48))),
            pred,
            pred2,
        ],
        tags: vec!["night".into()],
    };
    let t2 = Task {
        id: "t2".into(),
        image: ImageRef {
            src: "images/sub/b.png".into(),
            name: "sub/b.png".into(),
            width: 100,
            height: 100,
            ..Default::default()
        },
        labels: labels.clone(),
        annotations: vec![],
        tags: vec![],
    };
    Dataset {
        labels,
        tasks: vec![t1, t2],
        ..Default::default()
    }
}
