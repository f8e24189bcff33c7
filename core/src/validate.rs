//! Checks of a task that arrives from outside (a host's `loadTask`, predictions, a manifest)
//! before anything indexes, rasterises or stores it: every coordinate finite, every mask's
//! runs adding up to its size and within a size that can be held, ids present and unique.
//!
//! A value that fails is refused with the path of the offending field (`annotations[3].shape.x0`)
//! and what is wrong, rather than becoming a panic, a huge allocation or a document whose
//! lookups disagree. Nothing already stored is touched by a refusal.

use crate::model::{Annotation, MaskRle, Point, Shape, Task};
use std::collections::HashSet;
use std::fmt;

/// The most pixels a mask may cover (its runs are `u32`, and a larger one could not be
/// rasterised anywhere): 2^32 - 1, about a 65,535 × 65,535 image.
pub const MAX_MASK_PIXELS: u64 = u32::MAX as u64;

/// Why a task was refused: the field and the problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// Path of the field, as in JSON (`annotations[2].shape.parts[0].exterior[5].x`).
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for Invalid {}

fn invalid(path: String, message: impl Into<String>) -> Invalid {
    Invalid {
        path,
        message: message.into(),
    }
}

fn number(path: &str, field: &str, v: f64) -> Result<(), Invalid> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(invalid(
            format!("{path}.{field}"),
            format!("{v} is not a finite number"),
        ))
    }
}

fn points(path: &str, points: &[Point]) -> Result<(), Invalid> {
    for (i, p) in points.iter().enumerate() {
        number(&format!("{path}[{i}]"), "x", p.x)?;
        number(&format!("{path}[{i}]"), "y", p.y)?;
    }
    Ok(())
}

/// A mask's size is holdable and its runs cover exactly its pixels.
pub fn mask(path: &str, m: &MaskRle) -> Result<(), Invalid> {
    let pixels = u64::from(m.width) * u64::from(m.height);
    if pixels > MAX_MASK_PIXELS {
        return Err(invalid(
            format!("{path}.width"),
            format!(
                "a {} × {} mask has {pixels} pixels, more than the {MAX_MASK_PIXELS} a mask can hold",
                m.width, m.height
            ),
        ));
    }
    let total: u64 = m.counts.iter().map(|&c| u64::from(c)).sum();
    if total != pixels {
        return Err(invalid(
            format!("{path}.counts"),
            format!(
                "the runs add up to {total} pixels, but a {} × {} mask has {pixels}",
                m.width, m.height
            ),
        ));
    }
    Ok(())
}

/// A shape's numbers are finite and its mask (if any) is well formed.
pub fn shape(path: &str, s: &Shape) -> Result<(), Invalid> {
    match s {
        Shape::Box(b) => {
            for (field, v) in [("x0", b.x0), ("y0", b.y0), ("x1", b.x1), ("y1", b.y1)] {
                number(path, field, v)?;
            }
            Ok(())
        }
        Shape::RotatedBox(r) => {
            for (field, v) in [
                ("cx", r.cx),
                ("cy", r.cy),
                ("w", r.w),
                ("h", r.h),
                ("angle", r.angle),
            ] {
                number(path, field, v)?;
            }
            Ok(())
        }
        Shape::Polygon(p) => {
            for (i, part) in p.parts.iter().enumerate() {
                points(&format!("{path}.parts[{i}].exterior"), &part.exterior)?;
                for (h, hole) in part.holes.iter().enumerate() {
                    points(&format!("{path}.parts[{i}].holes[{h}]"), hole)?;
                }
            }
            Ok(())
        }
        Shape::Polyline { points: pts } => points(&format!("{path}.points"), pts),
        Shape::Keypoints { points: kps } => {
            for (i, k) in kps.iter().enumerate() {
                number(&format!("{path}.points[{i}]"), "x", k.x)?;
                number(&format!("{path}.points[{i}]"), "y", k.y)?;
            }
            Ok(())
        }
        Shape::Mask(m) => mask(path, m),
    }
}

