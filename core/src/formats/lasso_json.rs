//! Lasso JSON datasets: `lasso.json` holds the [`Dataset`] as it is, so nothing is lost.

use super::{Dataset, DatasetFiles, Export, FileTree, FormatError};

/// The file name of a Lasso JSON dataset.
pub const FILE: &str = "lasso.json";

/// The version written in `lasso.json`; readers refuse newer ones.
pub const VERSION: u32 = 1;

#[derive(serde::Serialize)]
struct Written<'a> {
    version: u32,
    #[serde(flatten)]
    dataset: &'a Dataset,
}

#[derive(serde::Deserialize)]
struct ReadVersion {
    version: u32,
}

/// Writes the dataset to `lasso.json`; images keep their names under `images/`.
pub fn export(dataset: &Dataset) -> Result<Export, FormatError> {
    let json = serde_json::to_vec_pretty(&Written {
        version: VERSION,
        dataset,
    })
    .map_err(|e| FormatError::file(FILE, e.to_string()))?;
    let mut files = FileTree::new();
    files.insert(FILE, json);
    let images = dataset
        .tasks
        .iter()
        .map(|t| (t.id.clone(), format!("images/{}", t.image.name)))
        .collect();
    Ok(Export { files, images })
}

/// Reads `lasso.json`.
pub fn import(files: &DatasetFiles) -> Result<Dataset, FormatError> {
    let text = files.files.text(FILE)?;
    // The version first: a newer file may not parse as this version's dataset at all.
    let read: ReadVersion = serde_json::from_str(text).map_err(|e| FormatError::json(FILE, &e))?;
    if read.version > VERSION {
        return Err(FormatError::at(
            FILE,
            "$.version",
            format!(
                "version {} is newer than this Lasso reads ({VERSION}); update Lasso",
                read.version
            ),
        ));
    }
    // The path of a bad value (`tasks[0].annotations[2].shape.x0`), not only its line.
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let line = e.inner().line();
        FormatError::at(
            FILE,
            format!("$.{} (line {line})", e.path()),
            e.inner().to_string(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Annotation, BoxShape, ImageRef, Label, LabelSet, Shape, Task};

    fn sample() -> Dataset {
        Dataset {
            labels: LabelSet {
                labels: vec![Label::new("cat", "#ff0000")],
                ..Default::default()
            },
            tasks: vec![Task {
                id: "t1".into(),
                image: ImageRef {
                    src: "images/a.jpg".into(),
                    name: "a.jpg".into(),
                    width: 64,
                    height: 48,
                    ..Default::default()
                },
                annotations: vec![Annotation::new(
                    "a1",
                    "cat",
                    Shape::Box(BoxShape {
                        x0: 1.5,
                        y0: 2.0,
                        x1: 30.0,
                        y1: 40.25,
                    }),
                )],
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn round_trips_and_places_images() {
        let ds = sample();
        let out = export(&ds).unwrap();
        assert_eq!(
            out.images,
            vec![("t1".to_string(), "images/a.jpg".to_string())]
        );
        let files = DatasetFiles {
            files: out.files,
            ..Default::default()
        };
        assert_eq!(import(&files).unwrap(), ds);
    }

    #[test]
    fn malformed_and_newer_files_name_the_place() {
        let mut files = DatasetFiles::default();
        files
            .files
            .insert(FILE, "{\"version\": 1,\n \"labels\": 3}");
        let err = import(&files).unwrap_err();
        assert_eq!(err.file, FILE);
        assert!(
            err.location.starts_with("$.labels") && err.location.contains("line 2"),
            "{err}"
        );
        files
            .files
            .insert(FILE, r#"{"version": 9, "labels": {}, "tasks": []}"#);
        let err = import(&files).unwrap_err();
        assert!(err.to_string().contains("newer"), "{err}");
    }
}
