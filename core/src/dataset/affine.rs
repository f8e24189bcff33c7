//! Affine maps of image coordinates: the one description of every geometric step (resize,
//! letterbox, flips, 90° turns, rotation, shear, crop and zoom) that both the pixels and the
//! shapes follow. Coordinates are the annotation model's: pixel `(i, j)` covers
//! `[i, i+1) × [j, j+1)`, so its centre is `(i + 0.5, j + 0.5)`.

use crate::model::Point;

/// `(x, y) ↦ (a·x + b·y + c, d·x + e·y + f)`.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Affine {
    /// Row one: x coefficient.
    pub a: f64,
    /// Row one: y coefficient.
    pub b: f64,
    /// Row one: offset.
    pub c: f64,
    /// Row two: x coefficient.
    pub d: f64,
    /// Row two: y coefficient.
    pub e: f64,
    /// Row two: offset.
    pub f: f64,
}

impl Default for Affine {
    fn default() -> Self {
        Self::IDENTITY
    }
}

impl Affine {
    /// Leaves every point where it is.
    pub const IDENTITY: Affine = Affine {
        a: 1.0,
        b: 0.0,
        c: 0.0,
        d: 0.0,
        e: 1.0,
        f: 0.0,
    };

    /// Moves by `(dx, dy)`.
    pub fn translate(dx: f64, dy: f64) -> Self {
        Affine {
            c: dx,
            f: dy,
            ..Self::IDENTITY
        }
    }

    /// Scales by `(sx, sy)` about the origin.
    pub fn scale(sx: f64, sy: f64) -> Self {
        Affine {
            a: sx,
            e: sy,
            ..Self::IDENTITY
        }
    }

    /// Rotates by `degrees` clockwise on screen (y points down) about `(cx, cy)`.
    pub fn rotate_about(degrees: f64, cx: f64, cy: f64) -> Self {
        let (s, c) = degrees.to_radians().sin_cos();
        let turn = Affine {
            a: c,
            b: -s,
            c: 0.0,
            d: s,
            e: c,
            f: 0.0,
        };
        Self::translate(cx, cy)
            .then_after(turn)
            .then_after(Self::translate(-cx, -cy))
    }

    /// Shears horizontally by `degrees` about the row `cy`: `x += tan(degrees)·(y − cy)`.
    pub fn shear_x(degrees: f64, cy: f64) -> Self {
        let t = degrees.to_radians().tan();
        Affine {
            b: t,
            c: -t * cy,
            ..Self::IDENTITY
        }
    }

    /// Shears vertically by `degrees` about the column `cx`: `y += tan(degrees)·(x − cx)`.
    pub fn shear_y(degrees: f64, cx: f64) -> Self {
        let t = degrees.to_radians().tan();
        Affine {
            d: t,
            f: -t * cx,
            ..Self::IDENTITY
        }
    }

    /// Mirrors left–right inside an image `width` wide.
    pub fn flip_horizontal(width: f64) -> Self {
        Affine {
            a: -1.0,
            c: width,
            ..Self::IDENTITY
        }
    }

    /// Mirrors top–bottom inside an image `height` high.
    pub fn flip_vertical(height: f64) -> Self {
        Affine {
            e: -1.0,
            f: height,
            ..Self::IDENTITY
        }
    }

    /// A quarter turn clockwise of an image `height` high: `(x, y) ↦ (height − y, x)`; the
    /// image becomes `height × width`.
    pub fn quarter_turn(height: f64) -> Self {
        Affine {
            a: 0.0,
            b: -1.0,
            c: height,
            d: 1.0,
            e: 0.0,
            f: 0.0,
        }
    }

    /// `self ∘ inner`: apply `inner` first, then `self`.
    pub fn then_after(self, inner: Affine) -> Affine {
        Affine {
            a: self.a * inner.a + self.b * inner.d,
            b: self.a * inner.b + self.b * inner.e,
            c: self.a * inner.c + self.b * inner.f + self.c,
            d: self.d * inner.a + self.e * inner.d,
            e: self.d * inner.b + self.e * inner.e,
            f: self.d * inner.c + self.e * inner.f + self.f,
        }
    }

