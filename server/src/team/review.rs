//! Review: the queue of submitted work, the review screen's bundle, accepting a task (one
//! result copied to `accepted/<t>.json`) and rejecting one person's result with pinned issues
//! (`lasso_core::team::review`).

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use lasso_core::team::review::{
    person_status, AcceptRequest, AcceptedEntry, AcceptedList, AcceptedRecord, Decision,
    QueueEntry, RejectRequest, ResultRef, ReviewBundle, ReviewQueue, ReviewRecord,
};
use lasso_core::team::wire::{PersonStatus, TaskStatus};

use super::claim::bad_key;
use super::{Member, Team};
use crate::bucket::{rfc3339_secs, Precondition};
use crate::error::ApiError;

/// Every submission with where it stands: `(task, user, status)`.
pub(super) type Reviewed = Vec<(String, String, TaskStatus)>;

pub(super) fn require_reviewer(m: &Member) -> Result<(), ApiError> {
    if m.roles.may_review() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "user {:?} may not review in project {:?} (needs the reviewer or manager role)",
            m.user.name(),
            m.keys.id()
        )))
    }
}

fn json<T: serde::Serialize>(v: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(v).map_err(|e| ApiError::Internal(format!("cannot write JSON: {e}")))
}

impl Team {
    /// When each task was last accepted (seconds), from the listing.
    async fn acceptances(&self, m: &Member) -> Result<BTreeMap<String, i64>, ApiError> {
        Ok(self
            .s3()
            .list(&m.keys.accepted_records_prefix())
            .await?
            .iter()
            .filter_map(|o| {
                let task = m.keys.parse_accepted_record(&o.key)?;
                Some((task.to_owned(), rfc3339_secs(&o.last_modified)?))
            })
            .collect())
    }

    /// Every rework owed: `(user, task)`.
    async fn reworks(&self, m: &Member) -> Result<BTreeSet<(String, String)>, ApiError> {
        Ok(self
            .s3()
            .list(&m.keys.rework_prefix())
            .await?
            .iter()
            .filter_map(|o| {
                let (u, t) = m.keys.parse_rework(&o.key)?;
                Some((u.to_owned(), t.to_owned()))
            })
            .collect())
    }

    /// Every submission of the project and where it stands (submitted, rework, accepted).
    pub(super) async fn reviewed(&self, m: &Member) -> Result<Reviewed, ApiError> {
        let accepted = self.acceptances(m).await?;
        let rework = self.reworks(m).await?;
        Ok(self
            .submissions(m)
            .await?
            .into_iter()
            .map(|(task, user, done)| {
                let owes = rework.contains(&(user.clone(), task.clone()));
                let status = person_status(done, accepted.get(&task).copied(), owes);
                (task, user, status)
            })
            .collect())
    }

    /// `user`'s status on a task they submitted at `done`.
    pub(super) async fn reviewed_status(
        &self,
        m: &Member,
        user: &str,
        task: &str,
    ) -> Result<TaskStatus, ApiError> {
        let done = self
            .s3()
            .head(&m.keys.done(task, user).map_err(bad_key)?)
            .await?
            .map_or(0, |(_, at)| at);
        let accepted = self
            .s3()
            .head(&m.keys.accepted_record(task).map_err(bad_key)?)
            .await?
            .map(|(_, at)| at);
        let owes = self.owes_rework(m, user, task).await?;
        Ok(person_status(done, accepted, owes))
    }

    /// Whether `user` owes a rework of `task`.
    pub(super) async fn owes_rework(
        &self,
        m: &Member,
        user: &str,
        task: &str,
    ) -> Result<bool, ApiError> {
        let key = m.keys.rework(user, task).map_err(bad_key)?;
        Ok(self.s3().head(&key).await?.is_some())
    }

    /// The latest review of `user`'s result of `task`.
    pub(super) async fn review_of(
        &self,
        m: &Member,
        user: &str,
        task: &str,
    ) -> Result<Option<ReviewRecord>, ApiError> {
        let key = m.keys.review(task, user).map_err(bad_key)?;
        Ok(self
            .s3()
            .get(&key)
            .await?
            .and_then(|o| serde_json::from_slice(&o.body).ok()))
    }

    /// Writes the review of a result.
    pub(super) async fn write_review(
        &self,
        m: &Member,
        task: &str,
        record: &ReviewRecord,
    ) -> Result<(), ApiError> {
        let key = m.keys.review(task, &record.user).map_err(bad_key)?;
        self.s3()
            .put(&key, "application/json", json(record)?, &Precondition::None)
            .await?;
        Ok(())
    }

