//! Live sync between tabs that edit tasks in the same database, over a `BroadcastChannel`;
//! and the channel a worker cutting a tile pyramid tells its progress on ([`CutProgress`]).
//!
//! Each tab appends its own ops to the shared journal; once an append is durable the tab posts
//! `{tab, task, seq, op}` on the channel named after the database. A tab with that task open
//! hands the op to the app controller (through the `Deliver` callback it gave), which applies it with
//! `Editor::apply_external` (not an undo step of its own, not journaled again). The journal stays the single source of truth: if an op does not apply here (both
//! tabs changed the same shape at once), the tab reloads the task from the journal, which
//! replays every op of both tabs in the order they became durable. Messages for a task that is
//! being opened are kept and applied after its load, unless the load already contained them.

use crate::state::Shared;
use lasso_core::history::Op;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{BroadcastChannel, MessageEvent};

#[derive(Serialize, Deserialize)]
struct Message {
    /// The sending tab, so a tab ignores its own echo.
    tab: String,
    task: String,
    seq: f64,
    /// The op as JSON.
    op: String,
}

/// Where ops from other tabs go once they are not held: the app controller applies them.
pub type Deliver = Rc<dyn Fn(&str, &Op)>;

/// Ops held while a task is being opened: (task, seq, op); `None` when not holding.
type Inbox = Rc<RefCell<Option<Vec<(String, f64, Op)>>>>;

/// The channel of one editor and what it knows about the task being opened.
pub struct TabSync {
    channel: BroadcastChannel,
    tab: String,
    /// Ops received while a task was being opened: (task, seq, op).
    inbox: Inbox,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl TabSync {
    /// Joins the channel of database `db`; ops from other tabs go to `deliver` (or are held
    /// while a task opens), unreadable ones are reported through `shared`.
    pub fn start(shared: &Rc<Shared>, db: &str, deliver: Deliver) -> Result<TabSync, String> {
        let channel = BroadcastChannel::new(&format!("lasso:{db}"))
            .map_err(|e| format!("BroadcastChannel is unavailable: {e:?}"))?;
        let tab = format!("tab{:x}", (js_sys::Math::random() * 2f64.powi(48)) as u64);
        let inbox: Inbox = Rc::new(RefCell::new(None));
        let weak: Weak<Shared> = Rc::downgrade(shared);
        let me = tab.clone();
        let inbox_in = Rc::clone(&inbox);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let Some(shared) = weak.upgrade() else {
                return;
            };
            let Ok(msg) = serde_wasm_bindgen::from_value::<Message>(ev.data()) else {
                return;
            };
            if msg.tab == me {
                return;
            }
            let op = match serde_json::from_str::<Op>(&msg.op) {
                Ok(op) => op,
                Err(e) => {
                    shared.fail_say("sync.unreadable", &[("task", &msg.task), ("error", &e)]);
                    return;
                }
            };
            if let Some(pending) = inbox_in.borrow_mut().as_mut() {
                pending.push((msg.task, msg.seq, op));
                return;
            }
            deliver(&msg.task, &op);
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Ok(TabSync {
            channel,
            tab,
            inbox,
            _on_message: on_message,
        })
    }

    /// Tells the other tabs that `op` of `task` is durable with sequence number `seq`.
    pub fn post(&self, task: &str, seq: f64, op: &Op) {
        let Ok(op) = serde_json::to_string(op) else {
            return;
        };
        let msg = Message {
            tab: self.tab.clone(),
            task: task.to_string(),
            seq,
            op,
        };
        if let Ok(value) = serde_wasm_bindgen::to_value(&msg) {
            // A closed channel only means no other tab listens.
            let _ = self.channel.post_message(&value);
        }
    }

    /// Starts holding incoming ops while a task is loaded from the store.
    pub fn hold(&self) {
        *self.inbox.borrow_mut() = Some(Vec::new());
    }

    /// Stops holding and returns the held ops of `task` the load (up to `seq`) did not contain.
    pub fn release(&self, task: &str, seq: f64) -> Vec<Op> {
        let held = self.inbox.borrow_mut().take().unwrap_or_default();
        held.into_iter()
            .filter(|(t, s, _)| t == task && *s > seq)
            .map(|(_, _, op)| op)
            .collect()
    }
}

impl Drop for TabSync {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}

/// The progress of cutting an image into a tile pyramid, told from the worker that cuts it to
/// the pages of the same database: `(image, rows done, rows in all)`.
pub struct CutProgress {
    channel: BroadcastChannel,
    /// The page's handler, kept while the channel is open.
    _on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
}

impl CutProgress {
    /// The channel of database `db`; `None` where the browser has no `BroadcastChannel`.
    fn open(db: &str) -> Option<BroadcastChannel> {
        BroadcastChannel::new(&format!("lasso-cut:{db}")).ok()
    }

    /// A channel to tell progress on (in the worker).
    pub fn sender(db: &str) -> Option<CutProgress> {
        Some(CutProgress {
            channel: Self::open(db)?,
            _on_message: None,
        })
    }

    /// Tells that `done` of `total` rows of `image` are cut.
    pub fn post(&self, image: &str, done: u32, total: u32) {
        let message = js_sys::Array::of3(
            &JsValue::from_str(image),
            &JsValue::from(done),
            &JsValue::from(total),
        );
        let _ = self.channel.post_message(&message);
    }

    /// Calls `heard` with each progress told on the channel of `db` until this is dropped.
    pub fn listen(db: &str, mut heard: impl FnMut(String, u32, u32) + 'static) -> Option<Self> {
        let channel = Self::open(db)?;
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let Ok(message) = e.data().dyn_into::<js_sys::Array>() else {
                return;
            };
            if let (Some(image), Some(done), Some(total)) = (
                message.get(0).as_string(),
                message.get(1).as_f64(),
                message.get(2).as_f64(),
            ) {
                heard(image, done as u32, total as u32);
            }
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(CutProgress {
            channel,
            _on_message: Some(on_message),
        })
    }
}

impl Drop for CutProgress {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}
