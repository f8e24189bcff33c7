//! Submission, one person's status on a task, and the project's progress for managers.

use lasso_core::team::assign::{slot_state, slot_states, Listed, SlotState};
use lasso_core::team::layout::Index;
use lasso_core::team::progress::{progress, OpenMarker, Submission};
use lasso_core::team::wire::{DoneRecord, Progress, StatusAnswer, SubmitRequest, TaskStatus};

use super::claim::{bad_key, require_manager};
use super::{rfc3339, Member, Team};
use crate::bucket::{rfc3339_secs, Precondition};
use crate::error::ApiError;

/// Submissions whose bodies (active time) are read at once for a progress report.
pub(super) const PARALLEL_READS: usize = 16;

/// Refuses a result that fails the project's checks (when they block submitting), naming the
/// first failures.
fn blocking_checks(m: &Member, key: &str, body: &[u8]) -> Result<(), ApiError> {
    let task: lasso_core::model::Task = serde_json::from_slice(body)
        .map_err(|e| ApiError::Conflict(format!("the result at {key} is not a Lasso task: {e}")))?;
    let failures = lasso_core::quality::checks::run(
        lasso_core::i18n::Locale::En,
        &task,
        &m.project.labels,
        &m.project.checks,
    );
    if failures.is_empty() {
        return Ok(());
    }
    let first: Vec<String> = failures
        .iter()
        .take(5)
        .map(|f| format!("annotation {}: {}", f.annotation, f.message))
        .collect();
    Err(ApiError::Conflict(format!(
        "the result fails {} of the project's checks: {}",
        failures.len(),
        first.join("; ")
    )))
}

impl Team {
    /// The slot of `user`'s submission of `task`, if they submitted it.
    pub(super) async fn submitted_slot(
        &self,
        m: &Member,
        user: &str,
        task: &str,
    ) -> Result<Option<u32>, ApiError> {
        let key = m.keys.done(task, user).map_err(bad_key)?;
        Ok(self
            .s3()
            .get(&key)
            .await?
            .map(|obj| serde_json::from_slice::<DoneRecord>(&obj.body).map_or(0, |r| r.slot)))
    }

