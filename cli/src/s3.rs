//! The bucket straight over S3 (`pull`, `build`): any S3-compatible endpoint, credentials from
//! the standard AWS chain (environment, shared credentials file and profile, instance
//! metadata), with `rust-s3`. Objects read are kept in a local cache under their key with their
//! ETag beside them, so an interrupted run starts again where it stopped.

use lasso_core::dataset::Source;
use s3::creds::Credentials;
use s3::{Bucket, Region};
use std::path::{Path, PathBuf};

/// Where and how to reach the bucket.
#[derive(clap::Args, Clone)]
pub struct Endpoint {
    /// Bucket name (`build`: the version's unless given).
    #[arg(long, env = "LASSO_BUCKET")]
    pub bucket: Option<String>,
    /// S3-compatible endpoint URL (default: AWS; also AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL).
    #[arg(long)]
    pub endpoint: Option<String>,
    /// Region (default: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1).
    #[arg(long)]
    pub region: Option<String>,
    /// Objects read at once.
    #[arg(long, default_value_t = 8)]
    pub parallel: usize,
}

/// An object in a listing.
#[derive(Clone, Debug)]
pub struct Listed {
    /// Key, ETag (no quotes) and size.
    pub source: Source,
    /// When it was written (ISO 8601).
    pub modified: String,
}

/// A connected bucket and the local cache of what was read from it.
pub struct Store {
    bucket: Box<Bucket>,
    cache: PathBuf,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl Store {
    /// Connects to the bucket (credentials are looked up now) with its cache in `cache`.
    pub fn connect(endpoint: &Endpoint, cache: &Path) -> Result<Store, String> {
        let region_name = endpoint
            .region
            .clone()
            .or_else(|| env("AWS_REGION"))
            .or_else(|| env("AWS_DEFAULT_REGION"))
            .unwrap_or_else(|| "us-east-1".into());
        let url = endpoint
            .endpoint
            .clone()
            .or_else(|| env("AWS_ENDPOINT_URL_S3"))
            .or_else(|| env("AWS_ENDPOINT_URL"));
        let region = match &url {
            Some(url) => Region::Custom {
                region: region_name,
                endpoint: url.trim_end_matches('/').into(),
            },
            None => region_name
                .parse()
                .map_err(|e| format!("region {region_name:?}: {e}"))?,
        };
        let credentials = Credentials::default().map_err(|e| {
            format!("no S3 credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, or instance metadata): {e}")
        })?;
        let name = endpoint
            .bucket
            .as_deref()
            .ok_or("give the bucket with --bucket (or LASSO_BUCKET)")?;
        let mut bucket =
            Bucket::new(name, region, credentials).map_err(|e| format!("bucket {name}: {e}"))?;
        if url.is_some() {
            // S3-compatible stores are reached by path (`endpoint/bucket/key`).
            bucket = bucket.with_path_style();
        }
        Ok(Store {
            bucket,
            cache: cache.to_path_buf(),
        })
    }

    /// Every object under `prefix`.
    pub fn list(&self, prefix: &str) -> Result<Vec<Listed>, String> {
        let pages = self
            .bucket
            .list(prefix.to_string(), None)
            .map_err(|e| format!("cannot list {prefix} in bucket {}: {e}", self.bucket.name))?;
        Ok(pages
            .into_iter()
            .flat_map(|page| page.contents)
            .map(|o| Listed {
                source: Source {
                    etag: o
                        .e_tag
                        .as_deref()
                        .unwrap_or("")
                        .trim_matches('"')
                        .to_string(),
                    key: o.key,
                    size: o.size,
                },
                modified: o.last_modified,
            })
            .collect())
    }

    /// The cache file of a key (keys are checked project keys: no `..`, no leading `/`).
    pub fn cached_path(&self, key: &str) -> PathBuf {
        self.cache.join("objects").join(key)
    }

    /// Whether `source` is in the cache as listed (same ETag).
    pub fn is_cached(&self, source: &Source) -> bool {
        let path = self.cached_path(&source.key);
        let etag = std::fs::read_to_string(etag_path(&path)).unwrap_or_default();
        path.is_file() && !source.etag.is_empty() && etag == source.etag
    }

    /// The object's bytes: from the cache when it holds this ETag, else read and cached. The
    /// object must still have the ETag `source` names; a changed object is refused by name.
    /// Returns the bytes and whether they were downloaded.
    pub fn fetch(&self, source: &Source) -> Result<(Vec<u8>, bool), String> {
        let path = self.cached_path(&source.key);
        if self.is_cached(source) {
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            return Ok((bytes, false));
        }
        let response = self
            .bucket
            .get_object(&source.key)
            .map_err(|e| format!("cannot read {}: {e}", source.key))?;
        let etag = response
            .headers()
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("etag"))
            .map(|(_, v)| v.trim_matches('"').to_string())
            .unwrap_or_default();
        if !source.etag.is_empty() && etag != source.etag {
            return Err(format!(
                "{} changed since it was listed or recorded (ETag {} now {etag})",
                source.key, source.etag
            ));
        }
        let bytes = response.to_vec();
        store_atomically(&path, &bytes)?;
        store_atomically(&etag_path(&path), etag.as_bytes())?;
        Ok((bytes, true))
    }