    /// `GET /projects/<p>/review`: tasks with submissions waiting for a reviewer, tasks whose
    /// every slot is submitted first, then in task order.
    pub async fn review_queue(&self, m: &Member) -> Result<ReviewQueue, ApiError> {
        require_reviewer(m)?;
        let mut by_task: BTreeMap<String, Vec<PersonStatus>> = BTreeMap::new();
        for (task, user, status) in self.reviewed(m).await? {
            by_task
                .entry(task)
                .or_default()
                .push(PersonStatus { user, status });
        }
        let overlap = m.project.overlap as usize;
        // Gold tasks were reviewed once; their later results are scored, not reviewed.
        let gold = &m.project.gold.tasks;
        let mut tasks: Vec<QueueEntry> = by_task
            .into_iter()
            .filter(|(task, _)| !gold.contains(task))
            .filter(|(_, people)| people.iter().any(|p| p.status == TaskStatus::Submitted))
            .map(|(task, people)| QueueEntry {
                complete: people.len() >= overlap,
                task,
                people,
            })
            .collect();
        tasks.sort_by_key(|e| !e.complete);
        Ok(ReviewQueue { tasks })
    }

    /// `GET /projects/<p>/tasks/<t>/review`: every submitted result of the task with its
    /// review, the acceptance, and the reviewer's own copy to correct.
    pub async fn review_bundle(&self, m: &Member, task: &str) -> Result<ReviewBundle, ApiError> {
        require_reviewer(m)?;
        let manifest = m.keys.manifest(task).map_err(bad_key)?;
        if self.s3().head(&manifest).await?.is_none() {
            return Err(ApiError::NotFound(format!(
                "task {task:?} does not exist in project {:?}",
                m.keys.id()
            )));
        }
        let now = Timestamp::now();
        let mut results = Vec::new();
        for (t, user, status) in self.reviewed(m).await? {
            if t != task {
                continue;
            }
            let key = m.keys.result(task, &user).map_err(bad_key)?;
            results.push(ResultRef {
                url: self.presigner.sign_get(&key, now),
                review: self.review_of(m, &user, task).await?,
                user,
                status,
            });
        }
        let record_key = m.keys.accepted_record(task).map_err(bad_key)?;
        let accepted: Option<AcceptedRecord> = self
            .s3()
            .get(&record_key)
            .await?
            .and_then(|o| serde_json::from_slice(&o.body).ok());
        let accepted_url = match &accepted {
            Some(_) => Some(
                self.presigner
                    .sign_get(&m.keys.accepted(task).map_err(bad_key)?, now),
            ),
            None => None,
        };
        let reviewer = m.user.name().to_owned();
        let grant = self
            // No lease: a reviewer's copy is nobody's slot.
            .grant(m, &reviewer, task, 0, TaskStatus::New, String::new())
            .await?;
        Ok(ReviewBundle {
            grant,
            results,
            accepted,
            accepted_url,
        })
    }

    /// `POST /projects/<p>/tasks/<t>/reject`: sends `req.user`'s result back for rework with
    /// the comment and issues; their next task is this one.
    pub async fn reject(
        &self,
        m: &Member,
        task: &str,
        req: &RejectRequest,
    ) -> Result<ReviewRecord, ApiError> {
        require_reviewer(m)?;
        if self.submitted_slot(m, &req.user, task).await?.is_none() {
            return Err(ApiError::Conflict(format!(
                "user {:?} has not submitted task {task:?}: there is nothing to reject",
                req.user
            )));
        }
        if req.comment.trim().is_empty() && req.issues.is_empty() {
            return Err(ApiError::BadRequest(
                "say why: a rejection needs a comment or at least one issue".into(),
            ));
        }
        if let Some(bad) = req
            .issues
            .iter()
            .find(|i| i.text.trim().is_empty() || !i.x.is_finite() || !i.y.is_finite())
        {
            return Err(ApiError::BadRequest(format!(
                "issue {:?} needs a text and a finite position",
                bad.id
            )));
        }
        let before = self
            .review_of(m, &req.user, task)
            .await?
            .map_or(0, |r| r.rejections);
        let record = ReviewRecord {
            user: req.user.clone(),
            decision: Decision::Rejected,
            by: m.user.name().to_owned(),
            at: self.now().to_string(),
            comment: req.comment.clone(),
            issues: req.issues.clone(),
            rejections: before + 1,
        };
        self.write_review(m, task, &record).await?;
        let marker = m.keys.rework(&req.user, task).map_err(bad_key)?;
        self.s3()
            .put(
                &marker,
                "application/json",
                b"{}".to_vec(),
                &Precondition::None,
            )
            .await?;
        Ok(record)
    }

