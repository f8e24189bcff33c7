//! The JSON arguments of the JS API (mount options, tasks, zip options, hotkeys, tags), read
//! with `serde_json` alone; a bad one is read again in the `formats` chunk to name the path of
//! the bad value (see `crate::on_demand::json`). Zip options are read in that chunk at once.

use super::{HotkeySpec, MountOptions};
use crate::datasets::ZipOptions;
use crate::on_demand::json::{message, path_of};
use crate::on_demand::{at_once, split, NotLoaded};
use lasso_core::model::Task;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use wasm_bindgen::JsValue;

/// The type an argument is read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Arg {
    /// `mount`'s options.
    Options,
    /// A task (`loadTask`, `options.task`).
    Task,
    /// A hotkey map (`setHotkeys`).
    Hotkeys,
    /// A list of tags (`uploadImage`).
    Tags,
}

split! {
    formats, preload preload_bad_path;
    /// Where reading `text` as `arg` fails.
    pub(super) fn bad_path(arg: Arg, text: String) -> Result<Option<String>, NotLoaded> {
        Ok(match arg {
            Arg::Options => path_of::<MountOptions>(&text),
            Arg::Task => path_of::<Task>(&text),
            Arg::Hotkeys => path_of::<BTreeMap<String, HotkeySpec>>(&text),
            Arg::Tags => path_of::<Vec<String>>(&text),
        })
    }
}

split! {
    formats;
    /// `exportZip`'s options read from `text`, in the formats chunk with the pipeline's readers
    /// (only an export needs them); a bad text is named as [`read`] names it.
    pub(super) fn zip_options(text: String) -> Result<Result<ZipOptions, String>, NotLoaded> {
        Ok(serde_json::from_str(&text).map_err(|e| {
            message("options", &e, path_of::<ZipOptions>(&text).as_deref())
        }))
    }
}

/// A JS value as JSON text.
pub(super) fn json_text(what: &str, value: &JsValue) -> Result<String, JsValue> {
    js_sys::JSON::stringify(value)
        .map(String::from)
        .map_err(|_| JsValue::from_str(&format!("{what} is not JSON-serialisable")))
}

/// Reads `text` as `T` (the type `arg` names); the error names `what` and, once the formats
/// chunk is in, the path of the bad value.
pub(super) fn read<T: DeserializeOwned>(what: &str, arg: Arg, text: &str) -> Result<T, JsValue> {
    serde_json::from_str(text).map_err(|e| {
        let path = at_once(bad_path(arg, text.to_string()))
            .and_then(Result::ok)
            .flatten();
        JsValue::from_str(&message(what, &e, path.as_deref()))
    })
}

/// [`read`], fetching the formats chunk first if the text is bad (for `mount`, which runs
/// before the chunk is in).
pub(super) async fn read_loading<T: DeserializeOwned>(
    what: &str,
    arg: Arg,
    text: &str,
) -> Result<T, JsValue> {
    match serde_json::from_str(text) {
        Ok(value) => Ok(value),
        Err(e) => {
            let path = bad_path(arg, text.to_string()).await.ok().flatten();
            Err(JsValue::from_str(&message(what, &e, path.as_deref())))
        }
    }
}

/// Reads a JS value as `T` (see [`read`]).
pub(super) fn from_js<T: DeserializeOwned>(
    what: &str,
    arg: Arg,
    value: &JsValue,
) -> Result<T, JsValue> {
    read(what, arg, &json_text(what, value)?)
}
