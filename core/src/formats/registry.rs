//! One definition per dataset format: its name, main file, what it can hold, and its reader and
//! writer, behind the [`Format`] trait. The CLI, the browser's export panel and `exportAs`, the
//! golden tests and the fuzz tests all iterate [`all`], so a format added here is offered,
//! documented and tested everywhere at once.

use super::{
    coco, csv, cvat, folders, geojson, label_studio, lasso_json, masks, tags_csv, voc, w3c, yolo,
    Dataset, DatasetFiles, Export, ExportOptions, FormatError, FormatName,
};
use crate::i18n::{self, Locale};
use crate::model::{Shape, ShapeKind, Task};

/// How a format keeps one kind of shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fidelity {
    /// Written and read back as it is.
    Exact,
    /// Written in another form, read back as that form: the catalogue id of its words
    /// (`conv.bounds`: "its bounding box").
    Converted(&'static str),
    /// Not written at all.
    Dropped,
}

/// A dataset format.
pub trait Format: Sync {
    /// The name the CLI and the JS API use.
    fn name(&self) -> FormatName;
    /// One line for `--help` and the export panel.
    fn describe(&self) -> &'static str;
    /// The file that holds the annotations (or the first of them), as the export writes it.
    fn main_file(&self) -> &'static str;
    /// How each kind of shape is kept.
    fn holds(&self, kind: ShapeKind) -> Fidelity;
    /// How the holes of polygons (and masks traced into polygons) are kept.
    fn holes(&self) -> Fidelity;
    /// Whether whole-image tags are kept.
    fn tags(&self) -> bool;
    /// Whether files of this format can carry model predictions with scores (`loadPredictions`,
    /// `lasso predict`).
    fn predictions(&self) -> bool;
    /// Reads a dataset folder; all or nothing.
    fn import(&self, files: &DatasetFiles) -> Result<Dataset, FormatError>;
    /// Writes a dataset.
    fn export(&self, dataset: &Dataset, options: &ExportOptions) -> Result<Export, FormatError>;
}

/// A format described by data: what [`all`] lists.
pub struct Spec {
    name: FormatName,
    describe: &'static str,
    main_file: &'static str,
    /// Fidelity per shape kind, in [`ShapeKind`] order: box, rotated box, polygon, polyline,
    /// keypoints, mask.
    shapes: [Fidelity; 6],
    holes: Fidelity,
    tags: bool,
    predictions: bool,
    import: fn(&DatasetFiles) -> Result<Dataset, FormatError>,
    export: fn(&Dataset, &ExportOptions) -> Result<Export, FormatError>,
}

fn kind_index(kind: ShapeKind) -> usize {
    match kind {
        ShapeKind::Box => 0,
        ShapeKind::RotatedBox => 1,
        ShapeKind::Polygon => 2,
        ShapeKind::Polyline => 3,
        ShapeKind::Keypoints => 4,
        ShapeKind::Mask => 5,
    }
}

impl Format for Spec {
    fn name(&self) -> FormatName {
        self.name
    }
    fn describe(&self) -> &'static str {
        self.describe
    }
    fn main_file(&self) -> &'static str {
        self.main_file
    }
    fn holds(&self, kind: ShapeKind) -> Fidelity {
        self.shapes[kind_index(kind)]
    }
    fn holes(&self) -> Fidelity {
        self.holes
    }
    fn tags(&self) -> bool {
        self.tags
    }
    fn predictions(&self) -> bool {
        self.predictions
    }
    fn import(&self, files: &DatasetFiles) -> Result<Dataset, FormatError> {
        (self.import)(files)
    }
    fn export(&self, dataset: &Dataset, options: &ExportOptions) -> Result<Export, FormatError> {
        (self.export)(dataset, options)
    }
}

use Fidelity::{Converted, Dropped, Exact};

const BOUNDS: Fidelity = Converted("conv.bounds");

