//! Agreement between two or more annotators' versions of one dataset: every pair scored
//! (the second against the first), overall and per class, over the images both have (matched
//! by image name), and the whole-image tags' chance-corrected agreement. What `lasso agree`
//! prints.

use std::collections::BTreeMap;

use serde::Serialize;

use super::coco_eval::{coco_scores, CocoSummary, IouType};
use super::kappa::{cohen_kappa, fleiss_kappa, krippendorff_alpha};
use super::matching::{match_tasks, per_class, PairStats};
use crate::formats::FormatError;
use crate::model::Task;

/// One annotator's version: a name and their tasks.
pub struct Rater<'a> {
    /// Who (a folder name, a user).
    pub name: String,
    /// Their tasks.
    pub tasks: &'a [Task],
}

/// Pair figures in a report (serialisable [`PairStats`] with its derived rates).
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Figures {
    /// Shapes of the first (the reference).
    pub first: usize,
    /// Shapes of the second.
    pub second: usize,
    /// Pairs matched one to one.
    pub matched: usize,
    /// Matched over the second's shapes.
    pub precision: f64,
    /// Matched over the first's shapes.
    pub recall: f64,
    /// Harmonic mean of the two.
    pub f1: f64,
    /// Mean IoU (OKS for keypoints) of the matched pairs.
    pub mean_iou: f64,
}

impl From<PairStats> for Figures {
    fn from(s: PairStats) -> Figures {
        Figures {
            first: s.first,
            second: s.second,
            matched: s.matched,
            precision: s.precision(),
            recall: s.recall(),
            f1: s.f1(),
            mean_iou: s.mean_iou(),
        }
    }
}

/// One pair of annotators.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PairReport {
    /// The reference.
    pub first: String,
    /// The one scored against it.
    pub second: String,
    /// Images both have.
    pub images: usize,
    /// All classes.
    pub overall: Figures,
    /// Per class name.
    pub classes: BTreeMap<String, Figures>,
    /// COCO's box AP of the second against the first as ground truth (what `COCOeval` reports).
    pub bbox: CocoSummary,
    /// COCO's mask AP, the same way.
    pub segm: CocoSummary,
}

/// Agreement on whole-image tags (each image's tags as one answer).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TagAgreement {
    /// Cohen's kappa per pair, over the images both tagged (`first/second` → kappa).
    pub cohen: BTreeMap<String, Option<f64>>,
    /// Fleiss' kappa over the images every annotator tagged (three or more annotators).
    pub fleiss: Option<f64>,
    /// Krippendorff's alpha (nominal) over every image, missing answers allowed.
    pub alpha: Option<f64>,
    /// Each tag on its own, as a yes/no question over the images every pair (or everyone)
    /// has: tag → figures, for multi-choice tagging where the whole answer rarely matches.
    pub per_tag: BTreeMap<String, TagFigures>,
}

/// One tag's agreement, as a yes/no answer per image.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TagFigures {
    /// Cohen's kappa per pair (`first/second`), over the images both have.
    pub cohen: BTreeMap<String, Option<f64>>,
    /// Fleiss' kappa over the images everyone has (three or more annotators).
    pub fleiss: Option<f64>,
}

/// The whole report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Agreement {
    /// The IoU (or OKS) at or above which two shapes of one class may match.
    pub threshold: f64,
    /// Every ordered pair `(i, j)` with `i < j`.
    pub pairs: Vec<PairReport>,
    /// Tags, when any image has some.
    pub tags: Option<TagAgreement>,
}

/// The name an image is matched by across annotators.
fn image_key(task: &Task) -> String {
    crate::formats::export_image_name(task)
}

fn by_image(tasks: &[Task]) -> BTreeMap<String, &Task> {
    tasks.iter().map(|t| (image_key(t), t)).collect()
}

/// `state/gold/<t>/<u>.json`: how u's result of gold task t compares with its accepted result
/// (the reference first), as counts so that they add up over tasks.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct GoldScore {
    /// Who.
    pub user: String,
    /// Shapes of the reference.
    pub reference: usize,
    /// Shapes the person drew.
    pub drawn: usize,
    /// Matched one to one (same class, IoU ≥ 0.5).
    pub matched: usize,
    /// Sum of the matched pairs' IoU.
    pub total_iou: f64,
}

/// How `drawn` compares with a gold `reference` of the same image: same class, one to one at
/// IoU ≥ 0.5, as counts that add up over tasks.
pub fn gold_score(user: &str, reference: &Task, drawn: &Task) -> GoldScore {
    let matches = match_tasks(reference, drawn, 0.5);
    GoldScore {
        user: user.to_owned(),
        reference: reference.annotations.len(),
        drawn: drawn.annotations.len(),
        matched: matches.len(),
        total_iou: matches.iter().map(|m| m.iou).sum(),
    }
}

