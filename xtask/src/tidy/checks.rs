//! The architecture rules, each a function from source files to the problems found, so that
//! tidy's own tests can plant a violation and see it reported.

use super::lexer::{code_only, without_tests};
use std::collections::{BTreeMap, BTreeSet};

/// One Rust source file: its path from the repository root (with `/`) and its text.
pub struct Source {
    /// Path from the repository root, `/`-separated.
    pub path: String,
    /// The file's text.
    pub text: String,
}

/// Crates core must never depend on (it must stay testable natively and reusable by the CLI
/// and the server).
pub const WEB_CRATES: &[&str] = &[
    "web-sys",
    "js-sys",
    "wasm-bindgen",
    "leptos",
    "gloo",
    "rexie",
    "tokio",
    "axum",
];

/// Longest non-test source file, in lines.
pub const MAX_LINES: usize = 800;

/// Where each kind of IO may happen in the web crate: a marker in code, and the files or
/// folders (prefixes) allowed to contain it. Everything else reaches IO through them.
pub const WEB_IO: &[(&str, &[&str])] = &[
    ("rexie", &["src/store/", "src/cloud/queue.rs"]),
    ("fetch_with", &["src/cloud/http.rs"]),
    ("BroadcastChannel", &["src/sync.rs"]),
    ("HtmlImageElement::new", &["src/view/image.rs"]),
];

/// What core's sources must never name: web APIs and the operating system's IO.
pub const CORE_FORBIDDEN: &[&str] = &[
    "web_sys",
    "js_sys",
    "wasm_bindgen",
    "leptos",
    "std::fs",
    "std::net",
    "std::process",
    "std::env",
    "std::path",
];

/// Calls that abort on bad input; errors are values outside tests.
pub const PANICKING: &[&str] = &[
    ".unwrap()",
    ".expect(",
    "panic!(",
    "unreachable!(",
    "todo!(",
    "unimplemented!(",
];

/// Whether a file holds only tests (by the project's naming: `tests.rs`, `*_tests.rs`,
/// `test_support.rs`, or anything under a `tests/` folder).
pub fn is_test_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name == "tests.rs"
        || name.ends_with("_tests.rs")
        || name == "test_support.rs"
        || path.split('/').any(|part| part == "tests")
}

/// Lines (1-based) of non-test code in `text` that contain `needle`.
fn lines_with(text: &str, needle: &str) -> Vec<usize> {
    without_tests(&code_only(text))
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .collect()
}

/// `core/Cargo.toml` names no web crate.
pub fn core_manifest(manifest: &str) -> Vec<String> {
    manifest
        .lines()
        .filter_map(|line| {
            let name = line.split('=').next().unwrap_or("").trim();
            WEB_CRATES
                .iter()
                .any(|w| name == *w || name.starts_with(&format!("{w}-")))
                .then(|| format!("core/Cargo.toml: lasso-core must not depend on `{name}`"))
        })
        .collect()
}

/// Core's code never names a web API or the operating system's IO.
pub fn core_sources(files: &[Source]) -> Vec<String> {
    let mut problems = Vec::new();
    for f in files.iter().filter(|f| f.path.starts_with("core/src/")) {
        for needle in CORE_FORBIDDEN {
            for line in lines_with(&f.text, needle) {
                problems.push(format!(
                    "{}:{line}: lasso-core must not name `{needle}` (core does no IO and knows no web API)",
                    f.path
                ));
            }
        }
    }
    problems
}

/// Every module starts with a `//!` doc saying what it is for.
pub fn module_docs(files: &[Source]) -> Vec<String> {
    files
        .iter()
        .filter(|f| {
            let first = f.text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            !first.starts_with("//!")
        })
        .map(|f| format!("{}: module has no `//!` doc comment", f.path))
        .collect()
}

/// In the web crate, IO happens only in the modules [`WEB_IO`] lists.
pub fn web_io(files: &[Source]) -> Vec<String> {
    let mut problems = Vec::new();
    for f in files.iter().filter(|f| f.path.starts_with("src/")) {
        for (marker, allowed) in WEB_IO {
            if allowed.iter().any(|a| f.path.starts_with(a)) {
                continue;
            }
            for line in lines_with(&f.text, marker) {
                problems.push(format!(
                    "{}:{line}: `{marker}` is IO, allowed only in {}",
                    f.path,
                    allowed.join(", ")
                ));
            }
        }
    }
    problems
}

