//! Shapes too small to see, as a density raster: every shape smaller than [`super::DOT_PX`] on
//! screen adds its class colour to the cell (on a grid of `cell` image pixels, aligned to
//! multiples of `cell` so a redrawn part of the layer lines up with the rest) where its centre
//! lies. A cell shows the count-weighted mix of its shapes' colours, more opaque where more
//! shapes lie: where they are and of which class, whatever order they stack in — drawing
//! them one colour batch after another would let the last class cover all the others.

use rustc_hash::FxHashMap;

/// The raster the painter draws under the batched outlines.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Density {
    /// Left edge of the first cell, in image pixels.
    pub x0: f64,
    /// Top edge of the first cell, in image pixels.
    pub y0: f64,
    /// Side of a cell, in image pixels.
    pub cell: f64,
    /// Cells across.
    pub cols: u32,
    /// Cells down.
    pub rows: u32,
    /// RGBA per cell, row-major (`cols * rows * 4` bytes; alpha 0 where no shape lies).
    pub rgba: Vec<u8>,
}

/// Gathers the dots of one plan.
#[derive(Debug, Default)]
pub struct DensityGrid {
    cell: f64,
    /// Per cell: summed red, green, blue and the count.
    cells: FxHashMap<(i64, i64), [u32; 4]>,
}

/// Opacity of a cell holding `n` shapes: about 60 % for one, opaque from eight on.
fn alpha(n: u32) -> u8 {
    let a = 0.6 + 0.2 * f64::from(n.max(1)).log2();
    (a.min(1.0) * 255.0).round() as u8
}

/// `cell` when it is a positive finite size, else one image pixel (a zoom of 0 or NaN must not
/// make a raster of no size or of infinitely many cells).
pub fn usable_cell(cell: f64) -> f64 {
    if cell > 0.0 && cell.is_finite() {
        cell
    } else {
        1.0
    }
}

impl DensityGrid {
    /// A grid of `cell` image pixels.
    pub fn new(cell: f64) -> Self {
        DensityGrid {
            cell: usable_cell(cell),
            cells: FxHashMap::default(),
        }
    }

    /// Counts a shape of `color` centred at `(x, y)`.
    pub fn add(&mut self, x: f64, y: f64, color: [u8; 3]) {
        let key = (
            (x / self.cell).floor() as i64,
            (y / self.cell).floor() as i64,
        );
        let c = self.cells.entry(key).or_default();
        c[0] += u32::from(color[0]);
        c[1] += u32::from(color[1]);
        c[2] += u32::from(color[2]);
        c[3] += 1;
    }

    /// The raster over the occupied cells; `None` when no shape was counted.
    pub fn finish(self) -> Option<Density> {
        let (mut c0, mut r0, mut c1, mut r1) = (i64::MAX, i64::MAX, i64::MIN, i64::MIN);
        for &(c, r) in self.cells.keys() {
            (c0, r0, c1, r1) = (c0.min(c), r0.min(r), c1.max(c), r1.max(r));
        }
        if self.cells.is_empty() {
            return None;
        }
        let cols = u32::try_from(c1 - c0 + 1).ok()?;
        let rows = u32::try_from(r1 - r0 + 1).ok()?;
        let mut rgba = vec![0u8; cols as usize * rows as usize * 4];
        for ((c, r), [red, green, blue, n]) in &self.cells {
            let i = (((r - r0) as usize) * cols as usize + (c - c0) as usize) * 4;
            let mean = |sum: u32| ((sum + n / 2) / n) as u8;
            rgba[i..i + 4].copy_from_slice(&[mean(*red), mean(*green), mean(*blue), alpha(*n)]);
        }
        Some(Density {
            x0: c0 as f64 * self.cell,
            y0: r0 as f64 * self.cell,
            cell: self.cell,
            cols,
            rows,
            rgba,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_mix_their_classes_whatever_the_order() {
        let (red, green) = ([255, 0, 0], [0, 128, 0]);
        let mut a = DensityGrid::new(2.0);
        let mut b = DensityGrid::new(2.0);
        // Cell (0, 0): two red, two green; cell (3, 1): one green.
        let dots = [
            (0.5, 0.5, red),
            (1.5, 1.0, green),
            (1.0, 0.2, red),
            (0.1, 1.9, green),
            (7.0, 3.0, green),
        ];
        for &(x, y, c) in &dots {
            a.add(x, y, c);
        }
        for &(x, y, c) in dots.iter().rev() {
            b.add(x, y, c);
        }
        let (a, b) = (a.finish().unwrap(), b.finish().unwrap());
        assert_eq!(a, b, "the stacking order does not matter");
        assert_eq!((a.x0, a.y0, a.cols, a.rows), (0.0, 0.0, 4, 2));
        assert_eq!(
            &a.rgba[0..4],
            &[128, 64, 0, 255],
            "an even mix, four shapes"
        );
        let lone = ((4 + 3) * 4) as usize;
        assert_eq!(&a.rgba[lone..lone + 4], &[0, 128, 0, 153]);
        assert_eq!(a.rgba[4 * 4 + 3], 0, "empty cells are clear");
        // The grid is aligned to multiples of the cell wherever the shapes are.
        let mut far = DensityGrid::new(2.0);
        far.add(-3.0, 9.5, red);
        let far = far.finish().unwrap();
        assert_eq!((far.x0, far.y0), (-4.0, 8.0));
        assert_eq!(DensityGrid::new(2.0).finish(), None);
    }
}
