//! Affine-free transforms that keep every shape kind what it is: translate, scale about a
//! point, rotate about a point, flip inside an image.
//!
//! Boxes stay boxes under translation, scaling and flips, and become rotated boxes under
//! rotation; rotated boxes stay rotated boxes (their angle changes); masks move by whole pixels
//! and flip, and refuse scaling and rotation (resampling a mask is a different operation).

use crate::model::{BoxShape, Point, RotatedBox, Shape};
use crate::raster::{Rle, RunMask};

/// A transform of image coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Transform {
    /// Move by `(dx, dy)` pixels.
    Translate {
        /// Horizontal offset.
        dx: f64,
        /// Vertical offset.
        dy: f64,
    },
    /// Scale by `(sx, sy)` about `origin` (positive factors).
    Scale {
        /// Horizontal factor.
        sx: f64,
        /// Vertical factor.
        sy: f64,
        /// Fixed point.
        origin: Point,
    },
    /// Rotate by `degrees` clockwise on screen about `origin`.
    Rotate {
        /// Angle in degrees, clockwise on screen.
        degrees: f64,
        /// Fixed point.
        origin: Point,
    },
    /// Mirror left–right inside an image of this width.
    FlipHorizontal {
        /// Image width.
        width: u32,
    },
    /// Mirror top–bottom inside an image of this height.
    FlipVertical {
        /// Image height.
        height: u32,
    },
}

impl Transform {
    /// Where a point goes.
    pub fn point(&self, p: Point) -> Point {
        match *self {
            Transform::Translate { dx, dy } => Point::new(p.x + dx, p.y + dy),
            Transform::Scale { sx, sy, origin } => Point::new(
                origin.x + (p.x - origin.x) * sx,
                origin.y + (p.y - origin.y) * sy,
            ),
            Transform::Rotate { degrees, origin } => {
                // Clockwise on screen (y down) is the usual counter-clockwise maths formula.
                let (s, c) = degrees.to_radians().sin_cos();
                let (x, y) = (p.x - origin.x, p.y - origin.y);
                Point::new(origin.x + x * c - y * s, origin.y + x * s + y * c)
            }
            Transform::FlipHorizontal { width } => Point::new(f64::from(width) - p.x, p.y),
            Transform::FlipVertical { height } => Point::new(p.x, f64::from(height) - p.y),
        }
    }

    /// The inverse transform (`None` for a scale with a zero factor).
    pub fn inverse(&self) -> Option<Transform> {
        Some(match *self {
            Transform::Translate { dx, dy } => Transform::Translate { dx: -dx, dy: -dy },
            Transform::Scale { sx, sy, origin } => {
                if sx == 0.0 || sy == 0.0 {
                    return None;
                }
                Transform::Scale {
                    sx: 1.0 / sx,
                    sy: 1.0 / sy,
                    origin,
                }
            }
            Transform::Rotate { degrees, origin } => Transform::Rotate {
                degrees: -degrees,
                origin,
            },
            flip => flip,
        })
    }

