//! Intelligent scissors: each click drops an anchor on the nearest strong edge, and between
//! clicks a live wire ([`LiveWire`]) follows the boundary from the last anchor to the pointer.
//! Clicking the first anchor again (or `Enter`) closes the path into a polygon of the current
//! label; `Backspace` takes the last anchor back, `Esc` drops everything. Works on the image's
//! own pixels: no model, no server.
//!
//! ```text
//! Idle -click-> Tracing{[a]} -move-> Tracing{live} -click-> Tracing{[a, b], path a..b}
//! Tracing -click on the first anchor | Enter-> Idle [Add polygon]   any -Esc-> Idle
//! ```

use super::mask_tool::PixelWindow;
use super::{Context, PointerEvent, PointerKind, ToolOutput};
use crate::model::{Point, PolygonShape, Shape};
use crate::raster::livewire::{snap, EdgeCost, LiveWire, WINDOW};
use std::sync::Arc;

/// A click this close to the first anchor (screen pixels) closes the path.
const CLOSE_PX: f64 = 8.0;
/// Anchors snap to the strongest edge within this distance (screen pixels).
const SNAP_PX: f64 = 6.0;
/// Vertices of the traced pixel path that bend the outline less than this (square pixels)
/// are dropped when the polygon is made.
const SIMPLIFY_AREA: f64 = 0.5;

/// State of the scissors.
#[derive(Clone, Debug, Default)]
pub struct ScissorsTool {
    /// Anchors placed, in image pixels.
    anchors: Vec<(u32, u32)>,
    /// The traced path through every anchor so far.
    path: Vec<(u32, u32)>,
    /// The path's length when each anchor was placed.
    marks: Vec<usize>,
    /// The live wire from the last anchor to the pointer.
    live: Vec<(u32, u32)>,
    /// The search from the last anchor.
    wire: Option<LiveWire>,
    /// The image's edge costs, computed at the first click.
    costs: Option<Arc<EdgeCost>>,
    /// The pixels the costs were computed from (anchors and paths are on their grid).
    source: Option<Arc<Vec<u8>>>,
    /// Where that grid lies in the image.
    window: PixelWindow,
}

impl PartialEq for ScissorsTool {
    fn eq(&self, other: &Self) -> bool {
        (&self.anchors, &self.path, &self.live) == (&other.anchors, &other.path, &other.live)
    }
}

impl ScissorsTool {
    /// The edge costs of the pixels `ctx` holds (computed once for them). A path being traced
    /// keeps the grid its anchors are on, even if the pixels were replaced meanwhile.
    fn costs(&mut self, ctx: &Context<'_>) -> Option<Arc<EdgeCost>> {
        let pixels = ctx.pixels?;
        let current = self
            .source
            .as_ref()
            .is_some_and(|s| Arc::ptr_eq(s, &pixels.rgba));
        if !current && (self.anchors.is_empty() || self.costs.is_none()) {
            self.costs = EdgeCost::new(&pixels.rgba, pixels.width, pixels.height).map(Arc::new);
            self.source = Some(Arc::clone(&pixels.rgba));
            self.window = pixels.window;
        }
        self.costs.clone()
    }

    /// The image point at the centre of grid pixel `p`.
    fn centre(&self, p: (u32, u32)) -> Point {
        self.window.centre_of(p)
    }

    /// The grid pixel under image point `pos`, clamped to the grid.
    fn grid_pixel(&self, pos: Point) -> Option<(u32, u32)> {
        let costs = self.costs.as_ref()?;
        let (w, h) = (costs.width(), costs.height());
        if w == 0 || h == 0 || !(pos.x.is_finite() && pos.y.is_finite()) {
            return None;
        }
        let (gx, gy) = self.window.grid_of(pos);
        Some((
            gx.clamp(0.0, f64::from(w - 1)) as u32,
            gy.clamp(0.0, f64::from(h - 1)) as u32,
        ))
    }

