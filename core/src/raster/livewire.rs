//! Intelligent scissors (live wire, Mortensen & Barrett): the cheapest 8-connected path between
//! two pixels over a cost that is low on strong edges, so a path pulled from an anchor to the
//! pointer follows the object's boundary.
//!
//! Written by hand because it must keep up with the pointer: the cost (one minus the Sobel
//! gradient magnitude) is computed once per image, a byte a pixel; Dijkstra's search covers a
//! window around the anchor and is resumed rather than restarted as the pointer moves — a
//! node's path is final once it is settled, so a move costs only the nodes settled since the
//! last one plus walking its path back.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

/// Side of the square window searched around an anchor, in pixels (grown when the pointer
/// leaves it).
pub const WINDOW: u32 = 2048;

/// Cost of a step onto a pixel with no gradient at all; a pixel on an edge as strong as the
/// image's strongest (its 99.5th percentile) costs 1. Diagonal steps cost √2 times as much
/// (14/10).
const FLAT: u32 = 64;

/// The 8 neighbours, as (dx, dy).
const STEPS: [(i32, i32); 8] = [
    (1, 0),
    (-1, 0),
    (0, 1),
    (0, -1),
    (1, 1),
    (-1, -1),
    (1, -1),
    (-1, 1),
];

/// The cost of stepping onto each pixel of an image: low on strong edges. Computed once per
/// image (a byte per pixel) and shared by every search on it.
#[derive(Clone, PartialEq, Eq)]
pub struct EdgeCost {
    width: u32,
    height: u32,
    cost: Vec<u8>,
}

impl std::fmt::Debug for EdgeCost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EdgeCost({} × {})", self.width, self.height)
    }
}

/// Luminance of one RGBA pixel (integer Rec. 601 weights).
fn luma(rgba: &[u8], i: usize) -> i32 {
    let p = &rgba[i * 4..i * 4 + 3];
    (i32::from(p[0]) * 299 + i32::from(p[1]) * 587 + i32::from(p[2]) * 114) / 1000
}

impl EdgeCost {
    /// One minus the Sobel gradient magnitude of the luminance, normalised by the image's
    /// 99.5th percentile (so one extreme edge does not flatten the rest), borders clamped.
    /// `None` when `rgba` is not `width × height` pixels.
    pub fn new(rgba: &[u8], width: u32, height: u32) -> Option<EdgeCost> {
        let n = (width as usize) * (height as usize);
        if width == 0 || height == 0 || rgba.len() < n * 4 {
            return None;
        }
        let (w, h) = (width as usize, height as usize);
        let lum: Vec<i16> = (0..n).map(|i| luma(rgba, i) as i16).collect();
        // |g| of Sobel on 8-bit values is at most 4 · 255 · √2 < 1443.
        let mut grad = vec![0u16; n];
        let mut histogram = vec![0usize; 1443];
        for y in 0..h {
            let (up, down) = (y.saturating_sub(1), (y + 1).min(h - 1));
            for x in 0..w {
                let (left, right) = (x.saturating_sub(1), (x + 1).min(w - 1));
                let l = |xx: usize, yy: usize| i32::from(lum[yy * w + xx]);
                let gx = (l(right, up) + 2 * l(right, y) + l(right, down))
                    - (l(left, up) + 2 * l(left, y) + l(left, down));
                let gy = (l(left, down) + 2 * l(x, down) + l(right, down))
                    - (l(left, up) + 2 * l(x, up) + l(right, up));
                let g = (((gx * gx + gy * gy) as f32).sqrt() as usize).min(1442);
                grad[y * w + x] = g as u16;
                histogram[g] += 1;
            }
        }
        let mut seen = 0;
        let mut top = 1;
        for (g, count) in histogram.iter().enumerate() {
            seen += count;
            if seen * 1000 >= n * 995 {
                top = g.max(1);
                break;
            }
        }
        let cost = grad
            .iter()
            .map(|&g| {
                let edge = (f32::from(g) / top as f32).min(1.0);
                1 + ((1.0 - edge) * (FLAT - 1) as f32).round() as u8
            })
            .collect();
        Some(EdgeCost {
            width,
            height,
            cost,
        })
    }

    /// The image's width.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// The image's height.
    pub fn height(&self) -> u32 {
        self.height
    }
}

