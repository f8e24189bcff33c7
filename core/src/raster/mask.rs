//! [`RunMask`]: the mask the editor paints on — vertical runs per column, only over the
//! columns the object spans.
//!
//! An object's cost is proportional to its outline, not to the image: a thin stroke across an
//! 8192 × 8192 image holds a few runs per column instead of 64 MiB of bytes. Columns (not rows)
//! because COCO RLE is column-major, so converting either way is a straight copy of runs.

use super::rle::Rle;

/// A half-open vertical run `[start, end)` of set pixels in one column.
pub type Span = (u32, u32);

/// A binary mask stored as sorted, disjoint, non-touching runs per column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunMask {
    width: u32,
    height: u32,
    /// First column held in `columns`.
    left: u32,
    /// Runs of columns `left..left + columns.len()`.
    columns: Vec<Vec<Span>>,
}

/// Sorts and merges overlapping or touching runs in place.
fn normalize(spans: &mut Vec<Span>) {
    spans.retain(|(a, b)| a < b);
    spans.sort_unstable();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for &(a, b) in spans.iter() {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    *spans = out;
}

/// Combines two normalized run lists with a boolean rule.
fn combine(a: &[Span], b: &[Span], keep: impl Fn(bool, bool) -> bool) -> Vec<Span> {
    // Sweep over the run boundaries of both lists.
    let mut cuts: Vec<u32> = a.iter().chain(b).flat_map(|&(s, e)| [s, e]).collect();
    cuts.sort_unstable();
    cuts.dedup();
    let inside = |spans: &[Span], y: u32| {
        let i = spans.partition_point(|&(_, e)| e <= y);
        spans.get(i).is_some_and(|&(s, _)| s <= y)
    };
    let mut out: Vec<Span> = Vec::new();
    for pair in cuts.windows(2) {
        let (y0, y1) = (pair[0], pair[1]);
        if keep(inside(a, y0), inside(b, y0)) {
            match out.last_mut() {
                Some(last) if last.1 == y0 => last.1 = y1,
                _ => out.push((y0, y1)),
            }
        }
    }
    out
}

impl RunMask {
    /// An empty mask over a `width × height` image.
    pub fn empty(width: u32, height: u32) -> RunMask {
        RunMask {
            width,
            height,
            left: 0,
            columns: Vec::new(),
        }
    }

    /// Image width.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Image height.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Builds a mask from runs per column (`(x, spans)`), clipping to the image.
    pub fn from_columns(width: u32, height: u32, columns: Vec<(u32, Vec<Span>)>) -> RunMask {
        let mut mask = RunMask::empty(width, height);
        for (x, spans) in columns {
            mask.add_spans(x, spans);
        }
        mask.trim();
        mask
    }

    fn column_mut(&mut self, x: u32) -> &mut Vec<Span> {
        if self.columns.is_empty() {
            self.left = x;
        }
        if x < self.left {
            let extra = (self.left - x) as usize;
            self.columns
                .splice(0..0, std::iter::repeat_with(Vec::new).take(extra));
            self.left = x;
        }
        let i = (x - self.left) as usize;
        if i >= self.columns.len() {
            self.columns.resize_with(i + 1, Vec::new);
        }
        &mut self.columns[i]
    }

    /// Sets the pixels of `spans` in column `x` (clipped to the image).
    pub fn add_spans(&mut self, x: u32, spans: Vec<Span>) {
        if x >= self.width {
            return;
        }
        let height = self.height;
        let clipped: Vec<Span> = spans
            .into_iter()
            .map(|(a, b)| (a.min(height), b.min(height)))
            .filter(|(a, b)| a < b)
            .collect();
        if clipped.is_empty() {
            return;
        }
        let column = self.column_mut(x);
        column.extend(clipped);
        normalize(column);
    }

    /// Drops empty columns at both ends.
    fn trim(&mut self) {
        let first = self.columns.iter().position(|c| !c.is_empty());
        let Some(first) = first else {
            self.columns.clear();
            self.left = 0;
            return;
        };
        let last = self
            .columns
            .iter()
            .rposition(|c| !c.is_empty())
            .unwrap_or(first);
        self.columns.truncate(last + 1);
        self.columns.drain(..first);
        self.left += first as u32;
    }

    /// Runs of column `x` (empty outside the object).
    pub fn column(&self, x: u32) -> &[Span] {
        x.checked_sub(self.left)
            .and_then(|i| self.columns.get(i as usize))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether pixel `(x, y)` is set.
    pub fn contains(&self, x: u32, y: u32) -> bool {
        let spans = self.column(x);
        let i = spans.partition_point(|&(_, e)| e <= y);
        spans.get(i).is_some_and(|&(s, _)| s <= y)
    }

    /// Number of set pixels.
    pub fn area(&self) -> u64 {
        self.columns
            .iter()
            .flatten()
            .map(|&(a, b)| u64::from(b - a))
            .sum()
    }

    /// Whether no pixel is set.
    pub fn is_empty(&self) -> bool {
        self.columns.iter().all(Vec::is_empty)
    }

    /// Pixel bounds `(x0, y0, x1, y1)`, inclusive, of the set pixels.
    pub fn bounds(&self) -> Option<(u32, u32, u32, u32)> {
        let mut result: Option<(u32, u32, u32, u32)> = None;
        for (i, column) in self.columns.iter().enumerate() {
            let (Some(first), Some(last)) = (column.first(), column.last()) else {
                continue;
            };
            let x = self.left + i as u32;
            result = Some(match result {
                None => (x, first.0, x, last.1 - 1),
                Some((x0, y0, _, y1)) => (x0, y0.min(first.0), x, y1.max(last.1 - 1)),
            });
        }
        result
    }

    fn zip(&self, other: &RunMask, keep: impl Fn(bool, bool) -> bool + Copy) -> RunMask {
        let lo = if self.columns.is_empty() {
            other.left
        } else if other.columns.is_empty() {
            self.left
        } else {
            self.left.min(other.left)
        };
        let hi = (self.left as usize + self.columns.len())
            .max(other.left as usize + other.columns.len()) as u32;
        let mut out = RunMask::empty(self.width, self.height);
        out.left = lo;
        out.columns = (lo..hi.max(lo))
            .map(|x| combine(self.column(x), other.column(x), keep))
            .collect();
        out.trim();
        out
    }

    /// Pixels set in either.
    pub fn union(&self, other: &RunMask) -> RunMask {
        self.zip(other, |a, b| a || b)
    }

    /// Pixels set in both.
    pub fn intersect(&self, other: &RunMask) -> RunMask {
        self.zip(other, |a, b| a && b)
    }

    /// Pixels of `self` not set in `other` (the eraser).
    pub fn subtract(&self, other: &RunMask) -> RunMask {
        self.zip(other, |a, b| a && !b)
    }

    /// From a COCO RLE (same size), run for run.
    pub fn from_rle(rle: &Rle) -> RunMask {
        let (w, h) = (rle.width, rle.height);
        let mut mask = RunMask::empty(w, h);
        if h == 0 {
            return mask;
        }
        let mut position: u64 = 0;
        for (i, &run) in rle.counts.iter().enumerate() {
            let start = position;
            position += u64::from(run);
            if i % 2 == 0 || run == 0 {
                continue;
            }
            // A run may cross column boundaries: split it.
            let mut p = start;
            while p < position {
                let x = (p / u64::from(h)) as u32;
                let y = (p % u64::from(h)) as u32;
                let end_in_column = (u64::from(x) + 1) * u64::from(h);
                let end = position.min(end_in_column);
                let y_end = y + (end - p) as u32;
                if x < w {
                    mask.column_mut(x).push((y, y_end));
                }
                p = end;
            }
        }
        for column in &mut mask.columns {
            normalize(column);
        }
        mask.trim();
        mask
    }

    /// To a COCO RLE.
    pub fn to_rle(&self) -> Rle {
        let h = u64::from(self.height);
        let total = u64::from(self.width) * h;
        let mut counts: Vec<u32> = Vec::new();
        let mut cursor: u64 = 0; // end of the last set run
        let mut zeros_pending = true;
        for (i, column) in self.columns.iter().enumerate() {
            let base = u64::from(self.left + i as u32) * h;
            for &(a, b) in column {
                let (start, end) = (base + u64::from(a), base + u64::from(b));
                if start == cursor && !counts.is_empty() && !zeros_pending {
                    // Continues the previous run across a column boundary.
                    if let Some(last) = counts.last_mut() {
                        *last += (end - start) as u32;
                    }
                } else {
                    counts.push((start - cursor) as u32);
                    counts.push((end - start) as u32);
                }
                zeros_pending = false;
                cursor = end;
            }
        }
        if counts.is_empty() || cursor < total {
            counts.push((total - cursor) as u32);
        }
        Rle {
            height: self.height,
            width: self.width,
            counts,
        }
    }

    /// From a row-major 0/1 (or 0/non-zero) image.
    pub fn from_row_major(pixels: &[u8], width: u32, height: u32) -> RunMask {
        let mut mask = RunMask::empty(width, height);
        for x in 0..width {
            let mut spans = Vec::new();
            let mut start: Option<u32> = None;
            for y in 0..height {
                let set = pixels
                    .get((y as usize) * width as usize + x as usize)
                    .is_some_and(|&v| v != 0);
                match (set, start) {
                    (true, None) => start = Some(y),
                    (false, Some(s)) => {
                        spans.push((s, y));
                        start = None;
                    }
                    _ => {}
                }
            }
            if let Some(s) = start {
                spans.push((s, height));
            }
            if !spans.is_empty() {
                mask.column_mut(x).extend(spans);
            }
        }
        mask.trim();
        mask
    }

    /// To a row-major 0/1 image.
    pub fn to_row_major(&self) -> Vec<u8> {
        let w = self.width as usize;
        let mut out = vec![0u8; w * self.height as usize];
        for (i, column) in self.columns.iter().enumerate() {
            let x = self.left as usize + i;
            for &(a, b) in column {
                for y in a..b {
                    out[y as usize * w + x] = 1;
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn random_mask() -> impl Strategy<Value = (u32, u32, Vec<u8>)> {
        (1u32..20, 1u32..20).prop_flat_map(|(w, h)| {
            (
                Just(w),
                Just(h),
                proptest::collection::vec(
                    prop_oneof![2 => Just(0u8), 1 => Just(1u8)],
                    (w * h) as usize,
                ),
            )
        })
    }

    fn column_major(row_major: &[u8], w: u32, h: u32) -> Vec<u8> {
        (0..w * h)
            .map(|i| row_major[((i % h) * w + i / h) as usize])
            .collect()
    }

    proptest! {
        #[test]
        fn rle_conversions_agree_with_pycocotools_encoding((w, h, px) in random_mask()) {
            let mask = RunMask::from_row_major(&px, w, h);
            let expected = Rle::encode(&column_major(&px, w, h), h, w);
            prop_assert_eq!(mask.to_rle(), expected.clone());
            prop_assert_eq!(RunMask::from_rle(&expected), mask.clone());
            prop_assert_eq!(mask.to_row_major(), px.iter().map(|&v| u8::from(v != 0)).collect::<Vec<_>>());
            prop_assert_eq!(mask.area(), expected.area());
        }

        #[test]
        fn set_operations_are_pixelwise((w, h, a) in random_mask(), seed in any::<u64>()) {
            let b: Vec<u8> = (0..a.len()).map(|i| u8::from(seed.rotate_left(i as u32 % 64) & 1 == 1)).collect();
            let (ma, mb) = (RunMask::from_row_major(&a, w, h), RunMask::from_row_major(&b, w, h));
            let (u, i, s) = (ma.union(&mb).to_row_major(), ma.intersect(&mb).to_row_major(), ma.subtract(&mb).to_row_major());
            for k in 0..a.len() {
                prop_assert_eq!(u[k], a[k] | b[k]);
                prop_assert_eq!(i[k], a[k] & b[k]);
                prop_assert_eq!(s[k], a[k] & (1 - b[k]));
            }
            prop_assert!(ma.subtract(&ma).is_empty());
            prop_assert_eq!(ma.union(&mb), mb.union(&ma));
        }
    }

    #[test]
    fn bounds_and_contains() {
        let mask =
            RunMask::from_columns(10, 10, vec![(3, vec![(2, 5)]), (6, vec![(1, 2), (7, 9)])]);
        assert_eq!(mask.bounds(), Some((3, 1, 6, 8)));
        assert!(mask.contains(3, 4) && !mask.contains(3, 5) && mask.contains(6, 8));
        assert_eq!(mask.area(), 3 + 1 + 2);
        assert_eq!(RunMask::empty(4, 4).bounds(), None);
    }
}
