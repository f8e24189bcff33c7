//! Giving tasks out: `next`, `open`, `renew`, and a manager's `assign` / `unassign`.
//!
//! A claim is two conditional writes: the slot's lease with `If-None-Match` (free) or
//! `If-Match` (expired), then `state/users/<u>/<t>` with `If-None-Match` (so one person never
//! keeps two slots of a task, even from two tabs at once: the second gives its slot back).
//! Losing the first write means someone else was faster; the caller moves on to the next
//! candidate, and only a fresh listing that offers nothing answers "no task left".

use std::collections::BTreeSet;

use jiff::Timestamp;
use lasso_core::ml::Ranking;
use lasso_core::team::assign::{plan_next, slot_states, Candidate, Condition, Listed};
use lasso_core::team::wire::{LeaseRecord, NextAnswer, RenewAnswer, TaskGrant, TaskStatus};

use super::{after, Member, Team};
use crate::bucket::{rfc3339_secs, Precondition, Written};
use crate::error::ApiError;

/// Rounds of "list, then try every candidate" for one named task.
const ROUNDS: usize = 4;

fn json<T: serde::Serialize>(v: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(v).map_err(|e| ApiError::Internal(format!("cannot write JSON: {e}")))
}

fn lease_body(user: &str, now: Timestamp, assigned_by: Option<&str>) -> Result<Vec<u8>, ApiError> {
    // `since` carries nanoseconds: every write of a lease has new bytes and so a new ETag,
    // which is what makes a takeover's `If-Match` lose against a renewal in between.
    json(&LeaseRecord {
        user: user.to_owned(),
        since: now.to_string(),
        assigned_by: assigned_by.map(str::to_owned),
    })
}

impl Team {
    /// Task ids of the project's manifests, in key order (kept a few seconds: manifests are
    /// added in bulk and rarely, and listing them is the largest read of a claim).
    pub(super) async fn task_ids(&self, m: &Member) -> Result<Vec<String>, ApiError> {
        if let Some(ids) = self.cached_tasks(m.keys.id()) {
            return Ok(ids);
        }
        let prefix = m.keys.tasks_prefix();
        let ids: Vec<String> = self
            .s3()
            .list(&prefix)
            .await?
            .iter()
            .filter_map(|o| m.keys.task_of_manifest(&o.key).map(str::to_owned))
            .collect();
        self.cache_tasks(m.keys.id(), &ids);
        Ok(ids)
    }

    /// Every lease and done marker of the project.
    pub(super) async fn slot_listing(&self, m: &Member) -> Result<Vec<Listed>, ApiError> {
        let prefix = m.keys.slots_prefix();
        Ok(self
            .s3()
            .list(&prefix)
            .await?
            .iter()
            .filter_map(|o| {
                let rest = o.key.strip_prefix(&prefix)?;
                Listed::parse(rest, &o.etag, rfc3339_secs(&o.last_modified)?)
            })
            .collect())
    }

    async fn given(&self, m: &Member, user: &str) -> Result<BTreeSet<String>, ApiError> {
        let prefix = m.keys.given_prefix(user).map_err(bad_key)?;
        Ok(self
            .s3()
            .list(&prefix)
            .await?
            .into_iter()
            .filter_map(|o| o.key.strip_prefix(&prefix).map(str::to_owned))
            .collect())
    }

    /// Tries to take `c` for `user`; `Ok(None)` when someone else was faster.
    async fn take(
        &self,
        m: &Member,
        user: &str,
        c: &Candidate,
        assigned_by: Option<&str>,
    ) -> Result<Option<u32>, ApiError> {
        // A free slot that was just taken may leave a later one free: try those too.
        let mut attempts = vec![(c.slot, c.condition.clone())];
        if c.condition == Condition::Create {
            attempts.extend((c.slot + 1..m.project.overlap).map(|s| (s, Condition::Create)));
        }
        for (slot, condition) in attempts {
            let key = m.keys.slot(&c.task, slot).map_err(bad_key)?;
            let pre = match condition {
                Condition::Create => Precondition::Absent,
                Condition::Replace { etag } if !etag.is_empty() => Precondition::Matches(etag),
                // Some stores list objects without their ETags: read it, so the takeover is
                // still conditional on the lease being the expired one.
                Condition::Replace { .. } => match self.s3().head(&key).await? {
                    Some((etag, _)) if !etag.is_empty() => Precondition::Matches(etag),
                    _ => continue,
                },
            };
            let body = lease_body(user, self.now(), assigned_by)?;
            if self.s3().put(&key, "application/json", body, &pre).await? == Written::Lost {
                continue;
            }
            // Won the slot; the person's marker makes sure they hold no other slot of the
            // task (two tabs asking at once): the second one gives its slot back.
            let given = m.keys.given(user, &c.task).map_err(bad_key)?;
            let mine = self
                .s3()
                .put(
                    &given,
                    "application/json",
                    b"{}".to_vec(),
                    &Precondition::Absent,
                )
                .await?;
            if mine == Written::Lost {
                self.s3().delete(&key).await?;
                return Ok(None);
            }
            let open = m.keys.open(user, &c.task, slot).map_err(bad_key)?;
            self.s3()
                .put(
                    &open,
                    "application/json",
                    b"{}".to_vec(),
                    &Precondition::None,
                )
                .await?;
            return Ok(Some(slot));
        }
        Ok(None)
    }

