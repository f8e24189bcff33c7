//! The journal's stored form: how ops and task snapshots are written as text, which format
//! version wrote them, and how a snapshot and its journal replay into a task.
//!
//! A stored journal is user data: a person's unsaved-elsewhere work may sit in it for weeks, and
//! the build that reads it back may be many releases newer than the one that wrote it. So the
//! text is versioned ([`FORMAT`]), every reader goes through [`decode_op`] and
//! [`decode_snapshot`], and golden fixtures written by earlier releases
//! (`core/tests/journal/golden/`) must replay to the same tasks forever. A change to [`Op`] or
//! the model that would alter how old text reads must add a version here and keep reading the
//! old one.
//!
//! Rows written before versions were recorded carry no version; they are format 1.

use crate::document::Document;
use crate::history::Op;
use crate::model::Task;
use std::fmt;

/// The journal format this build writes. Format 1: an op is its JSON (`{"op": "add", …}`,
/// the serde form of [`Op`]); a snapshot is the task as Lasso JSON.
pub const FORMAT: u32 = 1;

/// Why stored journal text could not be read. The row is kept; the message names it.
#[derive(Clone, Debug, PartialEq)]
pub enum JournalError {
    /// Written by a newer build that this one cannot read.
    NewerFormat {
        /// The version the row says it was written with.
        found: u32,
    },
    /// The text is not a valid op or task of its format.
    Unreadable(String),
}

impl fmt::Display for JournalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JournalError::NewerFormat { found } => write!(
                f,
                "written by a newer Lasso (journal format {found}; this build reads up to {FORMAT})"
            ),
            JournalError::Unreadable(why) => write!(f, "unreadable: {why}"),
        }
    }
}

impl std::error::Error for JournalError {}

fn version_of(version: Option<u32>) -> Result<u32, JournalError> {
    match version.unwrap_or(1) {
        v @ 1..=FORMAT => Ok(v),
        found => Err(JournalError::NewerFormat { found }),
    }
}

/// The stored text of an op, in format [`FORMAT`].
pub fn encode_op(op: &Op) -> Result<String, JournalError> {
    serde_json::to_string(op).map_err(|e| JournalError::Unreadable(e.to_string()))
}

/// Reads an op written in format `version` (`None`: a row from before versions were recorded).
pub fn decode_op(version: Option<u32>, text: &str) -> Result<Op, JournalError> {
    // Format 1 is the only one so far; a format 2 reader branches on the version here.
    version_of(version)?;
    serde_json::from_str(text).map_err(|e| JournalError::Unreadable(e.to_string()))
}

/// The stored text of a task snapshot, in format [`FORMAT`].
pub fn encode_snapshot(task: &Task) -> Result<String, JournalError> {
    serde_json::to_string(task).map_err(|e| JournalError::Unreadable(e.to_string()))
}

/// Reads a snapshot written in format `version` (`None`: from before versions were recorded).
pub fn decode_snapshot(version: Option<u32>, text: &str) -> Result<Task, JournalError> {
    // Format 1 is the only one so far; a format 2 reader branches on the version here.
    version_of(version)?;
    serde_json::from_str(text).map_err(|e| JournalError::Unreadable(e.to_string()))
}

/// One stored journal row as the replay needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry<'a> {
    /// The row's sequence number (journal order).
    pub seq: f64,
    /// The format version the row records (`None` before versions were recorded).
    pub version: Option<u32>,
    /// The op's stored text.
    pub op: &'a str,
}

/// A snapshot with its journal replayed.
#[derive(Clone, Debug)]
pub struct Replayed {
    /// The task with every applicable op applied, in journal order, indexed.
    pub document: Document,
    /// One message per row that could not be read or no longer applies (the row stays stored
    /// and is reported on every load rather than dropped once).
    pub skipped: Vec<String>,
    /// The sequence numbers of the rows replayed over the snapshot, in order.
    pub replayed: Vec<f64>,
    /// The highest sequence number folded into `task` (snapshot or journal).
    pub seq: f64,
}

/// Replays `entries` (in journal order) over a snapshot that already includes every row up to
/// `snapshot_seq`; rows at or below it were folded in by a compaction that has not deleted
/// them yet and are passed over.
pub fn replay<'a>(
    task: Task,
    snapshot_seq: f64,
    entries: impl IntoIterator<Item = Entry<'a>>,
) -> Replayed {
    let mut doc = Document::new(task);
    let mut skipped = Vec::new();
    let mut replayed = Vec::new();
    let mut seq = snapshot_seq;
    for entry in entries {
        if entry.seq <= snapshot_seq {
            continue;
        }
        replayed.push(entry.seq);
        seq = seq.max(entry.seq);
        let applied = decode_op(entry.version, entry.op)
            .map_err(|e| e.to_string())
            .and_then(|op| op.apply(&mut doc).map_err(|e| e.to_string()));
        if let Err(e) = applied {
            skipped.push(format!("journal entry {}: {e}", entry.seq));
        }
    }
    Replayed {
        document: doc,
        skipped,
        replayed,
        seq,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_without_a_version_are_format_1_and_newer_ones_are_refused_by_name() {
        let op = Op::SetTags {
            before: vec![],
            after: vec!["day".into()],
        };
        let text = encode_op(&op).unwrap();
        assert_eq!(decode_op(None, &text).unwrap(), op);
        assert_eq!(decode_op(Some(1), &text).unwrap(), op);
        let err = decode_op(Some(FORMAT + 1), &text).unwrap_err();
        assert_eq!(err, JournalError::NewerFormat { found: FORMAT + 1 });
        assert!(err.to_string().contains("newer Lasso"), "{err}");
        assert!(decode_op(Some(0), &text).is_err());
    }

    #[test]
    fn unreadable_rows_are_skipped_with_their_sequence_number_and_the_rest_applies() {
        let task = Task::default();
        let good = encode_op(&Op::SetTags {
            before: vec![],
            after: vec!["a".into()],
        })
        .unwrap();
        let out = replay(
            task,
            1.0,
            [
                Entry {
                    seq: 1.0,
                    version: None,
                    op: "folded, never read",
                },
                Entry {
                    seq: 2.0,
                    version: None,
                    op: "{not json",
                },
                Entry {
                    seq: 3.0,
                    version: Some(1),
                    op: &good,
                },
            ],
        );
        assert_eq!(out.document.task().tags, vec!["a".to_string()]);
        assert_eq!(out.replayed, vec![2.0, 3.0]);
        assert_eq!(out.seq, 3.0);
        assert_eq!(out.skipped.len(), 1);
        assert!(out.skipped[0].starts_with("journal entry 2: unreadable"));
    }
}
