//! The team endpoints over the bucket: projects and their members, "next task" with leases,
//! submission, status and progress (`docs/team.md`).
//!
//! Stateless like the presigner: every fact lives in the bucket under the project's `state/`
//! (`lasso_core::team::layout`), and every claim is a conditional write there, so any number
//! of server instances (or Lambdas) may run side by side. The only memory kept is a few seconds
//! of `project.json` and of the task list per project, so a burst of presigns or claims does
//! not read them for every request.

mod claim;
mod gallery;
mod ml_relay;
mod quality;
mod report;
mod review;
mod sources;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use lasso_core::team::layout::{check_project_id, classify};
use lasso_core::team::wire::{ProjectAnswer, ProjectEntry, ProjectList};
use lasso_core::team::{Project, ProjectKeys, Roles};

use crate::bucket::BucketClient;
use crate::error::ApiError;
use crate::keys::User;
use crate::presign::Presigner;

/// How long a read `project.json` or task list is trusted before it is read again.
const PROJECT_TTL: Duration = Duration::from_secs(5);

/// The team service of one bucket.
pub struct Team {
    presigner: Presigner,
    projects: Mutex<HashMap<String, (Instant, Option<Project>)>>,
    tasks: Mutex<HashMap<String, (Instant, Vec<String>)>>,
    cursors: Mutex<HashMap<String, (Instant, Option<String>)>>,
    clock: fn() -> Timestamp,
    page: usize,
}

/// How long a claim starts where the last one found a free slot, before it looks from the
/// start again (for tasks that came back to the pool earlier in the order).
const CURSOR_TTL: Duration = Duration::from_secs(60);

/// A member inside one project: who, with which roles, and the project's keys and settings.
pub struct Member {
    /// The user with their roles in this project merged in.
    pub user: User,
    /// Their roles here.
    pub roles: Roles,
    /// The project's keys.
    pub keys: ProjectKeys,
    /// `project.json`.
    pub project: Project,
}

