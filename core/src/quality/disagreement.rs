//! Where annotators of one image disagree, for the review screen: every pair's figures on
//! this image, and each shape that not everyone drew (unmatched by someone) or drew alike only
//! loosely (a match below a stricter IoU).

use serde::Serialize;

use super::matching::{match_annotations, PairStats};
use super::report::Figures;
use crate::model::Task;

/// One pair of annotators on the image.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PairOnImage {
    /// The reference.
    pub first: String,
    /// The one scored against it.
    pub second: String,
    /// Their figures.
    pub figures: Figures,
}

/// A shape a reviewer should look at.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Flagged {
    /// Whose shape.
    pub user: String,
    /// Its annotation id.
    pub annotation: String,
    /// Annotators who drew no matching shape.
    pub unmatched_by: Vec<String>,
    /// The lowest IoU (OKS for keypoints) among its matches, when below the strict bar.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low_iou: Option<f64>,
}

/// The image's agreement: pairs and flagged shapes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImageAgreement {
    /// IoU at which shapes match.
    pub threshold: f64,
    /// IoU below which a match is flagged as loose.
    pub strict: f64,
    /// Every pair `(i, j)`, `i < j`, in the given order.
    pub pairs: Vec<PairOnImage>,
    /// Shapes someone did not draw, or drew only loosely alike.
    pub flagged: Vec<Flagged>,
}

/// Compares every annotator's version of one image (`(name, task)`).
pub fn image_agreement(versions: &[(&str, &Task)], threshold: f64, strict: f64) -> ImageAgreement {
    let (width, height) = versions.iter().fold((0, 0), |(w, h), (_, t)| {
        (w.max(t.image.width), h.max(t.image.height))
    });
    // unmatched[r][i]: annotators with no match for shape i of r; worst[r][i]: lowest IoU.
    let mut unmatched: Vec<Vec<Vec<String>>> = versions
        .iter()
        .map(|(_, t)| vec![Vec::new(); t.annotations.len()])
        .collect();
    let mut worst: Vec<Vec<f64>> = versions
        .iter()
        .map(|(_, t)| vec![1.0; t.annotations.len()])
        .collect();
    let mut pairs = Vec::new();
    for r in 0..versions.len() {
        for s in r + 1..versions.len() {
            let (a, b) = (&versions[r].1.annotations, &versions[s].1.annotations);
            let matches = match_annotations(a, b, threshold, width, height, &versions[r].1.labels);
            let mut seen_a = vec![false; a.len()];
            let mut seen_b = vec![false; b.len()];
            for m in &matches {
                seen_a[m.a] = true;
                seen_b[m.b] = true;
                worst[r][m.a] = worst[r][m.a].min(m.iou);
                worst[s][m.b] = worst[s][m.b].min(m.iou);
            }
            for (i, seen) in seen_a.iter().enumerate() {
                if !seen {
                    unmatched[r][i].push(versions[s].0.to_owned());
                }
            }
            for (i, seen) in seen_b.iter().enumerate() {
                if !seen {
                    unmatched[s][i].push(versions[r].0.to_owned());
                }
            }
            pairs.push(PairOnImage {
                first: versions[r].0.to_owned(),
                second: versions[s].0.to_owned(),
                figures: PairStats::of(&matches, a.len(), b.len()).into(),
            });
        }
    }
    let mut flagged = Vec::new();
    for (r, (name, task)) in versions.iter().enumerate() {
        for (i, a) in task.annotations.iter().enumerate() {
            let loose = worst[r][i] < strict;
            if unmatched[r][i].is_empty() && !loose {
                continue;
            }
            flagged.push(Flagged {
                user: (*name).to_owned(),
                annotation: a.id.0.clone(),
                unmatched_by: unmatched[r][i].clone(),
                low_iou: loose.then_some(worst[r][i]),
            });
        }
    }
    ImageAgreement {
        threshold,
        strict,
        pairs,
        flagged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Annotation, BoxShape, ImageRef, Point, Shape};

    fn task(boxes: &[(&str, f64)]) -> Task {
        Task {
            image: ImageRef {
                width: 200,
                height: 100,
                ..Default::default()
            },
            annotations: boxes
                .iter()
                .map(|(id, x)| {
                    Annotation::new(
                        *id,
                        "car",
                        Shape::Box(BoxShape::from_corners(
                            Point::new(*x, 10.0),
                            Point::new(x + 20.0, 30.0),
                        )),
                    )
                })
                .collect(),
            ..Task::default()
        }
    }

    #[test]
    fn missing_and_loose_shapes_are_flagged() {
        let ann = task(&[("a1", 10.0), ("a2", 100.0)]);
        let ben = task(&[("b1", 14.0)]);
        let r = image_agreement(&[("ann", &ann), ("ben", &ben)], 0.5, 0.8);
        assert_eq!(r.pairs.len(), 1);
        assert_eq!(r.pairs[0].figures.matched, 1);
        // a1/b1 overlap 16/24 = 0.67: matched, but loosely; a2 nobody else drew.
        let ids: Vec<(&str, &str)> = r
            .flagged
            .iter()
            .map(|f| (f.user.as_str(), f.annotation.as_str()))
            .collect();
        assert_eq!(ids, vec![("ann", "a1"), ("ann", "a2"), ("ben", "b1")]);
        assert_eq!(r.flagged[1].unmatched_by, vec!["ben".to_string()]);
        assert!((r.flagged[0].low_iou.unwrap() - 16.0 / 24.0).abs() < 1e-12);
        // Alike drawings flag nothing.
        let same = image_agreement(&[("ann", &ann), ("cy", &ann)], 0.5, 0.8);
        assert!(same.flagged.is_empty());
    }
}
