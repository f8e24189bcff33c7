//! Lasso web component (wasm32): thin adapters between the browser and `lasso-core`.
//!
//! - [`embed`]: the JS API (`mount`, the `Editor` handle, events) that host pages use;
//! - [`session`]: the reactive state of one mounted editor and the one place edits are dispatched;
//! - [`store`]: IndexedDB, where every op is journaled before it counts as saved;
//! - [`view`]: canvas painting;
//! - [`sync`]: live sync of ops between tabs; [`export`]: "export everything";
//! - [`local`]: local folders of images opened into IndexedDB;
//! - [`ui`]: Leptos components that wire DOM events to the session.
//!
//! All decisions about shapes, tools and history are made in `lasso-core`; this crate only
//! translates events and state.
#![cfg(target_arch = "wasm32")]
#![deny(missing_docs)]

pub mod cloud;
pub mod embed;
pub mod export;
pub mod local;
pub mod session;
pub mod store;
pub mod sync;
pub mod ui;
pub mod view;

use wasm_bindgen::prelude::*;

/// Installs the panic hook once the module is loaded: a panic is logged to the console and shown
/// in a banner on every mounted editor instead of leaving a frozen page.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        ui::banner::show_fatal(&format!(
            "Lasso stopped because of an internal error: {info}"
        ));
    }));
}
