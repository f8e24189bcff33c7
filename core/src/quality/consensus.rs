//! Consensus of several annotators' results: shapes that at least `m` of the `k` annotators
//! drew alike become one shape, their geometry combined; whole-image tags by majority; what has
//! no consensus is listed for a reviewer.
//!
//! Clusters: every pair of annotators is matched one to one ([`super::matching`]); the matched
//! pairs are joined, highest IoU first, into clusters that never hold two shapes of one
//! annotator. Annotators are taken in the order of their names, so the order they are given in
//! never changes the result. A cluster's geometry: boxes and rotated boxes by the median of
//! each coordinate, keypoints by the median of each labelled point (visibility by majority),
//! masks by pixel majority, polygons and mixed kinds through their masks (pycocotools'
//! rasterisation) and traced back to polygons. Identical shapes stay exactly as drawn.

use std::collections::BTreeMap;

use serde::Serialize;

use super::matching::match_annotations;
use crate::geometry::as_mask;
use crate::model::{
    Annotation, AnnotationId, AttributeValue, BoxShape, Keypoint, PolygonShape, RotatedBox, Shape,
    Task, Visibility,
};
use crate::raster::contour::mask_to_polygons;
use crate::raster::mask::RunMask;
use crate::raster::rle::Rle;

/// How much agreement makes a consensus.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ConsensusOptions {
    /// Annotators who must have drawn a shape for it to be kept (`m` of `k`).
    pub min_votes: usize,
    /// IoU (OKS for keypoints) at or above which two shapes are the same object.
    pub threshold: f64,
}

/// A shape (a cluster of alike shapes) too few annotators drew.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Disputed {
    /// Its class.
    pub label: String,
    /// Who drew it, by name.
    pub by: Vec<String>,
    /// Their shapes, in the same order.
    pub annotations: Vec<Annotation>,
}

/// The consensus of one image.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImageConsensus {
    /// Shapes enough annotators agree on.
    pub annotations: Vec<Annotation>,
    /// Tags more than half the annotators gave.
    pub tags: Vec<String>,
    /// Shapes without consensus.
    pub disputed: Vec<Disputed>,
    /// Tags some but not most annotators gave.
    pub disputed_tags: Vec<String>,
}

/// numpy's median: the middle value, or the mean of the two middle ones.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Union–find over shapes that refuses to join two shapes of one annotator.
struct Clusters {
    parent: Vec<usize>,
    annotators: Vec<Vec<usize>>,
}

impl Clusters {
    fn new(owners: &[usize]) -> Self {
        Clusters {
            parent: (0..owners.len()).collect(),
            annotators: owners.iter().map(|&o| vec![o]).collect(),
        }
    }

