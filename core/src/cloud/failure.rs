//! What a failed request means and what to do about it.
//!
//! The browser reports a failed `fetch` either as a status with a body (S3 answers errors as XML,
//! the presign endpoint as JSON) or as no answer at all (offline, server down, or a CORS rule that
//! hides the answer from the page). [`classify`] turns that into a [`FailureKind`] the upload queue
//! acts on and a message that names the fix. Nothing here ever tells the queue to drop work.

use std::fmt;

/// Who answered: the presign endpoint or the object store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// The backend that signs URLs.
    Presign,
    /// S3 (or the local store) receiving the presigned request.
    Store,
}

/// What the queue should do after a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// Try the same request again later, with backoff (offline, 5xx, throttling).
    Transient,
    /// The URL is no longer good: ask for a fresh one and retry at once.
    RefreshUrl,
    /// The multipart upload is gone from the store: start it again from part 1.
    RestartUpload,
    /// Someone else wrote the object since it was last read (412 on a conditional `PUT`):
    /// read theirs, merge, and send the merge.
    Conflict,
    /// Retrying cannot help until someone changes something (token, CORS, policy, clock); the
    /// work stays queued and is retried slowly in case it was fixed.
    NeedsAttention,
}

/// A classified failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// What to do.
    pub kind: FailureKind,
    /// For people: what happened and how to fix it.
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The `<Code>` and `<Message>` of an S3 XML error body, if it is one.
pub fn s3_error_code(body: &str) -> Option<(String, String)> {
    let code = xml_text(body, "Code")?;
    let message = xml_text(body, "Message").unwrap_or_default();
    Some((code, message))
}

fn xml_text(body: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&close)? + start;
    Some(body[start..end].trim().to_string())
}

/// The `message` of a presign endpoint's JSON refusal, if it is one.
fn api_message(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    value
        .get("message")
        .and_then(|m| m.as_str())
        .map(str::to_string)
}

/// Classifies a failed request. `status` is `None` when no answer reached the page; `online`
/// is the browser's idea of connectivity (`navigator.onLine`).
pub fn classify(endpoint: Endpoint, status: Option<u16>, body: &str, online: bool) -> Failure {
    let Some(status) = status else {
        return no_answer(endpoint, online);
    };
    match endpoint {
        Endpoint::Presign => presign_failure(status, body),
        Endpoint::Store => store_failure(status, body),
    }
}

fn no_answer(endpoint: Endpoint, online: bool) -> Failure {
    let message = if !online {
        "Offline: uploads are queued and will be sent when the network is back.".to_string()
    } else {
        match endpoint {
            Endpoint::Presign => "The presign endpoint did not answer: it is down or unreachable, or it does not allow this page's origin (CORS). Uploads stay queued and are retried.".to_string(),
            Endpoint::Store => "The object store did not answer: it is down or unreachable, or the bucket's CORS rule does not allow this origin (allow GET, PUT and HEAD from this origin with the content-type header, and expose ETag). Uploads stay queued and are retried.".to_string(),
        }
    };
    Failure {
        kind: FailureKind::Transient,
        message,
    }
}

fn is_transient_status(status: u16) -> bool {
    status >= 500 || status == 429 || status == 408
}

fn presign_failure(status: u16, body: &str) -> Failure {
    let detail = api_message(body).unwrap_or_else(|| short(body));
    if is_transient_status(status) {
        return Failure {
            kind: FailureKind::Transient,
            message: format!("The presign endpoint failed ({status}): {detail}. Retrying."),
        };
    }
    let message = match status {
        401 => format!("The presign endpoint refused the credentials (401): {detail}. Sign in again or check the token given to Lasso."),
        403 => format!("The presign endpoint does not allow this key for this user (403): {detail}."),
        413 => format!("The file is larger than the presign endpoint allows (413): {detail}."),
        _ => format!("The presign endpoint refused the request ({status}): {detail}."),
    };
    Failure {
        kind: FailureKind::NeedsAttention,
        message,
    }
}

fn store_failure(status: u16, body: &str) -> Failure {
    let (code, detail) = s3_error_code(body).unwrap_or_else(|| (String::new(), short(body)));
    if is_transient_status(status) || code == "SlowDown" || code == "InternalError" {
        return Failure {
            kind: FailureKind::Transient,
            message: format!("The object store failed ({status} {code}): {detail}. Retrying."),
        };
    }
    let expired = code == "ExpiredToken"
        || code == "RequestExpired"
        || (code == "AccessDenied" && detail.to_ascii_lowercase().contains("expired"));
    if expired {
        return Failure {
            kind: FailureKind::RefreshUrl,
            message: format!(
                "The presigned URL expired ({code}: {detail}); asking for a fresh one."
            ),
        };
    }
    // 412: the conditional write lost; AWS may answer 409 ConditionalRequestConflict to the
    // loser of two writes racing on one key.
    if status == 412 || code == "PreconditionFailed" || code == "ConditionalRequestConflict" {
        return Failure {
            kind: FailureKind::Conflict,
            message: format!("The result was changed elsewhere meanwhile ({status} {code}); merging both versions."),
        };
    }
    match code.as_str() {
        "RequestTimeTooSkewed" => Failure {
            kind: FailureKind::NeedsAttention,
            message: format!("The object store refused the signature because the presigner's clock is off by more than 15 minutes ({code}: {detail}). Synchronise the server's clock (NTP)."),
        },
        "SignatureDoesNotMatch" => Failure {
            kind: FailureKind::RefreshUrl,
            message: format!("The object store refused the signature ({code}: {detail}). The request differs from what was signed (content type or size), or the presigner's credentials, region or endpoint are wrong."),
        },
        "NoSuchUpload" => Failure {
            kind: FailureKind::RestartUpload,
            message: format!("The multipart upload no longer exists in the store ({code}); starting it again."),
        },
        "NoSuchBucket" => Failure {
            kind: FailureKind::NeedsAttention,
            message: format!("The bucket does not exist ({code}: {detail}). Check the presigner's bucket name."),
        },
        _ => Failure {
            kind: FailureKind::NeedsAttention,
            message: format!("The object store refused the request ({status} {code}): {detail}. Check the bucket policy and the presigner's permissions."),
        },
    }
}

