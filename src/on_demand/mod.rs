//! What loads on first use. Each function here is a split point: `cargo xtask wasm` moves it,
//! and all code only it reaches, into a wasm chunk of its own that is fetched the first time it
//! is called and shares the main module's memory, so the first screen downloads only the
//! editor. The chunks: [`formats`] (dataset formats in and out, zip archives), [`pixels`]
//! (image codecs: TIFF display, tiled TIFF tiles, tile pyramids, preprocessing and
//! augmentation, pixel checks; and apart, `tiles`: opening and showing a tiled image, its Deep
//! Zoom or IIIF descriptor or its TIFF directories, and its tiles each frame), [`languages`]
//! (the catalogues other than English; and apart, `words`: the English words only the parts
//! loaded on demand show), [`pixel_tools`] (the brush, eraser, wand, segmentation and
//! scissors), and, declared with `split!` where they are used, `panels` (the toolbar's panels,
//! the help, the team's screens), `side` (the side bar, the image strip, the minimap, the tool
//! settings, the list of local datasets), `ml` (asking a model backend), `cloud` (sending the
//! upload queue, `cloud/upload.rs`, the bucket's controls, the host's `cloudTasks`), `queue`
//! (the host's `pendingUploads`, apart from `cloud` so that it answers while that cannot be
//! fetched), `keys` (remapping hotkeys: the `hotkeys` option and `setHotkeys`) and `team` (the
//! team's controllers, `app/remote.rs`, and the host's `project()`); `formats` also writes
//! `exportAs("lasso")`, runs the host's `exportZip` and "Export everything", and `tiles` opens
//! local images (`view/local_tiles.rs`). `mount` fetches `formats`, `side`, `pixel_tools`,
//! `words` and `keys` beside the first screen and resolves once they are in. Async work is made
//! in its chunk as a [`Later`] future, so its polling is fetched with the chunk too.
//! [`json`] reads JSON without path tracking; the formats chunk places a bad value.
//!
//! Every entry point is `async` and fails with [`NotLoaded`] when its chunk cannot be fetched
//! (offline before it was ever used): nothing is changed then, and the call can be repeated.
//! Sync host methods (`exportAs`, `loadPredictions`, `setHotkeys`) use chunks that `mount`
//! loads before it resolves (see [`formats::preload`]).

/// Declares a split point: `chunk[, preload name];` then the function, which returns
/// `Result<_, NotLoaded>`. It becomes an `async fn` that loads its chunk and then runs; with the
/// crate feature `whole` (the browser tests, whose runner cannot serve chunks) the same `async
/// fn` runs in place. `preload name` also declares `name()`, which loads the chunk for this
/// function only, so that [`at_once`] answers at once afterwards.
macro_rules! split {
    (
        $chunk:ident $(, preload $preload:ident)? ;
        $(#[$meta:meta])*
        $vis:vis fn $name:ident ( $($args:tt)* ) -> $ret:ty $body:block
    ) => {
        #[cfg(not(feature = "whole"))]
        #[wasm_split_helpers::wasm_split(
            $chunk,
            fallible
            $(, preload(#[doc = "Loads this function's chunk."] $preload))?
        )]
        $(#[$meta])*
        $vis fn $name($($args)*) -> $ret $body

        #[cfg(feature = "whole")]
        $(#[$meta])*
        $vis async fn $name($($args)*) -> $ret $body

        $(
            #[cfg(feature = "whole")]
            #[doc = "Nothing to load in a whole build."]
            $vis async fn $preload() -> Result<(), wasm_split_helpers::SplitLoaderError> {
                Ok(())
            }
        )?
    };
}

pub(crate) use split;

pub mod formats;
pub mod json;
pub mod languages;
pub mod pixel_tools;
pub mod pixels;

use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// Work under way whose code is in a chunk: a split function makes the future there, so its
/// polling, and all it calls, is fetched with the chunk rather than with the main module.
pub type Later<T> = Pin<Box<dyn Future<Output = T>>>;

/// A chunk could not be fetched or instantiated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotLoaded;

impl From<wasm_split_helpers::SplitLoaderError> for NotLoaded {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
        NotLoaded
    }
}

impl fmt::Display for NotLoaded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("part of the editor could not be downloaded (offline?): try again")
    }
}

impl From<NotLoaded> for String {
    fn from(e: NotLoaded) -> Self {
        e.to_string()
    }
}

/// Polls a split call once: its answer when the chunk is already loaded (the call then runs
/// at once), `None` while it is still loading.
pub fn at_once<T>(call: impl std::future::Future<Output = T>) -> Option<T> {
    use futures::FutureExt;
    call.now_or_never()
}
