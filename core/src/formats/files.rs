//! Datasets as files in memory: what an importer reads and what an exporter writes.

use super::FormatError;
use std::collections::BTreeMap;

/// Files by `/`-separated path relative to the dataset root, with their bytes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileTree {
    files: BTreeMap<String, Vec<u8>>,
}

impl FileTree {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a file.
    pub fn insert(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), bytes.into());
    }

    /// The bytes of a file, if present.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// The file as UTF-8 text (a leading byte-order mark is skipped), or an error naming it.
    pub fn text(&self, path: &str) -> Result<&str, FormatError> {
        let bytes = self
            .get(path)
            .ok_or_else(|| FormatError::file(path, "file not found"))?;
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        std::str::from_utf8(bytes).map_err(|e| {
            FormatError::at(path, format!("byte {}", e.valid_up_to()), "not UTF-8 text")
        })
    }

    /// Every path, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Every (path, bytes), sorted by path.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(p, b)| (p.as_str(), b.as_slice()))
    }

    /// How many files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// An image found in a dataset folder: its path and pixel size (read from its header).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageFile {
    /// `/`-separated path relative to the dataset root.
    pub path: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// What an importer reads: the annotation files and the images of a dataset folder.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DatasetFiles {
    /// Annotation files (JSON, XML, TXT, YAML, CSV, mask PNGs), not the images.
    pub files: FileTree,
    /// The images, by path.
    pub images: BTreeMap<String, ImageFile>,
}

/// What an exporter writes: annotation files, and where each task's image goes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Export {
    /// Annotation files by path.
    pub files: FileTree,
    /// `(task id, path)`: the image of that task belongs at that path in the new layout.
    pub images: Vec<(String, String)>,
}
