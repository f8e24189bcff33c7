//! A dataset's health, in numbers: objects and images per class and per split, whole-image tags,
//! objects per image, box sizes, shapes and sizes (COCO's small/medium/large), image sizes, tiny
//! objects, images without objects, and the classes that need more examples. What `lasso stats`
//! prints (and `--json` writes).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Dataset, Split};
use crate::geometry::bounds;

/// Objects narrower or lower than this many pixels are counted as tiny (hard to learn, often
/// slips of the mouse).
pub const TINY_PX: f64 = 4.0;

/// Box aspect (width / height) bins, in order: upper bounds, the last open.
pub const ASPECT_BINS: [(&str, f64); 6] = [
    ("<1:4", 0.25),
    ("1:4–1:2", 0.5),
    ("1:2–1:1", 1.0),
    ("1:1–2:1", 2.0),
    ("2:1–4:1", 4.0),
    (">4:1", f64::INFINITY),
];

/// Numbers of one class.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ClassHealth {
    /// Objects of the class.
    pub objects: usize,
    /// Images with at least one.
    pub images: usize,
    /// Objects per split (`train`, `val`, `test`, `none`).
    pub per_split: BTreeMap<String, usize>,
    /// Fewer images than a quarter of the median class, or than ten: collect more.
    pub needs_more: bool,
}

/// Quantiles of a set of values (nearest rank).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Spread {
    /// Smallest.
    pub min: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub median: f64,
    /// 75th percentile.
    pub p75: f64,
    /// Largest.
    pub max: f64,
}

/// The report.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Health {
    /// Images.
    pub images: usize,
    /// Objects.
    pub objects: usize,
    /// Images without any object.
    pub empty_images: usize,
    /// Per class (every class of the label set, even without objects).
    pub classes: BTreeMap<String, ClassHealth>,
    /// Images per whole-image tag.
    pub tags: BTreeMap<String, usize>,
    /// Images per split.
    pub splits: BTreeMap<String, usize>,
    /// Objects per image.
    pub objects_per_image: Spread,
    /// Box widths in pixels.
    pub box_width: Spread,
    /// Box heights in pixels.
    pub box_height: Spread,
    /// Boxes by aspect (width : height).
    pub aspect: BTreeMap<String, usize>,
    /// Boxes by COCO size: `small` (< 32²), `medium`, `large` (≥ 96²).
    pub size: BTreeMap<String, usize>,
    /// Images per `width×height`.
    pub image_sizes: BTreeMap<String, usize>,
    /// Objects under [`TINY_PX`] in width or height.
    pub tiny_objects: usize,
}

fn spread(mut values: Vec<f64>) -> Spread {
    values.sort_by(f64::total_cmp);
    let q = |p: f64| {
        if values.is_empty() {
            return 0.0;
        }
        let rank = ((p * values.len() as f64).ceil() as usize).clamp(1, values.len());
        values[rank - 1]
    };
    Spread {
        min: q(0.0),
        p25: q(0.25),
        median: q(0.5),
        p75: q(0.75),
        max: q(1.0),
    }
}

fn split_name(split: Option<&Split>) -> String {
    match split {
        Some(Split::Train) => "train",
        Some(Split::Valid) => "val",
        Some(Split::Test) => "test",
        None => "none",
    }
    .to_owned()
}

