//! Lasso web component (wasm32).
