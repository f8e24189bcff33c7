//! Shapes through an [`Affine`] map: every kind follows the pixels, is clipped to the new image,
//! and is kept or dropped by a [`KeepRule`].
//!
//! Boxes stay boxes (under rotation or shear they grow to the bounds of their mapped corners,
//! the only outline a box has); rotated boxes stay rotated boxes (refitted as the smallest
//! rectangle around what is left inside the image); polygons keep their holes and parts;
//! masks are resampled pixel by pixel with the same pixel-centre rule as the image; keypoints
//! that leave the image become "not labeled".

use super::affine::Affine;
use crate::geometry::{area, clip_to_image, min_rect_corners};
use crate::model::{
    BoxShape, Keypoint, MaskRle, Point, PolygonPart, PolygonShape, RotatedBox, Shape, Visibility,
};
use crate::raster::Rle;
use serde::{Deserialize, Serialize};

/// When a shape partly or wholly outside the new image is kept.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KeepRule {
    /// Least share of a shape's mapped area that must stay inside the image (0–1).
    pub min_visibility: f64,
    /// Least area in square pixels left inside the image.
    pub min_area: f64,
}

impl Default for KeepRule {
    fn default() -> Self {
        Self {
            min_visibility: 0.25,
            min_area: 1.0,
        }
    }
}

/// The new image a map draws into.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// Map from source to target coordinates.
    pub map: Affine,
    /// Target width in pixels.
    pub width: u32,
    /// Target height in pixels.
    pub height: u32,
    /// Whether left and right swap (an odd number of horizontal flips): keypoints named
    /// left/right trade places.
    pub mirrored: bool,
}

/// `shape` in the target image, or `None` when the rule drops it.
pub fn warp_shape(shape: &Shape, target: &Target, rule: &KeepRule) -> Option<Shape> {
    let map = &target.map;
    let (w, h) = (target.width, target.height);
    let mapped = match shape {
        Shape::Box(b) => {
            let corners = box_corners(b).map(|p| map.point(p));
            Shape::Box(bounds_of(&corners)?)
        }
        Shape::RotatedBox(r) => Shape::RotatedBox(map_rotated_box(r, map)?),
        Shape::Polygon(p) => Shape::Polygon(PolygonShape {
            parts: p
                .parts
                .iter()
                .map(|part| PolygonPart {
                    exterior: part.exterior.iter().map(|&q| map.point(q)).collect(),
                    holes: part
                        .holes
                        .iter()
                        .map(|hole| hole.iter().map(|&q| map.point(q)).collect())
                        .collect(),
                })
                .collect(),
        }),
        Shape::Polyline { points } => Shape::Polyline {
            points: points.iter().map(|&q| map.point(q)).collect(),
        },
        Shape::Keypoints { points } => {
            let mut moved: Vec<Keypoint> = points
                .iter()
                .map(|k| {
                    let p = map.point(Point::new(k.x, k.y));
                    Keypoint {
                        x: p.x,
                        y: p.y,
                        ..k.clone()
                    }
                })
                .collect();
            if target.mirrored {
                swap_sides(&mut moved);
            }
            Shape::Keypoints { points: moved }
        }
        Shape::Mask(m) => {
            let warped = warp_mask(m, target)?;
            let before = area(shape) * map.determinant().abs();
            let after = area(&Shape::Mask(warped.clone()));
            return keeps(before, after, rule).then_some(Shape::Mask(warped));
        }
    };
    let before = area(&mapped);
    let clipped = clip_to_image(&mapped, w, h)?;
    match clipped {
        Shape::Keypoints { ref points } => points
            .iter()
            .any(|k| k.visibility != Visibility::NotLabeled)
            .then_some(clipped),
        Shape::Polyline { .. } => Some(clipped),
        Shape::Polygon(ref p) if matches!(mapped, Shape::RotatedBox(_)) => {
            // Clipping cut the rotated box: the smallest rotated box around what is left.
            let after = area(&clipped);
            let points: Vec<Point> = p
                .parts
                .iter()
                .flat_map(|q| q.exterior.iter().copied())
                .collect();
            let refit = rotated_box_from_corners(&min_rect_corners(&points)?)?;
            keeps(before, after, rule).then_some(Shape::RotatedBox(refit))
        }
        _ => keeps(before, area(&clipped), rule).then_some(clipped),
    }
}

fn keeps(before: f64, after: f64, rule: &KeepRule) -> bool {
    after > 0.0
        && after >= rule.min_area
        && (before <= 0.0 || after >= rule.min_visibility * before)
}

fn box_corners(b: &BoxShape) -> [Point; 4] {
    [
        Point::new(b.x0, b.y0),
        Point::new(b.x1, b.y0),
        Point::new(b.x1, b.y1),
        Point::new(b.x0, b.y1),
    ]
}

fn bounds_of(points: &[Point]) -> Option<BoxShape> {
    let first = points.first()?;
    let mut b = BoxShape {
        x0: first.x,
        y0: first.y,
        x1: first.x,
        y1: first.y,
    };
    for p in points {
        b.x0 = b.x0.min(p.x);
        b.y0 = b.y0.min(p.y);
        b.x1 = b.x1.max(p.x);
        b.y1 = b.y1.max(p.y);
    }
    Some(b)
}

