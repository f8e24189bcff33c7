//! Host callbacks registered with `editor.on(event, callback)`.

use std::cell::RefCell;
use wasm_bindgen::JsValue;

/// The events an editor emits (the public contract).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventName {
    /// The annotations changed; detail: the annotations as Lasso JSON.
    Change,
    /// The selection changed; detail: the selected ids.
    Select,
    /// An op is durable: its IndexedDB transaction has completed, so a closed tab or a crashed
    /// page keeps it. Fired once per op, in edit order, never before the write completes and
    /// never for edits held in memory after a failed write (those fire when a later write
    /// succeeds). Detail: `{seq, pending}`: the op's journal sequence number and how many ops
    /// are still waiting to be written.
    Save,
    /// Results reached S3.
    Upload,
    /// A team task opened; detail: `{id, project, status, slot, leaseUntil}`.
    Task,
    /// A review decision reached the bucket; detail: `{task, decision, user?, from?, issues}`
    /// (`decision` is `accepted` or `rejected`).
    Review,
    /// Something went wrong; detail: a message naming what and where.
    Error,
}

impl EventName {
    /// Parses the name a host passes to `on`.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "change" => Self::Change,
            "select" => Self::Select,
            "save" => Self::Save,
            "upload" => Self::Upload,
            "task" => Self::Task,
            "review" => Self::Review,
            "error" => Self::Error,
            _ => return None,
        })
    }
}

/// Registered callbacks.
#[derive(Default)]
pub struct Listeners {
    list: RefCell<Vec<(EventName, js_sys::Function)>>,
}

impl Listeners {
    /// Registers `callback` for `event`.
    pub fn add(&self, event: EventName, callback: js_sys::Function) {
        self.list.borrow_mut().push((event, callback));
    }

    /// Whether any callback is registered for `event` (so costly details are built only when
    /// someone listens).
    pub fn has(&self, event: EventName) -> bool {
        self.list.borrow().iter().any(|(e, _)| *e == event)
    }

    /// Calls every callback of `event` with `detail`. A callback that throws is logged and does
    /// not stop the others.
    pub fn emit(&self, event: EventName, detail: &JsValue) {
        let callbacks: Vec<js_sys::Function> = self
            .list
            .borrow()
            .iter()
            .filter(|(e, _)| *e == event)
            .map(|(_, f)| f.clone())
            .collect();
        for f in callbacks {
            if let Err(e) = f.call1(&JsValue::NULL, detail) {
                web_sys::console::error_2(&JsValue::from_str("lasso: event listener threw"), &e);
            }
        }
    }

    /// Drops every callback.
    pub fn clear(&self) {
        self.list.borrow_mut().clear();
    }
}