    fn root(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn join(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra == rb
            || self.annotators[ra]
                .iter()
                .any(|o| self.annotators[rb].contains(o))
        {
            return;
        }
        let (keep, gone) = (ra.min(rb), ra.max(rb));
        self.parent[gone] = keep;
        let moved = std::mem::take(&mut self.annotators[gone]);
        self.annotators[keep].extend(moved);
    }
}

/// The consensus of one image drawn by several annotators (`(name, task)`, names distinct),
/// on an image of `width × height`.
pub fn consensus(versions: &[(&str, &Task)], options: ConsensusOptions) -> ImageConsensus {
    let mut order: Vec<usize> = (0..versions.len()).collect();
    order.sort_by(|&a, &b| versions[a].0.cmp(versions[b].0));
    let versions: Vec<(&str, &Task)> = order.iter().map(|&i| versions[i]).collect();
    let (width, height) = versions.iter().fold((0, 0), |(w, h), (_, t)| {
        (w.max(t.image.width), h.max(t.image.height))
    });
    // Every shape as a node: (annotator, index in their list).
    let nodes: Vec<(usize, usize)> = versions
        .iter()
        .enumerate()
        .flat_map(|(r, (_, t))| (0..t.annotations.len()).map(move |i| (r, i)))
        .collect();
    let offsets: Vec<usize> = versions
        .iter()
        .scan(0, |acc, (_, t)| {
            let start = *acc;
            *acc += t.annotations.len();
            Some(start)
        })
        .collect();
    let mut edges: Vec<(f64, usize, usize)> = Vec::new();
    for r in 0..versions.len() {
        for s in r + 1..versions.len() {
            let (a, b) = (&versions[r].1.annotations, &versions[s].1.annotations);
            for m in match_annotations(
                a,
                b,
                options.threshold,
                width,
                height,
                &versions[r].1.labels,
            ) {
                edges.push((m.iou, offsets[r] + m.a, offsets[s] + m.b));
            }
        }
    }
    edges.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    let owners: Vec<usize> = nodes.iter().map(|n| n.0).collect();
    let mut clusters = Clusters::new(&owners);
    for &(_, a, b) in &edges {
        clusters.join(a, b);
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for n in 0..nodes.len() {
        let r = clusters.root(n);
        groups.entry(r).or_default().push(n);
    }
    let mut out = ImageConsensus {
        annotations: Vec::new(),
        tags: Vec::new(),
        disputed: Vec::new(),
        disputed_tags: Vec::new(),
    };
    // Groups are keyed by their smallest node: the canonical first annotator's shape order.
    let mut used_ids: Vec<AnnotationId> = Vec::new();
    for members in groups.values() {
        let shapes: Vec<&Annotation> = members
            .iter()
            .map(|&n| &versions[nodes[n].0].1.annotations[nodes[n].1])
            .collect();
        if members.len() >= options.min_votes.max(1) {
            let mut a = combine(&shapes, width, height);
            if used_ids.contains(&a.id) {
                a.id = AnnotationId(format!("{}-{}", a.id.0, members[0]));
            }
            used_ids.push(a.id.clone());
            out.annotations.push(a);
        } else {
            out.disputed.push(Disputed {
                label: shapes[0].label.clone(),
                by: members
                    .iter()
                    .map(|&n| versions[nodes[n].0].0.to_owned())
                    .collect(),
                annotations: shapes.into_iter().cloned().collect(),
            });
        }
    }
    let mut votes: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, t) in &versions {
        let mut tags: Vec<&str> = t.tags.iter().map(String::as_str).collect();
        tags.sort_unstable();
        tags.dedup();
        for tag in tags {
            *votes.entry(tag).or_default() += 1;
        }
    }
    for (tag, n) in votes {
        if n * 2 > versions.len() {
            out.tags.push(tag.to_owned());
        } else {
            out.disputed_tags.push(tag.to_owned());
        }
    }
    out
}

/// One shape from a cluster of alike ones (all of one class): the first one's identity, the
/// combined geometry, each attribute's most common value.
fn combine(shapes: &[&Annotation], width: u32, height: u32) -> Annotation {
    let mut a = shapes[0].clone();
    if shapes.iter().any(|s| s.origin != a.origin) {
        a.origin = crate::model::Origin::Human;
    }
    a.shape = combine_shapes(shapes, width, height);
    a.attributes = BTreeMap::new();
    let mut keys: Vec<&String> = shapes.iter().flat_map(|s| s.attributes.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let values: Vec<&AttributeValue> = shapes
            .iter()
            .filter_map(|s| s.attributes.get(key))
            .collect();
        if values.len() * 2 <= shapes.len() {
            continue;
        }
        let mut best: Option<(&AttributeValue, usize)> = None;
        for v in &values {
            let n = values.iter().filter(|w| **w == *v).count();
            if best.is_none_or(|(_, b)| n > b) {
                best = Some((v, n));
            }
        }
        if let Some((v, _)) = best {
            a.attributes.insert(key.clone(), v.clone());
        }
    }
    a
}

fn combine_shapes(shapes: &[&Annotation], width: u32, height: u32) -> Shape {
    let first = &shapes[0].shape;
    if shapes.iter().all(|s| s.shape == *first) {
        return first.clone();
    }
    let med = |f: &dyn Fn(&Shape) -> Option<f64>| {
        median(shapes.iter().filter_map(|s| f(&s.shape)).collect())
    };
    match first {
        Shape::Box(_) if shapes.iter().all(|s| matches!(s.shape, Shape::Box(_))) => {
            let c = |k: usize| {
                med(&|s| match s {
                    Shape::Box(b) => Some([b.x0, b.y0, b.x1, b.y1][k]),
                    _ => None,
                })
            };
            Shape::Box(BoxShape {
                x0: c(0),
                y0: c(1),
                x1: c(2),
                y1: c(3),
            })
        }
        Shape::RotatedBox(_)
            if shapes
                .iter()
                .all(|s| matches!(s.shape, Shape::RotatedBox(_))) =>
        {
            let c = |k: usize| {
                med(&|s| match s {
                    Shape::RotatedBox(r) => Some([r.cx, r.cy, r.w, r.h, r.angle][k]),
                    _ => None,
                })
            };
            Shape::RotatedBox(RotatedBox {
                cx: c(0),
                cy: c(1),
                w: c(2),
                h: c(3),
                angle: c(4),
            })
        }
        Shape::Keypoints { points } => {
            let sets: Vec<&Vec<Keypoint>> = shapes
                .iter()
                .filter_map(|s| match &s.shape {
                    Shape::Keypoints { points: p } if p.len() == points.len() => Some(p),
                    _ => None,
                })
                .collect();
            Shape::Keypoints {
                points: points
                    .iter()
                    .enumerate()
                    .map(|(i, p)| combine_point(p, &sets, i))
                    .collect(),
            }
        }
        _ => combine_areas(shapes, width, height),
    }
}

/// Point `i` of a skeleton: visibility by majority, position the median of the labelled ones.
fn combine_point(base: &Keypoint, sets: &[&Vec<Keypoint>], i: usize) -> Keypoint {
    let labelled: Vec<&Keypoint> = sets
        .iter()
        .map(|s| &s[i])
        .filter(|p| p.visibility != Visibility::NotLabeled)
        .collect();
    if labelled.len() * 2 <= sets.len() {
        return Keypoint {
            visibility: Visibility::NotLabeled,
            ..base.clone()
        };
    }
    let visible = labelled
        .iter()
        .filter(|p| p.visibility == Visibility::Visible)
        .count();
    Keypoint {
        name: base.name.clone(),
        x: median(labelled.iter().map(|p| p.x).collect()),
        y: median(labelled.iter().map(|p| p.y).collect()),
        visibility: if visible * 2 >= labelled.len() {
            Visibility::Visible
        } else {
            Visibility::Occluded
        },
    }
}

/// Areas of any kind by pixel majority: a mask when every shape is one, else polygons traced
/// from the voted mask. When no pixel has a majority, the first shape stands.
fn combine_areas(shapes: &[&Annotation], width: u32, height: u32) -> Shape {
    let masks: Vec<Rle> = shapes
        .iter()
        .filter_map(|s| as_mask(&s.shape, width, height))
        .collect();
    let voted = match Rle::vote(&masks, masks.len() / 2 + 1) {
        Ok(v) if v.area() > 0 => v,
        _ => return shapes[0].shape.clone(),
    };
    if shapes.iter().all(|s| matches!(s.shape, Shape::Mask(_))) {
        return Shape::Mask(voted.to_model());
    }
    Shape::Polygon(PolygonShape {
        parts: mask_to_polygons(&RunMask::from_rle(&voted)),
    })
}

/// What has no consensus on one image.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImageDisputes {
    /// The image's name.
    pub image: String,
    /// How many annotators had the image.
    pub annotators: usize,
    /// Shapes too few drew.
    pub shapes: Vec<Disputed>,
    /// Tags some but not most gave.
    pub tags: Vec<String>,
}

