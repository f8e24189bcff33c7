//! The pixels of a [`Draw`]: decode (upright by EXIF orientation, as the editor shows it),
//! warp, adjust, encode. Decoding and encoding are the `image` crate's; the warp and the
//! colour adjustments are written here because they must sample exactly where
//! [`super::shapes::warp_mask`] samples (pixel centres through the inverse map), and because a
//! single pass over the pixels with the map stepped incrementally is several times faster than
//! a general projective warp.

use super::affine::Affine;
use super::pipeline::{Adjust, Draw};
use super::random::Random;
use crate::model::Point;
use image::{DynamicImage, ImageFormat, RgbImage};

/// Padding colour where the warp reaches outside the source (YOLO's letterbox grey).
pub const FILL: [u8; 3] = [114, 114, 114];

/// Decodes an image file and turns it upright by its EXIF orientation.
pub fn decode(bytes: &[u8]) -> Result<RgbImage, String> {
    let mut image =
        image::load_from_memory(bytes).map_err(|e| format!("cannot decode the image: {e}"))?;
    if let Some(o) = crate::orientation::exif_orientation(bytes) {
        if let Some(o) = image::metadata::Orientation::from_exif(o as u8) {
            image.apply_orientation(o);
        }
    }
    Ok(image.to_rgb8())
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
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 95);
        image
            .write_with_encoder(encoder)
            .map_err(|e| format!("{name}: {e}"))?;
    } else {
        image
            .write_to(&mut bytes, format)
            .map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(bytes.into_inner())
}

/// Bilinear resampling through `inverse` (target → source), [`FILL`] outside the source.
fn warp(source: &RgbImage, inverse: &Affine, width: u32, height: u32) -> RgbImage {
    let (sw, sh) = (source.width() as i64, source.height() as i64);
    let src = source.as_raw();
    let mut out = RgbImage::new(width, height);
    let stride = sw as usize * 3;
    let pixel = |x: i64, y: i64| -> [f64; 3] {
        if x < 0 || y < 0 || x >= sw || y >= sh {
            return FILL.map(f64::from);
        }
        let i = y as usize * stride + x as usize * 3;
        [
            f64::from(src[i]),
            f64::from(src[i + 1]),
            f64::from(src[i + 2]),
        ]
    };
    for (y, row) in out
        .as_mut()
        .chunks_exact_mut(width as usize * 3)
        .enumerate()
    {
        let start = inverse.point(Point::new(0.5, y as f64 + 0.5));
        for (x, rgb) in row.chunks_exact_mut(3).enumerate() {
            // Source position in pixel-index space (centres at integers).
            let fx = start.x + inverse.a * x as f64 - 0.5;
            let fy = start.y + inverse.d * x as f64 - 0.5;
            let (x0, y0) = (fx.floor(), fy.floor());
            let (tx, ty) = (fx - x0, fy - y0);
            let (x0, y0) = (x0 as i64, y0 as i64);
            let (p00, p10, p01, p11) = (
                pixel(x0, y0),
                pixel(x0 + 1, y0),
                pixel(x0, y0 + 1),
                pixel(x0 + 1, y0 + 1),
            );
            for c in 0..3 {
                let top = p00[c] + (p10[c] - p00[c]) * tx;
                let bottom = p01[c] + (p11[c] - p01[c]) * tx;
                rgb[c] = (top + (bottom - top) * ty).round().clamp(0.0, 255.0) as u8;
            }
        }
    }
    out
}

fn adjust(image: &mut RgbImage, step: &Adjust) {
    let each = |image: &mut RgbImage, f: &dyn Fn([f64; 3]) -> [f64; 3]| {
        for rgb in image.as_mut().chunks_exact_mut(3) {
            let v = f([f64::from(rgb[0]), f64::from(rgb[1]), f64::from(rgb[2])]);
            for c in 0..3 {
                rgb[c] = v[c].round().clamp(0.0, 255.0) as u8;
            }
        }
    };
    match step {
        Adjust::Brightness(beta) => each(image, &|v| v.map(|c| c + beta)),
        Adjust::Contrast(alpha) => each(image, &|v| v.map(|c| c * alpha)),
        Adjust::Saturation(k) => each(image, &|[r, g, b]| {
            let grey = 0.299 * r + 0.587 * g + 0.114 * b;
            [
                grey + (r - grey) * k,
                grey + (g - grey) * k,
                grey + (b - grey) * k,
            ]
        }),
        Adjust::Hue(degrees) => {
            // Rotation about the grey axis in RGB space: hue turns, lightness and saturation stay.
            let (s, c) = degrees.to_radians().sin_cos();
            let third: f64 = 1.0 / 3.0;
            let k = third.sqrt() * s;
            let a = c + (1.0 - c) * third;
            let b = (1.0 - c) * third - k;
            let d = (1.0 - c) * third + k;
            each(image, &|[r, g, bl]| {
                [
                    a * r + b * g + d * bl,
                    d * r + a * g + b * bl,
                    b * r + d * g + a * bl,
                ]
            });
        }
        Adjust::Blur(sigma) => {
            if *sigma > 0.05 {
                *image = image::imageops::fast_blur(image, *sigma);
            }
        }
        Adjust::Noise { sigma, seed } => {
            let mut random = Random::new(*seed, 0);
            for v in image.as_mut().iter_mut() {
                *v = (f64::from(*v) + random.normal() * sigma)
                    .round()
                    .clamp(0.0, 255.0) as u8;
            }
        }
        Adjust::Cutout(rects) => {
            for &[x0, y0, x1, y1] in rects {
                for y in y0..y1.min(image.height()) {
                    for x in x0..x1.min(image.width()) {
                        image.put_pixel(x, y, image::Rgb([0, 0, 0]));
                    }
                }
            }
        }
    }
}
