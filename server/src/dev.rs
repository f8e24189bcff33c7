//! Development mode: the local store and the presign API together, wired to each other.
//!
//! Used by `lasso-server dev` (and so `cargo xtask serve`) and by the integration tests,
//! which start it in-process on ephemeral loopback ports.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use crate::api;
use crate::config::{Config, TokenEntry};
use crate::keys::{Role, Roles};
use crate::presign::Presigner;
use crate::store::{self, LocalStoreConfig, RunningServer, DEV_ACCESS_KEY, DEV_SECRET_KEY};

/// Default token of the development user.
pub const DEV_TOKEN: &str = "lasso-dev-token";

/// Reads a users file (`--users FILE`): a JSON list of `{user, token, roles}`.
pub fn read_users(path: &std::path::Path) -> Result<Vec<TokenEntry>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read users file {}: {e}", path.display()))?;
    let users: Vec<TokenEntry> = serde_json::from_str(&text)
        .map_err(|e| format!("users file {} is invalid: {e}", path.display()))?;
    if users.is_empty() {
        return Err(format!("users file {} lists nobody", path.display()));
    }
    Ok(users)
}

/// Options of `lasso-server dev`.
#[derive(Debug, Clone)]
pub struct DevOptions {
    /// Where the store keeps its files.
    pub data_dir: PathBuf,
    /// Loopback address both servers bind to; URLs are signed for exactly this host.
    pub host: IpAddr,
    /// Port of the local store (0 = any free port).
    pub s3_port: u16,
    /// Port of the presign API (0 = any free port).
    pub api_port: u16,
    /// Bucket name.
    pub bucket: String,
    /// Tokens; the default is one user `dev` with token [`DEV_TOKEN`] and every role.
    pub tokens: Vec<TokenEntry>,
    /// Folder of sample images to upload under `src/`.
    pub seed: Option<PathBuf>,
    /// Also seed a project with this id from the same folder (its `project.json` lists the
    /// users as members, with their roles).
    pub project: Option<String>,
    /// Annotators per task in the seeded project.
    pub overlap: u32,
    /// Lifetime of presigned URLs in seconds (the config default when `None`).
    pub expires_secs: Option<u64>,
    /// Changes applied to the presigner config before it starts (limits, expiry...).
    pub tweak: Option<fn(&mut Config)>,
    /// OpenID Connect sign-in besides the tokens.
    pub oidc: Option<crate::config::OidcConfig>,
}

impl DevOptions {
    /// Defaults: 127.0.0.1, ports 9000 and 8787, bucket `lasso`, the dev user.
    pub fn new(data_dir: PathBuf) -> DevOptions {
        DevOptions {
            data_dir,
            host: IpAddr::from([127, 0, 0, 1]),
            s3_port: 9000,
            api_port: 8787,
            bucket: "lasso".into(),
            tokens: vec![TokenEntry {
                token: DEV_TOKEN.into(),
                user: "dev".into(),
                roles: Roles::of(&[Role::Manager]),
            }],
            seed: None,
            project: None,
            overlap: 1,
            expires_secs: None,
            tweak: None,
            oidc: None,
        }
    }
}

/// Both servers of development mode, running.
#[derive(Debug)]
pub struct DevServer {
    /// The local store.
    pub store: RunningServer,
    /// The presign API.
    pub api: RunningServer,
    /// The presigner the API uses (tests sign with it directly).
    pub presigner: Presigner,
    /// Manifests written by seeding.
    pub seeded: Vec<String>,
}

impl DevServer {
    /// Base URL of the local store.
    pub fn s3_url(&self) -> String {
        format!("http://{}", self.store.addr)
    }

    /// Base URL of the presign API.
    pub fn api_url(&self) -> String {
        format!("http://{}", self.api.addr)
    }
}

/// Starts the store, then the API pointing at it, then seeds.
pub async fn start(opts: DevOptions) -> Result<DevServer, String> {
    if !opts.host.is_loopback() {
        return Err(format!(
            "dev mode uses fixed, public credentials and listens only on loopback, not {}",
            opts.host
        ));
    }
    let store = store::start_local_store(LocalStoreConfig {
        data_dir: opts.data_dir.clone(),
        addr: SocketAddr::new(opts.host, opts.s3_port),
        bucket: opts.bucket.clone(),
        access_key: DEV_ACCESS_KEY.into(),
        secret_key: DEV_SECRET_KEY.into(),
    })
    .await?;
    let mut cfg = Config::new(&format!("http://{}", store.addr), &opts.bucket);
    cfg.path_style = true;
    cfg.access_key = Some(DEV_ACCESS_KEY.into());
    cfg.secret_key = Some(DEV_SECRET_KEY.into());
    cfg.tokens = opts.tokens.clone();
    cfg.oidc = opts.oidc.clone();
    if let Some(secs) = opts.expires_secs {
        cfg.expires_secs = secs;
    }
    if let Some(tweak) = opts.tweak {
        tweak(&mut cfg);
    }
    let presigner = Presigner::new(cfg.clone())?;
    let auth = Arc::new(crate::oidc::authenticator(&cfg)?);
    let api = store::serve(
        api::router(presigner.clone(), auth),
        SocketAddr::new(opts.host, opts.api_port),
    )
    .await?;
    let mut seeded = match &opts.seed {
        Some(dir) => crate::seed::seed_dir(&presigner, dir).await?,
        None => Vec::new(),
    };
    if let (Some(dir), Some(project)) = (&opts.seed, &opts.project) {
        let members = opts
            .tokens
            .iter()
            .map(|t| lasso_core::team::Member {
                user: t.user.clone(),
                roles: t.roles,
            })
            .collect();
        seeded.extend(
            crate::seed::seed_project(&presigner, dir, project, opts.overlap, members).await?,
        );
    }
    Ok(DevServer {
        store,
        api,
        presigner,
        seeded,
    })
}