/// The health of `dataset`.
pub fn health(dataset: &Dataset) -> Health {
    let mut h = Health {
        images: dataset.tasks.len(),
        ..Health::default()
    };
    for l in &dataset.labels.labels {
        h.classes.entry(l.name.clone()).or_default();
    }
    for (name, _) in ASPECT_BINS {
        h.aspect.insert(name.to_owned(), 0);
    }
    for size in ["small", "medium", "large"] {
        h.size.insert(size.to_owned(), 0);
    }
    let (mut per_image, mut widths, mut heights) = (Vec::new(), Vec::new(), Vec::new());
    for t in &dataset.tasks {
        let split = split_name(dataset.splits.get(&t.id));
        *h.splits.entry(split.clone()).or_default() += 1;
        *h.image_sizes
            .entry(format!("{}×{}", t.image.width, t.image.height))
            .or_default() += 1;
        for tag in &t.tags {
            *h.tags.entry(tag.clone()).or_default() += 1;
        }
        per_image.push(t.annotations.len() as f64);
        h.objects += t.annotations.len();
        if t.annotations.is_empty() {
            h.empty_images += 1;
        }
        let mut seen = std::collections::BTreeSet::new();
        for a in &t.annotations {
            let c = h.classes.entry(a.label.clone()).or_default();
            c.objects += 1;
            *c.per_split.entry(split.clone()).or_default() += 1;
            if seen.insert(a.label.as_str()) {
                c.images += 1;
            }
            let Some(b) = bounds(&a.shape) else { continue };
            let (w, hh) = (b.x1 - b.x0, b.y1 - b.y0);
            widths.push(w);
            heights.push(hh);
            if w < TINY_PX || hh < TINY_PX {
                h.tiny_objects += 1;
            }
            let aspect = if hh > 0.0 { w / hh } else { f64::INFINITY };
            let bin = ASPECT_BINS
                .iter()
                .find(|(_, upper)| aspect < *upper)
                .map_or(ASPECT_BINS[5].0, |(name, _)| name);
            *h.aspect.entry(bin.to_owned()).or_default() += 1;
            let area = w * hh;
            let size = if area < 1024.0 {
                "small"
            } else if area < 9216.0 {
                "medium"
            } else {
                "large"
            };
            *h.size.entry(size.to_owned()).or_default() += 1;
        }
    }
    let mut counts: Vec<usize> = h.classes.values().map(|c| c.images).collect();
    counts.sort_unstable();
    let median = counts.get(counts.len() / 2).copied().unwrap_or(0);
    for c in h.classes.values_mut() {
        c.needs_more = c.images * 4 < median || c.images < 10;
    }
    h.objects_per_image = spread(per_image);
    h.box_width = spread(widths);
    h.box_height = spread(heights);
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Annotation, BoxShape, ImageRef, Label, LabelSet, Point, Shape, Task};

    #[test]
    fn classes_splits_shapes_and_the_rare_class() {
        let boxed = |label: &str, w: f64, h: f64| {
            Annotation::new(
                "",
                label,
                Shape::Box(BoxShape::from_corners(
                    Point::new(0.0, 0.0),
                    Point::new(w, h),
                )),
            )
        };
        let mut tasks: Vec<Task> = (0..40)
            .map(|i| Task {
                id: format!("{i}"),
                image: ImageRef {
                    width: 640,
                    height: 480,
                    ..Default::default()
                },
                annotations: vec![boxed("car", 100.0, 50.0)],
                ..Task::default()
            })
            .collect();
        tasks[0].annotations.push(boxed("bike", 2.0, 20.0));
        tasks[1].annotations.clear();
        tasks[1].tags.push("night".into());
        let mut d = Dataset {
            labels: LabelSet {
                labels: vec![
                    Label::new("car", "#f00"),
                    Label::new("bike", "#0f0"),
                    Label::new("bus", "#00f"),
                ],
                ..LabelSet::default()
            },
            tasks,
            ..Dataset::default()
        };
        d.splits.insert("0".into(), Split::Valid);
        let h = health(&d);
        assert_eq!((h.images, h.objects, h.empty_images), (40, 40, 1));
        assert_eq!(h.classes["car"].images, 39);
        assert_eq!(h.classes["bike"].per_split["val"], 1);
        assert!(h.classes["bike"].needs_more && h.classes["bus"].needs_more);
        assert!(!h.classes["car"].needs_more);
        assert_eq!(h.tiny_objects, 1);
        assert_eq!(h.aspect["1:1–2:1"], 0);
        assert_eq!(h.aspect["2:1–4:1"], 39);
        assert_eq!(h.aspect["<1:4"], 1);
        assert_eq!(h.size["large"], 0);
        assert_eq!(h.size["medium"], 39);
        assert_eq!(h.image_sizes["640×480"], 40);
        assert_eq!(h.tags["night"], 1);
        assert_eq!((h.splits["val"], h.splits["none"]), (1, 39));
    }
}
