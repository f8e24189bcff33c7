//! Dataset formats: converting between a [`Dataset`] (tasks in the Lasso model) and the files of
//! COCO, YOLO, Pascal VOC, CVAT, Label Studio, CSV, mask PNG and classification-folder datasets.
//!
//! The core does no IO, so a format works on a [`DatasetFiles`]: the annotation files of a dataset
//! folder as bytes, keyed by their `/`-separated path relative to the folder root, plus the
//! images found there with their pixel sizes (formats such as YOLO store normalised coordinates and
//! need them). Exporting yields an [`Export`]: the annotation files to write, and where each task's
//! image goes in the new layout; the caller (CLI, browser zip writer) copies the image bytes.
//!
//! Every importer is all-or-nothing: it returns a whole [`Dataset`] or a [`FormatError`] naming the
//! file, the line or JSON path, and what is wrong; it never yields half a dataset.

pub mod archive;
pub mod coco;
mod common;
/// The image file name a task gets in an export (also how imports are matched to files).
pub use common::export_image_name;
pub mod csv;
pub mod cvat;
mod dataset;
mod error;
mod files;
pub mod folders;
#[cfg(test)]
mod fuzz_tests;
pub mod geojson;
pub mod health;
mod json_path;
pub mod label_studio;
pub mod lasso_json;
pub mod masks;
mod palette;
pub mod prediction_file;
pub mod predictions;
pub mod registry;
pub mod remap;
pub mod split;
pub mod tags_csv;
#[cfg(test)]
pub(crate) mod test_support;
pub mod voc;
pub mod w3c;
pub(crate) mod xml;
pub mod yolo;

pub use dataset::{Dataset, DatasetInfo, Split};
pub use error::FormatError;
pub use files::{DatasetFiles, Export, FileTree, ImageFile};
pub use registry::{Fidelity, Format};

use std::fmt;
use std::str::FromStr;

/// The dataset formats Lasso reads and writes, by their CLI / `exportAs` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FormatName {
    /// Lasso JSON: the model as it is (`lasso.json`), nothing lost.
    Lasso,
    /// COCO instances JSON (boxes, polygons, RLE masks, keypoints).
    Coco,
    /// Ultralytics YOLO detection (`data.yaml`, `images/`, `labels/`).
    Yolo,
    /// Ultralytics YOLO segmentation (one polygon per line).
    YoloSeg,
    /// Ultralytics YOLO oriented boxes (four corners).
    YoloObb,
    /// Ultralytics YOLO pose (box plus keypoints).
    YoloPose,
    /// Pascal VOC XML, one file per image.
    Voc,
    /// CVAT for images XML 1.1.
    Cvat,
    /// Label Studio JSON tasks (percent coordinates, brush RLE).
    LabelStudio,
    /// The Roboflow CSV `filename,width,height,class,xmin,ymin,xmax,ymax`.
    Csv,
    /// Semantic (palette + class map) and instance segmentation PNGs.
    Masks,
    /// Image classification: each image in a folder named after its class.
    Folders,
    /// Whole-image tags as one-hot CSV columns (multi-label classification).
    TagsCsv,
    /// W3C Web Annotations (Annotorious): media-fragment boxes and SVG polygons.
    W3c,
    /// GeoJSON per image, in a GeoTIFF's map coordinates where it has them.
    Geojson,
}

impl FormatName {
    /// Every format, in the order the CLI lists them.
    pub const ALL: [FormatName; 15] = [
        FormatName::Lasso,
        FormatName::Coco,
        FormatName::Yolo,
        FormatName::YoloSeg,
        FormatName::YoloObb,
        FormatName::YoloPose,
        FormatName::Voc,
        FormatName::Cvat,
        FormatName::LabelStudio,
        FormatName::Csv,
        FormatName::Masks,
        FormatName::Folders,
        FormatName::TagsCsv,
        FormatName::W3c,
        FormatName::Geojson,
    ];

    /// The name used on the command line and in `exportAs`.
    pub fn as_str(self) -> &'static str {
        match self {
            FormatName::Lasso => "lasso",
            FormatName::Coco => "coco",
            FormatName::Yolo => "yolo",
            FormatName::YoloSeg => "yolo-seg",
            FormatName::YoloObb => "yolo-obb",
            FormatName::YoloPose => "yolo-pose",
            FormatName::Voc => "voc",
            FormatName::Cvat => "cvat",
            FormatName::LabelStudio => "label-studio",
            FormatName::Csv => "csv",
            FormatName::Masks => "masks",
            FormatName::Folders => "folders",
            FormatName::TagsCsv => "tags-csv",
            FormatName::W3c => "w3c",
            FormatName::Geojson => "geojson",
        }
    }
}

impl fmt::Display for FormatName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FormatName {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FormatName::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = FormatName::ALL.iter().map(|f| f.as_str()).collect();
                format!("unknown format {s:?}; known formats: {}", names.join(", "))
            })
    }
}

/// How masks are written where a format can hold either (COCO).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MaskEncoding {
    /// Compressed COCO RLE (`counts` as a string): exact.
    #[default]
    Rle,
    /// Polygons traced along the mask's pixel edges.
    Polygon,
}

/// Choices that shape an export.
#[derive(Clone, Debug, Default)]
pub struct ExportOptions {
    /// How COCO stores segmentations.
    pub masks: MaskEncoding,
    /// COCO writes polygons (and rotated boxes) as compressed RLE of their pixels — what
    /// pycocotools' `frPyObjects` makes of the polygon, byte for byte — instead of vertices.
    pub polygons_as_rle: bool,
}

/// Writes `dataset` in `format`.
pub fn export(
    format: FormatName,
    dataset: &Dataset,
    options: &ExportOptions,
) -> Result<Export, FormatError> {
    registry::get(format).export(dataset, options)
}

/// Reads a dataset in `format` from its files; all or nothing.
pub fn import(format: FormatName, files: &DatasetFiles) -> Result<Dataset, FormatError> {
    registry::get(format).import(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip_and_unknown_names_list_the_known_ones() {
        for f in FormatName::ALL {
            assert_eq!(f.as_str().parse::<FormatName>(), Ok(f));
        }
        let err = "yolov8".parse::<FormatName>().unwrap_err();
        assert!(err.contains("yolov8") && err.contains("yolo-seg"), "{err}");
    }
}
