//! Cutting a huge image into a Deep Zoom tile pyramid a band of rows at a time, so that a
//! gigapixel PNG or TIFF is never held whole: each level keeps only the rows of its current
//! tile row, and every second row it receives, halved with its partner, becomes a row of the
//! next coarser level.
//!
//! Levels are numbered and sized as Deep Zoom numbers them ([`halving_levels`]), tiles are
//! 256 px without overlap, so a pyramid cut here is read by [`super::dzi`] and by any Deep
//! Zoom viewer. The halving is a 2 × 2 box filter written here: it must stream row pairs
//! through every level at once, which no image crate's resize does.

use super::pyramid::{halving_levels, Pyramid, TileId};
use super::rows::RowReader;
use std::io::{BufRead, Seek};

/// Tile side in pixels (as libvips `dzsave` and OpenSeadragon's tools default to).
pub const TILE_SIZE: u32 = 256;

/// JPEG quality of tiles of opaque images (libvips `dzsave` writes 75; 90 keeps edges that
/// labellers trace).
const JPEG_QUALITY: u8 = 90;

/// The pyramid a `width × height` image is cut into: Deep Zoom levels of 256 px tiles, no
/// overlap.
pub fn pyramid_of(width: u32, height: u32) -> Pyramid {
    Pyramid {
        width,
        height,
        overlap: 0,
        levels: halving_levels(width, height, TILE_SIZE),
    }
}

/// The one tile of the sharpest level that fits in a single tile (at most 256 px a side): a
/// thumbnail of the image.
pub fn thumbnail_tile(pyramid: &Pyramid) -> TileId {
    let level = pyramid
        .levels
        .iter()
        .rposition(|l| l.columns() == 1 && l.rows() == 1)
        .unwrap_or(0);
    TileId {
        level,
        col: 0,
        row: 0,
    }
}

/// The key of a tile of the pyramid cut from `image` where it is stored, and the path of the
/// tile below a Deep Zoom pyramid's `<name>_files/` folder without its extension: both
/// `<level>/<col>_<row>` after the image.
pub fn tile_key(image: &str, id: TileId) -> String {
    format!("{image}/{}/{}_{}", id.level, id.col, id.row)
}

/// One tile's pixels, as the cutter gives it.
#[derive(Clone, Debug, PartialEq)]
pub struct CutTile {
    /// Which tile.
    pub id: TileId,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// RGBA, row by row.
    pub rgba: Vec<u8>,
}

/// How tiles are written: JPEG for opaque images, PNG where there is transparency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TileFormat {
    /// `image/jpeg`, extension `jpg`.
    Jpeg,
    /// `image/png`, extension `png`.
    Png,
}

impl TileFormat {
    /// The file extension Deep Zoom names in `Format`.
    pub fn extension(self) -> &'static str {
        match self {
            TileFormat::Jpeg => "jpg",
            TileFormat::Png => "png",
        }
    }

    /// The MIME type of a tile.
    pub fn mime(self) -> &'static str {
        match self {
            TileFormat::Jpeg => "image/jpeg",
            TileFormat::Png => "image/png",
        }
    }

    /// The format an extension names (`jpg`, `jpeg`, `png`).
    pub fn from_extension(extension: &str) -> Option<TileFormat> {
        match extension.to_ascii_lowercase().as_str() {
            "jpg" | "jpeg" => Some(TileFormat::Jpeg),
            "png" => Some(TileFormat::Png),
            _ => None,
        }
    }
}

/// The rows one level holds while its current tile row fills.
struct LevelBand {
    width: u32,
    height: u32,
    /// Rows received so far.
    received: u32,
    /// The rows of the current tile row, RGBA.
    band: Vec<u8>,
    /// A row waiting for its partner before both become one row of the coarser level.
    unpaired: Option<Vec<u8>>,
}

/// Builds every level of a pyramid from the full-resolution rows, top to bottom.
pub struct Cutter {
    pyramid: Pyramid,
    levels: Vec<LevelBand>,
}

