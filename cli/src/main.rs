//! `lasso`: convert, check and describe annotation datasets from the command line.
//!
//! The binary is glue: it reads a dataset folder into memory (`folder`), hands it to
//! `lasso_core::formats`, and writes what the core returns. Every decision about formats,
//! geometry and splits is made in the core, so the CLI and the browser export agree.

// Errors are values: nothing outside tests may abort on bad input (also checked by `xtask tidy`).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod agree;
mod api;
mod check;
mod consensus;
mod folder;
mod import;
mod ml_client;
mod parallel;
mod pipeline;
mod predict;
mod predict_folder;
mod project;
mod pull;
mod recipe;
mod render;
mod s3;
mod stats;

use clap::{Parser, Subcommand};
use lasso_core::formats::{self, Dataset, ExportOptions, FormatError, FormatName};
use std::path::PathBuf;
use std::process::ExitCode;

/// Convert, check and describe computer-vision annotation datasets.
#[derive(Parser)]
#[command(name = "lasso", version, about, after_help = formats_help())]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The formats, one line each, from the core's registry (the one list the browser shares).
fn formats_help() -> String {
    let mut out = String::from("Formats:\n");
    for f in formats::registry::all() {
        out.push_str(&format!("  {:<13} {}\n", f.name().as_str(), f.describe()));
    }
    out
}

/// A project in the bucket instead of folders (`agree`, `consensus`): every annotator's
/// submitted results, read with a reviewer's or manager's token.
#[derive(clap::Args)]
struct BucketProject {
    /// Project id in the bucket.
    #[arg(long)]
    project: Option<String>,
    /// Base URL of the presign API (with --project).
    #[arg(long, requires = "project")]
    presign: Option<String>,
    /// Bearer token (or set LASSO_TOKEN).
    #[arg(long, env = "LASSO_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Results read at once.
    #[arg(long, default_value_t = 8)]
    parallel: usize,
}

