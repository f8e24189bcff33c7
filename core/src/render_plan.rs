//! What the renderer draws for a viewport, decided without a canvas.
//!
//! The browser's painter only issues canvas calls; this module decides which annotations are
//! drawn, how they are grouped and how much detail each gets:
//! - [`Scene`] follows a [`Document`] (whose spatial index, positions and per-annotation
//!   revisions the ops keep up to date) and turns its change log into the regions a frame must
//!   redraw.
//! - [`plan`] asks the index for the annotations in a region and groups their outlines into
//!   one [`Batch`] per label colour and stacking level (`z`), so a frame issues one fill and one
//!   stroke per colour instead of one per shape. Shapes smaller than [`DOT_PX`] on screen go
//!   into a [`Density`] raster (each cell the mix of its shapes' classes, whatever order they
//!   stack in); closed shapes smaller than [`SOLID_PX`] are painted without an outline into a
//!   raster of screen pixels in their stacking order ([`solid`]), so the class on top shows on
//!   top; outlines drop vertices closer than [`SIMPLIFY_PX`] on screen to the last kept one.
//! - [`PlanKey`] says when a plan can be reused: the plan covers a region larger than the view
//!   ([`plan_region`]) at a zoom bucket ([`scale_bucket`]), so panning and zooming within it
//!   only redraw the same paths under a new transform.
//! - [`mask_bitmap`] turns a mask's runs into RGBA pixels (optionally reduced by a power of two
//!   for low zoom), which the painter caches as a bitmap per mask and zoom level.
//!
//! Batches fill with the non-zero rule: exterior rings are emitted with positive area (the
//! direction of `rect`) and holes with negative area, so holes stay open and overlapping shapes
//! of one colour are filled once. Within one colour and `z` the stacking order of outlined
//! shapes is not kept (they share one fill; across `z` it is); small shapes, where a crowd of
//! one class would otherwise hide the others, keep it exactly in the solid raster.

use crate::document::Document;

pub mod builder;
pub mod density;
pub mod frame;
pub mod outline;
pub mod solid;
use crate::model::{AnnotationId, MaskRle, Point, Shape};
pub use builder::{FinishingPlan, PlanBuilder};
pub use density::Density;

/// Shapes whose bounds are smaller than this many screen pixels in both directions are shown
/// by the density raster, in cells of this size.
pub const DOT_PX: f64 = 2.0;

/// Closed shapes smaller than this many screen pixels (but not dots) are filled solid without
/// an outline: at that size the outline would cover them anyway, and strokes cost the most.
pub const SOLID_PX: f64 = 6.0;

/// Outline vertices closer than this many screen pixels to the previous kept vertex are skipped.
pub const SIMPLIFY_PX: f64 = 0.75;

/// Path command: a rectangle `x, y, w, h`.
pub const CMD_RECT: f64 = 0.0;
/// Path command: a closed ring `n, x0, y0, … x(n-1), y(n-1)`.
pub const CMD_RING: f64 = 1.0;
/// Path command: an open line `n, x0, y0, …`.
pub const CMD_LINE: f64 = 2.0;

/// What the renderer has seen of a document: which document and revision it last caught up
/// with, and what changed since its last frame. The document itself answers every question
/// about the annotations (index, positions, revisions); the scene only turns its change log
/// into regions to redraw.
#[derive(Default)]
pub struct Scene {
    /// `(identity, revision)` of the document last caught up with.
    seen: Option<(u64, u64)>,
    version: u64,
    dirty: Option<Dirty>,
}

/// What changed in a scene since [`Scene::take_dirty`] was last called.
#[derive(Clone, Debug, PartialEq)]
pub enum Dirty {
    /// Only annotations within this rectangle `(x0, y0, x1, y1)` of image pixels changed (the
    /// union of their bounds before and after); the scene was at version `since` before.
    Region {
        /// [`Scene::version`] before the first change.
        since: u64,
        /// The union of the touched annotations' old and new bounds.
        rect: (f64, f64, f64, f64),
        /// Per touched annotation, its bounds as a visible shape before and after (`None`:
        /// absent or hidden), so a plan's count can follow without querying the index again.
        changes: Vec<Change>,
    },
    /// Everything may have changed (the scene was rebuilt).
    All,
}

