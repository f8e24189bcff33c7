//! Review in a project: the queue of submitted work; a task opened for review with every
//! annotator's result as a layer over the image, their disagreements and the image's agreement
//! figures; the reviewer's own copy to correct (journaled and uploaded like any result);
//! issues pinned to points or shapes; accept or reject.

use super::team::{cloud_of, open_grant, parse_task, team_of, wait_uploaded};
use super::Runtime;
use crate::cloud::review as api;
use crate::events::EventName;
use lasso_core::geometry::covers;
use lasso_core::model::{Point, Task};
use lasso_core::quality::{consensus, image_agreement, ConsensusOptions, ImageAgreement};
use lasso_core::team::merge::ops_to;
use lasso_core::team::review::{
    next_issue_id, AcceptRequest, AcceptedRecord, Issue, RejectRequest, ReviewQueue, ReviewRecord,
};
use lasso_core::team::wire::TaskStatus;
use leptos::prelude::*;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// IoU at which two annotators' shapes are the same object.
pub const MATCH_IOU: f64 = 0.5;
/// IoU below which a match is shown as a disagreement.
pub const STRICT_IOU: f64 = 0.8;
/// Layer colours, one per annotator in order (distinct hues that read on photos).
const LAYER_COLORS: [&str; 6] = [
    "#ff8c00", "#00bfff", "#ff4fd8", "#7cfc00", "#ffd700", "#b388ff",
];

/// One annotator's result shown over the image.
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    /// Whose.
    pub user: String,
    /// Their result.
    pub task: Task,
    /// Their status.
    pub status: TaskStatus,
    /// The latest review of it.
    pub review: Option<ReviewRecord>,
    /// Shown.
    pub visible: bool,
    /// Its colour.
    pub color: String,
}

/// A point clicked with the pin tool, waiting for its text.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingPin {
    /// Where, in image pixels.
    pub at: Point,
    /// The shape of the rejected person's layer under it.
    pub annotation: Option<String>,
}

/// What the review panel and overlay show.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReviewView {
    /// The queue, once read.
    pub queue: Option<ReviewQueue>,
    /// The task under review.
    pub task: Option<String>,
    /// Every submitted result.
    pub layers: Vec<Layer>,
    /// How they agree on this image.
    pub agreement: Option<ImageAgreement>,
    /// Whose result a rejection sends back (and pins attach to).
    pub target: Option<String>,
    /// Issues drafted for the rejection.
    pub issues: Vec<Issue>,
    /// The next click on the image pins an issue.
    pub pinning: bool,
    /// A pin placed, waiting for its text.
    pub pending: Option<PendingPin>,
    /// The task's acceptance, if any.
    pub accepted: Option<AcceptedRecord>,
    /// A request is in flight.
    pub busy: bool,
}

impl ReviewView {
    /// Whether a task is open for review.
    pub fn active(&self) -> bool {
        self.task.is_some()
    }
}

/// Reads the review queue into the panel and answers it.
pub async fn load_queue(runtime: &Rc<Runtime>) -> Result<ReviewQueue, String> {
    let (team, cloud) = (team_of(runtime)?, cloud_of(runtime)?);
    let queue = api::queue(&cloud, &team.project)
        .await
        .map_err(|e| runtime.say("review.queue_failed", &[("error", &e)]))?;
    runtime
        .review_view
        .update(|v| v.queue = Some(queue.clone()));
    Ok(queue)
}

/// Opens task `id` for review: every result as a layer, the reviewer's copy to correct (their
/// earlier copy, else the accepted result, else the first result).
pub async fn open_review(runtime: &Rc<Runtime>, id: &str) -> Result<(), String> {
    let (team, cloud) = (team_of(runtime)?, cloud_of(runtime)?);
    runtime.review_view.update(|v| v.busy = true);
    let opened = async {
        let bundle = api::bundle(&cloud, &team.project, id)
            .await
            .map_err(|e| runtime.say("review.open_failed", &[("task", &id), ("error", &e)]))?;
        let mut layers = Vec::with_capacity(bundle.results.len());
        for (i, r) in bundle.results.iter().enumerate() {
            let (text, _) = crate::cloud::team::fetch_signed(&r.url)
                .await
                .map_err(|e| {
                    runtime.say(
                        "review.result_failed",
                        &[("user", &r.user), ("task", &id), ("error", &e)],
                    )
                })?;
            layers.push(Layer {
                user: r.user.clone(),
                task: parse_task(&text, &format!("{}'s result", r.user))?,
                status: r.status,
                review: r.review.clone(),
                visible: true,
                color: LAYER_COLORS[i % LAYER_COLORS.len()].to_owned(),
            });
        }
        let accepted = match &bundle.accepted_url {
            Some(url) => {
                let (text, _) = crate::cloud::team::fetch_signed(url).await.map_err(|e| {
                    runtime.say("review.accepted_failed", &[("task", &id), ("error", &e)])
                })?;
                Some(parse_task(&text, "the accepted result")?)
            }
            None => None,
        };
        let start = accepted.or_else(|| layers.first().map(|l| l.task.clone()));
        open_grant(runtime, bundle.grant, start.as_ref()).await?;
        let versions: Vec<(&str, &Task)> =
            layers.iter().map(|l| (l.user.as_str(), &l.task)).collect();
        let agreement = image_agreement(&versions, MATCH_IOU, STRICT_IOU);
        let target = layers
            .iter()
            .find(|l| l.status == TaskStatus::Submitted)
            .or(layers.first())
            .map(|l| l.user.clone());
        runtime.review_view.update(|v| {
            v.task = Some(id.to_owned());
            v.layers = layers;
            v.agreement = Some(agreement);
            v.target = target;
            v.issues.clear();
            v.pinning = false;
            v.pending = None;
            v.accepted = bundle.accepted;
        });
        Ok(())
    }
    .await;
    runtime.review_view.update(|v| v.busy = false);
    opened
}

