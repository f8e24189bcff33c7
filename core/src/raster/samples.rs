//! Deterministic inputs for benchmarks and timing comparisons, shared by the criterion benches
//! and the pycocotools ratio example so both measure the same work.

use crate::model::Point;

/// A star-shaped polygon of `n` vertices filling most of a `size × size` image, as flat
/// `x0, y0, x1, y1, …`.
pub fn star_polygon(n: usize, size: u32) -> Vec<f64> {
    let c = f64::from(size) / 2.0;
    (0..n)
        .flat_map(|i| {
            let t = i as f64 / n as f64 * std::f64::consts::TAU;
            let r = c * (0.55 + 0.35 * (7.0 * t).sin() * (3.0 * t).cos());
            [c + r * t.cos(), c + r * t.sin()]
        })
        .collect()
}

/// `count` polygons of 12 vertices scattered over a `size × size` image (for IoU matrices).
pub fn scattered_polygons(count: usize, size: u32) -> Vec<Vec<f64>> {
    let s = f64::from(size);
    (0..count)
        .map(|k| {
            let (cx, cy) = (
                (k as f64 * 0.618_034).fract() * s * 0.8 + s * 0.1,
                (k as f64 * 0.414_214).fract() * s * 0.8 + s * 0.1,
            );
            let r = s * (0.05 + 0.1 * ((k as f64) * 0.37).sin().abs());
            (0..12)
                .flat_map(|i| {
                    let t = i as f64 / 12.0 * std::f64::consts::TAU;
                    let rr = r * (0.8 + 0.2 * (3.0 * t + k as f64).cos());
                    [cx + rr * t.cos(), cy + rr * t.sin()]
                })
                .collect()
        })
        .collect()
}

/// A 500-pixel-long wavy brush path (one point every 5 pixels, as pointer events arrive).
pub fn brush_path(size: u32) -> Vec<Point> {
    let c = f64::from(size) / 2.0;
    (0..=100)
        .map(|i| {
            let x = c - 250.0 + 5.0 * f64::from(i);
            Point::new(x, c + 40.0 * (f64::from(i) / 8.0).sin())
        })
        .collect()
}

/// A photo-like RGBA image: smooth gradients, a few flat regions, and noise.
pub fn photo(size: u32) -> Vec<u8> {
    let mut state: u32 = 0x1234_5678;
    let mut out = Vec::with_capacity(size as usize * size as usize * 4);
    for y in 0..size {
        for x in 0..size {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let noise = (state & 7) as u8;
            let sky = y < size / 3;
            let (r, g, b) = if sky {
                (90, 140, 200u8.saturating_sub((y * 60 / size) as u8))
            } else {
                let t = ((x ^ y) >> 6) & 0x3f;
                (60 + t as u8, 110 + (t / 2) as u8, 40)
            };
            out.extend([
                r.saturating_add(noise),
                g.saturating_add(noise),
                b.saturating_add(noise),
                255,
            ]);
        }
    }
    out
}
