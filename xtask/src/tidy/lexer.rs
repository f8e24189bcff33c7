//! Just enough of Rust's lexical structure for tidy's checks: code with comments, strings
//! and character literals blanked out (so a `{` or `unwrap()` inside them is not code), and
//! the items behind `#[cfg(test)]` removed.

/// `text` with every comment, string and character literal replaced by spaces (newlines
/// kept, so line numbers stay right).
pub fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |out: &mut String, s: &str| {
        out.extend(s.chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
    };
    while i < b.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            let end = rest.find('\n').unwrap_or(rest.len());
            blank(&mut out, &rest[..end]);
            i += end;
        } else if rest.starts_with("/*") {
            let end = block_comment_end(rest);
            blank(&mut out, &rest[..end]);
            i += end;
        } else if let Some(len) = raw_string_len(rest) {
            blank(&mut out, &rest[..len]);
            i += len;
        } else if rest.starts_with('"') || rest.starts_with("b\"") {
            let start = usize::from(rest.starts_with('b'));
            let len = quoted_len(&rest[start..], '"') + start;
            blank(&mut out, &rest[..len]);
            i += len;
        } else if let Some(len) = char_literal_len(rest) {
            blank(&mut out, &rest[..len]);
            i += len;
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Length of a (nested) block comment at the start of `s`.
fn block_comment_end(s: &str) -> usize {
    let mut depth = 0;
    let mut i = 0;
    while i < s.len() {
        if s[i..].starts_with("/*") {
            depth += 1;
            i += 2;
        } else if s[i..].starts_with("*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += s[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    s.len()
}

/// Length of a quoted literal starting with `quote` at the start of `s` (escapes honoured).
fn quoted_len(s: &str, quote: char) -> usize {
    let mut chars = s.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            chars.next();
        } else if c == quote {
            return i + c.len_utf8();
        }
    }
    s.len()
}

/// Length of a raw string (`r"…"`, `r#"…"#`, `br#"…"#`) at the start of `s`.
fn raw_string_len(s: &str) -> Option<usize> {
    let body = s.strip_prefix("br").or_else(|| s.strip_prefix('r'))?;
    let hashes = body.len() - body.trim_start_matches('#').len();
    let after = &body[hashes..];
    if !after.starts_with('"') {
        return None;
    }
    let close = format!("\"{}", "#".repeat(hashes));
    let prefix = s.len() - body.len() + hashes + 1;
    let end = after[1..].find(&close)?;
    Some(prefix + end + close.len())
}

/// Length of a character literal at the start of `s` (`'a'`, `'\n'`, `'{'`), or `None` for a
/// lifetime or label (`'a`).
fn char_literal_len(s: &str) -> Option<usize> {
    let (prefix, body) = match s.strip_prefix('b') {
        Some(rest) if rest.starts_with('\'') => (1, rest),
        _ => (0, s),
    };
    let rest = body.strip_prefix('\'')?;
    let mut chars = rest.chars();
    let first = chars.next()?;
    if first == '\\' {
        return Some(prefix + quoted_len(body, '\''));
    }
    (chars.next() == Some('\'')).then(|| prefix + 2 + first.len_utf8())
}

/// Lines of `code` (from [`code_only`]) with the items under `#[cfg(test)]` blanked: a module
/// `mod x { … }` or `mod x;`, a function or an `impl` block.
pub fn without_tests(code: &str) -> String {
    let mut out: Vec<char> = code.chars().collect();
    let text: String = code.to_string();
    let mut from = 0;
    while let Some(at) = text[from..].find("#[cfg(test)]").map(|i| i + from) {
        let after = at + "#[cfg(test)]".len();
        // The item ends at its first `;` before any `{`, or at the `}` matching its first `{`.
        let mut depth = 0usize;
        let mut end = text.len();
        for (i, c) in text[after..].char_indices() {
            match c {
                ';' if depth == 0 => {
                    end = after + i + 1;
                    break;
                }
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = after + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        let start_char = text[..at].chars().count();
        let end_char = text[..end].chars().count();
        for c in &mut out[start_char..end_char] {
            if *c != '\n' {
                *c = ' ';
            }
        }
        from = end;
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_comments_and_chars_are_blanked_but_lines_kept() {
        let src = "let a = \"x.unwrap() {\"; // y.unwrap()\nlet c = '{'; /* z\n.unwrap() */ f(r#\"}\"#);\nlet l: &'a str = s;";
        let code = code_only(src);
        assert_eq!(code.lines().count(), src.lines().count());
        assert!(!code.contains("unwrap"), "{code}");
        assert!(!code.contains('{') && !code.contains('}'), "{code}");
        assert!(code.contains("&'a str"), "lifetimes stay: {code}");
    }

    #[test]
    fn test_items_are_removed_whatever_their_form() {
        let src = "fn a() { x.unwrap(); }\n#[cfg(test)]\nmod tests {\n fn t() { if y { z.unwrap(); } }\n}\n#[cfg(test)]\nmod more;\nfn b() {}\n";
        let kept = without_tests(&code_only(src));
        assert_eq!(kept.matches("unwrap").count(), 1);
        assert!(kept.contains("fn b()"));
        assert!(!kept.contains("mod more"));
        assert_eq!(kept.lines().count(), src.lines().count());
    }
}