/// Replaces the reviewer's copy with the consensus of the layers (more than half agreeing,
/// `source == "consensus"`) or with one person's result (their name), as one edit (undoable,
/// journaled and uploaded like any other); answers how many shapes the copy has now.
pub fn start_from(runtime: &Rc<Runtime>, source: &str) -> Result<usize, String> {
    let target = runtime.review_view.with_untracked(|v| {
        if source == "consensus" {
            let versions: Vec<(&str, &Task)> = v
                .layers
                .iter()
                .map(|l| (l.user.as_str(), &l.task))
                .collect();
            if versions.is_empty() {
                return None;
            }
            let options = ConsensusOptions {
                min_votes: versions.len() / 2 + 1,
                threshold: MATCH_IOU,
            };
            let c = consensus(&versions, options);
            Some((c.annotations, c.tags))
        } else {
            v.layers
                .iter()
                .find(|l| l.user == source)
                .map(|l| (l.task.annotations.clone(), l.task.tags.clone()))
        }
    });
    let (annotations, tags) =
        target.ok_or_else(|| format!("nothing to start from: {source:?} is not a layer here"))?;
    let mine = runtime.session.with_untracked(|s| s.editor.task().clone());
    let wanted = Task {
        annotations,
        tags,
        ..mine.clone()
    };
    if let Some(op) = ops_to(&mine, &wanted) {
        let mut result = Ok(lasso_core::edit::Outcome::default());
        runtime.session.update(|s| result = s.editor.commit(op));
        let outcome = result.map_err(|e| runtime.say("review.replace_failed", &[("error", &e)]))?;
        runtime.after(outcome);
    }
    Ok(wanted.annotations.len())
}

impl ReviewView {
    /// Leaves review mode: no task, layers, figures or drafts (the queue stays).
    pub fn close(&mut self) {
        self.task = None;
        self.layers.clear();
        self.agreement = None;
        self.issues.clear();
        self.pending = None;
        self.pinning = false;
    }
}

/// The image's agreement figures, when a review is open.
pub fn agreement(runtime: &Runtime) -> Option<ImageAgreement> {
    runtime.review_view.with_untracked(|v| v.agreement.clone())
}

/// A click of the pin tool at image point `at`: the shape of the target's layer under it
/// (the topmost) becomes the issue's shape.
pub fn pin_at(runtime: &Runtime, at: Point) {
    let scale = runtime
        .session
        .with_untracked(|s| s.viewport.scale())
        .max(1e-9);
    runtime.review_view.update(|v| {
        let layer = v.layers.iter().find(|l| Some(&l.user) == v.target.as_ref());
        let annotation = layer.and_then(|l| {
            l.task
                .annotations
                .iter()
                .rev()
                .find(|a| covers(&a.shape, at, 4.0 / scale))
                .map(|a| a.id.0.clone())
        });
        v.pending = Some(PendingPin { at, annotation });
        v.pinning = false;
    });
}

/// Adds the pending pin as an issue with `text`; `false` when there is no pin or no text.
pub fn add_issue(runtime: &Runtime, text: &str) -> bool {
    let text = text.trim();
    let mut added = false;
    runtime.review_view.update(|v| {
        if let (Some(pin), false) = (v.pending.take(), text.is_empty()) {
            let id = next_issue_id(&v.issues);
            v.issues.push(Issue {
                id,
                x: pin.at.x,
                y: pin.at.y,
                annotation: pin.annotation,
                text: text.to_owned(),
                resolved: false,
            });
            added = true;
        }
    });
    added
}

fn emit(runtime: &Runtime, detail: serde_json::Value) {
    let detail = js_sys::JSON::parse(&detail.to_string()).unwrap_or(JsValue::NULL);
    runtime.emit(EventName::Review, &detail);
}

fn open_task_id(runtime: &Runtime) -> Result<String, String> {
    runtime
        .review_view
        .with_untracked(|v| v.task.clone())
        .ok_or_else(|| "no task is open for review".to_string())
}