static FORMATS: [Spec; 15] = [
    Spec {
        name: FormatName::Lasso,
        describe: "Lasso JSON: every shape, attribute, tag and prediction as the editor holds it",
        main_file: lasso_json::FILE,
        shapes: [Exact; 6],
        holes: Exact,
        tags: true,
        predictions: true,
        import: lasso_json::import,
        export: |d, _| lasso_json::export(d),
    },
    Spec {
        name: FormatName::Coco,
        describe: "COCO instances JSON: boxes, polygons, RLE masks, keypoints with skeletons",
        main_file: coco::DEFAULT_FILE,
        shapes: [
            Exact,
            Converted("conv.corners"),
            Exact,
            Dropped,
            Exact,
            Exact,
        ],
        holes: Converted("conv.rle"),
        tags: false,
        predictions: true,
        import: coco::import,
        export: coco::export,
    },
    Spec {
        name: FormatName::Yolo,
        describe: "YOLO detect (Ultralytics): one box per object, normalised",
        main_file: yolo::DATA_YAML,
        shapes: [Exact, BOUNDS, BOUNDS, Dropped, Dropped, BOUNDS],
        holes: Dropped,
        tags: false,
        predictions: true,
        import: |f| yolo::import(f, yolo::YoloTask::Detect),
        export: |d, _| yolo::export(d, yolo::YoloTask::Detect),
    },
    Spec {
        name: FormatName::YoloSeg,
        describe: "YOLO segment (Ultralytics): one polygon per object part, normalised",
        main_file: yolo::DATA_YAML,
        shapes: [
            Converted("conv.corners"),
            Converted("conv.corners"),
            Exact,
            Dropped,
            Dropped,
            Converted("conv.traced"),
        ],
        holes: Dropped,
        tags: false,
        predictions: true,
        import: |f| yolo::import(f, yolo::YoloTask::Segment),
        export: |d, _| yolo::export(d, yolo::YoloTask::Segment),
    },
    Spec {
        name: FormatName::YoloObb,
        describe: "YOLO OBB (Ultralytics): oriented boxes as four corners, normalised",
        main_file: yolo::DATA_YAML,
        shapes: [
            Converted("conv.rotated"),
            Exact,
            Converted("conv.min_rect"),
            Dropped,
            Dropped,
            Converted("conv.min_rect"),
        ],
        holes: Dropped,
        tags: false,
        predictions: true,
        import: |f| yolo::import(f, yolo::YoloTask::Obb),
        export: |d, _| yolo::export(d, yolo::YoloTask::Obb),
    },
    Spec {
        name: FormatName::YoloPose,
        describe: "YOLO pose (Ultralytics): keypoints with the box of the placed points",
        main_file: yolo::DATA_YAML,
        shapes: [Dropped, Dropped, Dropped, Dropped, Exact, Dropped],
        holes: Dropped,
        tags: false,
        predictions: true,
        import: |f| yolo::import(f, yolo::YoloTask::Pose),
        export: |d, _| yolo::export(d, yolo::YoloTask::Pose),
    },
    Spec {
        name: FormatName::Voc,
        describe: "Pascal VOC XML: one box per object, 1-based pixel indices",
        main_file: "Annotations/",
        shapes: [Exact, BOUNDS, BOUNDS, Dropped, Dropped, BOUNDS],
        holes: Dropped,
        tags: false,
        predictions: false,
        import: voc::import,
        export: |d, _| voc::export(d),
    },
    Spec {
        name: FormatName::Cvat,
        describe:
            "CVAT for images 1.1 XML: boxes, rotation, polygons, lines, skeletons, masks, tags",
        main_file: cvat::FILE,
        shapes: [Exact; 6],
        holes: Dropped,
        tags: true,
        predictions: true,
        import: cvat::import,
        export: |d, _| cvat::export(d),
    },
    Spec {
        name: FormatName::LabelStudio,
        describe: "Label Studio JSON tasks: annotations and predictions in percent, brush RLE",
        main_file: label_studio::FILE,
        shapes: [Exact; 6],
        holes: Dropped,
        tags: true,
        predictions: true,
        import: label_studio::import,
        export: |d, _| label_studio::export(d),
    },
    Spec {
        name: FormatName::Csv,
        describe: "Roboflow CSV: filename, size, class and box per row",
        main_file: csv::FILE,
        shapes: [Exact, BOUNDS, BOUNDS, Dropped, Dropped, BOUNDS],
        holes: Dropped,
        tags: false,
        predictions: false,
        import: csv::import,
        export: |d, _| csv::export(d),
    },
    Spec {
        name: FormatName::Masks,
        describe: "Segmentation mask PNGs (VOC layout): class and instance masks with class maps",
        main_file: masks::CLASS_MAP,
        shapes: [
            Converted("conv.pixels"),
            Converted("conv.pixels"),
            Converted("conv.pixels"),
            Dropped,
            Dropped,
            Exact,
        ],
        holes: Exact,
        tags: false,
        predictions: false,
        import: masks::import,
        export: |d, _| masks::export(d),
    },
    Spec {
        name: FormatName::Folders,
        describe: "Image classification folders (ImageFolder): train/cat/…, one class per image",
        main_file: folders::FILE,
        shapes: [Dropped; 6],
        holes: Dropped,
        tags: true,
        predictions: false,
        import: folders::import,
        export: |d, _| folders::export(d),
    },
    Spec {
        name: FormatName::TagsCsv,
        describe: "Image tags as one-hot CSV columns (multi-label classification): _classes.csv",
        main_file: tags_csv::FILE,
        shapes: [Dropped; 6],
        holes: Dropped,
        tags: true,
        predictions: false,
        import: tags_csv::import,
        export: |d, _| tags_csv::export(d),
    },
    Spec {
        name: FormatName::W3c,
        describe: "W3C Web Annotations (Annotorious): boxes as media fragments, shapes as SVG",
        main_file: w3c::FILE,
        shapes: [Exact, Exact, Exact, Exact, Dropped, Dropped],
        holes: Exact,
        tags: true,
        predictions: false,
        import: w3c::import,
        export: |d, _| w3c::export(d),
    },
    Spec {
        name: FormatName::Geojson,
        describe: "GeoJSON per image: map coordinates and CRS of a GeoTIFF, else pixels",
        main_file: geojson::DIR,
        shapes: [
            Exact,
            Converted("conv.corners"),
            Exact,
            Exact,
            Converted("conv.multipoint"),
            Dropped,
        ],
        holes: Exact,
        tags: false,
        predictions: true,
        import: geojson::import,
        export: |d, _| geojson::export(d),
    },
];