    /// The transformed shape, or an error naming why this shape cannot take it.
    pub fn apply(&self, shape: &Shape) -> Result<Shape, String> {
        let map = |points: &[Point]| points.iter().map(|p| self.point(*p)).collect::<Vec<_>>();
        Ok(match shape {
            Shape::Box(b) => match self {
                Transform::Rotate { degrees, .. } => {
                    let c = self.point(Point::new((b.x0 + b.x1) / 2.0, (b.y0 + b.y1) / 2.0));
                    Shape::RotatedBox(RotatedBox {
                        cx: c.x,
                        cy: c.y,
                        w: b.x1 - b.x0,
                        h: b.y1 - b.y0,
                        angle: normalize_angle(*degrees),
                    })
                }
                _ => Shape::Box(BoxShape::from_corners(
                    self.point(Point::new(b.x0, b.y0)),
                    self.point(Point::new(b.x1, b.y1)),
                )),
            },
            Shape::RotatedBox(r) => {
                let c = self.point(Point::new(r.cx, r.cy));
                let (w, h, angle) = match *self {
                    Transform::Translate { .. } => (r.w, r.h, r.angle),
                    Transform::Rotate { degrees, .. } => {
                        (r.w, r.h, normalize_angle(r.angle + degrees))
                    }
                    Transform::FlipHorizontal { .. } | Transform::FlipVertical { .. } => {
                        (r.w, r.h, normalize_angle(-r.angle))
                    }
                    Transform::Scale { sx, sy, .. } => {
                        if (sx - sy).abs() > 1e-12 && r.angle.rem_euclid(90.0) != 0.0 {
                            return Err("a rotated box cannot be scaled unevenly (it would become a parallelogram); convert it to a polygon first".into());
                        }
                        let quarter = (r.angle.rem_euclid(180.0) - 90.0).abs() < 1e-9;
                        if quarter {
                            (r.w * sy.abs(), r.h * sx.abs(), r.angle)
                        } else {
                            (r.w * sx.abs(), r.h * sy.abs(), r.angle)
                        }
                    }
                };
                Shape::RotatedBox(RotatedBox {
                    cx: c.x,
                    cy: c.y,
                    w,
                    h,
                    angle,
                })
            }
            Shape::Polygon(p) => {
                let mut p = p.clone();
                for part in &mut p.parts {
                    part.exterior = map(&part.exterior);
                    for hole in &mut part.holes {
                        *hole = map(hole);
                    }
                }
                Shape::Polygon(p)
            }
            Shape::Polyline { points } => Shape::Polyline {
                points: map(points),
            },
            Shape::Keypoints { points } => Shape::Keypoints {
                points: points
                    .iter()
                    .map(|k| {
                        let p = self.point(Point::new(k.x, k.y));
                        crate::model::Keypoint {
                            x: p.x,
                            y: p.y,
                            ..k.clone()
                        }
                    })
                    .collect(),
            },
            Shape::Mask(m) => Shape::Mask(self.mask(m)?),
        })
    }

    fn mask(&self, m: &crate::model::MaskRle) -> Result<crate::model::MaskRle, String> {
        let rle = Rle::from_model(m).map_err(|e| e.to_string())?;
        let source = RunMask::from_rle(&rle);
        let (w, h) = (m.width, m.height);
        let mut columns: Vec<(u32, Vec<(u32, u32)>)> = Vec::new();
        match *self {
            Transform::Translate { dx, dy } => {
                if dx.fract() != 0.0 || dy.fract() != 0.0 {
                    return Err("masks move by whole pixels".into());
                }
                let (dx, dy) = (dx as i64, dy as i64);
                for x in 0..w {
                    let nx = i64::from(x) + dx;
                    if nx < 0 || nx >= i64::from(w) {
                        continue;
                    }
                    let spans = source
                        .column(x)
                        .iter()
                        .map(|&(a, b)| {
                            (
                                (i64::from(a) + dy).clamp(0, i64::from(h)) as u32,
                                (i64::from(b) + dy).clamp(0, i64::from(h)) as u32,
                            )
                        })
                        .collect();
                    columns.push((nx as u32, spans));
                }
            }
            Transform::FlipHorizontal { .. } => {
                for x in 0..w {
                    columns.push((w - 1 - x, source.column(x).to_vec()));
                }
            }
            Transform::FlipVertical { .. } => {
                for x in 0..w {
                    columns.push((
                        x,
                        source
                            .column(x)
                            .iter()
                            .map(|&(a, b)| (h - b, h - a))
                            .collect(),
                    ));
                }
            }
            _ => return Err("masks cannot be scaled or rotated without resampling".into()),
        }
        Ok(RunMask::from_columns(w, h, columns).to_rle().to_model())
    }
}

