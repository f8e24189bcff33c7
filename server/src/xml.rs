//! Parsing the few S3 XML answers this server reads, with `quick-xml`'s serde support.
//!
//! Fields that some S3-compatible stores leave out (a part's ETag in `ListParts`, for one)
//! are optional here, so the same code reads AWS and the local store.

use serde::Deserialize;

use crate::error::ApiError;
use lasso_core::cloud::protocol::StoredPart as UploadedPart;

fn parse<'de, T: Deserialize<'de>>(what: &str, s: &'de str) -> Result<T, ApiError> {
    quick_xml::de::from_str(s)
        .map_err(|e| ApiError::Upstream(format!("cannot read S3 {what} answer: {e}")))
}

#[derive(Deserialize)]
struct InitiateResult {
    #[serde(rename = "UploadId")]
    upload_id: String,
}

/// Reads the upload id from a `CreateMultipartUpload` answer.
pub fn create_multipart_upload_id(s: &str) -> Result<String, ApiError> {
    let r: InitiateResult = parse("CreateMultipartUpload", s)?;
    Ok(r.upload_id)
}

#[derive(Deserialize)]
struct CompleteResult {
    #[serde(rename = "ETag", default)]
    etag: String,
}

/// Reads the object ETag from a `CompleteMultipartUpload` answer (S3 may send an
/// `<Error>` with status 200 here, which is reported as an error).
pub fn complete_etag(s: &str) -> Result<String, ApiError> {
    if let Some(code) = error_code(s) {
        return Err(ApiError::Upstream(format!(
            "S3 CompleteMultipartUpload failed: {code}"
        )));
    }
    let r: CompleteResult = parse("CompleteMultipartUpload", s)?;
    Ok(r.etag)
}

#[derive(Deserialize)]
struct PartXml {
    #[serde(rename = "PartNumber")]
    number: u16,
    #[serde(rename = "ETag", default)]
    etag: Option<String>,
    #[serde(rename = "Size", default)]
    size: u64,
}

#[derive(Deserialize)]
struct ListPartsXml {
    #[serde(rename = "Part", default)]
    parts: Vec<PartXml>,
    #[serde(rename = "IsTruncated", default)]
    is_truncated: Option<bool>,
    #[serde(rename = "NextPartNumberMarker", default)]
    next_marker: Option<u16>,
}

/// One page of a `ListParts` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartsPage {
    /// Parts on this page.
    pub parts: Vec<UploadedPart>,
    /// Marker for the next page, if the answer is truncated.
    pub next_marker: Option<u16>,
}

/// Reads a `ListParts` answer.
pub fn parse_list_parts(s: &str) -> Result<PartsPage, ApiError> {
    let r: ListPartsXml = parse("ListParts", s)?;
    Ok(PartsPage {
        parts: r
            .parts
            .into_iter()
            .map(|p| UploadedPart {
                number: u32::from(p.number),
                etag: p.etag.filter(|e| !e.is_empty()),
                size: p.size,
            })
            .collect(),
        next_marker: if r.is_truncated == Some(true) {
            r.next_marker
        } else {
            None
        },
    })
}

#[derive(Deserialize)]
struct ContentsXml {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "Size", default)]
    size: u64,
    #[serde(rename = "LastModified", default)]
    last_modified: String,
    #[serde(rename = "ETag", default)]
    etag: String,
}

#[derive(Deserialize)]
struct PrefixXml {
    #[serde(rename = "Prefix")]
    prefix: String,
}

#[derive(Deserialize)]
struct ListObjectsXml {
    #[serde(rename = "Contents", default)]
    contents: Vec<ContentsXml>,
    #[serde(rename = "CommonPrefixes", default)]
    common_prefixes: Vec<PrefixXml>,
    #[serde(rename = "IsTruncated", default)]
    is_truncated: Option<bool>,
    #[serde(rename = "NextContinuationToken", default)]
    next_token: Option<String>,
}

/// One listed object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedObject {
    /// Key.
    pub key: String,
    /// Size in bytes.
    pub size: u64,
    /// Last modification time as sent by S3.
    pub last_modified: String,
    /// The object's ETag, quotes included.
    pub etag: String,
}

/// One page of a `ListObjectsV2` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectsPage {
    /// Objects on this page.
    pub objects: Vec<ListedObject>,
    /// Prefixes rolled up by a delimiter (`<p>/` for a listing of the root with `/`).
    pub prefixes: Vec<String>,
    /// Continuation token, if the answer is truncated.
    pub next_token: Option<String>,
}

/// Reads a `ListObjectsV2` answer.
pub fn parse_list_objects(s: &str) -> Result<ObjectsPage, ApiError> {
    let r: ListObjectsXml = parse("ListObjectsV2", s)?;
    Ok(ObjectsPage {
        objects: r
            .contents
            .into_iter()
            .map(|c| ListedObject {
                key: c.key,
                size: c.size,
                last_modified: c.last_modified,
                etag: c.etag,
            })
            .collect(),
        prefixes: r.common_prefixes.into_iter().map(|p| p.prefix).collect(),
        next_token: if r.is_truncated == Some(true) {
            r.next_token.filter(|t| !t.is_empty())
        } else {
            None
        },
    })
}

#[derive(Deserialize)]
struct ErrorXml {
    #[serde(rename = "Code")]
    code: String,
}

/// The `<Code>` of an S3 `<Error>` document, if `s` is one.
pub fn error_code(s: &str) -> Option<String> {
    if !s.contains("<Error>") {
        return None;
    }
    quick_xml::de::from_str::<ErrorXml>(s).ok().map(|e| e.code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_parts_without_etags_and_truncation() {
        let s = r#"<?xml version="1.0"?><ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>b</Bucket><Part><PartNumber>2</PartNumber><Size>7</Size></Part><Part><PartNumber>1</PartNumber><ETag>"x"</ETag><Size>5</Size></Part><IsTruncated>true</IsTruncated><NextPartNumberMarker>2</NextPartNumberMarker></ListPartsResult>"#;
        let p = parse_list_parts(s).unwrap();
        assert_eq!(p.next_marker, Some(2));
        assert_eq!(p.parts.len(), 2);
        assert_eq!(p.parts[0].etag, None);
        assert_eq!(p.parts[1].etag.as_deref(), Some("\"x\""));
        assert_eq!(p.parts[0].size, 7);
    }

    #[test]
    fn error_documents_are_recognised() {
        let s = "<Error><Code>AccessDenied</Code><Message>no</Message></Error>";
        assert_eq!(error_code(s).as_deref(), Some("AccessDenied"));
        assert!(complete_etag(s).is_err());
    }
}
