//! The gallery of a project: who stands where on each task, and which tasks match a lead's
//! filters (status, annotator, class present, image tag), from listings and the gallery's
//! key index alone.

use std::collections::{BTreeMap, BTreeSet};

use super::assign::SlotState;
use super::progress::{holders, OpenMarker};
use super::wire::{GalleryQuery, PersonStatus, TaskStatus};

/// Everyone's status per task: from the submissions (submitted, rework or accepted, as the
/// review left them), in progress from the leases held (a person whose lease expired is no
/// longer on the task).
pub fn people(
    states: &BTreeMap<(String, u32), SlotState>,
    open: &[OpenMarker],
    submitted: &[(String, String, TaskStatus)],
) -> BTreeMap<String, Vec<PersonStatus>> {
    let mut out: BTreeMap<String, BTreeMap<String, TaskStatus>> = BTreeMap::new();
    for ((task, _), user) in holders(open, states) {
        out.entry(task)
            .or_default()
            .insert(user, TaskStatus::InProgress);
    }
    for (task, user, status) in submitted {
        out.entry(task.clone())
            .or_default()
            .insert(user.clone(), *status);
    }
    out.into_iter()
        .map(|(task, people)| {
            let list = people
                .into_iter()
                .map(|(user, status)| PersonStatus { user, status })
                .collect();
            (task, list)
        })
        .collect()
}

/// The tasks of `tasks` (in order) that pass every filter of `query`. `with_class` and
/// `with_tag` are the tasks the index names for the query's class and tag.
pub fn select(
    tasks: &[String],
    people: &BTreeMap<String, Vec<PersonStatus>>,
    query: &GalleryQuery,
    with_class: Option<&BTreeSet<String>>,
    with_tag: Option<&BTreeSet<String>>,
) -> Vec<String> {
    let none = Vec::new();
    tasks
        .iter()
        .filter(|t| {
            let on = people.get(*t).unwrap_or(&none);
            let status_ok = match query.status {
                None => true,
                Some(TaskStatus::New) => on.is_empty(),
                Some(s) => on.iter().any(|p| p.status == s),
            };
            let annotator_ok = query
                .annotator
                .as_ref()
                .is_none_or(|a| on.iter().any(|p| &p.user == a));
            status_ok
                && annotator_ok
                && with_class.is_none_or(|set| set.contains(*t))
                && with_tag.is_none_or(|set| set.contains(*t))
        })
        .cloned()
        .collect()
}

/// What a submitted result puts in the gallery's index: its classes and image tags, each once,
/// in first-seen order. Only those fields are read, so a result from another writer with more
/// or fewer fields still submits; one that is not JSON of that shape is an error.
pub fn indexed_names(result: &[u8]) -> Result<(Vec<String>, Vec<String>), String> {
    #[derive(serde::Deserialize)]
    struct Labelled {
        label: String,
    }
    #[derive(serde::Deserialize)]
    struct Result {
        #[serde(default)]
        annotations: Vec<Labelled>,
        #[serde(default)]
        tags: Vec<String>,
    }
    let result: Result = serde_json::from_slice(result).map_err(|e| e.to_string())?;
    let mut classes: Vec<String> = Vec::new();
    for a in result.annotations {
        if !classes.contains(&a.label) {
            classes.push(a.label);
        }
    }
    let mut tags: Vec<String> = Vec::new();
    for t in result.tags {
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    Ok((classes, tags))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_indexes_each_class_and_tag_once() {
        let body = br#"{"id":"t","annotations":[{"label":"car","shape":{}},{"label":"bus"},{"label":"car"}],
                        "tags":["night","night","wet"],"extra":1}"#;
        assert_eq!(
            indexed_names(body).unwrap(),
            (
                vec!["car".to_string(), "bus".into()],
                vec!["night".to_string(), "wet".into()]
            )
        );
        assert_eq!(indexed_names(b"{}").unwrap(), (vec![], vec![]));
        let err = indexed_names(br#"{"annotations":[{"label":3}]}"#).unwrap_err();
        assert!(err.contains("string"), "{err}");
    }

    #[test]
    fn filters_combine() {
        let tasks: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let mut states = BTreeMap::new();
        states.insert(
            ("b".to_string(), 0),
            SlotState::Held {
                until: 10,
                etag: "e".into(),
            },
        );
        let open = vec![OpenMarker {
            user: "ben".into(),
            task: "b".into(),
            slot: 0,
            modified: 1,
        }];
        let people = people(
            &states,
            &open,
            &[("a".into(), "ann".into(), TaskStatus::Submitted)],
        );
        let q = |status, annotator: Option<&str>| GalleryQuery {
            status,
            annotator: annotator.map(str::to_owned),
            ..GalleryQuery::default()
        };
        assert_eq!(select(&tasks, &people, &q(None, None), None, None), tasks);
        assert_eq!(
            select(&tasks, &people, &q(Some(TaskStatus::New), None), None, None),
            vec!["c"]
        );
        assert_eq!(
            select(
                &tasks,
                &people,
                &q(Some(TaskStatus::Submitted), None),
                None,
                None
            ),
            vec!["a"]
        );
        assert_eq!(
            select(&tasks, &people, &q(None, Some("ben")), None, None),
            vec!["b"]
        );
        let cars: BTreeSet<String> = ["a".to_string(), "c".to_string()].into();
        assert_eq!(
            select(&tasks, &people, &q(None, None), Some(&cars), None),
            vec!["a", "c"]
        );
        assert_eq!(
            select(
                &tasks,
                &people,
                &q(None, Some("ann")),
                Some(&cars),
                Some(&BTreeSet::new())
            ),
            Vec::<String>::new()
        );
    }
}