    /// Apply `self`, then `outer`.
    pub fn then(self, outer: Affine) -> Affine {
        outer.then_after(self)
    }

    /// Where `p` goes.
    pub fn point(&self, p: Point) -> Point {
        Point::new(
            self.a * p.x + self.b * p.y + self.c,
            self.d * p.x + self.e * p.y + self.f,
        )
    }

    /// Where a direction goes (no offset).
    pub fn vector(&self, x: f64, y: f64) -> (f64, f64) {
        (self.a * x + self.b * y, self.d * x + self.e * y)
    }

    /// The determinant of the linear part: area scale, negative when the map mirrors.
    pub fn determinant(&self) -> f64 {
        self.a * self.e - self.b * self.d
    }

    /// The inverse map, or `None` when the map flattens the plane.
    pub fn inverse(&self) -> Option<Affine> {
        let det = self.determinant();
        if det.abs() < 1e-12 || !det.is_finite() {
            return None;
        }
        let (a, b, d, e) = (self.e / det, -self.b / det, -self.d / det, self.a / det);
        Some(Affine {
            a,
            b,
            c: -(a * self.c + b * self.f),
            d,
            e,
            f: -(d * self.c + e * self.f),
        })
    }

    /// Whether axis-aligned boxes stay axis-aligned boxes (no rotation other than quarter
    /// turns, no shear): then a box maps to a box exactly.
    pub fn keeps_boxes(&self) -> bool {
        (self.b == 0.0 && self.d == 0.0) || (self.a == 0.0 && self.e == 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(p: Point, q: Point) -> bool {
        (p.x - q.x).abs() < 1e-9 && (p.y - q.y).abs() < 1e-9
    }

    #[test]
    fn quarter_turn_and_flips_by_hand() {
        // A 4 wide, 2 high image: its top-left corner goes to the top-right of the 2 × 4 result.
        let q = Affine::quarter_turn(2.0);
        assert!(close(q.point(Point::new(0.0, 0.0)), Point::new(2.0, 0.0)));
        assert!(close(q.point(Point::new(4.0, 2.0)), Point::new(0.0, 4.0)));
        let h = Affine::flip_horizontal(4.0);
        assert!(close(h.point(Point::new(1.0, 1.0)), Point::new(3.0, 1.0)));
        assert!(h.determinant() < 0.0);
        let r = Affine::rotate_about(90.0, 1.0, 1.0);
        // Clockwise on screen: right of the centre goes below it.
        assert!(close(r.point(Point::new(2.0, 1.0)), Point::new(1.0, 2.0)));
    }

    proptest! {
        #[test]
        fn composition_and_inverse_agree_with_pointwise(
            deg in -180.0f64..180.0, shear in -30.0f64..30.0, sx in 0.2f64..4.0, sy in 0.2f64..4.0,
            dx in -50.0f64..50.0, x in -100.0f64..100.0, y in -100.0f64..100.0,
        ) {
            let steps = [
                Affine::rotate_about(deg, 10.0, 20.0),
                Affine::shear_x(shear, 5.0),
                Affine::scale(sx, sy),
                Affine::translate(dx, -dx),
                Affine::flip_horizontal(64.0),
            ];
            let composed = steps.iter().fold(Affine::IDENTITY, |acc, s| acc.then(*s));
            let p = Point::new(x, y);
            let stepwise = steps.iter().fold(p, |q, s| s.point(q));
            prop_assert!(close(composed.point(p), stepwise));
            let back = composed.inverse().unwrap().point(composed.point(p));
            prop_assert!((back.x - x).abs() < 1e-6 && (back.y - y).abs() < 1e-6);
        }
    }
}
