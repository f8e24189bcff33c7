//! Mask → polygons with holes, along pixel edges.
//!
//! Every boundary between a set and an unset pixel becomes a directed unit edge with the set
//! pixel on its right (clockwise on screen for outer boundaries, anticlockwise for holes); edges
//! are chained into rings and collinear vertices dropped. Where two set pixels touch only at a
//! corner the chain turns so that they become separate rings (4-connected objects).
//!
//! Guarantee (tested on random masks): rasterising the result with
//! [`super::polygon::shape_polygon_to_rle`] — pycocotools' rules — gives back exactly the
//! mask. So a mask converted to polygons and exported as COCO polygons is the same object.

use super::mask::RunMask;
use crate::model::{Point, PolygonPart};
use std::collections::HashMap;

type Vertex = (i64, i64);

/// Unit direction of an edge.
fn direction(from: Vertex, to: Vertex) -> (i64, i64) {
    (to.0 - from.0, to.1 - from.1)
}

/// Traces the outlines of `mask` as polygon parts (exterior with its holes), in image pixels.
pub fn mask_to_polygons(mask: &RunMask) -> Vec<PolygonPart> {
    let Some((x0, _, x1, _)) = mask.bounds() else {
        return Vec::new();
    };
    let set = |x: i64, y: i64| x >= 0 && y >= 0 && mask.contains(x as u32, y as u32);
    // Directed boundary edges, keyed by start vertex (a vertex starts at most two edges).
    let mut outgoing: HashMap<Vertex, Vec<Vertex>> = HashMap::new();
    let mut add = |from: Vertex, to: Vertex| outgoing.entry(from).or_default().push(to);
    for x in i64::from(x0)..=i64::from(x1) {
        for &(a, b) in mask.column(x as u32) {
            for y in i64::from(a)..i64::from(b) {
                if !set(x, y - 1) {
                    add((x, y), (x + 1, y));
                }
                if !set(x + 1, y) {
                    add((x + 1, y), (x + 1, y + 1));
                }
                if !set(x, y + 1) {
                    add((x + 1, y + 1), (x, y + 1));
                }
                if !set(x - 1, y) {
                    add((x, y + 1), (x, y));
                }
            }
        }
    }
    let mut rings: Vec<Vec<Vertex>> = Vec::new();
    let mut starts: Vec<Vertex> = outgoing.keys().copied().collect();
    starts.sort_unstable();
    for start in starts {
        while let Some(first) = take_edge(&mut outgoing, start, None) {
            let mut ring = vec![start];
            let (mut previous, mut current) = (start, first);
            while current != start {
                ring.push(current);
                let incoming = direction(previous, current);
                match take_edge(&mut outgoing, current, Some(incoming)) {
                    Some(next) => {
                        previous = current;
                        current = next;
                    }
                    None => break, // cannot happen for a closed boundary; stop safely
                }
            }
            rings.push(drop_collinear(&ring));
        }
    }
    assemble(rings)
}

/// Takes an edge leaving `at`; at a corner touch, the one turning right (toward the set pixel
/// the walk came along), which keeps diagonal neighbours in separate rings.
fn take_edge(
    outgoing: &mut HashMap<Vertex, Vec<Vertex>>,
    at: Vertex,
    incoming: Option<(i64, i64)>,
) -> Option<Vertex> {
    let edges = outgoing.get_mut(&at)?;
    let index = match (incoming, edges.len()) {
        (_, 0) => return None,
        (Some((dx, dy)), n) if n > 1 => {
            // Right turn in screen coordinates (y down): (dx, dy) → (−dy, dx).
            let right = (at.0 - dy, at.1 + dx);
            edges.iter().position(|&e| e == right).unwrap_or(0)
        }
        _ => 0,
    };
    let next = edges.swap_remove(index);
    if edges.is_empty() {
        outgoing.remove(&at);
    }
    Some(next)
}

fn drop_collinear(ring: &[Vertex]) -> Vec<Vertex> {
    let n = ring.len();
    (0..n)
        .filter(|&i| {
            let (p, c, q) = (ring[(i + n - 1) % n], ring[i], ring[(i + 1) % n]);
            direction(p, c) != direction(c, q)
        })
        .map(|i| ring[i])
        .collect()
}

