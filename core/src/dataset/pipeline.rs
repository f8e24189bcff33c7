//! What a preprocessing and augmentation run does, as written in a pipeline file, and the
//! concrete plan it draws for each image: one [`Target`] map for every geometric step, and the
//! pixel adjustments in order.

use super::affine::Affine;
use super::shapes::{KeepRule, Target};
use crate::random::Random;
use serde::{Deserialize, Serialize};

/// A preprocessing and augmentation pipeline (`lasso convert --pipeline FILE`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Pipeline {
    /// Cut every image into overlapping tiles first (aerial and other large images).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tile: Option<Tile>,
    /// Resize every image or tile (and its shapes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resize: Option<Resize>,
    /// Write every image in shades of grey.
    pub grayscale: bool,
    /// Seeded copies of the training images.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub augment: Option<Augment>,
}

impl Pipeline {
    /// Whether it changes anything at all.
    pub fn is_empty(&self) -> bool {
        self.tile.is_none()
            && self.resize.is_none()
            && !self.grayscale
            && self.augment.as_ref().is_none_or(|a| a.copies == 0)
    }

    /// Checks every figure, naming the one that is out of range.
    pub fn check(&self) -> Result<(), String> {
        if let Some(t) = &self.tile {
            if t.size == 0 || t.overlap >= t.size {
                return Err(format!(
                    "tile: size {} with overlap {} (the overlap must be smaller than the tile)",
                    t.size, t.overlap
                ));
            }
            if !(0.0..=1.0).contains(&t.keep.min_visibility) || t.keep.min_area < 0.0 {
                return Err(
                    "tile: keep.min_visibility must be within 0..=1 and keep.min_area ≥ 0".into(),
                );
            }
        }
        if let Some(r) = &self.resize {
            if r.width == 0 || r.height == 0 || r.width > 65_535 || r.height > 65_535 {
                return Err(format!(
                    "resize: {}×{} is not a usable size",
                    r.width, r.height
                ));
            }
        }
        if let Some(a) = &self.augment {
            if a.copies > 100 {
                return Err(format!(
                    "augment: {} copies per image is more than 100",
                    a.copies
                ));
            }
            for (i, op) in a.ops.iter().enumerate() {
                op.check()
                    .map_err(|e| format!("augment: operation {} ({}): {e}", i + 1, op.name()))?;
            }
            if !(0.0..=1.0).contains(&a.keep.min_visibility) || a.keep.min_area < 0.0 {
                return Err(
                    "augment: keep.min_visibility must be within 0..=1 and keep.min_area ≥ 0"
                        .into(),
                );
            }
        }
        Ok(())
    }
}

/// Tiles of `size × size` pixels overlapping by `overlap`, covering the whole image: the last
/// tile of a row or column ends at the image's edge (overlapping more), and an image smaller
/// than a tile is one tile of its own size. Shapes are clipped to each tile by `keep`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tile {
    /// Side of a tile in pixels.
    pub size: u32,
    /// Pixels shared by neighbouring tiles.
    #[serde(default)]
    pub overlap: u32,
    /// When a shape cut by a tile's edge is kept in that tile.
    #[serde(default)]
    pub keep: KeepRule,
}

impl Tile {
    /// Start offsets along a side of `length` pixels.
    fn starts(&self, length: u32) -> Vec<u32> {
        if length <= self.size {
            return vec![0];
        }
        let step = self.size - self.overlap;
        let mut starts: Vec<u32> = (0..)
            .map(|i| i * step)
            .take_while(|&s| s + self.size < length)
            .collect();
        starts.push(length - self.size);
        starts
    }

    /// The tiles of a `width × height` image: each its name suffix (`-tile<column>-<row>`) and
    /// its map (a crop).
    pub fn pieces(&self, width: u32, height: u32) -> Vec<(String, Target)> {
        let (xs, ys) = (self.starts(width), self.starts(height));
        let mut out = Vec::with_capacity(xs.len() * ys.len());
        for (row, &y) in ys.iter().enumerate() {
            for (column, &x) in xs.iter().enumerate() {
                out.push((
                    format!("-tile{column}-{row}"),
                    Target {
                        map: Affine::translate(-f64::from(x), -f64::from(y)),
                        width: self.size.min(width),
                        height: self.size.min(height),
                        mirrored: false,
                    },
                ));
            }
        }
        out
    }
}

