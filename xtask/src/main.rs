//! `cargo xtask`: the project's build system.
//!
//! - `setup`: installs every tool the build and tests need, idempotently (quick when present);
//! - `serve`: builds the app as users get it (release: optimised, LTO, wasm-opt) and serves it
//!   on http://127.0.0.1:8080 with sample images; `--dev` serves a debug build that rebuilds
//!   in seconds on change;
//! - `test`: formatting, lints, native tests, browser tests, Python consumer tests, end-to-end;
//! - `build`: the release build into `dist/`, with its wasm size;
//! - `bench-journal`: journal append latency at 100 and 100,000 shapes, in headless Chromium;
//! - `bench`: the renderer benchmark (Lasso vs Konva, pan and zoom frame times) in headless
//!   Chromium; `--criterion` also runs the core's criterion benchmarks, `--serve` only serves
//!   the page; other `--name value` pairs go to `tests/bench/render.mjs`;
//! - `wasm`: the web crate's modules into Trunk's staging dir (Trunk's build hook; see `wasm.rs`);
//! - `tidy`: checks the invariants of ARCHITECTURE.md (layers, IO, cycles, file length, panics,
//!   module docs); its own tests plant each violation.
//!
//! It uses only the standard library so that it compiles in seconds on a fresh machine.

// Errors are values: nothing outside tests may abort on bad input (also checked by `xtask tidy`).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod disk;
mod package;
mod setup;
mod tidy;
mod util;
mod venv;
mod wasm;

use std::process::ExitCode;
use util::{cmd, Result};

const USAGE: &str =
    "usage: cargo xtask <setup|serve|test|build|package [--dev]|bench [tiles|stall]|bench-journal|tidy>";

