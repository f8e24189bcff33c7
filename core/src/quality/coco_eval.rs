//! COCO's detection figures — AP over IoU 0.50:0.95, AP50, AP75, by object size, and AR — of
//! one annotator's shapes scored against another's as ground truth, computed as pycocotools'
//! `COCOeval` (`evaluate`, `accumulate`, `summarize`) computes them, step for step: the same
//! thresholds (numpy's `linspace`), the same greedy matching in score order, the same stable
//! sorts (which decide between equal scores), the same interpolated precision at 101 recall
//! points. Written out rather than approximated so that the figures are COCOeval's to 1e-9
//! (`tests/python/test_quality_references.py` checks on generated pairs).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::formats::coco::{evaluated, image_order, Evaluated};
use crate::formats::FormatError;
use crate::model::Task;
use crate::raster::rle::{bbox_iou, iou as mask_iou};

/// What overlap means: boxes (`bbox`) or segmentation masks (`segm`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IouType {
    /// `[x, y, w, h]` boxes.
    Bbox,
    /// Masks as pycocotools rasterises the segmentations.
    Segm,
}

/// AP at the three usual thresholds; `-1` where there is no reference shape, as COCOeval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ApFigures {
    /// Mean AP over IoU 0.50, 0.55 … 0.95.
    pub ap: f64,
    /// AP at IoU 0.50.
    pub ap50: f64,
    /// AP at IoU 0.75.
    pub ap75: f64,
}

/// Everything `COCOeval.summarize()` prints, and the same per class.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CocoSummary {
    /// Boxes or masks.
    pub iou_type: IouType,
    /// `COCOeval.stats`: AP, AP50, AP75, AP small/medium/large, AR at 1/10/100 detections,
    /// AR small/medium/large.
    pub stats: [f64; 12],
    /// The first three of `stats`.
    pub overall: ApFigures,
    /// Per class name.
    pub classes: BTreeMap<String, ApFigures>,
}

/// Area ranges all, small, medium, large (`[0, 1e5²]`, `[0, 32²]`, `[32², 96²]`, `[96², 1e5²]`).
const AREAS: [(f64, f64); 4] = [(0.0, 1e10), (0.0, 1024.0), (1024.0, 9216.0), (9216.0, 1e10)];
/// Detections kept per image and class for AR@1, AR@10 and everything else.
const MAX_DETS: [usize; 3] = [1, 10, 100];
const T: usize = 10;
const R: usize = 101;

/// numpy's `linspace(start, stop, num)`: `i · step + start`, the last exactly `stop`.
fn linspace<const N: usize>(start: f64, stop: f64) -> [f64; N] {
    let step = (stop - start) / (N - 1) as f64;
    let mut out = [0.0; N];
    for (i, v) in out.iter_mut().enumerate() {
        *v = i as f64 * step + start;
    }
    out[N - 1] = stop;
    out
}

/// One shape as evaluated.
struct Object {
    bbox: [f64; 4],
    area: f64,
    crowd: bool,
    score: f64,
    mask: crate::raster::rle::Rle,
}

/// One image: the reference's and the candidate's shapes with their classes.
type ImageObjects = (Vec<(String, Object)>, Vec<(String, Object)>);

/// Precision `[t][r]` and recall `[t]` of one class, area range and detection limit.
type Curve = (Vec<[f64; R]>, [f64; T]);

/// One image's result for one class and area range (`evaluateImg`).
struct ImageEval {
    scores: Vec<f64>,
    /// `[t][d]`: detection `d` matched at threshold `t`.
    matched: Vec<Vec<bool>>,
    /// `[t][d]`: detection `d` ignored at threshold `t`.
    ignored: Vec<Vec<bool>>,
    gt_ignored: Vec<bool>,
}

fn stable_by_score_desc(objects: &mut [&Object]) {
    objects.sort_by(|a, b| b.score.partial_cmp(&a.score).unwrap_or(Ordering::Equal));
}