    /// Handles a pointer event.
    pub fn pointer(&mut self, ctx: &Context<'_>, ev: PointerEvent) -> ToolOutput {
        if ev.kind == PointerKind::Down {
            self.costs(ctx);
        }
        let Some(at) = self.grid_pixel(ev.pos) else {
            return ToolOutput::default();
        };
        match ev.kind {
            PointerKind::Move => {
                let Some(wire) = self.wire.as_mut() else {
                    return ToolOutput::default();
                };
                if !wire.covers(at.0, at.1) {
                    // The pointer left the window: search a window around both.
                    let anchor = wire.anchor();
                    if let Some(costs) = self.costs.clone() {
                        self.wire = Some(LiveWire::new(costs, anchor, Some(at), WINDOW));
                    }
                }
                if let Some(wire) = self.wire.as_mut() {
                    self.live = wire.path_to(at.0, at.1).unwrap_or_default();
                }
                ToolOutput::default()
            }
            PointerKind::Down => {
                let (Some(source), Some(costs)) = (self.source.clone(), self.costs.clone()) else {
                    return ToolOutput::default();
                };
                let scale = ev.scale.max(1e-6);
                if let Some(&first) = self.anchors.first() {
                    let first = self.centre(first);
                    let d = (first.x - ev.pos.x).hypot(first.y - ev.pos.y);
                    if self.anchors.len() >= 2 && d * scale <= CLOSE_PX {
                        return self.close(ctx, costs);
                    }
                }
                // Screen pixels to grid pixels.
                let radius = (SNAP_PX * self.window.scale / scale).ceil().max(1.0) as u32;
                let anchor = snap(&source, costs.width(), costs.height(), at, radius);
                self.extend_to(&costs, anchor);
                self.anchors.push(anchor);
                self.marks.push(self.path.len());
                self.wire = Some(LiveWire::new(costs, anchor, None, WINDOW));
                self.live.clear();
                ToolOutput::default()
            }
            PointerKind::Up => ToolOutput::default(),
        }
    }

    /// Appends the cheapest path from the last anchor to `to` (or starts the path at `to`).
    fn extend_to(&mut self, costs: &Arc<EdgeCost>, to: (u32, u32)) {
        let Some(last) = self.anchors.last().copied() else {
            self.path = vec![to];
            return;
        };
        let covered = self
            .wire
            .as_ref()
            .is_some_and(|wire| wire.covers(to.0, to.1));
        if !covered {
            self.wire = Some(LiveWire::new(costs.clone(), last, Some(to), WINDOW));
        }
        let segment = self
            .wire
            .as_mut()
            .and_then(|wire| wire.path_to(to.0, to.1))
            .unwrap_or_else(|| vec![last, to]);
        self.path.extend(segment.into_iter().skip(1));
    }

    /// Closes the path back to the first anchor: the polygon of the current label.
    fn close(&mut self, ctx: &Context<'_>, costs: Arc<EdgeCost>) -> ToolOutput {
        let (Some(first), Some(last)) =
            (self.anchors.first().copied(), self.anchors.last().copied())
        else {
            return ToolOutput::default();
        };
        // The way back avoids what was traced, so the outline encloses something.
        let mut back = LiveWire::new(costs, last, Some(first), WINDOW);
        let traced = self.path.len().saturating_sub(1);
        back.avoid(self.path.get(1..traced).unwrap_or_default());
        let segment = back
            .path_to(first.0, first.1)
            .unwrap_or_else(|| vec![last, first]);
        self.path.extend(segment.into_iter().skip(1));
        let mut ring: Vec<Point> = self.path.iter().map(|&p| self.centre(p)).collect();
        ring.dedup();
        if ring.len() > 1 && ring.first() == ring.last() {
            ring.pop();
        }
        *self = ScissorsTool {
            costs: self.costs.take(),
            source: self.source.take(),
            window: self.window,
            ..ScissorsTool::default()
        };
        if ring.len() < 3 {
            return ToolOutput::default();
        }
        let shape = crate::geometry::simplify_preserving(
            &Shape::Polygon(PolygonShape::simple(ring)),
            SIMPLIFY_AREA,
        );
        ToolOutput::added(ctx, shape)
    }

