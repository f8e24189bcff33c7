//! The prompts of interactive segmentation as Label Studio's Segment-Anything backends read
//! them from `params.context.result`: positive and negative clicks as `keypointlabels` regions
//! with `is_positive`, a box as a `rectanglelabels` region, coordinates in percent.

use crate::formats::label_studio::ControlNames;
use crate::model::{BoxShape, Point};
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
}