/// Sends the target's result back with `comment` and the drafted issues (or `issues` and
/// `user` when a host passes them).
pub async fn reject(
    runtime: &Rc<Runtime>,
    comment: &str,
    user: Option<String>,
    issues: Option<Vec<Issue>>,
) -> Result<ReviewRecord, String> {
    let (team, cloud) = (team_of(runtime)?, cloud_of(runtime)?);
    let task = open_task_id(runtime)?;
    let (target, drafted) = runtime
        .review_view
        .with_untracked(|v| (v.target.clone(), v.issues.clone()));
    let user = user.or(target).ok_or("choose whose result to send back")?;
    let request = RejectRequest {
        user,
        comment: comment.to_owned(),
        issues: issues.unwrap_or(drafted),
    };
    runtime.review_view.update(|v| v.busy = true);
    let done = api::reject(&cloud, &team.project, &task, &request).await;
    runtime.review_view.update(|v| v.busy = false);
    let record =
        done.map_err(|e| runtime.say("review.reject_failed", &[("task", &task), ("error", &e)]))?;
    runtime.review_view.update(|v| {
        v.issues.clear();
        if let Some(l) = v.layers.iter_mut().find(|l| l.user == record.user) {
            l.status = TaskStatus::Rework;
            l.review = Some(record.clone());
        }
    });
    emit(
        runtime,
        serde_json::json!({"task": task, "decision": "rejected", "user": record.user,
                           "issues": record.issues.len()}),
    );
    // Refreshing the queue is a courtesy: the decision is already made.
    let _ = load_queue(runtime).await;
    Ok(record)
}

/// Accepts the task with the reviewer's copy as it is now (uploaded first).
pub async fn accept(runtime: &Rc<Runtime>) -> Result<AcceptedRecord, String> {
    let (team, cloud) = (team_of(runtime)?, cloud_of(runtime)?);
    let task = open_task_id(runtime)?;
    let grant = team.grant().ok_or("the reviewer's copy is not open")?;
    let me = grant
        .result_key
        .rsplit('/')
        .next()
        .and_then(|f| f.strip_suffix(".json"))
        .unwrap_or_default()
        .to_owned();
    runtime.review_view.update(|v| v.busy = true);
    let done = async {
        wait_uploaded(runtime, &cloud, &grant).await?;
        api::accept(&cloud, &team.project, &task, &AcceptRequest { from: me })
            .await
            .map_err(|e| runtime.say("review.accept_failed", &[("task", &task), ("error", &e)]))
    }
    .await;
    runtime.review_view.update(|v| v.busy = false);
    let record = done?;
    runtime.review_view.update(|v| {
        v.accepted = Some(record.clone());
        for l in &mut v.layers {
            l.status = TaskStatus::Accepted;
        }
    });
    emit(
        runtime,
        serde_json::json!({"task": task, "decision": "accepted", "from": record.from,
                           "people": record.people}),
    );
    let _ = load_queue(runtime).await;
    Ok(record)
}

/// The accepted results of the project, read from the bucket (for exports).
pub async fn accepted_tasks(runtime: &Rc<Runtime>) -> Result<Vec<Task>, String> {
    let (team, cloud) = (team_of(runtime)?, cloud_of(runtime)?);
    let list = api::accepted(&cloud, &team.project)
        .await
        .map_err(|e| runtime.say("review.list_failed", &[("error", &e)]))?;
    let mut tasks = Vec::with_capacity(list.tasks.len());
    for entry in list.tasks {
        let (text, _) = crate::cloud::team::fetch_signed(&entry.url)
            .await
            .map_err(|e| {
                runtime.say(
                    "review.accepted_failed",
                    &[("task", &entry.task), ("error", &e)],
                )
            })?;
        let mut task = parse_task(&text, &format!("accepted result of {}", entry.task))?;
        if task.id.is_empty() {
            task.id = entry.task.clone();
        }
        tasks.push(task);
    }
    Ok(tasks)
}

/// Share of tasks that are gold once a manager first marks one, unless the project says
/// otherwise.
pub const DEFAULT_GOLD_RATE: f64 = 0.1;

/// Makes the accepted task under review a gold task of the project (managers).
pub async fn mark_gold(runtime: &Rc<Runtime>) -> Result<(), String> {
    let task = open_task_id(runtime)?;
    let accepted = runtime.review_view.with_untracked(|v| v.accepted.is_some());
    if !accepted {
        return Err(runtime.say("review.gold_unaccepted", &[("task", &task)]));
    }
    let mut project = runtime
        .team_view
        .with_untracked(|v| v.project.as_ref().map(|p| p.project.clone()))
        .ok_or("the project is not read yet")?;
    if !project.gold.tasks.contains(&task) {
        project.gold.tasks.push(task);
    }
    if project.gold.rate <= 0.0 {
        project.gold.rate = DEFAULT_GOLD_RATE;
    }
    super::team::save_project(runtime, project).await
}
