//! Tests of `masks`.

use super::*;
use crate::formats::test_support::{assert_datasets_close, sample_mask};
use crate::model::{BoxShape, Point, RotatedBox};

fn labels() -> LabelSet {
    LabelSet {
        labels: vec![Label::new("cat", "#e6194b"), Label::new("dog", "#3cb44b")],
        ..Default::default()
    }
}

fn task(id: &str, name: &str, w: u32, h: u32, annotations: Vec<Annotation>) -> Task {
    Task {
        id: id.into(),
        image: ImageRef {
            src: format!("JPEGImages/{name}"),
            name: name.into(),
            width: w,
            height: h,
            ..Default::default()
        },
        labels: labels(),
        annotations,
        tags: vec![],
    }
}

fn reimport(ds: &Dataset, drop: &[&str]) -> Dataset {
    let mut out = export(ds).unwrap();
    let mut files = DatasetFiles::default();
    for (p, b) in out.files.iter() {
        if !drop.iter().any(|d| p.starts_with(d)) {
            files.files.insert(p, b);
        }
    }
    for (id, path) in out.images.drain(..) {
        let t = ds.tasks.iter().find(|t| t.id == id).unwrap();
        files.images.insert(
            path.clone(),
            crate::formats::ImageFile {
                path,
                width: t.image.width,
                height: t.image.height,
            },
        );
    }
    import(&files).unwrap()
}

#[test]
fn disjoint_masks_round_trip_as_instances_and_as_classes() {
    let mut other = vec![0u8; 64 * 48];
    for y in 30..40 {
        for x in 40..60 {
            other[y * 64 + x] = 1;
        }
    }
    let other = RunMask::from_row_major(&other, 64, 48).to_rle().to_model();
    let mut a = Annotation::new("m1", "dog", Shape::Mask(sample_mask(64, 48)));
    a.z = 0;
    let mut b = Annotation::new("m2", "cat", Shape::Mask(other));
    b.z = 1;
    let ds = Dataset {
        labels: labels(),
        tasks: vec![task("a", "a.jpg", 64, 48, vec![a.clone(), b.clone()])],
        ..Default::default()
    };
    assert_datasets_close(&reimport(&ds, &[]), &ds, 0.0);
    // Without the instance folder: one mask per class, in class-index order.
    let back = reimport(&ds, &[OBJECT_DIR, INSTANCES]);
    let got: Vec<(&str, &Shape)> = back.tasks[0]
        .annotations
        .iter()
        .map(|a| (a.label.as_str(), &a.shape))
        .collect();
    assert_eq!(got, vec![("cat", &b.shape), ("dog", &a.shape)]);
    // Without instances.csv: classes come from the semantic mask under each instance.
    let back = reimport(&ds, &[INSTANCES]);
    let labels: Vec<&str> = back.tasks[0]
        .annotations
        .iter()
        .map(|a| a.label.as_str())
        .collect();
    assert_eq!(labels, ["dog", "cat"]);
}

#[test]
fn shapes_are_rasterised_like_pycocotools_in_z_order() {
    let boxed = Annotation::new(
        "b",
        "cat",
        Shape::Box(BoxShape {
            x0: 2.0,
            y0: 2.0,
            x1: 20.0,
            y1: 12.0,
        }),
    );
    let mut rotated = Annotation::new(
        "r",
        "dog",
        Shape::RotatedBox(RotatedBox {
            cx: 10.0,
            cy: 8.0,
            w: 6.0,
            h: 4.0,
            angle: 30.0,
        }),
    );
    rotated.z = 1;
    let mut line = Annotation::new(
        "l",
        "dog",
        Shape::Polyline {
            points: vec![Point::new(0.0, 0.0), Point::new(5.0, 5.0)],
        },
    );
    line.z = 2;
    let mut pred = boxed.clone();
    pred.id = crate::model::AnnotationId("p".into());
    pred.z = 5;
    pred.origin = Origin::Prediction {
        score: 0.9,
        model: String::new(),
    };
    let ds = Dataset {
        labels: labels(),
        tasks: vec![task(
            "t",
            "t.png",
            32,
            16,
            vec![rotated.clone(), boxed.clone(), line, pred],
        )],
        ..Default::default()
    };
    let back = reimport(&ds, &[]);
    let anns = &back.tasks[0].annotations;
    assert_eq!(
        anns.len(),
        2,
        "the line has no area and the prediction is left out"
    );
    let px = |s: &Shape| shape_pixels(s, 32, 16).unwrap();
    let want_box = px(&boxed.shape).subtract(&px(&rotated.shape));
    assert_eq!(anns[0].shape, Shape::Mask(want_box.to_rle().to_model()));
    assert_eq!(
        anns[1].shape,
        Shape::Mask(px(&rotated.shape).to_rle().to_model())
    );
    let expected = shape_polygon_to_rle(
        &PolygonShape::simple(vec![
            Point::new(2.0, 2.0),
            Point::new(20.0, 2.0),
            Point::new(20.0, 12.0),
            Point::new(2.0, 12.0),
        ]),
        16,
        32,
    );
    assert_eq!(px(&boxed.shape).to_rle(), expected);
}

