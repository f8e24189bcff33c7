//! Reviewing model predictions: pre-labels carry [`Origin::Prediction`] until a person accepts
//! or rejects them.
//!
//! Every review action is one history [`Op`] (a [`Op::Batch`] for many annotations), so it is
//! one undo step and goes through the journal like any edit. Accepting turns the annotation's
//! origin into [`Origin::Human`] (exports then treat it as a label) and keeps where it came from
//! in two attributes, [`SCORE_ATTRIBUTE`] and [`MODEL_ATTRIBUTE`] (the latter only when the model
//! is named). Rejecting removes the annotation. Predictions that are neither stay predictions and
//! keep their origin in Lasso JSON.

use crate::history::Op;
use crate::model::{Annotation, AnnotationId, AttributeValue, Origin, Task};
use std::collections::HashSet;

/// Attribute holding an accepted prediction's score.
pub const SCORE_ATTRIBUTE: &str = "prediction_score";
/// Attribute holding an accepted prediction's model name.
pub const MODEL_ATTRIBUTE: &str = "prediction_model";

/// The score of an annotation that is a prediction.
pub fn score(a: &Annotation) -> Option<f64> {
    match a.origin {
        Origin::Prediction { score, .. } => Some(score),
        Origin::Human => None,
    }
}

/// The predictions of a task, in list order.
pub fn pending(task: &Task) -> impl Iterator<Item = &Annotation> {
    task.annotations.iter().filter(|a| score(a).is_some())
}

/// Counts of a task's predictions: `(total, at or above threshold)`.
pub fn counts(task: &Task, threshold: f64) -> (usize, usize) {
    pending(task).fold((0, 0), |(n, above), a| {
        (
            n + 1,
            above + usize::from(score(a).is_some_and(|s| s >= threshold)),
        )
    })
}

/// The annotation as accepted: human origin, provenance kept in attributes.
fn accepted(a: &Annotation) -> Annotation {
    let mut out = a.clone();
    if let Origin::Prediction { score, model } = &a.origin {
        out.attributes
            .insert(SCORE_ATTRIBUTE.into(), AttributeValue::Number(*score));
        if !model.is_empty() {
            out.attributes
                .insert(MODEL_ATTRIBUTE.into(), AttributeValue::Text(model.clone()));
        }
    }
    out.origin = Origin::Human;
    out
}

fn accept_ops(task: &Task, keep: impl Fn(&Annotation) -> bool) -> Vec<Op> {
    task.annotations
        .iter()
        .enumerate()
        .filter(|(_, a)| score(a).is_some() && keep(a))
        .flat_map(|(i, a)| {
            // Replacing in place keeps the list order, so undo restores it exactly.
            [
                Op::Remove {
                    annotation: a.clone(),
                    index: Some(i),
                },
                Op::Add {
                    annotation: accepted(a),
                    index: Some(i),
                },
            ]
        })
        .collect()
}

fn reject_ops(task: &Task, drop: impl Fn(&Annotation) -> bool) -> Vec<Op> {
    // Highest position first, so each recorded index is right when undo adds them back in
    // the reverse order.
    task.annotations
        .iter()
        .enumerate()
        .filter(|(_, a)| score(a).is_some() && drop(a))
        .rev()
        .map(|(i, a)| Op::Remove {
            annotation: a.clone(),
            index: Some(i),
        })
        .collect()
}

fn batch(ops: Vec<Op>) -> Option<Op> {
    match ops.len() {
        0 => None,
        _ => Some(Op::Batch { ops }),
    }
}

/// Accepts one prediction; `None` if there is no prediction with this id.
pub fn accept(task: &Task, id: &AnnotationId) -> Option<Op> {
    batch(accept_ops(task, |a| &a.id == id))
}

/// Rejects (removes) one prediction; `None` if there is no prediction with this id.
pub fn reject(task: &Task, id: &AnnotationId) -> Option<Op> {
    batch(reject_ops(task, |a| &a.id == id))
}

/// Accepts every prediction scoring at least `threshold`, as one undo step.
pub fn accept_at_least(task: &Task, threshold: f64) -> Option<Op> {
    batch(accept_ops(task, |a| {
        score(a).is_some_and(|s| s >= threshold)
    }))
}

/// Rejects every prediction scoring below `threshold`, as one undo step.
pub fn reject_below(task: &Task, threshold: f64) -> Option<Op> {
    batch(reject_ops(task, |a| {
        score(a).is_some_and(|s| s < threshold)
    }))
}

/// Accepts predictions at or above `threshold` and rejects the rest, as one undo step.
pub fn review_all(task: &Task, threshold: f64) -> Option<Op> {
    let mut ops = reject_ops(task, |a| score(a).is_some_and(|s| s < threshold));
    // After the rejections, positions of the kept ones have shifted: compute them on the task
    // as it will be.
    let mut after = task.clone();
    for op in &ops {
        op.apply_to_task(&mut after).ok()?;
    }
    ops.extend(accept_ops(&after, |a| {
        score(a).is_some_and(|s| s >= threshold)
    }));
    batch(ops)
}

