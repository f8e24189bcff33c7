//! Bodies of the team endpoints (`docs/team.md`): projects, next task, lease renewal,
//! submission, status and progress. One definition for the browser client and the server.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::project::Project;
use super::roles::Roles;

/// A project the caller belongs to, as `GET /projects` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectEntry {
    /// The project id (its prefix in the bucket).
    pub id: String,
    /// Its title.
    pub title: String,
    /// The caller's roles in it.
    pub roles: Roles,
}

/// `GET /projects` answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectList {
    /// Who the caller is.
    pub user: String,
    /// The projects they belong to, by id.
    pub projects: Vec<ProjectEntry>,
}

/// `GET /projects/<p>` answer: the project and the caller's place in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProjectAnswer {
    /// The project id.
    pub id: String,
    /// Who the caller is.
    pub user: String,
    /// The caller's roles in it.
    pub roles: Roles,
    /// `project.json`.
    pub project: Project,
}

/// Where a task stands for one annotator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Not given to this person.
    New,
    /// Given and being worked on (the lease is held).
    InProgress,
    /// Submitted.
    Submitted,
    /// Accepted by a reviewer.
    Accepted,
    /// Rejected by a reviewer, waiting for rework.
    Rejected,
    /// Given back to the annotator after a rejection.
    Rework,
}

impl TaskStatus {
    /// The name used on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::New => "new",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::Submitted => "submitted",
            TaskStatus::Accepted => "accepted",
            TaskStatus::Rejected => "rejected",
            TaskStatus::Rework => "rework",
        }
    }
}

/// A task handed to the caller: answer of `next`, `open` and `assign`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskGrant {
    /// The project.
    pub project: String,
    /// The task id.
    pub task: String,
    /// The caller's slot (0-based, below the overlap).
    pub slot: u32,
    /// Key of the task manifest.
    pub manifest_key: String,
    /// A presigned `GET` of the manifest.
    pub manifest_url: String,
    /// Where the caller's result goes.
    pub result_key: String,
    /// A presigned `GET` of the caller's result when one is in the bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_url: Option<String>,
    /// When the caller's result was last written (RFC 3339), if it exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_modified: Option<String>,
    /// The caller's status on this task.
    pub status: TaskStatus,
    /// End of the lease (RFC 3339); renew before it.
    pub lease_until: String,
    /// Length of the lease in seconds (renew at a third of it).
    pub lease_secs: u64,
    /// The review that sent the task back, when it is given for rework.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<super::review::ReviewRecord>,
}

/// `next` answer: a task, or none left for this person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NextAnswer {
    /// The task given, or `None` when nothing is left for the caller.
    pub task: Option<TaskGrant>,
}

/// `renew` answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewAnswer {
    /// New end of the lease (RFC 3339).
    pub lease_until: String,
}

/// `submit` body.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitRequest {
    /// Time the person actively worked on the task, in milliseconds (idle time excluded).
    #[serde(default)]
    pub active_ms: u64,
    /// Issues of the review that sent it back which the person resolved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resolved: Vec<String>,
}

/// What `state/slots/<t>/<n>.done` holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoneRecord {
    /// Who submitted.
    pub user: String,
    /// When (RFC 3339).
    pub at: String,
    /// Active time in milliseconds.
    #[serde(default)]
    pub active_ms: u64,
    /// The slot submitted.
    #[serde(default)]
    pub slot: u32,
    /// Classes present in the submitted result (so a later submission can retire index
    /// entries it no longer has).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
    /// Image tags of the submitted result.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// What a lease object `state/slots/<t>/<n>` holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseRecord {
    /// Who holds the slot.
    pub user: String,
    /// When they were given it (RFC 3339).
    pub since: String,
    /// Who gave it (a manager), when it was assigned rather than claimed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_by: Option<String>,
}

/// `status` answer: one task for one person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusAnswer {
    /// The task.
    pub task: String,
    /// The person.
    pub user: String,
    /// Their status on it.
    pub status: TaskStatus,
    /// Their slot, when they have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot: Option<u32>,
    /// End of the lease while in progress (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_until: Option<String>,
}