    /// Takes the first slot `user` may have among `tasks` (all of the project when `None`).
    async fn claim(
        &self,
        m: &Member,
        user: &str,
        only: Option<&str>,
        assigned_by: Option<&str>,
    ) -> Result<Option<(String, u32)>, ApiError> {
        let Some(task) = only else {
            return self.claim_any(m, user, assigned_by).await;
        };
        for _ in 0..ROUNDS {
            let tasks = vec![task.to_owned()];
            let now = self.now().as_second();
            let states = slot_states(&self.slots_of(m, &tasks).await?, m.project.lease_secs, now);
            let given = self.given(m, user).await?;
            let plan = plan_next(&tasks, &states, &given, m.project.overlap);
            if plan.is_empty() {
                return Ok(None);
            }
            for c in &plan {
                if let Some(slot) = self.take(m, user, c, assigned_by).await? {
                    return Ok(Some((c.task.clone(), slot)));
                }
            }
        }
        Err(ApiError::Conflict(
            "every slot offered was taken by someone else meanwhile; ask again".into(),
        ))
    }

    /// The first free slot for `user` in task order, reading the project a page of tasks at a
    /// time (with their leases only) from where this server last found one, and around to the
    /// start once before answering that nothing is left: a claim costs a few pages however
    /// many tasks are done.
    async fn claim_any(
        &self,
        m: &Member,
        user: &str,
        assigned_by: Option<&str>,
    ) -> Result<Option<(String, u32)>, ApiError> {
        let given = self.given(m, user).await?;
        if let Some(slot) = self.claim_uncertain(m, user, &given, assigned_by).await? {
            return Ok(Some(slot));
        }
        let prefix = m.keys.tasks_prefix();
        let start = self.cursor(m.keys.id());
        let mut after = start.clone();
        let mut wrapped = start.is_none();
        loop {
            let after_key = after
                .as_ref()
                .map(|t| m.keys.manifest(t))
                .transpose()
                .map_err(bad_key)?;
            let (objects, more) = self
                .s3()
                .list_range(&prefix, after_key.as_deref(), None, self.page)
                .await?;
            let tasks: Vec<String> = objects
                .iter()
                .filter_map(|o| m.keys.task_of_manifest(&o.key).map(str::to_owned))
                .collect();
            if !tasks.is_empty() {
                let now = self.now().as_second();
                let states =
                    slot_states(&self.slots_of(m, &tasks).await?, m.project.lease_secs, now);
                for c in &plan_next(&tasks, &states, &given, m.project.overlap) {
                    if let Some(slot) = self.take(m, user, c, assigned_by).await? {
                        self.set_cursor(m.keys.id(), after.clone());
                        return Ok(Some((c.task.clone(), slot)));
                    }
                }
            }
            match (more, tasks.last()) {
                (true, Some(last)) => after = Some(last.clone()),
                _ if !wrapped => {
                    after = None;
                    wrapped = true;
                }
                _ => {
                    self.set_cursor(m.keys.id(), None);
                    return Ok(None);
                }
            }
        }
    }

