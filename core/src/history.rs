//! Edits as data: every change to a task is an [`Op`], which can be applied, inverted and
//! journaled.
//!
//! The same ops drive undo/redo ([`History`]) and persistence: the browser appends each op to the
//! IndexedDB journal before showing it, and replays the journal on load. That is why an op carries
//! enough to undo itself (the old value as well as the new) and why applying an op checks its
//! preconditions instead of trusting them: a journal written by another tab may no longer match.

use crate::document::Document;
use crate::model::{Annotation, AnnotationId, AttributeValue, LabelSet, MaskRle, Shape, Task};
use serde::{Deserialize, Serialize};

/// One edit of a task. Read in one pass by the `tagged` module.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// Add an annotation (its id must not exist yet).
    Add {
        /// The new annotation.
        annotation: Annotation,
        /// Where in the list to insert it (the end when absent or past the end); set when the
        /// add undoes a remove, so undo restores the list exactly.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        index: Option<usize>,
    },
    /// Remove an annotation; carries it whole so the op can be inverted.
    Remove {
        /// The annotation as it was when removed.
        annotation: Annotation,
        /// Its position in the list when removed, so undo puts it back there.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        index: Option<usize>,
    },
    /// Replace an annotation's geometry.
    SetShape {
        /// Which annotation.
        id: AnnotationId,
        /// Geometry before.
        before: Shape,
        /// Geometry after.
        after: Shape,
    },
    /// Change an annotation's class.
    Relabel {
        /// Which annotation.
        id: AnnotationId,
        /// Class before.
        before: String,
        /// Class after.
        after: String,
    },
    /// Set or clear one attribute.
    SetAttribute {
        /// Which annotation.
        id: AnnotationId,
        /// Attribute name.
        key: String,
        /// Value before (`None`: unset).
        before: Option<AttributeValue>,
        /// Value after (`None`: unset).
        after: Option<AttributeValue>,
    },
    /// Change the hidden/locked flags and the draw order.
    SetFlags {
        /// Which annotation.
        id: AnnotationId,
        /// Flags before.
        before: Flags,
        /// Flags after.
        after: Flags,
    },
    /// Replace the whole-image tags.
    SetTags {
        /// Tags before.
        before: Vec<String>,
        /// Tags after.
        after: Vec<String>,
    },
    /// Replace the label set (the project's classes changed): names, colours, hotkeys, kinds.
    /// Annotations keep their labels; one whose class left the set is shown as unknown.
    SetLabels {
        /// Label set before.
        before: LabelSet,
        /// Label set after.
        after: LabelSet,
    },
    /// One brush or eraser stroke on a mask: the pixels it set and the pixels it cleared, as
    /// image-sized COCO RLEs. Stored as a delta so a stroke costs its outline, not the mask.
    MaskStroke {
        /// Which annotation (its shape is a mask).
        id: AnnotationId,
        /// Pixels that were unset and become set.
        added: MaskRle,
        /// Pixels that were set and become unset.
        removed: MaskRle,
    },
    /// Several ops that form one user action (one undo step).
    Batch {
        /// The ops, applied in order.
        ops: Vec<Op>,
    },
}

/// The per-annotation display flags that [`Op::SetFlags`] changes together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Flags {
    /// Hidden from the canvas.
    pub hidden: bool,
    /// Protected from editing.
    pub locked: bool,
    /// Draw order.
    pub z: i64,
}

impl Flags {
    /// The flags of an annotation.
    pub fn of(a: &Annotation) -> Self {
        Self {
            hidden: a.hidden,
            locked: a.locked,
            z: a.z,
        }
    }
}

pub use crate::document::ApplyError;

