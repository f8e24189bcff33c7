//! This server's own calls to S3: read, write (also conditionally), delete and list objects,
//! each signed with the server's credentials for a minute and sent with `reqwest`.
//!
//! Conditional writes are what make assignment atomic without a database: `If-None-Match: *`
//! creates an object only if it does not exist, `If-Match: <etag>` replaces it only if nobody
//! changed it since it was read; S3 answers 412 to the loser.

use std::time::Duration;

use jiff::Timestamp;
use rusty_s3::{Bucket, Credentials, S3Action};

use crate::error::ApiError;
use crate::xml::{self, ListedObject};

/// Lifetime of URLs this server signs for its own calls to S3.
const INTERNAL_EXPIRY: Duration = Duration::from_secs(60);

/// An answer of S3 that reached the server.
#[derive(Debug)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// Body as sent.
    pub bytes: Vec<u8>,
    /// `ETag` header.
    pub etag: Option<String>,
    /// `Last-Modified` header, as seconds since the epoch.
    pub modified: Option<i64>,
}

impl Answer {
    /// The body as text (S3's XML answers; lossy for binary bodies).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// The refusal this answer is: the request, its status and S3's error code.
    fn refused(&self, what: &str) -> ApiError {
        let code = xml::error_code(&self.text()).unwrap_or_default();
        ApiError::Upstream(format!("S3 {what} answered {} {code}", self.status))
    }
}

/// An object read with [`BucketClient::get`].
#[derive(Debug, Clone)]
pub struct Object {
    /// The body.
    pub body: Vec<u8>,
    /// Its ETag, quotes included.
    pub etag: String,
    /// When it was last written (seconds since the epoch).
    pub modified: i64,
}

/// The precondition of a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// Write whatever is there.
    None,
    /// Only if no object has the key (`If-None-Match: *`).
    Absent,
    /// Only if the object still has this ETag (`If-Match`).
    Matches(String),
}

/// Whether a conditional write happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// Written; the new ETag.
    Yes(String),
    /// The precondition failed (412, or 409 for a concurrent conditional write).
    Lost,
}

/// Signs and sends the server's own S3 requests.
#[derive(Debug, Clone)]
pub struct BucketClient {
    bucket: Bucket,
    credentials: Credentials,
    http: reqwest::Client,
}

/// Reads an RFC 3339 time (S3 listings) as seconds since the epoch.
pub fn rfc3339_secs(text: &str) -> Option<i64> {
    text.parse::<Timestamp>().ok().map(|t| t.as_second())
}

/// Reads an HTTP date (`Last-Modified`) as seconds since the epoch.
fn http_date_secs(text: &str) -> Option<i64> {
    jiff::fmt::rfc2822::DateTimeParser::new()
        .parse_timestamp(text)
        .ok()
        .map(|t| t.as_second())
}

impl BucketClient {
    /// A client for `bucket` with `credentials`.
    pub fn new(bucket: Bucket, credentials: Credentials, http: reqwest::Client) -> BucketClient {
        BucketClient {
            bucket,
            credentials,
            http,
        }
    }

