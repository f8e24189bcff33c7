//! The embedded S3-compatible store for development and tests: `s3s-fs` behind CORS.
//!
//! `s3s` verifies SigV4 signatures, expiry and signed headers for real, so a presigned URL
//! that works here is one that AWS would accept too. `s3s` has no bucket CORS, so a
//! `tower-http` layer answers preflights and adds CORS headers to every response, errors
//! included (otherwise a browser reports only "Failed to fetch"), and exposes `ETag` so a
//! page can collect part ETags for multipart uploads.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use s3s::auth::SimpleAuth;
use s3s::service::{S3Service, S3ServiceBuilder};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

/// Access key of the local store (development only; it listens on loopback).
pub const DEV_ACCESS_KEY: &str = "lasso-dev";
/// Secret key of the local store (development only).
pub const DEV_SECRET_KEY: &str = "lasso-dev-secret";

/// Where and how the local store runs.
#[derive(Debug, Clone)]
pub struct LocalStoreConfig {
    /// Root directory; each bucket is a sub-directory.
    pub data_dir: PathBuf,
    /// Address to listen on (port 0 picks a free one).
    pub addr: SocketAddr,
    /// Bucket to create if missing.
    pub bucket: String,
    /// Access key clients must sign with.
    pub access_key: String,
    /// Secret key clients must sign with.
    pub secret_key: String,
}

/// A server running on a tokio task.
#[derive(Debug)]
pub struct RunningServer {
    /// The address it actually listens on.
    pub addr: SocketAddr,
    /// The serving task; abort it to stop.
    pub handle: JoinHandle<()>,
}

/// Starts the local store and returns once it accepts connections.
pub async fn start_local_store(cfg: LocalStoreConfig) -> Result<RunningServer, String> {
    crate::keys::check_segment(&cfg.bucket)
        .map_err(|why| format!("bucket name {:?} is invalid: {why}", cfg.bucket))?;
    let bucket_dir = cfg.data_dir.join(&cfg.bucket);
    std::fs::create_dir_all(&bucket_dir)
        .map_err(|e| format!("cannot create {}: {e}", bucket_dir.display()))?;
    let fs = s3s_fs::FileSystem::new(&cfg.data_dir)
        .map_err(|e| format!("cannot open store at {}: {e:?}", cfg.data_dir.display()))?;
    let mut builder = S3ServiceBuilder::new(crate::prefix_list::PrefixListing::new(
        fs,
        cfg.data_dir.clone(),
    ));
    builder.set_auth(SimpleAuth::from_single(cfg.access_key, cfg.secret_key));
    let service = builder.build();
    let app = Router::new()
        .fallback(s3_handler)
        .with_state(service)
        .layer(store_cors());
    serve(app, cfg.addr).await
}

/// CORS for the store: any origin (it listens on loopback), the methods uploads need, and
/// `ETag` readable by scripts.
fn store_cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_methods([
            Method::GET,
            Method::PUT,
            Method::POST,
            Method::DELETE,
            Method::HEAD,
        ])
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers([
            header::ETAG,
            header::CONTENT_LENGTH,
            header::CONTENT_TYPE,
            HeaderName::from_static("x-amz-request-id"),
            HeaderName::from_static("x-amz-version-id"),
        ])
        .max_age(std::time::Duration::from_secs(600))
}

/// Serialises conditional writes: `s3s-fs` checks `If-None-Match` / `If-Match` and then
/// writes, two steps another request can slip between, where S3 decides atomically. Holding
/// one lock across each conditional request gives the local store S3's guarantee (only one of
/// two racing conditional writes of a key wins), which assignment relies on.
static CONDITIONAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn s3_handler(State(service): State<S3Service>, req: Request) -> Response {
    let conditional = req.headers().contains_key(header::IF_NONE_MATCH)
        || req.headers().contains_key(header::IF_MATCH);
    let _guard = if conditional && req.method() != Method::GET && req.method() != Method::HEAD {
        Some(CONDITIONAL.lock().await)
    } else {
        None
    };
    let req = req.map(s3s::Body::http_body_unsync);
    match service.call(req).await {
        Ok(resp) => resp.map(axum::body::Body::new),
        // Still a response, so the CORS layer can decorate it.
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("store error: {e:?}"),
        )
            .into_response(),
    }
}

/// Serves `app` on `addr` on a background task.
pub async fn serve(app: Router, addr: SocketAddr) -> Result<RunningServer, String> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read bound address: {e}"))?;
    let handle = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            eprintln!("lasso-server: server on {addr} stopped: {e}");
        }
    });
    Ok(RunningServer { addr, handle })
}