/// A touched annotation's visible bounds before and after the change.
pub type Change = (Option<(f64, f64, f64, f64)>, Option<(f64, f64, f64, f64)>);

/// How the number of visible shapes whose bounds meet `region` changes with `changes` (the
/// same closed-rectangle test as the index's region queries).
pub fn count_delta(changes: &[Change], region: (f64, f64, f64, f64)) -> isize {
    let meets = |b: &Option<(f64, f64, f64, f64)>| {
        b.is_some_and(|b| b.0 <= region.2 && b.2 >= region.0 && b.1 <= region.3 && b.3 >= region.1)
    };
    changes
        .iter()
        .map(|(before, after)| isize::from(meets(after)) - isize::from(meets(before)))
        .sum()
}

/// The smallest rectangle holding both (either may be absent).
pub fn union_rect(
    a: Option<(f64, f64, f64, f64)>,
    b: Option<(f64, f64, f64, f64)>,
) -> Option<(f64, f64, f64, f64)> {
    match (a, b) {
        (Some(a), Some(b)) => Some((a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3))),
        (a, b) => a.or(b),
    }
}

/// The pixels of a layer bitmap to redraw for a dirty rectangle of image pixels: the rectangle
/// grown by `pad` image pixels on every side (outlines reach past the bounds), mapped through
/// `layer = (image - origin) × k`, rounded outwards to whole pixels and clipped to the layer's
/// `size`. Returns `(x, y, w, h)` in layer pixels, or `None` when nothing of it is on the layer.
pub fn dirty_layer_rect(
    rect: (f64, f64, f64, f64),
    pad: f64,
    origin: (f64, f64),
    k: f64,
    size: (f64, f64),
) -> Option<(f64, f64, f64, f64)> {
    let inputs = [rect.0, rect.1, rect.2, rect.3, pad, origin.0, origin.1, k];
    if !inputs.iter().all(|v| v.is_finite()) {
        return None;
    }
    let to = |v: f64, o: f64| (v - o) * k;
    let x0 = to(rect.0 - pad, origin.0).floor().max(0.0);
    let y0 = to(rect.1 - pad, origin.1).floor().max(0.0);
    let x1 = to(rect.2 + pad, origin.0).ceil().min(size.0);
    let y1 = to(rect.3 + pad, origin.1).ceil().min(size.1);
    (x1 > x0 && y1 > y0).then_some((x0, y0, x1 - x0, y1 - y0))
}

impl Scene {
    /// A scene that has caught up with `doc` (everything is dirty).
    pub fn new(doc: &Document) -> Self {
        let mut scene = Self::default();
        scene.update(doc);
        scene
    }

    /// Catches up with the document: what its change log says was touched since the last
    /// call becomes a dirty region; another document, or a log that no longer reaches back,
    /// makes everything dirty. Returns whether anything changed.
    pub fn update(&mut self, doc: &Document) -> bool {
        let now = (doc.identity(), doc.revision());
        if self.seen == Some(now) {
            return false;
        }
        let since = self.version;
        self.version += 1;
        let changes = match self.seen {
            Some((identity, revision)) if identity == now.0 => doc.changes_since(revision),
            _ => None,
        };
        match changes {
            Some(changes) => {
                let mut rect = None;
                let mut list = Vec::new();
                for c in changes {
                    rect = union_rect(union_rect(rect, c.before), c.after);
                    list.push((c.visible_before, c.visible_after));
                }
                // A change with nothing to draw (e.g. tags) still counts, with an empty region.
                self.mark(since, rect.or(Some((0.0, 0.0, 0.0, 0.0))), list);
            }
            None => self.dirty = Some(Dirty::All),
        }
        self.seen = Some(now);
        true
    }

    /// What changed since the last call (and forgets it): `None` when nothing did.
    pub fn take_dirty(&mut self) -> Option<Dirty> {
        self.dirty.take()
    }