impl Op {
    /// The op that undoes this one.
    pub fn invert(&self) -> Op {
        match self {
            Op::Add { annotation, index } => Op::Remove {
                annotation: annotation.clone(),
                index: *index,
            },
            Op::Remove { annotation, index } => Op::Add {
                annotation: annotation.clone(),
                index: *index,
            },
            Op::SetShape { id, before, after } => Op::SetShape {
                id: id.clone(),
                before: after.clone(),
                after: before.clone(),
            },
            Op::Relabel { id, before, after } => Op::Relabel {
                id: id.clone(),
                before: after.clone(),
                after: before.clone(),
            },
            Op::SetAttribute {
                id,
                key,
                before,
                after,
            } => Op::SetAttribute {
                id: id.clone(),
                key: key.clone(),
                before: after.clone(),
                after: before.clone(),
            },
            Op::SetFlags { id, before, after } => Op::SetFlags {
                id: id.clone(),
                before: *after,
                after: *before,
            },
            Op::SetTags { before, after } => Op::SetTags {
                before: after.clone(),
                after: before.clone(),
            },
            Op::SetLabels { before, after } => Op::SetLabels {
                before: after.clone(),
                after: before.clone(),
            },
            Op::MaskStroke { id, added, removed } => Op::MaskStroke {
                id: id.clone(),
                added: removed.clone(),
                removed: added.clone(),
            },
            Op::Batch { ops } => Op::Batch {
                ops: ops.iter().rev().map(Op::invert).collect(),
            },
        }
    }

    /// Applies the op to a document, updating its indexes in the same step. On error the
    /// document's task is unchanged (a failing batch is rolled back). Every applied op, even
    /// one that fails, starts a new [`Document::revision`].
    pub fn apply(&self, doc: &mut Document) -> Result<(), ApplyError> {
        doc.begin_revision();
        self.apply_in(doc)
    }

    /// Applies the op to a plain task (indexing it first): for callers that hold no
    /// document, such as checks on a copy. Prefer [`Op::apply`] on a kept document.
    pub fn apply_to_task(&self, task: &mut Task) -> Result<(), ApplyError> {
        let mut doc = Document::new(std::mem::take(task));
        let result = self.apply(&mut doc);
        *task = doc.into_task();
        result
    }

    fn apply_in(&self, doc: &mut Document) -> Result<(), ApplyError> {
        match self {
            Op::Add { annotation, index } => doc.insert(*index, annotation.clone()),
            Op::Remove { annotation, .. } => doc.remove(&annotation.id).map(|_| ()),
            Op::SetShape { id, before, after } => doc.modify(id, |a| {
                check(&a.shape == before, id, "shape")?;
                a.shape = after.clone();
                Ok(())
            }),
            Op::Relabel { id, before, after } => doc.modify(id, |a| {
                check(&a.label == before, id, "label")?;
                a.label = after.clone();
                Ok(())
            }),
            Op::SetAttribute {
                id,
                key,
                before,
                after,
            } => doc.modify(id, |a| {
                check(a.attributes.get(key) == before.as_ref(), id, "attribute")?;
                match after {
                    Some(v) => a.attributes.insert(key.clone(), v.clone()),
                    None => a.attributes.remove(key),
                };
                Ok(())
            }),
            Op::SetFlags { id, before, after } => doc.modify(id, |a| {
                check(&Flags::of(a) == before, id, "flags")?;
                a.hidden = after.hidden;
                a.locked = after.locked;
                a.z = after.z;
                Ok(())
            }),
            Op::SetTags { before, after } => {
                let tags = doc.tags_mut();
                if tags != before {
                    return Err(ApplyError::Conflict {
                        id: String::new(),
                        field: "tags",
                    });
                }
                *tags = after.clone();
                Ok(())
            }
            Op::SetLabels { before, after } => {
                if &doc.task().labels != before {
                    return Err(ApplyError::Conflict {
                        id: String::new(),
                        field: "labels",
                    });
                }
                *doc.labels_mut() = after.clone();
                Ok(())
            }
            Op::MaskStroke { id, added, removed } => doc.modify(id, |a| {
                let Shape::Mask(mask) = &a.shape else {
                    return Err(ApplyError::Conflict {
                        id: id.0.clone(),
                        field: "shape kind (a mask stroke needs a mask)",
                    });
                };
                let updated =
                    stroke_mask(mask, added, removed).ok_or_else(|| ApplyError::Conflict {
                        id: id.0.clone(),
                        field: "mask",
                    })?;
                a.shape = Shape::Mask(updated);
                Ok(())
            }),
            Op::Batch { ops } => {
                for (done, op) in ops.iter().enumerate() {
                    if let Err(e) = op.apply_in(doc) {
                        for undo in ops[..done].iter().rev() {
                            // Undoing ops that were just applied cannot conflict.
                            let _ = undo.invert().apply_in(doc);
                        }
                        return Err(e);
                    }
                }
                Ok(())
            }
        }
    }

