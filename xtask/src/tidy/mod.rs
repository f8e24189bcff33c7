//! `cargo xtask tidy`: the invariants of ARCHITECTURE.md as a test.
//!
//! - `lasso-core` never depends on a web crate, and its code never names a web API or the
//!   operating system's IO (it must stay testable natively and reusable by the CLI and server);
//! - in the web crate, IO happens only in the modules listed in [`checks::WEB_IO`];
//! - no two top-level modules of any crate (web, core, CLI, server, xtask) import each other;
//! - no non-test source file is longer than [`checks::MAX_LINES`] lines;
//! - no `unwrap`, `expect` or panic outside tests;
//! - every Rust module starts with a `//!` doc saying what it is for;
//! - every message id the web crate asks for is in the catalogue ([`messages`]).
//!
//! Each rule is a function over the sources in [`checks`], with tests that plant a violation.

mod checks;
mod lexer;
mod messages;

use crate::util::{root, Result};
use checks::Source;
use std::path::Path;

/// The folders of Rust sources tidy reads.
const SOURCE_DIRS: &[&str] = &["core/src", "src", "xtask/src", "cli/src", "server/src"];

/// Crates whose top-level modules must not import each other in a cycle: all of them.
const LAYERED_CRATES: &[&str] = SOURCE_DIRS;

/// Checks every rule and lists every violation.
pub fn run() -> Result<()> {
    let core_manifest = std::fs::read_to_string(root().join("core/Cargo.toml"))?;
    let mut files = Vec::new();
    for dir in SOURCE_DIRS {
        collect(&root().join(dir), &mut files)?;
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let mut problems = checks::core_manifest(&core_manifest);
    problems.extend(checks::core_sources(&files));
    problems.extend(checks::module_docs(&files));
    problems.extend(checks::web_io(&files));
    for dir in LAYERED_CRATES {
        problems.extend(checks::module_cycles(&files, dir));
    }
    problems.extend(checks::file_lengths(&files));
    problems.extend(checks::panics(&files));
    problems.extend(messages::message_ids(&files));
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

fn collect(dir: &Path, out: &mut Vec<Source>) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path)?;
            let rel = path
                .strip_prefix(root())
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            out.push(Source { path: rel, text });
        }
    }
    Ok(())
}
