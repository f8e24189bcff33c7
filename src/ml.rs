//! Calls to a model backend (Label Studio's ML backend protocol) from the page: straight to
//! the backend's URL (it must allow the page's origin), or through the presign server's relay
//! for a team project (`POST /projects/<p>/ml/<call>`: no CORS needed, the token stays on the
//! server). Timeouts abort the request; every failure is a core [`MlError`].

use crate::cloud::http::{self, Credentials, NoAnswer};
use lasso_core::ml::{MlError, MlSettings};
use serde_json::Value;
use wasm_bindgen::JsValue;

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
