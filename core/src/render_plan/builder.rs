//! A plan made a slice at a time: [`PlanBuilder`] takes the annotations of a region in any
//! number of chunks (each against the document as it is then) and finishes into the same
//! [`RenderPlan`] as [`super::plan`] makes at once, so a renderer can spread the work of
//! 100,000 shapes over several frames and keep answering input meanwhile.

use super::{
    density, emit, parse_hex_color, solid, Batch, RenderPlan, DOT_PX, SIMPLIFY_PX, SOLID_PX,
};
use crate::document::Document;
use crate::model::{AnnotationId, Origin, Shape};
use rustc_hash::FxHashMap;

/// A plan under construction.
pub struct PlanBuilder {
    exclude: Vec<AnnotationId>,
    dot: f64,
    tol: f64,
    solid_size: f64,
    /// Each label's position in the label set (batches of one `z` are drawn in that order).
    label_rank: FxHashMap<String, usize>,
    colors: FxHashMap<usize, [u8; 3]>,
    slots: FxHashMap<(i64, usize), usize>,
    batches: Vec<Batch>,
    density: density::DensityGrid,
    solids: solid::SolidGrid,
    out: RenderPlan,
}

impl PlanBuilder {
    /// A plan at `scale` screen pixels per image pixel, leaving out `exclude` (what the
    /// painter draws on top).
    pub fn new(doc: &Document, exclude: &[AnnotationId], scale: f64) -> Self {
        let scale = if scale > 0.0 && scale.is_finite() {
            scale
        } else {
            1.0
        };
        let label_rank = doc
            .task()
            .labels
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.name.clone(), i))
            .collect();
        PlanBuilder {
            exclude: exclude.to_vec(),
            dot: DOT_PX / scale,
            tol: SIMPLIFY_PX / scale,
            solid_size: SOLID_PX / scale,
            label_rank,
            colors: FxHashMap::default(),
            slots: FxHashMap::default(),
            batches: Vec::new(),
            density: density::DensityGrid::new(DOT_PX / scale),
            solids: solid::SolidGrid::new(1.0 / scale),
            out: RenderPlan::default(),
        }
    }

    /// Adds annotations, in drawing order (the order chunks come in continues it); ids the
    /// document no longer has are passed over.
    pub fn add<'a>(&mut self, doc: &Document, ids: impl IntoIterator<Item = &'a AnnotationId>) {
        for id in ids {
            if self.exclude.contains(id) {
                continue;
            }
            let Some(a) = doc.annotation(id) else {
                continue;
            };
            self.out.shapes += 1;
            match &a.shape {
                Shape::Mask(_) => {
                    self.out.masks.push(a.id.clone());
                    continue;
                }
                Shape::Keypoints { .. } => {
                    self.out.singles.push(a.id.clone());
                    continue;
                }
                // Predictions under review are drawn one by one: dashed, with their score.
                _ if matches!(a.origin, Origin::Prediction { .. }) => {
                    self.out.singles.push(a.id.clone());
                    continue;
                }
                _ => {}
            }
            let rank = self
                .label_rank
                .get(a.label.as_str())
                .copied()
                .unwrap_or(usize::MAX);
            let Some(b) = crate::geometry::bounds(&a.shape) else {
                continue;
            };
            let (w, h) = (b.x1 - b.x0, b.y1 - b.y0);
            let small = |size: f64| w < size && h < size;
            let closed = !matches!(a.shape, Shape::Polyline { .. });
            if small(self.dot) || (closed && small(self.solid_size)) {
                let color = *self.colors.entry(rank).or_insert_with(|| {
                    let label = doc.task().labels.get(&a.label);
                    parse_hex_color(label.map_or("#ffffff", |l| l.color.as_str()))
                });
                if small(self.dot) {
                    self.density
                        .add((b.x0 + b.x1) / 2.0, (b.y0 + b.y1) / 2.0, color);
                    self.out.dots += 1;
                } else {
                    self.solids.add((b.x0, b.y0, b.x1, b.y1), color);
                    self.out.solids += 1;
                }
                continue;
            }
            let batches = &mut self.batches;
            let slot = *self.slots.entry((a.z, rank)).or_insert_with(|| {
                let color = doc
                    .task()
                    .labels
                    .get(&a.label)
                    .map(|l| l.color.clone())
                    .unwrap_or_else(|| "#ffffff".to_string());
                batches.push(Batch {
                    z: a.z,
                    color,
                    ..Batch::default()
                });
                batches.len() - 1
            });
            emit(&a.shape, &mut self.batches[slot], self.tol);
        }
    }

    /// The plan: rasters painted, batches in stacking order (`z`, then label order).
    pub fn finish(self) -> RenderPlan {
        let mut finishing = self.finishing();
        while finishing.step(usize::MAX) {}
        finishing.plan()
    }

    /// Finishes the plan in steps: the batches in drawing order and the density raster at
    /// once, the small shapes' raster painted a number of shapes per [`FinishingPlan::step`]
    /// (the part that grows with a crowd of small shapes).
    pub fn finishing(self) -> FinishingPlan {
        let mut out = self.out;
        out.density = self.density.finish();
        let mut order: Vec<((i64, usize), usize)> = self.slots.into_iter().collect();
        order.sort();
        let mut taken: Vec<Option<Batch>> = self.batches.into_iter().map(Some).collect();
        out.batches = order
            .into_iter()
            .filter_map(|(_, i)| taken[i].take())
            .filter(|b| !b.is_empty())
            .collect();
        FinishingPlan {
            out,
            solids: self.solids.painter(),
        }
    }
}

