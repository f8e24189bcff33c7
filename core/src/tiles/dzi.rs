//! Deep Zoom descriptors (`.dzi`), as libvips `dzsave`, Deep Zoom Composer and OpenSeadragon's
//! tools write them: XML (`<Image TileSize Overlap Format><Size Width Height/></Image>`) or the
//! same as JSON (`{"Image": {...}}`). Tiles live beside the descriptor in `<name>_files/`
//! (or under the descriptor's `Url`), one folder per level: `<level>/<col>_<row>.<format>`.

use super::pyramid::{halving_levels, Pyramid};
use super::source::{Scheme, TileSource};
use crate::formats::{xml, FormatError};
use serde_json::Value;

/// Largest side a descriptor may declare (2^26 pixels: far beyond any scanner or satellite
/// scene, small enough that the level arithmetic cannot overflow).
const MAX_SIDE: u64 = 1 << 26;

/// Reads the descriptor `text` fetched from `url` (XML or JSON).
pub fn parse(text: &str, url: &str) -> Result<TileSource, FormatError> {
    let fields = if text.trim_start().starts_with('{') {
        from_json(text, url)?
    } else {
        from_xml(text, url)?
    };
    let (base, query) = tiles_base(url, fields.url.as_deref());
    let format = fields
        .format
        .trim()
        .trim_start_matches('.')
        .to_ascii_lowercase();
    if format.is_empty() || !format.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(FormatError::at(
            url,
            "Image.Format",
            format!("{:?} is not a file extension", fields.format),
        ));
    }
    Ok(TileSource {
        pyramid: Pyramid {
            width: fields.width,
            height: fields.height,
            overlap: fields.overlap,
            levels: halving_levels(fields.width, fields.height, fields.tile_size),
        },
        scheme: Scheme::Dzi {
            base,
            format,
            query,
        },
        geo: None,
    })
}

/// The descriptor of a pyramid cut by [`super::cut`] (`width × height`, tiles as `format`),
/// as libvips `dzsave` writes one.
pub fn descriptor(width: u32, height: u32, format: super::cut::TileFormat) -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            "\n",
            r#"<Image xmlns="http://schemas.microsoft.com/deepzoom/2008" Format="{format}" Overlap="0" TileSize="{tile}">"#,
            "\n",
            r#"  <Size Width="{width}" Height="{height}"/>"#,
            "\n</Image>\n"
        ),
        format = format.extension(),
        tile = super::cut::TILE_SIZE,
        width = width,
        height = height,
    )
}

/// Where a tile of a Deep Zoom pyramid is below its levels' folder `base` (ending in `/`):
/// `<base><level>/<col>_<row>.<extension>`, levels numbered from the 1 × 1 one.
pub fn tile_path_in(base: &str, id: super::TileId, extension: &str) -> String {
    format!("{base}{}/{}_{}.{extension}", id.level, id.col, id.row)
}

/// Where a tile is below the descriptor `<stem>.dzi`: in `<stem>_files/`.
pub fn tile_path(stem: &str, id: super::TileId, extension: &str) -> String {
    tile_path_in(&format!("{stem}_files/"), id, extension)
}

/// What a descriptor says, whichever way it is written.
struct Fields {
    width: u32,
    height: u32,
    tile_size: u32,
    overlap: u32,
    format: String,
    url: Option<String>,
}

fn from_xml(text: &str, url: &str) -> Result<Fields, FormatError> {
    let root = xml::parse(text, url)?;
    if root.name != "Image" {
        return Err(root.error(url, "a Deep Zoom descriptor's root element is <Image>"));
    }
    let size = root
        .child("Size")
        .ok_or_else(|| root.error(url, "missing <Size Width Height>"))?;
    let int = |e: &xml::Element, key: &str, min: u64| -> Result<u32, FormatError> {
        let v = e.number(url, key)?;
        whole(v, min).ok_or_else(|| {
            e.error(
                url,
                format!("attribute {key}: {v} is not a whole number from {min} to {MAX_SIDE}"),
            )
        })
    };
    Ok(Fields {
        width: int(size, "Width", 1)?,
        height: int(size, "Height", 1)?,
        tile_size: int(&root, "TileSize", 1)?,
        overlap: int(&root, "Overlap", 0)?,
        format: root.required(url, "Format")?.to_string(),
        url: root.attr("Url").map(str::to_string),
    })
}

fn from_json(text: &str, url: &str) -> Result<Fields, FormatError> {
    let doc: Value = serde_json::from_str(text)
        .map_err(|e| FormatError::at(url, format!("line {}", e.line()), e.to_string()))?;
    let image = doc.get("Image").ok_or_else(|| {
        FormatError::at(url, "$", "a Deep Zoom descriptor has an \"Image\" object")
    })?;
    // Tools write the numbers as strings or as numbers.
    let int = |v: Option<&Value>, path: &str, min: u64| -> Result<u32, FormatError> {
        let n = match v {
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
            _ => None,
        };
        n.and_then(|n| whole(n, min)).ok_or_else(|| {
            FormatError::at(
                url,
                path,
                format!("must be a whole number from {min} to {MAX_SIDE}"),
            )
        })
    };
    let size = image.get("Size");
    Ok(Fields {
        width: int(size.and_then(|s| s.get("Width")), "$.Image.Size.Width", 1)?,
        height: int(size.and_then(|s| s.get("Height")), "$.Image.Size.Height", 1)?,
        tile_size: int(image.get("TileSize"), "$.Image.TileSize", 1)?,
        overlap: int(image.get("Overlap"), "$.Image.Overlap", 0)?,
        format: image
            .get("Format")
            .and_then(Value::as_str)
            .ok_or_else(|| FormatError::at(url, "$.Image.Format", "missing"))?
            .to_string(),
        url: image.get("Url").and_then(Value::as_str).map(str::to_string),
    })
}

