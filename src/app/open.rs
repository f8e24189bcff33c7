//! Opening tasks: a task given by the host or the local datasets view, a manifest from the
//! bucket, and the reload that follows another tab's edit this tab cannot apply.

use super::{MountDefaults, Runtime};
use crate::on_demand::json;
use crate::state::Session;
use lasso_core::history::Op;
use lasso_core::model::Task;
use leptos::prelude::*;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// Opens `task` in the editor: the stored copy (with every journaled edit) if this browser has
/// one, otherwise the task itself, which is then stored. Tasks without labels get `labels`.
pub async fn open_task(runtime: &Rc<Runtime>, mut task: Task) -> Result<(), String> {
    if task.id.is_empty() {
        return Err("task: missing \"id\"".into());
    }
    // Checked before anything indexes or stores it: a NaN coordinate or a mask too large to
    // hold is refused by the field that holds it, and the open task stays as it was.
    lasso_core::validate::task(&task).map_err(|e| format!("task {:?}: {e}", task.id))?;
    let MountDefaults { labels, id_prefix } = runtime.defaults.borrow().clone();
    if task.labels.labels.is_empty() {
        task.labels.labels = labels.labels.clone();
    }
    if task.labels.tags.is_empty() {
        task.labels.tags = labels.tags.clone();
        task.labels.multi_tag = labels.multi_tag;
    }
    let store = runtime.store.borrow().clone();
    // Ops other tabs journal while the task loads are held, then applied unless the load had them.
    if let Some(sync) = runtime.sync.borrow().as_ref() {
        sync.hold();
    }
    let mut loaded_seq = 0.0;
    let mut stored = None;
    if let Some(store) = store {
        match store.load(&task.id).await {
            Ok(Some(loaded)) => {
                for s in &loaded.skipped {
                    runtime.fail_say("open.skipped", &[("edit", s)]);
                }
                loaded_seq = loaded.seq;
                runtime.count_for_compaction(&store, &task.id, loaded.replayed as u32);
                stored = Some(loaded.document);
            }
            Ok(None) => {
                if let Err(e) = store.put_snapshot(&task, 0.0).await {
                    runtime.fail_say("open.store_failed", &[("task", &task.id), ("error", &e)]);
                }
            }
            Err(e) => runtime.fail_say("open.read_failed", &[("task", &task.id), ("error", &e)]),
        }
    }
    // The stored copy arrives indexed by its replay; a new task is indexed here.
    let document = stored.unwrap_or_else(|| task.into());
    let task = document.task();
    // A Deep Zoom pyramid of the same image, where the task names one, is shown instead.
    let (shown, kind) = match &task.image.tiles {
        Some(tiles) => (tiles.clone(), lasso_core::model::ImageKind::Dzi),
        None => (
            task.image.src.clone(),
            lasso_core::tiles::kind_of(&task.image),
        ),
    };
    let src = if shown.starts_with(crate::local::IDB_SRC) {
        crate::local::resolve_src(&runtime.shared, &shown).await
    } else {
        runtime.display_src(&shown).await
    };
    *runtime.shared.tile_signing.borrow_mut() = match (runtime.cloud(), kind) {
        (Some(cloud), lasso_core::model::ImageKind::Dzi) => {
            crate::cloud::tile_signing(&cloud, &shown)
        }
        _ => None,
    };
    let task_id = task.id.clone();
    let local_image = task
        .image
        .src
        .strip_prefix(crate::local::IDB_SRC)
        .map(str::to_string);
    runtime.session.update(|s| {
        let view_size = s.view_size;
        let mut next = Session::new(document, &id_prefix);
        next.carry_over(s);
        *s = next;
        s.view_size = view_size;
    });
    let held = runtime
        .sync
        .borrow()
        .as_ref()
        .map(|sync| sync.release(&task_id, loaded_seq))
        .unwrap_or_default();
    for op in held {
        receive(runtime, &task_id, &op);
    }
    runtime.render.borrow_mut().invalidate();
    match local_image {
        Some(image) => {
            crate::view::local_tiles::load(Rc::clone(&runtime.shared), &src, kind, &image)
        }
        None => crate::view::image::load(Rc::clone(&runtime.shared), &src, kind),
    }
    runtime.emit_change();
    super::ml::after_open(runtime);
    Ok(())
}

/// Opens `task` without waiting; a failure is reported in the banner and to the host.
pub fn open_in_background(runtime: &Rc<Runtime>, task: Task) {
    let runtime = Rc::clone(runtime);
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = open_task(&runtime, task).await {
            runtime.fail(e);
        }
    });
}

/// Reads the manifest at `key` through a presigned `GET` and opens it.
pub async fn open_cloud_key(runtime: &Rc<Runtime>, key: &str) -> Result<(), String> {
    let cloud = runtime
        .cloud()
        .ok_or("this editor was mounted without options.cloud")?;
    let text = crate::cloud::get_text(&cloud, key)
        .await
        .map_err(|e| runtime.say("open.manifest_failed", &[("key", &key), ("error", &e)]))?;
    let task: Task = json::read(&format!("task {key}"), json::Shape::Task, &text)?;
    let id = task.id.clone();
    open_task(runtime, task).await?;
    runtime.strip.update(|s| {
        s.bucket_tasks.insert(key.to_string(), id);
    });
    Ok(())
}

/// Applies another tab's op, or reloads the task from the journal if it does not apply here.
pub fn receive(runtime: &Rc<Runtime>, task: &str, op: &Op) {
    if let Err(e) = runtime.apply_external(task, op) {
        web_sys::console::warn_1(&JsValue::from_str(&format!(
            "another tab's edit does not apply here ({e}); reloading task {task} from the journal"
        )));
        let current = runtime.session.with_untracked(|s| s.editor.task().clone());
        if current.id == task {
            open_in_background(runtime, current);
        } else {
            runtime.fail_say("open.other_tab", &[("task", &task)]);
        }
    }
}
