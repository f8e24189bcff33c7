//! The wire model of the presign protocol (`docs/presign.md`): request and answer bodies of
//! `POST /presign`, the multipart calls and `GET /tasks`, as JSON. The one definition the
//! browser client and `lasso-server` both use, so the two cannot drift apart.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The HTTP method a presigned URL is signed for (`"PUT"`, `"GET"` on the wire).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// Upload an object.
    Put,
    /// Download an object.
    Get,
}

impl Method {
    /// The method's name as HTTP spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Put => "PUT",
            Method::Get => "GET",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `POST /presign` body: permission to send `method` to `key`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresignRequest {
    /// Object key in the bucket, already in the key form the protocol requires.
    pub key: String,
    /// `PUT` or `GET`.
    pub method: Method,
    /// Content type of the body (required for `PUT`, signed into the URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Exact body size in bytes (required for `PUT`, signed into the URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// `PUT` only if the object still has this ETag (signed in: S3 answers 412 otherwise), so
    /// a result written from another device meanwhile is merged, never overwritten.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub if_match: Option<String>,
    /// `PUT` only if no object has the key (`"*"`; signed in like `if_match`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub if_none_match: Option<String>,
}

impl PresignRequest {
    /// A request to upload `size` bytes of `content_type` to `key`.
    pub fn put(key: &str, content_type: &str, size: u64) -> Self {
        Self {
            key: key.to_string(),
            method: Method::Put,
            content_type: Some(content_type.to_string()),
            size: Some(size),
            if_match: None,
            if_none_match: None,
        }
    }

    /// A request to read `key`.
    pub fn get(key: &str) -> Self {
        Self {
            key: key.to_string(),
            method: Method::Get,
            content_type: None,
            size: None,
            if_match: None,
            if_none_match: None,
        }
    }
}

/// `POST /presign` answer: where and how to send the request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresignAnswer {
    /// The presigned URL.
    pub url: String,
    /// The method the URL is signed for.
    pub method: Method,
    /// Headers to send exactly as given (they are part of the signature).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// When S3 stops accepting the URL (RFC 3339), as the server sees it.
    #[serde(default)]
    pub expires_at: String,
}

/// One part URL of a multipart upload, as `create` and `parts` answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartUrl {
    /// Part number, from 1.
    pub number: u32,
    /// Exact size of the part in bytes.
    pub size: u64,
    /// Presigned `PUT` URL of the part.
    pub url: String,
}

/// A part the store already holds, as `parts` answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredPart {
    /// Part number, from 1.
    pub number: u32,
    /// The part's ETag, quotes included, if the store reports it.
    #[serde(default)]
    pub etag: Option<String>,
    /// Size in bytes.
    pub size: u64,
}

/// Answer of `POST /multipart/create` and `POST /multipart/parts`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultipartAnswer {
    /// Object key.
    pub key: String,
    /// The store's id of the upload.
    pub upload_id: String,
    /// Size of every part but the last.
    pub part_size: u64,
    /// Number of parts in the layout.
    pub part_count: u32,
    /// Parts already stored.
    #[serde(default)]
    pub uploaded: Vec<StoredPart>,
    /// Fresh URLs for the parts still missing.
    #[serde(default)]
    pub parts: Vec<PartUrl>,
    /// When the part URLs expire.
    #[serde(default)]
    pub expires_at: String,
}

/// Body of `POST /multipart/complete`: every part with its ETag, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompleteRequest {
    /// Object key.
    pub key: String,
    /// The store's id of the upload.
    pub upload_id: String,
    /// Parts `1..=n`, in order.
    pub parts: Vec<CompletedPart>,
}

/// A part of a [`CompleteRequest`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletedPart {
    /// Part number, from 1.
    pub number: u32,
    /// ETag as the store returned it, quotes included.
    pub etag: String,
}

/// A refusal from the presign endpoint: `{"error": code, "message": text}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// Machine-readable code (`unauthorized`, `forbidden`, ...).
    pub error: String,
    /// What is wrong, for people.
    pub message: String,
}

/// `POST /multipart/create` body: start a multipart upload of `size` bytes of `content_type`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultipartCreateRequest {
    /// Object key.
    pub key: String,
    /// Content type of the whole object.
    pub content_type: String,
    /// Exact size of the whole object in bytes.
    pub size: u64,
}

/// `POST /multipart/parts` body: what the store holds of an upload, and URLs for the rest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultipartPartsRequest {
    /// Object key.
    pub key: String,
    /// The upload, as `create` answered it.
    pub upload_id: String,
    /// Exact size of the whole object in bytes (the part layout follows from it).
    pub size: u64,
}

/// `POST /multipart/complete` answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultipartCompleted {
    /// Object key.
    pub key: String,
    /// The object's ETag.
    pub etag: String,
}

/// `POST /multipart/abort` body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbortRequest {
    /// Object key.
    pub key: String,
    /// The upload to abandon.
    pub upload_id: String,
}

/// One task manifest, as `GET /tasks` lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskEntry {
    /// The manifest's key (`src/tasks/<task>.json`).
    pub key: String,
    /// Its size in bytes.
    pub size: u64,
    /// When it last changed (RFC 3339).
    pub last_modified: String,
    /// A presigned `GET` URL of it.
    pub url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_request_serializes_as_the_protocol_says() {
        let json = serde_json::to_value(PresignRequest::put(
            "target/t/dev.json",
            "application/json",
            12,
        ))
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"key": "target/t/dev.json", "method": "PUT",
                "content_type": "application/json", "size": 12})
        );
        let get = serde_json::to_value(PresignRequest::get("src/a.png")).unwrap();
        assert_eq!(
            get,
            serde_json::json!({"key": "src/a.png", "method": "GET"})
        );
    }

    #[test]
    fn multipart_answer_reads_the_documented_shape() {
        let answer: MultipartAnswer = serde_json::from_str(
            r#"{"key":"src/x.bin","upload_id":"u1","part_size":8,"part_count":2,
               "uploaded":[{"number":1,"etag":"\"e1\"","size":8}],
               "parts":[{"number":2,"size":3,"url":"http://s/2"}],"expires_at":"2026-01-01T00:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(answer.uploaded[0].etag.as_deref(), Some("\"e1\""));
        assert_eq!(answer.parts[0].size, 3);
    }
}
