//! A pipeline over a whole dataset: every image preprocessed, the training images copied with
//! seeded augmentations, every shape following its pixels. The pixels themselves are rendered
//! later, image by image, from the [`ImagePlan`]s returned here.

use super::affine::Affine;
use super::pipeline::{draw, Draw, Pipeline};
use super::shapes::{warp_shape, KeepRule, Target};
use crate::formats::{Dataset, Split};
use crate::model::{AnnotationId, Task};
use crate::random::Random;
use std::collections::BTreeMap;

/// How to make one output image: from the source image of `source_task`, drawn by `draw`.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ImagePlan {
    /// The task whose image is the source.
    pub source_task: String,
    /// Geometry and adjustments.
    pub draw: Draw,
    /// Write it in shades of grey.
    pub grayscale: bool,
    /// The source image's (upright) size the plan was drawn for.
    pub source_size: (u32, u32),
}

impl ImagePlan {
    /// Renders the output from the decoded, upright source image; refuses a source whose size
    /// is not the one the annotations were made for (the shapes would land elsewhere).
    pub fn render(&self, source: &image::RgbImage) -> Result<image::DynamicImage, String> {
        if source.dimensions() != self.source_size {
            return Err(format!(
                "the image is {}×{} but its annotations are for {}×{}",
                source.width(),
                source.height(),
                self.source_size.0,
                self.source_size.1
            ));
        }
        super::pixels::render(source, &self.draw, self.grayscale)
    }
}

