//! The web crate built for browsers, as the app and the npm package ship it.
//!
//! 1. `cargo build` for wasm32 (relocations kept: `.cargo/config.toml` links with
//!    `--emit-relocs`, which the splitter needs to move code between modules);
//! 2. `wasm-split-cli` cuts the module at its lazy functions (`#[leptos::lazy]`): the main
//!    module keeps what the first screen needs, each rarely used part (dataset formats, image
//!    codecs, quality figures, …) becomes a chunk that shares the main module's memory and is
//!    fetched the first time it is called, through `__wasm_split.js`;
//! 3. `wasm-bindgen` binds the main module (`lasso.js`, `lasso_bg.wasm`), keeping the exports
//!    the chunks link against;
//! 4. in release builds `wasm-opt -Oz` shrinks every module (and, once named, esbuild minifies
//!    the glue and the loader: [`minify`]).
//!
//! `wasm-files.json` lists the module's other files (the split loader, the chunks, wasm-bindgen's
//! snippets) so the service worker can keep them for offline use.

use crate::util::{cmd, root, Fnv64, Result};
use std::path::{Path, PathBuf};

/// The WebAssembly features wasm-opt may keep: those rustc's wasm32 target emits, which browsers
/// have. Not `--all-features`: that lets wasm-opt write proposals no browser ships yet (compact
/// imports), and the module would not compile.
const WASM_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Checks that V8 (Node's, as in Chromium) compiles every module: a build browsers cannot load
/// fails here, not in a user's browser.
fn validate(modules: &[String]) -> Result<()> {
    let script = "const fs = require('fs'); \
        for (const f of process.argv.slice(1)) \
            if (!WebAssembly.validate(fs.readFileSync(f))) { \
                console.error(f + ': not valid WebAssembly for V8'); process.exit(1); }";
    let mut args = vec!["-e", script];
    args.extend(modules.iter().map(String::as_str));
    cmd("node", &args).run()
}

/// What one build wrote into its output directory.
pub struct Built {
    /// The bound main module (`lasso_bg.wasm`).
    pub main: PathBuf,
    /// Its JS glue (`lasso.js`).
    pub glue: PathBuf,
    /// The loader of the chunks (`__wasm_split.js`).
    pub loader: PathBuf,
    /// The chunks loaded on first use.
    pub chunks: Vec<PathBuf>,
}

/// The cargo target directory (`CARGO_TARGET_DIR` or `target/`).
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// Builds the web crate into `out` (debug, or `release` optimised): `lasso.js`,
/// `lasso_bg.wasm`, `snippets/`, `__wasm_split.js`, the chunks and `wasm-files.json`.
pub fn build(release: bool, out: &Path) -> Result<Built> {
    let mut args = vec![
        "build",
        "-p",
        "lasso",
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
    ];
    if release {
        args.push("--release");
    }
    cmd("cargo", &args).run()?;
    let profile = if release { "release" } else { "debug" };
    let linked = target_dir()
        .join("wasm32-unknown-unknown")
        .join(profile)
        .join("lasso.wasm");
    // The splitter writes the unbound main module beside the chunks; bind from a scratch dir
    // so `out` gets only what is served.
    let scratch = target_dir().join("wasm-split").join(profile);
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch)?;
    }
    std::fs::create_dir_all(&scratch)?;
    std::fs::create_dir_all(out)?;
    let scratch_str = scratch.to_string_lossy().to_string();
    cmd(
        "wasm-split-cli",
        &[
            &linked.to_string_lossy(),
            &scratch_str,
            "--out-name",
            "lasso",
            "--target",
            "web",
        ],
    )
    .run()?;
    let out_str = out.to_string_lossy().to_string();
    cmd(
        "wasm-bindgen",
        &[
            "--target",
            "web",
            "--keep-lld-exports",
            "--out-dir",
            &out_str,
            "--out-name",
            "lasso",
            &scratch.join("lasso.wasm").to_string_lossy(),
        ],
    )
    .run()?;
    let mut chunks = Vec::new();
    for entry in std::fs::read_dir(&scratch)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if name == "lasso.wasm" {
            continue;
        }
        let to = out.join(name);
        std::fs::copy(&path, &to)?;
        if name.ends_with(".wasm") {
            chunks.push(to);
        }
    }
    chunks.sort();
    let main = out.join("lasso_bg.wasm");
    if release {
        let modules: Vec<String> = std::iter::once(&main)
            .chain(&chunks)
            .map(|m| m.to_string_lossy().to_string())
            .collect();
        for module in &modules {
            let mut args = vec!["-Oz"];
            args.extend(WASM_FEATURES);
            args.extend([module.as_str(), "-o", module.as_str()]);
            cmd("wasm-opt", &args).run()?;
        }
        validate(&modules)?;
    }
    let built = Built {
        main,
        glue: out.join("lasso.js"),
        loader: out.join("__wasm_split.js"),
        chunks,
    };
    list_files(out, &built)?;
    Ok(built)
}

/// Minifies the glue and the chunk loader of a release build, once their references to each
/// other are final ([`stamp`] rewrites them as wasm-bindgen writes them): a third of their
/// gzip size. Export names and the import object's keys stay (they are the module's ABI); only
/// whitespace and local names go.
pub fn minify(built: &Built) -> Result<()> {
    minify_js(&built.glue)?;
    minify_js(&built.loader)
}