/// Scores `second` against `first` over the images both have. Fails only when a shape cannot
/// be written as COCO (a mask whose size is not its image's), naming it.
pub fn pair(
    first: &Rater<'_>,
    second: &Rater<'_>,
    threshold: f64,
) -> Result<PairReport, FormatError> {
    let (a, b) = (by_image(first.tasks), by_image(second.tasks));
    let mut overall = PairStats::EMPTY;
    let mut classes: BTreeMap<String, PairStats> = BTreeMap::new();
    let mut images = 0;
    for (name, ta) in &a {
        let Some(tb) = b.get(name) else { continue };
        images += 1;
        let matches = match_tasks(ta, tb, threshold);
        overall.add(PairStats::of(
            &matches,
            ta.annotations.len(),
            tb.annotations.len(),
        ));
        for (label, s) in per_class(&ta.annotations, &tb.annotations, &matches) {
            classes.entry(label).or_insert(PairStats::EMPTY).add(s);
        }
    }
    Ok(PairReport {
        first: first.name.clone(),
        second: second.name.clone(),
        images,
        overall: overall.into(),
        classes: classes.into_iter().map(|(k, v)| (k, v.into())).collect(),
        bbox: coco_scores(first.tasks, second.tasks, IouType::Bbox)?,
        segm: coco_scores(first.tasks, second.tasks, IouType::Segm)?,
    })
}

/// An image's tags as one answer (`None` when it has none).
fn answer(task: Option<&&Task>) -> Option<String> {
    let t = task?;
    if t.tags.is_empty() {
        return None;
    }
    let mut tags = t.tags.clone();
    tags.sort();
    Some(tags.join("+"))
}

/// Per tag: Cohen's kappa per pair and Fleiss' kappa on "has the tag", over images present
/// (`Some`) for the raters compared.
fn per_tag(maps: &[BTreeMap<String, &Task>], names: &[String]) -> BTreeMap<String, TagFigures> {
    let mut images: Vec<&String> = maps.iter().flat_map(|m| m.keys()).collect();
    images.sort();
    images.dedup();
    let mut tags: Vec<&String> = maps
        .iter()
        .flat_map(|m| m.values().flat_map(|t| &t.tags))
        .collect();
    tags.sort();
    tags.dedup();
    tags.into_iter()
        .map(|tag| {
            // has[image][rater]
            let has: Vec<Vec<Option<bool>>> = images
                .iter()
                .map(|img| {
                    maps.iter()
                        .map(|m| m.get(*img).map(|t| t.tags.contains(tag)))
                        .collect()
                })
                .collect();
            let mut cohen = BTreeMap::new();
            for i in 0..names.len() {
                for j in i + 1..names.len() {
                    let (x, y): (Vec<bool>, Vec<bool>) = has
                        .iter()
                        .filter_map(|row| Some((row[i]?, row[j]?)))
                        .unzip();
                    cohen.insert(format!("{}/{}", names[i], names[j]), cohen_kappa(&x, &y));
                }
            }
            let fleiss = (names.len() >= 3)
                .then(|| {
                    let table: Vec<Vec<usize>> = has
                        .iter()
                        .filter(|row| row.iter().all(Option::is_some))
                        .map(|row| {
                            let yes = row.iter().filter(|v| **v == Some(true)).count();
                            vec![yes, row.len() - yes]
                        })
                        .collect();
                    fleiss_kappa(&table)
                })
                .flatten();
            (tag.clone(), TagFigures { cohen, fleiss })
        })
        .collect()
}