    /// Whether the op changes nothing (an empty batch or a value set to itself).
    pub fn is_noop(&self) -> bool {
        match self {
            Op::Add { .. } | Op::Remove { .. } => false,
            Op::SetShape { before, after, .. } => before == after,
            Op::Relabel { before, after, .. } => before == after,
            Op::SetAttribute { before, after, .. } => before == after,
            Op::SetFlags { before, after, .. } => before == after,
            Op::SetTags { before, after } => before == after,
            Op::SetLabels { before, after } => before == after,
            Op::MaskStroke { added, removed, .. } => {
                let empty = |m: &MaskRle| m.counts.iter().skip(1).step_by(2).all(|&c| c == 0);
                empty(added) && empty(removed)
            }
            Op::Batch { ops } => ops.iter().all(Op::is_noop),
        }
    }
}

/// `(mask ∪ added) − removed`, or `None` if the stroke does not fit the mask: sizes differ,
/// an added pixel is already set or a removed pixel is not set (the op belongs elsewhere).
fn stroke_mask(mask: &MaskRle, added: &MaskRle, removed: &MaskRle) -> Option<MaskRle> {
    use crate::raster::{Rle, RunMask};
    let mask = RunMask::from_rle(&Rle::from_model(mask).ok()?);
    let added = RunMask::from_rle(&Rle::from_model(added).ok()?);
    let removed = RunMask::from_rle(&Rle::from_model(removed).ok()?);
    let same_size = |m: &RunMask| m.width() == mask.width() && m.height() == mask.height();
    if !same_size(&added) || !same_size(&removed) {
        return None;
    }
    if !mask.intersect(&added).is_empty() || removed.subtract(&mask).area() > 0 {
        return None;
    }
    Some(mask.union(&added).subtract(&removed).to_rle().to_model())
}

/// The stroke op that turns mask `before` into `after` on annotation `id`, or `None` if the
/// masks differ in size or are malformed.
pub fn mask_stroke(id: &AnnotationId, before: &MaskRle, after: &MaskRle) -> Option<Op> {
    use crate::raster::{Rle, RunMask};
    let before = RunMask::from_rle(&Rle::from_model(before).ok()?);
    let after = RunMask::from_rle(&Rle::from_model(after).ok()?);
    if before.width() != after.width() || before.height() != after.height() {
        return None;
    }
    Some(Op::MaskStroke {
        id: id.clone(),
        added: after.subtract(&before).to_rle().to_model(),
        removed: before.subtract(&after).to_rle().to_model(),
    })
}

fn check(ok: bool, id: &AnnotationId, field: &'static str) -> Result<(), ApplyError> {
    if ok {
        Ok(())
    } else {
        Err(ApplyError::Conflict {
            id: id.0.clone(),
            field,
        })
    }
}

/// Unlimited undo/redo over a task: each committed op is one step.
#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<Op>,
    redo: Vec<Op>,
}

impl History {
    /// An empty history.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies `op` to the document and records it as one undo step; clears the redo stack.
    /// No-ops are applied but not recorded.
    pub fn commit(&mut self, task: &mut Document, op: Op) -> Result<&Op, ApplyError> {
        op.apply(task)?;
        if op.is_noop() {
            return Ok(self.undo.last().unwrap_or(&NOOP));
        }
        self.redo.clear();
        self.undo.push(op);
        Ok(self.undo.last().unwrap_or(&NOOP))
    }

    /// Undoes the last step; returns the op that was applied to do it (for the journal).
    pub fn undo(&mut self, task: &mut Document) -> Result<Option<Op>, ApplyError> {
        let Some(op) = self.undo.pop() else {
            return Ok(None);
        };
        let inverse = op.invert();
        if let Err(e) = inverse.apply(task) {
            self.undo.push(op);
            return Err(e);
        }
        self.redo.push(op);
        Ok(Some(inverse))
    }

    /// Redoes the last undone step; returns the op that was applied.
    pub fn redo(&mut self, task: &mut Document) -> Result<Option<Op>, ApplyError> {
        let Some(op) = self.redo.pop() else {
            return Ok(None);
        };
        if let Err(e) = op.apply(task) {
            self.redo.push(op);
            return Err(e);
        }
        self.undo.push(op.clone());
        Ok(Some(op))
    }

