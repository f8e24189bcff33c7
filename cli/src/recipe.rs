//! The options that make a [`Recipe`] (`convert`, `pull`), and writing a dataset by one.

use super::{folder, pipeline, Failure};
use clap::ValueEnum;
use lasso_core::dataset::Recipe;
use lasso_core::formats::{self, Dataset, FormatName};
use std::path::Path;

/// How COCO stores masks (`--masks`).
#[derive(Clone, Copy, ValueEnum)]
enum Masks {
    /// Compressed RLE: exact.
    Rle,
    /// Polygons traced along pixel edges (masks with holes stay RLE).
    Polygon,
}

/// Parses `--split 0.8,0.1,0.1`.
fn ratios(text: &str) -> Result<[f64; 3], String> {
    let parts: Vec<&str> = text.split(',').collect();
    let numbers: Result<Vec<f64>, _> = parts.iter().map(|p| p.trim().parse::<f64>()).collect();
    match numbers.as_deref() {
        Ok([a, b, c]) => Ok([*a, *b, *c]),
        _ => Err(format!(
            "expected three ratios train,valid,test such as 0.8,0.1,0.1, not {text:?}"
        )),
    }
}

/// The format written and everything done on the way.
#[derive(clap::Args)]
pub struct RecipeArgs {
    /// Format to write (see the list below).
    #[arg(long)]
    to: FormatName,
    /// How COCO stores masks.
    #[arg(long, value_enum, default_value = "rle")]
    masks: Masks,
    /// How COCO stores polygons and rotated boxes: their vertices, or RLE of their pixels
    /// (exactly pycocotools' frPyObjects).
    #[arg(long, value_enum, default_value = "polygon")]
    polygons: Masks,
    /// Re-split into train,valid,test by these ratios, e.g. 0.8,0.1,0.1.
    #[arg(long, value_parser = ratios)]
    split: Option<[f64; 3]>,
    /// Seed of the split and the augmentation (the same seed gives the same output).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Rename a class (OLD=NEW; several OLD to one NEW merge them) or drop it and its
    /// objects (OLD=); repeat for more.
    #[arg(long = "map", value_parser = formats::remap::parse_mapping)]
    maps: Vec<(String, Option<String>)>,
    /// Leave out images without objects (after the mapping).
    #[arg(long)]
    drop_empty: bool,
    #[command(flatten)]
    pipeline: pipeline::Options,
}

impl RecipeArgs {
    /// The recipe these options describe.
    pub fn recipe(&self) -> Result<Recipe, Failure> {
        Ok(Recipe {
            to: self.to,
            masks_as_polygons: matches!(self.masks, Masks::Polygon),
            polygons_as_rle: matches!(self.polygons, Masks::Rle),
            map: self.maps.iter().cloned().collect(),
            drop_empty: self.drop_empty,
            split: self.split,
            seed: self.seed,
            pipeline: self.pipeline.pipeline()?,
        })
    }
}

/// Follows `recipe` on `dataset` whose images are under `input`, writes the files and images
/// to `output`, and reports what it did on stderr.
pub fn write(
    recipe: &Recipe,
    mut dataset: Dataset,
    input: &Path,
    output: &Path,
) -> Result<(), Failure> {
    let bar = folder::spinner(&format!("writing {}", recipe.to));
    let (followed, export) = recipe.follow(&mut dataset)?;
    bar.finish_and_clear();
    if let Some(done) = &followed.remapped {
        eprintln!(
            "lasso: {} objects renamed, {} dropped with their class",
            done.renamed, done.dropped
        );
    }
    if recipe.drop_empty {
        eprintln!(
            "lasso: {} images without objects left out",
            followed.dropped_empty
        );
    }
    let applied = &followed.applied;
    if applied.copies > 0 {
        eprintln!(
            "lasso: {} augmented copies of {} training images ({} shapes left the image)",
            applied.copies, applied.augmented, applied.dropped
        );
    }
    let written = folder::write(input, output, &dataset, &export, &applied.plans)?;
    eprintln!(
        "lasso: {} images, {} objects → {} ({} annotation files, {} images written)",
        dataset.tasks.len(),
        dataset
            .tasks
            .iter()
            .map(|t| t.annotations.len())
            .sum::<usize>(),
        output.display(),
        export.files.len(),
        written
    );
    Ok(())
}
