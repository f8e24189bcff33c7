//! How unsure a model was about a task, for the active-learning order of "Next task": the
//! least-confident measure (one minus the lowest top score of its predictions) or the entropy
//! of the class scores.

use crate::model::{Origin, Task};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The measure of uncertainty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Uncertainty {
    /// One minus the lowest score among the task's predictions (a task whose weakest object the
    /// model barely believes comes first).
    LeastConfident,
    /// Shannon entropy (bits) of the task's class scores: each class's summed score, normalised.
    Entropy,
}

/// How unsure the model was about `task` by `measure`, in `[0, 1]` for least-confident and
/// `[0, log2(classes)]` for entropy; `None` when the task holds no prediction of `model` (an
/// empty `model` takes every model's).
pub fn uncertainty(task: &Task, model: &str, measure: Uncertainty) -> Option<f64> {
    let scored: Vec<(&str, f64)> = task
        .annotations
        .iter()
        .filter_map(|a| match &a.origin {
            Origin::Prediction { score, model: m } if model.is_empty() || m == model => {
                Some((a.label.as_str(), score.clamp(0.0, 1.0)))
            }
            _ => None,
        })
        .collect();
    if scored.is_empty() {
        return None;
    }
    Some(match measure {
        Uncertainty::LeastConfident => {
            1.0 - scored.iter().map(|(_, s)| *s).fold(f64::INFINITY, f64::min)
        }
        Uncertainty::Entropy => {
            let mut by_class: BTreeMap<&str, f64> = BTreeMap::new();
            for (label, s) in &scored {
                *by_class.entry(label).or_default() += s;
            }
            let total: f64 = by_class.values().sum();
            if total <= 0.0 {
                return Some(0.0);
            }
            by_class
                .values()
                .map(|v| v / total)
                .filter(|p| *p > 0.0)
                .map(|p| -p * p.log2())
                .sum::<f64>()
                .max(0.0)
        }
    })
}

/// How unsure a model was about each task it predicted, by both measures: what `lasso
/// predict` leaves in the bucket (`<p>/state/ml/uncertainty.json`) for "Next task" to order by.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    /// The model whose predictions were measured.
    pub model: String,
    /// Each task's measures.
    pub tasks: BTreeMap<String, Scores>,
}

/// One task's measures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// [`Uncertainty::LeastConfident`].
    pub least_confident: f64,
    /// [`Uncertainty::Entropy`].
    pub entropy: f64,
}

impl Ranking {
    /// Records `task` as `model` predicted it; a task the model found nothing on counts as
    /// certain (0 by both measures).
    pub fn record(&mut self, task: &Task) {
        let of = |m| uncertainty(task, &self.model, m).unwrap_or(0.0);
        let scores = Scores {
            least_confident: of(Uncertainty::LeastConfident),
            entropy: of(Uncertainty::Entropy),
        };
        self.tasks.insert(task.id.clone(), scores);
    }

    /// The tasks, most uncertain first by `measure` (ties in task order).
    pub fn order(&self, measure: Uncertainty) -> Vec<String> {
        let mut ranked: Vec<(&String, f64)> = self
            .tasks
            .iter()
            .map(|(t, s)| {
                let v = match measure {
                    Uncertainty::LeastConfident => s.least_confident,
                    Uncertainty::Entropy => s.entropy,
                };
                (t, if v.is_finite() { v } else { 0.0 })
            })
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        ranked.into_iter().map(|(t, _)| t.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Annotation, BoxShape, Shape};

    fn predicted(label: &str, score: f64, model: &str) -> Annotation {
        let mut a = Annotation::new(
            format!("{label}{score}"),
            label,
            Shape::Box(BoxShape {
                x0: 0.0,
                y0: 0.0,
                x1: 1.0,
                y1: 1.0,
            }),
        );
        a.origin = Origin::Prediction {
            score,
            model: model.into(),
        };
        a
    }

    #[test]
    fn least_confident_and_entropy_as_defined() {
        let mut t = Task::default();
        assert_eq!(uncertainty(&t, "", Uncertainty::LeastConfident), None);
        t.annotations = vec![predicted("cat", 0.9, "m"), predicted("dog", 0.3, "m")];
        let lc = uncertainty(&t, "m", Uncertainty::LeastConfident).unwrap();
        assert!((lc - 0.7).abs() < 1e-12);
        // Class shares 0.75 and 0.25: H = 0.811278… bits (scipy.stats.entropy(base=2)).
        let h = uncertainty(&t, "", Uncertainty::Entropy).unwrap();
        assert!((h - 0.811_278_124_459_132_8).abs() < 1e-12, "{h}");
        assert_eq!(uncertainty(&t, "other", Uncertainty::Entropy), None);
        t.annotations = vec![predicted("cat", 0.5, "m"), predicted("cat", 0.8, "m")];
        assert_eq!(uncertainty(&t, "m", Uncertainty::Entropy), Some(0.0));
    }

    #[test]
    fn the_ranking_puts_the_least_sure_first() {
        let task = |id: &str, anns: Vec<Annotation>| Task {
            id: id.into(),
            annotations: anns,
            ..Task::default()
        };
        let mut r = Ranking {
            model: "m".into(),
            ..Ranking::default()
        };
        r.record(&task("sure", vec![predicted("cat", 0.95, "m")]));
        r.record(&task("unsure", vec![predicted("cat", 0.35, "m")]));
        r.record(&task(
            "mixed",
            vec![predicted("cat", 0.9, "m"), predicted("dog", 0.9, "m")],
        ));
        r.record(&task("empty", vec![predicted("cat", 0.1, "other")]));
        assert_eq!(
            r.order(Uncertainty::LeastConfident),
            ["unsure", "mixed", "sure", "empty"]
        );
        assert_eq!(r.order(Uncertainty::Entropy)[0], "mixed");
        let text = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<Ranking>(&text).unwrap(), r);
    }
}
