//! One-to-one matching of two annotators' shapes on one image, and what it says about how much
//! they agree.
//!
//! Two shapes can match only if they have the same class and overlap by at least a threshold
//! (IoU). Among all one-to-one matchings the one with the largest total IoU is taken: the
//! linear sum assignment of the IoU matrix, with pairs below the threshold (and of different
//! classes) weighing nothing and left unmatched afterwards. That is what
//! `scipy.optimize.linear_sum_assignment(iou, maximize=True)` finds, by the same algorithm.

use crate::geometry::iou;
use crate::model::{Annotation, LabelSet, Shape, Task};

/// One matched pair: index in the first list, index in the second, and their IoU.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Match {
    /// Index in the first annotator's list.
    pub a: usize,
    /// Index in the second annotator's list.
    pub b: usize,
    /// Their intersection over union.
    pub iou: f64,
}

/// The matching of maximum total IoU among pairs with IoU ≥ `threshold`, from an IoU matrix
/// (`iou[i][j]` between the first list's `i` and the second's `j`; rows of equal length).
/// Entries that are not finite count as no overlap. Sorted by `a`.
pub fn match_by_iou(iou: &[Vec<f64>], threshold: f64) -> Vec<Match> {
    let rows = iou.len();
    let cols = iou.first().map_or(0, Vec::len);
    if rows == 0 || cols == 0 || iou.iter().any(|r| r.len() != cols) {
        return Vec::new();
    }
    let weight = |v: f64| {
        if v.is_finite() && v >= threshold {
            v
        } else {
            0.0
        }
    };
    let flat: Vec<f64> = iou.iter().flatten().map(|&v| weight(v)).collect();
    // The solver is a port of scipy's: the same matching, ties broken the same way. It only
    // fails on non-finite costs, which `weight` has removed.
    let Ok((r, c)) = lsap::solve(rows, cols, &flat, true) else {
        return Vec::new();
    };
    let mut out: Vec<Match> = r
        .into_iter()
        .zip(c)
        .filter(|&(i, j)| flat[i * cols + j] > 0.0 && iou[i][j] >= threshold)
        .map(|(i, j)| Match {
            a: i,
            b: j,
            iou: iou[i][j],
        })
        .collect();
    out.sort_by_key(|m| m.a);
    out
}

/// Matches two annotators' annotations of one image (`width` × `height`, for masks): same
/// label, similarity ≥ `threshold`, maximum total similarity. Similarity is IoU, except between
/// two keypoint sets of one skeleton, where it is OKS ([`super::oks`], the first annotator's
/// points as reference, the area and box of its labelled points, the class's `sigmas` from
/// `labels`, else COCO's for 17-point skeletons).
pub fn match_annotations(
    a: &[Annotation],
    b: &[Annotation],
    threshold: f64,
    width: u32,
    height: u32,
    labels: &LabelSet,
) -> Vec<Match> {
    let matrix: Vec<Vec<f64>> = a
        .iter()
        .map(|x| {
            b.iter()
                .map(|y| {
                    if x.label != y.label {
                        0.0
                    } else {
                        let sigmas = labels.get(&x.label).map(|l| l.sigmas.as_slice());
                        similarity(&x.shape, &y.shape, width, height, sigmas.unwrap_or(&[]))
                    }
                })
                .collect()
        })
        .collect();
    match_by_iou(&matrix, threshold)
}

/// Matches two versions of one image as [`match_annotations`] does: masks on the larger of
/// their two sizes, keypoint sigmas from the first's classes.
pub fn match_tasks(a: &Task, b: &Task, threshold: f64) -> Vec<Match> {
    let (w, h) = (
        a.image.width.max(b.image.width),
        a.image.height.max(b.image.height),
    );
    match_annotations(&a.annotations, &b.annotations, threshold, w, h, &a.labels)
}

