//! A project's quality report for its managers: per annotator their agreement with the others
//! who labelled the same tasks, their figures against gold, how often reviewers sent their work
//! back and their active time per task; per class the agreement over every pair. Also as CSV.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::matching::{match_tasks, per_class, PairStats};
use super::report::{Figures, GoldScore};
use crate::model::Task;

/// One submission: who, which task, how long they actively worked on it.
pub struct Work {
    /// The task.
    pub task: String,
    /// Who.
    pub user: String,
    /// Active time in milliseconds.
    pub active_ms: u64,
}

/// The review of one result: whose, how many times it was sent back, whether it ended
/// accepted.
pub struct ReviewTally {
    /// Whose result.
    pub user: String,
    /// Times sent back.
    pub rejections: u32,
    /// Accepted in the end.
    pub accepted: bool,
}

/// One annotator's line.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AnnotatorQuality {
    /// Tasks submitted.
    pub submitted: usize,
    /// Mean active seconds per submitted task.
    pub mean_active_s: f64,
    /// Review decisions about their results (each rejection, and the acceptance).
    pub decisions: u32,
    /// Of those, rejections.
    pub rejections: u32,
    /// Rejections over decisions (0 without any decision).
    pub rejection_rate: f64,
    /// Their shapes against the others' on the tasks they share (the others as reference).
    pub agreement: Option<Figures>,
    /// Against gold.
    pub gold: Option<Figures>,
}

/// The report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QualityReport {
    /// IoU at which shapes match.
    pub threshold: f64,
    /// Per annotator.
    pub annotators: BTreeMap<String, AnnotatorQuality>,
    /// Per class, over every pair of annotators on every shared task.
    pub classes: BTreeMap<String, Figures>,
}

/// Builds the report from the project's submissions, the results of tasks several people
/// submitted (`(task, user, result)`), the reviews and the gold scores.
pub fn team_report(
    work: &[Work],
    results: &[(String, String, Task)],
    reviews: &[ReviewTally],
    gold: &[GoldScore],
    threshold: f64,
) -> QualityReport {
    let mut people: BTreeMap<String, AnnotatorQuality> = BTreeMap::new();
    let mut active: BTreeMap<&str, (u64, usize)> = BTreeMap::new();
    for w in work {
        people.entry(w.user.clone()).or_default().submitted += 1;
        let e = active.entry(&w.user).or_default();
        e.0 += w.active_ms;
        e.1 += 1;
    }
    for (user, (ms, n)) in active {
        if let Some(p) = people.get_mut(user) {
            p.mean_active_s = ms as f64 / 1000.0 / n.max(1) as f64;
        }
    }
    for r in reviews {
        let p = people.entry(r.user.clone()).or_default();
        p.rejections += r.rejections;
        p.decisions += r.rejections + u32::from(r.accepted);
    }
    for p in people.values_mut() {
        if p.decisions > 0 {
            p.rejection_rate = f64::from(p.rejections) / f64::from(p.decisions);
        }
    }
    // Agreement: every ordered pair on a shared task, the second scored against the first.
    let mut by_task: BTreeMap<&str, Vec<(&str, &Task)>> = BTreeMap::new();
    for (task, user, result) in results {
        by_task.entry(task).or_default().push((user, result));
    }
    let mut agreement: BTreeMap<&str, PairStats> = BTreeMap::new();
    let mut classes: BTreeMap<String, PairStats> = BTreeMap::new();
    for versions in by_task.values() {
        for (i, (_, ta)) in versions.iter().enumerate() {
            for (j, (ub, tb)) in versions.iter().enumerate() {
                if i == j {
                    continue;
                }
                let m = match_tasks(ta, tb, threshold);
                agreement
                    .entry(ub)
                    .or_insert(PairStats::EMPTY)
                    .add(PairStats::of(
                        &m,
                        ta.annotations.len(),
                        tb.annotations.len(),
                    ));
                // Per class, each unordered pair once.
                if i < j {
                    for (label, s) in per_class(&ta.annotations, &tb.annotations, &m) {
                        classes.entry(label).or_insert(PairStats::EMPTY).add(s);
                    }
                }
            }
        }
    }
    for (user, s) in agreement {
        people.entry(user.to_owned()).or_default().agreement = Some(s.into());
    }
    let mut gold_by: BTreeMap<&str, PairStats> = BTreeMap::new();
    for g in gold {
        gold_by
            .entry(&g.user)
            .or_insert(PairStats::EMPTY)
            .add(PairStats {
                first: g.reference,
                second: g.drawn,
                matched: g.matched,
                total_iou: g.total_iou,
            });
    }
    for (user, s) in gold_by {
        people.entry(user.to_owned()).or_default().gold = Some(s.into());
    }
    QualityReport {
        threshold,
        annotators: people,
        classes: classes.into_iter().map(|(k, v)| (k, v.into())).collect(),
    }
}

