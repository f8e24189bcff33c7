//! Tiled TIFF and BigTIFF — Cloud-Optimized GeoTIFF and any pyramidal tiled TIFF — read by
//! parts: the directories first, then each tile's own bytes, so a gigapixel file is never held
//! whole. The `tiff` crate decodes; it reads from a [`SparseFile`], and where it needs bytes not
//! fetched yet the answer is a [`Step::Fetch`] of that range (an HTTP range request, a slice of
//! a local file), after which the caller asks again.

use super::pyramid::{Level, Pyramid, TileId};
use super::source::{Scheme, TileSource};
use super::sparse::SparseFile;
use crate::formats::FormatError;
use crate::model::GeoRef;
use std::cell::Cell;
use tiff::decoder::{ChunkType, Decoder, DecodingResult};
use tiff::tags::Tag;
use tiff::ColorType;

/// Bytes fetched at once while the directories are read (Cloud-Optimized files keep them all
/// at the start, usually within this).
pub const HEADER_FETCH: u64 = 64 << 10;

/// What to do next.
#[derive(Debug, PartialEq)]
pub enum Step<T> {
    /// Done.
    Done(T),
    /// Fetch `len` bytes at `offset`, add them to the file and ask again.
    Fetch {
        /// First byte wanted.
        offset: u64,
        /// How many.
        len: u64,
    },
}

/// What opening a TIFF found.
#[derive(Debug, PartialEq)]
pub enum Opened {
    /// A tiled TIFF: its levels, sharpest last, read tile by tile.
    Tiled(TileSource),
    /// A TIFF in strips: it cannot be read by parts and is decoded whole instead.
    Stripped,
}

/// One level of a tiled TIFF: its directory and where each tile's bytes are.
#[derive(Clone, Debug, PartialEq)]
pub struct CogLevel {
    /// Index of the image file directory.
    pub ifd: usize,
    /// Byte offset of each tile, row by row.
    pub offsets: Vec<u64>,
    /// Byte count of each tile (0: a tile left empty).
    pub counts: Vec<u64>,
    /// Tiles per row.
    pub across: u32,
}

/// Decoded pixels of one tile.
#[derive(Clone, Debug, PartialEq)]
pub struct TilePixels {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// RGBA, row by row.
    pub rgba: Vec<u8>,
}

struct Found {
    ifd: usize,
    width: u32,
    height: u32,
    tile: (u32, u32),
    offsets: Vec<u64>,
    counts: Vec<u64>,
}

/// Reads the directories of the TIFF at `url` from what `file` holds.
pub fn open(file: &SparseFile, url: &str) -> Result<Step<Opened>, FormatError> {
    let missing = Cell::new(None);
    let found = read_levels(file, &missing);
    let found = match (found, missing.get()) {
        (Ok(found), _) => found,
        (Err(_), Some(offset)) => {
            return Ok(Step::Fetch {
                offset,
                len: HEADER_FETCH,
            })
        }
        (Err(e), None) => return Err(FormatError::at(url, "", e.to_string())),
    };
    let Some((mut found, geo)) = found else {
        return Ok(Step::Done(Opened::Stripped));
    };
    found.sort_by_key(|f| f.width);
    let Some(full) = found.last() else {
        return Err(FormatError::at(url, "", "the TIFF holds no image"));
    };
    let (width, height) = (full.width, full.height);
    let levels = found
        .iter()
        .map(|f| Level {
            width: f.width,
            height: f.height,
            factor: f64::from(width) / f64::from(f.width),
            tile_width: f.tile.0,
            tile_height: f.tile.1,
        })
        .collect();
    let files = found
        .into_iter()
        .map(|f| CogLevel {
            ifd: f.ifd,
            across: f.width.div_ceil(f.tile.0),
            offsets: f.offsets,
            counts: f.counts,
        })
        .collect();
    Ok(Step::Done(Opened::Tiled(TileSource {
        pyramid: Pyramid {
            width,
            height,
            overlap: 0,
            levels,
        },
        scheme: Scheme::Cog {
            url: url.to_string(),
            levels: files,
        },
        geo,
    })))
}

