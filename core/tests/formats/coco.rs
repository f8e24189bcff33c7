//! COCO: round trips of every shape, masks as RLE and polygons, errors with JSON paths.

use super::support::{files_of, label_names, labels, mask, task};
use lasso_core::formats::{
    coco, export, import, Dataset, DatasetFiles, ExportOptions, FormatName, MaskEncoding, Split,
};
use lasso_core::model::{
    Annotation, AttributeValue, BoxShape, ImageLicense, Keypoint, Origin, Point, PolygonPart,
    PolygonShape, RotatedBox, Shape, Visibility,
};
use lasso_core::raster::{shape_polygon_to_rle, Rle};
use proptest::prelude::*;
use serde_json::Value;

fn rle_opts() -> ExportOptions {
    ExportOptions::default()
}

fn poly_opts() -> ExportOptions {
    ExportOptions {
        masks: MaskEncoding::Polygon,
        ..ExportOptions::default()
    }
}

fn pts(xy: &[(f64, f64)]) -> Vec<Point> {
    xy.iter().map(|&(x, y)| Point::new(x, y)).collect()
}

/// Every kind of shape COCO holds, with the extras (licence, crowd, score, attributes).
fn sample() -> Dataset {
    let mut ds = Dataset {
        labels: labels(&["cat", "dog", "person"]),
        ..Default::default()
    };
    ds.labels.labels[0].group = Some("animal".into());
    ds.labels.labels[2].keypoints = vec!["nose".into(), "left_eye".into(), "right_eye".into()];
    ds.labels.labels[2].skeleton = vec![[0, 1], [0, 2]];
    ds.info.description = "pets".into();
    ds.info.date_created = "2026-11-23".into();
    let mut crowd = Annotation::new(
        "4",
        "dog",
        mask(20, 10, |x, y| (3..9).contains(&x) && (2..7).contains(&y)),
    );
    crowd
        .attributes
        .insert(coco::ISCROWD.into(), AttributeValue::Bool(true));
    let mut predicted = Annotation::new(
        "7",
        "cat",
        Shape::Box(BoxShape {
            x0: 0.5,
            y0: 1.0,
            x1: 4.0,
            y1: 9.0,
        }),
    );
    predicted.origin = Origin::Prediction {
        score: 0.75,
        model: String::new(),
    };
    predicted
        .attributes
        .insert("occluded".into(), AttributeValue::Bool(false));
    let mut a = task(
        "10",
        "a.jpg",
        20,
        10,
        vec![
            Annotation::new(
                "1",
                "cat",
                Shape::Box(BoxShape {
                    x0: 1.25,
                    y0: 2.0,
                    x1: 11.5,
                    y1: 8.0,
                }),
            ),
            Annotation::new(
                "2",
                "dog",
                Shape::Polygon(PolygonShape {
                    parts: vec![
                        PolygonPart {
                            exterior: pts(&[(1.0, 1.0), (6.0, 1.5), (3.0, 7.0)]),
                            holes: vec![],
                        },
                        PolygonPart {
                            exterior: pts(&[(10.0, 1.0), (18.0, 1.0), (14.0, 9.0)]),
                            holes: vec![],
                        },
                    ],
                }),
            ),
            crowd,
            predicted,
        ],
    );
    a.image.license = Some(ImageLicense {
        name: "CC BY 4.0".into(),
        url: "https://creativecommons.org/licenses/by/4.0/".into(),
    });
    let b = task(
        "11",
        "sub/b.png",
        30,
        20,
        vec![
            Annotation::new(
                "5",
                "person",
                Shape::Keypoints {
                    points: vec![
                        Keypoint {
                            name: "nose".into(),
                            x: 10.0,
                            y: 5.0,
                            visibility: Visibility::Visible,
                        },
                        Keypoint {
                            name: "left_eye".into(),
                            x: 8.5,
                            y: 4.0,
                            visibility: Visibility::Occluded,
                        },
                        Keypoint {
                            name: "right_eye".into(),
                            x: 0.0,
                            y: 0.0,
                            visibility: Visibility::NotLabeled,
                        },
                    ],
                },
            ),
            Annotation::new(
                "6",
                "cat",
                Shape::Mask(
                    match mask(30, 20, |x, y| x > 3 && x < 12 && y > 2 && y < 15) {
                        Shape::Mask(m) => m,
                        _ => unreachable!(),
                    },
                ),
            ),
        ],
    );
    let c = task("12", "empty.jpg", 8, 8, vec![]);
    ds.tasks = vec![a, b, c];
    ds
}

