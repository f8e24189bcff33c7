//! Paints the image, the annotations and the interactive overlay on a 2D canvas.
//!
//! The painter draws what the core hands it: annotations (with the shapes being moved or
//! reshaped swapped in from the [`Overlay`]) and the overlay itself (preview, guides, vertices,
//! handles, rubber band). It decides nothing about shapes. Strokes and handles keep a constant
//! size on screen by dividing by the zoom scale; shapes outside the visible part of the image are
//! skipped. The canvas backing store is sized in device pixels so lines stay sharp.

use crate::session::Session;
use lasso_core::edit::hit;
use lasso_core::edit::{Overlay, ToolName};
use lasso_core::model::{Keypoint, Label, MaskRle, Point, Shape, Visibility};
use web_sys::{CanvasRenderingContext2d, CanvasWindingRule, HtmlImageElement};

/// Outline width of shapes, in CSS pixels.
const STROKE_PX: f64 = 2.0;
/// Outline width of selected shapes, in CSS pixels.
const SELECTED_STROKE_PX: f64 = 3.0;
/// Side of resize handles and vertex markers, in CSS pixels.
const HANDLE_PX: f64 = 8.0;
/// Radius of keypoints, in CSS pixels.
const KEYPOINT_PX: f64 = 5.0;
/// Radius of the rotate handle, in CSS pixels.
const ROTATE_PX: f64 = 5.0;
/// Size of the score text on predictions, in CSS pixels.
const SCORE_FONT_PX: f64 = 11.0;

/// Draws everything for one frame. `dpr` is the device pixel ratio.
pub fn draw(
    ctx: &CanvasRenderingContext2d,
    session: &Session,
    image: Option<&HtmlImageElement>,
    dpr: f64,
) {
    let (w, h) = session.view_size;
    ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).ok();
    ctx.clear_rect(0.0, 0.0, w * dpr, h * dpr);
    let scale = session.viewport.scale();
    let offset = session.viewport.offset();
    ctx.set_transform(
        dpr * scale,
        0.0,
        0.0,
        dpr * scale,
        dpr * offset.x,
        dpr * offset.y,
    )
    .ok();
    ctx.set_image_smoothing_enabled(scale < 2.0);
    if let Some(img) = image {
        ctx.draw_image_with_html_image_element(img, 0.0, 0.0).ok();
    }
    let overlay = session.editor.overlay(scale);
    let painter = Painter {
        ctx,
        scale,
        opacity: session.opacity,
    };
    let task = session.editor.task();
    let selection = session.editor.selection();
    let (vx0, vy0, vx1, vy1) = session.viewport.visible_image_rect(w, h);
    let mut order: Vec<_> = task
        .annotations
        .iter()
        .enumerate()
        .filter(|(_, a)| !a.hidden)
        .collect();
    order.sort_by_key(|(i, a)| (a.z, *i));
    for (_, a) in order {
        let shape = overlay
            .editing
            .iter()
            .find(|(id, _)| *id == a.id)
            .map(|(_, s)| s)
            .unwrap_or(&a.shape);
        let visible = hit::bounds(shape)
            .is_none_or(|(x0, y0, x1, y1)| x1 >= vx0 && x0 <= vx1 && y1 >= vy0 && y0 <= vy1);
        if !visible {
            continue;
        }
        let label = task.labels.get(&a.label);
        let color = label.map(|l| l.color.as_str()).unwrap_or("#ffffff");
        // Predictions not yet reviewed: dashed outline and their score above them.
        let score = lasso_core::formats::predictions::score(a);
        painter.shape(
            shape,
            color,
            label,
            selection.contains(&a.id),
            score.is_some(),
        );
        if let (Some(score), Some((x0, y0, _, _))) = (score, hit::bounds(shape)) {
            painter.score(x0, y0, score, color);
        }
    }
    let label = task.labels.get(session.editor.label());
    let color = label.map(|l| l.color.as_str()).unwrap_or("#ffffff");
    let eraser = session.editor.tool().name() == ToolName::Eraser;
    painter.overlay(
        &overlay,
        color,
        label,
        task.image.width,
        task.image.height,
        eraser,
    );
}

