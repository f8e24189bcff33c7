//! A model's answer applied to a task: its predictions under review and, for a task without
//! image tags yet, the tags it chose; in a task manifest it replaces what the same model
//! proposed before, so predicting a task again never doubles its predictions.

use super::wire::Predicted;
use crate::formats::predictions;
use crate::history::Op;
use crate::model::{Origin, Task};

/// Whether `task` holds predictions of `model`.
pub fn predicted_by(task: &Task, model: &str) -> bool {
    task.annotations
        .iter()
        .any(|a| matches!(&a.origin, Origin::Prediction { model: m, .. } if m == model))
}

/// The op adding `predicted` to `task`, one undo step: its predictions (ids made free in the
/// task) and — when the task has no image tags yet — the tags the model chose (only the first
/// unless the labels allow several). A task's own tags are never changed.
pub fn prediction_op(task: &Task, predicted: &Predicted) -> Option<Op> {
    let mut ops = Vec::new();
    if let Some(add) = predictions::add(task, predicted.annotations.clone(), &predicted.model) {
        ops.push(add);
    }
    if task.tags.is_empty() && !predicted.tags.is_empty() {
        let take = if task.labels.multi_tag { usize::MAX } else { 1 };
        ops.push(Op::SetTags {
            before: Vec::new(),
            after: predicted.tags.iter().take(take).cloned().collect(),
        });
    }
    match ops.len() {
        0 => None,
        _ => Some(Op::Batch { ops }),
    }
}

/// `task` with `predicted` as the predictions of its model: the model's earlier ones removed,
/// people's work and other models' predictions kept, ids unique in the task.
pub fn with_predictions(task: &Task, predicted: &Predicted) -> Task {
    let mut out = task.clone();
    out.annotations.retain(
        |a| !matches!(&a.origin, Origin::Prediction { model, .. } if *model == predicted.model),
    );
    if let Some(op) = prediction_op(&out, predicted) {
        // The op adds annotations with ids made free in `out` and tags to an untagged task:
        // it always applies.
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

    #[test]
    fn the_models_tags_fill_an_untagged_task_only() {
        let mut task = Task::default();
        let predicted = Predicted {
            task: "t".into(),
            model: "m".into(),
            annotations: vec![],
            tags: vec!["indoor".into(), "blurry".into()],
            notes: vec![],
        };
        assert_eq!(with_predictions(&task, &predicted).tags, ["indoor"]);
        task.labels.multi_tag = true;
        assert_eq!(
            with_predictions(&task, &predicted).tags,
            ["indoor", "blurry"]
        );
        task.tags = vec!["outdoor".into()];
        assert_eq!(with_predictions(&task, &predicted).tags, ["outdoor"]);
        assert_eq!(prediction_op(&task, &predicted), None);
    }
}
