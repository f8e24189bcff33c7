//! Room on disk before a build. A target dir kept between runs grows with every change built
//! into it, and a build that runs out of space fails halfway with a linker or LLVM error that
//! says nothing about why; so a run that starts short of space makes room first.

use crate::util::{cmd, root, Result};
use std::path::{Path, PathBuf};

/// Free space a cold `cargo xtask test` needs, with a wide margin: its target dir ends near
/// 3 GiB (native and wasm32 debug builds without debug info), the venv and npm packages near
/// 1 GiB, the end-to-end tests' scratch stores a few hundred MiB at a time.
const NEEDED_GIB: u64 = 10;

/// Frees space when less than [`NEEDED_GIB`] is free where the build writes: first the
/// incremental caches (rebuilt on demand, never needed for correctness), then, if that was not
/// enough, the whole target dir. Says what it removes; only warns if space is still short.
pub fn make_room() -> Result<()> {
    let target = target_dir();
    let free = free_gib(&target)?;
    if free >= NEEDED_GIB {
        return Ok(());
    }
    println!(
        "xtask: {free} GiB free on the disk of {}; removing incremental build caches",
        target.display()
    );
    for dir in incremental_dirs(&target) {
        remove(&dir)?;
    }
    let free = free_gib(&target)?;
    if free >= NEEDED_GIB {
        return Ok(());
    }
    if target.is_dir() {
        println!(
            "xtask: still {free} GiB free; removing {} (the build starts cold)",
            target.display()
        );
        remove(&target)?;
    }
    let free = free_gib(&target)?;
    if free < NEEDED_GIB {
        eprintln!(
            "xtask: warning: only {free} GiB free on the disk of {}; a cold build needs about {NEEDED_GIB} GiB",
            target.display()
        );
    }
    Ok(())
}

/// Cargo's target dir: `$CARGO_TARGET_DIR`, or `target/` in the repository.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// `incremental` dirs of every profile and target triple (`debug/`, `wasm32-…/debug/`, …).
fn incremental_dirs(target: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut visit = |dir: &Path| {
        let candidate = dir.join("incremental");
        if candidate.is_dir() {
            found.push(candidate);
        }
    };
    for first in subdirs(target) {
        visit(&first);
        for second in subdirs(&first) {
            visit(&second);
        }
    }
    found
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|path| path.is_dir())
                .collect()
        })
        .unwrap_or_default()
}

fn remove(dir: &Path) -> Result<()> {
    std::fs::remove_dir_all(dir)
        .map_err(|e| format!("could not remove {}: {e}", dir.display()).into())
}

/// Free GiB on the filesystem holding `path` (or its nearest existing ancestor), from POSIX
/// `df -Pk`: the standard library has no portable call for it.
fn free_gib(path: &Path) -> Result<u64> {
    let existing = path
        .ancestors()
        .find(|p| p.exists())
        .unwrap_or_else(|| Path::new("/"));
    let existing = existing.to_string_lossy().into_owned();
    let out = cmd("df", &["-Pk", &existing]).output()?;
    let kib = out
        .lines()
        .nth(1)
        .and_then(|line| line.split_whitespace().nth(3))
        .and_then(|field| field.parse::<u64>().ok())
        .ok_or_else(|| format!("could not read free space from `df -Pk {existing}`: {out}"))?;
    Ok(kib / (1024 * 1024))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_incremental_caches_of_every_profile_and_target() {
        let root = std::env::temp_dir().join(format!("xtask-disk-{}", std::process::id()));
        for dir in [
            "debug/incremental",
            "release/incremental",
            "wasm32-unknown-unknown/debug/incremental",
            "debug/deps",
        ] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        let mut found: Vec<String> = incremental_dirs(&root)
            .iter()
            .map(|p| {
                p.strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        found.sort();
        assert_eq!(
            found,
            [
                "debug/incremental",
                "release/incremental",
                "wasm32-unknown-unknown/debug/incremental"
            ]
        );
        assert!(free_gib(&root.join("not/there/yet")).is_ok());
        std::fs::remove_dir_all(&root).unwrap();
    }
}
