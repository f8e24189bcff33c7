//! Vector geometry of shapes, on the `geo` crate: conversions, measures, IoU, clipping,
//! validity and repair, simplification, transforms, and the spatial index the editor and the
//! renderer query.

pub mod convert;
pub mod index;
pub mod measure;
pub mod transform;
pub mod validity;

pub use convert::{to_geo, GeoShape};
pub use index::{covers, Hit, SpatialIndex, VertexHit};
pub use measure::{area, as_mask, bounds, clip_to_image, iou, min_rect_corners};
pub use transform::Transform;
pub use validity::{repair, simplify, simplify_preserving, validate, Problem};
