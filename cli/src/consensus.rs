//! `lasso consensus`: one dataset from several annotators' versions of it, through
//! `lasso_core::quality::consensus`, and what has no consensus as JSON for a reviewer.

use std::path::{Path, PathBuf};

use lasso_core::formats::Dataset;
use lasso_core::quality::{consensus_tasks, ConsensusOptions, DatasetConsensus, Rater};

/// One annotator's dataset, named by its folder, with image paths made to point into that
/// folder (so images can be copied from wherever each consensus task came from).
pub struct Version {
    /// The annotator (folder name).
    pub name: String,
    /// Their dataset.
    pub dataset: Dataset,
}

impl Version {
    /// Reads as given; `folder` anchors the images' paths.
    pub fn new(folder: &Path, mut dataset: Dataset) -> Self {
        for t in &mut dataset.tasks {
            let src = PathBuf::from(&t.image.src);
            if src.is_relative() {
                t.image.src = folder.join(src).to_string_lossy().into_owned();
            }
        }
        Version {
            name: crate::agree::name_of(folder),
            dataset,
        }
    }
}

impl Version {
    /// An annotator's results read from the bucket (images stay there: their `src` are keys).
    pub fn from_bucket(name: String, tasks: Vec<lasso_core::model::Task>) -> Self {
        let labels = tasks.first().map(|t| t.labels.clone()).unwrap_or_default();
        Version {
            name,
            dataset: Dataset {
                labels,
                tasks,
                ..Dataset::default()
            },
        }
    }
}

/// The consensus dataset: the label set of the first annotator (by name) with any class or
/// tag the others add, and one task per image.
pub fn run(
    versions: &[Version],
    options: ConsensusOptions,
) -> Result<(Dataset, DatasetConsensus), String> {
    let mut names: Vec<&str> = versions.iter().map(|v| v.name.as_str()).collect();
    names.sort_unstable();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!(
            "two annotators' folders are both named {:?}; name each folder after its annotator",
            w[0]
        ));
    }
    let raters: Vec<Rater<'_>> = versions
        .iter()
        .map(|v| Rater {
            name: v.name.clone(),
            tasks: &v.dataset.tasks,
        })
        .collect();
    let result = consensus_tasks(&raters, options);
    let mut ordered: Vec<&Version> = versions.iter().collect();
    ordered.sort_by(|a, b| a.name.cmp(&b.name));
    let mut labels = ordered
        .first()
        .map(|v| v.dataset.labels.clone())
        .unwrap_or_default();
    for v in ordered.iter().skip(1) {
        labels.absorb(&v.dataset.labels);
    }
    let dataset = Dataset {
        labels,
        tasks: result.tasks.clone(),
        info: ordered
            .first()
            .map(|v| v.dataset.info.clone())
            .unwrap_or_default(),
        splits: ordered
            .first()
            .map(|v| v.dataset.splits.clone())
            .unwrap_or_default(),
    };
    Ok((dataset, result))
}

/// What has no consensus, as JSON.
pub fn disputes_json(result: &DatasetConsensus) -> Result<String, String> {
    serde_json::to_string_pretty(&result.disputes).map_err(|e| e.to_string())
}
