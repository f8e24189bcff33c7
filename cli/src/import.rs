//! `lasso import`: creates or extends a project in the bucket from a local folder, through the
//! presign API (so the same roles apply as in the browser, and no S3 credentials are needed).
//!
//! Each image becomes `<p>/src/images/<id>` and a manifest `<p>/src/tasks/<id>.json`, written
//! after its image, so a manifest in the bucket means its image is there: a second run skips
//! those and resumes. In a folder-per-class layout each image's folder becomes its tag; with
//! `--annotations FORMAT` the folder's annotations come along in the manifests. Several
//! uploads run at once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use lasso_core::cloud::keys::key_segment;
use lasso_core::formats::{self, FormatName};
use lasso_core::model::{ImageRef, LabelSet, Task};
use lasso_core::team::{Project, ProjectKeys};

use crate::api::Api;

/// What `lasso import` was asked to do.
pub struct Import {
    /// The folder to read.
    pub folder: PathBuf,
    /// The project id.
    pub project: String,
    /// Base URL of the presign API.
    pub endpoint: String,
    /// Bearer token (a manager's or uploader's).
    pub token: String,
    /// Annotations to attach, in this format.
    pub annotations: Option<FormatName>,
    /// Label set for a new project (`LabelSet` JSON); else from the annotations or the folders.
    pub labels: Option<PathBuf>,
    /// Annotators per task in a new project.
    pub overlap: u32,
    /// Uploads at once.
    pub parallel: usize,
}

/// One image to send.
struct Item {
    id: String,
    rel: String,
    path: PathBuf,
    width: u32,
    height: u32,
    tags: Vec<String>,
    annotations: Vec<lasso_core::model::Annotation>,
}

fn content_type(rel: &str) -> &'static str {
    match rel
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .as_deref()
    {
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        Some("tif" | "tiff") => "image/tiff",
        _ => "image/jpeg",
    }
}

/// Task ids from relative paths: one key segment each (`cats/a b.jpg` → `cats-a-b.jpg`);
/// two paths that map to one id are refused by name.
fn ids(rels: &[String]) -> Result<BTreeMap<String, String>, String> {
    let mut by_id: BTreeMap<String, String> = BTreeMap::new();
    for rel in rels {
        let id = key_segment(&rel.replace('/', "-"));
        if let Some(other) = by_id.insert(id.clone(), rel.clone()) {
            return Err(format!(
                "{other:?} and {rel:?} would both become task {id:?}: rename one of them"
            ));
        }
    }
    Ok(by_id.into_iter().map(|(id, rel)| (rel, id)).collect())
}

