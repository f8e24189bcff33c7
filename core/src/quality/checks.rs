//! Consistency checks of one labelled image: what a project asks before work is submitted
//! (`project.json` `checks`), and what `lasso check` reports about a dataset. Each failure
//! names the shape it is about, so a panel can select it.
//!
//! Always checked: classes that are not in the label set, masks of another size than the
//! image, geometry that is not valid (crossing outlines, too few points). Checked when the
//! project asks: attributes left unset, shapes smaller than a size, shapes leaving the image,
//! near-duplicates of one class, keypoint sets missing points of their skeleton, classes
//! allowed only with certain image tags.

use crate::i18n::{self, Locale};
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::geometry::{bounds, iou, validate};
use crate::model::{LabelSet, Shape, Task, Visibility};

/// The checks a project turns on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checks {
    /// Every attribute a class defines must have a value.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required_attributes: bool,
    /// Shapes whose bounds are narrower or lower than this many pixels fail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_size: Option<f64>,
    /// Shapes must stay inside the image.
    #[serde(default, skip_serializing_if = "is_false")]
    pub inside_image: bool,
    /// Two shapes of one class overlapping by more than this IoU are near-duplicates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_iou: Option<f64>,
    /// Keypoint sets must place every point of their class's skeleton.
    #[serde(default, skip_serializing_if = "is_false")]
    pub complete_keypoints: bool,
    /// Classes allowed only on images with at least one of these tags (class → tags).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub class_tags: BTreeMap<String, Vec<String>>,
    /// Failures stop a submission (otherwise they are shown and the work goes through).
    #[serde(default, skip_serializing_if = "is_false")]
    pub block: bool,
}

fn is_false(v: &bool) -> bool {
    !*v
}

impl Checks {
    /// What `lasso check` looks for: shapes leaving the image, near-duplicates above 0.95.
    pub fn dataset() -> Checks {
        Checks {
            inside_image: true,
            duplicate_iou: Some(0.95),
            ..Checks::default()
        }
    }

    /// Checks the settings themselves, naming the field.
    pub fn check(&self) -> Result<(), String> {
        if let Some(m) = self.min_size {
            if !(m.is_finite() && m >= 0.0) {
                return Err(format!(
                    "checks.min_size is {m}, it must be a size in pixels"
                ));
            }
        }
        if let Some(t) = self.duplicate_iou {
            if !(t > 0.0 && t <= 1.0) {
                return Err(format!(
                    "checks.duplicate_iou is {t}, it must be within (0, 1]"
                ));
            }
        }
        Ok(())
    }
}

/// One failed check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// Which check (`unknown_class`, `mask_size`, `geometry`, `attribute`, `min_size`,
    /// `outside`, `duplicate`, `keypoints`, `class_tags`).
    pub check: String,
    /// The shape it is about.
    pub annotation: String,
    /// What is wrong, for people.
    pub message: String,
}

/// Every failure of `task` against its label set and `checks`, shape by shape, each said in
/// words of `locale`.
pub fn run(locale: Locale, task: &Task, labels: &LabelSet, checks: &Checks) -> Vec<Failure> {
    let say =
        |id: &'static str, args: &[(&str, &dyn std::fmt::Display)]| i18n::format(locale, id, args);
    let num = |v: f64, d: usize| i18n::number(locale, v, d);
    let mut out = Vec::new();
    let (w, h) = (f64::from(task.image.width), f64::from(task.image.height));
    let mut fail = |check: &str, annotation: &str, message: String| {
        out.push(Failure {
            check: check.to_owned(),
            annotation: annotation.to_owned(),
            message,
        });
    };
    let allowed_by_tags = |class: &str| match checks.class_tags.get(class) {
        Some(tags) => tags.iter().any(|t| task.tags.contains(t)),
        None => true,
    };
    for a in &task.annotations {
        let id = a.id.0.as_str();
        let label = labels.get(&a.label);
        if label.is_none() {
            fail(
                "unknown_class",
                id,
                say(
                    "check.unknown_class",
                    &[("class", &format!("{:?}", a.label))],
                ),
            );
        }
        if let (Shape::Mask(m), true) = (&a.shape, w > 0.0 && h > 0.0) {
            if (m.width, m.height) != (task.image.width, task.image.height) {
                fail(
                    "mask_size",
                    id,
                    say(
                        "check.mask_size",
                        &[
                            ("mw", &m.width),
                            ("mh", &m.height),
                            ("w", &task.image.width),
                            ("h", &task.image.height),
                        ],
                    ),
                );
            }
        }
        for p in validate(&a.shape) {
            fail("geometry", id, p.to_string());
        }
        if let (true, Some(label)) = (checks.required_attributes, label) {
            for def in &label.attributes {
                if !a.attributes.contains_key(&def.name) {
                    fail(
                        "attribute",
                        id,
                        say(
                            "check.attribute",
                            &[("name", &format!("{:?}", def.name)), ("class", &a.label)],
                        ),
                    );
                }
            }
        }
        let b = bounds(&a.shape);
        if let (Some(min), Some(b)) = (checks.min_size, b) {
            let (bw, bh) = (b.x1 - b.x0, b.y1 - b.y0);
            if bw < min || bh < min {
                fail(
                    "min_size",
                    id,
                    say(
                        "check.min_size",
                        &[
                            ("w", &num(bw, 1)),
                            ("h", &num(bh, 1)),
                            ("min", &i18n::number_as_is(locale, min)),
                        ],
                    ),
                );
            }
        }
        if let (true, Some(b)) = (checks.inside_image && w > 0.0 && h > 0.0, b) {
            let eps = 1e-6;
            if b.x0 < -eps || b.y0 < -eps || b.x1 > w + eps || b.y1 > h + eps {
                fail(
                    "outside",
                    id,
                    say(
                        "check.outside",
                        &[
                            ("w", &task.image.width),
                            ("h", &task.image.height),
                            ("x0", &num(b.x0, 1)),
                            ("y0", &num(b.y0, 1)),
                            ("x1", &num(b.x1, 1)),
                            ("y1", &num(b.y1, 1)),
                        ],
                    ),
                );
            }
        }
        if let (true, Some(label), Shape::Keypoints { points }) =
            (checks.complete_keypoints, label, &a.shape)
        {
            let placed = points
                .iter()
                .filter(|p| p.visibility != Visibility::NotLabeled)
                .count();
            if !label.keypoints.is_empty() && placed < label.keypoints.len() {
                fail(
                    "keypoints",
                    id,
                    say(
                        "check.keypoints",
                        &[
                            ("placed", &placed),
                            ("n", &label.keypoints.len()),
                            ("class", &a.label),
                        ],
                    ),
                );
            }
        }
        if !allowed_by_tags(&a.label) {
            let tags = checks
                .class_tags
                .get(&a.label)
                .map(|t| t.join(", "))
                .unwrap_or_default();
            fail(
                "class_tags",
                id,
                say("check.class_tags", &[("class", &a.label), ("tags", &tags)]),
            );
        }
    }
    if let Some(limit) = checks.duplicate_iou {
        duplicates(locale, task, limit, &mut out);
    }
    out
}

