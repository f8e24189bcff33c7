//! Pixels: loading the image and painting the scene on the canvas.

pub mod image;
pub mod render;