    /// With the project's `ml.order` and a ranking left by `lasso predict`: the first free slot
    /// among the ranked tasks, the model's least sure first; `None` otherwise (the claim then
    /// goes on in task order, which also reaches tasks the model has not seen).
    async fn claim_uncertain(
        &self,
        m: &Member,
        user: &str,
        given: &BTreeSet<String>,
        assigned_by: Option<&str>,
    ) -> Result<Option<(String, u32)>, ApiError> {
        let Some(measure) = m.project.ml.as_ref().and_then(|ml| ml.order) else {
            return Ok(None);
        };
        let ranking: Ranking = match self.s3().get(&m.keys.ml_ranking()).await? {
            Some(o) => serde_json::from_slice(&o.body).map_err(|e| {
                ApiError::Internal(format!("{} is unreadable: {e}", m.keys.ml_ranking()))
            })?,
            None => return Ok(None),
        };
        // Tasks removed since the ranking was written are not offered.
        let known: BTreeSet<String> = self.task_ids(m).await?.into_iter().collect();
        let mut ranked = ranking.order(measure);
        ranked.retain(|t| known.contains(t));
        if ranked.is_empty() {
            return Ok(None);
        }
        let now = self.now().as_second();
        let states = slot_states(&self.slot_listing(m).await?, m.project.lease_secs, now);
        for c in &plan_next(&ranked, &states, given, m.project.overlap) {
            if let Some(slot) = self.take(m, user, c, assigned_by).await? {
                return Ok(Some((c.task.clone(), slot)));
            }
        }
        Ok(None)
    }

    /// The leases and done markers of `tasks` (consecutive in key order).
    async fn slots_of(&self, m: &Member, tasks: &[String]) -> Result<Vec<Listed>, ApiError> {
        let (Some(first), Some(last)) = (tasks.first(), tasks.last()) else {
            return Ok(Vec::new());
        };
        let prefix = m.keys.slots_prefix();
        // `<first>` sorts just before `<first>/0`, `<last>/~` just after `<last>`'s slots.
        let (objects, _) = self
            .s3()
            .list_range(
                &prefix,
                Some(&format!("{prefix}{first}")),
                Some(&format!("{prefix}{last}/~")),
                usize::MAX,
            )
            .await?;
        Ok(objects
            .iter()
            .filter_map(|o| {
                let rest = o.key.strip_prefix(&prefix)?;
                Listed::parse(rest, &o.etag, rfc3339_secs(&o.last_modified)?)
            })
            .collect())
    }

    /// The slot `user` holds on `task` and its lease's ETag, if they still hold one.
    pub(super) async fn held(
        &self,
        m: &Member,
        user: &str,
        task: &str,
    ) -> Result<Option<(u32, String)>, ApiError> {
        let prefix = m.keys.open_user_prefix(user).map_err(bad_key)?;
        for o in self.s3().list(&prefix).await? {
            let Some((_, t, slot)) = m.keys.parse_open(&o.key) else {
                continue;
            };
            if t != task {
                continue;
            }
            let key = m.keys.slot(task, slot).map_err(bad_key)?;
            let done = format!("{key}.done");
            match self.s3().get(&key).await? {
                Some(obj) if lease_holder(&obj.body) == Some(user) => {
                    if self.s3().head(&done).await?.is_some() {
                        continue;
                    }
                    return Ok(Some((slot, obj.etag)));
                }
                // The lease went to someone else: forget the stale marker.
                _ => self.s3().delete(&o.key).await?,
            }
        }
        Ok(None)
    }

    /// Rewrites `user`'s lease on a slot they hold; `Conflict` if it was taken over meanwhile.
    async fn extend(
        &self,
        m: &Member,
        user: &str,
        task: &str,
        slot: u32,
        etag: &str,
    ) -> Result<String, ApiError> {
        let key = m.keys.slot(task, slot).map_err(bad_key)?;
        let now = self.now();
        let body = lease_body(user, now, None)?;
        match self
            .s3()
            .put(
                &key,
                "application/json",
                body,
                &Precondition::Matches(etag.to_owned()),
            )
            .await?
        {
            Written::Yes(_) => Ok(after(now, m.project.lease_secs)),
            Written::Lost => Err(lease_lost(task)),
        }
    }

    /// The grant of a task `user` holds (or held, with `status`).
    pub(super) async fn grant(
        &self,
        m: &Member,
        user: &str,
        task: &str,
        slot: u32,
        status: TaskStatus,
        lease_until: String,
    ) -> Result<TaskGrant, ApiError> {
        // URLs are signed at the real time, whatever clock judges leases.
        let now = Timestamp::now();
        let manifest_key = m.keys.manifest(task).map_err(bad_key)?;
        let result_key = m.keys.result(task, user).map_err(bad_key)?;
        let result = self.s3().head(&result_key).await?;
        Ok(TaskGrant {
            project: m.keys.id().to_owned(),
            task: task.to_owned(),
            slot,
            manifest_url: self.presigner.sign_get(&manifest_key, now),
            manifest_key,
            result_url: result
                .as_ref()
                .map(|_| self.presigner.sign_get(&result_key, now)),
            result_modified: result.map(|(_, secs)| super::rfc3339(secs)),
            result_key,
            status,
            lease_until,
            lease_secs: m.project.lease_secs,
            review: None,
        })
    }

