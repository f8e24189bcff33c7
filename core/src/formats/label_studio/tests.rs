//! Tests of `label_studio`.

use super::*;
use crate::formats::test_support::{assert_datasets_close, sample_dataset};

fn files_of(export: Export) -> DatasetFiles {
    DatasetFiles {
        files: export.files,
        ..Default::default()
    }
}

#[test]
fn round_trips_every_shape_tags_and_predictions() {
    let ds = sample_dataset();
    let out = export(&ds).unwrap();
    assert_eq!(out.images[1], ("t2".into(), "images/sub/b.png".into()));
    let back = import(&files_of(out)).unwrap();
    assert_datasets_close(&back, &ds, 1e-9);
}

#[test]
fn rotation_is_anchored_at_the_top_left_corner() {
    // A 30×10 box at (10, 20) turned 90° clockwise about its top-left corner covers
    // x 0..10, y 20..50 on a 100×100 image.
    let json = r#"[{"id": 7, "data": {"image": "/data/upload/1/ab12-cat.jpg"},
      "annotations": [{"id": 1, "created_at": "2024-01-01T00:00:00Z", "result": [
        {"id": "wAb1", "type": "rectanglelabels", "from_name": "bbox", "to_name": "img",
         "original_width": 100, "original_height": 100, "image_rotation": 0,
         "value": {"x": 10, "y": 20, "width": 30, "height": 10, "rotation": 90,
                   "rectanglelabels": ["cat"]}}]}]}]"#;
    let mut files = DatasetFiles::default();
    files.files.insert("export.json", json);
    let ds = import(&files).unwrap();
    let t = &ds.tasks[0];
    assert_eq!(
        (t.id.as_str(), t.image.name.as_str()),
        ("7", "ab12-cat.jpg")
    );
    let Shape::RotatedBox(r) = t.annotations[0].shape else {
        panic!("{:?}", t.annotations[0].shape)
    };
    assert!(
        (r.cx - 5.0).abs() < 1e-9 && (r.cy - 35.0).abs() < 1e-9,
        "{r:?}"
    );
    let (xs, ys): (Vec<f64>, Vec<f64>) = r.corners().iter().map(|p| (p.x, p.y)).unzip();
    let min = |v: &[f64]| v.iter().cloned().fold(f64::INFINITY, f64::min);
    let max = |v: &[f64]| v.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    assert!((min(&xs) - 0.0).abs() < 1e-9 && (max(&xs) - 10.0).abs() < 1e-9);
    assert!((min(&ys) - 20.0).abs() < 1e-9 && (max(&ys) - 50.0).abs() < 1e-9);
}

#[test]
fn reads_the_newest_uncancelled_annotation_and_other_control_names() {
    let json = r#"[{"id": 1, "data": {"img": "http://x/y/photo.jpg?sig=1"},
      "annotations": [
        {"created_at": "2024-02-01", "result": [
          {"id": "a", "from_name": "r", "to_name": "img", "type": "rectanglelabels",
           "original_width": 200, "original_height": 100,
           "value": {"x": 50, "y": 50, "width": 25, "height": 10, "rotation": 0,
                     "rectanglelabels": ["new"]}},
          {"id": "a", "from_name": "quality", "to_name": "img", "type": "choices",
           "value": {"choices": ["good"]}},
          {"id": "c", "from_name": "weather", "to_name": "img", "type": "choices",
           "value": {"choices": ["sunny"]}}]},
        {"created_at": "2024-03-01", "was_cancelled": true, "result": []},
        {"created_at": "2024-01-01", "result": [
          {"id": "b", "type": "rectanglelabels", "original_width": 200,
           "original_height": 100, "value": {"x": 1, "y": 1, "width": 1, "height": 1,
           "rectanglelabels": ["old"]}}]}]}]"#;
    let mut files = DatasetFiles::default();
    files.files.insert("project.json", json);
    let ds = import(&files).unwrap();
    let t = &ds.tasks[0];
    assert_eq!(t.image.name, "photo.jpg");
    assert_eq!((t.image.width, t.image.height), (200, 100));
    assert_eq!(t.annotations.len(), 1);
    assert_eq!(
        t.annotations[0].shape,
        Shape::Box(BoxShape {
            x0: 100.0,
            y0: 50.0,
            x1: 150.0,
            y1: 60.0
        })
    );
    assert_eq!(
        t.annotations[0].attributes.get("quality"),
        Some(&AttributeValue::Text("good".into()))
    );
    assert_eq!(t.tags, vec!["sunny".to_string()]);
    assert_eq!(
        ds.labels
            .labels
            .iter()
            .map(|l| l.name.as_str())
            .collect::<Vec<_>>(),
        ["new"]
    );
}

#[test]
fn label_config_colours_are_read_back() {
    let out = export(&sample_dataset()).unwrap();
    let config = out.files.text(CONFIG_FILE).unwrap().to_string();
    assert!(
        config.contains("<RectangleLabels name=\"label\" toName=\"image\">"),
        "{config}"
    );
    let ds = import(&files_of(out)).unwrap();
    assert_eq!(ds.labels.labels[1].color, "#3cb44b");
}

fn error_of(json: &str) -> FormatError {
    let mut files = DatasetFiles::default();
    files.files.insert(FILE, json);
    import(&files).unwrap_err()
}

#[test]
fn malformed_values_name_their_json_path() {
    let e = error_of(
        r#"[{"data": {"image": "a.jpg"}, "annotations": [{"result": [
          {"type": "polygonlabels", "original_width": 10, "original_height": 10,
           "value": {"points": [[1, 2]], "polygonlabels": ["x"]}},
          {"type": "rectanglelabels", "original_width": 10, "original_height": 10,
           "value": {"x": "3", "y": 1, "width": 1, "height": 1, "rectanglelabels": ["x"]}}]}]}]"#,
    );
    assert_eq!(e.file, FILE);
    assert_eq!(e.location, "$[0].annotations[0].result[1].value.x");
    assert!(e.message.contains("number"), "{e}");

    let e = error_of(
        r#"[{"data": {"image": "a.jpg"}, "annotations": [{"result": [
          {"type": "rectanglelabels", "value": {"x": 3, "y": 1, "width": 1, "height": 1,
           "rectanglelabels": ["x"]}}]}]}]"#,
    );
    assert_eq!(e.location, "$[0].annotations[0].result[0].original_width");

    let e = error_of(
        r#"[{"data": {"image": "a.jpg"}, "annotations": [{"result": [
          {"type": "brushlabels", "original_width": 4, "original_height": 4,
           "value": {"format": "rle", "rle": [0, 0, 300], "brushlabels": ["x"]}}]}]}]"#,
    );
    assert_eq!(e.location, "$[0].annotations[0].result[0].value.rle[2]");

    let e = error_of(
        r#"[{"data": {"image": "a.jpg"}, "annotations": [{"result": [
          {"type": "brushlabels", "original_width": 4, "original_height": 4,
           "value": {"format": "rle", "rle": [0, 0, 0, 64, 1], "brushlabels": ["x"]}}]}]}]"#,
    );
    assert_eq!(e.location, "$[0].annotations[0].result[0].value.rle");
    assert!(e.message.contains("brush RLE"), "{e}");

    let e = error_of(r#"[{"annotations": []}]"#);
    assert_eq!(e.location, "$[0].data");
    let e = error_of(r#"{"tasks": 1"#);
    assert!(e.location.starts_with("line 1"), "{e}");
    let e = error_of(r#"[{"id": 1, "data": {"image": "a"}}, {"id": 1, "data": {"image": "b"}}]"#);
    assert!(e.message.contains("twice"), "{e}");
}
