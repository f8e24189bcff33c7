//! Object keys in the form the presign protocol accepts: the one statement of the rule, which
//! the client uses to build keys and `lasso-server` to check them.
//!
//! The protocol checks keys and never repairs them (see `docs/presign.md`): each `/`-separated
//! segment is 1–128 characters of `A–Z a–z 0–9 - _ .` not starting with `.`; a key has at most
//! 16 segments and 512 bytes. That single rule refuses, without special cases, every way to
//! climb out of a prefix: `..` and `.` segments, absolute keys (`/a`), empty segments (`a//b`),
//! backslashes, percent-encoding (`%2e%2e`), control characters and Unicode look-alikes. So
//! the client checks ids it is given and maps free-form file names to that form itself.

use std::fmt;

/// Longest segment the protocol accepts, in bytes.
pub const MAX_SEGMENT: usize = 128;

/// Longest key accepted, in bytes (S3 allows 1,024; room is kept for prefixes added later).
pub const MAX_KEY_LEN: usize = 512;

/// Most segments a key may have.
pub const MAX_SEGMENTS: usize = 16;

/// Why a key cannot be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyError {
    /// What the offending value is (`task id`, `user`...).
    pub what: &'static str,
    /// The value.
    pub value: String,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:?} cannot be part of an object key: use 1–{MAX_SEGMENT} characters of A–Z a–z 0–9 - _ . not starting with '.'",
            self.what, self.value
        )
    }
}

impl std::error::Error for KeyError {}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// Checks one key segment (also user names and task ids), saying exactly why it is refused.
pub fn check_segment(seg: &str) -> Result<(), String> {
    if seg.is_empty() {
        return Err("empty segment (leading, trailing or doubled '/')".into());
    }
    if seg.len() > MAX_SEGMENT {
        return Err(format!("segment longer than {MAX_SEGMENT} bytes"));
    }
    if seg.starts_with('.') {
        return Err("segment starts with '.' ('.', '..' and hidden names are refused)".into());
    }
    if let Some(c) = seg.chars().find(|c| !is_key_char(*c)) {
        return Err(format!(
            "character {:?} (U+{:04X}) is not allowed; use ASCII letters, digits, '-', '_' and '.'",
            c, c as u32
        ));
    }
    Ok(())
}

/// Whether `segment` is one valid key segment.
pub fn is_valid_segment(segment: &str) -> bool {
    check_segment(segment).is_ok()
}

/// Checks a whole key, saying exactly why it is refused.
pub fn check_key(raw: &str) -> Result<(), String> {
    if raw.is_empty() {
        return Err("key is empty".into());
    }
    if raw.len() > MAX_KEY_LEN {
        return Err(format!(
            "key is {} bytes long, the limit is {MAX_KEY_LEN}",
            raw.len()
        ));
    }
    let segments: Vec<&str> = raw.split('/').collect();
    if segments.len() > MAX_SEGMENTS {
        return Err(format!(
            "key has {} segments, the limit is {MAX_SEGMENTS}",
            segments.len()
        ));
    }
    for (i, seg) in segments.iter().enumerate() {
        check_segment(seg).map_err(|why| format!("key segment {} is invalid: {why}", i + 1))?;
    }
    Ok(())
}

fn checked<'a>(what: &'static str, value: &'a str) -> Result<&'a str, KeyError> {
    if is_valid_segment(value) {
        Ok(value)
    } else {
        Err(KeyError {
            what,
            value: value.to_string(),
        })
    }
}

/// Where one annotator's result for one task goes: `target/<task>/<user>.json`.
pub fn result_key(task_id: &str, user: &str) -> Result<String, KeyError> {
    let task = checked("task id", task_id)?;
    let user = checked("user", user)?;
    Ok(format!("target/{task}/{user}.json"))
}

/// Maps a free-form file name to a valid key segment: characters outside the allowed set become
/// `-`, leading dots are dropped, the result is cut to [`MAX_SEGMENT`] bytes keeping the
/// extension; an empty result becomes `file`. Keep the original name elsewhere (the manifest's
/// `image.name`).
pub fn key_segment(name: &str) -> String {
    let mapped: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mapped = mapped.trim_start_matches('.');
    if mapped.is_empty() {
        return "file".to_string();
    }
    if mapped.len() <= MAX_SEGMENT {
        return mapped.to_string();
    }
    let extension = mapped
        .rfind('.')
        .map(|i| &mapped[i..])
        .filter(|e| e.len() <= 16)
        .unwrap_or("");
    format!("{}{extension}", &mapped[..MAX_SEGMENT - extension.len()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn result_key_follows_the_layout() {
        assert_eq!(
            result_key("IMG_0001", "alice").unwrap(),
            "target/IMG_0001/alice.json"
        );
    }

    #[test]
    fn result_key_refuses_escapes_and_names_the_part() {
        for bad in ["..", "a/b", "", ".hidden", "ünïcode", "a b"] {
            let err = result_key(bad, "alice").unwrap_err();
            assert_eq!(err.what, "task id");
            assert!(err.to_string().contains("task id"));
        }
        assert_eq!(result_key("t", "../root").unwrap_err().what, "user");
    }

    #[test]
    fn file_names_map_to_segments() {
        assert_eq!(key_segment("IMG 0001 (copy).JPG"), "IMG-0001--copy-.JPG");
        assert_eq!(key_segment("..secret"), "secret");
        assert_eq!(key_segment("..."), "file");
        assert_eq!(key_segment("фото.png"), "----.png");
        let long = format!("{}.jpeg", "a".repeat(300));
        let seg = key_segment(&long);
        assert_eq!(seg.len(), MAX_SEGMENT);
        assert!(seg.ends_with(".jpeg"));
    }

    proptest! {
        #[test]
        fn any_name_maps_to_a_valid_segment(name in ".{0,400}") {
            let seg = key_segment(&name);
            prop_assert!(is_valid_segment(&seg), "{:?} -> {:?}", name, seg);
        }

        #[test]
        fn valid_segments_map_to_themselves(seg in "[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}") {
            prop_assert_eq!(key_segment(&seg), seg);
        }
    }
}