    /// `POST /projects/<p>/next`: the task the caller is working on, else a new one.
    pub async fn next(&self, m: &Member) -> Result<NextAnswer, ApiError> {
        require_annotator(m)?;
        let user = m.user.name().to_owned();
        // Resume first: a person holds at most a few tasks at once.
        let prefix = m.keys.open_user_prefix(&user).map_err(bad_key)?;
        let mut open: Vec<String> = self
            .s3()
            .list(&prefix)
            .await?
            .iter()
            .filter_map(|o| m.keys.parse_open(&o.key).map(|(_, t, _)| t.to_owned()))
            .collect();
        open.dedup();
        for task in open {
            if let Some(grant) = self.resume(m, &user, &task).await? {
                return Ok(NextAnswer { task: Some(grant) });
            }
        }
        // Then work sent back by a reviewer, before anything new.
        let reworks = m.keys.rework_user_prefix(&user).map_err(bad_key)?;
        if let Some(task) = self
            .s3()
            .list(&reworks)
            .await?
            .iter()
            .find_map(|o| m.keys.parse_rework(&o.key).map(|(_, t)| t.to_owned()))
        {
            return Ok(NextAnswer {
                task: Some(self.rework_grant(m, &user, &task).await?),
            });
        }
        let claimed = match self.claim_gold(m, &user).await? {
            Some(gold) => Some(gold),
            None => self.claim(m, &user, None, None).await?,
        };
        let Some((task, slot)) = claimed else {
            return Ok(NextAnswer { task: None });
        };
        let until = after(self.now(), m.project.lease_secs);
        let grant = self
            .grant(m, &user, &task, slot, TaskStatus::InProgress, until)
            .await?;
        Ok(NextAnswer { task: Some(grant) })
    }

    /// A gold task for `user` when one is due ([`lasso_core::team::project::Gold::due`]) and
    /// one they never had is left: a slot above the overlap (gold tasks go to everyone, once
    /// each), claimed like any other. The grant looks like any other task's.
    async fn claim_gold(&self, m: &Member, user: &str) -> Result<Option<(String, u32)>, ApiError> {
        let gold = &m.project.gold;
        if gold.tasks.is_empty() {
            return Ok(None);
        }
        let given = self.given(m, user).await?;
        if !gold.due(given.len() as u64 + 1) {
            return Ok(None);
        }
        for task in gold.tasks.iter().filter(|t| !given.contains(*t)) {
            // The first free slot above the overlap; a few tries cover people claiming at once.
            let taken: BTreeSet<u32> = self
                .slots_of(m, std::slice::from_ref(task))
                .await?
                .iter()
                .map(|l| l.slot)
                .collect();
            let mut slot = m.project.overlap;
            for _ in 0..8 {
                while taken.contains(&slot) {
                    slot += 1;
                }
                let c = Candidate {
                    task: task.clone(),
                    slot,
                    condition: Condition::Create,
                };
                if let Some(slot) = self.take(m, user, &c, None).await? {
                    return Ok(Some((task.clone(), slot)));
                }
                slot += 1;
            }
        }
        Ok(None)
    }

    /// The grant of a task `user` must rework, with the review that sent it back.
    async fn rework_grant(
        &self,
        m: &Member,
        user: &str,
        task: &str,
    ) -> Result<TaskGrant, ApiError> {
        let slot = self.submitted_slot(m, user, task).await?.unwrap_or(0);
        let mut grant = self
            .grant(m, user, task, slot, TaskStatus::Rework, String::new())
            .await?;
        grant.review = self.review_of(m, user, task).await?;
        Ok(grant)
    }