/// Twice the signed area (positive = clockwise on screen, y down).
fn signed_area2(ring: &[Vertex]) -> i64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum()
}

fn contains(ring: &[Vertex], px: f64, py: f64) -> bool {
    let n = ring.len();
    let mut inside = false;
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        let (ax, ay, bx, by) = (a.0 as f64, a.1 as f64, b.0 as f64, b.1 as f64);
        if (ay > py) != (by > py) && px < ax + (py - ay) * (bx - ax) / (by - ay) {
            inside = !inside;
        }
    }
    inside
}

fn to_points(ring: &[Vertex]) -> Vec<Point> {
    ring.iter()
        .map(|&(x, y)| Point::new(x as f64, y as f64))
        .collect()
}

/// Pairs each hole with the smallest outer ring around it.
fn assemble(rings: Vec<Vec<Vertex>>) -> Vec<PolygonPart> {
    let (outers, holes): (Vec<_>, Vec<_>) = rings.into_iter().partition(|r| signed_area2(r) > 0);
    let mut parts: Vec<(i64, PolygonPart, Vec<Vertex>)> = outers
        .into_iter()
        .map(|r| {
            (
                signed_area2(&r),
                PolygonPart {
                    exterior: to_points(&r),
                    holes: Vec::new(),
                },
                r,
            )
        })
        .collect();
    for hole in holes {
        // A set pixel next to the hole's first edge: its centre is inside the enclosing object.
        let (a, b) = (hole[0], hole[1 % hole.len()]);
        let (dx, dy) = direction(a, b);
        let (mx, my) = ((a.0 + b.0) as f64 / 2.0, (a.1 + b.1) as f64 / 2.0);
        let len = ((dx * dx + dy * dy) as f64).sqrt().max(1.0);
        // The set pixel is on the right of the edge: (−dy, dx) in screen coordinates.
        let (px, py) = (mx - dy as f64 / len * 0.5, my + dx as f64 / len * 0.5);
        let owner = parts
            .iter_mut()
            .filter(|(_, _, ring)| contains(ring, px, py))
            .min_by_key(|(area, _, _)| *area);
        if let Some((_, part, _)) = owner {
            part.holes.push(to_points(&hole));
        }
    }
    parts.into_iter().map(|(_, part, _)| part).collect()
}

#[cfg(test)]
mod tests {
    use super::super::polygon::shape_polygon_to_rle;
    use super::*;
    use crate::model::PolygonShape;
    use proptest::prelude::*;

    fn roundtrip(mask: &RunMask) -> RunMask {
        let shape = PolygonShape {
            parts: mask_to_polygons(mask),
        };
        RunMask::from_rle(&shape_polygon_to_rle(&shape, mask.height(), mask.width()))
    }

    #[test]
    fn a_ring_has_one_hole() {
        let mut px = vec![1u8; 25];
        px[12] = 0;
        let mask = RunMask::from_row_major(&px, 5, 5);
        let parts = mask_to_polygons(&mask);
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].exterior.len(), 4);
        assert_eq!(parts[0].holes.len(), 1);
        assert_eq!(roundtrip(&mask), mask);
    }

    #[test]
    fn diagonal_pixels_are_separate_parts() {
        let px = vec![1, 0, 0, 1];
        let mask = RunMask::from_row_major(&px, 2, 2);
        assert_eq!(mask_to_polygons(&mask).len(), 2);
        assert_eq!(roundtrip(&mask), mask);
    }

    proptest! {
        #[test]
        fn polygons_rasterise_back_to_the_same_mask(
            (w, h, px) in (1u32..16, 1u32..16).prop_flat_map(|(w, h)| (
                Just(w), Just(h),
                proptest::collection::vec(prop_oneof![1 => Just(0u8), 1 => Just(1u8)], (w * h) as usize),
            ))
        ) {
            let mask = RunMask::from_row_major(&px, w, h);
            prop_assert_eq!(roundtrip(&mask), mask);
        }
    }
}
