//! Masks: COCO RLE exactly as pycocotools computes it, polygon rasterisation, and the
//! run-based mask the editor paints on.
//!
//! `rle` and `polygon` are line-by-line ports of pycocotools' `maskApi.c` (not a library
//! wrapper): datasets are judged by what pycocotools reads, so "close" is not enough — the runs,
//! the compressed strings, areas, boxes and IoUs must be the same bits. Everything else here is
//! free to be fast.

pub mod brush;
pub mod contour;
pub mod flood;
pub mod livewire;
pub mod ls_brush;
pub mod mask;
pub mod polygon;
pub mod rle;
pub mod samples;

pub use contour::mask_to_polygons;
pub use livewire::LiveWire;
pub use mask::RunMask;
pub use polygon::{polygon_to_rle, shape_polygon_to_rle};
pub use rle::{Rle, RleError};
