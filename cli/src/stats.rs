//! `lasso stats`: what a dataset holds, in numbers.

use lasso_core::formats::Dataset;
use lasso_core::geometry::bounds;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The value at quantile `q` of sorted values (nearest rank).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn quantiles(values: &mut [f64]) -> String {
    values.sort_by(f64::total_cmp);
    let q = |p| quantile(values, p);
    format!(
        "min {:.1}  p25 {:.1}  median {:.1}  p75 {:.1}  max {:.1}",
        q(0.0),
        q(0.25),
        q(0.5),
        q(0.75),
        q(1.0)
    )
}

/// The report printed by `lasso stats`.
pub fn report(ds: &Dataset) -> String {
    let mut out = String::new();
    let objects: usize = ds.tasks.iter().map(|t| t.annotations.len()).sum();
    let _ = writeln!(out, "images   {}", ds.tasks.len());
    let _ = writeln!(out, "objects  {objects}");
    let mut per_class: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for l in &ds.labels.labels {
        per_class.entry(&l.name).or_default();
    }
    for t in &ds.tasks {
        let mut seen = std::collections::HashSet::new();
        for a in &t.annotations {
            let e = per_class.entry(&a.label).or_default();
            e.0 += 1;
            if seen.insert(&a.label) {
                e.1 += 1;
            }
        }
    }
    let _ = writeln!(out, "\nclass                    objects   images");
    for (name, (n, images)) in &per_class {
        let _ = writeln!(out, "{name:<24} {n:>7}  {images:>7}");
    }
    let mut per_image: Vec<f64> = ds
        .tasks
        .iter()
        .map(|t| t.annotations.len() as f64)
        .collect();
    let _ = writeln!(out, "\nobjects per image   {}", quantiles(&mut per_image));
    let (mut w, mut h) = (Vec::new(), Vec::new());
    for a in ds.tasks.iter().flat_map(|t| &t.annotations) {
        if let Some(b) = bounds(&a.shape) {
            w.push(b.width());
            h.push(b.height());
        }
    }
    let _ = writeln!(out, "box width (px)      {}", quantiles(&mut w));
    let _ = writeln!(out, "box height (px)     {}", quantiles(&mut h));
    let split_counts = ds.splits.values().fold(BTreeMap::new(), |mut m, s| {
        *m.entry(format!("{s:?}").to_lowercase()).or_insert(0usize) += 1;
        m
    });
    if !split_counts.is_empty() {
        let parts: Vec<String> = split_counts
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect();
        let _ = writeln!(out, "splits              {}", parts.join("  "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::quantile;

    #[test]
    fn nearest_rank_quantiles() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 0.5), 2.0);
        assert_eq!(quantile(&v, 0.75), 3.0);
        assert_eq!(quantile(&v, 1.0), 4.0);
        assert_eq!(quantile(&[], 0.5), 0.0);
    }
}
