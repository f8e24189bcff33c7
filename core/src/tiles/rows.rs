//! An image file's rows, top to bottom, as 8-bit RGBA, read with as little of the image in
//! memory as its format allows: a PNG a scanline at a time (the `png` crate), a TIFF a strip or
//! a row of tiles at a time (the `tiff` crate). A JPEG, an interlaced PNG and a TIFF whose
//! samples are stored plane by plane are decoded whole (the `image` crate; a JPEG turned
//! upright by its EXIF orientation, as the editor shows photos).

use super::cog::to_rgba;
use std::io::{BufRead, Read, Seek, SeekFrom};
use tiff::decoder::Decoder as TiffDecoder;

/// The file formats a pyramid is cut from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
    /// TIFF or BigTIFF.
    Tiff,
}

/// What the first bytes of a file say about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Probe {
    /// Its format.
    pub format: FileFormat,
    /// Width as stored (before any EXIF turn), where the first bytes tell it.
    pub width: Option<u32>,
    /// Height as stored, where the first bytes tell it.
    pub height: Option<u32>,
}

impl Probe {
    /// Pixels of the image, where known.
    pub fn pixels(&self) -> Option<u64> {
        Some(u64::from(self.width?) * u64::from(self.height?))
    }
}

/// The format of the file beginning with `head` and, for PNG and JPEG, its size (a JPEG's
/// frame header is usually within the first 64 KB, after its EXIF block); `None` for other
/// formats. A TIFF's size needs its directory, which may be anywhere in the file.
pub fn probe(head: &[u8]) -> Option<Probe> {
    let be32 = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(head.get(at..at + 4)?.try_into().ok()?))
    };
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(Probe {
            format: FileFormat::Png,
            width: be32(16),
            height: be32(20),
        });
    }
    if crate::dataset::pixels::is_tiff(head) {
        return Some(Probe {
            format: FileFormat::Tiff,
            width: None,
            height: None,
        });
    }
    if !head.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let (width, height) = jpeg_size(head).unzip();
    Some(Probe {
        format: FileFormat::Jpeg,
        width,
        height,
    })
}

/// A JPEG's size from its frame header (`SOF0`–`SOF15` but `DHT`, `JPG` and `DAC`), walking
/// the segments from the start.
fn jpeg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        // Segments start with 0xFF, possibly padded with more of them.
        while *bytes.get(at)? == 0xFF && *bytes.get(at + 1)? == 0xFF {
            at += 1;
        }
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        let length = usize::from(u16::from_be_bytes([
            *bytes.get(at + 2)?,
            *bytes.get(at + 3)?,
        ]));
        if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            let height = u16::from_be_bytes([*bytes.get(at + 5)?, *bytes.get(at + 6)?]);
            let width = u16::from_be_bytes([*bytes.get(at + 7)?, *bytes.get(at + 8)?]);
            return Some((u32::from(width), u32::from(height)));
        }
        if marker == 0xDA || length < 2 {
            return None; // scan data before any frame header: not a JPEG we can size
        }
        at += 2 + length;
    }
}

/// Where the rows come from.
enum Rows<R: BufRead + Seek> {
    /// A PNG read a scanline at a time; the `png` crate expands palettes and 16-bit samples.
    Png {
        reader: Box<png::Reader<R>>,
        colour: png::ColorType,
    },
    /// A TIFF read a strip (or a row of tiles) at a time into `band`.
    Tiff {
        decoder: Box<TiffDecoder<R>>,
        colour: tiff::ColorType,
        /// Chunk size (strip: the image's width × rows per strip).
        chunk: (u32, u32),
        /// RGBA rows of the current band and the first row it holds.
        band: Vec<u8>,
        band_start: u32,
    },
    /// The whole image, as decoded: `channels` samples a pixel (grey, RGB or RGBA), made
    /// RGBA a row at a time (a 100 MP photo costs 300 MB as RGB, 400 MB more as RGBA).
    Whole { pixels: Vec<u8>, channels: usize },
}

/// Reads an image file's rows in order.
pub struct RowReader<R: BufRead + Seek> {
    rows: Rows<R>,
    width: u32,
    height: u32,
    has_alpha: bool,
    next: u32,
    /// The row handed out last (PNG and TIFF rows are converted into it).
    row: Vec<u8>,
}

/// The first bytes of `reader`, without consuming them.
fn head<R: BufRead>(reader: &mut R) -> Result<Vec<u8>, String> {
    let buffer = reader
        .fill_buf()
        .map_err(|e| format!("cannot read the file: {e}"))?;
    Ok(buffer[..buffer.len().min(16)].to_vec())
}