#[derive(Subcommand)]
enum Command {
    /// Convert a dataset folder from one format to another (class mapping, split,
    /// preprocessing and augmentation on the way).
    Convert {
        /// Format of IN (see the list below).
        #[arg(long)]
        from: FormatName,
        /// Dataset folder to read.
        input: PathBuf,
        /// Folder to write (created if missing).
        output: PathBuf,
        #[command(flatten)]
        recipe: recipe::RecipeArgs,
    },
    /// Gather a team project from the bucket into a dataset: per task the result --choose
    /// takes, images downloaded in parallel (an interrupted pull resumes), a version manifest
    /// (lasso-version.json) beside it that `lasso build` rebuilds byte for byte.
    Pull {
        /// Project id (the bucket prefix).
        #[arg(long)]
        project: String,
        /// Folder to write (the download cache is kept in its .lasso-pull/).
        output: PathBuf,
        /// Which result each task takes, first that applies: accepted, consensus, latest,
        /// annotator:NAME (comma-separated; tasks none applies to are left out).
        #[arg(long, value_delimiter = ',', default_value = "accepted")]
        choose: Vec<lasso_core::dataset::Choice>,
        /// Consensus: annotators who must agree on a shape (default: more than half).
        #[arg(long)]
        min: Option<usize>,
        /// Consensus: IoU (OKS for keypoints) at or above which shapes are the same object.
        #[arg(long, default_value_t = 0.5)]
        iou: f64,
        /// Also save the version manifest in the bucket as <project>/datasets/NAME/version.json.
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        endpoint: s3::Endpoint,
        #[command(flatten)]
        recipe: recipe::RecipeArgs,
    },
    /// Pre-label with a model through a Label Studio ML backend (/health, /setup, /predict):
    /// every task of a project in the bucket (--project; images as presigned URLs, the
    /// predictions written into the task manifests) or every image of a dataset folder (IN
    /// OUT --from FMT; images served to the backend by this command, the dataset written with
    /// its predictions to OUT), several at once. Tasks that already hold the model's
    /// predictions are skipped, so a stopped run resumes.
    Predict {
        /// The backend's URL (a Label Studio ML backend).
        #[arg(long)]
        backend: String,
        /// Token for the backend, sent as `Authorization: Token …`.
        #[arg(long = "backend-token", env = "LASSO_ML_TOKEN", hide_env_values = true)]
        backend_token: Option<String>,
        /// Project id (the bucket prefix).
        #[arg(long, conflicts_with_all = ["input", "output", "from"])]
        project: Option<String>,
        /// Format of IN.
        #[arg(long, requires = "input")]
        from: Option<FormatName>,
        /// Format of OUT: one that keeps predictions (lasso, coco, yolo, cvat, label-studio…).
        #[arg(long, default_value = "lasso")]
        to: FormatName,
        /// Where the images are served to the backend (a reachable address for a remote one).
        #[arg(long, default_value = "127.0.0.1:0")]
        serve_at: String,
        /// Dataset folder to read (instead of --project).
        #[arg(requires_all = ["output", "from"])]
        input: Option<PathBuf>,
        /// Folder to write.
        output: Option<PathBuf>,
        /// Model class = project class (repeatable; also project.json ml.classes).
        #[arg(long = "map-class", value_parser = class_pair)]
        map_class: Vec<(String, String)>,
        /// Predict tasks that already hold the model's predictions again (replacing them).
        #[arg(long)]
        again: bool,
        /// Seconds to wait for each answer.
        #[arg(long, default_value_t = 60)]
        timeout: u64,
        #[command(flatten)]
        endpoint: s3::Endpoint,
    },
    /// Rebuild the dataset of a version manifest (from `lasso pull`) byte for byte; objects
    /// changed in the bucket since are refused by name.
    Build {
        /// The version manifest (lasso-version.json, or one saved under <project>/datasets/).
        version: PathBuf,
        /// Folder to write.
        output: PathBuf,
        #[command(flatten)]
        endpoint: s3::Endpoint,
    },
    /// A dataset's health: objects and images per class and split (classes that need more
    /// examples marked), tags, objects per image, box sizes, aspects and COCO sizes, image
    /// sizes, tiny objects, images without objects; unreadable, blank, duplicate and
    /// near-duplicate images (perceptual hash).
    Stats {
        /// Format of the dataset.
        #[arg(long, short)]
        format: FormatName,
        /// Dataset folder.
        input: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Skip reading the pixels (unreadable, blank and duplicate images).
        #[arg(long)]
        no_pixels: bool,
    },
    /// Agreement between annotators: two or more versions of one dataset (images matched by
    /// name), every pair overall and per class, and whole-image tags (Cohen, Fleiss,
    /// Krippendorff).
    Agree {
        /// Format of every folder, or one per folder in order.
        #[arg(long, short)]
        format: Vec<FormatName>,
        /// The annotators' dataset folders (each named by its folder).
        folders: Vec<PathBuf>,
        #[command(flatten)]
        bucket: BucketProject,
        /// IoU (OKS for keypoints) at or above which two shapes of one class may match.
        #[arg(long, default_value_t = 0.5)]
        iou: f64,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// One dataset from several annotators' versions of it: shapes at least --min of them drew
    /// alike (boxes by median, masks by pixel majority, polygons through their masks), tags by
    /// majority; what has no consensus listed for a reviewer.
    Consensus {
        /// Format of every folder, or one per folder in order.
        #[arg(long, short)]
        format: Vec<FormatName>,
        /// The annotators' dataset folders (each named by its folder).
        folders: Vec<PathBuf>,
        #[command(flatten)]
        bucket: BucketProject,
        /// Folder to write the consensus dataset to.
        #[arg(long, short)]
        output: PathBuf,
        /// Format to write (default: the first folder's).
        #[arg(long)]
        to: Option<FormatName>,
        /// Annotators who must agree on a shape (default: more than half of those who have
        /// the image).
        #[arg(long)]
        min: Option<usize>,
        /// IoU (OKS for keypoints) at or above which two shapes are the same object.
        #[arg(long, default_value_t = 0.5)]
        iou: f64,
        /// Also write what has no consensus, per image, as JSON to this file.
        #[arg(long)]
        disputes: Option<PathBuf>,
    },
    /// Create or extend a team project in the bucket from a folder of images (resumable):
    /// images and a manifest each, folder names as image tags, annotations attached.
    Import {
        /// Folder of images (a folder-per-class layout gives each image its folder as a tag).
        folder: PathBuf,
        /// Project id (the bucket prefix).
        #[arg(long)]
        project: String,
        /// Base URL of the presign API.
        #[arg(long)]
        presign: String,
        /// Bearer token of a manager or uploader (or set LASSO_TOKEN, which keeps it out of
        /// the shell history).
        #[arg(long, env = "LASSO_TOKEN", hide_env_values = true)]
        token: String,
        /// Attach the folder's annotations, read in this format.
        #[arg(long)]
        annotations: Option<FormatName>,
        /// Label set of a new project (a JSON `LabelSet`); else from the annotations or folders.
        #[arg(long)]
        labels: Option<PathBuf>,
        /// Annotators per task of a new project.
        #[arg(long, default_value_t = 1)]
        overlap: u32,
        /// Uploads at once.
        #[arg(long, default_value_t = 4)]
        parallel: usize,
    },
    /// Find degenerate, out-of-image and invalid shapes, unknown labels and near duplicates;
    /// exits with 1 when there are any.
    Check {
        /// Format of the dataset.
        #[arg(long, short)]
        format: FormatName,
        /// Dataset folder.
        input: PathBuf,
    },
}

/// A failure the CLI reports: a format error (file, place, message) or an IO error on a path.
#[derive(Debug)]
enum Failure {
    Format(FormatError),
    Io(PathBuf, std::io::Error),
    Other(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Format(e) => write!(f, "{e}"),
            Failure::Io(path, e) => write!(f, "{}: {e}", path.display()),
            Failure::Other(message) => f.write_str(message),
        }
    }
}

