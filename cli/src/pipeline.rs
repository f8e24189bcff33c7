//! `lasso convert`'s preprocessing and augmentation options, and the pipeline file they may
//! come from instead.

use super::Failure;
use clap::ValueEnum;
use lasso_core::dataset::{Augment, Pipeline, Resize, ResizeMode, Tile};
use std::path::PathBuf;

/// Preprocessing and augmentation options of `convert`.
#[derive(clap::Args)]
pub struct Options {
    /// Cut every image into SIZE × SIZE tiles (aerial and other large images), shapes clipped
    /// to each; tiles stay in their image's split.
    #[arg(long, value_name = "SIZE")]
    tile: Option<u32>,
    /// Pixels neighbouring tiles share.
    #[arg(long, value_name = "PX", default_value_t = 0, requires = "tile")]
    tile_overlap: u32,
    /// Resize every image (or tile) and its shapes to WIDTHxHEIGHT, e.g. 640x640.
    #[arg(long, value_parser = size)]
    resize: Option<(u32, u32)>,
    /// How --resize keeps the aspect ratio.
    #[arg(long, value_enum, default_value = "stretch", requires = "resize")]
    resize_mode: Mode,
    /// Write every image in shades of grey.
    #[arg(long)]
    grayscale: bool,
    /// Add N seeded copies of each training image (of every image without splits): flips,
    /// rotation, crop and zoom, brightness, contrast, saturation, hue, blur and noise, or the
    /// operations of --pipeline. Shapes follow the pixels.
    #[arg(long, value_name = "N")]
    augment: Option<u32>,
    /// A JSON pipeline file (`tile`, `resize`, `grayscale`, `augment` with `copies`, `ops`, `keep`;
    /// see docs/pipeline.md); options given here override it.
    #[arg(long, value_name = "FILE")]
    pipeline: Option<PathBuf>,
}

/// `--resize-mode`.
#[derive(Clone, Copy, ValueEnum)]
enum Mode {
    /// Exactly the size, stretched.
    Stretch,
    /// Inside the size, aspect kept.
    Fit,
    /// Inside the size, aspect kept, padded with grey to exactly the size.
    Letterbox,
}

/// Parses `640x640`.
fn size(text: &str) -> Result<(u32, u32), String> {
    let parse = |s: &str| s.trim().parse::<u32>().ok().filter(|&n| n > 0);
    match text.split_once(['x', 'X', '×']) {
        Some((w, h)) => match (parse(w), parse(h)) {
            (Some(w), Some(h)) => Ok((w, h)),
            _ => Err(format!(
                "expected WIDTHxHEIGHT such as 640x640, not {text:?}"
            )),
        },
        None => match parse(text) {
            Some(n) => Ok((n, n)),
            None => Err(format!(
                "expected WIDTHxHEIGHT such as 640x640, not {text:?}"
            )),
        },
    }
}

impl Options {
    /// The pipeline: the file's, with the options given on the command line over it.
    pub fn pipeline(&self) -> Result<Pipeline, Failure> {
        let mut pipeline = match &self.pipeline {
            Some(path) => {
                let text = std::fs::read(path).map_err(|e| Failure::Io(path.clone(), e))?;
                serde_json::from_slice::<Pipeline>(&text)
                    .map_err(|e| Failure::Other(format!("{}: {e}", path.display())))?
            }
            None => Pipeline::default(),
        };
        if let Some((width, height)) = self.resize {
            let mode = match self.resize_mode {
                Mode::Stretch => ResizeMode::Stretch,
                Mode::Fit => ResizeMode::Fit,
                Mode::Letterbox => ResizeMode::Letterbox,
            };
            pipeline.resize = Some(Resize {
                width,
                height,
                mode,
            });
        }
        if let Some(size) = self.tile {
            let keep = pipeline.tile.map(|t| t.keep).unwrap_or_default();
            pipeline.tile = Some(Tile {
                size,
                overlap: self.tile_overlap,
                keep,
            });
        }
        pipeline.grayscale |= self.grayscale;
        if let Some(copies) = self.augment {
            pipeline.augment.get_or_insert_with(Augment::default).copies = copies;
        }
        pipeline.check().map_err(Failure::Other)?;
        Ok(pipeline)
    }
}
