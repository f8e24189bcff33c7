//! Writing preprocessed and augmented images: each source image is read and decoded once, then
//! every output drawn from it is rendered and encoded by the core, on every core of the
//! machine.

use super::Failure;
use lasso_core::dataset::{pixels, ImagePlan};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The images drawn from one source file.
pub struct Group<'a> {
    /// The source image file.
    pub source: PathBuf,
    /// Outputs rendered from it.
    pub outputs: Vec<(PathBuf, &'a ImagePlan)>,
}

/// Renders every group; returns how many images were written. Stops at the first failure and
/// names the image.
pub fn write(groups: &[Group<'_>], bar: &indicatif::ProgressBar) -> Result<usize, Failure> {
    let next = AtomicUsize::new(0);
    let written = AtomicUsize::new(0);
    let failure: Mutex<Option<Failure>> = Mutex::new(None);
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(groups.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                if failure.lock().map_or(true, |f| f.is_some()) {
                    return;
                }
                let Some(group) = groups.get(next.fetch_add(1, Ordering::Relaxed)) else {
                    return;
                };
                match render_group(group) {
                    Ok(n) => {
                        written.fetch_add(n, Ordering::Relaxed);
                        bar.inc(n as u64);
                    }
                    Err(e) => {
                        if let Ok(mut slot) = failure.lock() {
                            slot.get_or_insert(e);
                        }
                        return;
                    }
                }
            });
        }
    });
    match failure.into_inner().ok().flatten() {
        Some(e) => Err(e),
        None => Ok(written.into_inner()),
    }
}

fn render_group(group: &Group<'_>) -> Result<usize, Failure> {
    let bytes = std::fs::read(&group.source).map_err(|e| Failure::Io(group.source.clone(), e))?;
    let named = |path: &PathBuf, e: String| Failure::Io(path.clone(), std::io::Error::other(e));
    let source = pixels::decode(&bytes).map_err(|e| named(&group.source, e))?;
    for (path, plan) in &group.outputs {
        let image = plan.render(&source).map_err(|e| named(&group.source, e))?;
        let encoded =
            pixels::encode(&image, &path.to_string_lossy()).map_err(|e| named(path, e))?;
        std::fs::write(path, encoded).map_err(|e| Failure::Io(path.clone(), e))?;
    }
    Ok(group.outputs.len())
}