fn round_trip(ds: &Dataset, options: &ExportOptions) -> Dataset {
    let out = export(FormatName::Coco, ds, options).unwrap();
    import(FormatName::Coco, &files_of(&out, ds)).unwrap()
}

#[test]
fn every_shape_round_trips_with_rle_masks() {
    let ds = sample();
    let back = round_trip(&ds, &rle_opts());
    assert_eq!(label_names(&back), label_names(&ds));
    assert_eq!(back.labels.labels[0].group.as_deref(), Some("animal"));
    assert_eq!(
        back.labels.labels[2].keypoints,
        ds.labels.labels[2].keypoints
    );
    assert_eq!(back.labels.labels[2].skeleton, ds.labels.labels[2].skeleton);
    assert_eq!(back.info.description, "pets");
    assert_eq!(back.tasks.len(), 3);
    for (t, u) in ds.tasks.iter().zip(&back.tasks) {
        assert_eq!(t.id, u.id);
        assert_eq!(t.image.name, u.image.name);
        assert_eq!(u.image.src, format!("images/{}", t.image.name));
        assert_eq!(
            (t.image.width, t.image.height),
            (u.image.width, u.image.height)
        );
        assert_eq!(t.image.license, u.image.license);
        assert_eq!(t.annotations, u.annotations, "task {}", t.id);
    }
}

#[test]
fn rotated_boxes_become_polygons_and_holes_become_rle() {
    let r = RotatedBox {
        cx: 10.0,
        cy: 8.0,
        w: 8.0,
        h: 4.0,
        angle: 30.0,
    };
    let holed = PolygonShape {
        parts: vec![PolygonPart {
            exterior: pts(&[(1.0, 1.0), (15.0, 1.0), (15.0, 14.0), (1.0, 14.0)]),
            holes: vec![pts(&[(4.0, 4.0), (9.0, 4.0), (9.0, 9.0), (4.0, 9.0)])],
        }],
    };
    let ds = Dataset {
        labels: labels(&["x"]),
        tasks: vec![task(
            "1",
            "a.jpg",
            20,
            16,
            vec![
                Annotation::new("1", "x", Shape::RotatedBox(r)),
                Annotation::new("2", "x", Shape::Polygon(holed.clone())),
            ],
        )],
        ..Default::default()
    };
    let back = round_trip(&ds, &rle_opts());
    let anns = &back.tasks[0].annotations;
    assert_eq!(
        anns[0].shape,
        Shape::Polygon(PolygonShape::simple(r.corners().to_vec()))
    );
    let expected = shape_polygon_to_rle(&holed, 16, 20);
    assert_eq!(anns[1].shape, Shape::Mask(expected.to_model()));
    // The hole is really cut out: 14×13 minus 5×5.
    assert_eq!(expected.area(), 14 * 13 - 5 * 5);
}

