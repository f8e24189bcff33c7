//! Roles of a team member and what each one allows.
//!
//! `annotator` labels the tasks given to them; `reviewer` reads every annotator's results and
//! reviews them; `manager` may do all a reviewer and an uploader may and manages the project
//! (edits `project.json`, assigns and takes back tasks, sees progress). `uploader` (writes
//! images and manifests) predates projects and is kept for small setups.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Labels the tasks given to them.
    Annotator,
    /// Reads and reviews every annotator's results.
    Reviewer,
    /// Manages the project; may do everything.
    Manager,
    /// Writes images and task manifests.
    Uploader,
}

impl Role {
    /// Every role, in the order they are listed.
    pub const ALL: [Role; 4] = [
        Role::Annotator,
        Role::Reviewer,
        Role::Manager,
        Role::Uploader,
    ];

    /// The role's name as written in configs and tokens.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Annotator => "annotator",
            Role::Reviewer => "reviewer",
            Role::Manager => "manager",
            Role::Uploader => "uploader",
        }
    }

    /// Reads a role name (case-insensitive), as group claims of an identity provider carry it.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(name.trim()))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of roles. On the wire a list (`["annotator", "reviewer"]`); the older object form
/// `{"uploader": true, "reviewer": true}` is still read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Roles(u8);

impl Roles {
    /// No role at all.
    pub const NONE: Roles = Roles(0);

    /// The set holding `roles`.
    pub fn of(roles: &[Role]) -> Roles {
        roles.iter().fold(Roles::NONE, |set, r| set.with(*r))
    }

    /// This set plus `role`.
    pub fn with(self, role: Role) -> Roles {
        Roles(self.0 | (1 << role as u8))
    }

    /// This set and `other` together.
    pub fn union(self, other: Roles) -> Roles {
        Roles(self.0 | other.0)
    }

    /// Whether `role` was given explicitly.
    pub fn has(self, role: Role) -> bool {
        self.0 & (1 << role as u8) != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The roles held, in [`Role::ALL`] order.
    pub fn list(self) -> Vec<Role> {
        Role::ALL.into_iter().filter(|r| self.has(*r)).collect()
    }

    /// May label tasks (annotators, and managers who may do everything).
    pub fn may_annotate(self) -> bool {
        self.has(Role::Annotator) || self.has(Role::Manager)
    }

    /// May read every annotator's results and review them.
    pub fn may_review(self) -> bool {
        self.has(Role::Reviewer) || self.has(Role::Manager)
    }

    /// May write images and task manifests.
    pub fn may_upload(self) -> bool {
        self.has(Role::Uploader) || self.has(Role::Manager)
    }

    /// May edit the project, assign tasks and see progress.
    pub fn may_manage(self) -> bool {
        self.has(Role::Manager)
    }
}

impl Serialize for Roles {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.list().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Roles {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Roles, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            List(Vec<Role>),
            Flags {
                #[serde(default)]
                uploader: bool,
                #[serde(default)]
                reviewer: bool,
            },
        }
        match Form::deserialize(d).map_err(|_| {
            serde::de::Error::custom(
                "roles must be a list of \"annotator\", \"reviewer\", \"manager\", \"uploader\"",
            )
        })? {
            Form::List(list) => Ok(Roles::of(&list)),
            Form::Flags { uploader, reviewer } => {
                let mut r = Roles::NONE;
                if uploader {
                    r = r.with(Role::Uploader);
                }
                if reviewer {
                    r = r.with(Role::Reviewer);
                }
                Ok(r)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manager_may_do_everything_and_roles_read_both_forms() {
        let m = Roles::of(&[Role::Manager]);
        assert!(m.may_annotate() && m.may_review() && m.may_upload() && m.may_manage());
        let a = Roles::of(&[Role::Annotator]);
        assert!(a.may_annotate() && !a.may_review() && !a.may_upload() && !a.may_manage());
        let r: Roles = serde_json::from_str(r#"["reviewer","annotator"]"#).unwrap();
        assert_eq!(r.list(), vec![Role::Annotator, Role::Reviewer]);
        let old: Roles = serde_json::from_str(r#"{"uploader":true}"#).unwrap();
        assert!(old.may_upload() && !old.may_review());
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"["annotator","reviewer"]"#
        );
        let bad = serde_json::from_str::<Roles>(r#"["admin"]"#).unwrap_err();
        assert!(bad.to_string().contains("annotator"), "{bad}");
        assert_eq!(Role::parse(" Manager "), Some(Role::Manager));
    }
}
