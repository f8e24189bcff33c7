//! A GeoTIFF's georeferencing: the pixel → map transform from `ModelTransformationTag`, or from
//! `ModelTiepointTag` with `ModelPixelScaleTag`, and the EPSG code of its projected or
//! geographic coordinate system from the `GeoKeyDirectoryTag` — what GDAL reads as the
//! geotransform and the spatial reference.

use crate::model::GeoRef;
use std::io::{Read, Seek};
use tiff::decoder::Decoder;
use tiff::tags::Tag;

/// `GTRasterTypeGeoKey`: whether a tie point is a pixel's corner (area) or its centre (point).
const RASTER_TYPE_KEY: u16 = 1025;
/// `RasterPixelIsPoint`.
const PIXEL_IS_POINT: u16 = 2;
/// `ProjectedCSTypeGeoKey`.
const PROJECTED_KEY: u16 = 3072;
/// `GeographicTypeGeoKey`.
const GEOGRAPHIC_KEY: u16 = 2048;

/// The georeferencing of the decoder's current image, if it has any.
pub fn read<R: Read + Seek>(d: &mut Decoder<R>) -> Option<GeoRef> {
    let keys: Vec<u16> = d
        .find_tag_unsigned_vec::<u16>(Tag::GeoKeyDirectoryTag)
        .ok()
        .flatten()
        .unwrap_or_default();
    let transform = match d.get_tag_f64_vec(Tag::ModelTransformationTag).ok() {
        Some(m) if m.len() >= 8 => [m[3], m[0], m[1], m[7], m[4], m[5]],
        _ => {
            let tie = d.get_tag_f64_vec(Tag::ModelTiepointTag).ok()?;
            let scale = d.get_tag_f64_vec(Tag::ModelPixelScaleTag).ok()?;
            if tie.len() < 6 || scale.len() < 2 {
                return None;
            }
            // Raster point (i, j) is map point (x, y); y grows down the image, north up the map.
            let (i, j, x, y) = (tie[0], tie[1], tie[3], tie[4]);
            [
                x - i * scale[0],
                scale[0],
                0.0,
                y + j * scale[1],
                0.0,
                -scale[1],
            ]
        }
    };
    let key = |id: u16| -> Option<u16> {
        // Header of 4 shorts, then entries (key, location, count, value); location 0: inline.
        keys.get(4..)?
            .chunks_exact(4)
            .find(|e| e[0] == id && e[1] == 0)
            .map(|e| e[3])
    };
    let mut transform = transform;
    if key(RASTER_TYPE_KEY) == Some(PIXEL_IS_POINT) {
        // The tie point is the centre of its pixel: corners lie half a pixel before it.
        transform[0] -= 0.5 * (transform[1] + transform[2]);
        transform[3] -= 0.5 * (transform[4] + transform[5]);
    }
    if !transform.iter().all(|v| v.is_finite()) {
        return None;
    }
    let crs = key(PROJECTED_KEY)
        .or(key(GEOGRAPHIC_KEY))
        .filter(|&code| code > 0 && code != 32767)
        .map(|code| format!("EPSG:{code}"));
    Some(GeoRef { transform, crs })
}
