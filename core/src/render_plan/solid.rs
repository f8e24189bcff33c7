//! Small shapes in stacking order: every closed shape smaller than [`super::SOLID_PX`] on screen
//! (but not a dot) is painted into a raster of one screen pixel per cell, in the order shapes
//! stack, over what lies below it, in its class colour at [`SOLID_ALPHA`]. The class on top
//! shows on top and overlaps show through, as if each shape were filled on its own — one fill
//! per class colour would let the class drawn last cover all the others (100,000 boxes seen
//! whole would look one colour). Painting here costs a few cells per shape; a fill call per
//! shape would cost the canvas far more.

use super::Density;

/// Opacity of one small shape: solid enough to read its class, translucent enough that a
/// shape under it still tints the overlap.
pub const SOLID_ALPHA: f64 = 0.8;

/// Cells a raster may hold (16 MB of RGBA); past it the cells grow.
const MAX_CELLS: f64 = 4_000_000.0;

/// Gathers the small shapes of one plan, bottom first.
#[derive(Debug, Default)]
pub struct SolidGrid {
    cell: f64,
    /// Bounds `x0, y0, x1, y1` in image pixels and colour, in stacking order.
    shapes: Vec<([f64; 4], [u8; 3])>,
}

impl SolidGrid {
    /// A grid of `cell` image pixels (one screen pixel at the plan's zoom).
    pub fn new(cell: f64) -> Self {
        SolidGrid {
            cell: super::density::usable_cell(cell),
            shapes: Vec::new(),
        }
    }

    /// Adds a shape with bounds `(x0, y0, x1, y1)` of `color`, above those added before.
    pub fn add(&mut self, bounds: (f64, f64, f64, f64), color: [u8; 3]) {
        let (x0, y0, x1, y1) = bounds;
        if [x0, y0, x1, y1].iter().all(|v| v.is_finite()) {
            self.shapes.push(([x0, y0, x1, y1], color));
        }
    }

    /// The painted raster over the shapes' cells (aligned to multiples of the cell, so a
    /// redrawn part of the layer lines up with the rest); `None` without shapes.
    pub fn finish(self) -> Option<Density> {
        let mut painter = self.painter()?;
        while painter.paint(usize::MAX) {}
        Some(painter.into_density())
    }

    /// The raster, cleared, ready to be painted a number of shapes at a time (a large plan's
    /// raster is painted over several frames); `None` without shapes.
    pub fn painter(self) -> Option<SolidPainter> {
        let first = self.shapes.first()?;
        let mut span = first.0;
        for (b, _) in &self.shapes {
            span = [
                span[0].min(b[0]),
                span[1].min(b[1]),
                span[2].max(b[2]),
                span[3].max(b[3]),
            ];
        }
        let mut cell = self.cell;
        let cells = ((span[2] - span[0]) / cell + 1.0) * ((span[3] - span[1]) / cell + 1.0);
        if cells > MAX_CELLS {
            cell *= (cells / MAX_CELLS).sqrt().ceil();
        }
        let index = |v: f64| (v / cell).floor() as i64;
        let (c0, r0) = (index(span[0]), index(span[1]));
        let (c1, r1) = (
            last_cell(cell, span[0], span[2]),
            last_cell(cell, span[1], span[3]),
        );
        let cols = u32::try_from(c1 - c0 + 1).ok()?;
        let rows = u32::try_from(r1 - r0 + 1).ok()?;
        Some(SolidPainter {
            shapes: self.shapes,
            next: 0,
            raster: Density {
                x0: c0 as f64 * cell,
                y0: r0 as f64 * cell,
                cell,
                cols,
                rows,
                rgba: vec![0u8; cols as usize * rows as usize * 4],
            },
            origin: (c0, r0),
        })
    }
}

/// The last cell a shape from `from` to `to` covers: the one its far edge lies in, unless the
/// edge is on a cell boundary; and at least the first.
fn last_cell(cell: f64, from: f64, to: f64) -> i64 {
    ((from / cell).floor() as i64).max((to / cell).ceil() as i64 - 1)
}

/// A small-shape raster being painted, bottom shape first.
#[derive(Debug)]
pub struct SolidPainter {
    shapes: Vec<([f64; 4], [u8; 3])>,
    next: usize,
    raster: Density,
    /// Column and row of the raster's first cell.
    origin: (i64, i64),
}

impl SolidPainter {
    /// Paints up to `count` more shapes; `true` while some are left.
    pub fn paint(&mut self, count: usize) -> bool {
        let end = self.shapes.len().min(self.next.saturating_add(count));
        let cell = self.raster.cell;
        let (c0, r0) = self.origin;
        let cols = self.raster.cols as usize;
        let index = |v: f64| (v / cell).floor() as i64;
        for (b, color) in &self.shapes[self.next..end] {
            let (sc0, sc1) = (index(b[0]) - c0, last_cell(cell, b[0], b[2]) - c0);
            let (sr0, sr1) = (index(b[1]) - r0, last_cell(cell, b[1], b[3]) - r0);
            for r in sr0..=sr1 {
                let row = r as usize * cols;
                for c in sc0..=sc1 {
                    let i = (row + c as usize) * 4;
                    over(&mut self.raster.rgba[i..i + 4], *color);
                }
            }
        }
        self.next = end;
        end < self.shapes.len()
    }

    /// The painted raster.
    pub fn into_density(self) -> Density {
        self.raster
    }
}