/// Pairs of one class overlapping above `limit` (bounds first: most pairs are far apart).
fn duplicates(locale: Locale, task: &Task, limit: f64, out: &mut Vec<Failure>) {
    let boxes: Vec<_> = task.annotations.iter().map(|a| bounds(&a.shape)).collect();
    for i in 0..task.annotations.len() {
        for j in i + 1..task.annotations.len() {
            let (a, b) = (&task.annotations[i], &task.annotations[j]);
            if a.label != b.label {
                continue;
            }
            let overlap = match (&boxes[i], &boxes[j]) {
                (Some(p), Some(q)) => p.x0 < q.x1 && q.x0 < p.x1 && p.y0 < q.y1 && q.y0 < p.y1,
                _ => false,
            };
            if !overlap {
                continue;
            }
            let v = iou(&a.shape, &b.shape, task.image.width, task.image.height);
            if v > limit {
                out.push(Failure {
                    check: "duplicate".into(),
                    annotation: a.id.0.clone(),
                    message: i18n::format(
                        locale,
                        "check.duplicate",
                        &[("other", &b.id), ("iou", &i18n::number(locale, v, 3))],
                    ),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Annotation, AttributeDef, AttributeKind, BoxShape, ImageRef, Keypoint, Label, Point,
    };

    fn boxed(id: &str, label: &str, x: f64, s: f64) -> Annotation {
        Annotation::new(
            id,
            label,
            Shape::Box(BoxShape::from_corners(
                Point::new(x, 10.0),
                Point::new(x + s, 10.0 + s),
            )),
        )
    }

    #[test]
    fn each_check_names_its_shape() {
        let mut car = Label::new("car", "#f00");
        car.attributes.push(AttributeDef {
            name: "make".into(),
            kind: AttributeKind::Text,
        });
        let mut person = Label::new("person", "#0f0");
        person.keypoints = vec!["head".into(), "foot".into()];
        let labels = LabelSet {
            labels: vec![car, person, Label::new("boat", "#00f")],
            ..LabelSet::default()
        };
        let task = Task {
            image: ImageRef {
                width: 100,
                height: 100,
                ..Default::default()
            },
            annotations: vec![
                boxed("small", "car", 10.0, 2.0),
                boxed("out", "car", 90.0, 20.0),
                boxed("dup1", "car", 40.0, 20.0),
                boxed("dup2", "car", 40.0, 20.0),
                boxed("ufo", "ufo", 5.0, 20.0),
                boxed("boat", "boat", 60.0, 10.0),
                Annotation::new(
                    "kp",
                    "person",
                    Shape::Keypoints {
                        points: vec![Keypoint {
                            name: "head".into(),
                            x: 5.0,
                            y: 5.0,
                            visibility: Visibility::Visible,
                        }],
                    },
                ),
            ],
            ..Task::default()
        };
        let none = run(Locale::En, &task, &labels, &Checks::default());
        assert_eq!(
            none.iter().map(|f| f.check.as_str()).collect::<Vec<_>>(),
            vec!["unknown_class"],
            "only the checks that are always on"
        );
        let all = Checks {
            required_attributes: true,
            min_size: Some(5.0),
            inside_image: true,
            duplicate_iou: Some(0.9),
            complete_keypoints: true,
            class_tags: [("boat".to_string(), vec!["sea".to_string()])].into(),
            block: true,
        };
        let found: Vec<(String, String)> = run(Locale::En, &task, &labels, &all)
            .into_iter()
            .map(|f| (f.check, f.annotation))
            .collect();
        for expected in [
            ("min_size", "small"),
            ("outside", "out"),
            ("duplicate", "dup1"),
            ("unknown_class", "ufo"),
            ("class_tags", "boat"),
            ("keypoints", "kp"),
            ("attribute", "dup2"),
        ] {
            assert!(
                found.contains(&(expected.0.to_string(), expected.1.to_string())),
                "{expected:?} in {found:?}"
            );
        }
        let mut tagged = task.clone();
        tagged.tags.push("sea".into());
        assert!(!run(Locale::En, &tagged, &labels, &all)
            .iter()
            .any(|f| f.check == "class_tags"));
        assert!(Checks {
            duplicate_iou: Some(1.5),
            ..Checks::default()
        }
        .check()
        .unwrap_err()
        .contains("duplicate_iou"));
    }
}
