//! Train/validation/test splits by ratio and seed, deterministic, keeping class balance.
//!
//! Images are grouped by their *rarest* label — among the classes of their objects and their
//! whole-image tags (the classes of a classification dataset), the one the fewest images of the
//! dataset carry; images with neither form their own group — because a rare class or tag is the
//! one a random split most easily leaves out of validation or test. Each group
//! is shuffled with a seeded generator ([`crate::random`]: SplitMix64, the same on every platform
//! and version) and cut by the ratios with largest-remainder rounding, so every
//! group's share of each split is within one image of its ratio.

use super::{Dataset, FormatError, Split};
use crate::random::Random;
use std::collections::{BTreeMap, HashMap, HashSet};

/// How many of `n` items each ratio gets: floors, then the largest remainders get one more.
fn apportion(n: usize, ratios: [f64; 3]) -> [usize; 3] {
    let total: f64 = ratios.iter().sum();
    let exact = ratios.map(|r| n as f64 * r / total);
    let mut counts = exact.map(|e| e.floor() as usize);
    let mut left = n - counts.iter().sum::<usize>();
    let mut order = [0usize, 1, 2];
    order.sort_by(|&a, &b| {
        let (ra, rb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for &i in order.iter().cycle() {
        if left == 0 {
            break;
        }
        if ratios[i] > 0.0 {
            counts[i] += 1;
            left -= 1;
        }
    }
    counts
}

/// Each image's group: the rarest of its classes and whole-image tags by image count (a tag as
/// `tag <name>`, apart from the classes; ties to the class, then by name); `None` for images
/// with neither.
pub fn strata(dataset: &Dataset) -> BTreeMap<Option<String>, Vec<String>> {
    let mut images_with: HashMap<String, usize> = HashMap::new();
    let labels_of = |t: &crate::model::Task| -> HashSet<String> {
        t.annotations
            .iter()
            .map(|a| a.label.clone())
            .chain(t.tags.iter().map(|g| format!("tag {g}")))
            .collect()
    };
    for t in &dataset.tasks {
        for label in labels_of(t) {
            *images_with.entry(label).or_default() += 1;
        }
    }
    let mut groups: BTreeMap<Option<String>, Vec<String>> = BTreeMap::new();
    for t in &dataset.tasks {
        let key = labels_of(t).into_iter().min_by(|a, b| {
            images_with[a]
                .cmp(&images_with[b])
                .then(a.starts_with("tag ").cmp(&b.starts_with("tag ")))
                .then(a.cmp(b))
        });
        groups.entry(key).or_default().push(t.id.clone());
    }
    groups
}

/// Assigns every task to train, valid or test by `ratios` (any non-negative weights with a
/// positive sum, e.g. `[0.8, 0.1, 0.1]`) and `seed`. The same dataset, ratios and seed always
/// give the same split, whatever the task order.
pub fn assign(
    dataset: &Dataset,
    ratios: [f64; 3],
    seed: u64,
) -> Result<BTreeMap<String, Split>, FormatError> {
    if ratios.iter().any(|r| !r.is_finite() || *r < 0.0) || ratios.iter().sum::<f64>() <= 0.0 {
        return Err(FormatError::dataset(format!(
            "split ratios must be non-negative with a positive sum, not {ratios:?}"
        )));
    }
    let mut out = BTreeMap::new();
    for (key, mut ids) in strata(dataset) {
        ids.sort();
        // Each group gets its own stream, so adding images of one class leaves the others be.
        let salt = key
            .as_deref()
            .unwrap_or("")
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            });
        let mut rng = Random::from_state(seed ^ salt);
        for i in (1..ids.len()).rev() {
            // Modulo: its tiny bias does not matter for shuffling, and the split stays as it was.
            let j = (rng.next_u64() % (i as u64 + 1)) as usize;
            ids.swap(i, j);
        }
        let [train, valid, _] = apportion(ids.len(), ratios);
        for (i, id) in ids.into_iter().enumerate() {
            let split = if i < train {
                Split::Train
            } else if i < train + valid {
                Split::Valid
            } else {
                Split::Test
            };
            out.insert(id, split);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Annotation, BoxShape, Shape, Task};
    use proptest::prelude::*;

    fn dataset(classes: &[Vec<u8>]) -> Dataset {
        Dataset {
            tasks: classes
                .iter()
                .enumerate()
                .map(|(i, cs)| Task {
                    id: format!("t{i}"),
                    annotations: cs
                        .iter()
                        .enumerate()
                        .map(|(k, c)| {
                            Annotation::new(
                                k.to_string(),
                                format!("c{c}"),
                                Shape::Box(BoxShape::default()),
                            )
                        })
                        .collect(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn a_rare_tag_of_a_classification_dataset_reaches_every_split() {
        // 90 cats and 10 dogs, tagged, no objects.
        let tasks = (0..100)
            .map(|i| Task {
                id: format!("t{i}"),
                tags: vec![if i < 90 { "cat" } else { "dog" }.to_string()],
                ..Default::default()
            })
            .collect();
        let ds = Dataset {
            tasks,
            ..Default::default()
        };
        let split = assign(&ds, [0.8, 0.1, 0.1], 3).unwrap();
        let dogs: Vec<Split> = (90..100).map(|i| split[&format!("t{i}")]).collect();
        for (s, want) in [(Split::Train, 8), (Split::Valid, 1), (Split::Test, 1)] {
            assert_eq!(dogs.iter().filter(|&&x| x == s).count(), want, "{s:?}");
        }
    }

    #[test]
    fn a_rare_tag_on_images_with_objects_reaches_every_split_too() {
        // 100 images of cars; 10 of them are night shots (a tag): stratified by the rarer label.
        let mut ds = dataset(&vec![vec![0u8]; 100]);
        for t in ds.tasks.iter_mut().skip(90) {
            t.tags = vec!["night".into()];
        }
        let groups = strata(&ds);
        assert_eq!(groups[&Some("tag night".to_string())].len(), 10);
        let split = assign(&ds, [0.8, 0.1, 0.1], 5).unwrap();
        let nights: Vec<Split> = (90..100).map(|i| split[&format!("t{i}")]).collect();
        for (s, want) in [(Split::Train, 8), (Split::Valid, 1), (Split::Test, 1)] {
            assert_eq!(nights.iter().filter(|&&x| x == s).count(), want, "{s:?}");
        }
    }

    #[test]
    fn apportion_sums_and_follows_ratios() {
        assert_eq!(apportion(10, [0.8, 0.1, 0.1]), [8, 1, 1]);
        assert_eq!(apportion(7, [0.8, 0.1, 0.1]), [5, 1, 1]);
        assert_eq!(apportion(3, [1.0, 0.0, 0.0]), [3, 0, 0]);
        assert_eq!(apportion(0, [0.5, 0.5, 0.0]), [0, 0, 0]);
    }

    #[test]
    fn a_rare_class_reaches_every_split() {
        // 90 images of a common class, 10 that also carry a rare one.
        let mut classes = vec![vec![0u8]; 90];
        classes.extend(vec![vec![0u8, 1]; 10]);
        let ds = dataset(&classes);
        let split = assign(&ds, [0.8, 0.1, 0.1], 7).unwrap();
        let rare: Vec<Split> = (90..100).map(|i| split[&format!("t{i}")]).collect();
        for s in [Split::Train, Split::Valid, Split::Test] {
            let want = if s == Split::Train { 8 } else { 1 };
            assert_eq!(rare.iter().filter(|&&x| x == s).count(), want, "{s:?}");
        }
    }

    #[test]
    fn bad_ratios_are_refused() {
        let ds = dataset(&[vec![0]]);
        assert!(assign(&ds, [0.0, 0.0, 0.0], 1).is_err());
        assert!(assign(&ds, [-1.0, 2.0, 0.0], 1).is_err());
        assert!(assign(&ds, [f64::NAN, 2.0, 0.0], 1).is_err());
    }

    proptest! {
        #[test]
        fn ratios_hold_per_stratum_and_seeds_repeat(
            classes in proptest::collection::vec(proptest::collection::vec(0u8..5, 0..4), 0..80),
            r in (0u8..10, 0u8..10, 0u8..10).prop_filter("positive", |(a, b, c)| a + b + c > 0),
            seed in any::<u64>(),
        ) {
            let ds = dataset(&classes);
            let ratios = [f64::from(r.0), f64::from(r.1), f64::from(r.2)];
            let split = assign(&ds, ratios, seed).unwrap();
            prop_assert_eq!(split.len(), ds.tasks.len());
            let total: f64 = ratios.iter().sum();
            for ids in strata(&ds).values() {
                let n = ids.len() as f64;
                for (k, s) in [Split::Train, Split::Valid, Split::Test].into_iter().enumerate() {
                    let got = ids.iter().filter(|id| split[*id] == s).count() as f64;
                    prop_assert!((got - n * ratios[k] / total).abs() < 1.0 + 1e-9, "{s:?}: {got} of {n}");
                }
            }
            prop_assert_eq!(&assign(&ds, ratios, seed).unwrap(), &split);
            let mut reversed = ds.clone();
            reversed.tasks.reverse();
            prop_assert_eq!(&assign(&reversed, ratios, seed).unwrap(), &split);
        }
    }
}
