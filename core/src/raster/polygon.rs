//! Polygon → mask exactly as pycocotools' `frPyObjects` (`rleFrPoly`) rasterises it.
//!
//! A literal port: points are upsampled ×5 and rounded, the outline is walked on that grid, and
//! a pixel column `x` gets its boundary crossings where the walk crosses `x` on the fine grid.
//! The rules that decide border pixels (rounding with `+0.5` and truncation toward zero,
//! clamping of `y` to `[0, h]`, dropping crossings outside `[0, w-1]`) are pycocotools' own, so
//! the masks — and thus areas and IoUs — match what training code computes from the same JSON.

use super::rle::Rle;
use crate::model::{Point, PolygonShape};

/// Beyond this (in image pixels) coordinates no longer fit pycocotools' 32-bit grid (×5): such
/// vertices, and non-finite ones, are clipped to the image grown by [`FAR_MARGIN`] first, so
/// hostile input cannot make the outline walk huge.
pub const GRID_LIMIT: f64 = (i32::MAX / 8) as f64;

/// How far outside the image a vertex beyond [`GRID_LIMIT`] is moved in.
pub const FAR_MARGIN: f64 = 1024.0;

/// Rasterises one closed ring (`xy` = x0, y0, x1, y1, …) on an `h × w` image, as `rleFrPoly`,
/// exactly for any vertex within [`GRID_LIMIT`] however far outside the image (the outline is
/// followed edge by edge only where it can cross a pixel column of the image). Fewer than one
/// point gives an empty mask.
pub fn polygon_to_rle(xy: &[f64], height: u32, width: u32) -> Rle {
    let on_grid = xy.iter().all(|v| v.is_finite() && v.abs() <= GRID_LIMIT);
    if on_grid {
        return rasterise(xy, height, width);
    }
    let (x_lo, y_lo) = (-FAR_MARGIN, -FAR_MARGIN);
    let (x_hi, y_hi) = (
        f64::from(width) + FAR_MARGIN,
        f64::from(height) + FAR_MARGIN,
    );
    let clipped = clip_ring(xy, x_lo, y_lo, x_hi, y_hi);
    rasterise(&clipped, height, width)
}

/// Sutherland–Hodgman clipping of a closed ring to a rectangle; non-finite points are dropped.
fn clip_ring(xy: &[f64], x_lo: f64, y_lo: f64, x_hi: f64, y_hi: f64) -> Vec<f64> {
    let mut points: Vec<(f64, f64)> = xy
        .chunks_exact(2)
        .map(|p| (p[0], p[1]))
        .filter(|p| p.0.is_finite() && p.1.is_finite())
        .collect();
    // Each edge of the rectangle as (inside test, intersection).
    type Inside = fn((f64, f64), f64) -> bool;
    let planes: [(Inside, f64, bool); 4] = [
        (|p, v| p.0 >= v, x_lo, true),
        (|p, v| p.0 <= v, x_hi, true),
        (|p, v| p.1 >= v, y_lo, false),
        (|p, v| p.1 <= v, y_hi, false),
    ];
    for (inside, value, vertical) in planes {
        let input = std::mem::take(&mut points);
        let n = input.len();
        for i in 0..n {
            let (a, b) = (input[(i + n - 1) % n], input[i]);
            let cut = |a: (f64, f64), b: (f64, f64)| {
                if vertical {
                    let t = (value - a.0) / (b.0 - a.0);
                    (value, a.1 + t * (b.1 - a.1))
                } else {
                    let t = (value - a.1) / (b.1 - a.1);
                    (a.0 + t * (b.0 - a.0), value)
                }
            };
            match (inside(a, value), inside(b, value)) {
                (true, true) => points.push(b),
                (true, false) => points.push(cut(a, b)),
                (false, true) => {
                    points.push(cut(a, b));
                    points.push(b);
                }
                (false, false) => {}
            }
        }
    }
    points.into_iter().flat_map(|(x, y)| [x, y]).collect()
}

/// The ring's edges on pycocotools' ×5 grid (`(int)(5·v + .5)`: truncation toward zero,
/// saturating like Rust's `as`), closed; empty without a point.
fn grid_edges(xy: &[f64]) -> Vec<Edge> {
    let k = xy.len() / 2;
    let on_grid = |v: f64| (5.0 * v + 0.5) as i32;
    let point = |j: usize| (on_grid(xy[2 * (j % k)]), on_grid(xy[2 * (j % k) + 1]));
    (0..k)
        .map(|j| {
            let ((x0, y0), (x1, y1)) = (point(j), point(j + 1));
            Edge::new(x0, y0, x1, y1)
        })
        .collect()
}