/// A plan whose small shapes' raster is still being painted.
pub struct FinishingPlan {
    out: RenderPlan,
    solids: Option<solid::SolidPainter>,
}

impl FinishingPlan {
    /// Paints up to `shapes` more small shapes; `true` while some are left.
    pub fn step(&mut self, shapes: usize) -> bool {
        self.solids.as_mut().is_some_and(|p| p.paint(shapes))
    }

    /// The plan (with what has been painted of its small shapes).
    pub fn plan(self) -> RenderPlan {
        let mut out = self.out;
        out.solid = self.solids.map(solid::SolidPainter::into_density);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Annotation, BoxShape, Label, Point, PolygonShape, Task};
    use proptest::prelude::*;

    /// Boxes and polygons of three classes and sizes from a dot to a hundred pixels, some
    /// stacked higher (`z`), spread over 400 × 400 pixels.
    fn doc_of(shapes: &[(f64, f64, f64, u8, i64)]) -> Document {
        let mut task = Task::default();
        for (name, color) in [("a", "#ff0000"), ("b", "#00ff00"), ("c", "#0000ff")] {
            task.labels.labels.push(Label::new(name, color));
        }
        for (i, &(x, y, size, class, z)) in shapes.iter().enumerate() {
            let label = ["a", "b", "c"][usize::from(class % 3)];
            let shape = if i % 4 == 0 {
                Shape::Polygon(PolygonShape::simple(vec![
                    Point::new(x, y),
                    Point::new(x + size, y),
                    Point::new(x + size / 2.0, y + size),
                ]))
            } else {
                Shape::Box(BoxShape {
                    x0: x,
                    y0: y,
                    x1: x + size,
                    y1: y + size,
                })
            };
            let mut a = Annotation::new(format!("s{i}"), label, shape);
            a.z = z;
            task.annotations.push(a);
        }
        Document::new(task)
    }

    proptest! {
        #[test]
        fn a_plan_made_and_finished_in_slices_equals_the_plan_made_at_once(
            shapes in proptest::collection::vec(
                (0.0f64..400.0, 0.0f64..400.0, 0.2f64..100.0, 0u8..3, 0i64..2),
                0..120,
            ),
            chunk in 1usize..40,
            scale in 0.1f64..4.0,
        ) {
            let doc = doc_of(&shapes);
            let region = (0.0, 0.0, 300.0, 300.0);
            let exclude = [AnnotationId("s3".into())];
            let whole = super::super::plan(&super::super::PlanInput {
                doc: &doc,
                exclude: &exclude,
                region,
                scale,
            });
            let ids = doc.index().visible_refs_in(region.0, region.1, region.2, region.3);
            let mut builder = PlanBuilder::new(&doc, &exclude, scale);
            for slice in ids.chunks(chunk) {
                builder.add(&doc, slice.iter().copied());
            }
            // Its small shapes painted `chunk` at a time too.
            let mut finishing = builder.finishing();
            while finishing.step(chunk) {}
            prop_assert_eq!(finishing.plan(), whole);
        }
    }
}
