//! The mapping between image pixels and screen (CSS) pixels: zoom and pan.
//!
//! `screen = image * scale + offset`. Keeping the transform this simple (no rotation) means hit
//! testing and culling only need an inverse scale and a translation, and handles can keep a constant
//! size on screen by dividing by `scale`.

use crate::model::Point;

/// Smallest zoom allowed: one screen pixel shows at most this many image pixels, inverted.
pub const MIN_SCALE: f64 = 1.0 / 256.0;
/// Largest zoom allowed: one image pixel is at most this many screen pixels wide.
pub const MAX_SCALE: f64 = 64.0;

/// A zoom-and-pan transform from image to screen coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    scale: f64,
    offset: Point,
}

impl Default for Viewport {
    fn default() -> Self {
        Self::IDENTITY
    }
}

impl Viewport {
    /// Image pixels are screen pixels.
    pub const IDENTITY: Viewport = Viewport {
        scale: 1.0,
        offset: Point::new(0.0, 0.0),
    };

    /// A transform with this scale (clamped to the allowed range) and offset.
    pub fn new(scale: f64, offset: Point) -> Self {
        Self {
            scale: clamp_scale(scale),
            offset,
        }
    }

    /// Screen pixels per image pixel.
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// Screen position of the image's origin.
    pub fn offset(&self) -> Point {
        self.offset
    }

    /// The transform that shows the whole image centred in a view, with `margin` screen pixels
    /// left free on every side. A degenerate image or view gives the identity.
    pub fn fit(image_w: f64, image_h: f64, view_w: f64, view_h: f64, margin: f64) -> Self {
        let (avail_w, avail_h) = (view_w - 2.0 * margin, view_h - 2.0 * margin);
        if !(image_w > 0.0 && image_h > 0.0 && avail_w > 0.0 && avail_h > 0.0) {
            return Self::IDENTITY;
        }
        let scale = clamp_scale((avail_w / image_w).min(avail_h / image_h));
        Self {
            scale,
            offset: Point::new(
                (view_w - image_w * scale) / 2.0,
                (view_h - image_h * scale) / 2.0,
            ),
        }
    }

    /// Image coordinates of a screen point.
    pub fn to_image(&self, screen: Point) -> Point {
        Point::new(
            (screen.x - self.offset.x) / self.scale,
            (screen.y - self.offset.y) / self.scale,
        )
    }

    /// Screen coordinates of an image point.
    pub fn to_screen(&self, image: Point) -> Point {
        Point::new(
            image.x * self.scale + self.offset.x,
            image.y * self.scale + self.offset.y,
        )
    }

    /// Zooms by `factor` keeping the image point under `screen_anchor` where it is (wheel zoom
    /// about the cursor). The scale is clamped; the anchor still stays fixed.
    pub fn zoom_about(&self, screen_anchor: Point, factor: f64) -> Self {
        if !(factor.is_finite() && factor > 0.0) {
            return *self;
        }
        let anchor_image = self.to_image(screen_anchor);
        let scale = clamp_scale(self.scale * factor);
        Self {
            scale,
            offset: Point::new(
                screen_anchor.x - anchor_image.x * scale,
                screen_anchor.y - anchor_image.y * scale,
            ),
        }
    }

    /// Moves the image by a screen-pixel delta (panning).
    pub fn pan(&self, dx: f64, dy: f64) -> Self {
        Self {
            scale: self.scale,
            offset: Point::new(self.offset.x + dx, self.offset.y + dy),
        }
    }

    /// The image-space rectangle `(x0, y0, x1, y1)` visible in a view of this size, for culling.
    pub fn visible_image_rect(&self, view_w: f64, view_h: f64) -> (f64, f64, f64, f64) {
        let a = self.to_image(Point::new(0.0, 0.0));
        let b = self.to_image(Point::new(view_w, view_h));
        (a.x, a.y, b.x, b.y)
    }
}

