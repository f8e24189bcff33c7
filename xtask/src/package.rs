//! `cargo xtask package [--dev]`: the npm package `lasso-annotator` in
//! `target/npm/lasso-annotator/` (installable with `npm install <that folder>`): the web crate
//! built for the browser (`lasso.js`, `lasso_bg.wasm`, the chunks loaded on first use: see
//! `wasm.rs`), the styles,
//! and the hand-written entry points and types of `npm/` (`index.js` with `mount` and
//! `defineElement`, `element.js`, `react.js`, `index.d.ts`, `react.d.ts`). `--dev` packs the
//! debug build (what the tests use; no release compile), otherwise the release build is
//! optimised with wasm-opt as the app is.

use crate::util::{root, step, Result};
use std::path::{Path, PathBuf};

/// Files of `npm/` copied as they are.
const TEMPLATES: &[&str] = &[
    "index.js",
    "core.js",
    "element.js",
    "react.js",
    "index.d.ts",
    "react.d.ts",
    "task.schema.json",
    "README.md",
    "LICENSE",
];

/// Where the package is written.
pub fn out_dir() -> PathBuf {
    root().join("target/npm/lasso-annotator")
}

/// Builds the package; `dev` packs the debug build.
pub fn run(dev: bool) -> Result<()> {
    step(if dev {
        "npm package (debug build)"
    } else {
        "npm package (release build)"
    });
    let out = out_dir();
    if out.exists() {
        std::fs::remove_dir_all(&out)?;
    }
    let built = crate::wasm::build(!dev, &out)?;
    std::fs::copy(root().join("www/lasso.css"), out.join("lasso.css"))?;
    for name in TEMPLATES {
        std::fs::copy(root().join("npm").join(name), out.join(name))?;
    }
    std::fs::write(out.join("package.json"), manifest(&version()?))?;
    if !dev {
        crate::wasm::minify(&built)?;
        crate::wasm::report(&built)?;
        for file in ["lasso.js", "lasso.css"] {
            report(&out.join(file))?;
        }
    }
    println!("package: {}", out.display());
    Ok(())
}

/// The workspace version (`[workspace.package] version`).
fn version() -> Result<String> {
    let text = std::fs::read_to_string(root().join("Cargo.toml"))?;
    text.lines()
        .find_map(|l| {
            let v = l.trim().strip_prefix("version = ")?;
            Some(v.trim_matches('"').to_string())
        })
        .ok_or_else(|| "Cargo.toml names no version".into())
}

/// `package.json`: the entry points, the files, React as an optional peer.
fn manifest(version: &str) -> String {
    format!(
        r#"{{
  "name": "lasso-annotator",
  "version": "{version}",
  "description": "Image annotation editor for computer-vision datasets: WebAssembly, framework-free, with a custom element and a React component",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "main": "./index.js",
  "types": "./index.d.ts",
  "exports": {{
    ".": {{ "types": "./index.d.ts", "default": "./index.js" }},
    "./react": {{ "types": "./react.d.ts", "default": "./react.js" }},
    "./lasso.css": "./lasso.css",
    "./task.schema.json": "./task.schema.json"
  }},
  "files": ["*.js", "*.d.ts", "*.wasm", "*.css", "*.json", "snippets/", "README.md", "LICENSE"],
  "sideEffects": false,
  "peerDependencies": {{ "react": ">=18" }},
  "peerDependenciesMeta": {{ "react": {{ "optional": true }} }},
  "keywords": ["annotation", "labeling", "computer-vision", "dataset", "coco", "yolo", "webassembly"]
}}
"#
    )
}

/// Prints a file's size, raw and gzipped.
fn report(path: &Path) -> Result<()> {
    let (raw, gz) = crate::wasm::sizes(path)?;
    println!(
        "{}: {raw} bytes, {gz} bytes gzipped",
        path.file_name().unwrap_or_default().to_string_lossy(),
    );
    Ok(())
}