    fn mark(&mut self, since: u64, rect: Option<(f64, f64, f64, f64)>, changes: Vec<Change>) {
        self.dirty = match self.dirty.take() {
            Some(Dirty::All) => Some(Dirty::All),
            Some(Dirty::Region {
                since,
                rect: old,
                changes: mut all,
            }) => {
                all.extend(changes);
                Some(Dirty::Region {
                    since,
                    rect: union_rect(Some(old), rect).unwrap_or(old),
                    changes: all,
                })
            }
            None => rect.map(|rect| Dirty::Region {
                since,
                rect,
                changes,
            }),
        };
    }

    /// Grows whenever anything drawn may have changed.
    pub fn version(&self) -> u64 {
        self.version
    }
}

/// Outlines of one colour at one stacking level, as flat path commands in image pixels.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Batch {
    /// Stacking level.
    pub z: i64,
    /// The label's colour (CSS).
    pub color: String,
    /// Closed outlines (boxes, rotated boxes, polygons): filled translucent, then stroked.
    pub areas: Vec<f64>,
    /// Open lines (polylines): stroked only.
    pub lines: Vec<f64>,
}

impl Batch {
    /// Whether the batch draws nothing.
    pub fn is_empty(&self) -> bool {
        self.areas.is_empty() && self.lines.is_empty()
    }
}

/// What to draw for a region, bottom first: masks, then batches, then shapes drawn one by one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RenderPlan {
    /// Masks to draw from their cached bitmaps, in stacking order.
    pub masks: Vec<AnnotationId>,
    /// Shapes too small to see, as a density raster (drawn under the batches).
    pub density: Option<Density>,
    /// Small closed shapes painted in stacking order, one cell per screen pixel (drawn over
    /// the density raster, under the batches).
    pub solid: Option<Density>,
    /// Batched outlines, in stacking order (`z`, then label order).
    pub batches: Vec<Batch>,
    /// Annotations drawn one by one (keypoints with their skeletons, and predictions under
    /// review), in stacking order.
    pub singles: Vec<AnnotationId>,
    /// How many shapes were too small to see (shown by the density raster).
    pub dots: usize,
    /// How many shapes were painted into the solid raster (no outline).
    pub solids: usize,
    /// How many annotations the plan covers (drawn in any form).
    pub shapes: usize,
}

/// Everything [`plan`] reads.
pub struct PlanInput<'a> {
    /// The document: its task and spatial index.
    pub doc: &'a Document,
    /// Annotations left out of the plan (the painter draws them on top: selected ones and
    /// those being edited).
    pub exclude: &'a [AnnotationId],
    /// The region in image pixels `(x0, y0, x1, y1)`.
    pub region: (f64, f64, f64, f64),
    /// Screen pixels per image pixel that level-of-detail decisions assume.
    pub scale: f64,
}

/// Plans a region: which annotations, grouped how, in how much detail (all at once; a
/// [`PlanBuilder`] makes the same plan a slice at a time).
pub fn plan(input: &PlanInput) -> RenderPlan {
    let (x0, y0, x1, y1) = input.region;
    let ids = input.doc.index().visible_refs_in(x0, y0, x1, y1);
    let mut builder = PlanBuilder::new(input.doc, input.exclude, input.scale);
    builder.add(input.doc, ids);
    builder.finish()
}

/// Adds a shape's outline to a batch, its vertices simplified by `tol` image pixels.
pub(crate) fn emit(shape: &Shape, batch: &mut Batch, tol: f64) {
    let out = &mut batch.areas;
    match shape {
        Shape::Box(b) => out.extend_from_slice(&[CMD_RECT, b.x0, b.y0, b.width(), b.height()]),
        Shape::RotatedBox(r) => ring(out, &r.corners(), tol, Some(true)),
        Shape::Polygon(p) => {
            for part in &p.parts {
                ring(out, &part.exterior, tol, Some(true));
                for hole in &part.holes {
                    ring(out, hole, tol, Some(false));
                }
            }
        }
        Shape::Polyline { points } => ring(&mut batch.lines, points, tol, None),
        Shape::Keypoints { .. } | Shape::Mask(_) => {}
    }
}

