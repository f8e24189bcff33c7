//! `GET /projects/<p>/quality`: the project's quality report for managers
//! (`lasso_core::quality::team_report`), read from the submissions, the results of tasks
//! several people did, the reviews and the gold scores.

use std::collections::BTreeMap;

use lasso_core::quality::report::GoldScore;
use lasso_core::quality::team_report::{team_report, QualityReport, ReviewTally, Work};
use lasso_core::team::review::{Decision, ReviewRecord};
use lasso_core::team::wire::DoneRecord;
use serde::de::DeserializeOwned;

use super::claim::{bad_key, require_manager};
use super::report::PARALLEL_READS;
use super::{Member, Team};
use crate::error::ApiError;

/// IoU at which two people's shapes are the same object in the report.
const MATCH_IOU: f64 = 0.5;

impl Team {
    /// The bodies of `keys` read a few at a time, in order (`None` for missing or unreadable).
    async fn read_all<T: DeserializeOwned + Send + 'static>(
        &self,
        keys: Vec<String>,
    ) -> Result<Vec<Option<T>>, ApiError> {
        let mut out: Vec<Option<T>> = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(PARALLEL_READS) {
            let mut reads = tokio::task::JoinSet::new();
            for (i, key) in chunk.iter().cloned().enumerate() {
                let s3 = self.s3().clone();
                reads.spawn(async move {
                    let body = s3.get(&key).await.ok().flatten();
                    (
                        i,
                        body.and_then(|o| serde_json::from_slice::<T>(&o.body).ok()),
                    )
                });
            }
            let mut got: Vec<Option<T>> = (0..chunk.len()).map(|_| None).collect();
            while let Some(done) = reads.join_next().await {
                let (i, value) =
                    done.map_err(|e| ApiError::Internal(format!("reading the project: {e}")))?;
                got[i] = value;
            }
            out.extend(got);
        }
        Ok(out)
    }

    /// Keys under `prefix`.
    async fn keys_under(&self, prefix: &str) -> Result<Vec<String>, ApiError> {
        Ok(self
            .s3()
            .list(prefix)
            .await?
            .into_iter()
            .map(|o| o.key)
            .collect())
    }

    /// `GET /projects/<p>/quality` (managers).
    pub async fn quality(&self, m: &Member) -> Result<QualityReport, ApiError> {
        require_manager(m)?;
        let submissions = self.submissions(m).await?;
        let done_keys = submissions
            .iter()
            .map(|(t, u, _)| m.keys.done(t, u).map_err(bad_key))
            .collect::<Result<Vec<_>, _>>()?;
        let records: Vec<Option<DoneRecord>> = self.read_all(done_keys).await?;
        let work: Vec<Work> = submissions
            .iter()
            .zip(&records)
            .map(|((task, user, _), r)| Work {
                task: task.clone(),
                user: user.clone(),
                active_ms: r.as_ref().map_or(0, |r| r.active_ms),
            })
            .collect();
        // The results of tasks several people submitted (agreement needs two).
        let mut by_task: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (task, user, _) in &submissions {
            by_task.entry(task).or_default().push(user);
        }
        let shared: Vec<(String, String)> = by_task
            .iter()
            .filter(|(_, users)| users.len() > 1)
            .flat_map(|(t, users)| users.iter().map(|u| ((*t).to_owned(), (*u).to_owned())))
            .collect();
        let result_keys = shared
            .iter()
            .map(|(t, u)| m.keys.result(t, u).map_err(bad_key))
            .collect::<Result<Vec<_>, _>>()?;
        let bodies: Vec<Option<lasso_core::model::Task>> = self.read_all(result_keys).await?;
        let results: Vec<(String, String, lasso_core::model::Task)> = shared
            .into_iter()
            .zip(bodies)
            .filter_map(|((t, u), r)| Some((t, u, r?)))
            .collect();
        let reviews: Vec<Option<ReviewRecord>> = self
            .read_all(self.keys_under(&m.keys.review_prefix()).await?)
            .await?;
        let tallies: Vec<ReviewTally> = reviews
            .into_iter()
            .flatten()
            .map(|r| ReviewTally {
                user: r.user,
                rejections: r.rejections,
                accepted: r.decision == Decision::Accepted,
            })
            .collect();
        let gold: Vec<GoldScore> = self
            .read_all(self.keys_under(&m.keys.gold_prefix()).await?)
            .await?
            .into_iter()
            .flatten()
            .collect();
        Ok(team_report(&work, &results, &tallies, &gold, MATCH_IOU))
    }
}
