//! The Python venvs the tests run their reference packages in, kept outside the checkout.
//!
//! A venv takes minutes to install and CI runs in a fresh clone each time, so each venv lives
//! under the user's cache (`$XDG_CACHE_HOME` or `~/.cache`, in `lasso-venvs/`), named after
//! what it was made from (its requirement files and the Python version), and the checkout
//! links to it (`.venv` -> `~/.cache/lasso-venvs/venv-py3.11.2-<hash>`). A clone whose
//! requirements match an existing venv links it in a second; a changed requirement makes a new
//! one and removes the old ones of the same kind and Python, so the cache holds one venv per
//! kind and interpreter.
//!
//! A venv made by an older setup as a real directory inside the checkout is kept while its
//! requirements still match.

use crate::util::{cmd, root, step, Fnv64, Result};
use std::path::{Path, PathBuf};

/// Where the venvs are kept.
fn home() -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache")
        });
    cache.join("lasso-venvs")
}

/// The file inside a venv that records what it was made from; written only once every
/// package is installed, so a venv interrupted halfway is never taken for a finished one.
const STAMP: &str = ".lasso-requirements";

/// Makes sure `link` (a path in the checkout, such as `.venv`) is a venv with the packages of
/// `requirements` (files relative to the checkout; when one is missing there is nothing to
/// install). `heading` is printed when packages have to be installed.
pub fn ensure(link: &str, heading: &str, requirements: &[&str]) -> Result<()> {
    let mut wanted = Vec::new();
    for file in requirements {
        match std::fs::read(root().join(file)) {
            Ok(bytes) => wanted.extend(bytes),
            Err(_) => return Ok(()),
        }
    }
    let python = cmd("python3", &["--version"]).output()?;
    wanted.extend(python.as_bytes());
    let linked = root().join(link);
    let is_link = linked
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink());
    if !is_link && stamped(&linked, &wanted) {
        return Ok(());
    }
    // One kind per interpreter: two Pythons on one machine (a user's and the system's) each
    // keep theirs instead of replacing the other's on every switch.
    let version = python
        .trim()
        .trim_start_matches("Python ")
        .replace(' ', "_");
    let kind = format!("{}-py{version}", link.trim_start_matches('.'));
    let mut hash = Fnv64::default();
    hash.write(&wanted);
    let venv = home().join(format!("{kind}-{:016x}", hash.0));
    if !stamped(&venv, &wanted) {
        step(heading);
        install(&venv, requirements)?;
        std::fs::write(venv.join(STAMP), &wanted)?;
        remove_others(&kind, &venv)?;
    }
    if is_link {
        std::fs::remove_file(&linked)?;
    } else if linked.exists() {
        std::fs::remove_dir_all(&linked)?;
    }
    std::os::unix::fs::symlink(&venv, &linked).map_err(|e| {
        format!(
            "could not link {} to {}: {e}",
            linked.display(),
            venv.display()
        )
    })?;
    Ok(())
}

/// Whether the venv at `dir` was made from exactly `wanted`.
fn stamped(dir: &Path, wanted: &[u8]) -> bool {
    std::fs::read(dir.join(STAMP)).ok().as_deref() == Some(wanted)
}

/// A new venv at `venv` with `requirements` installed (a half-made one is started over).
fn install(venv: &Path, requirements: &[&str]) -> Result<()> {
    if venv.exists() {
        std::fs::remove_dir_all(venv)?;
    }
    if let Some(parent) = venv.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let dir = venv.to_string_lossy().to_string();
    cmd("python3", &["-m", "venv", &dir]).run()?;
    let mut args = vec!["-m", "pip", "install", "-q"];
    for file in requirements {
        args.extend(["-r", file]);
    }
    cmd(&venv.join("bin/python").to_string_lossy(), &args).run()
}

/// Removes the venvs of the same `kind` other than `keep`: made from requirements that
/// changed since.
fn remove_others(kind: &str, keep: &Path) -> Result<()> {
    let prefix = format!("{kind}-");
    let Ok(entries) = std::fs::read_dir(home()) else {
        return Ok(());
    };
    for entry in entries {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        // Only `<kind>-<16 hex digits>` is one of its own: `venv-py3.11.2-` must not take
        // another Python's (`venv-py3.11.20-…`) or a longer name that starts the same.
        let rest = name.strip_prefix(&prefix).unwrap_or("");
        if path != keep && rest.len() == 16 && rest.chars().all(|c| c.is_ascii_hexdigit()) {
            println!(
                "xtask: removing {} (made from older requirements)",
                path.display()
            );
            std::fs::remove_dir_all(&path)?;
        }
    }
    Ok(())
}
