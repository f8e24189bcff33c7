//! A project's progress from listings: slots by status, complete tasks, and per annotator what
//! they hold, what they submitted, how fast and with how much active time.

use std::collections::{BTreeMap, BTreeSet};

use super::assign::SlotState;
use super::wire::{AnnotatorProgress, Progress, TaskStatus};

/// A work-in-progress marker from a listing of `state/open/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenMarker {
    /// Who.
    pub user: String,
    /// The task.
    pub task: String,
    /// The slot.
    pub slot: u32,
    /// When it was written (seconds since the epoch).
    pub modified: i64,
}

/// A submission from a listing of `state/done/`, with its active time when it was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submission {
    /// Who.
    pub user: String,
    /// The task.
    pub task: String,
    /// When (seconds since the epoch).
    pub modified: i64,
    /// Active time in milliseconds, if known.
    pub active_ms: Option<u64>,
}

/// Who holds each held slot: of the markers naming a slot, the newest (a takeover after an
/// expired lease writes a newer one).
pub fn holders(
    open: &[OpenMarker],
    states: &BTreeMap<(String, u32), SlotState>,
) -> BTreeMap<(String, u32), String> {
    let mut newest: BTreeMap<(String, u32), &OpenMarker> = BTreeMap::new();
    for m in open {
        let key = (m.task.clone(), m.slot);
        if newest.get(&key).is_none_or(|n| m.modified >= n.modified) {
            newest.insert(key, m);
        }
    }
    newest
        .into_iter()
        .filter(|(k, _)| matches!(states.get(k), Some(SlotState::Held { .. })))
        .map(|(k, m)| (k, m.user.clone()))
        .collect()
}

/// Computes the report.
pub fn progress(
    tasks: &[String],
    overlap: u32,
    states: &BTreeMap<(String, u32), SlotState>,
    open: &[OpenMarker],
    submissions: &[Submission],
) -> Progress {
    let mut report = Progress {
        tasks: tasks.len() as u64,
        slots: tasks.len() as u64 * u64::from(overlap),
        ..Progress::default()
    };
    let task_set: BTreeSet<&str> = tasks.iter().map(String::as_str).collect();
    let mut counts: BTreeMap<TaskStatus, u64> = BTreeMap::new();
    for task in tasks {
        let mut done = 0;
        for slot in 0..overlap {
            let status = match states.get(&(task.clone(), slot)) {
                Some(SlotState::Done) => {
                    done += 1;
                    TaskStatus::Submitted
                }
                Some(SlotState::Held { .. }) => TaskStatus::InProgress,
                _ => TaskStatus::New,
            };
            *counts.entry(status).or_default() += 1;
        }
        if done == overlap {
            report.complete_tasks += 1;
        }
    }
    for status in [
        TaskStatus::New,
        TaskStatus::InProgress,
        TaskStatus::Submitted,
    ] {
        report.by_status.insert(
            status.as_str().into(),
            counts.get(&status).copied().unwrap_or(0),
        );
    }
    for ((task, _), user) in holders(open, states) {
        if task_set.contains(task.as_str()) {
            report.annotators.entry(user).or_default().in_progress += 1;
        }
    }
    let mut by_user: BTreeMap<&str, Vec<&Submission>> = BTreeMap::new();
    for s in submissions {
        if task_set.contains(s.task.as_str()) {
            by_user.entry(&s.user).or_default().push(s);
        }
    }
    for (user, subs) in by_user {
        let entry = report.annotators.entry(user.to_string()).or_default();
        *entry = AnnotatorProgress {
            submitted: subs.len() as u64,
            tasks_per_hour: per_hour(&subs),
            mean_active_ms: mean_active(&subs),
            ..entry.clone()
        };
    }
    report
}

/// Submissions per hour over the span from the first to the last (the first one opens the
/// span, so n submissions over it are n - 1 intervals).
fn per_hour(subs: &[&Submission]) -> f64 {
    let first = subs.iter().map(|s| s.modified).min().unwrap_or(0);
    let last = subs.iter().map(|s| s.modified).max().unwrap_or(0);
    if subs.len() < 2 || last <= first {
        return 0.0;
    }
    (subs.len() - 1) as f64 * 3600.0 / (last - first) as f64
}

fn mean_active(subs: &[&Submission]) -> f64 {
    let known: Vec<u64> = subs.iter().filter_map(|s| s.active_ms).collect();
    if known.is_empty() {
        return 0.0;
    }
    known.iter().map(|&v| v as f64).sum::<f64>() / known.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(until: i64) -> SlotState {
        SlotState::Held {
            until,
            etag: "e".into(),
        }
    }

    #[test]
    fn counts_slots_holders_and_rates() {
        let tasks: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let mut states = BTreeMap::new();
        states.insert(("a".to_string(), 0), SlotState::Done);
        states.insert(("a".to_string(), 1), SlotState::Done);
        states.insert(("b".to_string(), 0), held(99));
        states.insert(
            ("c".to_string(), 0),
            SlotState::Expired { etag: "e".into() },
        );
        let open = vec![
            OpenMarker {
                user: "ann".into(),
                task: "b".into(),
                slot: 0,
                modified: 1,
            },
            // bob took b/0 over later: he holds it now.
            OpenMarker {
                user: "bob".into(),
                task: "b".into(),
                slot: 0,
                modified: 5,
            },
            // ann's lease on c expired: not in progress.
            OpenMarker {
                user: "ann".into(),
                task: "c".into(),
                slot: 0,
                modified: 1,
            },
        ];
        let subs = vec![
            Submission {
                user: "ann".into(),
                task: "a".into(),
                modified: 0,
                active_ms: Some(1000),
            },
            Submission {
                user: "bob".into(),
                task: "a".into(),
                modified: 1800,
                active_ms: Some(3000),
            },
            Submission {
                user: "ann".into(),
                task: "x".into(),
                modified: 900,
                active_ms: None,
            },
        ];
        let p = progress(&tasks, 2, &states, &open, &subs);
        assert_eq!((p.tasks, p.slots, p.complete_tasks), (3, 6, 1));
        assert_eq!(p.by_status["submitted"], 2);
        assert_eq!(p.by_status["in_progress"], 1);
        assert_eq!(p.by_status["new"], 3);
        assert_eq!(p.annotators["bob"].in_progress, 1);
        assert_eq!(p.annotators["bob"].submitted, 1);
        assert_eq!(p.annotators["ann"].in_progress, 0);
        assert_eq!(
            p.annotators["ann"].submitted, 1,
            "a task outside the project is not counted"
        );
        assert_eq!(p.annotators["ann"].mean_active_ms, 1000.0);
        let subs: Vec<&Submission> = vec![&subs[0], &subs[1], &subs[2]];
        assert_eq!(per_hour(&subs), 4.0);
    }
}