/// The rendered outputs of an export, by source image: `(src, [(output path, plan)])` for every
/// source at least one output is drawn from, in the order of each source's first output, so
/// each source is decoded once for all its outputs (tiles, copies and resized originals keep
/// their source's `src`). `images` is the export's `(task id, path)` list.
pub fn render_groups<'a>(
    images: &'a [(String, String)],
    tasks: &'a [crate::model::Task],
    plans: &'a BTreeMap<String, ImagePlan>,
) -> Vec<(&'a str, Vec<(&'a str, &'a ImagePlan)>)> {
    let src_of: BTreeMap<&str, &str> = tasks
        .iter()
        .map(|t| (t.id.as_str(), t.image.src.as_str()))
        .collect();
    let mut groups: Vec<(&str, Vec<(&str, &ImagePlan)>)> = Vec::new();
    let mut index_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (task, path) in images {
        let (Some(plan), Some(src)) = (plans.get(task), src_of.get(task.as_str())) else {
            continue;
        };
        let i = *index_of.entry(src).or_insert_with(|| {
            groups.push((src, Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push((path.as_str(), plan));
    }
    groups
}

/// What [`apply`] did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Applied {
    /// New pixels to render, by output task id; tasks not listed are copied as they are.
    pub plans: BTreeMap<String, ImagePlan>,
    /// Training images that were augmented.
    pub augmented: usize,
    /// Copies added.
    pub copies: usize,
    /// Shapes dropped for leaving the image (by the keep rule).
    pub dropped: usize,
}

/// Runs `pipeline` over `dataset` with `seed`: cuts every image into tiles if asked (each tile
/// a task in its image's split), resizes every task's shapes (and sizes), adds the augmented
/// copies of training images (or of every image when the dataset has no splits) right after
/// their originals, in the train split. The same seed gives the same result, whatever the
/// order of the tasks.
pub fn apply(dataset: &mut Dataset, pipeline: &Pipeline, seed: u64) -> Result<Applied, String> {
    pipeline.check()?;
    let mut applied = Applied::default();
    if pipeline.is_empty() {
        return Ok(applied);
    }
    let any_split = !dataset.splits.is_empty();
    let mut out = Vec::with_capacity(dataset.tasks.len());
    for task in std::mem::take(&mut dataset.tasks) {
        let (w, h) = (task.image.width, task.image.height);
        if w == 0 || h == 0 {
            return Err(format!(
                "image {} ({}) has no known size; preprocessing needs it",
                task.image.name, task.id
            ));
        }
        let split = dataset.splits.get(&task.id).copied();
        let pieces = match &pipeline.tile {
            Some(tile) => tile.pieces(w, h),
            None => vec![(String::new(), identity(w, h))],
        };
        let tiled = pipeline.tile.is_some();
        if tiled {
            // The image itself is replaced by its tiles.
            dataset.splits.remove(&task.id);
        }
        for (suffix, to_piece) in pieces {
            let piece = if tiled {
                let rule = pipeline.tile.as_ref().map(|t| t.keep).unwrap_or_default();
                let (piece, dropped) = warped_task(&task, &to_piece, &rule, &suffix);
                applied.dropped += dropped;
                if let Some(split) = split {
                    dataset.splits.insert(piece.id.clone(), split);
                }
                piece
            } else {
                task.clone()
            };
            let source = PieceSource {
                task: &task.id,
                size: (w, h),
                to_piece: to_piece.map,
                rewritten: tiled,
            };
            let is_train = !any_split || split == Some(Split::Train);
            process_piece(
                piece,
                &source,
                pipeline,
                seed,
                is_train,
                any_split,
                dataset,
                &mut applied,
                &mut out,
            );
        }
    }
    dataset.tasks = out;
    Ok(applied)
}

fn identity(width: u32, height: u32) -> Target {
    Target {
        map: Affine::IDENTITY,
        width,
        height,
        mirrored: false,
    }
}

/// Where a piece's pixels come from: the source task's image, of this size, through this map
/// (a tile's crop, or nothing); `rewritten` when the piece's pixels differ from the source's.
struct PieceSource<'a> {
    task: &'a str,
    size: (u32, u32),
    to_piece: Affine,
    rewritten: bool,
}

/// Resizes one piece (an image or a tile) and adds its augmented copies after it.
#[allow(clippy::too_many_arguments)]
fn process_piece(
    piece: Task,
    source: &PieceSource<'_>,
    pipeline: &Pipeline,
    seed: u64,
    is_train: bool,
    any_split: bool,
    dataset: &mut Dataset,
    applied: &mut Applied,
    out: &mut Vec<Task>,
) {
    let (w, h) = (piece.image.width, piece.image.height);
    let base = match &pipeline.resize {
        Some(r) => r.target(w, h),
        None => identity(w, h),
    };
    // One resample from the source image: its map to the piece, then the piece's own.
    let plan = |draw: Draw| {
        let mut draw = draw;
        draw.target.map = source.to_piece.then(draw.target.map);
        ImagePlan {
            source_task: source.task.to_string(),
            draw,
            grayscale: pipeline.grayscale,
            source_size: source.size,
        }
    };
    let mut copies = Vec::new();
    if let Some(a) = pipeline
        .augment
        .as_ref()
        .filter(|a| a.copies > 0 && is_train)
    {
        applied.augmented += 1;
        for k in 1..=a.copies {
            let mut random = Random::new(seed, stream(&piece.id, k));
            let drawn = draw(&a.ops, base, &mut random);
            let (copy, dropped) = warped_task(&piece, &drawn.target, &a.keep, &format!("-aug{k}"));
            applied.dropped += dropped;
            applied.plans.insert(copy.id.clone(), plan(drawn));
            if any_split {
                dataset.splits.insert(copy.id.clone(), Split::Train);
            }
            copies.push(copy);
        }
    }
    let mut piece = piece;
    if pipeline.resize.is_some() || pipeline.grayscale || source.rewritten {
        let keep_all = KeepRule {
            min_visibility: 0.0,
            min_area: 0.0,
        };
        let (resized, dropped) = warped_task(&piece, &base, &keep_all, "");
        applied.dropped += dropped;
        applied.plans.insert(
            piece.id.clone(),
            plan(Draw {
                target: base,
                adjust: Vec::new(),
            }),
        );
        piece = resized;
    }
    applied.copies += copies.len();
    out.push(piece);
    out.extend(copies);
}

/// Each image and copy its own random stream (FNV-1a of the task id, then the copy number).
fn stream(task_id: &str, copy: u32) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in task_id.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    hash ^ u64::from(copy).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// `task` with its shapes through `target`; with a non-empty `suffix`, a copy whose task id,
/// annotation ids and image name carry it. Returns the task and how many shapes were dropped.
fn warped_task(task: &Task, target: &Target, rule: &KeepRule, suffix: &str) -> (Task, usize) {
    let mut out = task.clone();
    out.image.width = target.width;
    out.image.height = target.height;
    if !suffix.is_empty() {
        out.id = format!("{}{suffix}", task.id);
        out.image.name = suffixed(&task.image.name, suffix);
    }
    let before = task.annotations.len();
    out.annotations = task
        .annotations
        .iter()
        .filter_map(|a| {
            let shape = warp_shape(&a.shape, target, rule)?;
            let mut a = a.clone();
            a.shape = shape;
            if !suffix.is_empty() {
                a.id = AnnotationId(format!("{}{suffix}", a.id.0));
            }
            Some(a)
        })
        .collect();
    let dropped = before - out.annotations.len();
    (out, dropped)
}

/// `dir/photo.jpg` with `-aug1` → `dir/photo-aug1.jpg`.
fn suffixed(name: &str, suffix: &str) -> String {
    let slash = name.rfind('/').map_or(0, |i| i + 1);
    match name[slash..].rfind('.') {
        Some(dot) if dot > 0 => format!("{}{suffix}{}", &name[..slash + dot], &name[slash + dot..]),
        _ => format!("{name}{suffix}"),
    }
}
