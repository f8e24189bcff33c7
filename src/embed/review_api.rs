//! The review part of the JS API (`docs/review.md`): `reviewQueue()`, `openReview(id)`,
//! `acceptTask()`, `rejectTask(comment, options?)`, `agreement()`; the `review` event fires
//! when a decision reaches the bucket.

use super::team_api::{js_error, to_js};
use super::LassoEditor;
use crate::app::remote::Call;
use crate::app::review;
use crate::on_demand::{split, NotLoaded};
use lasso_core::team::review::Issue;
use wasm_bindgen::prelude::*;

/// What a host may pass to `rejectTask`: whose result (default: the one chosen in the panel)
/// and the issues (default: those pinned in the panel), each `{x, y, text, annotation?}`.
#[derive(serde::Deserialize, Default)]
struct RejectOptions {
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    issues: Option<Vec<HostIssue>>,
}

#[derive(serde::Deserialize)]
struct HostIssue {
    x: f64,
    y: f64,
    text: String,
    #[serde(default)]
    annotation: Option<String>,
}

split! {
    team;
    /// The rejection `rejectTask(comment, options)` asks for, read in the team chunk.
    fn reject_call(comment: String, options: JsValue) -> Result<Result<Call, String>, NotLoaded> {
        let options: RejectOptions = if options.is_undefined() || options.is_null() {
            RejectOptions::default()
        } else {
            match serde_wasm_bindgen::from_value(options) {
                Ok(options) => options,
                Err(e) => return Ok(Err(format!("rejectTask options: {e}"))),
            }
        };
        let issues = options.issues.map(|list| {
            list.into_iter()
                .enumerate()
                .map(|(i, h)| Issue {
                    id: format!("i{}", i + 1),
                    x: h.x,
                    y: h.y,
                    annotation: h.annotation,
                    text: h.text,
                    resolved: false,
                })
                .collect()
        });
        Ok(Ok(Call::Reject {
            comment,
            user: options.user,
            issues,
        }))
    }
}

#[wasm_bindgen]
impl LassoEditor {
    /// The tasks waiting for review (reviewers, managers): `{tasks: [{task, people, complete}]}`.
    #[wasm_bindgen(js_name = reviewQueue)]
    pub async fn review_queue(&self) -> Result<JsValue, JsValue> {
        self.call_json(Call::Queue).await
    }

    /// Opens task `id` for review: every submitted result as a layer, the reviewer's copy to
    /// correct.
    #[wasm_bindgen(js_name = openReview)]
    pub async fn open_review(&self, id: String) -> Result<(), JsValue> {
        self.call_done(Call::OpenReview(id)).await
    }

    /// Accepts the task under review with the reviewer's copy as it is; resolves to
    /// `{by, from, at, people}`.
    #[wasm_bindgen(js_name = acceptTask)]
    pub async fn accept_task(&self) -> Result<JsValue, JsValue> {
        self.call_json(Call::Accept).await
    }

    /// Sends a result of the task under review back for rework with `comment`; resolves to
    /// the review `{user, decision, by, at, comment, issues}`.
    #[wasm_bindgen(js_name = rejectTask)]
    pub async fn reject_task(&self, comment: String, options: JsValue) -> Result<JsValue, JsValue> {
        let call = reject_call(comment, options)
            .await
            .map_err(|e| js_error(e.to_string()))?
            .map_err(js_error)?;
        self.call_json(call).await
    }

    /// The project's quality report (managers): per annotator and per class.
    #[wasm_bindgen(js_name = qualityReport)]
    pub async fn quality_report(&self) -> Result<JsValue, JsValue> {
        self.call_json(Call::Quality).await
    }

    /// How the annotators of the task under review agree on this image: `{threshold, strict,
    /// pairs: [{first, second, figures}], flagged: [{user, annotation, unmatched_by,
    /// low_iou?}]}`, or `null` outside a review.
    pub fn agreement(&self) -> Result<JsValue, JsValue> {
        match review::agreement(&self.runtime) {
            Some(a) => to_js(&a),
            None => Ok(JsValue::NULL),
        }
    }
}
