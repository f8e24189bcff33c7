//! Validity checks and repair, and simplification.

use super::convert::{polygon_from_geo, polygon_to_geo};
use crate::model::{Point, PolygonShape, Shape};
use geo::bool_ops::FillRule;
use geo::{Area, BooleanOps, MultiPolygon, Simplify, SimplifyVwPreserve, Validation};
use std::fmt;

/// Something wrong with a shape.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// A coordinate is NaN or infinite.
    NotFinite,
    /// A ring or line has fewer points than its kind needs.
    TooFewPoints {
        /// Points found.
        found: usize,
        /// Points needed.
        needed: usize,
    },
    /// Zero width, height or area.
    Degenerate,
    /// The outline crosses itself or its holes (what `geo` reports, in words).
    Invalid(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NotFinite => f.write_str("a coordinate is NaN or infinite"),
            Problem::TooFewPoints { found, needed } => {
                write!(f, "{found} points, at least {needed} needed")
            }
            Problem::Degenerate => f.write_str("the shape has no extent"),
            Problem::Invalid(why) => write!(f, "invalid outline: {why}"),
        }
    }
}

/// Whether all points lie on one line (no area whatever the order).
fn collinear(points: &[Point]) -> bool {
    let Some(&a) = points.first() else {
        return true;
    };
    let Some(&b) = points
        .iter()
        .find(|p| (p.x - a.x).abs() + (p.y - a.y).abs() > 1e-12)
    else {
        return true;
    };
    points
        .iter()
        .all(|p| ((b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)).abs() <= 1e-12)
}

fn finite(points: &[Point]) -> bool {
    points.iter().all(|p| p.x.is_finite() && p.y.is_finite())
}

/// What is wrong with a shape (empty when nothing is).
///
/// Checked: finite coordinates everywhere; boxes and rotated boxes with positive width and
/// height; polygons with at least one part, every ring of at least 3 points, exteriors not flat,
/// and no ring crossing itself or another ring, holes inside their exterior (as `geo`'s
/// validation defines it); polylines of at least 2 distinct points; masks whose runs cover the
/// image exactly. Only the first problem of a polygon's rings is reported.
pub fn validate(shape: &Shape) -> Vec<Problem> {
    let mut problems = Vec::new();
    match shape {
        Shape::Box(b) => {
            if ![b.x0, b.y0, b.x1, b.y1].iter().all(|v| v.is_finite()) {
                problems.push(Problem::NotFinite);
            } else if b.x1 <= b.x0 || b.y1 <= b.y0 {
                problems.push(Problem::Degenerate);
            }
        }
        Shape::RotatedBox(r) => {
            if ![r.cx, r.cy, r.w, r.h, r.angle]
                .iter()
                .all(|v| v.is_finite())
            {
                problems.push(Problem::NotFinite);
            } else if r.w <= 0.0 || r.h <= 0.0 {
                problems.push(Problem::Degenerate);
            }
        }
        Shape::Polygon(p) if p.parts.is_empty() => problems.push(Problem::TooFewPoints {
            found: 0,
            needed: 3,
        }),
        Shape::Polygon(p) => {
            let rings = p
                .parts
                .iter()
                .flat_map(|part| std::iter::once(&part.exterior).chain(&part.holes));
            for ring in rings {
                if !finite(ring) {
                    problems.push(Problem::NotFinite);
                    return problems;
                }
                if ring.len() < 3 {
                    problems.push(Problem::TooFewPoints {
                        found: ring.len(),
                        needed: 3,
                    });
                    return problems;
                }
            }
            let flat = p.parts.iter().any(|part| collinear(&part.exterior));
            if flat {
                problems.push(Problem::Degenerate);
            } else if let Err(e) = polygon_to_geo(p).check_validation() {
                problems.push(Problem::Invalid(e.to_string()));
            }
        }
        Shape::Polyline { points } => {
            if !finite(points) {
                problems.push(Problem::NotFinite);
            } else if points.len() < 2 {
                problems.push(Problem::TooFewPoints {
                    found: points.len(),
                    needed: 2,
                });
            } else if points.iter().all(|p| p == &points[0]) {
                problems.push(Problem::Degenerate);
            }
        }
        Shape::Keypoints { points } => {
            if !points.iter().all(|k| k.x.is_finite() && k.y.is_finite()) {
                problems.push(Problem::NotFinite);
            }
        }
        Shape::Mask(m) => {
            let total: u64 = m.counts.iter().map(|&c| u64::from(c)).sum();
            if total != u64::from(m.width) * u64::from(m.height) {
                problems.push(Problem::Invalid(format!(
                    "mask runs add up to {total}, not {} × {}",
                    m.width, m.height
                )));
            }
        }
    }
    problems
}