impl Cutter {
    /// A cutter for a `width × height` image; an error for an empty image.
    pub fn new(width: u32, height: u32) -> Result<Cutter, String> {
        if width == 0 || height == 0 {
            return Err(format!("a {width} × {height} image has no pixels to cut"));
        }
        let pyramid = pyramid_of(width, height);
        let levels = pyramid
            .levels
            .iter()
            .map(|l| LevelBand {
                width: l.width,
                height: l.height,
                received: 0,
                band: Vec::new(),
                unpaired: None,
            })
            .collect();
        Ok(Cutter { pyramid, levels })
    }

    /// The pyramid being cut.
    pub fn pyramid(&self) -> &Pyramid {
        &self.pyramid
    }

    /// Full-resolution rows received so far.
    pub fn rows_received(&self) -> u32 {
        self.levels.last().map_or(0, |l| l.received)
    }

    /// Whether every row arrived (and so every tile was given out).
    pub fn finished(&self) -> bool {
        self.levels.iter().all(|l| l.received == l.height)
    }

    /// Takes the next full-resolution row (RGBA, `width × 4` bytes) and adds to `out` the
    /// tiles of every level it completes.
    pub fn push_row(&mut self, row: &[u8], out: &mut Vec<CutTile>) -> Result<(), String> {
        let sharpest = self.levels.len() - 1;
        let expected = self.levels[sharpest].width as usize * 4;
        if row.len() != expected {
            return Err(format!(
                "a row of {} bytes where the image's rows have {expected}",
                row.len()
            ));
        }
        if self.finished() {
            return Err(format!(
                "more rows than the image's {} arrived",
                self.pyramid.height
            ));
        }
        let mut level = sharpest;
        let mut row = row.to_vec();
        loop {
            let band = &mut self.levels[level];
            let y = band.received;
            band.received += 1;
            band.band.extend_from_slice(&row);
            let last = band.received == band.height;
            if band.received.is_multiple_of(TILE_SIZE) || last {
                emit_band(level, y / TILE_SIZE, band, out);
            }
            if level == 0 {
                return Ok(());
            }
            // Rows pair up (0 with 1, 2 with 3, …); an odd last row is halved on its own.
            row = match band.unpaired.take() {
                Some(upper) => halve(&upper, Some(&row), band.width),
                None if last => halve(&row, None, band.width),
                None => {
                    band.unpaired = Some(row);
                    return Ok(());
                }
            };
            level -= 1;
        }
    }
}

/// Cuts the band's rows into the tiles of tile row `tile_row` and empties it.
fn emit_band(level: usize, tile_row: u32, band: &mut LevelBand, out: &mut Vec<CutTile>) {
    let width = band.width as usize;
    let rows = band.band.len() / (width * 4);
    for col in 0..band.width.div_ceil(TILE_SIZE) {
        let x0 = (col * TILE_SIZE) as usize;
        let x1 = (x0 + TILE_SIZE as usize).min(width);
        let mut rgba = Vec::with_capacity((x1 - x0) * rows * 4);
        for r in 0..rows {
            let start = (r * width + x0) * 4;
            rgba.extend_from_slice(&band.band[start..start + (x1 - x0) * 4]);
        }
        out.push(CutTile {
            id: TileId {
                level,
                col,
                row: tile_row,
            },
            width: (x1 - x0) as u32,
            height: rows as u32,
            rgba,
        });
    }
    band.band.clear();
}

/// One row of the coarser level: each pixel the rounded mean of the (up to) 2 × 2 pixels of
/// `upper` and `lower` it covers (a `width` of level pixels; an odd last column or a missing
/// lower row averages fewer).
fn halve(upper: &[u8], lower: Option<&[u8]>, width: u32) -> Vec<u8> {
    let width = width as usize;
    let half = width.div_ceil(2);
    let mut out = Vec::with_capacity(half * 4);
    for x in 0..half {
        let columns = if 2 * x + 1 < width { 2 } else { 1 };
        for channel in 0..4 {
            let mut sum = 0u32;
            let mut count = 0u32;
            for row in std::iter::once(upper).chain(lower) {
                for dx in 0..columns {
                    sum += u32::from(row[(2 * x + dx) * 4 + channel]);
                    count += 1;
                }
            }
            out.push(((sum + count / 2) / count) as u8);
        }
    }
    out
}

