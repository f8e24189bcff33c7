//! The `lasso-server` command: `dev` (local store + presign API), `presign` (a real bucket),
//! and `lambda` (with the `lambda` feature).

// Errors are values: nothing outside tests may abort on bad input (also checked by `xtask tidy`).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use lasso_server::{api, config, dev, store};

/// Presigned-URL backend for Lasso.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options of `lasso-server dev`.
#[derive(Debug, clap::Args)]
struct DevArgs {
    /// Directory the store keeps its files in.
    #[arg(long, default_value = "target/lasso-dev-data")]
    data_dir: PathBuf,
    /// Loopback address to listen on; URLs are signed for exactly this host.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port of the local S3 store.
    #[arg(long, default_value_t = 9000)]
    s3_port: u16,
    /// Port of the presign API.
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Bucket name.
    #[arg(long, default_value = "lasso")]
    bucket: String,
    /// Folder of sample images to upload under src/ with a task manifest each.
    #[arg(long)]
    seed: Option<PathBuf>,
    /// Token of the development user `dev`.
    #[arg(long, default_value = dev::DEV_TOKEN)]
    token: String,
    /// Users file: a JSON list of `{user, token, roles}` (roles: annotator, reviewer,
    /// manager, uploader), signed in besides `dev`.
    #[arg(long)]
    users: Option<PathBuf>,
    /// Also seed a project with this id from the --seed folder, the users as its members.
    #[arg(long)]
    project: Option<String>,
    /// Annotators per task in the seeded project.
    #[arg(long, default_value_t = 1)]
    overlap: u32,
    /// Where the app is served: with a project, a sign-in link per user is printed.
    #[arg(long)]
    app_url: Option<String>,
    /// OpenID Connect issuer whose JWT access tokens sign in (besides the tokens).
    #[arg(long, requires = "oidc_audience")]
    oidc_issuer: Option<String>,
    /// Accepted audience (app client id) of OpenID Connect tokens.
    #[arg(long)]
    oidc_audience: Option<String>,
    /// Accepted signature algorithms of OpenID Connect tokens (comma-separated).
    #[arg(long, default_value = "RS256")]
    oidc_algorithms: String,
    /// Lifetime of presigned URLs in seconds (tests use a short one to exercise refresh).
    #[arg(long)]
    expires_secs: Option<u64>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Local S3-compatible store and presign API on loopback, for development.
    Dev(Box<DevArgs>),
    /// Presign API for a real bucket, configured by a JSON file.
    Presign {
        /// Config file (see docs/deploy.md).
        #[arg(long)]
        config: PathBuf,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
    },
    /// Run as an AWS Lambda (configured by LASSO_* environment variables).
    #[cfg(feature = "lambda")]
    Lambda,
}

fn main() -> ExitCode {
    // Lambda starts `bootstrap` without arguments; run the Lambda entry point then.
    #[cfg(feature = "lambda")]
    let cli =
        if std::env::args_os().len() == 1 && std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
            Cli {
                command: Command::Lambda,
            }
        } else {
            Cli::parse()
        };
    #[cfg(not(feature = "lambda"))]
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("lasso-server: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lasso-server: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Dev(args) => {
            let DevArgs {
                data_dir,
                host,
                s3_port,
                port,
                bucket,
                seed,
                token,
                users,
                project,
                overlap,
                app_url,
                oidc_issuer,
                oidc_audience,
                oidc_algorithms,
                expires_secs,
            } = *args;
            let mut opts = dev::DevOptions::new(data_dir);
            opts.host = host;
            opts.s3_port = s3_port;
            opts.api_port = port;
            opts.bucket = bucket.clone();
            opts.seed = seed;
            opts.expires_secs = expires_secs;
            if let Some(t) = opts.tokens.first_mut() {
                t.token = token.clone();
            }
            if let Some(path) = users {
                let listed = dev::read_users(&path)?;
                opts.tokens
                    .retain(|t| listed.iter().all(|u| u.user != t.user));
                opts.tokens.extend(listed);
            }
            opts.project = project.clone();
            opts.overlap = overlap;
            if let (Some(issuer), Some(audience)) = (oidc_issuer, oidc_audience) {
                let mut oidc = config::OidcConfig::new(&issuer, &audience);
                oidc.algorithms = oidc_algorithms
                    .split(',')
                    .map(|a| a.trim().to_owned())
                    .collect();
                opts.oidc = Some(oidc);
            }
            let people: Vec<(String, String, String)> = opts
                .tokens
                .iter()
                .map(|t| {
                    let roles: Vec<&str> = t.roles.list().iter().map(|r| r.as_str()).collect();
                    (t.user.clone(), t.token.clone(), roles.join(","))
                })
                .collect();
            let server = dev::start(opts).await?;
            println!(
                "lasso-server: s3 {} bucket {bucket} access-key {} secret-key {}",
                server.s3_url(),
                store::DEV_ACCESS_KEY,
                store::DEV_SECRET_KEY
            );
            println!(
                "lasso-server: api {} token {token} user dev",
                server.api_url()
            );
            for (user, token, roles) in &people {
                println!("lasso-server: user {user} token {token} roles {roles}");
            }
            if let Some(p) = &project {
                println!("lasso-server: project {p} overlap {overlap}");
                if let Some(app) = &app_url {
                    for (user, token, _) in &people {
                        println!(
                            "lasso-server: link {user} {app}/?presign={}&user={user}&token={token}&project={p}",
                            server.api_url()
                        );
                    }
                }
            }
            println!("lasso-server: seeded {} task(s)", server.seeded.len());
            println!("lasso-server: ready");
            wait_for_shutdown().await;
            Ok(())
        }
        Command::Presign { config, listen } => {
            let cfg = config::Config::from_file(&config)?;
            let presigner = lasso_server::presign::Presigner::new(cfg.clone())?;
            let auth = Arc::new(lasso_server::oidc::authenticator(&cfg)?);
            let server = store::serve(api::router(presigner, auth), listen).await?;
            println!(
                "lasso-server: api http://{} bucket {}",
                server.addr, cfg.bucket
            );
            println!("lasso-server: ready");
            wait_for_shutdown().await;
            Ok(())
        }
        #[cfg(feature = "lambda")]
        Command::Lambda => lasso_server::lambda::run().await,
    }
}

async fn wait_for_shutdown() {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    if tokio::signal::ctrl_c().await.is_err() {
        // No signal handler available: serve until killed.
        std::future::pending::<()>().await;
    }
}