/// Runs the import; returns how many images were sent and how many were there already.
pub fn run(job: &Import) -> Result<(usize, usize), String> {
    let keys = ProjectKeys::new(&job.project)?;
    let files = crate::folder::read(&job.folder).map_err(|e| e.to_string())?;
    let rels: Vec<String> = files
        .images
        .keys()
        .filter(|r| lasso_core::import::is_image_path(r))
        .cloned()
        .collect();
    if rels.is_empty() {
        return Err(format!("{}: no images found", job.folder.display()));
    }
    let ids = ids(&rels)?;
    let dataset = match job.annotations {
        Some(format) => Some(formats::import(format, &files).map_err(|e| e.to_string())?),
        None => None,
    };
    let mut attached: BTreeMap<String, Vec<lasso_core::model::Annotation>> = BTreeMap::new();
    if let Some(d) = &dataset {
        for t in &d.tasks {
            let rel = [&t.image.src, &t.image.name]
                .into_iter()
                .find(|p| files.images.contains_key(p.as_str()))
                .cloned()
                .or_else(|| {
                    let name = lasso_core::formats::export_image_name(t);
                    rels.iter()
                        .find(|r| r.ends_with(&format!("/{name}")) || **r == name)
                        .cloned()
                });
            match rel {
                Some(rel) => attached
                    .entry(rel)
                    .or_default()
                    .extend(t.annotations.clone()),
                None => eprintln!(
                    "lasso: annotations of {:?} name an image that is not in the folder; skipped",
                    t.image.name
                ),
            }
        }
    }
    let api = Api::new(&job.endpoint, &job.token)?;
    // The project: read it, or create it.
    let labels = match api.json::<serde_json::Value>(
        api.http
            .get(format!("{}/projects/{}", api.endpoint, job.project)),
        "read the project",
    )? {
        Some(answer) => {
            let project: Project = serde_json::from_value(answer["project"].clone())
                .map_err(|e| format!("project {}: {e}", job.project))?;
            project.labels
        }
        None => {
            let labels = new_labels(job, dataset.as_ref().map(|d| &d.labels), &rels)?;
            let mut project = Project::new(labels.clone());
            project.title = job.project.clone();
            project.overlap = job.overlap;
            project.check()?;
            let body = serde_json::to_vec_pretty(&project).map_err(|e| e.to_string())?;
            api.put(&keys.project_json(), "application/json", body)?;
            eprintln!("lasso: created project {}", job.project);
            labels
        }
    };
    // What is there already (a manifest is written after its image).
    let listed: serde_json::Value = api
        .json(
            api.http
                .get(format!("{}/tasks?project={}", api.endpoint, job.project)),
            "list the project's tasks",
        )?
        .ok_or_else(|| {
            format!(
                "project {} is not readable right after creating it",
                job.project
            )
        })?;
    let existing: BTreeSet<String> = listed["tasks"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|t| {
            t["key"]
                .as_str()
                .and_then(|k| keys.task_of_manifest(k))
                .map(str::to_owned)
        })
        .collect();
    let mut todo = Vec::new();
    for rel in &rels {
        let id = ids[rel].clone();
        if existing.contains(&id) {
            continue;
        }
        let Some(image) = files.images.get(rel) else {
            continue;
        };
        todo.push(Item {
            id,
            rel: rel.clone(),
            path: job.folder.join(rel),
            width: image.width,
            height: image.height,
            tags: lasso_core::import::class_from_path(rel)
                .into_iter()
                .collect(),
            annotations: attached.remove(rel).unwrap_or_default(),
        });
    }
    let skipped = rels.len() - todo.len();
    let bar = crate::folder::bar(todo.len() as u64, "uploading");
    let next = AtomicUsize::new(0);
    let errors: Mutex<Vec<String>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..job.parallel.max(1) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(item) = todo.get(i) else { break };
                if let Err(e) = send(&api, &keys, &labels, item) {
                    if let Ok(mut list) = errors.lock() {
                        list.push(e);
                    }
                }
                bar.inc(1);
            });
        }
    });
    bar.finish_and_clear();
    let errors = errors.into_inner().unwrap_or_default();
    if !errors.is_empty() {
        for e in errors.iter().take(20) {
            eprintln!("lasso: {e}");
        }
        return Err(format!(
            "{} of {} images did not reach the bucket; run the same command again to send them (the others are kept)",
            errors.len(),
            todo.len()
        ));
    }
    Ok((todo.len(), skipped))
}

fn send(api: &Api, keys: &ProjectKeys, labels: &LabelSet, item: &Item) -> Result<(), String> {
    let bytes = std::fs::read(&item.path).map_err(|e| format!("{}: {e}", item.path.display()))?;
    let image_key = keys.image(&item.id).map_err(|e| e.to_string())?;
    api.put(&image_key, content_type(&item.rel), bytes)?;
    let task = Task {
        id: item.id.clone(),
        image: ImageRef {
            src: image_key,
            name: item.rel.clone(),
            width: item.width,
            height: item.height,
            ..Default::default()
        },
        labels: labels.clone(),
        annotations: item.annotations.clone(),
        tags: item.tags.clone(),
    };
    let body = serde_json::to_vec_pretty(&task).map_err(|e| e.to_string())?;
    api.put(
        &keys.manifest(&item.id).map_err(|e| e.to_string())?,
        "application/json",
        body,
    )
}

/// The label set of a new project: `--labels`, else the annotations', else one class per
/// folder as image tags (classification), else one generic class.
fn new_labels(
    job: &Import,
    from_annotations: Option<&LabelSet>,
    rels: &[String],
) -> Result<LabelSet, String> {
    if let Some(path) = &job.labels {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        return serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a label set: {e}", path.display()));
    }
    if let Some(l) = from_annotations.filter(|l| !l.labels.is_empty()) {
        return Ok(l.clone());
    }
    let folders = lasso_core::import::classes(rels.iter().map(String::as_str));
    Ok(LabelSet {
        labels: vec![lasso_core::model::Label::new("object", "#e6194b")],
        tags: folders,
        multi_tag: false,
    })
}
