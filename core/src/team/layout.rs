//! Where each fact of a project lives in the bucket — the one statement of the layout, used to
//! build keys (client, server, CLI) and to read keys back from listings.
//!
//! ```text
//! <p>/project.json                  the project (labels, instructions, overlap, members)
//! <p>/src/images/…, src/tasks/<t>.json   images and task manifests
//! <p>/target/<t>/<u>.json           each person's result
//! <p>/state/slots/<t>/<n>           lease of annotator slot n of task t (body: who holds it);
//!                                   created with If-None-Match, renewed or taken over with If-Match
//! <p>/state/users/<u>/<t>           u has been given t (created with If-None-Match first, so one
//!                                   person never holds two slots of one task)
//! <p>/state/open/<u>/<t>.<n>        u works on slot n of t (removed on submit or when the lease is
//!                                   lost; of two markers of one slot the newer one is the holder)
//! <p>/state/done/<t>/<u>.json       u submitted t (body: slot, time, active time, classes, tags)
//! <p>/state/classes/<c>/<t>/<u>     u's submitted result of t holds class c (the gallery's index)
//! <p>/state/tags/<g>/<t>/<u>        ... and image tag g
//! <p>/state/review/<t>/<u>.json     the latest review of u's result of t (issues, comment)
//! <p>/state/rework/<u>/<t>          u owes a rework of t (removed on resubmission)
//! <p>/state/accepted/<t>.json       t was accepted (by whom, whose result)
//! <p>/accepted/<t>.json             the accepted result: what dataset exports use
//! <p>/state/gold/<t>/<u>.json       how u's result of gold task t compares with its reference
//! ```
//! Class and tag names become segments by [`name_segment`].
//! Keys without a project (`src/…`, `target/…` at the bucket's root) are the single-user layout
//! that predates projects; those two names cannot be project ids.

use crate::cloud::keys::{check_segment, KeyError};

/// Names that cannot be project ids because the root layout uses them.
pub const RESERVED: [&str; 4] = ["src", "target", "state", "datasets"];

/// Checks a project id: a key segment that is not one of [`RESERVED`].
pub fn check_project_id(id: &str) -> Result<(), String> {
    check_segment(id).map_err(|why| format!("project id {id:?}: {why}"))?;
    if RESERVED.contains(&id) {
        return Err(format!(
            "project id {id:?} is reserved for the bucket's root layout"
        ));
    }
    Ok(())
}

fn seg<'a>(what: &'static str, value: &'a str) -> Result<&'a str, KeyError> {
    if check_segment(value).is_ok() {
        Ok(value)
    } else {
        Err(KeyError {
            what,
            value: value.to_string(),
        })
    }
}

/// A class or tag name as one key segment: the name itself when it is a valid segment that
/// does not start with `x-`, else `x-` and the hex of its UTF-8 bytes (one spelling per name).
pub fn name_segment(name: &str) -> String {
    if check_segment(name).is_ok() && !name.starts_with("x-") {
        return name.to_string();
    }
    let hex: String = name.bytes().map(|b| format!("{b:02x}")).collect();
    // Long names are cut to the segment limit; two such names sharing their first 63 bytes
    // share an index entry, which only widens a search.
    format!(
        "x-{}",
        &hex[..hex.len().min(crate::cloud::keys::MAX_SEGMENT - 2)]
    )
}

/// Which index a gallery marker belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Index {
    /// Classes present in a result.
    Class,
    /// Image tags of a result.
    Tag,
}

impl Index {
    fn dir(self) -> &'static str {
        match self {
            Index::Class => "classes",
            Index::Tag => "tags",
        }
    }
}

/// Key builder for one project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectKeys {
    id: String,
}

impl ProjectKeys {
    /// Keys of project `id`; fails if the id is not a valid, unreserved segment.
    pub fn new(id: &str) -> Result<ProjectKeys, String> {
        check_project_id(id)?;
        Ok(ProjectKeys { id: id.to_string() })
    }

