//! `lasso agree`: the agreement report of `lasso_core::quality::report` as a table or JSON.

use std::fmt::Write;
use std::path::Path;

use lasso_core::model::Task;
use lasso_core::quality::{agreement, Agreement, Rater};

/// An annotator's name: their folder's name.
pub fn name_of(folder: &Path) -> String {
    folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| folder.display().to_string())
}

/// A dataset's tasks, each knowing the dataset's classes (their keypoint sigmas, for OKS)
/// unless it brings its own.
pub fn tasks_with_labels(dataset: lasso_core::formats::Dataset) -> Vec<Task> {
    let labels = dataset.labels;
    dataset
        .tasks
        .into_iter()
        .map(|mut t| {
            if t.labels.labels.is_empty() {
                t.labels = labels.clone();
            }
            t
        })
        .collect()
}

/// The report over every annotator's tasks.
pub fn run(sets: &[(String, Vec<Task>)], iou: f64) -> Result<Agreement, String> {
    let raters: Vec<Rater<'_>> = sets
        .iter()
        .map(|(name, tasks)| Rater {
            name: name.clone(),
            tasks,
        })
        .collect();
    agreement(&raters, iou).map_err(|e| e.to_string())
}

/// The report as JSON.
pub fn json(report: &Agreement) -> Result<String, String> {
    serde_json::to_string_pretty(report).map_err(|e| e.to_string())
}

fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), |v| format!("{v:.4}"))
}

/// The report as a table for people.
pub fn table(report: &Agreement) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "shapes matched one to one at IoU ≥ {}",
        report.threshold
    );
    for p in &report.pairs {
        let _ = writeln!(
            out,
            "\n{} (reference) vs {}: {} images in common",
            p.first, p.second, p.images
        );
        let _ = writeln!(
            out,
            "  {:<20} {:>7} {:>7} {:>7} {:>9} {:>7} {:>7} {:>8} {:>7} {:>7} {:>7} {:>7}",
            "class",
            "ref",
            "other",
            "matched",
            "precision",
            "recall",
            "F1",
            "mean IoU",
            "AP",
            "AP50",
            "AP75",
            "mask AP"
        );
        let rows = p
            .classes
            .iter()
            .map(|(c, f)| (c.as_str(), f, p.bbox.classes.get(c), p.segm.classes.get(c)))
            .chain(std::iter::once((
                "(all)",
                &p.overall,
                Some(&p.bbox.overall),
                Some(&p.segm.overall),
            )));
        for (class, f, bbox, segm) in rows {
            let ap = |v: Option<f64>| opt(v.filter(|v| *v >= 0.0));
            let _ = writeln!(
                out,
                "  {:<20} {:>7} {:>7} {:>7} {:>9.4} {:>7.4} {:>7.4} {:>8.4} {:>7} {:>7} {:>7} {:>7}",
                class,
                f.first,
                f.second,
                f.matched,
                f.precision,
                f.recall,
                f.f1,
                f.mean_iou,
                ap(bbox.map(|b| b.ap)),
                ap(bbox.map(|b| b.ap50)),
                ap(bbox.map(|b| b.ap75)),
                ap(segm.map(|s| s.ap)),
            );
        }
    }
    if let Some(t) = &report.tags {
        let _ = writeln!(out, "\nimage tags");
        for (pair, k) in &t.cohen {
            let _ = writeln!(out, "  Cohen's kappa {pair}: {}", opt(*k));
        }
        let _ = writeln!(out, "  Fleiss' kappa: {}", opt(t.fleiss));
        let _ = writeln!(out, "  Krippendorff's alpha: {}", opt(t.alpha));
        for (tag, f) in &t.per_tag {
            let pairs: Vec<String> = f
                .cohen
                .iter()
                .map(|(pair, k)| format!("{pair} {}", opt(*k)))
                .collect();
            let _ = writeln!(
                out,
                "  tag {tag}: Cohen {}; Fleiss {}",
                pairs.join(", "),
                opt(f.fleiss)
            );
        }
    }
    out
}
