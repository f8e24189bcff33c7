//! Shapes as `geo` geometries.

use crate::model::{Point, PolygonPart, PolygonShape, Shape, Visibility};
use geo::{Coord, LineString, MultiPoint, MultiPolygon, Polygon};

/// A shape in `geo` terms: something with an area, a line, or points. Masks are pixel data and
/// are measured by the raster module; here they are their bounding rectangle.
#[derive(Clone, Debug, PartialEq)]
pub enum GeoShape {
    /// Boxes, rotated boxes, polygons (with holes and parts), mask bounds.
    Area(MultiPolygon<f64>),
    /// An open polyline.
    Line(LineString<f64>),
    /// Placed keypoints.
    Points(MultiPoint<f64>),
}

fn coord(p: &Point) -> Coord<f64> {
    Coord { x: p.x, y: p.y }
}

/// A closed `geo` ring from points (closing it if needed).
pub fn ring(points: &[Point]) -> LineString<f64> {
    let mut ring: LineString<f64> = points.iter().map(coord).collect();
    ring.close();
    ring
}

fn rect_polygon(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
    Polygon::new(
        ring(&[
            Point::new(x0, y0),
            Point::new(x1, y0),
            Point::new(x1, y1),
            Point::new(x0, y1),
        ]),
        Vec::new(),
    )
}

/// The `geo` geometry of a shape.
pub fn to_geo(shape: &Shape) -> GeoShape {
    match shape {
        Shape::Box(b) => GeoShape::Area(MultiPolygon(vec![rect_polygon(b.x0, b.y0, b.x1, b.y1)])),
        Shape::RotatedBox(r) => GeoShape::Area(MultiPolygon(vec![Polygon::new(
            ring(&r.corners()),
            Vec::new(),
        )])),
        Shape::Polygon(p) => GeoShape::Area(polygon_to_geo(p)),
        Shape::Polyline { points } => GeoShape::Line(points.iter().map(coord).collect()),
        Shape::Keypoints { points } => GeoShape::Points(
            points
                .iter()
                .filter(|k| k.visibility != Visibility::NotLabeled)
                .map(|k| geo::Point::new(k.x, k.y))
                .collect(),
        ),
        Shape::Mask(m) => {
            let rle = crate::raster::Rle {
                height: m.height,
                width: m.width,
                counts: m.counts.clone(),
            };
            let [x, y, w, h] = rle.bbox();
            GeoShape::Area(MultiPolygon(if w > 0.0 && h > 0.0 {
                vec![rect_polygon(x, y, x + w, y + h)]
            } else {
                Vec::new()
            }))
        }
    }
}

/// A polygon shape as a `geo` multipolygon.
pub fn polygon_to_geo(shape: &PolygonShape) -> MultiPolygon<f64> {
    MultiPolygon(
        shape
            .parts
            .iter()
            .map(|part| {
                Polygon::new(
                    ring(&part.exterior),
                    part.holes.iter().map(|h| ring(h)).collect(),
                )
            })
            .collect(),
    )
}

fn points_of(ring: &LineString<f64>) -> Vec<Point> {
    let mut points: Vec<Point> = ring.coords().map(|c| Point::new(c.x, c.y)).collect();
    // geo rings repeat the first point at the end; the model does not.
    if points.len() > 1 && points.first() == points.last() {
        points.pop();
    }
    points
}

/// A `geo` multipolygon as a polygon shape.
pub fn polygon_from_geo(geometry: &MultiPolygon<f64>) -> PolygonShape {
    PolygonShape {
        parts: geometry
            .0
            .iter()
            .map(|p| PolygonPart {
                exterior: points_of(p.exterior()),
                holes: p.interiors().iter().map(points_of).collect(),
            })
            .collect(),
    }
}