/// `COCOeval.evaluateImg` for one area range, with `ious[d][g]` over `dts` (already sorted by
/// score and cut to 100) and `gts` in their order.
fn evaluate_image(
    gts: &[&Object],
    dts: &[&Object],
    ious: &[Vec<f64>],
    range: (f64, f64),
    thresholds: &[f64; T],
) -> Option<ImageEval> {
    if gts.is_empty() && dts.is_empty() {
        return None;
    }
    let outside = |area: f64| area < range.0 || area > range.1;
    let ignore: Vec<bool> = gts.iter().map(|g| g.crowd || outside(g.area)).collect();
    // Ignored references last, otherwise in order (numpy's stable argsort).
    let mut order: Vec<usize> = (0..gts.len()).collect();
    order.sort_by_key(|&g| ignore[g]);
    let gt_ignored: Vec<bool> = order.iter().map(|&g| ignore[g]).collect();
    let crowd: Vec<bool> = order.iter().map(|&g| gts[g].crowd).collect();
    let mut matched = vec![vec![false; dts.len()]; T];
    let mut ignored = vec![vec![false; dts.len()]; T];
    if !gts.is_empty() && !dts.is_empty() {
        for (t, &threshold) in thresholds.iter().enumerate() {
            let mut gt_taken = vec![false; gts.len()];
            for d in 0..dts.len() {
                let mut best = threshold.min(1.0 - 1e-10);
                let mut m: Option<usize> = None;
                for (gi, &g) in order.iter().enumerate() {
                    if gt_taken[gi] && !crowd[gi] {
                        continue;
                    }
                    if m.is_some_and(|m| !gt_ignored[m]) && gt_ignored[gi] {
                        break;
                    }
                    let v = ious[d][g];
                    if v < best {
                        continue;
                    }
                    best = v;
                    m = Some(gi);
                }
                if let Some(m) = m {
                    ignored[t][d] = gt_ignored[m];
                    matched[t][d] = true;
                    gt_taken[m] = true;
                }
            }
        }
    }
    for (t_matched, t_ignored) in matched.iter().zip(ignored.iter_mut()) {
        for (d, dt) in dts.iter().enumerate() {
            if !t_matched[d] && outside(dt.area) {
                t_ignored[d] = true;
            }
        }
    }
    Some(ImageEval {
        scores: dts.iter().map(|d| d.score).collect(),
        matched,
        ignored,
        gt_ignored,
    })
}

/// `COCOeval.accumulate` for one class, area range and detection limit: precision `[t][r]`
/// and recall `[t]`, or `None` (COCOeval's `-1`) without a reference shape that counts.
fn accumulate(images: &[&ImageEval], max_det: usize) -> Option<Curve> {
    let rec_thresholds = linspace::<R>(0.0, 1.0);
    let mut dets: Vec<(f64, usize, usize)> = Vec::new(); // (score, image, detection)
    for (i, e) in images.iter().enumerate() {
        for d in 0..e.scores.len().min(max_det) {
            dets.push((e.scores[d], i, d));
        }
    }
    dets.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(Ordering::Equal));
    let references = images
        .iter()
        .flat_map(|e| &e.gt_ignored)
        .filter(|&&ig| !ig)
        .count();
    if references == 0 {
        return None;
    }
    let npig = references as f64;
    let mut precision = vec![[0.0; R]; T];
    let mut recall = [0.0; T];
    for t in 0..T {
        let (mut tp, mut fp) = (0.0f64, 0.0f64);
        let mut rc = Vec::with_capacity(dets.len());
        let mut pr = Vec::with_capacity(dets.len());
        for &(_, i, d) in &dets {
            let e = images[i];
            if e.ignored[t][d] {
                // Neither a true nor a false positive: the sums stay as they are.
            } else if e.matched[t][d] {
                tp += 1.0;
            } else {
                fp += 1.0;
            }
            rc.push(tp / npig);
            pr.push(tp / (fp + tp + f64::EPSILON));
        }
        recall[t] = rc.last().copied().unwrap_or(0.0);
        for i in (1..pr.len()).rev() {
            if pr[i] > pr[i - 1] {
                pr[i - 1] = pr[i];
            }
        }
        for (r, &threshold) in rec_thresholds.iter().enumerate() {
            let at = rc.partition_point(|&v| v < threshold);
            let Some(&p) = pr.get(at) else { break };
            precision[t][r] = p;
        }
    }
    Some((precision, recall))
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 {
        -1.0
    } else {
        sum / n as f64
    }
}

