//! Dataset versions: what `lasso pull` gathered from a project and how it built the dataset —
//! every object read (key, ETag, size), which result each task took and why, and the recipe —
//! so that `lasso build` can rebuild it byte for byte, and refuse when the bucket changed.

use super::Recipe;
use crate::model::{Annotation, Task};
use crate::quality::{consensus, ConsensusOptions};
use serde::{Deserialize, Serialize};

/// The version of the manifest layout written; readers refuse newer ones.
pub const LAYOUT: u32 = 1;

/// A dataset version manifest (`lasso-version.json`, `<p>/datasets/<name>/version.json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Version {
    /// Layout of this manifest ([`LAYOUT`]).
    pub layout: u32,
    /// The Lasso release that made it.
    pub lasso: String,
    /// The version's name, when it was saved in the bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The bucket read.
    pub bucket: String,
    /// The project (the bucket prefix).
    pub project: String,
    /// Which result each task takes, first that applies.
    pub choose: Vec<Choice>,
    /// How results are merged where a task takes the consensus.
    #[serde(default)]
    pub consensus: ConsensusSettings,
    /// The steps from the gathered dataset to the files.
    pub recipe: Recipe,
    /// `project.json` as read.
    pub project_file: Source,
    /// Every task taken, in task order.
    pub tasks: Vec<TaskSource>,
}

/// One object as read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Its key.
    pub key: String,
    /// Its ETag (quotes removed).
    pub etag: String,
    /// Its size in bytes.
    pub size: u64,
}

/// A task as taken into the dataset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskSource {
    /// The task id.
    pub task: String,
    /// Its manifest.
    pub manifest: Source,
    /// Its image.
    pub image: Source,
    /// Which rule took it.
    pub taken: Choice,
    /// The results it took, by whose they are (`accepted` for the accepted one).
    pub results: Vec<(String, Source)>,
}

/// How a consensus is formed.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsensusSettings {
    /// Annotators who must agree on a shape (default: more than half).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<usize>,
    /// IoU (OKS for keypoints) at or above which shapes are the same object.
    pub iou: f64,
}

impl Default for ConsensusSettings {
    fn default() -> Self {
        Self {
            min: None,
            iou: 0.5,
        }
    }
}

/// Which result of a task goes into the dataset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Choice {
    /// The accepted result (after review).
    Accepted,
    /// The consensus of the submitted results (two or more).
    Consensus,
    /// The result written last.
    Latest,
    /// This annotator's result.
    Annotator(String),
}

impl TryFrom<String> for Choice {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        text.parse()
    }
}

impl From<Choice> for String {
    fn from(choice: Choice) -> String {
        choice.to_string()
    }
}

impl std::str::FromStr for Choice {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim() {
            "accepted" => Ok(Choice::Accepted),
            "consensus" => Ok(Choice::Consensus),
            "latest" => Ok(Choice::Latest),
            other => match other.strip_prefix("annotator:") {
                Some(name) if !name.is_empty() => Ok(Choice::Annotator(name.to_string())),
                _ => Err(format!(
                    "{other:?} is not a choice: accepted, consensus, latest or annotator:NAME"
                )),
            },
        }
    }
}

impl std::fmt::Display for Choice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Choice::Accepted => f.write_str("accepted"),
            Choice::Consensus => f.write_str("consensus"),
            Choice::Latest => f.write_str("latest"),
            Choice::Annotator(name) => write!(f, "annotator:{name}"),
        }
    }
}

/// A task's results in the bucket.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Candidates {
    /// The accepted result, if the task was accepted.
    pub accepted: Option<Source>,
    /// Submitted results: whose, the object, and when it was written (ISO 8601, as listed).
    pub results: Vec<(String, Source, String)>,
}

