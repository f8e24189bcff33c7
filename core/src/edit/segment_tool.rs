//! Interactive segmentation with a model: clicks (Alt or Ctrl for a negative one) and a dragged
//! box are prompts; the browser sends them to a Segment-Anything backend whenever they change
//! and hands the answer back as the candidate, shown at once; `Enter` adds the candidate as a
//! mask (or, with [`MaskOptions::segment_polygons`](super::mask_tool::MaskOptions), as the
//! polygons tracing it) of the current label; `Esc` drops prompts and candidate.
//!
//! ```text
//! Idle -click-> Prompting{points+1, generation+1} -drag-> Prompting{box, generation+1}
//! Prompting -answer(generation)-> Prompting{candidate}   (answers to older prompts are ignored)
//! Prompting{candidate} -finish (Enter)-> Idle [Add]      any -cancel (Esc)-> Idle
//! ```

use super::{Context, PointerEvent, PointerKind, ToolOutput};
use crate::ml::prompts::Prompts;
use crate::model::{BoxShape, MaskRle, Point, PolygonShape, Shape};
use crate::raster::{mask_to_polygons, Rle, RunMask};

/// A drag shorter than this (screen pixels) is a click.
const CLICK_PX: f64 = 4.0;

/// State of the segmentation tool.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SegmentTool {
    /// The prompts so far (their label is the current label when they were given).
    pub prompts: Prompts,
    /// Where the button went down, while it is held.
    pressed: Option<Point>,
    /// Where the pointer is while a box is dragged.
    dragging_to: Option<Point>,
    /// The model's answer to the prompts of [`SegmentTool::answered`].
    pub candidate: Option<MaskRle>,
    /// Counts changes of the prompts: the request for them carries it, and an answer for an
    /// older count is stale.
    pub generation: u64,
    /// The generation the candidate answers.
    pub answered: u64,
}

impl SegmentTool {
    /// Handles a pointer event.
    pub fn pointer(&mut self, ctx: &Context<'_>, ev: PointerEvent) -> ToolOutput {
        match ev.kind {
            PointerKind::Down => {
                self.pressed = Some(ev.pos);
                self.dragging_to = None;
            }
            PointerKind::Move => {
                if let Some(start) = self.pressed {
                    let far = (ev.pos.x - start.x).hypot(ev.pos.y - start.y) * ev.scale > CLICK_PX;
                    if far || self.dragging_to.is_some() {
                        self.dragging_to = Some(ev.pos);
                    }
                }
            }
            PointerKind::Up => {
                let Some(start) = self.pressed.take() else {
                    return ToolOutput::default();
                };
                self.prompts.label = ctx.label.to_string();
                match self.dragging_to.take() {
                    Some(_) => {
                        self.prompts.bbox = Some(BoxShape {
                            x0: start.x.min(ev.pos.x),
                            y0: start.y.min(ev.pos.y),
                            x1: start.x.max(ev.pos.x),
                            y1: start.y.max(ev.pos.y),
                        })
                    }
                    None => {
                        let negative = ev.mods.alt || ev.mods.ctrl;
                        self.prompts.points.push((start, !negative));
                    }
                }
                self.generation += 1;
            }
        }
        ToolOutput::default()
    }

    /// The prompts to send and their generation, when the candidate does not answer them yet.
    pub fn request(&self) -> Option<(u64, &Prompts)> {
        (!self.prompts.is_empty() && self.answered != self.generation)
            .then_some((self.generation, &self.prompts))
    }

    /// Takes the backend's answer for `generation` (`None`: it found nothing); an answer to
    /// older prompts is ignored. Whether it was taken.
    pub fn answer(&mut self, generation: u64, mask: Option<MaskRle>) -> bool {
        if generation != self.generation || self.prompts.is_empty() {
            return false;
        }
        self.candidate = mask;
        self.answered = generation;
        true
    }

    /// `Enter`: the candidate as an annotation of the current label, as a mask or as the
    /// polygons tracing it.
    pub fn finish(&mut self, ctx: &Context<'_>, polygons: bool) -> ToolOutput {
        let Some(mask) = self.candidate.take() else {
            return ToolOutput::default();
        };
        *self = SegmentTool::default();
        let shape = if polygons {
            let Ok(rle) = Rle::from_model(&mask) else {
                return ToolOutput::default();
            };
            let parts = mask_to_polygons(&RunMask::from_rle(&rle));
            if parts.is_empty() {
                return ToolOutput::default();
            }
            Shape::Polygon(PolygonShape { parts })
        } else {
            Shape::Mask(mask)
        };
        ToolOutput::added(ctx, shape)
    }

    /// Whether there is anything `Esc` would drop.
    pub fn is_busy(&self) -> bool {
        !self.prompts.is_empty() || self.candidate.is_some() || self.pressed.is_some()
    }

