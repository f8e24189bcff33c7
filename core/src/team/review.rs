//! Review of submitted work: a reviewer accepts a task (one result becomes the accepted one,
//! what dataset exports use) or rejects one person's result with a comment and issues pinned
//! to points or shapes; the person gets the task back for rework, resolves the issues and
//! submits again.
//!
//! Where it lives (see [`super::layout`]): `state/review/<t>/<u>.json` the latest review of
//! u's result of t ([`ReviewRecord`]); `state/rework/<u>/<t>` while u owes a rework (listed by
//! "next task", removed on resubmission or acceptance); `state/accepted/<t>.json` the
//! acceptance ([`AcceptedRecord`]) and `accepted/<t>.json` the accepted result itself;
//! `state/gold/<t>/<u>.json` how u did on gold task t ([`GoldScore`]).
//! Whether a submission waits for review is read from listings alone ([`person_status`]).

use serde::{Deserialize, Serialize};

use super::wire::{TaskGrant, TaskStatus};

/// A problem a reviewer pins on the image: at a point, on a shape when there is one there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Issue {
    /// Its id within the review (`i1`, `i2`, …).
    pub id: String,
    /// Where, in image pixels.
    pub x: f64,
    /// Where, in image pixels.
    pub y: f64,
    /// The shape it is about, if it was pinned on one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotation: Option<String>,
    /// What is wrong ("missing car here").
    pub text: String,
    /// The annotator marked it fixed.
    #[serde(default)]
    pub resolved: bool,
}

/// What a reviewer decided about one person's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The task was accepted (with this or another result).
    Accepted,
    /// Sent back for rework.
    Rejected,
}

/// `state/review/<t>/<u>.json`: the latest review of u's result of t.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewRecord {
    /// Whose result.
    pub user: String,
    /// The decision.
    pub decision: Decision,
    /// The reviewer.
    pub by: String,
    /// When (RFC 3339).
    pub at: String,
    /// The reviewer's comment.
    #[serde(default)]
    pub comment: String,
    /// Issues pinned on the image.
    #[serde(default)]
    pub issues: Vec<Issue>,
    /// How many times this result was sent back, all told (kept across later reviews).
    #[serde(default)]
    pub rejections: u32,
}

pub use crate::quality::report::GoldScore;

/// `state/accepted/<t>.json`: who accepted the task, whose result, and whose work it covers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AcceptedRecord {
    /// The reviewer.
    pub by: String,
    /// Whose result became the accepted one (the reviewer's own when they corrected it).
    pub from: String,
    /// When (RFC 3339).
    pub at: String,
    /// The people whose submissions the acceptance closes.
    pub people: Vec<String>,
}

/// `reject` body: send `user`'s result back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RejectRequest {
    /// Whose result.
    pub user: String,
    /// Why, in general.
    #[serde(default)]
    pub comment: String,
    /// Where, in particular.
    #[serde(default)]
    pub issues: Vec<Issue>,
}

/// `accept` body: make `from`'s result of the task the accepted one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptRequest {
    /// Whose result (an annotator's, or the reviewer's own corrected copy).
    pub from: String,
}

/// One task in the review queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueEntry {
    /// The task.
    pub task: String,
    /// Everyone who submitted it, with their status.
    pub people: Vec<super::wire::PersonStatus>,
    /// Whether every annotator slot (the overlap) is submitted.
    pub complete: bool,
}

/// `GET …/review` answer: tasks waiting for a reviewer, complete ones first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewQueue {
    /// The tasks.
    pub tasks: Vec<QueueEntry>,
}

/// One person's result of a task, for the review screen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultRef {
    /// Whose.
    pub user: String,
    /// A presigned `GET` of it.
    pub url: String,
    /// Their status.
    pub status: TaskStatus,
    /// The latest review of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewRecord>,
}

/// `GET …/tasks/<t>/review` answer: everything the review screen shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewBundle {
    /// The reviewer's own copy of the task (their corrections are a result like any other).
    pub grant: TaskGrant,
    /// Every submitted result.
    pub results: Vec<ResultRef>,
    /// The acceptance, if the task was accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<AcceptedRecord>,
    /// A presigned `GET` of the accepted result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_url: Option<String>,
}

/// One accepted result, for exports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptedEntry {
    /// The task.
    pub task: String,
    /// A presigned `GET` of `accepted/<t>.json`.
    pub url: String,
}

/// `GET …/accepted` answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptedList {
    /// Every accepted task, by id.
    pub tasks: Vec<AcceptedEntry>,
}

/// Where a submitted result stands, from listings: `done` when the person last submitted,
/// `accepted` when the task was last accepted, and whether a rework marker is there (all
/// seconds since the epoch). A submission after the acceptance waits for review again.
pub fn person_status(done: i64, accepted: Option<i64>, rework: bool) -> TaskStatus {
    match accepted {
        Some(at) if at >= done => TaskStatus::Accepted,
        _ if rework => TaskStatus::Rework,
        _ => TaskStatus::Submitted,
    }
}

/// The next id for an issue among `existing` (`i1`, `i2`, …).
pub fn next_issue_id(existing: &[Issue]) -> String {
    let max = existing
        .iter()
        .filter_map(|i| i.id.strip_prefix('i')?.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    format!("i{}", max + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_follows_the_latest_event() {
        assert_eq!(person_status(10, None, false), TaskStatus::Submitted);
        assert_eq!(person_status(10, None, true), TaskStatus::Rework);
        assert_eq!(person_status(10, Some(12), true), TaskStatus::Accepted);
        assert_eq!(person_status(10, Some(10), false), TaskStatus::Accepted);
        // Resubmitted after the acceptance: back in the queue.
        assert_eq!(person_status(15, Some(12), false), TaskStatus::Submitted);
    }

    #[test]
    fn issue_ids_count_up_and_bodies_read_back() {
        let issue = |id: &str| Issue {
            id: id.into(),
            x: 1.0,
            y: 2.0,
            annotation: None,
            text: "missing car".into(),
            resolved: false,
        };
        assert_eq!(next_issue_id(&[]), "i1");
        assert_eq!(next_issue_id(&[issue("i1"), issue("i7"), issue("x")]), "i8");
        let req: RejectRequest = serde_json::from_str(
            r#"{"user":"ann","issues":[{"id":"i1","x":3,"y":4,"text":"here"}]}"#,
        )
        .unwrap();
        assert_eq!(req.comment, "");
        assert!(!req.issues[0].resolved);
    }
}
