//! A `lasso-server dev` (real local S3 store and presign API) on free ports for the CLI's tests,
//! with the given people, and the CLI's output as text.

use std::path::Path;

use lasso_core::team::{Role, Roles};
use lasso_server::config::TokenEntry;
use lasso_server::dev::{self, DevOptions, DevServer};

/// Starts a dev server with its data under `dir` and `(user, token, role)` people.
pub fn start(rt: &tokio::runtime::Runtime, dir: &Path, people: &[(&str, &str, Role)]) -> DevServer {
    let mut opts = DevOptions::new(dir.join("data"));
    opts.s3_port = 0;
    opts.api_port = 0;
    opts.tokens = people
        .iter()
        .map(|(user, token, role)| TokenEntry {
            user: (*user).into(),
            token: (*token).into(),
            roles: Roles::of(&[*role]),
        })
        .collect();
    rt.block_on(dev::start(opts)).unwrap()
}

/// Bytes of the CLI's output as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