    /// `POST /projects/<p>/tasks/<t>/submit`: marks the caller's slot done once their result
    /// is in the bucket; for a rework, notes the issues resolved and puts the task back in the
    /// review queue. Submitting again is harmless.
    pub async fn submit(
        &self,
        m: &Member,
        task: &str,
        req: &SubmitRequest,
    ) -> Result<StatusAnswer, ApiError> {
        let user = m.user.name().to_owned();
        let answer = |slot| StatusAnswer {
            task: task.to_owned(),
            user: user.clone(),
            status: TaskStatus::Submitted,
            slot: Some(slot),
            lease_until: None,
        };
        let held = self.held(m, &user, task).await?;
        let rework = held.is_none() && self.owes_rework(m, &user, task).await?;
        let slot = match (&held, rework) {
            (Some((slot, _)), _) => *slot,
            (None, true) => self.submitted_slot(m, &user, task).await?.unwrap_or(0),
            (None, false) => {
                return match self.submitted_slot(m, &user, task).await? {
                    Some(slot) => Ok(answer(slot)),
                    None => Err(ApiError::Conflict(format!(
                        "user {user:?} does not hold task {task:?}: open it (or ask for the next task) first"
                    ))),
                }
            }
        };
        let result = m.keys.result(task, &user).map_err(bad_key)?;
        let Some(object) = self.s3().get(&result).await? else {
            return Err(ApiError::Conflict(format!(
                "no result at {result} yet: upload it before submitting"
            )));
        };
        let (classes, tags) =
            lasso_core::team::gallery::indexed_names(&object.body).map_err(|e| {
                ApiError::Conflict(format!("the result at {result} is not a Lasso task: {e}"))
            })?;
        if m.project.checks.block {
            blocking_checks(m, &result, &object.body)?;
        }
        let before = self.done_record(m, &user, task).await?;
        let record = DoneRecord {
            user: user.clone(),
            at: self.now().to_string(),
            active_ms: before.as_ref().map_or(0, |b| b.active_ms) + req.active_ms,
            slot,
            classes,
            tags,
        };
        self.index(m, task, &user, before.as_ref(), &record).await?;
        let body = serde_json::to_vec(&record).map_err(|e| ApiError::Internal(e.to_string()))?;
        if held.is_some() {
            let slot_key = m.keys.slot(task, slot).map_err(bad_key)?;
            // The slot's marker first: once it exists the slot can never expire back to the pool.
            self.s3()
                .put(
                    &format!("{slot_key}.done"),
                    "application/json",
                    body.clone(),
                    &Precondition::None,
                )
                .await?;
        }
        let done = m.keys.done(task, &user).map_err(bad_key)?;
        self.s3()
            .put(&done, "application/json", body, &Precondition::None)
            .await?;
        if held.is_some() {
            self.s3()
                .delete(&m.keys.open(&user, task, slot).map_err(bad_key)?)
                .await?;
        }
        // A gold slot (above the overlap) is scored against the task's accepted result. The
        // person must not learn the task was gold, so a failure is the server's to report.
        if slot >= m.project.overlap && m.project.gold.tasks.iter().any(|t| t == task) {
            if let Err(e) = self.score_gold(m, task, &user, &object.body).await {
                eprintln!("lasso-server: gold task {task:?} of {user:?} not scored: {e}");
            }
        }
        if rework {
            // The issues the person resolved are noted on the review; the task waits for a
            // reviewer again.
            if let Some(mut review) = self.review_of(m, &user, task).await? {
                for issue in &mut review.issues {
                    if req.resolved.contains(&issue.id) {
                        issue.resolved = true;
                    }
                }
                self.write_review(m, task, &review).await?;
            }
            self.s3()
                .delete(&m.keys.rework(&user, task).map_err(bad_key)?)
                .await?;
        }
        Ok(answer(slot))
    }

    /// The record of `user`'s submission of `task`, if any.
    async fn done_record(
        &self,
        m: &Member,
        user: &str,
        task: &str,
    ) -> Result<Option<DoneRecord>, ApiError> {
        let key = m.keys.done(task, user).map_err(bad_key)?;
        Ok(self
            .s3()
            .get(&key)
            .await?
            .and_then(|o| serde_json::from_slice(&o.body).ok()))
    }

    /// Writes the gallery's index entries of a submission and retires those of the previous
    /// submission it no longer has.
    async fn index(
        &self,
        m: &Member,
        task: &str,
        user: &str,
        before: Option<&DoneRecord>,
        now: &DoneRecord,
    ) -> Result<(), ApiError> {
        for (index, names, old) in [
            (Index::Class, &now.classes, before.map(|b| &b.classes)),
            (Index::Tag, &now.tags, before.map(|b| &b.tags)),
        ] {
            for name in names {
                let key = m
                    .keys
                    .index_marker(index, name, task, user)
                    .map_err(bad_key)?;
                self.s3()
                    .put(
                        &key,
                        "application/json",
                        b"{}".to_vec(),
                        &Precondition::None,
                    )
                    .await?;
            }
            for name in old.into_iter().flatten().filter(|n| !names.contains(n)) {
                let key = m
                    .keys
                    .index_marker(index, name, task, user)
                    .map_err(bad_key)?;
                self.s3().delete(&key).await?;
            }
        }
        Ok(())
    }

