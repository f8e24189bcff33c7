//! Tests of cutting pyramids: every tile of every level, equal to the same pyramid built from
//! the whole image; files read row by row equal to the `image` crate's whole decode.

use super::*;
use crate::tiles::pyramid::Pyramid;
use crate::tiles::rows::{probe, FileFormat, RowReader};
use image::{DynamicImage, ImageFormat, RgbaImage};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::io::Cursor;

/// RGBA pixels of a `w × h` image with some structure and some noise from `seed`.
fn pixels(w: u32, h: u32, seed: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity((w * h * 4) as usize);
    for y in 0..h {
        for x in 0..w {
            let n = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503) ^ seed) >> 7;
            out.extend([
                (x % 256) as u8,
                (y % 256) as u8,
                (n % 256) as u8,
                (200 + n % 56) as u8,
            ]);
        }
    }
    out
}

/// The pyramid's levels built the plain way, from the whole image: each level pixel the rounded
/// mean of the (up to 2 × 2) pixels of the sharper level it covers. Sharpest last.
fn reference_levels(pyramid: &Pyramid, full: &[u8]) -> Vec<Vec<u8>> {
    let mut levels = vec![full.to_vec()];
    for pair in pyramid.levels.windows(2).rev() {
        let (coarse, sharp) = (&pair[0], &pair[1]);
        let src = levels.last().cloned().unwrap_or_default();
        let mut out = Vec::new();
        for y in 0..coarse.height {
            for x in 0..coarse.width {
                for c in 0..4 {
                    let (mut sum, mut n) = (0u32, 0u32);
                    for sy in [2 * y, 2 * y + 1] {
                        for sx in [2 * x, 2 * x + 1] {
                            if sx < sharp.width && sy < sharp.height {
                                sum += u32::from(src[((sy * sharp.width + sx) * 4 + c) as usize]);
                                n += 1;
                            }
                        }
                    }
                    out.push(((sum + n / 2) / n) as u8);
                }
            }
        }
        levels.push(out);
    }
    levels.reverse();
    levels
}

/// Every tile of a cut, by id; fails on a tile given twice.
fn cut_all(w: u32, h: u32, full: &[u8]) -> (Pyramid, BTreeMap<TileId, CutTile>) {
    let mut cutter = Cutter::new(w, h).unwrap();
    let mut tiles = BTreeMap::new();
    for y in 0..h as usize {
        let mut out = Vec::new();
        let stride = w as usize * 4;
        cutter
            .push_row(&full[y * stride..(y + 1) * stride], &mut out)
            .unwrap();
        for t in out {
            assert!(tiles.insert(t.id, t).is_none(), "a tile given twice");
        }
    }
    assert!(cutter.finished());
    (cutter.pyramid().clone(), tiles)
}

/// Checks that the tiles are exactly the pyramid's tiles and equal the reference's pixels.
fn assert_matches_reference(pyramid: &Pyramid, tiles: &BTreeMap<TileId, CutTile>, full: &[u8]) {
    let reference = reference_levels(pyramid, full);
    let mut expected = 0;
    for (level, l) in pyramid.levels.iter().enumerate() {
        for row in 0..l.rows() {
            for col in 0..l.columns() {
                expected += 1;
                let id = TileId { level, col, row };
                let tile = tiles.get(&id).unwrap_or_else(|| panic!("{id:?} missing"));
                let (x, y, w, h) = pyramid.level_rect(id).unwrap();
                assert_eq!((tile.width, tile.height), (w, h), "{id:?}");
                for r in 0..h {
                    let start = (((y + r) * l.width + x) * 4) as usize;
                    let want = &reference[level][start..start + (w * 4) as usize];
                    let got = &tile.rgba[(r * w * 4) as usize..((r + 1) * w * 4) as usize];
                    assert_eq!(got, want, "{id:?} row {r}");
                }
            }
        }
    }
    assert_eq!(tiles.len(), expected);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn cut_row_by_row_equals_the_pyramid_of_the_whole_image(
        w in 1u32..700, h in 1u32..600, seed in any::<u32>()
    ) {
        let full = pixels(w, h, seed);
        let (pyramid, tiles) = cut_all(w, h, &full);
        assert_matches_reference(&pyramid, &tiles, &full);
    }
}

#[test]
fn levels_are_deep_zooms_and_the_one_pixel_level_is_the_mean() {
    let (w, h) = (1000, 3);
    let full = pixels(w, h, 7);
    let (pyramid, tiles) = cut_all(w, h, &full);
    assert_eq!(pyramid.levels.len(), 11); // ceil(log2(1000)) + 1, as Deep Zoom counts
    assert_eq!(pyramid.overlap, 0);
    let top = &tiles[&TileId {
        level: 0,
        col: 0,
        row: 0,
    }];
    assert_eq!((top.width, top.height), (1, 1));
    assert_matches_reference(&pyramid, &tiles, &full);
}

