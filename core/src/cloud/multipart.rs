//! The client's record of a multipart upload, so that it resumes after a reload.
//!
//! The server chooses the layout (every part `part_size` bytes except the last). The client keeps
//! the upload id and the ETag of every part it sent; after a reload it asks the server which parts
//! the store holds (`/multipart/parts`) and sends only the others.

use super::protocol::{CompleteRequest, CompletedPart, MultipartAnswer};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a part stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartState {
    /// Stored, with a known ETag.
    Done,
    /// Still to send.
    Missing,
}

/// A multipart upload in progress, persisted with the queued upload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultipartPlan {
    /// Object key.
    pub key: String,
    /// The store's upload id.
    pub upload_id: String,
    /// Total size in bytes.
    pub size: u64,
    /// Size of every part but the last.
    pub part_size: u64,
    /// Number of parts.
    pub part_count: u32,
    /// ETags of the parts known to be stored, by part number.
    pub etags: BTreeMap<u32, String>,
}

impl MultipartPlan {
    /// Starts a plan from the server's answer to `create` or `parts`. Returns `None` if the
    /// answer's layout does not cover `size` (a server bug: better to refuse than upload garbage).
    pub fn from_answer(answer: &MultipartAnswer, size: u64) -> Option<Self> {
        let mut plan = Self {
            key: answer.key.clone(),
            upload_id: answer.upload_id.clone(),
            size,
            part_size: answer.part_size,
            part_count: answer.part_count,
            etags: BTreeMap::new(),
        };
        if !plan.layout_is_consistent() {
            return None;
        }
        plan.merge(answer);
        Some(plan)
    }

    fn layout_is_consistent(&self) -> bool {
        if self.part_size == 0 || self.part_count == 0 {
            return self.size == 0 && self.part_count == 0;
        }
        let full = u64::from(self.part_count - 1).checked_mul(self.part_size);
        matches!(full, Some(full) if full < self.size && self.size - full <= self.part_size)
    }

    /// Takes in the parts the store reports as stored. A reported ETag wins; a stored part the
    /// store reports without ETag keeps the one recorded when it was sent (if any).
    pub fn merge(&mut self, answer: &MultipartAnswer) {
        for stored in &answer.uploaded {
            if stored.number == 0 || stored.number > self.part_count {
                continue;
            }
            if stored.size != self.part_len(stored.number) {
                self.etags.remove(&stored.number);
                continue;
            }
            if let Some(etag) = &stored.etag {
                self.etags.insert(stored.number, etag.clone());
            }
        }
        // A part the server offers a URL for is missing in the store, whatever we recorded.
        for part in &answer.parts {
            self.etags.remove(&part.number);
        }
    }

    /// Byte range `[start, end)` of part `number` (1-based).
    pub fn part_range(&self, number: u32) -> (u64, u64) {
        let start = u64::from(number.saturating_sub(1)).saturating_mul(self.part_size);
        let end = start.saturating_add(self.part_size).min(self.size);
        (start.min(self.size), end)
    }

    /// Length of part `number`.
    pub fn part_len(&self, number: u32) -> u64 {
        let (start, end) = self.part_range(number);
        end - start
    }

    /// Records that part `number` was stored with `etag`.
    pub fn record(&mut self, number: u32, etag: &str) {
        if (1..=self.part_count).contains(&number) {
            self.etags.insert(number, etag.to_string());
        }
    }

    /// State of part `number`.
    pub fn state(&self, number: u32) -> PartState {
        if self.etags.contains_key(&number) {
            PartState::Done
        } else {
            PartState::Missing
        }
    }

    /// Bytes known to be stored.
    pub fn bytes_done(&self) -> u64 {
        self.etags.keys().map(|n| self.part_len(*n)).sum()
    }

    /// The `complete` request, once every part has an ETag.
    pub fn complete_request(&self) -> Option<CompleteRequest> {
        let parts = (1..=self.part_count)
            .map(|number| {
                self.etags.get(&number).map(|etag| CompletedPart {
                    number,
                    etag: etag.clone(),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(CompleteRequest {
            key: self.key.clone(),
            upload_id: self.upload_id.clone(),
            parts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::protocol::{PartUrl, StoredPart};
    use super::*;
    use proptest::prelude::*;

    fn answer(size: u64, part_size: u64, uploaded: &[(u32, Option<&str>)]) -> MultipartAnswer {
        let part_count = size.div_ceil(part_size) as u32;
        let len = |n: u32| ((n as u64) * part_size).min(size) - (n as u64 - 1) * part_size;
        MultipartAnswer {
            key: "src/big.bin".into(),
            upload_id: "u".into(),
            part_size,
            part_count,
            uploaded: uploaded
                .iter()
                .map(|(n, e)| StoredPart {
                    number: *n,
                    etag: e.map(str::to_string),
                    size: len(*n),
                })
                .collect(),
            parts: (1..=part_count)
                .filter(|n| !uploaded.iter().any(|(u, _)| u == n))
                .map(|n| PartUrl {
                    number: n,
                    size: len(n),
                    url: format!("http://s/{n}"),
                })
                .collect(),
            expires_at: String::new(),
        }
    }

    #[test]
    fn resume_keeps_stored_parts_and_asks_for_the_rest() {
        let mut plan = MultipartPlan::from_answer(&answer(20, 8, &[]), 20).unwrap();
        assert_eq!(plan.part_count, 3);
        assert_eq!(plan.part_range(3), (16, 20));
        plan.record(1, "\"a\"");
        plan.record(2, "\"b\"");
        assert!(plan.complete_request().is_none());
        // After a reload the store reports part 1 with its ETag and part 2 without one.
        plan.merge(&answer(20, 8, &[(1, Some("\"a\"")), (2, None)]));
        assert_eq!(plan.state(2), PartState::Done);
        assert_eq!(plan.state(3), PartState::Missing);
        assert_eq!(plan.bytes_done(), 16);
        plan.record(3, "\"c\"");
        let done = plan.complete_request().unwrap();
        let numbers: Vec<u32> = done.parts.iter().map(|p| p.number).collect();
        assert_eq!(numbers, vec![1, 2, 3]);
        assert_eq!(done.parts[1].etag, "\"b\"");
    }

    #[test]
    fn a_part_the_store_lost_is_sent_again() {
        let mut plan = MultipartPlan::from_answer(&answer(20, 8, &[]), 20).unwrap();
        plan.record(1, "\"a\"");
        plan.merge(&answer(20, 8, &[]));
        assert_eq!(plan.state(1), PartState::Missing);
    }

    #[test]
    fn inconsistent_layouts_are_refused() {
        let mut bad = answer(20, 8, &[]);
        bad.part_count = 2;
        assert!(MultipartPlan::from_answer(&bad, 20).is_none());
        bad.part_count = 4;
        assert!(MultipartPlan::from_answer(&bad, 20).is_none());
        bad.part_size = 0;
        assert!(MultipartPlan::from_answer(&bad, 20).is_none());
    }

    proptest! {
        #[test]
        fn parts_tile_the_file_exactly(size in 1u64..10_000_000, part_size in 1u64..3_000_000) {
            prop_assume!(size.div_ceil(part_size) < 10_000);
            let plan = MultipartPlan::from_answer(&answer(size, part_size, &[]), size).unwrap();
            let mut next = 0;
            for n in 1..=plan.part_count {
                let (start, end) = plan.part_range(n);
                prop_assert_eq!(start, next);
                prop_assert!(end > start);
                next = end;
            }
            prop_assert_eq!(next, size);
        }
    }
}
