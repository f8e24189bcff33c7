//! A tiled image: its pyramid and how a tile's URL is written.

use super::iiif::{self, Service};
use super::pyramid::{Pyramid, TileId};

/// How tile requests are written.
#[derive(Clone, Debug, PartialEq)]
pub enum Scheme {
    /// Deep Zoom: `<base><level>/<col>_<row>.<format><query>`.
    Dzi {
        /// The level folders' parent, ending in `/`.
        base: String,
        /// File extension of tiles.
        format: String,
        /// The descriptor URL's query string (`?…`, or empty), kept on every tile.
        query: String,
    },
    /// An IIIF Image API service.
    Iiif(Service),
    /// A tiled TIFF read by byte ranges of one file.
    Cog {
        /// The file.
        url: String,
        /// Where each level's tiles are in it, in the pyramid's order.
        levels: Vec<super::cog::CogLevel>,
    },
    /// A pyramid cut in this browser and kept in its storage ([`super::cut`]), tiles keyed by
    /// [`super::cut::tile_key`].
    Stored {
        /// The image it was cut from (its task id).
        image: String,
        /// How its tiles are written.
        format: super::cut::TileFormat,
    },
}

/// A tiled image: where its tiles are and how they fit together.
#[derive(Clone, Debug, PartialEq)]
pub struct TileSource {
    /// Levels and tile geometry.
    pub pyramid: Pyramid,
    /// How each tile is requested.
    pub scheme: Scheme,
    /// Where the image lies on the map (a GeoTIFF's georeferencing).
    pub geo: Option<crate::model::GeoRef>,
}

impl TileSource {
    /// The URL of tile `id`; `None` for a tile the pyramid does not have.
    pub fn url(&self, id: TileId) -> Option<String> {
        match &self.scheme {
            Scheme::Dzi {
                base,
                format,
                query,
            } => {
                self.pyramid.level_rect(id)?;
                // Deep Zoom numbers levels from the 1 × 1 one, which `halving_levels` puts first.
                Some(super::dzi::tile_path_in(base, id, format) + query)
            }
            Scheme::Iiif(service) => iiif::tile_url(service, &self.pyramid, id),
            // Every tile is a byte range of the one file (`cog::decode_tile` says which).
            Scheme::Cog { url, .. } => self.pyramid.level_rect(id).map(|_| url.clone()),
            Scheme::Stored { image, .. } => self
                .pyramid
                .level_rect(id)
                .map(|_| super::cut::tile_key(image, id)),
        }
    }

    /// The pyramid cut from `image` (`width × height`) and kept in the browser's storage.
    pub fn stored(image: &str, width: u32, height: u32, format: super::cut::TileFormat) -> Self {
        TileSource {
            pyramid: super::cut::pyramid_of(width, height),
            scheme: Scheme::Stored {
                image: image.to_string(),
                format,
            },
            geo: None,
        }
    }
}
