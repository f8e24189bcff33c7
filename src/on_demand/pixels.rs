//! The `pixels` chunk: image codecs and what decodes pixels — a TIFF made displayable, tiled
//! TIFF directories and tiles, cutting a tile pyramid, preprocessing and augmentation, the
//! pixel checks, a photo's upright size.

use super::NotLoaded;
use crate::blob_reader::BlobReader;
use lasso_core::dataset::looks::Looks;
use lasso_core::dataset::{pixels, ImagePlan};
use lasso_core::tiles::cog::{self, Opened, Step, TilePixels};
use lasso_core::tiles::cut::{CutJob, EncodedTile};
use lasso_core::tiles::pyramid::TileId;
use lasso_core::tiles::sparse::SparseFile;
use lasso_core::tiles::TileSource;

split! {
    pixels;
    /// A PNG of the TIFF `bytes` (upright, full resolution), which browsers can show.
    pub fn displayable_png(bytes: &[u8]) -> Result<Result<Vec<u8>, String>, NotLoaded> {
        Ok(pixels::displayable_png(bytes))
    }
}

split! {
    tiles;
    /// A Deep Zoom or IIIF descriptor read (its own small chunk, `tiles`: the XML reader
    /// comes only with a tiled image); `url` names it and places its tiles.
    pub fn tile_descriptor(
        kind: lasso_core::model::ImageKind,
        text: &str,
        url: &str,
    ) -> Result<Result<TileSource, String>, NotLoaded> {
        Ok(lasso_core::tiles::parse(kind, text, url).map_err(|e| e.to_string()))
    }
}

split! {
    pixels;
    /// A TIFF's directories from the bytes read so far (`url` names it in errors): done, or the
    /// range to fetch next.
    pub fn open_tiff(file: &SparseFile, url: &str) -> Result<Result<Step<Opened>, String>, NotLoaded> {
        Ok(cog::open(file, url).map_err(|e| e.to_string()))
    }
}

split! {
    pixels, preload preload_tiff_tile;
    /// One tile of a tiled TIFF decoded from the bytes read so far, or the range to fetch next.
    pub fn decode_tiff_tile(
        file: &SparseFile,
        source: &TileSource,
        id: TileId,
    ) -> Result<Result<Step<TilePixels>, String>, NotLoaded> {
        Ok(cog::decode_tile(file, source, id).map_err(|e| e.to_string()))
    }
}

/// Loads [`decode_tiff_tile`], so that it answers at once (its caller holds borrows).
pub async fn tiff_tiles_ready() -> Result<(), NotLoaded> {
    Ok(preload_tiff_tile().await?)
}

split! {
    pixels;
    /// Starts cutting the image `reader` reads into a tile pyramid.
    pub fn start_cut(reader: BlobReader) -> Result<Result<CutJob<BlobReader>, String>, NotLoaded> {
        Ok(CutJob::open(reader))
    }
}

split! {
    pixels;
    /// The next batch of tiles of a cut; `None` when it is done.
    pub fn next_tiles(
        job: &mut CutJob<BlobReader>,
    ) -> Result<Result<Option<Vec<EncodedTile>>, String>, NotLoaded> {
        Ok(job.next_tiles())
    }
}

split! {
    pixels;
    /// Decodes `source` (upright by EXIF orientation) once and renders and encodes each plan
    /// of `plans` (JSON, as [`plans_text`] writes it: `[[ImagePlan, output name], …]`).
    pub fn render_plans(
        source: &[u8],
        plans: &str,
    ) -> Result<Result<Vec<Vec<u8>>, String>, NotLoaded> {
        let plans: Vec<(ImagePlan, String)> = match serde_json::from_str(plans) {
            Ok(plans) => plans,
            Err(e) => return Ok(Err(format!("bad plans: {e}"))),
        };
        let decoded = match pixels::decode(source) {
            Ok(decoded) => decoded,
            Err(e) => return Ok(Err(e)),
        };
        Ok(plans
            .iter()
            .map(|(plan, name)| pixels::encode(&plan.render(&decoded)?, name))
            .collect())
    }
}

split! {
    pixels;
    /// Plans as [`render_plans`] reads them, in the page or a worker.
    pub fn plans_text(plans: &[(ImagePlan, String)]) -> Result<Result<String, String>, NotLoaded> {
        Ok(serde_json::to_string(plans).map_err(|e| e.to_string()))
    }
}

split! {
    pixels;
    /// What the pixel checks need of one image (hash, flatness).
    pub fn looks(bytes: &[u8]) -> Result<Result<Looks, String>, NotLoaded> {
        Ok(lasso_core::dataset::looks::looks(bytes))
    }
}

split! {
    pixels;
    /// The size of a PNG/JPEG/… photo as browsers show it (EXIF orientation applied).
    pub fn upright_size(bytes: &[u8]) -> Result<Result<(u32, u32), String>, NotLoaded> {
        let size = match imagesize::blob_size(bytes) {
            Ok(size) => size,
            Err(e) => return Ok(Err(e.to_string())),
        };
        Ok(Ok(lasso_core::orientation::upright(
            bytes,
            u32::try_from(size.width).unwrap_or(0),
            u32::try_from(size.height).unwrap_or(0),
        )))
    }
}
