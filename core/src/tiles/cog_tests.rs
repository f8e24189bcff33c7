//! Tests of reading tiled TIFFs by parts, on files written here byte by byte.

use super::*;

/// The colour of full-resolution pixel (x, y) in the test image.
fn colour(x: u32, y: u32) -> [u8; 3] {
    [
        (x % 251) as u8,
        (y % 241) as u8,
        ((x / 7 + y / 5) % 256) as u8,
    ]
}

/// A little-endian, uncompressed, tiled RGB TIFF: the full image `w × h` and one overview of
/// half the size (each overview pixel the full pixel at twice its coordinates), tiles of
/// `tile × tile`, pixel data first and the directories at the end (the opposite of a
/// Cloud-Optimized layout: the reader must still find everything).
pub(crate) fn tiled_tiff(w: u32, h: u32, tile: u32) -> Vec<u8> {
    tiled_geotiff(w, h, tile, None)
}

/// The same, with GeoTIFF tags on the full image when `geo` gives (tie point x, y, pixel size,
/// EPSG code).
fn tiled_geotiff(w: u32, h: u32, tile: u32, geo: Option<(f64, f64, f64, u16)>) -> Vec<u8> {
    let mut out = b"II\x2a\x00\0\0\0\0".to_vec();
    let levels = [(w, h, 1u32, 0u32), (w.div_ceil(2), h.div_ceil(2), 2, 1)];
    let mut tiles_of = Vec::new();
    for &(lw, lh, step, _) in &levels {
        let mut offsets = Vec::new();
        for row in 0..lh.div_ceil(tile) {
            for col in 0..lw.div_ceil(tile) {
                offsets.push(out.len() as u32);
                for y in 0..tile {
                    for x in 0..tile {
                        let (px, py) = (col * tile + x, row * tile + y);
                        let c = if px < lw && py < lh {
                            colour(px * step, py * step)
                        } else {
                            [0; 3]
                        };
                        out.extend_from_slice(&c);
                    }
                }
            }
        }
        tiles_of.push(offsets);
    }
    let count = tile * tile * 3;
    let mut next_ifd_at = 4usize;
    for (i, &(lw, lh, _, subfile)) in levels.iter().enumerate() {
        let n = tiles_of[i].len() as u32;
        // Out-of-line values: bits per sample, tile offsets, tile byte counts.
        let bits_at = out.len() as u32;
        for _ in 0..3 {
            out.extend_from_slice(&8u16.to_le_bytes());
        }
        let offsets_at = out.len() as u32;
        for o in &tiles_of[i] {
            out.extend_from_slice(&o.to_le_bytes());
        }
        let counts_at = out.len() as u32;
        for _ in 0..n {
            out.extend_from_slice(&count.to_le_bytes());
        }
        let mut geo_entries: Vec<(u16, u16, u32, u32)> = Vec::new();
        if let (0, Some((x, y, size, epsg))) = (i, geo) {
            let scale_at = out.len() as u32;
            for v in [size, size, 0.0] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            let tie_at = out.len() as u32;
            for v in [0.0, 0.0, 0.0, x, y, 0.0] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            let keys_at = out.len() as u32;
            // Version 1.1.0, two keys: raster is area (1025 = 1), projected CS (3072 = epsg).
            for v in [1u16, 1, 0, 2, 1025, 0, 1, 1, 3072, 0, 1, epsg] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            geo_entries = vec![
                (33550, 12, 3, scale_at),
                (33922, 12, 6, tie_at),
                (34735, 3, 12, keys_at),
            ];
        }
        let ifd_at = out.len() as u32;
        out[next_ifd_at..next_ifd_at + 4].copy_from_slice(&ifd_at.to_le_bytes());
        // (tag, type: 3 short / 4 long / 12 double, count, value or offset)
        let base: [(u16, u16, u32, u32); 12] = [
            (254, 4, 1, subfile),
            (256, 4, 1, lw),
            (257, 4, 1, lh),
            (258, 3, 3, bits_at),
            (259, 3, 1, 1),
            (262, 3, 1, 2),
            (277, 3, 1, 3),
            (284, 3, 1, 1),
            (322, 4, 1, tile),
            (323, 4, 1, tile),
            (324, 4, n, offsets_at),
            (325, 4, n, counts_at),
        ];
        let entries: Vec<(u16, u16, u32, u32)> = base.into_iter().chain(geo_entries).collect();
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        for (tag, kind, n, value) in entries {
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&kind.to_le_bytes());
            out.extend_from_slice(&n.to_le_bytes());
            if kind == 3 && n == 1 {
                out.extend_from_slice(&(value as u16).to_le_bytes());
                out.extend_from_slice(&[0, 0]);
            } else {
                out.extend_from_slice(&value.to_le_bytes());
            }
        }
        next_ifd_at = out.len();
        out.extend_from_slice(&[0; 4]);
    }
    out
}