/// Seconds since the epoch as RFC 3339.
pub fn rfc3339(secs: i64) -> String {
    Timestamp::from_second(secs)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// The current time plus `secs`, as RFC 3339.
fn after(now: Timestamp, secs: u64) -> String {
    let secs = i64::try_from(secs).unwrap_or(i64::MAX);
    now.checked_add(SignedDuration::from_secs(secs))
        .unwrap_or(now)
        .to_string()
}

impl Team {
    /// The service over the presigner's bucket.
    pub fn new(presigner: Presigner) -> Team {
        Team::with_clock(presigner, Timestamp::now)
    }

    /// The service with another clock (tests move it past a lease instead of waiting).
    pub fn with_clock(presigner: Presigner, clock: fn() -> Timestamp) -> Team {
        Team {
            presigner,
            projects: Mutex::new(HashMap::new()),
            tasks: Mutex::new(HashMap::new()),
            cursors: Mutex::new(HashMap::new()),
            clock,
            page: 1000,
        }
    }

    /// This service reading `tasks` tasks per page when it looks for a free slot (tests use
    /// small pages to cross page borders with few tasks).
    pub fn with_page(mut self, tasks: usize) -> Team {
        self.page = tasks.max(1);
        self
    }

    fn now(&self) -> Timestamp {
        (self.clock)()
    }

    /// The task after which claims in `project` start looking (`None`: from the start).
    fn cursor(&self, project: &str) -> Option<String> {
        let cursors = self.cursors.lock().ok()?;
        let (at, after) = cursors.get(project)?;
        (at.elapsed() < CURSOR_TTL).then(|| after.clone()).flatten()
    }

    fn set_cursor(&self, project: &str, after: Option<String>) {
        if let Ok(mut cursors) = self.cursors.lock() {
            let keep_age = cursors
                .get(project)
                .filter(|(at, old)| *old == after && at.elapsed() < CURSOR_TTL)
                .map(|(at, _)| *at);
            cursors.insert(
                project.to_owned(),
                (keep_age.unwrap_or_else(Instant::now), after),
            );
        }
    }

    fn cached_tasks(&self, project: &str) -> Option<Vec<String>> {
        let cache = self.tasks.lock().ok()?;
        let (at, ids) = cache.get(project)?;
        (at.elapsed() < PROJECT_TTL).then(|| ids.clone())
    }

    fn cache_tasks(&self, project: &str, ids: &[String]) {
        if let Ok(mut cache) = self.tasks.lock() {
            cache.insert(project.to_owned(), (Instant::now(), ids.to_vec()));
        }
    }

    fn s3(&self) -> &BucketClient {
        self.presigner.s3()
    }

    /// `project.json` of `id`, or `None` if the project does not exist (cached briefly).
    pub async fn load(&self, id: &str) -> Result<Option<Project>, ApiError> {
        let keys = ProjectKeys::new(id).map_err(ApiError::BadRequest)?;
        if let Ok(cache) = self.projects.lock() {
            if let Some((at, p)) = cache.get(id) {
                if at.elapsed() < PROJECT_TTL {
                    return Ok(p.clone());
                }
            }
        }
        let project =
            match self.s3().get(&keys.project_json()).await? {
                None => None,
                Some(obj) => Some(Project::parse(&obj.body).map_err(|e| {
                    ApiError::Internal(format!("project {id:?} is unreadable: {e}"))
                })?),
            };
        // Only a project that exists is kept: one created a moment ago (through a presigned
        // PUT of its project.json) is seen at once.
        if let (Ok(mut cache), Some(_)) = (self.projects.lock(), &project) {
            cache.insert(id.to_owned(), (Instant::now(), project.clone()));
        }
        Ok(project)
    }

    /// Writes `project.json` (seeding, and managers through the API) and forgets the cached copy.
    pub async fn store(&self, id: &str, project: &Project) -> Result<(), ApiError> {
        let keys = ProjectKeys::new(id).map_err(ApiError::BadRequest)?;
        project.check().map_err(ApiError::BadRequest)?;
        let body = serde_json::to_vec_pretty(project)
            .map_err(|e| ApiError::Internal(format!("cannot write project.json: {e}")))?;
        self.s3()
            .put(
                &keys.project_json(),
                "application/json",
                body,
                &crate::bucket::Precondition::None,
            )
            .await?;
        if let Ok(mut cache) = self.projects.lock() {
            cache.remove(id);
        }
        Ok(())
    }

    /// `user` as a member of project `id`, or why not: 404 for a project that does not exist,
    /// 403 for one they do not belong to (the same answer whether or not it exists would hide
    /// names, but members need the difference to report a typo).
    pub async fn member(&self, user: &User, id: &str) -> Result<Member, ApiError> {
        check_project_id(id).map_err(ApiError::BadRequest)?;
        let project = self
            .load(id)
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("project {id:?} does not exist")))?;
        let user = user
            .clone()
            .with_project(id, project.member_roles(user.name()));
        let roles = user.roles_in(id);
        if roles.is_empty() {
            return Err(ApiError::Forbidden(format!(
                "user {:?} is not a member of project {id:?}",
                user.name()
            )));
        }
        let keys = ProjectKeys::new(id).map_err(ApiError::BadRequest)?;
        Ok(Member {
            user,
            roles,
            keys,
            project,
        })
    }

    /// `user` with the member roles of the project `key` lies in, for the presign policy.
    pub async fn user_for_key(&self, user: &User, key: &str) -> Result<User, ApiError> {
        match classify(key).0 {
            Some(p) if check_project_id(p).is_ok() => match self.load(p).await? {
                Some(project) => Ok(user
                    .clone()
                    .with_project(p, project.member_roles(user.name()))),
                None => Ok(user.clone()),
            },
            _ => Ok(user.clone()),
        }
    }

    /// `GET /projects`: the projects `user` belongs to.
    pub async fn list(&self, user: &User) -> Result<ProjectList, ApiError> {
        let mut projects = Vec::new();
        for prefix in self.s3().list_prefixes("").await? {
            let id = prefix.trim_end_matches('/');
            if check_project_id(id).is_err() {
                continue;
            }
            let Some(project) = self.load(id).await? else {
                continue;
            };
            let roles = user
                .clone()
                .with_project(id, project.member_roles(user.name()))
                .roles_in(id);
            if !roles.is_empty() {
                projects.push(ProjectEntry {
                    id: id.to_owned(),
                    title: project.title.clone(),
                    roles,
                });
            }
        }
        Ok(ProjectList {
            user: user.name().to_owned(),
            projects,
        })
    }

    /// `GET /projects/<p>`: the project and the caller's roles.
    pub async fn describe(&self, user: &User, id: &str) -> Result<ProjectAnswer, ApiError> {
        let m = self.member(user, id).await?;
        let mut project = m.project;
        // The model backend's token is for the server's relay; only managers, who edit the
        // project, see it.
        if !m.roles.may_manage() {
            if let Some(ml) = project.ml.as_mut() {
                ml.token = None;
            }
        }
        Ok(ProjectAnswer {
            id: id.to_owned(),
            user: m.user.name().to_owned(),
            roles: m.roles,
            project,
        })
    }

    /// `PUT /projects/<p>`: a manager replaces `project.json` (checked first).
    pub async fn update(
        &self,
        user: &User,
        id: &str,
        project: &Project,
    ) -> Result<ProjectAnswer, ApiError> {
        let m = self.member(user, id).await?;
        if !m.roles.may_manage() {
            return Err(ApiError::Forbidden(format!(
                "user {:?} may not edit project {id:?} (needs the manager role)",
                m.user.name()
            )));
        }
        self.store(id, project).await?;
        self.describe(user, id).await
    }
}