/// An angle in `(-180, 180]`.
fn normalize_angle(a: f64) -> f64 {
    let r = a.rem_euclid(360.0);
    if r > 180.0 {
        r - 360.0
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::super::measure::area;
    use super::*;
    use crate::model::PolygonShape;
    use proptest::prelude::*;

    fn close(a: &Shape, b: &Shape) -> bool {
        let (ga, gb) = (format!("{a:?}"), format!("{b:?}"));
        match (a, b) {
            (Shape::Polygon(p), Shape::Polygon(q)) => p.parts[0]
                .exterior
                .iter()
                .zip(&q.parts[0].exterior)
                .all(|(u, v)| (u.x - v.x).abs() < 1e-6 && (u.y - v.y).abs() < 1e-6),
            (Shape::RotatedBox(p), Shape::RotatedBox(q)) => {
                (p.cx - q.cx).abs() < 1e-6
                    && (p.cy - q.cy).abs() < 1e-6
                    && (p.w - q.w).abs() < 1e-6
                    && (p.h - q.h).abs() < 1e-6
                    && (normalize_angle(p.angle - q.angle)).abs() < 1e-6
            }
            _ => ga == gb,
        }
    }

    proptest! {
        #[test]
        fn transforms_invert_and_keep_area(
            pts in proptest::collection::vec((0.0f64..50.0, 0.0f64..50.0), 3..7),
            degrees in -360.0f64..360.0, dx in -20.0f64..20.0, dy in -20.0f64..20.0,
            cx in 0.0f64..50.0, cy in 0.0f64..50.0, w in 1.0f64..20.0, h in 1.0f64..20.0, angle in -180.0f64..180.0,
        ) {
            let polygon = Shape::Polygon(PolygonShape::simple(pts.iter().map(|&(x, y)| Point::new(x, y)).collect()));
            let rotated = Shape::RotatedBox(RotatedBox { cx, cy, w, h, angle });
            let transforms = [
                Transform::Translate { dx, dy },
                Transform::Rotate { degrees, origin: Point::new(cx, cy) },
                Transform::FlipHorizontal { width: 64 },
                Transform::FlipVertical { height: 48 },
            ];
            for t in transforms {
                for s in [&polygon, &rotated] {
                    let moved = t.apply(s).unwrap();
                    prop_assert!((area(&moved) - area(s)).abs() < 1e-6 * (1.0 + area(s)));
                    let back = t.inverse().unwrap().apply(&moved).unwrap();
                    prop_assert!(close(&back, s), "{:?} -> {:?} -> {:?}", s, moved, back);
                }
            }
        }
    }

    /// Every vertex a shape carries, in image coordinates (keypoints include unplaced ones).
    fn vertices(shape: &Shape) -> Vec<Point> {
        match shape {
            Shape::Box(b) => vec![
                Point::new(b.x0, b.y0),
                Point::new(b.x1, b.y0),
                Point::new(b.x1, b.y1),
                Point::new(b.x0, b.y1),
            ],
            Shape::RotatedBox(r) => r.corners().to_vec(),
            Shape::Polygon(p) => p
                .parts
                .iter()
                .flat_map(|part| part.exterior.iter().chain(part.holes.iter().flatten()))
                .copied()
                .collect(),
            Shape::Polyline { points } => points.clone(),
            Shape::Keypoints { points } => points.iter().map(|k| Point::new(k.x, k.y)).collect(),
            Shape::Mask(_) => Vec::new(),
        }
    }

    /// Whether two lists hold the same points in any order, to `eps`.
    fn same_points(a: &[Point], b: &[Point], eps: f64) -> bool {
        let mut unused = b.to_vec();
        a.len() == b.len()
            && a.iter().all(|p| {
                let found = unused
                    .iter()
                    .position(|q| (p.x - q.x).abs() <= eps && (p.y - q.y).abs() <= eps);
                found.map(|i| unused.swap_remove(i)).is_some()
            })
    }

    fn any_transform() -> impl Strategy<Value = Transform> {
        let origin = (-50.0f64..150.0, -50.0f64..150.0).prop_map(|(x, y)| Point::new(x, y));
        let factor = prop_oneof![-3.0f64..-0.2, 0.2f64..3.0];
        prop_oneof![
            (-50.0f64..50.0, -50.0f64..50.0).prop_map(|(dx, dy)| Transform::Translate { dx, dy }),
            (factor.clone(), factor, origin.clone())
                .prop_map(|(sx, sy, origin)| Transform::Scale { sx, sy, origin }),
            (-720.0f64..720.0, origin)
                .prop_map(|(degrees, origin)| Transform::Rotate { degrees, origin }),
            (1u32..500).prop_map(|width| Transform::FlipHorizontal { width }),
            (1u32..500).prop_map(|height| Transform::FlipVertical { height }),
        ]
    }

    fn any_vector_shape() -> impl Strategy<Value = Shape> {
        let point = (0.0f64..100.0, 0.0f64..100.0).prop_map(|(x, y)| Point::new(x, y));
        let points = proptest::collection::vec(point.clone(), 1..7);
        prop_oneof![
            (point.clone(), point.clone())
                .prop_map(|(a, b)| Shape::Box(BoxShape::from_corners(a, b))),
            (point, 0.5f64..40.0, 0.5f64..40.0, -180.0f64..180.0, 0u8..4).prop_map(
                |(c, w, h, angle, quarter)| Shape::RotatedBox(RotatedBox {
                    cx: c.x,
                    cy: c.y,
                    w,
                    h,
                    // Some boxes sit at exact quarter turns, which uneven scaling accepts.
                    angle: if quarter == 0 { 90.0 } else { angle },
                })
            ),
            proptest::collection::vec(points.clone(), 1..3).prop_map(|rings| {
                let mut p = PolygonShape::simple(rings[0].clone());
                p.parts[0].holes = rings[1..].to_vec();
                Shape::Polygon(p)
            }),
            points.clone().prop_map(|points| Shape::Polyline { points }),
            points.prop_map(|points| Shape::Keypoints {
                points: points
                    .into_iter()
                    .map(|p| crate::model::Keypoint {
                        name: "k".into(),
                        x: p.x,
                        y: p.y,
                        visibility: crate::model::Visibility::Visible,
                    })
                    .collect(),
            }),
        ]
    }

    proptest! {
        #[test]
        fn every_kind_moves_exactly_like_its_points(shape in any_vector_shape(), t in any_transform()) {
            match t.apply(&shape) {
                Ok(moved) => {
                    let expected: Vec<Point> = vertices(&shape).into_iter().map(|p| t.point(p)).collect();
                    prop_assert!(same_points(&vertices(&moved), &expected, 1e-6),
                        "{:?} under {:?} gave {:?}", shape, t, moved);
                    // A rotated box stays one; a box stays a box unless rotated.
                    let kind_kept = moved.kind() == shape.kind()
                        || (matches!(shape, Shape::Box(_)) && matches!(t, Transform::Rotate { .. }));
                    prop_assert!(kind_kept, "{:?} became {:?}", shape.kind(), moved.kind());
                }
                Err(why) => {
                    // Only an uneven scale of a turned rotated box is refused.
                    let uneven = matches!(t, Transform::Scale { sx, sy, .. } if sx != sy);
                    prop_assert!(matches!(shape, Shape::RotatedBox(_)) && uneven, "{}", why);
                }
            }
        }

        #[test]
        fn scaling_multiplies_area_and_inverts(shape in any_vector_shape(), t in any_transform()) {
            let Transform::Scale { sx, sy, .. } = t else { return Ok(()) };
            let Ok(moved) = t.apply(&shape) else { return Ok(()) };
            let expected = area(&shape) * (sx * sy).abs();
            prop_assert!((area(&moved) - expected).abs() <= 1e-6 * (1.0 + expected));
            let back = t.inverse().unwrap().apply(&moved).unwrap();
            prop_assert!(same_points(&vertices(&back), &vertices(&shape), 1e-6));
        }
    }

    #[test]
    fn masks_move_by_pixels_and_flip() {
        let px = vec![1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        let mask = RunMask::from_row_major(&px, 4, 3).to_rle().to_model();
        let shape = Shape::Mask(mask);
        let flipped = Transform::FlipHorizontal { width: 4 }
            .apply(&shape)
            .unwrap();
        let back = Transform::FlipHorizontal { width: 4 }
            .apply(&flipped)
            .unwrap();
        assert_eq!(back, shape);
        let moved = Transform::Translate { dx: 1.0, dy: 0.0 }
            .apply(&shape)
            .unwrap();
        assert_eq!(area(&moved), 2.0); // the pixel at the right edge leaves the image
        assert!(Transform::Rotate {
            degrees: 10.0,
            origin: Point::new(0.0, 0.0)
        }
        .apply(&shape)
        .is_err());
        assert!(Transform::Translate { dx: 0.5, dy: 0.0 }
            .apply(&shape)
            .is_err());
    }

    #[test]
    fn a_rotated_box_corner_follows_the_point_transform() {
        let r = RotatedBox {
            cx: 10.0,
            cy: 10.0,
            w: 8.0,
            h: 4.0,
            angle: 20.0,
        };
        let t = Transform::Rotate {
            degrees: 35.0,
            origin: Point::new(3.0, 7.0),
        };
        let Shape::RotatedBox(moved) = t.apply(&Shape::RotatedBox(r)).unwrap() else {
            panic!()
        };
        for (a, b) in r.corners().iter().zip(moved.corners().iter()) {
            let p = t.point(*a);
            assert!((p.x - b.x).abs() < 1e-9 && (p.y - b.y).abs() < 1e-9);
        }
    }
}
