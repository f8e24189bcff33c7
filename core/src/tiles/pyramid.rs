//! The geometry of a tile pyramid: levels, the tiles of a level that cover a region, where a
//! tile lies in full-resolution image pixels, and which level a zoom needs.
//!
//! Annotations stay in full-resolution pixels whatever level is shown: a tile only knows where
//! its pixels go in those coordinates.

/// One resolution of the image.
#[derive(Clone, Debug, PartialEq)]
pub struct Level {
    /// Width of the whole image at this level, in level pixels.
    pub width: u32,
    /// Height of the whole image at this level, in level pixels.
    pub height: u32,
    /// Full-resolution pixels per level pixel (1 for the sharpest level, 2 for half size, …).
    pub factor: f64,
    /// Width of a tile, in level pixels, without overlap.
    pub tile_width: u32,
    /// Height of a tile, in level pixels, without overlap.
    pub tile_height: u32,
}

impl Level {
    /// Columns of tiles at this level.
    pub fn columns(&self) -> u32 {
        self.width.div_ceil(self.tile_width.max(1))
    }

    /// Rows of tiles at this level.
    pub fn rows(&self) -> u32 {
        self.height.div_ceil(self.tile_height.max(1))
    }

    /// Level pixels per full-resolution pixel: how sharp this level is.
    pub fn resolution(&self) -> f64 {
        1.0 / self.factor
    }
}

/// A tile: its level (index into [`Pyramid::levels`], coarsest first), column and row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    /// Index of the level in [`Pyramid::levels`].
    pub level: usize,
    /// Column, from the left.
    pub col: u32,
    /// Row, from the top.
    pub row: u32,
}