impl From<FormatError> for Failure {
    fn from(e: FormatError) -> Self {
        Failure::Format(e)
    }
}

/// `model=project` of `--map-class`.
fn class_pair(text: &str) -> Result<(String, String), String> {
    lasso_core::ml::settings::parse_class_pair(text)
}

fn read(format: FormatName, input: &std::path::Path) -> Result<Dataset, Failure> {
    let files = folder::read(input)?;
    let bar = folder::spinner(&format!("reading {format}"));
    let dataset = formats::import(format, &files)?;
    bar.finish_and_clear();
    Ok(dataset)
}

/// One annotator's name and tasks.
type Annotator = (String, Vec<lasso_core::model::Task>);

/// With `--project`: every annotator's results from the bucket (at least two annotators);
/// `None` when folders are given instead.
fn from_bucket(
    bucket: &BucketProject,
    folders: &[PathBuf],
    iou: f64,
) -> Result<Option<Vec<Annotator>>, Failure> {
    let Some(project) = &bucket.project else {
        return Ok(None);
    };
    if !folders.is_empty() {
        return Err(Failure::Other(
            "give either dataset folders or --project, not both".into(),
        ));
    }
    if !(0.0..=1.0).contains(&iou) {
        return Err(Failure::Other(format!("--iou {iou} must be within 0..=1")));
    }
    let (Some(endpoint), Some(token)) = (&bucket.presign, &bucket.token) else {
        return Err(Failure::Other(
            "--project needs --presign URL and a token (--token or LASSO_TOKEN)".into(),
        ));
    };
    let api = api::Api::new(endpoint, token).map_err(Failure::Other)?;
    let sets = project::results(&api, project, bucket.parallel).map_err(Failure::Other)?;
    if sets.len() < 2 {
        return Err(Failure::Other(format!(
            "project {project} has results of {} annotator(s); agreement needs two or more",
            sets.len()
        )));
    }
    Ok(Some(sets))
}