/// Scores `candidate` against `reference`: per image (in `images`' order), every shape as
/// `(class, object)`.
fn summarise(images: &[ImageObjects], kind: IouType) -> CocoSummary {
    let thresholds = linspace::<T>(0.5, 0.95);
    let mut classes: Vec<&str> = images
        .iter()
        .flat_map(|(g, d)| g.iter().chain(d).map(|(c, _)| c.as_str()))
        .collect();
    classes.sort_unstable();
    classes.dedup();
    // results[class][area][max_det] = (precision, recall)
    let mut results: Vec<[[Option<Curve>; 3]; 4]> = Vec::new();
    for class in &classes {
        let mut per_area: [Vec<ImageEval>; 4] = Default::default();
        for (gt, dt) in images {
            let gts: Vec<&Object> = gt
                .iter()
                .filter(|(c, _)| c == class)
                .map(|(_, o)| o)
                .collect();
            let mut dts: Vec<&Object> = dt
                .iter()
                .filter(|(c, _)| c == class)
                .map(|(_, o)| o)
                .collect();
            stable_by_score_desc(&mut dts);
            dts.truncate(MAX_DETS[2]);
            let crowd: Vec<bool> = gts.iter().map(|g| g.crowd).collect();
            let ious = match kind {
                IouType::Bbox => {
                    let d: Vec<[f64; 4]> = dts.iter().map(|o| o.bbox).collect();
                    let g: Vec<[f64; 4]> = gts.iter().map(|o| o.bbox).collect();
                    bbox_iou(&d, &g, &crowd)
                }
                IouType::Segm => {
                    let d: Vec<_> = dts.iter().map(|o| o.mask.clone()).collect();
                    let g: Vec<_> = gts.iter().map(|o| o.mask.clone()).collect();
                    mask_iou(&d, &g, &crowd)
                }
            };
            for (a, range) in AREAS.iter().enumerate() {
                if let Some(e) = evaluate_image(&gts, &dts, &ious, *range, &thresholds) {
                    per_area[a].push(e);
                }
            }
        }
        results.push(std::array::from_fn(|a| {
            let evals: Vec<&ImageEval> = per_area[a].iter().collect();
            std::array::from_fn(|m| {
                if evals.is_empty() {
                    None
                } else {
                    accumulate(&evals, MAX_DETS[m])
                }
            })
        }));
    }
    let t50 = thresholds.iter().position(|&t| t == 0.5);
    let t75 = thresholds.iter().position(|&t| t == 0.75);
    let ap = |k: Option<usize>, a: usize, t: Option<usize>| {
        mean(
            results
                .iter()
                .enumerate()
                .filter(|(i, _)| k.is_none_or(|k| k == *i))
                .filter_map(|(_, r)| r[a][2].as_ref())
                .flat_map(|(p, _)| {
                    p.iter()
                        .enumerate()
                        .filter(move |(ti, _)| t.is_none_or(|t| t == *ti))
                        .flat_map(|(_, row)| row.iter().copied())
                }),
        )
    };
    let ar = |a: usize, m: usize| {
        mean(
            results
                .iter()
                .filter_map(|r| r[a][m].as_ref())
                .flat_map(|(_, rec)| rec.iter().copied()),
        )
    };
    let figures = |k: Option<usize>| ApFigures {
        ap: ap(k, 0, None),
        ap50: t50.map_or(-1.0, |t| ap(k, 0, Some(t))),
        ap75: t75.map_or(-1.0, |t| ap(k, 0, Some(t))),
    };
    let overall = figures(None);
    let stats = [
        overall.ap,
        overall.ap50,
        overall.ap75,
        ap(None, 1, None),
        ap(None, 2, None),
        ap(None, 3, None),
        ar(0, 0),
        ar(0, 1),
        ar(0, 2),
        ar(1, 2),
        ar(2, 2),
        ar(3, 2),
    ];
    CocoSummary {
        iou_type: kind,
        stats,
        overall,
        classes: classes
            .iter()
            .enumerate()
            .map(|(k, c)| ((*c).to_owned(), figures(Some(k))))
            .collect(),
    }
}

