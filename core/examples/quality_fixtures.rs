//! Writes generated agreement cases with lasso-core's answers, for
//! `tests/python/test_quality_references.py` to compare with scipy, scikit-learn and
//! statsmodels: IoU matrices with the matched count and total IoU, pairs of raters' answers
//! with Cohen's kappa, count tables with Fleiss' kappa, raters × items answers with gaps and
//! Krippendorff's alpha, keypoint sets with their OKS, pairs of annotators' datasets (as COCO)
//! with their AP.
//!
//! Usage: `cargo run -p lasso-core --example quality_fixtures -- OUT.json`

use lasso_core::model::{Keypoint, Visibility};
use lasso_core::quality::{
    cohen_kappa, fleiss_kappa, krippendorff_alpha, match_by_iou, oks, COCO_SIGMAS,
};
use serde_json::json;

#[path = "support/ap_cases.rs"]
mod ap_cases;
#[path = "support/gen.rs"]
mod gen;
use gen::Gen;

fn main() {
    let out = std::env::args()
        .nth(1)
        .expect("usage: quality_fixtures OUT.json");
    let mut g = Gen(0x9E37_79B9_7F4A_7C15);
    let mut matchings = Vec::new();
    for case in 0..300 {
        let (rows, cols) = (g.below(12) as usize, g.below(12) as usize);
        // Sparse overlaps, some exact ties (quarter steps) and some continuous values.
        let iou: Vec<Vec<f64>> = (0..rows)
            .map(|_| {
                (0..cols)
                    .map(|_| match g.below(4) {
                        0 | 1 => 0.0,
                        2 if case % 3 == 0 => g.below(5) as f64 / 4.0,
                        _ => g.unit(),
                    })
                    .collect()
            })
            .collect();
        let threshold = [0.3, 0.5, 0.75][case % 3];
        let m = match_by_iou(&iou, threshold);
        matchings.push(json!({
            "iou": iou,
            "threshold": threshold,
            "matched": m.len(),
            "total": m.iter().map(|x| x.iou).sum::<f64>(),
        }));
    }
    let mut cohen = Vec::new();
    for case in 0..200 {
        let n = 2 + g.below(60) as usize;
        let k = 2 + g.below(4);
        let a: Vec<u64> = (0..n).map(|_| g.below(k)).collect();
        // Raters who mostly agree, and some who answer at random.
        let b: Vec<u64> = a
            .iter()
            .map(|&x| {
                if case % 4 != 0 && g.below(3) > 0 {
                    x
                } else {
                    g.below(k)
                }
            })
            .collect();
        let kappa = cohen_kappa(&a, &b).expect("equal lengths");
        cohen.push(
            json!({"a": a, "b": b, "kappa": if kappa.is_nan() { None } else { Some(kappa) }}),
        );
    }
    let mut fleiss = Vec::new();
    for _ in 0..200 {
        let items = 1 + g.below(30) as usize;
        let raters = 2 + g.below(6) as usize;
        let cats = 2 + g.below(4) as usize;
        let table: Vec<Vec<usize>> = (0..items)
            .map(|_| {
                let mut row = vec![0; cats];
                let favourite = g.below(cats as u64) as usize;
                for _ in 0..raters {
                    let pick = if g.below(2) == 0 {
                        favourite
                    } else {
                        g.below(cats as u64) as usize
                    };
                    row[pick] += 1;
                }
                row
            })
            .collect();
        let kappa = fleiss_kappa(&table).expect("rectangular, equal raters");
        fleiss.push(
            json!({"table": table, "kappa": if kappa.is_nan() { None } else { Some(kappa) }}),
        );
    }
    let mut alpha = Vec::new();
    while alpha.len() < 150 {
        let raters = 2 + g.below(4) as usize;
        let items = 3 + g.below(30) as usize;
        let cats = 2 + g.below(4);
        let truth: Vec<u64> = (0..items).map(|_| g.below(cats)).collect();
        let data: Vec<Vec<Option<u64>>> = (0..raters)
            .map(|_| {
                truth
                    .iter()
                    .map(|&t| match g.below(10) {
                        0 | 1 => None,
                        2 | 3 => Some(g.below(cats)),
                        _ => Some(t),
                    })
                    .collect()
            })
            .collect();
        // Cases with no disagreement possible (one category seen) are undefined; skip them.
        match krippendorff_alpha(&data) {
            Some(a) if a.is_finite() => alpha.push(json!({"data": data, "alpha": a})),
            _ => continue,
        }
    }
    let mut oks_cases = Vec::new();
    for case in 0..200 {
        let point = |g: &mut Gen, v: Visibility| Keypoint {
            name: String::new(),
            x: g.unit() * 200.0,
            y: g.unit() * 200.0,
            visibility: v,
        };
        let reference: Vec<Keypoint> = (0..17)
            .map(|_| {
                // Every tenth case has no labelled reference point (COCO's box rule).
                let v = match (case % 10, g.below(4)) {
                    (0, _) => Visibility::NotLabeled,
                    (_, 0) => Visibility::NotLabeled,
                    (_, 1) => Visibility::Occluded,
                    _ => Visibility::Visible,
                };
                point(&mut g, v)
            })
            .collect();
        let spread = [1.0, 5.0, 20.0][case % 3];
        let candidate: Vec<Keypoint> = reference
            .iter()
            .map(|r| Keypoint {
                name: String::new(),
                x: r.x + (g.unit() - 0.5) * spread,
                y: r.y + (g.unit() - 0.5) * spread,
                visibility: Visibility::Visible,
            })
            .collect();
        let bbox = [
            g.unit() * 100.0,
            g.unit() * 100.0,
            1.0 + g.unit() * 80.0,
            1.0 + g.unit() * 80.0,
        ];
        let area = bbox[2] * bbox[3] * (0.3 + g.unit() * 0.7);
        let value = oks(&reference, &candidate, area, bbox, &COCO_SIGMAS).expect("17 points");
        let flat = |pts: &[Keypoint]| -> Vec<f64> {
            pts.iter()
                .flat_map(|p| {
                    let v = match p.visibility {
                        Visibility::NotLabeled => 0.0,
                        Visibility::Occluded => 1.0,
                        Visibility::Visible => 2.0,
                    };
                    [p.x, p.y, v]
                })
                .collect()
        };
        oks_cases.push(json!({
            "gt": flat(&reference),
            "dt": flat(&candidate),
            "bbox": bbox,
            "area": area,
            "oks": value,
        }));
    }
    let ap = ap_cases::cases(&mut g, 200);
    let doc = json!({"matchings": matchings, "cohen": cohen, "fleiss": fleiss, "alpha": alpha, "oks": oks_cases, "ap": ap});
    std::fs::write(out, serde_json::to_string(&doc).expect("JSON")).expect("write fixtures");
}