/// The report for all `raters` (at least two); fails as [`pair`] does.
pub fn agreement(raters: &[Rater<'_>], threshold: f64) -> Result<Agreement, FormatError> {
    let mut pairs = Vec::new();
    for i in 0..raters.len() {
        for j in i + 1..raters.len() {
            pairs.push(pair(&raters[i], &raters[j], threshold)?);
        }
    }
    let maps: Vec<BTreeMap<String, &Task>> = raters.iter().map(|r| by_image(r.tasks)).collect();
    let mut images: Vec<&String> = maps.iter().flat_map(|m| m.keys()).collect();
    images.sort();
    images.dedup();
    // answers[image][rater]
    let answers: Vec<Vec<Option<String>>> = images
        .iter()
        .map(|img| maps.iter().map(|m| answer(m.get(*img))).collect())
        .collect();
    let any = answers.iter().flatten().any(Option::is_some);
    let tags = any.then(|| {
        let mut cohen = BTreeMap::new();
        for i in 0..raters.len() {
            for j in i + 1..raters.len() {
                let both: Vec<(&String, &String)> = answers
                    .iter()
                    .filter_map(|row| Some((row[i].as_ref()?, row[j].as_ref()?)))
                    .collect();
                let (x, y): (Vec<&String>, Vec<&String>) = both.into_iter().unzip();
                cohen.insert(
                    format!("{}/{}", raters[i].name, raters[j].name),
                    cohen_kappa(&x, &y),
                );
            }
        }
        let fleiss = (raters.len() >= 3)
            .then(|| {
                let mut categories: Vec<&String> = answers.iter().flatten().flatten().collect();
                categories.sort();
                categories.dedup();
                let table: Vec<Vec<usize>> = answers
                    .iter()
                    .filter(|row| row.iter().all(Option::is_some))
                    .map(|row| {
                        categories
                            .iter()
                            .map(|c| row.iter().filter(|a| a.as_ref() == Some(*c)).count())
                            .collect()
                    })
                    .collect();
                fleiss_kappa(&table)
            })
            .flatten();
        // Krippendorff's data are rater-major: one row per annotator.
        let data: Vec<Vec<Option<String>>> = (0..raters.len())
            .map(|r| answers.iter().map(|row| row[r].clone()).collect())
            .collect();
        let names: Vec<String> = raters.iter().map(|r| r.name.clone()).collect();
        TagAgreement {
            cohen,
            fleiss,
            alpha: krippendorff_alpha(&data),
            per_tag: per_tag(&maps, &names),
        }
    });
    Ok(Agreement {
        threshold,
        pairs,
        tags,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Annotation, BoxShape, ImageRef, Shape};
    use proptest::prelude::*;

    fn task(name: &str, boxes: &[(f64, f64, &str)], tags: &[&str]) -> Task {
        Task {
            id: name.into(),
            image: ImageRef {
                src: format!("images/{name}"),
                name: name.into(),
                width: 200,
                height: 200,
                ..Default::default()
            },
            annotations: boxes
                .iter()
                .enumerate()
                .map(|(i, (x, y, label))| {
                    Annotation::new(
                        format!("a{i}"),
                        *label,
                        Shape::Box(BoxShape {
                            x0: *x,
                            y0: *y,
                            x1: x + 20.0,
                            y1: y + 10.0,
                        }),
                    )
                })
                .collect(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            ..Task::default()
        }
    }

    #[test]
    fn pairs_classes_and_tags() {
        let a = vec![
            task(
                "1.jpg",
                &[(0.0, 0.0, "car"), (50.0, 50.0, "person")],
                &["day"],
            ),
            task("2.jpg", &[(10.0, 10.0, "car")], &["night"]),
        ];
        let b = vec![
            task(
                "1.jpg",
                &[(1.0, 0.0, "car"), (150.0, 150.0, "person")],
                &["day"],
            ),
            task(
                "2.jpg",
                &[(10.0, 10.0, "car"), (90.0, 90.0, "car")],
                &["day"],
            ),
            task("3.jpg", &[(0.0, 0.0, "car")], &[]),
        ];
        let raters = [
            Rater {
                name: "ann".into(),
                tasks: &a,
            },
            Rater {
                name: "ben".into(),
                tasks: &b,
            },
        ];
        let r = agreement(&raters, 0.5).unwrap();
        let p = &r.pairs[0];
        assert_eq!(p.images, 2, "only the images both have");
        assert_eq!(
            (p.overall.first, p.overall.second, p.overall.matched),
            (3, 4, 2)
        );
        assert_eq!(
            (
                p.classes["car"].first,
                p.classes["car"].second,
                p.classes["car"].matched
            ),
            (2, 3, 2)
        );
        assert_eq!(p.classes["person"].matched, 0);
        assert!(
            (p.classes["car"].mean_iou - (19.0 * 10.0 / (21.0 * 10.0) + 1.0) / 2.0).abs() < 1e-12
        );
        let tags = r.tags.unwrap();
        assert_eq!(tags.cohen.len(), 1);
        assert!(tags.fleiss.is_none(), "two annotators");
    }

    fn arb_tasks() -> impl Strategy<Value = Vec<Task>> {
        proptest::collection::vec(
            proptest::collection::vec((0u8..150, 0u8..150, 0usize..3), 0..6),
            1..5,
        )
        .prop_map(|images| {
            images
                .iter()
                .enumerate()
                .map(|(i, boxes)| {
                    let b: Vec<(f64, f64, &str)> = boxes
                        .iter()
                        .map(|(x, y, l)| (f64::from(*x), f64::from(*y), ["car", "bus", "cat"][*l]))
                        .collect();
                    task(&format!("{i}.png"), &b, &[])
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn agreement_with_itself_is_perfect_and_pairs_are_symmetric(a in arb_tasks(), b in arb_tasks()) {
            let me = [Rater { name: "a".into(), tasks: &a }, Rater { name: "b".into(), tasks: &a }];
            let r = agreement(&me, 0.5).unwrap();
            let o = &r.pairs[0].overall;
            prop_assert_eq!(o.matched, o.first);
            if o.first > 0 {
                prop_assert_eq!((o.precision, o.recall), (1.0, 1.0));
                prop_assert!((o.mean_iou - 1.0).abs() < 1e-12);
            }
            let ab = pair(&Rater { name: "a".into(), tasks: &a }, &Rater { name: "b".into(), tasks: &b }, 0.5).unwrap();
            let ba = pair(&Rater { name: "b".into(), tasks: &b }, &Rater { name: "a".into(), tasks: &a }, 0.5).unwrap();
            prop_assert_eq!(ab.overall.matched, ba.overall.matched);
            prop_assert_eq!((ab.overall.first, ab.overall.second), (ba.overall.second, ba.overall.first));
            prop_assert!((ab.overall.mean_iou - ba.overall.mean_iou).abs() < 1e-9);
            prop_assert!((ab.overall.f1 - ba.overall.f1).abs() < 1e-12);
        }
    }
}
