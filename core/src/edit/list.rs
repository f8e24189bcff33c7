//! The annotation list as people read it: each annotation's number in the task, class, kind,
//! size, hidden and locked marks and a prediction's score, filtered by class and ordered by the
//! task, by class, or largest first.

use crate::geometry::{area, bounds};
use crate::i18n::{self, Locale};
use crate::model::{Annotation, AnnotationId, Shape, ShapeKind, Task};

/// How the list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ListOrder {
    /// As in the task (drawing order).
    #[default]
    Task,
    /// By class name, then as in the task.
    Class,
    /// Largest area first.
    Largest,
}

impl ListOrder {
    /// Reads `task`, `class` or `largest`.
    pub fn parse(name: &str) -> Option<ListOrder> {
        match name {
            "task" => Some(ListOrder::Task),
            "class" => Some(ListOrder::Class),
            "largest" => Some(ListOrder::Largest),
            _ => None,
        }
    }
}

/// One row of the list.
#[derive(Clone, Debug, PartialEq)]
pub struct ListRow {
    /// The annotation's number in the task (1-based).
    pub number: usize,
    /// Its id.
    pub id: AnnotationId,
    /// Its class.
    pub label: String,
    /// Its kind in words (`box`, `polygon`, …) of the list's language.
    pub kind: &'static str,
    /// Its size in words (`120 × 80`, `5 points`).
    pub size: String,
    /// Hidden.
    pub hidden: bool,
    /// Locked.
    pub locked: bool,
    /// The score of a prediction under review.
    pub score: Option<f64>,
}

/// A kind of shape in words of `locale`.
pub fn kind_name(locale: Locale, kind: ShapeKind) -> &'static str {
    i18n::text(
        locale,
        match kind {
            ShapeKind::Box => "kind.box",
            ShapeKind::RotatedBox => "kind.rotated_box",
            ShapeKind::Polygon => "kind.polygon",
            ShapeKind::Polyline => "kind.polyline",
            ShapeKind::Keypoints => "kind.keypoints",
            ShapeKind::Mask => "kind.mask",
        },
    )
}

/// A shape's size in words of `locale`: width × height of its bounds in whole pixels, or how
/// many points.
pub fn size_text(locale: Locale, shape: &Shape) -> String {
    if let Shape::Keypoints { points } = shape {
        return i18n::plural(locale, "size.points", points.len() as u64, &[]);
    }
    bounds(shape).map_or_else(String::new, |b| {
        let (w, h) = (
            i18n::number(locale, b.x1 - b.x0, 0),
            i18n::number(locale, b.y1 - b.y0, 0),
        );
        i18n::format(locale, "size.extent", &[("w", &w), ("h", &h)])
    })
}

fn row(locale: Locale, number: usize, a: &Annotation) -> ListRow {
    ListRow {
        number,
        id: a.id.clone(),
        label: a.label.clone(),
        kind: kind_name(locale, a.shape.kind()),
        size: size_text(locale, &a.shape),
        hidden: a.hidden,
        locked: a.locked,
        score: crate::formats::predictions::score(a),
    }
}

/// The first `limit` rows of the annotations of `class` (all when `None`) in `order`, in words
/// of `locale`, and how many match in all.
pub fn rows(
    locale: Locale,
    task: &Task,
    class: Option<&str>,
    order: ListOrder,
    limit: usize,
) -> (Vec<ListRow>, usize) {
    let mut matching: Vec<(usize, &Annotation)> = task
        .annotations
        .iter()
        .enumerate()
        .filter(|(_, a)| class.is_none_or(|c| a.label == c))
        .map(|(i, a)| (i + 1, a))
        .collect();
    match order {
        ListOrder::Task => {}
        ListOrder::Class => matching.sort_by(|a, b| a.1.label.cmp(&b.1.label).then(a.0.cmp(&b.0))),
        ListOrder::Largest => {
            let mut sized: Vec<(f64, (usize, &Annotation))> = matching
                .iter()
                .map(|&(n, a)| (area(&a.shape), (n, a)))
                .collect();
            sized.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1 .0.cmp(&b.1 .0)));
            matching = sized.into_iter().map(|(_, r)| r).collect();
        }
    }
    let total = matching.len();
    let rows = matching
        .into_iter()
        .take(limit)
        .map(|(n, a)| row(locale, n, a))
        .collect();
    (rows, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BoxShape, Keypoint, Visibility};

    fn boxed(id: &str, label: &str, w: f64, h: f64) -> Annotation {
        Annotation::new(
            id,
            label,
            Shape::Box(BoxShape {
                x0: 0.0,
                y0: 0.0,
                x1: w,
                y1: h,
            }),
        )
    }

    #[test]
    fn rows_read_as_people_say_them_filtered_and_ordered() {
        let mut hidden = boxed("c", "cat", 30.0, 30.0);
        hidden.hidden = true;
        let point = Annotation::new(
            "k",
            "person",
            Shape::Keypoints {
                points: vec![Keypoint {
                    name: "nose".into(),
                    x: 1.0,
                    y: 1.0,
                    visibility: Visibility::Visible,
                }],
            },
        );
        let task = Task {
            annotations: vec![
                boxed("a", "dog", 10.0, 20.0),
                boxed("b", "cat", 120.5, 80.0),
                hidden,
                point,
            ],
            ..Task::default()
        };
        let (all, total) = rows(Locale::En, &task, None, ListOrder::Task, 10);
        assert_eq!(total, 4);
        assert_eq!(
            (all[1].number, all[1].kind, all[1].size.as_str()),
            (2, "box", "121 × 80")
        );
        assert_eq!(all[3].size, "1 point");
        assert!(all[2].hidden && !all[2].locked);
        let (uk, _) = rows(Locale::Uk, &task, None, ListOrder::Task, 10);
        assert_eq!((uk[1].kind, uk[3].size.as_str()), ("рамка", "1 точка"));
        let (cats, total) = rows(Locale::En, &task, Some("cat"), ListOrder::Task, 10);
        assert_eq!((cats.len(), total), (2, 2));
        let (largest, _) = rows(Locale::En, &task, None, ListOrder::Largest, 2);
        assert_eq!(
            largest.iter().map(|r| r.id.0.as_str()).collect::<Vec<_>>(),
            ["b", "c"]
        );
        let (by_class, _) = rows(Locale::En, &task, None, ListOrder::Class, 10);
        assert_eq!(
            by_class.iter().map(|r| r.number).collect::<Vec<_>>(),
            [2, 3, 1, 4]
        );
    }
}