#[test]
fn the_thumbnail_is_the_sharpest_single_tile() {
    let p = pyramid_of(4200, 4000);
    let t = thumbnail_tile(&p);
    assert_eq!(
        t,
        TileId {
            level: 8,
            col: 0,
            row: 0
        }
    );
    assert_eq!(p.level_rect(t), Some((0, 0, 132, 125)));
    assert_eq!(thumbnail_tile(&pyramid_of(200, 10)).level, 8);
}

#[test]
fn wrong_rows_are_refused_by_name() {
    let mut cutter = Cutter::new(3, 1).unwrap();
    let mut out = Vec::new();
    let e = cutter.push_row(&[0; 8], &mut out).unwrap_err();
    assert!(e.contains("8 bytes") && e.contains("12"), "{e}");
    cutter.push_row(&[0; 12], &mut out).unwrap();
    let e = cutter.push_row(&[0; 12], &mut out).unwrap_err();
    assert!(e.contains("more rows"), "{e}");
    assert!(Cutter::new(0, 5).err().unwrap().contains("no pixels"));
}

fn encoded(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut bytes = Cursor::new(Vec::new());
    image.write_to(&mut bytes, format).unwrap();
    bytes.into_inner()
}

/// Every row of the file through [`RowReader`], concatenated.
fn rows_of(bytes: &[u8]) -> (u32, u32, bool, Vec<u8>) {
    let mut reader = RowReader::open(Cursor::new(bytes)).unwrap();
    let (w, h, alpha) = (reader.width(), reader.height(), reader.has_alpha());
    let mut all = Vec::new();
    while let Some(row) = reader.next_row().unwrap() {
        assert_eq!(row.len(), w as usize * 4);
        all.extend_from_slice(row);
    }
    (w, h, alpha, all)
}

fn test_image(w: u32, h: u32) -> RgbaImage {
    RgbaImage::from_raw(w, h, pixels(w, h, 3)).unwrap()
}

#[test]
fn png_rows_equal_the_whole_decode_in_every_colour_type() {
    let rgba = DynamicImage::ImageRgba8(test_image(301, 77));
    let cases = [
        rgba.clone(),
        DynamicImage::ImageRgb8(rgba.to_rgb8()),
        DynamicImage::ImageLuma8(rgba.to_luma8()),
        DynamicImage::ImageLumaA8(rgba.to_luma_alpha8()),
        DynamicImage::ImageRgb16(rgba.to_rgb16()),
    ];
    for image in cases {
        let bytes = encoded(&image, ImageFormat::Png);
        let (w, h, alpha, rows) = rows_of(&bytes);
        let want = image::load_from_memory(&bytes).unwrap();
        assert_eq!((w, h), (301, 77));
        assert_eq!(alpha, want.color().has_alpha(), "{:?}", image.color());
        assert_eq!(rows, want.to_rgba8().into_raw(), "{:?}", image.color());
    }
}

#[test]
fn palette_and_interlaced_pngs_are_read_too() {
    // A 4-colour palette PNG written with the png crate.
    let mut palette = Vec::new();
    {
        let mut e = png::Encoder::new(&mut palette, 33, 21);
        e.set_color(png::ColorType::Indexed);
        e.set_depth(png::BitDepth::Eight);
        e.set_palette(vec![255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9]);
        let mut w = e.write_header().unwrap();
        let indices: Vec<u8> = (0..33 * 21).map(|i| (i % 4) as u8).collect();
        w.write_image_data(&indices).unwrap();
        w.finish().unwrap();
    }
    // An Adam7-interlaced RGB PNG (written by hand, as no encoder here interlaces; Pillow
    // reads it as pixel (x, y) = (7x, 11y, 5(x + y)) mod 256).
    let adam7 = include_bytes!("../../tests/data/adam7.png");
    for bytes in [palette.as_slice(), adam7.as_slice()] {
        let (_, _, _, rows) = rows_of(bytes);
        let want = image::load_from_memory(bytes).unwrap().to_rgba8();
        assert_eq!(rows, want.into_raw());
    }
    let (w, _, _, rows) = rows_of(adam7);
    let at = |x: usize, y: usize| &rows[(y * w as usize + x) * 4..][..4];
    assert_eq!(
        at(32, 20),
        [224, 220, 4, 255] // (7 × 32, 11 × 20, 5 × 52 mod 256)
    );
}

#[test]
fn tiff_strips_and_tiles_are_read_a_band_at_a_time() {
    // Strips of 16 rows, written with the tiff crate.
    let image = test_image(70, 45);
    let mut bytes = Cursor::new(Vec::new());
    {
        let mut tiff = tiff::encoder::TiffEncoder::new(&mut bytes).unwrap();
        let mut page = tiff
            .new_image::<tiff::encoder::colortype::RGBA8>(70, 45)
            .unwrap();
        page.rows_per_strip(16).unwrap();
        page.write_data(image.as_raw()).unwrap();
    }
    let (w, h, alpha, rows) = rows_of(bytes.get_ref());
    assert_eq!((w, h, alpha), (70, 45, true));
    assert_eq!(rows, image.into_raw());

    // Tiles of 16 × 16 with edge tiles padded, as tiled TIFFs store them.
    let tiled = crate::tiles::cog::tests::tiled_tiff(50, 37, 16);
    let (w, h, alpha, rows) = rows_of(&tiled);
    assert_eq!((w, h, alpha), (50, 37, false));
    let want = image::load_from_memory(&tiled).unwrap().to_rgba8();
    assert_eq!(rows, want.into_raw());
}

