//! Document commands: what a key or a button does to the selection or the task (delete,
//! hide and lock, z-order, nudge, tags, copy and paste, convert), each turned into one op and
//! committed as one undo step. They read the document through the editor and never mutate it
//! except by committing.

use super::*;
use crate::model::{BoxShape, RotatedBox};

impl Editor {
    /// Commits `ops` as one step, the selection left as it is.
    fn finish_ops(&mut self, ops: Vec<Op>) -> Outcome {
        self.finish(ToolOutput {
            ops,
            ..ToolOutput::default()
        })
    }

    /// Sets (or with `None` clears) one attribute of an annotation as one step. The value must
    /// fit the attribute's definition in the annotation's label.
    pub fn set_attribute(
        &mut self,
        id: &AnnotationId,
        key: &str,
        value: Option<AttributeValue>,
    ) -> Result<Outcome, String> {
        let a = self
            .doc
            .task()
            .annotation(id)
            .ok_or_else(|| format!("no annotation with id {id}"))?;
        if a.locked {
            return Err(format!("annotation {id} is locked"));
        }
        let def = self
            .doc
            .task()
            .labels
            .get(&a.label)
            .and_then(|l| l.attributes.iter().find(|d| d.name == key))
            .ok_or_else(|| format!("label {:?} has no attribute {key:?}", a.label))?;
        if let Some(v) = &value {
            check_attribute(&def.kind, v).map_err(|e| format!("attribute {key:?}: {e}"))?;
        }
        let op = Op::SetAttribute {
            id: id.clone(),
            key: key.to_string(),
            before: a.attributes.get(key).cloned(),
            after: value,
        };
        Ok(self.finish(ToolOutput {
            ops: vec![op],
            ..ToolOutput::default()
        }))
    }

    /// Hands `key` to the active tool; `None` when the tool leaves it to the editor.
    fn tool_key(&mut self, key: ToolKey) -> Option<Outcome> {
        let out = self.with_tool(1.0, |tool, ctx| tool.key(ctx, key))?;
        let mut outcome = self.finish(out);
        outcome.redraw = true;
        Some(outcome)
    }

    /// `Delete`/`Backspace`: while drawing, removes the last vertex; with a vertex selected,
    /// removes that vertex; otherwise deletes the selection.
    pub fn delete(&mut self) -> Outcome {
        match self.tool_key(ToolKey::RemoveLast) {
            Some(outcome) => outcome,
            None => self.delete_selection(),
        }
    }

    /// Cycles a keypoint's visibility (`I`): the last placed point while placing keypoints, the
    /// selected keypoint (one op) while editing.
    pub fn toggle_visibility(&mut self) -> Outcome {
        self.tool_key(ToolKey::CycleVisibility).unwrap_or_default()
    }

    /// Moves the selected unlocked shapes by `(dx, dy)` image pixels (arrow keys), kept inside
    /// the image, as one step.
    pub fn nudge(&mut self, dx: f64, dy: f64) -> Outcome {
        let shapes: Vec<(AnnotationId, Shape)> = self
            .selected_annotations()
            .filter(|a| !a.locked)
            .map(|a| (a.id.clone(), a.shape.clone()))
            .collect();
        let (dx, dy) = select_tool::clamp_delta(self.doc.task(), &shapes, dx, dy);
        let ops = shapes
            .into_iter()
            .filter_map(|(id, before)| {
                let after = shape_edit::translate(&before, dx, dy)?;
                (after != before).then_some(Op::SetShape { id, before, after })
            })
            .collect();
        self.finish_ops(ops)
    }

    /// Grows or shrinks the selected unlocked boxes and rotated boxes by `(dw, dh)` image
    /// pixels (`Alt`+arrows): a box at its right and bottom edges, kept inside the image, a
    /// rotated box about its centre; never below one pixel. One step.
    pub fn resize(&mut self, dw: f64, dh: f64) -> Outcome {
        let image = &self.doc.task().image;
        let (iw, ih) = (f64::from(image.width), f64::from(image.height));
        let limit = |v: f64, max: f64| if max > 0.0 { v.min(max) } else { v };
        let ops = self
            .selected_annotations()
            .filter(|a| !a.locked)
            .filter_map(|a| {
                let after = match &a.shape {
                    Shape::Box(b) => Shape::Box(BoxShape {
                        x1: limit((b.x1 + dw).max(b.x0 + box_tool::MIN_BOX_SIDE), iw),
                        y1: limit((b.y1 + dh).max(b.y0 + box_tool::MIN_BOX_SIDE), ih),
                        ..*b
                    }),
                    Shape::RotatedBox(r) => Shape::RotatedBox(RotatedBox {
                        w: (r.w + dw).max(box_tool::MIN_BOX_SIDE),
                        h: (r.h + dh).max(box_tool::MIN_BOX_SIDE),
                        ..*r
                    }),
                    _ => return None,
                };
                (after != a.shape).then(|| Op::SetShape {
                    id: a.id.clone(),
                    before: a.shape.clone(),
                    after,
                })
            })
            .collect();
        self.finish_ops(ops)
    }

