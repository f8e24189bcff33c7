//! IIIF Image API `info.json` (versions 1.1, 2 and 3, static level-0 tiles included) and the
//! tile requests it allows: `{id}/{region}/{size}/0/{quality}.{format}`, written as
//! OpenSeadragon writes them, which is what static tilers (`iiif_static.py`, `iiif-tiler`,
//! libvips `dzsave --layout iiif`/`iiif3`) produce files for.

use super::pyramid::{Level, Pyramid, TileId};
use super::source::{Scheme, TileSource};
use crate::formats::FormatError;
use serde_json::Value;

/// Largest side a service may declare (as for Deep Zoom).
const MAX_SIDE: u64 = 1 << 26;
/// Tile side assumed for a service that can cut any region but names no tiles.
const DEFAULT_TILE: u32 = 512;

/// How requests to one service are written.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    /// The image's base URI (`id` / `@id`), without a trailing slash.
    pub id: String,
    /// Major version of the Image API: 1, 2 or 3.
    pub version: u8,
    /// A level-0 service serves only the files it lists (static tiles).
    pub level0: bool,
    /// `default` (2, 3) or `native` (1).
    pub quality: String,
    /// File extension of tiles.
    pub format: String,
    /// The levels are whole images at listed sizes, not tiles (a level-0 service without tiles).
    pub sizes_only: bool,
}

/// Reads `info.json` fetched from `url`.
pub fn parse(text: &str, url: &str) -> Result<TileSource, FormatError> {
    let doc: Value = serde_json::from_str(text)
        .map_err(|e| FormatError::at(url, format!("line {}", e.line()), e.to_string()))?;
    let err = |path: &str, message: &str| FormatError::at(url, path, message);
    let context = context_of(&doc);
    let version = if context.contains("image/3")
        || doc.get("type").and_then(Value::as_str) == Some("ImageService3")
    {
        3
    } else if context.contains("image/2") || doc.get("protocol").is_some() {
        2
    } else if context.contains("1.1")
        || context.contains("image/1")
        || doc.get("scale_factors").is_some()
    {
        1
    } else {
        return Err(err(
            "$.@context",
            "not an IIIF Image API info.json (no image API context)",
        ));
    };
    let id = doc
        .get("id")
        .or_else(|| doc.get("@id"))
        .and_then(Value::as_str)
        .map(|s| s.trim().trim_end_matches('/').to_string())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            err(
                if version == 3 { "$.id" } else { "$.@id" },
                "missing the image's id",
            )
        })?;
    let width =
        side(doc.get("width")).ok_or_else(|| err("$.width", "must be a whole number of pixels"))?;
    let height = side(doc.get("height"))
        .ok_or_else(|| err("$.height", "must be a whole number of pixels"))?;
    let level0 = profile_is_level0(doc.get("profile"));
    let format = preferred_format(&doc);
    let quality = if version == 1 { "native" } else { "default" }.to_string();

    let tiles = tile_spec(&doc, version, url)?;
    let (levels, sizes_only) = match tiles {
        Some((tw, th, factors)) => (tiled_levels(width, height, tw, th, &factors), false),
        None => match listed_sizes(&doc, width, height) {
            Some(levels) if level0 => (levels, true),
            _ if level0 => {
                return Err(err(
                    "$.tiles",
                    "a level-0 service lists no tiles and no sizes: nothing can be requested",
                ))
            }
            _ => {
                let factors = powers_of_two_until(width, height, DEFAULT_TILE);
                (
                    tiled_levels(width, height, DEFAULT_TILE, DEFAULT_TILE, &factors),
                    false,
                )
            }
        },
    };
    Ok(TileSource {
        pyramid: Pyramid {
            width,
            height,
            overlap: 0,
            levels,
        },
        scheme: Scheme::Iiif(Service {
            id,
            version,
            level0,
            quality,
            format,
            sizes_only,
        }),
        geo: None,
    })
}

