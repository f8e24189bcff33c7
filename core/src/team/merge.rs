//! Work on two devices: a three-way merge of one person's result by annotation, so edits made
//! offline on both never silently overwrite each other.
//!
//! Against the base (the version both started from, as last seen in the bucket), a shape
//! changed or removed on one side only takes that side's version; one changed on both sides in
//! different ways is a conflict, and both versions are kept — the other side's under a new id —
//! for the person to choose; a shape removed on one side and changed on the other stays (a
//! change is never dropped). Image tags merge as sets. Without a base, everything on either
//! side is kept. The result depends only on the three versions, not on which device merges.

use std::collections::{BTreeMap, BTreeSet};

use crate::history::Op;
use crate::model::{Annotation, AnnotationId, Task};

/// What a merge produced.
#[derive(Clone, Debug, PartialEq)]
pub struct Merged {
    /// The merged task (mine's image and labels).
    pub task: Task,
    /// Annotations kept in two versions or kept against a removal, for the person to review:
    /// ids in the merged task.
    pub conflicts: Vec<AnnotationId>,
}

fn by_id(task: &Task) -> BTreeMap<&AnnotationId, &Annotation> {
    task.annotations.iter().map(|a| (&a.id, a)).collect()
}

/// The id given to the other side's version of a shape both sides changed.
fn theirs_id(id: &AnnotationId, taken: &BTreeSet<AnnotationId>) -> AnnotationId {
    let mut n = 1;
    loop {
        let candidate = AnnotationId(format!("{}~{n}", id.0));
        if !taken.contains(&candidate) {
            return candidate;
        }
        n += 1;
    }
}

/// Merges `mine` and `theirs`, two descendants of `base`.
pub fn merge3(base: Option<&Task>, mine: &Task, theirs: &Task) -> Merged {
    let empty = Task::default();
    let base = base.unwrap_or(&empty);
    let (b, m, t) = (by_id(base), by_id(mine), by_id(theirs));
    let mut taken: BTreeSet<AnnotationId> =
        m.keys().chain(t.keys()).map(|id| (*id).clone()).collect();
    let mut out: Vec<Annotation> = Vec::new();
    let mut extra: Vec<Annotation> = Vec::new();
    let mut conflicts = Vec::new();
    // Mine's order first, then what only theirs has, in theirs' order.
    let order = mine.annotations.iter().map(|a| &a.id).chain(
        theirs
            .annotations
            .iter()
            .map(|a| &a.id)
            .filter(|id| !m.contains_key(id)),
    );
    for id in order {
        let (bv, mv, tv) = (b.get(id), m.get(id), t.get(id));
        if mv == tv || tv == bv {
            if let Some(a) = mv {
                out.push((*a).clone());
            }
        } else if mv == bv {
            if let Some(a) = tv {
                out.push((*a).clone());
            }
        } else {
            match (mv, tv) {
                (Some(a), Some(other)) => {
                    out.push((*a).clone());
                    let mut copy = (*other).clone();
                    copy.id = theirs_id(id, &taken);
                    taken.insert(copy.id.clone());
                    conflicts.push(a.id.clone());
                    conflicts.push(copy.id.clone());
                    extra.push(copy);
                }
                (Some(a), None) | (None, Some(a)) => {
                    out.push((*a).clone());
                    conflicts.push(a.id.clone());
                }
                (None, None) => {}
            }
        }
    }
    out.extend(extra);
    let set = |v: &[String]| v.iter().cloned().collect::<BTreeSet<String>>();
    let (bt, mt, tt) = (set(&base.tags), set(&mine.tags), set(&theirs.tags));
    // Kept: on both sides, or added on one side since the base.
    let mut tags: Vec<String> = mine
        .tags
        .iter()
        .chain(theirs.tags.iter())
        .filter(|tag| {
            (mt.contains(*tag) && tt.contains(*tag))
                || (mt.contains(*tag) && !bt.contains(*tag))
                || (tt.contains(*tag) && !bt.contains(*tag))
        })
        .cloned()
        .collect();
    let mut seen = BTreeSet::new();
    tags.retain(|t| seen.insert(t.clone()));
    Merged {
        task: Task {
            annotations: out,
            tags,
            ..mine.clone()
        },
        conflicts,
    }
}