/// `v` as a whole number in `min..=MAX_SIDE`.
fn whole(v: f64, min: u64) -> Option<u32> {
    (v.fract() == 0.0 && v >= min as f64 && v <= MAX_SIDE as f64).then_some(v as u32)
}

/// Where the level folders are, and the query string every tile URL keeps: the descriptor's
/// name with `_files/` in place of its extension (as OpenSeadragon reads it), or its `Url`.
fn tiles_base(url: &str, declared: Option<&str>) -> (String, String) {
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p, format!("?{q}")),
        None => (url, String::new()),
    };
    if let Some(declared) = declared.filter(|d| !d.trim().is_empty()) {
        let declared = declared.trim();
        let base = if declared.contains("://") || declared.starts_with('/') {
            declared.to_string()
        } else {
            let dir = path.rfind('/').map_or("", |i| &path[..=i]);
            format!("{dir}{declared}")
        };
        let base = if base.ends_with('/') {
            base
        } else {
            format!("{base}/")
        };
        return (base, query);
    }
    let path = path.trim_end_matches('/');
    let file_start = path.rfind('/').map_or(0, |i| i + 1);
    let stem = match path[file_start..].rfind('.') {
        Some(dot) if dot > 0 => &path[..file_start + dot],
        _ => path,
    };
    (format!("{stem}_files/"), query)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tiles::pyramid::TileId;

    #[test]
    fn a_cut_pyramid_is_described_as_deep_zoom_reads_it() {
        use crate::tiles::cut::{pyramid_of, TileFormat};
        let text = descriptor(5000, 300, TileFormat::Png);
        let source = parse(&text, "https://h/b/src/images/scan.dzi").unwrap();
        assert_eq!(source.pyramid, pyramid_of(5000, 300));
        let id = TileId {
            level: 13,
            col: 19,
            row: 1,
        };
        assert_eq!(
            source.url(id).unwrap(),
            "https://h/b/src/images/scan_files/13/19_1.png"
        );
        assert_eq!(
            tile_path("src/images/scan", id, "png"),
            "src/images/scan_files/13/19_1.png"
        );
    }

    const VIPS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Image xmlns="http://schemas.microsoft.com/deepzoom/2008"
  Format="jpeg"
  Overlap="1"
  TileSize="254"
  >
  <Size
    Height="6000"
    Width="8000"
  />
</Image>"#;

    #[test]
    fn reads_what_libvips_writes() {
        let s = parse(VIPS, "https://tiles.example.org/scan/big.dzi").unwrap();
        assert_eq!(
            (s.pyramid.width, s.pyramid.height, s.pyramid.overlap),
            (8000, 6000, 1)
        );
        assert_eq!(s.pyramid.levels.len(), 14);
        let tile = TileId {
            level: 13,
            col: 3,
            row: 2,
        };
        assert_eq!(
            s.url(tile).unwrap(),
            "https://tiles.example.org/scan/big_files/13/3_2.jpeg"
        );
    }

    #[test]
    fn keeps_the_query_and_honours_url() {
        let s = parse(VIPS, "http://h/a/b.dzi?token=x&y=1").unwrap();
        let tile = TileId {
            level: 0,
            col: 0,
            row: 0,
        };
        assert_eq!(
            s.url(tile).unwrap(),
            "http://h/a/b_files/0/0_0.jpeg?token=x&y=1"
        );
        let with_url = VIPS.replace("Format=", "Url=\"tiles/\" Format=");
        let s = parse(&with_url, "http://h/a/b.dzi").unwrap();
        assert_eq!(s.url(tile).unwrap(), "http://h/a/tiles/0/0_0.jpeg");
        let s = parse(VIPS, "http://h/a/b.xml").unwrap();
        assert_eq!(s.url(tile).unwrap(), "http://h/a/b_files/0/0_0.jpeg");
    }

    #[test]
    fn reads_the_json_form() {
        let json = r#"{"Image": {"xmlns": "http://schemas.microsoft.com/deepzoom/2008",
            "Url": "http://h/x_files/", "Format": "png", "Overlap": "0", "TileSize": 256,
            "Size": {"Width": "300", "Height": 200}}}"#;
        let s = parse(json, "http://h/x.dzi").unwrap();
        assert_eq!(
            (s.pyramid.width, s.pyramid.height, s.pyramid.overlap),
            (300, 200, 0)
        );
        let top = s.pyramid.levels.len() - 1;
        assert_eq!(
            s.url(TileId {
                level: top,
                col: 1,
                row: 0
            })
            .unwrap(),
            "http://h/x_files/9/1_0.png"
        );
    }

    #[test]
    fn names_what_is_wrong() {
        let e = parse(&VIPS.replace("Width=\"8000\"", "Width=\"-3\""), "u.dzi").unwrap_err();
        assert!(e.to_string().contains("Width"), "{e}");
        let e = parse(&VIPS.replace("TileSize=\"254\"", ""), "u.dzi").unwrap_err();
        assert!(e.to_string().contains("TileSize"), "{e}");
        let e = parse("<Collection/>", "u.dzi").unwrap_err();
        assert!(e.to_string().contains("<Image>"), "{e}");
        let e = parse(r#"{"Image": {"Format": "jpg"}}"#, "u.dzi").unwrap_err();
        assert!(e.to_string().contains("$.Image.Size.Width"), "{e}");
        let e = parse(&VIPS.replace("jpeg", "../x"), "u.dzi").unwrap_err();
        assert!(e.to_string().contains("Format"), "{e}");
        assert!(parse("not xml <", "u.dzi").is_err());
    }
}
