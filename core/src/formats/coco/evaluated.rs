//! Annotations as pycocotools' `COCOeval` sees them once written as COCO: the `bbox`, `area`,
//! `iscrowd` and segmentation mask (`annToRLE`) of exactly what [`super::export`] writes, so
//! that AP computed from tasks is the AP `COCOeval` reports on the exported files.

use serde_json::Value;

use super::{annotation, FormatError};
use crate::formats::{ExportOptions, MaskEncoding};
use crate::model::{Origin, Shape, Task};
use crate::raster::polygon::polygon_to_rle;
use crate::raster::rle::Rle;

/// One annotation of a task in COCO's evaluation terms.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluated {
    /// Its class name.
    pub label: String,
    /// `[x, y, w, h]` as written.
    pub bbox: [f64; 4],
    /// `area` as written (what the ground truth's area ranges use).
    pub area: f64,
    /// The mask pycocotools rasterises from the written segmentation.
    pub mask: Rle,
    /// COCO's `iscrowd`.
    pub crowd: bool,
    /// A prediction's score; people's shapes have none.
    pub score: Option<f64>,
}

/// The task's boxes, rotated boxes, polygons and masks as COCO evaluates them (masks as exact
/// RLE); keypoints (scored by OKS instead) and polylines (not in COCO) are left out.
pub fn evaluated(task: &Task) -> Result<Vec<Evaluated>, FormatError> {
    let options = ExportOptions {
        masks: MaskEncoding::Rle,
        polygons_as_rle: false,
    };
    let (w, h) = (task.image.width, task.image.height);
    let mut out = Vec::with_capacity(task.annotations.len());
    for a in &task.annotations {
        if matches!(a.shape, Shape::Keypoints { .. } | Shape::Polyline { .. }) {
            continue;
        }
        let Some(c) = annotation(a, task, 0, 0, 0, &[], &options)? else {
            continue;
        };
        let Some(&[x, y, bw, bh]) = c.bbox.as_deref() else {
            continue;
        };
        let mask = segmentation_mask(&c.segmentation, h, w).map_err(|e| {
            FormatError::dataset(format!(
                "annotation {} of image {}: {e}",
                a.id, task.image.name
            ))
        })?;
        out.push(Evaluated {
            label: a.label.clone(),
            bbox: [x, y, bw, bh],
            area: c.area,
            mask,
            crowd: c.iscrowd.as_u64() == Some(1),
            score: match &a.origin {
                Origin::Prediction { score, .. } => Some(*score),
                Origin::Human => None,
            },
        });
    }
    Ok(out)
}

/// pycocotools' `annToRLE` of a written segmentation: polygons rasterised and merged by
/// union, a compressed RLE decoded.
fn segmentation_mask(value: &Value, h: u32, w: u32) -> Result<Rle, String> {
    match value {
        Value::Array(rings) => {
            let masks: Vec<Rle> = rings
                .iter()
                .map(|ring| {
                    let xy: Vec<f64> = ring
                        .as_array()
                        .map(|v| v.iter().filter_map(Value::as_f64).collect())
                        .unwrap_or_default();
                    polygon_to_rle(&xy, h, w)
                })
                .collect();
            Rle::merge(&masks, false).map_err(|e| e.to_string())
        }
        Value::Object(o) => {
            let counts = o.get("counts").and_then(Value::as_str).unwrap_or_default();
            Rle::from_compressed(counts, h, w).map_err(|e| e.to_string())
        }
        _ => Err("the segmentation is neither polygons nor an RLE".into()),
    }
}

/// The order `COCOeval` walks the tasks in: by the image ids the export gives them (their own
/// ids when those are distinct numbers, else their position), which decides ties between equal
/// scores.
pub fn image_order(tasks: &[Task]) -> Vec<usize> {
    let ids = super::numeric_ids(tasks.iter().map(|t| t.id.as_str()));
    let mut order: Vec<usize> = (0..tasks.len()).collect();
    order.sort_by_key(|&i| ids[i]);
    order
}
