//! Pixels: loading the image (whole or as tiles) and painting the scene on the canvas.

pub mod canvas;
pub mod image;
pub mod local_tiles;
pub mod render;
pub mod tiled_image;
pub mod tiles;
