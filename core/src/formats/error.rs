//! The one error type of every importer and exporter: where (file, line or JSON path) and what.

use super::FormatName;
use std::fmt;

/// A dataset file that cannot be read or a dataset that cannot be written, with its place.
#[derive(Clone, Debug, PartialEq)]
pub struct FormatError {
    /// The file, relative to the dataset root (empty when the error is about the whole dataset).
    pub file: String,
    /// Where in the file: `line 12`, `$.annotations[3].bbox`, … (empty when the whole file).
    pub location: String,
    /// What is wrong, in words a user can act on.
    pub message: String,
}

impl FormatError {
    /// An error about `file` at `location`.
    pub fn at(
        file: impl Into<String>,
        location: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            file: file.into(),
            location: location.into(),
            message: message.into(),
        }
    }

    /// An error about a whole file.
    pub fn file(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self::at(file, "", message)
    }

    /// An error about the dataset as a whole.
    pub fn dataset(message: impl Into<String>) -> Self {
        Self::at("", "", message)
    }

    /// A format that cannot do `what` (import or export).
    pub fn unsupported(format: FormatName, what: &str) -> Self {
        Self::dataset(format!("{what} as {format} is not supported"))
    }

    /// The error for a JSON file that serde could not read, with serde's line and column.
    pub fn json(file: impl Into<String>, err: &serde_json::Error) -> Self {
        Self::at(
            file,
            format!("line {}, column {}", err.line(), err.column()),
            err.to_string(),
        )
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.file.is_empty(), self.location.is_empty()) {
            (true, _) => write!(f, "{}", self.message),
            (false, true) => write!(f, "{}: {}", self.file, self.message),
            (false, false) => write!(f, "{}: {}: {}", self.file, self.location, self.message),
        }
    }
}

impl std::error::Error for FormatError {}