fn short(body: &str) -> String {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return "no details".to_string();
    }
    trimmed.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s3(code: &str, message: &str) -> String {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message><RequestId>1</RequestId></Error>")
    }

    #[test]
    fn a_lost_conditional_write_is_a_conflict() {
        let f = classify(
            Endpoint::Store,
            Some(412),
            &s3(
                "PreconditionFailed",
                "At least one of the pre-conditions you specified did not hold",
            ),
            true,
        );
        assert_eq!(f.kind, FailureKind::Conflict);
        let f = classify(
            Endpoint::Store,
            Some(409),
            &s3("ConditionalRequestConflict", "busy"),
            true,
        );
        assert_eq!(f.kind, FailureKind::Conflict);
    }

    #[test]
    fn expired_url_asks_for_a_fresh_one() {
        let f = classify(
            Endpoint::Store,
            Some(403),
            &s3("AccessDenied", "Request has expired"),
            true,
        );
        assert_eq!(f.kind, FailureKind::RefreshUrl);
        assert!(f.message.contains("expired"), "{}", f.message);
    }

    #[test]
    fn clock_skew_names_the_fix() {
        let f = classify(
            Endpoint::Store,
            Some(403),
            &s3("RequestTimeTooSkewed", "too far"),
            true,
        );
        assert_eq!(f.kind, FailureKind::NeedsAttention);
        assert!(f.message.contains("clock"), "{}", f.message);
    }

    #[test]
    fn signature_mismatch_names_what_to_check() {
        let f = classify(
            Endpoint::Store,
            Some(403),
            &s3("SignatureDoesNotMatch", "x"),
            true,
        );
        assert_eq!(f.kind, FailureKind::RefreshUrl);
        assert!(f.message.contains("content type or size"), "{}", f.message);
    }

    #[test]
    fn no_answer_while_online_mentions_cors_and_is_retried() {
        let f = classify(Endpoint::Store, None, "", true);
        assert_eq!(f.kind, FailureKind::Transient);
        assert!(f.message.contains("CORS"), "{}", f.message);
        assert!(f.message.contains("expose ETag"), "{}", f.message);
        let offline = classify(Endpoint::Store, None, "", false);
        assert!(
            offline.message.starts_with("Offline"),
            "{}",
            offline.message
        );
    }

    #[test]
    fn server_errors_and_throttling_are_transient() {
        for status in [500, 502, 503, 429, 408] {
            let f = classify(Endpoint::Store, Some(status), "", true);
            assert_eq!(f.kind, FailureKind::Transient, "status {status}");
            let f = classify(Endpoint::Presign, Some(status), "", true);
            assert_eq!(f.kind, FailureKind::Transient, "status {status}");
        }
        let slow = classify(Endpoint::Store, Some(400), &s3("SlowDown", "s"), true);
        assert_eq!(slow.kind, FailureKind::Transient);
    }

    #[test]
    fn missing_multipart_upload_restarts_it() {
        let f = classify(
            Endpoint::Store,
            Some(404),
            &s3("NoSuchUpload", "gone"),
            true,
        );
        assert_eq!(f.kind, FailureKind::RestartUpload);
    }

    #[test]
    fn presign_refusals_keep_the_servers_message() {
        let body = r#"{"error":"unauthorized","message":"no bearer token"}"#;
        let f = classify(Endpoint::Presign, Some(401), body, true);
        assert_eq!(f.kind, FailureKind::NeedsAttention);
        assert!(f.message.contains("no bearer token"), "{}", f.message);
        assert!(f.message.contains("token"), "{}", f.message);
        let f = classify(Endpoint::Presign, Some(400), "not json at all", true);
        assert!(f.message.contains("not json at all"), "{}", f.message);
    }

    #[test]
    fn other_access_denied_points_at_the_policy() {
        let f = classify(
            Endpoint::Store,
            Some(403),
            &s3("AccessDenied", "Access Denied"),
            true,
        );
        assert_eq!(f.kind, FailureKind::NeedsAttention);
        assert!(f.message.contains("bucket policy"), "{}", f.message);
    }
}