/// The request for one tile of `pyramid` from `service` (OpenSeadragon's rules: the region in
/// full-resolution pixels, the size `w,` for versions 1–2 of a level-0 service, else `w,h`;
/// `full`/`max` where the tile is the whole image).
pub fn tile_url(service: &Service, pyramid: &Pyramid, id: TileId) -> Option<String> {
    let level = pyramid.levels.get(id.level)?;
    let (w, h) = (pyramid.width, pyramid.height);
    let (lw, lh) = (level.width, level.height);
    let full_size = |sw: u32, sh: u32| -> String {
        match service.version {
            3 if sw == w && sh == h => "max".to_string(),
            3 => format!("{sw},{sh}"),
            _ if sw == w => "full".to_string(),
            _ => format!("{sw},"),
        }
    };
    let (region, size) = if service.sizes_only || (lw < level.tile_width && lh < level.tile_height)
    {
        if id.col != 0 || id.row != 0 {
            return None;
        }
        ("full".to_string(), full_size(lw, lh))
    } else {
        if id.col >= level.columns() || id.row >= level.rows() {
            return None;
        }
        let span_w = (f64::from(level.tile_width) * level.factor).round() as u64;
        let span_h = (f64::from(level.tile_height) * level.factor).round() as u64;
        let x = u64::from(id.col) * span_w;
        let y = u64::from(id.row) * span_h;
        let rw = span_w.min(u64::from(w).saturating_sub(x));
        let rh = span_h.min(u64::from(h).saturating_sub(y));
        let region = if x == 0 && y == 0 && rw == u64::from(w) && rh == u64::from(h) {
            "full".to_string()
        } else {
            format!("{x},{y},{rw},{rh}")
        };
        let sw = level.tile_width.min(lw - id.col * level.tile_width);
        let sh = level.tile_height.min(lh - id.row * level.tile_height);
        let size = match service.version {
            2 if sw == w => "full".to_string(),
            3 if sw == w && sh == h => "max".to_string(),
            1 | 2 if service.level0 => format!("{sw},"),
            _ => format!("{sw},{sh}"),
        };
        (region, size)
    };
    Some(format!(
        "{}/{region}/{size}/0/{}.{}",
        service.id, service.quality, service.format
    ))
}

