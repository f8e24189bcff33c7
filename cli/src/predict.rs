//! `lasso predict`: every task of a project in the bucket pre-labelled by a model backend, the
//! predictions written into the task manifests (`<p>/src/tasks/<t>.json`). Several tasks at
//! once, with progress; a task whose manifest already holds the model's predictions is skipped,
//! so a run that was stopped resumes, and predicting again replaces rather than doubles. Each
//! manifest is written only over the version read (`If-Match`); one written meanwhile gets the
//! predictions merged into it.

use super::ml_client::MlClient;
use super::s3::{Endpoint, Store};
use super::{parallel, Failure};
use lasso_core::ml::{predicted_by, with_predictions, MlSettings, PredictTask, Predicted, Ranking};
use lasso_core::model::Task;
use lasso_core::team::{Project, ProjectKeys};
use std::collections::BTreeMap;

/// Presigned image reads given to the backend stay valid this long (seconds).
const IMAGE_URL_SECS: u32 = 3600;

/// What `lasso predict --project` was asked.
pub struct PredictJob {
    /// The backend (URL, token, class mapping from the command line over the project's).
    pub settings: MlSettings,
    /// The project id.
    pub project: String,
    /// The bucket.
    pub endpoint: Endpoint,
    /// Predict tasks that already hold the model's predictions again.
    pub again: bool,
}

fn other(e: impl std::fmt::Display) -> Failure {
    Failure::Other(e.to_string())
}

/// A task's id and what predicting it gave: the predictions and the task as written, or why not.
type Outcome = (String, Result<(Predicted, Task), String>);

/// How often a manifest that someone else keeps changing is read again and merged before its
/// task is reported as failed.
const WRITE_ATTEMPTS: usize = 5;

/// One task as read: its manifest key, the manifest and the version read (its ETag).
struct Manifest {
    key: String,
    task: Task,
    etag: String,
}

impl Manifest {
    /// The manifest at `key` as it is now.
    fn read(store: &Store, keys: &ProjectKeys, key: &str) -> Result<Manifest, String> {
        let (bytes, etag) = store.get_with_etag(key)?;
        let mut task: Task = serde_json::from_slice(&bytes)
            .map_err(|e| format!("{key} is not a task manifest: {e}"))?;
        if task.id.is_empty() {
            task.id = keys.task_of_manifest(key).unwrap_or_default().to_string();
        }
        Ok(Manifest {
            key: key.to_string(),
            task,
            etag,
        })
    }

    fn predict_task(&self, store: &Store) -> Result<PredictTask, String> {
        let t = &self.task;
        if t.image.width == 0 || t.image.height == 0 {
            return Err(format!("{}: the manifest gives no image size", self.key));
        }
        let src = &t.image.src;
        let image_url = if src.starts_with("http://") || src.starts_with("https://") {
            src.clone()
        } else {
            store.presign_get(src, IMAGE_URL_SECS)?
        };
        Ok(PredictTask {
            id: t.id.clone(),
            image_url,
            width: t.image.width,
            height: t.image.height,
        })
    }
}

/// Predicts one task and writes its manifest; the predictions as read and the task as written.
/// The write is conditional on the manifest being the version read: when someone else wrote
/// it meanwhile (another model's run, an import), the predictions are merged into what is
/// there now instead of overwriting it.
fn predict_one(
    store: &Store,
    keys: &ProjectKeys,
    client: &MlClient,
    m: &Manifest,
) -> Result<(Predicted, Task), String> {
    let sent = m.predict_task(store)?;
    let mut answer = client
        .predict(std::slice::from_ref(&sent))
        .map_err(|e| e.to_string())?;
    let predicted = answer.pop().ok_or("no prediction in the answer")?;
    let (mut task, mut etag) = (m.task.clone(), m.etag.clone());
    for _ in 0..WRITE_ATTEMPTS {
        let updated = with_predictions(&task, &predicted);
        let body = serde_json::to_vec(&updated).map_err(|e| e.to_string())?;
        if store.put_if_match(&m.key, &body, "application/json", &etag)? {
            return Ok((predicted, updated));
        }
        let now = Manifest::read(store, keys, &m.key)?;
        (task, etag) = (now.task, now.etag);
    }
    Err(format!(
        "{}: the manifest kept changing while the predictions were written ({WRITE_ATTEMPTS} tries); run again",
        m.key
    ))
}