fn rasterise(xy: &[f64], height: u32, width: u32) -> Rle {
    let (h, w) = (height, width);
    if xy.len() < 2 {
        return Rle {
            height,
            width,
            counts: vec![h.saturating_mul(w)],
        };
    }
    let (w64, h64) = (i64::from(w), i64::from(h));
    let edges = grid_edges(xy);
    let mut crossings: Vec<u64> = Vec::new();
    let mut cross = |p: (i32, i32), q: (i32, i32)| {
        if let Some(c) = crossing(p, q, w64, h64) {
            crossings.push(c);
        }
    };
    for (j, e) in edges.iter().enumerate() {
        e.crossings(w64, &mut cross);
        // The walk is one list: the last point of an edge and the first of the next are
        // neighbours too (the same point, unless the slope's rounding moved it).
        if let Some(next) = edges.get(j + 1) {
            cross(e.ends().1, next.ends().0);
        }
    }
    runs(crossings, height, width)
}

/// The mask from its column crossings (`column · h + row`, in any order): sorted, turned into
/// run lengths and pycocotools' folding of zero-length runs applied.
fn runs(mut crossings: Vec<u64>, height: u32, width: u32) -> Rle {
    crossings.push(u64::from(height) * u64::from(width));
    crossings.sort_unstable();
    let mut previous = 0u64;
    for c in crossings.iter_mut() {
        let t = *c;
        *c -= previous;
        previous = t;
    }
    let mut counts: Vec<u32> = Vec::with_capacity(crossings.len());
    let mut j = 0;
    counts.push(crossings[0] as u32);
    j += 1;
    while j < crossings.len() {
        if crossings[j] > 0 {
            counts.push(crossings[j] as u32);
            j += 1;
        } else {
            j += 1;
            if j < crossings.len() {
                if let Some(last) = counts.last_mut() {
                    *last += crossings[j] as u32;
                }
                j += 1;
            }
        }
    }
    Rle {
        height,
        width,
        counts,
    }
}

/// Where two neighbouring points of the walk cross a pixel column, as pycocotools decides it:
/// in floating point `xd = (u + .5) / 5 - .5` must be a whole column in `[0, w-1]` and
/// `yd = ceil(clamp((v + .5) / 5 - .5, 0, h))`. Both are exact rationals with denominator 5, so
/// the same decisions are made here in integers: `xd` is whole exactly when `u ≡ 2 (mod 5)`,
/// and `ceil((v - 2) / 5)` clamped equals the float result (a non-whole value is at least 1/5
/// away from an integer, far beyond rounding error). Answers `column · h + row`.
fn crossing(p: (i32, i32), q: (i32, i32), w: i64, h: i64) -> Option<u64> {
    let ((up, vp), (uj, vj)) = (p, q);
    if uj == up {
        return None;
    }
    let us = i64::from(if uj < up { uj } else { uj - 1 });
    if (us - 2).rem_euclid(5) != 0 {
        return None;
    }
    let column = (us - 2).div_euclid(5);
    // `w == 0`: pycocotools compares against `w - 1` wrapped to a huge unsigned value.
    if column < 0 || (w > 0 && column > w - 1) {
        return None;
    }
    let vs = i64::from(vj.min(vp));
    let row = ((vs - 2).div_euclid(5) + i64::from((vs - 2).rem_euclid(5) != 0)).clamp(0, h);
    Some(column as u64 * h as u64 + row as u64)
}

/// One edge of the outline on the ×5 grid, oriented as pycocotools walks it (its start is the
/// smaller end along the edge's main axis), with the point at step `t` computed as it does.
struct Edge {
    xs: i64,
    ys: i64,
    n: i64,
    /// Along x (`dx >= dy`) or along y.
    along_x: bool,
    s: f64,
    /// pycocotools emits the points from `t = n` down to 0.
    flip: bool,
}

impl Edge {
    fn new(x0: i32, y0: i32, x1: i32, y1: i32) -> Edge {
        let (mut xs, mut xe, mut ys, mut ye) =
            (i64::from(x0), i64::from(x1), i64::from(y0), i64::from(y1));
        let dx = (xe - xs).abs();
        let dy = (ys - ye).abs();
        let flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
        if flip {
            std::mem::swap(&mut xs, &mut xe);
            std::mem::swap(&mut ys, &mut ye);
        }
        if dx >= dy {
            // dx == 0 only for a repeated vertex: pycocotools divides 0/0 there; the point's v
            // is never compared (its u equals its neighbours'), so any value does.
            let s = if dx == 0 {
                0.0
            } else {
                (ye - ys) as f64 / dx as f64
            };
            Edge {
                xs,
                ys,
                n: dx,
                along_x: true,
                s,
                flip,
            }
        } else {
            Edge {
                xs,
                ys,
                n: dy,
                along_x: false,
                s: (xe - xs) as f64 / dy as f64,
                flip,
            }
        }
    }

