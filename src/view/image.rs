//! Loads the task's image into an `<img>` element the renderer can draw.

use crate::state::Shared;
use leptos::prelude::*;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::HtmlImageElement;

/// Starts loading `src`; on load records the natural size in the task if it was unknown, fits
/// the view and redraws. A failure is reported in the banner, naming the URL.
pub fn load(runtime: Rc<Shared>, src: &str) {
    if src.is_empty() {
        return;
    }
    let Ok(img) = HtmlImageElement::new() else {
        runtime.fail("Could not create an image element".into());
        return;
    };
    img.set_cross_origin(Some("anonymous"));
    let on_load = {
        let runtime = Rc::clone(&runtime);
        let img = img.clone();
        Closure::<dyn FnMut()>::new(move || {
            let (w, h) = (img.natural_width(), img.natural_height());
            *runtime.image.borrow_mut() = Some(img.clone());
            runtime.session.update(|s| {
                s.editor.set_image_size(w, h);
                s.image_ready = true;
                s.fit();
            });
        })
    };
    let on_error = {
        let runtime = Rc::clone(&runtime);
        let src = src.to_string();
        Closure::<dyn FnMut()>::new(move || {
            runtime.fail(format!(
                "Could not load the image {src}: check that the URL is reachable and, for another origin, that it allows CORS."
            ));
        })
    };
    img.set_onload(Some(on_load.as_ref().unchecked_ref()));
    img.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // The element keeps the handlers for its lifetime; they run once.
    on_load.forget();
    on_error.forget();
    img.set_src(src);
}