/// A valid version of a polygon, or `None` if nothing with an area is left. Other shapes are
/// returned unchanged.
///
/// Each part's exterior is rebuilt from its own crossings with a boolean union under the
/// non-zero winding rule, so a bow tie becomes two triangles and a loop drawn twice around (a
/// pentagram, a lasso stroke that overlaps itself) is filled rather than punched; each hole is
/// rebuilt the same way and subtracted; then the parts are united, so overlapping parts merge.
/// Rings of fewer than 3 points or with non-finite coordinates are dropped.
pub fn repair(shape: &Shape) -> Option<Shape> {
    let Shape::Polygon(p) = shape else {
        return Some(shape.clone());
    };
    let usable = |ring: &Vec<Point>| ring.len() >= 3 && finite(ring);
    let rebuilt = |ring: &Vec<Point>| {
        polygon_to_geo(&PolygonShape::simple(ring.clone()))
            .union_with_fill_rule(&MultiPolygon(Vec::new()), FillRule::NonZero)
    };
    let mut result = MultiPolygon::<f64>(Vec::new());
    for part in p.parts.iter().filter(|part| usable(&part.exterior)) {
        let mut piece = rebuilt(&part.exterior);
        for hole in part.holes.iter().filter(|h| usable(h)) {
            piece = piece.difference(&rebuilt(hole));
        }
        result = result.union(&piece);
    }
    (result.unsigned_area() > 0.0).then(|| Shape::Polygon(polygon_from_geo(&result)))
}

/// Douglas–Peucker simplification of polygons and polylines with tolerance `epsilon` pixels.
/// May create self-intersections on complex outlines; see [`simplify_preserving`].
pub fn simplify(shape: &Shape, epsilon: f64) -> Shape {
    match shape {
        Shape::Polygon(p) => Shape::Polygon(polygon_from_geo(&polygon_to_geo(p).simplify(epsilon))),
        Shape::Polyline { points } => {
            let line: geo::LineString<f64> = points
                .iter()
                .map(|p| geo::Coord { x: p.x, y: p.y })
                .collect();
            Shape::Polyline {
                points: line
                    .simplify(epsilon)
                    .coords()
                    .map(|c| Point::new(c.x, c.y))
                    .collect(),
            }
        }
        other => other.clone(),
    }
}

