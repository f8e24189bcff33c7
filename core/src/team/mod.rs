//! A team on one bucket, without IO: who may do what ([`roles`]), what a project is
//! ([`project`], the `project.json` a manager edits), where each fact lives in the bucket
//! ([`layout`]), how "next task" picks a slot and how leases expire ([`assign`]), review and
//! rework ([`review`]), and the bodies of the team endpoints ([`wire`]).
//!
//! The bucket is the only store. Assignment is atomic because every claim is a conditional
//! write on S3 itself (`If-None-Match: *` to take a free slot, `If-Match: <etag>` to take over
//! an expired one); this module decides *which* write to try from listings, the server makes
//! it. Everything a lead counts (held, expired, submitted) is read from key listings alone, so
//! progress needs no object bodies beyond the few leases currently held.

pub mod active;
pub mod assign;
pub mod gallery;
pub mod layout;
pub mod merge;
pub mod progress;
pub mod project;
pub mod review;
pub mod roles;
pub mod wire;

pub use assign::{plan_next, slot_state, Candidate, Condition, Listed, SlotState};
pub use layout::{ProjectKeys, ProjectPath};
pub use project::{Member, Project};
pub use roles::{Role, Roles};
