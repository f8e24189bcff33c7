//! The minimap: while part of the image is outside the view, a small overview of the whole
//! image sits in a corner of the stage with the visible part outlined; pressing or dragging on
//! it centres the view there. The geometry is the core's [`lasso_core::navigation::Minimap`].

use crate::app::Runtime;
use lasso_core::navigation::Minimap as Geometry;
use leptos::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use web_sys::{HtmlCanvasElement, PointerEvent};

/// Longer side of the minimap, CSS pixels.
const MINIMAP_PX: f64 = 180.0;

/// The minimap (hidden while the whole image is in view).
#[component]
pub fn Minimap(runtime: Rc<Runtime>) -> impl IntoView {
    let session = runtime.session;
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    // (geometry, shown, view rectangle) from the session.
    let state = Memo::new(move |_| {
        session.with(|s| {
            let image = &s.editor.task().image;
            let geometry = Geometry::new(image.width, image.height, MINIMAP_PX)?;
            let (w, h) = s.view_size;
            let shown =
                s.image_ready && Geometry::wanted(&s.viewport, w, h, image.width, image.height);
            Some((
                geometry,
                shown,
                geometry.view_rect(&s.viewport, w, h),
                image.src.clone(),
            ))
        })
    });
    // The thumbnail is drawn once per image (and size), not per pan.
    let drawn_for: Rc<Cell<Option<(u64, u64)>>> = Rc::new(Cell::new(None));
    {
        let runtime = Rc::clone(&runtime);
        let tiles_arrived = runtime.tiles_arrived;
        Effect::new(move |_| {
            let Some((g, shown, _, _)) = state.get() else {
                return;
            };
            let Some(c) = canvas.get() else { return };
            let c: HtmlCanvasElement = c;
            let key = (g.width.to_bits(), g.height.to_bits());
            if !shown || drawn_for.get() == Some(key) && c.width() > 0 {
                return;
            }
            tiles_arrived.track();
            let img = runtime.image.borrow().clone();
            if img.is_none() && runtime.tiles.borrow().is_none() {
                return;
            }
            c.set_width(g.width.round() as u32);
            c.set_height(g.height.round() as u32);
            if let Some(ctx) = crate::view::canvas::context(&c) {
                let drawn = match img {
                    Some(img) => ctx
                        .draw_image_with_html_image_element_and_dw_and_dh(
                            &img, 0.0, 0.0, g.width, g.height,
                        )
                        .is_ok(),
                    // A tiled image: its overview tiles, once they arrived.
                    None => crate::view::tiles::draw_overview(&ctx, &runtime.shared, g.scale),
                };
                if drawn {
                    drawn_for.set(Some(key));
                }
            }
        });
    }
    let dragging = Rc::new(Cell::new(false));
    let pan_to = move |ev: &PointerEvent| {
        // Fractional CSS pixels (offsetX is rounded, a whole minimap pixel is many image pixels).
        let Some(c) = canvas.get_untracked() else {
            return;
        };
        let r = c.get_bounding_client_rect();
        let (x, y) = (
            f64::from(ev.client_x()) - r.left(),
            f64::from(ev.client_y()) - r.top(),
        );
        session.update(|s| {
            let image = &s.editor.task().image;
            if let Some(g) = Geometry::new(image.width, image.height, MINIMAP_PX) {
                let (w, h) = s.view_size;
                s.viewport = g.pan_to(&s.viewport, x, y, w, h);
            }
        });
    };
    let down = {
        let dragging = Rc::clone(&dragging);
        move |ev: PointerEvent| {
            ev.stop_propagation();
            ev.prevent_default();
            if let Some(c) = canvas.get_untracked() {
                c.set_pointer_capture(ev.pointer_id()).ok();
            }
            dragging.set(true);
            pan_to(&ev);
        }
    };
    let moved = {
        let dragging = Rc::clone(&dragging);
        move |ev: PointerEvent| {
            if dragging.get() {
                pan_to(&ev);
            }
        }
    };
    let up = move |_: PointerEvent| dragging.set(false);
    let shown = move || state.get().is_some_and(|(_, shown, _, _)| shown);
    let size = move |i: usize| {
        state
            .get()
            .map(|(g, ..)| format!("{}px", if i == 0 { g.width } else { g.height }))
            .unwrap_or_default()
    };
    let rect = move |i: usize| {
        state
            .get()
            .map(|(_, _, r, _)| format!("{}px", [r.0, r.1, r.2, r.3][i]))
            .unwrap_or_default()
    };
    view! {
        <div class="lasso-minimap" style:display=move || if shown() { "block" } else { "none" }
            style:width=move || size(0) style:height=move || size(1)>
            <canvas node_ref=canvas class="lasso-minimap-image"
                on:pointerdown=down on:pointermove=moved on:pointerup=up
                on:wheel=move |ev: web_sys::WheelEvent| ev.stop_propagation()></canvas>
            <div class="lasso-minimap-view" style:left=move || rect(0) style:top=move || rect(1)
                style:width=move || rect(2) style:height=move || rect(3)></div>
        </div>
    }
}