/// The checks `agree` and `consensus` share: formats for the folders, an IoU within 0..=1.
fn check_versions(format: &[FormatName], folders: &[PathBuf], iou: f64) -> Result<(), Failure> {
    if folders.len() < 2 {
        return Err(Failure::Other(format!(
            "give two or more dataset folders (one per annotator), or --project; got {}",
            folders.len()
        )));
    }
    if format.is_empty() {
        return Err(Failure::Other(
            "give the folders' format with --format (one, or one per folder)".into(),
        ));
    }
    if format.len() != 1 && format.len() != folders.len() {
        return Err(Failure::Other(format!(
            "give one --format for every folder, or one per folder ({} folders, {} formats)",
            folders.len(),
            format.len()
        )));
    }
    if !(0.0..=1.0).contains(&iou) {
        return Err(Failure::Other(format!("--iou {iou} must be within 0..=1")));
    }
    Ok(())
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    match cli.command {
        Command::Convert {
            from,
            input,
            output,
            recipe,
        } => {
            let recipe = recipe.recipe()?;
            let dataset = read(from, &input)?;
            recipe::write(&recipe, dataset, &input, &output)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Pull {
            project,
            output,
            choose,
            min,
            iou,
            name,
            endpoint,
            recipe,
        } => {
            if !(0.0..=1.0).contains(&iou) {
                return Err(Failure::Other(format!("--iou {iou} must be within 0..=1")));
            }
            let job = pull::Pull {
                endpoint,
                project,
                choose,
                consensus: lasso_core::dataset::version::ConsensusSettings { min, iou },
                recipe: recipe.recipe()?,
                output,
                name,
            };
            pull::pull(&job)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Predict {
            backend,
            backend_token,
            project,
            from,
            to,
            serve_at,
            input,
            output,
            map_class,
            again,
            timeout,
            endpoint,
        } => {
            let settings = lasso_core::ml::MlSettings {
                url: backend,
                token: backend_token,
                classes: map_class.into_iter().collect(),
                timeout_ms: Some(timeout.max(1) * 1000),
                ..Default::default()
            };
            let ok = match (project, input, output, from) {
                (Some(project), _, _, _) => predict::predict_project(&predict::PredictJob {
                    settings,
                    project,
                    endpoint,
                    again,
                })?,
                (None, Some(input), Some(output), Some(from)) => {
                    let dataset = read(from, &input)?;
                    predict_folder::predict_folder(predict_folder::FolderJob {
                        settings,
                        dataset,
                        input,
                        output,
                        to,
                        serve_at,
                        parallel: endpoint.parallel,
                        again,
                    })?
                }
                _ => {
                    return Err(Failure::Other(
                        "give --project, or a dataset folder IN OUT with --from".into(),
                    ))
                }
            };
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Build {
            version,
            output,
            endpoint,
        } => {
            pull::build(&version, &endpoint, &output)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            folder,
            project,
            presign,
            token,
            annotations,
            labels,
            overlap,
            parallel,
        } => {
            let job = import::Import {
                folder,
                project,
                endpoint: presign,
                token,
                annotations,
                labels,
                overlap,
                parallel,
            };
            let (sent, skipped) = import::run(&job).map_err(Failure::Other)?;
            eprintln!(
                "lasso: {sent} images sent to project {}, {skipped} were there already",
                job.project
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Agree {
            format,
            folders,
            bucket,
            iou,
            json,
        } => {
            let sets = match from_bucket(&bucket, &folders, iou)? {
                Some(sets) => sets,
                None => {
                    check_versions(&format, &folders, iou)?;
                    let mut sets = Vec::new();
                    for (i, folder) in folders.iter().enumerate() {
                        let f = format.get(i).copied().unwrap_or(format[0]);
                        sets.push((
                            agree::name_of(folder),
                            agree::tasks_with_labels(read(f, folder)?),
                        ));
                    }
                    sets
                }
            };
            let report = agree::run(&sets, iou).map_err(Failure::Other)?;
            if json {
                println!("{}", agree::json(&report).map_err(Failure::Other)?);
            } else {
                print!("{}", agree::table(&report));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Consensus {
            format,
            folders,
            bucket,
            output,
            to,
            min,
            iou,
            disputes,
        } => {
            let versions: Vec<consensus::Version> = match from_bucket(&bucket, &folders, iou)? {
                Some(sets) => sets
                    .into_iter()
                    .map(|(name, tasks)| consensus::Version::from_bucket(name, tasks))
                    .collect(),
                None => {
                    check_versions(&format, &folders, iou)?;
                    let mut versions = Vec::new();
                    for (i, folder) in folders.iter().enumerate() {
                        let f = format.get(i).copied().unwrap_or(format[0]);
                        versions.push(consensus::Version::new(folder, read(f, folder)?));
                    }
                    versions
                }
            };
            let folders = &versions;
            let min_votes = match min {
                Some(0) => return Err(Failure::Other("--min must be at least 1".into())),
                Some(m) if m > folders.len() => {
                    return Err(Failure::Other(format!(
                        "--min {m} is more than the {} annotators given",
                        folders.len()
                    )))
                }
                Some(m) => m,
                None => folders.len() / 2 + 1,
            };
            let options = lasso_core::quality::ConsensusOptions {
                min_votes,
                threshold: iou,
            };
            let (dataset, result) = consensus::run(&versions, options).map_err(Failure::Other)?;
            let to = to.or(format.first().copied()).unwrap_or(FormatName::Coco);
            let export = formats::export(to, &dataset, &ExportOptions::default())?;
            let copied = folder::write(
                std::path::Path::new("."),
                &output,
                &dataset,
                &export,
                &Default::default(),
            )?;
            if let Some(path) = disputes {
                let text = consensus::disputes_json(&result).map_err(Failure::Other)?;
                std::fs::write(&path, text).map_err(|e| Failure::Io(path.clone(), e))?;
            }
            let shapes: usize = result.disputes.iter().map(|d| d.shapes.len()).sum();
            eprintln!(
                "lasso: consensus of {} annotators (at least {min_votes} agreeing): {} images, {} objects → {} ({copied} images copied); {shapes} shapes and {} images' tags without consensus",
                folders.len(),
                dataset.tasks.len(),
                dataset.tasks.iter().map(|t| t.annotations.len()).sum::<usize>(),
                output.display(),
                result.disputes.iter().filter(|d| !d.tags.is_empty()).count(),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Stats {
            format,
            input,
            json,
            no_pixels,
        } => {
            let dataset = read(format, &input)?;
            let pixels = (!no_pixels).then(|| stats::pixels(&dataset, &input));
            if json {
                println!(
                    "{}",
                    stats::json(&dataset, pixels.as_ref()).map_err(Failure::Other)?
                );
            } else {
                print!("{}", stats::report(&dataset, pixels.as_ref()));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { format, input } => {
            let dataset = read(format, &input)?;
            let problems = check::problems(&dataset);
            for p in &problems {
                println!("{p}");
            }
            if problems.is_empty() {
                eprintln!("lasso: no problems in {} images", dataset.tasks.len());
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("lasso: {} problems", problems.len());
                Ok(ExitCode::from(1))
            }
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("lasso: {e}");
            ExitCode::from(2)
        }
    }
}
