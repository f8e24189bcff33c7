//! Polygon → mask exactly as pycocotools' `frPyObjects` (`rleFrPoly`) rasterises it.
//!
//! A literal port: points are upsampled ×5 and rounded, the outline is walked on that grid, and
//! a pixel column `x` gets its boundary crossings where the walk crosses `x` on the fine grid.
//! The rules that decide border pixels (rounding with `+0.5` and truncation toward zero,
//! clamping of `y` to `[0, h]`, dropping crossings outside `[0, w-1]`) are pycocotools' own, so
//! the masks — and thus areas and IoUs — match what training code computes from the same JSON.

use super::rle::Rle;
use crate::model::{Point, PolygonShape};

/// Rasterises one closed ring (`xy` = x0, y0, x1, y1, …) on an `h × w` image, as `rleFrPoly`.
/// Fewer than one point gives an empty mask.
pub fn polygon_to_rle(xy: &[f64], height: u32, width: u32) -> Rle {
    let (h, w) = (height, width);
    let k = xy.len() / 2;
    if k == 0 {
        return Rle {
            height,
            width,
            counts: vec![h.saturating_mul(w)],
        };
    }
    let scale = 5.0f64;
    // `(int)(scale*v+.5)`: truncation toward zero, saturating like Rust's `as`.
    let mut x: Vec<i64> = (0..k)
        .map(|j| (scale * xy[2 * j] + 0.5) as i32 as i64)
        .collect();
    let mut y: Vec<i64> = (0..k)
        .map(|j| (scale * xy[2 * j + 1] + 0.5) as i32 as i64)
        .collect();
    x.push(x[0]);
    y.push(y[0]);
    // Dense points along the outline on the fine grid.
    let mut u: Vec<i64> = Vec::new();
    let mut v: Vec<i64> = Vec::new();
    for j in 0..k {
        let (mut xs, mut xe, mut ys, mut ye) = (x[j], x[j + 1], y[j], y[j + 1]);
        let dx = (xe - xs).abs();
        let dy = (ys - ye).abs();
        let flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
        if flip {
            std::mem::swap(&mut xs, &mut xe);
            std::mem::swap(&mut ys, &mut ye);
        }
        let s = if dx >= dy {
            (ye - ys) as f64 / dx as f64
        } else {
            (xe - xs) as f64 / dy as f64
        };
        if dx >= dy {
            for d in 0..=dx {
                let t = if flip { dx - d } else { d };
                u.push(t + xs);
                v.push((ys as f64 + s * t as f64 + 0.5) as i32 as i64);
            }
        } else {
            for d in 0..=dy {
                let t = if flip { dy - d } else { d };
                v.push(t + ys);
                u.push((xs as f64 + s * t as f64 + 0.5) as i32 as i64);
            }
        }
    }
    // Crossings of pixel columns, downsampled.
    let w_minus_one = f64::from(w) - 1.0;
    let w_limit = if w == 0 { u64::MAX as f64 } else { w_minus_one };
    let mut crossings: Vec<u64> = Vec::new();
    for j in 1..u.len() {
        if u[j] == u[j - 1] {
            continue;
        }
        let xd = if u[j] < u[j - 1] { u[j] } else { u[j] - 1 } as f64;
        let xd = (xd + 0.5) / scale - 0.5;
        if xd.floor() != xd || xd < 0.0 || xd > w_limit {
            continue;
        }
        let yd = if v[j] < v[j - 1] { v[j] } else { v[j - 1] } as f64;
        let mut yd = (yd + 0.5) / scale - 0.5;
        if yd < 0.0 {
            yd = 0.0;
        } else if yd > f64::from(h) {
            yd = f64::from(h);
        }
        let yd = yd.ceil();
        crossings.push((xd as u64) * u64::from(h) + yd as u64);
    }
    crossings.push(u64::from(h) * u64::from(w));
    crossings.sort_unstable();
    // Differences, then pycocotools' folding of zero-length runs.
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