    /// `Enter`: finishes the shape being drawn; with a box tool and nothing being drawn, places a
    /// box of the current label in the middle of `view` (the visible part of the image, in
    /// image pixels), a quarter of its size, and selects it — so boxes can be drawn from the
    /// keyboard alone (then arrows move it and `Alt`+arrows size it).
    pub fn enter(&mut self, view: BoxShape) -> Outcome {
        let kind = match &self.tool {
            Tool::Box(drawing) if drawing.state == box_tool::BoxTool::Idle => drawing.kind,
            _ => return self.finish_shape(),
        };
        let image = &self.doc.task().image;
        let (iw, ih) = (f64::from(image.width), f64::from(image.height));
        let x0 = view.x0.max(0.0);
        let y0 = view.y0.max(0.0);
        let x1 = if iw > 0.0 { view.x1.min(iw) } else { view.x1 };
        let y1 = if ih > 0.0 { view.y1.min(ih) } else { view.y1 };
        if x1 - x0 < 4.0 * box_tool::MIN_BOX_SIDE || y1 - y0 < 4.0 * box_tool::MIN_BOX_SIDE {
            return Outcome::default();
        }
        let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        let (w, h) = (((x1 - x0) / 4.0).round(), ((y1 - y0) / 4.0).round());
        let b = BoxShape {
            x0: (cx - w / 2.0).round(),
            y0: (cy - h / 2.0).round(),
            x1: (cx - w / 2.0).round() + w,
            y1: (cy - h / 2.0).round() + h,
        };
        let label = self.label.clone();
        self.finish(ToolOutput {
            ops: vec![Op::Add {
                annotation: Editor::draft(&label, kind.shape(b)),
                index: None,
            }],
            select: None,
            select_added: true,
        })
    }

    /// Selects the next visible annotation in drawing order (`Tab`), or the previous one.
    pub fn cycle(&mut self, back: bool) -> Outcome {
        let order = self.cycle_order();
        if order.is_empty() {
            return Outcome::default();
        }
        let current = self
            .selection
            .last()
            .and_then(|id| order.iter().position(|(_, a)| &a.id == id));
        let n = order.len();
        let next = match (current, back) {
            (None, false) => 0,
            (None, true) => n - 1,
            (Some(i), false) => (i + 1) % n,
            (Some(i), true) => (i + n - 1) % n,
        };
        let id = order[next].1.id.clone();
        self.finish(ToolOutput {
            select: Some(vec![id]),
            ..ToolOutput::default()
        })
    }

    /// The visible annotations in drawing order, as `Tab` goes through them.
    fn cycle_order(&self) -> Vec<(usize, &Annotation)> {
        let mut order: Vec<(usize, &Annotation)> = self
            .doc
            .task()
            .annotations
            .iter()
            .enumerate()
            .filter(|(_, a)| !a.hidden)
            .collect();
        order.sort_by_key(|(i, a)| (a.z, *i));
        order
    }

    /// Whether `Tab` (or Shift+Tab with `back`) has gone through every shape: nothing to
    /// select, or the last (first) one is selected. The page then moves the focus on, so the
    /// keyboard is never trapped in the editor.
    pub fn cycle_done(&self, back: bool) -> bool {
        let order = self.cycle_order();
        let end = if back { order.first() } else { order.last() };
        match end {
            None => true,
            // Only the last shape alone: from several selected, Tab first picks one.
            Some((_, a)) => self.selection == [a.id.clone()],
        }
    }

    /// Hides the selection (`H`), or shows it again when all of it is hidden. The selection is
    /// kept so the same key undoes it.
    pub fn toggle_hidden(&mut self) -> Outcome {
        let hide = !self.selected_annotations().all(|a| a.hidden);
        self.set_flags(|f| f.hidden = hide)
    }

    /// Locks the selection against edits, or unlocks it when all of it is locked.
    pub fn toggle_locked(&mut self) -> Outcome {
        let lock = !self.selected_annotations().all(|a| a.locked);
        self.set_flags(|f| f.locked = lock)
    }