#[test]
fn palette_pngs_carry_class_colours_and_rgb_masks_map_back() {
    let a = Annotation::new("m", "dog", Shape::Mask(sample_mask(64, 48)));
    let ds = Dataset {
        labels: labels(),
        tasks: vec![task("a", "a.jpg", 64, 48, vec![a.clone()])],
        ..Default::default()
    };
    let out = export(&ds).unwrap();
    let png_bytes = out.files.get("SegmentationClass/a.png").unwrap().to_vec();
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes.as_slice()))
        .read_info()
        .unwrap();
    let pal = reader.info().palette.clone().unwrap().into_owned();
    assert_eq!(&pal[..9], &[0, 0, 0, 0xe6, 0x19, 0x4b, 0x3c, 0xb4, 0x4b]);
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    reader.next_frame(&mut buf).unwrap();
    // The same mask as RGB: dog's colour where set.
    let rgb: Vec<u8> = buf
        .iter()
        .flat_map(|&v| {
            if v == 2 {
                [0x3c, 0xb4, 0x4b]
            } else {
                [0, 0, 0]
            }
        })
        .collect();
    let mut files = DatasetFiles::default();
    files
        .files
        .insert(CLASS_MAP, out.files.get(CLASS_MAP).unwrap());
    files.files.insert(
        "SegmentationClass/a.png",
        encode_png(
            64,
            48,
            png::ColorType::Rgb,
            png::BitDepth::Eight,
            None,
            &rgb,
            "x",
        )
        .unwrap(),
    );
    let back = import(&files).unwrap();
    assert_eq!(back.tasks[0].annotations[0].shape, a.shape);
    assert_eq!(back.tasks[0].annotations[0].label, "dog");
    assert_eq!(back.labels.labels[1].color, "#3cb44b");
}

#[test]
fn a_class_map_index_at_u32_max_leaves_room_for_new_classes() {
    let mut files = DatasetFiles::default();
    files
        .files
        .insert(CLASS_MAP, "index,name,r,g,b\n4294967295,big,1,2,3\n");
    files
        .files
        .insert(INSTANCES, "image,instance,class,id\nm,1,cat,a\n");
    let gray = [0u8, 1, 1, 0];
    files.files.insert(
        "SegmentationObject/m.png",
        encode_png(
            2,
            2,
            png::ColorType::Grayscale,
            png::BitDepth::Eight,
            None,
            &gray,
            "m",
        )
        .unwrap(),
    );
    let back = import(&files).unwrap();
    let names: Vec<&str> = back.labels.labels.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["cat", "big"]);
    assert_eq!(back.tasks[0].annotations[0].label, "cat");
}

#[test]
fn malformed_files_are_named() {
    let mut files = DatasetFiles::default();
    files
        .files
        .insert("SegmentationClass/x.png", b"not a png".to_vec());
    let e = import(&files).unwrap_err();
    assert_eq!(e.file, "SegmentationClass/x.png");
    files
        .files
        .insert(CLASS_MAP, "index,name,r,g,b\n1,cat,300,0,0\n");
    let e = import(&files).unwrap_err();
    assert_eq!(
        (e.file.as_str(), e.location.as_str()),
        (CLASS_MAP, "line 2")
    );
    let e = import(&DatasetFiles::default()).unwrap_err();
    assert!(e.message.contains("no mask PNGs"), "{e}");
    let rgb = vec![9u8; 4 * 4 * 3];
    let mut files = DatasetFiles::default();
    files.files.insert(
        "SegmentationClass/y.png",
        encode_png(
            4,
            4,
            png::ColorType::Rgb,
            png::BitDepth::Eight,
            None,
            &rgb,
            "y",
        )
        .unwrap(),
    );
    let e = import(&files).unwrap_err();
    assert_eq!(e.location, "pixel (0, 0)");
    assert!(e.message.contains("#090909"), "{e}");
}