/// How images are brought to one size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resize {
    /// Target width.
    pub width: u32,
    /// Target height.
    pub height: u32,
    /// How the aspect ratio is treated.
    #[serde(default)]
    pub mode: ResizeMode,
}

/// Aspect handling of [`Resize`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ResizeMode {
    /// Exactly `width × height`, stretching the image.
    #[default]
    Stretch,
    /// As large as fits inside `width × height`, keeping the aspect (one side may be shorter).
    Fit,
    /// Fit, then padded to exactly `width × height`, centred, with grey (114, YOLO's colour).
    Letterbox,
}

impl Resize {
    /// The map from an image of `width × height` to its resized form.
    pub fn target(&self, width: u32, height: u32) -> Target {
        let (w, h) = (f64::from(width.max(1)), f64::from(height.max(1)));
        let (tw, th) = (f64::from(self.width), f64::from(self.height));
        let fitted = || {
            let s = (tw / w).min(th / h);
            (((w * s).round()).max(1.0), ((h * s).round()).max(1.0))
        };
        let (map, out_w, out_h) = match self.mode {
            ResizeMode::Stretch => (Affine::scale(tw / w, th / h), self.width, self.height),
            ResizeMode::Fit => {
                let (fw, fh) = fitted();
                (Affine::scale(fw / w, fh / h), fw as u32, fh as u32)
            }
            ResizeMode::Letterbox => {
                let (fw, fh) = fitted();
                let (px, py) = (((tw - fw) / 2.0).floor(), ((th - fh) / 2.0).floor());
                let map = Affine::scale(fw / w, fh / h).then(Affine::translate(px, py));
                (map, self.width, self.height)
            }
        };
        Target {
            map,
            width: out_w,
            height: out_h,
            mirrored: false,
        }
    }
}

/// Seeded copies of the training images.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Augment {
    /// Copies made of each training image (the original is kept too).
    pub copies: u32,
    /// The operations, each applied with its probability, in order.
    pub ops: Vec<Op>,
    /// When shapes that leave the image are kept.
    pub keep: KeepRule,
}

impl Default for Augment {
    fn default() -> Self {
        Self {
            copies: 0,
            ops: Op::standard(),
            keep: KeepRule::default(),
        }
    }
}

fn half() -> f64 {
    0.5
}

/// One augmentation operation; each happens with probability `p` and draws its amount
/// uniformly from its range.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Op {
    /// Mirror left–right (keypoints named left/right swap).
    FlipHorizontal {
        /// Probability.
        #[serde(default = "half")]
        p: f64,
    },
    /// Mirror top–bottom.
    FlipVertical {
        /// Probability.
        #[serde(default = "half")]
        p: f64,
    },
    /// One, two or three quarter turns clockwise (the image's sides swap on odd turns).
    Rotate90 {
        /// Probability.
        #[serde(default = "half")]
        p: f64,
    },
    /// Rotation about the centre by up to `degrees` either way; the image keeps its size.
    Rotate {
        /// Largest angle.
        degrees: f64,
        /// Probability.
        #[serde(default = "half")]
        p: f64,
    },
    /// Horizontal and vertical shear by up to `degrees` either way.
    Shear {
        /// Largest angle.
        degrees: f64,
        /// Probability.
        #[serde(default = "half")]
        p: f64,
    },
    /// A crop of `min_scale`..1 of the image's sides (the aspect kept) at a random place, zoomed
    /// back to full size.
    Crop {
        /// Smallest share of each side kept.
        min_scale: f64,
        /// Probability.
        #[serde(default = "half")]
        p: f64,
    },
    /// Adds up to `limit` × 255 to every channel, either way.
    Brightness {
        /// Largest change, 0–1.
        limit: f64,
        /// Probability.
        #[serde(default = "half")]
        p: f64,
    },
    /// Multiplies every channel by 1 ± up to `limit`.
    Contrast {
        /// Largest change.
        limit: f64,
        /// Probability.
        #[serde(default = "half")]
        p: f64,
    },
    /// Moves colours away from or towards grey by up to `limit`.
    Saturation {
        /// Largest change.
        limit: f64,
        /// Probability.
        #[serde(default = "half")]
        p: f64,
    },
    /// Turns hues by up to `degrees` either way.
    Hue {
        /// Largest turn.
        degrees: f64,
        /// Probability.
        #[serde(default = "half")]
        p: f64,
    },
    /// Gaussian blur of sigma up to `sigma` pixels.
    Blur {
        /// Largest sigma.
        sigma: f64,
        /// Probability.
        #[serde(default = "half")]
        p: f64,
    },
    /// Gaussian noise of standard deviation up to `sigma` (0–255 units), per pixel and channel
    /// (near normal: tails end at 3.46 σ).
    Noise {
        /// Largest standard deviation.
        sigma: f64,
        /// Probability.
        #[serde(default = "half")]
        p: f64,
    },
    /// Up to `holes` black squares of up to `size` × the shorter side (shapes stay as they are).
    Cutout {
        /// Most squares.
        holes: u32,
        /// Largest side, as a share of the image's shorter side.
        size: f64,
        /// Probability.
        #[serde(default = "half")]
        p: f64,
    },
}