#[test]
fn masks_as_polygons_rasterise_back_to_the_same_mask() {
    let ds = sample();
    let out = export(FormatName::Coco, &ds, &poly_opts()).unwrap();
    let json: Value = serde_json::from_slice(out.files.get(coco::DEFAULT_FILE).unwrap()).unwrap();
    let segs: Vec<&Value> = json["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["segmentation"])
        .collect();
    assert!(segs.iter().all(|s| s.is_array()), "{segs:?}");
    let back = import(FormatName::Coco, &files_of(&out, &ds)).unwrap();
    let mut masks = 0;
    for (t, u) in ds.tasks.iter().zip(&back.tasks) {
        for (a, b) in t.annotations.iter().zip(&u.annotations) {
            if let Shape::Mask(m) = &a.shape {
                masks += 1;
                assert!(!matches!(b.shape, Shape::Mask(_)), "{b:?}");
                assert_eq!(&pixels(&b.shape, m.width, m.height), m);
            }
        }
    }
    assert_eq!(masks, 2);
}

/// The mask pycocotools makes of a shape read back from COCO.
fn pixels(shape: &Shape, w: u32, h: u32) -> lasso_core::model::MaskRle {
    match shape {
        Shape::Mask(n) => n.clone(),
        Shape::Polygon(p) => shape_polygon_to_rle(p, h, w).to_model(),
        Shape::Box(bx) => shape_polygon_to_rle(
            &PolygonShape::simple(vec![
                Point::new(bx.x0, bx.y0),
                Point::new(bx.x1, bx.y0),
                Point::new(bx.x1, bx.y1),
                Point::new(bx.x0, bx.y1),
            ]),
            h,
            w,
        )
        .to_model(),
        other => panic!("mask read back as {other:?}"),
    }
}

#[test]
fn written_json_has_compressed_rle_area_iscrowd_licences_and_1_based_skeleton() {
    let ds = sample();
    let out = export(FormatName::Coco, &ds, &rle_opts()).unwrap();
    let json: Value = serde_json::from_slice(out.files.get(coco::DEFAULT_FILE).unwrap()).unwrap();
    let anns = json["annotations"].as_array().unwrap();
    let crowd = anns.iter().find(|a| a["id"] == 4).unwrap();
    assert_eq!(crowd["iscrowd"], 1);
    assert_eq!(crowd["area"], 30.0);
    assert_eq!(crowd["bbox"], serde_json::json!([3.0, 2.0, 6.0, 5.0]));
    assert!(crowd["segmentation"]["counts"].is_string());
    assert_eq!(crowd["segmentation"]["size"], serde_json::json!([10, 20]));
    let kp = anns.iter().find(|a| a["id"] == 5).unwrap();
    assert_eq!(kp["num_keypoints"], 2);
    assert_eq!(
        kp["keypoints"],
        serde_json::json!([10.0, 5.0, 2.0, 8.5, 4.0, 1.0, 0.0, 0.0, 0.0])
    );
    assert_eq!(
        json["categories"][2]["skeleton"],
        serde_json::json!([[1, 2], [1, 3]])
    );
    assert_eq!(json["categories"][0]["supercategory"], "animal");
    assert_eq!(json["licenses"][0]["id"], 1);
    assert_eq!(json["images"][0]["license"], 1);
    assert!(json["images"][1].get("license").is_none());
    assert_eq!(json["info"]["year"], 2026);
    assert_eq!(anns.iter().find(|a| a["id"] == 7).unwrap()["score"], 0.75);
}

#[test]
fn splits_write_one_file_each_and_read_back() {
    let mut ds = sample();
    ds.splits.insert("10".into(), Split::Train);
    ds.splits.insert("11".into(), Split::Valid);
    ds.splits.insert("12".into(), Split::Test);
    let out = export(FormatName::Coco, &ds, &rle_opts()).unwrap();
    let paths: Vec<&str> = out.files.paths().collect();
    assert_eq!(
        paths,
        [
            "annotations/instances_test.json",
            "annotations/instances_train.json",
            "annotations/instances_val.json"
        ]
    );
    assert!(out
        .images
        .contains(&("11".into(), "images/val/sub/b.png".into())));
    let back = import(FormatName::Coco, &files_of(&out, &ds)).unwrap();
    assert_eq!(back.splits, ds.splits);
    let mut ids: Vec<&str> = back.tasks.iter().map(|t| t.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["10", "11", "12"]);
    assert_eq!(label_names(&back), label_names(&ds));
}

fn coco_files(json: &str) -> DatasetFiles {
    let mut files = DatasetFiles::default();
    files
        .files
        .insert("annotations/instances_default.json", json);
    files
}

const HEAD: &str = r#""images": [{"id": 1, "file_name": "a.jpg", "width": 4, "height": 3}],
  "categories": [{"id": 5, "name": "cat"}]"#;

fn import_err(annotations: &str) -> lasso_core::formats::FormatError {
    import(
        FormatName::Coco,
        &coco_files(&format!("{{{HEAD}, \"annotations\": [{annotations}]}}")),
    )
    .unwrap_err()
}

#[test]
fn uncompressed_and_compressed_rle_both_read() {
    let rle = Rle {
        height: 3,
        width: 4,
        counts: vec![1, 2, 4, 5],
    };
    for counts in [
        serde_json::to_string(&rle.counts).unwrap(),
        format!("{:?}", rle.to_compressed()),
    ] {
        let json = format!(
            r#"{{{HEAD}, "annotations": [{{"id": 1, "image_id": 1, "category_id": 5, "iscrowd": 1,
            "segmentation": {{"size": [3, 4], "counts": {counts}}}, "bbox": [0,0,1,1]}}]}}"#
        );
        let ds = import(FormatName::Coco, &coco_files(&json)).unwrap();
        let a = &ds.tasks[0].annotations[0];
        assert_eq!(a.shape, Shape::Mask(rle.to_model()));
        assert_eq!(a.attributes[coco::ISCROWD], AttributeValue::Bool(true));
    }
}

