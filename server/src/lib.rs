//! `lasso-server`: a reference backend for Lasso's presign protocol (docs/presign.md).
//!
//! The browser never holds S3 credentials. It asks this server for a short-lived presigned
//! URL, and the server decides — by user, key, content type and size — whether to sign one.
//! What it approves is signed into the URL, so S3 enforces it too. The key design decision:
//! keys are validated, never repaired (see [`keys`]), so there is exactly one spelling of
//! every key a user may reach and no encoding trick reaches another.
//!
//! Modules: [`config`] (settings), [`auth`] (who is asking: static tokens), [`oidc`] (OpenID
//! Connect tokens), [`keys`] (key rules and policy),
//! [`presign`] (signing), [`bucket`] (the server's own S3 calls), [`xml`] (S3 answers),
//! [`team`] (projects, assignment, status, progress over the bucket), [`api`] and
//! [`team_api`] (HTTP routes) over [`handler`] (what handlers share),
//! [`store`] (the local S3-compatible store, with [`prefix_list`]), [`seed`] (sample data), [`dev`] (both servers
//! together). With the `lambda` feature, [`lambda`] runs the API as an AWS Lambda.
#![deny(missing_docs)]
// Errors are values: nothing outside tests may abort on bad input (also checked by `xtask tidy`).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod api;
pub mod auth;
pub mod bucket;
pub mod config;
pub mod dev;
pub mod error;
pub mod handler;
pub mod keys;
#[cfg(feature = "lambda")]
pub mod lambda;
pub mod oidc;
pub mod prefix_list;
pub mod presign;
pub mod seed;
pub mod store;
pub mod team;
pub mod team_api;
pub mod xml;
