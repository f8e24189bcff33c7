//! A Label Studio ML backend over HTTP (blocking `reqwest`): `/health`, `/setup`, `/predict`,
//! with the token, a timeout, and failures as the core's [`MlError`]s.

use lasso_core::ml::{
    parse_answer, predict_body, setup_body, MlError, MlSettings, PredictTask, Predicted,
};
use lasso_core::model::LabelSet;
use serde_json::Value;
use std::time::Duration;

/// A backend, set up for one project's labels.
pub struct MlClient {
    http: reqwest::blocking::Client,
    settings: MlSettings,
    labels: LabelSet,
    project: String,
}

impl MlClient {
    /// Checks the backend is up (`GET /health`) and sets it up for `labels` (`POST /setup`);
    /// returns the client and the model version the backend reports.
    pub fn connect(
        settings: MlSettings,
        labels: LabelSet,
        project: &str,
    ) -> Result<(MlClient, String), MlError> {
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_millis(settings.timeout_ms()))
            .build()
            .map_err(|e| MlError::Unreachable {
                url: settings.url.clone(),
                reason: e.to_string(),
            })?;
        let client = MlClient {
            http,
            settings,
            labels,
            project: project.to_string(),
        };
        client.call("health", None)?;
        let setup = setup_body(&client.settings.config_for(&client.labels), &client.project);
        let answer = client.call("setup", Some(&setup))?;
        let version = serde_json::from_str::<Value>(&answer)
            .ok()
            .and_then(|v| v.get("model_version")?.as_str().map(str::to_string))
            .unwrap_or_default();
        Ok((client, version))
    }

    fn call(&self, path: &str, body: Option<&Value>) -> Result<String, MlError> {
        let url = self.settings.endpoint(path);
        let mut request = match body {
            Some(b) => self
                .http
                .post(&url)
                .header("Content-Type", "application/json")
                .body(b.to_string()),
            None => self.http.get(&url),
        };
        if let Some(auth) = self.settings.authorization() {
            request = request.header("Authorization", auth);
        }
        let response = request.send().map_err(|e| {
            if e.is_timeout() {
                MlError::Timeout {
                    url: url.clone(),
                    ms: self.settings.timeout_ms(),
                }
            } else {
                MlError::Unreachable {
                    url: url.clone(),
                    reason: root_cause(&e),
                }
            }
        })?;
        let status = response.status().as_u16();
        let text = response.text().map_err(|e| MlError::Unreachable {
            url: url.clone(),
            reason: root_cause(&e),
        })?;
        if (200..300).contains(&status) {
            Ok(text)
        } else {
            Err(MlError::status(&url, status, &text))
        }
    }

    /// The backend's predictions for `tasks`.
    pub fn predict(&self, tasks: &[PredictTask]) -> Result<Vec<Predicted>, MlError> {
        let config = self.settings.config_for(&self.labels);
        let body = predict_body(tasks, &config, &self.project, None);
        let answer = self.call("predict", Some(&body))?;
        parse_answer(&answer, tasks, &self.labels, &self.settings.classes)
    }
}

/// The innermost cause of a transport error (reqwest's outer message names only the URL).
fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cause = e;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    cause.to_string()
}
