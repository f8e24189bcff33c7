//! Calls to a model backend (Label Studio's ML backend protocol) from the page: straight to
//! the backend's URL (it must allow the page's origin), or through the presign server's relay
//! for a team project (`POST /projects/<p>/ml/<call>`: no CORS needed, the token stays on the
//! server). Timeouts abort the request; every failure is a core [`MlError`].

use crate::cloud::http::{self, Credentials, NoAnswer};
use lasso_core::ml::{MlError, MlSettings};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};

/// Where the calls go.
#[derive(Clone, Debug)]
pub enum Route {
    /// Straight to the backend.
    Direct(MlSettings),
    /// Through the presign server's relay for a project's backend.
    Relay {
        /// The presign endpoint's base URL.
        endpoint: String,
        /// The project.
        project: String,
        /// How the page signs in to the presign endpoint.
        credentials: Credentials,
        /// The project's settings (timeout, class mapping; the URL and token are the server's).
        settings: MlSettings,
    },
}

impl Route {
    /// The settings that apply.
    pub fn settings(&self) -> &MlSettings {
        match self {
            Route::Direct(s) | Route::Relay { settings: s, .. } => s,
        }
    }

    fn url(&self, call: &str) -> String {
        match self {
            Route::Direct(s) => s.endpoint(call),
            Route::Relay {
                endpoint, project, ..
            } => format!(
                "{}/projects/{}/ml/{call}",
                endpoint.trim_end_matches('/'),
                String::from(js_sys::encode_uri_component(project))
            ),
        }
    }
}

/// Calls `call` (`health`, `setup`, `predict`) with `body` (a `POST`) or without (a `GET`);
/// the answer's text when the status is 2xx.
pub async fn call(route: &Route, call: &str, body: Option<&Value>) -> Result<String, MlError> {
    let url = route.url(call);
    let settings = route.settings();
    let mut headers = Vec::new();
    let (method, payload) = match body {
        Some(b) => {
            headers.push(("content-type".to_string(), "application/json".to_string()));
            ("POST", Some(JsValue::from_str(&b.to_string())))
        }
        None => ("GET", None),
    };
    // Through the relay the server gives up first and says so.
    let (credentials, ms) = match route {
        Route::Direct(s) => {
            if let Some(auth) = s.authorization() {
                headers.push(("authorization".to_string(), auth));
            }
            (Credentials::None, settings.timeout_ms())
        }
        Route::Relay { credentials, .. } => (credentials.clone(), settings.timeout_ms() + 2000),
    };
    let reply = http::send_within(method, &url, &headers, payload.as_ref(), &credentials, ms)
        .await
        .map_err(|e| match e {
            NoAnswer::TimedOut => MlError::Timeout {
                url: url.clone(),
                ms: settings.timeout_ms(),
            },
            NoAnswer::Failed(reason) => MlError::Unreachable {
                url: url.clone(),
                reason: match route {
                    Route::Direct(_) => {
                        format!("{reason} (is it running, and does it allow this page's origin?)")
                    }
                    Route::Relay { .. } => reason,
                },
            },
        })?;
    if reply.ok() {
        return Ok(reply.body);
    }
    // The relay's own refusals (no backend, backend down) carry its message.
    if let Route::Relay { .. } = route {
        let relayed = serde_json::from_str::<Value>(&reply.body)
            .ok()
            .and_then(|v| {
                let from_relay = v.get("error").is_some();
                v.get("message")?
                    .as_str()
                    .filter(|_| from_relay)
                    .map(str::to_string)
            });
        if let Some(message) = relayed {
            return Err(MlError::Relay { message });
        }
    }
    Err(MlError::status(&url, reply.status, &reply.body))
}

/// Asks the host's own `predict(task, context)` (the `predict` option of `mount`) instead of a
/// backend: the task as Lasso JSON, the prompts' context (or `undefined`); it returns — or
/// resolves to — what a backend gives for one task (`{result, score, model_version}` or the
/// array of regions). Its answer as the text of a backend's `/predict` answer.
pub async fn call_host(
    predict: &js_sys::Function,
    task: &lasso_core::model::Task,
    context: Option<&Value>,
    timeout_ms: u64,
) -> Result<String, MlError> {
    let failed = |message: String| MlError::Relay {
        message: format!("the host's predict failed: {message}"),
    };
    let to_js = |v: &str| js_sys::JSON::parse(v).map_err(|e| failed(http::describe(e)));
    let task_js = to_js(&serde_json::to_string(task).map_err(|e| failed(e.to_string()))?)?;
    let context_js = match context {
        Some(c) => to_js(&c.to_string())?,
        None => JsValue::UNDEFINED,
    };
    let out = predict
        .call2(&JsValue::NULL, &task_js, &context_js)
        .map_err(|e| failed(http::describe(e)))?;
    let value = match out.dyn_into::<js_sys::Promise>() {
        Ok(promise) => {
            let answer = wasm_bindgen_futures::JsFuture::from(promise);
            let timeout = crate::timer::sleep(i32::try_from(timeout_ms).unwrap_or(i32::MAX));
            futures::pin_mut!(answer, timeout);
            match futures::future::select(answer, timeout).await {
                futures::future::Either::Left((v, _)) => {
                    v.map_err(|e| failed(http::describe(e)))?
                }
                futures::future::Either::Right(_) => {
                    return Err(failed(format!(
                        "no answer within {:.1} s",
                        timeout_ms as f64 / 1000.0
                    )))
                }
            }
        }
        Err(value) => value,
    };
    let text = js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| "null".into());
    Ok(format!("{{\"results\": [{text}]}}"))
}
