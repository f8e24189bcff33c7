//! Planar helpers the tools share while a shape is being drawn or reshaped: distances, the
//! nearest edge of a ring, ring area and point-in-ring.
//!
//! Which annotation lies under the pointer is not decided here: the tools ask the document's
//! spatial index ([`crate::geometry::SpatialIndex`]), the one definition of a hit.

use crate::model::Point;

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