/// The one op that turns `from` into `to` (same task): removes, adds and replacements of
/// annotations and the tags, as a batch (one undo step). `None` when they are equal.
pub fn ops_to(from: &Task, to: &Task) -> Option<Op> {
    let (f, t) = (by_id(from), by_id(to));
    let mut ops = Vec::new();
    // Removals from the end, so each recorded index is the position at that moment.
    for (index, a) in from.annotations.iter().enumerate().rev() {
        if t.get(&a.id) != Some(&a) {
            ops.push(Op::Remove {
                annotation: a.clone(),
                index: Some(index),
            });
        }
    }
    for a in &to.annotations {
        if f.get(&a.id) != Some(&a) {
            ops.push(Op::Add {
                annotation: a.clone(),
                index: None,
            });
        }
    }
    if from.tags != to.tags {
        ops.push(Op::SetTags {
            before: from.tags.clone(),
            after: to.tags.clone(),
        });
    }
    (!ops.is_empty()).then_some(Op::Batch { ops })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BoxShape, Shape};
    use proptest::prelude::*;

    fn ann(id: &str, x: f64) -> Annotation {
        Annotation::new(
            id,
            "car",
            Shape::Box(BoxShape {
                x0: x,
                y0: 0.0,
                x1: x + 5.0,
                y1: 5.0,
            }),
        )
    }

    fn task(anns: Vec<Annotation>, tags: &[&str]) -> Task {
        Task {
            id: "t".into(),
            annotations: anns,
            tags: tags.iter().map(|s| s.to_string()).collect(),
            ..Task::default()
        }
    }

    #[test]
    fn separate_edits_both_land_and_a_double_change_keeps_both() {
        let base = task(
            vec![ann("a", 0.0), ann("b", 10.0), ann("c", 20.0)],
            &["day"],
        );
        // Mine moves a, removes c, adds m, tags "wet". Theirs moves b, adds t, drops "day".
        let mine = task(
            vec![ann("a", 1.0), ann("b", 10.0), ann("m", 30.0)],
            &["day", "wet"],
        );
        let theirs = task(
            vec![
                ann("a", 0.0),
                ann("b", 11.0),
                ann("c", 20.0),
                ann("t", 40.0),
            ],
            &[],
        );
        let merged = merge3(Some(&base), &mine, &theirs);
        assert_eq!(
            merged.task.annotations,
            vec![
                ann("a", 1.0),
                ann("b", 11.0),
                ann("m", 30.0),
                ann("t", 40.0)
            ]
        );
        assert_eq!(merged.task.tags, vec!["wet".to_string()]);
        assert!(merged.conflicts.is_empty());
        // Both move a: mine stays as a, theirs comes back as a~1; both reported.
        let theirs = task(
            vec![ann("a", 2.0), ann("b", 10.0), ann("c", 20.0)],
            &["day"],
        );
        let merged = merge3(Some(&base), &mine, &theirs);
        assert!(merged.task.annotations.contains(&ann("a", 1.0)));
        let mut copy = ann("a", 2.0);
        copy.id = AnnotationId("a~1".into());
        assert!(merged.task.annotations.contains(&copy));
        assert_eq!(
            merged.conflicts,
            vec![AnnotationId("a".into()), AnnotationId("a~1".into())]
        );
        // Removed here, changed there: the change stays.
        let mine = task(vec![ann("b", 10.0), ann("c", 20.0)], &["day"]);
        let merged = merge3(Some(&base), &mine, &theirs);
        assert!(merged.task.annotations.contains(&ann("a", 2.0)));
        assert_eq!(merged.conflicts, vec![AnnotationId("a".into())]);
    }

    fn arb_side() -> impl Strategy<Value = Vec<(u8, u8)>> {
        // (annotation number 0..8, x) pairs; duplicates of a number are dropped.
        proptest::collection::vec((0u8..8, 0u8..3), 0..8)
    }

    fn build(side: &[(u8, u8)]) -> Task {
        let mut seen = BTreeSet::new();
        task(
            side.iter()
                .filter(|(n, _)| seen.insert(*n))
                .map(|(n, x)| ann(&format!("a{n}"), f64::from(*x)))
                .collect(),
            &[],
        )
    }

    fn ids(t: &Task) -> BTreeMap<String, Annotation> {
        t.annotations
            .iter()
            .map(|a| (a.id.0.clone(), a.clone()))
            .collect()
    }

    proptest! {
        #[test]
        fn merging_keeps_every_change_and_ops_reach_the_merge(
            b in arb_side(), m in arb_side(), t in arb_side(),
        ) {
            let (base, mine, theirs) = (build(&b), build(&m), build(&t));
            // Identities: nothing changed on one side takes the other side whole.
            prop_assert_eq!(ids(&merge3(Some(&base), &mine, &base).task), ids(&mine));
            prop_assert_eq!(ids(&merge3(Some(&base), &base, &theirs).task), ids(&theirs));
            let merged = merge3(Some(&base), &mine, &theirs);
            let swapped = merge3(Some(&base), &theirs, &mine);
            // Every version that differs from the base, on either side, is in the merge.
            let out: Vec<&Annotation> = merged.task.annotations.iter().collect();
            for side in [&mine, &theirs] {
                for a in &side.annotations {
                    if base.annotation(&a.id) != Some(a) {
                        prop_assert!(out.iter().any(|o| o.shape == a.shape && (o.id == a.id || o.id.0.starts_with(&format!("{}~", a.id.0)))),
                            "lost {:?}", a);
                    }
                }
            }
            // Which device merges changes only which version keeps the plain id.
            let geometry = |t: &Task| {
                let mut v: Vec<String> = t.annotations.iter()
                    .map(|a| format!("{}:{:?}", a.id.0.split('~').next().unwrap_or(""), a.shape)).collect();
                v.sort();
                v
            };
            prop_assert_eq!(geometry(&merged.task), geometry(&swapped.task));
            // Ids stay unique, and the ops from mine lead exactly to the merge.
            let unique: BTreeSet<&AnnotationId> = merged.task.annotations.iter().map(|a| &a.id).collect();
            prop_assert_eq!(unique.len(), merged.task.annotations.len());
            let mut applied = mine.clone();
            if let Some(op) = ops_to(&mine, &merged.task) {
                op.apply_to_task(&mut applied).unwrap();
            }
            prop_assert_eq!(ids(&applied), ids(&merged.task));
        }
    }
}
