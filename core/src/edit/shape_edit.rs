//! Edits of one shape's geometry: translate, resize by a handle, rotate, and vertex edits.
//!
//! Each function takes a shape and returns the edited copy (or `None` when the edit does not
//! apply to that kind of shape or would leave it degenerate), so a tool can preview the result
//! during a drag and commit `SetShape { before, after }` at the end.

use super::hit::{dist, nearest_edge};
use crate::model::{BoxShape, Point, Shape, Visibility};

/// Where the eight resize handles sit, as signs along the box's own axes, in the order top-left,
/// top, top-right, right, bottom-right, bottom, bottom-left, left.
pub const HANDLE_SIGNS: [(f64, f64); 8] = [
    (-1.0, -1.0),
    (0.0, -1.0),
    (1.0, -1.0),
    (1.0, 0.0),
    (1.0, 1.0),
    (0.0, 1.0),
    (-1.0, 1.0),
    (-1.0, 0.0),
];

/// Distance in screen pixels from a rotated box's top edge to its rotate handle.
pub const ROTATE_HANDLE_OFFSET_PX: f64 = 24.0;

/// A vertex of a shape: polygon part and ring (0 is the exterior, `r` is hole `r - 1`) and the
/// index in that ring. Polylines and keypoints have one ring, part 0 ring 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VertexRef {
    /// Polygon part.
    pub part: usize,
    /// Ring within the part (0: exterior).
    pub ring: usize,
    /// Index within the ring.
    pub index: usize,
}

impl VertexRef {
    /// The vertex `index` of the first ring.
    pub const fn first_ring(index: usize) -> Self {
        Self {
            part: 0,
            ring: 0,
            index,
        }
    }
}

/// The shape moved by `(dx, dy)`. Masks do not move (their pixels are edited by the brush).
pub fn translate(shape: &Shape, dx: f64, dy: f64) -> Option<Shape> {
    let mv = |p: &Point| Point::new(p.x + dx, p.y + dy);
    Some(match shape {
        Shape::Box(b) => Shape::Box(BoxShape {
            x0: b.x0 + dx,
            y0: b.y0 + dy,
            x1: b.x1 + dx,
            y1: b.y1 + dy,
        }),
        Shape::RotatedBox(r) => {
            let mut r = *r;
            r.cx += dx;
            r.cy += dy;
            Shape::RotatedBox(r)
        }
        Shape::Polygon(poly) => {
            let mut poly = poly.clone();
            for part in &mut poly.parts {
                part.exterior.iter_mut().for_each(|p| *p = mv(p));
                for h in &mut part.holes {
                    h.iter_mut().for_each(|p| *p = mv(p));
                }
            }
            Shape::Polygon(poly)
        }
        Shape::Polyline { points } => Shape::Polyline {
            points: points.iter().map(mv).collect(),
        },
        Shape::Keypoints { points } => Shape::Keypoints {
            points: points
                .iter()
                .map(|k| {
                    let mut k = k.clone();
                    if k.visibility != Visibility::NotLabeled {
                        (k.x, k.y) = (k.x + dx, k.y + dy);
                    }
                    k
                })
                .collect(),
        },
        Shape::Mask(_) => return None,
    })
}

/// Positions of the eight resize handles of a box or rotated box (see [`HANDLE_SIGNS`]).
pub fn resize_handles(shape: &Shape) -> Option<[Point; 8]> {
    let frame = Frame::of(shape)?;
    Some(HANDLE_SIGNS.map(|(sx, sy)| frame.to_world(sx * frame.hw, sy * frame.hh)))
}

/// The rotate handle of a rotated box at zoom `scale`: the middle of its top edge and the handle
/// itself, [`ROTATE_HANDLE_OFFSET_PX`] screen pixels beyond it.
pub fn rotate_handle(shape: &Shape, scale: f64) -> Option<(Point, Point)> {
    let Shape::RotatedBox(_) = shape else {
        return None;
    };
    let frame = Frame::of(shape)?;
    let offset = ROTATE_HANDLE_OFFSET_PX / if scale > 0.0 { scale } else { 1.0 };
    Some((
        frame.to_world(0.0, -frame.hh),
        frame.to_world(0.0, -frame.hh - offset),
    ))
}