/// The op that adds `incoming` to the task as predictions: annotations that came in as human
/// get score 1 and `model` as their model; ids that clash with the task's get a `-pN` suffix.
pub fn add(task: &Task, incoming: Vec<Annotation>, model: &str) -> Option<Op> {
    let mut taken: HashSet<String> = task.annotations.iter().map(|a| a.id.0.clone()).collect();
    let ops = incoming
        .into_iter()
        .map(|mut a| {
            if a.origin == Origin::Human {
                a.origin = Origin::Prediction {
                    score: 1.0,
                    model: model.to_string(),
                };
            }
            if taken.contains(&a.id.0) {
                let base = a.id.0.clone();
                let free = (1..)
                    .map(|n| format!("{base}-p{n}"))
                    .find(|c| !taken.contains(c))
                    .unwrap_or(base);
                a.id = AnnotationId(free);
            }
            taken.insert(a.id.0.clone());
            Op::Add {
                annotation: a,
                index: None,
            }
        })
        .collect();
    batch(ops)
}

/// The annotations a dataset holds for `task`'s image: the dataset task whose image name (or
/// its file name) matches, or the only task when the dataset has one.
pub fn for_task<'d>(task: &Task, dataset: &'d super::Dataset) -> Option<&'d Task> {
    let base = |n: &str| n.rsplit('/').next().unwrap_or(n).to_string();
    dataset
        .tasks
        .iter()
        .find(|t| t.image.name == task.image.name)
        .or_else(|| {
            dataset
                .tasks
                .iter()
                .find(|t| base(&t.image.name) == base(&task.image.name))
        })
        .or(match dataset.tasks.as_slice() {
            [only] => Some(only),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::history::History;
    use crate::model::{BoxShape, Shape};

    fn pred(id: &str, score: f64) -> Annotation {
        let mut a = Annotation::new(
            id,
            "cat",
            Shape::Box(BoxShape {
                x0: 0.0,
                y0: 0.0,
                x1: 1.0,
                y1: 1.0,
            }),
        );
        a.origin = Origin::Prediction {
            score,
            model: "m".into(),
        };
        a
    }

    fn task() -> Task {
        let human = Annotation::new("h", "cat", Shape::Polyline { points: vec![] });
        Task {
            annotations: vec![
                pred("a", 0.9),
                human,
                pred("b", 0.3),
                pred("c", 0.5),
                pred("d", 0.1),
            ],
            ..Default::default()
        }
    }

    fn commit(h: &mut History, t: &mut Task, op: Op) {
        let mut doc = Document::new(std::mem::take(t));
        h.commit(&mut doc, op).unwrap();
        *t = doc.into_task();
    }

    fn undo(h: &mut History, t: &mut Task) {
        let mut doc = Document::new(std::mem::take(t));
        h.undo(&mut doc).unwrap();
        *t = doc.into_task();
    }

    fn ids(t: &Task) -> Vec<&str> {
        t.annotations.iter().map(|a| a.id.0.as_str()).collect()
    }

    #[test]
    fn accepting_keeps_position_and_provenance_and_undoes_in_one_step() {
        let mut t = task();
        let before = t.clone();
        let mut h = History::new();
        let op = accept(&t, &AnnotationId("c".into())).unwrap();
        commit(&mut h, &mut t, op);
        assert_eq!(ids(&t), ["a", "h", "b", "c", "d"]);
        let c = &t.annotations[3];
        assert_eq!(c.origin, Origin::Human);
        assert_eq!(
            c.attributes.get(SCORE_ATTRIBUTE),
            Some(&AttributeValue::Number(0.5))
        );
        assert_eq!(
            c.attributes.get(MODEL_ATTRIBUTE),
            Some(&AttributeValue::Text("m".into()))
        );
        assert!(accept(&t, &AnnotationId("h".into())).is_none());
        undo(&mut h, &mut t);
        assert_eq!(t, before);
    }

    #[test]
    fn threshold_actions_are_single_steps_that_undo_exactly() {
        let mut t = task();
        let before = t.clone();
        assert_eq!(counts(&t, 0.5), (4, 2));
        let mut h = History::new();
        let op = reject_below(&t, 0.5).unwrap();
        commit(&mut h, &mut t, op);
        assert_eq!(ids(&t), ["a", "h", "c"]);
        let op = accept_at_least(&t, 0.5).unwrap();
        commit(&mut h, &mut t, op);
        assert_eq!(pending(&t).count(), 0);
        undo(&mut h, &mut t);
        undo(&mut h, &mut t);
        assert_eq!(t, before);

        let op = review_all(&t, 0.4).unwrap();
        commit(&mut h, &mut t, op);
        assert_eq!(ids(&t), ["a", "h", "c"]);
        assert!(t.annotations.iter().all(|a| a.origin == Origin::Human));
        undo(&mut h, &mut t);
        assert_eq!(t, before);
        assert!(reject_below(&t, 0.0).is_none());
    }

    #[test]
    fn added_predictions_get_free_ids_and_prediction_origin() {
        let t = task();
        let incoming = vec![
            Annotation::new("a", "dog", Shape::Polyline { points: vec![] }),
            pred("z", 0.7),
        ];
        let mut after = t.clone();
        add(&t, incoming, "coco-results")
            .unwrap()
            .apply_to_task(&mut after)
            .unwrap();
        let added = &after.annotations[5..];
        assert_eq!(added[0].id.0, "a-p1");
        assert_eq!(
            added[0].origin,
            Origin::Prediction {
                score: 1.0,
                model: "coco-results".into()
            }
        );
        assert_eq!(added[1].origin, pred("z", 0.7).origin);
    }
}
