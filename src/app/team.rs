//! Team work in a project: the project's labels and instructions, "next task", opening a
//! task with the person's latest result from the bucket (merged with this browser's copy when
//! both changed), the lease kept alive while the task is open, active time, and submission.

use super::open::open_task;
use super::Runtime;
use crate::cloud::team::{self as api, TeamError};
use crate::cloud::{base, set_base, Base};
use crate::events::EventName;
use lasso_core::cloud::PresignRequest;
use lasso_core::model::Task;
use lasso_core::team::active::ActiveClock;
use lasso_core::team::merge::{merge3, ops_to};
use lasso_core::team::wire::{ProjectAnswer, StatusAnswer, TaskGrant, TaskStatus};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Longest wait for a result to reach the bucket before a submission gives up.
const SUBMIT_WAIT_MS: f64 = 30_000.0;

/// What the team panel shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TeamView {
    /// The project, once read.
    pub project: Option<ProjectAnswer>,
    /// The open task's grant.
    pub grant: Option<TaskGrant>,
    /// A request is in flight.
    pub busy: bool,
    /// Nothing is left for this person.
    pub done: bool,
    /// Issues of a rework the person marked resolved.
    pub resolved: Vec<String>,
    /// What the project's checks found in the open task when last run.
    pub failures: Option<Vec<lasso_core::quality::checks::Failure>>,
}

/// The team side of one editor.
pub struct TeamSession {
    /// The project id (mount option `cloud.project`).
    pub project: String,
    /// What the panel shows.
    pub view: RwSignal<TeamView>,
    clock: RefCell<ActiveClock>,
    renew: RefCell<Option<Renewal>>,
}

/// The interval that renews the lease, and its callback (kept alive while it runs).
type Renewal = (i32, Closure<dyn FnMut()>);

impl TeamSession {
    /// A session for `project` showing itself in `view`; nothing is read yet.
    pub fn new(project: String, view: RwSignal<TeamView>) -> TeamSession {
        TeamSession {
            project,
            view,
            clock: RefCell::new(ActiveClock::default()),
            renew: RefCell::new(None),
        }
    }

    /// The open task's grant.
    pub fn grant(&self) -> Option<TaskGrant> {
        self.view.with_untracked(|v| v.grant.clone())
    }

    /// Notes an input (pointer or key) for the active-time clock.
    pub fn input(&self) {
        self.clock.borrow_mut().input(js_sys::Date::now());
    }
}

pub(super) fn team_of(runtime: &Runtime) -> Result<Rc<TeamSession>, String> {
    runtime
        .team
        .borrow()
        .clone()
        .ok_or_else(|| "this editor was mounted without options.cloud.project".into())
}

pub(super) fn cloud_of(runtime: &Runtime) -> Result<Rc<crate::cloud::Cloud>, String> {
    runtime
        .cloud()
        .ok_or_else(|| "this editor was mounted without options.cloud".into())
}

/// Reads the project (labels, instructions, the caller's roles) and makes its labels the
/// default of every task opened; installs the merge that follows a lost conditional write.
pub async fn start(runtime: &Rc<Runtime>, project: String) -> Result<(), String> {
    let team = Rc::new(TeamSession::new(project.clone(), runtime.team_view));
    *runtime.team.borrow_mut() = Some(Rc::clone(&team));
    let cloud = cloud_of(runtime)?;
    let weak = Rc::downgrade(runtime);
    cloud.set_on_conflict(Rc::new(move |task: String| {
        if let Some(runtime) = weak.upgrade() {
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = reconcile_remote(&runtime, &task).await {
                    runtime.fail(e);
                }
            });
        }
    }));
    let answer = api::project(&cloud, &project)
        .await
        .map_err(|e| runtime.say("team.open_failed", &[("project", &project), ("error", &e)]))?;
    runtime.defaults.borrow_mut().labels = answer.project.labels.clone();
    // Before any task opens, the empty canvas offers the project's classes (not an edit: the
    // placeholder is no task).
    let placeholder = runtime
        .session
        .with_untracked(|s| s.editor.task().id.is_empty());
    if placeholder {
        let id_prefix = runtime.defaults.borrow().id_prefix.clone();
        let labels = answer.project.labels.clone();
        runtime.session.update(|s| {
            let view_size = s.view_size;
            let mut next = crate::state::Session::new(
                Task {
                    labels,
                    ..Task::default()
                },
                &id_prefix,
            );
            next.carry_over(s);
            *s = next;
            s.view_size = view_size;
        });
    }
    team.view.update(|v| v.project = Some(answer));
    super::ml::refresh(runtime);
    Ok(())
}