/// IoU, or OKS between keypoint sets of the same length (with `sigmas` when there is one per
/// point).
fn similarity(x: &Shape, y: &Shape, width: u32, height: u32, sigmas: &[f64]) -> f64 {
    match (x, y) {
        (Shape::Keypoints { points: g }, Shape::Keypoints { points: d }) if g.len() == d.len() => {
            let Some(b) = crate::geometry::bounds(x) else {
                return 0.0;
            };
            let (w, h) = (b.x1 - b.x0, b.y1 - b.y0);
            super::oks::oks(
                g,
                d,
                w * h,
                [b.x0, b.y0, w, h],
                &if sigmas.len() == g.len() {
                    sigmas.to_vec()
                } else {
                    super::oks::sigmas_for(g.len())
                },
            )
            .unwrap_or(0.0)
        }
        _ => iou(x, y, width, height),
    }
}

/// A matching's figures per class: each side's shapes of the class and the matched pairs
/// (which are always of one class).
pub fn per_class(
    a: &[Annotation],
    b: &[Annotation],
    matches: &[Match],
) -> std::collections::BTreeMap<String, PairStats> {
    let mut per: std::collections::BTreeMap<String, PairStats> = Default::default();
    for x in a {
        per.entry(x.label.clone()).or_insert(PairStats::EMPTY).first += 1;
    }
    for y in b {
        per.entry(y.label.clone())
            .or_insert(PairStats::EMPTY)
            .second += 1;
    }
    for m in matches {
        let s = per.entry(a[m.a].label.clone()).or_insert(PairStats::EMPTY);
        s.matched += 1;
        s.total_iou += m.iou;
    }
    per
}

/// Agreement of one pair of annotators (or one class of theirs): the second scored against the
/// first as reference.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PairStats {
    /// Shapes of the first annotator.
    pub first: usize,
    /// Shapes of the second annotator.
    pub second: usize,
    /// Matched pairs.
    pub matched: usize,
    /// Sum of the matched pairs' IoU.
    pub total_iou: f64,
}

impl PairStats {
    /// The figures of a matching between lists of `first` and `second` shapes.
    pub fn of(matches: &[Match], first: usize, second: usize) -> Self {
        Self {
            first,
            second,
            matched: matches.len(),
            total_iou: matches.iter().map(|m| m.iou).sum(),
        }
    }

    /// No shapes on either side: where sums start.
    pub const EMPTY: PairStats = PairStats {
        first: 0,
        second: 0,
        matched: 0,
        total_iou: 0.0,
    };

    /// Adds another image's (or pair's) counts to these.
    pub fn add(&mut self, other: PairStats) {
        self.first += other.first;
        self.second += other.second;
        self.matched += other.matched;
        self.total_iou += other.total_iou;
    }

    /// Matched share of the second annotator's shapes (1 when both drew nothing).
    pub fn precision(&self) -> f64 {
        ratio(self.matched, self.second)
    }

