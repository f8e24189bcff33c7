//! A task together with everything that answers questions about it, kept up to date by the ops
//! applied to it and by nothing else.
//!
//! Tools ask "what is under the pointer?", panels ask "how many cars?", the renderer asks
//! "what is in this rectangle, and what changed since my last frame?". Each answer lives here
//! once: an id → position map, the spatial index ([`SpatialIndex`]), a revision per annotation,
//! per-label tallies and a log of the bounds each op touched. `Op::apply` (in `history`) is the only way
//! to change a document, and it updates all of them in the same step, so nothing else has to
//! keep a copy in step by hand.
//!
//! Stacking: the index stacks annotations of equal `z` in the task's list order (later on top),
//! so a hit test, the canvas and an export agree on what is above what. List positions are
//! mapped to sparse order keys ([`ORDER_GAP`] apart) so inserting in the middle (undoing a
//! delete) renumbers nothing in the common case.

use crate::geometry::SpatialIndex;
use crate::model::{Annotation, AnnotationId, Task};
use rustc_hash::FxHashMap;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

/// Distance between the stacking order keys of neighbouring annotations when keys are
/// assigned afresh, leaving room for 2^20 - 1 insertions between two of them.
pub const ORDER_GAP: u64 = 1 << 20;

/// How many touched annotations the change log keeps; a consumer that falls further behind
/// is told to start over ([`Document::changes_since`] returns `None`).
pub const CHANGE_LOG_LIMIT: usize = 8192;

/// Bounds `(x0, y0, x1, y1)` in image pixels.
pub type Rect = (f64, f64, f64, f64);

/// One annotation touched by an op: its bounds before and after, as the spatial index had
/// them (`None`: absent or without finite bounds), and whether it was visible.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// Which annotation.
    pub id: AnnotationId,
    /// Bounds before the op (hidden or not).
    pub before: Option<Rect>,
    /// Bounds after the op (hidden or not).
    pub after: Option<Rect>,
    /// Bounds before, if it was visible then.
    pub visible_before: Option<Rect>,
    /// Bounds after, if it is visible now.
    pub visible_after: Option<Rect>,
}

/// How many annotations a label has, and how many of them are hidden or locked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LabelTally {
    /// Annotations with this label.
    pub count: usize,
    /// Of them, hidden.
    pub hidden: usize,
    /// Of them, locked.
    pub locked: usize,
}

/// Why an op could not be applied. The task is left unchanged.
#[derive(Clone, Debug, PartialEq)]
pub enum ApplyError {
    /// An `Add` for an id that already exists.
    DuplicateId(AnnotationId),
    /// The op names an annotation that does not exist.
    NoSuchAnnotation(AnnotationId),
    /// The task's current value is not the op's `before`: the op belongs to another history.
    Conflict {
        /// Which annotation (empty for task-level values such as tags).
        id: String,
        /// What differed.
        field: &'static str,
    },
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApplyError::DuplicateId(id) => write!(f, "annotation {id} already exists"),
            ApplyError::NoSuchAnnotation(id) => write!(f, "no annotation with id {id}"),
            ApplyError::Conflict { id, field } => {
                write!(
                    f,
                    "the {field} of annotation {id:?} is not what the edit expected"
                )
            }
        }
    }
}

impl std::error::Error for ApplyError {}

static NEXT_DOCUMENT: AtomicU64 = AtomicU64::new(1);

/// A task and its indexes (see the module docs). A clone is a new document with its own
/// [`Document::identity`], so caches never mistake a diverging copy for the original.
pub struct Document {
    task: Task,
    positions: FxHashMap<AnnotationId, usize>,
    index: SpatialIndex,
    touched: HashMap<AnnotationId, u64>,
    labels: HashMap<String, LabelTally>,
    revision: u64,
    log: VecDeque<(u64, Change)>,
    /// Changes at or below this revision may be missing from the log.
    log_floor: u64,
    identity: u64,
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("task", &self.task.id)
            .field("annotations", &self.task.annotations.len())
            .field("revision", &self.revision)
            .finish_non_exhaustive()
    }
}