/// Asks for the next task and opens it; `None` when nothing is left for this person.
pub async fn next_task(runtime: &Rc<Runtime>) -> Result<Option<String>, String> {
    let (team, cloud) = (team_of(runtime)?, cloud_of(runtime)?);
    team.view.update(|v| v.busy = true);
    let grant = api::next(&cloud, &team.project).await;
    team.view.update(|v| v.busy = false);
    match grant.map_err(|e| runtime.say("team.next_failed", &[("error", &e)]))? {
        Some(grant) => {
            let id = grant.task.clone();
            runtime.leave_review();
            open_grant(runtime, grant, None).await?;
            Ok(Some(id))
        }
        None => {
            team.view.update(|v| v.done = true);
            Ok(None)
        }
    }
}

/// Opens task `id` of the project (resumed, claimed if a slot is free, or as submitted).
pub async fn open_project_task(runtime: &Rc<Runtime>, id: &str) -> Result<(), String> {
    let (team, cloud) = (team_of(runtime)?, cloud_of(runtime)?);
    let grant = api::open(&cloud, &team.project, id)
        .await
        .map_err(|e| runtime.say("team.task_failed", &[("task", &id), ("error", &e)]))?;
    runtime.leave_review();
    open_grant(runtime, grant, None).await
}

pub(super) fn parse_task(text: &str, what: &str) -> Result<Task, String> {
    crate::on_demand::json::read(what, crate::on_demand::json::Shape::Task, text)
}

/// Opens a granted task: this browser's copy if it has one, else the person's result from the
/// bucket, else `start`'s shapes and tags (a reviewer's copy begins as the work under review),
/// else the manifest; when the bucket's result changed since this browser last saw it,
/// both are merged (see `lasso_core::team::merge`).
pub(super) async fn open_grant(
    runtime: &Rc<Runtime>,
    grant: TaskGrant,
    start: Option<&Task>,
) -> Result<(), String> {
    let (team, cloud) = (team_of(runtime)?, cloud_of(runtime)?);
    let (manifest, _) = api::fetch_signed(&grant.manifest_url)
        .await
        .map_err(|e| runtime.say("team.read_failed", &[("task", &grant.task), ("error", &e)]))?;
    let manifest = parse_task(&manifest, &grant.manifest_key)?;
    let remote = match &grant.result_url {
        Some(url) => Some(api::fetch_signed(url).await.map_err(|e| {
            runtime.say(
                "team.result_failed",
                &[("key", &grant.result_key), ("error", &e)],
            )
        })?),
        None => None,
    };
    cloud.bind_result(&manifest.id, &grant.result_key);
    // The project's classes are the truth: a task opened from the bucket takes them.
    let labels = team
        .view
        .with_untracked(|v| v.project.as_ref().map(|p| p.project.labels.clone()));
    let mut manifest = manifest;
    if let Some(labels) = &labels {
        manifest.labels = labels.clone();
    }
    let store = runtime.store.borrow().clone();
    let local = match &store {
        Some(store) => store.load(&manifest.id).await.ok().flatten().is_some(),
        None => false,
    };
    let known = base(runtime, &grant.result_key).await;
    match (&remote, local) {
        (Some((text, etag)), false) => {
            let mut task = parse_task(text, &grant.result_key)?;
            task.image = manifest.image.clone();
            task.labels = manifest.labels.clone();
            open_task(runtime, task).await?;
            note_base(runtime, &grant.result_key, etag.clone(), text.clone()).await;
        }
        (Some((text, etag)), true) => {
            open_task(runtime, manifest).await?;
            if known.as_ref().and_then(|b| b.etag.as_ref()) != etag.as_ref() {
                merge_into_open(runtime, known.as_ref(), text, &grant.result_key)?;
                note_base(runtime, &grant.result_key, etag.clone(), text.clone()).await;
            }
        }
        (None, _) => {
            let mut manifest = manifest;
            if let (Some(start), false) = (start, local) {
                manifest.annotations = start.annotations.clone();
                manifest.tags = start.tags.clone();
            }
            open_task(runtime, manifest).await?;
            if known.is_none() {
                note_base(runtime, &grant.result_key, None, String::new()).await;
            }
        }
    }
    if let Some(labels) = labels {
        adopt_labels(runtime, labels)?;
    }
    *team.clock.borrow_mut() = ActiveClock::default();
    team.view.update(|v| {
        v.grant = Some(grant.clone());
        v.done = false;
        v.resolved.clear();
        v.failures = None;
    });
    keep_lease(runtime, &team, &grant);
    emit_task(runtime, &grant);
    Ok(())
}

