//! A spatial index over a task's annotations (an R-tree of their bounds, `rstar`), answering the
//! editor's and the renderer's questions in time proportional to what is near, not to the task:
//! the topmost shape under the pointer, the shapes in a rectangle, the nearest vertex or edge.
//!
//! Tolerances are given in screen pixels with the current zoom, so a handle is as easy to hit at
//! 10 % as at 800 %. Hidden annotations are never found; locked ones are found by hit tests
//! (they can be selected) but not by vertex and edge queries (they cannot be edited).

use super::convert::{to_geo, GeoShape};
use super::measure::geo_bounds;
use crate::model::{Annotation, AnnotationId, Point, Shape, Visibility};
use crate::raster::{Rle, RunMask};
use geo::{Contains, Distance, Euclidean, Intersects};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};
use rustc_hash::FxHashMap;

type Node = GeomWithData<Rectangle<[f64; 2]>, usize>;

#[derive(Clone)]
struct Entry {
    id: AnnotationId,
    geometry: GeoShape,
    mask: Option<RunMask>,
    rings: Vec<Ring>,
    /// Bounds, or `None` for a shape with nothing to find (it is then not in the tree).
    rect: Option<[f64; 4]>,
    z: i64,
    order: u64,
    hidden: bool,
    locked: bool,
}

/// The result of a hit test.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    /// The annotation under the point.
    pub id: AnnotationId,
    /// Whether it is locked (select only, no editing).
    pub locked: bool,
}

/// A vertex (or, from [`SpatialIndex::nearest_edge`], an edge) near the pointer.
#[derive(Clone, Debug, PartialEq)]
pub struct VertexHit {
    /// The annotation.
    pub id: AnnotationId,
    /// Polygon part (0 for other shapes).
    pub part: usize,
    /// Ring within the part: 0 the exterior, `1 + i` hole `i` (0 for other shapes).
    pub ring: usize,
    /// Vertex index; for an edge, the edge from this vertex to the next.
    pub vertex: usize,
    /// Distance in image pixels.
    pub distance: f64,
    /// The nearest point on the edge (the vertex itself for vertex hits).
    pub at: Point,
}

/// The index. A document (`lasso_core::document`) keeps one in step with its task (every op
/// goes through it); a standalone index is kept in step by calling [`SpatialIndex::upsert`] and
/// [`SpatialIndex::remove`] for the annotations each op touches.
#[derive(Clone, Default)]
pub struct SpatialIndex {
    tree: RTree<Node>,
    entries: Vec<Option<Entry>>,
    slots: FxHashMap<AnnotationId, usize>,
    free: Vec<usize>,
    next_order: u64,
}

/// How a ring's points are joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Join {
    /// A closed outline: the last point joins the first.
    Closed,
    /// An open line.
    Open,
    /// Separate points (keypoints): no edges at all.
    Points,
}

/// One ring, line or point set of a shape, with the model's index of each vertex (keypoints
/// that are not placed are left out but keep the numbering of the others).
#[derive(Clone)]
struct Ring {
    part: usize,
    ring: usize,
    join: Join,
    vertices: Vec<(usize, Point)>,
}

fn numbered(points: &[Point]) -> Vec<(usize, Point)> {
    points.iter().copied().enumerate().collect()
}

/// The rings of a shape, in the order and numbering the model uses. Box vertices are numbered
/// `(x0, y0)`, `(x1, y0)`, `(x1, y1)`, `(x0, y1)`; rotated box vertices follow
/// [`crate::model::RotatedBox::corners`].
fn rings_of(shape: &Shape) -> Vec<Ring> {
    let closed = |part, ring, points: &[Point]| Ring {
        part,
        ring,
        join: Join::Closed,
        vertices: numbered(points),
    };
    match shape {
        Shape::Box(b) => vec![closed(
            0,
            0,
            &[
                Point::new(b.x0, b.y0),
                Point::new(b.x1, b.y0),
                Point::new(b.x1, b.y1),
                Point::new(b.x0, b.y1),
            ],
        )],
        Shape::RotatedBox(r) => vec![closed(0, 0, &r.corners())],
        Shape::Polygon(p) => p
            .parts
            .iter()
            .enumerate()
            .flat_map(|(i, part)| {
                std::iter::once(closed(i, 0, &part.exterior)).chain(
                    part.holes
                        .iter()
                        .enumerate()
                        .map(move |(h, ring)| closed(i, h + 1, ring)),
                )
            })
            .collect(),
        Shape::Polyline { points } => vec![Ring {
            part: 0,
            ring: 0,
            join: Join::Open,
            vertices: numbered(points),
        }],
        Shape::Keypoints { points } => vec![Ring {
            part: 0,
            ring: 0,
            join: Join::Points,
            vertices: points
                .iter()
                .enumerate()
                .filter(|(_, k)| k.visibility != Visibility::NotLabeled)
                .map(|(i, k)| (i, Point::new(k.x, k.y)))
                .collect(),
        }],
        Shape::Mask(_) => Vec::new(),
    }
}

