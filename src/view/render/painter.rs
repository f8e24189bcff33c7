//! Draws one annotation on a 2D context (outline, fill, handles, keypoints with their skeleton, a prediction's score), at a fixed size in CSS pixels whatever the zoom.

use super::*;

/// Draws shapes on `ctx`, a context transformed to image pixels at `scale` CSS pixels each.
pub(super) struct Painter<'a> {
    pub(super) ctx: &'a CanvasRenderingContext2d,
    pub(super) scale: f64,
    pub(super) opacity: f64,
}

impl Painter<'_> {
    /// `px` CSS pixels in image units.
    pub(super) fn px(&self, px: f64) -> f64 {
        px / self.scale
    }

    /// Dashes (`on`) or solid lines from now on.
    pub(super) fn dash(&self, on: bool) {
        let pattern = if on {
            js_sys::Array::of2(&self.px(6.0).into(), &self.px(4.0).into())
        } else {
            js_sys::Array::new()
        };
        self.ctx.set_line_dash(&pattern).ok();
    }

    /// Draws one shape in its label colour; `preview` dashes the outline.
    pub(super) fn shape(
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
        match shape {
            Shape::Keypoints { points } => {
                self.keypoints(points, label, color);
                self.dash(false);
                return;
            }
            Shape::Mask(m) => {
                mask_runs(ctx, m);
                // A mask being proposed (a model's candidate) stands out from the stored ones.
                ctx.set_global_alpha(if selected {
                    (self.opacity + 0.25).min(1.0)
                } else if preview {
                    self.opacity.max(0.55)
                } else {
                    self.opacity.max(0.15)
                });
                ctx.fill();
                ctx.set_global_alpha(1.0);
                if selected {
                    if let Some(b) = lasso_core::geometry::bounds(shape) {
                        let (x0, y0, x1, y1) = (b.x0, b.y0, b.x1, b.y1);
                        self.dash(true);
                        ctx.set_line_width(self.px(1.0));
                        ctx.stroke_rect(x0, y0, x1 - x0, y1 - y0);
                        self.dash(false);
                    }
                }
                return;
            }
            _ => {}
        }
        // Outlines come from the same path commands the plan batches are made of.
        let cmds = render_plan::shape_commands(shape);
        for path in paths(&cmds.areas) {
            ctx.set_global_alpha(self.opacity);
            ctx.fill_with_path_2d(&path);
            ctx.set_global_alpha(1.0);
            ctx.stroke_with_path(&path);
        }
        for path in paths(&cmds.lines) {
            ctx.stroke_with_path(&path);
        }
        self.dash(false);
    }

    /// A prediction's score as a small tag at the top-left of its bounds (nothing for others).
    pub(super) fn score_tag(&self, shape: &Shape, score: Option<f64>, color: &str) {
        let (Some(score), Some(b)) = (score, lasso_core::geometry::bounds(shape)) else {
            return;
        };
        let (x, y) = (b.x0, b.y0);
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
    pub(super) fn keypoints(&self, points: &[Keypoint], label: Option<&Label>, color: &str) {
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
    pub(super) fn handle(&self, p: Point, fill: &str) {
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
    pub(super) fn brush(&self, o: &Overlay, color: &str, eraser: bool) {
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

    pub(super) fn overlay(
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
        // Segmentation prompts: green where the object is, red where it is not.
        for (p, positive) in &o.prompts {
            self.handle(*p, if *positive { "#2ecc40" } else { "#ff4136" });
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
pub(super) fn mask_runs(ctx: &CanvasRenderingContext2d, m: &MaskRle) {
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