    /// The project id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// `<p>/project.json`.
    pub fn project_json(&self) -> String {
        format!("{}/project.json", self.id)
    }

    /// `<p>/src/tasks/`: where task manifests are listed.
    pub fn tasks_prefix(&self) -> String {
        format!("{}/src/tasks/", self.id)
    }

    /// `<p>/src/tasks/<t>.json`.
    pub fn manifest(&self, task: &str) -> Result<String, KeyError> {
        Ok(format!(
            "{}/src/tasks/{}.json",
            self.id,
            seg("task id", task)?
        ))
    }

    /// `<p>/src/images/<name>`.
    pub fn image(&self, name: &str) -> Result<String, KeyError> {
        Ok(format!(
            "{}/src/images/{}",
            self.id,
            seg("image name", name)?
        ))
    }

    /// `<p>/target/<t>/<u>.json`.
    pub fn result(&self, task: &str, user: &str) -> Result<String, KeyError> {
        Ok(format!(
            "{}/target/{}/{}.json",
            self.id,
            seg("task id", task)?,
            seg("user", user)?
        ))
    }

    /// `<p>/target/`: every result.
    pub fn results_prefix(&self) -> String {
        format!("{}/target/", self.id)
    }

    /// The task and owner of a result's key (`<p>/target/<t>/<u>.json`); `None` for anything
    /// else, also files stored beside a result.
    pub fn parse_result<'a>(&self, key: &'a str) -> Option<(&'a str, &'a str)> {
        let rest = key.strip_prefix(&self.results_prefix())?;
        let (task, file) = rest.split_once('/')?;
        let user = file.strip_suffix(".json")?;
        (check_segment(task).is_ok() && check_segment(user).is_ok()).then_some((task, user))
    }

    /// `<p>/state/ml/uncertainty.json`: how unsure the model was about each task (written by
    /// `lasso predict`, read by "next" when the project orders by it).
    pub fn ml_ranking(&self) -> String {
        format!("{}/state/ml/uncertainty.json", self.id)
    }

    /// `<p>/state/slots/`: every lease.
    pub fn slots_prefix(&self) -> String {
        format!("{}/state/slots/", self.id)
    }

    /// `<p>/state/slots/<t>/<n>`.
    pub fn slot(&self, task: &str, slot: u32) -> Result<String, KeyError> {
        Ok(format!(
            "{}/state/slots/{}/{slot}",
            self.id,
            seg("task id", task)?
        ))
    }

    /// `<p>/state/users/<u>/`: the tasks `u` has been given.
    pub fn given_prefix(&self, user: &str) -> Result<String, KeyError> {
        Ok(format!("{}/state/users/{}/", self.id, seg("user", user)?))
    }

    /// `<p>/state/users/<u>/<t>`.
    pub fn given(&self, user: &str, task: &str) -> Result<String, KeyError> {
        Ok(format!(
            "{}{}",
            self.given_prefix(user)?,
            seg("task id", task)?
        ))
    }

    /// `<p>/state/open/`: what everyone is working on.
    pub fn open_prefix(&self) -> String {
        format!("{}/state/open/", self.id)
    }

    /// `<p>/state/open/<u>/`.
    pub fn open_user_prefix(&self, user: &str) -> Result<String, KeyError> {
        Ok(format!("{}{}/", self.open_prefix(), seg("user", user)?))
    }

    /// `<p>/state/open/<u>/<t>.<n>`.
    pub fn open(&self, user: &str, task: &str, slot: u32) -> Result<String, KeyError> {
        Ok(format!(
            "{}{}.{slot}",
            self.open_user_prefix(user)?,
            seg("task id", task)?
        ))
    }

    /// `<p>/state/done/`: every submission.
    pub fn done_prefix(&self) -> String {
        format!("{}/state/done/", self.id)
    }

    /// `<p>/state/done/<t>/<u>.json`.
    pub fn done(&self, task: &str, user: &str) -> Result<String, KeyError> {
        Ok(format!(
            "{}{}/{}.json",
            self.done_prefix(),
            seg("task id", task)?,
            seg("user", user)?
        ))
    }

    /// `<p>/state/review/`: every review.
    pub fn review_prefix(&self) -> String {
        format!("{}/state/review/", self.id)
    }

    /// `<p>/state/review/<t>/<u>.json`: the latest review of u's result of t.
    pub fn review(&self, task: &str, user: &str) -> Result<String, KeyError> {
        Ok(format!(
            "{}/state/review/{}/{}.json",
            self.id,
            seg("task id", task)?,
            seg("user", user)?
        ))
    }

    /// `<p>/state/rework/`: every rework owed.
    pub fn rework_prefix(&self) -> String {
        format!("{}/state/rework/", self.id)
    }

    /// `<p>/state/rework/<u>/`: the reworks u owes.
    pub fn rework_user_prefix(&self, user: &str) -> Result<String, KeyError> {
        Ok(format!("{}{}/", self.rework_prefix(), seg("user", user)?))
    }

    /// `<p>/state/rework/<u>/<t>`: u owes a rework of t.
    pub fn rework(&self, user: &str, task: &str) -> Result<String, KeyError> {
        Ok(format!(
            "{}{}",
            self.rework_user_prefix(user)?,
            seg("task id", task)?
        ))
    }

    /// `(user, task)` of a rework marker.
    pub fn parse_rework<'a>(&self, key: &'a str) -> Option<(&'a str, &'a str)> {
        let rest = key.strip_prefix(&self.rework_prefix())?;
        let (user, task) = rest.split_once('/')?;
        (check_segment(task).is_ok() && check_segment(user).is_ok()).then_some((user, task))
    }

    /// `<p>/state/accepted/`: every acceptance.
    pub fn accepted_records_prefix(&self) -> String {
        format!("{}/state/accepted/", self.id)
    }

    /// `<p>/state/accepted/<t>.json`: the acceptance of t.
    pub fn accepted_record(&self, task: &str) -> Result<String, KeyError> {
        Ok(format!(
            "{}{}.json",
            self.accepted_records_prefix(),
            seg("task id", task)?
        ))
    }

    /// The task of an acceptance record's key.
    pub fn parse_accepted_record<'a>(&self, key: &'a str) -> Option<&'a str> {
        let task = key
            .strip_prefix(&self.accepted_records_prefix())?
            .strip_suffix(".json")?;
        check_segment(task).ok().map(|()| task)
    }

    /// `<p>/state/gold/`: every gold score.
    pub fn gold_prefix(&self) -> String {
        format!("{}/state/gold/", self.id)
    }

    /// `<p>/state/gold/<t>/<u>.json`: u's score on gold task t.
    pub fn gold_score(&self, task: &str, user: &str) -> Result<String, KeyError> {
        Ok(format!(
            "{}{}/{}.json",
            self.gold_prefix(),
            seg("task id", task)?,
            seg("user", user)?
        ))
    }

    /// `<p>/accepted/<t>.json`: the accepted result of t.
    pub fn accepted(&self, task: &str) -> Result<String, KeyError> {
        Ok(format!(
            "{}{}.json",
            self.accepted_prefix(),
            seg("task id", task)?
        ))
    }

    /// `<p>/accepted/`: every accepted result.
    pub fn accepted_prefix(&self) -> String {
        format!("{}/accepted/", self.id)
    }

    /// The task of an accepted result's key.
    pub fn parse_accepted<'a>(&self, key: &'a str) -> Option<&'a str> {
        let task = key
            .strip_prefix(&self.accepted_prefix())?
            .strip_suffix(".json")?;
        check_segment(task).ok().map(|()| task)
    }

    /// `<p>/state/classes/<c>/` or `<p>/state/tags/<g>/`: every submitted result holding `name`.
    pub fn index_prefix(&self, index: Index, name: &str) -> String {
        format!("{}/state/{}/{}/", self.id, index.dir(), name_segment(name))
    }

    /// `<p>/state/classes/<c>/<t>/<u>` (or tags).
    pub fn index_marker(
        &self,
        index: Index,
        name: &str,
        task: &str,
        user: &str,
    ) -> Result<String, KeyError> {
        Ok(format!(
            "{}{}/{}",
            self.index_prefix(index, name),
            seg("task id", task)?,
            seg("user", user)?
        ))
    }

    /// `(task, user)` of a marker from a listing of [`Self::index_prefix`].
    pub fn parse_index_marker<'a>(
        &self,
        index: Index,
        name: &str,
        key: &'a str,
    ) -> Option<(&'a str, &'a str)> {
        let rest = key.strip_prefix(&self.index_prefix(index, name))?;
        let (task, user) = rest.split_once('/')?;
        (check_segment(task).is_ok() && check_segment(user).is_ok()).then_some((task, user))
    }

    /// The task id of a manifest key from a listing of [`Self::tasks_prefix`].
    pub fn task_of_manifest<'a>(&self, key: &'a str) -> Option<&'a str> {
        let rest = key.strip_prefix(&self.tasks_prefix())?;
        let task = rest.strip_suffix(".json")?;
        check_segment(task).ok().map(|()| task)
    }

    /// `(task, slot)` of a lease key from a listing of [`Self::slots_prefix`].
    pub fn parse_slot<'a>(&self, key: &'a str) -> Option<(&'a str, u32)> {
        let rest = key.strip_prefix(&self.slots_prefix())?;
        let (task, slot) = rest.split_once('/')?;
        check_segment(task).ok()?;
        Some((task, slot.parse().ok()?))
    }

    /// `(task, user)` of a submission key from a listing of [`Self::done_prefix`].
    pub fn parse_done<'a>(&self, key: &'a str) -> Option<(&'a str, &'a str)> {
        let rest = key.strip_prefix(&self.done_prefix())?;
        let (task, file) = rest.split_once('/')?;
        let user = file.strip_suffix(".json")?;
        (check_segment(task).is_ok() && check_segment(user).is_ok()).then_some((task, user))
    }

    /// `(user, task, slot)` of a work-in-progress key from a listing of [`Self::open_prefix`].
    pub fn parse_open<'a>(&self, key: &'a str) -> Option<(&'a str, &'a str, u32)> {
        let rest = key.strip_prefix(&self.open_prefix())?;
        let (user, name) = rest.split_once('/')?;
        let (task, slot) = name.rsplit_once('.')?;
        let slot = slot.parse().ok()?;
        (check_segment(task).is_ok() && check_segment(user).is_ok()).then_some((user, task, slot))
    }
}

