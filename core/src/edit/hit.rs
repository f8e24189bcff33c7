//! Local hit tests: which shape, handle, vertex or edge lies under the pointer.
//!
//! These are plain linear scans over the task. They are the one seam through which the tools ask
//! "what is here?", so that a spatial index (in `geometry`) can replace [`topmost_at`] without
//! the tools changing.

use crate::model::{AnnotationId, MaskRle, Point, Shape, Task};

/// The topmost visible annotation whose shape contains `p`, or passes within `tol` image pixels
/// of it for outlines, lines and points. Later annotations and higher `z` are on top.
///
/// This is a linear scan; it is the function to swap for a spatial-index query.
pub fn topmost_at(task: &Task, p: Point, tol: f64) -> Option<AnnotationId> {
    task.annotations
        .iter()
        .enumerate()
        .filter(|(_, a)| !a.hidden && shape_hit(&a.shape, p, tol))
        .max_by_key(|(i, a)| (a.z, *i))
        .map(|(_, a)| a.id.clone())
}

/// The visible annotations whose bounds lie wholly inside the rectangle `[x0,x1]×[y0,y1]`
/// (rubber-band selection), in task order.
pub fn inside_rect(task: &Task, x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<AnnotationId> {
    task.annotations
        .iter()
        .filter(|a| !a.hidden)
        .filter(|a| {
            bounds(&a.shape).is_some_and(|(bx0, by0, bx1, by1)| {
                bx0 >= x0 && by0 >= y0 && bx1 <= x1 && by1 <= y1
            })
        })
        .map(|a| a.id.clone())
        .collect()
}

/// Whether `p` hits `shape` with a tolerance of `tol` image pixels.
pub fn shape_hit(shape: &Shape, p: Point, tol: f64) -> bool {
    match shape {
        Shape::Box(b) => {
            p.x >= b.x0 - tol && p.x <= b.x1 + tol && p.y >= b.y0 - tol && p.y <= b.y1 + tol
        }
        Shape::RotatedBox(r) => {
            let ring = r.corners();
            point_in_ring(p, &ring) || near_ring(p, &ring, tol, true)
        }
        Shape::Polygon(poly) => poly.parts.iter().any(|part| {
            let inside =
                point_in_ring(p, &part.exterior) && !part.holes.iter().any(|h| point_in_ring(p, h));
            inside
                || near_ring(p, &part.exterior, tol, true)
                || part.holes.iter().any(|h| near_ring(p, h, tol, true))
        }),
        Shape::Polyline { points } => near_ring(p, points, tol, false),
        Shape::Keypoints { points } => points.iter().any(|k| {
            k.visibility != crate::model::Visibility::NotLabeled
                && dist(Point::new(k.x, k.y), p) <= tol
        }),
        Shape::Mask(m) => mask_covers(m, p),
    }
}

/// The bounding box `(x0, y0, x1, y1)` of a shape (`None` for an empty one).
pub fn bounds(shape: &Shape) -> Option<(f64, f64, f64, f64)> {
    let pts: Vec<Point> = match shape {
        Shape::Box(b) => return Some((b.x0, b.y0, b.x1, b.y1)),
        Shape::RotatedBox(r) => r.corners().to_vec(),
        Shape::Polygon(poly) => poly
            .parts
            .iter()
            .flat_map(|p| p.exterior.iter().copied())
            .collect(),
        Shape::Polyline { points } => points.clone(),
        Shape::Keypoints { points } => points
            .iter()
            .filter(|k| k.visibility != crate::model::Visibility::NotLabeled)
            .map(|k| Point::new(k.x, k.y))
            .collect(),
        Shape::Mask(m) => return mask_bounds(m),
    };
    let first = pts.first()?;
    Some(pts.iter().fold(
        (first.x, first.y, first.x, first.y),
        |(x0, y0, x1, y1), p| (x0.min(p.x), y0.min(p.y), x1.max(p.x), y1.max(p.y)),
    ))
}

/// Whether `p` lies within `tol` of the ring's edges (or of the line's segments when `closed`
/// is false).
pub fn near_ring(p: Point, ring: &[Point], tol: f64, closed: bool) -> bool {
    nearest_edge(ring, p, closed).is_some_and(|(_, d)| d <= tol)
}

/// The edge of a ring or line nearest to `p`: the index of its first vertex and the distance.
pub fn nearest_edge(ring: &[Point], p: Point, closed: bool) -> Option<(usize, f64)> {
    let n = ring.len();
    if n == 1 {
        return Some((0, dist(ring[0], p)));
    }
    let edges = if closed && n > 2 {
        n
    } else {
        n.saturating_sub(1)
    };
    (0..edges)
        .map(|i| (i, segment_distance(p, ring[i], ring[(i + 1) % n])))
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

/// Distance from `p` to the segment `a`–`b`.
pub fn segment_distance(p: Point, a: Point, b: Point) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    if len2 <= 0.0 {
        return dist(p, a);
    }
    let t = (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0);
    dist(p, Point::new(a.x + t * dx, a.y + t * dy))
}

/// Whether pixel `p` is set in a COCO RLE mask (column-major runs, zeros first).
fn mask_covers(m: &MaskRle, p: Point) -> bool {
    if p.x < 0.0 || p.y < 0.0 || p.x >= f64::from(m.width) || p.y >= f64::from(m.height) {
        return false;
    }
    let index = u64::from(p.x as u32) * u64::from(m.height) + u64::from(p.y as u32);
    let mut start = 0u64;
    for (i, run) in m.counts.iter().enumerate() {
        let end = start + u64::from(*run);
        if index < end {
            return i % 2 == 1;
        }
        start = end;
    }
    false
}

fn mask_bounds(m: &MaskRle) -> Option<(f64, f64, f64, f64)> {
    let h = u64::from(m.height);
    if h == 0 {
        return None;
    }
    let mut start = 0u64;
    let mut acc: Option<(u64, u64, u64, u64)> = None;
    for (i, run) in m.counts.iter().enumerate() {
        let end = start + u64::from(*run);
        if i % 2 == 1 && end > start {
            let (c0, c1) = (start / h, (end - 1) / h);
            let (r0, r1) = if c0 == c1 {
                (start % h, (end - 1) % h)
            } else {
                (0, h - 1)
            };
            acc = Some(match acc {
                None => (c0, r0, c1, r1),
                Some((x0, y0, x1, y1)) => (x0.min(c0), y0.min(r0), x1.max(c1), y1.max(r1)),
            });
        }
        start = end;
    }
    acc.map(|(x0, y0, x1, y1)| (x0 as f64, y0 as f64, (x1 + 1) as f64, (y1 + 1) as f64))
}

/// Distance between two points.
pub fn dist(a: Point, b: Point) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

/// Signed area of an open ring (shoelace formula).
pub fn ring_area(ring: &[Point]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a.x * b.y - b.x * a.y
        })
        .sum::<f64>()
        / 2.0
}

/// Whether `p` lies inside the open ring (even-odd rule).
pub fn point_in_ring(p: Point, ring: &[Point]) -> bool {
    let n = ring.len();
    let mut inside = false;
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + n - 1) % n]);
        if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
            inside = !inside;
        }
    }
    inside
}
