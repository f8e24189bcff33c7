//! Huge local images shown from a tile pyramid kept in the browser's storage.
//!
//! A local image (picked, dropped or in a local dataset) of 16 MP or more in PNG or JPEG, or a
//! TIFF in strips, is cut into a Deep Zoom pyramid by a worker (`cutStoredImage`, reading the
//! stored file a part at a time) while the page stays free; the pyramid is kept beside the
//! image, so the next time it opens from its tiles at once. Until the cut is done, a photo the
//! browser can decode (up to 120 MP) is shown whole; a larger one shows when its tiles are
//! ready, the status bar counting. A tiled TIFF with overviews is read tile by tile from the
//! file as it is (one without is cut too).
//! Where no worker can run the module, the cut fails, or the browser could not keep the file,
//! the image is shown whole as before.

use super::tiled_image;
use crate::on_demand::{split, Later, NotLoaded};
use crate::state::Shared;
use crate::store::StoredPyramid;
use crate::sync::CutProgress;
use lasso_core::model::ImageKind;
use lasso_core::tiles::rows::{probe, FileFormat};
use lasso_core::tiles::TileSource;
use leptos::prelude::*;
use std::rc::Rc;

/// Images up to this many pixels are shown whole while their tiles are cut (the browser
/// decodes them, at about 4 bytes a pixel); larger ones wait for their tiles.
const SHOW_WHOLE_UP_TO: u64 = 120_000_000;

/// How a local image is shown.
enum Plan {
    /// Whole, as the browser decodes it.
    Whole,
    /// From its tiles read from the file (a tiled TIFF).
    Tiled(TileSource),
    /// Cut into a stored pyramid; shown whole meanwhile or not.
    Cut { whole_meanwhile: bool },
}

/// Opens the local image `image` (its task id), whose file is at the object URL `src`. The work
/// is done by the tiles chunk, fetched the first time a local image opens; without it (offline
/// before it was ever fetched) the image is shown whole, as the browser decodes it.
pub fn load(runtime: Rc<Shared>, src: &str, kind: ImageKind, image: &str) {
    super::image::forget(&runtime, src);
    if src.is_empty() {
        return;
    }
    let (src, image) = (src.to_string(), image.to_string());
    wasm_bindgen_futures::spawn_local(async move {
        match opening(Rc::clone(&runtime), src.clone(), kind, image).await {
            Ok(open) => open.await,
            Err(NotLoaded) => {
                if *runtime.image_src.borrow() == src {
                    super::image::show(runtime, &src, kind);
                }
            }
        }
    });
}

split! {
    tiles;
    /// [`open`], made in the tiles chunk.
    fn opening(
        runtime: Rc<Shared>,
        src: String,
        kind: ImageKind,
        image: String,
    ) -> Result<Later<()>, NotLoaded> {
        Ok(Box::pin(open(runtime, src, kind, image)))
    }
}

/// Shows local image `image` at `src`: from its stored pyramid, from its tiles (a tiled TIFF),
/// or whole, starting its cut when it is large.
async fn open(runtime: Rc<Shared>, src: String, kind: ImageKind, image: String) {
    let store = runtime.store.borrow().clone();
    if let Some(store) = &store {
        if let Ok(Some(pyramid)) = store.pyramid(&image).await {
            if *runtime.image_src.borrow() == src {
                show_stored(&runtime, &src, &pyramid).await;
            }
            return;
        }
    }
    let plan = match &store {
        Some(store) => plan(&runtime, store, &src, &image).await,
        None => Plan::Whole,
    };
    if *runtime.image_src.borrow() != src {
        return; // another image was opened meanwhile
    }
    match plan {
        Plan::Whole => super::image::show(runtime, &src, kind),
        Plan::Tiled(source) => {
            show_tiles(&runtime, &src, source).await;
        }
        Plan::Cut { whole_meanwhile } => {
            if whole_meanwhile {
                super::image::load_whole(Rc::clone(&runtime), &src);
            }
            let store_name = store.map(|s| s.name().to_string()).unwrap_or_default();
            cut(runtime, src, image, store_name, whole_meanwhile).await;
        }
    }
}

