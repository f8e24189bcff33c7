//! The error banner for failures that stop the editor (panics), shown without the reactive
//! system, which may be in an unknown state after a panic.

use wasm_bindgen::JsCast;

/// Shows `message` in a banner at the top of every mounted editor (or of the page if none).
pub fn show_fatal(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(banner) = document.create_element("div") else {
        return;
    };
    banner.set_class_name("lasso-fatal");
    banner.set_attribute("role", "alert").ok();
    banner.set_text_content(Some(message));
    let host = document
        .query_selector(".lasso")
        .ok()
        .flatten()
        .or_else(|| document.body().map(|b| b.unchecked_into()));
    if let Some(host) = host {
        host.prepend_with_node_1(&banner).ok();
    }
}