    /// The point at step `t` (0..=n), as pycocotools computes it (32-bit, like its ints).
    fn at(&self, t: i64) -> (i32, i32) {
        if self.along_x {
            (
                (t + self.xs) as i32,
                (self.ys as f64 + self.s * t as f64 + 0.5) as i32,
            )
        } else {
            (
                (self.xs as f64 + self.s * t as f64 + 0.5) as i32,
                (t + self.ys) as i32,
            )
        }
    }

    /// The first and the last point emitted for this edge.
    fn ends(&self) -> ((i32, i32), (i32, i32)) {
        if self.flip {
            (self.at(self.n), self.at(0))
        } else {
            (self.at(0), self.at(self.n))
        }
    }
}

impl Edge {
    /// Calls `cross` for each pair of neighbouring points of this edge that can cross a pixel
    /// column of an image `w` wide: only the steps at columns `u ≡ 2 (mod 5)` within the image,
    /// found by arithmetic along x and by bisection along y (where `u` is monotone), so an edge
    /// far longer than the image costs what its part over the image costs.
    fn crossings(&self, w: i64, cross: &mut impl FnMut((i32, i32), (i32, i32))) {
        // The columns' fine-grid positions `5c + 2`, c in [0, w-1] (all of them when w is 0).
        let (lo, hi) = if w > 0 {
            (2, 5 * (w - 1) + 2)
        } else {
            (2, i64::MAX)
        };
        if self.along_x {
            // u steps by one each t: the pair (t, t+1) sits at us = xs + t.
            let first = (self.xs).max(lo);
            let last = (self.xs + self.n - 1).min(hi);
            let mut us = first + (2 - first).rem_euclid(5);
            while us <= last {
                let t = us - self.xs;
                cross(self.at(t), self.at(t + 1));
                us += 5;
            }
            return;
        }
        // Along y, u moves by at most one per step and only one way: each value between the
        // ends is left exactly once.
        let (u0, un) = (self.at(0).0 as i64, self.at(self.n).0 as i64);
        if u0 == un {
            return;
        }
        let rising = un > u0;
        let first = u0.min(un).max(lo);
        let last = (u0.max(un) - 1).min(hi);
        let mut us = first + (2 - first).rem_euclid(5);
        while us <= last {
            // The last t still on the near side of the step between us and us + 1.
            let before = |t: i64| {
                let u = self.at(t).0 as i64;
                if rising {
                    u <= us
                } else {
                    u > us
                }
            };
            let (mut a, mut b) = (0i64, self.n);
            while b - a > 1 {
                let m = a + (b - a) / 2;
                if before(m) {
                    a = m;
                } else {
                    b = m;
                }
            }
            cross(self.at(a), self.at(a + 1));
            us += 5;
        }
    }
}

fn ring_xy(ring: &[Point]) -> Vec<f64> {
    ring.iter().flat_map(|p| [p.x, p.y]).collect()
}

/// Rasterises a polygon shape: the union over its parts of the part's exterior minus its
/// holes (so an island inside another part's hole stays). Without holes the result is exactly
/// pycocotools' `merge(frPyObjects(parts, h, w))`.
pub fn shape_polygon_to_rle(shape: &PolygonShape, height: u32, width: u32) -> Rle {
    let empty = || Rle {
        height,
        width,
        counts: vec![height.saturating_mul(width)],
    };
    let parts: Vec<Rle> = shape
        .parts
        .iter()
        .map(|part| {
            let outer = polygon_to_rle(&ring_xy(&part.exterior), height, width);
            if part.holes.is_empty() {
                return outer;
            }
            let holes: Vec<Rle> = part
                .holes
                .iter()
                .map(|ring| polygon_to_rle(&ring_xy(ring), height, width))
                .collect();
            match Rle::merge(&holes, false) {
                Ok(holes) => subtract(&outer, &holes),
                Err(_) => outer,
            }
        })
        .collect();
    match parts.len() {
        0 => empty(),
        1 => parts.into_iter().next().unwrap_or_else(empty),
        _ => Rle::merge(&parts, false).unwrap_or_else(|_| empty()),
    }
}

