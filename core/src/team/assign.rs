//! "Next task": which slot to try to take, decided from listings of the bucket alone.
//!
//! Each task has `overlap` annotator slots; slot `n` of task `t` is the object
//! `state/slots/<t>/<n>`, and `state/slots/<t>/<n>.done` marks it submitted. A slot is free
//! when its object is missing, held while its last write (creation or renewal) is younger than
//! the lease, expired after that unless done. The server tries the candidates in order with a
//! conditional write each — `If-None-Match: *` for a free slot, `If-Match: <etag>` for an
//! expired one — so two callers can never both win a slot, whatever they listed.

use std::collections::{BTreeMap, BTreeSet};

/// One object of a listing of `state/slots/`, read from its key, ETag and modification time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    /// The task.
    pub task: String,
    /// The slot number.
    pub slot: u32,
    /// Whether this is the `.done` marker of the slot rather than its lease.
    pub done: bool,
    /// The object's ETag, quotes included, as `If-Match` wants it.
    pub etag: String,
    /// When it was last written, in seconds since the Unix epoch.
    pub modified: i64,
}

impl Listed {
    /// Reads the part of a slot key after `state/slots/`: `<t>/<n>` or `<t>/<n>.done`.
    pub fn parse(rest: &str, etag: &str, modified: i64) -> Option<Listed> {
        let (task, name) = rest.split_once('/')?;
        crate::cloud::keys::check_segment(task).ok()?;
        let (number, done) = match name.strip_suffix(".done") {
            Some(n) => (n, true),
            None => (name, false),
        };
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(Listed {
            task: task.to_string(),
            slot: number.parse().ok()?,
            done,
            etag: etag.to_string(),
            modified,
        })
    }
}

/// The state of one slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SlotState {
    /// Nobody has it.
    Free,
    /// Someone holds it; the lease runs until `until` (seconds since the epoch).
    Held {
        /// End of the lease.
        until: i64,
        /// ETag of the lease object.
        etag: String,
    },
    /// The lease ran out without a submission; it may be taken over.
    Expired {
        /// ETag of the lease object, for the `If-Match` of the takeover.
        etag: String,
    },
    /// Submitted.
    Done,
}

/// The state of every slot of every task that has any, from a listing of `state/slots/`.
pub fn slot_states(
    listing: &[Listed],
    lease_secs: u64,
    now: i64,
) -> BTreeMap<(String, u32), SlotState> {
    let lease = i64::try_from(lease_secs).unwrap_or(i64::MAX);
    let done: BTreeSet<(&str, u32)> = listing
        .iter()
        .filter(|l| l.done)
        .map(|l| (l.task.as_str(), l.slot))
        .collect();
    let mut states = BTreeMap::new();
    for l in listing {
        let state = if done.contains(&(l.task.as_str(), l.slot)) {
            SlotState::Done
        } else {
            slot_state(l, lease, now)
        };
        states.insert((l.task.clone(), l.slot), state);
    }
    states
}

/// The state of a lease object that has no `.done` marker.
pub fn slot_state(lease_object: &Listed, lease_secs: i64, now: i64) -> SlotState {
    let until = lease_object.modified.saturating_add(lease_secs);
    if until >= now {
        SlotState::Held {
            until,
            etag: lease_object.etag.clone(),
        }
    } else {
        SlotState::Expired {
            etag: lease_object.etag.clone(),
        }
    }
}

/// How a candidate slot is to be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    /// The slot is free: create it with `If-None-Match: *`.
    Create,
    /// The lease expired: replace it with `If-Match: <etag>`.
    Replace {
        /// The expired lease's ETag.
        etag: String,
    },
}

/// A slot to try to take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The task.
    pub task: String,
    /// The slot number.
    pub slot: u32,
    /// The write that takes it.
    pub condition: Condition,
}