#[test]
fn bad_input_names_the_json_path() {
    let cases = [
        (
            r#"{"id": 1, "image_id": 1, "category_id": 9, "bbox": [0, 0, 1, 1]}"#,
            "$.annotations[0].category_id",
            "category id 9",
        ),
        (
            r#"{"id": 1, "image_id": 2, "category_id": 5, "bbox": [0, 0, 1, 1]}"#,
            "$.annotations[0].image_id",
            "image id 2",
        ),
        (
            r#"{"id": 1, "image_id": 1, "category_id": 5, "bbox": [0, 0, -1, 1]}"#,
            "$.annotations[0].bbox",
            "negative",
        ),
        (
            r#"{"id": 1, "image_id": 1, "category_id": 5, "bbox": [0, 0, 1]}"#,
            "$.annotations[0].bbox",
            "3 numbers",
        ),
        (
            r#"{"id": 1, "image_id": 1, "category_id": 5, "segmentation": {"size": [3, 4], "counts": [1, 2, 4, 4000000000]}}"#,
            "$.annotations[0].segmentation.counts",
            "add up to",
        ),
        (
            r#"{"id": 1, "image_id": 1, "category_id": 5, "segmentation": {"size": [3, 4], "counts": [1, 2, 4, 5000000000]}}"#,
            "$.annotations[0].segmentation.counts[3]",
            "run length",
        ),
        (
            r#"{"id": 1, "image_id": 1, "category_id": 5, "segmentation": {"size": [3, 4], "counts": "0a~"}}"#,
            "$.annotations[0].segmentation.counts",
            "invalid at byte",
        ),
        (
            r#"{"id": 1, "image_id": 1, "category_id": 5, "segmentation": {"size": [30, 4], "counts": "0"}}"#,
            "$.annotations[0].segmentation.size",
            "differs",
        ),
        (
            r#"{"id": 1, "image_id": 1, "category_id": 5, "segmentation": [[1, 2, 3]]}"#,
            "$.annotations[0].segmentation[0]",
            "pairs",
        ),
        (
            r#"{"id": 1, "image_id": 1, "category_id": 5, "bbox": [0, 1e999, 1, 1]}"#,
            "$.annotations[0].bbox[1]",
            "",
        ),
        (
            r#"{"id": 1, "image_id": 1, "category_id": 5, "bbox": "x"}"#,
            "$.annotations[0].bbox",
            "",
        ),
        (
            r#"{"id": 1, "image_id": 1, "category_id": 5, "iscrowd": 3, "bbox": [0, 0, 1, 1]}"#,
            "$.annotations[0].iscrowd",
            "0 or 1",
        ),
        (
            r#"{"id": 1, "image_id": 1, "category_id": 5}"#,
            "$.annotations[0]",
            "neither",
        ),
    ];
    for (ann, location, words) in cases {
        let err = import_err(ann);
        assert_eq!(err.file, "annotations/instances_default.json", "{ann}");
        assert_eq!(err.location, location, "{ann}: {err}");
        assert!(err.message.contains(words), "{ann}: {err}");
    }
}