/// Gives the open task the project's classes, as one edit (journaled and uploaded with it),
/// when they differ from its own.
fn adopt_labels(runtime: &Rc<Runtime>, labels: lasso_core::model::LabelSet) -> Result<(), String> {
    let before = runtime
        .session
        .with_untracked(|s| s.editor.task().labels.clone());
    if before == labels {
        return Ok(());
    }
    let op = lasso_core::history::Op::SetLabels {
        before,
        after: labels,
    };
    let mut result = Ok(lasso_core::edit::Outcome::default());
    runtime.session.update(|s| result = s.editor.commit(op));
    let outcome = result.map_err(|e| runtime.say("team.classes_failed", &[("error", &e)]))?;
    runtime.after(outcome);
    Ok(())
}

/// Saves a manager's edit of the project and gives the open task its classes.
pub async fn save_project(
    runtime: &Rc<Runtime>,
    project: lasso_core::team::Project,
) -> Result<(), String> {
    let (team, cloud) = (team_of(runtime)?, cloud_of(runtime)?);
    let answer = api::update_project(&cloud, &team.project, &project)
        .await
        .map_err(|e| runtime.say("team.save_failed", &[("error", &e)]))?;
    runtime.defaults.borrow_mut().labels = answer.project.labels.clone();
    let labels = answer.project.labels.clone();
    team.view.update(|v| v.project = Some(answer));
    super::ml::refresh(runtime);
    *runtime.ml_ready.borrow_mut() = None;
    if team.grant().is_some() {
        adopt_labels(runtime, labels)?;
    }
    Ok(())
}

async fn note_base(runtime: &Runtime, key: &str, etag: Option<String>, text: String) {
    if let Err(e) = set_base(runtime, key, &Base { etag, text }).await {
        runtime.fail_say("team.version_failed", &[("key", &key), ("error", &e)]);
    }
}

/// Merges `theirs` (text of a result) into the open task against the known base, as one edit.
fn merge_into_open(
    runtime: &Rc<Runtime>,
    known: Option<&Base>,
    theirs: &str,
    key: &str,
) -> Result<(), String> {
    let theirs = parse_task(theirs, key)?;
    let base = match known.filter(|b| !b.text.is_empty()) {
        Some(b) => Some(parse_task(&b.text, key)?),
        None => None,
    };
    let mine = runtime.session.with_untracked(|s| s.editor.task().clone());
    let merged = merge3(base.as_ref(), &mine, &theirs);
    if let Some(op) = ops_to(&mine, &merged.task) {
        let mut result = Ok(lasso_core::edit::Outcome::default());
        runtime.session.update(|s| result = s.editor.commit(op));
        let outcome = result.map_err(|e| runtime.say("team.merge_failed", &[("error", &e)]))?;
        runtime.after(outcome);
    }
    if !merged.conflicts.is_empty() {
        let ids = merged.conflicts.clone();
        runtime.dispatch(|e| {
            let changed = e.select(ids);
            lasso_core::edit::Outcome {
                selection_changed: changed,
                ..Default::default()
            }
        });
        runtime.fail(runtime.say_n("team.conflicts", merged.conflicts.len(), &[]));
    }
    Ok(())
}

