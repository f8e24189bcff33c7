//! Paints the image, the annotations and the shape being drawn on a 2D canvas.
//!
//! Strokes keep a constant width on screen by dividing by the zoom scale. The canvas backing
//! store is sized in device pixels so lines stay sharp on high-DPI screens.

use crate::session::Session;
use lasso_core::model::{BoxShape, Shape};
use web_sys::{CanvasRenderingContext2d, HtmlImageElement};

/// Outline width of shapes, in CSS pixels.
const STROKE_PX: f64 = 2.0;
/// Outline width of selected shapes, in CSS pixels.
const SELECTED_STROKE_PX: f64 = 3.0;
/// Side of the selection corner markers, in CSS pixels.
const HANDLE_PX: f64 = 7.0;

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
    let task = session.editor.task();
    let selection = session.editor.selection();
    let mut order: Vec<_> = task
        .annotations
        .iter()
        .enumerate()
        .filter(|(_, a)| !a.hidden)
        .collect();
    order.sort_by_key(|(i, a)| (a.z, *i));
    for (_, a) in order {
        let color = task
            .labels
            .get(&a.label)
            .map(|l| l.color.as_str())
            .unwrap_or("#ffffff");
        let selected = selection.contains(&a.id);
        if let Shape::Box(b) = &a.shape {
            draw_box(ctx, b, color, scale, selected);
        }
    }
    if let Some(Shape::Box(b)) = session.editor.overlay(1.0).preview {
        let color = task
            .labels
            .get(session.editor.label())
            .map(|l| l.color.as_str())
            .unwrap_or("#ffffff");
        ctx.set_line_dash(&js_sys::Array::of2(
            &(6.0 / scale).into(),
            &(4.0 / scale).into(),
        ))
        .ok();
        draw_box(ctx, &b, color, scale, false);
        ctx.set_line_dash(&js_sys::Array::new()).ok();
    }
}

fn draw_box(ctx: &CanvasRenderingContext2d, b: &BoxShape, color: &str, scale: f64, selected: bool) {
    ctx.set_fill_style_str(color);
    ctx.set_global_alpha(0.15);
    ctx.fill_rect(b.x0, b.y0, b.width(), b.height());
    ctx.set_global_alpha(1.0);
    ctx.set_stroke_style_str(color);
    ctx.set_line_width(
        if selected {
            SELECTED_STROKE_PX
        } else {
            STROKE_PX
        } / scale,
    );
    ctx.stroke_rect(b.x0, b.y0, b.width(), b.height());
    if selected {
        let s = HANDLE_PX / scale;
        ctx.set_fill_style_str("#ffffff");
        for (x, y) in [(b.x0, b.y0), (b.x1, b.y0), (b.x1, b.y1), (b.x0, b.y1)] {
            ctx.fill_rect(x - s / 2.0, y - s / 2.0, s, s);
            ctx.stroke_rect(x - s / 2.0, y - s / 2.0, s, s);
        }
    }
}