#[test]
fn bad_images_and_categories_are_refused() {
    let json = r#"{"images": [{"id": 1, "file_name": "a.jpg", "width": -4, "height": 3}], "categories": []}"#;
    let err = import(FormatName::Coco, &coco_files(json)).unwrap_err();
    assert_eq!(err.location, "$.images[0].width", "{err}");
    let json = r#"{"images": [{"id": 1, "file_name": "a.jpg", "width": 0, "height": 3}], "categories": []}"#;
    let err = import(FormatName::Coco, &coco_files(json)).unwrap_err();
    assert_eq!(err.location, "$.images[0]", "{err}");
    let json = r#"{"images": [], "categories": [{"id": 1, "name": "a"}, {"id": 1, "name": "b"}]}"#;
    let err = import(FormatName::Coco, &coco_files(json)).unwrap_err();
    assert_eq!(err.location, "$.categories[1].id", "{err}");
    let json = r#"{"images": [], "categories": [{"id": 1, "name": "a", "keypoints": ["n"], "skeleton": [[0, 1]]}]}"#;
    let err = import(FormatName::Coco, &coco_files(json)).unwrap_err();
    assert_eq!(err.location, "$.categories[0].skeleton[0]", "{err}");
    let err = import(FormatName::Coco, &coco_files("{\"images\": [\n}")).unwrap_err();
    assert!(err.message.contains("line 2"), "{err}");
    let err = import(FormatName::Coco, &DatasetFiles::default()).unwrap_err();
    assert!(err.message.contains("no COCO"), "{err}");
}

fn arb_point(w: u32, h: u32) -> impl Strategy<Value = Point> {
    (0..=w * 4, 0..=h * 4).prop_map(|(x, y)| Point::new(f64::from(x) / 4.0, f64::from(y) / 4.0))
}

fn arb_shape(w: u32, h: u32) -> impl Strategy<Value = Shape> {
    prop_oneof![
        (arb_point(w, h), arb_point(w, h))
            .prop_map(|(a, b)| Shape::Box(BoxShape::from_corners(a, b))),
        proptest::collection::vec(proptest::collection::vec(arb_point(w, h), 5..8), 1..3).prop_map(
            |parts| Shape::Polygon(PolygonShape {
                parts: parts
                    .into_iter()
                    .map(|exterior| PolygonPart {
                        exterior,
                        holes: vec![]
                    })
                    .collect()
            })
        ),
        proptest::collection::vec(any::<bool>(), (w * h) as usize).prop_map(move |bits| {
            let m: Vec<u8> = bits.into_iter().map(u8::from).collect();
            Shape::Mask(Rle::encode(&m, h, w).to_model())
        }),
        proptest::collection::vec((arb_point(w, h), 1u8..3), 3).prop_map(|ps| Shape::Keypoints {
            points: ps
                .into_iter()
                .enumerate()
                .map(|(i, (p, v))| Keypoint {
                    name: format!("k{i}"),
                    x: p.x,
                    y: p.y,
                    visibility: if v == 1 {
                        Visibility::Occluded
                    } else {
                        Visibility::Visible
                    },
                })
                .collect()
        }),
    ]
}

