//! `lasso-core`: the pure heart of Lasso.
//!
//! Everything that decides *what* an annotation is, how it is edited and how it is stored in a
//! dataset lives here, so that a plain native `cargo test` reaches it. The crate does no IO, has no
//! async code and never names a web API: the browser crate (`lasso`), the CLI and the server only
//! translate their inputs into calls on this crate.
//!
//! Conventions shared by every module:
//! - coordinates are image pixels (`f64`) with the origin at the top-left corner of the top-left
//!   pixel; pixel `(x, y)` covers `[x, x+1) × [y, y+1)`;
//! - every change to a document is an [`history::Op`]; nothing mutates a [`model::Task`] otherwise;
//! - errors are values; nothing here panics on user input.
#![deny(missing_docs)]
// Errors are values: nothing outside tests may abort on bad input (also checked by `xtask tidy`).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod cloud;
pub mod dataset;
pub mod document;
pub mod edit;
pub mod formats;
pub mod geometry;
pub mod history;
pub mod i18n;
pub mod import;
pub mod journal;
pub mod ml;
pub mod model;
pub mod navigation;
pub mod orientation;
pub mod quality;
pub mod random;
pub mod raster;
pub mod render_plan;
mod tagged;
pub mod team;
pub mod tiles;
pub mod validate;
pub mod viewport;