/// Paints `color` at [`SOLID_ALPHA`] over the straight-alpha pixel `dst` (source-over, as a
/// canvas fill composites). Most cells are empty when a shape lands on them: those take the
/// colour as it is, without arithmetic.
fn over(dst: &mut [u8], color: [u8; 3]) {
    const A: f32 = SOLID_ALPHA as f32;
    if dst[3] == 0 {
        dst[..3].copy_from_slice(&color);
        dst[3] = (A * 255.0).round() as u8;
        return;
    }
    let below = f32::from(dst[3]) / 255.0;
    let kept = below * (1.0 - A);
    let out = A + kept;
    for ch in 0..3 {
        let v = (f32::from(color[ch]) * A + f32::from(dst[ch]) * kept) / out;
        dst[ch] = v.round().clamp(0.0, 255.0) as u8;
    }
    dst[3] = (out * 255.0).round() as u8;
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A shape's bounds and colour.
    type Painted = ((f64, f64, f64, f64), [u8; 3]);

    const RED: [u8; 3] = [255, 0, 0];
    const BLUE: [u8; 3] = [0, 0, 255];

    fn pixel(d: &Density, x: f64, y: f64) -> [u8; 4] {
        let c = ((x - d.x0) / d.cell).floor() as usize;
        let r = ((y - d.y0) / d.cell).floor() as usize;
        let i = (r * d.cols as usize + c) * 4;
        [d.rgba[i], d.rgba[i + 1], d.rgba[i + 2], d.rgba[i + 3]]
    }

    #[test]
    fn the_shape_on_top_shows_on_top_and_the_one_below_tints_the_overlap() {
        let paint = |order: &[Painted]| {
            let mut g = SolidGrid::new(1.0);
            for &(b, c) in order {
                g.add(b, c);
            }
            g.finish().unwrap()
        };
        let red = ((0.0, 0.0, 4.0, 4.0), RED);
        let blue = ((2.0, 2.0, 6.0, 6.0), BLUE);
        let red_below = paint(&[red, blue]);
        let blue_below = paint(&[blue, red]);
        // In the overlap the upper colour leads, the lower one tints it.
        let over_red = pixel(&red_below, 3.0, 3.0);
        assert!(
            over_red[2] > 200 && over_red[0] > 20 && over_red[0] < 80,
            "{over_red:?}"
        );
        let over_blue = pixel(&blue_below, 3.0, 3.0);
        assert!(
            over_blue[0] > 200 && over_blue[2] > 20 && over_blue[2] < 80,
            "{over_blue:?}"
        );
        assert!(
            over_red[3] > pixel(&red_below, 1.0, 1.0)[3],
            "overlaps are more opaque"
        );
        // Outside the overlap each shape is its own colour at the shapes' opacity.
        assert_eq!(pixel(&red_below, 1.0, 1.0), [255, 0, 0, 204]);
        assert_eq!(pixel(&red_below, 5.0, 5.0), [0, 0, 255, 204]);
        // Cells no shape covers stay clear; the raster spans the shapes' cells only.
        assert_eq!(pixel(&red_below, 5.0, 1.0)[3], 0);
        assert_eq!((red_below.x0, red_below.cols, red_below.rows), (0.0, 6, 6));
        assert_eq!(SolidGrid::new(1.0).finish(), None);
    }

    #[test]
    fn a_crowd_of_small_boxes_of_three_classes_shows_all_three() {
        // 30,000 small boxes of three classes, interleaved as drawn: every class keeps about
        // its share of the pixels (one fill per class would show only the last one).
        let colors = [RED, [0, 255, 0], BLUE];
        let mut g = SolidGrid::new(1.0);
        let mut seed = 7u64;
        for i in 0..30_000 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let x = (seed >> 33) as f64 % 400.0;
            let y = (seed >> 13) as f64 % 400.0;
            g.add((x, y, x + 3.0, y + 3.0), colors[i % 3]);
        }
        let d = g.finish().unwrap();
        let mut leading = [0usize; 3];
        for px in d.rgba.chunks(4).filter(|p| p[3] > 0) {
            let channel = (0..3).max_by_key(|&c| px[c]).unwrap();
            leading[channel] += 1;
        }
        let total: usize = leading.iter().sum();
        for (class, n) in leading.iter().enumerate() {
            let share = *n as f64 / total as f64;
            assert!(
                (0.25..0.42).contains(&share),
                "class {class}: {share:.2} of {leading:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn every_shape_covers_the_cells_under_it(
            boxes in proptest::collection::vec((0.0f64..50.0, 0.0f64..50.0, 0.1f64..6.0, 0.1f64..6.0), 1..40),
            cell in 0.25f64..3.0,
        ) {
            let mut g = SolidGrid::new(cell);
            for &(x, y, w, h) in &boxes {
                g.add((x, y, x + w, y + h), RED);
            }
            let d = g.finish().unwrap();
            for &(x, y, w, h) in &boxes {
                // The centre and the corners (nudged inside) of every shape are painted.
                for (px, py) in [(x + w / 2.0, y + h / 2.0), (x + 1e-6, y + 1e-6), (x + w - 1e-6, y + h - 1e-6)] {
                    prop_assert!(pixel(&d, px, py)[3] > 0, "{px},{py} of {x},{y},{w},{h} at cell {cell}");
                }
            }
            prop_assert_eq!(d.rgba.len(), d.cols as usize * d.rows as usize * 4);
        }
    }
}