/// No non-test source file is longer than [`MAX_LINES`].
pub fn file_lengths(files: &[Source]) -> Vec<String> {
    files
        .iter()
        .filter(|f| !is_test_file(&f.path))
        .filter_map(|f| {
            let n = f.text.lines().count();
            (n > MAX_LINES).then(|| {
                format!(
                    "{}: {n} lines, more than {MAX_LINES}: split it into modules with one job each",
                    f.path
                )
            })
        })
        .collect()
}

/// No `unwrap`, `expect` or panic outside tests: errors are values.
pub fn panics(files: &[Source]) -> Vec<String> {
    let mut problems = Vec::new();
    for f in files.iter().filter(|f| !is_test_file(&f.path)) {
        for needle in PANICKING {
            for line in lines_with(&f.text, needle) {
                problems.push(format!(
                    "{}:{line}: `{needle}` outside tests: return an error instead",
                    f.path
                ));
            }
        }
    }
    problems
}

/// The top-level module a file of the crate rooted at `src_dir` belongs to (`None` for the
/// crate root itself).
fn top_module<'a>(src_dir: &str, path: &'a str) -> Option<&'a str> {
    let rel = path.strip_prefix(src_dir)?.strip_prefix('/')?;
    let first = rel.split('/').next()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main")).then_some(name)
}

/// No two top-level modules of the crate rooted at `src_dir` (e.g. `src`, `core/src`) import
/// each other, directly or through others: each depends only on modules below it.
pub fn module_cycles(files: &[Source], src_dir: &str) -> Vec<String> {
    let in_crate: Vec<(&str, &Source)> = files
        .iter()
        .filter_map(|f| top_module(src_dir, &f.path).map(|m| (m, f)))
        .collect();
    let modules: BTreeSet<&str> = in_crate.iter().map(|(m, _)| *m).collect();
    let mut edges: BTreeMap<&str, BTreeSet<&str>> =
        modules.iter().map(|m| (*m, BTreeSet::new())).collect();
    for (m, f) in &in_crate {
        let code = without_tests(&code_only(&f.text));
        for used in referenced_modules(&code) {
            if let Some(&target) = modules.get(used.as_str()) {
                if target != *m {
                    edges.entry(m).or_default().insert(target);
                }
            }
        }
    }
    strongly_connected(&edges)
        .into_iter()
        .filter(|group| group.len() > 1)
        .map(|group| {
            format!(
                "{src_dir}: modules import each other in a cycle: {} (make one depend only on the other, or move what both need below them)",
                group.join(" <-> ")
            )
        })
        .collect()
}

/// The top-level module names that `code` reaches through `crate::`, including those in
/// `use crate::{a, b::c}` groups.
fn referenced_modules(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
        rest = after;
    }
    out
}

/// Tarjan's strongly connected components, each sorted, in a stable order.
fn strongly_connected<'a>(edges: &BTreeMap<&'a str, BTreeSet<&'a str>>) -> Vec<Vec<&'a str>> {
    struct State<'a> {
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        groups: Vec<Vec<&'a str>>,
    }
    fn visit<'a>(v: &'a str, edges: &BTreeMap<&'a str, BTreeSet<&'a str>>, st: &mut State<'a>) {
        st.index.insert(v, st.next);
        st.low.insert(v, st.next);
        st.next += 1;
        st.stack.push(v);
        st.on_stack.insert(v);
        for &w in edges.get(v).into_iter().flatten() {
            if !st.index.contains_key(w) {
                visit(w, edges, st);
                let lw = st.low[w];
                let lv = st.low[v];
                st.low.insert(v, lv.min(lw));
            } else if st.on_stack.contains(w) {
                let iw = st.index[w];
                let lv = st.low[v];
                st.low.insert(v, lv.min(iw));
            }
        }
        if st.low[v] == st.index[v] {
            let mut group = Vec::new();
            while let Some(w) = st.stack.pop() {
                st.on_stack.remove(w);
                group.push(w);
                if w == v {
                    break;
                }
            }
            group.sort_unstable();
            st.groups.push(group);
        }
    }
    let mut st = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        groups: Vec::new(),
    };
    for &v in edges.keys() {
        if !st.index.contains_key(v) {
            visit(v, edges, &mut st);
        }
    }
    st.groups
}

