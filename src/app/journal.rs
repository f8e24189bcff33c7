//! The journal writer: committed ops wait in a queue and are appended to IndexedDB one
//! transaction at a time, in order; what follows a durable append (the `save` event, other
//! tabs, the upload queue, background compaction) starts here.

use super::Runtime;
use crate::events::EventName;
use crate::module_worker::WorkerError;
use crate::state::SaveState;
use crate::store::Store;
use lasso_core::history::Op;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// How many journal rows a small task collects before they are folded into its snapshot.
/// Loading replays at most about this many ops; compaction costs a snapshot write, so not
/// every op (see [`compaction_threshold`] for large tasks).
pub const COMPACT_EVERY: u32 = 200;

/// Compaction rewrites the whole task, so a large task compacts less often: at least one
/// journal row per this many shapes, which keeps its cost per op about the same at any size
/// (a 100,000-shape task compacts every 1,000 ops; replaying those on load is quick next to
/// reading its snapshot).
pub const SHAPES_PER_COMPACTED_OP: usize = 100;

/// How many journal rows a task of `shapes` shapes collects before compaction.
pub fn compaction_threshold(shapes: usize) -> u32 {
    let scaled = u32::try_from(shapes / SHAPES_PER_COMPACTED_OP).unwrap_or(u32::MAX);
    scaled.max(COMPACT_EVERY)
}

/// Ops waiting for IndexedDB, and the compaction counters.
#[derive(Default)]
pub(super) struct JournalQueue {
    queue: RefCell<VecDeque<(String, Op)>>,
    draining: Cell<bool>,
    /// Journal rows appended since the last compaction (compaction runs in the background
    /// every [`compaction_threshold`] ops).
    since_compaction: Cell<u32>,
    compacting: Cell<bool>,
}

impl Runtime {
    /// Queues committed ops of `task_id` for the journal and starts writing them.
    pub(super) fn journal_ops(self: &Rc<Self>, task_id: &str, ops: Vec<Op>) {
        {
            let mut q = self.journal.queue.borrow_mut();
            for op in ops {
                q.push_back((task_id.to_string(), op));
            }
        }
        self.drain();
    }

