//! Seeding the development bucket from a folder of sample images.
//!
//! Each image `NAME.EXT` becomes `src/images/NAME.EXT` plus one task manifest
//! `src/tasks/NAME.json` (a `lasso_core` [`Task`] with the image's size), so the app has
//! something to open. A `labels.json` (a `LabelSet`) in the folder sets the labels.
//! File names that are not valid keys are skipped with a warning, never rewritten. With a
//! project id the same images also seed `<p>/src/…` and a `project.json`.

use std::path::Path;

use lasso_core::model::{ImageRef, Label, LabelSet, Task};
use lasso_core::team::{Member, Project, ProjectKeys};

use crate::keys::{check_segment, ObjectKey};
use crate::presign::Presigner;

/// Content type for an image file name, if it is an image we seed.
pub fn image_content_type(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "jpg" | "jpeg" => Some("image/jpeg"),
        "png" => Some("image/png"),
        "webp" => Some("image/webp"),
        "tif" | "tiff" => Some("image/tiff"),
        _ => None,
    }
}

fn default_labels() -> LabelSet {
    LabelSet {
        labels: vec![
            Label::new("object", "#e6194b"),
            Label::new("person", "#3cb44b"),
            Label::new("vehicle", "#4363d8"),
        ],
        tags: Vec::new(),
        multi_tag: false,
    }
}

/// Uploads every image in `dir` with a manifest; returns the manifest keys written.
pub async fn seed_dir(presigner: &Presigner, dir: &Path) -> Result<Vec<String>, String> {
    let labels = read_labels(dir)?;
    seed_images(
        presigner,
        dir,
        &labels,
        |name| format!("src/images/{name}"),
        |stem| format!("src/tasks/{stem}.json"),
    )
    .await
}

/// Seeds project `id` from `dir`: images and manifests under `<id>/src/`, and a
/// `project.json` with the folder's labels, `overlap` and `members`. Returns the manifest keys.
pub async fn seed_project(
    presigner: &Presigner,
    dir: &Path,
    id: &str,
    overlap: u32,
    members: Vec<Member>,
) -> Result<Vec<String>, String> {
    let keys = ProjectKeys::new(id)?;
    let labels = read_labels(dir)?;
    let mut project = Project::new(labels.clone());
    project.title = format!("Sample project {id}");
    project.overlap = overlap;
    project.members = members;
    project.instructions.text =
        "Draw a tight box around every animal and person; pick the class with 1-9.".into();
    project.check()?;
    let body = serde_json::to_vec_pretty(&project).map_err(|e| e.to_string())?;
    let key = ObjectKey::parse(&keys.project_json()).map_err(|e| e.to_string())?;
    presigner
        .put_direct(&key, "application/json", body)
        .await
        .map_err(|e| format!("uploading {key}: {e}"))?;
    seed_images(
        presigner,
        dir,
        &labels,
        |name| format!("{id}/src/images/{name}"),
        |stem| format!("{id}/src/tasks/{stem}.json"),
    )
    .await
}

fn read_labels(dir: &Path) -> Result<LabelSet, String> {
    match std::fs::read_to_string(dir.join("labels.json")) {
        Ok(text) => serde_json::from_str::<LabelSet>(&text).map_err(|e| {
            format!(
                "{}: invalid label set: {e}",
                dir.join("labels.json").display()
            )
        }),
        Err(_) => Ok(default_labels()),
    }
}

async fn seed_images(
    presigner: &Presigner,
    dir: &Path,
    labels: &LabelSet,
    image_key: impl Fn(&str) -> String,
    task_key: impl Fn(&str) -> String,
) -> Result<Vec<String>, String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read seed folder {}: {e}", dir.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    let mut manifests = Vec::new();
    for name in names {
        let Some(ct) = image_content_type(&name) else {
            continue;
        };
        if let Err(why) = check_segment(&name) {
            eprintln!("lasso-server: seed: skipping {name:?}: {why}");
            continue;
        }
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
        let path = dir.join(&name);
        let bytes =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let (width, height) = match imagesize::blob_size(&bytes) {
            Ok(s) => lasso_core::orientation::upright(
                &bytes,
                u32::try_from(s.width).unwrap_or(0),
                u32::try_from(s.height).unwrap_or(0),
            ),
            Err(e) => {
                eprintln!("lasso-server: seed: skipping {name:?}: not a readable image ({e})");
                continue;
            }
        };
        let image_key = ObjectKey::parse(&image_key(&name)).map_err(|e| e.to_string())?;
        let task_key = ObjectKey::parse(&task_key(stem)).map_err(|e| e.to_string())?;
        presigner
            .put_direct(&image_key, ct, bytes)
            .await
            .map_err(|e| format!("uploading {image_key}: {e}"))?;
        let task = Task {
            id: stem.to_owned(),
            image: ImageRef {
                src: image_key.to_string(),
                name: name.clone(),
                width,
                height,
                ..Default::default()
            },
            labels: labels.clone(),
            annotations: Vec::new(),
            tags: Vec::new(),
        };
        let json = serde_json::to_vec_pretty(&task).map_err(|e| e.to_string())?;
        presigner
            .put_direct(&task_key, "application/json", json)
            .await
            .map_err(|e| format!("uploading {task_key}: {e}"))?;
        manifests.push(task_key.to_string());
    }
    Ok(manifests)
}