    /// Whether there is anything to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is anything to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}

static NOOP: Op = Op::Batch { ops: Vec::new() };

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BoxShape, Point};

    fn boxed(id: &str, x: f64) -> Annotation {
        Annotation::new(
            id,
            "car",
            Shape::Box(BoxShape::from_corners(
                Point::new(x, 0.0),
                Point::new(x + 5.0, 5.0),
            )),
        )
    }

    #[test]
    fn undo_redo_round_trip() {
        let mut task = Document::default();
        let mut h = History::new();
        h.commit(
            &mut task,
            Op::Add {
                annotation: boxed("a", 0.0),
                index: None,
            },
        )
        .unwrap();
        h.commit(
            &mut task,
            Op::Add {
                annotation: boxed("b", 10.0),
                index: None,
            },
        )
        .unwrap();
        let after_two = task.task().clone();
        h.undo(&mut task).unwrap();
        assert_eq!(task.task().annotations.len(), 1);
        h.redo(&mut task).unwrap();
        assert_eq!(task.task(), &after_two);
    }

    #[test]
    fn failing_batch_leaves_task_unchanged() {
        let mut task = Task::default();
        Op::Add {
            annotation: boxed("a", 0.0),
            index: None,
        }
        .apply_to_task(&mut task)
        .unwrap();
        let before = task.clone();
        let bad = Op::Batch {
            ops: vec![
                Op::Add {
                    annotation: boxed("b", 1.0),
                    index: None,
                },
                Op::Add {
                    annotation: boxed("a", 2.0),
                    index: None,
                },
            ],
        };
        assert_eq!(
            bad.apply_to_task(&mut task),
            Err(ApplyError::DuplicateId(AnnotationId("a".into())))
        );
        assert_eq!(task, before);
    }

    #[test]
    fn stale_set_shape_is_a_conflict() {
        let mut task = Task::default();
        Op::Add {
            annotation: boxed("a", 0.0),
            index: None,
        }
        .apply_to_task(&mut task)
        .unwrap();
        let op = Op::SetShape {
            id: AnnotationId("a".into()),
            before: boxed("x", 99.0).shape,
            after: boxed("x", 1.0).shape,
        };
        assert!(matches!(
            op.apply_to_task(&mut task),
            Err(ApplyError::Conflict { .. })
        ));
    }
}

#[cfg(test)]
mod properties {
    //! apply ∘ invert = id for every kind of op, on ops generated to fit a generated task.
    use super::*;
    use crate::model::{BoxShape, Point};
    use crate::raster::brush::stroke;
    use crate::raster::RunMask;
    use proptest::prelude::*;

    const W: u32 = 24;
    const H: u32 = 16;

    fn mask_shape(seed: u64) -> Shape {
        let px: Vec<u8> = (0..W * H)
            .map(|i| u8::from(seed.rotate_left(i % 64) & 3 == 0))
            .collect();
        Shape::Mask(RunMask::from_row_major(&px, W, H).to_rle().to_model())
    }

    fn task(seed: u64, n: usize) -> Task {
        let mut task = Task::default();
        for i in 0..n {
            let shape = if i % 2 == 0 {
                mask_shape(seed.wrapping_add(i as u64))
            } else {
                Shape::Box(BoxShape::from_corners(
                    Point::new(i as f64, 1.0),
                    Point::new(i as f64 + 4.0, 6.0),
                ))
            };
            task.annotations
                .push(Annotation::new(format!("a{i}"), "car", shape));
        }
        task.tags = vec!["day".into()];
        task
    }