impl Op {
    /// The operations `--augment N` uses without a pipeline file: a mild mix for detection.
    pub fn standard() -> Vec<Op> {
        vec![
            Op::FlipHorizontal { p: 0.5 },
            Op::Rotate {
                degrees: 15.0,
                p: 0.5,
            },
            Op::Crop {
                min_scale: 0.8,
                p: 0.5,
            },
            Op::Brightness { limit: 0.2, p: 0.5 },
            Op::Contrast { limit: 0.2, p: 0.5 },
            Op::Saturation { limit: 0.3, p: 0.3 },
            Op::Hue {
                degrees: 10.0,
                p: 0.3,
            },
            Op::Blur { sigma: 1.5, p: 0.2 },
            Op::Noise { sigma: 8.0, p: 0.2 },
        ]
    }

    /// The name used in pipeline files.
    pub fn name(&self) -> &'static str {
        match self {
            Op::FlipHorizontal { .. } => "flip_horizontal",
            Op::FlipVertical { .. } => "flip_vertical",
            Op::Rotate90 { .. } => "rotate90",
            Op::Rotate { .. } => "rotate",
            Op::Shear { .. } => "shear",
            Op::Crop { .. } => "crop",
            Op::Brightness { .. } => "brightness",
            Op::Contrast { .. } => "contrast",
            Op::Saturation { .. } => "saturation",
            Op::Hue { .. } => "hue",
            Op::Blur { .. } => "blur",
            Op::Noise { .. } => "noise",
            Op::Cutout { .. } => "cutout",
        }
    }

    fn probability(&self) -> f64 {
        match *self {
            Op::FlipHorizontal { p }
            | Op::FlipVertical { p }
            | Op::Rotate90 { p }
            | Op::Rotate { p, .. }
            | Op::Shear { p, .. }
            | Op::Crop { p, .. }
            | Op::Brightness { p, .. }
            | Op::Contrast { p, .. }
            | Op::Saturation { p, .. }
            | Op::Hue { p, .. }
            | Op::Blur { p, .. }
            | Op::Noise { p, .. }
            | Op::Cutout { p, .. } => p,
        }
    }

    fn check(&self) -> Result<(), String> {
        let p = self.probability();
        if !(0.0..=1.0).contains(&p) {
            return Err(format!("p = {p} must be within 0..=1"));
        }
        let bad = |what: &str, v: f64, range: std::ops::RangeInclusive<f64>| {
            if range.contains(&v) {
                Ok(())
            } else {
                Err(format!(
                    "{what} = {v} must be within {}..={}",
                    range.start(),
                    range.end()
                ))
            }
        };
        match *self {
            Op::Rotate { degrees, .. } => bad("degrees", degrees, 0.0..=180.0),
            Op::Shear { degrees, .. } => bad("degrees", degrees, 0.0..=45.0),
            Op::Crop { min_scale, .. } => bad("min_scale", min_scale, 0.05..=1.0),
            Op::Brightness { limit, .. } => bad("limit", limit, 0.0..=1.0),
            Op::Contrast { limit, .. } | Op::Saturation { limit, .. } => {
                bad("limit", limit, 0.0..=1.0)
            }
            Op::Hue { degrees, .. } => bad("degrees", degrees, 0.0..=180.0),
            Op::Blur { sigma, .. } => bad("sigma", sigma, 0.0..=50.0),
            Op::Noise { sigma, .. } => bad("sigma", sigma, 0.0..=255.0),
            Op::Cutout { size, holes, .. } => {
                bad("size", size, 0.0..=1.0)?;
                bad("holes", f64::from(holes), 0.0..=64.0)
            }
            Op::FlipHorizontal { .. } | Op::FlipVertical { .. } | Op::Rotate90 { .. } => Ok(()),
        }
    }
}

