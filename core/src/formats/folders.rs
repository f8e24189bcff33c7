//! Image classification folders, as torchvision's `ImageFolder`, Keras'
//! `image_dataset_from_directory` and Roboflow's folder export lay them out: each image in a
//! folder named after its class, under `train/`, `val/` (also read: `valid/`, `test/`) when the
//! dataset has splits. A class is a whole-image tag; `classes.txt` lists the classes in order
//! (so empty classes and their order survive a round trip).
//!
//! Reading: the innermost folder of an image is its class ([`crate::import::class_from_path`],
//! the rule local folders use in the browser); a first folder that names a split puts the image
//! in it. Writing: an image goes into the folder of its first tag (classification gives an image
//! one class); an image without a tag stays at the top of its split, where these loaders see no
//! class. Shapes are not part of this layout.

use super::common::{export_image_name, split_dir};
use super::{Dataset, DatasetFiles, Export, FileTree, FormatError, Split};
use crate::model::{ImageRef, LabelSet, Task};

/// The list of classes, one per line, in the label set's tag order.
pub const FILE: &str = "classes.txt";

/// The split a top folder names exactly (`train`, `val`, `valid`, `test`), if any.
fn split_folder(name: &str) -> Option<Split> {
    match name.to_ascii_lowercase().as_str() {
        "train" => Some(Split::Train),
        "val" | "valid" | "validation" => Some(Split::Valid),
        "test" => Some(Split::Test),
        _ => None,
    }
}

/// Reads a folder of class folders; every image found becomes a task tagged with its class.
pub fn import(files: &DatasetFiles) -> Result<Dataset, FormatError> {
    if files.images.is_empty() {
        return Err(FormatError::dataset(
            "no images found: a classification dataset keeps each image in a folder named after its class",
        ));
    }
    let mut dataset = Dataset::default();
    let mut order: Vec<String> = match files.files.get(FILE) {
        Some(bytes) => std::str::from_utf8(bytes)
            .map_err(|_| FormatError::file(FILE, "not UTF-8 text"))?
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        None => Vec::new(),
    };
    for (path, image) in &files.images {
        let (split, within) = match path.split_once('/') {
            Some((top, rest)) if rest.contains('/') || split_folder(top).is_some() => {
                match split_folder(top) {
                    Some(s) => (Some(s), rest),
                    None => (None, path.as_str()),
                }
            }
            _ => (None, path.as_str()),
        };
        let class = crate::import::class_from_path(within);
        if let Some(c) = &class {
            if !order.contains(c) {
                order.push(c.clone());
            }
        }
        let task = Task {
            id: path.clone(),
            image: ImageRef {
                src: path.clone(),
                name: path.clone(),
                width: image.width,
                height: image.height,
                ..Default::default()
            },
            tags: class.into_iter().collect(),
            ..Task::default()
        };
        if let Some(s) = split {
            dataset.splits.insert(task.id.clone(), s);
        }
        dataset.tasks.push(task);
    }
    dataset.labels = LabelSet {
        tags: order,
        ..LabelSet::default()
    };
    Ok(dataset)
}

/// The file name of a task's image, without the folders it came from.
fn file_name(task: &Task) -> String {
    let name = export_image_name(task);
    name.rsplit('/').next().unwrap_or(&name).to_owned()
}

/// Writes each image into its split's folder of its class, and `classes.txt`.
pub fn export(dataset: &Dataset) -> Result<Export, FormatError> {
    let mut classes: Vec<String> = dataset.labels.tags.clone();
    for t in &dataset.tasks {
        if let Some(first) = t.tags.first() {
            if !classes.contains(first) {
                classes.push(first.clone());
            }
        }
    }
    if let Some(bad) = classes.iter().find(|c| {
        c.contains('/') || c.contains('\\') || c.trim().is_empty() || *c == ".." || *c == "."
    }) {
        return Err(FormatError::dataset(format!(
            "class {bad:?} cannot be a folder name; rename it"
        )));
    }
    let mut files = FileTree::new();
    let list: String = classes.iter().map(|c| format!("{c}\n")).collect();
    files.insert(FILE, list.into_bytes());
    let images = dataset
        .tasks
        .iter()
        .map(|t| {
            let mut path = String::new();
            if let Some(s) = dataset.splits.get(&t.id) {
                path.push_str(split_dir(*s));
                path.push('/');
            }
            if let Some(class) = t.tags.first() {
                path.push_str(class);
                path.push('/');
            }
            path.push_str(&file_name(t));
            (t.id.clone(), path)
        })
        .collect();
    Ok(Export { files, images })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::ImageFile;

    fn files(paths: &[&str], classes: Option<&str>) -> DatasetFiles {
        let mut f = DatasetFiles::default();
        for p in paths {
            f.images.insert(
                (*p).to_owned(),
                ImageFile {
                    path: (*p).to_owned(),
                    width: 8,
                    height: 6,
                },
            );
        }
        if let Some(text) = classes {
            f.files.insert(FILE, text.as_bytes().to_vec());
        }
        f
    }

    #[test]
    fn splits_and_classes_round_trip() {
        let input = files(
            &[
                "train/cat/a.jpg",
                "train/dog/b.jpg",
                "val/cat/c.jpg",
                "loose.jpg",
            ],
            Some("dog\ncat\nbird\n"),
        );
        let d = import(&input).unwrap();
        assert_eq!(
            d.labels.tags,
            vec!["dog", "cat", "bird"],
            "classes.txt keeps order and empty classes"
        );
        let a = d.tasks.iter().find(|t| t.id == "train/cat/a.jpg").unwrap();
        assert_eq!(a.tags, vec!["cat"]);
        assert_eq!(d.splits.get("val/cat/c.jpg"), Some(&Split::Valid));
        assert!(d
            .tasks
            .iter()
            .find(|t| t.id == "loose.jpg")
            .unwrap()
            .tags
            .is_empty());
        let out = export(&d).unwrap();
        let mut paths: Vec<&str> = out.images.iter().map(|(_, p)| p.as_str()).collect();
        paths.sort_unstable();
        assert_eq!(
            paths,
            vec![
                "loose.jpg",
                "train/cat/a.jpg",
                "train/dog/b.jpg",
                "val/cat/c.jpg"
            ]
        );
        assert_eq!(out.files.get(FILE), Some(&b"dog\ncat\nbird\n"[..]));
        // Without splits: class folders at the top.
        let flat = import(&files(&["cat/x.png", "dog/y.png"], None)).unwrap();
        assert!(flat.splits.is_empty());
        assert_eq!(flat.labels.tags, vec!["cat", "dog"]);
    }

    #[test]
    fn bad_input_is_named() {
        assert!(import(&DatasetFiles::default())
            .unwrap_err()
            .to_string()
            .contains("no images"));
        let mut d = import(&files(&["cat/x.png"], None)).unwrap();
        d.tasks[0].tags = vec!["a/b".into()];
        assert!(export(&d).unwrap_err().to_string().contains("a/b"));
    }
}