    /// An op that applies to `task`, chosen by `kind` and `k`.
    fn op_for(task: &Task, kind: u8, k: u64) -> Op {
        let n = task.annotations.len();
        if n == 0 {
            return Op::Add {
                annotation: Annotation::new(format!("new{k}"), "bus", mask_shape(k)),
                index: None,
            };
        }
        let pick = &task.annotations[(k as usize) % n];
        let id = pick.id.clone();
        match kind % 9 {
            0 => Op::Add {
                annotation: Annotation::new(format!("new{k}-{n}"), "bus", mask_shape(k)),
                index: None,
            },
            1 => Op::Remove {
                annotation: pick.clone(),
                index: task.position(&pick.id),
            },
            2 => Op::SetShape {
                id,
                before: pick.shape.clone(),
                after: Shape::Box(BoxShape::from_corners(
                    Point::new(0.5, 0.5),
                    Point::new((k % 7) as f64 + 2.0, 3.0),
                )),
            },
            3 => Op::Relabel {
                id,
                before: pick.label.clone(),
                after: "truck".into(),
            },
            4 => Op::SetAttribute {
                id,
                key: "occluded".into(),
                before: pick.attributes.get("occluded").cloned(),
                after: Some(AttributeValue::Bool(k.is_multiple_of(2))),
            },
            5 => Op::SetFlags {
                id,
                before: Flags::of(pick),
                after: Flags {
                    hidden: !pick.hidden,
                    locked: k.is_multiple_of(2),
                    z: pick.z + 1,
                },
            },
            6 => Op::SetTags {
                before: task.tags.clone(),
                after: vec![format!("t{k}")],
            },
            7 => {
                let mut after = task.labels.clone();
                after
                    .labels
                    .push(crate::model::Label::new(format!("class{k}"), "#123456"));
                Op::SetLabels {
                    before: task.labels.clone(),
                    after,
                }
            }
            _ => {
                // A brush or eraser stroke on the first mask annotation.
                let masked = task
                    .annotations
                    .iter()
                    .find(|a| matches!(a.shape, Shape::Mask(_)));
                let Some(Annotation {
                    id,
                    shape: Shape::Mask(before),
                    ..
                }) = masked
                else {
                    return Op::Batch { ops: Vec::new() };
                };
                let current = RunMask::from_rle(&crate::raster::Rle::from_model(before).unwrap());
                let path = [
                    Point::new((k % W as u64) as f64, 2.0),
                    Point::new((k.wrapping_mul(7) % W as u64) as f64, 12.0),
                ];
                let brush = stroke(W, H, &path, 2.5);
                let after = if k.is_multiple_of(2) {
                    current.union(&brush)
                } else {
                    current.subtract(&brush)
                };
                mask_stroke(id, before, &after.to_rle().to_model()).unwrap()
            }
        }
    }

    proptest! {
        #[test]
        fn apply_then_invert_restores_the_task(
            seed in any::<u64>(),
            n in 1usize..5,
            kinds in proptest::collection::vec((any::<u8>(), any::<u64>()), 1..4),
        ) {
            let original = task(seed, n);
            // A batch of ops, each generated against the state the previous ones left.
            let mut working = original.clone();
            let mut ops = Vec::new();
            for (kind, k) in kinds {
                let op = op_for(&working, kind, k);
                op.apply_to_task(&mut working).unwrap();
                ops.push(op);
            }
            let batch = Op::Batch { ops };
            let mut doc = Document::new(original.clone());
            batch.apply(&mut doc).unwrap();
            prop_assert_eq!(doc.task(), &working);
            batch.invert().apply(&mut doc).unwrap();
            prop_assert_eq!(doc.task(), &original);
            // The indexes followed: the same answers as a document built afresh.
            let fresh = Document::new(original.clone());
            for a in &original.annotations {
                prop_assert_eq!(doc.position(&a.id), fresh.position(&a.id));
                prop_assert_eq!(doc.label_tally(&a.label), fresh.label_tally(&a.label));
                prop_assert_eq!(doc.index().bounds(&a.id), fresh.index().bounds(&a.id));
            }
            // And each op survives the journal's JSON form unchanged.
            let json = serde_json::to_string(&batch).unwrap();
            prop_assert_eq!(serde_json::from_str::<Op>(&json).unwrap(), batch);
        }
    }

    #[test]
    fn a_stroke_that_does_not_fit_is_refused_and_changes_nothing() {
        let mut t = task(7, 1);
        let Shape::Mask(before) = t.annotations[0].shape.clone() else {
            unreachable!()
        };
        // "Adding" pixels that are already set is a stroke from another history.
        let op = Op::MaskStroke {
            id: t.annotations[0].id.clone(),
            added: before.clone(),
            removed: RunMask::empty(W, H).to_rle().to_model(),
        };
        let snapshot = t.clone();
        if before.counts.len() > 1 {
            assert!(op.apply_to_task(&mut t).is_err());
            assert_eq!(t, snapshot);
        }
    }
}