/// Minifies a JS module in place (esbuild, from the npm packages `cargo xtask setup` installs):
/// whitespace and local names go, exports and property names stay.
pub fn minify_js(path: &Path) -> Result<()> {
    let path = path.to_string_lossy().to_string();
    let outfile = format!("--outfile={path}");
    cmd(
        "esbuild",
        &[
            &path,
            "--minify",
            "--allow-overwrite",
            "--log-level=warning",
            &outfile,
        ],
    )
    .run()
}

/// Writes `wasm-files.json`: the module's files besides the glue and the main module.
fn list_files(out: &Path, built: &Built) -> Result<()> {
    let name = |p: &PathBuf| p.file_name().map(|n| n.to_string_lossy().to_string());
    let mut files: Vec<String> = std::iter::once(&built.loader)
        .chain(&built.chunks)
        .filter_map(name)
        .collect();
    files.extend(snippets(out)?);
    let listed: Vec<String> = files.iter().map(|f| format!("\"{f}\"")).collect();
    std::fs::write(
        out.join("wasm-files.json"),
        format!("{{\"files\": [{}]}}\n", listed.join(", ")),
    )?;
    Ok(())
}

/// Names every file of the build in `out` after the build's content (`lasso-<hash>.js`,
/// `lasso-<hash>_bg.wasm`, `__wasm_split-<hash>.js`, `<chunk>-<hash>.wasm`), so a browser never
/// mixes files of two deploys and the service worker may keep them cache-first; the references
/// between them and the preload links of `html` follow. One hash for all: the glue and the
/// loader import each other.
pub fn stamp(built: &mut Built, out: &Path, html: &Path) -> Result<()> {
    let mut hash = Fnv64::default();
    for file in [&built.main, &built.glue, &built.loader]
        .into_iter()
        .chain(&built.chunks)
    {
        hash.write(&std::fs::read(file)?);
    }
    let h = format!("{:016x}", hash.0);
    let rename = |from: &PathBuf, to: String| -> Result<PathBuf> {
        let to = out.join(to);
        std::fs::rename(from, &to)?;
        Ok(to)
    };
    let mut loader = std::fs::read_to_string(&built.loader)?
        .replace("from \"./lasso.js\"", &format!("from \"./lasso-{h}.js\""));
    let mut chunks = Vec::new();
    for chunk in &built.chunks {
        let Some(stem) = chunk.file_stem().map(|s| s.to_string_lossy().to_string()) else {
            continue;
        };
        loader = loader.replace(
            &format!("\"./{stem}.wasm\""),
            &format!("\"./{stem}-{h}.wasm\""),
        );
        chunks.push(rename(chunk, format!("{stem}-{h}.wasm"))?);
    }
    std::fs::write(&built.loader, loader)?;
    // The import only: the wasm module's import namespace keeps its name.
    let glue = std::fs::read_to_string(&built.glue)?
        .replace(
            "from \"./__wasm_split.js\"",
            &format!("from \"./__wasm_split-{h}.js\""),
        )
        .replace("'lasso_bg.wasm'", &format!("'lasso-{h}_bg.wasm'"));
    std::fs::write(&built.glue, glue)?;
    let page = std::fs::read_to_string(html)?
        .replace("href=\"lasso.js\"", &format!("href=\"lasso-{h}.js\""))
        .replace(
            "href=\"lasso_bg.wasm\"",
            &format!("href=\"lasso-{h}_bg.wasm\""),
        );
    std::fs::write(html, page)?;
    *built = Built {
        main: rename(&built.main, format!("lasso-{h}_bg.wasm"))?,
        glue: rename(&built.glue, format!("lasso-{h}.js"))?,
        loader: rename(&built.loader, format!("__wasm_split-{h}.js"))?,
        chunks,
    };
    list_files(out, built)
}

/// The JS snippets wasm-bindgen wrote under `out/snippets/`, as paths relative to `out`.
fn snippets(out: &Path) -> Result<Vec<String>> {
    let mut found = Vec::new();
    let mut dirs = vec![out.join("snippets")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if let Ok(relative) = path.strip_prefix(out) {
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Raw and gzip (level 9) sizes of a file, in bytes.
pub fn sizes(path: &Path) -> Result<(u64, u64)> {
    let raw = std::fs::metadata(path)?.len();
    let gz = cmd(
        "sh",
        &["-c", &format!("gzip -9 -c '{}' | wc -c", path.display())],
    )
    .output()?;
    Ok((raw, gz.trim().parse()?))
}

/// Prints the sizes of a build: the main module and the chunks loaded on demand.
pub fn report(built: &Built) -> Result<()> {
    let (raw, gz) = sizes(&built.main)?;
    println!(
        "main module {}: {raw} bytes, {gz} gzipped",
        built.main.display()
    );
    let (mut raw_sum, mut gz_sum) = (0, 0);
    for chunk in &built.chunks {
        let (raw, gz) = sizes(chunk)?;
        raw_sum += raw;
        gz_sum += gz;
        println!("  on demand {}: {raw} bytes, {gz} gzipped", chunk.display());
    }
    println!(
        "on demand, {} chunks: {raw_sum} bytes, {gz_sum} gzipped",
        built.chunks.len()
    );
    Ok(())
}
