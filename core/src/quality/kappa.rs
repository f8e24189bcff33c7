//! Chance-corrected agreement on categorical answers (image tags, attributes).
//!
//! Cohen's kappa for two raters, as scikit-learn's `cohen_kappa_score` computes it (observed
//! agreement against the agreement expected from each rater's own category frequencies), and
//! Fleiss' kappa for any number of raters per item, as statsmodels' `fleiss_kappa` computes it
//! from a table of counts (items × categories), and Krippendorff's alpha for nominal answers
//! where some raters did not answer some items, as the `krippendorff` package computes it.

use std::collections::HashMap;
use std::hash::Hash;

/// Cohen's kappa of two raters' answers on the same items (`a[i]` and `b[i]` for item `i`).
/// `None` when the lists differ in length or are empty. When both raters always give one and
/// the same answer, chance agreement is total and kappa is undefined: scikit-learn answers NaN,
/// and so does this.
pub fn cohen_kappa<T: Eq + Hash>(a: &[T], b: &[T]) -> Option<f64> {
    if a.len() != b.len() || a.is_empty() {
        return None;
    }
    let n = a.len() as f64;
    let mut first: HashMap<&T, f64> = HashMap::new();
    let mut second: HashMap<&T, f64> = HashMap::new();
    let mut agree = 0.0;
    for (x, y) in a.iter().zip(b) {
        *first.entry(x).or_default() += 1.0;
        *second.entry(y).or_default() += 1.0;
        if x == y {
            agree += 1.0;
        }
    }
    let observed = agree / n;
    let expected: f64 = first
        .iter()
        .map(|(k, ca)| ca * second.get(k).copied().unwrap_or(0.0))
        .sum::<f64>()
        / (n * n);
    Some((observed - expected) / (1.0 - expected))
}

/// Fleiss' kappa of a table of counts: `table[i][k]` raters put item `i` in category `k`, every
/// item rated by the same number of raters. `None` when the table is empty, ragged, or items
/// have different numbers of raters (or fewer than two).
pub fn fleiss_kappa(table: &[Vec<usize>]) -> Option<f64> {
    let categories = table.first()?.len();
    if categories == 0 || table.iter().any(|r| r.len() != categories) {
        return None;
    }
    let raters: usize = table[0].iter().sum();
    if raters < 2 || table.iter().any(|r| r.iter().sum::<usize>() != raters) {
        return None;
    }
    let (items, n) = (table.len() as f64, raters as f64);
    let total = items * n;
    // statsmodels: p_cat = sum over items / (items * raters); p_rat = (sum of squares - n) /
    // (n (n - 1)) per item; kappa = (mean p_rat - sum p_cat²) / (1 - sum p_cat²).
    let p_mean = table
        .iter()
        .map(|r| (r.iter().map(|&c| (c * c) as f64).sum::<f64>() - n) / (n * (n - 1.0)))
        .sum::<f64>()
        / items;
    let p_e: f64 = (0..categories)
        .map(|k| {
            let p = table.iter().map(|r| r[k] as f64).sum::<f64>() / total;
            p * p
        })
        .sum();
    Some((p_mean - p_e) / (1.0 - p_e))
}

/// Krippendorff's alpha for nominal answers: `data[r][u]` is rater `r`'s answer on item `u`, or
/// `None` where the rater gave none. Items with fewer than two answers carry no information and
/// are left out. `None` when the rows differ in length or no item has two answers; NaN when
/// every answer is the same category (no disagreement is possible).
pub fn krippendorff_alpha<T: Eq + Hash>(data: &[Vec<Option<T>>]) -> Option<f64> {
    let items = data.first()?.len();
    if data.iter().any(|r| r.len() != items) {
        return None;
    }
    let mut categories: HashMap<&T, usize> = HashMap::new();
    for v in data.iter().flatten().flatten() {
        let next = categories.len();
        categories.entry(v).or_insert(next);
    }
    let k = categories.len();
    // The coincidence matrix: each ordered pair of answers from different raters on one item,
    // weighted 1 / (answers on the item - 1).
    let mut o = vec![0.0f64; k * k];
    let mut any = false;
    for u in 0..items {
        let mut counts = vec![0usize; k];
        let mut m = 0usize;
        for row in data {
            if let Some(v) = &row[u] {
                counts[categories[v]] += 1;
                m += 1;
            }
        }
        if m < 2 {
            continue;
        }
        any = true;
        let w = 1.0 / (m - 1) as f64;
        for c in 0..k {
            for d in 0..k {
                let pairs = if c == d {
                    counts[c] * counts[c].saturating_sub(1)
                } else {
                    counts[c] * counts[d]
                };
                o[c * k + d] += pairs as f64 * w;
            }
        }
    }
    if !any {
        return None;
    }
    let n_c: Vec<f64> = (0..k).map(|c| (0..k).map(|d| o[c * k + d]).sum()).collect();
    let n: f64 = n_c.iter().sum();
    let mut observed = 0.0;
    let mut expected = 0.0;
    for c in 0..k {
        for d in 0..k {
            if c != d {
                observed += o[c * k + d];
                expected += n_c[c] * n_c[d];
            }
        }
    }
    Some(1.0 - (n - 1.0) * observed / expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn textbook_cases() {
        // 20 items: both yes 7, both no 8, split 5.
        let a: Vec<bool> = [vec![true; 7], vec![false; 8], vec![true; 3], vec![false; 2]].concat();
        let b: Vec<bool> = [vec![true; 7], vec![false; 8], vec![false; 3], vec![true; 2]].concat();
        let k = cohen_kappa(&a, &b).unwrap();
        // p_o = 0.75, p_e = (10·9 + 10·11)/400 = 0.5: kappa 0.5 (scikit-learn agrees).
        assert!((k - 0.5).abs() < 1e-12, "{k}");
        assert_eq!(cohen_kappa(&a, &a[..3]), None);
        assert!(cohen_kappa(&["x"; 4], &["x"; 4]).unwrap().is_nan());
        // Fleiss' example (Wikipedia): 10 items, 14 raters, 5 categories: kappa ≈ 0.210.
        let table = vec![
            vec![0, 0, 0, 0, 14],
            vec![0, 2, 6, 4, 2],
            vec![0, 0, 3, 5, 6],
            vec![0, 3, 9, 2, 0],
            vec![2, 2, 8, 1, 1],
            vec![7, 7, 0, 0, 0],
            vec![3, 2, 6, 3, 0],
            vec![2, 5, 3, 2, 2],
            vec![6, 5, 2, 1, 0],
            vec![0, 2, 2, 3, 7],
        ];
        assert!((fleiss_kappa(&table).unwrap() - 0.20993).abs() < 1e-4);
        assert_eq!(
            fleiss_kappa(&[vec![1, 1], vec![3, 0]]),
            None,
            "raters differ"
        );
    }

    proptest! {
        /// Perfect agreement with some variety is kappa 1, and kappa is symmetric.
        #[test]
        fn perfect_agreement_and_symmetry(
            a in prop::collection::vec(0u8..4, 2..50),
            b in prop::collection::vec(0u8..4, 2..50),
        ) {
            if a.iter().any(|x| *x != a[0]) {
                prop_assert!((cohen_kappa(&a, &a).unwrap() - 1.0).abs() < 1e-12);
            }
            let n = a.len().min(b.len());
            let (a, b) = (&a[..n], &b[..n]);
            let ab = cohen_kappa(a, b).unwrap();
            let ba = cohen_kappa(b, a).unwrap();
            prop_assert!(ab.is_nan() && ba.is_nan() || (ab - ba).abs() < 1e-12);
        }
    }
}
