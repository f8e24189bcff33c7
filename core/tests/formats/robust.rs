//! Every importer on 10,000 random byte strings and mutated valid files: it answers `Ok` or a
//! `FormatError`, never panics. (The `fuzz/` targets run the same importers under libFuzzer.)

use super::support::{files_of, labels, mask, task};
use lasso_core::formats::{export, import, Dataset, DatasetFiles, ExportOptions, FormatName};
use lasso_core::model::{
    Annotation, BoxShape, Keypoint, Point, PolygonShape, RotatedBox, Shape, Visibility,
};
use proptest::prelude::*;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// A small dataset with every shape kind (also the golden files' input).
pub fn valid() -> Dataset {
    let mut ds = Dataset {
        labels: labels(&["a", "b"]),
        ..Default::default()
    };
    ds.labels.labels[1].keypoints = vec!["p".into(), "q".into()];
    ds.tasks = vec![
        task(
            "1",
            "x.png",
            16,
            12,
            vec![
                Annotation::new(
                    "1",
                    "a",
                    Shape::Box(BoxShape {
                        x0: 1.0,
                        y0: 2.0,
                        x1: 9.5,
                        y1: 11.0,
                    }),
                ),
                Annotation::new(
                    "2",
                    "a",
                    Shape::Polygon(PolygonShape::simple(vec![
                        Point::new(1.0, 1.0),
                        Point::new(8.0, 2.0),
                        Point::new(4.0, 9.0),
                    ])),
                ),
                Annotation::new("3", "a", mask(16, 12, |x, y| x * y % 5 == 1)),
                Annotation::new(
                    "4",
                    "a",
                    Shape::RotatedBox(RotatedBox {
                        cx: 8.0,
                        cy: 6.0,
                        w: 4.0,
                        h: 2.0,
                        angle: 30.0,
                    }),
                ),
                Annotation::new(
                    "5",
                    "b",
                    Shape::Keypoints {
                        points: vec![
                            Keypoint {
                                name: "p".into(),
                                x: 3.0,
                                y: 4.0,
                                visibility: Visibility::Visible,
                            },
                            Keypoint {
                                name: "q".into(),
                                x: 5.0,
                                y: 6.0,
                                visibility: Visibility::Occluded,
                            },
                        ],
                    },
                ),
            ],
        ),
        task("2", "y.png", 5, 5, vec![]),
    ];
    ds
}

/// The files of a valid export, and the path of its main annotation file (the one mutated).
fn valid_files(format: FormatName) -> (DatasetFiles, String) {
    let ds = valid();
    let out = export(format, &ds, &ExportOptions::default()).unwrap();
    let files = files_of(&out, &ds);
    let main = match format {
        FormatName::Coco => "annotations/instances_default.json",
        FormatName::Voc => "Annotations/x.xml",
        FormatName::Csv => "_annotations.csv",
        _ => "labels/x.txt",
    };
    assert!(files.files.get(main).is_some(), "{format}: {main}");
    (files, main.to_string())
}

#[derive(Debug, Clone)]
enum Edit {
    Flip(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    /// Replace a digit run with a big or odd number.
    Number(usize, &'static str),
}

fn arb_edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Flip(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Insert(i, b)),
        any::<usize>().prop_map(Edit::Delete),
        (
            any::<usize>(),
            prop::sample::select(vec![
                "-1",
                "1e999",
                "4294967296",
                "99999999999",
                "NaN",
                "0",
                "-0.5",
                "\"x\"",
                "[]",
                "{}",
                "null"
            ])
        )
            .prop_map(|(i, s)| Edit::Number(i, s)),
    ]
}

fn mutate(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let n = bytes.len();
        match *e {
            Edit::Flip(i, b) if n > 0 => bytes[i % n] = b,
            Edit::Insert(i, b) => bytes.insert(i % (n + 1), b),
            Edit::Delete(i) if n > 0 => {
                bytes.remove(i % n);
            }
            Edit::Number(i, s) if n > 0 => {
                let start = i % n;
                let end = (start..n)
                    .find(|&k| !bytes[k].is_ascii_digit())
                    .unwrap_or(n);
                bytes.splice(start..end.max(start), s.bytes());
            }
            _ => {}
        }
    }
    bytes
}

fn never_panics(format: FormatName, input: Result<Vec<u8>, Vec<Edit>>) {
    static VALID: OnceLock<Mutex<HashMap<String, (DatasetFiles, String)>>> = OnceLock::new();
    let (mut files, main) = VALID
        .get_or_init(Default::default)
        .lock()
        .unwrap()
        .entry(format.to_string())
        .or_insert_with(|| valid_files(format))
        .clone();
    let bytes = match input {
        Ok(random) => random,
        Err(edits) => mutate(files.files.get(&main).unwrap().to_vec(), &edits),
    };
    files.files.insert(main, bytes);
    // Ok or Err are both fine; a panic fails the test.
    let _ = import(format, &files);
}

fn arb_input() -> impl Strategy<Value = Result<Vec<u8>, Vec<Edit>>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200).prop_map(Ok),
        proptest::collection::vec(arb_edit(), 1..8).prop_map(Err),
    ]
}

macro_rules! importer_never_panics {
    ($name:ident, $format:expr) => {
        proptest! {
            #![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: None, ..ProptestConfig::default() })]
            #[test]
            fn $name(input in arb_input()) {
                never_panics($format, input);
            }
        }
    };
}

importer_never_panics!(coco_importer_never_panics, FormatName::Coco);
importer_never_panics!(yolo_importer_never_panics, FormatName::Yolo);
importer_never_panics!(yolo_seg_importer_never_panics, FormatName::YoloSeg);
importer_never_panics!(yolo_obb_importer_never_panics, FormatName::YoloObb);
importer_never_panics!(yolo_pose_importer_never_panics, FormatName::YoloPose);
importer_never_panics!(voc_importer_never_panics, FormatName::Voc);
importer_never_panics!(csv_importer_never_panics, FormatName::Csv);

#[test]
fn mutations_reach_errors_not_only_successes() {
    // The mutated inputs must exercise the error paths: a deleted closing bracket fails.
    let (mut files, main) = valid_files(FormatName::Coco);
    let mut bytes = files.files.get(&main).unwrap().to_vec();
    bytes.pop();
    files.files.insert(main, bytes);
    assert!(import(FormatName::Coco, &files).is_err());
    assert!(import(FormatName::Coco, &valid_files(FormatName::Coco).0).is_ok());
}