/// Decides how local image `image`, at `src`, is shown from its first bytes (a TIFF from its
/// directories).
async fn plan(runtime: &Shared, store: &crate::store::Store, src: &str, image: &str) -> Plan {
    // A file the browser could not keep (its storage full) has no room for tiles either.
    if runtime.unstored_images.borrow().contains_key(image) {
        return Plan::Whole;
    }
    // The stored file (a handle: nothing is read until its first bytes are).
    let Some(file) = store.image_blob(image).await.ok().flatten() else {
        return Plan::Whole;
    };
    let Ok(head) = crate::cutting::head(&file).await else {
        return Plan::Whole;
    };
    if let Some(pixels) = crate::cutting::large_photo(&head) {
        return Plan::Cut {
            whole_meanwhile: pixels <= SHOW_WHOLE_UP_TO,
        };
    }
    if probe(&head).map(|p| p.format) != Some(FileFormat::Tiff) {
        return Plan::Whole;
    }
    // A browser shows no TIFF: a tiled one is read by parts, one in strips is cut.
    match tiled_image::open_tiff(runtime, src).await {
        // With overviews it shows at any zoom from a few tiles; without, the whole view would
        // need full-resolution tiles: cut like a TIFF in strips.
        Ok(Some(source)) if crate::cutting::read_as_it_is(&source) => Plan::Tiled(source),
        Ok(Some(_)) => Plan::Cut {
            whole_meanwhile: false,
        },
        Ok(None) => Plan::Cut {
            whole_meanwhile: false,
        },
        Err(_) => Plan::Whole,
    }
}

/// Cuts `image` in a worker, counting its progress, and shows its tiles when they are kept if
/// it is still the image open; a cut already under way for it is waited for instead.
async fn cut(runtime: Rc<Shared>, src: String, image: String, store: String, shown: bool) {
    let under_way = runtime.cutting.with_untracked(|c| c.contains_key(&image));
    if under_way {
        return; // that cut shows the tiles when it ends
    }
    runtime.cutting.update(|c| {
        c.insert(image.clone(), (0, 0));
    });
    let progress = listen_to_progress(&runtime, &store);
    let pyramid = crate::cutting::in_worker(&store, &image, None).await;
    drop(progress);
    runtime.cutting.update(|c| {
        c.remove(&image);
    });
    let open_now = runtime.session.with_untracked(|s| {
        s.editor.task().image.src == format!("{}{image}", crate::local::IDB_SRC)
    });
    // No worker can run the module here: shown whole, as before.
    let pyramid = pyramid.and_then(|p| p.ok_or_else(String::new));
    match pyramid {
        Ok(pyramid) if open_now => show_stored(&runtime, &src, &pyramid).await,
        Ok(_) => {}
        Err(e) => {
            if !e.is_empty() {
                let name = runtime
                    .session
                    .with_untracked(|s| s.editor.task().image.name.clone());
                runtime.fail_say("image.cut_failed", &[("name", &name), ("error", &e)]);
            }
            if open_now && *runtime.image_src.borrow() == src {
                if shown {
                    super::image::decode_large_off_thread(&runtime);
                } else {
                    super::image::load_whole(runtime, &src);
                }
            }
        }
    }
}

/// Follows the progress the worker tells into [`Shared::cutting`] until dropped.
fn listen_to_progress(runtime: &Rc<Shared>, store: &str) -> Option<CutProgress> {
    let runtime = Rc::clone(runtime);
    CutProgress::listen(store, move |image, done, total| {
        runtime.cutting.update(|c| {
            if let Some(entry) = c.get_mut(&image) {
                *entry = (done, total);
            }
        });
    })
}

/// Shows the image at `src`, if it is still the one open, from its stored pyramid, then drops
/// its whole copy.
async fn show_stored(runtime: &Rc<Shared>, src: &str, pyramid: &StoredPyramid) {
    let source = TileSource::stored(
        &pyramid.image,
        pyramid.width,
        pyramid.height,
        pyramid.format,
    );
    if show_tiles(runtime, src, source).await {
        super::image::forget_whole(runtime);
    }
}

/// Shows the image at `src`, if it is still the one open, from `source`'s tiles; whether it
/// did. Says so when the code that shows tiles cannot be downloaded (a whole copy shown
/// meanwhile stays).
async fn show_tiles(runtime: &Rc<Shared>, src: &str, source: TileSource) -> bool {
    match tiled_image::show(Rc::clone(runtime), src.to_string(), source).await {
        Ok(shown) => shown,
        Err(_) => {
            if *runtime.image_src.borrow() == src {
                let why = runtime.part_unavailable();
                runtime.fail_say("image.tiles_failed", &[("src", &src), ("error", &why)]);
            }
            false
        }
    }
}

/// The open image's cut, as a whole percentage, while one is under way (`cutting` is
/// [`Shared::cutting`]).
pub fn cut_percent(
    session: RwSignal<crate::state::Session>,
    cutting: RwSignal<std::collections::HashMap<String, (u32, u32)>>,
) -> Option<u32> {
    let image = session.with(|s| {
        s.editor
            .task()
            .image
            .src
            .strip_prefix(crate::local::IDB_SRC)
            .map(str::to_string)
    })?;
    cutting.with(|c| {
        c.get(&image)
            .map(|&(done, total)| (u64::from(done) * 100 / u64::from(total.max(1))) as u32)
    })
}
