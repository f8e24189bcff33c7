//! The team's controllers (the project, its tasks, review, the quality report) load from the
//! `team` chunk the first time a project is used, so a labeller outside a team never downloads
//! them. The rest of the editor asks them through [`call`]: a [`Call`] in, a [`Reply`] out.
//! JS answers come back as JSON text, so their writers stay in the chunk too.

use super::{review, team, Runtime};
use lasso_core::model::Task;
use lasso_core::team::review::Issue;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// A request to the team's controllers.
#[derive(Clone, Debug)]
pub enum Call {
    /// Reads the project (see `team::start`).
    Start(String),
    /// Opens the next task for this person: [`Reply::Id`].
    Next,
    /// Opens task `id` of the project.
    Open(String),
    /// Submits the open task: [`Reply::Json`] of the status answer.
    Submit,
    /// This person's status on the open task: [`Reply::Json`].
    Status,
    /// The project's progress (managers): [`Reply::Json`].
    Progress,
    /// Gives `task` to `user` (`give`) or takes it back (managers).
    Assign {
        /// The task id.
        task: String,
        /// The person.
        user: String,
        /// Give (true) or take back (false).
        give: bool,
    },
    /// The review queue: [`Reply::Json`].
    Queue,
    /// Opens task `id` for review.
    OpenReview(String),
    /// Accepts the task under review: [`Reply::Json`] of the record.
    Accept,
    /// Sends a result back for rework: [`Reply::Json`] of the review.
    Reject {
        /// What the reviewer says.
        comment: String,
        /// Whose result (default: the one chosen in the panel).
        user: Option<String>,
        /// The issues (default: those pinned in the panel).
        issues: Option<Vec<Issue>>,
    },
    /// The project's quality report (managers): [`Reply::Json`].
    Quality,
    /// Every accepted result of the project: [`Reply::Tasks`].
    Accepted,
}

/// What a [`Call`] answers.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// Done; nothing to say.
    Done,
    /// The id of the task opened, `None` when nothing is left.
    Id(Option<String>),
    /// An answer for the host page, as JSON text.
    Json(String),
    /// Tasks read from the bucket.
    Tasks(Vec<Task>),
}

impl Reply {
    /// The id a [`Call::Next`] answers.
    pub fn into_id(self) -> Result<Option<String>, String> {
        match self {
            Reply::Id(id) => Ok(id),
            other => Err(unexpected(&other)),
        }
    }

    /// The JSON text a call for the host page answers.
    pub fn into_json(self) -> Result<String, String> {
        match self {
            Reply::Json(text) => Ok(text),
            other => Err(unexpected(&other)),
        }
    }

    /// The tasks a [`Call::Accepted`] answers.
    pub fn into_tasks(self) -> Result<Vec<Task>, String> {
        match self {
            Reply::Tasks(tasks) => Ok(tasks),
            other => Err(unexpected(&other)),
        }
    }
}

/// An internal mismatch between a call and its reply, as an error rather than a panic.
fn unexpected(reply: &Reply) -> String {
    let kind = match reply {
        Reply::Done => "nothing",
        Reply::Id(_) => "a task id",
        Reply::Json(_) => "JSON",
        Reply::Tasks(_) => "tasks",
    };
    format!(
        "internal error: the team's controllers answered {kind} to a call that expects otherwise"
    )
}

/// A call under way, made in the chunk.
type Pending = Pin<Box<dyn Future<Output = Result<Reply, String>>>>;

crate::on_demand::split! {
    team;
    /// Starts `call` in the team chunk.
    fn calling(runtime: Rc<Runtime>, call: Call) -> Result<Pending, crate::on_demand::NotLoaded> {
        Ok(Box::pin(async move { run(&runtime, call).await }))
    }
}

/// Runs `call`, fetching the team chunk first if it is not in yet.
pub async fn call(runtime: &Rc<Runtime>, call: Call) -> Result<Reply, String> {
    calling(Rc::clone(runtime), call)
        .await
        .map_err(|_| runtime.part_unavailable())?
        .await
}

/// `value` as JSON text.
fn json<T: serde::Serialize>(value: &T) -> Result<Reply, String> {
    serde_json::to_string(value)
        .map(Reply::Json)
        .map_err(|e| e.to_string())
}

async fn run(runtime: &Rc<Runtime>, call: Call) -> Result<Reply, String> {
    match call {
        Call::Start(project) => team::start(runtime, project).await.map(|()| Reply::Done),
        Call::Next => team::next_task(runtime).await.map(Reply::Id),
        Call::Open(id) => team::open_project_task(runtime, &id)
            .await
            .map(|()| Reply::Done),
        Call::Submit => json(&team::submit(runtime).await?),
        Call::Status => json(&team::status(runtime).await?),
        Call::Progress => {
            let (cloud, project) = (
                team::cloud_of(runtime)?,
                team::team_of(runtime)?.project.clone(),
            );
            crate::cloud::team::progress(&cloud, &project)
                .await
                .map(Reply::Json)
                .map_err(|e| e.message)
        }
        Call::Assign { task, user, give } => {
            let (cloud, project) = (
                team::cloud_of(runtime)?,
                team::team_of(runtime)?.project.clone(),
            );
            crate::cloud::team::assign(&cloud, &project, &task, &user, give)
                .await
                .map(|()| Reply::Done)
                .map_err(|e| e.message)
        }
        Call::Queue => json(&review::load_queue(runtime).await?),
        Call::OpenReview(id) => review::open_review(runtime, &id)
            .await
            .map(|()| Reply::Done),
        Call::Accept => json(&review::accept(runtime).await?),
        Call::Reject {
            comment,
            user,
            issues,
        } => json(&review::reject(runtime, &comment, user, issues).await?),
        Call::Quality => {
            let (cloud, team) = (team::cloud_of(runtime)?, team::team_of(runtime)?);
            let report = crate::cloud::review::quality(&cloud, &team.project)
                .await
                .map_err(|e| e.message)?;
            json(&report)
        }
        Call::Accepted => review::accepted_tasks(runtime).await.map(Reply::Tasks),
    }
}
