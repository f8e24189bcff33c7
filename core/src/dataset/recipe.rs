//! A recipe: everything that turns a dataset into what is written — class mapping, images
//! without objects, split, preprocessing and augmentation, the export format and its choices.
//! `lasso convert` follows one given on the command line; a dataset version stores one so that
//! `lasso build` follows the very same steps.

use super::{apply, Applied, Pipeline};
use crate::formats::{
    self, remap, split, Dataset, Export, ExportOptions, FormatError, FormatName, MaskEncoding,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The steps from a dataset to the files written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipe {
    /// Format written (its CLI name).
    #[serde(with = "format_name")]
    pub to: FormatName,
    /// COCO masks as polygons traced along their pixels instead of RLE.
    #[serde(default)]
    pub masks_as_polygons: bool,
    /// COCO polygons and rotated boxes as RLE of their pixels.
    #[serde(default)]
    pub polygons_as_rle: bool,
    /// Class renames (`Some`) and drops (`None`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub map: BTreeMap<String, Option<String>>,
    /// Leave out images without objects (after the mapping; tiles without objects too).
    #[serde(default)]
    pub drop_empty: bool,
    /// Re-split into train, valid, test by these ratios.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<[f64; 3]>,
    /// Seed of the split and the augmentation.
    #[serde(default)]
    pub seed: u64,
    /// Preprocessing and augmentation.
    #[serde(default, skip_serializing_if = "Pipeline::is_empty")]
    pub pipeline: Pipeline,
}

/// What following a recipe did, for the report.
#[derive(Clone, Debug, Default)]
pub struct Followed {
    /// Objects renamed and dropped by the mapping.
    pub remapped: Option<remap::Remapped>,
    /// Images left out for having no objects.
    pub dropped_empty: usize,
    /// Augmentation and preprocessing (the images to render).
    pub applied: Applied,
}

impl Recipe {
    /// A recipe that only writes `to`.
    pub fn new(to: FormatName) -> Self {
        Self {
            to,
            masks_as_polygons: false,
            polygons_as_rle: false,
            map: BTreeMap::new(),
            drop_empty: false,
            split: None,
            seed: 0,
            pipeline: Pipeline::default(),
        }
    }

    /// Follows the recipe on `dataset` (changed in place) and returns the files to write.
    pub fn follow(&self, dataset: &mut Dataset) -> Result<(Followed, Export), FormatError> {
        self.pipeline.check().map_err(FormatError::dataset)?;
        let mut followed = Followed::default();
        if !self.map.is_empty() {
            followed.remapped = Some(remap::remap(dataset, &self.map)?);
        }
        if self.drop_empty {
            followed.dropped_empty = remap::drop_empty(dataset);
        }
        if let Some(ratios) = self.split {
            dataset.splits = split::assign(dataset, ratios, self.seed)?;
        }
        followed.applied =
            apply(dataset, &self.pipeline, self.seed).map_err(FormatError::dataset)?;
        let options = ExportOptions {
            masks: if self.masks_as_polygons {
                MaskEncoding::Polygon
            } else {
                MaskEncoding::Rle
            },
            polygons_as_rle: self.polygons_as_rle,
        };
        let export = formats::export(self.to, dataset, &options)?;
        Ok((followed, export))
    }
}

/// A format by its CLI name in JSON.
mod format_name {
    use crate::formats::FormatName;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(name: &FormatName, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(name.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<FormatName, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