/// One annotation at `path`.
pub fn annotation(path: &str, a: &Annotation) -> Result<(), Invalid> {
    if a.id.0.is_empty() {
        return Err(invalid(format!("{path}.id"), "missing"));
    }
    shape(&format!("{path}.shape"), &a.shape)
}

/// A whole task: its id, each annotation, and that no two annotations share an id.
pub fn task(t: &Task) -> Result<(), Invalid> {
    if t.id.is_empty() {
        return Err(invalid("id".into(), "missing"));
    }
    let mut seen = HashSet::new();
    for (i, a) in t.annotations.iter().enumerate() {
        let path = format!("annotations[{i}]");
        annotation(&path, a)?;
        if !seen.insert(&a.id) {
            return Err(invalid(
                format!("{path}.id"),
                format!(
                    "{:?} is used by an earlier annotation; ids must be unique",
                    a.id.0
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BoxShape, Keypoint, PolygonShape, Visibility};

    fn boxed(id: &str, x0: f64) -> Annotation {
        Annotation::new(
            id,
            "car",
            Shape::Box(BoxShape {
                x0,
                y0: 0.0,
                x1: 10.0,
                y1: 10.0,
            }),
        )
    }

    fn task_of(annotations: Vec<Annotation>) -> Task {
        Task {
            id: "t".into(),
            annotations,
            ..Task::default()
        }
    }

    #[test]
    fn a_nan_coordinate_is_refused_by_its_path() {
        assert_eq!(task(&task_of(vec![boxed("a", 1.0)])), Ok(()));
        let err = task(&task_of(vec![boxed("a", 1.0), boxed("b", f64::NAN)])).unwrap_err();
        assert_eq!(err.path, "annotations[1].shape.x0");
        let mut poly = PolygonShape::simple(vec![
            Point::new(0.0, 0.0),
            Point::new(5.0, 0.0),
            Point::new(5.0, f64::INFINITY),
        ]);
        poly.parts[0].holes.push(vec![]);
        let err = task(&task_of(vec![Annotation::new(
            "p",
            "car",
            Shape::Polygon(poly),
        )]))
        .unwrap_err();
        assert_eq!(err.path, "annotations[0].shape.parts[0].exterior[2].y");
        let kp = Shape::Keypoints {
            points: vec![Keypoint {
                name: "a".into(),
                x: f64::NEG_INFINITY,
                y: 0.0,
                visibility: Visibility::Visible,
            }],
        };
        let err = task(&task_of(vec![Annotation::new("k", "car", kp)])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "annotations[0].shape.points[0].x: -inf is not a finite number"
        );
    }

    #[test]
    fn a_huge_mask_is_refused_before_anything_is_allocated() {
        let huge = MaskRle {
            width: 100_000,
            height: 100_000,
            counts: vec![u32::MAX, 0, 7],
        };
        let err = mask("annotations[0].shape", &huge).unwrap_err();
        assert_eq!(err.path, "annotations[0].shape.width");
        assert!(err.message.contains("100000 × 100000"), "{err}");
        let short = MaskRle {
            width: 4,
            height: 4,
            counts: vec![3, 2],
        };
        let err = mask("m", &short).unwrap_err();
        assert_eq!(err.path, "m.counts");
        assert!(mask(
            "m",
            &MaskRle {
                width: 4,
                height: 4,
                counts: vec![3, 2, 11]
            }
        )
        .is_ok());
    }

    #[test]
    fn ids_must_be_present_and_unique() {
        let err = task(&task_of(vec![boxed("a", 1.0), boxed("a", 2.0)])).unwrap_err();
        assert_eq!(err.path, "annotations[1].id");
        assert_eq!(
            task(&task_of(vec![boxed("", 1.0)])).unwrap_err().path,
            "annotations[0].id"
        );
        assert_eq!(task(&Task::default()).unwrap_err().path, "id");
    }
}