/// Every format, in the order the CLI and the export panel list them.
pub fn all() -> impl Iterator<Item = &'static dyn Format> {
    FORMATS.iter().map(|f| f as &dyn Format)
}

/// The format of this name.
pub fn get(name: FormatName) -> &'static dyn Format {
    let at = FORMATS.iter().position(|f| f.name == name).unwrap_or(0);
    &FORMATS[at]
}

/// What `format` would not keep of `task` as it is, in words of `locale`: one line per kind of
/// shape present in the task that the format drops or converts (with how many), holes, and
/// tags. Empty when the export keeps everything.
pub fn losses(locale: Locale, format: &dyn Format, task: &Task) -> Vec<String> {
    let mut count = [0usize; 6];
    let mut holes = 0;
    for a in &task.annotations {
        count[kind_index(a.shape.kind())] += 1;
        if let Shape::Polygon(p) = &a.shape {
            holes += usize::from(p.parts.iter().any(|part| !part.holes.is_empty()));
        }
    }
    let names = [
        (ShapeKind::Box, "loss.box"),
        (ShapeKind::RotatedBox, "loss.rotated_box"),
        (ShapeKind::Polygon, "loss.polygon"),
        (ShapeKind::Polyline, "loss.polyline"),
        (ShapeKind::Keypoints, "loss.keypoints"),
        (ShapeKind::Mask, "loss.mask"),
    ];
    let line = |what: &str, fidelity: Fidelity, dropped: &'static str| match fidelity {
        Exact => None,
        Converted(how) => {
            let how = i18n::text(locale, how);
            Some(i18n::format(
                locale,
                "loss.converted",
                &[("what", &what), ("how", &how)],
            ))
        }
        Dropped => Some(i18n::format(locale, dropped, &[("what", &what)])),
    };
    let mut out = Vec::new();
    for (kind, noun) in names {
        let n = count[kind_index(kind)];
        if n > 0 {
            let what = i18n::plural(locale, noun, n as u64, &[]);
            out.extend(line(&what, format.holds(kind), "loss.dropped"));
        }
    }
    // Holes matter only where polygons are kept as polygons.
    if holes > 0 && format.holds(ShapeKind::Polygon) == Exact {
        let what = i18n::plural(locale, "loss.holed", holes as u64, &[]);
        out.extend(line(&what, format.holes(), "loss.holes_dropped"));
    }
    if !task.tags.is_empty() && !format.tags() {
        out.push(i18n::text(locale, "loss.tags").to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Annotation, BoxShape, Point, PolygonShape};

    #[test]
    fn every_name_has_exactly_one_format() {
        for name in FormatName::ALL {
            assert_eq!(get(name).name(), name);
            assert_eq!(all().filter(|f| f.name() == name).count(), 1, "{name}");
        }
        assert_eq!(all().count(), FormatName::ALL.len());
    }

    #[test]
    fn losses_name_what_a_format_cannot_keep() {
        let mut poly = PolygonShape::simple(vec![
            Point::new(0.0, 0.0),
            Point::new(10.0, 0.0),
            Point::new(10.0, 10.0),
        ]);
        poly.parts[0].holes.push(vec![
            Point::new(2.0, 1.0),
            Point::new(4.0, 1.0),
            Point::new(4.0, 2.0),
        ]);
        let task = Task {
            annotations: vec![
                Annotation::new(
                    "b",
                    "car",
                    Shape::Box(BoxShape::from_corners(
                        Point::new(0.0, 0.0),
                        Point::new(1.0, 1.0),
                    )),
                ),
                Annotation::new("p", "car", Shape::Polygon(poly)),
                Annotation::new(
                    "l",
                    "car",
                    Shape::Polyline {
                        points: vec![Point::new(0.0, 0.0), Point::new(3.0, 3.0)],
                    },
                ),
            ],
            tags: vec!["day".into()],
            ..Task::default()
        };
        assert!(losses(Locale::En, get(FormatName::Lasso), &task).is_empty());
        assert_eq!(
            losses(Locale::En, get(FormatName::Yolo), &task),
            vec![
                "1 polygon: each written as its bounding box".to_string(),
                "1 polyline: not written".to_string(),
                "image tags: not written".to_string(),
            ]
        );
        assert_eq!(
            losses(Locale::En, get(FormatName::Cvat), &task),
            vec!["1 polygon with holes: the holes are not written".to_string()]
        );
        assert_eq!(
            losses(Locale::Uk, get(FormatName::Yolo), &task),
            vec![
                "1 багатокутник: кожен записано як обмежувальну рамку".to_string(),
                "1 лінія: не записано".to_string(),
                "теги зображення: не записано".to_string(),
            ]
        );
        assert_eq!(
            losses(Locale::En, get(FormatName::Coco), &task),
            vec![
                "1 polyline: not written".to_string(),
                "1 polygon with holes: each written as an RLE mask of the polygon".to_string(),
                "image tags: not written".to_string(),
            ]
        );
    }
}