    /// `Enter`: closes the path (at least two anchors).
    pub fn finish(&mut self, ctx: &Context<'_>) -> ToolOutput {
        match self.costs(ctx) {
            Some(costs) if self.anchors.len() >= 2 => self.close(ctx, costs),
            _ => ToolOutput::default(),
        }
    }

    /// `Backspace`: takes the last anchor and its stretch of path back.
    pub fn remove_last(&mut self) -> bool {
        if self.anchors.pop().is_none() {
            return false;
        }
        let kept = self.marks.pop().unwrap_or(0);
        self.path
            .truncate(kept.max(usize::from(!self.anchors.is_empty())));
        self.live.clear();
        match (self.anchors.last().copied(), self.costs.clone()) {
            (Some(last), Some(costs)) => {
                self.wire = Some(LiveWire::new(costs, last, None, WINDOW));
            }
            _ => {
                *self = ScissorsTool {
                    costs: self.costs.take(),
                    source: self.source.take(),
                    window: self.window,
                    ..ScissorsTool::default()
                };
            }
        }
        true
    }

    /// Whether anchors are placed.
    pub fn is_busy(&self) -> bool {
        !self.anchors.is_empty()
    }

    /// The traced path and the live wire, for the overlay.
    pub fn preview(&self) -> Option<Shape> {
        if self.path.is_empty() {
            return None;
        }
        let points = self
            .path
            .iter()
            .chain(self.live.iter().skip(1))
            .map(|&p| self.centre(p))
            .collect();
        Some(Shape::Polyline { points })
    }