/// The consensus of whole datasets, one per annotator (images matched by name).
#[derive(Clone, Debug, PartialEq)]
pub struct DatasetConsensus {
    /// One task per image: the first annotator's (by name) task with the consensus in it.
    pub tasks: Vec<Task>,
    /// Images with anything left for a reviewer.
    pub disputes: Vec<ImageDisputes>,
}

/// Consensus image by image over `raters` (names distinct). An image counts the annotators
/// who have it: `k` may differ from image to image, `m` does not.
pub fn consensus_tasks(raters: &[super::Rater<'_>], options: ConsensusOptions) -> DatasetConsensus {
    let mut by_name: Vec<&super::Rater<'_>> = raters.iter().collect();
    by_name.sort_by(|a, b| a.name.cmp(&b.name));
    let mut images: Vec<String> = Vec::new();
    let mut versions: BTreeMap<String, Vec<(&str, &Task)>> = BTreeMap::new();
    for r in &by_name {
        for t in r.tasks {
            let key = crate::formats::export_image_name(t);
            let entry = versions.entry(key.clone()).or_default();
            if entry.is_empty() {
                images.push(key);
            }
            entry.push((r.name.as_str(), t));
        }
    }
    let mut out = DatasetConsensus {
        tasks: Vec::new(),
        disputes: Vec::new(),
    };
    for image in images {
        let Some(v) = versions.get(&image) else {
            continue;
        };
        let c = consensus(v, options);
        let mut task = v[0].1.clone();
        task.annotations = c.annotations;
        task.tags = c.tags;
        out.tasks.push(task);
        if !c.disputed.is_empty() || !c.disputed_tags.is_empty() {
            out.disputes.push(ImageDisputes {
                image,
                annotators: v.len(),
                shapes: c.disputed,
                tags: c.disputed_tags,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ImageRef, Point};
    use proptest::prelude::*;

    fn task(shapes: Vec<Annotation>, tags: &[&str]) -> Task {
        Task {
            id: "t".into(),
            image: ImageRef {
                src: "a.png".into(),
                name: "a.png".into(),
                width: 100,
                height: 100,
                ..Default::default()
            },
            annotations: shapes,
            tags: tags.iter().map(|t| t.to_string()).collect(),
            ..Task::default()
        }
    }

    fn boxed(id: &str, label: &str, x: f64, y: f64, s: f64) -> Annotation {
        Annotation::new(
            id,
            label,
            Shape::Box(BoxShape::from_corners(
                Point::new(x, y),
                Point::new(x + s, y + s),
            )),
        )
    }

    const TWO_OF_THREE: ConsensusOptions = ConsensusOptions {
        min_votes: 2,
        threshold: 0.5,
    };

    #[test]
    fn two_of_three_keep_a_box_by_median_and_list_the_lone_one() {
        let ann = task(
            vec![
                boxed("a", "car", 10.0, 10.0, 20.0),
                boxed("b", "dog", 60.0, 60.0, 10.0),
            ],
            &["day", "city"],
        );
        let ben = task(vec![boxed("x", "car", 12.0, 10.0, 20.0)], &["day"]);
        let cy = task(
            vec![boxed("y", "car", 11.0, 11.0, 22.0)],
            &["night", "city"],
        );
        let c = consensus(&[("ann", &ann), ("ben", &ben), ("cy", &cy)], TWO_OF_THREE);
        assert_eq!(c.annotations.len(), 1);
        assert_eq!(
            c.annotations[0].shape,
            Shape::Box(BoxShape {
                x0: 11.0,
                y0: 10.0,
                x1: 32.0,
                y1: 30.0
            })
        );
        assert_eq!(c.annotations[0].id.0, "a");
        assert_eq!(c.disputed.len(), 1);
        assert_eq!(
            (c.disputed[0].label.as_str(), c.disputed[0].by.clone()),
            ("dog", vec!["ann".to_string()])
        );
        assert_eq!(c.tags, vec!["city", "day"]);
        assert_eq!(c.disputed_tags, vec!["night"]);
    }

    #[test]
    fn polygons_meet_by_pixel_majority() {
        let square = |id: &str, x: f64| {
            Annotation::new(
                id,
                "roof",
                Shape::Polygon(PolygonShape::simple(vec![
                    Point::new(x, 10.0),
                    Point::new(x + 40.0, 10.0),
                    Point::new(x + 40.0, 50.0),
                    Point::new(x, 50.0),
                ])),
            )
        };
        let (a, b, c) = (
            task(vec![square("p", 10.0)], &[]),
            task(vec![square("q", 12.0)], &[]),
            task(vec![square("r", 14.0)], &[]),
        );
        let out = consensus(&[("a", &a), ("b", &b), ("c", &c)], TWO_OF_THREE);
        let Shape::Polygon(p) = &out.annotations[0].shape else {
            panic!("a polygon: {:?}", out.annotations[0].shape)
        };
        // Two of three cover x from 12 to 52.
        let mask = crate::raster::polygon::shape_polygon_to_rle(p, 100, 100);
        let middle = crate::raster::polygon::shape_polygon_to_rle(
            &PolygonShape::simple(vec![
                Point::new(12.0, 10.0),
                Point::new(52.0, 10.0),
                Point::new(52.0, 50.0),
                Point::new(12.0, 50.0),
            ]),
            100,
            100,
        );
        assert_eq!(mask, middle);
    }

    fn any_result() -> impl Strategy<Value = Vec<Annotation>> {
        prop::collection::vec((0usize..2, 0.0f64..80.0, 0.0f64..80.0, 2.0f64..20.0), 0..8).prop_map(
            |v| {
                v.into_iter()
                    .enumerate()
                    .map(|(i, (l, x, y, s))| boxed(&format!("s{i}"), ["a", "b"][l], x, y, s))
                    .collect()
            },
        )
    }

    proptest! {
        /// k copies of one result agree on everything: the consensus is that result.
        #[test]
        fn consensus_of_copies_is_the_result(shapes in any_result(), k in 1usize..5) {
            let t = task(shapes.clone(), &["x"]);
            let names: Vec<String> = (0..k).map(|i| format!("p{i}")).collect();
            let versions: Vec<(&str, &Task)> = names.iter().map(|n| (n.as_str(), &t)).collect();
            let c = consensus(&versions, ConsensusOptions { min_votes: k, threshold: 0.5 });
            prop_assert_eq!(c.annotations, shapes);
            prop_assert!(c.disputed.is_empty());
            prop_assert_eq!(c.tags, vec!["x".to_string()]);
        }

        /// Whatever order the annotators come in, the consensus is the same.
        #[test]
        fn annotator_order_never_matters(a in any_result(), b in any_result(), c in any_result(), m in 1usize..4) {
            let (ta, tb, tc) = (task(a, &["t"]), task(b, &[]), task(c, &["t"]));
            let o = ConsensusOptions { min_votes: m, threshold: 0.4 };
            let first = consensus(&[("ann", &ta), ("ben", &tb), ("cy", &tc)], o);
            for order in [[2usize, 0, 1], [1, 2, 0], [2, 1, 0]] {
                let all = [("ann", &ta), ("ben", &tb), ("cy", &tc)];
                let shuffled: Vec<(&str, &Task)> = order.iter().map(|&i| all[i]).collect();
                prop_assert_eq!(&consensus(&shuffled, o), &first);
            }
        }
    }
}