    /// Sends one request and returns whatever S3 answered.
    pub async fn call(
        &self,
        method: reqwest::Method,
        url: url::Url,
        headers: &[(&str, &str)],
        body: Option<reqwest::Body>,
    ) -> Result<Answer, ApiError> {
        let mut rb = self.http.request(method.clone(), url.as_str());
        for (k, v) in headers {
            rb = rb.header(*k, *v);
        }
        if let Some(b) = body {
            rb = rb.body(b);
        }
        let resp = rb
            .send()
            .await
            .map_err(|e| ApiError::Upstream(format!("S3 {method} failed: {e}")))?;
        let status = resp.status().as_u16();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let etag = header("etag");
        let modified = header("last-modified").and_then(|d| http_date_secs(&d));
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| ApiError::Upstream(format!("S3 {method} body: {e}")))?
            .to_vec();
        Ok(Answer {
            status,
            bytes,
            etag,
            modified,
        })
    }

    /// Like [`Self::call`], but any status outside 2xx is an error naming S3's code.
    pub async fn send(
        &self,
        method: reqwest::Method,
        url: url::Url,
        headers: &[(&str, &str)],
        body: Option<reqwest::Body>,
    ) -> Result<Answer, ApiError> {
        let answer = self.call(method.clone(), url, headers, body).await?;
        if !(200..300).contains(&answer.status) {
            return Err(answer.refused(method.as_str()));
        }
        Ok(answer)
    }

    /// Reads an object, or `None` if there is none.
    pub async fn get(&self, key: &str) -> Result<Option<Object>, ApiError> {
        let url = self
            .bucket
            .get_object(Some(&self.credentials), key)
            .sign(INTERNAL_EXPIRY);
        let answer = self.call(reqwest::Method::GET, url, &[], None).await?;
        if answer.status == 404 {
            return Ok(None);
        }
        if !(200..300).contains(&answer.status) {
            return Err(answer.refused(&format!("GET {key}")));
        }
        Ok(Some(Object {
            body: answer.bytes,
            etag: answer.etag.unwrap_or_default(),
            modified: answer.modified.unwrap_or(0),
        }))
    }

    /// The ETag and modification time of an object, or `None` if there is none.
    pub async fn head(&self, key: &str) -> Result<Option<(String, i64)>, ApiError> {
        let url = self
            .bucket
            .head_object(Some(&self.credentials), key)
            .sign(INTERNAL_EXPIRY);
        let answer = self.call(reqwest::Method::HEAD, url, &[], None).await?;
        match answer.status {
            404 => Ok(None),
            200..=299 => Ok(Some((
                answer.etag.unwrap_or_default(),
                answer.modified.unwrap_or(0),
            ))),
            _ => Err(answer.refused(&format!("HEAD {key}"))),
        }
    }

    /// Writes an object under a precondition.
    pub async fn put(
        &self,
        key: &str,
        content_type: &str,
        body: Vec<u8>,
        condition: &Precondition,
    ) -> Result<Written, ApiError> {
        let mut action = self.bucket.put_object(Some(&self.credentials), key);
        action
            .headers_mut()
            .insert("content-type", content_type.to_owned());
        let url = action.sign(INTERNAL_EXPIRY);
        let mut headers = vec![("content-type", content_type)];
        match condition {
            Precondition::None => {}
            Precondition::Absent => headers.push(("if-none-match", "*")),
            Precondition::Matches(etag) => headers.push(("if-match", etag.as_str())),
        }
        let answer = self
            .call(reqwest::Method::PUT, url, &headers, Some(body.into()))
            .await?;
        match answer.status {
            200..=299 => Ok(Written::Yes(answer.etag.unwrap_or_default())),
            // AWS answers 409 ConditionalRequestConflict to the loser of two concurrent
            // conditional writes of one key; for the caller both mean "someone else won".
            412 | 409 if condition != &Precondition::None => Ok(Written::Lost),
            _ => Err(answer.refused(&format!("PUT {key}"))),
        }
    }

    /// Deletes an object (deleting a missing object is not an error).
    pub async fn delete(&self, key: &str) -> Result<(), ApiError> {
        let url = self
            .bucket
            .delete_object(Some(&self.credentials), key)
            .sign(INTERNAL_EXPIRY);
        let answer = self.call(reqwest::Method::DELETE, url, &[], None).await?;
        match answer.status {
            200..=299 | 404 => Ok(()),
            _ => Err(answer.refused(&format!("DELETE {key}"))),
        }
    }

    /// Every object under `prefix`, all pages, in key order.
    pub async fn list(&self, prefix: &str) -> Result<Vec<ListedObject>, ApiError> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self.list_page(prefix, None, token.as_deref()).await?;
            out.extend(page.objects);
            match page.next_token {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        Ok(out)
    }

    /// The first segments of keys under `prefix` (a listing with delimiter `/`), all pages.
    pub async fn list_prefixes(&self, prefix: &str) -> Result<Vec<String>, ApiError> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self.list_page(prefix, Some("/"), token.as_deref()).await?;
            out.extend(page.prefixes);
            match page.next_token {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        Ok(out)
    }

    /// Objects under `prefix` with keys after `after` and at most `upto`, reading pages only
    /// as far as needed and stopping at `limit` objects; also whether more keys follow.
    pub async fn list_range(
        &self,
        prefix: &str,
        after: Option<&str>,
        upto: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<ListedObject>, bool), ApiError> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = match &token {
                Some(t) => self.list_page(prefix, None, Some(t)).await?,
                None => self.list_page_from(prefix, None, None, after).await?,
            };
            for o in page.objects {
                if upto.is_some_and(|u| o.key.as_str() > u) || out.len() >= limit {
                    return Ok((out, true));
                }
                out.push(o);
            }
            match page.next_token {
                Some(t) => token = Some(t),
                None => return Ok((out, false)),
            }
        }
    }

    /// One page of a listing.
    pub async fn list_page(
        &self,
        prefix: &str,
        delimiter: Option<&str>,
        token: Option<&str>,
    ) -> Result<xml::ObjectsPage, ApiError> {
        self.list_page_from(prefix, delimiter, token, None).await
    }

    /// One page of a listing: continued from `token`, or starting after the key `after`.
    async fn list_page_from(
        &self,
        prefix: &str,
        delimiter: Option<&str>,
        token: Option<&str>,
        after: Option<&str>,
    ) -> Result<xml::ObjectsPage, ApiError> {
        let mut action = self.bucket.list_objects_v2(Some(&self.credentials));
        action.with_prefix(prefix);
        if let Some(d) = delimiter {
            action.with_delimiter(d);
        }
        if let Some(t) = token {
            action.with_continuation_token(t);
        }
        if let Some(a) = after {
            action.with_start_after(a);
        }
        let url = action.sign(INTERNAL_EXPIRY);
        let answer = self.send(reqwest::Method::GET, url, &[], None).await?;
        xml::parse_list_objects(&answer.text())
    }
}