    /// `POST /projects/<p>/tasks/<t>/accept`: `req.from`'s result becomes the accepted one,
    /// and every submission of the task is closed as accepted.
    pub async fn accept(
        &self,
        m: &Member,
        task: &str,
        req: &AcceptRequest,
    ) -> Result<AcceptedRecord, ApiError> {
        require_reviewer(m)?;
        let source = m.keys.result(task, &req.from).map_err(bad_key)?;
        let Some(result) = self.s3().get(&source).await? else {
            return Err(ApiError::Conflict(format!(
                "no result at {source}: upload it before accepting it"
            )));
        };
        lasso_core::team::gallery::indexed_names(&result.body).map_err(|e| {
            ApiError::Conflict(format!("the result at {source} is not a Lasso task: {e}"))
        })?;
        let people: Vec<String> = self
            .reviewed(m)
            .await?
            .into_iter()
            .filter(|(t, _, _)| t == task)
            .map(|(_, u, _)| u)
            .collect();
        let at = self.now().to_string();
        let accepted = m.keys.accepted(task).map_err(bad_key)?;
        self.s3()
            .put(
                &accepted,
                "application/json",
                result.body,
                &Precondition::None,
            )
            .await?;
        let record = AcceptedRecord {
            by: m.user.name().to_owned(),
            from: req.from.clone(),
            at: at.clone(),
            people: people.clone(),
        };
        for user in &people {
            let (issues, rejections) = self
                .review_of(m, user, task)
                .await?
                .map(|r| (r.issues, r.rejections))
                .unwrap_or_default();
            let review = ReviewRecord {
                user: user.clone(),
                decision: Decision::Accepted,
                by: record.by.clone(),
                at: at.clone(),
                comment: String::new(),
                issues,
                rejections,
            };
            self.write_review(m, task, &review).await?;
            self.s3()
                .delete(&m.keys.rework(user, task).map_err(bad_key)?)
                .await?;
        }
        let record_key = m.keys.accepted_record(task).map_err(bad_key)?;
        self.s3()
            .put(
                &record_key,
                "application/json",
                json(&record)?,
                &Precondition::None,
            )
            .await?;
        Ok(record)
    }

    /// Scores `user`'s result (`body`) of gold task `task` against its accepted result and
    /// keeps the counts in `state/gold/<t>/<u>.json`.
    pub(super) async fn score_gold(
        &self,
        m: &Member,
        task: &str,
        user: &str,
        body: &[u8],
    ) -> Result<(), ApiError> {
        let reference_key = m.keys.accepted(task).map_err(bad_key)?;
        let Some(reference) = self.s3().get(&reference_key).await? else {
            return Err(ApiError::Conflict(format!(
                "gold task {task:?} has no accepted result to score against; accept it first"
            )));
        };
        let parse = |bytes: &[u8], what: &str| {
            serde_json::from_slice::<lasso_core::model::Task>(bytes)
                .map_err(|e| ApiError::Conflict(format!("{what} is not a Lasso task: {e}")))
        };
        let reference = parse(&reference.body, &reference_key)?;
        let drawn = parse(body, "the result")?;
        let score = lasso_core::quality::report::gold_score(user, &reference, &drawn);
        let key = m.keys.gold_score(task, user).map_err(bad_key)?;
        self.s3()
            .put(&key, "application/json", json(&score)?, &Precondition::None)
            .await?;
        Ok(())
    }

    /// `GET /projects/<p>/accepted`: every accepted result with a URL to read it.
    pub async fn accepted_list(&self, m: &Member) -> Result<AcceptedList, ApiError> {
        require_reviewer(m)?;
        let now = Timestamp::now();
        let mut tasks = Vec::new();
        for task in self.acceptances(m).await?.into_keys() {
            let key = m.keys.accepted(&task).map_err(bad_key)?;
            tasks.push(AcceptedEntry {
                url: self.presigner.sign_get(&key, now),
                task,
            });
        }
        Ok(AcceptedList { tasks })
    }
}
