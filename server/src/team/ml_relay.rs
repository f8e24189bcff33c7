//! `POST /projects/<p>/ml/<call>`: a project member's call to the project's model backend
//! (`project.json` `ml`), forwarded by the server — backends need no CORS for the page, and the
//! backend's token stays on the server. The backend's answer comes back as it is; a backend
//! that cannot be reached or does not answer in time is a 502 naming it.

use std::sync::OnceLock;
use std::time::Duration;

use axum::body::Bytes;
use lasso_core::ml::MlError;

use super::{Member, Team};
use crate::error::ApiError;

/// The calls of Label Studio's ML backend protocol the page makes.
const CALLS: [&str; 3] = ["health", "setup", "predict"];

fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(reqwest::Client::new)
}

impl Team {
    /// Forwards `call` with `body` to the project's backend; its status and body.
    pub async fn ml_relay(
        &self,
        m: &Member,
        call: &str,
        body: Bytes,
    ) -> Result<(u16, Bytes), ApiError> {
        if !CALLS.contains(&call) {
            return Err(ApiError::NotFound(format!(
                "{call:?} is not a model backend call (health, setup, predict)"
            )));
        }
        let settings = m.project.ml.as_ref().ok_or_else(|| {
            ApiError::NotFound(format!(
                "project {:?} has no model backend (ml in project.json)",
                m.keys.id()
            ))
        })?;
        let url = settings.endpoint(call);
        let ms = settings.timeout_ms();
        let mut request = if call == "health" {
            client().get(&url)
        } else {
            client()
                .post(&url)
                .header("content-type", "application/json")
                .body(body)
        }
        .timeout(Duration::from_millis(ms));
        if let Some(auth) = settings.authorization() {
            request = request.header("authorization", auth);
        }
        let failed = |e: reqwest::Error| {
            let error = if e.is_timeout() {
                MlError::Timeout {
                    url: url.clone(),
                    ms,
                }
            } else {
                MlError::Unreachable {
                    url: url.clone(),
                    reason: root_cause(&e),
                }
            };
            ApiError::Upstream(error.to_string())
        };
        let response = request.send().await.map_err(failed)?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(failed)?;
        Ok((status, bytes))
    }
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cause = e;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    cause.to_string()
}