/// The path commands of one shape at full detail, exactly as [`plan`] emits them into its
/// batches (closed outlines with exteriors positive and holes negative, to fill with the
/// non-zero rule; open lines apart): the painter draws selected shapes and shapes being edited
/// from these, so a shape looks the same on top as in the layer. Keypoints and masks have
/// none (they are drawn as points and bitmaps).
pub fn shape_commands(shape: &Shape) -> Batch {
    let mut batch = Batch::default();
    emit(shape, &mut batch, 0.0);
    batch
}

/// Twice the signed area (positive for the direction of a canvas `rect`, y down).
fn signed_area2(points: &[Point]) -> f64 {
    let n = points.len();
    (0..n)
        .map(|i| {
            let (a, b) = (points[i], points[(i + 1) % n]);
            a.x * b.y - b.x * a.y
        })
        .sum()
}

/// Appends a ring (`positive`: `Some(true)` exterior, `Some(false)` hole) or, with `None`, an
/// open line, dropping vertices within `tol` of the last kept one (the last vertex of a line is
/// always kept).
fn ring(out: &mut Vec<f64>, points: &[Point], tol: f64, positive: Option<bool>) {
    let mut kept: Vec<Point> = Vec::with_capacity(points.len());
    for (i, &p) in points.iter().enumerate() {
        let last = i + 1 == points.len();
        match kept.last() {
            Some(q) if (p.x - q.x).hypot(p.y - q.y) < tol && !(last && positive.is_none()) => {}
            _ => kept.push(p),
        }
    }
    let closed = positive.is_some();
    if kept.len() < if closed { 3 } else { 2 } {
        // Too small to have a shape at this zoom but not a dot: keep the raw outline.
        kept = points.to_vec();
        if kept.len() < 2 {
            return;
        }
    }
    if let Some(want_positive) = positive {
        if (signed_area2(&kept) > 0.0) != want_positive {
            kept.reverse();
        }
    }
    out.push(if closed { CMD_RING } else { CMD_LINE });
    out.push(kept.len() as f64);
    for p in kept {
        out.push(p.x);
        out.push(p.y);
    }
}

/// Flat path commands as SVG path data, at most `chunk` subpaths per string: the browser
/// parses one string into a `Path2D` far faster than it takes one script call per vertex.
/// Coordinates keep three decimals (a thousandth of an image pixel).
pub fn svg_paths(cmds: &[f64], chunk: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < cmds.len() {
        let (s, next) = svg_path_chunk(cmds, at, chunk);
        out.push(s);
        at = next;
    }
    out
}

/// The next string of [`svg_paths`]: at most `chunk` subpaths of the commands from index
/// `from` (a command's start), and the index after them — so that a large plan's paths can be
/// made a few strings at a time.
pub fn svg_path_chunk(cmds: &[f64], from: usize, chunk: usize) -> (String, usize) {
    let mut s = String::new();
    let mut count = 0;
    let mut i = from;
    while i < cmds.len() && count < chunk.max(1) {
        let arg = |k: usize| cmds.get(i + k).copied().unwrap_or(0.0);
        if arg(0) == CMD_RECT {
            let (x, y, w, h) = (arg(1), arg(2), arg(3), arg(4));
            s.push('M');
            number(&mut s, x);
            s.push(' ');
            number(&mut s, y);
            s.push('h');
            number(&mut s, w);
            s.push('v');
            number(&mut s, h);
            s.push('h');
            number(&mut s, -w);
            s.push('Z');
            i += 5;
        } else {
            let closed = arg(0) == CMD_RING;
            let n = arg(1).max(0.0) as usize;
            for v in 0..n {
                s.push(if v == 0 { 'M' } else { 'L' });
                number(&mut s, arg(2 + 2 * v));
                s.push(' ');
                number(&mut s, arg(3 + 2 * v));
            }
            if closed {
                s.push('Z');
            }
            i += 2 + 2 * n;
        }
        count += 1;
    }
    (s, i.max(from + 1))
}

