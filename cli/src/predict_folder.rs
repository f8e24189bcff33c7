//! `lasso predict IN OUT --from FMT`: every image of a dataset folder pre-labelled by a model
//! backend, written in a format that keeps predictions and their scores (Lasso JSON, COCO,
//! YOLO, CVAT, Label Studio). The
//! backend reads the images from a small HTTP server this command runs for the length of the
//! run (on the loopback interface unless `--serve-at` names another), serving only the
//! dataset's images.

use super::ml_client::MlClient;
use super::{parallel, recipe, Failure};
use lasso_core::dataset::{Pipeline, Recipe};
use lasso_core::formats::{registry, Dataset, FormatName};
use lasso_core::ml::{predicted_by, with_predictions, MlSettings, PredictTask};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What `lasso predict IN OUT` was asked.
pub struct FolderJob {
    /// The backend.
    pub settings: MlSettings,
    /// The dataset read.
    pub dataset: Dataset,
    /// Its folder.
    pub input: PathBuf,
    /// Where to write.
    pub output: PathBuf,
    /// The format written.
    pub to: FormatName,
    /// Address the image server listens on (`127.0.0.1:0`: loopback, any port).
    pub serve_at: String,
    /// Tasks asked at once.
    pub parallel: usize,
    /// Predict tasks that already hold the model's predictions again.
    pub again: bool,
}

fn other(e: impl std::fmt::Display) -> Failure {
    Failure::Other(e.to_string())
}

/// Serves `files[i]` at `/i/<name>` until the returned server is dropped.
fn serve(files: Vec<PathBuf>, at: &str) -> Result<(Arc<tiny_http::Server>, String), Failure> {
    let server = Arc::new(
        tiny_http::Server::http(at)
            .map_err(|e| other(format!("cannot serve images at {at}: {e}")))?,
    );
    let address = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| other(format!("cannot serve images at {at}")))?;
    let running = Arc::clone(&server);
    std::thread::spawn(move || {
        for request in running.incoming_requests() {
            let index = request
                .url()
                .trim_start_matches('/')
                .split('/')
                .next()
                .and_then(|n| n.parse::<usize>().ok());
            let answer = index
                .and_then(|i| files.get(i))
                .and_then(|p| std::fs::File::open(p).ok());
            let _ = match answer {
                Some(file) => request.respond(tiny_http::Response::from_file(file)),
                None => request.respond(tiny_http::Response::empty(404)),
            };
        }
    });
    Ok((server, format!("http://{address}")))
}

/// Runs `lasso predict IN OUT`; `Ok(true)` when every image was predicted.
pub fn predict_folder(job: FolderJob) -> Result<bool, Failure> {
    if !registry::get(job.to).predictions() {
        return Err(other(format!(
            "{} does not keep predictions: write a format that does, such as lasso, coco or label-studio",
            job.to
        )));
    }
    job.settings.check().map_err(other)?;
    let mut dataset = job.dataset;
    let files: Vec<PathBuf> = dataset
        .tasks
        .iter()
        .map(|t| job.input.join(&t.image.src))
        .collect();
    let (server, base) = serve(files, &job.serve_at)?;
    let sent: Vec<PredictTask> = dataset
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| PredictTask {
            id: t.id.clone(),
            image_url: format!(
                "{base}/{i}/{}",
                Path::new(&t.image.src)
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default()
            ),
            width: t.image.width,
            height: t.image.height,
        })
        .collect();
    let (client, version) =
        MlClient::connect(job.settings.clone(), dataset.labels.clone(), "lasso").map_err(other)?;
    eprintln!(
        "lasso: model backend {} is up (model version {}); images served at {base}",
        job.settings.url,
        if version.is_empty() {
            "not given"
        } else {
            &version
        }
    );
    let ask = |t: &PredictTask| {
        client
            .predict(std::slice::from_ref(t))
            .map_err(|e| e.to_string())?
            .pop()
            .ok_or_else(|| "no prediction in the answer".to_string())
    };
    // The first answer names the model: images already holding its predictions are skipped.
    let Some(first) = sent.first() else {
        return Err(other("the dataset holds no image"));
    };
    let first_answer = ask(first).map_err(|e| other(format!("{}: {e}", first.id)))?;
    let model = first_answer.model.clone();
    let pending: Vec<usize> = (1..sent.len())
        .filter(|&i| job.again || !predicted_by(&dataset.tasks[i], &model))
        .collect();
    let skipped = sent.len() - 1 - pending.len();
    let answers = parallel::each(&pending, job.parallel, "predicting", false, |&i| {
        ask(&sent[i])
    })?;
    drop(server);
    let mut done = 0;
    let mut predictions = 0;
    let mut failed = Vec::new();
    for (i, answer) in
        std::iter::once((0, Ok(first_answer))).chain(pending.into_iter().zip(answers))
    {
        match answer {
            Ok(p) => {
                dataset.tasks[i] = with_predictions(&dataset.tasks[i], &p);
                done += 1;
                predictions += p.annotations.len();
            }
            Err(e) => failed.push(format!("{}: {e}", dataset.tasks[i].id)),
        }
    }
    eprintln!(
        "lasso: {done} of {} images predicted by {model} ({predictions} predictions); {skipped} already held its predictions; {} failed",
        sent.len(),
        failed.len()
    );
    for f in failed.iter().take(10) {
        eprintln!("lasso: {f}");
    }
    let recipe = Recipe {
        to: job.to,
        masks_as_polygons: false,
        polygons_as_rle: false,
        map: Default::default(),
        drop_empty: false,
        split: None,
        seed: 0,
        pipeline: Pipeline::default(),
    };
    recipe::write(&recipe, dataset, &job.input, &job.output)?;
    Ok(failed.is_empty())
}
