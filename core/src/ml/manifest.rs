//! Predictions kept in a task manifest: a model's answer replaces what the same model
//! proposed before, so predicting a task again never doubles its predictions.

use super::wire::Predicted;
use crate::formats::predictions;
use crate::model::{Origin, Task};

/// Whether `task` holds predictions of `model`.
pub fn predicted_by(task: &Task, model: &str) -> bool {
    task.annotations
        .iter()
        .any(|a| matches!(&a.origin, Origin::Prediction { model: m, .. } if m == model))
}

/// `task` with `predicted` as the predictions of its model: the model's earlier ones removed,
/// people's work and other models' predictions kept, ids unique in the task.
pub fn with_predictions(task: &Task, predicted: &Predicted) -> Task {
    let mut out = task.clone();
    out.annotations.retain(
        |a| !matches!(&a.origin, Origin::Prediction { model, .. } if *model == predicted.model),
    );
    if let Some(op) = predictions::add(&out, predicted.annotations.clone(), &predicted.model) {
        // The op adds annotations with ids made free in `out`: it always applies.
        let _ = op.apply_to_task(&mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Annotation, BoxShape, Shape};

    fn ann(id: &str, origin: Origin) -> Annotation {
        let mut a = Annotation::new(
            id,
            "car",
            Shape::Box(BoxShape {
                x0: 0.0,
                y0: 0.0,
                x1: 5.0,
                y1: 5.0,
            }),
        );
        a.origin = origin;
        a
    }

    fn by(model: &str) -> Origin {
        Origin::Prediction {
            score: 0.5,
            model: model.into(),
        }
    }

    #[test]
    fn predicting_again_replaces_the_models_own_predictions_only() {
        let task = Task {
            annotations: vec![
                ann("h", Origin::Human),
                ann("p1", by("m")),
                ann("q1", by("other")),
            ],
            ..Task::default()
        };
        let predicted = Predicted {
            task: "t".into(),
            model: "m".into(),
            annotations: vec![ann("h", by("m")), ann("r2", by("m"))],
            tags: vec![],
            notes: vec![],
        };
        let once = with_predictions(&task, &predicted);
        let twice = with_predictions(&once, &predicted);
        assert_eq!(once, twice);
        let ids: Vec<&str> = twice.annotations.iter().map(|a| a.id.0.as_str()).collect();
        assert_eq!(ids, ["h", "q1", "h-p1", "r2"]);
        assert!(predicted_by(&twice, "m"));
        assert!(!predicted_by(&task, "n"));
    }
}