impl Clone for Document {
    fn clone(&self) -> Self {
        Self {
            task: self.task.clone(),
            positions: self.positions.clone(),
            index: self.index.clone(),
            touched: self.touched.clone(),
            labels: self.labels.clone(),
            revision: self.revision,
            log: self.log.clone(),
            log_floor: self.log_floor,
            identity: NEXT_DOCUMENT.fetch_add(1, Ordering::Relaxed),
        }
    }
}

impl Default for Document {
    fn default() -> Self {
        Self::new(Task::default())
    }
}

impl From<Task> for Document {
    fn from(task: Task) -> Self {
        Self::new(task)
    }
}

impl Document {
    /// Indexes `task`. If an id occurs twice, lookups find the later annotation (the earlier
    /// one is still listed and exported, but cannot be found by id or on the canvas).
    pub fn new(task: Task) -> Self {
        let positions: FxHashMap<AnnotationId, usize> = task
            .annotations
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.clone(), i))
            .collect();
        let index = SpatialIndex::from_ordered(
            task.annotations
                .iter()
                .enumerate()
                .filter(|(i, a)| positions.get(&a.id) == Some(i))
                .map(|(i, a)| (a, fresh_order(i))),
        );
        let mut labels: HashMap<String, LabelTally> = HashMap::new();
        for a in &task.annotations {
            tally(&mut labels, &Counted::of(a), 1);
        }
        Self {
            task,
            positions,
            index,
            touched: HashMap::new(),
            labels,
            revision: 0,
            log: VecDeque::new(),
            log_floor: 0,
            identity: NEXT_DOCUMENT.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// The task.
    pub fn task(&self) -> &Task {
        &self.task
    }

    /// The task, giving up the indexes.
    pub fn into_task(self) -> Task {
        self.task
    }

    /// The annotation with this id, in constant time.
    pub fn annotation(&self, id: &AnnotationId) -> Option<&Annotation> {
        self.position(id).and_then(|i| self.task.annotations.get(i))
    }

    /// The annotation's position in the task's list.
    pub fn position(&self, id: &AnnotationId) -> Option<usize> {
        self.positions.get(id).copied()
    }

    /// Whether an annotation with this id exists.
    pub fn contains(&self, id: &AnnotationId) -> bool {
        self.positions.contains_key(id)
    }

    /// The spatial index: hit tests, region queries, nearest vertex and edge.
    pub fn index(&self) -> &SpatialIndex {
        &self.index
    }

    /// Grows by one with every op applied (undo and redo included); equal revisions of one
    /// document mean equal content.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Different for every document made with [`Document::new`], so a cache keyed by
    /// `(identity, revision)` never confuses two tasks (clones share it with their original).
    pub fn identity(&self) -> u64 {
        self.identity
    }

    /// The document revision at which this annotation last changed (0: never since loading);
    /// caches of one annotation (a mask's bitmap) compare it.
    pub fn annotation_revision(&self, id: &AnnotationId) -> u64 {
        self.touched.get(id).copied().unwrap_or(0)
    }

    /// How many annotations carry `label`, and how many of them are hidden or locked.
    pub fn label_tally(&self, label: &str) -> LabelTally {
        self.labels.get(label).copied().unwrap_or_default()
    }

    /// The annotations touched since `revision`, oldest first, or `None` when the log no
    /// longer reaches back that far (everything must be considered changed).
    pub fn changes_since(&self, revision: u64) -> Option<impl Iterator<Item = &Change> + '_> {
        if revision < self.log_floor || revision > self.revision {
            return None;
        }
        Some(
            self.log
                .iter()
                .filter(move |(r, _)| *r > revision)
                .map(|(_, c)| c),
        )
    }

    /// Records the image's pixel size when the task did not give one (image metadata, not
    /// an edit: it is not journaled and changes no annotation).
    pub fn set_image_size(&mut self, width: u32, height: u32) {
        let image = &mut self.task.image;
        if image.width == 0 || image.height == 0 {
            image.width = width;
            image.height = height;
        }
    }

    /// Records where the image lies on the map (read from a GeoTIFF), unless the task says.
    pub fn set_image_geo(&mut self, geo: crate::model::GeoRef) {
        if self.task.image.geo.is_none() {
            self.task.image.geo = Some(geo);
        }
    }

    /// Starts a new revision: called once per top-level op by `Op::apply` (in `history`).
    pub(crate) fn begin_revision(&mut self) {
        self.revision += 1;
    }

    /// The tags, for ops that replace them.
    pub(crate) fn tags_mut(&mut self) -> &mut Vec<String> {
        &mut self.task.tags
    }

    /// The label set, for ops that replace it. Colours may change with it, so the change log
    /// starts over: whoever draws from it redraws everything.
    pub(crate) fn labels_mut(&mut self) -> &mut crate::model::LabelSet {
        self.log.clear();
        self.log_floor = self.revision;
        &mut self.task.labels
    }

    /// Inserts an annotation at `at` (clamped to the end). Its id must be new.
    pub(crate) fn insert(&mut self, at: Option<usize>, a: Annotation) -> Result<(), ApplyError> {
        if self.positions.contains_key(&a.id) {
            return Err(ApplyError::DuplicateId(a.id.clone()));
        }
        let len = self.task.annotations.len();
        let at = at.filter(|&i| i <= len).unwrap_or(len);
        let order = self.order_for_insert(at);
        tally(&mut self.labels, &Counted::of(&a), 1);
        self.index.upsert_ordered(&a, order);
        let id = a.id.clone();
        self.task.annotations.insert(at, a);
        self.reposition_from(at);
        self.record(id, (None, None));
        Ok(())
    }

    /// Removes the annotation with this id and returns it.
    pub(crate) fn remove(&mut self, id: &AnnotationId) -> Result<Annotation, ApplyError> {
        let at = self
            .position(id)
            .ok_or_else(|| ApplyError::NoSuchAnnotation(id.clone()))?;
        let before = (self.index.bounds(id), self.index.visible_bounds(id));
        let a = self.task.annotations.remove(at);
        self.positions.remove(id);
        self.reposition_from(at);
        self.index.remove(id);
        tally(&mut self.labels, &Counted::of(&a), -1);
        self.record(id.clone(), before);
        Ok(a)
    }

    /// Changes one annotation in place through `change`, which may refuse (then nothing
    /// changes). The index and tallies follow the new value.
    pub(crate) fn modify(
        &mut self,
        id: &AnnotationId,
        change: impl FnOnce(&mut Annotation) -> Result<(), ApplyError>,
    ) -> Result<(), ApplyError> {
        let at = self
            .position(id)
            .ok_or_else(|| ApplyError::NoSuchAnnotation(id.clone()))?;
        let before = (self.index.bounds(id), self.index.visible_bounds(id));
        let order = self.index.order(id).unwrap_or_else(|| fresh_order(at));
        let a = &mut self.task.annotations[at];
        let was = Counted::of(a).owned();
        change(a)?;
        let a = &self.task.annotations[at];
        let now = Counted::of(a);
        if was != now {
            tally(&mut self.labels, &was, -1);
            tally(&mut self.labels, &now, 1);
        }
        self.index.upsert_ordered(a, order);
        self.record(id.clone(), before);
        Ok(())
    }

    /// Logs a touched annotation with its bounds before (`(any, visible)`) and now.
    fn record(&mut self, id: AnnotationId, (before, visible_before): (Option<Rect>, Option<Rect>)) {
        let change = Change {
            after: self.index.bounds(&id),
            visible_after: self.index.visible_bounds(&id),
            before,
            visible_before,
            id: id.clone(),
        };
        self.touched.insert(id, self.revision);
        self.log.push_back((self.revision, change));
        while self.log.len() > CHANGE_LOG_LIMIT {
            if let Some((r, _)) = self.log.pop_front() {
                self.log_floor = self.log_floor.max(r);
            }
        }
    }

    /// Positions from `at` on moved by an insert or a remove there.
    fn reposition_from(&mut self, at: usize) {
        for (i, a) in self.task.annotations.iter().enumerate().skip(at) {
            self.positions.insert(a.id.clone(), i);
        }
    }

    /// A stacking order key between the annotations now at `at - 1` and `at`; when there is
    /// no room left between them, every key is assigned afresh first.
    fn order_for_insert(&mut self, at: usize) -> u64 {
        let key = |doc: &Self, i: usize| {
            doc.task
                .annotations
                .get(i)
                .and_then(|a| doc.index.order(&a.id))
        };
        let below = if at == 0 { Some(0) } else { key(self, at - 1) };
        let above = key(self, at);
        match (below, above) {
            (Some(lo), None) if at == self.task.annotations.len() => lo.saturating_add(ORDER_GAP),
            (Some(lo), Some(hi)) if hi > lo.saturating_add(1) => lo + (hi - lo) / 2,
            _ => {
                self.renumber();
                let lo = if at == 0 { 0 } else { fresh_order(at - 1) };
                lo + ORDER_GAP / 2
            }
        }
    }

    /// Assigns every annotation the key of its list position, leaving room after each.
    fn renumber(&mut self) {
        for (i, a) in self.task.annotations.iter().enumerate() {
            self.index.set_order(&a.id, fresh_order(i));
        }
    }
}