/// Rectangles `x, y, w, h` as SVG path data, at most `chunk` per string (see [`svg_paths`]).
pub fn svg_rects(xywh: &[f64], chunk: usize) -> Vec<String> {
    let cmds: Vec<f64> = xywh
        .chunks_exact(4)
        .flat_map(|r| [CMD_RECT, r[0], r[1], r[2], r[3]])
        .collect();
    svg_paths(&cmds, chunk)
}

/// Appends a number with at most three decimals and no trailing zeros.
fn number(s: &mut String, v: f64) {
    use std::fmt::Write;
    let m = (v * 1000.0).round();
    if !m.is_finite() || m.abs() >= 9.0e15 {
        s.push('0');
        return;
    }
    let m = m as i64;
    if m < 0 {
        s.push('-');
    }
    let m = m.unsigned_abs();
    let _ = write!(s, "{}", m / 1000);
    let mut frac = m % 1000;
    if frac != 0 {
        let mut digits = 3;
        while frac.is_multiple_of(10) {
            frac /= 10;
            digits -= 1;
        }
        let _ = write!(s, ".{frac:0digits$}");
    }
}

/// The zoom bucket of a scale: buckets are √2 apart, so a plan made for one bucket is never
/// more than √2 too detailed or too coarse.
pub fn scale_bucket(scale: f64) -> i32 {
    if scale > 0.0 && scale.is_finite() {
        (scale.log2() * 2.0).floor() as i32
    } else {
        0
    }
}

/// The lowest scale of a bucket (what level-of-detail choices assume, so they never draw less
/// than [`DOT_PX`]/[`SIMPLIFY_PX`] promise at any scale in the bucket).
pub fn bucket_scale(bucket: i32) -> f64 {
    2f64.powf(f64::from(bucket) / 2.0)
}

/// The region to plan for a visible rectangle: the visible one grown by half its size on every
/// side and snapped outwards to a grid of that size, so small pans stay inside it.
pub fn plan_region(visible: (f64, f64, f64, f64)) -> (f64, f64, f64, f64) {
    let (x0, y0, x1, y1) = visible;
    let (w, h) = ((x1 - x0).abs().max(1.0), (y1 - y0).abs().max(1.0));
    // Grid step: a power of two near half the visible size, so regions repeat while panning.
    let step = |d: f64| 2f64.powf((d / 2.0).log2().floor());
    let (sx, sy) = (step(w), step(h));
    (
        ((x0.min(x1) - w / 2.0) / sx).floor() * sx,
        ((y0.min(y1) - h / 2.0) / sy).floor() * sy,
        ((x0.max(x1) + w / 2.0) / sx).ceil() * sx,
        ((y0.max(y1) + h / 2.0) / sy).ceil() * sy,
    )
}

/// What a plan was made for; a new plan is needed when [`PlanKey::reusable_for`] says no.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanKey {
    /// [`Scene::version`] at planning time.
    pub version: u64,
    /// The excluded annotations.
    pub exclude: Vec<AnnotationId>,
    /// The planned region.
    pub region: (f64, f64, f64, f64),
    /// The zoom bucket.
    pub bucket: i32,
}

impl PlanKey {
    /// The key of a plan for this view: region from [`plan_region`], bucket from
    /// [`scale_bucket`].
    pub fn for_view(
        version: u64,
        exclude: &[AnnotationId],
        visible: (f64, f64, f64, f64),
        scale: f64,
    ) -> Self {
        Self {
            version,
            exclude: exclude.to_vec(),
            region: plan_region(visible),
            bucket: scale_bucket(scale),
        }
    }

    /// Whether a bitmap of a plan made for `self` can stand in, stretched, for the view while a
    /// zoom gesture goes on: same data and exclusions and the visible rectangle inside the
    /// planned region, at any zoom bucket (the sharp plan follows once the gesture pauses).
    pub fn stretchable_for(
        &self,
        version: u64,
        exclude: &[AnnotationId],
        visible: (f64, f64, f64, f64),
    ) -> bool {
        let (x0, y0, x1, y1) = self.region;
        self.version == version
            && self.exclude == exclude
            && visible.0 >= x0
            && visible.1 >= y0
            && visible.2 <= x1
            && visible.3 <= y1
    }