struct Painter<'a> {
    ctx: &'a CanvasRenderingContext2d,
    scale: f64,
    opacity: f64,
}

impl Painter<'_> {
    /// `px` CSS pixels in image units.
    fn px(&self, px: f64) -> f64 {
        px / self.scale
    }

    fn dash(&self, on: bool) {
        let pattern = if on {
            js_sys::Array::of2(&self.px(6.0).into(), &self.px(4.0).into())
        } else {
            js_sys::Array::new()
        };
        self.ctx.set_line_dash(&pattern).ok();
    }

    fn ring(&self, ring: &[Point], closed: bool) {
        let Some(first) = ring.first() else { return };
        self.ctx.move_to(first.x, first.y);
        for p in &ring[1..] {
            self.ctx.line_to(p.x, p.y);
        }
        if closed {
            self.ctx.close_path();
        }
    }

    /// Draws one shape in its label colour; `preview` (a shape being drawn, or a prediction)
    /// dashes the outline.
    fn shape(
        &self,
        shape: &Shape,
        color: &str,
        label: Option<&Label>,
        selected: bool,
        preview: bool,
    ) {
        let ctx = self.ctx;
        ctx.set_stroke_style_str(color);
        ctx.set_fill_style_str(color);
        ctx.set_line_width(self.px(if selected {
            SELECTED_STROKE_PX
        } else {
            STROKE_PX
        }));
        self.dash(preview);
        ctx.begin_path();
        let fill = match shape {
            Shape::Box(b) => {
                ctx.rect(b.x0, b.y0, b.width(), b.height());
                true
            }
            Shape::RotatedBox(r) => {
                self.ring(&r.corners(), true);
                true
            }
            Shape::Polygon(poly) => {
                for part in &poly.parts {
                    self.ring(&part.exterior, true);
                    for hole in &part.holes {
                        self.ring(hole, true);
                    }
                }
                true
            }
            Shape::Polyline { points } => {
                self.ring(points, false);
                false
            }
            Shape::Keypoints { points } => {
                self.keypoints(points, label, color);
                false
            }
            Shape::Mask(m) => {
                mask_runs(ctx, m);
                ctx.set_global_alpha(if selected {
                    (self.opacity + 0.25).min(1.0)
                } else {
                    self.opacity.max(0.15)
                });
                ctx.fill();
                ctx.set_global_alpha(1.0);
                if selected {
                    if let Some((x0, y0, x1, y1)) = hit::bounds(shape) {
                        self.dash(true);
                        ctx.set_line_width(self.px(1.0));
                        ctx.stroke_rect(x0, y0, x1 - x0, y1 - y0);
                        self.dash(false);
                    }
                }
                return;
            }
        };
        if fill {
            ctx.set_global_alpha(self.opacity);
            ctx.fill_with_canvas_winding_rule(CanvasWindingRule::Evenodd);
            ctx.set_global_alpha(1.0);
        }
        if !matches!(shape, Shape::Keypoints { .. }) {
            ctx.stroke();
        }
        self.dash(false);
    }

    /// A prediction's score as a small tag at the top-left of its bounds.
    fn score(&self, x: f64, y: f64, score: f64, color: &str) {
        let ctx = self.ctx;
        let text = format!("{score:.2}");
        ctx.set_font(&format!("{}px sans-serif", self.px(SCORE_FONT_PX)));
        let width = ctx
            .measure_text(&text)
            .map(|m| m.width())
            .unwrap_or(self.px(24.0));
        let (h, pad) = (self.px(SCORE_FONT_PX + 4.0), self.px(2.0));
        ctx.set_fill_style_str(color);
        ctx.fill_rect(x, y - h, width + 2.0 * pad, h);
        ctx.set_fill_style_str("#ffffff");
        ctx.fill_text(&text, x + pad, y - pad - self.px(1.0)).ok();
    }

    /// Skeleton edges between labelled points, then the points (occluded ones hollow).
    fn keypoints(&self, points: &[Keypoint], label: Option<&Label>, color: &str) {
        let ctx = self.ctx;
        let placed = |i: usize| {
            points
                .get(i)
                .filter(|k| k.visibility != Visibility::NotLabeled)
        };
        ctx.begin_path();
        for [a, b] in label.map(|l| l.skeleton.as_slice()).unwrap_or(&[]) {
            if let (Some(a), Some(b)) = (placed(*a), placed(*b)) {
                ctx.move_to(a.x, a.y);
                ctx.line_to(b.x, b.y);
            }
        }
        ctx.stroke();
        for k in points {
            if k.visibility == Visibility::NotLabeled {
                continue;
            }
            ctx.begin_path();
            ctx.arc(k.x, k.y, self.px(KEYPOINT_PX), 0.0, std::f64::consts::TAU)
                .ok();
            // Visible points are filled; occluded ones are rings in the label colour.
            ctx.set_line_width(self.px(1.5));
            if k.visibility == Visibility::Visible {
                ctx.set_fill_style_str(color);
                ctx.fill();
                ctx.set_stroke_style_str("#ffffff");
            } else {
                ctx.set_fill_style_str("rgba(255,255,255,0.6)");
                ctx.fill();
                ctx.set_stroke_style_str(color);
            }
            ctx.stroke();
            ctx.set_stroke_style_str(color);
        }
    }

    /// A square handle of constant screen size, white with a dark outline (or filled with
    /// `fill`).
    fn handle(&self, p: Point, fill: &str) {
        let s = self.px(HANDLE_PX);
        let ctx = self.ctx;
        ctx.set_fill_style_str(fill);
        ctx.fill_rect(p.x - s / 2.0, p.y - s / 2.0, s, s);
        ctx.set_stroke_style_str("#1a1a1a");
        ctx.set_line_width(self.px(1.0));
        ctx.stroke_rect(p.x - s / 2.0, p.y - s / 2.0, s, s);
    }

    /// The brush stroke being painted (a round-capped band of the brush's width) and the brush
    /// outline at the pointer.
    fn brush(&self, o: &Overlay, color: &str, eraser: bool) {
        let ctx = self.ctx;
        let Some((at, radius)) = o.brush else { return };
        if let Some(first) = o.brush_path.first() {
            ctx.begin_path();
            ctx.move_to(first.x, first.y);
            for p in &o.brush_path[1..] {
                ctx.line_to(p.x, p.y);
            }
            ctx.line_to(at.x, at.y);
            ctx.set_line_cap("round");
            ctx.set_line_join("round");
            ctx.set_line_width(2.0 * radius);
            ctx.set_global_alpha(0.5);
            ctx.set_stroke_style_str(if eraser { "#ffffff" } else { color });
            ctx.stroke();
            ctx.set_global_alpha(1.0);
            ctx.set_line_cap("butt");
            ctx.set_line_join("miter");
        }
        ctx.begin_path();
        ctx.arc(at.x, at.y, radius, 0.0, std::f64::consts::TAU).ok();
        ctx.set_line_width(self.px(1.0));
        ctx.set_stroke_style_str("#000000");
        ctx.stroke();
        self.dash(true);
        ctx.set_stroke_style_str("#ffffff");
        ctx.stroke();
        self.dash(false);
    }

    fn overlay(
        &self,
        o: &Overlay,
        color: &str,
        label: Option<&Label>,
        image_w: u32,
        image_h: u32,
        eraser: bool,
    ) {
        let ctx = self.ctx;
        if let Some(g) = o.guides {
            let (w, h) = (f64::from(image_w), f64::from(image_h));
            ctx.begin_path();
            ctx.move_to(0.0, g.y);
            ctx.line_to(w, g.y);
            ctx.move_to(g.x, 0.0);
            ctx.line_to(g.x, h);
            ctx.set_line_width(self.px(1.0));
            ctx.set_stroke_style_str("rgba(0,0,0,0.6)");
            ctx.stroke();
            self.dash(true);
            ctx.set_stroke_style_str("rgba(255,255,255,0.9)");
            ctx.stroke();
            self.dash(false);
        }
        if let Some(shape) = &o.preview {
            self.shape(shape, color, label, false, true);
        }
        for (i, v) in o.vertices.iter().enumerate() {
            // The first vertex is where a click closes a polygon: drawn in the label colour.
            self.handle(*v, if i == 0 { color } else { "#ffffff" });
        }
        if let Some(b) = &o.rubber_band {
            ctx.set_fill_style_str("rgba(80,150,255,0.15)");
            ctx.fill_rect(b.x0, b.y0, b.width(), b.height());
            ctx.set_stroke_style_str("#5096ff");
            ctx.set_line_width(self.px(1.0));
            self.dash(true);
            ctx.stroke_rect(b.x0, b.y0, b.width(), b.height());
            self.dash(false);
        }
        if let Some((stem, knob)) = o.rotate_handle {
            ctx.begin_path();
            ctx.move_to(stem.x, stem.y);
            ctx.line_to(knob.x, knob.y);
            ctx.set_stroke_style_str("#1a1a1a");
            ctx.set_line_width(self.px(1.0));
            ctx.stroke();
            ctx.begin_path();
            ctx.arc(
                knob.x,
                knob.y,
                self.px(ROTATE_PX),
                0.0,
                std::f64::consts::TAU,
            )
            .ok();
            ctx.set_fill_style_str("#ffffff");
            ctx.fill();
            ctx.stroke();
        }
        for h in &o.handles {
            self.handle(*h, "#ffffff");
        }
        if let Some(v) = o.selected_vertex {
            self.handle(v, "#5096ff");
        }
        self.brush(o, color, eraser);
    }
}

