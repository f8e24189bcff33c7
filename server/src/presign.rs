//! The presigner: checks a request against the policy and limits, then signs S3 URLs.
//!
//! Uploads sign `content-type` and `content-length` into the URL (SigV4 `SignedHeaders`), so
//! S3 itself refuses an upload whose type or size differs from what was approved here. For
//! multipart uploads every part URL carries its exact length and the server decides how many
//! parts there are, so the total can never exceed the declared, checked size.
//!
//! Multipart create/list/complete/abort are requests from this server to S3, signed with the
//! same credentials and sent with `reqwest` (rustls).

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};

use crate::bucket::{BucketClient, Precondition};
use crate::config::{Config, MAX_PARTS};
use crate::error::ApiError;
use crate::keys::{authorize, Access, ObjectKey, User};
use crate::xml;

// The wire model is the core's, shared with the browser client (one definition per field).
pub use lasso_core::cloud::protocol::{
    AbortRequest as MultipartAbortRequest, CompleteRequest as MultipartCompleteRequest,
    CompletedPart, Method as PresignMethod, MultipartAnswer as MultipartUpload, MultipartCompleted,
    MultipartCreateRequest, MultipartPartsRequest, PartUrl, PresignAnswer as PresignedRequest,
    PresignRequest, StoredPart as UploadedPart, TaskEntry,
};

/// Signs URLs for one bucket under one [`Config`].
#[derive(Debug, Clone)]
pub struct Presigner {
    bucket: Bucket,
    credentials: Credentials,
    config: Config,
    s3: BucketClient,
}

/// Lifetime of URLs this server signs for its own calls to S3.
const INTERNAL_EXPIRY: Duration = Duration::from_secs(60);
/// Bound on pages of one multipart upload's part list (1,000 parts each; 10,000 parts at most).
const MAX_LIST_PAGES: usize = 20;