/// The first rule of `policy` that applies to a task, and the results it takes; `None` when no
/// rule applies (the task stays out of the dataset).
pub fn choose(
    policy: &[Choice],
    candidates: &Candidates,
) -> Option<(Choice, Vec<(String, Source)>)> {
    policy.iter().find_map(|rule| {
        let taken: Vec<(String, Source)> = match rule {
            Choice::Accepted => vec![("accepted".to_string(), candidates.accepted.clone()?)],
            Choice::Consensus if candidates.results.len() >= 2 => {
                let mut all: Vec<(String, Source)> = candidates
                    .results
                    .iter()
                    .map(|(who, s, _)| (who.clone(), s.clone()))
                    .collect();
                all.sort_by(|a, b| a.0.cmp(&b.0));
                all
            }
            Choice::Consensus => return None,
            Choice::Latest => {
                // Last written wins; the same instant goes to the name first in order.
                let (who, source, _) = candidates
                    .results
                    .iter()
                    .max_by(|a, b| a.2.cmp(&b.2).then_with(|| b.0.cmp(&a.0)))?;
                vec![(who.clone(), source.clone())]
            }
            Choice::Annotator(name) => {
                let (who, source, _) = candidates.results.iter().find(|(who, _, _)| who == name)?;
                vec![(who.clone(), source.clone())]
            }
        };
        Some((rule.clone(), taken))
    })
}

/// The annotations and image tags a task takes from the results `rule` chose (read, by whose
/// they are): the consensus of several, or the one result. Wrong counts are named.
pub fn combine(
    task: &str,
    rule: &Choice,
    results: &[(String, Task)],
    settings: ConsensusSettings,
) -> Result<(Vec<Annotation>, Vec<String>), String> {
    match (rule, results) {
        (Choice::Consensus, _) => {
            let versions: Vec<(&str, &Task)> =
                results.iter().map(|(w, r)| (w.as_str(), r)).collect();
            let min_votes = settings.min.unwrap_or(results.len() / 2 + 1);
            let merged = consensus(
                &versions,
                ConsensusOptions {
                    min_votes,
                    threshold: settings.iou,
                },
            );
            Ok((merged.annotations, merged.tags))
        }
        (_, [(_, one)]) => Ok((one.annotations.clone(), one.tags.clone())),
        _ => Err(format!(
            "task {task}: expected one result for {rule}, got {}",
            results.len()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(key: &str) -> Source {
        Source {
            key: key.into(),
            etag: "e".into(),
            size: 1,
        }
    }

    fn candidates() -> Candidates {
        Candidates {
            accepted: None,
            results: vec![
                (
                    "ann".into(),
                    source("p/target/t/ann.json"),
                    "2026-11-01T10:00:00.000Z".into(),
                ),
                (
                    "ben".into(),
                    source("p/target/t/ben.json"),
                    "2026-11-01T11:00:00.000Z".into(),
                ),
            ],
        }
    }

    #[test]
    fn the_first_rule_that_applies_takes_the_task() {
        let c = candidates();
        let policy = [Choice::Accepted, Choice::Latest];
        let (rule, taken) = choose(&policy, &c).unwrap();
        assert_eq!((rule, taken[0].0.as_str()), (Choice::Latest, "ben"));
        let mut accepted = c.clone();
        accepted.accepted = Some(source("p/accepted/t.json"));
        assert_eq!(choose(&policy, &accepted).unwrap().0, Choice::Accepted);
        assert_eq!(choose(&[Choice::Accepted], &c), None);
        let (rule, taken) = choose(&[Choice::Consensus], &c).unwrap();
        assert_eq!((rule, taken.len()), (Choice::Consensus, 2));
        let one = Candidates {
            accepted: None,
            results: c.results[..1].to_vec(),
        };
        assert_eq!(choose(&[Choice::Consensus], &one), None);
        let (_, taken) = choose(&["annotator:ann".parse().unwrap()], &c).unwrap();
        assert_eq!(taken[0].1.key, "p/target/t/ann.json");
    }

    #[test]
    fn choices_read_and_write_as_text() {
        for text in ["accepted", "consensus", "latest", "annotator:rita"] {
            let c: Choice = text.parse().unwrap();
            assert_eq!(c.to_string(), text);
            assert_eq!(serde_json::to_string(&c).unwrap(), format!("\"{text}\""));
        }
        let e = "best".parse::<Choice>().unwrap_err();
        assert!(
            e.contains("accepted, consensus, latest or annotator:NAME"),
            "{e}"
        );
    }
}