fn context_of(doc: &Value) -> String {
    match doc.get("@context") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

fn side(v: Option<&Value>) -> Option<u32> {
    let n = v?.as_f64()?;
    (n.fract() == 0.0 && n >= 1.0 && n <= MAX_SIDE as f64).then_some(n as u32)
}

fn profile_is_level0(profile: Option<&Value>) -> bool {
    let first = match profile {
        Some(Value::Array(items)) => items.first(),
        other => other,
    };
    first
        .and_then(Value::as_str)
        .is_some_and(|p| p == "level0" || p.contains("level0"))
}

fn preferred_format(doc: &Value) -> String {
    doc.get("preferredFormats")
        .and_then(Value::as_array)
        .and_then(|f| f.first())
        .and_then(Value::as_str)
        .filter(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or("jpg")
        .to_string()
}

/// Tile width, height and scale factors the service declares (`tiles`, or 1.1's
/// `tile_width`/`scale_factors`); `None` when it declares none.
fn tile_spec(
    doc: &Value,
    version: u8,
    url: &str,
) -> Result<Option<(u32, u32, Vec<u32>)>, FormatError> {
    let factors_of = |v: Option<&Value>, path: &str| -> Result<Vec<u32>, FormatError> {
        let mut f: Vec<u32> = v
            .and_then(Value::as_array)
            .ok_or_else(|| FormatError::at(url, path, "missing the scale factors"))?
            .iter()
            .map(|s| side(Some(s)))
            .collect::<Option<Vec<u32>>>()
            .ok_or_else(|| FormatError::at(url, path, "scale factors are whole numbers from 1"))?;
        f.sort_unstable();
        f.dedup();
        if f.is_empty() {
            return Err(FormatError::at(url, path, "no scale factors"));
        }
        Ok(f)
    };
    if let Some(tile) = doc
        .get("tiles")
        .and_then(Value::as_array)
        .and_then(|t| t.first())
    {
        let tw = side(tile.get("width")).ok_or_else(|| {
            FormatError::at(url, "$.tiles[0].width", "must be a whole number of pixels")
        })?;
        let th = match tile.get("height") {
            None => tw,
            v => side(v).ok_or_else(|| {
                FormatError::at(url, "$.tiles[0].height", "must be a whole number of pixels")
            })?,
        };
        return Ok(Some((
            tw,
            th,
            factors_of(tile.get("scaleFactors"), "$.tiles[0].scaleFactors")?,
        )));
    }
    if version == 1 {
        if let Some(tw) = side(doc.get("tile_width")) {
            let th = side(doc.get("tile_height")).unwrap_or(tw);
            return Ok(Some((
                tw,
                th,
                factors_of(doc.get("scale_factors"), "$.scale_factors")?,
            )));
        }
    }
    Ok(None)
}

/// One level per scale factor, coarsest first.
fn tiled_levels(width: u32, height: u32, tw: u32, th: u32, factors: &[u32]) -> Vec<Level> {
    factors
        .iter()
        .rev()
        .map(|&s| Level {
            width: width.div_ceil(s).max(1),
            height: height.div_ceil(s).max(1),
            factor: f64::from(s),
            tile_width: tw,
            tile_height: th,
        })
        .collect()
}

/// Scale factors 1, 2, 4, … until the whole image fits one tile.
fn powers_of_two_until(width: u32, height: u32, tile: u32) -> Vec<u32> {
    let mut factors = vec![1u32];
    while let Some(&s) = factors.last() {
        if width.div_ceil(s) <= tile && height.div_ceil(s) <= tile || s >= 1 << 30 {
            break;
        }
        factors.push(s * 2);
    }
    factors
}

/// Whole images at the sizes a service lists, each a one-tile level, smallest first.
fn listed_sizes(doc: &Value, width: u32, height: u32) -> Option<Vec<Level>> {
    let mut levels: Vec<Level> = doc
        .get("sizes")?
        .as_array()?
        .iter()
        .filter_map(|s| {
            let (w, h) = (side(s.get("width"))?, side(s.get("height"))?);
            Some(Level {
                width: w,
                height: h,
                factor: f64::from(width) / f64::from(w),
                tile_width: w,
                tile_height: h,
            })
        })
        .filter(|l| l.width <= width && l.height <= height)
        .collect();
    levels.sort_by_key(|l| l.width);
    levels.dedup_by_key(|l| l.width);
    (!levels.is_empty()).then_some(levels)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V3_LEVEL0: &str = r#"{
      "@context": "http://iiif.io/api/image/3/context.json",
      "id": "https://iiif.example.org/iiif/scan/",
      "type": "ImageService3", "protocol": "http://iiif.io/api/image",
      "profile": "level0", "width": 6000, "height": 4000,
      "tiles": [{"width": 512, "scaleFactors": [1, 2, 4, 8, 16]}],
      "sizes": [{"width": 375, "height": 250}]
    }"#;

    const V2_LEVEL0: &str = r#"{
      "@context": "http://iiif.io/api/image/2/context.json",
      "@id": "http://h/iiif/tetons", "protocol": "http://iiif.io/api/image",
      "width": 1000, "height": 600,
      "profile": ["http://iiif.io/api/image/2/level0.json", {"formats": ["jpg"]}],
      "tiles": [{"width": 512, "scaleFactors": [1, 2, 4]}]
    }"#;

    fn url_of(source: &TileSource, level: usize, col: u32, row: u32) -> String {
        source.url(TileId { level, col, row }).unwrap()
    }

    #[test]
    fn version_3_static_tiles() {
        let s = parse(V3_LEVEL0, "https://iiif.example.org/iiif/scan/info.json").unwrap();
        assert_eq!(s.pyramid.levels.len(), 5);
        assert_eq!(s.pyramid.levels[4].factor, 1.0);
        assert_eq!(
            url_of(&s, 4, 0, 0),
            "https://iiif.example.org/iiif/scan/0,0,512,512/512,512/0/default.jpg"
        );
        // The last column and row are narrower.
        assert_eq!(
            url_of(&s, 4, 11, 7),
            "https://iiif.example.org/iiif/scan/5632,3584,368,416/368,416/0/default.jpg"
        );
        assert_eq!(
            url_of(&s, 3, 5, 3),
            "https://iiif.example.org/iiif/scan/5120,3072,880,928/440,464/0/default.jpg"
        );
        // At 1/16 the whole image fits one tile: the full region.
        assert_eq!(
            url_of(&s, 0, 0, 0),
            "https://iiif.example.org/iiif/scan/full/375,250/0/default.jpg"
        );
    }

    #[test]
    fn version_2_static_tiles_name_only_the_width() {
        let s = parse(V2_LEVEL0, "http://h/iiif/tetons/info.json").unwrap();
        assert_eq!(
            url_of(&s, 2, 1, 1),
            "http://h/iiif/tetons/512,512,488,88/488,/0/default.jpg"
        );
        assert_eq!(
            url_of(&s, 1, 0, 0),
            "http://h/iiif/tetons/full/500,/0/default.jpg"
        );
        assert_eq!(
            url_of(&s, 0, 0, 0),
            "http://h/iiif/tetons/full/250,/0/default.jpg"
        );
        let level2 = V2_LEVEL0.replace("level0", "level2");
        let s = parse(&level2, "http://h/iiif/tetons/info.json").unwrap();
        assert_eq!(
            url_of(&s, 2, 1, 1),
            "http://h/iiif/tetons/512,512,488,88/488,88/0/default.jpg"
        );
    }

    #[test]
    fn version_1_and_services_without_tiles() {
        let v1 = r#"{"@context": "http://library.stanford.edu/iiif/image-api/1.1/context.json",
            "@id": "http://h/v1", "width": 2048, "height": 1024, "tile_width": 256,
            "scale_factors": [1, 2, 4, 8], "formats": ["jpg"]}"#;
        let s = parse(v1, "http://h/v1/info.json").unwrap();
        assert_eq!(
            url_of(&s, 3, 1, 0),
            "http://h/v1/256,0,256,256/256,256/0/native.jpg"
        );
        let sizes = r#"{"@context": "http://iiif.io/api/image/3/context.json", "id": "http://h/s",
            "type": "ImageService3", "profile": "level0", "width": 4000, "height": 3000,
            "sizes": [{"width": 500, "height": 375}, {"width": 1000, "height": 750}]}"#;
        let s = parse(sizes, "http://h/s/info.json").unwrap();
        assert_eq!(s.pyramid.levels.len(), 2);
        assert_eq!(
            url_of(&s, 1, 0, 0),
            "http://h/s/full/1000,750/0/default.jpg"
        );
        assert_eq!(s.pyramid.levels[1].factor, 4.0);
        let level2 = r#"{"@context": "http://iiif.io/api/image/2/context.json", "@id": "http://h/l2",
            "protocol": "http://iiif.io/api/image", "profile": ["http://iiif.io/api/image/2/level2.json"],
            "width": 3000, "height": 1000}"#;
        let s = parse(level2, "http://h/l2/info.json").unwrap();
        assert_eq!(s.pyramid.levels.len(), 4);
        assert_eq!(
            url_of(&s, 3, 5, 1),
            "http://h/l2/2560,512,440,488/440,488/0/default.jpg"
        );
    }

    #[test]
    fn names_what_is_wrong() {
        let e = parse(&V3_LEVEL0.replace("6000", "-1"), "i.json").unwrap_err();
        assert!(e.to_string().contains("$.width"), "{e}");
        let e = parse(&V3_LEVEL0.replace("\"id\"", "\"ident\""), "i.json").unwrap_err();
        assert!(e.to_string().contains("$.id"), "{e}");
        let e = parse(&V3_LEVEL0.replace("[1, 2, 4, 8, 16]", "[0]"), "i.json").unwrap_err();
        assert!(e.to_string().contains("scaleFactors"), "{e}");
        let e = parse(r#"{"width": 3}"#, "i.json").unwrap_err();
        assert!(e.to_string().contains("IIIF"), "{e}");
        let bare = r#"{"@context": "http://iiif.io/api/image/3/context.json", "id": "x",
            "profile": "level0", "width": 10, "height": 10}"#;
        let e = parse(bare, "i.json").unwrap_err();
        assert!(e.to_string().contains("nothing can be requested"), "{e}");
    }
}
