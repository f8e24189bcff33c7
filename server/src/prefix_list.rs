//! The local store's object listing, walking only the directory a prefix names.
//!
//! `s3s-fs` answers every `ListObjectsV2` by walking the whole bucket and then filtering, so a
//! listing of `p/state/users/ann/` costs as much as one of the bucket, and the team endpoints
//! list small prefixes often. This wrapper answers listings without a delimiter from the
//! prefix's own directory (same keys, order, pages and continuation as `s3s-fs`, which still
//! answers everything else), so the local store keeps S3's cost model: a listing costs what it
//! returns. Written here because `s3s-fs` has no hook for it.

use std::path::{Component, Path, PathBuf};

use s3s::dto::{
    AbortMultipartUploadInput, AbortMultipartUploadOutput, CompleteMultipartUploadInput,
    CompleteMultipartUploadOutput, CopyObjectInput, CopyObjectOutput, CreateBucketInput,
    CreateBucketOutput, CreateMultipartUploadInput, CreateMultipartUploadOutput, DeleteBucketInput,
    DeleteBucketOutput, DeleteObjectInput, DeleteObjectOutput, DeleteObjectsInput,
    DeleteObjectsOutput, GetBucketLocationInput, GetBucketLocationOutput, GetObjectInput,
    GetObjectOutput, HeadBucketInput, HeadBucketOutput, HeadObjectInput, HeadObjectOutput,
    ListBucketsInput, ListBucketsOutput, ListObjectsInput, ListObjectsOutput, ListObjectsV2Input,
    ListObjectsV2Output, ListPartsInput, ListPartsOutput, Object, PutObjectInput, PutObjectOutput,
    Timestamp, UploadPartCopyInput, UploadPartCopyOutput, UploadPartInput, UploadPartOutput,
};
use s3s::{s3_error, S3Request, S3Response, S3Result, S3};

/// `s3s-fs` with listings that read only the prefix's directory.
pub struct PrefixListing {
    inner: s3s_fs::FileSystem,
    root: PathBuf,
}

impl PrefixListing {
    /// Wraps the store whose files live under `root`.
    pub fn new(inner: s3s_fs::FileSystem, root: PathBuf) -> PrefixListing {
        PrefixListing { inner, root }
    }
}

/// Every file under `dir`, as keys relative to `bucket`, that start with `prefix`, with its
/// path. Files are not looked at here: only the page that is answered is (a directory of
/// 100,000 manifests costs one read of the directory, not 100,000 `stat`s).
fn walk(bucket: &Path, dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(bucket, &path, prefix, out);
            continue;
        }
        let Ok(rel) = path.strip_prefix(bucket) else {
            continue;
        };
        let parts: Option<Vec<&str>> = rel
            .components()
            .map(|c| match c {
                Component::Normal(n) => n.to_str(),
                _ => None,
            })
            .collect();
        let Some(parts) = parts else { continue };
        let key = parts.join("/");
        if key.starts_with(prefix) {
            out.push((key, path));
        }
    }
}

/// The directory a prefix names entirely (`a/b/c` → `a/b`), if it is a plain relative path.
fn prefix_dir(prefix: &str) -> Option<&str> {
    let dir = prefix.rsplit_once('/').map_or("", |(d, _)| d);
    let plain = Path::new(dir)
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    plain.then_some(dir)
}