/// A search from one anchor over a window of the image.
#[derive(Clone)]
pub struct LiveWire {
    costs: Arc<EdgeCost>,
    /// Window origin and size in image pixels.
    x0: u32,
    y0: u32,
    w: u32,
    h: u32,
    /// The anchor, in window coordinates.
    seed: u32,
    /// Pixels made expensive to cross (window indices).
    avoided: std::collections::HashSet<u32>,
    dist: Vec<u32>,
    /// How each reached pixel was reached: the index into [`STEPS`] + 1 (0: not yet).
    came: Vec<u8>,
    settled: Vec<bool>,
    heap: BinaryHeap<Reverse<(u32, u32)>>,
}

impl std::fmt::Debug for LiveWire {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveWire")
            .field("anchor", &self.anchor())
            .field("window", &(self.x0, self.y0, self.w, self.h))
            .finish_non_exhaustive()
    }
}

impl LiveWire {
    /// A search from `(ax, ay)` over a window of side `side` around it (and around `towards`,
    /// when given).
    pub fn new(
        costs: Arc<EdgeCost>,
        (ax, ay): (u32, u32),
        towards: Option<(u32, u32)>,
        side: u32,
    ) -> LiveWire {
        let (width, height) = (costs.width, costs.height);
        let (ax, ay) = (ax.min(width - 1), ay.min(height - 1));
        let (tx, ty) = towards.map_or((ax, ay), |(x, y)| (x.min(width - 1), y.min(height - 1)));
        let half = side / 2;
        let x0 = ax.min(tx).saturating_sub(half);
        let y0 = ay.min(ty).saturating_sub(half);
        let x1 = (ax.max(tx) + half + 1).min(width);
        let y1 = (ay.max(ty) + half + 1).min(height);
        let (w, h) = (x1 - x0, y1 - y0);
        let n = (w as usize) * (h as usize);
        let seed = (ay - y0) * w + (ax - x0);
        let mut wire = LiveWire {
            costs,
            x0,
            y0,
            w,
            h,
            seed,
            avoided: Default::default(),
            dist: vec![u32::MAX; n],
            came: vec![0; n],
            settled: vec![false; n],
            heap: BinaryHeap::new(),
        };
        wire.dist[seed as usize] = 0;
        wire.heap.push(Reverse((0, seed)));
        wire
    }

    /// Makes `pixels` (image coordinates) expensive to cross, so a path closing an outline
    /// comes back along the other side rather than over what it traced. Only before the first
    /// [`LiveWire::path_to`]: settled paths do not change.
    pub fn avoid(&mut self, pixels: &[(u32, u32)]) {
        for &(x, y) in pixels {
            if self.covers(x, y) {
                let i = (y - self.y0) * self.w + (x - self.x0);
                if i != self.seed {
                    self.avoided.insert(i);
                }
            }
        }
    }

    /// The anchor in image pixels.
    pub fn anchor(&self) -> (u32, u32) {
        (self.x0 + self.seed % self.w, self.y0 + self.seed / self.w)
    }

    /// Whether `(x, y)` lies in the searched window.
    pub fn covers(&self, x: u32, y: u32) -> bool {
        x >= self.x0 && y >= self.y0 && x < self.x0 + self.w && y < self.y0 + self.h
    }

    /// Settles nodes until `target` (window index) is settled.
    fn settle(&mut self, target: u32) {
        let (w, h) = (self.w as i64, self.h as i64);
        let (width, x0, y0) = (
            self.costs.width as usize,
            self.x0 as usize,
            self.y0 as usize,
        );
        while !self.settled[target as usize] {
            let Some(Reverse((d, i))) = self.heap.pop() else {
                return;
            };
            if self.settled[i as usize] {
                continue;
            }
            self.settled[i as usize] = true;
            let (x, y) = (i64::from(i) % w, i64::from(i) / w);
            for (k, (dx, dy)) in STEPS.iter().enumerate() {
                let (nx, ny) = (x + i64::from(*dx), y + i64::from(*dy));
                if nx < 0 || ny < 0 || nx >= w || ny >= h {
                    continue;
                }
                let j = (ny * w + nx) as usize;
                if self.settled[j] {
                    continue;
                }
                let base = if self.avoided.contains(&(j as u32)) {
                    FLAT * 16
                } else {
                    u32::from(self.costs.cost[(y0 + ny as usize) * width + x0 + nx as usize])
                };
                let nd = d + base * if k < 4 { 10 } else { 14 };
                if nd < self.dist[j] {
                    self.dist[j] = nd;
                    self.came[j] = k as u8 + 1;
                    self.heap.push(Reverse((nd, j as u32)));
                }
            }
        }
    }

