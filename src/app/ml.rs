//! The model in the loop for the open task: which backend (the `ml` option of `mount`, else
//! the team project's, through the server's relay), setting it up once for the task's labels,
//! asking it about the open image (with an interactive `context` if given), and adding its
//! answer as predictions under review — one undo step, nothing touched on failure.

use super::Runtime;
use crate::ml::{call, Route};
use crate::on_demand::{Later, NotLoaded};
use lasso_core::i18n::Locale;
use lasso_core::ml::{
    parse_answer, predict_body, prediction_op, prompts, setup_body, MlError, MlSettings,
    PredictTask, Predicted,
};
use lasso_core::model::{Origin, Task};
use leptos::prelude::*;
use serde_json::Value;
use std::rc::Rc;

/// What the model panel shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MlView {
    /// Whether a backend is configured.
    pub configured: bool,
    /// Calls under way.
    pub in_flight: u32,
    /// The last answer: how many predictions, by which model, in how long; and what was left out.
    pub last: Option<String>,
}

impl MlView {
    /// Whether a call is under way.
    pub fn busy(&self) -> bool {
        self.in_flight > 0
    }
}

/// The route to the backend: the mount option first, else the open project's.
pub fn route(runtime: &Runtime) -> Option<Route> {
    if let Some(settings) = runtime.ml_options.borrow().clone() {
        return Some(Route::Direct(settings));
    }
    let settings = runtime
        .team_view
        .with_untracked(|v| v.project.as_ref().and_then(|p| p.project.ml.clone()))?;
    let team = runtime.team.borrow().clone()?;
    let cloud = runtime.cloud()?;
    let endpoint = cloud.config.endpoint.clone()?;
    Some(Route::Relay {
        endpoint,
        project: team.project.clone(),
        credentials: cloud.credentials(),
        settings,
    })
}

/// Updates whether a backend is configured (after mount and when a project is read).
pub fn refresh(runtime: &Runtime) {
    let configured = runtime.ml_host.borrow().is_some() || route(runtime).is_some();
    runtime.ml_view.update(|v| v.configured = configured);
}

fn project_name(runtime: &Runtime) -> String {
    runtime
        .team
        .borrow()
        .as_ref()
        .map_or_else(|| "lasso".to_string(), |t| t.project.clone())
}

/// A URL of the open image the backend can read.
async fn image_url(runtime: &Runtime, src: &str) -> Result<String, String> {
    if src.starts_with(crate::local::IDB_SRC)
        || src.starts_with("blob:")
        || src.starts_with("data:")
    {
        return Err("this image is kept only in this browser; a model backend needs an address it can read (open the image from the bucket or a web address)".into());
    }
    let shown = runtime.display_src(src).await;
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .unwrap_or_default();
    web_sys::Url::new_with_base(&shown, &base)
        .map(|u| u.href())
        .map_err(|_| format!("{shown:?} is not an image address"))
}

/// Asks the backend about `task`'s image (with an interactive `context` if given): the
/// predictions as read and the round trip in ms. Runs in the `ml` chunk, as do the protocol and
/// the reading of answers through the Label Studio importer.
async fn ask_now(
    runtime: &Rc<Runtime>,
    task: &Task,
    context: Option<&Value>,
) -> Result<(Predicted, f64), String> {
    if task.image.width == 0 || task.image.height == 0 {
        return Err(runtime.say("model.not_loaded", &[]));
    }
    let host = runtime.ml_host.borrow().clone();
    if let Some(predict) = host {
        return ask_host(runtime, &predict, task, context).await;
    }
    let route = route(runtime).ok_or_else(|| runtime.say("model.none", &[]))?;
    let sent = PredictTask {
        id: task.id.clone(),
        image_url: image_url(runtime, &task.image.src).await?,
        width: task.image.width,
        height: task.image.height,
    };
    let project = project_name(runtime);
    let locale = runtime.locale.get_untracked();
    let fail = |e: MlError| runtime.say("model.failed", &[("error", &e.describe(locale))]);
    let started = now();
    let ready_key = format!(
        "{:?}|{}",
        route.settings().url,
        serde_json::to_string(&task.labels).unwrap_or_default()
    );
    if runtime.ml_ready.borrow().as_deref() != Some(ready_key.as_str()) {
        let config = route.settings().config_for(&task.labels);
        call(&route, "setup", Some(&setup_body(&config, &project)))
            .await
            .map_err(fail)?;
        *runtime.ml_ready.borrow_mut() = Some(ready_key);
    }
    let config = route.settings().config_for(&task.labels);
    let body = predict_body(std::slice::from_ref(&sent), &config, &project, context);
    let text = call(&route, "predict", Some(&body)).await.map_err(fail)?;
    let predicted = read_answer(&text, &sent, task, &route.settings().classes, locale)?;
    Ok((predicted, now() - started))
}

