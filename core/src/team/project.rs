//! `project.json`: what a project is. A project is a prefix of the bucket holding this file —
//! its label set, the instructions annotators read beside the canvas, how many annotators
//! label each task (overlap), how long a lease lasts, and, for static tokens, its members.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::roles::Roles;
use crate::cloud::keys::check_segment;
use crate::model::LabelSet;

/// Highest overlap a project may ask for (annotators per task).
pub const MAX_OVERLAP: u32 = 16;
/// Shortest lease: renewals travel over the network, so shorter leases would expire under
/// people still working.
pub const MIN_LEASE_SECS: u64 = 30;
/// Longest lease: an abandoned task comes back within a day at the latest.
pub const MAX_LEASE_SECS: u64 = 86_400;

/// One person of the project and their roles (used with static tokens; with OpenID Connect the
/// roles come from the token's groups).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// User name, as it appears in keys (`target/<task>/<user>.json`).
    pub user: String,
    /// What they may do in this project.
    #[serde(default)]
    pub roles: Roles,
}

/// Guidance for one class: what to label and how, with example images (keys or URLs).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassGuide {
    /// Text for annotators.
    #[serde(default)]
    pub text: String,
    /// Example images.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<String>,
}

/// Instructions annotators see beside the canvas.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instructions {
    /// General text.
    #[serde(default)]
    pub text: String,
    /// Per class name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub classes: BTreeMap<String, ClassGuide>,
}

/// The contents of `<project>/project.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// Display title (the prefix is the project's id).
    #[serde(default)]
    pub title: String,
    /// Classes (colours, hotkeys, shape kinds, attributes, skeletons) and image tags.
    pub labels: LabelSet,
    /// Instructions for annotators.
    #[serde(default)]
    pub instructions: Instructions,
    /// How many different annotators label each task.
    #[serde(default = "one")]
    pub overlap: u32,
    /// How long a claimed task stays with an annotator without a renewal, in seconds.
    #[serde(default = "default_lease")]
    pub lease_secs: u64,
    /// Members and their roles (static tokens).
    #[serde(default)]
    pub members: Vec<Member>,
    /// Checks a result must pass before it is submitted.
    #[serde(default, skip_serializing_if = "is_default")]
    pub checks: crate::quality::checks::Checks,
    /// Gold tasks: accepted results every annotator is measured against, unannounced.
    #[serde(default, skip_serializing_if = "is_default")]
    pub gold: Gold,
    /// The model backend that pre-labels the project's tasks (Label Studio's ML backend
    /// protocol), its class mapping and whether "next" prefers tasks it is unsure about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ml: Option<crate::ml::MlSettings>,
}

/// Gold tasks and how often annotators meet them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gold {
    /// Task ids whose accepted result is the reference.
    #[serde(default)]
    pub tasks: Vec<String>,
    /// Share of the tasks given out that are gold (0–1): one in every `1 / rate`.
    #[serde(default)]
    pub rate: f64,
}

impl Gold {
    /// Whether the `n`-th task given to a person (1-based) should be gold: the count of gold
    /// tasks, `floor(n · rate)`, steps up at it. Over any run of tasks the share is the rate,
    /// with no pattern an annotator could see in a few tasks.
    pub fn due(&self, n: u64) -> bool {
        if self.tasks.is_empty() || self.rate.is_nan() || self.rate <= 0.0 {
            return false;
        }
        let at = |k: u64| (k as f64 * self.rate.min(1.0)).floor();
        at(n) > at(n.saturating_sub(1))
    }
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

fn one() -> u32 {
    1
}
fn default_lease() -> u64 {
    900
}

impl Project {
    /// A project with these labels, overlap 1, a 15-minute lease and no members.
    pub fn new(labels: LabelSet) -> Project {
        Project {
            title: String::new(),
            labels,
            instructions: Instructions::default(),
            overlap: 1,
            lease_secs: default_lease(),
            members: Vec::new(),
            checks: Default::default(),
            gold: Gold::default(),
            ml: None,
        }
    }