#[test]
fn a_jpeg_is_read_upright() {
    let image = DynamicImage::ImageRgb8(DynamicImage::ImageRgba8(test_image(40, 24)).to_rgb8());
    let plain = encoded(&image, ImageFormat::Jpeg);
    // The same JPEG with an EXIF block saying "turn a quarter" (orientation 6).
    let exif = crate::orientation::exif_header(6);
    let mut turned = exif[..exif.len() - 2].to_vec();
    turned.extend_from_slice(&plain[2..]);
    let (w, h, alpha, rows) = rows_of(&turned);
    assert_eq!((w, h, alpha), (24, 40, false));
    let want = crate::dataset::pixels::decode_upright(&turned).unwrap();
    assert_eq!(rows, want.to_rgba8().into_raw());
    let p = probe(&turned).unwrap();
    assert_eq!(p.format, FileFormat::Jpeg);
    assert_eq!((p.width, p.height), (Some(40), Some(24)));
}

#[test]
fn probe_tells_the_format_and_the_size_where_the_head_has_it() {
    let png = encoded(
        &DynamicImage::ImageRgb8(DynamicImage::ImageRgba8(test_image(9, 5)).to_rgb8()),
        ImageFormat::Png,
    );
    let p = probe(&png[..32]).unwrap();
    assert_eq!((p.format, p.pixels()), (FileFormat::Png, Some(45)));
    let tiff = crate::tiles::cog::tests::tiled_tiff(20, 20, 16);
    assert_eq!(probe(&tiff).unwrap().format, FileFormat::Tiff);
    assert_eq!(probe(&tiff).unwrap().pixels(), None);
    assert!(probe(b"GIF89a").is_none());
    // A JPEG cut before its frame header: the format, no size.
    let jpeg = encoded(
        &DynamicImage::ImageRgb8(DynamicImage::ImageRgba8(test_image(9, 5)).to_rgb8()),
        ImageFormat::Jpeg,
    );
    assert_eq!(probe(&jpeg[..4]).unwrap().pixels(), None);
}

#[test]
fn a_job_cuts_a_png_into_tiles_that_decode_to_the_pyramid() {
    let (w, h) = (600, 300);
    let image = DynamicImage::ImageRgba8(test_image(w, h));
    let bytes = encoded(&image, ImageFormat::Png);
    let mut job = CutJob::open(Cursor::new(bytes.as_slice())).unwrap();
    assert_eq!(job.format(), TileFormat::Png);
    assert_eq!(job.progress(), (0, 300));
    let pyramid = job.pyramid().clone();
    let mut tiles = BTreeMap::new();
    let mut batches = 0;
    while let Some(batch) = job.next_tiles().unwrap() {
        batches += 1;
        for t in batch {
            let decoded = image::load_from_memory(&t.bytes).unwrap().to_rgba8();
            let tile = CutTile {
                id: t.id,
                width: decoded.width(),
                height: decoded.height(),
                rgba: decoded.into_raw(),
            };
            assert!(tiles.insert(t.id, tile).is_none());
        }
    }
    assert_eq!(batches, 2); // one batch per full-resolution tile row
    assert_eq!(job.progress(), (300, 300));
    assert_matches_reference(&pyramid, &tiles, image.as_bytes());
}

#[test]
fn an_opaque_image_gets_jpeg_tiles_and_a_cut_short_file_is_named() {
    let image = DynamicImage::ImageRgb8(DynamicImage::ImageRgba8(test_image(300, 260)).to_rgb8());
    let bytes = encoded(&image, ImageFormat::Png);
    let mut job = CutJob::open(Cursor::new(bytes.as_slice())).unwrap();
    assert_eq!(job.format(), TileFormat::Jpeg);
    let first = job.next_tiles().unwrap().unwrap();
    let tile = image::load_from_memory(&first[0].bytes).unwrap();
    assert_eq!((tile.width(), tile.height()), (256, 256));

    let short = &bytes[..bytes.len() / 2];
    let mut job = CutJob::open(Cursor::new(short)).unwrap();
    let e = loop {
        match job.next_tiles() {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("a file cut in half gave every tile"),
            Err(e) => break e,
        }
    };
    assert!(e.contains("row"), "{e}");
    let e = CutJob::open(Cursor::new(&b"hello, not an image"[..]))
        .err()
        .unwrap();
    assert!(e.contains("not a PNG, JPEG or TIFF"), "{e}");
}