/// Topology-preserving (Visvalingam–Whyatt) simplification: removes vertices whose triangle
/// area is below `epsilon` square pixels without making rings cross each other or themselves.
pub fn simplify_preserving(shape: &Shape, epsilon: f64) -> Shape {
    match shape {
        Shape::Polygon(p) => Shape::Polygon(polygon_from_geo(
            &polygon_to_geo(p).simplify_vw_preserve(epsilon),
        )),
        Shape::Polyline { points } => {
            let line: geo::LineString<f64> = points
                .iter()
                .map(|p| geo::Coord { x: p.x, y: p.y })
                .collect();
            Shape::Polyline {
                points: line
                    .simplify_vw_preserve(epsilon)
                    .coords()
                    .map(|c| Point::new(c.x, c.y))
                    .collect(),
            }
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::measure::area;
    use super::*;

    fn poly(points: &[(f64, f64)]) -> Shape {
        Shape::Polygon(PolygonShape::simple(
            points.iter().map(|&(x, y)| Point::new(x, y)).collect(),
        ))
    }

    #[test]
    fn a_bow_tie_is_reported_and_repaired_into_two_triangles() {
        let bow = poly(&[(0.0, 0.0), (10.0, 10.0), (10.0, 0.0), (0.0, 10.0)]);
        let problems = validate(&bow);
        assert!(
            matches!(problems.as_slice(), [Problem::Invalid(_)]),
            "{problems:?}"
        );
        let Some(Shape::Polygon(fixed)) = repair(&bow) else {
            panic!()
        };
        assert_eq!(fixed.parts.len(), 2);
        assert!(validate(&Shape::Polygon(fixed.clone())).is_empty());
        assert!((area(&Shape::Polygon(fixed)) - 50.0).abs() < 1e-9);
    }

    #[test]
    fn a_pentagram_is_repaired_into_a_filled_star() {
        let star: Vec<(f64, f64)> = (0..5)
            .map(|i| {
                // Every second point of a regular pentagon: the outline crosses itself 5 times.
                let t = (f64::from(i) * 144.0 - 90.0).to_radians();
                (50.0 + 40.0 * t.cos(), 50.0 + 40.0 * t.sin())
            })
            .collect();
        let shape = poly(&star);
        assert!(matches!(validate(&shape).as_slice(), [Problem::Invalid(_)]));
        let Some(fixed) = repair(&shape) else {
            panic!("the star has an area")
        };
        assert!(validate(&fixed).is_empty(), "{:?}", validate(&fixed));
        let Shape::Polygon(fixed_polygon) = &fixed else {
            panic!("{fixed:?}")
        };
        // Filled: one part, no hole where the pentagon in the middle is.
        assert_eq!(fixed_polygon.parts.len(), 1);
        assert!(fixed_polygon.parts[0].holes.is_empty());
        // A regular pentagram's filled area: 10 * (1/2) * R * r * sin(36°), r = R * sin18/sin126.
        let (big, small) = (
            40.0f64,
            40.0 * 18f64.to_radians().sin() / 126f64.to_radians().sin(),
        );
        let expected = 10.0 * 0.5 * big * small * 36f64.to_radians().sin();
        assert!(
            (area(&fixed) - expected).abs() < 1e-6,
            "{} vs {expected}",
            area(&fixed)
        );
    }

    #[test]
    fn overlapping_parts_merge_and_holes_stay() {
        let square = |x: f64, y: f64, s: f64| {
            vec![
                Point::new(x, y),
                Point::new(x + s, y),
                Point::new(x + s, y + s),
                Point::new(x, y + s),
            ]
        };
        let shape = Shape::Polygon(PolygonShape {
            parts: vec![
                crate::model::PolygonPart {
                    exterior: square(0.0, 0.0, 10.0),
                    holes: vec![square(2.0, 2.0, 2.0)],
                },
                crate::model::PolygonPart {
                    exterior: square(5.0, 0.0, 10.0),
                    holes: Vec::new(),
                },
            ],
        });
        let Some(fixed) = repair(&shape) else {
            panic!()
        };
        assert!(validate(&fixed).is_empty());
        assert!(
            (area(&fixed) - (150.0 - 4.0)).abs() < 1e-9,
            "{}",
            area(&fixed)
        );
    }

    #[test]
    fn small_problems_are_named() {
        assert_eq!(
            validate(&Shape::Polygon(PolygonShape::default())),
            vec![Problem::TooFewPoints {
                found: 0,
                needed: 3
            }]
        );
        let dot = Point::new(3.0, 3.0);
        assert_eq!(
            validate(&Shape::Polyline {
                points: vec![dot, dot, dot]
            }),
            vec![Problem::Degenerate]
        );
        assert_eq!(
            validate(&poly(&[(0.0, 0.0), (1.0, 1.0)])),
            vec![Problem::TooFewPoints {
                found: 2,
                needed: 3
            }]
        );
        assert_eq!(
            validate(&poly(&[(0.0, 0.0), (f64::NAN, 1.0), (2.0, 0.0)])),
            vec![Problem::NotFinite]
        );
        assert_eq!(
            validate(&poly(&[(0.0, 0.0), (1.0, 1.0), (2.0, 2.0)])),
            vec![Problem::Degenerate]
        );
        assert!(validate(&poly(&[(0.0, 0.0), (4.0, 0.0), (4.0, 3.0)])).is_empty());
    }

    #[test]
    fn simplification_drops_near_collinear_vertices() {
        let wobbly = poly(&[
            (0.0, 0.0),
            (5.0, 0.05),
            (10.0, 0.0),
            (10.0, 10.0),
            (0.0, 10.0),
        ]);
        let Shape::Polygon(dp) = simplify(&wobbly, 0.5) else {
            panic!()
        };
        assert_eq!(dp.parts[0].exterior.len(), 4);
        let Shape::Polygon(vw) = simplify_preserving(&wobbly, 1.0) else {
            panic!()
        };
        assert_eq!(vw.parts[0].exterior.len(), 4);
    }
}
