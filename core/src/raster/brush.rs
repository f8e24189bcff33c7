//! Brush strokes: a round brush dragged along a path paints the union of capsules between
//! consecutive points, so no speed of the pointer leaves gaps.
//!
//! A pixel is painted when its centre is within `radius` of the path. For each column the
//! capsule (convex) meets the column's centre line in one interval, computed exactly; the
//! stroke is therefore built column by column as runs, never as a dense image.

use super::mask::{RunMask, Span};
use crate::model::Point;

/// `[lo, hi]` of `y` on the vertical line `x = cx` within `radius` of segment `a`–`b`.
fn capsule_interval(cx: f64, a: Point, b: Point, radius: f64) -> Option<(f64, f64)> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for c in [a, b] {
        let dx = cx - c.x;
        let s = radius * radius - dx * dx;
        if s >= 0.0 {
            let r = s.sqrt();
            lo = lo.min(c.y - r);
            hi = hi.max(c.y + r);
        }
    }
    let (ux, uy) = (b.x - a.x, b.y - a.y);
    let length = (ux * ux + uy * uy).sqrt();
    if length > 0.0 {
        let (dx, dy) = (ux / length, uy / length);
        // Band: |n·(q−a)| ≤ r with n = (−dy, dx), and 0 ≤ d·(q−a) ≤ L.
        let band = |coef_y: f64, constant: f64, min: f64, max: f64| -> Option<(f64, f64)> {
            // min ≤ constant + coef_y·y ≤ max
            if coef_y.abs() < 1e-12 {
                return (constant >= min && constant <= max)
                    .then_some((f64::NEG_INFINITY, f64::INFINITY));
            }
            let (y0, y1) = ((min - constant) / coef_y, (max - constant) / coef_y);
            Some((y0.min(y1), y0.max(y1)))
        };
        let perpendicular = band(dx, -dy * (cx - a.x) - dx * a.y, -radius, radius);
        let along = band(dy, dx * (cx - a.x) - dy * a.y, 0.0, length);
        if let (Some(p), Some(q)) = (perpendicular, along) {
            let (l, h) = (p.0.max(q.0), p.1.min(q.1));
            if l <= h {
                lo = lo.min(l);
                hi = hi.max(h);
            }
        }
    }
    (lo <= hi).then_some((lo, hi))
}

/// Pixels whose centres `y + 0.5` fall in `[lo, hi]`, clipped to `[0, height)`.
fn pixel_span(lo: f64, hi: f64, height: u32) -> Option<Span> {
    let first = (lo - 0.5).ceil().max(0.0);
    let last = (hi - 0.5).floor().min(f64::from(height) - 1.0);
    (first <= last).then(|| (first as u32, last as u32 + 1))
}

/// The mask painted by a round brush of `radius` (image pixels) along `path`. One point paints
/// a disc; non-finite points are ignored.
pub fn stroke(width: u32, height: u32, path: &[Point], radius: f64) -> RunMask {
    let points: Vec<Point> = path
        .iter()
        .copied()
        .filter(|p| p.x.is_finite() && p.y.is_finite())
        .collect();
    let radius = if radius.is_finite() {
        radius.max(0.0)
    } else {
        0.0
    };
    let mut columns: Vec<(u32, Vec<Span>)> = Vec::new();
    let segments: Vec<(Point, Point)> = match points.len() {
        0 => return RunMask::empty(width, height),
        1 => vec![(points[0], points[0])],
        _ => points.windows(2).map(|w| (w[0], w[1])).collect(),
    };
    for (a, b) in segments {
        let x0 = (a.x.min(b.x) - radius - 0.5).ceil().max(0.0);
        let x1 = (a.x.max(b.x) + radius - 0.5)
            .floor()
            .min(f64::from(width) - 1.0);
        if x0 > x1 {
            continue;
        }
        for x in x0 as u32..=x1 as u32 {
            let cx = f64::from(x) + 0.5;
            if let Some((lo, hi)) = capsule_interval(cx, a, b, radius) {
                if let Some(span) = pixel_span(lo, hi, height) {
                    columns.push((x, vec![span]));
                }
            }
        }
    }
    RunMask::from_columns(width, height, columns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn distance_to_segment(p: Point, a: Point, b: Point) -> f64 {
        let (ux, uy) = (b.x - a.x, b.y - a.y);
        let len2 = ux * ux + uy * uy;
        let t = if len2 == 0.0 {
            0.0
        } else {
            (((p.x - a.x) * ux + (p.y - a.y) * uy) / len2).clamp(0.0, 1.0)
        };
        ((p.x - a.x - t * ux).powi(2) + (p.y - a.y - t * uy).powi(2)).sqrt()
    }

    proptest! {
        #[test]
        fn painted_pixels_are_exactly_those_near_the_path(
            pts in proptest::collection::vec((-5.0f64..45.0, -5.0f64..45.0), 1..5),
            radius in 0.0f64..8.0,
        ) {
            let path: Vec<Point> = pts.iter().map(|&(x, y)| Point::new(x, y)).collect();
            let mask = stroke(40, 40, &path, radius);
            for x in 0..40u32 {
                for y in 0..40u32 {
                    let c = Point::new(f64::from(x) + 0.5, f64::from(y) + 0.5);
                    let d = if path.len() == 1 {
                        distance_to_segment(c, path[0], path[0])
                    } else {
                        path.windows(2).map(|w| distance_to_segment(c, w[0], w[1])).fold(f64::INFINITY, f64::min)
                    };
                    // Pixels within float noise of the rim may go either way.
                    if (d - radius).abs() > 1e-9 {
                        prop_assert_eq!(mask.contains(x, y), d < radius, "pixel {},{} at distance {}", x, y, d);
                    }
                }
            }
        }
    }

    #[test]
    fn a_fast_stroke_has_no_gaps() {
        // Two points far apart (one pointer event each): the whole line between is painted.
        let mask = stroke(
            200,
            50,
            &[Point::new(5.0, 25.0), Point::new(195.0, 25.0)],
            3.0,
        );
        for x in 5..195 {
            assert!(
                mask.contains(x, 24) && mask.contains(x, 25),
                "gap at column {x}"
            );
        }
        assert!(!mask.contains(100, 29));
    }

    #[test]
    fn the_eraser_removes_what_the_brush_painted() {
        let painted = stroke(
            50,
            50,
            &[Point::new(10.0, 10.0), Point::new(40.0, 40.0)],
            5.0,
        );
        let erased = painted.subtract(&stroke(50, 50, &[Point::new(25.0, 25.0)], 6.0));
        assert!(painted.contains(25, 25) && !erased.contains(25, 25));
        assert!(erased.contains(12, 12));
        assert!(erased.area() < painted.area());
    }
}
