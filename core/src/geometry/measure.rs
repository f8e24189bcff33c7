//! Area, bounds, IoU and clipping for every shape kind.

use super::convert::{polygon_from_geo, to_geo, GeoShape};
use crate::model::{BoxShape, Keypoint, Point, Shape, Visibility};
use crate::raster::rle::{iou as rle_iou, Rle};
use crate::raster::shape_polygon_to_rle;
use geo::{Area, BooleanOps, BoundingRect, MultiLineString, MultiPolygon};

/// Area in square pixels: geometric for vector shapes, the pixel count for masks, zero for
/// polylines and keypoints. A polygon's area is the sum over its parts of exterior minus holes
/// (so parts that overlap count twice, and an outline that crosses itself gives the magnitude
/// of its signed area); [`super::repair`] a polygon first when that matters.
pub fn area(shape: &Shape) -> f64 {
    match shape {
        Shape::Mask(m) => Rle {
            height: m.height,
            width: m.width,
            counts: m.counts.clone(),
        }
        .area() as f64,
        _ => match to_geo(shape) {
            GeoShape::Area(mp) => mp.unsigned_area(),
            _ => 0.0,
        },
    }
}

/// Axis-aligned bounds, or `None` for an empty shape.
pub fn bounds(shape: &Shape) -> Option<BoxShape> {
    // Read off the vertices where a shape has them (the renderer asks for every visible shape
    // in every plan; building `geo` geometries first cost more than the rest of the plan): the
    // same bounds `geo` gives — exterior rings only, labelled keypoints only.
    let along = |points: &mut dyn Iterator<Item = (f64, f64)>| points.fold(None, grow);
    match shape {
        Shape::Box(b) => along(&mut [(b.x0, b.y0), (b.x1, b.y1)].into_iter()),
        Shape::RotatedBox(r) => along(&mut r.corners().iter().map(|p| (p.x, p.y))),
        Shape::Polygon(p) => along(
            &mut p
                .parts
                .iter()
                .flat_map(|part| part.exterior.iter().map(|q| (q.x, q.y))),
        ),
        Shape::Polyline { points } => along(&mut points.iter().map(|q| (q.x, q.y))),
        Shape::Keypoints { points } => along(
            &mut points
                .iter()
                .filter(|k| k.visibility != crate::model::Visibility::NotLabeled)
                .map(|k| (k.x, k.y)),
        ),
        Shape::Mask(_) => geo_bounds(&to_geo(shape)),
    }
}

/// Bounds grown to take in a point.
fn grow(bounds: Option<BoxShape>, (x, y): (f64, f64)) -> Option<BoxShape> {
    Some(match bounds {
        None => BoxShape {
            x0: x,
            y0: y,
            x1: x,
            y1: y,
        },
        Some(b) => BoxShape {
            x0: b.x0.min(x),
            y0: b.y0.min(y),
            x1: b.x1.max(x),
            y1: b.y1.max(y),
        },
    })
}

/// Axis-aligned bounds of a shape already converted to `geo`.
pub(crate) fn geo_bounds(geometry: &GeoShape) -> Option<BoxShape> {
    let rect = match geometry {
        GeoShape::Area(mp) => mp.bounding_rect(),
        GeoShape::Line(l) => l.bounding_rect(),
        GeoShape::Points(p) => p.bounding_rect(),
    }?;
    Some(BoxShape {
        x0: rect.min().x,
        y0: rect.min().y,
        x1: rect.max().x,
        y1: rect.max().y,
    })
}

/// The shape as a mask on a `width × height` image (vector areas rasterised with pycocotools'
/// rules), or `None` for polylines and keypoints.
pub fn as_mask(shape: &Shape, width: u32, height: u32) -> Option<Rle> {
    match shape {
        Shape::Mask(m) => Some(Rle {
            height: m.height,
            width: m.width,
            counts: m.counts.clone(),
        }),
        Shape::Polyline { .. } | Shape::Keypoints { .. } => None,
        _ => match to_geo(shape) {
            GeoShape::Area(mp) => Some(shape_polygon_to_rle(&polygon_from_geo(&mp), height, width)),
            _ => None,
        },
    }
}