fn cells(f: Option<&Figures>) -> [String; 4] {
    match f {
        Some(f) => [f.precision, f.recall, f.f1, f.mean_iou].map(|v| format!("{v:.4}")),
        None => Default::default(),
    }
}

impl QualityReport {
    /// The report as CSV: the annotators' table, an empty line, the classes' table.
    pub fn to_csv(&self) -> Result<String, String> {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        let err = |e: csv::Error| e.to_string();
        w.write_record([
            "annotator",
            "submitted",
            "mean_active_s",
            "decisions",
            "rejections",
            "rejection_rate",
            "agreement_precision",
            "agreement_recall",
            "agreement_f1",
            "agreement_mean_iou",
            "gold_precision",
            "gold_recall",
            "gold_f1",
            "gold_mean_iou",
        ])
        .map_err(err)?;
        for (user, a) in &self.annotators {
            let mut row = vec![
                user.clone(),
                a.submitted.to_string(),
                format!("{:.1}", a.mean_active_s),
                a.decisions.to_string(),
                a.rejections.to_string(),
                format!("{:.4}", a.rejection_rate),
            ];
            row.extend(cells(a.agreement.as_ref()));
            row.extend(cells(a.gold.as_ref()));
            w.write_record(&row).map_err(err)?;
        }
        w.write_record([""]).map_err(err)?;
        w.write_record(["class", "shapes", "matched", "f1", "mean_iou"])
            .map_err(err)?;
        for (class, f) in &self.classes {
            w.write_record([
                class.clone(),
                (f.first + f.second).to_string(),
                f.matched.to_string(),
                format!("{:.4}", f.f1),
                format!("{:.4}", f.mean_iou),
            ])
            .map_err(err)?;
        }
        let bytes = w.into_inner().map_err(|e| e.to_string())?;
        String::from_utf8(bytes).map_err(|e| e.to_string())
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
                .enumerate()
                .map(|(i, (label, x))| {
                    Annotation::new(
                        format!("a{i}"),
                        *label,
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
    fn people_and_classes_add_up() {
        let work = [
            Work {
                task: "t1".into(),
                user: "ann".into(),
                active_ms: 4000,
            },
            Work {
                task: "t1".into(),
                user: "ben".into(),
                active_ms: 2000,
            },
            Work {
                task: "t2".into(),
                user: "ann".into(),
                active_ms: 6000,
            },
        ];
        let results = vec![
            (
                "t1".to_string(),
                "ann".to_string(),
                task(&[("car", 10.0), ("dog", 100.0)]),
            ),
            ("t1".to_string(), "ben".to_string(), task(&[("car", 10.0)])),
        ];
        let reviews = [
            ReviewTally {
                user: "ben".into(),
                rejections: 1,
                accepted: true,
            },
            ReviewTally {
                user: "ann".into(),
                rejections: 0,
                accepted: true,
            },
        ];
        let gold = [GoldScore {
            user: "ben".into(),
            reference: 4,
            drawn: 2,
            matched: 2,
            total_iou: 1.6,
        }];
        let r = team_report(&work, &results, &reviews, &gold, 0.5);
        let ann = &r.annotators["ann"];
        assert_eq!((ann.submitted, ann.mean_active_s), (2, 5.0));
        let ben = &r.annotators["ben"];
        assert_eq!(
            (ben.decisions, ben.rejections, ben.rejection_rate),
            (2, 1, 0.5)
        );
        // ben against ann: his one box matches one of her two.
        let a = ben.agreement.as_ref().unwrap();
        assert_eq!((a.precision, a.recall), (1.0, 0.5));
        let g = ben.gold.as_ref().unwrap();
        assert_eq!((g.recall, g.precision), (0.5, 1.0));
        assert!((g.mean_iou - 0.8).abs() < 1e-12);
        assert_eq!(r.classes["dog"].matched, 0);
        assert_eq!(r.classes["car"].matched, 1);
        let csv = r.to_csv().unwrap();
        assert!(csv.starts_with("annotator,submitted"));
        assert!(
            csv.contains("\nben,1,2.0,2,1,0.5000,1.0000,0.5000"),
            "{csv}"
        );
        assert!(csv.contains("\ncar,2,1,1.0000,1.0000"), "{csv}");
    }
}
