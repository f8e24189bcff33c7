//! The message catalogue rule: every id the web crate asks the catalogue for
//! (`words.t("…")`, `runtime.say("…", …)`, `i18n::format(locale, "…", …)`, …) is in the English catalogue, which every
//! other language matches (core's tests check that). A typo would otherwise show the id itself
//! on screen.

use super::checks::Source;
use std::collections::BTreeSet;

/// The English catalogue's file.
pub const CATALOGUE: &str = "core/src/i18n/en.rs";

/// The calls whose first string literal is a message id.
const CALLS: &[&str] = &[
    "words.t(",
    "words.f(",
    "words.n(",
    "w.t(",
    "w.f(",
    "w.n(",
    "i18n::format(",
    "i18n::plural(",
    "i18n::text(",
    ".say(",
    ".say_n(",
];

/// The ids the catalogue file defines: the first string of each `("id", "text")` entry.
fn defined(catalogue: &str) -> BTreeSet<&str> {
    catalogue
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("(\""))
        .filter_map(|rest| rest.split_once('"').map(|(id, _)| id))
        .collect()
}

/// The ids a source asks for, with their line numbers.
fn asked(text: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    for call in CALLS {
        for (at, _) in text.match_indices(call) {
            // `xw.t(` is some other receiver (a method call `.say(` takes any).
            let before = text[..at].chars().next_back();
            if !call.starts_with('.') && before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = &text[at + call.len()..];
            let Some(open) = rest.find('"') else { continue };
            // The id is the first argument, or the second after a locale.
            let head = &rest[..open];
            if head.contains(')') || head.contains('"') || head.len() > 40 {
                continue;
            }
            let Some(len) = rest[open + 1..].find('"') else {
                continue;
            };
            let line = text[..at].lines().count().max(1);
            found.push((line, &rest[open + 1..open + 1 + len]));
        }
    }
    found
}

/// Ids asked for in the web crate's sources that the catalogue lacks.
pub fn message_ids(files: &[Source]) -> Vec<String> {
    let Some(catalogue) = files.iter().find(|f| f.path == CATALOGUE) else {
        return vec![format!("{CATALOGUE}: the message catalogue is missing")];
    };
    let ids = defined(&catalogue.text);
    let mut problems = Vec::new();
    for file in files.iter().filter(|f| f.path.starts_with("src/")) {
        for (line, id) in asked(&file.text) {
            if !ids.contains(id) {
                problems.push(format!(
                    "{}:{line}: message {id:?} is not in {CATALOGUE}",
                    file.path
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::super::checks::src;
    use super::*;

    #[test]
    fn an_id_missing_from_the_catalogue_is_named_with_its_line() {
        let files = [
            src(CATALOGUE, "pub const M: &[(&str, &str)] = &[\n    (\"a.b\", \"A\"),\n];\n"),
            src(
                "src/ui/x.rs",
                "fn f() {\n    words.t(\"a.b\");\n    w.f(\"a.c\", &[]);\n    i18n::format(locale, \"a.b\", &[]);\n    runtime.say(\"a.d\", &[]);\n    box_.t(\"zz\");\n}\n",
            ),
        ];
        assert_eq!(
            message_ids(&files),
            [
                "src/ui/x.rs:3: message \"a.c\" is not in core/src/i18n/en.rs",
                "src/ui/x.rs:5: message \"a.d\" is not in core/src/i18n/en.rs"
            ]
        );
    }
}