/// Intersection over union of two shapes, in `[0, 1]`. Vector areas are compared exactly as
/// geometry (boxes by arithmetic, everything else with `geo`'s boolean operations, which snap
/// to a fine grid: results agree with exact arithmetic to about 1e-9); when either is a mask
/// both are compared as masks on a `width × height` image (pycocotools' rules). Polylines and
/// keypoints have no area: their IoU with anything is 0, by definition, as is the IoU of two
/// shapes without area. Overlapping parts of a polygon count once; a polygon whose outline
/// crosses itself has no well-defined area, so [`super::validate`] and [`super::repair`] it first.
pub fn iou(a: &Shape, b: &Shape, width: u32, height: u32) -> f64 {
    let is_mask = |s: &Shape| matches!(s, Shape::Mask(_));
    if is_mask(a) || is_mask(b) {
        return match (as_mask(a, width, height), as_mask(b, width, height)) {
            (Some(ma), Some(mb)) => rle_iou(&[ma], &[mb], &[false])[0][0].max(0.0),
            _ => 0.0,
        };
    }
    if let (Shape::Box(p), Shape::Box(q)) = (a, b) {
        // Exact for the most common pair (boolean ops snap coordinates to a grid).
        let w = p.x1.min(q.x1) - p.x0.max(q.x0);
        let h = p.y1.min(q.y1) - p.y0.max(q.y0);
        if w <= 0.0 || h <= 0.0 {
            return 0.0;
        }
        let inter = w * h;
        let union = (p.x1 - p.x0) * (p.y1 - p.y0) + (q.x1 - q.x0) * (q.y1 - q.y0) - inter;
        return if union > 0.0 {
            (inter / union).clamp(0.0, 1.0)
        } else {
            0.0
        };
    }
    let (GeoShape::Area(pa), GeoShape::Area(pb)) = (to_geo(a), to_geo(b)) else {
        return 0.0;
    };
    // Most pairs in an IoU matrix are far apart: their bounds settle it without boolean ops.
    let apart = match (pa.bounding_rect(), pb.bounding_rect()) {
        (Some(ra), Some(rb)) => {
            ra.max().x <= rb.min().x
                || rb.max().x <= ra.min().x
                || ra.max().y <= rb.min().y
                || rb.max().y <= ra.min().y
        }
        _ => true,
    };
    if apart {
        return 0.0;
    }
    let (pa, pb) = (merge_parts(pa), merge_parts(pb));
    let inter = pa.intersection(&pb).unsigned_area();
    if inter <= 0.0 {
        return 0.0;
    }
    let union = pa.unsigned_area() + pb.unsigned_area() - inter;
    if union <= 0.0 {
        return 0.0;
    }
    (inter / union).clamp(0.0, 1.0)
}

/// Parts of a polygon may overlap (annotators draw them so); the area they cover counts once.
/// A single part is left as it is, which is the common case and saves a boolean operation.
fn merge_parts(mp: MultiPolygon<f64>) -> MultiPolygon<f64> {
    if mp.0.len() > 1 {
        geo::unary_union(&mp.0)
    } else {
        mp
    }
}

/// The part of a shape inside the image `[0, width] × [0, height]`, or `None` if nothing is
/// left. Boxes stay boxes; rotated boxes stay rotated boxes when wholly inside and become
/// polygons otherwise; polylines are cut (several pieces are joined only if they touch, so the
/// longest piece is kept); keypoints outside become "not labeled"; masks already fit.
pub fn clip_to_image(shape: &Shape, width: u32, height: u32) -> Option<Shape> {
    let (w, h) = (f64::from(width), f64::from(height));
    let inside = |p: &Point| p.x >= 0.0 && p.y >= 0.0 && p.x <= w && p.y <= h;
    match shape {
        Shape::Box(b) => {
            let clipped = BoxShape {
                x0: b.x0.max(0.0),
                y0: b.y0.max(0.0),
                x1: b.x1.min(w),
                y1: b.y1.min(h),
            };
            (clipped.x1 > clipped.x0 && clipped.y1 > clipped.y0).then_some(Shape::Box(clipped))
        }
        Shape::RotatedBox(r) if r.corners().iter().all(inside) => Some(shape.clone()),
        Shape::RotatedBox(_) | Shape::Polygon(_) => {
            let GeoShape::Area(mp) = to_geo(shape) else {
                return None;
            };
            let image = image_rect(w, h);
            let clipped = mp.intersection(&image);
            (clipped.unsigned_area() > 0.0).then(|| Shape::Polygon(polygon_from_geo(&clipped)))
        }
        Shape::Polyline { .. } => {
            let GeoShape::Line(line) = to_geo(shape) else {
                return None;
            };
            let pieces = image_rect(w, h).clip(&MultiLineString(vec![line]), false);
            let longest = pieces.0.into_iter().max_by(|a, b| {
                use geo::{Euclidean, Length};
                Euclidean
                    .length(a)
                    .partial_cmp(&Euclidean.length(b))
                    .unwrap_or(std::cmp::Ordering::Equal)
            })?;
            let points: Vec<Point> = longest.coords().map(|c| Point::new(c.x, c.y)).collect();
            (points.len() >= 2).then_some(Shape::Polyline { points })
        }
        Shape::Keypoints { points } => Some(Shape::Keypoints {
            points: points
                .iter()
                .map(|k| {
                    if inside(&Point::new(k.x, k.y)) {
                        k.clone()
                    } else {
                        Keypoint {
                            visibility: Visibility::NotLabeled,
                            ..k.clone()
                        }
                    }
                })
                .collect(),
        }),
        Shape::Mask(_) => Some(shape.clone()),
    }
}