fn arb_dataset() -> impl Strategy<Value = Dataset> {
    proptest::collection::vec(
        (1u32..12, 1u32..12).prop_flat_map(|(w, h)| {
            (
                Just((w, h)),
                proptest::collection::vec((0usize..3, arb_shape(w, h)), 0..5),
            )
        }),
        1..5,
    )
    .prop_map(|images| {
        let mut ds = Dataset {
            labels: labels(&["a", "b", "c"]),
            ..Default::default()
        };
        for l in &mut ds.labels.labels {
            l.keypoints = vec!["k0".into(), "k1".into(), "k2".into()];
        }
        let mut next = 1;
        for (i, ((w, h), shapes)) in images.into_iter().enumerate() {
            let anns = shapes
                .into_iter()
                .map(|(class, shape)| {
                    next += 1;
                    Annotation::new(next.to_string(), ["a", "b", "c"][class], shape)
                })
                .collect();
            ds.tasks.push(task(
                &(i + 1).to_string(),
                &format!("im{i}.png"),
                w,
                h,
                anns,
            ));
        }
        ds
    })
}

/// A polygon that happens to be exactly its bounding rectangle reads back as a box.
fn boxed_if_rectangle(shape: &Shape) -> Shape {
    if let Shape::Polygon(p) = shape {
        if let [part] = p.parts.as_slice() {
            let e = &part.exterior;
            if e.len() == 4
                && e[0].y == e[1].y
                && e[1].x == e[2].x
                && e[2].y == e[3].y
                && e[3].x == e[0].x
                && e[0].x <= e[1].x
                && e[0].y <= e[2].y
            {
                return Shape::Box(BoxShape {
                    x0: e[0].x,
                    y0: e[0].y,
                    x1: e[2].x,
                    y1: e[2].y,
                });
            }
        }
    }
    shape.clone()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn generated_datasets_round_trip(ds in arb_dataset()) {
        let back = round_trip(&ds, &rle_opts());
        prop_assert_eq!(back.tasks.len(), ds.tasks.len());
        for (t, u) in ds.tasks.iter().zip(&back.tasks) {
            prop_assert_eq!(&t.id, &u.id);
            prop_assert_eq!(t.annotations.len(), u.annotations.len());
            for (a, b) in t.annotations.iter().zip(&u.annotations) {
                prop_assert_eq!(&a.id, &b.id);
                prop_assert_eq!(&a.label, &b.label);
                prop_assert_eq!(boxed_if_rectangle(&a.shape), b.shape.clone());
            }
        }
    }

    #[test]
    fn masks_written_as_polygons_keep_their_pixels(ds in arb_dataset()) {
        let back = round_trip(&ds, &poly_opts());
        for (t, u) in ds.tasks.iter().zip(&back.tasks) {
            for (a, b) in t.annotations.iter().zip(&u.annotations) {
                if let Shape::Mask(m) = &a.shape {
                    let got = pixels(&b.shape, m.width, m.height);
                    prop_assert_eq!(&got, m);
                }
            }
        }
    }
}

#[test]
fn roboflow_split_folders_with_repeating_image_ids_read_as_distinct_tasks() {
    let json = |name: &str| {
        format!(
            r#"{{"images": [{{"id": 0, "file_name": "{name}", "width": 4, "height": 3}}],
                "categories": [{{"id": 0, "name": "things", "supercategory": "none"}}, {{"id": 1, "name": "cat", "supercategory": "things"}}],
                "annotations": [{{"id": 0, "image_id": 0, "category_id": 1, "bbox": [0, 0, 2, 2]}}]}}"#
        )
    };
    let mut files = DatasetFiles::default();
    files
        .files
        .insert("train/_annotations.coco.json", json("a.jpg"));
    files
        .files
        .insert("valid/_annotations.coco.json", json("b.jpg"));
    for p in ["train/a.jpg", "valid/b.jpg"] {
        files.images.insert(
            p.into(),
            lasso_core::formats::ImageFile {
                path: p.into(),
                width: 4,
                height: 3,
            },
        );
    }
    let ds = import(FormatName::Coco, &files).unwrap();
    let ids: Vec<&str> = ds.tasks.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        ["train/_annotations.coco/0", "valid/_annotations.coco/0"]
    );
    assert_eq!(ds.tasks[1].image.src, "valid/b.jpg");
    assert_eq!(ds.splits["valid/_annotations.coco/0"], Split::Valid);
    assert_eq!(label_names(&ds), ["things", "cat"]);
    assert_eq!(ds.tasks[0].annotations[0].label, "cat");
}
