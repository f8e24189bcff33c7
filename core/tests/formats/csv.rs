//! Roboflow CSV: exact round trips, split folders, images without rows, errors by line.

use super::support::{files_of, label_names, labels, task};
use lasso_core::formats::{
    export, import, Dataset, DatasetFiles, ExportOptions, FormatName, Split,
};
use lasso_core::model::{Annotation, BoxShape, Shape};

fn b(x0: f64, y0: f64, x1: f64, y1: f64) -> Shape {
    Shape::Box(BoxShape { x0, y0, x1, y1 })
}

#[test]
fn boxes_round_trip_exactly_with_splits_and_empty_images() {
    let mut ds = Dataset {
        labels: labels(&["a,b", "c"]),
        tasks: vec![
            task(
                "1",
                "one.jpg",
                100,
                80,
                vec![
                    Annotation::new("1", "a,b", b(0.1, 2.0, 30.333, 40.0)),
                    Annotation::new("2", "c", b(5.0, 5.0, 6.0, 7.0)),
                ],
            ),
            task("2", "two.jpg", 10, 10, vec![]),
            task(
                "3",
                "three.jpg",
                20,
                10,
                vec![Annotation::new("1", "c", b(1.0, 1.0, 2.0, 2.0))],
            ),
        ],
        ..Default::default()
    };
    ds.splits.insert("1".into(), Split::Train);
    ds.splits.insert("2".into(), Split::Train);
    ds.splits.insert("3".into(), Split::Valid);
    let out = export(FormatName::Csv, &ds, &ExportOptions::default()).unwrap();
    let text = std::str::from_utf8(out.files.get("train/_annotations.csv").unwrap()).unwrap();
    assert_eq!(
        text,
        "filename,width,height,class,xmin,ymin,xmax,ymax\none.jpg,100,80,\"a,b\",0.1,2,30.333,40\none.jpg,100,80,c,5,5,6,7\n"
    );
    let back = import(FormatName::Csv, &files_of(&out, &ds)).unwrap();
    assert_eq!(label_names(&back), label_names(&ds));
    assert_eq!(back.tasks.len(), 3);
    for t in &ds.tasks {
        let u = back
            .tasks
            .iter()
            .find(|u| u.image.name == t.image.name)
            .unwrap();
        assert_eq!(u.annotations, t.annotations);
        assert_eq!(back.splits[&u.id], ds.splits[&t.id]);
        assert_eq!(
            (u.image.width, u.image.height),
            (t.image.width, t.image.height)
        );
    }
}

#[test]
fn bad_rows_name_the_line() {
    let head = "filename,width,height,class,xmin,ymin,xmax,ymax\n";
    let cases = [
        (
            "a.jpg,10,10,c,1,1,2,2\na.jpg,10,10,c,1,x,2,2\n",
            "line 3",
            "not a number",
        ),
        (
            "a.jpg,10,10,c,1,1,2,2\na.jpg,10,-1,c,1,1,2,2\n",
            "line 3",
            "size in pixels",
        ),
        ("a.jpg,10,10,c,5,1,2,2\n", "line 2", "before"),
        ("a.jpg,10,10,c,1,1,NaN,2\n", "line 2", "finite"),
        (
            "a.jpg,10,10,c,1,1,2,2\na.jpg,11,10,c,1,1,2,2\n",
            "line 3",
            "earlier line",
        ),
        ("a.jpg,10,10,c,1,1\n", "line 2", ""),
    ];
    for (rows, line, words) in cases {
        let mut files = DatasetFiles::default();
        files
            .files
            .insert("_annotations.csv", format!("{head}{rows}"));
        let err = import(FormatName::Csv, &files).unwrap_err();
        assert_eq!(
            (err.file.as_str(), err.location.as_str()),
            ("_annotations.csv", line),
            "{err}"
        );
        assert!(err.message.contains(words), "{err}");
    }
    let mut files = DatasetFiles::default();
    files.files.insert("_annotations.csv", "filename,w,h\n");
    let err = import(FormatName::Csv, &files).unwrap_err();
    assert!(err.message.contains("no `width` column"), "{err}");
}