    /// The cheapest path from the anchor to `(x, y)` (which must be in the window), both ends
    /// included, as image pixels.
    pub fn path_to(&mut self, x: u32, y: u32) -> Option<Vec<(u32, u32)>> {
        if !self.covers(x, y) {
            return None;
        }
        let target = (y - self.y0) * self.w + (x - self.x0);
        self.settle(target);
        if !self.settled[target as usize] {
            return None;
        }
        let mut path = vec![(x, y)];
        let mut i = target;
        while i != self.seed {
            let k = self.came[i as usize].checked_sub(1)?;
            let (dx, dy) = STEPS[k as usize];
            let (cx, cy) = (i % self.w, i / self.w);
            let (px, py) = (cx as i32 - dx, cy as i32 - dy);
            i = py as u32 * self.w + px as u32;
            path.push((self.x0 + px as u32, self.y0 + py as u32));
        }
        path.reverse();
        Some(path)
    }
}

/// The pixel of strongest gradient within `radius` of `(x, y)` (ties: the nearest), so an
/// anchor dropped near an edge sits on it.
pub fn snap(rgba: &[u8], width: u32, height: u32, (x, y): (u32, u32), radius: u32) -> (u32, u32) {
    if width < 3 || height < 3 || rgba.len() < (width as usize) * (height as usize) * 4 {
        return (x, y);
    }
    let at = |x: u32, y: u32| luma(rgba, (y * width + x) as usize);
    let mut best = ((x.min(width - 1), y.min(height - 1)), -1i64, 0u32);
    let (lo_x, hi_x) = (x.saturating_sub(radius).max(1), (x + radius).min(width - 2));
    let (lo_y, hi_y) = (
        y.saturating_sub(radius).max(1),
        (y + radius).min(height - 2),
    );
    for cy in lo_y..=hi_y {
        for cx in lo_x..=hi_x {
            let gx = i64::from(at(cx + 1, cy) - at(cx - 1, cy));
            let gy = i64::from(at(cx, cy + 1) - at(cx, cy - 1));
            let g = gx * gx + gy * gy;
            let d = cx.abs_diff(x).pow(2) + cy.abs_diff(y).pow(2);
            if g > best.1 || (g == best.1 && d < best.2) {
                best = ((cx, cy), g, d);
            }
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A white `w × h` image with a black rectangle `[rx0, rx1) × [ry0, ry1)`.
    fn image(w: u32, h: u32, rect: (u32, u32, u32, u32)) -> Vec<u8> {
        let mut rgba = vec![255u8; (w * h * 4) as usize];
        for y in rect.2..rect.3 {
            for x in rect.0..rect.1 {
                let i = ((y * w + x) * 4) as usize;
                rgba[i..i + 3].copy_from_slice(&[0, 0, 0]);
            }
        }
        rgba
    }

    #[test]
    fn the_path_follows_the_edge_not_the_straight_line() {
        let rgba = image(100, 80, (20, 80, 20, 60));
        let costs = Arc::new(EdgeCost::new(&rgba, 100, 80).unwrap());
        let mut wire = LiveWire::new(costs, (20, 20), None, WINDOW);
        // From the top-left corner to the bottom-right one: along two sides of the
        // rectangle, never across its flat inside.
        let path = wire.path_to(79, 59).unwrap();
        assert_eq!(path[0], (20, 20));
        assert_eq!(*path.last().unwrap(), (79, 59));
        for (x, y) in &path {
            let near_edge = [19, 20, 79, 80].iter().any(|e| x.abs_diff(*e) <= 1)
                || [19, 20, 59, 60].iter().any(|e| y.abs_diff(*e) <= 1);
            assert!(near_edge, "({x}, {y}) is off the boundary");
        }
        // Consecutive pixels are 8-neighbours.
        for pair in path.windows(2) {
            assert!(pair[0].0.abs_diff(pair[1].0) <= 1 && pair[0].1.abs_diff(pair[1].1) <= 1);
        }
        // Asking again (the search resumes) gives the same path; outside the window, none.
        assert_eq!(wire.path_to(79, 59).unwrap(), path);
        assert_eq!(wire.path_to(200, 5), None);
        assert!(EdgeCost::new(&rgba, 100, 81).is_none());
    }

    #[test]
    fn anchors_snap_to_the_nearest_strongest_edge() {
        let rgba = image(60, 60, (20, 40, 20, 40));
        let (x, y) = snap(&rgba, 60, 60, (17, 30), 4);
        assert!((19..=20).contains(&x) && y.abs_diff(30) <= 1, "({x}, {y})");
        // A flat neighbourhood keeps the point.
        assert_eq!(snap(&rgba, 60, 60, (5, 5), 3), (5, 5));
    }
}
