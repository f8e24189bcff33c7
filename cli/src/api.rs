//! The presign API as the CLI uses it: JSON routes with a bearer token, and objects of the
//! bucket read or written through presigned URLs (so the same roles apply as in the browser,
//! and no S3 credentials are needed).

use lasso_core::cloud::protocol::{PresignAnswer, PresignRequest};

/// A client of one presign API with one token.
pub struct Api {
    /// The HTTP client.
    pub http: reqwest::blocking::Client,
    /// Base URL, without a trailing slash.
    pub endpoint: String,
    token: String,
}

impl Api {
    /// A client of `endpoint` with `token`.
    pub fn new(endpoint: &str, token: &str) -> Result<Api, String> {
        Ok(Api {
            http: reqwest::blocking::Client::builder()
                .timeout(std::time::Duration::from_secs(120))
                .build()
                .map_err(|e| e.to_string())?,
            endpoint: endpoint.trim_end_matches('/').to_string(),
            token: token.to_string(),
        })
    }

    /// Sends `rb` with the token; the answer as JSON, `None` for 404, else an error naming
    /// `what` and the server's reason.
    pub fn json<T: serde::de::DeserializeOwned>(
        &self,
        rb: reqwest::blocking::RequestBuilder,
        what: &str,
    ) -> Result<Option<T>, String> {
        let resp = rb.bearer_auth(&self.token).send().map_err(|e| {
            format!(
                "{what}: the presign API at {} did not answer: {e}",
                self.endpoint
            )
        })?;
        let status = resp.status();
        let text = resp.text().map_err(|e| format!("{what}: {e}"))?;
        if status.as_u16() == 404 {
            return Ok(None);
        }
        if !status.is_success() {
            return Err(format!("{what}: {status}: {text}"));
        }
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| format!("{what}: unexpected answer: {e}"))
    }

    /// `GET <endpoint><path>` as JSON (404 is an error here).
    pub fn get<T: serde::de::DeserializeOwned>(&self, path: &str, what: &str) -> Result<T, String> {
        self.json(self.http.get(format!("{}{path}", self.endpoint)), what)?
            .ok_or_else(|| format!("{what}: not found"))
    }

    fn presign(&self, req: &PresignRequest, key: &str) -> Result<PresignAnswer, String> {
        self.json(
            self.http
                .post(format!("{}/presign", self.endpoint))
                .header("content-type", "application/json")
                .body(serde_json::to_string(req).map_err(|e| e.to_string())?),
            &format!("presign {key}"),
        )?
        .ok_or_else(|| format!("presign {key}: not found"))
    }

    /// Reads object `key` through a presigned `GET`.
    pub fn read(&self, key: &str) -> Result<Vec<u8>, String> {
        let answer = self.presign(&PresignRequest::get(key), key)?;
        let resp = self
            .http
            .get(&answer.url)
            .send()
            .map_err(|e| format!("read {key}: {e}"))?;
        let status = resp.status();
        let bytes = resp.bytes().map_err(|e| format!("read {key}: {e}"))?;
        if !status.is_success() {
            return Err(format!(
                "read {key}: the store answered {status}: {}",
                String::from_utf8_lossy(&bytes)
            ));
        }
        Ok(bytes.to_vec())
    }

    /// Writes object `key` through a presigned `PUT`.
    pub fn put(&self, key: &str, content_type: &str, body: Vec<u8>) -> Result<(), String> {
        let req = PresignRequest::put(key, content_type, body.len() as u64);
        let answer = self.presign(&req, key)?;
        let mut rb = self.http.put(&answer.url).body(body);
        for (name, value) in &answer.headers {
            rb = rb.header(name, value);
        }
        let resp = rb.send().map_err(|e| format!("upload {key}: {e}"))?;
        if !resp.status().is_success() {
            let status = resp.status();
            return Err(format!(
                "upload {key}: the store answered {status}: {}",
                resp.text().unwrap_or_default()
            ));
        }
        Ok(())
    }
}