/// `a` without the pixels of `b` (same size).
fn subtract(a: &Rle, b: &Rle) -> Rle {
    match (a.decode(), b.decode()) {
        (Ok(ma), Ok(mb)) => {
            let m: Vec<u8> = ma.iter().zip(&mb).map(|(x, y)| x & (1 - y)).collect();
            Rle::encode(&m, a.height, a.width)
        }
        _ => a.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PolygonPart;
    use proptest::prelude::*;

    /// The outline walked point by point, as pycocotools does: every point of every edge in
    /// the order it emits them, every neighbouring pair tested. The fast path, which skips the
    /// steps that cannot cross the image, must give the same mask.
    fn walk_reference(xy: &[f64], height: u32, width: u32) -> Rle {
        if xy.len() < 2 {
            return Rle {
                height,
                width,
                counts: vec![height.saturating_mul(width)],
            };
        }
        let mut uv: Vec<(i32, i32)> = Vec::new();
        for e in grid_edges(xy) {
            let steps: Vec<i64> = if e.flip {
                (0..=e.n).rev().collect()
            } else {
                (0..=e.n).collect()
            };
            uv.extend(steps.into_iter().map(|t| e.at(t)));
        }
        let (w64, h64) = (i64::from(width), i64::from(height));
        let crossings = uv
            .windows(2)
            .filter_map(|p| crossing(p[0], p[1], w64, h64))
            .collect();
        runs(crossings, height, width)
    }

    proptest! {
        /// Following edges only where they can cross the image gives pycocotools' walk, pixel
        /// for pixel, also for vertices far outside the image and steep or long edges.
        #[test]
        fn the_fast_walk_equals_the_full_walk(
            ring in prop::collection::vec((-3000.0f64..3000.0, -3000.0f64..3000.0), 1..9),
            near in prop::collection::vec((-5.0f64..60.0, -5.0f64..60.0), 0..6),
            h in 0u32..50,
            w in 0u32..50,
        ) {
            let xy: Vec<f64> = ring.iter().chain(&near).flat_map(|&(x, y)| [x, y]).collect();
            prop_assert_eq!(rasterise(&xy, h, w), walk_reference(&xy, h, w));
        }
    }

    fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<f64> {
        vec![x0, y0, x1, y0, x1, y1, x0, y1]
    }

    #[test]
    fn a_square_on_pixel_edges_covers_those_pixels() {
        // pycocotools 2.0.10: frPyObjects([[2,2,6,2,6,5,2,5]], 8, 8) → counts b'b03500000>',
        // area 12, bbox [2, 2, 4, 3]: pixels whose centres lie inside (columns 2..=5, rows 2..=4).
        let rle = polygon_to_rle(&square(2.0, 2.0, 6.0, 5.0), 8, 8);
        assert_eq!(rle.to_compressed(), "b03500000>");
        assert_eq!(rle.area(), 12);
        assert_eq!(rle.bbox(), [2.0, 2.0, 4.0, 3.0]);
        rle.check().unwrap();
    }

    #[test]
    fn polygons_outside_the_image_are_clipped_not_wrapped() {
        let rle = polygon_to_rle(&square(-10.0, -10.0, 100.0, 100.0), 6, 7);
        rle.check().unwrap();
        assert_eq!(rle.to_compressed(), "0Z1");
        assert_eq!(rle.area(), 42);
        let off = polygon_to_rle(&square(20.0, 20.0, 30.0, 30.0), 6, 7);
        assert_eq!(off.area(), 0);
        off.check().unwrap();
    }

    #[test]
    fn hostile_coordinates_neither_hang_nor_panic() {
        let huge = polygon_to_rle(
            &[-1e12, -1e12, 1e12, -1e12, 1e12, 1e12, -1e12, 1e12],
            20,
            30,
        );
        assert_eq!(huge.area(), 600);
        let nan = polygon_to_rle(
            &[f64::NAN, 0.0, 10.0, f64::INFINITY, 5.0, 5.0, 1.0, 8.0],
            20,
            30,
        );
        nan.check().unwrap();
        // One far vertex: the part inside the image matches the same triangle cut at the margin.
        let far = polygon_to_rle(&[2.0, 2.0, 1e9, 10.0, 2.0, 18.0], 20, 30);
        far.check().unwrap();
        assert!(far.area() > 400);
    }

    #[test]
    fn holes_are_subtracted() {
        let shape = PolygonShape {
            parts: vec![PolygonPart {
                exterior: vec![
                    Point::new(0.0, 0.0),
                    Point::new(9.0, 0.0),
                    Point::new(9.0, 9.0),
                    Point::new(0.0, 9.0),
                ],
                holes: vec![vec![
                    Point::new(3.0, 3.0),
                    Point::new(6.0, 3.0),
                    Point::new(6.0, 6.0),
                    Point::new(3.0, 6.0),
                ]],
            }],
        };
        let full = polygon_to_rle(&square(0.0, 0.0, 9.0, 9.0), 12, 12).area();
        let hole = polygon_to_rle(&square(3.0, 3.0, 6.0, 6.0), 12, 12).area();
        assert_eq!(shape_polygon_to_rle(&shape, 12, 12).area(), full - hole);
    }
}
