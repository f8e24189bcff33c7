//! Moving around the image: zoom to 100 %, zoom to a set of shapes, and the minimap (a small
//! overview of the whole image with the visible part outlined, shown while zoomed in; clicking
//! or dragging on it centres the view there).
//!
//! Sizes are CSS pixels of the view; positions in the image are image pixels.

use crate::model::{Point, Shape};
use crate::viewport::Viewport;

/// Zoom of the "zoom to selection" command at most (small shapes are not blown up further).
pub const MAX_SELECTION_SCALE: f64 = 8.0;

/// A viewport at `scale` with the image point `centre` in the middle of a `view_w × view_h`
/// view.
pub fn centred(scale: f64, centre: Point, view_w: f64, view_h: f64) -> Viewport {
    let probe = Viewport::new(scale, Point::new(0.0, 0.0));
    let s = probe.scale();
    Viewport::new(
        s,
        Point::new(view_w / 2.0 - centre.x * s, view_h / 2.0 - centre.y * s),
    )
}

/// 100 %: one image pixel per CSS pixel, keeping the image point in the middle of the view
/// where it is.
pub fn actual_size(v: &Viewport, view_w: f64, view_h: f64) -> Viewport {
    let centre = v.to_image(Point::new(view_w / 2.0, view_h / 2.0));
    centred(1.0, centre, view_w, view_h)
}

/// The bounds `(x0, y0, x1, y1)` of all the shapes, or `None` when none has bounds.
pub fn bounds_of<'a>(shapes: impl IntoIterator<Item = &'a Shape>) -> Option<(f64, f64, f64, f64)> {
    shapes
        .into_iter()
        .filter_map(crate::geometry::bounds)
        .map(|b| (b.x0, b.y0, b.x1, b.y1))
        .reduce(|a, b| (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3)))
}

/// The view that shows `bounds` whole and centred with `margin` CSS pixels around, zoomed in
/// at most to [`MAX_SELECTION_SCALE`].
pub fn zoom_to_bounds(
    bounds: (f64, f64, f64, f64),
    view_w: f64,
    view_h: f64,
    margin: f64,
) -> Viewport {
    let (x0, y0, x1, y1) = bounds;
    let (w, h) = ((x1 - x0).max(1.0), (y1 - y0).max(1.0));
    let room_w = (view_w - 2.0 * margin).max(1.0);
    let room_h = (view_h - 2.0 * margin).max(1.0);
    let scale = (room_w / w).min(room_h / h).min(MAX_SELECTION_SCALE);
    centred(
        scale,
        Point::new((x0 + x1) / 2.0, (y0 + y1) / 2.0),
        view_w,
        view_h,
    )
}

/// The minimap's geometry: the whole image scaled into at most `max_side` CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Minimap {
    /// Minimap pixels per image pixel.
    pub scale: f64,
    /// Width in CSS pixels.
    pub width: f64,
    /// Height in CSS pixels.
    pub height: f64,
}

impl Minimap {
    /// The minimap of an image, its longer side `max_side` CSS pixels. `None` for an image
    /// without a size.
    pub fn new(image_w: u32, image_h: u32, max_side: f64) -> Option<Self> {
        if image_w == 0 || image_h == 0 || max_side <= 0.0 {
            return None;
        }
        let (w, h) = (f64::from(image_w), f64::from(image_h));
        let scale = max_side / w.max(h);
        Some(Self {
            scale,
            width: w * scale,
            height: h * scale,
        })
    }

    /// Whether a minimap helps: some of the image is outside the view.
    pub fn wanted(v: &Viewport, view_w: f64, view_h: f64, image_w: u32, image_h: u32) -> bool {
        let (x0, y0, x1, y1) = v.visible_image_rect(view_w, view_h);
        x0 > 0.0 || y0 > 0.0 || x1 < f64::from(image_w) || y1 < f64::from(image_h)
    }

    /// The visible part of the image as a rectangle `(x, y, w, h)` in minimap pixels, clipped
    /// to the minimap.
    pub fn view_rect(&self, v: &Viewport, view_w: f64, view_h: f64) -> (f64, f64, f64, f64) {
        let (x0, y0, x1, y1) = v.visible_image_rect(view_w, view_h);
        let clip = |a: f64, max: f64| (a * self.scale).clamp(0.0, max);
        let (mx0, my0) = (clip(x0, self.width), clip(y0, self.height));
        let (mx1, my1) = (clip(x1, self.width), clip(y1, self.height));
        (mx0, my0, mx1 - mx0, my1 - my0)
    }

    /// The image point under a minimap point.
    pub fn to_image(&self, x: f64, y: f64) -> Point {
        Point::new(x / self.scale, y / self.scale)
    }

    /// The view after a click (or a drag) at minimap point `(x, y)`: same zoom, centred there.
    pub fn pan_to(&self, v: &Viewport, x: f64, y: f64, view_w: f64, view_h: f64) -> Viewport {
        centred(v.scale(), self.to_image(x, y), view_w, view_h)
    }
}

