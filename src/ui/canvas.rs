//! The drawing stage: the canvas, its pointer and wheel events, its size, and redraws on demand.

use crate::app::Runtime;
use crate::view::render;
use lasso_core::edit::{Modifiers, PointerKind};
use lasso_core::model::Point;
use leptos::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlCanvasElement, PointerEvent, WheelEvent};

/// How much one wheel "line" of 100 delta units zooms.
const WHEEL_ZOOM_PER_100: f64 = 1.25;

fn modifiers(ev: &web_sys::MouseEvent) -> Modifiers {
    Modifiers {
        shift: ev.shift_key(),
        alt: ev.alt_key(),
        ctrl: ev.ctrl_key() || ev.meta_key(),
    }
}

/// The canvas and the stage around it.
#[component]
pub fn Stage(runtime: Rc<Runtime>, root: NodeRef<leptos::html::Div>) -> impl IntoView {
    let stage = NodeRef::<leptos::html::Div>::new();
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let session = runtime.session;
    // Pan in progress: last pointer position in CSS pixels.
    let panning: Rc<Cell<Option<(f64, f64)>>> = Rc::new(Cell::new(None));
    let frame_pending = Rc::new(Cell::new(false));

    // Redraw whenever something drawn changes (not on every session change: a pointer move
    // that changes nothing on screen draws nothing), at most once per animation frame.
    {
        let runtime = Rc::clone(&runtime);
        let frame_pending = Rc::clone(&frame_pending);
        let drawn = runtime.watch.drawn;
        let tiles_arrived = runtime.tiles_arrived;
        Effect::new(move |_| {
            // Reading (not only tracking) evaluates the memo, which is what subscribes it to the session.
            drawn.with(|_| ());
            tiles_arrived.track();
            if frame_pending.replace(true) {
                return;
            }
            let runtime = Rc::clone(&runtime);
            let frame_pending = Rc::clone(&frame_pending);
            let draw = Closure::once_into_js(move || {
                frame_pending.set(false);
                render::paint(&runtime.shared, &runtime.render);
            });
            if let Some(w) = web_sys::window() {
                w.request_animation_frame(draw.unchecked_ref()).ok();
            }
        });
    }

    // Back online: tiles given up while offline are tried again.
    {
        let shared = Rc::clone(&runtime.shared);
        let on_online = window_event_listener(leptos::ev::online, move |_| {
            crate::view::tiles::retry_failed(&shared);
        });
        on_cleanup(move || on_online.remove());
    }

    // Keep the canvas the size of the stage, in device pixels.
    {
        let on_resize = Closure::<dyn FnMut()>::new(move || {
            let Some(el) = stage.get_untracked() else {
                return;
            };
            let rect = el.get_bounding_client_rect();
            let (w, h) = (rect.width().max(1.0), rect.height().max(1.0));
            session.update(|s| {
                let first = s.view_size.0 < 2.0;
                s.view_size = (w, h);
                if first && s.image_ready {
                    s.fit();
                }
            });
        });
        let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok();
        on_resize.forget();
        {
            let runtime = Rc::clone(&runtime);
            canvas.on_load(move |el| {
                let el: HtmlCanvasElement = el;
                runtime.render.borrow_mut().canvas = Some(el);
            });
        }
        stage.on_load(move |el| {
            if let Some(o) = &observer {
                o.observe(&el);
            }
        });
    }

    let down = {
        let runtime = Rc::clone(&runtime);
        let panning = Rc::clone(&panning);
        move |ev: PointerEvent| {
            if let Some(r) = root.get_untracked() {
                r.focus().ok();
            }
            let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
            if let Some(c) = canvas.get_untracked() {
                c.set_pointer_capture(ev.pointer_id()).ok();
            }
            if ev.button() == 1 || (ev.button() == 0 && runtime.space_held.get()) {
                ev.prevent_default();
                panning.set(Some((x, y)));
            } else if ev.button() == 0 {
                runtime.pointer(PointerKind::Down, x, y, modifiers(&ev));
            }
        }
    };
    let moved = {
        let runtime = Rc::clone(&runtime);
        let panning = Rc::clone(&panning);
        move |ev: PointerEvent| {
            let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
            runtime.cursor.set(Some((x, y)));
            if let Some((px, py)) = panning.get() {
                panning.set(Some((x, y)));
                session.update(|s| s.viewport = s.viewport.pan(x - px, y - py));
            } else {
                runtime.pointer(PointerKind::Move, x, y, modifiers(&ev));
            }
        }
    };
    let up = {
        let runtime = Rc::clone(&runtime);
        let panning = Rc::clone(&panning);
        move |ev: PointerEvent| {
            let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
            if panning.take().is_some() {
                return;
            }
            if ev.button() == 0 {
                runtime.pointer(PointerKind::Up, x, y, modifiers(&ev));
            }
        }
    };
    let leave = {
        let runtime = Rc::clone(&runtime);
        move |_: PointerEvent| {
            runtime.pointer.set(None);
            runtime.passive_tool_input(|ed| ed.pointer_left());
        }
    };
    // The second click of a double-click already reached the tool (which finishes on a click
    // at the last vertex); this covers a double-click that moved a little between its clicks.
    let dblclick = {
        let runtime = Rc::clone(&runtime);
        move |_: web_sys::MouseEvent| runtime.tool_input(|ed| ed.double_click())
    };
    // A gesture whose pointer is gone (cancelled by the browser, capture lost, the window left)
    // ends without committing, and a pan stops.
    let interrupt = {
        let runtime = Rc::clone(&runtime);
        let panning = Rc::clone(&panning);
        move |_: PointerEvent| {
            panning.set(None);
            runtime.passive_tool_input(|ed| ed.interrupt());
        }
    };
    {
        let weak = Rc::downgrade(&runtime);
        let panning = Rc::clone(&panning);
        let on_blur = Closure::<dyn FnMut()>::new(move || {
            panning.set(None);
            if let Some(runtime) = weak.upgrade() {
                runtime.passive_tool_input(|ed| ed.interrupt());
            }
        });
        if let Some(w) = web_sys::window() {
            w.add_event_listener_with_callback("blur", on_blur.as_ref().unchecked_ref())
                .ok();
        }
        // Removed with the stage, so a destroyed editor leaves no listener behind.
        let on_blur = send_wrapper::SendWrapper::new(on_blur);
        on_cleanup(move || {
            if let Some(w) = web_sys::window() {
                w.remove_event_listener_with_callback("blur", on_blur.as_ref().unchecked_ref())
                    .ok();
            }
        });
    }
    let wheel_runtime = Rc::clone(&runtime);
    let wheel = move |ev: WheelEvent| {
        ev.prevent_default();
        let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
        // Lines and pages are normalised to pixels so every mouse zooms alike.
        let unit = match ev.delta_mode() {
            1 => 33.0,
            2 => 400.0,
            _ => 1.0,
        };
        let factor = WHEEL_ZOOM_PER_100.powf(-ev.delta_y() * unit / 100.0);
        wheel_runtime.render.borrow_mut().wheel_at = Some(render::now_ms());
        session.update(|s| s.viewport = s.viewport.zoom_about(Point::new(x, y), factor));
    };

    // Review outlines and pins: while reviewing, and on a team task (a rework's pins).
    let (review, team) = (runtime.review_view, runtime.team_view);
    let reviewing =
        Memo::new(move |_| review.with(|v| v.active()) || team.with(|v| v.project.is_some()));
    view! {
        <div class="lasso-stage" node_ref=stage>
            <canvas
                node_ref=canvas
                class="lasso-canvas"
                on:pointerdown=down
                on:pointermove=moved
                on:pointerup=up
                on:pointercancel=interrupt.clone()
                on:lostpointercapture=interrupt.clone()
                on:pointerleave=leave
                on:dblclick=dblclick
                on:wheel=wheel
                on:contextmenu=move |ev| ev.prevent_default()
            ></canvas>
            {super::later::when(&runtime, move || reviewing.get(), super::later::Toggles::new(), super::later::Fetch::WhenShown, super::later::review_overlay)}
            {super::later::when(&runtime, || true, super::later::Toggles::new(), super::later::Fetch::Early, super::later::minimap)}
        </div>
    }
}