impl<R: BufRead + Seek> RowReader<R> {
    /// Reads the header of the PNG, JPEG or TIFF in `reader`.
    pub fn open(mut reader: R) -> Result<RowReader<R>, String> {
        let first = head(&mut reader)?;
        match probe(&first).map(|p| p.format) {
            Some(FileFormat::Png) => Self::png(reader),
            Some(FileFormat::Tiff) => Self::tiff(reader),
            Some(FileFormat::Jpeg) => Self::whole(reader),
            None => Err("not a PNG, JPEG or TIFF file".into()),
        }
    }

    fn png(reader: R) -> Result<RowReader<R>, String> {
        let mut decoder = png::Decoder::new(reader);
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder
            .read_info()
            .map_err(|e| format!("cannot read the PNG: {e}"))?;
        let (colour, _) = reader.output_color_type();
        let info = reader.info();
        let (width, height, interlaced) = (info.width, info.height, info.interlaced);
        let has_alpha = matches!(
            colour,
            png::ColorType::Rgba | png::ColorType::GrayscaleAlpha
        );
        if interlaced {
            // Adam7 passes spread every row over the whole file: decoded whole.
            let size = reader
                .output_buffer_size()
                .ok_or("the PNG is too large to decode whole")?;
            let mut pixels = vec![0; size];
            reader
                .next_frame(&mut pixels)
                .map_err(|e| format!("cannot decode the PNG: {e}"))?;
            let rgba = png_to_rgba(colour, &pixels)?;
            return Ok(Self::whole_rgba(rgba, width, height, has_alpha));
        }
        let rows = Rows::Png {
            reader: Box::new(reader),
            colour,
        };
        Ok(Self::from_parts(rows, width, height, has_alpha))
    }

    fn tiff(reader: R) -> Result<RowReader<R>, String> {
        let describe = |e: tiff::TiffError| format!("cannot read the TIFF: {e}");
        let mut decoder = TiffDecoder::new(reader).map_err(describe)?;
        let (width, height) = decoder.dimensions().map_err(describe)?;
        let colour = decoder.colortype().map_err(describe)?;
        let planar = decoder
            .find_tag_unsigned::<u16>(tiff::tags::Tag::PlanarConfiguration)
            .map_err(describe)?;
        let has_alpha = matches!(colour, tiff::ColorType::RGBA(_) | tiff::ColorType::GrayA(_));
        if planar == Some(2) {
            // Samples stored plane by plane: the `tiff` crate reads those whole.
            let image = decoder.read_image().map_err(describe)?;
            let rgba = to_rgba(colour, image, width as usize * height as usize)?;
            return Ok(Self::whole_rgba(rgba, width, height, has_alpha));
        }
        let chunk = decoder.chunk_dimensions();
        let rows = Rows::Tiff {
            decoder: Box::new(decoder),
            colour,
            chunk,
            band: Vec::new(),
            band_start: 0,
        };
        Ok(Self::from_parts(rows, width, height, has_alpha))
    }

    fn whole(mut reader: R) -> Result<RowReader<R>, String> {
        let mut bytes = Vec::new();
        reader
            .seek(SeekFrom::Start(0))
            .and_then(|_| reader.read_to_end(&mut bytes))
            .map_err(|e| format!("cannot read the file: {e}"))?;
        let image = crate::dataset::pixels::decode_upright(&bytes)?;
        drop(bytes);
        let (width, height) = (image.width(), image.height());
        let has_alpha = image.color().has_alpha();
        let (pixels, channels) = match image {
            image::DynamicImage::ImageLuma8(grey) => (grey.into_raw(), 1),
            image::DynamicImage::ImageRgb8(rgb) => (rgb.into_raw(), 3),
            other => (other.into_rgba8().into_raw(), 4),
        };
        let rows = Rows::Whole { pixels, channels };
        Ok(Self::from_parts(rows, width, height, has_alpha))
    }

    /// A reader of an image already decoded whole to RGBA.
    fn whole_rgba(rgba: Vec<u8>, width: u32, height: u32, has_alpha: bool) -> RowReader<R> {
        let rows = Rows::Whole {
            pixels: rgba,
            channels: 4,
        };
        Self::from_parts(rows, width, height, has_alpha)
    }

    fn from_parts(rows: Rows<R>, width: u32, height: u32, has_alpha: bool) -> RowReader<R> {
        RowReader {
            rows,
            width,
            height,
            has_alpha,
            next: 0,
            row: Vec::new(),
        }
    }