fn main() -> ExitCode {
    util::start_clock();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run(),
        Some("serve") => serve(args.iter().any(|a| a == "--dev")),
        Some("test") => test(),
        Some("build") => build_release(),
        Some("package") => package::run(args.iter().any(|a| a == "--dev")),
        Some("bench") => bench(&args[1..]),
        Some("tidy") => tidy::run(),
        Some("wasm") => wasm_for_trunk(),
        Some("bench-journal") => bench_journal(),
        _ => Err(USAGE.into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Builds the app and serves it, rebuilding on change, with the local S3 store and presign API
/// (`lasso-server dev`) beside it so uploads work with nothing else to set up. The build is the
/// release one users get (a debug build is several times slower to draw and edit) unless `dev`.
fn serve(dev: bool) -> Result<()> {
    setup::run()?;
    util::step("build lasso-server");
    cmd(
        "cargo",
        &[
            "build",
            "--release",
            "-p",
            "lasso-server",
            "--bin",
            "lasso-server",
        ],
    )
    .run()?;
    util::step("local S3 store on http://127.0.0.1:9000, presign API on http://127.0.0.1:8787");
    let mut server = cmd(
        "cargo",
        &[
            "run",
            "-q",
            "--release",
            "-p",
            "lasso-server",
            "--bin",
            "lasso-server",
            "--",
            "dev",
            "--data-dir",
            ".lasso-data",
            "--seed",
            "www/samples",
            // A team project: a manager, two annotators and a reviewer, with a link each.
            "--users",
            "server/dev-team.json",
            "--project",
            "demo",
            "--app-url",
            "http://127.0.0.1:8080",
        ],
    )
    .spawn()?;
    util::step(if dev {
        "serve a debug build on http://127.0.0.1:8080"
    } else {
        "serve the release build on http://127.0.0.1:8080 (`cargo xtask serve --dev` for a debug build)"
    });
    let mut trunk_args = vec!["serve", "--port", "8080", "--address", "127.0.0.1"];
    if !dev {
        trunk_args.push("--release");
    }
    let served = cmd("trunk", &trunk_args).run();
    // Ctrl+C reaches both; make sure the store is gone when trunk stops for another reason.
    let _ = server.kill();
    let _ = server.wait();
    served
}

/// Trunk's post-build hook: the web crate's modules into the staging dir, in Trunk's profile,
/// named after their content, with the page's links to them.
fn wasm_for_trunk() -> Result<()> {
    let staging = std::env::var_os("TRUNK_STAGING_DIR")
        .ok_or("`cargo xtask wasm` runs as Trunk's build hook (TRUNK_STAGING_DIR is not set)")?;
    let release = std::env::var("TRUNK_PROFILE").is_ok_and(|p| p == "release");
    let html = std::env::var_os("TRUNK_HTML_FILE").unwrap_or_else(|| "index.html".into());
    let html = std::path::Path::new(&html)
        .file_name()
        .map(|name| std::path::Path::new(&staging).join(name))
        .ok_or("TRUNK_HTML_FILE names no file")?;
    let mut built = wasm::build(release, std::path::Path::new(&staging))?;
    wasm::stamp(&mut built, std::path::Path::new(&staging), &html)?;
    if release {
        wasm::minify(&built)?;
        // The standalone page's script, minified like the glue (a copied file: Trunk leaves it).
        let page_script = std::path::Path::new(&staging).join("app.js");
        if page_script.exists() {
            wasm::minify_js(&page_script)?;
        }
        wasm::report(&built)?;
    }
    Ok(())
}

/// Everything `main` must pass.
fn test() -> Result<()> {
    disk::make_room()?;
    setup::run()?;
    util::step("format");
    cmd("cargo", &["fmt", "--all", "--", "--check"]).run()?;
    util::step("tidy");
    tidy::run()?;
    util::step("clippy (native)");
    cmd(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--exclude",
            "lasso",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )
    .run()?;
    util::step("clippy (wasm32)");
    cmd(
        "cargo",
        &[
            "clippy",
            "-p",
            "lasso",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )
    .run()?;
    util::step("native tests");
    cmd("cargo", &["test", "--workspace", "--exclude", "lasso"]).run()?;
    // The web app loads the pixel tools on first use; the core's side of that, on its own (the
    // table it fills is global).
    cmd(
        "cargo",
        &[
            "test",
            "-p",
            "lasso-core",
            "--features",
            "pixel-tools-on-demand",
            "--lib",
            "edit::pixel_tools::",
        ],
    )
    .run()?;
    // The consumer tests run beside the browser tests, the app's build and the end-to-end
    // tests: all of them spend much of their time waiting on servers and browsers, and the
    // machine has cores to spare meanwhile. Each test starts its own servers on free ports.
    let consumer = if util::root().join("tests/python").is_dir() {
        util::step("consumer tests (Python) started beside the rest; their log follows at the end");
        let log = util::root().join("target/consumer-tests.log");
        let child = cmd(
            ".venv/bin/python",
            &["-m", "pytest", "-q", "--durations=8", "tests/python"],
        )
        .log_to(&log)?
        .spawn()?;
        Some((child, log))
    } else {
        None
    };
    let browser_and_end_to_end = (|| -> Result<()> {
        util::step("browser tests (wasm-bindgen-test in headless Chromium)");
        browser_tests(&[]).run()?;
        util::step("build the app for end-to-end tests");
        cmd("trunk", &["build"]).run()?;
        package::run(true)?;
        util::step("end-to-end tests (Playwright, headless Chromium)");
        // Files are independent (each serves its own pages and starts its own servers on free
        // ports), so several run at once: one per core (at most 6: each holds a browser). One
        // more than that slowed the timing-bound ones (an expiring presigned URL) into failing.
        let files = std::thread::available_parallelism().map_or(2, |n| n.get().min(6));
        let concurrency = format!("--test-concurrency={files}");
        cmd("node", &["--test", &concurrency, "tests/e2e/"]).run()
    })();
    let consumer_result = match consumer {
        Some((mut child, log)) => {
            let status = child.wait()?;
            util::step("consumer tests (Python): their log");
            print!("{}", std::fs::read_to_string(&log).unwrap_or_default());
            if status.success() {
                Ok(())
            } else {
                Err(format!("the consumer tests failed ({status}); their log is above").into())
            }
        }
        None => Ok(()),
    };
    browser_and_end_to_end.and(consumer_result)
}

/// `cargo test` of the web crate in headless Chromium, with `extra` arguments appended.
fn browser_tests(extra: &[&str]) -> util::Cmd {
    // `whole`: the test runner serves only the module it binds, so nothing is split off.
    let mut args = vec![
        "test",
        "-p",
        "lasso",
        "--target",
        "wasm32-unknown-unknown",
        "--features",
        "whole",
    ];
    args.extend_from_slice(extra);
    cmd("cargo", &args)
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
}

/// Journal append latency at 100 and 100,000 shapes in headless Chromium (median and p95 per
/// append; see `tests/journal_bench.rs`), then the same through the whole app, from an edit to
/// its `save` event (`tests/e2e/bench-journal.mjs`, on a release build as users get it).
fn bench_journal() -> Result<()> {
    setup::run()?;
    util::step("journal append latency (headless Chromium)");
    browser_tests(&["--test", "journal_bench", "--", "--nocapture"]).run()?;
    util::step(
        "edit to durable save through the app (release build, Playwright, headless Chromium)",
    );
    let dist = util::root().join("target/bench-dist");
    let dist_str = dist.to_string_lossy().to_string();
    cmd("trunk", &["build", "--release", "--dist", &dist_str]).run()?;
    cmd("node", &["tests/e2e/bench-journal.mjs"])
        .env("LASSO_DIST", &dist_str)
        .run()
}

/// The renderer benchmark: a release build into `target/bench-dist` with Konva beside it, then
/// `tests/bench/render.mjs` drives it in headless Chromium and prints the table.
fn bench(args: &[String]) -> Result<()> {
    setup::run()?;
    let criterion = args.iter().any(|a| a == "--criterion");
    let rest: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "--criterion")
        .collect();
    let dist = util::root().join("target/bench-dist");
    let dist_str = dist.to_string_lossy().to_string();
    util::step("release build of the benchmark page");
    cmd("trunk", &["build", "--release", "--dist", &dist_str]).run()?;
    let konva = util::root().join("node_modules/konva/konva.min.js");
    if !konva.is_file() {
        return Err(format!("{} is missing: run `npm ci`", konva.display()).into());
    }
    std::fs::copy(&konva, dist.join("konva.min.js"))?;
    if let Some((_, what, script)) = BENCH_PAGES
        .iter()
        .find(|(name, ..)| rest.first() == Some(name))
    {
        util::step(what);
        let mut node_args = vec![*script];
        node_args.extend(&rest[1..]);
        cmd("node", &node_args).env("LASSO_DIST", &dist_str).run()?;
        return Ok(());
    }
    util::step("renderer benchmark (headless Chromium): Lasso and Konva");
    let mut node_args = vec!["tests/bench/render.mjs"];
    node_args.extend(rest);
    cmd("node", &node_args).env("LASSO_DIST", &dist_str).run()?;
    if criterion {
        util::step("core criterion benchmarks");
        cmd("cargo", &["bench", "-p", "lasso-core"]).run()?;
    }
    Ok(())
}

/// The benchmarks that drive a page of their own: `cargo xtask bench <name>`, what they
/// measure, and their script (without a name, the renderer's benchmark runs).
const BENCH_PAGES: [(&str, &str, &str); 2] = [
    (
        "tiles",
        "tiled-image benchmark (headless Chromium): Lasso and OpenSeadragon",
        "tests/bench/tiles.mjs",
    ),
    (
        "stall",
        "replanning 100,000 shapes (headless Chromium): the longest task",
        "tests/bench/stall.mjs",
    ),
];

/// The release build, as deployed, with its wasm size.
fn build_release() -> Result<()> {
    setup::run()?;
    util::step("release build into dist/");
    cmd("trunk", &["build", "--release"]).run()?;
    let dist = util::root().join("dist");
    for entry in std::fs::read_dir(&dist)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "wasm" || e == "js") {
            let (raw, gz) = wasm::sizes(&path)?;
            println!("{}: {raw} bytes, {gz} bytes gzipped", path.display());
        }
    }
    let first = first_screen(&dist)?;
    let (mut raw_sum, mut gz_sum) = (0, 0);
    for file in &first {
        let (raw, gz) = wasm::sizes(&dist.join(file))?;
        raw_sum += raw;
        gz_sum += gz;
    }
    println!(
        "first screen ({}): {raw_sum} bytes, {gz_sum} bytes gzipped",
        first.join(", ")
    );
    Ok(())
}

