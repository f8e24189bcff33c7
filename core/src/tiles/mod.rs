//! Images too large to load whole, shown from tiles: Deep Zoom (`.dzi`), IIIF Image API and
//! tiled TIFF (Cloud-Optimized GeoTIFF, read by byte ranges) sources, the pyramid geometry they
//! share, and the loader that decides which tiles a view
//! fetches, keeps and draws. Annotations stay in full-resolution pixels whatever level shows.

pub mod cog;
pub mod cut;
pub mod dzi;
pub mod georef;
pub mod iiif;
pub mod loader;
pub mod pyramid;
pub mod rows;
pub mod source;
pub mod sparse;

pub use loader::{LoaderStats, Requests, TileLoader};
pub use pyramid::{Level, Pyramid, Rect, TileId};
pub use source::{Scheme, TileSource};

use crate::formats::FormatError;
use crate::model::{ImageKind, ImageRef};

/// How `image` is served: its `kind` when given, else read from its URL (`.dzi` → Deep Zoom,
/// `info.json` → IIIF, `.tif`/`.tiff` → a TIFF read by parts where it is tiled), else a plain
/// image.
pub fn kind_of(image: &ImageRef) -> ImageKind {
    if let Some(kind) = image.kind {
        return kind;
    }
    let path = image.src.split(['?', '#']).next().unwrap_or_default();
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".dzi") {
        ImageKind::Dzi
    } else if lower.ends_with("/info.json") || lower == "info.json" {
        ImageKind::Iiif
    } else if lower.ends_with(".tif") || lower.ends_with(".tiff") {
        // Read by parts when tiled, whole when in strips.
        ImageKind::Cog
    } else {
        ImageKind::Plain
    }
}

/// Reads the descriptor of a tiled image (`.dzi` or `info.json`) fetched from `url`.
pub fn parse(kind: ImageKind, text: &str, url: &str) -> Result<TileSource, FormatError> {
    match kind {
        ImageKind::Dzi => dzi::parse(text, url),
        ImageKind::Iiif => iiif::parse(text, url),
        other => Err(FormatError::at(
            url,
            "",
            format!("{} images have no tile descriptor", other.name()),
        )),
    }
}

/// Where `url` (an IIIF image's id or its `info.json`) has its `info.json`.
pub fn info_url(url: &str) -> String {
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p, format!("?{q}")),
        None => (url, String::new()),
    };
    if path.ends_with("/info.json") {
        url.to_string()
    } else {
        format!("{}/info.json{query}", path.trim_end_matches('/'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(src: &str, kind: Option<ImageKind>) -> ImageRef {
        ImageRef {
            src: src.into(),
            kind,
            ..Default::default()
        }
    }

    #[test]
    fn the_kind_is_read_from_the_url_unless_given() {
        assert_eq!(
            kind_of(&image("http://h/a/b.DZI?sig=1", None)),
            ImageKind::Dzi
        );
        assert_eq!(
            kind_of(&image("http://h/iiif/x/info.json", None)),
            ImageKind::Iiif
        );
        assert_eq!(kind_of(&image("http://h/a.jpg", None)), ImageKind::Plain);
        assert_eq!(
            kind_of(&image("http://h/iiif/x", Some(ImageKind::Iiif))),
            ImageKind::Iiif
        );
        assert_eq!(info_url("http://h/iiif/x/"), "http://h/iiif/x/info.json");
        assert_eq!(
            info_url("http://h/iiif/x/info.json"),
            "http://h/iiif/x/info.json"
        );
        assert!(parse(ImageKind::Plain, "", "u").is_err());
    }

    #[test]
    fn the_kind_is_part_of_lasso_json() {
        let task: crate::model::Task = serde_json::from_str(
            r#"{"id": "t", "image": {"src": "http://h/x", "kind": "iiif", "width": 10, "height": 5}}"#,
        )
        .unwrap();
        assert_eq!(task.image.kind, Some(ImageKind::Iiif));
        let text = serde_json::to_string(&task.image).unwrap();
        assert!(text.contains(r#""kind":"iiif""#), "{text}");
        let plain = serde_json::to_string(&image("a.jpg", None)).unwrap();
        assert!(!plain.contains("kind"), "{plain}");
        let e = serde_json::from_str::<ImageRef>(r#"{"src": "x", "kind": "tiles"}"#).unwrap_err();
        assert!(e.to_string().contains("tiles"), "{e}");
    }
}
