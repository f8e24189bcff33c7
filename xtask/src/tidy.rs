//! `cargo xtask tidy`: the architecture rules as a test.
//!
//! - `lasso-core` never depends on a web crate (it must stay testable natively and reusable by
//!   the CLI and the server);
//! - every Rust module in the project starts with a `//!` doc saying what it is for.

use crate::util::{root, Result};
use std::path::Path;

/// Crates core must never depend on.
const WEB_CRATES: &[&str] = &[
    "web-sys",
    "js-sys",
    "wasm-bindgen",
    "leptos",
    "gloo",
    "rexie",
    "tokio",
    "axum",
];

/// Checks both rules and lists every violation.
pub fn run() -> Result<()> {
    let mut problems = Vec::new();
    let core_manifest = std::fs::read_to_string(root().join("core/Cargo.toml"))?;
    for line in core_manifest.lines() {
        let name = line.split('=').next().unwrap_or("").trim();
        if WEB_CRATES
            .iter()
            .any(|w| name == *w || name.starts_with(&format!("{w}-")))
        {
            problems.push(format!(
                "core/Cargo.toml: lasso-core must not depend on `{name}`"
            ));
        }
    }
    for dir in ["core/src", "src", "xtask/src", "cli/src", "server/src"] {
        check_docs(&root().join(dir), &mut problems)?;
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "tidy found {} problem(s):\n  {}",
            problems.len(),
            problems.join("\n  ")
        )
        .into())
    }
}

fn check_docs(dir: &Path, problems: &mut Vec<String>) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            check_docs(&path, problems)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path)?;
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            if !first.starts_with("//!") {
                let shown = path
                    .strip_prefix(root())
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                problems.push(format!("{shown}: module has no `//!` doc comment"));
            }
        }
    }
    Ok(())
}