/// Every tiled full or reduced-resolution image of the file (transparency masks left out) and
/// the first image's georeferencing; `None` when the first image is in strips.
#[allow(clippy::type_complexity)]
fn read_levels(
    file: &SparseFile,
    missing: &Cell<Option<u64>>,
) -> Result<Option<(Vec<Found>, Option<GeoRef>)>, String> {
    let mut d = Decoder::new(file.reader(missing)).map_err(|e| e.to_string())?;
    let geo = super::georef::read(&mut d);
    if missing.get().is_some() {
        // A tag's values lie beyond what is held: fetch them first.
        return Err("georeferencing not fetched yet".into());
    }
    let mut found = Vec::new();
    for ifd in 0.. {
        let subfile: u32 = d
            .find_tag_unsigned(Tag::NewSubfileType)
            .map_err(|e| e.to_string())?
            .unwrap_or(0);
        // Bit 2: a transparency mask, not a picture.
        if subfile & 4 == 0 {
            match d.get_chunk_type() {
                ChunkType::Strip if ifd == 0 => return Ok(None),
                ChunkType::Strip => {}
                ChunkType::Tile => {
                    let planar: u16 = d
                        .find_tag_unsigned(Tag::PlanarConfiguration)
                        .map_err(|e| e.to_string())?
                        .unwrap_or(1);
                    if planar != 1 {
                        return Err(format!(
                            "image {ifd} stores each colour in its own plane, which is not read by parts"
                        ));
                    }
                    let (width, height) = d.dimensions().map_err(|e| e.to_string())?;
                    let tile = d.chunk_dimensions();
                    let offsets = d
                        .get_tag_u64_vec(Tag::TileOffsets)
                        .map_err(|e| e.to_string())?;
                    let counts = d
                        .get_tag_u64_vec(Tag::TileByteCounts)
                        .map_err(|e| e.to_string())?;
                    let expected = width.div_ceil(tile.0.max(1)) as usize
                        * height.div_ceil(tile.1.max(1)) as usize;
                    if offsets.len() != expected || counts.len() != expected {
                        return Err(format!(
                            "image {ifd}: {} tile offsets for {expected} tiles",
                            offsets.len()
                        ));
                    }
                    found.push(Found {
                        ifd,
                        width,
                        height,
                        tile,
                        offsets,
                        counts,
                    });
                }
            }
        }
        if !d.more_images() {
            break;
        }
        d.next_image().map_err(|e| e.to_string())?;
    }
    Ok(Some((found, geo)))
}

/// Where tile `id` of `source` (a [`Scheme::Cog`]) lies in the file: its offset and length.
pub fn tile_bytes(source: &TileSource, id: TileId) -> Option<(u64, u64)> {
    let Scheme::Cog { levels, .. } = &source.scheme else {
        return None;
    };
    let level = levels.get(id.level)?;
    if id.col >= level.across {
        return None;
    }
    let index = id.row as usize * level.across as usize + id.col as usize;
    Some((*level.offsets.get(index)?, *level.counts.get(index)?))
}