fn segment_nearest(p: Point, a: Point, b: Point) -> (f64, Point) {
    let (ux, uy) = (b.x - a.x, b.y - a.y);
    let len2 = ux * ux + uy * uy;
    let t = if len2 > 0.0 {
        (((p.x - a.x) * ux + (p.y - a.y) * uy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let q = Point::new(a.x + t * ux, a.y + t * uy);
    (((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt(), q)
}

impl SpatialIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// An index over `annotations`, later ones on top at equal `z`. If an id occurs twice the
    /// later annotation replaces the earlier one, as [`SpatialIndex::upsert`] would.
    pub fn from_annotations<'a>(annotations: impl IntoIterator<Item = &'a Annotation>) -> Self {
        let mut index = Self::new();
        let mut nodes = Vec::new();
        for a in annotations {
            if let Some(&slot) = index.slots.get(&a.id) {
                // Not yet in the tree: forgetting the entry is enough, its node is dropped below.
                index.slots.remove(&a.id);
                index.entries[slot] = None;
                index.free.push(slot);
                nodes.retain(|n: &Node| n.data != slot);
            }
            if let Some(node) = index.add_entry(a, None) {
                nodes.push(node);
            }
        }
        index.tree = RTree::bulk_load(nodes);
        index
    }

    /// Number of annotations tracked (shapes without finite bounds count but are never found).
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Whether an annotation with this id is indexed.
    pub fn contains(&self, id: &AnnotationId) -> bool {
        self.slots.contains_key(id)
    }

    /// The indexed bounds `(x0, y0, x1, y1)` of an annotation (hidden ones too), or `None`
    /// when it is not tracked or has no finite bounds; the renderer uses it to know which part
    /// of its bitmap an op leaves stale.
    pub fn bounds(&self, id: &AnnotationId) -> Option<(f64, f64, f64, f64)> {
        let slot = *self.slots.get(id)?;
        let [x0, y0, x1, y1] = self.entries.get(slot)?.as_ref()?.rect?;
        Some((x0, y0, x1, y1))
    }

    /// Records an annotation and returns its tree node, or `None` if its shape has no finite
    /// bounds (an empty shape is tracked, keeping its stacking order, but never found).
    fn add_entry(&mut self, a: &Annotation, order: Option<u64>) -> Option<Node> {
        let geometry = to_geo(&a.shape);
        let rect = geo_bounds(&geometry)
            .map(|b| [b.x0, b.y0, b.x1, b.y1])
            .filter(|r| r.iter().all(|v| v.is_finite()));
        let order = order.unwrap_or_else(|| {
            self.next_order += 1;
            self.next_order
        });
        let mask = match &a.shape {
            Shape::Mask(m) if rect.is_some() => {
                Rle::from_model(m).ok().map(|r| RunMask::from_rle(&r))
            }
            _ => None,
        };
        let entry = Entry {
            id: a.id.clone(),
            geometry,
            mask,
            rings: rings_of(&a.shape),
            rect,
            z: a.z,
            order,
            hidden: a.hidden,
            locked: a.locked,
        };
        let slot = match self.free.pop() {
            Some(slot) => {
                self.entries[slot] = Some(entry);
                slot
            }
            None => {
                self.entries.push(Some(entry));
                self.entries.len() - 1
            }
        };
        self.slots.insert(a.id.clone(), slot);
        let [x0, y0, x1, y1] = rect?;
        Some(GeomWithData::new(
            Rectangle::from_corners([x0, y0], [x1, y1]),
            slot,
        ))
    }

    /// Adds an annotation, or replaces the indexed version of it (keeping its stacking order
    /// among annotations of equal `z`). A shape without finite bounds (keypoints none of which
    /// is placed, NaN coordinates) is tracked but never found by a query.
    pub fn upsert(&mut self, a: &Annotation) {
        let order = self
            .slots
            .get(&a.id)
            .and_then(|&slot| self.entries[slot].as_ref())
            .map(|e| e.order);
        self.remove(&a.id);
        if let Some(node) = self.add_entry(a, order) {
            self.tree.insert(node);
        }
    }

    /// Adds or replaces an annotation with an explicit stacking `order` among annotations of
    /// equal `z` (higher is on top). The document gives its list order this way, so the index
    /// stacks shapes exactly as the task lists them.
    pub fn upsert_ordered(&mut self, a: &Annotation, order: u64) {
        self.remove(&a.id);
        self.next_order = self.next_order.max(order);
        if let Some(node) = self.add_entry(a, Some(order)) {
            self.tree.insert(node);
        }
    }

    /// An index over `(annotation, order)` pairs (see [`SpatialIndex::upsert_ordered`]), built
    /// in bulk. Ids must be unique.
    pub fn from_ordered<'a>(annotations: impl IntoIterator<Item = (&'a Annotation, u64)>) -> Self {
        let mut index = Self::new();
        let mut nodes = Vec::new();
        for (a, order) in annotations {
            index.next_order = index.next_order.max(order);
            if let Some(node) = index.add_entry(a, Some(order)) {
                nodes.push(node);
            }
        }
        index.tree = RTree::bulk_load(nodes);
        index
    }

    /// The stacking order of an indexed annotation among those of equal `z`.
    pub fn order(&self, id: &AnnotationId) -> Option<u64> {
        let slot = *self.slots.get(id)?;
        Some(self.entries.get(slot)?.as_ref()?.order)
    }

    /// Changes an indexed annotation's stacking order (the tree does not depend on it).
    pub fn set_order(&mut self, id: &AnnotationId, order: u64) {
        if let Some(e) = self
            .slots
            .get(id)
            .and_then(|&slot| self.entries.get_mut(slot))
            .and_then(Option::as_mut)
        {
            e.order = order;
            self.next_order = self.next_order.max(order);
        }
    }

    /// Removes an annotation (no-op if absent).
    pub fn remove(&mut self, id: &AnnotationId) {
        let Some(slot) = self.slots.remove(id) else {
            return;
        };
        if let Some([x0, y0, x1, y1]) = self.entries[slot].take().and_then(|e| e.rect) {
            self.tree.remove(&GeomWithData::new(
                Rectangle::from_corners([x0, y0], [x1, y1]),
                slot,
            ));
        }
        self.free.push(slot);
    }

    fn near(&self, p: Point, tol: f64) -> impl Iterator<Item = &Entry> {
        let envelope = AABB::from_corners([p.x - tol, p.y - tol], [p.x + tol, p.y + tol]);
        self.tree
            .locate_in_envelope_intersecting(&envelope)
            .filter_map(|node| self.entries[node.data].as_ref())
            .filter(|e| !e.hidden)
    }

    /// The topmost visible annotation whose shape is under `p` or within `tolerance_px` screen
    /// pixels of its outline, line or points, at zoom `scale` (screen pixels per image pixel).
    ///
    /// The test is exact for the shape, not its bounds: inside a polygon's exterior and outside
    /// its holes, or near an edge; near a polyline's segments; near a placed keypoint (the
    /// skeleton is not part of the shape); on a set pixel of a mask (masks ignore the
    /// tolerance). Topmost means highest `z`, then latest added. Locked annotations are found
    /// (they can be selected) and say so in [`Hit::locked`]; hidden ones are not.
    pub fn hit(&self, p: Point, tolerance_px: f64, scale: f64) -> Option<Hit> {
        let tol = image_tolerance(tolerance_px, scale);
        self.near(p, tol)
            .filter(|e| e.covers(p, tol))
            .max_by_key(|e| (e.z, e.order))
            .map(|e| Hit {
                id: e.id.clone(),
                locked: e.locked,
            })
    }

    /// Every visible annotation under `p` (as [`SpatialIndex::hit`] decides), topmost first:
    /// for cycling through stacked shapes with repeated clicks.
    pub fn hits(&self, p: Point, tolerance_px: f64, scale: f64) -> Vec<Hit> {
        let tol = image_tolerance(tolerance_px, scale);
        let mut found: Vec<&Entry> = self.near(p, tol).filter(|e| e.covers(p, tol)).collect();
        found.sort_by_key(|e| std::cmp::Reverse((e.z, e.order)));
        found
            .into_iter()
            .map(|e| Hit {
                id: e.id.clone(),
                locked: e.locked,
            })
            .collect()
    }

    /// Visible annotations whose bounds intersect the rectangle, in drawing order (bottom
    /// first): what the renderer draws for a viewport. Bounds are enough here: drawing a shape
    /// that falls just outside costs less than testing it exactly.
    pub fn visible_in(&self, x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<AnnotationId> {
        self.visible_refs_in(x0, y0, x1, y1)
            .into_iter()
            .cloned()
            .collect()
    }

    /// [`SpatialIndex::visible_in`] without copying the ids: what the renderer plans from
    /// (every visible shape, each plan).
    pub fn visible_refs_in(&self, x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<&AnnotationId> {
        let envelope = AABB::from_corners([x0.min(x1), y0.min(y1)], [x0.max(x1), y0.max(y1)]);
        let found = self
            .tree
            .locate_in_envelope_intersecting(&envelope)
            .filter_map(|node| self.entries[node.data].as_ref())
            .filter(|e| !e.hidden);
        ids_in_drawing_order(found)
    }

    /// The bounds of an annotation as [`SpatialIndex::bounds`], but `None` when it is hidden
    /// (what region queries of visible shapes would find it by).
    pub fn visible_bounds(&self, id: &AnnotationId) -> Option<(f64, f64, f64, f64)> {
        let slot = *self.slots.get(id)?;
        let e = self.entries.get(slot)?.as_ref()?;
        let [x0, y0, x1, y1] = e.rect.filter(|_| !e.hidden)?;
        Some((x0, y0, x1, y1))
    }

    /// Visible annotations whose shape itself (not only its bounds) touches the rectangle, in
    /// drawing order: rubber-band selection in "touch" mode. A rectangle inside a polygon or
    /// inside a hole's outline counts as touching only where the polygon's area is; masks are
    /// tested by their set pixels.
    pub fn touching(&self, x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<AnnotationId> {
        let (x0, y0, x1, y1) = (x0.min(x1), y0.min(y1), x0.max(x1), y0.max(y1));
        let rect = geo::Rect::new((x0, y0), (x1, y1));
        let envelope = AABB::from_corners([x0, y0], [x1, y1]);
        let found = self
            .tree
            .locate_in_envelope_intersecting(&envelope)
            .filter_map(|node| self.entries[node.data].as_ref())
            .filter(|e| !e.hidden)
            .filter(|e| match &e.mask {
                Some(mask) => mask_touches(mask, x0, y0, x1, y1),
                None => match &e.geometry {
                    GeoShape::Area(mp) => mp.intersects(&rect),
                    GeoShape::Line(l) => l.intersects(&rect),
                    GeoShape::Points(mp) => mp.intersects(&rect),
                },
            });
        in_drawing_order(found)
    }

    /// Visible annotations lying wholly inside the rectangle, in drawing order: rubber-band
    /// selection in "enclose" mode.
    pub fn contained_in(&self, x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<AnnotationId> {
        let envelope = AABB::from_corners([x0.min(x1), y0.min(y1)], [x0.max(x1), y0.max(y1)]);
        let found = self
            .tree
            .locate_in_envelope(&envelope)
            .filter_map(|node| self.entries[node.data].as_ref())
            .filter(|e| !e.hidden);
        in_drawing_order(found)
    }

    fn editable_near(&self, p: Point, tol: f64) -> impl Iterator<Item = &Entry> {
        self.near(p, tol).filter(|e| !e.locked)
    }

    /// The nearest vertex of a visible, unlocked annotation within `tolerance_px` screen pixels
    /// at zoom `scale`; at equal distance the topmost annotation wins. Vertices are numbered as
    /// in the model (a keypoint's index in its list, a box's corners from top-left clockwise).
    pub fn nearest_vertex(&self, p: Point, tolerance_px: f64, scale: f64) -> Option<VertexHit> {
        let tol = image_tolerance(tolerance_px, scale);
        let mut best: Option<((i64, u64), VertexHit)> = None;
        for e in self.editable_near(p, tol) {
            for ring in &e.rings {
                for &(i, v) in &ring.vertices {
                    let d = (p.x - v.x).hypot(p.y - v.y);
                    if d <= tol {
                        let candidate = VertexHit {
                            id: e.id.clone(),
                            part: ring.part,
                            ring: ring.ring,
                            vertex: i,
                            distance: d,
                            at: v,
                        };
                        keep_better(&mut best, (e.z, e.order), candidate);
                    }
                }
            }
        }
        best.map(|(_, hit)| hit)
    }

    /// The nearest edge of a visible, unlocked annotation within `tolerance_px` screen pixels
    /// at zoom `scale`, with the point on it (where a new vertex would go); at equal distance
    /// the topmost annotation wins. `vertex` is the edge's first vertex; a closed ring's last
    /// edge runs from its last vertex back to vertex 0. Keypoints have no edges.
    pub fn nearest_edge(&self, p: Point, tolerance_px: f64, scale: f64) -> Option<VertexHit> {
        let tol = image_tolerance(tolerance_px, scale);
        let mut best: Option<((i64, u64), VertexHit)> = None;
        for e in self.editable_near(p, tol) {
            for ring in e.rings.iter().filter(|r| r.join != Join::Points) {
                if let Some((d, i, at)) = ring_distance(p, ring) {
                    if d <= tol {
                        let candidate = VertexHit {
                            id: e.id.clone(),
                            part: ring.part,
                            ring: ring.ring,
                            vertex: i,
                            distance: d,
                            at,
                        };
                        keep_better(&mut best, (e.z, e.order), candidate);
                    }
                }
            }
        }
        best.map(|(_, hit)| hit)
    }
}

/// Whether `p` is on `shape` or within `tol` image pixels of its outline, line or points (a
/// mask: whether `p`'s pixel is set): the one definition of a hit, which the index applies to
/// the shapes near the pointer.
pub fn covers(shape: &Shape, p: Point, tol: f64) -> bool {
    let geometry = to_geo(shape);
    let mask = match shape {
        Shape::Mask(m) => Rle::from_model(m).ok().map(|r| RunMask::from_rle(&r)),
        _ => None,
    };
    if matches!(shape, Shape::Mask(_)) && mask.is_none() {
        return false;
    }
    Entry {
        id: AnnotationId(String::new()),
        geometry,
        mask,
        rings: rings_of(shape),
        rect: None,
        z: 0,
        order: 0,
        hidden: false,
        locked: false,
    }
    .covers(p, tol)
}

impl Entry {
    /// Whether `p` is on the shape or within `tol` image pixels of its outline or points.
    fn covers(&self, p: Point, tol: f64) -> bool {
        if let Some(mask) = &self.mask {
            // `as u32` saturates; the range check keeps far-away points from landing on an edge.
            return p.x >= 0.0
                && p.y >= 0.0
                && p.x < f64::from(u32::MAX)
                && p.y < f64::from(u32::MAX)
                && mask.contains(p.x.floor() as u32, p.y.floor() as u32);
        }
        let inside = match &self.geometry {
            GeoShape::Area(mp) => mp.contains(&geo::Point::new(p.x, p.y)),
            _ => false,
        };
        inside
            || self
                .rings
                .iter()
                .any(|ring| ring_distance(p, ring).is_some_and(|(d, _, _)| d <= tol))
    }
}

/// Image pixels covered by `tolerance_px` screen pixels at zoom `scale`.
fn image_tolerance(tolerance_px: f64, scale: f64) -> f64 {
    let scale = if scale.is_finite() && scale > 0.0 {
        scale
    } else {
        1.0
    };
    if tolerance_px.is_finite() {
        tolerance_px.max(0.0) / scale
    } else {
        0.0
    }
}

/// Replaces `best` with `candidate` if it is nearer, or as near and higher in the stack.
fn keep_better(best: &mut Option<((i64, u64), VertexHit)>, rank: (i64, u64), candidate: VertexHit) {
    let better = best.as_ref().is_none_or(|(r, b)| {
        candidate.distance < b.distance || (candidate.distance == b.distance && rank > *r)
    });
    if better {
        *best = Some((rank, candidate));
    }
}

fn in_drawing_order<'a>(entries: impl Iterator<Item = &'a Entry>) -> Vec<AnnotationId> {
    ids_in_drawing_order(entries).into_iter().cloned().collect()
}

/// The ids of `entries` in drawing order, borrowed. `(z, order)` is unique per annotation
/// (order keys are), so an unstable sort gives the one order.
fn ids_in_drawing_order<'a>(entries: impl Iterator<Item = &'a Entry>) -> Vec<&'a AnnotationId> {
    // The keys are copied next to the ids so that sorting compares contiguous memory instead
    // of following a pointer to a scattered entry per comparison (a query of 100,000 shapes
    // takes a quarter less time).
    let mut found: Vec<(i64, u64, &AnnotationId)> =
        entries.map(|e| (e.z, e.order, &e.id)).collect();
    found.sort_unstable_by_key(|&(z, order, _)| (z, order));
    found.into_iter().map(|(_, _, id)| id).collect()
}

/// Whether any set pixel of the mask overlaps the rectangle (pixel `(x, y)` is the square
/// `[x, x+1] × [y, y+1]`).
fn mask_touches(mask: &RunMask, x0: f64, y0: f64, x1: f64, y1: f64) -> bool {
    if !(x1 >= 0.0 && y1 >= 0.0) {
        return false;
    }
    // Columns whose square meets [x0, x1]: floor(x0) - 1 < x <= floor(x1), clipped to u32.
    let first = (x0.max(1.0) - 1.0).ceil().min(f64::from(u32::MAX)) as u32;
    let last = x1.floor().min(f64::from(mask.width())) as u32;
    let (top, bottom) = ((y0.max(1.0) - 1.0).ceil(), y1.floor());
    (first..=last).any(|x| {
        mask.column(x)
            .iter()
            .any(|&(a, b)| f64::from(a) <= bottom && f64::from(b) - 1.0 >= top)
    })
}

/// Distance from `p` to a ring, line or point set, with the model index of the nearest edge's
/// first vertex (or of the nearest point) and the nearest point itself.
fn ring_distance(p: Point, ring: &Ring) -> Option<(f64, usize, Point)> {
    let v = &ring.vertices;
    let nearest = |a: (f64, usize, Point), b: (f64, usize, Point)| if b.0 < a.0 { b } else { a };
    match (ring.join, v.len()) {
        (_, 0) => None,
        (Join::Points, _) | (_, 1) => v
            .iter()
            .map(|&(i, q)| ((p.x - q.x).hypot(p.y - q.y), i, q))
            .reduce(nearest),
        (join, n) => {
            let edges = if join == Join::Closed { n } else { n - 1 };
            (0..edges)
                .map(|k| {
                    let (d, q) = segment_nearest(p, v[k].1, v[(k + 1) % n].1);
                    (d, v[k].0, q)
                })
                .reduce(nearest)
        }
    }
}

/// Distance from a point to a shape's geometry (0 inside areas), used by tests and callers
/// that need a plain measure.
pub fn distance_to(shape: &Shape, p: Point) -> f64 {
    let gp = geo::Point::new(p.x, p.y);
    match to_geo(shape) {
        GeoShape::Area(mp) => Euclidean.distance(&gp, &mp),
        GeoShape::Line(l) => Euclidean.distance(&gp, &l),
        GeoShape::Points(mp) => Euclidean.distance(&gp, &mp),
    }
}

#[cfg(test)]
mod tests;