/// An axis-aligned rectangle.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// Whether the two rectangles share an area.
    pub fn intersects(&self, other: &Rect) -> bool {
        self.x < other.x + other.w
            && other.x < self.x + self.w
            && self.y < other.y + other.h
            && other.y < self.y + self.h
    }

    /// The same rectangle grown by `dx` left and right and `dy` above and below.
    pub fn grown(&self, dx: f64, dy: f64) -> Rect {
        Rect {
            x: self.x - dx,
            y: self.y - dy,
            w: self.w + 2.0 * dx,
            h: self.h + 2.0 * dy,
        }
    }

    /// Its centre.
    pub fn centre(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// The levels of a tiled image, coarsest first, over a full-resolution size.
#[derive(Clone, Debug, PartialEq)]
pub struct Pyramid {
    /// Full-resolution width in pixels (what annotations use).
    pub width: u32,
    /// Full-resolution height in pixels.
    pub height: u32,
    /// Pixels each tile repeats of its neighbours on every inner side (Deep Zoom's `Overlap`).
    pub overlap: u32,
    /// The levels, coarsest first; the last is the sharpest.
    pub levels: Vec<Level>,
}

impl Pyramid {
    /// The tile's pixels within its level, overlap included: `(x, y, w, h)`.
    pub fn level_rect(&self, id: TileId) -> Option<(u32, u32, u32, u32)> {
        let level = self.levels.get(id.level)?;
        if id.col >= level.columns() || id.row >= level.rows() {
            return None;
        }
        let o = self.overlap;
        let x0 = (id.col * level.tile_width).saturating_sub(o);
        let y0 = (id.row * level.tile_height).saturating_sub(o);
        let x1 = ((id.col + 1) * level.tile_width + o).min(level.width);
        let y1 = ((id.row + 1) * level.tile_height + o).min(level.height);
        Some((x0, y0, x1 - x0, y1 - y0))
    }

    /// Where the tile's pixels (overlap included) go, in full-resolution image pixels.
    pub fn image_rect(&self, id: TileId) -> Option<Rect> {
        let (x, y, w, h) = self.level_rect(id)?;
        let f = self.levels.get(id.level)?.factor;
        Some(Rect {
            x: f64::from(x) * f,
            y: f64::from(y) * f,
            w: f64::from(w) * f,
            h: f64::from(h) * f,
        })
    }

    /// The grid cell of a tile (overlap left out) in image pixels: where its own pixels are.
    fn cell(&self, id: TileId) -> Option<Rect> {
        let level = self.levels.get(id.level)?;
        let f = level.factor;
        let x0 = f64::from(id.col * level.tile_width);
        let y0 = f64::from(id.row * level.tile_height);
        let x1 = f64::from(((id.col + 1) * level.tile_width).min(level.width));
        let y1 = f64::from(((id.row + 1) * level.tile_height).min(level.height));
        Some(Rect {
            x: x0 * f,
            y: y0 * f,
            w: (x1 - x0) * f,
            h: (y1 - y0) * f,
        })
    }

    /// The level to show at `resolution` device pixels per image pixel: the coarsest one with
    /// at least one of its pixels per device pixel, else the sharpest.
    pub fn level_for(&self, resolution: f64) -> usize {
        let last = self.levels.len().saturating_sub(1);
        self.levels
            .iter()
            .position(|l| l.resolution() >= resolution * (1.0 - 1e-9))
            .unwrap_or(last)
    }

    /// The coarsest level worth showing first: the sharpest one of at most four tiles (the
    /// coarsest of all when every level has more).
    pub fn overview_level(&self) -> usize {
        self.levels
            .iter()
            .rposition(|l| u64::from(l.columns()) * u64::from(l.rows()) <= 4)
            .unwrap_or(0)
    }

    /// The tiles of `level` whose cells meet `region` (image pixels), nearest to the region's
    /// centre first.
    pub fn tiles_in(&self, level: usize, region: &Rect) -> Vec<TileId> {
        let Some(l) = self.levels.get(level) else {
            return Vec::new();
        };
        let (cols, rows) = (l.columns(), l.rows());
        if cols == 0 || rows == 0 || region.w <= 0.0 || region.h <= 0.0 {
            return Vec::new();
        }
        let span_x = f64::from(l.tile_width) * l.factor;
        let span_y = f64::from(l.tile_height) * l.factor;
        let index = |v: f64, span: f64, count: u32| -> u32 {
            (v / span).floor().clamp(0.0, f64::from(count - 1)) as u32
        };
        if region.x + region.w <= 0.0
            || region.y + region.h <= 0.0
            || region.x >= f64::from(l.width) * l.factor
            || region.y >= f64::from(l.height) * l.factor
        {
            return Vec::new();
        }
        let (c0, c1) = (
            index(region.x, span_x, cols),
            index(region.x + region.w - 1e-9, span_x, cols),
        );
        let (r0, r1) = (
            index(region.y, span_y, rows),
            index(region.y + region.h - 1e-9, span_y, rows),
        );
        let (cx, cy) = region.centre();
        let mut tiles: Vec<(f64, TileId)> = (r0..=r1)
            .flat_map(|row| (c0..=c1).map(move |col| TileId { level, col, row }))
            .filter_map(|id| {
                let (tx, ty) = self.cell(id)?.centre();
                Some(((tx - cx).powi(2) + (ty - cy).powi(2), id))
            })
            .collect();
        tiles.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        tiles.into_iter().map(|(_, id)| id).collect()
    }

    /// The tiles of a coarser `level` that cover the cell of `id`.
    pub fn covering(&self, id: TileId, level: usize) -> Vec<TileId> {
        match self.cell(id) {
            Some(cell) => self.tiles_in(level, &cell),
            None => Vec::new(),
        }
    }

    /// Bytes a decoded tile takes (RGBA).
    pub fn tile_bytes(&self, id: TileId) -> usize {
        self.level_rect(id)
            .map_or(0, |(_, _, w, h)| w as usize * h as usize * 4)
    }
}

/// Levels halving from `width × height` down to one pixel, as Deep Zoom numbers them (level
/// `k` of `max` is `ceil(size / 2^(max - k))`), coarsest first.
pub fn halving_levels(width: u32, height: u32, tile: u32) -> Vec<Level> {
    let longest = width.max(height).max(1);
    // The number of halvings until one pixel: ceil(log2(longest)).
    let max = u32::BITS - (longest - 1).leading_zeros();
    (0..=max)
        .map(|k| {
            let shift = max - k;
            let factor = f64::from(1u32 << shift.min(31));
            Level {
                width: div_ceil_pow2(width, shift),
                height: div_ceil_pow2(height, shift),
                factor,
                tile_width: tile,
                tile_height: tile,
            }
        })
        .collect()
}

/// `ceil(v / 2^shift)`, at least 1.
fn div_ceil_pow2(v: u32, shift: u32) -> u32 {
    if shift >= 32 {
        return 1;
    }
    let d = 1u64 << shift;
    (u64::from(v).div_ceil(d)).max(1) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dzi(width: u32, height: u32) -> Pyramid {
        Pyramid {
            width,
            height,
            overlap: 1,
            levels: halving_levels(width, height, 254),
        }
    }

    #[test]
    fn levels_halve_as_deep_zoom_numbers_them() {
        let p = dzi(8000, 6000);
        // ceil(log2(8000)) = 13: levels 0..=13.
        assert_eq!(p.levels.len(), 14);
        let last = &p.levels[13];
        assert_eq!((last.width, last.height, last.factor), (8000, 6000, 1.0));
        assert_eq!((p.levels[12].width, p.levels[12].height), (4000, 3000));
        assert_eq!((p.levels[0].width, p.levels[0].height), (1, 1));
        let odd = halving_levels(1001, 3, 254);
        assert_eq!(odd.len(), 11);
        assert_eq!((odd[9].width, odd[9].height), (501, 2));
        assert_eq!((odd[8].width, odd[8].height), (251, 1));
    }

    #[test]
    fn tiles_carry_their_overlap_inside_the_level() {
        let p = dzi(1000, 600);
        let top = p.levels.len() - 1;
        let first = TileId {
            level: top,
            col: 0,
            row: 0,
        };
        assert_eq!(p.level_rect(first), Some((0, 0, 255, 255)));
        let inner = TileId {
            level: top,
            col: 1,
            row: 1,
        };
        assert_eq!(p.level_rect(inner), Some((253, 253, 256, 256)));
        let corner = TileId {
            level: top,
            col: 3,
            row: 2,
        };
        assert_eq!(p.level_rect(corner), Some((761, 507, 239, 93)));
        assert_eq!(
            p.level_rect(TileId {
                level: top,
                col: 4,
                row: 0
            }),
            None
        );
        let half = TileId {
            level: top - 1,
            col: 1,
            row: 0,
        };
        let r = p.image_rect(half).unwrap();
        assert_eq!((r.x, r.y, r.w, r.h), (506.0, 0.0, 494.0, 510.0));
    }

    #[test]
    fn the_level_has_a_pixel_per_device_pixel() {
        let p = dzi(8000, 6000);
        assert_eq!(p.level_for(1.0), 13);
        assert_eq!(p.level_for(2.0), 13);
        assert_eq!(p.level_for(0.5), 12);
        assert_eq!(p.level_for(0.3), 12);
        assert_eq!(p.level_for(0.25), 11);
        assert_eq!(p.level_for(1e-9), 0);
    }

    #[test]
    fn tiles_in_a_region_come_nearest_the_centre_first() {
        let p = dzi(8000, 6000);
        let top = 13;
        let region = Rect {
            x: 300.0,
            y: 300.0,
            w: 500.0,
            h: 100.0,
        };
        let tiles = p.tiles_in(top, &region);
        let cells: Vec<(u32, u32)> = tiles.iter().map(|t| (t.col, t.row)).collect();
        assert_eq!(cells, vec![(2, 1), (1, 1), (3, 1)]);
        assert!(p
            .tiles_in(
                top,
                &Rect {
                    x: -50.0,
                    y: -50.0,
                    w: 10.0,
                    h: 10.0
                }
            )
            .is_empty());
        assert!(p
            .tiles_in(
                top,
                &Rect {
                    x: 8000.0,
                    y: 0.0,
                    w: 10.0,
                    h: 10.0
                }
            )
            .is_empty());
        let all = p.tiles_in(
            top,
            &Rect {
                x: -1e6,
                y: -1e6,
                w: 3e6,
                h: 3e6,
            },
        );
        assert_eq!(all.len(), 32 * 24);
        assert_eq!(p.overview_level(), 9);
        assert!(p.levels[9].columns() * p.levels[9].rows() <= 4);
    }

    #[test]
    fn coarser_tiles_cover_a_finer_one() {
        let p = dzi(8000, 6000);
        let fine = TileId {
            level: 13,
            col: 5,
            row: 7,
        };
        let cover = p.covering(fine, 12);
        assert_eq!(
            cover,
            vec![TileId {
                level: 12,
                col: 2,
                row: 3
            }]
        );
        let r = p.image_rect(cover[0]).unwrap();
        let cell = p.cell(fine).unwrap();
        assert!(r.x <= cell.x && r.x + r.w >= cell.x + cell.w);
    }
}