/// Decodes tile `id` of `source` (a [`Scheme::Cog`]) from what `file` holds.
pub fn decode_tile(
    file: &SparseFile,
    source: &TileSource,
    id: TileId,
) -> Result<Step<TilePixels>, FormatError> {
    let Scheme::Cog { url, levels } = &source.scheme else {
        return Err(FormatError::at("", "", "not a tiled TIFF"));
    };
    let fail = |m: String| {
        FormatError::at(
            url.as_str(),
            format!("tile {}/{}_{}", id.level, id.col, id.row),
            m,
        )
    };
    let level = levels
        .get(id.level)
        .ok_or_else(|| fail("no such level".into()))?;
    let index = id.row as usize * level.across as usize + id.col as usize;
    let (offset, count) = tile_bytes(source, id).ok_or_else(|| fail("no such tile".into()))?;
    let (_, _, w, h) = source
        .pyramid
        .level_rect(id)
        .ok_or_else(|| fail("no such tile".into()))?;
    if count == 0 {
        // An empty tile of a sparse file: nothing there.
        return Ok(Step::Done(TilePixels {
            width: w,
            height: h,
            rgba: vec![0; w as usize * h as usize * 4],
        }));
    }
    if let Some(from) = file.first_missing(offset, offset + count) {
        return Ok(Step::Fetch {
            offset: from,
            len: offset + count - from,
        });
    }
    let missing = Cell::new(None);
    let decoded = (|| {
        let mut d = Decoder::new(file.reader_ending(&missing, offset + count))?;
        d.seek_to_image(level.ifd)?;
        let colour = d.colortype()?;
        let (cw, ch) = d.chunk_data_dimensions(index as u32);
        Ok::<_, tiff::TiffError>((colour, cw, ch, d.read_chunk(index as u32)?))
    })();
    let (colour, cw, ch, data) = match (decoded, missing.get()) {
        (Ok(d), _) => d,
        (Err(_), Some(offset)) => {
            return Ok(Step::Fetch {
                offset,
                len: HEADER_FETCH,
            })
        }
        (Err(e), None) => return Err(fail(e.to_string())),
    };
    let rgba = to_rgba(colour, data, cw as usize * ch as usize).map_err(fail)?;
    // Edge tiles are stored padded to the full tile size: keep the image's part.
    let (w, h) = (w.min(cw), h.min(ch));
    let rgba = if (w, h) == (cw, ch) {
        rgba
    } else {
        rgba.chunks_exact(cw as usize * 4)
            .take(h as usize)
            .flat_map(|row| &row[..w as usize * 4])
            .copied()
            .collect()
    };
    Ok(Step::Done(TilePixels {
        width: w,
        height: h,
        rgba,
    }))
}

/// Samples of a decoded tile as 8-bit RGBA (16-bit samples keep their high byte).
pub(crate) fn to_rgba(
    colour: ColorType,
    data: DecodingResult,
    pixels: usize,
) -> Result<Vec<u8>, String> {
    let samples: Vec<u8> = match data {
        DecodingResult::U8(v) => v,
        DecodingResult::U16(v) => v.into_iter().map(|s| (s >> 8) as u8).collect(),
        _ => return Err(format!("{colour:?} samples are not shown yet")),
    };
    let per = match colour {
        ColorType::Gray(_) => 1,
        ColorType::GrayA(_) => 2,
        ColorType::RGB(_) | ColorType::YCbCr(_) => 3,
        ColorType::RGBA(_) => 4,
        other => return Err(format!("{other:?} images are not shown yet")),
    };
    if samples.len() < pixels * per {
        return Err(format!(
            "{} samples for {pixels} pixels of {per}",
            samples.len()
        ));
    }
    let mut rgba = Vec::with_capacity(pixels * 4);
    for px in samples.chunks_exact(per).take(pixels) {
        let [r, g, b, a] = match (colour, px) {
            (ColorType::Gray(_), [v]) => [*v, *v, *v, 255],
            (ColorType::GrayA(_), [v, a]) => [*v, *v, *v, *a],
            (ColorType::YCbCr(_), [y, cb, cr]) => ycbcr(*y, *cb, *cr),
            (_, [r, g, b]) => [*r, *g, *b, 255],
            (_, [r, g, b, a]) => [*r, *g, *b, *a],
            _ => [0, 0, 0, 0],
        };
        rgba.extend_from_slice(&[r, g, b, a]);
    }
    Ok(rgba)
}

/// JPEG's full-range YCbCr (ITU-R BT.601, as JFIF and GDAL's JPEG-in-TIFF use it) to RGB: the
/// decoder hands TIFF's YCbCr samples over unconverted.
fn ycbcr(y: u8, cb: u8, cr: u8) -> [u8; 4] {
    let (y, cb, cr) = (f64::from(y), f64::from(cb) - 128.0, f64::from(cr) - 128.0);
    let clamp = |v: f64| v.round().clamp(0.0, 255.0) as u8;
    [
        clamp(y + 1.402 * cr),
        clamp(y - 0.344_136 * cb - 0.714_136 * cr),
        clamp(y + 1.772 * cb),
        255,
    ]
}

#[cfg(test)]
#[path = "cog_tests.rs"]
pub(crate) mod tests;