/// Encodes a tile as `format` (JPEG drops the alpha channel; use PNG where it matters).
pub fn encode_tile(tile: &CutTile, format: TileFormat) -> Result<Vec<u8>, String> {
    let side = |v: u32| u16::try_from(v).map_err(|_| format!("a tile {v} px wide"));
    let mut bytes = Vec::new();
    match format {
        TileFormat::Jpeg => {
            let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, JPEG_QUALITY);
            // Full-resolution colour: halved chroma would blur the coloured edges people trace.
            encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_4_4);
            encoder
                .encode(
                    &tile.rgba,
                    side(tile.width)?,
                    side(tile.height)?,
                    jpeg_encoder::ColorType::Rgba,
                )
                .map_err(|e| format!("tile {:?}: {e}", tile.id))?;
        }
        TileFormat::Png => {
            let mut encoder = png::Encoder::new(&mut bytes, tile.width, tile.height);
            encoder.set_color(png::ColorType::Rgba);
            encoder.set_depth(png::BitDepth::Eight);
            encoder.set_compression(png::Compression::Fast);
            let mut writer = encoder
                .write_header()
                .map_err(|e| format!("tile {:?}: {e}", tile.id))?;
            writer
                .write_image_data(&tile.rgba)
                .map_err(|e| format!("tile {:?}: {e}", tile.id))?;
            writer
                .finish()
                .map_err(|e| format!("tile {:?}: {e}", tile.id))?;
        }
    }
    Ok(bytes)
}

/// A tile ready to store: which one and its file's bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct EncodedTile {
    /// Which tile.
    pub id: TileId,
    /// The JPEG or PNG file.
    pub bytes: Vec<u8>,
}

/// Cutting one image file: rows read from it, tiles handed out a tile row at a time so the
/// caller can store each batch before the next is made.
pub struct CutJob<R: BufRead + Seek> {
    rows: RowReader<R>,
    cutter: Cutter,
    format: TileFormat,
}

impl<R: BufRead + Seek> CutJob<R> {
    /// Reads the file's header (PNG, JPEG or TIFF) and prepares its pyramid.
    pub fn open(reader: R) -> Result<CutJob<R>, String> {
        let rows = RowReader::open(reader)?;
        let cutter = Cutter::new(rows.width(), rows.height())?;
        let format = if rows.has_alpha() {
            TileFormat::Png
        } else {
            TileFormat::Jpeg
        };
        Ok(CutJob {
            rows,
            cutter,
            format,
        })
    }

    /// The pyramid the tiles belong to.
    pub fn pyramid(&self) -> &Pyramid {
        self.cutter.pyramid()
    }

    /// How its tiles are written.
    pub fn format(&self) -> TileFormat {
        self.format
    }

    /// Rows read so far and rows in all.
    pub fn progress(&self) -> (u32, u32) {
        (self.cutter.rows_received(), self.cutter.pyramid().height)
    }

    /// The next tiles, encoded: those one more tile row of the full resolution completes (with
    /// the coarser tiles it completes); `None` once every tile was given out.
    pub fn next_tiles(&mut self) -> Result<Option<Vec<EncodedTile>>, String> {
        let mut tiles = Vec::new();
        while tiles.is_empty() {
            if self.cutter.finished() {
                return Ok(None);
            }
            let row = self.rows.next_row()?.ok_or_else(|| {
                format!(
                    "the file ends after row {} of {}",
                    self.cutter.rows_received(),
                    self.cutter.pyramid().height
                )
            })?;
            self.cutter.push_row(row, &mut tiles)?;
        }
        tiles
            .iter()
            .map(|t| {
                Ok(EncodedTile {
                    id: t.id,
                    bytes: encode_tile(t, self.format)?,
                })
            })
            .collect::<Result<Vec<_>, String>>()
            .map(Some)
    }
}

#[cfg(test)]
#[path = "cut_tests.rs"]
mod tests;