    /// Hides every annotation of `label`, or shows them all when all are hidden already (one
    /// undo step; the flags are stored with the annotations, so it survives a reload).
    pub fn toggle_label_hidden(&mut self, label: &str) -> Outcome {
        let hide = !self.label_all(label, |a| a.hidden);
        self.set_label_flags(label, |f| f.hidden = hide)
    }

    /// Locks every annotation of `label` against edits, or unlocks them when all are locked.
    pub fn toggle_label_locked(&mut self, label: &str) -> Outcome {
        let lock = !self.label_all(label, |a| a.locked);
        self.set_label_flags(label, |f| f.locked = lock)
    }

    /// Per class of the label set, in its order: how many annotations it has and whether all
    /// of them are hidden / locked (false for a class without any) — what the classes panel
    /// shows, read from the document's label tallies (no pass over the task).
    pub fn label_states(&self) -> Vec<LabelState> {
        self.doc
            .task()
            .labels
            .labels
            .iter()
            .map(|l| {
                let t = self.doc.label_tally(&l.name);
                LabelState {
                    name: l.name.clone(),
                    count: t.count,
                    hidden: t.count > 0 && t.hidden == t.count,
                    locked: t.count > 0 && t.locked == t.count,
                }
            })
            .collect()
    }

    /// Whether `label` has annotations and all of them satisfy `test` (e.g. are hidden).
    pub fn label_all(&self, label: &str, test: impl Fn(&Annotation) -> bool) -> bool {
        let mut of_label = self
            .doc
            .task()
            .annotations
            .iter()
            .filter(|a| a.label == label);
        let mut any = false;
        let all = of_label.all(|a| {
            any = true;
            test(a)
        });
        any && all
    }

    pub(super) fn set_label_flags(&mut self, label: &str, change: impl Fn(&mut Flags)) -> Outcome {
        let ops = flag_ops(
            self.doc
                .task()
                .annotations
                .iter()
                .filter(|a| a.label == label),
            change,
        );
        // Hidden shapes cannot stay selected (locked ones can: their panel unlocks them).
        let label_ids: Vec<AnnotationId> = self
            .doc
            .task()
            .annotations
            .iter()
            .filter(|a| a.label == label)
            .map(|a| a.id.clone())
            .collect();
        let mut outcome = self.finish(ToolOutput {
            ops,
            ..ToolOutput::default()
        });
        let before = self.selection.len();
        let doc = &self.doc;
        self.selection
            .retain(|id| !label_ids.contains(id) || doc.annotation(id).is_some_and(|a| !a.hidden));
        if self.selection.len() != before {
            outcome.selection_changed = true;
            outcome.redraw = true;
        }
        outcome
    }

    /// Sets or clears a whole-image tag of the label set (one undo step). With single-choice
    /// tags, choosing one replaces the others and choosing the chosen one clears it; a name
    /// that is not one of the label set's tags changes nothing.
    pub fn toggle_tag(&mut self, tag: &str) -> Outcome {
        if !self.doc.task().labels.tags.iter().any(|t| t == tag) {
            return Outcome::default();
        }
        let before = self.doc.task().tags.clone();
        let chosen = before.iter().any(|t| t == tag);
        let after: Vec<String> = if self.doc.task().labels.multi_tag {
            // Kept in the label set's order, so the stored list does not depend on click order.
            self.doc
                .task()
                .labels
                .tags
                .iter()
                .filter(|t| {
                    if *t == tag {
                        !chosen
                    } else {
                        before.contains(t)
                    }
                })
                .cloned()
                .collect()
        } else if chosen {
            Vec::new()
        } else {
            vec![tag.to_string()]
        };
        let mut outcome = self.finish(ToolOutput {
            ops: vec![Op::SetTags { before, after }],
            ..ToolOutput::default()
        });
        outcome.redraw = true;
        outcome
    }

    /// Draws the selection above every other annotation.
    pub fn bring_forward(&mut self) -> Outcome {
        let top = self.others_z().max().unwrap_or(0);
        self.set_flags(|f| f.z = top + 1)
    }

    /// Draws the selection below every other annotation.
    pub fn send_back(&mut self) -> Outcome {
        let bottom = self.others_z().min().unwrap_or(0);
        self.set_flags(|f| f.z = bottom - 1)
    }

