//! A dataset: many tasks (images with their annotations) sharing one label set.

use crate::model::{LabelSet, Task};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which part of a training split an image belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    /// Training images.
    Train,
    /// Validation images.
    Valid,
    /// Test images.
    Test,
}

/// Dataset-level metadata kept across formats that carry it (COCO `info`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DatasetInfo {
    /// What the dataset is.
    #[serde(default)]
    pub description: String,
    /// Dataset version.
    #[serde(default)]
    pub version: String,
    /// Who made it.
    #[serde(default)]
    pub contributor: String,
    /// Where it lives.
    #[serde(default)]
    pub url: String,
    /// When it was made (as written by its source).
    #[serde(default)]
    pub date_created: String,
}

/// Tasks with a shared label set: what every format converts to and from.
///
/// Each task's `image.name` is the image's path relative to the images folder of the layout it
/// came from (or its file name), and `image.width`/`height` are known.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    /// Classes (in export order: class ids are positions in this list) and tags.
    pub labels: LabelSet,
    /// The images and their annotations.
    pub tasks: Vec<Task>,
    /// Metadata.
    #[serde(default)]
    pub info: DatasetInfo,
    /// Split of each task by task id; tasks not listed are in no split.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub splits: BTreeMap<String, Split>,
}