/// The shape with resize handle `handle` (index into [`HANDLE_SIGNS`]) dragged to `p`; the
/// opposite side stays put. A box is normalised (dragging past the opposite side flips it).
pub fn resize(shape: &Shape, handle: usize, p: Point) -> Option<Shape> {
    let (sx, sy) = *HANDLE_SIGNS.get(handle)?;
    match shape {
        Shape::Box(b) => {
            let mut nb = *b;
            if sx < 0.0 {
                nb.x0 = p.x;
            } else if sx > 0.0 {
                nb.x1 = p.x;
            }
            if sy < 0.0 {
                nb.y0 = p.y;
            } else if sy > 0.0 {
                nb.y1 = p.y;
            }
            Some(Shape::Box(BoxShape::from_corners(
                Point::new(nb.x0, nb.y0),
                Point::new(nb.x1, nb.y1),
            )))
        }
        Shape::RotatedBox(r) => {
            let frame = Frame::of(shape)?;
            let (lx, ly) = frame.to_local(p);
            let range = |s: f64, half: f64, l: f64| {
                if s == 0.0 {
                    (-half, half)
                } else {
                    (-s * half, l)
                }
            };
            let (x0, x1) = range(sx, frame.hw, lx);
            let (y0, y1) = range(sy, frame.hh, ly);
            let c = frame.to_world((x0 + x1) / 2.0, (y0 + y1) / 2.0);
            let mut r = *r;
            (r.cx, r.cy, r.w, r.h) = (c.x, c.y, (x1 - x0).abs(), (y1 - y0).abs());
            Some(Shape::RotatedBox(r))
        }
        _ => None,
    }
}

/// The rotated box turned so that its rotate handle points at `p`; with `snap` the angle is
/// rounded to 15°. Angles are kept in (-180, 180].
pub fn rotate_towards(shape: &Shape, p: Point, snap: bool) -> Option<Shape> {
    let Shape::RotatedBox(r) = shape else {
        return None;
    };
    let (vx, vy) = (p.x - r.cx, p.y - r.cy);
    if vx == 0.0 && vy == 0.0 {
        return Some(shape.clone());
    }
    // The handle sits at the box's own (0, -1) direction, which an angle `a` turns to
    // (sin a, -cos a) on screen.
    let mut angle = vx.atan2(-vy).to_degrees();
    if snap {
        angle = (angle / 15.0).round() * 15.0;
    }
    if angle <= -180.0 {
        angle += 360.0;
    }
    let mut r = *r;
    r.angle = angle;
    Some(Shape::RotatedBox(r))
}

/// Every editable vertex of a shape with its position (labelled keypoints only).
pub fn vertices(shape: &Shape) -> Vec<(VertexRef, Point)> {
    match shape {
        Shape::Polygon(poly) => poly
            .parts
            .iter()
            .enumerate()
            .flat_map(|(pi, part)| {
                std::iter::once(&part.exterior)
                    .chain(part.holes.iter())
                    .enumerate()
                    .flat_map(move |(ri, ring)| {
                        ring.iter().enumerate().map(move |(i, p)| {
                            (
                                VertexRef {
                                    part: pi,
                                    ring: ri,
                                    index: i,
                                },
                                *p,
                            )
                        })
                    })
            })
            .collect(),
        Shape::Polyline { points } => points
            .iter()
            .enumerate()
            .map(|(i, p)| (VertexRef::first_ring(i), *p))
            .collect(),
        Shape::Keypoints { points } => points
            .iter()
            .enumerate()
            .filter(|(_, k)| k.visibility != Visibility::NotLabeled)
            .map(|(i, k)| (VertexRef::first_ring(i), Point::new(k.x, k.y)))
            .collect(),
        _ => Vec::new(),
    }
}

/// The vertex nearest to `p` within `tol`.
pub fn vertex_at(shape: &Shape, p: Point, tol: f64) -> Option<VertexRef> {
    vertices(shape)
        .into_iter()
        .map(|(v, q)| (v, dist(p, q)))
        .filter(|(_, d)| *d <= tol)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(v, _)| v)
}

/// The position of a vertex.
pub fn vertex_position(shape: &Shape, v: VertexRef) -> Option<Point> {
    vertices(shape)
        .into_iter()
        .find(|(w, _)| *w == v)
        .map(|(_, p)| p)
}

/// The edge of a polygon or polyline within `tol` of `p`: where a new vertex would go (the
/// reference of the vertex it becomes) and the point on the edge nearest to `p`.
pub fn edge_at(shape: &Shape, p: Point, tol: f64) -> Option<(VertexRef, Point)> {
    let rings: Vec<(usize, usize, &Vec<Point>, bool)> = match shape {
        Shape::Polygon(poly) => poly
            .parts
            .iter()
            .enumerate()
            .flat_map(|(pi, part)| {
                std::iter::once(&part.exterior)
                    .chain(part.holes.iter())
                    .enumerate()
                    .map(move |(ri, r)| (pi, ri, r, true))
            })
            .collect(),
        Shape::Polyline { points } => vec![(0, 0, points, false)],
        _ => return None,
    };
    rings
        .into_iter()
        .filter(|(_, _, r, _)| r.len() >= 2)
        .filter_map(|(pi, ri, r, closed)| {
            let (i, d) = nearest_edge(r, p, closed)?;
            let (a, b) = (r[i], r[(i + 1) % r.len()]);
            Some((pi, ri, i, d, project(p, a, b)))
        })
        .filter(|(.., d, _)| *d <= tol)
        .min_by(|a, b| a.3.total_cmp(&b.3))
        .map(|(part, ring, i, _, q)| {
            (
                VertexRef {
                    part,
                    ring,
                    index: i + 1,
                },
                q,
            )
        })
}

