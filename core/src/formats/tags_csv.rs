//! Whole-image tags as one-hot columns: Roboflow's multi-label classification CSV,
//! `filename,<tag>,<tag>,…` with a 1 where the image has the tag and a 0 where it does not,
//! read as easily by pandas as by a training script.
//!
//! Layout: `_classes.csv` beside the images, or with splits one `train/`, `valid/`, `test/`
//! folder each holding its images and `_classes.csv`. Every image has a row, tagged or not.
//! Reading trims the column names (Roboflow writes them with a leading space), accepts the
//! columns in any order, and names the line and column of anything that is not 0 or 1. Shapes
//! are not part of this layout.

use super::common::{self, join, ImageIndex};
use super::csv::{folder, read_table, SplitTables};
use super::{Dataset, DatasetFiles, Export, FormatError};
use crate::model::{ImageRef, LabelSet, Task};

/// The file name of the table in each folder.
pub const FILE: &str = "_classes.csv";

/// Writes one `_classes.csv` per split folder (or one at the root), a row per image.
pub fn export(dataset: &Dataset) -> Result<Export, FormatError> {
    let mut tags: Vec<String> = dataset.labels.tags.clone();
    for t in &dataset.tasks {
        for tag in &t.tags {
            if !tags.contains(tag) {
                tags.push(tag.clone());
            }
        }
    }
    let header = std::iter::once("filename".to_string())
        .chain(tags.iter().cloned())
        .collect();
    let mut tables = SplitTables::new(FILE, header);
    let mut images = Vec::new();
    for t in &dataset.tasks {
        let dir = folder(dataset.splits.get(&t.id).copied());
        let name = common::normalise(&common::export_image_name(t));
        images.push((t.id.clone(), join(dir, &name)));
        let row: Vec<String> = std::iter::once(name)
            .chain(
                tags.iter()
                    .map(|tag| u8::from(t.tags.contains(tag)).to_string()),
            )
            .collect();
        tables.row(dir, &row)?;
    }
    let files = tables.finish()?;
    Ok(Export { files, images })
}

/// Reads every `_classes.csv` of the folder; all or nothing.
pub fn import(files: &DatasetFiles) -> Result<Dataset, FormatError> {
    let paths: Vec<&str> = files
        .files
        .paths()
        .filter(|p| common::base_name(p) == FILE)
        .collect();
    if paths.is_empty() {
        return Err(FormatError::dataset(format!("no {FILE} found")));
    }
    let index = ImageIndex::new(files);
    let mut ds = Dataset::default();
    let mut order: Vec<String> = Vec::new();
    for path in paths {
        let dir = common::parent(path);
        let split = common::split_of_name(dir);
        let text = files.files.text(path)?;
        let (header, records) = read_table(path, text)?;
        let name_column = header
            .iter()
            .position(|h| h.eq_ignore_ascii_case("filename"))
            .ok_or_else(|| FormatError::at(path, "line 1", "no `filename` column"))?;
        for (k, tag) in header.iter().enumerate() {
            if k != name_column && tag.is_empty() {
                return Err(FormatError::at(
                    path,
                    "line 1",
                    format!("column {} has no name", k + 1),
                ));
            }
            if k != name_column && !order.contains(tag) {
                order.push(tag.clone());
            }
        }
        for (place, record) in records {
            let name = common::normalise(record.get(name_column).unwrap_or("").trim());
            if name.is_empty() {
                return Err(FormatError::at(path, &place, "empty filename"));
            }
            let mut tags = Vec::new();
            for (k, value) in record.iter().enumerate() {
                if k == name_column {
                    continue;
                }
                match value.trim() {
                    "1" => tags.push(header[k].clone()),
                    "0" | "" => {}
                    other => {
                        return Err(FormatError::at(
                            path,
                            &place,
                            format!("{}: {other:?} is not 0 or 1", header[k]),
                        ))
                    }
                }
            }
            let found = index
                .find(&[join(dir, &name), name.clone()], &name)
                .ok_or_else(|| {
                    FormatError::at(
                        path,
                        &place,
                        format!("image {name} not found beside {path}"),
                    )
                })?;
            let id = join(dir, &name);
            if let Some(s) = split {
                ds.splits.insert(id.clone(), s);
            }
            ds.tasks.push(Task {
                id,
                image: ImageRef {
                    src: found.path.clone(),
                    name,
                    width: found.width,
                    height: found.height,
                    ..Default::default()
                },
                tags,
                ..Task::default()
            });
        }
    }
    ds.labels = LabelSet {
        tags: order,
        multi_tag: true,
        ..LabelSet::default()
    };
    Ok(ds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{ImageFile, Split};

    fn with_images(paths: &[&str]) -> DatasetFiles {
        let mut f = DatasetFiles::default();
        for p in paths {
            f.images.insert(
                (*p).into(),
                ImageFile {
                    path: (*p).into(),
                    width: 8,
                    height: 6,
                },
            );
        }
        f
    }

    #[test]
    fn one_hot_rows_round_trip_with_splits() {
        let mut f = with_images(&["train/a.jpg", "train/b.jpg", "valid/c.jpg"]);
        f.files.insert(
            "train/_classes.csv",
            b"filename, cat, dog\na.jpg,1,1\nb.jpg,0,0\n".to_vec(),
        );
        f.files.insert(
            "valid/_classes.csv",
            b"filename, cat, dog\nc.jpg,0,1\n".to_vec(),
        );
        let d = import(&f).unwrap();
        assert_eq!(d.labels.tags, vec!["cat", "dog"]);
        assert!(d.labels.multi_tag);
        let tags = |id: &str| d.tasks.iter().find(|t| t.id == id).unwrap().tags.clone();
        assert_eq!(tags("train/a.jpg"), vec!["cat", "dog"]);
        assert!(tags("train/b.jpg").is_empty());
        assert_eq!(d.splits.get("valid/c.jpg"), Some(&Split::Valid));
        let out = export(&d).unwrap();
        assert_eq!(
            out.files
                .get("train/_classes.csv")
                .map(|b| String::from_utf8_lossy(b).into_owned()),
            Some("filename,cat,dog\na.jpg,1,1\nb.jpg,0,0\n".into())
        );
        let again = import(&DatasetFiles {
            files: out.files.clone(),
            images: f.images.clone(),
        })
        .unwrap();
        assert_eq!(
            again
                .tasks
                .iter()
                .map(|t| t.tags.clone())
                .collect::<Vec<_>>(),
            d.tasks.iter().map(|t| t.tags.clone()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn bad_cells_and_missing_images_are_named() {
        let mut f = with_images(&["a.jpg"]);
        f.files.insert(FILE, b"filename,cat\na.jpg,yes\n".to_vec());
        let e = import(&f).unwrap_err().to_string();
        assert!(
            e.contains("line 2") && e.contains("cat: \"yes\" is not 0 or 1"),
            "{e}"
        );
        f.files
            .insert(FILE, b"filename,cat\nmissing.jpg,1\n".to_vec());
        let e = import(&f).unwrap_err().to_string();
        assert!(e.contains("image missing.jpg not found"), "{e}");
        f.files.insert(FILE, b"name,cat\na.jpg,1\n".to_vec());
        assert!(import(&f)
            .unwrap_err()
            .to_string()
            .contains("no `filename` column"));
    }
}