    /// Matched share of the first annotator's shapes (1 when both drew nothing).
    pub fn recall(&self) -> f64 {
        ratio(self.matched, self.first)
    }

    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        }
    }

    /// Mean IoU of the matched pairs (0 without any).
    pub fn mean_iou(&self) -> f64 {
        if self.matched == 0 {
            0.0
        } else {
            self.total_iou / self.matched as f64
        }
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    match (part, whole) {
        (_, 0) => 1.0,
        (p, w) => p as f64 / w as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BoxShape, Point};
    use proptest::prelude::*;

    fn boxed(label: &str, x: f64, y: f64, s: f64) -> Annotation {
        Annotation::new(
            "",
            label,
            Shape::Box(BoxShape::from_corners(
                Point::new(x, y),
                Point::new(x + s, y + s),
            )),
        )
    }

    #[test]
    fn the_best_total_wins_over_the_greedy_choice() {
        // Greedy would take (0,0) = 0.9 and leave 1 unmatched; the assignment takes 0.8 + 0.7.
        let iou = vec![vec![0.9, 0.8], vec![0.7, 0.0]];
        let m = match_by_iou(&iou, 0.5);
        assert_eq!(
            m,
            vec![
                Match {
                    a: 0,
                    b: 1,
                    iou: 0.8
                },
                Match {
                    a: 1,
                    b: 0,
                    iou: 0.7
                }
            ]
        );
        // Below the threshold nothing matches, even when it would raise the total.
        assert_eq!(
            match_by_iou(&iou, 0.85),
            vec![Match {
                a: 0,
                b: 0,
                iou: 0.9
            }]
        );
        assert!(match_by_iou(&[], 0.5).is_empty());
        assert!(match_by_iou(&[vec![f64::NAN]], 0.0).is_empty());
    }

    #[test]
    fn classes_never_match_each_other() {
        let a = [
            boxed("car", 0.0, 0.0, 10.0),
            boxed("person", 20.0, 0.0, 10.0),
        ];
        let b = [
            boxed("person", 0.0, 0.0, 10.0),
            boxed("person", 21.0, 0.0, 10.0),
        ];
        let m = match_annotations(&a, &b, 0.5, 100, 100, &LabelSet::default());
        assert_eq!(m.len(), 1);
        assert_eq!((m[0].a, m[0].b), (1, 1));
        let s = PairStats::of(&m, a.len(), b.len());
        assert_eq!((s.precision(), s.recall()), (0.5, 0.5));
        assert!((s.mean_iou() - 9.0 / 11.0).abs() < 1e-12);
    }

    #[test]
    fn a_class_s_sigmas_decide_how_close_keypoints_must_be() {
        use crate::model::{Keypoint, Label, Visibility};
        let pose = |dx: f64| {
            Annotation::new(
                "p",
                "hand",
                Shape::Keypoints {
                    points: [(10.0, 10.0), (30.0, 40.0)]
                        .iter()
                        .map(|&(x, y)| Keypoint {
                            name: String::new(),
                            x: x + dx,
                            y,
                            visibility: Visibility::Visible,
                        })
                        .collect(),
                },
            )
        };
        let with = |sigma: f64| LabelSet {
            labels: vec![Label {
                sigmas: vec![sigma; 2],
                ..Label::new("hand", "#fff")
            }],
            ..LabelSet::default()
        };
        let (a, b) = ([pose(0.0)], [pose(3.0)]);
        // Loose sigmas: three pixels off is the same hand; strict ones: it is not.
        assert_eq!(
            match_annotations(&a, &b, 0.5, 100, 100, &with(0.5)).len(),
            1
        );
        assert!(match_annotations(&a, &b, 0.5, 100, 100, &with(0.01)).is_empty());
    }

    fn any_boxes() -> impl Strategy<Value = Vec<Annotation>> {
        prop::collection::vec((0usize..3, 0.0f64..80.0, 0.0f64..80.0, 1.0f64..20.0), 0..12)
            .prop_map(|v| {
                v.into_iter()
                    .map(|(l, x, y, s)| boxed(["a", "b", "c"][l], x, y, s))
                    .collect()
            })
    }

    proptest! {
        /// A result agrees perfectly with itself.
        #[test]
        fn a_result_matches_itself_perfectly(a in any_boxes()) {
            let m = match_annotations(&a, &a, 0.5, 100, 100, &LabelSet::default());
            let s = PairStats::of(&m, a.len(), a.len());
            prop_assert_eq!(s.matched, a.len());
            prop_assert_eq!(s.f1(), 1.0);
            if !a.is_empty() {
                prop_assert!((s.mean_iou() - 1.0).abs() < 1e-12);
            }
        }

        /// Matching A to B is matching B to A, pair for pair, and the total is the same.
        #[test]
        fn matching_is_symmetric(a in any_boxes(), b in any_boxes(), t in 0.1f64..0.9) {
            let ab = match_annotations(&a, &b, t, 100, 100, &LabelSet::default());
            let ba = match_annotations(&b, &a, t, 100, 100, &LabelSet::default());
            prop_assert_eq!(ab.len(), ba.len());
            let total = |m: &[Match]| m.iter().map(|x| x.iou).sum::<f64>();
            prop_assert!((total(&ab) - total(&ba)).abs() < 1e-9);
        }
    }
}
