//! `fetch`, reduced to what the upload path needs: a status, a body text and an ETag.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, Headers, RequestCredentials, RequestInit, Response};

/// An answer that reached the page (any status).
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Body as text (S3 errors are XML, the presign endpoint answers JSON).
    pub body: String,
    /// The `ETag` header, if the server exposed it.
    pub etag: Option<String>,
}

impl Reply {
    /// Whether the status is 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// How to authenticate to the presign endpoint.
#[derive(Clone, Debug)]
pub enum Credentials {
    /// `Authorization: Bearer <token>`.
    Bearer(String),
    /// The browser sends the host's cookies.
    Cookies,
    /// Nothing (presigned URLs carry their own authority).
    None,
}

/// Sends a request; `Err` carries the browser's reason when no answer reached the page
/// (offline, refused connection, or CORS hiding the answer).
pub async fn send(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: Option<&JsValue>,
    credentials: &Credentials,
) -> Result<Reply, String> {
    request(method, url, headers, body, credentials, None).await
}

/// Why a request with a time limit got no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoAnswer {
    /// None in time: the request was aborted.
    TimedOut,
    /// The browser's reason (offline, refused, CORS).
    Failed(String),
}

/// Like [`send`], but gives up (and aborts the request) after `ms` milliseconds.
pub async fn send_within(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: Option<&JsValue>,
    credentials: &Credentials,
    ms: u64,
) -> Result<Reply, NoAnswer> {
    let abort = AbortController::new().map_err(|e| NoAnswer::Failed(describe(e)))?;
    let signal = abort.signal();
    let answer = request(method, url, headers, body, credentials, Some(&signal));
    let timeout = crate::timer::sleep(i32::try_from(ms).unwrap_or(i32::MAX));
    futures::pin_mut!(answer, timeout);
    match futures::future::select(answer, timeout).await {
        futures::future::Either::Left((reply, _)) => reply.map_err(NoAnswer::Failed),
        futures::future::Either::Right(_) => {
            abort.abort();
            Err(NoAnswer::TimedOut)
        }
    }
}

async fn request(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: Option<&JsValue>,
    credentials: &Credentials,
    signal: Option<&AbortSignal>,
) -> Result<Reply, String> {
    let window = web_sys::window().ok_or("no window")?;
    let init = RequestInit::new();
    init.set_signal(signal);
    init.set_method(method);
    let header_map = Headers::new().map_err(describe)?;
    for (name, value) in headers {
        header_map.set(name, value).map_err(describe)?;
    }
    match credentials {
        Credentials::Bearer(token) => header_map
            .set("authorization", &format!("Bearer {token}"))
            .map_err(describe)?,
        Credentials::Cookies => init.set_credentials(RequestCredentials::Include),
        Credentials::None => init.set_credentials(RequestCredentials::Omit),
    }
    init.set_headers(&header_map);
    if let Some(body) = body {
        init.set_body(body);
    }
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(describe)?;
    let response: Response = response.dyn_into().map_err(describe)?;
    let etag = response.headers().get("etag").ok().flatten();
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    Ok(Reply {
        status: response.status(),
        body: text,
        etag,
    })
}

/// Posts JSON to the presign endpoint.
pub async fn post_json(url: &str, body: &str, credentials: &Credentials) -> Result<Reply, String> {
    send(
        "POST",
        url,
        &[("content-type".into(), "application/json".into())],
        Some(&JsValue::from_str(body)),
        credentials,
    )
    .await
}

/// Whether the browser believes it is online.
pub fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// A JS error as text.
pub fn describe(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            js_sys::Reflect::get(&e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

/// Fetches `len` bytes at `offset` of a URL (an HTTP range request; presigned URLs allow it).
/// Answers where the bytes start: `offset`, or 0 when the server ignored the range and sent the
/// whole file. `signal` abandons the request.
pub async fn fetch_range(
    url: &str,
    offset: u64,
    len: u64,
    signal: Option<&AbortSignal>,
) -> Result<(u64, Vec<u8>), String> {
    let window = web_sys::window().ok_or("no window")?;
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_signal(signal);
    let headers = Headers::new().map_err(describe)?;
    let last = offset + len.max(1) - 1;
    headers
        .set("range", &format!("bytes={offset}-{last}"))
        .map_err(describe)?;
    init.set_headers(&headers);
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(describe)?;
    let response: Response = response.dyn_into().map_err(describe)?;
    let start = match response.status() {
        206 => offset,
        200 => 0,
        status => return Err(format!("{url} answered {status} to a range request")),
    };
    let buffer = JsFuture::from(response.array_buffer().map_err(describe)?)
        .await
        .map_err(describe)?;
    Ok((start, js_sys::Uint8Array::new(&buffer).to_vec()))
}

/// A GET of a URL (http, blob: or data:) that answered with a success status.
async fn fetch_ok(url: &str) -> Result<Response, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(describe)?;
    let response: Response = response.dyn_into().map_err(describe)?;
    if !response.ok() {
        return Err(format!("{url} answered {}", response.status()));
    }
    Ok(response)
}

/// Fetches a URL (http, blob: or data:) as a blob: for the browser to decode an image from its
/// bytes off the main thread.
pub async fn fetch_blob(url: &str) -> Result<web_sys::Blob, String> {
    let response = fetch_ok(url).await?;
    JsFuture::from(response.blob().map_err(describe)?)
        .await
        .map_err(describe)?
        .dyn_into()
        .map_err(describe)
}

/// Fetches a URL (http, blob: or data:) and returns its bytes; used to put images in an export.
pub async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let response = fetch_ok(url).await?;
    let buffer = JsFuture::from(response.array_buffer().map_err(describe)?)
        .await
        .map_err(describe)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