/// Runs `lasso predict --project`.
pub fn predict_project(job: &PredictJob) -> Result<bool, Failure> {
    let keys = ProjectKeys::new(&job.project).map_err(other)?;
    let cache = std::env::temp_dir().join("lasso-predict-cache");
    let store = Store::connect(&job.endpoint, &cache).map_err(other)?;
    let project = Project::parse(
        &store
            .get(&keys.project_json())
            .map_err(|e| other(format!("no project {} in this bucket ({e})", job.project)))?,
    )
    .map_err(other)?;
    let mut settings = job.settings.clone();
    if let Some(kept) = &project.ml {
        for (from, to) in &kept.classes {
            settings.classes.entry(from.clone()).or_insert(to.clone());
        }
    }
    settings.check().map_err(other)?;
    let listed: Vec<String> = store
        .list(&keys.tasks_prefix())
        .map_err(other)?
        .into_iter()
        .map(|l| l.source.key)
        .filter(|k| keys.task_of_manifest(k).is_some())
        .collect();
    let parallel = job.endpoint.parallel;
    let manifests: Vec<Manifest> = parallel::all(&listed, parallel, "reading tasks", |key| {
        Manifest::read(&store, &keys, key)
    })?;
    let (client, version) =
        MlClient::connect(settings, project.labels.clone(), &job.project).map_err(other)?;
    eprintln!(
        "lasso: model backend {} is up (model version {})",
        job.settings.url,
        if version.is_empty() {
            "not given"
        } else {
            &version
        }
    );
    // The first task's answer names the model; tasks already holding its predictions are done.
    let mut pending: Vec<&Manifest> = manifests.iter().collect();
    let mut results: Vec<Outcome> = Vec::new();
    let mut model: Option<String> = None;
    while model.is_none() {
        let Some(first) = pending.first().copied() else {
            break;
        };
        pending.remove(0);
        let one = predict_one(&store, &keys, &client, first);
        if let Ok((p, _)) = &one {
            model = Some(p.model.clone());
        }
        results.push((first.task.id.clone(), one));
        if results.len() >= 3 && model.is_none() {
            break; // three failures in a row: the rest would fail alike
        }
    }
    let skipped = match (&model, job.again) {
        (Some(m), false) => {
            let before = pending.len();
            pending.retain(|p| !predicted_by(&p.task, m));
            before - pending.len()
        }
        _ => 0,
    };
    if model.is_some() {
        let rest = parallel::each(&pending, parallel, "predicting", false, |m| {
            predict_one(&store, &keys, &client, m)
        })?;
        results.extend(pending.iter().map(|m| m.task.id.clone()).zip(rest));
    }
    if let Some(model) = &model {
        write_ranking(&store, &keys, model, &manifests, &results)?;
    }
    report(&results, skipped, model.as_deref(), manifests.len())
}

/// Leaves how unsure the model was about every task it holds predictions for where "next"
/// reads it (`<p>/state/ml/uncertainty.json`).
fn write_ranking(
    store: &Store,
    keys: &ProjectKeys,
    model: &str,
    manifests: &[Manifest],
    results: &[Outcome],
) -> Result<(), Failure> {
    let written: BTreeMap<&str, &Task> = results
        .iter()
        .filter_map(|(id, r)| r.as_ref().ok().map(|(_, t)| (id.as_str(), t)))
        .collect();
    let mut ranking = Ranking {
        model: model.to_string(),
        ..Ranking::default()
    };
    for m in manifests {
        match written.get(m.task.id.as_str()) {
            Some(task) => ranking.record(task),
            None if predicted_by(&m.task, model) => ranking.record(&m.task),
            None => {}
        }
    }
    let body = serde_json::to_vec(&ranking).map_err(other)?;
    store
        .put(&keys.ml_ranking(), &body, "application/json")
        .map_err(other)
}

/// Prints what was done and every failure; `Ok(true)` when nothing failed.
fn report(
    results: &[Outcome],
    skipped: usize,
    model: Option<&str>,
    total: usize,
) -> Result<bool, Failure> {
    let mut notes: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut done, mut shapes, mut failed) = (0usize, 0usize, Vec::new());
    for (task, r) in results {
        match r {
            Ok((p, _)) => {
                done += 1;
                shapes += p.annotations.len();
                for n in &p.notes {
                    *notes.entry(n.as_str()).or_default() += 1;
                }
            }
            Err(e) => failed.push((task, e)),
        }
    }
    eprintln!(
        "lasso: {done} of {total} tasks predicted by {} ({shapes} predictions written into their manifests); {skipped} already held its predictions; {} failed",
        model.unwrap_or("the model"),
        failed.len()
    );
    for (note, n) in notes {
        eprintln!("lasso: {n} tasks: {note}");
    }
    for (task, e) in failed.iter().take(10) {
        eprintln!("lasso: task {task}: {e}");
    }
    if failed.len() > 10 {
        eprintln!("lasso: … and {} more failures", failed.len() - 10);
    }
    if done == 0 && !failed.is_empty() {
        return Err(Failure::Other(format!(
            "no task could be predicted; the first failure: {}",
            failed[0].1
        )));
    }
    Ok(failed.is_empty())
}
