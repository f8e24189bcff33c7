//! Lasso web component (wasm32): thin adapters between the browser and `lasso-core`.
//!
//! Modules, each depending only on those listed before it (`xtask tidy` checks that no two
//! import each other):
//! - [`on_demand`]: the parts fetched on first use (dataset formats, image codecs);
//! - [`events`]: the host's event names and callbacks; [`store`]: IndexedDB, where every op is
//!   journaled before it counts as saved; [`strip`]: the images the editor moves through;
//! - [`state`]: the reactive session and what every adapter may share (image, store, banner);
//! - [`view`]: canvas painting; [`local`]: local folders of images kept in IndexedDB;
//!   [`export`]: "export everything"; [`sync`]: live sync of ops between tabs; [`cloud`]:
//!   uploads through presigned URLs;
//! - [`app`]: the controller: the one place edits are dispatched, the journal writer, opening
//!   tasks; [`datasets`]: exports and predictions of the open task;
//! - [`ui`]: Leptos components that wire DOM events to the controller;
//! - [`embed`]: the JS API (`mount`, the `Editor` handle) that host pages use.
//!
//! All decisions about shapes, tools and history are made in `lasso-core`; this crate only
//! translates events and state.
#![cfg(target_arch = "wasm32")]
#![deny(missing_docs)]
// Errors are values: nothing outside tests may abort on bad input (also checked by `xtask tidy`).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod app;
pub mod blob_reader;
pub mod cloud;
pub mod cutting;
pub mod datasets;
pub mod embed;
pub mod events;
pub mod export;
pub mod local;
pub mod ml;
pub mod module_worker;
pub mod on_demand;
pub mod pipeline_worker;
pub mod state;
pub mod store;
pub mod strip;
pub mod sync;
pub mod timer;
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
