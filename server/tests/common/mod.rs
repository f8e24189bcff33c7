//! Shared helpers: start the local store and the presign API in-process on loopback.
#![allow(dead_code)]

use lasso_server::config::{Config, TokenEntry};
use lasso_server::dev::{self, DevOptions, DevServer};
use lasso_server::keys::{Role, Roles};
use serde_json::{json, Value};

pub const ALICE: &str = "alice-token-0001";
pub const BOB: &str = "bob-token-000002";
pub const ADMIN: &str = "admin-token-0003";

pub struct Env {
    pub server: DevServer,
    pub http: reqwest::Client,
    _dir: tempfile::TempDir,
}

fn small_limits(cfg: &mut Config) {
    cfg.max_size = 20 * 1024 * 1024;
    cfg.part_size = 5 * 1024 * 1024;
}

pub async fn start() -> Env {
    start_with(None).await
}

pub async fn start_with(seed: Option<std::path::PathBuf>) -> Env {
    start_with_users(seed, Vec::new()).await
}

/// Starts with the three standard users plus `more`.
pub async fn start_with_users(seed: Option<std::path::PathBuf>, more: Vec<TokenEntry>) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = DevOptions::new(dir.path().join("data"));
    opts.s3_port = 0;
    opts.api_port = 0;
    opts.seed = seed;
    opts.tweak = Some(small_limits);
    opts.tokens = vec![
        TokenEntry {
            token: ALICE.into(),
            user: "alice".into(),
            roles: Roles::default(),
        },
        TokenEntry {
            token: BOB.into(),
            user: "bob".into(),
            roles: Roles::default(),
        },
        TokenEntry {
            token: ADMIN.into(),
            user: "admin".into(),
            roles: Roles::of(&[Role::Uploader, Role::Reviewer]),
        },
    ];
    opts.tokens.extend(more);
    let server = dev::start(opts).await.unwrap();
    Env {
        server,
        http: reqwest::Client::new(),
        _dir: dir,
    }
}

impl Env {
    /// POSTs JSON to the API with a token; returns status and JSON body.
    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        let mut rb = self
            .http
            .post(format!("{}{path}", self.server.api_url()))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        let resp = rb.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        let v = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, v)
    }

    /// GETs an API path with a token; returns status and JSON body.
    pub async fn get_api(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let mut rb = self.http.get(format!("{}{path}", self.server.api_url()));
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        let resp = rb.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Asks for a presigned PUT and returns (url, headers).
    pub async fn presign_put(&self, token: &str, key: &str, ct: &str, size: usize) -> Value {
        let (status, v) = self
            .post(
                "/presign",
                Some(token),
                &json!({"key": key, "method": "PUT", "content_type": ct, "size": size}),
            )
            .await;
        assert_eq!(status, 200, "presign PUT {key}: {v}");
        v
    }

    pub async fn presign_get(&self, token: &str, key: &str) -> String {
        let (status, v) = self
            .post(
                "/presign",
                Some(token),
                &json!({"key": key, "method": "GET"}),
            )
            .await;
        assert_eq!(status, 200, "presign GET {key}: {v}");
        v["url"].as_str().unwrap().to_owned()
    }

    /// PUTs `bytes` to a presigned URL with the given content type; returns status and ETag.
    pub async fn put(&self, url: &str, ct: Option<&str>, bytes: Vec<u8>) -> (u16, Option<String>) {
        let mut rb = self.http.put(url).body(bytes);
        if let Some(ct) = ct {
            rb = rb.header("content-type", ct);
        }
        let resp = rb.send().await.unwrap();
        let etag = resp
            .headers()
            .get("etag")
            .map(|v| v.to_str().unwrap().to_owned());
        (resp.status().as_u16(), etag)
    }

    /// GETs a URL; returns status, content type and bytes.
    pub async fn get(&self, url: &str) -> (u16, Option<String>, Vec<u8>) {
        let resp = self.http.get(url).send().await.unwrap();
        let status = resp.status().as_u16();
        let ct = resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned());
        (status, ct, resp.bytes().await.unwrap().to_vec())
    }

    /// Reads an object with the server's own credentials (bypasses the user policy).
    pub async fn stored(&self, key: &str) -> Option<Vec<u8>> {
        let url = self.presign_get(ADMIN, key).await;
        let (status, _, bytes) = self.get(&url).await;
        (status == 200).then_some(bytes)
    }
}

/// Deterministic bytes covering every byte value.
pub fn pattern(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 7) as u8
        })
        .collect()
}
