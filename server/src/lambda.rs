//! The presign API as an AWS Lambda behind a function URL (feature `lambda`).
//!
//! The same [`crate::api::router`] runs unchanged; `lambda_http` turns function-URL events
//! into HTTP requests. Configuration comes from `LASSO_*` variables (see docs/deploy.md) and
//! the credentials from the function's execution role (`AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, which the Lambda runtime sets).

use std::sync::Arc;

use crate::api;
use crate::config::Config;
use crate::presign::Presigner;

/// Builds the API from the environment and serves Lambda events until the runtime stops.
pub async fn run() -> Result<(), String> {
    let cfg = Config::from_env()?;
    let presigner = Presigner::new(cfg.clone())?;
    let auth = Arc::new(crate::oidc::authenticator(&cfg)?);
    let app = api::router(presigner, auth);
    lambda_http::run(app)
        .await
        .map_err(|e| format!("lambda runtime stopped: {e}"))
}
