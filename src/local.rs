//! Local folders of images: picking them (directory picker, `<input webkitdirectory>` or a drop),
//! storing them as blobs in IndexedDB, and opening one of their images as a task.
//!
//! The decisions (which files are images, a file's class in a folder-per-class layout, stable
//! task ids) are `lasso_core::import`'s; this module only moves files between the browser and
//! the store. An image's task keeps `idb:<task id>` as its source, resolved to an object URL of
//! the stored blob whenever it is opened, so it works offline and after reloads. Images the
//! browser cannot keep (its storage full, no IndexedDB) open from the picked files instead,
//! until the page closes.

use crate::state::Shared;
use crate::store::{ImageInfo, NewImage};
use lasso_core::import::{class_from_path, is_image_path, local_task_id, root_name, strip_root};
use lasso_core::model::{ImageRef, Task};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::File;

/// The prefix of an image source that names a blob in the local store.
pub const IDB_SRC: &str = "idb:";

/// A file the user picked, with its path relative to the picked folder's parent
/// (`pets/cats/a.png`), or just its name when it was picked or dropped on its own.
pub struct PickedFile {
    /// Relative path, `/`-separated.
    pub path: String,
    /// The file.
    pub file: File,
}

#[wasm_bindgen(inline_js = r#"
export async function lasso_pick_directory() {
  if (typeof window.showDirectoryPicker !== "function") return null;
  let root;
  try {
    root = await window.showDirectoryPicker();
  } catch (e) {
    if (e && e.name === "AbortError") return [];
    throw e;
  }
  const out = [];
  async function walk(dir, prefix) {
    for await (const [name, handle] of dir.entries()) {
      const path = prefix + "/" + name;
      if (handle.kind === "directory") await walk(handle, path);
      else out.push([path, await handle.getFile()]);
    }
  }
  await walk(root, root.name);
  return out;
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn lasso_pick_directory() -> Result<JsValue, JsValue>;
}

/// Whether the browser has a directory picker (`showDirectoryPicker`).
pub fn has_directory_picker() -> bool {
    web_sys::window()
        .map(|w| {
            js_sys::Reflect::get(&w, &JsValue::from_str("showDirectoryPicker"))
                .map(|f| f.is_function())
                .unwrap_or(false)
        })
        .unwrap_or(false)
}

/// Asks for a folder with the directory picker and lists its files (empty if the user
/// cancelled). Fails when the browser has no picker; use the `webkitdirectory` input then.
pub async fn pick_directory() -> Result<Vec<PickedFile>, String> {
    let value = lasso_pick_directory()
        .await
        .map_err(|e| format!("the folder could not be read: {e:?}"))?;
    if value.is_null() {
        return Err("this browser has no directory picker".into());
    }
    let entries: js_sys::Array = value.unchecked_into();
    Ok(entries
        .iter()
        .filter_map(|pair| {
            let pair: js_sys::Array = pair.unchecked_into();
            let path = pair.get(0).as_string()?;
            let file = pair.get(1).dyn_into::<File>().ok()?;
            Some(PickedFile { path, file })
        })
        .collect())
}

/// The files of an `<input type=file>` or a drop, with their `webkitRelativePath` when the
/// browser gives one.
pub fn from_file_list(list: &web_sys::FileList) -> Vec<PickedFile> {
    (0..list.length())
        .filter_map(|i| list.get(i))
        .map(|file| {
            let relative = js_sys::Reflect::get(&file, &JsValue::from_str("webkitRelativePath"))
                .ok()
                .and_then(|v| v.as_string())
                .filter(|p| !p.is_empty());
            PickedFile {
                path: relative.unwrap_or_else(|| file.name()),
                file,
            }
        })
        .collect()
}

/// The images among picked files, ready to store as one local dataset.
pub struct Picked {
    /// The dataset's name: the picked folder's, or `files-<time>` for loose files.
    pub dataset: String,
    /// The images, with their files.
    pub images: Vec<NewImage>,
    /// How many picked files are not images.
    pub skipped: usize,
}

/// Sorts the images among `files` into a local dataset (named after the picked folder, or
/// `files-<time>` for loose files); an error when none is an image.
pub fn pick(files: Vec<PickedFile>) -> Result<Picked, String> {
    let dataset = files
        .iter()
        .find_map(|f| root_name(&f.path))
        .unwrap_or_else(|| format!("files-{}", js_sys::Date::now() as u64));
    let total = files.len();
    let images: Vec<NewImage> = files
        .into_iter()
        .filter(|f| is_image_path(&f.path))
        .map(|f| {
            let path = if root_name(&f.path).as_deref() == Some(dataset.as_str()) {
                strip_root(&f.path)
            } else {
                lasso_core::import::normalize(&f.path)
            };
            NewImage {
                info: ImageInfo {
                    id: local_task_id(&dataset, &path),
                    dataset: dataset.clone(),
                    class: class_from_path(&path),
                    size: f.file.size(),
                    path,
                },
                blob: f.file.into(),
            }
        })
        .collect();
    if images.is_empty() {
        return Err(format!(
            "no images among the {total} file(s) picked (accepted: {})",
            lasso_core::import::IMAGE_EXTENSIONS.join(", ")
        ));
    }
    let skipped = total - images.len();
    Ok(Picked {
        dataset,
        images,
        skipped,
    })
}