/// `assign` and `unassign` body (managers).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignRequest {
    /// The task.
    pub task: String,
    /// The person.
    pub user: String,
}

/// One annotator's figures in a progress report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AnnotatorProgress {
    /// Tasks they hold now.
    pub in_progress: u64,
    /// Tasks they submitted.
    pub submitted: u64,
    /// Submissions per hour between their first and last submission (0 with fewer than two).
    pub tasks_per_hour: f64,
    /// Mean active time per submitted task, in milliseconds.
    pub mean_active_ms: f64,
}

/// `progress` answer (managers): the project by status and by annotator.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Tasks in the project.
    pub tasks: u64,
    /// Slots in the project (tasks × overlap).
    pub slots: u64,
    /// Slots by status: `new`, `in_progress`, `submitted` (expired leases count as `new`).
    pub by_status: BTreeMap<String, u64>,
    /// Tasks all of whose slots are submitted.
    pub complete_tasks: u64,
    /// Per annotator.
    pub annotators: BTreeMap<String, AnnotatorProgress>,
}

/// Query of the gallery: every filter given must hold (all empty: every task).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GalleryQuery {
    /// Someone's status on the task (`new`: nobody has it yet).
    #[serde(default)]
    pub status: Option<TaskStatus>,
    /// The task was given to this person.
    #[serde(default)]
    pub annotator: Option<String>,
    /// A submitted result holds this class.
    #[serde(default)]
    pub class: Option<String>,
    /// A submitted result carries this image tag.
    #[serde(default)]
    pub tag: Option<String>,
    /// First entry of the page.
    #[serde(default)]
    pub offset: usize,
    /// Entries per page (at most 500; 100 when absent).
    #[serde(default)]
    pub limit: Option<usize>,
}

/// One person's status on a task, in the gallery.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonStatus {
    /// Who.
    pub user: String,
    /// Their status.
    pub status: TaskStatus,
}

/// One task of the gallery.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GalleryEntry {
    /// The task.
    pub task: String,
    /// Its image key.
    pub image: String,
    /// A presigned `GET` of the image (the browser scales it down).
    pub image_url: String,
    /// Everyone's status on it.
    pub people: Vec<PersonStatus>,
}

/// `gallery` answer: one page of the matching tasks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GalleryPage {
    /// How many tasks match in all.
    pub total: usize,
    /// The page's first entry.
    pub offset: usize,
    /// The page.
    pub entries: Vec<GalleryEntry>,
}

/// Query of `GET /projects/<p>/sources`: the rules that pick each task's results, in order
/// (`accepted,latest` when absent), as `lasso pull --choose` takes them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourcesQuery {
    /// Comma-separated [`crate::dataset::Choice`]s.
    #[serde(default)]
    pub choose: Option<String>,
}

/// The policy a [`SourcesQuery`] names; the error names the rule at fault.
pub fn sources_policy(q: &SourcesQuery) -> Result<Vec<crate::dataset::Choice>, String> {
    q.choose
        .as_deref()
        .unwrap_or("accepted,latest")
        .split(',')
        .map(str::parse)
        .collect()
}

/// One result a task's entry takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    /// Whose it is (`accepted` for the accepted result).
    pub from: String,
    /// A presigned `GET` of it.
    pub url: String,
}

/// One task of the project as a dataset would take it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskSources {
    /// The task.
    pub task: String,
    /// A presigned `GET` of its manifest (image and any pre-annotations).
    pub manifest_url: String,
    /// The rule that took its results; `None` when no rule applies (nobody's result yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken: Option<crate::dataset::Choice>,
    /// The results taken (several for a consensus).
    pub results: Vec<SourceRef>,
}

/// `GET /projects/<p>/sources` answer: every task of the project with the results the policy
/// takes, for the health page and exports of the whole project (reviewers, managers).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectSources {
    /// The rules applied, in order.
    pub policy: Vec<crate::dataset::Choice>,
    /// Every task, by id.
    pub tasks: Vec<TaskSources>,
}
