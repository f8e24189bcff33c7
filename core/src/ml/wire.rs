//! The bodies of Label Studio's ML backend protocol and the reading of its answers.
//!
//! A client calls `GET /health`, then `POST /setup` with the labelling config (backends build
//! their model for it), then `POST /predict` with tasks whose `data.image` is a URL the backend
//! can read. The answer's `results` hold one entry per task, in order: an object with `result`
//! (regions in Label Studio JSON), `score` and `model_version`, or just the array of regions.
//! Regions are read by the Label Studio importer (one definition of that format), mapped to the
//! project's classes, and clipped to the image; whatever is left out is counted in `notes`.

use crate::dataset::shapes::{warp_shape, KeepRule, Target};
use crate::dataset::Affine;
use crate::formats::label_studio::{self, label_config, ControlNames};
use crate::formats::{DatasetFiles, FileTree, FormatError};
use crate::model::{Annotation, LabelSet, Origin};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// One task sent to a backend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PredictTask {
    /// The task's id in Lasso.
    pub id: String,
    /// A URL of its image the backend can read (presigned, or served to it).
    pub image_url: String,
    /// The image's width in pixels (upright).
    pub width: u32,
    /// The image's height in pixels.
    pub height: u32,
}

/// What went wrong with a backend, in words that say what to fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MlError {
    /// No answer in time.
    Timeout {
        /// The endpoint.
        url: String,
        /// The time waited.
        ms: u64,
    },
    /// No connection.
    Unreachable {
        /// The endpoint.
        url: String,
        /// What the network layer said.
        reason: String,
    },
    /// An HTTP error status.
    Status {
        /// The endpoint.
        url: String,
        /// The status.
        status: u16,
        /// The start of the body (backends put their traceback there).
        body: String,
    },
    /// What the presign server's relay said of a backend it could not reach.
    Relay {
        /// The relay's message.
        message: String,
    },
    /// An answer that is not what the protocol says.
    Answer {
        /// Where in the answer.
        location: String,
        /// What is wrong.
        message: String,
    },
}

impl std::fmt::Display for MlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe(crate::i18n::Locale::En))
    }
}

impl MlError {
    /// The error in `locale`'s words, for the labeller; what came from elsewhere (the network
    /// layer's reason, a backend's traceback, the relay's message, what an answer got wrong)
    /// is quoted as it came.
    pub fn describe(&self, locale: crate::i18n::Locale) -> String {
        use crate::i18n::{format, number, text};
        match self {
            MlError::Timeout { url, ms } => {
                let s = number(locale, *ms as f64 / 1000.0, 1);
                format(locale, "ml.error.timeout", &[("url", url), ("s", &s)])
            }
            MlError::Unreachable { url, reason } => format(
                locale,
                "ml.error.unreachable",
                &[("url", url), ("reason", reason)],
            ),
            MlError::Status { url, status, body } => {
                let hint = match status {
                    401 | 403 => Some("ml.error.hint_token"),
                    404 => Some("ml.error.hint_url"),
                    500..=599 => Some("ml.error.hint_failed"),
                    _ => None,
                };
                let hint = hint.map_or(String::new(), |id| std::format!(" ({})", text(locale, id)));
                let mut out = format(
                    locale,
                    "ml.error.status",
                    &[("url", url), ("status", status), ("hint", &hint)],
                );
                if !body.trim().is_empty() {
                    out.push_str(": ");
                    out.push_str(body.trim());
                }
                out
            }
            MlError::Relay { message } => message.clone(),
            MlError::Answer { location, message } => format(
                locale,
                "ml.error.answer",
                &[("location", location), ("message", message)],
            ),
        }
    }
}

impl std::error::Error for MlError {}

impl MlError {
    /// An error status with at most 300 characters of its body.
    pub fn status(url: &str, status: u16, body: &str) -> Self {
        MlError::Status {
            url: url.to_string(),
            status,
            body: body.chars().take(300).collect(),
        }
    }

    fn answer(location: impl Into<String>, message: impl Into<String>) -> Self {
        MlError::Answer {
            location: location.into(),
            message: message.into(),
        }
    }
}

/// The labelling config Lasso gives a backend for `labels`: one control per result type, every
/// class in each (`RectangleLabels` `label`, `PolygonLabels` `polygon`, `KeyPointLabels`
/// `keypoint`, `BrushLabels` `brush`, tags as `Choices` `tags`, on `Image` `image`).
pub fn default_config(labels: &LabelSet) -> String {
    label_config(labels, &ControlNames::default())
}

/// The body of `POST /setup`: the project and its labelling config.
pub fn setup_body(config: &str, project: &str) -> Value {
    json!({
        "project": project,
        "schema": config,
        "hostname": "",
        "access_token": "",
    })
}

/// The body of `POST /predict` for `tasks` (ids sent as their position from 1, as Label Studio
/// sends numbers; the Lasso id rides in `meta`), with an interactive `context` if given.
pub fn predict_body(
    tasks: &[PredictTask],
    config: &str,
    project: &str,
    context: Option<&Value>,
) -> Value {
    let tasks: Vec<Value> = tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            json!({
                "id": i + 1,
                "data": {"image": t.image_url},
                "meta": {"lasso_task_id": t.id},
            })
        })
        .collect();
    let mut params = json!({});
    if let Some(c) = context {
        params["context"] = c.clone();
    }
    json!({
        "tasks": tasks,
        "project": project,
        "label_config": config,
        "params": params,
    })
}

/// One task's predictions as read from an answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Predicted {
    /// The task's id in Lasso.
    pub task: String,
    /// The model version the answer names (`model` in each prediction's origin).
    pub model: String,
    /// The predictions, in the project's classes, inside the image.
    pub annotations: Vec<Annotation>,
    /// Image tags the model chose (`choices`) that are tags of the project.
    pub tags: Vec<String>,
    /// What was left out and why, one line each.
    pub notes: Vec<String>,
}