    /// Reads and checks `project.json`; the error names the field at fault.
    pub fn parse(bytes: &[u8]) -> Result<Project, String> {
        let de = &mut serde_json::Deserializer::from_slice(bytes);
        let project: Project = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            format!("project.json at {path}: {}", e.inner())
        })?;
        project.check()?;
        Ok(project)
    }

    /// Checks the values a reader relies on: overlap, lease, unique class names, member names
    /// that can be key segments, no member twice.
    pub fn check(&self) -> Result<(), String> {
        self.checks
            .check()
            .map_err(|e| format!("project.json: {e}"))?;
        if let Some(ml) = &self.ml {
            ml.check().map_err(|e| format!("project.json: {e}"))?;
        }
        if !(0.0..=1.0).contains(&self.gold.rate) {
            return Err(format!(
                "project.json: gold.rate is {}, it must be within 0..=1",
                self.gold.rate
            ));
        }
        for (i, t) in self.gold.tasks.iter().enumerate() {
            check_segment(t)
                .map_err(|why| format!("project.json: gold.tasks[{i}] {t:?}: {why}"))?;
        }
        if !(1..=MAX_OVERLAP).contains(&self.overlap) {
            return Err(format!(
                "project.json: overlap is {}, it must be 1..={MAX_OVERLAP}",
                self.overlap
            ));
        }
        if !(MIN_LEASE_SECS..=MAX_LEASE_SECS).contains(&self.lease_secs) {
            return Err(format!(
                "project.json: lease_secs is {}, it must be {MIN_LEASE_SECS}..={MAX_LEASE_SECS}",
                self.lease_secs
            ));
        }
        let mut names = BTreeSet::new();
        for (i, l) in self.labels.labels.iter().enumerate() {
            if l.name.trim().is_empty() {
                return Err(format!("project.json: labels.labels[{i}].name is empty"));
            }
            if !names.insert(l.name.as_str()) {
                return Err(format!(
                    "project.json: labels.labels[{i}].name {:?} is used twice",
                    l.name
                ));
            }
        }
        let mut users = BTreeSet::new();
        for (i, m) in self.members.iter().enumerate() {
            check_segment(&m.user)
                .map_err(|why| format!("project.json: members[{i}].user {:?}: {why}", m.user))?;
            if !users.insert(m.user.as_str()) {
                return Err(format!(
                    "project.json: members[{i}].user {:?} is listed twice",
                    m.user
                ));
            }
        }
        Ok(())
    }

    /// The roles `user` holds in this project by its member list (none if not listed).
    pub fn member_roles(&self, user: &str) -> Roles {
        self.members
            .iter()
            .find(|m| m.user == user)
            .map_or(Roles::NONE, |m| m.roles)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Label;
    use crate::team::Role;

    fn sample() -> Project {
        let mut p = Project::new(LabelSet {
            labels: vec![Label::new("car", "#f00"), Label::new("person", "#0f0")],
            tags: vec!["day".into()],
            multi_tag: false,
        });
        p.overlap = 2;
        p.members.push(Member {
            user: "ann".into(),
            roles: Roles::of(&[Role::Annotator]),
        });
        p
    }

    #[test]
    fn round_trips_and_reads_member_roles() {
        let p = sample();
        let text = serde_json::to_vec(&p).unwrap();
        let back = Project::parse(&text).unwrap();
        assert_eq!(back, p);
        assert!(back.member_roles("ann").may_annotate());
        assert!(back.member_roles("zed").is_empty());
    }

    #[test]
    fn gold_comes_at_its_rate() {
        let gold = Gold {
            tasks: vec!["g1".into()],
            rate: 0.25,
        };
        let due: Vec<u64> = (1..=12).filter(|&n| gold.due(n)).collect();
        assert_eq!(due, vec![4, 8, 12]);
        let always = Gold {
            rate: 1.0,
            ..gold.clone()
        };
        assert!((1..=5).all(|n| always.due(n)));
        assert!(!Gold {
            tasks: vec![],
            rate: 1.0
        }
        .due(1));
        let mut p = sample();
        p.gold.rate = 1.5;
        assert!(p.check().unwrap_err().contains("gold.rate"));
    }

    #[test]
    fn bad_values_name_the_field() {
        let mut p = sample();
        p.overlap = 0;
        assert!(p.check().unwrap_err().contains("overlap"));
        let mut p = sample();
        p.lease_secs = 5;
        assert!(p.check().unwrap_err().contains("lease_secs"));
        let mut p = sample();
        p.labels.labels.push(Label::new("car", "#00f"));
        assert!(p.check().unwrap_err().contains("labels.labels[2]"));
        let mut p = sample();
        p.members.push(Member {
            user: "../x".into(),
            roles: Roles::NONE,
        });
        assert!(p.check().unwrap_err().contains("members[1].user"));
        let err = Project::parse(br#"{"labels":{"labels":[]},"overlap":"two"}"#).unwrap_err();
        assert!(err.contains("overlap"), "{err}");
        let err = Project::parse(br#"{"labels":{"labels":[]},"colour":1}"#).unwrap_err();
        assert!(err.contains("colour"), "{err}");
    }
}
