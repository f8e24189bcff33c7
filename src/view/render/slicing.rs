//! Planning a large document a slice per frame: from [`SLICE_FROM`] annotations on, a full
//! plan is made by a [`PlanBuilder`] fed for at most [`SLICE_BUDGET_MS`] per frame, finished
//! in a frame of its own and handed over in the next, while the previous layer is drawn
//! stretched under the new view, so input is answered between the steps instead of waiting
//! for 100,000 shapes at once. Smaller documents, and a frame asked for at once (`drawNow`),
//! plan in one go.

use super::{now_ms, RenderState};
use lasso_core::document::Document;
use lasso_core::model::AnnotationId;
use lasso_core::render_plan::{self, PlanBuilder, PlanKey, RenderPlan};

/// Documents with at least this many annotations are planned a slice per frame.
pub const SLICE_FROM: usize = 20_000;

/// Milliseconds of planning a frame may spend on a sliced plan.
pub const SLICE_BUDGET_MS: f64 = 12.0;

/// Annotations added between two looks at the clock.
const CHUNK: usize = 2_000;

/// A plan being made a slice per frame, and the view it is for.
pub struct PendingPlan {
    key: PlanKey,
    ids: Vec<AnnotationId>,
    next: usize,
    builder: Option<PlanBuilder>,
    /// The plan, finished in the frame after the last slice; handed over in the next one.
    finished: Option<RenderPlan>,
}

/// A plan for the view `visible` at zoom `scale` (of document `version`), or `None` while its
/// slices are still being made (the caller keeps drawing the previous layer; [`pending`] says
/// another frame is wanted).
pub fn plan_for(
    state: &mut RenderState,
    doc: &Document,
    exclude: &[AnnotationId],
    view: (u64, (f64, f64, f64, f64), f64),
    at_once: bool,
) -> Option<(PlanKey, RenderPlan)> {
    let (version, visible, scale) = view;
    let key = PlanKey::for_view(version, exclude, visible, scale);
    let planned_at = render_plan::bucket_scale(key.bucket);
    if at_once || doc.index().len() < SLICE_FROM {
        state.pending = None;
        let plan = render_plan::plan(&render_plan::PlanInput {
            doc,
            exclude,
            region: key.region,
            scale: planned_at,
        });
        return Some((key, plan));
    }
    let started = now_ms();
    // A plan under way goes on if the view still fits it and nothing changed since it began.
    let going_on = state
        .pending
        .as_ref()
        .is_some_and(|p| p.key.reusable_for(version, exclude, visible, scale));
    if !going_on {
        let (x0, y0, x1, y1) = key.region;
        let ids = doc
            .index()
            .visible_refs_in(x0, y0, x1, y1)
            .into_iter()
            .cloned()
            .collect();
        state.pending = Some(PendingPlan {
            builder: Some(PlanBuilder::new(doc, exclude, planned_at)),
            key,
            ids,
            next: 0,
            finished: None,
        });
    }
    let p = state.pending.as_mut()?;
    // Each step in a frame of its own: the slices, finishing the plan (its rasters), and
    // handing it over (the caller turns it into paths).
    if p.finished.is_some() {
        let done = state.pending.take()?;
        return Some((done.key, done.finished?));
    }
    if p.next < p.ids.len() {
        let builder = p.builder.as_mut()?;
        while p.next < p.ids.len() {
            let end = (p.next + CHUNK).min(p.ids.len());
            builder.add(doc, &p.ids[p.next..end]);
            p.next = end;
            if now_ms() - started > SLICE_BUDGET_MS {
                break;
            }
        }
        return None;
    }
    p.finished = p.builder.take().map(PlanBuilder::finish);
    None
}

/// Whether a sliced plan is under way (another frame should follow).
pub fn pending(state: &RenderState) -> bool {
    state.pending.is_some()
}
