//! The team part of the JS API (`docs/team.md`): `nextTask()`, `openTask(id)`,
//! `submitTask()`, `taskStatus()`, `project()`, `progress()`, `assignTask(id, user)`,
//! `unassignTask(id, user)`; the `task` event fires when a task opens. The work is done by the
//! team's controllers, which load from their own chunk (`crate::app::remote`).

use super::LassoEditor;
use crate::app::remote::{self, Call};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

pub(super) fn js_error(e: String) -> JsValue {
    JsValue::from_str(&e)
}

pub(super) fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value).map_err(|e| js_error(e.to_string()))?;
    js_sys::JSON::parse(&text)
}

impl LassoEditor {
    /// Runs `call` and answers its JSON reply as a JS value.
    pub(super) async fn call_json(&self, call: Call) -> Result<JsValue, JsValue> {
        let text = remote::call(&self.runtime, call)
            .await
            .and_then(remote::Reply::into_json)
            .map_err(js_error)?;
        js_sys::JSON::parse(&text)
    }

    /// Runs `call`, which answers nothing.
    pub(super) async fn call_done(&self, call: Call) -> Result<(), JsValue> {
        remote::call(&self.runtime, call)
            .await
            .map(drop)
            .map_err(js_error)
    }
}

#[wasm_bindgen]
impl LassoEditor {
    /// Opens the task this person works on, or a new one nobody else holds; resolves to its
    /// id, or `null` when nothing is left for this person.
    #[wasm_bindgen(js_name = nextTask)]
    pub async fn next_task(&self) -> Result<Option<String>, JsValue> {
        remote::call(&self.runtime, Call::Next)
            .await
            .and_then(remote::Reply::into_id)
            .map_err(js_error)
    }

    /// Opens task `id` of the project: resumed if held, claimed if a slot is free for this
    /// person, or their submitted version.
    #[wasm_bindgen(js_name = openTask)]
    pub async fn open_task(&self, id: String) -> Result<(), JsValue> {
        self.call_done(Call::Open(id)).await
    }

    /// Submits the open task; resolves once the result and the status are in the bucket, to
    /// `{task, user, status, slot}`.
    #[wasm_bindgen(js_name = submitTask)]
    pub async fn submit_task(&self) -> Result<JsValue, JsValue> {
        self.call_json(Call::Submit).await
    }

    /// This person's status on the open task, from the bucket: `{task, user, status, slot,
    /// lease_until}`.
    #[wasm_bindgen(js_name = taskStatus)]
    pub async fn task_status(&self) -> Result<JsValue, JsValue> {
        self.call_json(Call::Status).await
    }

    /// The project (`project.json`) and this person's roles in it, or `null` before it is read.
    pub fn project(&self) -> Result<JsValue, JsValue> {
        let view = self
            .runtime
            .team
            .borrow()
            .as_ref()
            .and_then(|t| t.view.with_untracked(|v| v.project.clone()));
        let Some(project) = view else {
            return Ok(JsValue::NULL);
        };
        // The team chunk read the project, so it is in and this answers at once.
        match crate::on_demand::at_once(project_json(project)) {
            Some(Ok(Ok(text))) => js_sys::JSON::parse(&text),
            Some(Ok(Err(e))) => Err(js_error(e)),
            Some(Err(_)) | None => Err(js_error(self.runtime.part_unavailable())),
        }
    }

    /// Gives task `id` to `user` (managers).
    #[wasm_bindgen(js_name = assignTask)]
    pub async fn assign_task(&self, id: String, user: String) -> Result<(), JsValue> {
        self.call_done(Call::Assign {
            task: id,
            user,
            give: true,
        })
        .await
    }

    /// Takes task `id` back from `user` (managers); the person's result stays.
    #[wasm_bindgen(js_name = unassignTask)]
    pub async fn unassign_task(&self, id: String, user: String) -> Result<(), JsValue> {
        self.call_done(Call::Assign {
            task: id,
            user,
            give: false,
        })
        .await
    }

    /// The project's progress (managers): slots by status, per annotator figures.
    pub async fn progress(&self) -> Result<JsValue, JsValue> {
        self.call_json(Call::Progress).await
    }
}

crate::on_demand::split! {
    team, preload preload_project_json;
    /// The project as `project()` answers it (JSON text), written by the team chunk's code
    /// (`mount` loads it once the project's team starts).
    pub(super) fn project_json(
        project: lasso_core::team::wire::ProjectAnswer,
    ) -> Result<Result<String, String>, crate::on_demand::NotLoaded> {
        Ok(serde_json::to_string(&project).map_err(|e| e.to_string()))
    }
}
