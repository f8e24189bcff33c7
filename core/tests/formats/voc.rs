//! Pascal VOC: the 1-based pixel convention, flags, splits, bad XML with its line.

use super::support::{files_of, label_names, labels, mask, task};
use lasso_core::formats::{
    export, import, Dataset, DatasetFiles, ExportOptions, FormatName, Split,
};
use lasso_core::model::{Annotation, AttributeValue, BoxShape, Shape};
use proptest::prelude::*;

fn b(x0: f64, y0: f64, x1: f64, y1: f64) -> Shape {
    Shape::Box(BoxShape { x0, y0, x1, y1 })
}

#[test]
fn boxes_use_1_based_pixels_and_keep_flags_and_splits() {
    let mut hard = Annotation::new("1", "cat & dog", b(0.0, 0.0, 10.0, 20.0));
    hard.attributes
        .insert("difficult".into(), AttributeValue::Bool(true));
    let mut ds = Dataset {
        labels: labels(&["cat & dog", "car"]),
        tasks: vec![
            task(
                "x",
                "x.jpg",
                50,
                40,
                vec![
                    hard,
                    Annotation::new("2", "car", b(4.5, 5.2, 30.1, 39.0)),
                    Annotation::new("3", "car", mask(50, 40, |x, y| x == 7 && y < 3)),
                ],
            ),
            task("y", "y.jpg", 8, 8, vec![]),
        ],
        ..Default::default()
    };
    ds.splits.insert("x".into(), Split::Train);
    ds.splits.insert("y".into(), Split::Valid);
    let out = export(FormatName::Voc, &ds, &ExportOptions::default()).unwrap();
    let xml = std::str::from_utf8(out.files.get("Annotations/x.xml").unwrap()).unwrap();
    assert!(xml.contains("<name>cat &amp; dog</name>"), "{xml}");
    assert!(xml.contains("<difficult>1</difficult>"));
    assert!(
        xml.contains(
            "<xmin>1</xmin>\n\t\t\t<ymin>1</ymin>\n\t\t\t<xmax>10</xmax>\n\t\t\t<ymax>20</ymax>"
        ),
        "{xml}"
    );
    assert!(
        xml.contains(
            "<xmin>5</xmin>\n\t\t\t<ymin>6</ymin>\n\t\t\t<xmax>31</xmax>\n\t\t\t<ymax>39</ymax>"
        ),
        "{xml}"
    );
    assert_eq!(out.files.get("ImageSets/Main/train.txt"), Some(&b"x\n"[..]));
    assert_eq!(
        out.images[0],
        ("x".to_string(), "JPEGImages/x.jpg".to_string())
    );
    let back = import(FormatName::Voc, &files_of(&out, &ds)).unwrap();
    assert_eq!(back.splits, ds.splits);
    assert_eq!(label_names(&back), label_names(&ds));
    let anns = &back.tasks[0].annotations;
    assert_eq!(anns[0].shape, b(0.0, 0.0, 10.0, 20.0));
    assert_eq!(anns[0].attributes["difficult"], AttributeValue::Bool(true));
    assert!(!anns[1].attributes.contains_key("difficult"));
    // Off-pixel edges move outwards by less than a pixel.
    assert_eq!(anns[1].shape, b(4.0, 5.0, 31.0, 39.0));
    assert_eq!(anns[2].shape, b(7.0, 0.0, 8.0, 3.0));
    assert_eq!(back.tasks[1].image.src, "JPEGImages/y.jpg");
    assert!(back.tasks[1].annotations.is_empty());
}

fn voc_files(xml: &str) -> DatasetFiles {
    let mut files = DatasetFiles::default();
    files.files.insert("Annotations/a.xml", xml);
    files
}

#[test]
fn bad_xml_names_the_place() {
    let object = |bndbox: &str| {
        format!("<annotation><filename>a.jpg</filename><size><width>9</width><height>9</height></size>\n<object><name>c</name>{bndbox}</object></annotation>")
    };
    let cases = [
        (object("<bndbox><xmin>1</xmin><ymin>x</ymin><xmax>3</xmax><ymax>4</ymax></bndbox>"), "annotation.object[0].bndbox.ymin", "not a number"),
        (object("<bndbox><xmin>5</xmin><ymin>1</ymin><xmax>3</xmax><ymax>4</ymax></bndbox>"), "annotation.object[0].bndbox", "before"),
        (object("<bndbox><xmin>1</xmin><ymin>inf</ymin><xmax>3</xmax><ymax>4</ymax></bndbox>"), "annotation.object[0].bndbox.ymin", "finite"),
        (object(""), "annotation.object[0]", "no bndbox"),
        (object("<difficult>2</difficult><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>3</xmax><ymax>4</ymax></bndbox>"), "annotation.object[0].difficult", "0 or 1"),
        ("<annotation>\n<object>\n<name>c</nam>\n</object></annotation>".to_string(), "line 3", ""),
    ];
    for (xml, location, words) in cases {
        let err = import(FormatName::Voc, &voc_files(&xml)).unwrap_err();
        assert_eq!(
            (err.file.as_str(), err.location.as_str()),
            ("Annotations/a.xml", location),
            "{err}"
        );
        assert!(err.message.contains(words), "{err}");
    }
}

proptest! {
    #[test]
    fn boxes_round_trip_within_a_pixel(corners in proptest::collection::vec((0.0..500.0f64, 0.0..500.0f64, 0.0..500.0f64, 0.0..500.0f64), 1..10)) {
        let anns: Vec<Annotation> = corners.iter().enumerate().map(|(i, &(a, c, d, e))| {
            Annotation::new((i + 1).to_string(), "o", b(a.min(d), c.min(e), a.max(d), c.max(e)))
        }).collect();
        let ds = Dataset { labels: labels(&["o"]), tasks: vec![task("t", "t.jpg", 500, 500, anns)], ..Default::default() };
        let out = export(FormatName::Voc, &ds, &ExportOptions::default()).unwrap();
        let back = import(FormatName::Voc, &files_of(&out, &ds)).unwrap();
        for (p, q) in ds.tasks[0].annotations.iter().zip(&back.tasks[0].annotations) {
            let (Shape::Box(p), Shape::Box(q)) = (&p.shape, &q.shape) else { panic!() };
            prop_assert!(q.x0 <= p.x0 && p.x0 - q.x0 < 1.0 && q.y0 <= p.y0 && p.y0 - q.y0 < 1.0, "{:?} {:?}", p, q);
            prop_assert!(q.x1 >= p.x1 && q.x1 - p.x1 < 1.0 && q.y1 >= p.y1 && q.y1 - p.y1 < 1.0, "{:?} {:?}", p, q);
        }
    }
}