    /// Writes queued ops to the journal one transaction at a time, in order. An op leaves the
    /// queue only once its transaction has completed; on failure it stays queued (with every op
    /// after it), the user is warned and offered an export, and the next edit tries again.
    fn drain(self: &Rc<Self>) {
        if self.journal.draining.get() {
            self.save_state
                .set(SaveState::Saving(self.journal.queue.borrow().len()));
            return;
        }
        let Some(store) = self.store.borrow().clone() else {
            // No IndexedDB (yet, while `mount` opens it, or at all, as in private mode): the ops
            // wait in memory, the in-memory task has them, and the warning offers an export.
            let pending = self.journal.queue.borrow().len();
            self.save_state
                .set(match self.storage_warning.get_untracked() {
                    Some(why) => SaveState::Failed(why),
                    None => SaveState::Saving(pending),
                });
            return;
        };
        self.journal.draining.set(true);
        self.save_state
            .set(SaveState::Saving(self.journal.queue.borrow().len()));
        let this = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                let next = this.journal.queue.borrow_mut().pop_front();
                let Some((task_id, op)) = next else { break };
                match store.append(&task_id, &op).await {
                    Ok(seq) => this.saved(&store, &task_id, &op, seq).await,
                    Err(e) => {
                        this.journal.queue.borrow_mut().push_front((task_id, op));
                        this.journal_failed(&e);
                        break;
                    }
                }
            }
            this.journal.draining.set(false);
        });
    }

    /// Writes the ops that waited for the store to open (called once `mount` has opened it).
    pub fn resume_saving(self: &Rc<Self>) {
        if !self.journal.queue.borrow().is_empty() {
            self.drain();
        }
    }

    /// Everything that follows a durable append: status, `save` event, other tabs, uploads,
    /// background compaction.
    async fn saved(self: &Rc<Self>, store: &Rc<Store>, task_id: &str, op: &Op, seq: f64) {
        let pending = self.journal.queue.borrow().len();
        self.save_state.set(if pending == 0 {
            SaveState::Saved
        } else {
            SaveState::Saving(pending)
        });
        if self.storage_warning.get_untracked().is_some() && pending == 0 {
            self.storage_warning.set(None);
        }
        if let Some(sync) = self.sync.borrow().as_ref() {
            sync.post(task_id, seq, op);
        }
        let cloud = self.cloud.borrow().clone();
        if let Some(cloud) = cloud {
            match cloud.result_changed(task_id).await {
                Ok(()) => crate::cloud::kick(&self.shared, &cloud),
                Err(e) => {
                    self.fail_say("journal.queue_failed", &[("task", &task_id), ("error", &e)])
                }
            }
        }
        let detail = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&detail, &"seq".into(), &JsValue::from_f64(seq));
        let _ = js_sys::Reflect::set(
            &detail,
            &"pending".into(),
            &JsValue::from_f64(pending as f64),
        );
        self.emit(EventName::Save, &detail);
        self.count_for_compaction(store, task_id, 1);
    }

    /// Reports a failed append once per streak of failures; the ops stay queued.
    fn journal_failed(&self, e: &crate::store::StoreError) {
        let already = matches!(self.save_state.get_untracked(), SaveState::Failed(_));
        self.save_state.set(SaveState::Failed(e.to_string()));
        let why = self.say(
            if e.is_quota() {
                "journal.full"
            } else {
                "journal.refused"
            },
            &[],
        );
        let pending = self.journal.queue.borrow().len();
        self.storage_warning.set(Some(self.say_n(
            "journal.not_saved",
            pending,
            &[("why", &why), ("error", e)],
        )));
        if !already {
            self.emit(EventName::Error, &JsValue::from_str(&e.to_string()));
            web_sys::console::warn_1(&JsValue::from_str(&format!("journal: {e}")));
        }
    }

    /// Counts appended rows and starts a background compaction when enough have piled up.
    pub fn count_for_compaction(self: &Rc<Self>, store: &Rc<Store>, task_id: &str, n: u32) {
        let since = self.journal.since_compaction.get() + n;
        self.journal.since_compaction.set(since);
        let shapes = self
            .session
            .with_untracked(|s| s.editor.task().annotations.len());
        if since < compaction_threshold(shapes) || self.journal.compacting.get() {
            return;
        }
        self.journal.compacting.set(true);
        self.journal.since_compaction.set(0);
        let this = Rc::clone(self);
        let store = Rc::clone(store);
        let task_id = task_id.to_string();
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = compact(&store, &task_id).await {
                // The journal still holds every op; only loading gets slower.
                web_sys::console::warn_1(&JsValue::from_str(&format!(
                    "compaction of task {task_id} failed: {e}"
                )));
            }
            this.journal.compacting.set(false);
        });
    }

    /// Writes every queued op in one transaction, for when the page is being hidden or closed
    /// and there is no time for one transaction after another.
    pub fn flush_now(self: &Rc<Self>) {
        let Some(store) = self.store.borrow().clone() else {
            return;
        };
        let ops: Vec<(String, Op)> = self.journal.queue.borrow_mut().drain(..).collect();
        if ops.is_empty() {
            return;
        }
        let this = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            match store.append_all(&ops).await {
                Ok(seqs) => {
                    for ((task_id, op), seq) in ops.iter().zip(seqs) {
                        this.saved(&store, task_id, op, seq).await;
                    }
                }
                Err(e) => {
                    // Put them back in front, in order, so nothing is dropped.
                    let mut q = this.journal.queue.borrow_mut();
                    for item in ops.into_iter().rev() {
                        q.push_front(item);
                    }
                    drop(q);
                    this.journal_failed(&e);
                }
            }
        });
    }
}

/// Folds a task's journal into its snapshot in a worker (a whole task decoded, replayed and
/// encoded would hold the page's input for a large task), or in the page where no worker can
/// run the module or the worker's compaction failed.
async fn compact(store: &Store, task_id: &str) -> Result<(), String> {
    if let Some(worker) = crate::module_worker::ModuleWorker::start() {
        let args = js_sys::Array::of2(
            &JsValue::from_str(store.name()),
            &JsValue::from_str(task_id),
        );
        match worker
            .call("compactStoredTask", &args, &js_sys::Array::new())
            .await
        {
            Ok(_) => return Ok(()),
            // The page tries itself: a worker may lack what the page has (IndexedDB in some
            // private modes), and a compaction is safe to repeat.
            Err(WorkerError::Failed(e)) => web_sys::console::info_1(&JsValue::from_str(&format!(
                "compaction in a worker failed ({e}); compacting in the page"
            ))),
            Err(WorkerError::Unavailable) => {}
        }
    }
    store
        .compact(task_id)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}