    async fn resume(
        &self,
        m: &Member,
        user: &str,
        task: &str,
    ) -> Result<Option<TaskGrant>, ApiError> {
        let Some((slot, etag)) = self.held(m, user, task).await? else {
            return Ok(None);
        };
        match self.extend(m, user, task, slot, &etag).await {
            Ok(until) => Ok(Some(
                self.grant(m, user, task, slot, TaskStatus::InProgress, until)
                    .await?,
            )),
            Err(ApiError::Conflict(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `POST /projects/<p>/tasks/<t>/open`: the caller's task `t` — resumed if they hold it,
    /// shown as submitted if they submitted it, else claimed if a slot is free for them.
    pub async fn open(&self, m: &Member, task: &str) -> Result<TaskGrant, ApiError> {
        require_annotator(m)?;
        let user = m.user.name().to_owned();
        let manifest = m.keys.manifest(task).map_err(bad_key)?;
        if self.s3().head(&manifest).await?.is_none() {
            return Err(ApiError::NotFound(format!(
                "task {task:?} does not exist in project {:?}",
                m.keys.id()
            )));
        }
        if let Some(grant) = self.resume(m, &user, task).await? {
            return Ok(grant);
        }
        if let Some(slot) = self.submitted_slot(m, &user, task).await? {
            let status = self.reviewed_status(m, &user, task).await?;
            if status == TaskStatus::Rework {
                return self.rework_grant(m, &user, task).await;
            }
            return self
                .grant(m, &user, task, slot, status, String::new())
                .await;
        }
        match self.claim(m, &user, Some(task), None).await? {
            Some((task, slot)) => {
                let until = after(self.now(), m.project.lease_secs);
                self.grant(m, &user, &task, slot, TaskStatus::InProgress, until)
                    .await
            }
            None => Err(ApiError::Conflict(format!(
                "task {task:?} has no slot left for user {user:?}: {} annotator(s) have it already",
                m.project.overlap
            ))),
        }
    }

    /// `POST /projects/<p>/tasks/<t>/renew`: extends the caller's lease.
    pub async fn renew(&self, m: &Member, task: &str) -> Result<RenewAnswer, ApiError> {
        let user = m.user.name().to_owned();
        let (slot, etag) = self
            .held(m, &user, task)
            .await?
            .ok_or_else(|| lease_lost(task))?;
        let lease_until = self.extend(m, &user, task, slot, &etag).await?;
        Ok(RenewAnswer { lease_until })
    }

    /// `POST /projects/<p>/assign`: a manager gives `task` to `user`.
    pub async fn assign(&self, m: &Member, task: &str, user: &str) -> Result<TaskGrant, ApiError> {
        require_manager(m)?;
        lasso_core::cloud::keys::check_segment(user)
            .map_err(|why| ApiError::BadRequest(format!("user {user:?}: {why}")))?;
        if self.held(m, user, task).await?.is_some() {
            return Err(ApiError::Conflict(format!(
                "user {user:?} holds task {task:?} already"
            )));
        }
        let Some((task, slot)) = self.claim(m, user, Some(task), Some(m.user.name())).await? else {
            return Err(ApiError::Conflict(format!(
                "task {task:?} has no free slot for user {user:?}"
            )));
        };
        let until = after(self.now(), m.project.lease_secs);
        self.grant(m, user, &task, slot, TaskStatus::InProgress, until)
            .await
    }

    /// `POST /projects/<p>/unassign`: a manager takes `task` back from `user`; the slot returns
    /// to the pool and the person may be given the task again. Their result stays.
    pub async fn unassign(&self, m: &Member, task: &str, user: &str) -> Result<(), ApiError> {
        require_manager(m)?;
        let (slot, _) = self.held(m, user, task).await?.ok_or_else(|| {
            ApiError::Conflict(format!("user {user:?} does not hold task {task:?}"))
        })?;
        self.s3()
            .delete(&m.keys.slot(task, slot).map_err(bad_key)?)
            .await?;
        self.s3()
            .delete(&m.keys.open(user, task, slot).map_err(bad_key)?)
            .await?;
        self.s3()
            .delete(&m.keys.given(user, task).map_err(bad_key)?)
            .await?;
        Ok(())
    }
}

/// Who holds a lease, from its body.
pub(super) fn lease_holder(body: &[u8]) -> Option<&str> {
    // Borrowed parse: the user name is plain ASCII (a key segment), never escaped.
    #[derive(serde::Deserialize)]
    struct Holder<'a> {
        user: &'a str,
    }
    serde_json::from_slice::<Holder<'_>>(body)
        .ok()
        .map(|h| h.user)
}

pub(super) fn bad_key(e: lasso_core::cloud::keys::KeyError) -> ApiError {
    ApiError::BadRequest(e.to_string())
}

fn lease_lost(task: &str) -> ApiError {
    ApiError::Conflict(format!(
        "you no longer hold task {task:?}: the lease expired and the task went back to the pool (your result stays in the bucket)"
    ))
}

fn require_annotator(m: &Member) -> Result<(), ApiError> {
    if m.roles.may_annotate() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "user {:?} is not an annotator of project {:?}",
            m.user.name(),
            m.keys.id()
        )))
    }
}

pub(super) fn require_manager(m: &Member) -> Result<(), ApiError> {
    if m.roles.may_manage() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "user {:?} is not a manager of project {:?}",
            m.user.name(),
            m.keys.id()
        )))
    }
}
