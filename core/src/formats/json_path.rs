//! Reading loosely-typed JSON with errors that name the JSON path of what is wrong
//! (`$[3].annotations[0].result[2].value.x`).
//!
//! Importers of formats written by other tools (Label Studio) walk a `serde_json::Value` with
//! these helpers instead of deriving strict types, so that they can tolerate extra and missing
//! fields the way the real tools do and still say exactly where a required value is bad.

use super::FormatError;
use serde_json::{Map, Value};

/// A JSON value together with its path from the document root and the file it came from.
#[derive(Clone)]
pub(crate) struct At<'a> {
    /// The value.
    pub value: &'a Value,
    path: String,
    file: &'a str,
}

/// A child value is an [`At`] too; the name reads better where children are listed.
pub(crate) type Child<'a> = At<'a>;

impl<'a> At<'a> {
    /// The document root of `file`.
    pub fn root(value: &'a Value, file: &'a str) -> Self {
        At {
            value,
            path: "$".into(),
            file,
        }
    }

    /// The document root as a child (for a document that is a single task, say).
    pub fn whole(value: &'a Value, file: &'a str) -> Self {
        Self::root(value, file)
    }

    /// Itself (children and roots are the same type).
    pub fn at(&self) -> &Self {
        self
    }

    /// An error at this value.
    pub fn error(&self, message: impl Into<String>) -> FormatError {
        FormatError::at(self.file, self.path.clone(), message)
    }

    /// An error at the member `key` of this value.
    pub fn error_at(&self, key: &str, message: impl Into<String>) -> FormatError {
        FormatError::at(self.file, format!("{}.{key}", self.path), message)
    }

    /// The object member `key`, if this is an object that has it and it is not null.
    pub fn get(&self, key: &str) -> Option<Child<'a>> {
        let value = self.value.as_object()?.get(key)?;
        if value.is_null() {
            return None;
        }
        Some(At {
            value,
            path: format!("{}.{key}", self.path),
            file: self.file,
        })
    }

    /// This value as an object, or an error.
    pub fn object(&self) -> Result<&'a Map<String, Value>, FormatError> {
        self.value
            .as_object()
            .ok_or_else(|| self.error(format!("expected an object, found {}", kind(self.value))))
    }

    /// This value's elements as children, or an error if it is not an array.
    pub fn items(&self) -> Result<Vec<Child<'a>>, FormatError> {
        let items = self
            .value
            .as_array()
            .ok_or_else(|| self.error(format!("expected an array, found {}", kind(self.value))))?;
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, value)| At {
                value,
                path: format!("{}[{i}]", self.path),
                file: self.file,
            })
            .collect())
    }

    /// The elements of member `key` (an empty list when it is absent).
    pub fn items_of(&self, key: &str) -> Result<Vec<Child<'a>>, FormatError> {
        match self.get(key) {
            Some(child) => child.at().items(),
            None => Ok(Vec::new()),
        }
    }

    /// This value as a finite number, or an error.
    pub fn number(&self) -> Result<f64, FormatError> {
        match self.value.as_f64() {
            Some(v) if v.is_finite() => Ok(v),
            _ => Err(self.error(format!("expected a number, found {}", kind(self.value)))),
        }
    }

    /// Member `key` as a finite number, or an error (also when it is missing).
    pub fn number_of(&self, key: &str) -> Result<f64, FormatError> {
        match self.get(key) {
            Some(child) => child.at().number(),
            None => Err(self.error_at(key, "missing number")),
        }
    }

    /// Member `key` as a finite number when present.
    pub fn opt_number(&self, key: &str) -> Result<Option<f64>, FormatError> {
        self.get(key).map(|c| c.at().number()).transpose()
    }

    /// Member `key` as a string when present (numbers are written out, as ids often are).
    pub fn opt_string(&self, key: &str) -> Result<Option<String>, FormatError> {
        match self.get(key) {
            None => Ok(None),
            Some(child) => match child.value {
                Value::String(s) => Ok(Some(s.clone())),
                Value::Number(n) => Ok(Some(n.to_string())),
                other => Err(child
                    .at()
                    .error(format!("expected a string, found {}", kind(other)))),
            },
        }
    }
}

/// A word for the kind of a JSON value, for messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