fn project(p: Point, a: Point, b: Point) -> Point {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    if len2 <= 0.0 {
        return a;
    }
    let t = (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0);
    Point::new(a.x + t * dx, a.y + t * dy)
}

fn ring_mut(shape: &mut Shape, v: VertexRef) -> Option<&mut Vec<Point>> {
    match shape {
        Shape::Polygon(poly) => {
            let part = poly.parts.get_mut(v.part)?;
            if v.ring == 0 {
                Some(&mut part.exterior)
            } else {
                part.holes.get_mut(v.ring - 1)
            }
        }
        Shape::Polyline { points } if v.part == 0 && v.ring == 0 => Some(points),
        _ => None,
    }
}

/// The shape with vertex `v` moved to `p`.
pub fn move_vertex(shape: &Shape, v: VertexRef, p: Point) -> Option<Shape> {
    let mut s = shape.clone();
    if let Shape::Keypoints { points } = &mut s {
        let k = points
            .get_mut(v.index)
            .filter(|_| v.part == 0 && v.ring == 0)?;
        (k.x, k.y) = (p.x, p.y);
        return Some(s);
    }
    *ring_mut(&mut s, v)?.get_mut(v.index)? = p;
    Some(s)
}

/// The shape with a new vertex at `p`, inserted so that it becomes vertex `v`.
pub fn insert_vertex(shape: &Shape, v: VertexRef, p: Point) -> Option<Shape> {
    let mut s = shape.clone();
    let ring = ring_mut(&mut s, v)?;
    if v.index > ring.len() {
        return None;
    }
    ring.insert(v.index, p);
    Some(s)
}

/// The shape without vertex `v`. A polygon's exterior keeps at least three vertices and a
/// polyline two (`None` otherwise); a hole left with fewer than three is removed; a keypoint
/// becomes not labelled.
pub fn remove_vertex(shape: &Shape, v: VertexRef) -> Option<Shape> {
    let mut s = shape.clone();
    match &mut s {
        Shape::Keypoints { points } => {
            let k = points
                .get_mut(v.index)
                .filter(|_| v.part == 0 && v.ring == 0)?;
            k.visibility = Visibility::NotLabeled;
            (k.x, k.y) = (0.0, 0.0);
            return Some(s);
        }
        Shape::Polygon(poly) if v.ring > 0 => {
            let part = poly.parts.get_mut(v.part)?;
            let hole = part.holes.get_mut(v.ring - 1)?;
            if v.index >= hole.len() {
                return None;
            }
            hole.remove(v.index);
            if hole.len() < 3 {
                part.holes.remove(v.ring - 1);
            }
            return Some(s);
        }
        _ => {}
    }
    let min = if matches!(s, Shape::Polygon(_)) { 3 } else { 2 };
    let ring = ring_mut(&mut s, v)?;
    if v.index >= ring.len() || ring.len() <= min {
        return None;
    }
    ring.remove(v.index);
    Some(s)
}

/// The box's own frame: centre, half extents and rotation.
struct Frame {
    cx: f64,
    cy: f64,
    hw: f64,
    hh: f64,
    sin: f64,
    cos: f64,
}

impl Frame {
    fn of(shape: &Shape) -> Option<Self> {
        match shape {
            Shape::Box(b) => Some(Self {
                cx: (b.x0 + b.x1) / 2.0,
                cy: (b.y0 + b.y1) / 2.0,
                hw: b.width() / 2.0,
                hh: b.height() / 2.0,
                sin: 0.0,
                cos: 1.0,
            }),
            Shape::RotatedBox(r) => {
                let (sin, cos) = r.angle.to_radians().sin_cos();
                Some(Self {
                    cx: r.cx,
                    cy: r.cy,
                    hw: r.w / 2.0,
                    hh: r.h / 2.0,
                    sin,
                    cos,
                })
            }
            _ => None,
        }
    }

    fn to_world(&self, lx: f64, ly: f64) -> Point {
        Point::new(
            self.cx + lx * self.cos - ly * self.sin,
            self.cy + lx * self.sin + ly * self.cos,
        )
    }

    fn to_local(&self, p: Point) -> (f64, f64) {
        let (dx, dy) = (p.x - self.cx, p.y - self.cy);
        (
            dx * self.cos + dy * self.sin,
            -dx * self.sin + dy * self.cos,
        )
    }
}