/// The order key of list position `i` when keys are assigned afresh.
fn fresh_order(i: usize) -> u64 {
    (i as u64 + 1).saturating_mul(ORDER_GAP)
}

/// What a label tally counts of one annotation.
#[derive(Clone, PartialEq)]
struct Counted<'a> {
    label: std::borrow::Cow<'a, str>,
    hidden: bool,
    locked: bool,
}

impl<'a> Counted<'a> {
    fn of(a: &'a Annotation) -> Self {
        Self {
            label: std::borrow::Cow::Borrowed(&a.label),
            hidden: a.hidden,
            locked: a.locked,
        }
    }

    fn owned(&self) -> Counted<'static> {
        Counted {
            label: std::borrow::Cow::Owned(self.label.to_string()),
            hidden: self.hidden,
            locked: self.locked,
        }
    }
}

fn tally(labels: &mut HashMap<String, LabelTally>, a: &Counted<'_>, sign: isize) {
    // Look up before inserting: most calls find the label, and need no new String.
    if !labels.contains_key(a.label.as_ref()) {
        labels.insert(a.label.to_string(), LabelTally::default());
    }
    let Some(t) = labels.get_mut(a.label.as_ref()) else {
        return;
    };
    let step = |v: &mut usize, on: bool| {
        if on {
            *v = v.saturating_add_signed(sign);
        }
    };
    step(&mut t.count, true);
    step(&mut t.hidden, a.hidden);
    step(&mut t.locked, a.locked);
    if t.count == 0 {
        labels.remove(a.label.as_ref());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{Flags, Op};
    use crate::model::{BoxShape, Point, Shape};

    fn boxed(id: &str, label: &str, x: f64) -> Annotation {
        Annotation::new(
            id,
            label,
            Shape::Box(BoxShape::from_corners(
                Point::new(x, 0.0),
                Point::new(x + 10.0, 10.0),
            )),
        )
    }

    fn doc(annotations: Vec<Annotation>) -> Document {
        Document::new(Task {
            id: "t".into(),
            annotations,
            ..Task::default()
        })
    }

    fn id(s: &str) -> AnnotationId {
        AnnotationId(s.into())
    }

    #[test]
    fn lookups_follow_inserts_and_removes_in_the_middle() {
        let mut d = doc(vec![boxed("a", "cat", 0.0), boxed("b", "cat", 20.0)]);
        Op::Add {
            annotation: boxed("m", "dog", 5.0),
            index: Some(1),
        }
        .apply(&mut d)
        .unwrap();
        assert_eq!(d.position(&id("m")), Some(1));
        assert_eq!(d.position(&id("b")), Some(2));
        assert_eq!(
            d.annotation(&id("b")).map(|a| a.label.as_str()),
            Some("cat")
        );
        Op::Remove {
            annotation: boxed("a", "cat", 0.0),
            index: Some(0),
        }
        .apply(&mut d)
        .unwrap();
        assert_eq!(d.position(&id("m")), Some(0));
        assert!(!d.contains(&id("a")));
        assert_eq!(d.index().len(), 2);
    }

    #[test]
    fn stacking_is_list_order_even_after_many_inserts_at_one_place() {
        // Each insert halves the gap below "top"; past 20 of them the keys are renumbered.
        let mut d = doc(vec![boxed("bottom", "cat", 0.0), boxed("top", "cat", 0.0)]);
        for i in 0..40 {
            Op::Add {
                annotation: boxed(&format!("n{i}"), "cat", 0.0),
                index: Some(1 + i),
            }
            .apply(&mut d)
            .unwrap();
        }
        let listed: Vec<AnnotationId> = d.task().annotations.iter().map(|a| a.id.clone()).collect();
        assert_eq!(d.index().visible_in(0.0, 0.0, 10.0, 10.0), listed);
        assert_eq!(
            d.index().hit(Point::new(5.0, 5.0), 0.0, 1.0).map(|h| h.id),
            Some(id("top"))
        );
    }

    #[test]
    fn label_tallies_follow_relabels_and_flags() {
        let mut d = doc(vec![boxed("a", "cat", 0.0), boxed("b", "cat", 20.0)]);
        assert_eq!(d.label_tally("cat").count, 2);
        Op::Relabel {
            id: id("a"),
            before: "cat".into(),
            after: "dog".into(),
        }
        .apply(&mut d)
        .unwrap();
        Op::SetFlags {
            id: id("b"),
            before: Flags::default(),
            after: Flags {
                hidden: true,
                locked: true,
                z: 0,
            },
        }
        .apply(&mut d)
        .unwrap();
        assert_eq!(
            d.label_tally("cat"),
            LabelTally {
                count: 1,
                hidden: 1,
                locked: 1
            }
        );
        assert_eq!(d.label_tally("dog").count, 1);
        assert_eq!(d.label_tally("bird"), LabelTally::default());
    }

    #[test]
    fn a_failing_op_changes_nothing_but_the_revision() {
        let mut d = doc(vec![boxed("a", "cat", 0.0)]);
        let before = d.task().clone();
        let r = d.revision();
        let bad = Op::Batch {
            ops: vec![
                Op::Relabel {
                    id: id("a"),
                    before: "cat".into(),
                    after: "dog".into(),
                },
                Op::Relabel {
                    id: id("zz"),
                    before: "x".into(),
                    after: "y".into(),
                },
            ],
        };
        assert!(bad.apply(&mut d).is_err());
        assert_eq!(d.task(), &before);
        assert_eq!(d.label_tally("cat").count, 1);
        assert_eq!(d.label_tally("dog").count, 0);
        assert!(d.revision() > r);
    }

    #[test]
    fn the_change_log_lists_touched_bounds_and_forgets_past_its_limit() {
        let mut d = doc(vec![boxed("a", "cat", 0.0)]);
        let r = d.revision();
        Op::SetShape {
            id: id("a"),
            before: boxed("a", "cat", 0.0).shape,
            after: boxed("a", "cat", 50.0).shape,
        }
        .apply(&mut d)
        .unwrap();
        let changes: Vec<&Change> = d.changes_since(r).unwrap().collect();
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].before, Some((0.0, 0.0, 10.0, 10.0)));
        assert_eq!(changes[0].after, Some((50.0, 0.0, 60.0, 10.0)));
        assert_eq!(d.annotation_revision(&id("a")), d.revision());
        assert_eq!(d.changes_since(d.revision()).unwrap().count(), 0);
        for i in 0..CHANGE_LOG_LIMIT + 1 {
            Op::Add {
                annotation: boxed(&format!("n{i}"), "cat", 0.0),
                index: None,
            }
            .apply(&mut d)
            .unwrap();
        }
        assert!(d.changes_since(r).is_none(), "too far back: start over");
        assert!(d.changes_since(d.revision() - 1).is_some());
    }

    #[test]
    fn a_clone_is_another_document() {
        let d = doc(vec![boxed("a", "cat", 0.0)]);
        assert_ne!(d.clone().identity(), d.identity());
        assert_ne!(Document::default().identity(), d.identity());
    }
}