/// The slots to try for one caller, best first: per task in `tasks` order, skipping tasks the
/// caller was already given, the first free slot below `overlap`, else the first expired one.
/// At most one candidate per task (a person never takes two slots of one task).
pub fn plan_next(
    tasks: &[String],
    states: &BTreeMap<(String, u32), SlotState>,
    given: &BTreeSet<String>,
    overlap: u32,
) -> Vec<Candidate> {
    let mut out = Vec::new();
    for task in tasks {
        if given.contains(task) {
            continue;
        }
        let mut expired = None;
        let mut free = None;
        for slot in 0..overlap {
            match states.get(&(task.clone(), slot)) {
                None => {
                    free = Some(slot);
                    break;
                }
                Some(SlotState::Expired { etag }) if expired.is_none() => {
                    expired = Some((slot, etag.clone()));
                }
                Some(_) => {}
            }
        }
        let candidate = match (free, expired) {
            (Some(slot), _) => Candidate {
                task: task.clone(),
                slot,
                condition: Condition::Create,
            },
            (None, Some((slot, etag))) => Candidate {
                task: task.clone(),
                slot,
                condition: Condition::Replace { etag },
            },
            (None, None) => continue,
        };
        out.push(candidate);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn listed(task: &str, slot: u32, done: bool, modified: i64) -> Listed {
        Listed {
            task: task.into(),
            slot,
            done,
            etag: format!("\"{task}-{slot}-{modified}\""),
            modified,
        }
    }

    #[test]
    fn keys_parse_leases_and_done_markers() {
        assert_eq!(
            Listed::parse("t1/0", "\"e\"", 5),
            Some(listed("t1", 0, false, 5)).map(|mut l| {
                l.etag = "\"e\"".into();
                l
            })
        );
        assert!(Listed::parse("t1/3.done", "e", 1).unwrap().done);
        assert_eq!(Listed::parse("t1/x", "e", 1), None);
        assert_eq!(Listed::parse("t1/-1", "e", 1), None);
        assert_eq!(Listed::parse("t1", "e", 1), None);
    }

    #[test]
    fn free_first_then_expired_never_held_or_done() {
        let tasks: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let listing = vec![
            listed("a", 0, false, 100), // held until 160
            listed("b", 0, false, 10),  // expired
            listed("c", 0, false, 10),
            listed("c", 0, true, 50), // done
        ];
        let states = slot_states(&listing, 60, 120);
        let plan = plan_next(&tasks, &states, &BTreeSet::new(), 1);
        let got: Vec<(&str, u32, bool)> = plan
            .iter()
            .map(|c| (c.task.as_str(), c.slot, c.condition == Condition::Create))
            .collect();
        assert_eq!(got, vec![("b", 0, false), ("d", 0, true)]);
        // With overlap 2, a held task still offers its second slot, but not to someone who
        // was given it already.
        let plan = plan_next(&tasks, &states, &["a".to_string()].into(), 2);
        assert_eq!(plan[0].task, "b");
        assert_eq!((plan[0].slot, &plan[0].condition), (1, &Condition::Create));
    }

    /// An in-memory bucket with S3's conditional writes, and callers that list, plan and try
    /// in arbitrary interleavings: no slot is ever won twice, no person gets a task twice,
    /// and every slot is eventually given.
    #[derive(Default)]
    struct Bucket {
        objects: BTreeMap<String, (String, i64)>,
        version: u64,
    }

    impl Bucket {
        fn put_if(&mut self, key: &str, cond: &Condition, now: i64) -> bool {
            let ok = match (cond, self.objects.get(key)) {
                (Condition::Create, None) => true,
                (Condition::Replace { etag }, Some((e, _))) => e == etag,
                _ => false,
            };
            if ok {
                self.version += 1;
                self.objects
                    .insert(key.to_string(), (format!("\"v{}\"", self.version), now));
            }
            ok
        }

        fn listing(&self) -> Vec<Listed> {
            self.objects
                .iter()
                .filter_map(|(k, (etag, m))| Listed::parse(k.strip_prefix("slots/")?, etag, *m))
                .collect()
        }
    }

    proptest! {
        #[test]
        fn concurrent_claims_never_give_a_slot_twice(
            tasks in 1usize..12,
            overlap in 1u32..4,
            people in 1usize..7,
            order in proptest::collection::vec(0usize..7, 1..200),
        ) {
            let task_ids: Vec<String> = (0..tasks).map(|i| format!("t{i:02}")).collect();
            let mut bucket = Bucket::default();
            let mut given: Vec<BTreeSet<String>> = vec![BTreeSet::new(); people];
            // Each step: a person lists, then (possibly after others) tries their plan.
            let mut stale: Vec<Option<Vec<Candidate>>> = vec![None; people];
            for (step, who) in order.iter().enumerate() {
                let who = who % people;
                match stale[who].take() {
                    None => {
                        let states = slot_states(&bucket.listing(), 1_000_000, step as i64);
                        stale[who] = Some(plan_next(&task_ids, &states, &given[who], overlap));
                    }
                    Some(plan) => {
                        for c in plan {
                            if given[who].contains(&c.task) {
                                continue;
                            }
                            let key = format!("slots/{}/{}", c.task, c.slot);
                            if bucket.put_if(&key, &c.condition, step as i64) {
                                given[who].insert(c.task.clone());
                                bucket.objects.insert(
                                    format!("holder/{}/{}", c.task, c.slot),
                                    (format!("p{who}"), 0),
                                );
                                break;
                            }
                        }
                    }
                }
            }
            // Every won slot has exactly one holder; no person holds two slots of a task.
            for (p, tasks) in given.iter().enumerate() {
                for t in tasks {
                    let held: Vec<_> = (0..overlap)
                        .filter(|s| bucket.objects.get(&format!("holder/{t}/{s}"))
                            .is_some_and(|(h, _)| *h == format!("p{p}")))
                        .collect();
                    prop_assert_eq!(held.len(), 1, "person {} task {}", p, t);
                }
            }
            let won = bucket.objects.keys().filter(|k| k.starts_with("slots/")).count();
            let total: usize = given.iter().map(BTreeSet::len).sum();
            prop_assert_eq!(won, total);
            prop_assert!(won <= tasks * overlap as usize);
            // Afterwards, people asking one at a time fill every slot they may take.
            for (who, mine) in given.iter_mut().enumerate() {
                loop {
                    let states = slot_states(&bucket.listing(), 1_000_000, 0);
                    let plan = plan_next(&task_ids, &states, mine, overlap);
                    let Some(c) = plan.into_iter().next() else { break };
                    let key = format!("slots/{}/{}", c.task, c.slot);
                    prop_assert!(bucket.put_if(&key, &c.condition, 0), "person {} lost an uncontested slot", who);
                    mine.insert(c.task);
                }
            }
            let won = bucket.objects.keys().filter(|k| k.starts_with("slots/")).count();
            prop_assert_eq!(won, tasks * (overlap as usize).min(people));
        }
    }
}