/// What part of the layout a key is in, for the access policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProjectPath<'a> {
    /// `<p>/project.json`.
    ProjectFile,
    /// `<p>/src/…`: images and manifests.
    Source,
    /// `<p>/target/<t>/<u>.json` or `<p>/target/<t>/<u>/…`: a result of `owner`.
    Result {
        /// The task.
        task: &'a str,
        /// Whose result it is.
        owner: &'a str,
    },
    /// `<p>/target/…` in any other form.
    BadResult,
    /// `<p>/state/…`: written by the server only.
    State,
    /// `<p>/datasets/…`: built datasets.
    Datasets,
    /// `<p>/accepted/<t>.json`: accepted results (read by reviewers and managers, written by
    /// the server when a task is accepted).
    Accepted,
    /// Anything else.
    Other,
}

/// Splits a checked key into its project (`None` for the root layout) and its part.
pub fn classify(key: &str) -> (Option<&str>, ProjectPath<'_>) {
    let segs: Vec<&str> = key.split('/').collect();
    let (project, rest) = match segs.first() {
        Some(&"src") | Some(&"target") => (None, &segs[..]),
        Some(first) => (Some(*first), &segs[1..]),
        None => return (None, ProjectPath::Other),
    };
    let part = match rest {
        ["project.json"] if project.is_some() => ProjectPath::ProjectFile,
        ["src", _, ..] => ProjectPath::Source,
        ["target", task, file] => match file.strip_suffix(".json") {
            Some(owner) => ProjectPath::Result { task, owner },
            None => ProjectPath::BadResult,
        },
        ["target", task, owner, _, ..] => ProjectPath::Result { task, owner },
        ["target", ..] => ProjectPath::BadResult,
        ["state", ..] if project.is_some() => ProjectPath::State,
        ["accepted", _] if project.is_some() => ProjectPath::Accepted,
        ["datasets", _, ..] if project.is_some() => ProjectPath::Datasets,
        _ => ProjectPath::Other,
    };
    (project, part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back_from_listings() {
        let k = ProjectKeys::new("birds").unwrap();
        assert_eq!(k.slot("t1", 2).unwrap(), "birds/state/slots/t1/2");
        assert_eq!(k.parse_slot("birds/state/slots/t1/2"), Some(("t1", 2)));
        assert_eq!(k.parse_slot("birds/state/slots/t1/x"), None);
        let d = k.done("t1", "ann").unwrap();
        assert_eq!(k.parse_done(&d), Some(("t1", "ann")));
        let o = k.open("ann", "t.1", 3).unwrap();
        assert_eq!(o, "birds/state/open/ann/t.1.3");
        assert_eq!(k.parse_open(&o), Some(("ann", "t.1", 3)));
        assert_eq!(k.task_of_manifest(&k.manifest("t-9").unwrap()), Some("t-9"));
        assert!(k.result("../x", "ann").is_err());
        let r = k.result("t1", "ann").unwrap();
        assert_eq!(k.parse_result(&r), Some(("t1", "ann")));
        assert_eq!(k.parse_result("birds/target/t1/ann.json.tmp"), None);
        assert_eq!(k.parse_result("birds/target/t1/x/ann.json"), None);
        assert_eq!(k.parse_accepted(&k.accepted("t1").unwrap()), Some("t1"));
        assert_eq!(k.parse_accepted("birds/accepted/t1.png"), None);
        assert!(ProjectKeys::new("src").is_err());
        assert!(ProjectKeys::new("a/b").is_err());
    }

    #[test]
    fn names_become_one_segment_each() {
        assert_eq!(name_segment("car"), "car");
        assert_eq!(
            name_segment("traffic light"),
            "x-74726166666963206c69676874"
        );
        assert_eq!(
            name_segment("x-ray"),
            "x-782d726179",
            "names like the escape are escaped"
        );
        assert!(check_segment(&name_segment(&"ж".repeat(200))).is_ok());
        let k = ProjectKeys::new("p").unwrap();
        let m = k
            .index_marker(Index::Class, "traffic light", "t.1", "ann.b")
            .unwrap();
        assert_eq!(
            k.parse_index_marker(Index::Class, "traffic light", &m),
            Some(("t.1", "ann.b"))
        );
        assert_eq!(k.parse_index_marker(Index::Tag, "traffic light", &m), None);
    }

    #[test]
    fn classify_names_the_owner_of_results() {
        assert_eq!(
            classify("p/target/t/ann.json"),
            (
                Some("p"),
                ProjectPath::Result {
                    task: "t",
                    owner: "ann"
                }
            )
        );
        assert_eq!(
            classify("target/t/ann/m.png"),
            (
                None,
                ProjectPath::Result {
                    task: "t",
                    owner: "ann"
                }
            )
        );
        assert_eq!(classify("p/target/t/x.png").1, ProjectPath::BadResult);
        assert_eq!(classify("src/a.jpg"), (None, ProjectPath::Source));
        assert_eq!(
            classify("p/project.json"),
            (Some("p"), ProjectPath::ProjectFile)
        );
        assert_eq!(
            classify("p/state/slots/t/0"),
            (Some("p"), ProjectPath::State)
        );
        assert_eq!(classify("p/whatever"), (Some("p"), ProjectPath::Other));
        assert_eq!(classify("state/x").1, ProjectPath::Other);
    }
}