/// A pixel adjustment with its amount drawn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Adjust {
    /// Add this to every channel.
    Brightness(f64),
    /// Multiply every channel by this.
    Contrast(f64),
    /// Blend with grey: 0 is grey, 1 unchanged.
    Saturation(f64),
    /// Turn hues by these degrees.
    Hue(f64),
    /// Gaussian blur of this sigma.
    Blur(f32),
    /// Gaussian noise of this deviation, drawn from this seed.
    Noise {
        /// Standard deviation, 0–255 units.
        sigma: f64,
        /// Seed of the noise.
        seed: u64,
    },
    /// Black rectangles `[x0, y0, x1, y1]` in target pixels.
    Cutout(Vec<[u32; 4]>),
}

/// Everything drawn for one output image.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Draw {
    /// Where the source's pixels and shapes go.
    pub target: Target,
    /// Pixel adjustments, in order, after the geometry.
    pub adjust: Vec<Adjust>,
}

/// Draws one copy's operations for an image that is `base` after preprocessing.
pub fn draw(ops: &[Op], base: Target, random: &mut Random) -> Draw {
    let mut t = base;
    let mut adjust = Vec::new();
    for op in ops {
        if !random.chance(op.probability()) {
            continue;
        }
        let (w, h) = (f64::from(t.width), f64::from(t.height));
        match *op {
            Op::FlipHorizontal { .. } => {
                t.map = t.map.then(Affine::flip_horizontal(w));
                t.mirrored = !t.mirrored;
            }
            Op::FlipVertical { .. } => t.map = t.map.then(Affine::flip_vertical(h)),
            Op::Rotate90 { .. } => {
                for _ in 0..=random.below(3) {
                    let (cw, ch) = (t.width, t.height);
                    t.map = t.map.then(Affine::quarter_turn(f64::from(ch)));
                    (t.width, t.height) = (ch, cw);
                }
            }
            Op::Rotate { degrees, .. } => {
                let angle = random.range(-degrees, degrees);
                t.map = t.map.then(Affine::rotate_about(angle, w / 2.0, h / 2.0));
            }
            Op::Shear { degrees, .. } => {
                let sx = random.range(-degrees, degrees);
                let sy = random.range(-degrees, degrees);
                t.map = t
                    .map
                    .then(Affine::shear_x(sx, h / 2.0))
                    .then(Affine::shear_y(sy, w / 2.0));
            }
            Op::Crop { min_scale, .. } => {
                // One scale for both sides: the aspect stays, so right angles stay right.
                let scale = random.range(min_scale, 1.0);
                let (cw, ch) = (w * scale, h * scale);
                let (x0, y0) = (random.range(0.0, w - cw), random.range(0.0, h - ch));
                t.map = t
                    .map
                    .then(Affine::translate(-x0, -y0))
                    .then(Affine::scale(w / cw, h / ch));
            }
            Op::Brightness { limit, .. } => {
                adjust.push(Adjust::Brightness(random.range(-limit, limit) * 255.0))
            }
            Op::Contrast { limit, .. } => {
                adjust.push(Adjust::Contrast(random.range(1.0 - limit, 1.0 + limit)))
            }
            Op::Saturation { limit, .. } => {
                adjust.push(Adjust::Saturation(random.range(1.0 - limit, 1.0 + limit)))
            }
            Op::Hue { degrees, .. } => adjust.push(Adjust::Hue(random.range(-degrees, degrees))),
            Op::Blur { sigma, .. } => adjust.push(Adjust::Blur(random.range(0.0, sigma) as f32)),
            Op::Noise { sigma, .. } => adjust.push(Adjust::Noise {
                sigma: random.range(0.0, sigma),
                seed: random.next_u64(),
            }),
            Op::Cutout { holes, size, .. } => {
                let side = (f64::from(t.width.min(t.height)) * size).max(1.0);
                let count = random.below(u64::from(holes)) + 1;
                let rects = (0..count)
                    .map(|_| {
                        let s = random.range(1.0, side + 1.0).floor();
                        let x0 = random.range(0.0, (w - s).max(0.0) + 1.0).floor();
                        let y0 = random.range(0.0, (h - s).max(0.0) + 1.0).floor();
                        [
                            x0 as u32,
                            y0 as u32,
                            (x0 + s).min(w) as u32,
                            (y0 + s).min(h) as u32,
                        ]
                    })
                    .collect();
                adjust.push(Adjust::Cutout(rects));
            }
        }
    }
    Draw { target: t, adjust }
}