    /// Width in pixels (upright).
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels (upright).
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Whether the image has an alpha channel (its tiles are then kept as PNG).
    pub fn has_alpha(&self) -> bool {
        self.has_alpha
    }

    /// The next row, RGBA; `None` after the last.
    pub fn next_row(&mut self) -> Result<Option<&[u8]>, String> {
        if self.next >= self.height {
            return Ok(None);
        }
        let y = self.next;
        self.next += 1;
        let stride = self.width as usize * 4;
        match &mut self.rows {
            Rows::Whole { pixels, channels } => {
                let per_row = self.width as usize * *channels;
                let start = y as usize * per_row;
                let row = pixels
                    .get(start..start + per_row)
                    .ok_or_else(|| format!("the image has no row {y}"))?;
                self.row = samples_to_rgba(*channels, row);
            }
            Rows::Png { reader, colour } => {
                let row = reader
                    .next_row()
                    .map_err(|e| format!("cannot decode row {y} of the PNG: {e}"))?
                    .ok_or_else(|| format!("the PNG ends before row {y}"))?;
                self.row = png_to_rgba(*colour, row.data())?;
            }
            Rows::Tiff {
                decoder,
                colour,
                chunk,
                band,
                band_start,
            } => {
                let rows_in_band = (band.len() / stride.max(1)) as u32;
                if band.is_empty() || y >= *band_start + rows_in_band {
                    *band = read_tiff_band(decoder, *colour, *chunk, self.width, y)?;
                    *band_start = y;
                }
                let start = (y - *band_start) as usize * stride;
                self.row.clear();
                self.row.extend_from_slice(&band[start..start + stride]);
            }
        }
        Ok(Some(&self.row))
    }
}

/// The RGBA rows of the strip (or row of tiles) that begins at row `y`.
fn read_tiff_band<R: Read + Seek>(
    decoder: &mut TiffDecoder<R>,
    colour: tiff::ColorType,
    (chunk_width, chunk_height): (u32, u32),
    width: u32,
    y: u32,
) -> Result<Vec<u8>, String> {
    let describe = |e: tiff::TiffError| format!("cannot read the TIFF at row {y}: {e}");
    let across = width.div_ceil(chunk_width.max(1));
    let band_row = y / chunk_height.max(1);
    let mut band: Vec<u8> = Vec::new();
    let mut band_height = 0;
    let chunks = match decoder.get_chunk_type() {
        tiff::decoder::ChunkType::Strip => decoder.strip_count(),
        tiff::decoder::ChunkType::Tile => decoder.tile_count(),
    }
    .map_err(describe)?;
    for col in 0..across {
        let index = band_row * across + col;
        if index >= chunks {
            return Err(format!(
                "the TIFF has {chunks} strips or tiles, too few for row {y}"
            ));
        }
        // Pixels of the chunk that lie in the image (edge tiles come back cropped).
        let (w, h) = decoder.chunk_data_dimensions(index);
        let pixels = decoder.read_chunk(index).map_err(describe)?;
        let stored_width = w;
        let rgba = to_rgba(colour, pixels, stored_width as usize * h as usize)?;
        if band.is_empty() {
            band_height = h;
            band = vec![0; width as usize * h as usize * 4];
        }
        let x0 = (col * chunk_width) as usize;
        for r in 0..h.min(band_height) as usize {
            let from = r * stored_width as usize * 4;
            let to = (r * width as usize + x0) * 4;
            band[to..to + w as usize * 4].copy_from_slice(&rgba[from..from + w as usize * 4]);
        }
    }
    if band.is_empty() {
        return Err(format!("the TIFF has no pixels at row {y}"));
    }
    Ok(band)
}

/// A row (or rows) of `colour` samples as RGBA.
fn png_to_rgba(colour: png::ColorType, samples: &[u8]) -> Result<Vec<u8>, String> {
    let per = match colour {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => return Err("a palette PNG was not expanded".into()),
    };
    Ok(samples_to_rgba(per, samples))
}

/// Pixels of `per` 8-bit samples (grey, grey and alpha, RGB, RGBA) as RGBA.
fn samples_to_rgba(per: usize, samples: &[u8]) -> Vec<u8> {
    let mut rgba = Vec::with_capacity(samples.len() / per * 4);
    for px in samples.chunks_exact(per) {
        let pixel = match *px {
            [v] => [v, v, v, 255],
            [v, a] => [v, v, v, a],
            [r, g, b] => [r, g, b, 255],
            [r, g, b, a] => [r, g, b, a],
            _ => [0, 0, 0, 0],
        };
        rgba.extend_from_slice(&pixel);
    }
    rgba
}