    /// `source` with its ETag: as listed, or asked for with a `HEAD` where the store's listings
    /// leave ETags out (some S3-compatible stores do).
    pub fn with_etag(&self, source: &Source) -> Result<Source, String> {
        if !source.etag.is_empty() {
            return Ok(source.clone());
        }
        let (head, _) = self
            .bucket
            .head_object(&source.key)
            .map_err(|e| format!("cannot look up {}: {e}", source.key))?;
        let etag = head.e_tag.unwrap_or_default().trim_matches('"').to_string();
        if etag.is_empty() {
            return Err(format!(
                "{}: the store gives no ETag, so a version could not be checked later",
                source.key
            ));
        }
        Ok(Source {
            etag,
            ..source.clone()
        })
    }

    /// Whether an object exists, by listing its key as a prefix (a `HEAD` of a missing key
    /// answers 404 without a body, which some stores and clients disagree on).
    pub fn exists(&self, key: &str) -> Result<bool, String> {
        Ok(self.list(key)?.iter().any(|l| l.source.key == key))
    }

    /// An object's bytes as they are now (not cached).
    pub fn get(&self, key: &str) -> Result<Vec<u8>, String> {
        let response = self
            .bucket
            .get_object(key)
            .map_err(|e| format!("cannot read {key}: {e}"))?;
        Ok(response.to_vec())
    }

    /// A presigned `GET` of `key`, valid for `secs` seconds (for a model backend to read an
    /// image without credentials).
    pub fn presign_get(&self, key: &str, secs: u32) -> Result<String, String> {
        self.bucket
            .presign_get(key, secs, None)
            .map_err(|e| format!("cannot presign {key}: {e}"))
    }

    /// An object's bytes as they are now and its ETag (empty when the store gives none), for a
    /// later [`Store::put_if_match`].
    pub fn get_with_etag(&self, key: &str) -> Result<(Vec<u8>, String), String> {
        let response = self
            .bucket
            .get_object(key)
            .map_err(|e| format!("cannot read {key}: {e}"))?;
        let etag = response
            .headers()
            .into_iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("etag"))
            .map(|(_, value)| value)
            .unwrap_or_default();
        Ok((response.to_vec(), etag))
    }

    /// Writes an object only if it is still the version with `etag` (`If-Match`), so what
    /// someone else wrote since it was read is never overwritten; `Ok(false)` when it changed.
    /// An empty `etag` (the store gave none) writes unconditionally.
    pub fn put_if_match(
        &self,
        key: &str,
        bytes: &[u8],
        content_type: &str,
        etag: &str,
    ) -> Result<bool, String> {
        if etag.is_empty() {
            return self.put(key, bytes, content_type).map(|()| true);
        }
        let mut headers = http::HeaderMap::new();
        let value = http::HeaderValue::from_str(etag).map_err(|_| {
            format!("{key}: the store gave an ETag that is no header value: {etag:?}")
        })?;
        headers.insert(http::header::IF_MATCH, value);
        match self.bucket.put_object_with_content_type_and_headers(
            key,
            bytes,
            content_type,
            Some(headers),
        ) {
            Ok(_) => Ok(true),
            Err(s3::error::S3Error::HttpFailWithBody(412, _)) => Ok(false),
            Err(e) => Err(format!("cannot write {key}: {e}")),
        }
    }

    /// Writes an object.
    pub fn put(&self, key: &str, bytes: &[u8], content_type: &str) -> Result<(), String> {
        self.bucket
            .put_object_with_content_type(key, bytes, content_type)
            .map_err(|e| format!("cannot write {key}: {e}"))?;
        Ok(())
    }
}

fn etag_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".etag");
    path.with_file_name(name)
}

/// Writes through a temporary file and a rename, so a killed run never leaves half a file
/// under the final name.
fn store_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("{}: {e}", path.display());
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    let mut partial = path.as_os_str().to_os_string();
    partial.push(".partial");
    std::fs::write(&partial, bytes).map_err(fail)?;
    std::fs::rename(&partial, path).map_err(fail)
}
