//! `cargo xtask setup`: installs what the build and the tests need. Each step first checks
//! whether its tool is already there at the right version, so a second run takes seconds.
//!
//! Nothing here downloads a prebuilt binary: Rust tools are built with `cargo install` from
//! crates.io, the browser comes from Debian, the wasm optimiser and Playwright from npm.

use crate::util::{cmd, root, step, Result};
use std::path::Path;

/// The Trunk version the build is configured for (0.22 needs a newer rustc).
const TRUNK_VERSION: &str = "0.21.14";

/// Runs every step.
pub fn run() -> Result<()> {
    wasm_target()?;
    wasm_bindgen_cli()?;
    trunk()?;
    wasm_split()?;
    chromium()?;
    npm_packages()?;
    python_venv()?;
    ml_venv()?;
    Ok(())
}

fn wasm_target() -> Result<()> {
    let installed = cmd("rustup", &["target", "list", "--installed"]).output()?;
    if !installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        step("setup: rustup target add wasm32-unknown-unknown");
        cmd("rustup", &["target", "add", "wasm32-unknown-unknown"]).run()?;
    }
    Ok(())
}

/// The wasm-bindgen version in Cargo.lock: the CLI must match the crate exactly.
fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
            {
                return Ok(v.trim_matches('"').to_string());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen entry".into())
}

fn installed_version(program: &str) -> Option<String> {
    cmd(program, &["--version"]).output().ok()
}

fn wasm_bindgen_cli() -> Result<()> {
    let version = locked_wasm_bindgen()?;
    let has = installed_version("wasm-bindgen").is_some_and(|v| v.trim().ends_with(&version))
        && installed_version("wasm-bindgen-test-runner").is_some();
    if !has {
        step(&format!("setup: cargo install wasm-bindgen-cli@{version}"));
        // Not --locked: its lockfile pins a webpki-roots version the registry lacks.
        cmd(
            "cargo",
            &["install", "--force", &format!("wasm-bindgen-cli@{version}")],
        )
        .run()?;
    }
    Ok(())
}

fn trunk() -> Result<()> {
    if installed_version("trunk").is_some_and(|v| v.trim() == format!("trunk {TRUNK_VERSION}")) {
        return Ok(());
    }
    step(&format!("setup: cargo install trunk@{TRUNK_VERSION}"));
    // Trunk's own release profile uses fat LTO (over 20 minutes on 2 cores); thin settings
    // halve that and make no difference to what it builds.
    cmd(
        "cargo",
        &[
            "install",
            "--locked",
            "--force",
            &format!("trunk@{TRUNK_VERSION}"),
        ],
    )
    .env("CARGO_PROFILE_RELEASE_LTO", "false")
    .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
    .run()
}

/// The splitter version `cargo xtask wasm` runs (it must read what this rustc links).
const WASM_SPLIT_VERSION: &str = "0.2.4";

fn wasm_split() -> Result<()> {
    // The binary has no `--version`: ask cargo what it installed.
    let listed = cmd("cargo", &["install", "--list"]).output()?;
    if listed.contains(&format!("wasm_split_cli_support v{WASM_SPLIT_VERSION}:"))
        && crate::util::cargo_bin().join("wasm-split-cli").exists()
    {
        return Ok(());
    }
    step(&format!(
        "setup: cargo install wasm_split_cli_support@{WASM_SPLIT_VERSION}"
    ));
    cmd(
        "cargo",
        &[
            "install",
            "--locked",
            "--force",
            "--features",
            "build-binary",
            &format!("wasm_split_cli_support@{WASM_SPLIT_VERSION}"),
        ],
    )
    .run()
}

fn chromium() -> Result<()> {
    if Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists() {
        return Ok(());
    }
    step("setup: apt-get install chromium chromium-driver");
    let sudo = if cmd("id", &["-u"]).output()?.trim() == "0" {
        ""
    } else {
        "sudo "
    };
    cmd(
        "sh",
        &["-c", &format!("{sudo}apt-get update -qq && DEBIAN_FRONTEND=noninteractive {sudo}apt-get install -y -qq chromium chromium-driver")],
    )
    .run()
}

/// Runs `npm ci` when node_modules is missing or older than the lockfile.
fn npm_packages() -> Result<()> {
    let lock = std::fs::read(root().join("package-lock.json"))?;
    let stamp = root().join("node_modules/.lasso-lock");
    if std::fs::read(&stamp).ok().as_deref() == Some(lock.as_slice()) {
        return Ok(());
    }
    step("setup: npm ci");
    cmd("npm", &["ci", "--no-audit", "--no-fund"]).run()?;
    std::fs::write(stamp, lock)?;
    Ok(())
}

/// `.venv` with the Python packages the consumer tests compare against.
fn python_venv() -> Result<()> {
    crate::venv::ensure(
        ".venv",
        "setup: Python venv for consumer tests",
        &["tests/python-requirements.txt"],
    )
}

/// `.venv-ml` with the reference model backend (`examples/ml-backend`: Label Studio's ML
/// backend SDK pins an older Flask than the consumer tests' packages can live with) and
/// scikit-image, whose bundled photos the model tests label.
fn ml_venv() -> Result<()> {
    crate::venv::ensure(
        ".venv-ml",
        "setup: Python venv for the reference model backend",
        &[
            "examples/ml-backend/requirements.txt",
            "tests/ml-requirements.txt",
        ],
    )
}