/// The task of a local image: its tag is its folder's class (folder-per-class layouts).
pub fn task_of(image: &ImageInfo) -> Task {
    // The path inside the opened folder (`cats/1.jpg`), not only the file name, so that
    // `cats/1.jpg` and `dogs/1.jpg` stay two files in an export.
    let name = image.path.as_str();
    Task {
        id: image.id.clone(),
        image: ImageRef {
            src: format!("{IDB_SRC}{}", image.id),
            name: name.to_string(),
            width: 0,
            height: 0,
            ..ImageRef::default()
        },
        tags: image.class.iter().cloned().collect(),
        ..Task::default()
    }
}

/// An object URL for a stored image, for `src` values `idb:<task id>`; other sources are
/// returned unchanged.
pub async fn resolve_src(runtime: &Shared, src: &str) -> String {
    let Some(id) = src.strip_prefix(IDB_SRC) else {
        return src.to_string();
    };
    let unstored = runtime.unstored_images.borrow().get(id).cloned();
    if let Some(blob) = unstored {
        return web_sys::Url::create_object_url_with_blob(&blob).unwrap_or_default();
    }
    let store = runtime.store.borrow().clone();
    let Some(store) = store else {
        runtime.fail_say("local.no_idb_image", &[("id", &id)]);
        return String::new();
    };
    match store.image_blob(id).await {
        Ok(Some(blob)) => web_sys::Url::create_object_url_with_blob(&blob).unwrap_or_default(),
        Ok(None) => {
            runtime.fail_say("local.image_gone", &[("id", &id)]);
            String::new()
        }
        Err(e) => {
            runtime.fail_say("image.read_failed", &[("src", &id), ("error", &e)]);
            String::new()
        }
    }
}

/// Reads the list of local datasets into the runtime's signal.
pub async fn refresh(runtime: &Shared) {
    let store = runtime.store.borrow().clone();
    let Some(store) = store else {
        return;
    };
    match store.datasets().await {
        Ok(list) => runtime.local_datasets.set(list),
        Err(e) => runtime.fail_say("local.list_failed", &[("error", &e)]),
    }
}

/// Imports picked files, reports what happened, refreshes the list and returns the
/// dataset's images (for the caller to show and open the first). Images the browser cannot
/// keep (its storage full, or no IndexedDB) are still opened, from the files, until the page
/// closes, and the labeller is told so.
pub async fn import_picked(runtime: &Shared, files: Vec<PickedFile>) -> Option<Vec<ImageInfo>> {
    if files.is_empty() {
        return None;
    }
    let picked = match pick(files) {
        Ok(picked) => picked,
        Err(e) => {
            runtime.fail_say("local.open_failed", &[("error", &e)]);
            return None;
        }
    };
    if picked.skipped > 0 {
        web_sys::console::info_1(&JsValue::from_str(&format!(
            "local dataset {}: skipped {} file(s) that are not images",
            picked.dataset, picked.skipped
        )));
    }
    let kept: Vec<(ImageInfo, web_sys::Blob)> = picked
        .images
        .iter()
        .map(|i| (i.info.clone(), i.blob.clone()))
        .collect();
    let store = runtime.store.borrow().clone();
    let stored = match store {
        Some(store) => store
            .put_dataset(&picked.dataset, &picked.dataset, picked.images)
            .await
            .map(|info| (store, info))
            .map_err(Some),
        None => Err(None),
    };
    let (store, info) = match stored {
        Ok(stored) => stored,
        Err(error) => {
            let mut unstored = runtime.unstored_images.borrow_mut();
            for (info, blob) in &kept {
                unstored.insert(info.id.clone(), blob.clone());
            }
            runtime.fail(match error {
                Some(e) if e.is_quota() => runtime.say("local.full", &[("error", &e)]),
                Some(e) => runtime.say("local.not_kept", &[("error", &e)]),
                None => runtime.say("local.no_idb", &[]),
            });
            return Some(kept.into_iter().map(|(info, _)| info).collect());
        }
    };
    refresh(runtime).await;
    match store.dataset_images(&info.id).await {
        Ok(images) => Some(images),
        Err(e) => {
            runtime.fail_say("local.dataset_failed", &[("id", &info.id), ("error", &e)]);
            None
        }
    }
}

/// A size in bytes for people: `812 B`, `4.2 KB`, `13.0 MB`.
pub fn human_size(bytes: f64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024.0 {
        return format!("{bytes:.0} B");
    }
    let mut v = bytes / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}
