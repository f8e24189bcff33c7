//! `GET /projects/<p>/sources`: every task of a project with the results a dataset takes from
//! it under a policy (`accepted,latest` unless asked otherwise), chosen by the core rule
//! `lasso pull` follows, as presigned reads. The browser's health page and project-wide
//! exports read the whole project through it.

use std::collections::BTreeMap;

use jiff::Timestamp;
use lasso_core::dataset::{choose, Candidates, Choice, Source};
use lasso_core::team::wire::{ProjectSources, SourceRef, TaskSources};

use super::claim::bad_key;
use super::review::require_reviewer;
use super::{Member, Team};
use crate::error::ApiError;
use crate::xml::ListedObject;

/// A listed object as the core's choice reads it.
fn source(o: &ListedObject) -> Source {
    Source {
        key: o.key.clone(),
        etag: o.etag.trim_matches('"').to_string(),
        size: o.size,
    }
}

impl Team {
    /// Every task with the results `policy` takes (reviewers, managers).
    pub async fn sources(
        &self,
        m: &Member,
        policy: Vec<Choice>,
    ) -> Result<ProjectSources, ApiError> {
        require_reviewer(m)?;
        let tasks = self.task_ids(m).await?;
        let mut candidates: BTreeMap<String, Candidates> = BTreeMap::new();
        for o in self.s3().list(&m.keys.results_prefix()).await? {
            if let Some((task, user)) = m.keys.parse_result(&o.key) {
                candidates
                    .entry(task.to_owned())
                    .or_default()
                    .results
                    .push((user.to_owned(), source(&o), o.last_modified.clone()));
            }
        }
        for o in self.s3().list(&m.keys.accepted_prefix()).await? {
            if let Some(task) = m.keys.parse_accepted(&o.key) {
                candidates.entry(task.to_owned()).or_default().accepted = Some(source(&o));
            }
        }
        let now = Timestamp::now();
        let mut out = Vec::with_capacity(tasks.len());
        for task in tasks {
            let manifest = m.keys.manifest(&task).map_err(bad_key)?;
            let chosen = candidates.get(&task).and_then(|c| choose(&policy, c));
            let (taken, results) = match chosen {
                Some((rule, taken)) => (
                    Some(rule),
                    taken
                        .into_iter()
                        .map(|(from, s)| SourceRef {
                            from,
                            url: self.presigner.sign_get(&s.key, now),
                        })
                        .collect(),
                ),
                None => (None, Vec::new()),
            };
            out.push(TaskSources {
                manifest_url: self.presigner.sign_get(&manifest, now),
                task,
                taken,
                results,
            });
        }
        Ok(ProjectSources { policy, tasks: out })
    }
}
