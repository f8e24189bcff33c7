//! Object keypoint similarity (OKS): how close two sets of keypoints are, as COCO scores pose
//! (pycocotools' `COCOeval.computeOks`): for each labelled reference point,
//! `exp(-d² / (2 · area · (2σ)²))`, averaged; with no labelled reference point, the distance to
//! the reference's box grown by its size on every side counts instead.

use crate::model::{Keypoint, Visibility};

/// COCO's per-keypoint sigmas for its 17 person keypoints (nose, eyes, ears, shoulders, elbows,
/// wrists, hips, knees, ankles).
pub const COCO_SIGMAS: [f64; 17] = [
    0.026, 0.025, 0.025, 0.035, 0.035, 0.079, 0.079, 0.072, 0.072, 0.062, 0.062, 0.107, 0.107,
    0.087, 0.087, 0.089, 0.089,
];

/// The sigma used for every point of a skeleton that is not COCO's 17-point person.
pub const DEFAULT_SIGMA: f64 = 0.05;

/// The sigmas for a skeleton of `n` points: COCO's for 17 points, [`DEFAULT_SIGMA`] otherwise.
pub fn sigmas_for(n: usize) -> Vec<f64> {
    if n == COCO_SIGMAS.len() {
        COCO_SIGMAS.to_vec()
    } else {
        vec![DEFAULT_SIGMA; n]
    }
}

/// OKS of `candidate` against `reference` (same skeleton, point for point), with the
/// reference's `area` and box `[x, y, w, h]` and one sigma per point. `None` when the lengths
/// differ or there are no points. A point's visibility counts only on the reference side, as in
/// COCO.
pub fn oks(
    reference: &[Keypoint],
    candidate: &[Keypoint],
    area: f64,
    bbox: [f64; 4],
    sigmas: &[f64],
) -> Option<f64> {
    let k = reference.len();
    if k == 0 || candidate.len() != k || sigmas.len() != k {
        return None;
    }
    let labelled = |p: &Keypoint| p.visibility != Visibility::NotLabeled;
    let any_labelled = reference.iter().any(labelled);
    let [bx, by, bw, bh] = bbox;
    let (x0, x1, y0, y1) = (bx - bw, bx + bw * 2.0, by - bh, by + bh * 2.0);
    let mut sum = 0.0;
    let mut count = 0usize;
    for ((g, d), s) in reference.iter().zip(candidate).zip(sigmas) {
        let (dx, dy) = if any_labelled {
            (d.x - g.x, d.y - g.y)
        } else {
            (
                (x0 - d.x).max(0.0) + (d.x - x1).max(0.0),
                (y0 - d.y).max(0.0) + (d.y - y1).max(0.0),
            )
        };
        // Evaluated in COCO's order of operations, so the figures agree to the last bits.
        let var = (s * 2.0) * (s * 2.0);
        let e = (dx * dx + dy * dy) / var / (area + f64::EPSILON) / 2.0;
        if !any_labelled || labelled(g) {
            sum += (-e).exp();
            count += 1;
        }
    }
    Some(sum / count as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kp(x: f64, y: f64, v: Visibility) -> Keypoint {
        Keypoint {
            name: String::new(),
            x,
            y,
            visibility: v,
        }
    }

    #[test]
    fn identical_points_score_one_and_distance_lowers_the_score() {
        let g = vec![
            kp(10.0, 10.0, Visibility::Visible),
            kp(20.0, 30.0, Visibility::Occluded),
        ];
        let s = sigmas_for(2);
        assert!((oks(&g, &g, 400.0, [10.0, 10.0, 10.0, 20.0], &s).unwrap() - 1.0).abs() < 1e-12);
        let moved = vec![
            kp(13.0, 10.0, Visibility::Visible),
            kp(20.0, 30.0, Visibility::Visible),
        ];
        let o = oks(&g, &moved, 400.0, [10.0, 10.0, 10.0, 20.0], &s).unwrap();
        assert!(o < 1.0 && o > 0.5, "{o}");
        // Unlabelled reference points do not count.
        let g2 = vec![
            kp(10.0, 10.0, Visibility::Visible),
            kp(0.0, 0.0, Visibility::NotLabeled),
        ];
        let far = vec![
            kp(10.0, 10.0, Visibility::Visible),
            kp(90.0, 90.0, Visibility::Visible),
        ];
        assert!((oks(&g2, &far, 400.0, [10.0, 10.0, 1.0, 1.0], &s).unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(oks(&g, &g[..1], 1.0, [0.0; 4], &s), None);
    }
}
