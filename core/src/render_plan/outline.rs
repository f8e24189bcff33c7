//! A shape's outline as one SVG path (image pixels), for overlays drawn apart from the canvas
//! plan (the review screen's layers): the same path commands the plan batches
//! ([`super::shape_commands`]), masks traced along their pixel edges, keypoints as small
//! squares.

use super::{shape_commands, svg_paths, svg_rects};
use crate::model::{PolygonShape, Shape, Visibility};
use crate::raster::contour::mask_to_polygons;
use crate::raster::mask::RunMask;
use crate::raster::rle::Rle;

/// Half the side of a keypoint's square, in image pixels.
const KEYPOINT_HALF: f64 = 2.0;

/// The outline of `shape` as SVG path data (empty for a shape with nothing to draw).
pub fn outline_svg(shape: &Shape) -> String {
    match shape {
        Shape::Mask(m) => match Rle::from_model(m) {
            Ok(rle) => {
                let parts = mask_to_polygons(&RunMask::from_rle(&rle));
                outline_svg(&Shape::Polygon(PolygonShape { parts }))
            }
            Err(_) => String::new(),
        },
        Shape::Keypoints { points } => {
            let squares: Vec<f64> = points
                .iter()
                .filter(|p| p.visibility != Visibility::NotLabeled)
                .flat_map(|p| {
                    [
                        p.x - KEYPOINT_HALF,
                        p.y - KEYPOINT_HALF,
                        KEYPOINT_HALF * 2.0,
                        KEYPOINT_HALF * 2.0,
                    ]
                })
                .collect();
            svg_rects(&squares, usize::MAX).concat()
        }
        _ => {
            let batch = shape_commands(shape);
            let mut cmds = batch.areas;
            cmds.extend(batch.lines);
            svg_paths(&cmds, usize::MAX).concat()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BoxShape, Point};

    #[test]
    fn boxes_and_masks_have_outlines() {
        let b = Shape::Box(BoxShape::from_corners(
            Point::new(1.0, 2.0),
            Point::new(11.0, 7.0),
        ));
        assert_eq!(outline_svg(&b), "M1 2h10v5h-10Z");
        let mut px = vec![0u8; 16];
        px[5] = 1;
        let mask = Shape::Mask(Rle::encode(&px, 4, 4).to_model());
        assert!(!outline_svg(&mask).is_empty());
    }
}
