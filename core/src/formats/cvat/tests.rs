//! Tests of `cvat`.

use super::*;
use crate::formats::test_support::{assert_datasets_close, sample_dataset};

/// The sample with ids as CVAT numbers them and tags as CVAT lists them.
fn as_cvat_reads_it(mut ds: Dataset) -> Dataset {
    for (i, t) in ds.tasks.iter_mut().enumerate() {
        t.id = i.to_string();
        t.image.src = format!("images/{}", t.image.name);
        t.annotations.sort_by_key(|a| a.z);
        for (n, a) in t.annotations.iter_mut().enumerate() {
            a.id = crate::model::AnnotationId((n + 1).to_string());
        }
    }
    ds.labels.multi_tag = true;
    for t in &mut ds.tasks {
        t.labels = ds.labels.clone();
    }
    ds
}

fn reimport(ds: &Dataset) -> Dataset {
    let out = export(ds).unwrap();
    import(&DatasetFiles {
        files: out.files,
        ..Default::default()
    })
    .unwrap()
}

#[test]
fn round_trips_every_shape_attributes_predictions_tags_and_splits() {
    let mut ds = sample_dataset();
    ds.labels.labels[0].attributes = vec![
        AttributeDef {
            name: "truncated".into(),
            kind: AttributeKind::Bool,
        },
        AttributeDef {
            name: "pose".into(),
            kind: AttributeKind::Choice {
                options: vec!["left".into(), "right & up".into()],
            },
        },
    ];
    let a = &mut ds.tasks[0].annotations[0];
    a.attributes
        .insert("truncated".into(), AttributeValue::Bool(true));
    a.attributes
        .insert("pose".into(), AttributeValue::Text("right & up".into()));
    a.attributes
        .insert("occluded".into(), AttributeValue::Bool(true));
    a.z = 3;
    if let Shape::Keypoints { points } = &mut ds.tasks[0].annotations[4].shape {
        points[1].visibility = Visibility::Occluded;
    }
    for t in &mut ds.tasks {
        t.labels = ds.labels.clone();
    }
    ds.splits.insert("t1".into(), Split::Valid);
    let back = reimport(&ds);
    let mut want = as_cvat_reads_it(ds);
    want.splits = [("0".to_string(), Split::Valid)].into();
    want.info.description = "lasso".into();
    assert_datasets_close(&back, &want, 1e-9);
}

#[test]
fn mask_rle_is_row_major_over_the_bounding_box_starting_with_zeros() {
    // Pixels (1,1), (2,1) and (1,2) of a 4×4 image: the box is x 1..=2, y 1..=2, and
    // row-major its values are 1 1 / 1 0, so the runs are [0, 3, 1].
    let mut px = vec![0u8; 16];
    for (x, y) in [(1, 1), (2, 1), (1, 2)] {
        px[y * 4 + x] = 1;
    }
    let mask = RunMask::from_row_major(&px, 4, 4);
    assert_eq!(encode_mask(&mask), Some((vec![0, 3, 1], 1, 1, 2, 2)));
    let back = decode_mask(&[0, 3, 1], (1, 1, 2, 2), (4, 4)).unwrap();
    assert_eq!(back.to_row_major(), px);
    // A box of CVAT's own (from its docs' shape): zeros first.
    let back = decode_mask(&[3, 1], (0, 0, 2, 2), (4, 4)).unwrap();
    assert!(back.contains(1, 1) && back.area() == 1);
    assert!(decode_mask(&[3, 2], (0, 0, 2, 2), (4, 4)).is_err());
}

#[test]
fn reads_a_cvat_export_with_rotation_about_the_centre() {
    let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta><job><labels><label><name>car</name><color>#fa3253</color><type>rectangle</type>
<attributes><attribute><name>parked</name><input_type>checkbox</input_type>
<values>false</values></attribute></attributes></label></labels></job></meta>
  <image id="5" name="frame_000005.png" width="100" height="80" subset="default">
<box label="car" source="manual" occluded="0" xtl="10.00" ytl="20.00" xbr="30.00" ybr="30.00" rotation="90.00" z_order="2">
  <attribute name="parked">true</attribute>
</box>
<mask label="car" source="semi-auto" occluded="0" rle="3, 1" left="5" top="6" width="2" height="2" z_order="0"></mask>
<cuboid label="car" xtl1="0" ytl1="0"/>
  </image>
</annotations>"#;
    let mut files = DatasetFiles::default();
    files.files.insert(FILE, xml);
    let ds = import(&files).unwrap();
    let t = &ds.tasks[0];
    assert_eq!(
        (t.id.as_str(), t.image.width, t.image.height),
        ("5", 100, 80)
    );
    assert_eq!(ds.labels.labels[0].color, "#fa3253");
    let a = &t.annotations[0];
    assert_eq!(
        a.shape,
        Shape::RotatedBox(RotatedBox {
            cx: 20.0,
            cy: 25.0,
            w: 20.0,
            h: 10.0,
            angle: 90.0
        })
    );
    assert_eq!(
        (a.z, a.attributes.get("parked")),
        (2, Some(&AttributeValue::Bool(true)))
    );
    let Shape::Mask(m) = &t.annotations[1].shape else {
        panic!("{:?}", t.annotations[1].shape)
    };
    let mask = RunMask::from_rle(&Rle::from_model(m).unwrap());
    assert!(mask.contains(6, 7) && mask.area() == 1);
    assert!(matches!(t.annotations[1].origin, Origin::Prediction { .. }));
    assert_eq!(t.annotations.len(), 2);
}

fn error_of(xml: &str) -> FormatError {
    let mut files = DatasetFiles::default();
    files.files.insert(FILE, xml);
    import(&files).unwrap_err()
}

#[test]
fn malformed_input_names_the_element_and_line() {
    let e = error_of(
        "<annotations>\n<image id=\"0\" name=\"a\" width=\"4\" height=\"4\">\n<box label=\"x\" xtl=\"NaN\" ytl=\"0\" xbr=\"1\" ybr=\"1\"/>\n</image>\n</annotations>",
    );
    assert_eq!(
        (e.file.as_str(), e.location.as_str()),
        (FILE, "<box> at line 3")
    );
    assert!(e.message.contains("xtl"), "{e}");
    let e = error_of("<annotations>\n<image id=\"0\" name=\"a\" width=\"4\" height=\"4\">\n<polygon label=\"x\" points=\"1,2;3\"/></image></annotations>");
    assert_eq!(e.location, "<polygon> at line 3");
    let e = error_of("<annotations>\n<image id=\"0\" name=\"a\" width=\"4\" height=\"4\">\n\n<mask label=\"x\" rle=\"1, 2\" left=\"0\" top=\"0\" width=\"2\" height=\"2\"/></image></annotations>");
    assert_eq!(e.location, "<mask> at line 4");
    assert!(e.message.contains("cover 3 pixels"), "{e}");
    let e = error_of("<annotations>\n<image id=\"0\" name=\"a\" height=\"4\"/></annotations>");
    assert!(e.message.contains("width"), "{e}");
    let e = error_of("<annotations><track id=\"0\" label=\"x\"/></annotations>");
    assert!(e.message.contains("CVAT for images"), "{e}");
    let e = error_of("<annotations>\n<image id=\"0\"\n</annotations>");
    assert_eq!(e.location, "<image> at line 2", "{e}");
    let e = error_of(
        "<annotations>\n<image id=\"0\" name=\"a\" width=\"1\" height=\"1\">\n</annotations>",
    );
    assert!(e.location.starts_with("line 3"), "{e}");
}