/// A rotated box through `map`: exact when the map keeps right angles (rotations, flips,
/// uniform or axis scaling of an unrotated box), else the smallest rectangle around the mapped
/// corners.
fn map_rotated_box(r: &RotatedBox, map: &Affine) -> Option<RotatedBox> {
    let (s, c) = r.angle.to_radians().sin_cos();
    let u = map.vector(c * r.w / 2.0, s * r.w / 2.0);
    let v = map.vector(-s * r.h / 2.0, c * r.h / 2.0);
    let (lu, lv) = (u.0.hypot(u.1), v.0.hypot(v.1));
    if (u.0 * v.0 + u.1 * v.1).abs() <= 1e-9 * lu * lv {
        let centre = map.point(Point::new(r.cx, r.cy));
        return Some(RotatedBox {
            cx: centre.x,
            cy: centre.y,
            w: 2.0 * lu,
            h: 2.0 * lv,
            angle: normal_angle(u.1.atan2(u.0).to_degrees()),
        });
    }
    let corners: Vec<Point> = r.corners().iter().map(|&p| map.point(p)).collect();
    rotated_box_from_corners(&min_rect_corners(&corners)?)
}

/// A rotated box from four rectangle corners in ring order.
fn rotated_box_from_corners(corners: &[Point]) -> Option<RotatedBox> {
    let (a, b, c, d) = match corners {
        [a, b, c, d, ..] => (*a, *b, *c, *d),
        _ => return None,
    };
    let (ux, uy) = (b.x - a.x, b.y - a.y);
    let (vx, vy) = (d.x - a.x, d.y - a.y);
    Some(RotatedBox {
        cx: (a.x + c.x) / 2.0,
        cy: (a.y + c.y) / 2.0,
        w: ux.hypot(uy),
        h: vx.hypot(vy),
        angle: normal_angle(uy.atan2(ux).to_degrees()),
    })
}

/// An angle in `(-180, 180]` degrees.
fn normal_angle(degrees: f64) -> f64 {
    let a = degrees.rem_euclid(360.0);
    if a > 180.0 {
        a - 360.0
    } else {
        a
    }
}

/// A mask resampled into the target: each target pixel takes the source pixel under its
/// centre (nearest neighbour, the rule the image warp uses for its own sample positions).
pub fn warp_mask(mask: &MaskRle, target: &Target) -> Option<MaskRle> {
    let inverse = target.map.inverse()?;
    let source = Rle::from_model(mask).ok()?.decode().ok()?;
    let (sw, sh) = (i64::from(mask.width), i64::from(mask.height));
    let (tw, th) = (target.width as usize, target.height as usize);
    // Column-major, as COCO's RLE counts run.
    let mut out = vec![0u8; tw * th];
    for x in 0..tw {
        let column = &mut out[x * th..(x + 1) * th];
        let start = inverse.point(Point::new(x as f64 + 0.5, 0.5));
        for (y, cell) in column.iter_mut().enumerate() {
            let sx = (start.x + inverse.b * y as f64).floor() as i64;
            let sy = (start.y + inverse.e * y as f64).floor() as i64;
            if sx >= 0 && sy >= 0 && sx < sw && sy < sh {
                *cell = source[(sx * sh + sy) as usize];
            }
        }
    }
    Some(Rle::encode(&out, target.height, target.width).to_model())
}

/// Swaps the positions of keypoints whose names pair up as left and right (`left_eye` and
/// `right_eye`, `l_hand` and `r_hand`, `wing_L` and `wing_R`): after a mirror the person's left
/// eye is where a right eye would be.
pub fn swap_sides(points: &mut [Keypoint]) {
    let names: Vec<String> = points.iter().map(|k| k.name.clone()).collect();
    let positions: Vec<(f64, f64, Visibility)> =
        points.iter().map(|k| (k.x, k.y, k.visibility)).collect();
    for (i, k) in points.iter_mut().enumerate() {
        let Some(twin) = mirrored_name(&names[i]) else {
            continue;
        };
        if let Some(j) = names.iter().position(|n| *n == twin) {
            (k.x, k.y, k.visibility) = positions[j];
        }
    }
}

/// The name of the other side: `left`↔`right` as a word (any case), or `l`↔`r` as a whole
/// `_`/`-`/space-separated token.
pub fn mirrored_name(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    for (from, to) in [("left", "right"), ("right", "left")] {
        if let Some(at) = lower.find(from) {
            let original = &name[at..at + from.len()];
            let replaced = match_case(original, to);
            return Some(format!(
                "{}{}{}",
                &name[..at],
                replaced,
                &name[at + from.len()..]
            ));
        }
    }
    let tokens: Vec<&str> = name.split(['_', '-', ' ']).collect();
    if tokens.len() < 2 {
        return None;
    }
    let mut offset = 0;
    for token in &tokens {
        let swapped = match *token {
            "l" => "r",
            "r" => "l",
            "L" => "R",
            "R" => "L",
            _ => {
                offset += token.len() + 1;
                continue;
            }
        };
        return Some(format!(
            "{}{}{}",
            &name[..offset],
            swapped,
            &name[offset + 1..]
        ));
    }
    None
}

fn match_case(original: &str, word: &str) -> String {
    if original.chars().all(|c| c.is_ascii_uppercase()) {
        word.to_ascii_uppercase()
    } else if original.starts_with(|c: char| c.is_ascii_uppercase()) {
        let mut chars = word.chars();
        chars
            .next()
            .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
            .unwrap_or_default()
    } else {
        word.to_string()
    }
}
