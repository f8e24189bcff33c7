//! The pixels of a [`Draw`]: decode (upright by EXIF orientation, as the editor shows it),
//! warp, adjust, encode. Decoding and encoding are the `image` crate's; the warp and the
//! colour adjustments are written here because they must sample exactly where
//! [`super::shapes::warp_mask`] samples (pixel centres through the inverse map), and because a
//! single pass over the pixels with the map stepped incrementally is several times faster than
//! a general projective warp.

use super::affine::Affine;
use super::pipeline::{Adjust, Draw};
use crate::model::Point;
use crate::random::Random;
use image::ImageFormat;
/// The pixel types of this module (the `image` crate's), for callers that hold decoded images.
pub use image::{DynamicImage, RgbImage};

/// Padding colour where the warp reaches outside the source (YOLO's letterbox grey).
pub const FILL: [u8; 3] = [114, 114, 114];

/// Decodes an image file and turns it upright by its EXIF orientation.
pub fn decode(bytes: &[u8]) -> Result<RgbImage, String> {
    decode_upright(bytes).map(|image| image.into_rgb8())
}

/// Decodes an image file, its channels as stored, upright by its EXIF orientation.
pub fn decode_upright(bytes: &[u8]) -> Result<DynamicImage, String> {
    let mut image =
        image::load_from_memory(bytes).map_err(|e| format!("cannot decode the image: {e}"))?;
    if let Some(o) = crate::orientation::exif_orientation(bytes) {
        if let Some(o) = image::metadata::Orientation::from_exif(o as u8) {
            image.apply_orientation(o);
        }
    }
    Ok(image)
}

/// Whether `bytes` begin as a TIFF file does (either byte order, BigTIFF too).
pub fn is_tiff(bytes: &[u8]) -> bool {
    matches!(
        bytes.get(..4),
        Some(b"II*\0") | Some(b"MM\0*") | Some(b"II+\0") | Some(b"MM\0+")
    )
}

/// An image a browser cannot show (TIFF) as a PNG it can: decoded, upright, RGB.
pub fn displayable_png(bytes: &[u8]) -> Result<Vec<u8>, String> {
    encode(&DynamicImage::ImageRgb8(decode(bytes)?), "image.png")
}

/// The image of one [`Draw`]: warped, adjusted, and grey if asked.
pub fn render(source: &RgbImage, draw: &Draw, grayscale: bool) -> Result<DynamicImage, String> {
    let inverse = draw
        .target
        .map
        .inverse()
        .ok_or("the geometric steps flatten the image (a zero-size crop or scale)")?;
    let mut out = warp(source, &inverse, draw.target.width, draw.target.height);
    for step in &draw.adjust {
        adjust(&mut out, step);
    }
    Ok(if grayscale {
        DynamicImage::ImageLuma8(DynamicImage::ImageRgb8(out).to_luma8())
    } else {
        DynamicImage::ImageRgb8(out)
    })
}