/// Runs `step` against a sparse copy of `whole`, fetching what it asks for; the result and
/// how many fetches it took.
fn fetching<T>(
    file: &mut SparseFile,
    whole: &[u8],
    mut step: impl FnMut(&SparseFile) -> Result<Step<T>, FormatError>,
) -> (T, usize) {
    for fetches in 0..100 {
        match step(file).unwrap() {
            Step::Done(v) => return (v, fetches),
            Step::Fetch { offset, len } => {
                let start = offset as usize;
                assert!(start < whole.len(), "fetch past the end: {offset}");
                let end = (start + len as usize).min(whole.len());
                file.add(offset, whole[start..end].to_vec());
            }
        }
    }
    panic!("never done");
}

#[test]
fn opens_by_parts_and_decodes_single_tiles() {
    let whole = tiled_tiff(1000, 800, 64);
    let mut file = SparseFile::default();
    let (opened, _) = fetching(&mut file, &whole, |f| open(f, "http://h/big.tif"));
    let Opened::Tiled(source) = opened else {
        panic!("tiled");
    };
    let p = &source.pyramid;
    assert_eq!((p.width, p.height, p.levels.len()), (1000, 800, 2));
    assert_eq!((p.levels[0].width, p.levels[0].factor), (500, 2.0));
    assert_eq!(
        source
            .url(TileId {
                level: 1,
                col: 4,
                row: 3
            })
            .as_deref(),
        Some("http://h/big.tif")
    );
    // Only the directories were read, not the pixels.
    assert!(
        file.held() <= 2 * HEADER_FETCH as usize,
        "{} of {}",
        file.held(),
        whole.len()
    );
    let mut pixels_file = SparseFile::default();
    let (_, _) = fetching(&mut pixels_file, &whole, |f| open(f, "u"));
    // The last tile of the full level: 1000 - 960 = 40 wide, 800 - 768 = 32 high.
    let id = TileId {
        level: 1,
        col: 15,
        row: 12,
    };
    let (tile, fetches) = fetching(&mut pixels_file, &whole, |f| decode_tile(f, &source, id));
    assert_eq!(fetches, 1, "the tile's own bytes, once");
    assert_eq!((tile.width, tile.height), (40, 32));
    for (i, px) in tile.rgba.chunks(4).enumerate() {
        let (x, y) = (960 + i as u32 % 40, 768 + i as u32 / 40);
        let c = colour(x, y);
        assert_eq!(px, [c[0], c[1], c[2], 255], "pixel ({x}, {y})");
    }
    let over = TileId {
        level: 0,
        col: 1,
        row: 1,
    };
    let (tile, _) = fetching(&mut pixels_file, &whole, |f| decode_tile(f, &source, over));
    assert_eq!((tile.width, tile.height), (64, 64));
    assert_eq!(&tile.rgba[..3], &colour(128, 128));
}

#[test]
fn a_tiff_in_strips_is_read_whole_and_bad_files_are_named() {
    let mut png = Vec::new();
    let img = image::RgbImage::from_pixel(40, 30, image::Rgb([1, 2, 3]));
    img.write_to(
        &mut std::io::Cursor::new(&mut png),
        image::ImageFormat::Tiff,
    )
    .unwrap();
    let mut file = SparseFile::default();
    let (opened, _) = fetching(&mut file, &png, |f| open(f, "s.tif"));
    assert_eq!(opened, Opened::Stripped);
    let mut bad = SparseFile::default();
    bad.add(0, b"GIF89a not a tiff at all".to_vec());
    let e = open(&bad, "x.tif").unwrap_err();
    assert!(e.to_string().contains("x.tif"), "{e}");
}

#[test]
fn ycbcr_is_converted_as_jpeg_defines_it() {
    assert_eq!(ycbcr(128, 128, 128), [128, 128, 128, 255]);
    assert_eq!(ycbcr(76, 85, 255), [254, 0, 0, 255]);
}

#[test]
fn a_geotiff_keeps_its_map_transform_and_crs() {
    let whole = tiled_geotiff(256, 128, 64, Some((500_000.0, 4_000_000.0, 0.5, 32633)));
    let mut file = SparseFile::default();
    let (opened, _) = fetching(&mut file, &whole, |f| open(f, "geo.tif"));
    let Opened::Tiled(source) = opened else {
        panic!("tiled");
    };
    let geo = source.geo.expect("georeferenced");
    assert_eq!(geo.transform, [500_000.0, 0.5, 0.0, 4_000_000.0, 0.0, -0.5]);
    assert_eq!(geo.crs.as_deref(), Some("EPSG:32633"));
    let corner = geo.to_map(crate::model::Point::new(256.0, 128.0));
    assert_eq!((corner.x, corner.y), (500_128.0, 3_999_936.0));
    let plain = tiled_tiff(256, 128, 64);
    let mut file = SparseFile::default();
    let (opened, _) = fetching(&mut file, &plain, |f| open(f, "plain.tif"));
    let Opened::Tiled(source) = opened else {
        panic!("tiled");
    };
    assert_eq!(source.geo, None);
}