/// Reads a `/predict` answer for `tasks` (in the order sent): regions to annotations with their
/// scores, model classes mapped by `classes` and kept only when the project has them, shapes
/// clipped to the image (dropped when nothing of them is inside).
pub fn parse_answer(
    text: &str,
    tasks: &[PredictTask],
    labels: &LabelSet,
    classes: &BTreeMap<String, String>,
) -> Result<Vec<Predicted>, MlError> {
    let answer: Value = serde_json::from_str(text)
        .map_err(|e| MlError::answer("the body", format!("not JSON ({e})")))?;
    let results = match &answer {
        Value::Object(o) => o
            .get("results")
            .ok_or_else(|| MlError::answer("results", "missing"))?,
        Value::Array(_) => &answer,
        _ => {
            return Err(MlError::answer(
                "the body",
                "neither an object nor an array",
            ))
        }
    };
    let results = results
        .as_array()
        .ok_or_else(|| MlError::answer("results", "not an array"))?;
    if results.len() != tasks.len() {
        return Err(MlError::answer(
            "results",
            format!("{} entries for {} tasks sent", results.len(), tasks.len()),
        ));
    }
    let top_model = answer
        .get("model_version")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut ls_tasks = Vec::with_capacity(tasks.len());
    let mut models = Vec::with_capacity(tasks.len());
    for (i, (entry, t)) in results.iter().zip(tasks).enumerate() {
        let (regions, score, model) = match entry {
            Value::Array(_) => (entry.clone(), None, None),
            Value::Object(o) => (
                o.get("result").cloned().unwrap_or_else(|| json!([])),
                o.get("score").cloned(),
                o.get("model_version").and_then(Value::as_str),
            ),
            Value::Null => (json!([]), None, None),
            _ => {
                return Err(MlError::answer(
                    format!("results[{i}]"),
                    "neither a prediction object nor an array of regions",
                ))
            }
        };
        let model = model
            .filter(|m| !m.is_empty())
            .unwrap_or(if top_model.is_empty() {
                "model"
            } else {
                top_model
            })
            .to_string();
        let mut prediction = json!({"model_version": model, "result": regions});
        if let Some(s) = score.filter(Value::is_number) {
            prediction["score"] = s;
        }
        ls_tasks.push(json!({
            "id": i + 1,
            "data": {"image": t.image_url},
            "meta": {"lasso_task_id": t.id, "image_width": t.width, "image_height": t.height},
            "predictions": [prediction],
        }));
        models.push(model);
    }
    let mut files = FileTree::default();
    files.insert(
        label_studio::FILE,
        serde_json::to_vec(&ls_tasks).unwrap_or_default(),
    );
    let read = label_studio::import(&DatasetFiles {
        files,
        images: BTreeMap::new(),
    })
    .map_err(answer_error)?;
    let mut out = Vec::with_capacity(tasks.len());
    for ((task, sent), model) in read.tasks.into_iter().zip(tasks).zip(models) {
        let mut notes = Vec::new();
        let annotations = keep(task.annotations, sent, labels, classes, &mut notes);
        let tags = task
            .tags
            .into_iter()
            .filter_map(|tag| {
                let tag = classes.get(&tag).cloned().unwrap_or(tag);
                if labels.tags.contains(&tag) {
                    Some(tag)
                } else {
                    notes.push(format!("tag {tag:?} is not a tag of the project"));
                    None
                }
            })
            .collect();
        out.push(Predicted {
            task: sent.id.clone(),
            model,
            annotations,
            tags,
            notes,
        });
    }
    Ok(out)
}

/// The importer's error, located in the backend's answer rather than the tasks built from it.
fn answer_error(e: FormatError) -> MlError {
    let location = e.location.trim_start_matches('$').to_string();
    // `[i].predictions[0].result…` of the rebuilt tasks is `results[i].result…` of the answer.
    let location = match location.split_once("].predictions[0]") {
        Some((head, rest)) => format!("results{head}]{rest}"),
        None => location,
    };
    MlError::answer(location, e.message)
}

/// The annotations the project keeps: mapped, known classes, clipped to the image.
fn keep(
    read: Vec<Annotation>,
    sent: &PredictTask,
    labels: &LabelSet,
    classes: &BTreeMap<String, String>,
    notes: &mut Vec<String>,
) -> Vec<Annotation> {
    let inside = Target {
        map: Affine::IDENTITY,
        width: sent.width,
        height: sent.height,
        mirrored: false,
    };
    let rule = KeepRule {
        min_visibility: 0.0,
        min_area: 0.0,
    };
    let mut unknown: BTreeMap<String, usize> = BTreeMap::new();
    let mut outside = 0;
    let mut kept = Vec::with_capacity(read.len());
    for mut a in read {
        a.label = classes.get(&a.label).cloned().unwrap_or(a.label);
        if labels.get(&a.label).is_none() {
            *unknown.entry(a.label.clone()).or_default() += 1;
            continue;
        }
        if !matches!(a.origin, Origin::Prediction { .. }) {
            continue;
        }
        match warp_shape(&a.shape, &inside, &rule) {
            Some(shape) => {
                a.shape = shape;
                kept.push(a);
            }
            None => outside += 1,
        }
    }
    for (class, n) in unknown {
        notes.push(format!(
            "{n} × class {class:?} is not a class of the project (map it in ml.classes)"
        ));
    }
    if outside > 0 {
        notes.push(format!("{outside} shapes lay outside the image"));
    }
    kept
}

#[cfg(test)]
mod tests;
