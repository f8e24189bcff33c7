//! Packs an [`Export`] and its images into one zip archive in memory (the browser's "export as
//! zip" and the CLI's `--zip`). Annotation files are deflated; images are stored as they are,
//! since JPEG and PNG are compressed already.

use super::{Dataset, Export, FormatError, FormatName};
use std::io::Write as _;
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

/// Zips the export's files, then each `(path, bytes)` image, calling `progress(done, total)`
/// after every entry.
pub fn to_zip(
    export: &Export,
    images: &[(String, Vec<u8>)],
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<u8>, FormatError> {
    let total = export.files.len() + images.len();
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let fail = |path: &str, e: &dyn std::fmt::Display| FormatError::file(path, format!("zip: {e}"));
    let mut done = 0;
    let entries = export.files.iter().map(|(p, b)| (p, b, deflated)).chain(
        images
            .iter()
            .map(|(p, b)| (p.as_str(), b.as_slice(), stored)),
    );
    for (path, bytes, options) in entries {
        writer
            .start_file(path, options)
            .map_err(|e| fail(path, &e))?;
        writer.write_all(bytes).map_err(|e| fail(path, &e))?;
        done += 1;
        progress(done, total);
    }
    let cursor = writer.finish().map_err(|e| fail("", &e))?;
    Ok(cursor.into_inner())
}

/// The one file a single-task export is read from as text (`exportAs`): the format's main
/// file when it has one, else the export's only file. Binary formats (mask PNGs) have none.
pub fn main_text(format: FormatName, export: &Export) -> Result<String, FormatError> {
    let known = [
        super::lasso_json::FILE,
        super::label_studio::FILE,
        super::cvat::FILE,
    ];
    let path = known
        .iter()
        .find(|p| export.files.get(p).is_some())
        .map(|p| p.to_string())
        .or_else(|| {
            let paths: Vec<&str> = export.files.paths().collect();
            match paths.as_slice() {
                [one] => Some(one.to_string()),
                _ => None,
            }
        })
        .ok_or_else(|| {
            FormatError::dataset(format!(
                "{format} writes several files; export it as a zip instead"
            ))
        })?;
    export.files.text(&path).map(str::to_string)
}

/// A dataset of one task, with the task's label set.
pub fn single(task: &crate::model::Task) -> Dataset {
    Dataset {
        labels: task.labels.clone(),
        tasks: vec![task.clone()],
        ..Default::default()
    }
}

/// A dataset of several tasks (all the images of a browser, say). Their label sets are merged by
/// label name, first seen first, so class ids follow the first task's order; tags likewise.
pub fn many(tasks: Vec<crate::model::Task>) -> Dataset {
    let mut labels = crate::model::LabelSet::default();
    for task in &tasks {
        for label in &task.labels.labels {
            if labels.get(&label.name).is_none() {
                labels.labels.push(label.clone());
            }
        }
        for tag in &task.labels.tags {
            if !labels.tags.contains(tag) {
                labels.tags.push(tag.clone());
            }
        }
        labels.multi_tag |= task.labels.multi_tag;
    }
    Dataset {
        labels,
        tasks,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_tasks_share_one_label_set_merged_by_name_in_first_seen_order() {
        use crate::model::{Label, LabelSet, Task};
        let task = |id: &str, names: &[&str], tags: &[&str]| Task {
            id: id.into(),
            labels: LabelSet {
                labels: names.iter().map(|n| Label::new(*n, "#123456")).collect(),
                tags: tags.iter().map(|t| t.to_string()).collect(),
                multi_tag: false,
            },
            ..Default::default()
        };
        let ds = many(vec![
            task("a", &["cat", "dog"], &["day"]),
            task("b", &["dog", "bird"], &["night", "day"]),
        ]);
        let names: Vec<&str> = ds.labels.labels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["cat", "dog", "bird"]);
        assert_eq!(ds.labels.tags, ["day", "night"]);
        assert_eq!(ds.tasks.len(), 2);
    }
    use crate::formats::test_support::sample_dataset;
    use crate::formats::{export, ExportOptions};
    use std::io::Read as _;

    #[test]
    fn zips_files_and_images_that_read_back() {
        let out = export(
            FormatName::Cvat,
            &sample_dataset(),
            &ExportOptions::default(),
        )
        .unwrap();
        let images = vec![("images/a.jpg".to_string(), vec![0xFF, 0xD8, 1, 2, 3])];
        let mut seen = Vec::new();
        let bytes = to_zip(&out, &images, |d, t| seen.push((d, t))).unwrap();
        assert_eq!(seen, vec![(1, 2), (2, 2)]);
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        archive
            .by_name("annotations.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        assert_eq!(xml.as_bytes(), out.files.get("annotations.xml").unwrap());
        let mut img = archive.by_name("images/a.jpg").unwrap();
        assert_eq!(img.compression(), CompressionMethod::Stored);
        let mut raw = Vec::new();
        img.read_to_end(&mut raw).unwrap();
        assert_eq!(raw, images[0].1);
    }

    #[test]
    fn main_text_picks_the_annotation_file_and_refuses_binary_sets() {
        let ds = single(&sample_dataset().tasks[0]);
        let out = export(FormatName::LabelStudio, &ds, &ExportOptions::default()).unwrap();
        let text = main_text(FormatName::LabelStudio, &out).unwrap();
        assert!(text.trim_start().starts_with('['), "{text}");
        let out = export(FormatName::Masks, &ds, &ExportOptions::default()).unwrap();
        let e = main_text(FormatName::Masks, &out).unwrap_err();
        assert!(e.message.contains("zip"), "{e}");
    }
}
