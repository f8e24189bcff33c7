//! Classes made ready for training before an export: renamed, merged (several names become
//! one), dropped (their objects go), and images left without objects dropped — all named, so a
//! typo in a class name is refused rather than silently changing nothing.

use std::collections::{BTreeMap, BTreeSet};

use super::{Dataset, FormatError};

/// What a remap did, for the command's report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Remapped {
    /// Objects whose class changed.
    pub renamed: usize,
    /// Objects removed with their class.
    pub dropped: usize,
}

/// Reads one `OLD=NEW` (rename or merge) or `OLD=` (drop) mapping.
pub fn parse_mapping(text: &str) -> Result<(String, Option<String>), String> {
    let (old, new) = text.split_once('=').ok_or_else(|| {
        format!("{text:?}: a class mapping is OLD=NEW, or OLD= to drop the class")
    })?;
    let (old, new) = (old.trim(), new.trim());
    if old.is_empty() {
        return Err(format!("{text:?}: the class to map is missing before '='"));
    }
    Ok((old.to_owned(), (!new.is_empty()).then(|| new.to_owned())))
}

/// Renames, merges and drops classes by `map` (old name → new name, or `None` to drop). Every
/// old name must be a class of the dataset (its label set or an object's class).
pub fn remap(
    dataset: &mut Dataset,
    map: &BTreeMap<String, Option<String>>,
) -> Result<Remapped, FormatError> {
    let known: BTreeSet<&str> = dataset
        .labels
        .labels
        .iter()
        .map(|l| l.name.as_str())
        .chain(
            dataset
                .tasks
                .iter()
                .flat_map(|t| t.annotations.iter().map(|a| a.label.as_str())),
        )
        .collect();
    let unknown: Vec<&String> = map.keys().filter(|k| !known.contains(k.as_str())).collect();
    if !unknown.is_empty() {
        let list: Vec<&str> = known.iter().copied().collect();
        return Err(FormatError::dataset(format!(
            "no class named {unknown:?} in the dataset; its classes are {}",
            list.join(", ")
        )));
    }
    let mut done = Remapped::default();
    for task in &mut dataset.tasks {
        task.annotations.retain_mut(|a| match map.get(&a.label) {
            None => true,
            Some(None) => {
                done.dropped += 1;
                false
            }
            Some(Some(new)) => {
                if *new != a.label {
                    a.label = new.clone();
                    done.renamed += 1;
                }
                true
            }
        });
    }
    // The label set: renamed classes keep their definition, a merge keeps the first one's,
    // dropped classes go.
    let mut labels = Vec::with_capacity(dataset.labels.labels.len());
    for mut label in std::mem::take(&mut dataset.labels.labels) {
        match map.get(&label.name) {
            Some(None) => continue,
            Some(Some(new)) => label.name = new.clone(),
            None => {}
        }
        if !labels
            .iter()
            .any(|l: &crate::model::Label| l.name == label.name)
        {
            labels.push(label);
        }
    }
    dataset.labels.labels = labels;
    Ok(done)
}

/// Removes the images without objects (and their split entries); answers how many went.
pub fn drop_empty(dataset: &mut Dataset) -> usize {
    let before = dataset.tasks.len();
    let splits = &mut dataset.splits;
    dataset.tasks.retain(|t| {
        let keep = !t.annotations.is_empty();
        if !keep {
            splits.remove(&t.id);
        }
        keep
    });
    before - dataset.tasks.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Annotation, BoxShape, Label, LabelSet, Shape, Task};

    fn sample() -> Dataset {
        let boxed =
            |id: &str, label: &str| Annotation::new(id, label, Shape::Box(BoxShape::default()));
        Dataset {
            labels: LabelSet {
                labels: ["car", "truck", "person", "tree"]
                    .iter()
                    .map(|n| Label::new(*n, "#888888"))
                    .collect(),
                ..LabelSet::default()
            },
            tasks: vec![
                Task {
                    id: "1".into(),
                    annotations: vec![boxed("a", "car"), boxed("b", "truck"), boxed("c", "tree")],
                    ..Task::default()
                },
                Task {
                    id: "2".into(),
                    annotations: vec![boxed("d", "tree")],
                    ..Task::default()
                },
            ],
            ..Dataset::default()
        }
    }

    #[test]
    fn rename_merge_drop_and_empty_images() {
        let mut d = sample();
        d.splits.insert("2".into(), crate::formats::Split::Valid);
        let map: BTreeMap<String, Option<String>> = [
            parse_mapping("car=vehicle").unwrap(),
            parse_mapping("truck=vehicle").unwrap(),
            parse_mapping("tree=").unwrap(),
        ]
        .into();
        let done = remap(&mut d, &map).unwrap();
        assert_eq!(
            done,
            Remapped {
                renamed: 2,
                dropped: 2
            }
        );
        let names: Vec<&str> = d.labels.labels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, vec!["vehicle", "person"]);
        assert_eq!(d.tasks[0].annotations.len(), 2);
        assert_eq!(drop_empty(&mut d), 1);
        assert!(
            d.splits.is_empty(),
            "the dropped image's split entry goes too"
        );
        // A typo is refused by name, nothing changed.
        let mut d = sample();
        let bad: BTreeMap<String, Option<String>> = [parse_mapping("cra=car").unwrap()].into();
        let err = remap(&mut d, &bad).unwrap_err().to_string();
        assert!(err.contains("cra") && err.contains("truck"), "{err}");
        assert_eq!(d, sample());
        assert!(parse_mapping("car").is_err());
        assert!(parse_mapping("=car").is_err());
    }
}