/// One task's predictions from an answer's text, every shape checked before anything uses it.
fn read_answer(
    text: &str,
    sent: &PredictTask,
    task: &Task,
    classes: &std::collections::BTreeMap<String, String>,
    locale: Locale,
) -> Result<Predicted, String> {
    let failed = |error: &dyn std::fmt::Display| {
        lasso_core::i18n::format(locale, "model.failed", &[("error", error)])
    };
    let mut answer = parse_answer(text, std::slice::from_ref(sent), &task.labels, classes)
        .map_err(|e| failed(&e))?;
    let predicted = answer
        .pop()
        .ok_or_else(|| failed(&lasso_core::i18n::text(locale, "ml.error.no_task")))?;
    for (i, a) in predicted.annotations.iter().enumerate() {
        lasso_core::validate::shape(&format!("results[0].result[{i}]"), &a.shape).map_err(|e| {
            failed(&lasso_core::i18n::format(
                locale,
                "ml.error.answer_shape",
                &[("error", &e)],
            ))
        })?;
    }
    Ok(predicted)
}

/// [`ask_now`] through the host's `predict` callback.
async fn ask_host(
    runtime: &Rc<Runtime>,
    predict: &js_sys::Function,
    task: &Task,
    context: Option<&Value>,
) -> Result<(Predicted, f64), String> {
    let settings = runtime.ml_options.borrow().clone().unwrap_or_default();
    let sent = PredictTask {
        id: task.id.clone(),
        image_url: task.image.src.clone(),
        width: task.image.width,
        height: task.image.height,
    };
    let locale = runtime.locale.get_untracked();
    let fail = |e: MlError| runtime.say("model.failed", &[("error", &e.describe(locale))]);
    let started = now();
    let text = crate::ml::call_host(predict, task, context, settings.timeout_ms())
        .await
        .map_err(fail)?;
    let predicted = read_answer(&text, &sent, task, &settings.classes, locale)?;
    Ok((predicted, now() - started))
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Predicts the open task and adds the answer as predictions under review; how many. Done in
/// the `ml` chunk, with the asking.
pub async fn predict(runtime: &Rc<Runtime>) -> Result<usize, String> {
    predicting(Rc::clone(runtime))
        .await
        .map_err(|_| runtime.part_unavailable())?
        .await
}

/// What [`predict`] waits for.
type Predicting = std::pin::Pin<Box<dyn std::future::Future<Output = Result<usize, String>>>>;

crate::on_demand::split! {
    ml;
    /// The work of [`predict`], as a future made in its chunk.
    fn predicting(runtime: Rc<Runtime>) -> Result<Predicting, crate::on_demand::NotLoaded> {
        Ok(Box::pin(async move { predict_now(&runtime).await }))
    }
}

async fn predict_now(runtime: &Rc<Runtime>) -> Result<usize, String> {
    let task = runtime.session.with_untracked(|s| s.editor.task().clone());
    runtime.ml_view.update(|v| v.in_flight += 1);
    let answer = ask_now(runtime, &task, None).await;
    runtime
        .ml_view
        .update(|v| v.in_flight = v.in_flight.saturating_sub(1));
    let (predicted, ms) = answer?;
    let open = runtime
        .session
        .with_untracked(|s| s.editor.task().id.clone());
    if open != task.id {
        return Err(runtime.say("model.closed", &[("task", &task.id)]));
    }
    let count = predicted.annotations.len();
    if count == 0 && predicted.tags.is_empty() && !predicted.notes.is_empty() {
        let line = predictions_line(runtime, 0, &predicted.model, ms);
        runtime.ml_view.update(|v| v.last = Some(line));
        return Err(runtime.say(
            "model.nothing_kept",
            &[("notes", &predicted.notes.join("; "))],
        ));
    }
    // Built from the task as it is now (edits made while the model answered are kept, and
    // ids taken meanwhile are not reused).
    let mut failed = None;
    runtime.dispatch(|ed| match prediction_op(ed.task(), &predicted) {
        Some(op) => ed.commit(op).unwrap_or_else(|e| {
            failed = Some(e.to_string());
            Default::default()
        }),
        None => Default::default(),
    });
    if let Some(e) = failed {
        return Err(runtime.say("model.not_added", &[("error", &e)]));
    }
    let mut line = predictions_line(runtime, count, &predicted.model, ms);
    if !predicted.tags.is_empty() {
        let tags = predicted.tags.join(", ");
        let locale = runtime.locale.get_untracked();
        line.push_str(&lasso_core::i18n::format(
            locale,
            "model.tags",
            &[("tags", &tags)],
        ));
    }
    for note in &predicted.notes {
        line.push_str("; ");
        line.push_str(note);
    }
    runtime.ml_view.update(|v| v.last = Some(line));
    let store = runtime.store.borrow().clone();
    if let Some(store) = store {
        let _ = store
            .set_setting(&predicted_key(&task.id), &predicted.model)
            .await;
    }
    Ok(count)
}

fn predicted_key(task: &str) -> String {
    format!("ml-predicted:{task}")
}

/// "3 predictions by model-1 in 120 ms", in the interface's language.
fn predictions_line(runtime: &Runtime, count: usize, model: &str, ms: f64) -> String {
    let locale = runtime.locale.get_untracked();
    let ms = lasso_core::i18n::number(locale, ms, 0);
    lasso_core::i18n::plural(
        locale,
        "model.predictions",
        count as u64,
        &[("model", &model), ("ms", &ms)],
    )
}

/// After a task opened: predicts it when the backend's settings say `on_open` and this
/// browser has not asked the model about it before (and it holds no prediction).
pub fn after_open(runtime: &Rc<Runtime>) {
    refresh(runtime);
    let on_open = if runtime.ml_host.borrow().is_some() {
        runtime
            .ml_options
            .borrow()
            .as_ref()
            .is_some_and(|s| s.on_open)
    } else {
        route(runtime).is_some_and(|r| r.settings().on_open)
    };
    if !on_open {
        return;
    }
    let runtime = Rc::clone(runtime);
    wasm_bindgen_futures::spawn_local(async move {
        let task = runtime.session.with_untracked(|s| s.editor.task().clone());
        let has_predictions = task
            .annotations
            .iter()
            .any(|a| matches!(a.origin, Origin::Prediction { .. }));
        let store = runtime.store.borrow().clone();
        let asked = match store {
            Some(store) => store
                .setting::<String>(&predicted_key(&task.id))
                .await
                .ok()
                .flatten()
                .is_some(),
            None => false,
        };
        if has_predictions || asked {
            return;
        }
        // The image size is known once it loads.
        for _ in 0..100 {
            let ready = runtime
                .session
                .with_untracked(|s| s.editor.task().image.width > 0);
            if ready {
                break;
            }
            crate::timer::sleep(50).await;
        }
        if let Err(e) = predict(&runtime).await {
            runtime.fail(e);
        }
    });
}

/// The settings a host gave in `mount` (checked, unless its own `predict` answers instead of
/// a backend), and that callback.
pub fn set_options(
    runtime: &Runtime,
    settings: Option<MlSettings>,
    predict: Option<js_sys::Function>,
) -> Result<(), String> {
    if let (Some(s), None) = (&settings, &predict) {
        s.check()?;
    }
    *runtime.ml_options.borrow_mut() = settings;
    *runtime.ml_host.borrow_mut() = predict;
    refresh(runtime);
    Ok(())
}

/// After an input with the segmentation tool: when its prompts changed, sends them to the
/// model (Segment-Anything backends read them from `context`) and gives the answer to the tool
/// as its candidate, with the round trip in the model panel. Answers to older prompts are
/// dropped by the tool.
pub fn follow_segment(runtime: &Rc<Runtime>) {
    let Some((generation, prompts)) = runtime
        .session
        .with_untracked(|s| s.editor.segment_request())
    else {
        return;
    };
    if runtime.segment_sent.get() == generation {
        return;
    }
    runtime.segment_sent.set(generation);
    let runtime = Rc::clone(runtime);
    wasm_bindgen_futures::spawn_local(async move {
        match segmenting(Rc::clone(&runtime), generation, prompts).await {
            Ok(work) => work.await,
            Err(NotLoaded) => {
                runtime.segment_sent.set(0);
                runtime.fail(runtime.part_unavailable());
            }
        }
    });
}

crate::on_demand::split! {
    ml;
    /// The asking of [`follow_segment`] and the handling of the answer, made in the `ml`
    /// chunk, fetched the first time a model is asked.
    fn segmenting(
        runtime: Rc<Runtime>,
        generation: u64,
        prompts: prompts::Prompts,
    ) -> Result<Later<()>, NotLoaded> {
        Ok(Box::pin(async move { segment_now(&runtime, generation, &prompts).await }))
    }
}

async fn segment_now(runtime: &Rc<Runtime>, generation: u64, prompts: &prompts::Prompts) {
    let task = runtime.session.with_untracked(|s| s.editor.task().clone());
    let (w, h) = (task.image.width, task.image.height);
    let context = prompts::context(prompts, w, h);
    runtime.ml_view.update(|v| v.in_flight += 1);
    let answer = ask_now(runtime, &task, Some(&context)).await;
    runtime
        .ml_view
        .update(|v| v.in_flight = v.in_flight.saturating_sub(1));
    match answer {
        Ok((predicted, ms)) => {
            let mask = prompts::candidate_mask(&predicted.annotations, w, h);
            let locale = runtime.locale.get_untracked();
            let ms = lasso_core::i18n::number(locale, ms, 0);
            let args: [(&str, &dyn std::fmt::Display); 2] =
                [("model", &predicted.model), ("ms", &ms)];
            let id = if mask.is_some() {
                "model.mask"
            } else {
                "model.no_mask"
            };
            let line = lasso_core::i18n::format(locale, id, &args);
            // Answers may arrive out of order: the panel names only the answer the tool
            // took, so it never reports an older answer than the candidate on screen.
            let taken = std::cell::Cell::new(false);
            runtime.dispatch(|ed| {
                let outcome = ed.segment_answer(generation, mask);
                taken.set(outcome.redraw);
                outcome
            });
            if taken.get() {
                runtime.ml_view.update(|v| v.last = Some(line));
            }
        }
        Err(e) => {
            // The same prompts may be sent again (after the backend is fixed) by any input.
            runtime.segment_sent.set(0);
            runtime.fail(e);
        }
    }
}