fn clamp_scale(scale: f64) -> f64 {
    if scale.is_finite() {
        scale.clamp(MIN_SCALE, MAX_SCALE)
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: Point, b: Point) -> bool {
        (a.x - b.x).abs() < 1e-6 && (a.y - b.y).abs() < 1e-6
    }

    #[test]
    fn fit_centres_a_wide_image() {
        let v = Viewport::fit(200.0, 100.0, 400.0, 400.0, 0.0);
        assert_eq!(v.scale(), 2.0);
        assert!(close(
            v.to_screen(Point::new(0.0, 0.0)),
            Point::new(0.0, 100.0)
        ));
        assert!(close(
            v.to_screen(Point::new(200.0, 100.0)),
            Point::new(400.0, 300.0)
        ));
    }

    #[test]
    fn fit_respects_margin() {
        let v = Viewport::fit(100.0, 100.0, 120.0, 200.0, 10.0);
        assert_eq!(v.scale(), 1.0);
        assert!(close(
            v.to_screen(Point::new(0.0, 0.0)),
            Point::new(10.0, 50.0)
        ));
    }

    #[test]
    fn fit_of_empty_image_is_identity() {
        assert_eq!(
            Viewport::fit(0.0, 10.0, 100.0, 100.0, 0.0),
            Viewport::IDENTITY
        );
        assert_eq!(
            Viewport::fit(10.0, 10.0, 10.0, 10.0, 20.0),
            Viewport::IDENTITY
        );
    }

    #[test]
    fn zoom_keeps_cursor_point_fixed() {
        let v = Viewport::new(1.5, Point::new(30.0, -20.0));
        let cursor = Point::new(123.0, 77.0);
        let under = v.to_image(cursor);
        let z = v.zoom_about(cursor, 2.0);
        assert_eq!(z.scale(), 3.0);
        assert!(close(z.to_image(cursor), under));
    }

    #[test]
    fn zoom_is_clamped() {
        let v = Viewport::IDENTITY.zoom_about(Point::new(5.0, 5.0), 1e9);
        assert_eq!(v.scale(), MAX_SCALE);
        assert!(close(
            v.to_image(Point::new(5.0, 5.0)),
            Point::new(5.0, 5.0)
        ));
        assert_eq!(
            Viewport::IDENTITY.zoom_about(Point::new(0.0, 0.0), f64::NAN),
            Viewport::IDENTITY
        );
    }

    #[test]
    fn pan_moves_by_screen_pixels() {
        let v = Viewport::new(4.0, Point::new(0.0, 0.0)).pan(8.0, -4.0);
        assert!(close(
            v.to_image(Point::new(8.0, -4.0)),
            Point::new(0.0, 0.0)
        ));
        assert!(close(
            v.to_image(Point::new(12.0, 0.0)),
            Point::new(1.0, 1.0)
        ));
    }

    #[test]
    fn visible_rect_after_zoom() {
        let v = Viewport::new(2.0, Point::new(-100.0, -50.0));
        assert_eq!(
            v.visible_image_rect(200.0, 100.0),
            (50.0, 25.0, 150.0, 75.0)
        );
    }

    proptest! {
        #[test]
        fn screen_image_round_trip(scale in 0.01f64..50.0, ox in -1e4f64..1e4, oy in -1e4f64..1e4,
                                   x in -1e4f64..1e4, y in -1e4f64..1e4) {
            let v = Viewport::new(scale, Point::new(ox, oy));
            let p = Point::new(x, y);
            let back = v.to_image(v.to_screen(p));
            prop_assert!((back.x - x).abs() < 1e-6 * (1.0 + x.abs()) && (back.y - y).abs() < 1e-6 * (1.0 + y.abs()));
        }

        #[test]
        fn zoom_anchor_fixed(scale in 0.05f64..20.0, f in 0.1f64..10.0, sx in 0.0f64..2000.0, sy in 0.0f64..2000.0) {
            let v = Viewport::new(scale, Point::new(17.0, -3.0));
            let anchor = Point::new(sx, sy);
            let z = v.zoom_about(anchor, f);
            let a = v.to_image(anchor);
            let b = z.to_image(anchor);
            prop_assert!((a.x - b.x).abs() < 1e-6 * (1.0 + a.x.abs()) && (a.y - b.y).abs() < 1e-6 * (1.0 + a.y.abs()));
        }
    }
}