#[async_trait::async_trait]
impl S3 for PrefixListing {
    async fn list_objects_v2(
        &self,
        req: S3Request<ListObjectsV2Input>,
    ) -> S3Result<S3Response<ListObjectsV2Output>> {
        let prefix = req.input.prefix.clone().unwrap_or_default();
        let dir = match (&req.input.delimiter, prefix_dir(&prefix)) {
            (None, Some(dir)) => dir.to_owned(),
            _ => return self.inner.list_objects_v2(req).await,
        };
        let input = req.input;
        let bucket = self.root.join(&input.bucket);
        if !bucket.is_dir() {
            return Err(s3_error!(NoSuchBucket));
        }
        let start = bucket.join(&dir);
        let (bucket_dir, prefix_owned) = (bucket.clone(), prefix.clone());
        let mut found = tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            walk(&bucket_dir, &start, &prefix_owned, &mut out);
            out
        })
        .await
        .map_err(|e| s3_error!(InternalError, "listing failed: {e}"))?;
        found.sort_by(|a, b| a.0.cmp(&b.0));
        let marker = match (
            input.continuation_token.as_deref(),
            input.start_after.as_deref(),
        ) {
            (Some(c), Some(s)) => Some(if c >= s { c } else { s }.to_owned()),
            (Some(m), None) | (None, Some(m)) => Some(m.to_owned()),
            (None, None) => None,
        };
        if let Some(m) = &marker {
            found.retain(|(k, _)| k.as_str() > m.as_str());
        }
        let max_keys = input.max_keys.unwrap_or(1000);
        let limit = usize::try_from(max_keys).unwrap_or(1000);
        let is_truncated = found.len() > limit;
        found.truncate(limit);
        let next = is_truncated
            .then(|| found.last().map(|(k, _)| k.clone()))
            .flatten();
        let contents: Vec<Object> = tokio::task::spawn_blocking(move || {
            found
                .into_iter()
                .filter_map(|(key, path)| {
                    // A file deleted since the walk is left out, as S3 would.
                    let meta = std::fs::metadata(&path).ok()?;
                    Some(Object {
                        key: Some(key),
                        size: i64::try_from(meta.len()).ok(),
                        last_modified: meta.modified().ok().map(Timestamp::from),
                        ..Default::default()
                    })
                })
                .collect()
        })
        .await
        .map_err(|e| s3_error!(InternalError, "listing failed: {e}"))?;
        let output = ListObjectsV2Output {
            key_count: i32::try_from(contents.len()).ok(),
            max_keys: Some(max_keys),
            is_truncated: Some(is_truncated),
            contents: (!contents.is_empty()).then_some(contents),
            continuation_token: input.continuation_token,
            next_continuation_token: next,
            encoding_type: input.encoding_type,
            name: Some(input.bucket),
            prefix: input.prefix,
            start_after: input.start_after,
            ..Default::default()
        };
        Ok(S3Response::new(output))
    }

    async fn create_bucket(
        &self,
        req: S3Request<CreateBucketInput>,
    ) -> S3Result<S3Response<CreateBucketOutput>> {
        self.inner.create_bucket(req).await
    }
    async fn copy_object(
        &self,
        req: S3Request<CopyObjectInput>,
    ) -> S3Result<S3Response<CopyObjectOutput>> {
        self.inner.copy_object(req).await
    }
    async fn delete_bucket(
        &self,
        req: S3Request<DeleteBucketInput>,
    ) -> S3Result<S3Response<DeleteBucketOutput>> {
        self.inner.delete_bucket(req).await
    }
    async fn delete_object(
        &self,
        req: S3Request<DeleteObjectInput>,
    ) -> S3Result<S3Response<DeleteObjectOutput>> {
        self.inner.delete_object(req).await
    }
    async fn delete_objects(
        &self,
        req: S3Request<DeleteObjectsInput>,
    ) -> S3Result<S3Response<DeleteObjectsOutput>> {
        self.inner.delete_objects(req).await
    }
    async fn get_bucket_location(
        &self,
        req: S3Request<GetBucketLocationInput>,
    ) -> S3Result<S3Response<GetBucketLocationOutput>> {
        self.inner.get_bucket_location(req).await
    }
    async fn get_object(
        &self,
        req: S3Request<GetObjectInput>,
    ) -> S3Result<S3Response<GetObjectOutput>> {
        self.inner.get_object(req).await
    }
    async fn head_bucket(
        &self,
        req: S3Request<HeadBucketInput>,
    ) -> S3Result<S3Response<HeadBucketOutput>> {
        self.inner.head_bucket(req).await
    }
    async fn head_object(
        &self,
        req: S3Request<HeadObjectInput>,
    ) -> S3Result<S3Response<HeadObjectOutput>> {
        self.inner.head_object(req).await
    }
    async fn list_buckets(
        &self,
        req: S3Request<ListBucketsInput>,
    ) -> S3Result<S3Response<ListBucketsOutput>> {
        self.inner.list_buckets(req).await
    }
    async fn list_objects(
        &self,
        req: S3Request<ListObjectsInput>,
    ) -> S3Result<S3Response<ListObjectsOutput>> {
        self.inner.list_objects(req).await
    }
    async fn put_object(
        &self,
        req: S3Request<PutObjectInput>,
    ) -> S3Result<S3Response<PutObjectOutput>> {
        self.inner.put_object(req).await
    }
    async fn create_multipart_upload(
        &self,
        req: S3Request<CreateMultipartUploadInput>,
    ) -> S3Result<S3Response<CreateMultipartUploadOutput>> {
        self.inner.create_multipart_upload(req).await
    }
    async fn upload_part(
        &self,
        req: S3Request<UploadPartInput>,
    ) -> S3Result<S3Response<UploadPartOutput>> {
        self.inner.upload_part(req).await
    }
    async fn upload_part_copy(
        &self,
        req: S3Request<UploadPartCopyInput>,
    ) -> S3Result<S3Response<UploadPartCopyOutput>> {
        self.inner.upload_part_copy(req).await
    }
    async fn list_parts(
        &self,
        req: S3Request<ListPartsInput>,
    ) -> S3Result<S3Response<ListPartsOutput>> {
        self.inner.list_parts(req).await
    }
    async fn complete_multipart_upload(
        &self,
        req: S3Request<CompleteMultipartUploadInput>,
    ) -> S3Result<S3Response<CompleteMultipartUploadOutput>> {
        self.inner.complete_multipart_upload(req).await
    }
    async fn abort_multipart_upload(
        &self,
        req: S3Request<AbortMultipartUploadInput>,
    ) -> S3Result<S3Response<AbortMultipartUploadOutput>> {
        self.inner.abort_multipart_upload(req).await
    }
}