/// After a lost conditional write: reads the bucket's version and merges it into the open
/// task (the merge is an edit, so it is uploaded over their version next).
async fn reconcile_remote(runtime: &Rc<Runtime>, task_id: &str) -> Result<(), String> {
    let cloud = cloud_of(runtime)?;
    let key = cloud.result_key_of(task_id)?;
    let open = runtime
        .session
        .with_untracked(|s| s.editor.task().id == task_id);
    if !open {
        return Err(runtime.say("team.changed_elsewhere", &[("task", &task_id)]));
    }
    let answer = cloud
        .presign(&PresignRequest::get(&key))
        .await
        .map_err(|f| f.message)?;
    let (text, etag) = api::fetch_signed(&answer.url)
        .await
        .map_err(|e| runtime.say("team.key_failed", &[("key", &key), ("error", &e)]))?;
    let known = base(runtime, &key).await;
    merge_into_open(runtime, known.as_ref(), &text, &key)?;
    note_base(runtime, &key, etag, text).await;
    runtime.kick_uploads();
    Ok(())
}

fn emit_task(runtime: &Runtime, grant: &TaskGrant) {
    let detail = serde_json::json!({
        "id": grant.task,
        "project": grant.project,
        "status": grant.status.as_str(),
        "slot": grant.slot,
        "leaseUntil": grant.lease_until,
    });
    let detail = js_sys::JSON::parse(&detail.to_string()).unwrap_or(JsValue::NULL);
    runtime.emit(EventName::Task, &detail);
}

/// Renews the lease every third of its length while the task stays open.
fn keep_lease(runtime: &Rc<Runtime>, team: &Rc<TeamSession>, grant: &TaskGrant) {
    stop_lease(team);
    if grant.status != TaskStatus::InProgress {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let weak = Rc::downgrade(runtime);
    let (project, task) = (grant.project.clone(), grant.task.clone());
    let tick = Closure::<dyn FnMut()>::new(move || {
        let Some(runtime) = weak.upgrade() else {
            return;
        };
        let (project, task) = (project.clone(), task.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let Ok(cloud) = cloud_of(&runtime) else {
                return;
            };
            match api::renew(&cloud, &project, &task).await {
                Ok(_) => {}
                Err(TeamError {
                    status: Some(409),
                    message,
                }) => runtime.fail(message),
                // Offline or a server hiccup: the next tick tries again.
                Err(e) => web_sys::console::warn_1(&JsValue::from_str(&e.message)),
            }
        });
    });
    let every = (grant.lease_secs.max(3) * 1000 / 3) as i32;
    if let Ok(id) = window.set_interval_with_callback_and_timeout_and_arguments_0(
        tick.as_ref().unchecked_ref(),
        every,
    ) {
        *team.renew.borrow_mut() = Some((id, tick));
    }
}

fn stop_lease(team: &TeamSession) {
    if let Some((id, _)) = team.renew.borrow_mut().take() {
        if let Some(w) = web_sys::window() {
            w.clear_interval_with_handle(id);
        }
    }
}

