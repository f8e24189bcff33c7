//! Planning a large document a slice per frame: from [`SLICE_FROM`] annotations on, a full
//! plan is made by a [`PlanBuilder`] fed for at most [`SLICE_BUDGET_MS`] per frame, finished,
//! and turned into `Path2D`s a few chunks per frame within the same budget, while the previous
//! layer is drawn stretched under the new view, so input is answered between the steps instead
//! of waiting for 100,000 shapes at once. Smaller documents, and a frame asked for at once
//! (`drawNow`), plan in one go.

use super::{now_ms, BuiltBatch, RenderState, CHUNK_SUBPATHS};
use lasso_core::document::Document;
use lasso_core::model::AnnotationId;
use lasso_core::render_plan::{self, FinishingPlan, PlanBuilder, PlanKey, RenderPlan};
use web_sys::Path2d;

/// Documents with at least this many annotations are planned a slice per frame.
pub const SLICE_FROM: usize = 20_000;

/// Milliseconds of planning a frame may spend on a sliced plan.
pub const SLICE_BUDGET_MS: f64 = 12.0;

/// Annotations added between two looks at the clock.
const CHUNK: usize = 2_000;

/// Small shapes painted into the plan's raster between two looks at the clock.
const SOLID_CHUNK: usize = 4_000;

/// A plan being made a slice per frame, and the view it is for.
pub struct PendingPlan {
    key: PlanKey,
    ids: Vec<AnnotationId>,
    next: usize,
    builder: Option<PlanBuilder>,
    /// The plan, its small shapes' raster being painted.
    finishing: Option<FinishingPlan>,
    /// The finished plan, being turned into paths.
    paths: Option<PathsUnderWay>,
}

/// A finished plan's batches being turned into paths: those built, and where the next chunk
/// starts (batch, its areas or lines, command index).
struct PathsUnderWay {
    plan: RenderPlan,
    built: Vec<BuiltBatch>,
    batch: usize,
    lines: bool,
    at: usize,
}

impl PathsUnderWay {
    fn new(plan: RenderPlan) -> Self {
        PathsUnderWay {
            plan,
            built: Vec::new(),
            batch: 0,
            lines: false,
            at: 0,
        }
    }

    /// Builds the next path; `false` once every batch is built.
    fn step(&mut self) -> bool {
        let Some(batch) = self.plan.batches.get(self.batch) else {
            return false;
        };
        if self.built.len() <= self.batch {
            self.built.push(BuiltBatch {
                color: batch.color.clone(),
                areas: Vec::new(),
                lines: Vec::new(),
            });
        }
        let cmds = if self.lines {
            &batch.lines
        } else {
            &batch.areas
        };
        if self.at < cmds.len() {
            let (d, next) = render_plan::svg_path_chunk(cmds, self.at, CHUNK_SUBPATHS);
            self.at = next;
            if let (Ok(path), Some(built)) =
                (Path2d::new_with_path_string(&d), self.built.last_mut())
            {
                if self.lines {
                    built.lines.push(path);
                } else {
                    built.areas.push(path);
                }
            }
        } else if !self.lines {
            self.lines = true;
            self.at = 0;
        } else {
            self.batch += 1;
            self.lines = false;
            self.at = 0;
        }
        true
    }
}

/// A plan ready to draw: its key, the plan, and its batches as paths when they were built
/// along the way (`None`: the caller builds them).
pub(super) type Planned = (PlanKey, RenderPlan, Option<Vec<BuiltBatch>>);

/// A plan for the view `visible` at zoom `scale` (of document `version`), or `None` while its
/// slices or paths are still being made (the caller keeps drawing the previous layer;
/// [`pending`] says another frame is wanted).
pub(super) fn plan_for(
    state: &mut RenderState,
    doc: &Document,
    exclude: &[AnnotationId],
    view: (u64, (f64, f64, f64, f64), f64),
    at_once: bool,
) -> Option<Planned> {
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
        return Some((key, plan, None));
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
            finishing: None,
            paths: None,
        });
    }
    let p = state.pending.as_mut()?;
    // The slices; then finishing the plan (its small shapes' raster painted a chunk at a
    // time); then its paths, a chunk at a time; the plan is handed over with the last of them.
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
    let over_budget = || now_ms() - started > SLICE_BUDGET_MS;
    if let Some(builder) = p.builder.take() {
        p.finishing = Some(builder.finishing());
        if over_budget() {
            return None;
        }
    }
    if let Some(finishing) = p.finishing.as_mut() {
        while finishing.step(SOLID_CHUNK) {
            if over_budget() {
                return None;
            }
        }
        p.paths = p.finishing.take().map(|f| PathsUnderWay::new(f.plan()));
    }
    let paths = p.paths.as_mut()?;
    while paths.step() {
        if over_budget() {
            return None;
        }
    }
    let done = state.pending.take()?;
    let paths = done.paths?;
    Some((done.key, paths.plan, Some(paths.built)))
}

/// Whether a sliced plan is under way (another frame should follow).
pub fn pending(state: &RenderState) -> bool {
    state.pending.is_some()
}
