//! Object keys and the per-user policy that says who may read or write which key.
//!
//! Keys arrive from the network, so they are checked strictly and never repaired, by the rule
//! `lasso_core::cloud::keys` states once for the client and this server alike.
//!
//! Bucket layout (see docs/presign.md and docs/team.md): the root layout `src/…`,
//! `target/<task>/<user>.json` of a single team, and projects `<p>/…` (`lasso_core::team::layout`)
//! whose members are given by roles; [`authorize`] states who may reach what.

use std::collections::BTreeMap;

use crate::error::ApiError;
use lasso_core::team::layout::{classify, ProjectPath};
pub use lasso_core::team::{Role, Roles};

pub use lasso_core::cloud::keys::{
    check_segment, MAX_KEY_LEN, MAX_SEGMENT as MAX_SEGMENT_LEN, MAX_SEGMENTS,
};

/// A key that passed [`ObjectKey::parse`]: canonical, bounded, and free of escapes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectKey(String);

impl ObjectKey {
    /// Checks `raw` and returns it as a key, or says exactly why it was refused.
    pub fn parse(raw: &str) -> Result<ObjectKey, ApiError> {
        lasso_core::cloud::keys::check_key(raw).map_err(ApiError::BadRequest)?;
        Ok(ObjectKey(raw.to_owned()))
    }

    /// The key as stored in the bucket.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key's segments.
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }
}

impl std::fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a request wants to do with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Download (GET).
    Read,
    /// Upload (PUT or multipart).
    Write,
}

/// A signed-in user: a name that is a valid key segment, roles in every project, and roles
/// in single projects (from the token's `<project>:<role>` groups or `project.json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    name: String,
    roles: Roles,
    projects: BTreeMap<String, Roles>,
}

impl User {
    /// Makes a user; the name must be a valid key segment because it becomes one.
    pub fn new(name: &str, roles: Roles) -> Result<User, String> {
        check_segment(name).map_err(|why| format!("user name {name:?} is invalid: {why}"))?;
        Ok(User {
            name: name.to_owned(),
            roles,
            projects: BTreeMap::new(),
        })
    }

    /// This user with `roles` added in `project`.
    pub fn with_project(mut self, project: &str, roles: Roles) -> User {
        let entry = self.projects.entry(project.to_owned()).or_default();
        *entry = entry.union(roles);
        self
    }

    /// The user's name, as used in `target/<task>/<user>.json`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The roles the user holds everywhere.
    pub fn roles(&self) -> Roles {
        self.roles
    }

    /// The roles the user holds in `project` (everywhere-roles included).
    pub fn roles_in(&self, project: &str) -> Roles {
        self.projects
            .get(project)
            .map_or(self.roles, |r| r.union(self.roles))
    }

    /// Projects named by the user's own per-project roles.
    pub fn named_projects(&self) -> impl Iterator<Item = &str> {
        self.projects.keys().map(String::as_str)
    }
}

/// Decides whether `user` may reach `key` for `access`; refusals say why.
///
/// Root layout (`src/…`, `target/…`): everyone signed in reads `src/` and their own results;
/// uploaders write `src/`, reviewers read every result. In a project `<p>/…` only members get
/// in: everyone reads `project.json`, `src/` and `datasets/`, annotators write their own
/// results, reviewers read all results, uploaders write `src/`, managers write `project.json`
/// and `datasets/`; `state/` is written by the server alone.
pub fn authorize(user: &User, key: &ObjectKey, access: Access) -> Result<(), ApiError> {
    let (project, part) = classify(key.as_str());
    let roles = match project {
        None => user.roles,
        Some(p) => {
            let roles = user.roles_in(p);
            if roles.is_empty() {
                return Err(ApiError::Forbidden(format!(
                    "user {:?} is not a member of project {p:?}",
                    user.name
                )));
            }
            roles
        }
    };
    let refuse = |why: String| Err(ApiError::Forbidden(why));
    match part {
        ProjectPath::Source => match access {
            Access::Read => Ok(()),
            Access::Write if roles.may_upload() => Ok(()),
            Access::Write => refuse(format!(
                "user {:?} may not write under src/ (needs the uploader or manager role)",
                user.name
            )),
        },
        ProjectPath::Result { owner, .. } => {
            // Reviewers write their own copy too: their corrections before accepting.
            let own = owner == user.name
                && (project.is_none() || roles.may_annotate() || roles.may_review());
            if own || (access == Access::Read && roles.may_review()) {
                Ok(())
            } else {
                refuse(format!(
                    "key {key} belongs to another user; user {:?} may only use target/<task>/{}.json",
                    user.name, user.name
                ))
            }
        }
        ProjectPath::BadResult => refuse(format!(
            "key {key} is not a result file: expected target/<task>/<user>.json"
        )),
        ProjectPath::ProjectFile | ProjectPath::Datasets => match access {
            Access::Read => Ok(()),
            Access::Write if roles.may_manage() => Ok(()),
            Access::Write => refuse(format!(
                "user {:?} may not change {key} (needs the manager role)",
                user.name
            )),
        },
        ProjectPath::Accepted => match access {
            Access::Read if roles.may_review() => Ok(()),
            _ => refuse(format!(
                "key {key} is an accepted result: reviewers and managers read it, only the server writes it"
            )),
        },
        ProjectPath::State => refuse(format!(
            "key {key} is under state/, which only the server writes and reads"
        )),
        ProjectPath::Other => refuse(format!(
            "key {key} is outside the layout: use src/…, target/<task>/<user>.json, or a project's <p>/src/…, <p>/target/…"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_keys_pass() {
        for k in [
            "src/a.jpg",
            "target/t-1/alice.json",
            "src/img/IMG_0001.JPG",
            "a.b.c",
        ] {
            assert_eq!(ObjectKey::parse(k).map(|k| k.0), Ok(k.to_owned()), "{k}");
        }
    }

    #[test]
    fn owner_is_the_segment_after_the_task() {
        let alice = User::new("alice", Roles::default()).unwrap();
        let k = ObjectKey::parse("target/t1/alice/mask-3.png").unwrap();
        assert_eq!(authorize(&alice, &k, Access::Write), Ok(()));
        let k = ObjectKey::parse("p/target/t1/alice.json").unwrap();
        assert!(
            authorize(&alice, &k, Access::Write).is_err(),
            "not a member of p"
        );
        let alice = alice.with_project("p", Roles::of(&[Role::Annotator]));
        assert_eq!(authorize(&alice, &k, Access::Write), Ok(()));
        let k = ObjectKey::parse("target/alice/bob.json").unwrap();
        assert!(matches!(
            authorize(&alice, &k, Access::Write),
            Err(ApiError::Forbidden(_))
        ));
    }
}