/// A source file made in a test.
#[cfg(test)]
pub fn src(path: &str, text: &str) -> Source {
    Source {
        path: path.into(),
        text: text.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_planted_cycle_is_found_and_a_layered_crate_passes() {
        let layered = [
            src("src/lib.rs", "//! root\nmod a; mod b; mod c;"),
            src("src/a.rs", "//! a\nuse crate::b::X;\nuse crate::{c, b::Y};"),
            src("src/b/mod.rs", "//! b\nuse crate::c::Z;"),
            src("src/c.rs", "//! c\n/// See [`crate::a`].\nfn f() {}\n#[cfg(test)]\nmod tests { use crate::a::T; }"),
        ];
        assert_eq!(module_cycles(&layered, "src"), Vec::<String>::new());
        let mut planted = layered;
        planted[3] = src("src/c.rs", "//! c\nfn f() { crate::a::g(); }");
        let problems = module_cycles(&planted, "src");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("a <-> b <-> c"), "{problems:?}");
    }

    #[test]
    fn a_planted_unwrap_is_found_outside_tests_only() {
        let files = [
            src(
                "core/src/x.rs",
                "//! x\nfn f() { let a = \"no.unwrap()\"; }\n#[cfg(test)]\nmod tests { fn t() { g().unwrap(); } }",
            ),
            src("core/src/edit/tests.rs", "//! t\nfn t() { g().expect(\"e\"); }"),
        ];
        assert_eq!(panics(&files), Vec::<String>::new());
        let planted = [src(
            "cli/src/main.rs",
            "//! m\nfn main() {\n    run().unwrap();\n}",
        )];
        let problems = panics(&planted);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].starts_with("cli/src/main.rs:3:"),
            "{problems:?}"
        );
        assert_eq!(
            panics(&[src("a/src/b.rs", "fn f() { panic!(\"x\") }")]).len(),
            1
        );
    }

    #[test]
    fn a_planted_long_file_is_found_and_test_files_may_be_long() {
        let long = "//! long\n".to_string() + &"fn f() {}\n".repeat(MAX_LINES);
        let problems = file_lengths(&[src("src/ui/big.rs", &long)]);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("801 lines"), "{problems:?}");
        assert!(file_lengths(&[src("core/src/edit/tests.rs", &long)]).is_empty());
        assert!(file_lengths(&[src("src/ui/small.rs", "//! s\n")]).is_empty());
    }

    #[test]
    fn a_planted_web_import_in_core_is_found() {
        let manifest =
            "[dependencies]\ngeo = \"0.31\"\nweb-sys = \"0.3\"\nwasm-bindgen-futures = \"0.4\"\n";
        let problems = core_manifest(manifest);
        assert_eq!(problems.len(), 2, "{problems:?}");
        let code = [src(
            "core/src/view.rs",
            "//! v\nuse web_sys::Window;\n// web_sys in a comment is fine\n",
        )];
        let problems = core_sources(&code);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("core/src/view.rs:2:"));
        assert_eq!(
            core_sources(&[src("core/src/io.rs", "use std::fs::read;")]).len(),
            1
        );
        assert!(core_sources(&[src("src/view/x.rs", "use web_sys::Window;")]).is_empty());
    }

    #[test]
    fn io_outside_its_modules_is_found() {
        let files = [
            src("src/store/mod.rs", "//! s\nuse rexie::Rexie;"),
            src(
                "src/ui/list.rs",
                "//! l\nfn f() { window.fetch_with_str(u); }",
            ),
        ];
        let problems = web_io(&files);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("src/ui/list.rs:2:"));
    }

    #[test]
    fn a_module_without_a_doc_is_found() {
        let problems = module_docs(&[src("src/a.rs", "\n//! a"), src("src/b.rs", "use x;")]);
        assert_eq!(
            problems,
            vec!["src/b.rs: module has no `//!` doc comment".to_string()]
        );
    }
}
