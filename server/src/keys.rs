//! Object keys and the per-user policy that says who may read or write which key.
//!
//! Keys arrive from the network, so they are checked strictly and never repaired, by the rule
//! `lasso_core::cloud::keys` states once for the client and this server alike.
//!
//! Bucket layout (see docs/presign.md):
//! - `src/…` images and task manifests: everyone signed in may read; only uploaders may write.
//! - `target/<task>/<user>.json` and `target/<task>/<user>/…`: the annotator `<user>` may read
//!   and write; reviewers may read every annotator's results.

use crate::error::ApiError;

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

/// Roles that widen what a user may reach beyond their own results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
pub struct Roles {
    /// May write images and manifests under `src/`.
    #[serde(default)]
    pub uploader: bool,
    /// May read every annotator's results under `target/`.
    #[serde(default)]
    pub reviewer: bool,
}

/// A signed-in user: a name that is a valid key segment, and roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    name: String,
    roles: Roles,
}

impl User {
    /// Makes a user; the name must be a valid key segment because it becomes one.
    pub fn new(name: &str, roles: Roles) -> Result<User, String> {
        check_segment(name).map_err(|why| format!("user name {name:?} is invalid: {why}"))?;
        Ok(User {
            name: name.to_owned(),
            roles,
        })
    }

    /// The user's name, as used in `target/<task>/<user>.json`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The user's roles.
    pub fn roles(&self) -> Roles {
        self.roles
    }
}

/// Decides whether `user` may reach `key` for `access`; refusals say why.
pub fn authorize(user: &User, key: &ObjectKey, access: Access) -> Result<(), ApiError> {
    let segs: Vec<&str> = key.segments().collect();
    match segs.as_slice() {
        ["src", _, ..] => match access {
            Access::Read => Ok(()),
            Access::Write if user.roles.uploader => Ok(()),
            Access::Write => Err(ApiError::Forbidden(format!(
                "user {:?} may not write under src/ (needs the uploader role)",
                user.name
            ))),
        },
        ["target", _task, owner_file] => {
            let owner = owner_file.strip_suffix(".json").ok_or_else(|| {
                ApiError::Forbidden(format!(
                    "key {key} is not a result file: expected target/<task>/<user>.json"
                ))
            })?;
            check_owner(user, owner, key, access)
        }
        ["target", _task, owner, _, ..] => check_owner(user, owner, key, access),
        _ => Err(ApiError::Forbidden(format!(
            "key {key} is outside the layout: use src/… or target/<task>/<user>.json"
        ))),
    }
}

fn check_owner(user: &User, owner: &str, key: &ObjectKey, access: Access) -> Result<(), ApiError> {
    if owner == user.name || (access == Access::Read && user.roles.reviewer) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "key {key} belongs to another user; user {:?} may only use target/<task>/{}.json",
            user.name, user.name
        )))
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
        let k = ObjectKey::parse("target/alice/bob.json").unwrap();
        assert!(matches!(
            authorize(&alice, &k, Access::Write),
            Err(ApiError::Forbidden(_))
        ));
    }
}