    /// `GET /projects/<p>/tasks/<t>/status[?user=u]`: where `task` stands for the caller (or,
    /// for reviewers and managers, for `user`).
    pub async fn status(
        &self,
        m: &Member,
        task: &str,
        of: Option<&str>,
    ) -> Result<StatusAnswer, ApiError> {
        let user = match of {
            Some(u) if u != m.user.name() => {
                if !m.roles.may_review() {
                    return Err(ApiError::Forbidden(format!(
                        "user {:?} may only ask for their own status",
                        m.user.name()
                    )));
                }
                u.to_owned()
            }
            _ => m.user.name().to_owned(),
        };
        let mut answer = StatusAnswer {
            task: task.to_owned(),
            user: user.clone(),
            status: TaskStatus::New,
            slot: None,
            lease_until: None,
        };
        if let Some(slot) = self.submitted_slot(m, &user, task).await? {
            answer.status = self.reviewed_status(m, &user, task).await?;
            answer.slot = Some(slot);
        } else if let Some((slot, _)) = self.held(m, &user, task).await? {
            let key = m.keys.slot(task, slot).map_err(bad_key)?;
            if let Some((etag, modified)) = self.s3().head(&key).await? {
                let lease = Listed {
                    task: task.to_owned(),
                    slot,
                    done: false,
                    etag,
                    modified,
                };
                let secs = i64::try_from(m.project.lease_secs).unwrap_or(i64::MAX);
                // The one lease rule, as claims judge it.
                if let SlotState::Held { until, .. } =
                    slot_state(&lease, secs, self.now().as_second())
                {
                    answer.status = TaskStatus::InProgress;
                    answer.slot = Some(slot);
                    answer.lease_until = Some(rfc3339(until));
                }
            }
        }
        Ok(answer)
    }

    /// Every work-in-progress marker of the project.
    pub(super) async fn open_markers(&self, m: &Member) -> Result<Vec<OpenMarker>, ApiError> {
        Ok(self
            .s3()
            .list(&m.keys.open_prefix())
            .await?
            .iter()
            .filter_map(|o| {
                let (user, task, slot) = m.keys.parse_open(&o.key)?;
                Some(OpenMarker {
                    user: user.to_owned(),
                    task: task.to_owned(),
                    slot,
                    modified: rfc3339_secs(&o.last_modified)?,
                })
            })
            .collect())
    }

    /// Every submission of the project: `(task, user, when)`.
    pub(super) async fn submissions(
        &self,
        m: &Member,
    ) -> Result<Vec<(String, String, i64)>, ApiError> {
        Ok(self
            .s3()
            .list(&m.keys.done_prefix())
            .await?
            .iter()
            .filter_map(|o| {
                let (task, user) = m.keys.parse_done(&o.key)?;
                Some((
                    task.to_owned(),
                    user.to_owned(),
                    rfc3339_secs(&o.last_modified)?,
                ))
            })
            .collect())
    }

    /// `GET /projects/<p>/progress`: slots by status, per annotator figures (managers).
    pub async fn progress(&self, m: &Member) -> Result<Progress, ApiError> {
        require_manager(m)?;
        let tasks = self.task_ids(m).await?;
        let now = self.now().as_second();
        let states = slot_states(&self.slot_listing(m).await?, m.project.lease_secs, now);
        let open = self.open_markers(m).await?;
        let listed = self.submissions(m).await?;
        let mut submissions = Vec::with_capacity(listed.len());
        for chunk in listed.chunks(PARALLEL_READS) {
            let mut reads = tokio::task::JoinSet::new();
            for (task, user, modified) in chunk.iter().cloned() {
                let key = m.keys.done(&task, &user).map_err(bad_key)?;
                let s3 = self.s3().clone();
                reads.spawn(async move {
                    let active = s3.get(&key).await.ok().flatten().and_then(|o| {
                        serde_json::from_slice::<DoneRecord>(&o.body)
                            .ok()
                            .map(|r| r.active_ms)
                    });
                    Submission {
                        user,
                        task,
                        modified,
                        active_ms: active,
                    }
                });
            }
            while let Some(done) = reads.join_next().await {
                submissions.push(
                    done.map_err(|e| ApiError::Internal(format!("reading submissions: {e}")))?,
                );
            }
        }
        Ok(progress(
            &tasks,
            m.project.overlap,
            &states,
            &open,
            &submissions,
        ))
    }
}