/// Encodes in the format the file name's extension names (JPEG at quality 95).
pub fn encode(image: &DynamicImage, name: &str) -> Result<Vec<u8>, String> {
    let format = ImageFormat::from_path(name)
        .map_err(|_| format!("{name}: no image format for this file extension"))?;
    let mut bytes = std::io::Cursor::new(Vec::new());
    if format == ImageFormat::Jpeg {
        let (width, height) = (
            dimension(image.width(), name)?,
            dimension(image.height(), name)?,
        );
        let (data, colour) = match image {
            DynamicImage::ImageLuma8(grey) => (grey.as_raw(), jpeg_encoder::ColorType::Luma),
            DynamicImage::ImageRgb8(rgb) => (rgb.as_raw(), jpeg_encoder::ColorType::Rgb),
            _ => {
                return Err(format!(
                    "{name}: only grey and RGB images are written as JPEG"
                ))
            }
        };
        jpeg_encoder::Encoder::new(bytes.get_mut(), 95)
            .encode(data, width, height, colour)
            .map_err(|e| format!("{name}: {e}"))?;
    } else {
        image
            .write_to(&mut bytes, format)
            .map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(bytes.into_inner())
}

/// A side length JPEG can hold (at most 65,535).
fn dimension(side: u32, name: &str) -> Result<u16, String> {
    u16::try_from(side)
        .map_err(|_| format!("{name}: {side} px is too large for JPEG (at most 65,535)"))
}

/// Bilinear resampling through `inverse` (target → source), [`FILL`] outside the source.
/// Positions are 16.16 fixed point (off by under 1/100 px across an image 65,535 wide) and
/// weights 8-bit (under half a grey level), so the inner loop is integer arithmetic; pixels whose four neighbours are all inside skip the bounds checks.
fn warp(source: &RgbImage, inverse: &Affine, width: u32, height: u32) -> RgbImage {
    let (sw, sh) = (i64::from(source.width()), i64::from(source.height()));
    let src = source.as_raw();
    let stride = sw as usize * 3;
    let mut out = RgbImage::new(width, height);
    let texel = |x: i64, y: i64, c: usize| -> u32 {
        if x < 0 || y < 0 || x >= sw || y >= sh {
            u32::from(FILL[c])
        } else {
            u32::from(src[y as usize * stride + x as usize * 3 + c])
        }
    };
    // Source positions in pixel-index space (centres at integers), 16.16 fixed point.
    let fixed = |v: f64| (v * 65_536.0) as i64;
    let (step_x, step_y) = (fixed(inverse.a), fixed(inverse.d));
    for (y, row) in out
        .as_mut()
        .chunks_exact_mut(width as usize * 3)
        .enumerate()
    {
        let start = inverse.point(Point::new(0.5, y as f64 + 0.5));
        let (row_x, row_y) = (fixed(start.x - 0.5), fixed(start.y - 0.5));
        for (x, rgb) in row.chunks_exact_mut(3).enumerate() {
            let (fx, fy) = (row_x + step_x * x as i64, row_y + step_y * x as i64);
            // An arithmetic shift floors negative positions too.
            let (x0, y0) = (fx >> 16, fy >> 16);
            let (tx, ty) = (((fx >> 8) & 0xFF) as u32, ((fy >> 8) & 0xFF) as u32);
            let weights = [
                (256 - tx) * (256 - ty),
                tx * (256 - ty),
                (256 - tx) * ty,
                tx * ty,
            ];
            if x0 >= 0 && y0 >= 0 && x0 + 1 < sw && y0 + 1 < sh {
                let i = y0 as usize * stride + x0 as usize * 3;
                let j = i + stride;
                for (c, out) in rgb.iter_mut().enumerate() {
                    let v = u32::from(src[i + c]) * weights[0]
                        + u32::from(src[i + 3 + c]) * weights[1]
                        + u32::from(src[j + c]) * weights[2]
                        + u32::from(src[j + 3 + c]) * weights[3];
                    *out = ((v + 32_768) >> 16) as u8;
                }
            } else {
                for (c, out) in rgb.iter_mut().enumerate() {
                    let v = texel(x0, y0, c) * weights[0]
                        + texel(x0 + 1, y0, c) * weights[1]
                        + texel(x0, y0 + 1, c) * weights[2]
                        + texel(x0 + 1, y0 + 1, c) * weights[3];
                    *out = ((v + 32_768) >> 16) as u8;
                }
            }
        }
    }
    out
}

/// A value rounded half up into `0..=255` (`f64::round` is a library call on baseline x86-64).
fn to_u8(v: f64) -> u8 {
    (v + 0.5).clamp(0.0, 255.0) as u8
}

/// Applies a per-channel function through a 256-entry table.
fn per_channel(image: &mut RgbImage, f: impl Fn(f64) -> f64) {
    let table: Vec<u8> = (0..=255u8).map(|v| to_u8(f(f64::from(v)))).collect();
    for v in image.as_mut().iter_mut() {
        *v = table[usize::from(*v)];
    }
}

/// Applies a 3 × 3 colour matrix to every pixel.
fn colour_matrix(image: &mut RgbImage, m: [[f64; 3]; 3]) {
    for rgb in image.as_mut().chunks_exact_mut(3) {
        let [r, g, b] = [f64::from(rgb[0]), f64::from(rgb[1]), f64::from(rgb[2])];
        for (c, row) in m.iter().enumerate() {
            rgb[c] = to_u8(row[0] * r + row[1] * g + row[2] * b);
        }
    }
}

fn adjust(image: &mut RgbImage, step: &Adjust) {
    match step {
        Adjust::Brightness(beta) => per_channel(image, |c| c + beta),
        Adjust::Contrast(alpha) => per_channel(image, |c| c * alpha),
        Adjust::Saturation(k) => {
            // Blend with the pixel's grey (ITU-R 601 luma): 0 is grey, 1 unchanged.
            let grey = [0.299, 0.587, 0.114].map(|w| w * (1.0 - k));
            colour_matrix(
                image,
                [
                    [grey[0] + k, grey[1], grey[2]],
                    [grey[0], grey[1] + k, grey[2]],
                    [grey[0], grey[1], grey[2] + k],
                ],
            );
        }
        Adjust::Hue(degrees) => {
            // Rotation about the grey axis in RGB space: hue turns, lightness and saturation stay.
            let (s, c) = degrees.to_radians().sin_cos();
            let third: f64 = 1.0 / 3.0;
            let k = third.sqrt() * s;
            let a = c + (1.0 - c) * third;
            let b = (1.0 - c) * third - k;
            let d = (1.0 - c) * third + k;
            colour_matrix(image, [[a, b, d], [d, a, b], [b, d, a]]);
        }
        Adjust::Blur(sigma) => {
            if *sigma > 0.05 {
                *image = image::imageops::fast_blur(image, *sigma);
            }
        }
        Adjust::Noise { sigma, seed } => {
            let mut random = Random::new(*seed, 0);
            for v in image.as_mut().iter_mut() {
                *v = to_u8(f64::from(*v) + random.near_normal() * sigma);
            }
        }
        Adjust::Cutout(rects) => {
            let width = image.width() as usize;
            for &[x0, y0, x1, y1] in rects {
                let (x1, y1) = (x1.min(image.width()) as usize, y1.min(image.height()));
                for y in y0..y1 {
                    let row = y as usize * width * 3;
                    if let Some(span) = image.as_mut().get_mut(row + x0 as usize * 3..row + x1 * 3)
                    {
                        span.fill(0);
                    }
                }
            }
        }
    }
}