    /// The anchors, for the overlay.
    pub fn anchor_points(&self) -> Vec<Point> {
        self.anchors.iter().map(|&p| self.centre(p)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::mask_tool::Pixels;
    use super::super::{Editor, Modifiers, ToolName};
    use super::*;
    use crate::model::{ImageRef, Label, LabelSet, MaskRle, Task};
    use crate::raster::Rle;
    use std::sync::Arc;

    const W: u32 = 400;
    const H: u32 = 300;

    /// Whether pixel (x, y) is inside the shape: an ellipse with a notch cut into its right side.
    fn inside(x: u32, y: u32) -> bool {
        let (dx, dy) = (
            (f64::from(x) + 0.5 - 200.0) / 130.0,
            (f64::from(y) + 0.5 - 150.0) / 90.0,
        );
        let notch = x >= 280 && (130..170).contains(&y);
        dx * dx + dy * dy <= 1.0 && !notch
    }

    fn editor() -> Editor {
        let task = Task {
            id: "t".into(),
            image: ImageRef {
                src: "x.png".into(),
                width: W,
                height: H,
                ..Default::default()
            },
            labels: LabelSet {
                labels: vec![Label::new("cell", "#f00")],
                ..LabelSet::default()
            },
            ..Task::default()
        };
        let mut rgba = vec![230u8; (W * H * 4) as usize];
        for y in 0..H {
            for x in 0..W {
                if inside(x, y) {
                    let i = ((y * W + x) * 4) as usize;
                    rgba[i..i + 3].copy_from_slice(&[30, 40, 160]);
                }
            }
        }
        let mut ed = Editor::new(task, "a");
        ed.set_pixels(Pixels {
            width: W,
            height: H,
            rgba: Arc::new(rgba),
            ..Default::default()
        });
        ed.set_tool(ToolName::Scissors);
        ed
    }

    fn at(ed: &mut Editor, kind: PointerKind, p: Point) {
        ed.pointer(PointerEvent {
            kind,
            pos: p,
            mods: Modifiers::default(),
            scale: 1.0,
        });
    }

    /// A person's clicks near the boundary (a few pixels off), with the pointer moved along
    /// the way between them.
    fn trace(ed: &mut Editor, clicks: &[Point]) {
        let mut last: Option<Point> = None;
        for &p in clicks {
            if let Some(from) = last {
                for k in 1..=10 {
                    let t = f64::from(k) / 10.0;
                    let q = Point::new(from.x + (p.x - from.x) * t, from.y + (p.y - from.y) * t);
                    at(ed, PointerKind::Move, q);
                }
            }
            at(ed, PointerKind::Down, p);
            at(ed, PointerKind::Up, p);
            last = Some(p);
        }
    }

    fn shape_mask() -> MaskRle {
        let mut bits = vec![0u8; (W * H) as usize];
        for x in 0..W {
            for y in 0..H {
                bits[(x * H + y) as usize] = u8::from(inside(x, y));
            }
        }
        Rle::encode(&bits, H, W).to_model()
    }

    /// Seven anchors around the outline (two at the notch's corners), then the first again.
    fn outline_clicks() -> Vec<Point> {
        let mut clicks: Vec<Point> = [0.0f64, 50.0, 110.0, 160.0, 215.0, 265.0]
            .iter()
            .map(|deg| {
                let r = deg.to_radians();
                Point::new(200.0 + 133.0 * r.cos(), 150.0 + 93.0 * r.sin())
            })
            .collect();
        clicks[0] = Point::new(281.0, 172.0);
        clicks.push(Point::new(283.0, 128.0));
        clicks.push(clicks[0]);
        clicks
    }

    #[test]
    fn eight_clicks_along_the_boundary_trace_the_shape() {
        let mut ed = editor();
        let clicks = outline_clicks();
        assert_eq!(clicks.len(), 8);
        trace(&mut ed, &clicks);
        let added = &ed.task().annotations;
        assert_eq!(added.len(), 1, "the eighth click closes the polygon");
        assert_eq!(added[0].label, "cell");
        assert!(!ed.tool().is_busy());
        let iou = crate::geometry::iou(&added[0].shape, &Shape::Mask(shape_mask()), W, H);
        assert!(iou >= 0.95, "IoU {iou}");
    }

    #[test]
    fn on_pixels_of_a_window_the_path_is_traced_in_image_pixels() {
        // The part in view, image (40, 30) to (380, 280), at half resolution (a tiled image).
        let window = PixelWindow {
            x0: 40,
            y0: 30,
            scale: 0.5,
        };
        let (gw, gh) = (170u32, 125u32);
        let mut rgba = vec![230u8; (gw * gh * 4) as usize];
        for gy in 0..gh {
            for gx in 0..gw {
                let c = window.centre_of((gx, gy));
                if inside(c.x as u32, c.y as u32) {
                    let i = ((gy * gw + gx) * 4) as usize;
                    rgba[i..i + 3].copy_from_slice(&[30, 40, 160]);
                }
            }
        }
        let mut ed = editor();
        ed.set_pixels(Pixels {
            width: gw,
            height: gh,
            rgba: Arc::new(rgba),
            window,
        });
        let clicks = outline_clicks();
        trace(&mut ed, &clicks);
        let added = &ed.task().annotations;
        assert_eq!(added.len(), 1);
        let iou = crate::geometry::iou(&added[0].shape, &Shape::Mask(shape_mask()), W, H);
        assert!(iou >= 0.93, "IoU {iou} at half resolution");
    }

    #[test]
    fn backspace_enter_and_esc() {
        let mut ed = editor();
        trace(
            &mut ed,
            &[
                Point::new(70.0, 150.0),
                Point::new(200.0, 59.0),
                Point::new(330.0, 150.0),
                Point::new(300.0, 60.0),
            ],
        );
        assert_eq!(ed.overlay(1.0).vertices.len(), 4);
        ed.delete();
        assert_eq!(ed.overlay(1.0).vertices.len(), 3);
        assert!(matches!(
            ed.overlay(1.0).preview,
            Some(Shape::Polyline { .. })
        ));
        // Enter closes what is there: along the edge back to the first anchor.
        let out = ed.finish_shape();
        assert_eq!(out.refused, None);
        assert_eq!(ed.task().annotations.len(), 1, "{out:?}");
        let area = crate::geometry::area(&ed.task().annotations[0].shape);
        assert!(area > 10_000.0, "{area}");
        trace(&mut ed, &[Point::new(70.0, 150.0), Point::new(200.0, 59.0)]);
        ed.cancel();
        assert!(!ed.tool().is_busy());
        assert_eq!(ed.finish_shape().committed.len(), 0);
    }
}