    /// Whether a plan made for `self` can draw the view `wanted` describes: same data, same
    /// exclusions, same zoom bucket, and the visible rectangle inside the planned region.
    pub fn reusable_for(
        &self,
        version: u64,
        exclude: &[AnnotationId],
        visible: (f64, f64, f64, f64),
        scale: f64,
    ) -> bool {
        self.bucket == scale_bucket(scale) && self.stretchable_for(version, exclude, visible)
    }
}

/// A mask as RGBA pixels over its bounding box, `step` image pixels per bitmap pixel.
#[derive(Clone, Debug, PartialEq)]
pub struct MaskBitmap {
    /// Left edge in image pixels.
    pub x: u32,
    /// Top edge in image pixels.
    pub y: u32,
    /// Width in bitmap pixels.
    pub width: u32,
    /// Height in bitmap pixels.
    pub height: u32,
    /// Image pixels per bitmap pixel (a power of two).
    pub step: u32,
    /// RGBA, row-major, `width * height * 4` bytes.
    pub rgba: Vec<u8>,
}

/// The bitmap step for a zoom: the largest power of two not above `1 / scale` (1 when zoomed
/// in), so a bitmap pixel is never smaller than a screen pixel by more than half.
pub fn mask_step(scale: f64) -> u32 {
    let mut step = 1u32;
    while scale > 0.0 && f64::from(step * 2) * scale <= 1.0 && step < 1 << 12 {
        step *= 2;
    }
    step
}

/// Parses `#rgb` or `#rrggbb` (other CSS colours give white).
pub fn parse_hex_color(color: &str) -> [u8; 3] {
    let hex = color.trim().trim_start_matches('#');
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return [255, 255, 255];
    }
    let digit = |i: usize| u8::from_str_radix(hex.get(i..i + 1).unwrap_or("f"), 16).unwrap_or(15);
    match hex.len() {
        3 => [digit(0) * 17, digit(1) * 17, digit(2) * 17],
        6 => [
            digit(0) * 16 + digit(1),
            digit(2) * 16 + digit(3),
            digit(4) * 16 + digit(5),
        ],
        _ => [255, 255, 255],
    }
}

/// Paints a mask's runs (COCO order: column-major, zeros first) into an opaque bitmap of
/// `color` over its bounding box; a bitmap pixel is set when any image pixel of its
/// `step × step` block is, so thin parts stay visible when zoomed out. `None` for an empty mask.
pub fn mask_bitmap(m: &MaskRle, color: [u8; 3], step: u32) -> Option<MaskBitmap> {
    let h = u64::from(m.height);
    let total = h * u64::from(m.width);
    let step = step.max(1);
    let mut runs = Vec::new();
    let (mut x0, mut y0, mut x1, mut y1) = (u64::MAX, u64::MAX, 0u64, 0u64);
    let mut start = 0u64;
    for (i, run) in m.counts.iter().enumerate() {
        let end = (start + u64::from(*run)).min(total);
        if i % 2 == 1 && end > start {
            let mut at = start;
            while at < end {
                let (x, y) = (at / h, at % h);
                let len = (h - y).min(end - at);
                runs.push((x, y, len));
                x0 = x0.min(x);
                x1 = x1.max(x + 1);
                y0 = y0.min(y);
                y1 = y1.max(y + len);
                at += len;
            }
        }
        start = end;
    }
    if runs.is_empty() {
        return None;
    }
    let s = u64::from(step);
    let (bx0, by0) = (x0 / s * s, y0 / s * s);
    let width = (x1 - bx0).div_ceil(s);
    let height = (y1 - by0).div_ceil(s);
    let mut rgba = vec![0u8; (width * height * 4) as usize];
    for (x, y, len) in runs {
        let col = (x - bx0) / s;
        for row in (y - by0) / s..=(y + len - 1 - by0) / s {
            let at = ((row * width + col) * 4) as usize;
            rgba[at..at + 4].copy_from_slice(&[color[0], color[1], color[2], 255]);
        }
    }
    Some(MaskBitmap {
        x: bx0 as u32,
        y: by0 as u32,
        width: width as u32,
        height: height as u32,
        step,
        rgba,
    })
}

#[cfg(test)]
mod tests;
