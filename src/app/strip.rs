//! Filling the strip of images (`crate::strip`) and moving along it: a local dataset's images
//! with their thumbnails and how many annotations this browser holds for each, or the bucket's
//! task list; PageUp and PageDown open the previous and next entry.

use super::Runtime;
use crate::store::ImageInfo;
use crate::strip::{Strip, StripEntry};
use leptos::prelude::*;
use std::rc::Rc;

/// How many entries are read between two updates of the strip on screen.
const BATCH: usize = 24;

/// Shows a local dataset's images: their thumbnails and stored counts are read in the
/// background, a batch at a time.
pub fn show_local(runtime: &Rc<Runtime>, images: Vec<ImageInfo>) {
    let ids: Vec<String> = images.iter().map(|i| i.id.clone()).collect();
    replace(runtime, images.into_iter().map(StripEntry::Local).collect());
    let runtime = Rc::clone(runtime);
    wasm_bindgen_futures::spawn_local(async move {
        let store = runtime.store.borrow().clone();
        for batch in ids.chunks(BATCH) {
            let mut found = Vec::with_capacity(batch.len());
            for id in batch {
                // An image the store could not keep is shown from its file.
                let unstored = runtime.unstored_images.borrow().get(id).cloned();
                let blob = match (unstored, &store) {
                    (Some(blob), _) => Some(blob),
                    (None, Some(store)) => match store.pyramid(id).await.ok().flatten() {
                        // A huge image cut into tiles: its one-tile level, not the whole file.
                        Some(p) => {
                            let pyramid = lasso_core::tiles::cut::pyramid_of(p.width, p.height);
                            let tile = lasso_core::tiles::cut::thumbnail_tile(&pyramid);
                            store.tile(id, tile).await.ok().flatten()
                        }
                        None => store.image_blob(id).await.ok().flatten(),
                    },
                    (None, None) => None,
                };
                let thumb = blob.and_then(|b| web_sys::Url::create_object_url_with_blob(&b).ok());
                let count = match &store {
                    Some(store) => match store.load(id).await {
                        Ok(Some(loaded)) => Some(loaded.document.task().annotations.len()),
                        _ => None,
                    },
                    None => None,
                };
                found.push((id.clone(), thumb, count));
            }
            // The strip may have been replaced meanwhile: only its own entries are filled.
            let mut stale = Vec::new();
            runtime.strip.update(|s| {
                for (id, thumb, count) in found {
                    if !s.entries.iter().any(|e| e.id() == id) {
                        stale.extend(thumb);
                        continue;
                    }
                    if let Some(url) = thumb {
                        s.thumbs.insert(id.clone(), url);
                    }
                    if let Some(n) = count {
                        s.counts.entry(id).or_insert(n);
                    }
                }
            });
            revoke(stale);
        }
    });
}

/// Shows the bucket's task list (manifest keys), keeping which task each key was read as.
pub fn show_bucket(runtime: &Rc<Runtime>, keys: Vec<String>) {
    replace(runtime, keys.into_iter().map(StripEntry::Bucket).collect());
}

fn replace(runtime: &Rc<Runtime>, entries: Vec<StripEntry>) {
    let mut old = Vec::new();
    runtime.strip.update(|s| {
        old = s.thumbs.drain().map(|(_, url)| url).collect();
        *s = Strip {
            entries,
            bucket_tasks: std::mem::take(&mut s.bucket_tasks),
            ..Strip::default()
        };
    });
    revoke(old);
}

fn revoke(urls: Vec<String>) {
    for url in urls {
        let _ = web_sys::Url::revoke_object_url(&url);
    }
}

/// The open task's position in the strip.
pub fn position(runtime: &Runtime) -> Option<usize> {
    let open = runtime
        .session
        .with_untracked(|s| s.editor.task().id.clone());
    runtime.strip.with_untracked(|s| s.position(&open))
}

/// Opens the entry `delta` steps from the open one (PageDown +1, PageUp -1); nothing past
/// either end or without a strip.
pub fn step(runtime: &Rc<Runtime>, delta: isize) {
    let len = runtime.strip.with_untracked(|s| s.entries.len());
    let Some(next) = lasso_core::navigation::step_in(len, position(runtime), delta) else {
        return;
    };
    open(runtime, next);
}

/// Opens the strip's entry at `index`; the count of the task left behind is kept for its
/// entry.
pub fn open(runtime: &Rc<Runtime>, index: usize) {
    let Some(entry) = runtime
        .strip
        .with_untracked(|s| s.entries.get(index).cloned())
    else {
        return;
    };
    let (leaving, count) = runtime.session.with_untracked(|s| {
        let task = s.editor.task();
        (task.id.clone(), task.annotations.len())
    });
    runtime.strip.update(|s| {
        if let Some(i) = s.position(&leaving) {
            let id = s.entries[i].id().to_string();
            s.counts.insert(id, count);
        }
    });
    match entry {
        StripEntry::Local(image) => {
            super::open::open_in_background(runtime, crate::local::task_of(&image))
        }
        StripEntry::Bucket(key) => runtime.open_key_in_background(key),
    }
}
