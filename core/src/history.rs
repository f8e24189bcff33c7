//! Edits as data: every change to a task is an [`Op`], which can be applied, inverted and
//! journaled.
//!
//! The same ops drive undo/redo ([`History`]) and persistence: the browser appends each op to the
//! IndexedDB journal before showing it, and replays the journal on load. That is why an op carries
//! enough to undo itself (the old value as well as the new) and why applying an op checks its
//! preconditions instead of trusting them: a journal written by another tab may no longer match.

use crate::model::{Annotation, AnnotationId, AttributeValue, Shape, Task};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One edit of a task.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// Add an annotation (its id must not exist yet).
    Add {
        /// The new annotation.
        annotation: Annotation,
    },
    /// Remove an annotation; carries it whole so the op can be inverted.
    Remove {
        /// The annotation as it was when removed.
        annotation: Annotation,
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

/// Why an op could not be applied. The task is left unchanged.
#[derive(Clone, Debug, PartialEq)]
pub enum ApplyError {
    /// An `Add` for an id that already exists.
    DuplicateId(AnnotationId),
    /// The op names an annotation that does not exist.
    NoSuchAnnotation(AnnotationId),
    /// The task's current value is not the op's `before`: the op belongs to another history.
    Conflict {
        /// Which annotation (empty for task-level values such as tags).
        id: String,
        /// What differed.
        field: &'static str,
    },
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApplyError::DuplicateId(id) => write!(f, "annotation {id} already exists"),
            ApplyError::NoSuchAnnotation(id) => write!(f, "no annotation with id {id}"),
            ApplyError::Conflict { id, field } => {
                write!(
                    f,
                    "the {field} of annotation {id:?} is not what the edit expected"
                )
            }
        }
    }
}

impl std::error::Error for ApplyError {}

impl Op {
    /// The op that undoes this one.
    pub fn invert(&self) -> Op {
        match self {
            Op::Add { annotation } => Op::Remove {
                annotation: annotation.clone(),
            },
            Op::Remove { annotation } => Op::Add {
                annotation: annotation.clone(),
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
            Op::Batch { ops } => Op::Batch {
                ops: ops.iter().rev().map(Op::invert).collect(),
            },
        }
    }

    /// Applies the op to `task`. On error the task is unchanged (a failing batch is rolled back).
    pub fn apply(&self, task: &mut Task) -> Result<(), ApplyError> {
        match self {
            Op::Add { annotation } => {
                if task.position(&annotation.id).is_some() {
                    return Err(ApplyError::DuplicateId(annotation.id.clone()));
                }
                task.annotations.push(annotation.clone());
                Ok(())
            }
            Op::Remove { annotation } => {
                let i = find(task, &annotation.id)?;
                task.annotations.remove(i);
                Ok(())
            }
            Op::SetShape { id, before, after } => {
                let a = find_mut(task, id)?;
                check(&a.shape == before, id, "shape")?;
                a.shape = after.clone();
                Ok(())
            }
            Op::Relabel { id, before, after } => {
                let a = find_mut(task, id)?;
                check(&a.label == before, id, "label")?;
                a.label = after.clone();
                Ok(())
            }
            Op::SetAttribute {
                id,
                key,
                before,
                after,
            } => {
                let a = find_mut(task, id)?;
                check(a.attributes.get(key) == before.as_ref(), id, "attribute")?;
                match after {
                    Some(v) => a.attributes.insert(key.clone(), v.clone()),
                    None => a.attributes.remove(key),
                };
                Ok(())
            }
            Op::SetFlags { id, before, after } => {
                let a = find_mut(task, id)?;
                check(&Flags::of(a) == before, id, "flags")?;
                a.hidden = after.hidden;
                a.locked = after.locked;
                a.z = after.z;
                Ok(())
            }
            Op::SetTags { before, after } => {
                if &task.tags != before {
                    return Err(ApplyError::Conflict {
                        id: String::new(),
                        field: "tags",
                    });
                }
                task.tags = after.clone();
                Ok(())
            }
            Op::Batch { ops } => {
                for (done, op) in ops.iter().enumerate() {
                    if let Err(e) = op.apply(task) {
                        for undo in ops[..done].iter().rev() {
                            // Undoing ops that were just applied cannot conflict.
                            let _ = undo.invert().apply(task);
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
            Op::Batch { ops } => ops.iter().all(Op::is_noop),
        }
    }
}

fn find(task: &Task, id: &AnnotationId) -> Result<usize, ApplyError> {
    task.position(id)
        .ok_or_else(|| ApplyError::NoSuchAnnotation(id.clone()))
}

fn find_mut<'t>(task: &'t mut Task, id: &AnnotationId) -> Result<&'t mut Annotation, ApplyError> {
    let i = find(task, id)?;
    Ok(&mut task.annotations[i])
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

    /// Applies `op` to `task` and records it as one undo step; clears the redo stack.
    /// No-ops are applied but not recorded.
    pub fn commit(&mut self, task: &mut Task, op: Op) -> Result<&Op, ApplyError> {
        op.apply(task)?;
        if op.is_noop() {
            return Ok(self.undo.last().unwrap_or(&NOOP));
        }
        self.redo.clear();
        self.undo.push(op);
        Ok(self.undo.last().unwrap_or(&NOOP))
    }

    /// Undoes the last step; returns the op that was applied to do it (for the journal).
    pub fn undo(&mut self, task: &mut Task) -> Result<Option<Op>, ApplyError> {
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
    pub fn redo(&mut self, task: &mut Task) -> Result<Option<Op>, ApplyError> {
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
        let mut task = Task::default();
        let mut h = History::new();
        h.commit(
            &mut task,
            Op::Add {
                annotation: boxed("a", 0.0),
            },
        )
        .unwrap();
        h.commit(
            &mut task,
            Op::Add {
                annotation: boxed("b", 10.0),
            },
        )
        .unwrap();
        let after_two = task.clone();
        h.undo(&mut task).unwrap();
        assert_eq!(task.annotations.len(), 1);
        h.redo(&mut task).unwrap();
        assert_eq!(task, after_two);
    }

    #[test]
    fn failing_batch_leaves_task_unchanged() {
        let mut task = Task::default();
        Op::Add {
            annotation: boxed("a", 0.0),
        }
        .apply(&mut task)
        .unwrap();
        let before = task.clone();
        let bad = Op::Batch {
            ops: vec![
                Op::Add {
                    annotation: boxed("b", 1.0),
                },
                Op::Add {
                    annotation: boxed("a", 2.0),
                },
            ],
        };
        assert_eq!(
            bad.apply(&mut task),
            Err(ApplyError::DuplicateId(AnnotationId("a".into())))
        );
        assert_eq!(task, before);
    }

    #[test]
    fn stale_set_shape_is_a_conflict() {
        let mut task = Task::default();
        Op::Add {
            annotation: boxed("a", 0.0),
        }
        .apply(&mut task)
        .unwrap();
        let op = Op::SetShape {
            id: AnnotationId("a".into()),
            before: boxed("x", 99.0).shape,
            after: boxed("x", 1.0).shape,
        };
        assert!(matches!(
            op.apply(&mut task),
            Err(ApplyError::Conflict { .. })
        ));
    }
}