/// Adds one rectangle per run of set pixels (COCO order: column-major, zeros first) to the
/// current path, so a mask fills with one call whatever its size.
fn mask_runs(ctx: &CanvasRenderingContext2d, m: &MaskRle) {
    let h = u64::from(m.height);
    if h == 0 {
        return;
    }
    let total = h * u64::from(m.width);
    let mut start = 0u64;
    for (i, run) in m.counts.iter().enumerate() {
        let end = (start + u64::from(*run)).min(total);
        if i % 2 == 1 {
            let mut at = start;
            while at < end {
                let (x, y) = (at / h, at % h);
                let len = (h - y).min(end - at);
                ctx.rect(x as f64, y as f64, 1.0, len as f64);
                at += len;
            }
        }
        start = end;
    }
}

/// The RGBA pixels of a decoded image, read through an off-screen canvas (for the magic wand).
/// Fails when the browser refuses, e.g. for a cross-origin image served without CORS.
pub fn image_pixels(img: &HtmlImageElement) -> Result<(u32, u32, Vec<u8>), String> {
    use wasm_bindgen::JsCast;
    let (w, h) = (img.natural_width(), img.natural_height());
    let canvas: web_sys::HtmlCanvasElement = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|c| c.dyn_into().ok())
        .ok_or("no document to make a canvas in")?;
    canvas.set_width(w);
    canvas.set_height(h);
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
        .ok_or("no 2D canvas context")?;
    ctx.draw_image_with_html_image_element(img, 0.0, 0.0)
        .map_err(|e| format!("{e:?}"))?;
    let data = ctx
        .get_image_data(0.0, 0.0, f64::from(w), f64::from(h))
        .map_err(|_| {
            "the browser does not let the page read this image's pixels (a cross-origin image \
             without CORS)"
                .to_string()
        })?;
    Ok((w, h, data.data().0))
}
