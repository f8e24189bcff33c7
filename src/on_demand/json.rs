//! JSON read without tracking where the reader is. Reading with `serde_path_to_error` on every
//! read would carry a second reader of each type in the first download; instead the main
//! module reads with `serde_json` alone, and only a text that fails is read again, in the
//! `formats` chunk, to name the path of the bad value (`tasks[0].image.width`).
//!
//! The error itself is the same either way (`serde_path_to_error` wraps `serde_json`'s), so
//! the chunk only adds the path; when the chunk is not loaded yet (see
//! [`super::formats::preload`]) the message names the line and column instead.

use super::{at_once, NotLoaded};
use lasso_core::model::{Label, Task};
use serde::de::DeserializeOwned;

/// A type of the core whose bad JSON the formats chunk can place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A task (Lasso JSON of one image).
    Task,
    /// A list of label classes.
    Labels,
}

/// Reads `text` as `T`, which must be the type `shape` names; a bad text gets an error that
/// starts with `what` and names the bad value's path and what is wrong with it.
pub fn read<T: DeserializeOwned>(what: &str, shape: Shape, text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| {
        let path = at_once(bad_path(shape, text.to_string()))
            .and_then(Result::ok)
            .flatten();
        message(what, &e, path.as_deref())
    })
}

/// The message of a bad JSON text: with the path of the bad value when it is known, with its
/// line and column (which `serde_json`'s error carries) otherwise.
pub fn message(what: &str, error: &serde_json::Error, path: Option<&str>) -> String {
    match path {
        Some(path) => format!("{what}: invalid value at {path}: {error}"),
        None => format!("{what}: {error}"),
    }
}

/// Where reading `text` as `T` fails: `serde_path_to_error`'s path (`labels[2].name`, `.` for
/// the whole text), `None` if it reads. Only split functions call it, so its readers stay in
/// their chunk.
pub fn path_of<T: DeserializeOwned>(text: &str) -> Option<String> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize::<_, T>(de)
        .err()
        .map(|e| e.path().to_string())
}

split! {
    formats, preload preload_bad_path;
    /// Where reading `text` as `shape` fails (see [`path_of`]).
    pub fn bad_path(shape: Shape, text: String) -> Result<Option<String>, NotLoaded> {
        Ok(match shape {
            Shape::Task => path_of::<Task>(&text),
            Shape::Labels => path_of::<Vec<Label>>(&text),
        })
    }
}