/// The position `delta` steps from `at` in a list of `len` items (PageDown is +1, PageUp -1):
/// from no position, forwards starts at the first item and backwards at the last; `None`
/// past either end (the list does not wrap, so holding a key stops at its end).
pub fn step_in(len: usize, at: Option<usize>, delta: isize) -> Option<usize> {
    let len = isize::try_from(len).ok()?;
    let next = match at {
        Some(i) => isize::try_from(i).ok()?.checked_add(delta)?,
        None if delta > 0 => delta - 1,
        None => len + delta,
    };
    (0..len).contains(&next).then_some(next as usize)
}

#[cfg(test)]
mod tests {
    #[test]
    fn steps_stay_in_the_list_and_start_at_the_end_they_head_from() {
        use super::step_in;
        assert_eq!(step_in(3, Some(0), 1), Some(1));
        assert_eq!(step_in(3, Some(2), 1), None);
        assert_eq!(step_in(3, Some(0), -1), None);
        assert_eq!(step_in(3, None, 1), Some(0));
        assert_eq!(step_in(3, None, -1), Some(2));
        assert_eq!(step_in(0, None, 1), None);
        assert_eq!(step_in(0, None, -1), None);
    }

    use super::*;
    use crate::model::BoxShape;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn actual_size_keeps_the_centre_of_the_view() {
        let v = Viewport::new(0.25, Point::new(10.0, 20.0));
        let before = v.to_image(Point::new(400.0, 300.0));
        let a = actual_size(&v, 800.0, 600.0);
        assert!(close(a.scale(), 1.0));
        let after = a.to_image(Point::new(400.0, 300.0));
        assert!(close(before.x, after.x) && close(before.y, after.y));
    }

    #[test]
    fn zoom_to_bounds_shows_the_shapes_whole_and_centred() {
        let shapes = [
            Shape::Box(BoxShape::from_corners(
                Point::new(100.0, 100.0),
                Point::new(200.0, 150.0),
            )),
            Shape::Box(BoxShape::from_corners(
                Point::new(300.0, 120.0),
                Point::new(310.0, 300.0),
            )),
        ];
        let b = bounds_of(&shapes).unwrap();
        assert_eq!(b, (100.0, 100.0, 310.0, 300.0));
        let v = zoom_to_bounds(b, 800.0, 600.0, 20.0);
        // The tighter side (height 200 into 560) decides: 2.8.
        assert!(close(v.scale(), 2.8), "{}", v.scale());
        let tl = v.to_screen(Point::new(b.0, b.1));
        let br = v.to_screen(Point::new(b.2, b.3));
        assert!(tl.x >= 20.0 - 1e-9 && tl.y >= 20.0 - 1e-9);
        assert!(br.x <= 780.0 + 1e-9 && br.y <= 580.0 + 1e-9);
        assert!(close((tl.x + br.x) / 2.0, 400.0) && close((tl.y + br.y) / 2.0, 300.0));
        // A tiny shape is not blown up past the cap.
        let tiny = zoom_to_bounds((5.0, 5.0, 6.0, 6.0), 800.0, 600.0, 20.0);
        assert!(close(tiny.scale(), MAX_SELECTION_SCALE));
        assert_eq!(bounds_of(&[]), None);
    }

    #[test]
    fn minimap_outlines_the_view_and_pans_where_clicked() {
        let m = Minimap::new(4000, 2000, 200.0).unwrap();
        assert!(close(m.width, 200.0) && close(m.height, 100.0) && close(m.scale, 0.05));
        // At 100 % an 800 × 600 view shows 800 × 600 image pixels from (1000, 500).
        let v = Viewport::new(1.0, Point::new(-1000.0, -500.0));
        assert!(Minimap::wanted(&v, 800.0, 600.0, 4000, 2000));
        let (x, y, w, h) = m.view_rect(&v, 800.0, 600.0);
        assert!(close(x, 50.0) && close(y, 25.0) && close(w, 40.0) && close(h, 30.0));
        let moved = m.pan_to(&v, 150.0, 50.0, 800.0, 600.0);
        assert!(close(moved.scale(), 1.0));
        let centre = moved.to_image(Point::new(400.0, 300.0));
        assert!(close(centre.x, 3000.0) && close(centre.y, 1000.0));
        // The whole image in view: no minimap; the outline is clipped to the map.
        let fit = Viewport::fit(4000.0, 2000.0, 800.0, 600.0, 16.0);
        assert!(!Minimap::wanted(&fit, 800.0, 600.0, 4000, 2000));
        let (x, y, w, h) = m.view_rect(&fit, 800.0, 600.0);
        assert!(close(x, 0.0) && close(y, 0.0) && close(w, 200.0) && close(h, 100.0));
        assert_eq!(Minimap::new(0, 10, 200.0), None);
    }
}