/// Submits the open task once its result is in the bucket; resolves to the new status.
pub async fn submit(runtime: &Rc<Runtime>) -> Result<StatusAnswer, String> {
    let (team, cloud) = (team_of(runtime)?, cloud_of(runtime)?);
    let grant = team.grant().ok_or("no team task is open")?;
    let resolved = team.view.with_untracked(|v| v.resolved.clone());
    if let Some(review) = grant
        .review
        .as_ref()
        .filter(|_| grant.status == TaskStatus::Rework)
    {
        let open = review
            .issues
            .iter()
            .filter(|i| !i.resolved && !resolved.contains(&i.id))
            .count();
        if open > 0 {
            return Err(runtime.say_n("team.open_issues", open, &[("task", &grant.task)]));
        }
    }
    let (failures, block) = run_checks(runtime);
    if block && failures > 0 {
        return Err(runtime.say_n("team.checks_fail", failures, &[("task", &grant.task)]));
    }
    team.view.update(|v| v.busy = true);
    let result = async {
        wait_uploaded(runtime, &cloud, &grant).await?;
        let request = lasso_core::team::wire::SubmitRequest {
            active_ms: team.clock.borrow().active_ms(),
            resolved,
        };
        api::submit(&cloud, &grant.project, &grant.task, &request)
            .await
            .map_err(|e| {
                runtime.say(
                    "team.submit_failed",
                    &[("task", &grant.task), ("error", &e)],
                )
            })
    }
    .await;
    team.view.update(|v| {
        v.busy = false;
        if let (Ok(status), Some(g)) = (&result, v.grant.as_mut()) {
            g.status = status.status;
        }
    });
    if result.is_ok() {
        stop_lease(&team);
    }
    result
}

/// Runs the project's checks on the open task and shows the failures; answers how many fail
/// and whether they block submitting.
pub fn run_checks(runtime: &Runtime) -> (usize, bool) {
    let project = runtime.team_view.with_untracked(|v| v.project.clone());
    let Some(project) = project else {
        return (0, false);
    };
    let checks = &project.project.checks;
    let locale = runtime.locale.get_untracked();
    let failures = runtime.session.with_untracked(|s| {
        lasso_core::quality::checks::run(locale, s.editor.task(), &project.project.labels, checks)
    });
    let count = failures.len();
    runtime.team_view.update(|v| v.failures = Some(failures));
    (count, checks.block)
}

/// Marks an issue of the rework resolved (or open again).
pub fn resolve_issue(runtime: &Runtime, id: &str, resolved: bool) {
    runtime.team_view.update(|v| {
        v.resolved.retain(|r| r != id);
        if resolved {
            v.resolved.push(id.to_owned());
        }
    });
}

/// Waits until the journal holds every edit and no upload of the task's result is queued.
pub(super) async fn wait_uploaded(
    runtime: &Rc<Runtime>,
    cloud: &crate::cloud::Cloud,
    grant: &TaskGrant,
) -> Result<(), String> {
    let start = js_sys::Date::now();
    loop {
        let saved = runtime.save_state.get_untracked() == crate::state::SaveState::Saved;
        let jobs = cloud.pending().await?;
        let job = jobs.iter().find(|j| j.key == grant.result_key);
        if saved && job.is_none() && has_result(runtime, grant).await {
            return Ok(());
        }
        if js_sys::Date::now() - start > SUBMIT_WAIT_MS {
            let why = job
                .and_then(|j| j.error.clone())
                .unwrap_or_else(|| runtime.say("team.upload_slow", &[]));
            return Err(runtime.say("team.not_uploaded", &[("task", &grant.task), ("why", &why)]));
        }
        runtime.kick_uploads();
        crate::timer::sleep(200).await;
    }
}

/// Whether the result exists in the bucket (a task opened and submitted unchanged has none
/// until its first upload, which this queues).
async fn has_result(runtime: &Rc<Runtime>, grant: &TaskGrant) -> bool {
    if base(runtime, &grant.result_key)
        .await
        .is_some_and(|b| b.etag.is_some())
    {
        return true;
    }
    if let Ok(cloud) = cloud_of(runtime) {
        let task_id = runtime
            .session
            .with_untracked(|s| s.editor.task().id.clone());
        if let Err(e) = cloud.result_changed(&task_id).await {
            runtime.fail(e);
        }
    }
    false
}

/// The caller's status on the open task, from the bucket.
pub async fn status(runtime: &Rc<Runtime>) -> Result<StatusAnswer, String> {
    let (team, cloud) = (team_of(runtime)?, cloud_of(runtime)?);
    let grant = team.grant().ok_or("no team task is open")?;
    api::status(&cloud, &grant.project, &grant.task)
        .await
        .map_err(|e| e.message)
}