/// The files the page downloads before the editor shows: the page, what it links and
/// preloads, its script, and what the module's glue imports (the split loader and
/// wasm-bindgen's snippets; the chunks come later, on first use).
fn first_screen(dist: &std::path::Path) -> Result<Vec<String>> {
    let page = std::fs::read_to_string(dist.join("index.html"))?;
    let mut files = vec!["index.html".to_string()];
    for attribute in ["href=\"", "src=\""] {
        for rest in page.split(attribute).skip(1) {
            let value = rest.split('"').next().unwrap_or_default();
            let name = value.trim_start_matches("./").trim_start_matches('/');
            let local = !name.is_empty() && !name.contains(':') && dist.join(name).is_file();
            if local && !name.ends_with(".webmanifest") && !files.iter().any(|f| f == name) {
                files.push(name.to_string());
            }
        }
    }
    for entry in std::fs::read_dir(dist)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.starts_with("__wasm_split") && name.ends_with(".js") {
            files.push(name);
        }
    }
    let mut dirs = vec![std::path::PathBuf::from("snippets")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(dist.join(&dir)) else {
            continue;
        };
        for entry in entries {
            let path = dir.join(entry?.file_name());
            if dist.join(&path).is_dir() {
                dirs.push(path);
            } else {
                files.push(path.to_string_lossy().into_owned());
            }
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::first_screen;

    #[test]
    fn first_screen_is_what_the_page_loads_before_any_chunk() {
        let dist = std::env::temp_dir().join(format!("lasso-first-screen-{}", std::process::id()));
        std::fs::create_dir_all(&dist).unwrap();
        for name in [
            "lasso-1.js",
            "lasso-1_bg.wasm",
            "lasso-2.css",
            "app.js",
            "__wasm_split-1.js",
            "split_formats-1.wasm",
            "manifest.webmanifest",
        ] {
            std::fs::write(dist.join(name), name).unwrap();
        }
        let snippet = dist.join("snippets").join("lasso-1");
        std::fs::create_dir_all(&snippet).unwrap();
        std::fs::write(snippet.join("inline0.js"), "export {}").unwrap();
        std::fs::write(
            dist.join("index.html"),
            r#"<link rel="icon" href="data:,"><link rel="modulepreload" href="lasso-1.js">
            <link rel="preload" href="lasso-1_bg.wasm" as="fetch"><link rel="stylesheet" href="/lasso-2.css"/>
            <link rel="manifest" href="manifest.webmanifest"><a href="https://example.com/x.js">
            <script type="module" src="./app.js"></script>"#,
        )
        .unwrap();
        let mut files = first_screen(&dist).unwrap();
        files.sort();
        assert_eq!(
            files,
            [
                "__wasm_split-1.js",
                "app.js",
                "index.html",
                "lasso-1.js",
                "lasso-1_bg.wasm",
                "lasso-2.css",
                "snippets/lasso-1/inline0.js"
            ]
        );
        std::fs::remove_dir_all(&dist).unwrap();
    }
}
