//! A spatial index over a task's annotations (an R-tree of their bounds, `rstar`), answering the
//! editor's and the renderer's questions in time proportional to what is near, not to the task:
//! the topmost shape under the pointer, the shapes in a rectangle, the nearest vertex or edge.
//!
//! Tolerances are given in screen pixels with the current zoom, so a handle is as easy to hit at
//! 10 % as at 800 %. Hidden annotations are never found; locked ones are found by hit tests
//! (they can be selected) but not by vertex and edge queries (they cannot be edited).

use super::convert::{to_geo, GeoShape};
use super::measure::bounds;
use crate::model::{Annotation, AnnotationId, Point, Shape, Visibility};
use crate::raster::{Rle, RunMask};
use geo::{Contains, Distance, Euclidean};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};
use std::collections::HashMap;

type Node = GeomWithData<Rectangle<[f64; 2]>, usize>;

struct Entry {
    id: AnnotationId,
    geometry: GeoShape,
    mask: Option<RunMask>,
    vertices: Vec<(usize, usize, Vec<Point>, bool)>,
    rect: [f64; 4],
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

/// The index. Keep it in step with the task by calling [`SpatialIndex::upsert`] and
/// [`SpatialIndex::remove`] for the annotations each op touches.
#[derive(Default)]
pub struct SpatialIndex {
    tree: RTree<Node>,
    entries: Vec<Option<Entry>>,
    slots: HashMap<AnnotationId, usize>,
    free: Vec<usize>,
    next_order: u64,
}

/// Rings of a shape as (part, ring, points, closed).
fn rings_of(shape: &Shape) -> Vec<(usize, usize, Vec<Point>, bool)> {
    match shape {
        Shape::Box(b) => vec![(
            0,
            0,
            vec![
                Point::new(b.x0, b.y0),
                Point::new(b.x1, b.y0),
                Point::new(b.x1, b.y1),
                Point::new(b.x0, b.y1),
            ],
            true,
        )],
        Shape::RotatedBox(r) => vec![(0, 0, r.corners().to_vec(), true)],
        Shape::Polygon(p) => p
            .parts
            .iter()
            .enumerate()
            .flat_map(|(i, part)| {
                std::iter::once((i, 0, part.exterior.clone(), true)).chain(
                    part.holes
                        .iter()
                        .enumerate()
                        .map(move |(h, ring)| (i, h + 1, ring.clone(), true)),
                )
            })
            .collect(),
        Shape::Polyline { points } => vec![(0, 0, points.clone(), false)],
        Shape::Keypoints { points } => vec![(
            0,
            0,
            points
                .iter()
                .filter(|k| k.visibility != Visibility::NotLabeled)
                .map(|k| Point::new(k.x, k.y))
                .collect(),
            false,
        )],
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

    /// An index over `annotations`, later ones on top at equal `z`.
    pub fn from_annotations<'a>(annotations: impl IntoIterator<Item = &'a Annotation>) -> Self {
        let mut index = Self::new();
        let mut nodes = Vec::new();
        for a in annotations {
            if let Some(node) = index.add_entry(a, None) {
                nodes.push(node);
            }
        }
        index.tree = RTree::bulk_load(nodes);
        index
    }

    /// Number of indexed annotations.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    fn add_entry(&mut self, a: &Annotation, order: Option<u64>) -> Option<Node> {
        let b = bounds(&a.shape)?;
        if ![b.x0, b.y0, b.x1, b.y1].iter().all(|v| v.is_finite()) {
            return None;
        }
        let order = order.unwrap_or_else(|| {
            self.next_order += 1;
            self.next_order
        });
        let mask = match &a.shape {
            Shape::Mask(m) => Rle::from_model(m).ok().map(|r| RunMask::from_rle(&r)),
            _ => None,
        };
        let entry = Entry {
            id: a.id.clone(),
            geometry: to_geo(&a.shape),
            mask,
            vertices: rings_of(&a.shape),
            rect: [b.x0, b.y0, b.x1, b.y1],
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
        Some(GeomWithData::new(
            Rectangle::from_corners([b.x0, b.y0], [b.x1, b.y1]),
            slot,
        ))
    }

    /// Adds an annotation, or replaces the indexed version of it (keeping its stacking order).
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

    /// Removes an annotation (no-op if absent).
    pub fn remove(&mut self, id: &AnnotationId) {
        let Some(slot) = self.slots.remove(id) else {
            return;
        };
        if let Some(entry) = self.entries[slot].take() {
            let [x0, y0, x1, y1] = entry.rect;
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
    pub fn hit(&self, p: Point, tolerance_px: f64, scale: f64) -> Option<Hit> {
        let tol = tolerance_px / scale.max(1e-9);
        let gp = geo::Point::new(p.x, p.y);
        self.near(p, tol)
            .filter(|e| {
                if let Some(mask) = &e.mask {
                    return p.x >= 0.0
                        && p.y >= 0.0
                        && mask.contains(p.x.floor() as u32, p.y.floor() as u32);
                }
                let inside = match &e.geometry {
                    GeoShape::Area(mp) => mp.contains(&gp),
                    _ => false,
                };
                inside
                    || e.vertices.iter().any(|(_, _, ring, closed)| {
                        ring_distance(p, ring, *closed).is_some_and(|(d, _, _)| d <= tol)
                    })
            })
            .max_by_key(|e| (e.z, e.order))
            .map(|e| Hit {
                id: e.id.clone(),
                locked: e.locked,
            })
    }

    /// Visible annotations whose bounds intersect the rectangle, in drawing order (bottom
    /// first): what the renderer draws for a viewport.
    pub fn visible_in(&self, x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<AnnotationId> {
        let envelope = AABB::from_corners([x0.min(x1), y0.min(y1)], [x0.max(x1), y0.max(y1)]);
        let mut found: Vec<&Entry> = self
            .tree
            .locate_in_envelope_intersecting(&envelope)
            .filter_map(|node| self.entries[node.data].as_ref())
            .filter(|e| !e.hidden)
            .collect();
        found.sort_by_key(|e| (e.z, e.order));
        found.into_iter().map(|e| e.id.clone()).collect()
    }

    /// Visible annotations lying wholly inside the rectangle (rubber-band selection).
    pub fn contained_in(&self, x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<AnnotationId> {
        let envelope = AABB::from_corners([x0.min(x1), y0.min(y1)], [x0.max(x1), y0.max(y1)]);
        let mut found: Vec<&Entry> = self
            .tree
            .locate_in_envelope(&envelope)
            .filter_map(|node| self.entries[node.data].as_ref())
            .filter(|e| !e.hidden)
            .collect();
        found.sort_by_key(|e| (e.z, e.order));
        found.into_iter().map(|e| e.id.clone()).collect()
    }

    fn editable_near(&self, p: Point, tol: f64) -> impl Iterator<Item = &Entry> {
        self.near(p, tol).filter(|e| !e.locked)
    }

    /// The nearest vertex of an editable annotation within `tolerance_px` screen pixels
    /// (the topmost annotation wins a tie).
    pub fn nearest_vertex(&self, p: Point, tolerance_px: f64, scale: f64) -> Option<VertexHit> {
        let tol = tolerance_px / scale.max(1e-9);
        let mut best: Option<(f64, (i64, u64), VertexHit)> = None;
        for e in self.editable_near(p, tol) {
            for (part, ring, points, _) in &e.vertices {
                for (i, v) in points.iter().enumerate() {
                    let d = ((p.x - v.x).powi(2) + (p.y - v.y).powi(2)).sqrt();
                    let rank = (e.z, e.order);
                    let better = best.as_ref().is_none_or(|(bd, br, _)| {
                        d < *bd - 1e-12 || ((d - *bd).abs() <= 1e-12 && rank > *br)
                    });
                    if d <= tol && better {
                        best = Some((
                            d,
                            rank,
                            VertexHit {
                                id: e.id.clone(),
                                part: *part,
                                ring: *ring,
                                vertex: i,
                                distance: d,
                                at: *v,
                            },
                        ));
                    }
                }
            }
        }
        best.map(|(_, _, hit)| hit)
    }

    /// The nearest edge of an editable annotation within `tolerance_px` screen pixels, with
    /// the point on it (where a new vertex would go).
    pub fn nearest_edge(&self, p: Point, tolerance_px: f64, scale: f64) -> Option<VertexHit> {
        let tol = tolerance_px / scale.max(1e-9);
        let mut best: Option<VertexHit> = None;
        for e in self.editable_near(p, tol) {
            for (part, ring, points, closed) in &e.vertices {
                if let Some((d, i, at)) = ring_distance(p, points, *closed) {
                    if d <= tol && best.as_ref().is_none_or(|b| d < b.distance) {
                        best = Some(VertexHit {
                            id: e.id.clone(),
                            part: *part,
                            ring: *ring,
                            vertex: i,
                            distance: d,
                            at,
                        });
                    }
                }
            }
        }
        best
    }
}

/// Distance from `p` to a ring or line, with the index of the nearest edge and the nearest
/// point. Keypoint "lines" are treated point by point by passing `closed = false` with
/// single-point segments.
fn ring_distance(p: Point, ring: &[Point], closed: bool) -> Option<(f64, usize, Point)> {
    match ring.len() {
        0 => None,
        1 => Some((segment_nearest(p, ring[0], ring[0]).0, 0, ring[0])),
        n => {
            let edges = if closed { n } else { n - 1 };
            (0..edges)
                .map(|i| {
                    let (d, q) = segment_nearest(p, ring[i], ring[(i + 1) % n]);
                    (d, i, q)
                })
                .min_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal))
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
mod tests {
    use super::*;
    use crate::model::{BoxShape, Keypoint, PolygonShape};
    use proptest::prelude::*;

    fn boxed(id: &str, x0: f64, y0: f64, x1: f64, y1: f64) -> Annotation {
        Annotation::new(
            id,
            "car",
            Shape::Box(BoxShape::from_corners(
                Point::new(x0, y0),
                Point::new(x1, y1),
            )),
        )
    }

    #[test]
    fn topmost_wins_and_hidden_is_skipped() {
        let mut a = boxed("a", 0.0, 0.0, 10.0, 10.0);
        let b = boxed("b", 5.0, 5.0, 15.0, 15.0);
        let mut index = SpatialIndex::from_annotations([&a, &b]);
        assert_eq!(index.hit(Point::new(7.0, 7.0), 3.0, 1.0).unwrap().id.0, "b");
        a.z = 5;
        index.upsert(&a);
        assert_eq!(index.hit(Point::new(7.0, 7.0), 3.0, 1.0).unwrap().id.0, "a");
        a.hidden = true;
        index.upsert(&a);
        assert_eq!(index.hit(Point::new(2.0, 2.0), 0.0, 1.0), None);
    }

    #[test]
    fn tolerance_is_in_screen_pixels() {
        let line = Annotation::new(
            "l",
            "lane",
            Shape::Polyline {
                points: vec![Point::new(0.0, 0.0), Point::new(100.0, 0.0)],
            },
        );
        let index = SpatialIndex::from_annotations([&line]);
        // 2 image px away: 5 screen px are 2.5 image px at zoom 2 (hit), 1.25 at zoom 4 (miss).
        assert!(index.hit(Point::new(50.0, 2.0), 5.0, 2.0).is_some());
        assert!(index.hit(Point::new(50.0, 2.0), 5.0, 4.0).is_none());
    }

    #[test]
    fn polygon_holes_are_not_hits_but_their_edges_are() {
        let mut p = PolygonShape::simple(vec![
            Point::new(0.0, 0.0),
            Point::new(30.0, 0.0),
            Point::new(30.0, 30.0),
            Point::new(0.0, 30.0),
        ]);
        p.parts[0].holes.push(vec![
            Point::new(10.0, 10.0),
            Point::new(20.0, 10.0),
            Point::new(20.0, 20.0),
            Point::new(10.0, 20.0),
        ]);
        let a = Annotation::new("p", "donut", Shape::Polygon(p));
        let index = SpatialIndex::from_annotations([&a]);
        assert!(index.hit(Point::new(5.0, 5.0), 1.0, 1.0).is_some());
        assert!(index.hit(Point::new(15.0, 15.0), 1.0, 1.0).is_none());
        assert!(index.hit(Point::new(15.0, 10.5), 1.0, 1.0).is_some());
        let v = index
            .nearest_vertex(Point::new(19.0, 19.5), 3.0, 1.0)
            .unwrap();
        assert_eq!((v.part, v.ring, v.vertex), (0, 1, 2));
        let e = index
            .nearest_edge(Point::new(15.0, 29.0), 3.0, 1.0)
            .unwrap();
        assert_eq!((e.ring, e.vertex), (0, 2));
        assert_eq!(e.at, Point::new(15.0, 30.0));
    }

    #[test]
    fn locked_shapes_are_hit_but_not_edited() {
        let mut a = boxed("a", 0.0, 0.0, 10.0, 10.0);
        a.locked = true;
        let index = SpatialIndex::from_annotations([&a]);
        assert!(index.hit(Point::new(5.0, 5.0), 1.0, 1.0).unwrap().locked);
        assert!(index
            .nearest_vertex(Point::new(0.0, 0.0), 3.0, 1.0)
            .is_none());
    }

    #[test]
    fn keypoints_and_masks() {
        let k = Annotation::new(
            "k",
            "face",
            Shape::Keypoints {
                points: vec![
                    Keypoint {
                        name: "nose".into(),
                        x: 50.0,
                        y: 50.0,
                        visibility: Visibility::Visible,
                    },
                    Keypoint {
                        name: "ear".into(),
                        x: 90.0,
                        y: 90.0,
                        visibility: Visibility::NotLabeled,
                    },
                ],
            },
        );
        let px: Vec<u8> = (0..100).map(|i| u8::from(i % 10 == 3)).collect();
        let m = Annotation::new(
            "m",
            "wire",
            Shape::Mask(RunMask::from_row_major(&px, 10, 10).to_rle().to_model()),
        );
        let index = SpatialIndex::from_annotations([&k, &m]);
        assert_eq!(
            index.hit(Point::new(51.0, 50.0), 2.0, 1.0).unwrap().id.0,
            "k"
        );
        assert!(index.hit(Point::new(90.0, 90.0), 2.0, 1.0).is_none());
        assert_eq!(index.hit(Point::new(3.5, 7.2), 0.0, 1.0).unwrap().id.0, "m");
        assert!(index.hit(Point::new(4.5, 7.2), 0.0, 1.0).is_none());
    }

    proptest! {
        #[test]
        fn queries_agree_with_brute_force_after_edits(
            boxes in proptest::collection::vec((0.0f64..90.0, 0.0f64..90.0, 1.0f64..20.0, 1.0f64..20.0, -2i64..3), 1..40),
            edits in proptest::collection::vec((any::<usize>(), 0.0f64..90.0, 0.0f64..90.0, any::<bool>()), 0..20),
            probe in (0.0f64..100.0, 0.0f64..100.0),
        ) {
            let mut annotations: Vec<Annotation> = boxes.iter().enumerate().map(|(i, &(x, y, w, h, z))| {
                let mut a = boxed(&format!("a{i}"), x, y, x + w, y + h);
                a.z = z;
                a
            }).collect();
            let mut index = SpatialIndex::from_annotations(annotations.iter());
            for (k, x, y, delete) in edits {
                if annotations.is_empty() { break; }
                let i = k % annotations.len();
                if delete {
                    index.remove(&annotations[i].id);
                    annotations.remove(i);
                } else {
                    let a = &mut annotations[i];
                    a.shape = Shape::Box(BoxShape::from_corners(Point::new(x, y), Point::new(x + 5.0, y + 5.0)));
                    index.upsert(a);
                }
            }
            prop_assert_eq!(index.len(), annotations.len());
            let p = Point::new(probe.0, probe.1);
            // Brute force: the last in list order among the highest z containing p.
            let expected = annotations.iter().enumerate()
                .filter(|(_, a)| distance_to(&a.shape, p) <= 0.0)
                .max_by_key(|(i, a)| (a.z, *i))
                .map(|(_, a)| a.id.clone());
            let got = index.hit(p, 0.0, 1.0).map(|h| h.id);
            // Box edges count as hits for both (distance 0); ties in z resolve by list order.
            prop_assert_eq!(got, expected);
            let (x0, y0, x1, y1) = (p.x - 10.0, p.y - 10.0, p.x + 10.0, p.y + 10.0);
            let mut in_rect: Vec<String> = index.visible_in(x0, y0, x1, y1).into_iter().map(|i| i.0).collect();
            in_rect.sort();
            let mut brute: Vec<String> = annotations.iter().filter(|a| {
                let b = bounds(&a.shape).unwrap();
                b.x0 <= x1 && b.x1 >= x0 && b.y0 <= y1 && b.y1 >= y0
            }).map(|a| a.id.0.clone()).collect();
            brute.sort();
            prop_assert_eq!(in_rect, brute);
        }
    }
}