    pub(super) fn others_z(&self) -> impl Iterator<Item = i64> + '_ {
        self.doc
            .task()
            .annotations
            .iter()
            .filter(|a| !self.selection.contains(&a.id))
            .map(|a| a.z)
    }

    pub(super) fn selected_annotations(&self) -> impl Iterator<Item = &Annotation> + '_ {
        self.selection
            .iter()
            .filter_map(|id| self.doc.annotation(id))
    }

    pub(super) fn set_flags(&mut self, change: impl Fn(&mut Flags)) -> Outcome {
        let ops = flag_ops(self.selected_annotations(), change);
        self.finish_ops(ops)
    }

    /// Copies the selection to the editor's clipboard (`Ctrl+C`).
    pub fn copy(&mut self) -> bool {
        let annotations: Vec<Annotation> = self.selected_annotations().cloned().collect();
        if annotations.is_empty() {
            return false;
        }
        self.clipboard = Clipboard {
            task_id: self.doc.task().id.clone(),
            annotations,
        };
        true
    }

    /// Pastes the clipboard (`Ctrl+V`) as new, unlocked, visible annotations and selects them.
    /// Into the task they came from, copies are offset by [`PASTE_OFFSET`]; into another task
    /// they keep their place. A label the task lacks becomes the current label.
    pub fn paste(&mut self) -> Outcome {
        let same_task = self.clipboard.task_id == self.doc.task().id;
        let offset = if same_task { PASTE_OFFSET } else { 0.0 };
        let ops = self
            .clipboard
            .annotations
            .iter()
            .map(|a| {
                let mut copy = a.clone();
                copy.id = AnnotationId(String::new());
                copy.hidden = false;
                copy.locked = false;
                if self.doc.task().labels.get(&copy.label).is_none() {
                    copy.label = self.label.clone();
                }
                if let Some(moved) = shape_edit::translate(&copy.shape, offset, offset) {
                    copy.shape = moved;
                }
                Op::Add {
                    annotation: copy,
                    index: None,
                }
            })
            .collect();
        self.finish(ToolOutput {
            ops,
            select: None,
            select_added: true,
        })
    }

    /// Converts the selected masks to polygons (traced along pixel edges, so they rasterise
    /// back to the same pixels) and the selected polygons to masks, as one step.
    pub fn convert_selection(&mut self) -> Outcome {
        let (w, h) = (self.doc.task().image.width, self.doc.task().image.height);
        let ops = self
            .selected_annotations()
            .filter(|a| !a.locked)
            .filter_map(|a| {
                let after = match &a.shape {
                    Shape::Mask(m) => {
                        let rle = crate::raster::rle::Rle::from_model(m).ok()?;
                        let mask = crate::raster::mask::RunMask::from_rle(&rle);
                        let parts = crate::raster::contour::mask_to_polygons(&mask);
                        (!parts.is_empty())
                            .then_some(Shape::Polygon(crate::model::PolygonShape { parts }))?
                    }
                    Shape::Polygon(p) if w > 0 && h > 0 => {
                        let rle = crate::raster::polygon::shape_polygon_to_rle(p, h, w);
                        (rle.area() > 0).then(|| Shape::Mask(rle.to_model()))?
                    }
                    _ => return None,
                };
                Some(Op::SetShape {
                    id: a.id.clone(),
                    before: a.shape.clone(),
                    after,
                })
            })
            .collect();
        self.finish_ops(ops)
    }
}

/// Whether `v` is an allowed value of an attribute of this kind.
fn check_attribute(kind: &AttributeKind, v: &AttributeValue) -> Result<(), String> {
    match (kind, v) {
        (AttributeKind::Text, AttributeValue::Text(_)) => Ok(()),
        (AttributeKind::Bool, AttributeValue::Bool(_)) => Ok(()),
        (AttributeKind::Choice { options }, AttributeValue::Text(t)) => {
            if options.contains(t) {
                Ok(())
            } else {
                Err(format!("{t:?} is not one of {options:?}"))
            }
        }
        (AttributeKind::Number { min, max }, AttributeValue::Number(n)) => {
            if !n.is_finite() {
                Err("not a finite number".into())
            } else if min.is_some_and(|m| *n < m) || max.is_some_and(|m| *n > m) {
                Err(format!("{n} is outside {min:?}..{max:?}"))
            } else {
                Ok(())
            }
        }
        (kind, v) => Err(format!("{v:?} is not a value of a {kind:?} attribute")),
    }
}

/// `SetFlags` ops that apply `change` to the flags of each annotation, leaving out no-ops.
fn flag_ops<'a>(
    annotations: impl Iterator<Item = &'a Annotation>,
    change: impl Fn(&mut Flags),
) -> Vec<Op> {
    annotations
        .map(|a| {
            let before = Flags::of(a);
            let mut after = before;
            change(&mut after);
            Op::SetFlags {
                id: a.id.clone(),
                before,
                after,
            }
        })
        .filter(|op| !op.is_noop())
        .collect()
}
