//! Where a model runs and how its answers map to the project: `ml` in `project.json` and the
//! `ml` option of `mount`.

use super::uncertainty::Uncertainty;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Answers slower than this are given up (milliseconds) unless the settings say otherwise.
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;

/// A model backend and how its answers become the project's predictions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MlSettings {
    /// The backend's base URL (`/health`, `/setup` and `/predict` are under it).
    pub url: String,
    /// Sent as `Authorization: Token <token>` (or as it is when it already names a scheme).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// The model's class names → the project's (classes not named keep their name).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub classes: BTreeMap<String, String>,
    /// Predict when a task is opened that holds no prediction of the model yet.
    #[serde(default, skip_serializing_if = "std::ops::Not::not", alias = "onOpen")]
    pub on_open: bool,
    /// "Next task" prefers the tasks the model is least sure about, by this measure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Uncertainty>,
    /// Give up on an answer after this many milliseconds (default [`DEFAULT_TIMEOUT_MS`]).
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "timeoutMs")]
    pub timeout_ms: Option<u64>,
    /// The labelling config the backend is set up with, when it needs its own (attributes on
    /// its controls, such as a YOLO backend's `model_path`); Lasso's own otherwise.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "labelConfig"
    )]
    pub label_config: Option<String>,
}

impl MlSettings {
    /// The `Authorization` header value, if a token is set.
    pub fn authorization(&self) -> Option<String> {
        let token = self.token.as_deref()?.trim();
        if token.is_empty() {
            None
        } else if token.contains(' ') {
            Some(token.to_string())
        } else {
            Some(format!("Token {token}"))
        }
    }

    /// `path` (such as `predict`) under the backend's URL.
    pub fn endpoint(&self, path: &str) -> String {
        format!("{}/{}", self.url.trim_end_matches('/'), path)
    }

    /// The labelling config to send for `labels`: the settings' own, else Lasso's.
    pub fn config_for(&self, labels: &crate::model::LabelSet) -> String {
        match &self.label_config {
            Some(c) if !c.trim().is_empty() => c.clone(),
            _ => super::wire::default_config(labels),
        }
    }

    /// The timeout to apply.
    pub fn timeout_ms(&self) -> u64 {
        self.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS)
    }

    /// Checks the settings; the error names the field.
    pub fn check(&self) -> Result<(), String> {
        let url = self.url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!(
                "ml.url: {url:?} is not an http(s) URL of a model backend"
            ));
        }
        if let Some((from, _)) = self
            .classes
            .iter()
            .find(|(k, v)| k.is_empty() || v.is_empty())
        {
            return Err(format!(
                "ml.classes: {from:?} maps to or from an empty name"
            ));
        }
        if self.timeout_ms == Some(0) {
            return Err("ml.timeout_ms: must be above 0".into());
        }
        Ok(())
    }
}

/// One `model=project` pair of a class mapping; the error names it.
pub fn parse_class_pair(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((from, to)) if !from.trim().is_empty() && !to.trim().is_empty() => {
            Ok((from.trim().to_string(), to.trim().to_string()))
        }
        _ => Err(format!(
            "{:?} is not MODEL_CLASS=PROJECT_CLASS",
            text.trim()
        )),
    }
}

/// A class mapping written as comma-separated `model=project` pairs (as the project editor
/// shows it); the error names the pair at fault.
pub fn parse_class_map(text: &str) -> Result<BTreeMap<String, String>, String> {
    text.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(parse_class_pair)
        .collect()
}

/// A class mapping as [`parse_class_map`] reads it.
pub fn class_map_text(map: &BTreeMap<String, String>) -> String {
    map.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_maps_read_back_and_wrong_pairs_are_named() {
        let map = parse_class_map(" face = person, car=vehicle ,").unwrap();
        assert_eq!(map.get("face").map(String::as_str), Some("person"));
        assert_eq!(parse_class_map(&class_map_text(&map)).unwrap(), map);
        assert!(parse_class_map("face=person, dog")
            .unwrap_err()
            .contains("\"dog\" is not MODEL_CLASS=PROJECT_CLASS"));
    }

    #[test]
    fn reads_the_project_form_and_builds_requests() {
        let s: MlSettings = serde_json::from_str(
            r#"{"url": "http://m:9090/", "token": "abc", "classes": {"face": "person"}, "order": "least_confident"}"#,
        )
        .unwrap();
        assert_eq!(s.endpoint("predict"), "http://m:9090/predict");
        assert_eq!(s.authorization().as_deref(), Some("Token abc"));
        assert_eq!(s.timeout_ms(), DEFAULT_TIMEOUT_MS);
        assert_eq!(s.order, Some(Uncertainty::LeastConfident));
        // Lasso's own config unless the settings bring one (a backend that needs attributes).
        let labels = crate::model::LabelSet::default();
        assert!(s.config_for(&labels).starts_with("<View>"));
        let own = MlSettings {
            label_config: Some("<View><Image name=\"img\" value=\"$image\"/></View>".into()),
            ..s.clone()
        };
        assert!(own.config_for(&labels).contains("name=\"img\""));
        assert!(s.check().is_ok());
        let bearer = MlSettings {
            token: Some("Bearer x.y".into()),
            ..s.clone()
        };
        assert_eq!(bearer.authorization().as_deref(), Some("Bearer x.y"));
        let bad = MlSettings {
            url: "m:9090".into(),
            ..s
        };
        assert!(bad.check().unwrap_err().contains("ml.url"));
        assert!(
            serde_json::from_str::<MlSettings>(r#"{"url": "http://m", "tokn": "x"}"#)
                .unwrap_err()
                .to_string()
                .contains("tokn")
        );
    }
}