impl Presigner {
    /// Builds a presigner; fails on an invalid config.
    pub fn new(config: Config) -> Result<Presigner, String> {
        config.validate()?;
        let endpoint: url::Url = config
            .endpoint
            .parse()
            .map_err(|e| format!("endpoint {:?} is not a URL: {e}", config.endpoint))?;
        let style = if config.path_style {
            UrlStyle::Path
        } else {
            UrlStyle::VirtualHost
        };
        let bucket = Bucket::new(
            endpoint,
            style,
            config.bucket.clone(),
            config.region.clone(),
        )
        .map_err(|e| format!("bucket {:?} at {}: {e}", config.bucket, config.endpoint))?;
        let (Some(key), Some(secret)) = (&config.access_key, &config.secret_key) else {
            return Err("S3 credentials are missing".into());
        };
        let credentials = match &config.session_token {
            Some(t) => Credentials::new_with_token(key, secret, t),
            None => Credentials::new(key, secret),
        };
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| format!("cannot build HTTP client: {e}"))?;
        let s3 = BucketClient::new(bucket.clone(), credentials.clone(), http);
        Ok(Presigner {
            bucket,
            credentials,
            config,
            s3,
        })
    }

    /// The server's own S3 client for this bucket.
    pub fn s3(&self) -> &BucketClient {
        &self.s3
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    fn expiry(&self) -> Duration {
        Duration::from_secs(self.config.expires_secs)
    }

    fn expires_at(&self, now: Timestamp) -> String {
        let secs = i64::try_from(self.config.expires_secs).unwrap_or(3600);
        now.checked_add(SignedDuration::from_secs(secs))
            .unwrap_or(now)
            .to_string()
    }

    fn check_upload(&self, content_type: &str, size: u64) -> Result<(), ApiError> {
        if !self.config.content_types.iter().any(|c| c == content_type) {
            return Err(ApiError::BadRequest(format!(
                "content type {content_type:?} is not allowed; allowed: {}",
                self.config.content_types.join(", ")
            )));
        }
        if size > self.config.max_size {
            return Err(ApiError::TooLarge(format!(
                "size {size} is over the limit of {} bytes",
                self.config.max_size
            )));
        }
        Ok(())
    }

    /// Handles `POST /presign` at the current time.
    pub fn presign(&self, user: &User, req: &PresignRequest) -> Result<PresignedRequest, ApiError> {
        self.presign_at(user, req, Timestamp::now())
    }

    /// Handles `POST /presign` as if it were `now` (tests sign URLs in the past with it).
    pub fn presign_at(
        &self,
        user: &User,
        req: &PresignRequest,
        now: Timestamp,
    ) -> Result<PresignedRequest, ApiError> {
        let key = ObjectKey::parse(&req.key)?;
        let mut headers = BTreeMap::new();
        let url = match req.method {
            PresignMethod::Get => {
                authorize(user, &key, Access::Read)?;
                self.bucket
                    .get_object(Some(&self.credentials), key.as_str())
                    .sign_with_time(self.expiry(), &now)
            }
            PresignMethod::Put => {
                authorize(user, &key, Access::Write)?;
                let ct = req.content_type.as_deref().ok_or_else(|| {
                    ApiError::BadRequest("content_type is required for PUT".into())
                })?;
                let size = req
                    .size
                    .ok_or_else(|| ApiError::BadRequest("size is required for PUT".into()))?;
                self.check_upload(ct, size)?;
                // S3 refuses single PUTs over 5 GiB; larger files go through multipart.
                if size > 5 * 1024 * 1024 * 1024 {
                    return Err(ApiError::TooLarge(
                        "a single PUT is limited to 5 GiB; use /multipart/create".into(),
                    ));
                }
                let mut action = self
                    .bucket
                    .put_object(Some(&self.credentials), key.as_str());
                action.headers_mut().insert("content-type", ct.to_owned());
                action
                    .headers_mut()
                    .insert("content-length", size.to_string());
                headers.insert("content-type".to_owned(), ct.to_owned());
                for (name, value) in [
                    ("if-match", &req.if_match),
                    ("if-none-match", &req.if_none_match),
                ] {
                    if let Some(v) = value {
                        check_condition(name, v)?;
                        action.headers_mut().insert(name, v.clone());
                        headers.insert(name.to_owned(), v.clone());
                    }
                }
                action.sign_with_time(self.expiry(), &now)
            }
        };
        Ok(PresignedRequest {
            url: url.to_string(),
            method: req.method,
            headers,
            expires_at: self.expires_at(now),
        })
    }

    /// Splits `size` into parts: (part size, part count).
    pub fn part_layout(&self, size: u64) -> Result<(u64, u16), ApiError> {
        if size == 0 {
            return Err(ApiError::BadRequest("size must be positive".into()));
        }
        let mut part_size = self.config.part_size;
        if size.div_ceil(part_size) > MAX_PARTS {
            // Grow parts (in whole MiB) so the object fits in S3's 10,000 parts.
            part_size = size.div_ceil(MAX_PARTS).div_ceil(1 << 20) << 20;
        }
        let count = u16::try_from(size.div_ceil(part_size))
            .map_err(|_| ApiError::TooLarge("too many parts".into()))?;
        Ok((part_size, count))
    }

    fn part_urls(
        &self,
        key: &ObjectKey,
        upload_id: &str,
        size: u64,
        skip: &[u16],
        now: Timestamp,
    ) -> Result<(u64, u16, Vec<PartUrl>), ApiError> {
        let (part_size, count) = self.part_layout(size)?;
        let mut parts = Vec::new();
        for number in 1..=count {
            if skip.contains(&number) {
                continue;
            }
            let start = u64::from(number - 1) * part_size;
            let len = part_size.min(size - start);
            let mut action =
                self.bucket
                    .upload_part(Some(&self.credentials), key.as_str(), number, upload_id);
            action
                .headers_mut()
                .insert("content-length", len.to_string());
            let url = action.sign_with_time(self.expiry(), &now);
            parts.push(PartUrl {
                number: u32::from(number),
                size: len,
                url: url.to_string(),
            });
        }
        Ok((part_size, count, parts))
    }

    /// Handles `POST /multipart/create`: starts an upload in S3 and presigns every part.
    pub async fn multipart_create(
        &self,
        user: &User,
        req: &MultipartCreateRequest,
    ) -> Result<MultipartUpload, ApiError> {
        let key = ObjectKey::parse(&req.key)?;
        authorize(user, &key, Access::Write)?;
        self.check_upload(&req.content_type, req.size)?;
        self.part_layout(req.size)?;
        let mut action = self
            .bucket
            .create_multipart_upload(Some(&self.credentials), key.as_str());
        action
            .headers_mut()
            .insert("content-type", req.content_type.clone());
        let url = action.sign(INTERNAL_EXPIRY);
        let body = self
            .s3
            .send(
                reqwest::Method::POST,
                url,
                &[("content-type", &req.content_type)],
                None,
            )
            .await?
            .text();
        let upload_id = xml::create_multipart_upload_id(&body)?;
        let now = Timestamp::now();
        let (part_size, part_count, parts) =
            self.part_urls(&key, &upload_id, req.size, &[], now)?;
        Ok(MultipartUpload {
            key: key.to_string(),
            upload_id,
            part_size,
            part_count: u32::from(part_count),
            uploaded: Vec::new(),
            parts,
            expires_at: self.expires_at(now),
        })
    }

    /// Handles `POST /multipart/parts`: lists stored parts and presigns the missing ones.
    pub async fn multipart_parts(
        &self,
        user: &User,
        req: &MultipartPartsRequest,
    ) -> Result<MultipartUpload, ApiError> {
        let key = ObjectKey::parse(&req.key)?;
        authorize(user, &key, Access::Write)?;
        check_upload_id(&req.upload_id)?;
        if req.size > self.config.max_size {
            return Err(ApiError::TooLarge(format!(
                "size {} is over the limit of {} bytes",
                req.size, self.config.max_size
            )));
        }
        let (part_size, count) = self.part_layout(req.size)?;
        let mut uploaded: Vec<UploadedPart> = Vec::new();
        let mut marker: Option<u16> = None;
        for _ in 0..MAX_LIST_PAGES {
            let mut action =
                self.bucket
                    .list_parts(Some(&self.credentials), key.as_str(), &req.upload_id);
            if let Some(m) = marker {
                action.set_part_number_marker(m);
            }
            let body = self
                .s3
                .send(
                    reqwest::Method::GET,
                    action.sign(INTERNAL_EXPIRY),
                    &[],
                    None,
                )
                .await?
                .text();
            let page = xml::parse_list_parts(&body)?;
            uploaded.extend(page.parts);
            match page.next_marker {
                Some(m) if m > marker.unwrap_or(0) => marker = Some(m),
                _ => break,
            }
        }
        // Keep only parts that match this upload's layout; a part of the wrong size is resent.
        uploaded.retain(|p| {
            p.number >= 1 && p.number <= u32::from(count) && {
                let start = u64::from(p.number - 1) * part_size;
                p.size == part_size.min(req.size - start)
            }
        });
        uploaded.sort_by_key(|p| p.number);
        uploaded.dedup_by_key(|p| p.number);
        let done: Vec<u16> = uploaded
            .iter()
            .filter_map(|p| u16::try_from(p.number).ok())
            .collect();
        let now = Timestamp::now();
        let (part_size, part_count, parts) =
            self.part_urls(&key, &req.upload_id, req.size, &done, now)?;
        Ok(MultipartUpload {
            key: key.to_string(),
            upload_id: req.upload_id.clone(),
            part_size,
            part_count: u32::from(part_count),
            uploaded,
            parts,
            expires_at: self.expires_at(now),
        })
    }

    /// Handles `POST /multipart/complete`: asks S3 to assemble the parts.
    pub async fn multipart_complete(
        &self,
        user: &User,
        req: &MultipartCompleteRequest,
    ) -> Result<MultipartCompleted, ApiError> {
        let key = ObjectKey::parse(&req.key)?;
        authorize(user, &key, Access::Write)?;
        check_upload_id(&req.upload_id)?;
        if req.parts.is_empty() || req.parts.len() > MAX_PARTS as usize {
            return Err(ApiError::BadRequest(format!(
                "parts must list 1..={MAX_PARTS} parts, got {}",
                req.parts.len()
            )));
        }
        for (i, p) in req.parts.iter().enumerate() {
            if usize::try_from(p.number).ok() != Some(i + 1) {
                return Err(ApiError::BadRequest(format!(
                    "parts must be numbered 1..=n in order; entry {} has number {}",
                    i + 1,
                    p.number
                )));
            }
            if p.etag.is_empty()
                || p.etag
                    .chars()
                    .any(|c| c.is_control() || c == '<' || c == '&')
            {
                return Err(ApiError::BadRequest(format!(
                    "part {} has an invalid etag",
                    p.number
                )));
            }
        }
        let action = self.bucket.complete_multipart_upload(
            Some(&self.credentials),
            key.as_str(),
            &req.upload_id,
            req.parts.iter().map(|p| p.etag.as_str()),
        );
        let url = action.sign(INTERNAL_EXPIRY);
        let body = action.body();
        let resp = self
            .s3
            .send(reqwest::Method::POST, url, &[], Some(body.into()))
            .await?
            .text();
        let etag = xml::complete_etag(&resp)?;
        Ok(MultipartCompleted {
            key: key.to_string(),
            etag,
        })
    }

    /// Handles `POST /multipart/abort`: drops an unfinished upload and its parts.
    pub async fn multipart_abort(
        &self,
        user: &User,
        req: &MultipartAbortRequest,
    ) -> Result<(), ApiError> {
        let key = ObjectKey::parse(&req.key)?;
        authorize(user, &key, Access::Write)?;
        check_upload_id(&req.upload_id)?;
        let url = self
            .bucket
            .abort_multipart_upload(Some(&self.credentials), key.as_str(), &req.upload_id)
            .sign(INTERNAL_EXPIRY);
        self.s3
            .send(reqwest::Method::DELETE, url, &[], None)
            .await?;
        Ok(())
    }

    /// Handles `GET /tasks`: every manifest (`*.json`) under `prefix` (`src/`, or a project's
    /// `<p>/src/tasks/`) with a presigned GET URL, all pages of the listing.
    pub async fn list_tasks(&self, prefix: &str) -> Result<Vec<TaskEntry>, ApiError> {
        let now = Timestamp::now();
        let mut tasks = Vec::new();
        for obj in self.s3.list(prefix).await? {
            // Keys that would not pass our own checks are skipped, never signed.
            if !obj.key.ends_with(".json") || ObjectKey::parse(&obj.key).is_err() {
                continue;
            }
            let url = self.sign_get(&obj.key, now);
            tasks.push(TaskEntry {
                key: obj.key,
                size: obj.size,
                last_modified: obj.last_modified,
                url,
            });
        }
        tasks.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(tasks)
    }

    /// A presigned GET of `key`, without any policy check (callers have checked).
    pub fn sign_get(&self, key: &str, now: Timestamp) -> String {
        self.bucket
            .get_object(Some(&self.credentials), key)
            .sign_with_time(self.expiry(), &now)
            .to_string()
    }

    /// Uploads bytes straight from this server (seeding, project files).
    pub async fn put_direct(
        &self,
        key: &ObjectKey,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<(), ApiError> {
        self.s3
            .put(key.as_str(), content_type, bytes, &Precondition::None)
            .await?;
        Ok(())
    }
}

/// A precondition header value goes into the signature and to S3: an ETag (quoted, printable
/// ASCII) or `*`.
fn check_condition(name: &str, value: &str) -> Result<(), ApiError> {
    let ok = value == "*"
        || (value.len() >= 2
            && value.len() <= 200
            && value.starts_with('"')
            && value.ends_with('"')
            && value[1..value.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_graphic() && b != b'"'));
    if ok {
        Ok(())
    } else {
        Err(ApiError::BadRequest(format!(
            "{name} must be a quoted ETag or \"*\""
        )))
    }
}

/// Upload ids are opaque, but they go into URLs and XML: allow only URL-safe characters.
fn check_upload_id(id: &str) -> Result<(), ApiError> {
    let ok = !id.is_empty()
        && id.len() <= 1024
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~'));
    if ok {
        Ok(())
    } else {
        Err(ApiError::BadRequest("upload_id is invalid".into()))
    }
}