    /// The box being dragged or given, for the overlay.
    pub fn shown_box(&self) -> Option<BoxShape> {
        match (self.pressed, self.dragging_to) {
            (Some(a), Some(b)) => Some(BoxShape {
                x0: a.x.min(b.x),
                y0: a.y.min(b.y),
                x1: a.x.max(b.x),
                y1: a.y.max(b.y),
            }),
            _ => self.prompts.bbox,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Editor, Modifiers, ToolName};
    use super::*;
    use crate::model::{ImageRef, Label, LabelSet, Task};

    fn editor() -> Editor {
        let task = Task {
            id: "t".into(),
            image: ImageRef {
                src: "x.png".into(),
                width: 10,
                height: 8,
                ..Default::default()
            },
            labels: LabelSet {
                labels: vec![Label::new("cat", "#f00")],
                ..LabelSet::default()
            },
            ..Task::default()
        };
        let mut ed = Editor::new(task, "a");
        ed.set_tool(ToolName::Segment);
        ed
    }

    fn at(ed: &mut Editor, kind: PointerKind, x: f64, y: f64, alt: bool) {
        ed.pointer(PointerEvent {
            kind,
            pos: Point::new(x, y),
            mods: Modifiers {
                alt,
                ..Modifiers::default()
            },
            scale: 1.0,
        });
    }

    fn click(ed: &mut Editor, x: f64, y: f64, alt: bool) {
        at(ed, PointerKind::Down, x, y, alt);
        at(ed, PointerKind::Up, x, y, alt);
    }

    /// A 2 × 2 block at (3, 2) of the 10 × 8 image, column-major runs.
    fn block() -> MaskRle {
        MaskRle {
            width: 10,
            height: 8,
            counts: vec![3 * 8 + 2, 2, 6, 2, 80 - 3 * 8 - 2 - 10],
        }
    }

    #[test]
    fn clicks_and_a_box_are_prompts_and_only_the_latest_answer_counts() {
        let mut ed = editor();
        assert_eq!(ed.segment_request(), None);
        click(&mut ed, 4.0, 3.0, false);
        click(&mut ed, 1.0, 1.0, true);
        at(&mut ed, PointerKind::Down, 2.0, 1.0, false);
        at(&mut ed, PointerKind::Move, 7.0, 6.0, false);
        assert!(
            ed.overlay(1.0).rubber_band.is_some(),
            "the box shows while dragged"
        );
        at(&mut ed, PointerKind::Up, 7.0, 6.0, false);
        let (generation, prompts) = ed.segment_request().unwrap();
        assert_eq!(generation, 3);
        assert_eq!(prompts.label, "cat");
        assert_eq!(
            prompts.points,
            vec![(Point::new(4.0, 3.0), true), (Point::new(1.0, 1.0), false)]
        );
        assert_eq!(
            prompts.bbox,
            Some(BoxShape {
                x0: 2.0,
                y0: 1.0,
                x1: 7.0,
                y1: 6.0
            })
        );
        // An answer to older prompts is ignored; the current one becomes the candidate.
        assert!(!ed.segment_answer(2, Some(block())).redraw);
        assert!(ed.segment_answer(3, Some(block())).redraw);
        assert_eq!(ed.segment_request(), None, "answered");
        assert_eq!(ed.overlay(1.0).preview, Some(Shape::Mask(block())));
        assert_eq!(ed.overlay(1.0).prompts.len(), 2);
        // Backspace takes the last click back: the prompts change, the model is asked again.
        ed.delete();
        assert_eq!(ed.segment_request().unwrap().1.points.len(), 1);
        assert!(ed.segment_answer(4, Some(block())).redraw);
        // Enter adds the candidate as a mask of the current label, one undo step.
        let out = ed.finish_shape();
        assert_eq!(out.committed.len(), 1);
        let added = &ed.task().annotations[0];
        assert_eq!(
            (added.label.as_str(), &added.shape),
            ("cat", &Shape::Mask(block()))
        );
        assert!(!ed.tool().is_busy());
        ed.undo().unwrap();
        assert!(ed.task().annotations.is_empty());
    }

    #[test]
    fn as_polygons_and_esc_drops_everything() {
        let mut ed = editor();
        let mut options = ed.mask_options().clone();
        options.segment_polygons = true;
        ed.set_mask_options(options);
        click(&mut ed, 4.0, 3.0, false);
        ed.segment_answer(1, Some(block()));
        ed.finish_shape();
        match &ed.task().annotations[0].shape {
            Shape::Polygon(p) => {
                assert_eq!(p.parts.len(), 1);
                assert_eq!(crate::geometry::area(&Shape::Polygon(p.clone())), 4.0);
            }
            other => panic!("{other:?}"),
        }
        click(&mut ed, 4.0, 3.0, false);
        ed.segment_answer(1, Some(block()));
        ed.cancel();
        assert_eq!(ed.segment_request(), None);
        assert_eq!(ed.overlay(1.0).preview, None);
        assert_eq!(ed.finish_shape().committed.len(), 0);
        // Nothing found: no candidate, Enter adds nothing.
        click(&mut ed, 4.0, 3.0, false);
        ed.segment_answer(1, None);
        assert_eq!(ed.finish_shape().committed.len(), 0);
    }
}