fn object(e: Evaluated, kind: IouType, reference: bool) -> (String, Object) {
    // A detection's area is what `loadRes` derives: the box's for `bbox`, the mask's for `segm`.
    let area = match (reference, kind) {
        (true, _) => e.area,
        (false, IouType::Bbox) => e.bbox[2] * e.bbox[3],
        (false, IouType::Segm) => e.mask.area() as f64,
    };
    (
        e.label,
        Object {
            bbox: e.bbox,
            area,
            crowd: reference && e.crowd,
            score: e.score.unwrap_or(1.0),
            mask: e.mask,
        },
    )
}

/// COCO's figures of `candidate` scored against `reference` (images matched by name; only the
/// reference's images count, as COCOeval evaluates the ground truth's images). People's shapes
/// score 1, predictions their score. Keypoints and polylines take no part (see
/// [`crate::formats::coco::evaluated`]).
pub fn coco_scores(
    reference: &[Task],
    candidate: &[Task],
    kind: IouType,
) -> Result<CocoSummary, FormatError> {
    let by_name: BTreeMap<String, &Task> = candidate
        .iter()
        .map(|t| (crate::formats::export_image_name(t), t))
        .collect();
    let mut images = Vec::with_capacity(reference.len());
    for i in image_order(reference) {
        let task = &reference[i];
        let gt = evaluated(task)?
            .into_iter()
            .map(|e| object(e, kind, true))
            .collect();
        let dt = match by_name.get(&crate::formats::export_image_name(task)) {
            Some(c) => evaluated(c)?
                .into_iter()
                .map(|e| object(e, kind, false))
                .collect(),
            None => Vec::new(),
        };
        images.push((gt, dt));
    }
    Ok(summarise(&images, kind))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Annotation, BoxShape, ImageRef, Point, Shape};

    fn task(boxes: &[(f64, f64, f64)]) -> Task {
        Task {
            id: "1".into(),
            image: ImageRef {
                src: "a.png".into(),
                name: "a.png".into(),
                width: 300,
                height: 300,
                ..Default::default()
            },
            annotations: boxes
                .iter()
                .enumerate()
                .map(|(i, &(x, y, s))| {
                    Annotation::new(
                        format!("{i}"),
                        "car",
                        Shape::Box(BoxShape::from_corners(
                            Point::new(x, y),
                            Point::new(x + s, y + s),
                        )),
                    )
                })
                .collect(),
            ..Task::default()
        }
    }

    #[test]
    fn thresholds_are_numpys() {
        let t = linspace::<T>(0.5, 0.95);
        assert_eq!(t[0], 0.5);
        assert_eq!(t[5], 0.75, "AP75 finds its threshold");
        assert_eq!(t[9], 0.95);
        assert_eq!(linspace::<R>(0.0, 1.0)[1], 0.01);
    }

    #[test]
    fn a_result_scored_against_itself_is_perfect_and_misses_cost() {
        let a = [task(&[(10.0, 10.0, 50.0), (100.0, 100.0, 120.0)])];
        for kind in [IouType::Bbox, IouType::Segm] {
            let s = coco_scores(&a, &a, kind).unwrap();
            assert_eq!(
                s.overall,
                ApFigures {
                    ap: 1.0,
                    ap50: 1.0,
                    ap75: 1.0
                }
            );
            assert_eq!(s.stats[8], 1.0, "AR@100");
            assert_eq!(s.stats[3], -1.0, "no small objects");
        }
        let half = [task(&[(10.0, 10.0, 50.0)])];
        let s = coco_scores(&a, &half, IouType::Bbox).unwrap();
        // Recall stops at one half: 51 of 101 recall points at precision 1.
        assert!((s.overall.ap - 51.0 / 101.0).abs() < 1e-12);
        let none = coco_scores(&half, &[], IouType::Bbox).unwrap();
        assert_eq!(none.overall.ap, 0.0);
    }
}
