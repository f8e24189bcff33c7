//! The prompts of interactive segmentation as Label Studio's Segment-Anything backends read
//! them from `params.context.result`: positive and negative clicks as `keypointlabels` regions
//! with `is_positive`, a box as a `rectanglelabels` region, coordinates in percent.

use crate::formats::label_studio::ControlNames;
use crate::model::{Annotation, BoxShape, MaskRle, Point, Shape};
use crate::raster::shape_polygon_to_rle;
use serde_json::{json, Value};

/// What the person gave so far: clicks (`true` positive) and at most one box, for one class.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Prompts {
    /// The class of the object being segmented.
    pub label: String,
    /// Clicks in image pixels, positive or negative.
    pub points: Vec<(Point, bool)>,
    /// A box around the object, in image pixels.
    pub bbox: Option<BoxShape>,
}

impl Prompts {
    /// Whether there is nothing to send.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty() && self.bbox.is_none()
    }
}

fn pct(v: f64, size: u32) -> f64 {
    v / f64::from(size.max(1)) * 100.0
}

/// The `context` of a predict request for `prompts` on an image of `width` × `height`.
pub fn context(prompts: &Prompts, width: u32, height: u32) -> Value {
    let names = ControlNames::default();
    let mut result: Vec<Value> = prompts
        .points
        .iter()
        .enumerate()
        .map(|(i, (p, positive))| {
            json!({
                "id": format!("click{i}"),
                "type": "keypointlabels",
                "from_name": names.keypoint,
                "to_name": names.image,
                "original_width": width,
                "original_height": height,
                "is_positive": *positive,
                "value": {
                    "x": pct(p.x, width),
                    "y": pct(p.y, height),
                    "width": 0.5,
                    "keypointlabels": [prompts.label],
                },
            })
        })
        .collect();
    if let Some(b) = &prompts.bbox {
        result.push(json!({
            "id": "box",
            "type": "rectanglelabels",
            "from_name": names.rectangle,
            "to_name": names.image,
            "original_width": width,
            "original_height": height,
            "value": {
                "x": pct(b.x0.min(b.x1), width),
                "y": pct(b.y0.min(b.y1), height),
                "width": pct((b.x1 - b.x0).abs(), width),
                "height": pct((b.y1 - b.y0).abs(), height),
                "rotation": 0,
                "rectanglelabels": [prompts.label],
            },
        }));
    }
    json!({ "result": result })
}

/// The candidate a segmentation answer proposes for an image of `width` × `height`: its first
/// mask, else its first polygon filled (backends answer either).
pub fn candidate_mask(answer: &[Annotation], width: u32, height: u32) -> Option<MaskRle> {
    let shapes = || answer.iter().map(|a| &a.shape);
    shapes()
        .find_map(|s| match s {
            Shape::Mask(m) => Some(m.clone()),
            _ => None,
        })
        .or_else(|| {
            shapes().find_map(|s| match s {
                Shape::Polygon(p) => Some(shape_polygon_to_rle(p, height, width).to_model()),
                _ => None,
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clicks_and_box_in_percent_with_their_sign() {
        let p = Prompts {
            label: "cat".into(),
            points: vec![
                (Point { x: 50.0, y: 25.0 }, true),
                (Point { x: 10.0, y: 90.0 }, false),
            ],
            bbox: Some(BoxShape {
                x0: 80.0,
                y0: 40.0,
                x1: 20.0,
                y1: 10.0,
            }),
        };
        let c = context(&p, 200, 100);
        let r = c["result"].as_array().unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(r[0]["value"]["x"], 25.0);
        assert_eq!(r[0]["value"]["y"], 25.0);
        assert_eq!(r[0]["is_positive"], true);
        assert_eq!(r[1]["is_positive"], false);
        assert_eq!(r[1]["value"]["keypointlabels"][0], "cat");
        assert_eq!(r[2]["value"]["x"], 10.0);
        assert_eq!(r[2]["value"]["width"], 30.0);
        assert_eq!(r[2]["value"]["height"], 30.0);
        assert!(!p.is_empty());
        assert!(Prompts::default().is_empty());
    }

    #[test]
    fn the_candidate_is_the_first_mask_else_a_polygon_filled() {
        use crate::model::PolygonShape;
        let square = Annotation::new(
            "p",
            "cat",
            Shape::Polygon(PolygonShape::simple(vec![
                Point { x: 1.0, y: 1.0 },
                Point { x: 3.0, y: 1.0 },
                Point { x: 3.0, y: 3.0 },
                Point { x: 1.0, y: 3.0 },
            ])),
        );
        let filled = candidate_mask(std::slice::from_ref(&square), 5, 4).unwrap();
        assert_eq!((filled.width, filled.height), (5, 4));
        assert_eq!(filled.counts.iter().skip(1).step_by(2).sum::<u32>(), 4);
        let mask = MaskRle {
            width: 5,
            height: 4,
            counts: vec![0, 1, 19],
        };
        let both = [
            square,
            Annotation::new("m", "cat", Shape::Mask(mask.clone())),
        ];
        assert_eq!(candidate_mask(&both, 5, 4), Some(mask));
        assert_eq!(candidate_mask(&[], 5, 4), None);
    }
}