/// The corners of the smallest rotated rectangle around `points` (`geo`'s rotating calipers),
/// in ring order, or `None` for fewer than one point.
pub fn min_rect_corners(points: &[Point]) -> Option<Vec<Point>> {
    use geo::MinimumRotatedRect;
    let mp = geo::MultiPoint::from(
        points
            .iter()
            .map(|p| geo::Point::new(p.x, p.y))
            .collect::<Vec<_>>(),
    );
    let rect = mp.minimum_rotated_rect()?;
    let ring: Vec<Point> = rect
        .exterior()
        .coords()
        .map(|c| Point::new(c.x, c.y))
        .collect();
    (ring.len() >= 4).then(|| ring[..4].to_vec())
}

fn image_rect(w: f64, h: f64) -> MultiPolygon<f64> {
    MultiPolygon(vec![geo::Rect::new((0.0, 0.0), (w, h)).to_polygon()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PolygonShape, RotatedBox};
    use proptest::prelude::*;

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Shape {
        Shape::Box(BoxShape::from_corners(
            Point::new(x0, y0),
            Point::new(x1, y1),
        ))
    }

    #[test]
    fn box_iou_by_hand() {
        let a = rect(0.0, 0.0, 10.0, 10.0);
        let b = rect(5.0, 0.0, 15.0, 10.0);
        assert!((iou(&a, &b, 100, 100) - 50.0 / 150.0).abs() < 1e-12);
        assert_eq!(iou(&a, &rect(20.0, 20.0, 30.0, 30.0), 100, 100), 0.0);
    }

    #[test]
    fn rotated_box_iou_with_its_own_polygon_is_one() {
        let r = Shape::RotatedBox(RotatedBox {
            cx: 50.0,
            cy: 40.0,
            w: 30.0,
            h: 10.0,
            angle: 33.0,
        });
        let corners = match &r {
            Shape::RotatedBox(rb) => rb.corners().to_vec(),
            _ => unreachable!(),
        };
        let p = Shape::Polygon(PolygonShape::simple(corners));
        assert!((iou(&r, &p, 100, 100) - 1.0).abs() < 1e-9);
        assert!((area(&r) - 300.0).abs() < 1e-9);
    }

    #[test]
    fn mask_against_polygon_uses_pixels() {
        let p = rect(2.0, 2.0, 6.0, 5.0);
        let m = Shape::Mask(
            shape_polygon_to_rle(
                &PolygonShape::simple(vec![
                    Point::new(2.0, 2.0),
                    Point::new(6.0, 2.0),
                    Point::new(6.0, 5.0),
                    Point::new(2.0, 5.0),
                ]),
                8,
                8,
            )
            .to_model(),
        );
        assert_eq!(iou(&p, &m, 8, 8), 1.0);
        assert_eq!(area(&m), 12.0);
    }

    #[test]
    fn overlapping_parts_count_once_in_iou() {
        let square = |x: f64| crate::model::PolygonPart {
            exterior: vec![
                Point::new(x, 0.0),
                Point::new(x + 10.0, 0.0),
                Point::new(x + 10.0, 10.0),
                Point::new(x, 10.0),
            ],
            holes: Vec::new(),
        };
        let two = Shape::Polygon(PolygonShape {
            parts: vec![square(0.0), square(5.0)],
        });
        assert!((iou(&two, &two, 100, 100) - 1.0).abs() < 1e-9);
        // The parts cover [0, 15] × [0, 10]: the box [0, 10]² is two thirds of it.
        let b = rect(0.0, 0.0, 10.0, 10.0);
        assert!((iou(&two, &b, 100, 100) - 100.0 / 150.0).abs() < 1e-9);
    }

    #[test]
    fn clipping() {
        assert_eq!(
            clip_to_image(&rect(-5.0, -5.0, 5.0, 5.0), 10, 10),
            Some(rect(0.0, 0.0, 5.0, 5.0))
        );
        assert_eq!(clip_to_image(&rect(20.0, 20.0, 30.0, 30.0), 10, 10), None);
        let big = Shape::RotatedBox(RotatedBox {
            cx: 5.0,
            cy: 5.0,
            w: 20.0,
            h: 4.0,
            angle: 45.0,
        });
        let clipped = clip_to_image(&big, 10, 10).unwrap();
        assert!(matches!(clipped, Shape::Polygon(_)));
        assert!(area(&clipped) < area(&big));
        let b = bounds(&clipped).unwrap();
        let eps = 1e-6;
        assert!(
            b.x0 >= -eps && b.y0 >= -eps && b.x1 <= 10.0 + eps && b.y1 <= 10.0 + eps,
            "{b:?}"
        );
        let line = Shape::Polyline {
            points: vec![Point::new(-5.0, 5.0), Point::new(15.0, 5.0)],
        };
        let Some(Shape::Polyline { points }) = clip_to_image(&line, 10, 10) else {
            panic!()
        };
        assert_eq!(points, vec![Point::new(0.0, 5.0), Point::new(10.0, 5.0)]);
    }

    fn any_area_shape() -> impl Strategy<Value = Shape> {
        prop_oneof![
            (0.0f64..80.0, 0.0f64..80.0, 1.0f64..40.0, 1.0f64..40.0).prop_map(|(x, y, w, h)| rect(
                x,
                y,
                x + w,
                y + h
            )),
            (
                10.0f64..70.0,
                10.0f64..70.0,
                1.0f64..30.0,
                1.0f64..30.0,
                -180.0f64..180.0
            )
                .prop_map(|(cx, cy, w, h, angle)| Shape::RotatedBox(RotatedBox {
                    cx,
                    cy,
                    w,
                    h,
                    angle
                })),
            proptest::collection::vec((0.0f64..90.0, 0.0f64..90.0), 3..8).prop_map(|pts| {
                // A star-shaped (hence simple) polygon around its centroid.
                let n = pts.len() as f64;
                let (mx, my) = (
                    pts.iter().map(|p| p.0).sum::<f64>() / n,
                    pts.iter().map(|p| p.1).sum::<f64>() / n,
                );
                let mut pts = pts;
                pts.sort_by(|a, b| {
                    (a.1 - my)
                        .atan2(a.0 - mx)
                        .partial_cmp(&(b.1 - my).atan2(b.0 - mx))
                        .unwrap()
                });
                Shape::Polygon(PolygonShape::simple(
                    pts.into_iter().map(|(x, y)| Point::new(x, y)).collect(),
                ))
            }),
        ]
    }

    proptest! {
        #[test]
        fn iou_is_symmetric_bounded_and_one_with_itself(a in any_area_shape(), b in any_area_shape()) {
            let ab = iou(&a, &b, 100, 100);
            let ba = iou(&b, &a, 100, 100);
            prop_assert!((0.0..=1.0).contains(&ab));
            // Boolean operations snap to a fine integer grid: equal to 1e-6.
            prop_assert!((ab - ba).abs() < 1e-6, "{} vs {}", ab, ba);
            if area(&a) > 1e-3 {
                prop_assert!((iou(&a, &a, 100, 100) - 1.0).abs() < 1e-6);
            }
        }

        #[test]
        fn bounds_read_off_the_vertices_equal_geos(
            a in any_area_shape(),
            line in proptest::collection::vec((-50.0..150.0f64, -50.0..150.0f64), 0..6),
            keys in proptest::collection::vec((-50.0..150.0f64, -50.0..150.0f64, 0u8..3), 0..5),
        ) {
            use crate::model::{Keypoint, Visibility};
            let keypoints = Shape::Keypoints {
                points: keys
                    .iter()
                    .enumerate()
                    .map(|(i, &(x, y, v))| Keypoint {
                        name: format!("k{i}"),
                        x,
                        y,
                        visibility: [Visibility::NotLabeled, Visibility::Occluded, Visibility::Visible][usize::from(v)],
                    })
                    .collect(),
            };
            let polyline = Shape::Polyline { points: line.iter().map(|&(x, y)| Point::new(x, y)).collect() };
            for shape in [a, polyline, keypoints] {
                prop_assert_eq!(bounds(&shape), geo_bounds(&to_geo(&shape)), "{:?}", shape);
            }
        }

        #[test]
        fn rasterised_area_is_close_to_geometric_area(a in any_area_shape()) {
            let Some(a) = clip_to_image(&a, 100, 100) else { return Ok(()) };
            let Some(mask) = as_mask(&a, 100, 100) else { return Ok(()) };
            let geometric = area(&a);
            // Every differing pixel touches the outline: bound by the perimeter.
            let GeoShape::Area(mp) = to_geo(&a) else { return Ok(()) };
            let perimeter: f64 = {
                use geo::{Euclidean, Length};
                mp.0.iter().map(|p| Euclidean.length(p.exterior())).sum()
            };
            prop_assert!((mask.area() as f64 - geometric).abs() <= perimeter + 4.0,
                "raster {} vs geometric {}", mask.area(), geometric);
        }
    }
}
